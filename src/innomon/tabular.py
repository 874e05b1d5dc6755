"""The one reader of every table innomon reads: survey exports, registers, frame, analysts' data.

``read_table(path)`` returns a ``RawTable``: per column a pyarrow string array holding each cell's
text exactly as the file has it (stripped of surrounding whitespace; ``None`` for an empty cell).
Nothing is converted or interpreted here — tokens such as ``NA`` stay text; the caller decides
what a cell means (``RawTable.floats`` reads plain numbers, vectorised).

Formats by extension:

- ``.csv``: UTF-8 (with or without BOM), else Windows-1252 (older Dutch Excel); separated by
  ``,``, ``;`` or a tab, whichever the header line holds most of; quoted fields may span lines.
  Read by pyarrow's multithreaded CSV reader with every column as text.
  A **row number** is the file's row as a spreadsheet shows it: the header is row 1, every
  record is one row even when a quoted field spans several lines, and a blank line counts as a
  row but carries no respondent (it is skipped). A record with too many or too few values is an
  ``InputError`` naming its row. A Qualtrics export is recognised by its three header rows (row
  2: the question texts → ``labels``; row 3: ``{"ImportId":…}`` → ``import_ids``; the first
  respondent is row 4); a LimeSurvey export by its metadata columns.
- ``.xlsx``: the first sheet (openpyxl, read-only); numbers as their shortest text, their
  columns in ``typed``; dates as ISO text.
- ``.sav`` (SPSS) and ``.dta`` (Stata): pyreadstat; numbers as their shortest text (``1.0`` →
  ``"1"``), value labels in ``value_labels`` (``{"1": "Ja"}``), variable labels in ``labels``.
- ``.parquet``: pyarrow.parquet; non-text columns as their text, in ``typed``.

Duplicate column names are an ``InputError`` listing them. Pure: pyarrow and numpy, no Django.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innomon.errors import InputError, Problem

SUFFIXES = (".csv", ".xlsx", ".sav", ".dta", ".parquet")
LIMESURVEY_COLUMNS = frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed", "token"})
PLAIN_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"

_NEWLINE, _CR, _QUOTE, _SPACE, _TAB = 10, 13, 34, 32, 9


class RowNumbers(np.ndarray):
    """The int64 array of the rows' numbers in the file, whose single items are Python ints
    (ready for a report, JSON or the database)."""

    def __new__(cls, values: Any) -> RowNumbers:
        return np.asarray(values, dtype=np.int64).view(cls)

    def __getitem__(self, key: Any) -> Any:
        item = super().__getitem__(key)
        return int(item) if isinstance(item, np.integer) else item


@dataclass(frozen=True, eq=False)
class RawTable:
    """The cells of one file as text (see the module docstring)."""

    name: str
    header: tuple[str, ...]
    columns: dict[str, pa.Array]
    row_numbers: np.ndarray
    kind: str = "plain"  # plain | qualtrics | limesurvey
    encoding: str = "utf-8"  # utf-8 | cp1252 | xlsx | binary
    delimiter: str = ","
    labels: dict[str, str] = field(default_factory=dict)
    import_ids: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    typed: frozenset[str] = frozenset()
    measures: dict[str, str] = field(default_factory=dict)  # SPSS: column → nominal|ordinal|scale

    def __post_init__(self) -> None:
        if not isinstance(self.row_numbers, RowNumbers):
            object.__setattr__(self, "row_numbers", RowNumbers(self.row_numbers))

    def __len__(self) -> int:
        return len(self.row_numbers)

    def text(self, column: str) -> np.ndarray:
        """The column's cells as an object array of ``str`` or ``None``."""
        return self.columns[column].to_numpy(zero_copy_only=False)

    def codes(self, column: str) -> tuple[list[str], np.ndarray]:
        """The column's distinct non-empty texts and, per row, the index into them (int32;
        -1 for an empty cell): type each distinct value once, then scatter."""
        encoded = pc.dictionary_encode(self.columns[column])
        uniques = encoded.dictionary.to_pylist()
        index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return uniques, index.astype(np.int32, copy=False)

    def row(self, i: int) -> dict[str, str | None]:
        """Data row ``i`` (0-based) as text by column."""
        return {h: self.columns[h][i].as_py() for h in self.header}

    def floats(self, column: str, *, decimal_comma: bool = False) -> np.ndarray:
        """The column as float64: NaN where a cell is empty or not a plain number (``12``,
        ``-1.5``, ``2e3``); with ``decimal_comma`` ``12,5`` reads as 12.5 (and ``12.5`` not)."""
        return to_floats(self.columns[column], decimal_comma=decimal_comma)


