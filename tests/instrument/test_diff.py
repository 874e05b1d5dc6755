"""``diff_instruments``: one line per added, removed or changed question, choice, calculation and
context variable."""

from __future__ import annotations

import io

import openpyxl

from innomon.instrument import load_instrument
from innomon.instrument.diff import diff_instruments
from tests.instrument.workbooks import calc, hidden, workbook


def test_the_same_questionnaire_has_no_differences():
    assert diff_instruments(load_instrument(), load_instrument()) == []


def test_each_kind_of_change_is_one_line():
    old = load_instrument()
    new = load_instrument(
        data=workbook(
            [
                {
                    "type": "select_one importance",
                    "name": "theme20_goal",
                    "label::Nederlands (nl)": "Doel",
                    "label::English (en)": "Goal",
                    "innomon::since": 2020,
                },
                calc("big", "${employees} >= 50"),
                hidden("rate", "parameter.rate"),
            ],
            edits=[
                ("rd_internal", "relevant", "${innovation_investment} = 1 and ${employees} > 0"),
                ("employees", "required", None),
                ("innovation_staff", "type", "decimal"),
                ("obstacles_other", "label::English (en)", "Another obstacle?"),
                ("innovator", "calculation", "${product_innovator} = 1"),
                ("corop", "innomon::source", "register.municipality"),
            ],
            delete=["theme18_goal_social", "support_voucher_used"],
            choices=[("location", "5", "Op de maan", "On the moon"), ("newlist", "a", "A", "A")],
        )
    )
    lines = diff_instruments(old, new)
    assert all("\n" not in line for line in lines)
    assert lines == [
        "question 'employees' changed: required yes → no",
        "question 'rd_internal' changed: relevant '${innovation_investment} = 1' → "
        "'${innovation_investment} = 1 and ${employees} > 0'",
        "question 'innovation_staff' changed: type 'integer' → 'decimal'",
        "question 'obstacles_other' changed: label (en) 'Which other obstacle?' → "
        "'Another obstacle?'",
        "question 'theme20_goal' added (select_one importance, since 2020)",
        "question 'theme18_goal_social' removed",
        "choice list 'location': choice '5' added ('Op de maan' / 'On the moon')",
        "choice list 'newlist' added (1 choices: a)",
        "calculation 'innovator' changed: calculation "
        + repr(old.calculations[2].calculation_text)
        + " → '${product_innovator} = 1'",
        "calculation 'big' added: ${employees} >= 50",
        "calculation 'support_voucher_used' removed",
        "context variable 'corop' changed: source 'register.corop' → 'register.municipality'",
        "context variable 'rate' added (parameter.rate)",
    ]


def test_relabelled_and_removed_choices_and_versions():
    old = load_instrument()
    base = workbook()
    book = openpyxl.load_workbook(io.BytesIO(base))
    choices = book["choices"]
    rows = [(r[0].value, r[1].value) for r in choices.iter_rows()]
    choices.cell(row=rows.index(("yes_no", "0")) + 1, column=4).value = "Nope"
    choices.delete_rows(rows.index(("obstacle", "8")) + 1)
    book["settings"]["D2"] = "2020.1"
    out = io.BytesIO()
    book.save(out)
    new = load_instrument(data=out.getvalue())
    assert diff_instruments(old, new) == [
        "version 2019.1 → 2020.1",
        "choice list 'yes_no': choice '0' relabelled (en) 'No' → 'Nope'",
        "choice list 'obstacle': choice '8' removed",
    ]
