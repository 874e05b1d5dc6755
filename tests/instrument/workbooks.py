"""Copies of the shipped workbook with rows added or cells changed, as bytes."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import openpyxl

from innomon.instrument import WORKBOOK

FIRST_NEW_ROW = openpyxl.load_workbook(WORKBOOK)["survey"].max_row + 1  # of an appended row


def workbook(
    append: Iterable[Mapping[str, object]] = (),
    edits: Iterable[tuple[str, str, object]] = (),
    delete: Iterable[str] = (),
    choices: Iterable[tuple[str, str, str, str]] = (),
) -> bytes:
    """The shipped workbook with survey rows appended (column title → value), cells edited
    (``(name in column B, column title, value)``), survey rows deleted by name and choice rows
    appended."""
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["survey"]
    header = {c.value: c.column for c in sheet[1]}
    names = [c.value for c in sheet["B"]]
    for name, column, value in edits:
        sheet.cell(row=names.index(name) + 1, column=header[column]).value = value
    for name in sorted(delete, key=names.index, reverse=True):
        sheet.delete_rows(names.index(name) + 1)
    for cells in append:
        row = sheet.max_row + 1
        for column, value in cells.items():
            sheet.cell(row=row, column=header[column], value=value)
    lists = book["choices"]
    for values in choices:
        lists.append(list(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def calc(name: str, calculation: str, **cells: object) -> dict[str, object]:
    return {"type": "calculate", "name": name, "calculation": calculation, **cells}


def hidden(name: str, source: str, **cells: object) -> dict[str, object]:
    return {"type": "hidden", "name": name, "innomon::source": source, **cells}
