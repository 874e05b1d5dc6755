"""Read a CSV table as records, with errors that name the file, the line and the column."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from innomon.errors import InputError, Problem


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[dict]:
    """The rows of a UTF-8 CSV file (``,`` or ``;`` separated, header on line 1) as dicts;
    row *i* of the result is line *i + 2* of the file.

    Column names are matched case-insensitively; a missing required column, an unknown column,
    or text that is not UTF-8 is an ``InputError`` naming the file.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Problem(str(path), None, None, f"cannot read it ({exc.strerror})")]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, line, None, "is not UTF-8 text; save the sheet as 'CSV UTF-8'")]
        ) from exc
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].strip():
        raise InputError([Problem(name, 1, None, "has no header line")])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        return _records(name, reader, required, optional)
    except csv.Error as exc:  # e.g. a field beyond csv's limit (128 KiB): not such a table
        what = (
            f"a field is larger than {csv.field_size_limit() // 1024} KiB"
            if "field limit" in str(exc)
            else f"cannot be read as CSV ({exc})"
        )
        raise InputError(
            [
                Problem(
                    name,
                    reader.line_num or 1,
                    None,
                    f"{what}; check that it is a CSV file of {', '.join(required)}",
                )
            ]
        ) from exc


def _records(
    name: str, reader: Iterator[list[str]], required: Sequence[str], optional: Sequence[str]
) -> list[dict]:
    header = [h.strip().lower() for h in next(reader)]
    problems = [
        Problem(name, 1, col, f"required column '{col}' is missing")
        for col in required
        if col not in header
    ]
    known = set(required) | set(optional)
    problems += [
        Problem(name, 1, col, f"unknown column '{col}'; expected {', '.join(known)}")
        for col in header
        if col not in known
    ]
    if problems:
        raise InputError(problems)
    rows = []
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            raise InputError([Problem(name, line_no, None, "is empty; remove the line")])
        if len(values) != len(header):
            raise InputError(
                [
                    Problem(
                        name, line_no, None, f"has {len(values)} values for {len(header)} columns"
                    )
                ]
            )
        rows.append(dict(zip(header, values, strict=True)))
    return rows
