"""The questionnaire workbook: its layout, what pyxform accepts, what loads."""

from __future__ import annotations

import openpyxl
import pytest
from pyxform.xls2xform import convert

from innomon.instrument import WORKBOOK, initiative_choices, load_instrument, slug
from innomon.instrument.initiatives import INITIATIVE_TYPES


def _cells(path):
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_the_workbook_is_laid_out_for_people_who_edit_it():
    book = openpyxl.load_workbook(WORKBOOK)
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey = book["survey"]
    assert survey.freeze_panes == "C2"
    assert all(cell.font.b for cell in survey[1])
    header = [c.value for c in survey[1]]
    assert header[-3:] == ["innomon::since", "calculation", "innomon::source"]
    cells = _cells(WORKBOOK)
    assert cells["settings"][1][3] == "2019.1"  # text, not the number 2019.1


def test_pyxform_converts_the_workbook_without_warnings():
    warnings: list[str] = []
    result = convert(xlsform=str(WORKBOOK), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    assert "<h:title>Noord-Nederlandse Innovatiemonitor 2019</h:title>" in result.xform
    assert 'lang="English (en)"' in result.xform


def test_settings_and_titles(instrument):
    assert instrument.version == "2019.1"
    assert instrument.form_id == "innovatiemonitor"
    assert instrument.title_nl == "Noord-Nederlandse Innovatiemonitor 2019"
    assert instrument.title_en == "Northern Netherlands Innovation Monitor 2019"
    assert instrument.source == "innovatiemonitor.xlsx"


def test_every_supported_question_type_is_present(instrument):
    types = {q.type for q in instrument.questions}
    assert types == {"integer", "decimal", "text", "select_one", "select_multiple", "note"}
    assert all(q.label_nl and q.label_en for q in instrument.questions)
    assert {q.group for q in instrument.questions} == {
        "profile",
        "innovation",
        "investment",
        "collaboration",
        "barriers",
        "support",
        "theme_2019",
        "theme_2018",
    }


def test_the_core_questions_and_their_rules(instrument):
    q = instrument.question("bpi_functions")
    assert (q.type, q.list_name, q.relevant_text) == (
        "select_multiple",
        "bpi_function",
        "${process_innovation} = 1",
    )
    assert [c.name for c in instrument.choices(q)] == ["1", "2", "3", "4", "5", "6"]
    firm = instrument.question("turnover_new_firm_pct")
    assert firm.type == "decimal"
    assert firm.constraint.references == {"turnover_new_market_pct"}
    assert firm.constraint.uses_current
    assert firm.constraint_message_nl.startswith("Vul een percentage")
    assert firm.constraint_message_en.startswith("Enter a percentage")
    assert [c.name for c in instrument.choice_lists["yes_no"]] == ["1", "0"]
    assert instrument.choice_lists["yes_no"][0].label_en == "Yes"
    for key in ("wbso", "mit", "innovatiekrediet", "efro", "voucher"):
        assert instrument.question(f"support_{key}").list_name == "awareness"
    for key in ("customers", "suppliers", "competitors", "consultants"):
        assert instrument.question(f"partner_{key}").constraint is not None
    assert instrument.question("employees").row == 4  # the workbook's own row number


def test_value_types(instrument):
    q = instrument.question
    assert instrument.value_type(q("employees")) is int
    assert instrument.value_type(q("turnover_new_market_pct")) is float
    assert instrument.value_type(q("obstacles_other")) is str
    assert instrument.value_type(q("turnover_class")) is int
    assert instrument.value_type(q("partner_customers")) is int
    assert instrument.value_type(q("initiatives_network")) is str
    with pytest.raises(ValueError, match="holds no answer"):
        instrument.value_type(q("intro"))
    with pytest.raises(KeyError, match="no question 'nope'"):
        instrument.question("nope")


def test_variables_leave_out_notes(instrument):
    names = [q.name for q in instrument.variables()]
    assert "intro" not in names
    assert "support_intro" not in names
    assert names[:3] == ["employees", "founding_year", "turnover_class"]
    assert len(names) == len(set(names))


def test_since_varies_with_the_themes(instrument):
    since = {q.name: q.since for q in instrument.variables()}
    assert since["employees"] == 2015
    assert since["support_wbso"] == 2016
    assert since["initiatives_network"] == 2015
    assert since["theme18_goal_social"] == 2018
    assert since["theme19_finance_gap"] == 2019
    assert since["partner_customers"] == 2019


def test_initiative_choices_come_from_the_registry(instrument, initiatives):
    lists = {t: instrument.choice_lists[f"initiative_{t}"] for t in INITIATIVE_TYPES}
    assert sum(len(v) for v in lists.values()) == 55
    assert all(lists.values())
    assert {len(v) for v in lists.values()} != {55}
    for t, choices in lists.items():
        expected = [i["name"] for i in initiatives if i["type"] == t]
        assert [c.label_nl for c in choices] == expected
        assert [c.label_en for c in choices] == expected
    codes = [c.name for v in lists.values() for c in v]
    assert len(set(codes)) == 55
    assert all(code.isascii() and code == code.lower() and " " not in code for code in codes)
    assert "energy_valley" in codes
    assert "healthy_ageing_network_northern_netherlands_hannn" in codes
    assert set(instrument.registry_lists) == {f"initiative_{t}" for t in INITIATIVE_TYPES}


def test_initiative_codes_are_stable(initiatives):
    forward = initiative_choices(initiatives)
    backward = initiative_choices(list(reversed(initiatives)))
    code = {c.label_nl: c.name for v in forward.values() for c in v}
    assert code == {c.label_nl: c.name for v in backward.values() for c in v}
    assert slug("Innovatiepact Fryslân (IPF)") == "innovatiepact_fryslan_ipf"
    assert slug("EnTranCe – Energy Transition Centre") == "entrance_energy_transition_centre"


def test_initiative_codes_that_collide_are_numbered_by_name():
    lists = initiative_choices(
        [
            {"name": "Lab Noord!", "type": "network"},
            {"name": "Lab-Noord", "type": "network"},
            {"name": "Lab Noord", "type": "incubator"},
        ]
    )
    codes = {c.label_nl: c.name for v in lists.values() for c in v}
    assert codes == {
        "Lab Noord": "lab_noord",
        "Lab Noord!": "lab_noord_2",
        "Lab-Noord": "lab_noord_3",
    }


def test_without_a_registry_the_initiative_lists_are_empty():
    loaded = load_instrument()
    assert loaded.choice_lists["initiative_network"] == ()
    assert loaded.choice_lists["yes_no"]


def test_a_workbook_elsewhere_loads_by_path(tmp_path, initiatives):
    copy = tmp_path / "vragenlijst.xlsx"
    copy.write_bytes(WORKBOOK.read_bytes())
    loaded = load_instrument(initiatives, path=copy)
    assert loaded.source == "vragenlijst.xlsx"
    assert len(loaded.variables()) == len(load_instrument(initiatives).variables())


def test_a_groups_relevance_is_combined_into_its_questions(tmp_path, initiatives):
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["survey"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet["B"]].index("theme_2019") + 1
    sheet.cell(row=row, column=header.index("relevant") + 1, value="${employees} >= 10")
    path = tmp_path / "grouped.xlsx"
    book.save(path)
    loaded = load_instrument(initiatives, path=path)
    gap = loaded.question("theme19_finance_gap")
    assert gap.relevant_text == "${employees} >= 10"
    amount = loaded.question("theme19_finance_gap_amount")
    assert amount.relevant_text == "(${employees} >= 10) and (${theme19_finance_gap} = 1)"
    assert amount.relevant.test({"employees": 12, "theme19_finance_gap": 1})
    assert not amount.relevant.test({"employees": 5, "theme19_finance_gap": 1})
    assert loaded.question("theme18_goal_social").relevant is None
