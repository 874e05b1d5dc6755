"""Read an analyst's data file into columns for ``innomon.stats``.

Every file is read by ``innomon.tabular`` (the one table reader, pyarrow underneath). The
format follows the extension: ``.csv`` (UTF-8 or Windows-1252, separated by ``,``, ``;`` or a
tab — whichever the header line uses most; in a ``;`` file a decimal comma such as ``12,5``
reads as a number too), ``.xlsx`` (the first sheet, header in row 1), ``.parquet``, and
``.sav`` (SPSS: the value labels of categorical variables — measure nominal or ordinal, or
every value labelled — are applied, so their levels read as text; user-missing values are
missing).

Every column becomes numbers (float, NaN for missing) when every value that is present reads as
a number, and text (str, None for missing) otherwise. Empty cells and ``NA``, ``N/A``, ``#N/A``,
``NaN`` and ``NULL`` (in any case) are missing. Columns are converted whole (pyarrow casts),
never cell by cell.

Rows are counted as the file shows them: in CSV and Excel files the header is row 1, so the
first respondent is row 2 (a blank line is skipped but keeps its number); Parquet and SPSS
files have no header row and start at row 1.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innomon import tabular
from innomon.analyst import AnalystError
from innomon.errors import InputError
from innomon.stats.labels import number_label

FORMATS = (".csv", ".xlsx", ".parquet", ".sav")
MISSING_TEXT = frozenset({"", "na", "n/a", "#n/a", "nan", "null"})
_DECIMAL_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
_KINDS = {
    ".csv": "CSV",
    ".xlsx": "an Excel workbook (.xlsx)",
    ".parquet": "Parquet",
    ".sav": "an SPSS file (.sav)",
}


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
    """The columns of a data file, in file order, and the file's own row numbers.

    ``raw`` keeps the cells as the file holds them (``innomon.tabular``; a CSV file's cells
    with their surrounding spaces), so that a file written back keeps the data as they were;
    ``decimal_comma`` says whether a CSV file used decimal commas (its separator is
    ``raw.delimiter``).
    """

    path: Path
    columns: dict[str, np.ndarray]
    raw: tabular.RawTable
    decimal_comma: bool = False

    @property
    def source(self) -> str:
        return self.path.name

    @property
    def n(self) -> int:
        return len(self.raw)

    @property
    def is_csv(self) -> bool:
        return self.path.suffix.lower() == ".csv"

    def where(self, index: int, column: str | None = None) -> str:
        """``<file> row <r>[, column '<c>']`` for the data row with 0-based ``index``."""
        out = f"{self.source} row {self.raw.row_numbers[index]}"
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
        present = np.not_equal(col, None)
        numbers, _comma = _numbers(
            pa.array(col, pa.string()), self.decimal_comma or self.raw.delimiter == ";"
        )
        bad = np.flatnonzero(present & np.isnan(numbers))
        if bad.size:
            i = int(bad[0])
            fail(
                f"{self.where(i, name)}: {show(col[i])} is not a number, but {option} needs "
                "numbers; correct the value, or empty the cell if it is missing"
            )
        return numbers  # every value is a number after all (SPSS labels that are numbers)

    def labels(self, name: str, option: str) -> np.ndarray:
        """Column ``name`` as category labels (str, None for missing): whole numbers print
        without '.0', as ``innomon.stats`` labels them."""
        col = self.column(name, option)
        if col.dtype.kind != "f":
            return col
        return number_labels(col)

    def categories(self, name: str, option: str) -> np.ndarray:
        """Column ``name`` for the design's strata or clusters: a numeric column of whole
        numbers as int64 (whose text is its label, fast to group), else its labels."""
        col = self.column(name, option)
        if col.dtype.kind == "f":
            finite = np.isfinite(col)
            if finite.all() and (col == np.floor(col)).all() and (np.abs(col) < 2**53).all():
                return col.astype(np.int64)
        return self.labels(name, option)

    def level(self, name: str, text: str) -> str:
        """A level as written in another file (margins), in this table's label form: in a
        numeric column '1.0' and '01' are the level '1'."""
        if not self.is_numeric(name):
            return text
        numbers, _comma = _numbers(pa.array([text], pa.string()), True)
        return text if np.isnan(numbers[0]) else number_label(float(numbers[0]))


def number_labels(values: np.ndarray) -> np.ndarray:
    """Category labels of a float column (None for NaN), each distinct value labelled once."""
    out = np.full(values.size, None, dtype=object)
    finite = ~np.isnan(values)
    if finite.any():
        uniq, inverse = np.unique(values[finite], return_inverse=True)
        names = np.array([number_label(float(u)) for u in uniq], dtype=object)
        out[finite] = names[inverse.reshape(-1)]
    return out


def _without_missing(array: pa.Array) -> pa.Array:
    """The cells with the missing tokens (``NA``, ``NULL`` …, any case) as null."""
    short = pc.less_equal(pc.utf8_length(array), 4)
    if not pc.any(short).as_py():
        return array
    tokens = pa.array(sorted(MISSING_TEXT - {""}), pa.string())
    token = pc.and_(short, pc.is_in(pc.utf8_lower(array), value_set=tokens))
    if not pc.any(token).as_py():
        return array
    return pc.if_else(token, pa.scalar(None, array.type), array)


def _numbers(array: pa.Array, decimal_comma: bool) -> tuple[np.ndarray, bool]:
    """Each text cell as a finite number (NaN where it is not one, or empty), and whether a
    decimal comma was read."""
    comma = False
    try:
        out = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        valid = pc.match_substring_regex(array, tabular.PLAIN_NUMBER)
        values = array
        if decimal_comma:
            commas = pc.match_substring_regex(array, _DECIMAL_COMMA)
            if pc.any(commas).as_py():
                comma = True
                values = pc.if_else(commas, pc.replace_substring(array, ",", "."), array)
                valid = pc.or_(valid, commas)
        out = pc.cast(pc.if_else(valid, values, pa.scalar(None, array.type)), pa.float64())
    return _finite(out), comma


def _finite(out: pa.Array) -> np.ndarray:
    """A float64 Arrow array as numpy, NaN for null and for ±inf (not a number here)."""
    numbers = np.array(out.to_numpy(zero_copy_only=False), dtype=np.float64)
    numbers[np.isinf(numbers)] = np.nan
    return numbers


def _column(array: pa.Array, decimal_comma: bool) -> tuple[np.ndarray, bool]:
    """A column of cells as numbers if every present value is one, else as text (object
    array, None for missing); and whether a decimal comma was read."""
    try:  # the common case: every cell a plain number or empty
        numbers = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        if np.isfinite(numbers).sum() == len(array) - array.null_count:
            return np.array(numbers, dtype=np.float64), False
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    array = _without_missing(array)
    numbers, comma = _numbers(array, decimal_comma)
    present = pc.is_valid(array).to_numpy(zero_copy_only=False)
    if not np.isnan(numbers[present]).any():
        return numbers, comma
    return array.to_numpy(zero_copy_only=False), False


def _labelled(raw: tabular.RawTable, name: str) -> np.ndarray | None:
    """An SPSS column as its value labels when it is categorical (measure nominal or ordinal,
    or every present value labelled); else None."""
    labels = raw.value_labels.get(name)
    if not labels:
        return None
    uniques, index = raw.codes(name)
    if raw.measures.get(name) not in ("nominal", "ordinal") and not all(
        u in labels for u in uniques
    ):
        return None
    names = [labels.get(u, u).strip() for u in uniques]
    names_arr = np.array(
        [None if v.lower() in MISSING_TEXT else v for v in names] + [None], dtype=object
    )
    return names_arr[index]  # index -1 (missing) picks the trailing None


def _check_header(raw: tabular.RawTable) -> None:
    for j, name in enumerate(raw.header, start=1):
        if not name:
            fail(f"{raw.name} row 1: column {j} has no name; name every column in the header row")


def read_table(path: Path) -> Table:
    """The data file at ``path`` as columns; a file that cannot be read is an ``AnalystError``
    naming it (and the row, where there is one)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        fail(
            f"{path.name}: unknown kind of file ('{suffix or 'no extension'}'); give a "
            f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]} file"
        )
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        fail(f"{path}: cannot read it ({exc.strerror}); check the path and its permissions")
    tabular.arrow_without_pandas()
    try:
        raw = tabular.read_table(path, suffixes=FORMATS, strip=False)
    except InputError as exc:
        first = exc.problems[0]
        fail(_one_line(str(first), first.message))
    except Exception as exc:  # the libraries raise many kinds; the user needs the first line
        detail = " ".join(str(exc).split()) or type(exc).__name__
        fail(f"{path.name}: cannot be read as {_KINDS[suffix]} ({detail[:120]}); check the file")
    _check_header(raw)
    decimal_comma = False
    columns: dict[str, np.ndarray] = {}
    for name in raw.header:
        labelled = _labelled(raw, name) if suffix == ".sav" else None
        if labelled is not None:
            columns[name] = labelled
            continue
        cells = tabular.clean(raw.columns[name]) if suffix == ".csv" else raw.columns[name]
        columns[name], comma = _column(cells, raw.delimiter == ";")
        decimal_comma |= comma
    table = Table(path, columns, raw, decimal_comma)
    if table.n == 0:
        fail(f"{path.name}: has no data rows; one row per respondent is needed")
    return table


def _one_line(problem: str, message: str) -> str:
    """A reader's problem as the analysts' one-line message, with what to do."""
    if "more than once" in message:
        return f"{problem}; give every column its own name"
    if "no header line" in message:
        return f"{problem}; the first line must name the columns"
    return problem
