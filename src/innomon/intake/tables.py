"""Read a small table (a register, a frame, invitations, margins) as records, with errors that
name the file, the row and the column. Every file is read by ``innomon.tabular``: UTF-8 or
Windows-1252, separated by ``,``, ``;`` or a tab, or the first sheet of an ``.xlsx`` workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from innomon.errors import InputError, Problem
from innomon.tabular import RawTable, read_table


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[dict]:
    """The rows of a CSV file (header on line 1) as dicts of text (``""`` for an empty cell);
    row *i* of the result is line *i + 2* of the file.

    Column names are matched case-insensitively; a missing required column, an unknown column,
    a blank line or a row with too many or too few values is an ``InputError`` naming the
    file."""
    return read_records(path, required, optional, suffixes=(".csv",))


def read_records(
    path: Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    suffixes: Sequence[str] = (".csv", ".xlsx"),
) -> list[dict]:
    """``read_csv`` for a CSV file or an Excel workbook (its first sheet; blank rows there are
    skipped, so rows are numbered as they come)."""
    table = read_table(path, suffixes=suffixes)
    if path.suffix.lower() == ".csv":
        _no_blank_lines(table)
    _no_huge_fields(table, required)
    return records(table, required, optional)


FIELD_LIMIT = 128 * 1024  # bytes: no cell of such a table is this long


def _no_huge_fields(table: RawTable, required: Sequence[str]) -> None:
    """A cell beyond ``FIELD_LIMIT`` means the file is not such a table (a wrong file)."""
    for h in table.header:
        lengths = pc.binary_length(table.columns[h])
        if (pc.max(lengths).as_py() or 0) > FIELD_LIMIT:
            i = int(np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > FIELD_LIMIT)[0])
            message = (
                f"a field is larger than {FIELD_LIMIT // 1024} KiB; check that it is a CSV "
                f"file of {', '.join(required)}"
            )
            raise InputError([Problem(table.name, int(table.row_numbers[i]), None, message)])


def _no_blank_lines(table: RawTable) -> None:
    expected = np.arange(2, len(table) + 2)
    gap = np.flatnonzero(np.asarray(table.row_numbers) != expected)
    if gap.size:
        line = int(expected[gap[0]])
        raise InputError([Problem(table.name, line, None, "is empty; remove the line")])


def records(table: RawTable, required: Sequence[str], optional: Sequence[str] = ()) -> list[dict]:
    """The rows of ``table`` as dicts by lower-case column name, checked against the
    ``required`` and ``optional`` columns (every problem listed)."""
    name = table.name
    header = [h.lower() for h in table.header]
    problems = [
        Problem(name, 1, col, f"required column '{col}' is missing")
        for col in required
        if col not in header
    ]
    known = list(dict.fromkeys([*required, *optional]))
    problems += [
        Problem(name, 1, col, f"unknown column '{col}'; expected {', '.join(known)}")
        for col in header
        if col not in known
    ]
    if problems:
        raise InputError(problems)
    columns = [[v or "" for v in table.columns[h].to_pylist()] for h in table.header]
    return [dict(zip(header, values, strict=True)) for values in zip(*columns, strict=True)]
