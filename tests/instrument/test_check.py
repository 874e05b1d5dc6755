"""``problems``: every problem of a workbook, one line each; ``load_instrument`` raises the
first."""

from __future__ import annotations

import io

import openpyxl
import pytest

from innomon.instrument import WORKBOOK, InstrumentError, load_instrument
from innomon.instrument.check import problems
from tests.instrument.workbooks import FIRST_NEW_ROW, calc, hidden, workbook


def _row(name: str) -> int:
    return [c.value for c in openpyxl.load_workbook(WORKBOOK)["survey"]["B"]].index(name) + 1


def test_the_shipped_workbook_has_no_problems(tmp_path):
    assert problems(WORKBOOK) == []
    assert problems(WORKBOOK.read_bytes()) == []
    assert problems(str(WORKBOOK), parameters={"top_innovator_threshold"}) == []


def test_every_problem_is_listed_once_in_sheet_order():
    data = workbook(
        [
            calc("early", "${late} + 1"),
            calc("late", "${employees} * 2"),
            hidden("rate", "parameter.rate"),
        ],
        edits=[
            ("bpi_functions", "relevant", "${process_innovation} = = 1"),
            ("turnover_new_market_pct", "type", "date"),
            ("obstacles_other", "required", "maybe"),
            ("theme19_finance_gap", "label::English (en)", None),
        ],
        choices=[("yes_no", "1", "Ja", "Yes")],
    )
    found = problems(data, "team.xlsx", parameters={"top_innovator_threshold"})
    lines = [str(p) for p in found]
    assert all("\n" not in line and line.startswith("team.xlsx, sheet ") for line in lines)
    assert [(p.sheet, p.row, p.column) for p in found] == [
        ("choices", 61, "name"),
        ("survey", _row("turnover_new_market_pct"), "type"),
        ("survey", _row("theme19_finance_gap"), "label::English (en)"),
        ("survey", FIRST_NEW_ROW + 2, "innomon::source"),
        ("survey", _row("bpi_functions"), "relevant"),
        ("survey", _row("obstacles_other"), "required"),
        ("survey", FIRST_NEW_ROW, "calculation"),
    ]
    assert "the code '1' appears twice in list 'yes_no'" in lines[0]
    assert "the question type 'date' is not supported" in lines[1]
    assert "the monitor definition has no parameter 'rate'" in lines[3]
    assert "unexpected =" in lines[4]
    assert "${late} is calculated on row" in lines[6]
    # a reference to the question whose type is wrong is not reported again
    assert not any("turnover_new_market_pct} is not a question" in line for line in lines)
    with pytest.raises(InstrumentError) as info:
        load_instrument(data=data, source="team.xlsx")
    assert str(info.value) == lines[0]


def test_without_parameters_a_parameter_source_is_not_checked():
    data = workbook([hidden("rate", "parameter.rate")])
    assert problems(data) == []
    assert load_instrument(data=data).context[-1].source == "parameter.rate"


def test_a_problem_that_stops_the_check_ends_the_list(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    del book["settings"]
    del book["choices"]
    data = io.BytesIO()
    book.save(data)
    assert [str(p) for p in problems(data.getvalue(), "two.xlsx")] == [
        "two.xlsx: the sheet 'choices' is missing; an XLSForm needs one",
        "two.xlsx: the sheet 'settings' is missing; an XLSForm needs one",
    ]
    (not_a_workbook,) = problems(b"not a workbook", "x.xlsx")
    assert str(not_a_workbook).startswith("x.xlsx: is not an .xlsx workbook")
    (missing,) = problems(tmp_path / "absent.xlsx")
    assert str(missing).startswith("absent.xlsx: no such file")


def test_settings_and_pyxform_problems():
    book = openpyxl.load_workbook(WORKBOOK)
    settings = book["settings"]
    settings["A2"] = None
    settings["D2"] = None
    data = io.BytesIO()
    book.save(data)
    assert [(p.sheet, p.column, p.message) for p in problems(data.getvalue())] == [
        ("settings", "form_title", "is empty"),
        ("settings", "version", "is empty"),
    ]
