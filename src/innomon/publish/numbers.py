"""Numbers as the report prints them: one formatting path for text, tables and chart labels.

Dutch: decimal comma and a narrow no-break space (U+202F, the thin space that never breaks a
number over two lines) between thousands — ``5 576``, ``36,2%``. English: decimal point and comma
thousands — ``5,576``, ``36.2%``. Ranges use an en dash: ``31,0–41,2``.
"""

from __future__ import annotations

import math

THIN_SPACE = "\u202f"
_SEPARATORS = {"nl": (",", THIN_SPACE), "en": (".", ",")}

# d3-format locales for the charts' axes, so that axis ticks follow the same convention
D3_LOCALES = {
    "nl": {"decimal": ",", "thousands": THIN_SPACE, "grouping": [3], "currency": ["€ ", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}


def format_number(value: float | int, lang: str, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` places with the language's separators."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"cannot format {value!r}")
    decimal, thousands = _SEPARATORS.get(lang, _SEPARATORS["en"])
    text = f"{abs(value):,.{decimals}f}"
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", thousands)
    out = whole + (decimal + frac if frac else "")
    negative = round(value, decimals) < 0
    return ("−" if negative else "") + out


def format_percent(value: float, lang: str, decimals: int = 1) -> str:
    return format_number(value, lang, decimals) + "%"


def format_range(low: float, high: float, lang: str, decimals: int = 1) -> str:
    return f"{format_number(low, lang, decimals)}–{format_number(high, lang, decimals)}"
