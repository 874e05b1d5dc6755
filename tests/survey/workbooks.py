"""Questionnaire workbooks for the tests, made with openpyxl from the packaged one — as a
team edits its workbook in Excel."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from innomon.instrument import WORKBOOK

DROPPED = "innovation_staff"  # a question no indicator uses
ADDED = "ai_use"  # a yes/no question the packaged workbook does not ask


def _column(sheet, name: str) -> int:
    for cell in sheet[1]:
        if cell.value == name:
            return cell.column
    raise KeyError(name)


def _row(sheet, name: str) -> int:
    col = _column(sheet, "name")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=col).value == name:
            return row
    raise KeyError(name)


def edited(version: str = "2020.1", **survey_cells: dict[str, str]) -> bytes:
    """The packaged workbook with question ``DROPPED`` replaced by ``ADDED`` (a required
    select_one yes_no), version ``version``; ``survey_cells`` maps a question name to cells to
    overwrite on its row (column → value)."""
    book = load_workbook(WORKBOOK)
    survey = book["survey"]
    row = _row(survey, DROPPED)
    for column in range(1, survey.max_column + 1):
        survey.cell(row=row, column=column, value=None)
    for header, value in {
        "type": "select_one yes_no",
        "name": ADDED,
        "label::Nederlands (nl)": "Gebruikt uw bedrijf kunstmatige intelligentie?",
        "label::English (en)": "Does your firm use artificial intelligence?",
        "required": "yes",
    }.items():
        survey.cell(row=row, column=_column(survey, header), value=value)
    for name, cells in survey_cells.items():
        for header, value in cells.items():
            survey.cell(row=_row(survey, name), column=_column(survey, header), value=value)
    settings = book["settings"]
    settings.cell(row=2, column=_column(settings, "version"), value=version)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def broken() -> bytes:
    """A workbook with several problems, on different rows and columns."""
    return edited(
        version="2020.1",
        employees={"type": "integr"},  # an unknown type
        turnover_class={"type": "select_one no_such_list"},  # a choice list that is not there
        rd_internal={"relevant": "${no_such_question} = 1"},  # a reference to nothing
        innovation_spend_pct={"constraint": ". >= 0 and and . <= 100"},  # not an expression
    )
