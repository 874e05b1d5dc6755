"""Loading the registers from files: the population frame and the initiative registry.

Both are all-or-nothing: every row is checked first; one bad row — an unknown code, a negative
or missing count, a duplicate — is an ``InputError`` naming the file, line and column, and
nothing is written.

Frame files come in two shapes:

- **plain CSV**: ``region, sbi_section, size_class, count`` (``region`` is a CBS code: ``PV20``,
  ``CR01`` or ``GM0014``; the level follows from the code);
- **a CBS StatLine export** (CSV "met labels", ``;``-separated): a column whose name starts with
  ``Regio``, one with ``Bedrijfstak`` or ``SBI``, one with ``Bedrijfsgrootte`` or ``Werkzame
  personen``, a ``Perioden`` column and the count as the last column. Regions are matched by CBS
  code or name, the SBI section by the letter the label starts with ("C Industrie"), and the size
  band ("10 tot 20 werkzame personen") is summed into the SME size classes; large firms and
  totals ("Totaal", "Alle bedrijfsgrootten") are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from innomon.classification import SME_SIZE_CLASSES, sbi_sections, size_class
from innomon.errors import InputError, Problem
from innomon.registry.models import Corop, Municipality, Province, Region
from innomon.registry.services import load_frame, register_initiatives
from innomon.tabular import read_table

from .tables import read_csv, read_records

_LEVEL_OF_PREFIX = {"PV": "province", "CR": "corop", "GM": "municipality"}
_BAND = re.compile(r"(\d+)\s*(?:tot|-|–)\s*(\d+)|(\d+)\s*(?:of meer|en meer|\+)|^(\d+)\s")


def _units(region: Region) -> dict[str, tuple[str, str]]:
    """Region units by CBS code and by lower-case name: (level, code)."""
    units: dict[str, tuple[str, str]] = {}
    for model, level in ((Province, "province"), (Corop, "corop"), (Municipality, "municipality")):
        filters = {
            "province": {"region": region},
            "corop": {"province__region": region},
            "municipality": {"corop__province__region": region},
        }[level]
        for obj in model.objects.filter(**filters):
            units[obj.code] = (level, obj.code)
            name = getattr(obj, "name_nl", None) or getattr(obj, "name", "")
            units.setdefault(name.lower(), (level, obj.code))
    return units


def import_frame(region: Region, year: int, path: Path) -> int:
    """Replace the frame of ``year`` with the counts in ``path`` (plain CSV or StatLine)."""
    header = _header(path)
    if any(h.lower().startswith("perioden") for h in header):
        cells = _statline_cells(region, path, header)
    else:
        cells = _plain_cells(region, path)
    return load_frame(region, year, cells, path.name, origin=f"imported from {path.name}")


def _header(path: Path) -> list[str]:
    return list(read_table(path, suffixes=(".csv",)).header)


def _count(value: Any, name: str, row: int, column: str, problems: list[Problem]) -> int | None:
    text = str(value).strip().replace(".", "").replace(" ", "")
    if text in ("", "."):
        problems.append(Problem(name, row, column, "the count is missing"))
        return None
    try:
        count = int(text)
    except ValueError:
        problems.append(Problem(name, row, column, f"'{value}' is not a whole number"))
        return None
    if count < 0:
        problems.append(Problem(name, row, column, f"the count {count} is negative"))
        return None
    return count


def _plain_cells(region: Region, path: Path) -> list[dict[str, Any]]:
    rows = read_csv(path, ("region", "sbi_section", "size_class", "count"))
    units = _units(region)
    problems: list[Problem] = []
    cells = []
    for row_no, rec in enumerate(rows, start=2):
        code = rec["region"].strip()
        level = _LEVEL_OF_PREFIX.get(code[:2])
        if code not in units or level is None:
            problems.append(
                Problem(
                    path.name,
                    row_no,
                    "region",
                    f"'{code}' is not a province, COROP or municipality code of {region.code}",
                )
            )
            continue
        section = rec["sbi_section"].strip().upper()
        if section not in sbi_sections():
            problems.append(
                Problem(
                    path.name,
                    row_no,
                    "sbi_section",
                    f"'{rec['sbi_section']}' is not an SBI 2008 section letter",
                )
            )
            continue
        size = rec["size_class"].strip().lower()
        if size not in SME_SIZE_CLASSES:
            problems.append(
                Problem(
                    path.name,
                    row_no,
                    "size_class",
                    f"'{rec['size_class']}' is not one of {', '.join(SME_SIZE_CLASSES)}",
                )
            )
            continue
        count = _count(rec["count"], path.name, row_no, "count", problems)
        if count is not None:
            cells.append(
                {
                    "unit_level": level,
                    "unit_code": code,
                    "sbi_section": section,
                    "size_class": size,
                    "count": count,
                }
            )
    if problems:
        raise InputError(problems)
    return cells


def _band_class(label: str) -> str | None:
    """The size class of a StatLine size band ('10 tot 20 werkzame personen'), or None for
    totals; a band that straddles a class boundary cannot be assigned."""
    text = label.lower()
    if "totaal" in text or "alle" in text:
        return None
    m = _BAND.search(text)
    if not m:
        raise ValueError(label)
    if m.group(1):
        low, high = int(m.group(1)), int(m.group(2))
        # StatLine bands are "a tot b": a ≤ n < b
        high -= 1
    elif m.group(3):
        low, high = int(m.group(3)), 10**9
    else:
        low = high = int(m.group(4))
    first, last = size_class(low), size_class(high)
    if first != last:
        raise ValueError(label)
    return first


def _statline_cells(region: Region, path: Path, header: Sequence[str]) -> list[dict[str, Any]]:
    lower = [h.lower() for h in header]

    def column(*starts: str) -> str:
        for h, low in zip(header, lower, strict=True):
            if any(low.startswith(s) or s in low for s in starts):
                return h
        raise InputError(
            [
                Problem(
                    path.name,
                    1,
                    None,
                    f"no column for {' / '.join(starts)} in this StatLine export",
                )
            ]
        )

    region_col = column("regio")
    sbi_col = column("bedrijfstak", "sbi")
    size_col = column("bedrijfsgrootte", "werkzame personen")
    count_col = header[-1]
    rows = read_csv(path, [h.lower() for h in header])
    units = _units(region)
    problems: list[Problem] = []
    sums: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for row_no, rec in enumerate(rows, start=2):
        place = rec[region_col.lower()].strip()
        unit = units.get(place) or units.get(place.lower()) or units.get(place.split()[0])
        if unit is None:
            continue  # StatLine exports list the whole country; other regions are not ours
        label = rec[sbi_col.lower()].strip()
        letter = label[:1].upper()
        if label.lower().startswith(("a-u", "totaal", "alle")) or (
            len(label) > 1 and label[1] not in " -"
        ):
            continue  # totals and sub-sections are not sections
        if letter not in sbi_sections():
            problems.append(Problem(path.name, row_no, sbi_col, f"'{label}' is not an SBI section"))
            continue
        try:
            size = _band_class(rec[size_col.lower()])
        except ValueError:
            problems.append(
                Problem(
                    path.name,
                    row_no,
                    size_col,
                    f"size band '{rec[size_col.lower()]}' does not fit one size class",
                )
            )
            continue
        if size is None or size == "large":
            continue
        count = _count(rec[count_col.lower()], path.name, row_no, count_col, problems)
        if count is not None:
            sums[(unit[0], unit[1], letter, size)] += count
    if problems:
        raise InputError(problems)
    if not sums:
        raise InputError(
            [Problem(path.name, None, region_col, f"no rows for the regions of {region.code}")]
        )
    return [
        {"unit_level": k[0], "unit_code": k[1], "sbi_section": k[2], "size_class": k[3], "count": v}
        for k, v in sorted(sums.items())
    ]


INITIATIVE_FIELDS = ("name", "type", "theme", "municipality")
INITIATIVE_OPTIONAL = ("partners", "website", "real", "source")


def import_initiatives(path: Path) -> int:
    """Add the initiatives in a CSV or XLSX file (columns: name, type, theme, municipality, and
    optionally partners, website, real, source); all or nothing."""
    if path.suffix.lower() == ".xlsx":
        rows = read_records(path, INITIATIVE_FIELDS, INITIATIVE_OPTIONAL)
    elif path.suffix.lower() == ".csv":
        rows = read_csv(path, INITIATIVE_FIELDS, INITIATIVE_OPTIONAL)
    else:
        raise InputError(
            [
                Problem(
                    path.name, None, None, "is not a .csv or .xlsx file; save the registry as one"
                )
            ]
        )
    problems: list[Problem] = []
    for row_no, rec in enumerate(rows, start=2):
        partners = str(rec.get("partners") or "").strip()
        if partners:
            try:
                rec["partners"] = int(float(partners))
                if rec["partners"] < 0:
                    raise ValueError(partners)
            except ValueError:
                problems.append(
                    Problem(
                        path.name, row_no, "partners", f"'{partners}' is not a number of partners"
                    )
                )
        else:
            rec["partners"] = None
        rec["real"] = str(rec.get("real") or "").strip().lower() in (
            "1",
            "true",
            "yes",
            "ja",
            "waar",
        )
    if problems:
        raise InputError(problems)
    return register_initiatives(rows, path.name, first_row=2)
