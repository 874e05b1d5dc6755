"""A broken workbook is rejected with one line naming file, sheet, row and column."""

from __future__ import annotations

import openpyxl
import pytest

from innomon.instrument import WORKBOOK, InstrumentError, load_instrument


def _row_of(sheet, name: str) -> int:
    names = [c.value for c in sheet["B"]]
    return names.index(name) + 1


def broken(tmp_path, edits, sheet_name="survey"):
    """A copy of the workbook with ``edits``: (name in column B, column title, new value)."""
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book[sheet_name]
    header = [c.value for c in sheet[1]]
    rows = []
    for name, column, value in edits:
        row = _row_of(sheet, name)
        sheet.cell(row=row, column=header.index(column) + 1).value = value
        rows.append(row)
    path = tmp_path / "broken.xlsx"
    book.save(path)
    return path, rows


def rejected(path, initiatives=None) -> InstrumentError:
    with pytest.raises(InstrumentError) as info:
        load_instrument(initiatives, path=path)
    message = str(info.value)
    assert "\n" not in message
    return info.value


def test_a_syntax_error_in_relevant_names_sheet_row_and_column(tmp_path):
    path, (row,) = broken(tmp_path, [("bpi_functions", "relevant", "${process_innovation} = = 1")])
    error = rejected(path)
    assert str(error).startswith(f"broken.xlsx, sheet survey, row {row}, column relevant: ")
    assert "unexpected =" in str(error)
    assert "at character 25" in str(error)
    assert (error.sheet, error.row, error.column) == ("survey", row, "relevant")


def test_an_unsupported_function_is_rejected_the_same_way(tmp_path):
    path, (row,) = broken(
        tmp_path, [("founding_year", "constraint", ". <= format-date(today(), '%Y')")]
    )
    error = rejected(path)
    assert str(error).startswith(f"broken.xlsx, sheet survey, row {row}, column constraint: ")
    assert "the function format-date() is not supported" in str(error)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("relevant", "${product_inovation} = 1", "${product_inovation} is not a question"),
        ("relevant", "${intro} = ''", "${intro} is a note and holds no answer"),
        ("relevant", "/data/innovation/product_innovation = 1", "paths are not supported"),
        ("constraint", "product_innovation = 1", "refer to a question as ${product_innovation}"),
        ("constraint", ". > 'abc", "has no closing '"),
        ("type", "select_one yesno", "the choice list 'yesno' is not on the sheet choices"),
        ("type", "date", "the question type 'date' is not supported"),
        ("type", "select_one yes_no or_other", "is not supported"),
        ("required", "maybe", "write yes or no"),
        ("innomon::since", "twenty", "is not a wave year"),
        ("name", "employees", "the name 'employees' is used before, on row 4"),
        ("name", "2nd_name", "is not a usable name"),
        ("label::English (en)", None, "has no English label"),
    ],
)
def test_each_kind_of_survey_problem(tmp_path, column, value, expected):
    path, (row,) = broken(tmp_path, [("turnover_new_market_pct", column, value)])
    error = rejected(path)
    assert f"sheet survey, row {row}, column {column}: " in str(error)
    assert expected in str(error)


def test_a_group_without_end_is_named_at_its_begin(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["survey"]
    types = [c.value for c in sheet["A"]]
    last = len(types) - types[::-1].index("end group")
    sheet.delete_rows(last)
    path = tmp_path / "open.xlsx"
    book.save(path)
    error = rejected(path)
    begin = [c.value for c in sheet["B"]].index("theme_2018") + 1
    assert str(error) == (
        f"open.xlsx, sheet survey, row {begin}, column type: group 'theme_2018' has no 'end group'"
    )


def test_an_unsupported_column_with_content_is_rejected(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["survey"]
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="choice_filter")
    sheet.cell(row=5, column=column, value="${employees} > 2")
    path = tmp_path / "filter.xlsx"
    book.save(path)
    assert "row 5, column choice_filter: innomon does not support the column 'choice_filter'" in (
        str(rejected(path))
    )


def test_a_calculation_on_a_question_row_is_rejected(tmp_path):
    path, (row,) = broken(tmp_path, [("founding_year", "calculation", "${employees} * 2")])
    assert row == 5
    assert (
        "row 5, column calculation: innomon does not support the column 'calculation' on a "
        "question: only a calculate row has a calculation"
    ) in str(rejected(path))


def test_choice_problems(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["choices"]
    rows = [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=1)]
    row = rows.index(("yes_no", "0")) + 1
    sheet.cell(row=row, column=2, value="1")
    path = tmp_path / "dup.xlsx"
    book.save(path)
    assert str(rejected(path)) == (
        f"dup.xlsx, sheet choices, row {row}, column name: "
        "the code '1' appears twice in list 'yes_no'"
    )


def test_a_typed_registry_list_is_rejected(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["choices"]
    row = [c.value for c in sheet["B"]].index("__registry__") + 1
    sheet.cell(row=row, column=2, value="energy_valley")
    path = tmp_path / "typed.xlsx"
    book.save(path)
    assert "come from the initiative registry" in str(rejected(path))


def test_a_missing_sheet_and_a_missing_file(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK)
    del book["settings"]
    path = tmp_path / "nosettings.xlsx"
    book.save(path)
    assert str(rejected(path)) == (
        "nosettings.xlsx: the sheet 'settings' is missing; an XLSForm needs one"
    )
    assert "no such file" in str(rejected(tmp_path / "absent.xlsx"))
    text = tmp_path / "form.xlsx"
    text.write_text("not a workbook")
    assert "is not an .xlsx workbook" in str(rejected(text))


def test_a_bad_registry_is_rejected(initiatives):
    bad = [*initiatives[:3], {"name": "Lab X", "type": "living_lab"}]
    with pytest.raises(InstrumentError) as info:
        load_instrument(bad)
    assert str(info.value) == (
        "initiative registry: initiative 4 ('Lab X') has type 'living_lab'; "
        "expected one of network, test_environment, incubator"
    )
    with pytest.raises(InstrumentError, match="listed twice"):
        load_instrument([*initiatives, initiatives[0]])


def test_pyxform_has_the_last_word(tmp_path):
    # innomon reads no instance_name, but pyxform checks its reference: a form pyxform rejects
    # is rejected, with pyxform's reason.
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["settings"]
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="instance_name")
    sheet.cell(row=2, column=column, value="${nope}")
    path = tmp_path / "pyx.xlsx"
    book.save(path)
    error = rejected(path)
    assert str(error).startswith("pyx.xlsx: pyxform rejects the form: [row : 2] On the 'settings'")
    assert "Could not find the name 'nope'" in str(error)
