"""Numbers as people type them: the one rule innomon reads a typed number by.

A survey tool stores what the respondent typed: ``1.250.000``, ``€ 2.072.000,-``, ``12,5``,
``5%``, ``ca. 18``, ``2,5 miljoen``. ``read_typed_number`` reads such a text into a number
where its meaning is certain, and says why not where it is not. The rule, step by step:

1. **Decoration is removed.** Surrounding space; a currency sign or word (``€``, ``EUR``,
   ``euro``) before or after the number; a trailing ``,-`` or ``.-`` (whole euros:
   ``€ 2.072.000,-`` is 2072000); a percent sign (the number as typed: ``5%`` is 5, ``23 %``
   is 23); a word or sign of approximation before it (``ca.``, ``circa``, ``ongeveer``,
   ``about``, ``approx.``, ``±``, ``~``): ``ca. 18`` is 18, noted as *approximate*. A unicode
   minus (``−``) is a minus.
2. **A multiplier** after the number scales it: ``k``, ``duizend``, ``thousand`` × 1,000
   (``1764k`` is 1764000); ``m``, ``mln``, ``miljoen``, ``million`` × 1,000,000 (``2,5
   miljoen`` is 2500000); ``mld``, ``miljard``, ``billion``, ``bn`` × 1,000,000,000.
3. **Spaces** (also non-breaking) between groups of three digits separate thousands
   (``1 250 000``).
4. **Separators** ``.`` and ``,``:

   - two or more of the same kind, each followed by three digits, separate thousands
     (``1.250.000`` and ``1,250,000`` are 1250000);
   - one of each kind: the later one is the decimal mark (``1.250,50`` and ``1,250.50`` are
     1250.5);
   - a single separator followed by one, two, or four or more digits is the decimal mark
     (``12,5`` and ``2.5`` are 12.5 and 2.5; ``0,125`` and ``1234,567`` too: a thousands
     separator needs one to three digits before it and no leading zero);
   - a single separator followed by exactly three digits (``1.500``, ``1,500``) is
     **ambiguous**: Dutch writes one thousand five hundred so, English one and a half. It is
     never guessed: the result is ``Uncertain`` naming both readings (1.5 and 1500) — except
     when a whole number is asked for (``whole=True``, an ``integer`` question) and only one
     reading is whole: then that one (``1.500`` is 1500), noted as *thousands*.

Anything else — a range (``10-20``), a comparison (``<5``), words (``weet niet``), two
numbers — is no number: ``Uncertain`` with no readings. The result is a ``TypedNumber``: an int
when the value is whole, else a float, with notes on what was read (``approximate``,
``thousands``, ``percent``, ``multiplier``, ``currency``, ``grouped``). Decimals are computed
exactly (``2,5 miljoen`` is exactly 2500000).

Plain Python, no Django: the import reads answers by it, and the web questionnaire can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["TypedNumber", "Uncertain", "read_typed_number"]


@dataclass(frozen=True)
class TypedNumber:
    """A number read with certainty: ``value`` (int when whole) and notes on the reading —
    ``approximate`` (``ca. 18``), ``thousands`` (``1.500`` read as 1500 for a whole number),
    ``percent``, ``multiplier``, ``currency``, ``grouped`` (thousands separators)."""

    value: int | float
    notes: tuple[str, ...] = ()

    @property
    def approximate(self) -> bool:
        return "approximate" in self.notes


@dataclass(frozen=True)
class Uncertain:
    """A text that is no number with certainty: ``readings`` are the numbers it may mean (two
    for ``1.500``: 1.5 and 1500), empty when it is no number at all (``10-20``, ``weet niet``)."""

    text: str
    readings: tuple[int | float, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1


_APPROX = re.compile(
    r"^(?:ca\.?|circa|ongeveer|ong\.|about|approx\.?|approximately|around|±|\+/-|~)\s*"
)
_CURRENCY_BEFORE = re.compile(r"^(?:€|eur\b|euro\b)\s*")
_CURRENCY_AFTER = re.compile(r"\s*(?:€|eur|euro)$")
_WHOLE_EUROS = re.compile(r"[.,]-{1,2}$")
_PERCENT = re.compile(r"\s*%$")
_MULTIPLIERS = (
    (re.compile(r"(?<=[\d.,])\s*(?:mld\.?|miljard|billion|bn)$"), 10**9),
    (re.compile(r"(?<=[\d.,])\s*(?:mln\.?|miljoen|million|m)$"), 10**6),
    (re.compile(r"(?<=[\d.,])\s*(?:k|duizend|thousand)$"), 10**3),
)
_SPACED = re.compile(r"\d{1,3}(?: \d{3})+(?=$|[.,])")
_DIGITS = re.compile(r"[\d.,]+")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def read_typed_number(text: str, *, whole: bool = False) -> TypedNumber | Uncertain:
    """``text`` as a number by the rule of this module (see its docstring); ``whole``: a whole
    number is asked for, which settles ``1.500`` as 1500."""
    t = " ".join(text.replace("\u2212", "-").split()).casefold()
    notes: list[str] = []
    m = _APPROX.match(t)
    if m:
        notes.append("approximate")
        t = t[m.end() :]
    sign = ""
    if t[:1] in "+-" and t[:1]:
        sign, t = t[0], t[1:].lstrip()
    for pattern in (_CURRENCY_BEFORE, _CURRENCY_AFTER):
        m = pattern.search(t)
        if m:
            notes.append("currency")
            t = t[: m.start()] + t[m.end() :]
    if not sign and t[:1] in "+-" and t[:1]:
        sign, t = t[0], t[1:].lstrip()
    m = _WHOLE_EUROS.search(t)
    if m:
        t = t[: m.start()]
    m = _PERCENT.search(t)
    if m:
        notes.append("percent")
        t = t[: m.start()]
    factor = 1
    for pattern, scale in _MULTIPLIERS:
        m = pattern.search(t)
        if m:
            notes.append("multiplier")
            factor, t = scale, t[: m.start()]
            break
    m = _SPACED.match(t)
    if m:
        notes.append("grouped")
        t = m.group(0).replace(" ", "") + t[m.end() :]
    if not t or not _DIGITS.fullmatch(t) or not any(c.isdigit() for c in t):
        return Uncertain(text)
    readings = _readings(t)
    if not readings:
        return Uncertain(text)
    values = [(_scaled(sign, digits, factor), extra) for digits, extra in readings]
    if any(v is None for v, _ in values):
        return Uncertain(text)
    if len(values) == 1:
        value, extra = values[0]
        return TypedNumber(value, tuple(dict.fromkeys([*notes, *extra])))
    if whole:
        whole_ones = [(v, e) for v, e in values if isinstance(v, int)]
        if len(whole_ones) == 1:
            value, extra = whole_ones[0]
            return TypedNumber(value, tuple(dict.fromkeys([*notes, *extra])))
    return Uncertain(text, tuple(v for v, _ in values))


def _readings(t: str) -> list[tuple[str, tuple[str, ...]]]:
    """The plain decimal texts (``1500``, ``1.5``) that ``t`` — digits and separators — may
    mean, each with its notes; empty when it means none."""
    dots, commas = t.count("."), t.count(",")
    if not dots and not commas:
        return [(t, ())]
    if dots and commas:
        decimal = "." if t.rfind(".") > t.rfind(",") else ","
        group = "," if decimal == "." else "."
        head, _, tail = t.rpartition(decimal)
        if (dots if decimal == "." else commas) != 1 or not tail.isdigit():
            return []
        if not _GROUPED.fullmatch(head) or group not in head:
            return []
        return [(head.replace(group, "") + "." + tail, ("grouped",))]
    sep = "." if dots else ","
    if dots + commas > 1:
        if not _GROUPED.fullmatch(t):
            return []
        return [(t.replace(sep, ""), ("grouped",))]
    head, _, tail = t.partition(sep)
    if not tail.isdigit():
        return []  # "12." or "12,"
    if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0"):
        return [(head + "." + tail, ()), (head + tail, ("thousands",))]
    return [((head or "0") + "." + tail, ())]


def _scaled(sign: str, digits: str, factor: int) -> int | float | None:
    try:
        x = Decimal(digits) * factor
    except InvalidOperation:
        return None
    if sign == "-":
        x = -x
    if x == x.to_integral_value():
        return int(x)
    f = float(x)
    return f if f not in (float("inf"), float("-inf")) else None