class _NoPandas:
    """An import finder that refuses pandas (see ``arrow_without_pandas``)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is not needed to read tables")


def arrow_without_pandas() -> None:
    """Keep pyarrow from importing pandas (0.3 s) in a process that never hands it a pandas
    object: pyarrow imports pandas the first time any Python value becomes an Arrow value, only
    to recognise pandas objects (apache/arrow#34994). Here it looks once, finds none and does
    not look again — until ``arrow_with_pandas`` (or any pyarrow call that needs pandas)."""
    if "pandas" in sys.modules:
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.scalar(0)
    finally:
        sys.meta_path.remove(blocker)


def arrow_with_pandas() -> None:
    """Let pyarrow recognise pandas objects again (imports pandas); call it before handing
    pyarrow a pandas object after ``arrow_without_pandas``."""
    _ = pa.lib._pandas_api.pd


def to_floats(array: pa.Array, *, decimal_comma: bool = False) -> np.ndarray:
    """A string array as float64 (see ``RawTable.floats``), vectorised."""
    if pa.types.is_floating(array.type) or pa.types.is_integer(array.type):
        return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    if decimal_comma:
        array = pc.if_else(pc.match_substring(array, "."), pa.scalar(None, array.type), array)
        array = pc.replace_substring(array, ",", ".")
    try:
        out = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        plain = pc.match_substring_regex(array, PLAIN_NUMBER)
        out = pc.cast(pc.if_else(plain, array, pa.scalar(None, array.type)), pa.float64())
    values = out.to_numpy(zero_copy_only=False)
    if values.dtype != np.float64:
        values = values.astype(np.float64)
    if not np.isfinite(values).all():  # 'inf'/'nan' are not plain numbers; nulls became NaN
        values = np.where(np.isinf(values), np.nan, values)
    return values


def _fail(name: str, row: int | None, message: str, column: str | None = None) -> InputError:
    return InputError([Problem(name, row, column, message)])


def read_table(
    path: Path, *, suffixes: Sequence[str] = SUFFIXES, sheet: int = 0, strip: bool = True
) -> RawTable:
    """Read ``path`` by its extension (one of ``suffixes``); a missing file, a file of another
    type, or one that cannot be read is an ``InputError`` naming it. With ``strip=False`` a
    CSV file's cells keep their surrounding whitespace (only empty cells are null; ``clean``
    strips a column later), for writing the file back as it was."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise _fail(
            path.name,
            None,
            f"is a '{suffix or 'no extension'}' file; innomon reads {', '.join(suffixes)}",
        )
    if not path.is_file():
        raise _fail(str(path), None, "does not exist")
    if suffix == ".csv":
        return _read_csv(path, strip)
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix in (".sav", ".dta"):
        return _read_stat(path)
    return _read_parquet(path)


# --- CSV ------------------------------------------------------------------------------------


def _decode(path: Path) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (no BOM) and the encoding it was written in."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(str(path), None, f"cannot read it ({exc.strerror})") from exc
    if b"\x00" in raw[:4096]:
        raise _fail(path.name, None, "is not a text file; save it as CSV (UTF-8)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.isascii():
        return raw, "utf-8"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _fail(
            path.name, None, "is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8"
        ) from exc


@dataclass(frozen=True)
class _Records:
    """Where each CSV record starts and ends (byte offsets, end excludes the newline)."""

    starts: np.ndarray
    ends: np.ndarray
    multiline: bool  # some quoted field holds a newline


def _scan(buf: np.ndarray) -> _Records:
    """Split the bytes into records at the newlines outside quotes (a quote toggles; ``""``
    inside a quoted field toggles twice), vectorised."""
    newlines = np.flatnonzero(buf == _NEWLINE)
    quotes = np.flatnonzero(buf == _QUOTE)
    if len(quotes):
        inside = (np.searchsorted(quotes, newlines) & 1).astype(bool)
        ends = newlines[~inside]
        multiline = bool(inside.any())
    else:
        ends, multiline = newlines, False
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(buf)]))
    if starts[-1] >= len(buf):  # the file ends with a newline: no record after it
        starts, ends = starts[:-1], ends[:-1]
    return _Records(starts, ends, multiline)


