"""Reading a survey-tool export as raw text cells, keeping every row and where it came from.

Formats by extension: ``.csv`` (UTF-8 with or without BOM, or Windows-1252 as older Dutch Excel
writes it; separated by ``,`` or ``;``; a Qualtrics export is recognised by its three header
rows), ``.xlsx`` (the first sheet), ``.sav`` (SPSS) and ``.dta`` (Stata). Nothing is converted
here: every cell stays the text the file holds (numbers from SPSS/Stata as their shortest text),
so that the import can check it against the questionnaire and report it as it was.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innomon.errors import InputError, Problem

SUFFIXES = (".csv", ".xlsx", ".sav", ".dta")
MISSING = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "."})


@dataclass(frozen=True)
class SourceTable:
    """The cells of a file: ``header``; per row the file's own row number and the cells by
    column (None for an empty cell); plus how the file was read."""

    name: str
    header: tuple[str, ...]
    rows: list[dict[str, str | None]]
    row_numbers: list[int]
    encoding: str = "utf-8"
    delimiter: str = ","
    kind: str = "plain"  # plain | qualtrics | limesurvey
    labels: dict[str, str] = field(default_factory=dict)  # column → question text (Qualtrics)


def _fail(name: str, row: int | None, message: str) -> InputError:
    return InputError([Problem(name, row, None, message)])


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return None if text.lower() in MISSING else text


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise _fail(
            path.name, None, "is not a text file; export the survey as CSV, XLSX, SAV or DTA"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise _fail(path.name, None, "is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")


def _read_csv(path: Path) -> SourceTable:
    text, encoding = _decode(path)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise _fail(path.name, 1, "has no header line")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _fail(path.name, None, f"cannot be read as CSV ({exc})") from exc
    header = tuple(h.strip() for h in records[0])
    start = 1
    kind = "plain"
    labels: dict[str, str] = {}
    if len(records) >= 3 and records[2] and records[2][0].lstrip().startswith('{"ImportId"'):
        kind = "qualtrics"  # row 2: question texts, row 3: import ids
        labels = dict(zip(header, records[1], strict=False))
        start = 3
    elif {"submitdate", "lastpage", "startlanguage"} & {h.lower() for h in header}:
        kind = "limesurvey"
    rows, numbers = [], []
    for offset, values in enumerate(records[start:], start=start + 1):
        if not any(v.strip() for v in values):
            continue  # blank lines carry no respondent
        if len(values) != len(header):
            raise _fail(
                path.name,
                offset,
                f"has {len(values)} values for {len(header)} "
                f"columns; check the separator ('{delimiter}') and "
                "the quotes on that line",
            )
        row = {}
        for h, v in zip(header, values, strict=True):
            v = v.strip()
            row[h] = None if not v or (len(v) <= 4 and v.lower() in MISSING) else v
        rows.append(row)
        numbers.append(offset)
    return SourceTable(path.name, header, rows, numbers, encoding, delimiter, kind, labels)


def _read_xlsx(path: Path) -> SourceTable:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a file that is no workbook raises many kinds
        raise _fail(
            path.name, None, f"is not a readable Excel workbook ({type(exc).__name__})"
        ) from exc
    values = list(wb.worksheets[0].iter_rows(values_only=True))
    if not values:
        raise _fail(path.name, 1, "the first sheet is empty")
    header = tuple(_cell(h) or "" for h in values[0])
    rows, numbers = [], []
    for row_no, row in enumerate(values[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, row, strict=False) if h}
        if any(v is not None for v in cells.values()):
            rows.append(cells)
            numbers.append(row_no)
    return SourceTable(path.name, tuple(h for h in header if h), rows, numbers, "xlsx", "", "plain")


def _read_stat(path: Path) -> SourceTable:
    import pyreadstat

    reader = pyreadstat.read_sav if path.suffix.lower() == ".sav" else pyreadstat.read_dta
    try:
        frame, meta = reader(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own errors for damaged files
        raise _fail(path.name, None, f"cannot be read ({exc})") from exc
    header = tuple(str(c) for c in frame.columns)
    rows = [
        {h: _cell(v) for h, v in zip(header, record, strict=True)}
        for record in frame.astype(object).itertuples(index=False, name=None)
    ]
    labels = dict(zip(meta.column_names, meta.column_labels or [], strict=False))
    return SourceTable(
        path.name,
        header,
        rows,
        list(range(1, len(rows) + 1)),
        "binary",
        "",
        "plain",
        {k: v for k, v in labels.items() if v},
    )


def read_source(path: Path) -> SourceTable:
    """Read ``path`` by its extension; a file of the wrong type, or one that cannot be read, is
    an ``InputError`` naming it."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _fail(str(path), None, "does not exist")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".sav", ".dta"):
        return _read_stat(path)
    raise _fail(
        path.name,
        None,
        f"is a '{suffix or 'no extension'}' file; import reads {', '.join(SUFFIXES)}",
    )
