"""Answer validation: every rule, one response and many, and the two agree."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from innomon.instrument import AnswerProblem, validate, validate_table

from .responses import generate


@pytest.fixture
def good() -> dict:
    """A complete, valid response of a product and process innovator."""
    return {
        "employees": 12,
        "founding_year": 2001,
        "turnover_class": 3,
        "product_innovation": 1,
        "process_innovation": 1,
        "bpi_functions": [1, 4],
        "product_new_to_market": 1,
        "turnover_new_market_pct": 45.0,
        "turnover_new_firm_pct": 15.0,
        "turnover_unchanged_pct": 40.0,
        "innovation_investment": 1,
        "rd_internal": 1,
        "innovation_spend_pct": 4.5,
        "innovation_staff": 3,
        "initiatives_network": ["energy_valley"],
        "initiatives_test_environment": [],
        "initiatives_incubator": None,
        "collab_knowledge_institution": 1,
        "partner_customers": [1, 4],
        "partner_suppliers": [0],
        "obstacles": [1, 8],
        "obstacles_other": "te weinig tijd",
        "support_wbso": 3,
        "support_mit": 1,
        "support_innovatiekrediet": 0,
        "support_efro": 2,
        "support_voucher": 0,
        "theme19_finance_sources": [1, 3],
        "theme19_finance_gap": 0,
        "theme19_technologies": [0],
        "theme19_technology_plans": 1,
        "theme18_goal_economic": 5,
        "theme18_goal_social": 3,
    }


def rules(problems: list[AnswerProblem]) -> list[tuple[str, str]]:
    return [(p.variable, p.rule) for p in problems]


def test_a_correct_response_passes(instrument, good):
    assert validate(instrument, good, complete=True) == []
    as_text = {k: v if not isinstance(v, int) else str(v) for k, v in good.items()}
    assert validate(instrument, as_text, complete=True) == []  # the XForm's own text form


def test_types(instrument, good):
    answers = good | {
        "employees": "12,5",
        "founding_year": 2001.0,  # a whole number read as a float is a whole number
        "innovation_staff": 2.5,
        "innovation_spend_pct": "4,5",
        "turnover_new_market_pct": "45",  # XForm number text
        "obstacles_other": 12,
        "support_wbso": [1],
        "product_new_to_market": True,
    }
    problems = validate(instrument, answers, complete=True)
    assert rules(problems) == [
        ("employees", "type"),
        ("product_new_to_market", "choice"),
        ("innovation_spend_pct", "type"),
        ("innovation_staff", "type"),
        ("obstacles_other", "type"),
        ("support_wbso", "type"),
    ]
    comma = problems[2]
    assert comma.value == "4,5"
    assert "decimal point, not a comma" in comma.message_en
    assert "decimale punt, geen komma" in comma.message_nl
    assert str(comma) == (
        "innovation_spend_pct = '4,5': not a number: write a decimal point, not a comma "
        "(the import converts Dutch decimal commas)"
    )


def test_choices(instrument, good):
    answers = good | {
        "turnover_class": 8,
        "support_mit": "known",
        "bpi_functions": [1, 7],
        "initiatives_network": ["energy_valley", "atlantis"],
        "obstacles": "8 8",
        "theme18_goal_social": "3",  # the code as text is the code
    }
    problems = validate(instrument, answers, complete=True)
    assert rules(problems) == [
        ("turnover_class", "choice"),
        ("bpi_functions", "choice"),
        ("initiatives_network", "choice"),
        ("obstacles", "choice"),
        ("support_mit", "choice"),
    ]
    assert problems[0].message_en == "is not a code of list 'turnover_class' (1, 2, 3, 4, 5, 6, 9)"
    assert problems[0].message_nl == "is geen code van lijst 'turnover_class' (1, 2, 3, 4, 5, 6, 9)"
    assert problems[1].message_en.startswith("7 is not a code of list 'bpi_function'")
    assert problems[2].message_en.startswith("'atlantis' is not a code of list")
    assert problems[3].message_en == "code 8 is chosen twice"


def test_constraints_with_the_questionnaires_messages(instrument, good):
    answers = good | {
        "employees": -1,
        "founding_year": 2020,
        "innovation_spend_pct": 101.0,
        "partner_customers": [0, 2],
    }
    problems = validate(instrument, answers, complete=True)
    assert rules(problems) == [
        ("employees", "constraint"),
        ("founding_year", "constraint"),
        ("innovation_spend_pct", "constraint"),
        ("partner_customers", "constraint"),
    ]
    assert problems[1].message_nl == "Vul een jaartal tussen 1800 en 2019 in."
    assert problems[1].message_en == "Enter a year between 1800 and 2019."
    assert problems[3].message_en == "'None' cannot be combined with a location."


def test_the_cross_field_rule_on_the_turnover_split(instrument, good):
    over = good | {"turnover_new_market_pct": 70.0, "turnover_new_firm_pct": 40.0}
    problems = validate(instrument, over, complete=True)
    assert rules(problems) == [
        ("turnover_new_firm_pct", "constraint"),
        ("turnover_unchanged_pct", "constraint"),
    ]
    assert "together with the new-to-market share it is at most 100 %" in problems[0].message_en
    assert "samen met het deel dat nieuw was voor de markt" in problems[0].message_nl
    # the three shares must add up to 100 (± 0.5)
    assert validate(instrument, good | {"turnover_unchanged_pct": 40.4}, complete=True) == []
    off = validate(instrument, good | {"turnover_unchanged_pct": 41.0}, complete=True)
    assert rules(off) == [("turnover_unchanged_pct", "constraint")]
    # an unanswered new-to-market share does not break the new-to-firm rule
    skipped = good | {"turnover_new_market_pct": None, "turnover_unchanged_pct": 85.0}
    assert rules(validate(instrument, skipped, complete=True)) == [
        ("turnover_unchanged_pct", "constraint")
    ]


def test_an_answer_to_a_hidden_question_is_a_problem(instrument, good):
    answers = good | {"product_innovation": 0}
    problems = validate(instrument, answers, complete=True)
    hidden = [
        "product_new_to_market",
        "turnover_new_market_pct",
        "turnover_new_firm_pct",
        "turnover_unchanged_pct",
    ]
    assert rules(problems) == [(name, "relevance") for name in hidden]
    assert problems[0].message_en == (
        "answered, but the question is not asked here: its condition ${product_innovation} = 1 "
        "is false; remove the answer or correct the answers it depends on"
    )
    assert problems[0].message_nl.startswith("beantwoord, maar de vraag wordt hier niet gesteld")
    cleaned = {k: v for k, v in answers.items() if k not in hidden}
    assert validate(instrument, cleaned, complete=True) == []


def test_required_only_when_asked_and_complete(instrument, good):
    answers = {k: v for k, v in good.items() if k not in ("employees", "rd_internal")}
    assert rules(validate(instrument, answers, complete=True)) == [
        ("employees", "required"),
        ("rd_internal", "required"),
    ]
    assert validate(instrument, answers, complete=False) == []
    not_investing = {
        k: v
        for k, v in answers.items()
        if k not in ("innovation_spend_pct", "theme19_finance_sources")
    } | {"innovation_investment": 0}
    assert rules(validate(instrument, not_investing, complete=True)) == [("employees", "required")]


def test_unknown_variables(instrument, good):
    problems = validate(instrument, good | {"employes": 3, "intro": "x"}, complete=True)
    assert rules(problems) == [("employes", "unknown_variable"), ("intro", "unknown_variable")]
    assert problems[0].message_en == "not a question of questionnaire 2019.1"
    assert problems[1].message_en == "a note of questionnaire 2019.1; notes hold no answer"
    assert problems[0].row is None


def test_a_wrong_answer_is_reported_once_not_again_downstream(instrument, good):
    problems = validate(instrument, good | {"turnover_new_market_pct": "45,0"}, complete=True)
    # the rules on the other two shares refer to it: they cannot be checked, and are not
    assert rules(problems) == [("turnover_new_market_pct", "type")]
    # a code that is no code: the questions it decides on are not judged either
    problems = validate(instrument, good | {"product_innovation": "ja"}, complete=True)
    assert rules(problems) == [("product_innovation", "choice")]
    # obstacles '8 8' is invalid, so whether obstacles_other is asked cannot be told
    assert rules(validate(instrument, good | {"obstacles": "8 8"}, complete=True)) == [
        ("obstacles", "choice")
    ]
    # a hidden answer is not invalid: the rules after it see it as unanswered
    hidden = good | {"product_innovation": 0}
    assert ("turnover_unchanged_pct", "relevance") in rules(validate(instrument, hidden, True))


def test_initiative_answers_need_the_registry(good):
    from innomon.instrument import load_instrument

    bare = load_instrument()
    problems = validate(bare, good, complete=True)
    assert rules(problems) == [("initiatives_network", "choice")]
    assert "loaded without the initiative registry" in problems[0].message_en


def test_validate_table_finds_rows(instrument, good):
    rows = [good, good | {"employees": "12,5"}, good | {"product_innovation": 0}]
    columns = {}
    for name in set().union(*rows):
        column = np.empty(len(rows), dtype=object)
        column[:] = [r.get(name) for r in rows]
        columns[name] = column
    problems = validate_table(instrument, columns, complete=np.array([True, True, False]))
    assert [(p.row, p.variable, p.rule) for p in problems] == [
        (1, "employees", "type"),
        (2, "product_new_to_market", "relevance"),
        (2, "turnover_new_market_pct", "relevance"),
        (2, "turnover_new_firm_pct", "relevance"),
        (2, "turnover_unchanged_pct", "relevance"),
    ]
    assert str(problems[0]).startswith("row 1, employees = '12,5': not a whole number")


def test_validate_table_takes_numeric_columns(instrument):
    columns = {
        "employees": np.array([3, -1, 7]),
        "turnover_new_market_pct": np.array([np.nan, 20.0, 30.0]),
        "product_innovation": np.array([0, 1, 1]),
        "fte": np.array([1.0, 2.0, 3.0]),
    }
    problems = validate_table(instrument, columns, complete=False)
    assert [(p.row, p.variable, p.rule) for p in problems] == [
        (None, "fte", "unknown_variable"),
        (1, "employees", "constraint"),
    ]


def test_validate_and_validate_table_agree(instrument):
    columns, complete = generate(instrument, 400, seed=7)
    table = validate_table(instrument, columns, complete)
    assert {p.rule for p in table} == {"type", "choice", "constraint", "relevance", "required"}
    for i in range(400):
        answers = {name: column[i] for name, column in columns.items()}
        single = validate(instrument, answers, complete=bool(complete[i]))
        assert [replace(p, row=i) for p in single] == [p for p in table if p.row == i], i