def _blank(buf: np.ndarray, rec: _Records, delimiter: int) -> np.ndarray:
    """Per record: True when it holds nothing but spaces, tabs, CRs and delimiters."""
    blankish = np.zeros(256, dtype=bool)
    blankish[[_SPACE, _TAB, _CR, delimiter]] = True
    blank = np.ones(len(rec.starts), dtype=bool)
    pos = rec.starts.copy()
    todo = np.flatnonzero(pos < rec.ends)
    while len(todo):  # advance byte by byte, only over records still undecided
        here = blankish[buf[pos[todo]]]
        blank[todo[~here]] = False
        todo = todo[here]
        pos[todo] += 1
        todo = todo[pos[todo] < rec.ends[todo]]
    return blank


def _split_record(text: str, delimiter: str) -> list[str]:
    """One record's values, its quoted fields possibly spanning lines."""
    import csv
    import io

    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def _delimiter(first_line: bytes) -> str:
    counts = {d: first_line.count(d.encode()) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, strip: bool = True) -> RawTable:
    data, encoding = _decode(path)
    if b"\n" not in data and b"\r" in data:  # old Mac line ends
        data = data.replace(b"\r", b"\n")
    if b'"' not in data and not _has_blank_line(data):
        table = _read_simple_csv(path.name, data, encoding, strip)
        if table is not None:
            return table
    return _read_any_csv(path.name, data, encoding, strip)


