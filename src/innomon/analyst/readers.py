"""Read an analyst's data file into columns for ``innomon.stats``.

The format follows the extension: ``.csv`` (UTF-8, separated by ``,`` or ``;`` — whichever the
header line uses more; in a ``;`` file a decimal comma such as ``12,5`` reads as a number too),
``.xlsx`` (the first sheet, header in row 1), ``.parquet``, and ``.sav`` (SPSS: the value labels of
categorical variables — measure nominal or ordinal, or every value labelled — are applied, so
their levels read as text; user-missing values are missing).

Every column becomes numbers (float, NaN for missing) when every value that is present reads as
a number, and text (str, None for missing) otherwise. Empty cells and ``NA``, ``N/A``, ``#N/A``,
``NaN`` and ``NULL`` (in any case) are missing.

Rows are counted as the file shows them: in CSV and Excel files the header is row 1, so the
first respondent is row 2; Parquet and SPSS files have no header row and start at row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from innomon.analyst import AnalystError
from innomon.stats.labels import number_label

FORMATS = (".csv", ".xlsx", ".parquet", ".sav")
MISSING_TEXT = frozenset({"", "na", "n/a", "#n/a", "nan", "null"})
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def fail(message: str) -> NoReturn:
    """Stop with a one-line message for the user (exit code 2)."""
    raise AnalystError(message)


def show(value: Any, limit: int = 40) -> str:
    """A value as it may appear inside a one-line message: quoted, on one line, shortened."""
    text = " ".join(str(value).splitlines())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


@dataclass(frozen=True, eq=False)
class Table:
    """The columns of a data file, in file order, and how its rows are numbered.

    So that a file written back keeps the data as they were, ``text`` keeps the header and the
    cells of a CSV file exactly as read (with the file's ``delimiter`` and whether it used
    decimal commas), and ``frame`` the values of any other file as its library read them (SPSS:
    with the value labels applied where ``columns`` has them).
    """

    path: Path
    columns: dict[str, np.ndarray]
    first_row: int
    text: tuple[list[str], list[list[str]]] | None = None
    delimiter: str = ","
    decimal_comma: bool = False
    frame: pd.DataFrame | None = None

    @property
    def source(self) -> str:
        return self.path.name

    @property
    def n(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def where(self, index: int, column: str | None = None) -> str:
        """``<file> row <r>[, column '<c>']`` for the data row with 0-based ``index``."""
        out = f"{self.source} row {self.first_row + index}"
        return f"{out}, column '{column}'" if column is not None else out

    def has(self, name: str) -> bool:
        return name in self.columns

    def suggest(self, name: str) -> str:
        """What to do about a column name that is not in the file."""
        names = list(self.columns)
        same = [c for c in names if c.lower() == name.lower()]
        if same:
            return f"did you mean '{same[0]}'? (column names are case-sensitive)"
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        return f"use one of its columns: {shown}"

    def column(self, name: str, option: str) -> np.ndarray:
        """The values of column ``name``; ``option`` says who asked for it (for the message)."""
        if name not in self.columns:
            fail(f"{self.source}: there is no column '{name}' ({option}); {self.suggest(name)}")
        return self.columns[name]

    def is_numeric(self, name: str) -> bool:
        return self.columns[name].dtype.kind == "f"

    def numeric(self, name: str, option: str) -> np.ndarray:
        """Column ``name`` as numbers (NaN for missing); an error names the first value that is
        not a number."""
        col = self.column(name, option)
        if col.dtype.kind == "f":
            return col
        numbers, _comma = _numbers(col, self.decimal_comma or self.delimiter == ";")
        for i, value in enumerate(col):
            if value is not None and np.isnan(numbers[i]):
                fail(
                    f"{self.where(i, name)}: {show(value)} is not a number, but {option} needs "
                    "numbers; correct the value, or empty the cell if it is missing"
                )
        return numbers  # every value is a number after all (SPSS labels that are numbers)

    def labels(self, name: str, option: str) -> np.ndarray:
        """Column ``name`` as category labels (str, None for missing): whole numbers print
        without '.0', as ``innomon.stats`` labels them."""
        col = self.column(name, option)
        if col.dtype.kind != "f":
            return col
        out = np.empty(col.size, dtype=object)
        for i, value in enumerate(col):
            out[i] = None if np.isnan(value) else number_label(float(value))
        return out

    def level(self, name: str, text: str) -> str:
        """A level as written in another file (margins), in this table's label form: in a
        numeric column '1.0' and '01' are the level '1'."""
        if not self.is_numeric(name):
            return text
        numbers, _comma = _numbers(np.array([text], dtype=object), True)
        return text if np.isnan(numbers[0]) else number_label(float(numbers[0]))


def _cell(value: Any) -> str | None:
    """One cell as text, None when missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if text.lower() in MISSING_TEXT else text
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else number_label(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip() or None


def _numbers(text: np.ndarray, decimal_comma: bool) -> tuple[np.ndarray, bool]:
    """Each text value as a finite number (NaN where it is not one), and whether a decimal
    comma was read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        numbers = np.array(
            pd.to_numeric(pd.Series(text, dtype=object), errors="coerce"), dtype=float
        )
    numbers[np.isinf(numbers)] = np.nan
    comma = False
    if decimal_comma:
        for i in np.flatnonzero(np.isnan(numbers)):
            value = text[i]
            if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value):
                numbers[i] = float(value.replace(",", "."))
                comma = True
    return numbers, comma


def _column(values: np.ndarray, decimal_comma: bool = False) -> tuple[np.ndarray, bool]:
    """A column of cells as numbers if every present value is one, else as text; and whether
    a decimal comma was read."""
    text = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        text[i] = _cell(value)
    present = np.array([v is not None for v in text], dtype=bool)
    numbers, comma = _numbers(text, decimal_comma)
    if not np.isnan(numbers[present]).any():
        return numbers, comma
    return text, False


def _check_header(source: str, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(header, start=1):
        if not name:
            fail(f"{source} row 1: column {j} has no name; name every column in the header row")
        if name in seen:
            fail(
                f"{source} row 1: the column name '{name}' appears twice (columns {seen[name]} "
                f"and {j}); give every column its own name"
            )
        seen[name] = j


def _read_csv(path: Path) -> Table:
    name = path.name
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        fail(f"{name} row {row}: is not UTF-8 text; save the file as 'CSV UTF-8' and run again")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        fail(f"{name} row 1: has no header line; the first line must name the columns")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        fail(f"{name}: cannot be read as CSV ({exc}); save it again as 'CSV UTF-8'")
    while records and not any(v.strip() for v in records[-1]):
        records.pop()
    header = [h.strip() for h in records[0]]
    _check_header(name, header)
    rows = records[1:]
    for row_no, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            fail(f"{name} row {row_no}: is empty; remove the line")
        if len(values) != len(header):
            fail(
                f"{name} row {row_no}: has {len(values)} values for {len(header)} columns; "
                f"check the separator ('{delimiter}') and the quotes on that line"
            )
    columns: dict[str, np.ndarray] = {}
    decimal_comma = False
    for j, col_name in enumerate(header):
        cells = np.empty(len(rows), dtype=object)
        cells[:] = [row[j] for row in rows]
        columns[col_name], comma = _column(cells, delimiter == ";")
        decimal_comma |= comma
    return Table(path, columns, 2, (header, rows), delimiter, decimal_comma)


def _blank(value: Any) -> bool:
    return _cell(value) is None


def _read_xlsx(path: Path) -> Table:
    with warnings.catch_warnings():  # openpyxl warns about styles and data validation
        warnings.simplefilter("ignore")
        frame = pd.read_excel(
            path, sheet_name=0, header=None, dtype=object, keep_default_na=False, engine="openpyxl"
        )
    cells = frame.to_numpy(dtype=object)
    blank = np.vectorize(_blank, otypes=[bool])(cells) if cells.size else np.ones((0, 0), bool)
    filled_rows = np.flatnonzero(~blank.all(axis=1)) if cells.size else np.array([], int)
    if filled_rows.size == 0:
        fail(
            f"{path.name}: the first sheet is empty; put the header in row 1 and one row per "
            "respondent below it"
        )
    cells, blank = cells[: filled_rows[-1] + 1], blank[: filled_rows[-1] + 1]
    keep = ~blank.all(axis=0) | ~blank[0]  # drop unnamed columns without any value
    cells = cells[:, keep]
    header = [_cell(v) or "" for v in cells[0]]
    _check_header(path.name, header)
    columns = {h: _column(cells[1:, j])[0] for j, h in enumerate(header)}
    values = np.where(blank[1:, keep], None, cells[1:])
    return Table(path, columns, 2, frame=pd.DataFrame(values, columns=header, dtype=object))


def _series_column(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series) or (
        pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_complex_dtype(series)
    ):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return _column(series.astype(object).to_numpy())[0]


def _read_parquet(path: Path) -> Table:
    frame = pd.read_parquet(path, engine="pyarrow")
    header = [str(c).strip() for c in frame.columns]
    _check_header(path.name, header)
    columns = {h: _series_column(frame.iloc[:, j]) for j, h in enumerate(header)}
    frame.columns = header
    return Table(path, columns, 1, frame=frame)


def _read_sav(path: Path) -> Table:
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
    header = [str(c).strip() for c in frame.columns]
    _check_header(path.name, header)
    columns = {}
    for j, name in enumerate(header):
        series = frame.iloc[:, j]
        labels = meta.variable_value_labels.get(frame.columns[j]) or {}
        values = series.astype(object).to_numpy()
        present = [v for v in values if _cell(v) is not None]
        measure = meta.variable_measure.get(frame.columns[j], "unknown")
        if labels and (measure in ("nominal", "ordinal") or all(v in labels for v in present)):
            text = np.empty(values.size, dtype=object)
            for i, value in enumerate(values):
                cell = _cell(value)
                text[i] = None if cell is None else _cell(labels.get(value, cell))
            columns[name] = text
            frame[frame.columns[j]] = pd.Series(text, index=frame.index, dtype=object)
        else:
            columns[name] = _series_column(series)
    frame.columns = header
    return Table(path, columns, 1, frame=frame)


READERS: dict[str, tuple[str, Callable[[Path], Table]]] = {
    ".csv": ("CSV", _read_csv),
    ".xlsx": ("an Excel workbook (.xlsx)", _read_xlsx),
    ".parquet": ("Parquet", _read_parquet),
    ".sav": ("an SPSS file (.sav)", _read_sav),
}


def read_table(path: Path) -> Table:
    """The data file at ``path`` as columns; a file that cannot be read is an ``AnalystError``
    naming it (and the row, where there is one)."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        fail(
            f"{path.name}: unknown kind of file ('{suffix or 'no extension'}'); give a "
            f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]} file"
        )
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        fail(f"{path}: cannot read it ({exc.strerror}); check the path and its permissions")
    kind, reader = READERS[suffix]
    try:
        table = reader(path)
    except AnalystError:
        raise
    except Exception as exc:  # the libraries raise many kinds; the user needs the first line
        detail = " ".join(str(exc).split()) or type(exc).__name__
        fail(f"{path.name}: cannot be read as {kind} ({detail[:120]}); check the file")
    if table.n == 0:
        fail(f"{path.name}: has no data rows; one row per respondent is needed")
    return table
