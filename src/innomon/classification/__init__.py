"""Standard classifications: SBI 2008 sections and SME size classes.

Size classes follow CBS/Eurostat employee bands (docs/sources.md §5.2): micro 0–9, small 10–49,
medium 50–249, large 250+. Large firms are not SMEs and are excluded from SME figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

SIZE_CLASSES: tuple[tuple[str, int, int | None], ...] = (
    ("micro", 0, 9),
    ("small", 10, 49),
    ("medium", 50, 249),
    ("large", 250, None),
)
SME_SIZE_CLASSES = ("micro", "small", "medium")

_SBI_CODE = re.compile(r"^\d{2}(\d{1,3})?$")


def size_class(employees: int) -> str:
    """The size class of a firm with ``employees`` employees (``ValueError`` if negative)."""
    if employees < 0:
        raise ValueError(f"employees must be 0 or more, got {employees}")
    for name, low, high in SIZE_CLASSES:
        if employees >= low and (high is None or employees <= high):
            return name
    raise AssertionError("unreachable: the size classes cover every count ≥ 0")


def is_sme(employees: int) -> bool:
    return size_class(employees) in SME_SIZE_CLASSES


@dataclass(frozen=True)
class SbiSection:
    letter: str
    name_nl: str
    name_en: str
    first_division: int
    last_division: int


@cache
def sbi_sections() -> dict[str, SbiSection]:
    text = resources.files(__package__).joinpath("sbi2008.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {
        letter: SbiSection(letter, row["nl"], row["en"], row["divisions"][0], row["divisions"][1])
        for letter, row in data["sections"].items()
    }


def sbi_section(code: str) -> str:
    """The SBI 2008 section letter of an SBI code (2 to 5 digits, e.g. ``"2511"`` → ``"C"``).

    Raises ``ValueError`` naming the code when it is malformed or its division does not exist.
    """
    code = str(code).strip().replace(".", "")
    if not _SBI_CODE.match(code):
        raise ValueError(f"SBI code '{code}' must be 2 to 5 digits (e.g. 2511)")
    division = int(code[:2])
    for section in sbi_sections().values():
        if section.first_division <= division <= section.last_division:
            return section.letter
    raise ValueError(f"SBI code '{code}': division {division:02d} does not exist in SBI 2008")