def _has_blank_line(data: bytes) -> bool:
    """Whether ``data`` holds ``\\n\\n`` or ``\\n\\r\\n`` — in slices of 1 MiB (a two-byte
    ``in`` search of a large file is slow, and one comparison of the whole file allocates as
    much memory again)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    crlf = b"\r" in data
    step = 1 << 20
    for lo in range(0, buf.size, step):
        part = buf[lo : lo + step + 2]  # overlapping the next slice by two bytes
        nl = part == _NEWLINE
        if (nl[:-1] & nl[1:]).any():
            return True
        if crlf and (nl[:-2] & (part[1:-1] == _CR) & nl[2:]).any():
            return True
    return False


def _plain_kind(names: Sequence[str]) -> str:
    return "limesurvey" if len({h.lower() for h in names} & LIMESURVEY_COLUMNS) >= 2 else "plain"


def _read_simple_csv(name: str, data: bytes, encoding: str, strip: bool) -> RawTable | None:
    """The fast path for a file without quotes or blank lines, where every line is one row:
    None when some row has another number of values (``_read_any_csv`` then names it)."""
    end = data.find(b"\n")
    end = len(data) if end < 0 else end
    head = data[:end].decode("utf-8").rstrip("\r")
    if not head.strip():
        raise _fail(name, 1, "has no header line")
    delimiter = _delimiter(data[:end])
    names = [h.strip() for h in head.split(delimiter)]
    spaces = b" " in data or (delimiter != "\t" and b"\t" in data) or b"\r" in data
    body = memoryview(data)[end + 1 :]
    columns = _parse(name, body, names, delimiter, False, strip=strip and spaces)
    if columns is None:
        return None
    table_columns, header = _named(name, names, columns)
    n = len(columns[0]) if columns else 0
    numbers = np.arange(2, n + 2, dtype=np.int64)
    kind = _plain_kind(names)
    return _without_empty_rows(
        RawTable(name, header, table_columns, numbers, kind, encoding, delimiter)
    )


def _read_any_csv(name: str, data: bytes, encoding: str, strip: bool) -> RawTable:
    """Any CSV file: records found by a quote-aware scan, so that a quoted field may hold
    newlines and blank lines keep their row numbers."""
    buf = np.frombuffer(data, dtype=np.uint8)
    rec = _scan(buf)
    if not len(rec.starts) or not data[rec.starts[0] : rec.ends[0]].strip():
        raise _fail(name, 1, "has no header line")

    def record(k: int) -> str:
        return data[rec.starts[k] : rec.ends[k]].decode("utf-8").rstrip("\r")

    delimiter = _delimiter(data[rec.starts[0] : rec.ends[0]])
    names = [h.strip() for h in _split_record(record(0), delimiter)]
    kind, first = _plain_kind(names), 1
    labels: dict[str, str] = {}
    import_ids: dict[str, str] = {}
    third = _split_record(record(2), delimiter) if len(rec.starts) >= 3 else []
    if third and third[0].lstrip().startswith('{"ImportId"'):
        kind, first = "qualtrics", 3
        second = _split_record(record(1), delimiter)
        labels = dict(zip(names, (v.strip() for v in second), strict=False))
        import_ids = {h: _import_id(v) for h, v in zip(names, third, strict=False)}

    numbers = np.arange(first, len(rec.starts), dtype=np.int64)  # 0-based record → data
    blank = _blank(buf, _Records(rec.starts[first:], rec.ends[first:], False), ord(delimiter))
    if blank.any():  # leave blank lines out of what pyarrow parses, one slice per run
        keep = numbers[~blank]
        run_start = np.flatnonzero(np.diff(keep, prepend=-2) != 1)
        run_end = np.append(run_start[1:], len(keep)) - 1
        body: bytes | memoryview = b"\n".join(
            data[rec.starts[keep[a]] : rec.ends[keep[b]]]
            for a, b in zip(run_start, run_end, strict=True)
        )
    else:
        keep = numbers
        body = memoryview(data)[rec.starts[first] :] if len(keep) else b""
    columns = _parse(name, body, names, delimiter, rec.multiline, len(keep), strip=strip)
    if columns is None:
        raise _ragged(name, len(names), delimiter, data, rec, keep + 1)
    table_columns, header = _named(name, names, columns)
    if labels:
        labels = {h: labels[h] for h in header if labels.get(h)}
        import_ids = {h: import_ids[h] for h in header if import_ids.get(h)}
    return _without_empty_rows(
        RawTable(
            name,
            header,
            table_columns,
            keep + 1,
            kind,
            encoding,
            delimiter,
            labels,
            import_ids,
        )
    )


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except ValueError:
        return cell.strip()
    return str(value.get("ImportId", "")) if isinstance(value, dict) else cell.strip()


def _parse(
    name: str,
    body: bytes | memoryview,
    names: list[str],
    delimiter: str,
    multiline: bool,
    expected: int | None = None,
    *,
    strip: bool = True,
) -> list[pa.Array] | None:
    """The body's cells, per column a stripped string array (null for empty); None when a
    row has another number of values than ``names`` (or the rows are not ``expected``)."""

    n = len(names)
    if not len(body) or expected == 0:
        return [pa.array([], pa.string()) for _ in names]
    ragged: list[Any] = []

    def invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    keys = [f"c{i}" for i in range(n)]
    try:
        table = _arrow_csv(body, keys, delimiter, multiline, invalid)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise _fail(name, None, f"cannot be read as CSV ({exc})") from exc
        ragged.clear()  # a field larger than a block (1 MiB): read the file as one block
        try:
            table = _arrow_csv(body, keys, delimiter, multiline, invalid, len(body) + 1)
        except pa.ArrowInvalid as again:
            raise _fail(name, None, f"cannot be read as CSV ({again})") from again
    if ragged or (expected is not None and table.num_rows != expected):
        return None
    if not strip:  # (or no whitespace in the file): the empty cells are null already
        return [table.column(i).combine_chunks() for i in range(n)]
    return [clean(table.column(i)) for i in range(n)]


def _arrow_csv(
    body: bytes | memoryview,
    keys: list[str],
    delimiter: str,
    multiline: bool,
    invalid: Any,
    block_size: int | None = None,
) -> pa.Table:
    """pyarrow's CSV reader, every column as text."""
    import pyarrow.csv as pcsv

    read = pcsv.ReadOptions(column_names=keys, use_threads=True)
    if block_size is not None:
        read.block_size = block_size
    return pcsv.read_csv(
        pa.py_buffer(body),
        read_options=read,
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=multiline,
            ignore_empty_lines=False,
            invalid_row_handler=invalid,
        ),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(keys, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
            check_utf8=False,
        ),
    )


