"""KvK numbers as people type them: ``3244 9661``, ``KvK 80546249``, ``80.54.62.49``.

The rule: spaces (also non-breaking), dots, hyphens and slashes are removed, and so is a leading
``KvK``, ``KvK-nummer``, ``KvK-nr.``, ``kvk:``, ``nr.`` or ``nummer`` (any case); what remains
must be exactly eight digits. From a column the file stores as numbers (SPSS, Stata, a numeric
Excel column) a seven-digit number gets its lost leading zero back (``1234567`` is
``01234567``). ``00000000`` is refused: no firm has it. Pure; no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["KvkReading", "read_kvk"]

_PREFIX = re.compile(
    r"^(?:kvk(?:[\s-]*(?:nummer|nr\.?|no\.?|number))?|nummer|nr\.?|no\.?)\s*[:.#]?\s*",
    re.IGNORECASE,
)
_NOISE = re.compile(r"[\s.\-/\u00a0\u202f]+")
_TYPED = re.compile(r"(\d+)(?:\.0+)?")


@dataclass(frozen=True)
class KvkReading:
    """``kvk``: the normalised eight digits, or None with ``problem`` (``digits``: not eight
    digits; ``zeros``: 00000000). ``note``: ``normalised`` (spaces, dots or a prefix removed)
    or ``leading zero`` (a seven-digit number from a numeric column), '' when read as typed."""

    kvk: str | None
    problem: str = ""
    note: str = ""


def read_kvk(text: str, *, typed: bool = False) -> KvkReading:
    """``text`` as a KvK number by the rule of this module; ``typed``: the cell comes from a
    column the file stores as numbers."""
    raw = text.strip()
    if typed:
        m = _TYPED.fullmatch(raw)
        if m and len(m.group(1)) in (7, 8):
            digits = m.group(1).zfill(8)
            return _checked(digits, "leading zero" if len(m.group(1)) == 7 else "")
    cleaned = _PREFIX.sub("", raw, count=1)
    cleaned = _NOISE.sub("", cleaned)
    if not (len(cleaned) == 8 and cleaned.isdigit() and cleaned.isascii()):
        return KvkReading(None, "digits")
    return _checked(cleaned, "" if cleaned == raw else "normalised")


def _checked(digits: str, note: str) -> KvkReading:
    if digits == "00000000":
        return KvkReading(None, "zeros")
    return KvkReading(digits, note=note)
