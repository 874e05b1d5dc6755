"""The firm typology: ladder rules, flags at their boundaries, missing answers, rules as data."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest

from innomon.analysis.typology import class_columns, classify
from innomon.catalogue import CatalogueError, load_typology

from ._variables import variables

WAVE = 2019


@pytest.fixture(scope="module")
def rules():
    return load_typology(0.40)


def firm(**answers):
    """A complete response of a small non-innovating firm founded in 2000, changed by ``answers``
    (None removes an answer: the question was not asked or not answered)."""
    rec = {
        "product_innovation": 0,
        "process_innovation": 0,
        "innovation_investment": 0,
        "collab_knowledge_institution": 0,
        "employees": 20,
        "founding_year": 2000,
        "turnover_class": 3,
        "size_class": "small",
        "sbi_section": "C",
        "province": "PV20",
        "corop": "CR01",
        "n_initiatives": 0,
    }
    rec.update(answers)
    return {k: v for k, v in rec.items() if v is not None}


def product(ntm_pct=None, new_to_market=1, ntf_pct=10.0, **more):
    """A product innovator; ``ntm_pct`` None: it did not report its turnover split."""
    extra = {"product_innovation": 1, "product_new_to_market": new_to_market}
    if ntm_pct is not None:
        extra.update(turnover_new_market_pct=ntm_pct, turnover_new_firm_pct=ntf_pct)
    extra.update(more)
    return firm(**extra)


def one(rules, rec, wave_year=WAVE):
    (classes,) = classify(variables([rec], wave_year), rules)
    return classes


@pytest.mark.parametrize(
    ("rec", "level"),
    [
        (firm(), 0),
        (firm(process_innovation=1), 1),
        (firm(innovation_investment=1, rd_internal=0, innovation_spend_pct=1.0), 1),
        (product(0.0, new_to_market=0, ntf_pct=30.0), 1),
        (product(20.0), 2),
        (product(0.0), 2),  # new-to-market products that earn nothing yet
        (product(40.0), 2),  # the threshold itself is not "more than"
        (product(40.5), 3),
        (product(90.0, ntf_pct=0.0), 3),
    ],
)
def test_ladder_levels(rules, rec, level):
    got = one(rules, rec)
    assert got.level == level
    lv = rules.level(level)
    assert (got.level_id, got.name_nl, got.name_en) == (lv.id, lv.name_nl, lv.name_en)


def test_ladder_names_come_from_the_rules_file(rules):
    assert [lv.score for lv in rules.levels] == [3, 2, 1, 0]
    for lv in rules.levels:
        assert lv.name_nl
        assert lv.name_en
        assert lv.definition_nl
        assert lv.definition_en
    assert one(rules, firm()).name_en == rules.level(0).name_en


def test_threshold_is_a_parameter(rules):
    rec = product(35.0)
    assert one(rules, rec).top is False
    lower = load_typology(0.30)
    assert lower.top_innovator_threshold == pytest.approx(0.30)
    assert one(lower, rec).top is True
    assert one(lower, rec).level == 3
    assert one(rules.with_parameters(top_innovator_pct=30.0), rec).top is True


def test_missing_answers_give_unknown_not_no(rules):
    # a new-to-market innovator without its turnover split: top or not is unknown, so its level
    unknown = one(rules, product(None))
    assert (unknown.level, unknown.top, unknown.frugal) == (None, None, None)
    assert unknown.level_id is None
    assert unknown.name_nl is None
    # no innovations, investment unknown: adopter or non-innovator cannot be told
    assert one(rules, firm(innovation_investment=None)).level is None
    # innovation certain: the missing investment answer does not matter
    assert one(rules, firm(process_innovation=1, innovation_investment=None)).level == 1
    # product innovation unknown
    assert one(rules, firm(product_innovation=None)).level is None


def test_non_product_innovators_have_zero_new_to_market_share(rules):
    got = one(rules, firm(process_innovation=1))
    assert got.top is False  # 0 % new to the market, not unknown
    assert got.frugal is False


@pytest.mark.parametrize(
    ("employees", "founded", "expected"),
    [
        (9, 2008, True),  # 9 employees, 11 years old in 2019
        (10, 2008, False),  # 10 employees is not micro
        (9, 2009, False),  # exactly 10 years is not more than 10
        (0, 1950, True),
        (9, 2019, False),
        (None, 2008, None),
        (None, 2015, False),  # young whatever its size
        (9, None, None),
        (50, None, False),  # not micro whatever its age
    ],
)
def test_micro_veteran_boundaries(rules, employees, founded, expected):
    got = one(rules, firm(employees=employees, founding_year=founded))
    assert got.micro_veteran is expected


def test_micro_veteran_age_is_taken_at_the_wave_year(rules):
    rec = firm(employees=5, founding_year=2008)
    assert one(rules, rec, wave_year=2019).micro_veteran is True
    assert one(rules, rec, wave_year=2018).micro_veteran is False


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"innovation_investment": 1, "rd_internal": 1, "innovation_spend_pct": 1.9}, True),
        ({"innovation_investment": 1, "rd_internal": 1, "innovation_spend_pct": 2.0}, False),
        ({"innovation_investment": 1, "rd_internal": 1, "innovation_spend_pct": 15.0}, False),
        ({"innovation_investment": 0}, True),  # no investment: spends 0 %
        ({"innovation_investment": 1, "rd_internal": 0}, None),  # spending unknown
    ],
)
def test_frugal_threshold(rules, answers, expected):
    got = one(rules, product(60.0, ntf_pct=0.0, **answers))
    assert got.top is True
    assert got.frugal is expected


def test_frugal_needs_top_and_threshold_is_a_parameter(rules):
    not_top = product(10.0, innovation_investment=1, rd_internal=0)  # spending unknown
    assert one(rules, not_top).frugal is False
    spender = product(60.0, innovation_investment=1, rd_internal=1, innovation_spend_pct=3.0)
    assert one(rules, spender).frugal is False
    assert one(rules.with_parameters(frugal_max_spend_pct=5.0), spender).frugal is True
    with pytest.raises(ValueError, match="unknown typology parameters"):
        rules.with_parameters(no_such=1.0)


def test_top_flag_agrees_with_the_derived_indicator(rules):
    recs = [product(x) for x in (0.0, 39.0, 40.0, 41.0, 100.0)] + [firm(), product(None)]
    classes = classify(variables(recs, WAVE), rules)
    derived = variables(recs, WAVE, top_innovator_threshold=0.40)["top_innovator"]
    flags = class_columns(classes)["top"]
    np.testing.assert_array_equal(np.isnan(flags), np.isnan(derived))
    np.testing.assert_array_equal(flags[~np.isnan(flags)], derived[~np.isnan(derived)])


def test_class_columns(rules):
    classes = classify(variables([firm(), product(None), product(60.0)], WAVE), rules)
    cols = class_columns(classes)
    assert set(cols) == {"ladder_level", "top", "frugal", "micro_veteran"}
    levels = {f"level_{lv.id}" for lv in rules.levels}
    assert set(class_columns(classes, rules)) == set(cols) | levels
    assert class_columns(classes, rules)["level_top_innovator"].tolist()[0::2] == [0.0, 1.0]
    assert cols["ladder_level"][0] == 0
    assert math.isnan(cols["ladder_level"][1])
    assert cols["ladder_level"][2] == 3
    assert cols["top"].tolist()[2] == 1.0


def test_every_rule_variable_is_derived(rules):
    derived = variables([firm()], WAVE)
    assert rules.variables() <= set(derived)
    assert {p.name for p in rules.parameters} >= {"top_innovator_pct", "frugal_max_spend_pct"}
    assert all(p.source for p in rules.parameters)


BAD_RULES = """
parameters: {}
flags:
  - id: top
    name: {nl: a, en: a}
    definition: {nl: a, en: a}
    all: ["ntm_turnover_pct ~ top_innovator_pct"]
levels: []
"""


def test_bad_rules_file_is_named(tmp_path):
    path = tmp_path / "typology.yaml"
    path.write_text(BAD_RULES)
    with pytest.raises(CatalogueError, match=r"typology.yaml: flag 'top'.*not a condition"):
        load_typology(0.4, path=path)
    path.write_text(BAD_RULES.replace("~", ">"))
    with pytest.raises(CatalogueError, match="ladder levels must be listed"):
        load_typology(0.4, path=path)
    packaged = (
        resources.files("innomon").joinpath("monitors/noord-nederland/typology.yaml").read_text()
    )
    path.write_text(packaged.replace("< frugal_max_spend_pct", "< nope"))
    with pytest.raises(CatalogueError, match="unknown parameter 'nope'"):
        load_typology(0.4, path=path)
    with pytest.raises(CatalogueError, match="between 0 and 1"):
        load_typology(40)