def _ragged(
    name: str, n: int, delimiter: str, data: bytes, rec: _Records, row_numbers: np.ndarray
) -> InputError:
    """The records with another number of values than the header (the slow path: errors)."""
    problems = []
    for number in row_numbers:
        k = number - 1
        text = data[rec.starts[k] : rec.ends[k]].decode("utf-8").rstrip("\r")
        count = len(_split_record(text, delimiter))
        if count != n:
            problems.append(
                Problem(
                    name,
                    int(number),
                    None,
                    f"has {count} values for {n} columns; check the separator "
                    f"('{delimiter}') and the quotes on that line",
                )
            )
    if not problems:
        problems.append(Problem(name, None, None, "cannot be read as CSV; check its quotes"))
    return InputError(problems)


def clean(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Stripped of surrounding whitespace; an empty cell is null."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    if _no_whitespace(array):
        return array  # (as below when trimming strips nothing), without trimming a copy
    trimmed = pc.utf8_trim_whitespace(array)
    if pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(array)).as_py():
        return array  # nothing to strip (and no whitespace-only cell)
    empty = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(empty, pa.scalar(None, array.type), trimmed)


def _no_whitespace(array: pa.Array) -> bool:
    """True when no cell can hold whitespace: every byte of the text is ASCII and above the
    space (no tab, newline, space or other control byte, no multi-byte character)."""
    data = array.buffers()[2]
    if data is None or data.size == 0:
        return True
    values = np.frombuffer(data, dtype=np.uint8)
    return bool(values.min() > _SPACE and values.max() < 0x80)


def _named(
    name: str, names: Sequence[str], columns: Sequence[pa.Array]
) -> tuple[dict[str, pa.Array], tuple[str, ...]]:
    """The columns by their header name: an unnamed column that is empty throughout is left
    out (spreadsheets write them); an unnamed column with cells, or a name given twice, is an
    ``InputError``."""
    out: dict[str, pa.Array] = {}
    problems = []
    seen: dict[str, int] = {}
    for i, (h, col) in enumerate(zip(names, columns, strict=False)):
        if not h:
            if col.null_count < len(col):
                problems.append(
                    Problem(name, 1, None, f"column {i + 1} has values but no name in the header")
                )
            continue
        seen[h] = seen.get(h, 0) + 1
        out[h] = col
    twice = [h for h, c in seen.items() if c > 1]
    if twice:
        problems.append(
            Problem(
                name,
                1,
                None,
                "the header names these columns more than once: "
                + ", ".join(f"'{h}'" for h in twice),
            )
        )
    if problems:
        raise InputError(problems)
    return out, tuple(out)


def _without_empty_rows(table: RawTable) -> RawTable:
    """Drop the rows whose every cell is empty (e.g. ``"",""``): they carry no respondent."""
    if not len(table) or not table.header:
        return table
    valid = None
    for h in table.header:
        v = pc.is_valid(table.columns[h])
        valid = v if valid is None else pc.or_(valid, v)
    if pc.all(valid).as_py():
        return table
    cols = {h: pc.filter(a, valid) for h, a in table.columns.items()}
    numbers = table.row_numbers[valid.to_numpy(zero_copy_only=False)]
    return _replace(table, columns=cols, row_numbers=numbers)


def _replace(table: RawTable, **changes: Any) -> RawTable:
    from dataclasses import replace

    return replace(table, **changes)


# --- spreadsheets and statistics files ----------------------------------------------------


def number_text(value: float | int) -> str:
    """The shortest text of a number: ``1.0`` → ``"1"``, ``2.5`` → ``"2.5"``."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _numbers_as_text(values: np.ndarray) -> pa.Array:
    """float64 array → shortest texts, NaN → null (vectorised)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    whole = finite & (np.abs(values) < 1e15) & (values == np.floor(values))
    as_int = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
    as_float = pc.cast(pa.array(values), pa.string())
    text = pc.if_else(pa.array(whole), as_int, as_float)
    return pc.if_else(pa.array(finite), text, pa.scalar(None, pa.string()))


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _read_xlsx(path: Path, sheet: int) -> RawTable:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a file that is no workbook raises many kinds
        raise _fail(
            path.name, None, f"is not a readable Excel workbook ({type(exc).__name__})"
        ) from exc
    try:
        if sheet >= len(wb.worksheets):
            raise _fail(path.name, None, f"has no sheet {sheet + 1}")
        rows = wb.worksheets[sheet].iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None or not any(_cell_text(v) for v in header_row):
            raise _fail(path.name, 1, "the first sheet is empty")
        names = [_cell_text(h) or "" for h in header_row]
        n = len(names)
        cells: list[list[str | None]] = [[] for _ in range(n)]
        numeric = [True] * n
        filled = [False] * n
        numbers = []
        for row_no, row in enumerate(rows, start=2):
            texts = [_cell_text(v) for v in row[:n]]
            if len(row) > n and any(_cell_text(v) for v in row[n:]):
                raise _fail(path.name, row_no, "has values beyond the last named column")
            if not any(texts):
                continue
            texts += [None] * (n - len(texts))
            for i, (t, v) in enumerate(zip(texts, row[:n], strict=False)):
                cells[i].append(t)
                if t is not None:
                    filled[i] = True
                    if isinstance(v, bool) or not isinstance(v, int | float):
                        numeric[i] = False
            numbers.append(row_no)
    finally:
        wb.close()
    arrays = [pa.array(c, pa.string()) for c in cells]
    columns, header = _named(path.name, names, arrays)
    typed = frozenset(h for i, h in enumerate(names) if h in columns and numeric[i] and filled[i])
    return RawTable(
        path.name,
        header,
        columns,
        np.asarray(numbers, dtype=np.int64),
        "plain",
        "xlsx",
        "",
        typed=typed,
    )


def _read_stat(path: Path) -> RawTable:
    import pyreadstat

    arrow_with_pandas()
    reader = pyreadstat.read_sav if path.suffix.lower() == ".sav" else pyreadstat.read_dta
    try:
        frame, meta = reader(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own errors for damaged files
        raise _fail(path.name, None, f"cannot be read ({exc})") from exc
    names = [str(c) for c in frame.columns]
    arrays, typed = [], set()
    for h, column in zip(names, frame.columns, strict=True):
        values = frame[column].to_numpy()
        if values.dtype.kind in "fiu":
            arrays.append(_numbers_as_text(values))
            typed.add(h)
        else:  # text, or dates as Python objects
            arrays.append(clean(pa.array([_cell_text(v) for v in values], pa.string())))
    columns, header = _named(path.name, names, arrays)
    labels = {
        str(k): str(v)
        for k, v in zip(meta.column_names, meta.column_labels or [], strict=False)
        if v
    }
    value_labels = {
        str(col): {_cell_text(code) or "": str(label) for code, label in mapping.items()}
        for col, mapping in (meta.variable_value_labels or {}).items()
    }
    n = len(frame)
    return _without_empty_rows(
        RawTable(
            path.name,
            header,
            columns,
            np.arange(1, n + 1, dtype=np.int64),
            "plain",
            "binary",
            "",
            labels,
            {},
            value_labels,
            frozenset(typed),
            {str(k): str(v) for k, v in (getattr(meta, "variable_measure", None) or {}).items()},
        )
    )


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    arrow_with_pandas()  # a parquet file may carry pandas metadata
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise _fail(path.name, None, f"cannot be read as parquet ({exc})") from exc
    names = [str(c) for c in table.column_names]
    arrays, typed = [], set()
    for h, column in zip(names, table.columns, strict=True):
        array = column.combine_chunks()
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if pa.types.is_integer(array.type):
            arrays.append(pc.cast(array, pa.string()))
            typed.add(h)
        elif pa.types.is_floating(array.type) or pa.types.is_boolean(array.type):
            floats = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
            arrays.append(_numbers_as_text(floats))
            typed.add(h)
        else:
            arrays.append(clean(array))
    columns, header = _named(path.name, names, arrays)
    return RawTable(
        path.name,
        header,
        columns,
        np.arange(1, table.num_rows + 1, dtype=np.int64),
        "plain",
        "binary",
        "",
        typed=frozenset(typed),
    )
