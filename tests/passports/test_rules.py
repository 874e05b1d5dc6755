"""The passport's pure parts: the weighted percentile against hand-computed cases, and the
subsidy barometer's rules over a firm's facts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innomon.passports.barometer import facts_of, holds, instruments_for
from innomon.passports.content import group_percentiles, weighted_percentile
from innomon.passports.rules import (
    Condition,
    SupportInstrument,
    passport_rules,
    support_instruments,
)

# --- percentiles -----------------------------------------------------------------------------


def test_weighted_percentile_hand_computed():
    # values 1, 2, 2, 4 with weights 1, 2, 1, 4 (total 8); missing values are left out.
    # own value 2: below = 1 (the 1), equal = 2 + 1 = 3 → (1 + 3/2) / 8 = 31.25 %
    values = np.array([1.0, 2.0, 2.0, 4.0, np.nan])
    weights = np.array([1.0, 2.0, 1.0, 4.0, 100.0])
    assert weighted_percentile(values, weights, 2.0) == pytest.approx(31.25)
    # own value 4: below = 1 + 2 + 1 = 4, equal = 4 → (4 + 2) / 8 = 75 %
    assert weighted_percentile(values, weights, 4.0) == pytest.approx(75.0)
    # own value 1: below 0, equal 1 → 0.5 / 8 = 6.25 %
    assert weighted_percentile(values, weights, 1.0) == pytest.approx(6.25)


def test_group_percentiles_per_group_and_only_for_large_enough_groups():
    values = np.array([1.0, 2.0, 2.0, 4.0, 10.0, 20.0, np.nan])
    weights = np.array([1.0, 2.0, 1.0, 4.0, 1.0, 3.0, 1.0])
    keys = np.array(["a", "a", "a", "a", "b", "b", "a"], dtype=object)
    out = group_percentiles(values, weights, keys, min_n=2)
    assert out[:4] == pytest.approx([6.25, 31.25, 31.25, 75.0])
    # group b: 10 → 0.5·1/4 = 12.5 %, 20 → (1 + 1.5)/4 = 62.5 %
    assert out[4:6] == pytest.approx([12.5, 62.5])
    assert math.isnan(out[6])  # no value, no percentile
    # with the disclosure rule's minimum of 3 values group b (2 values) gets none
    strict = group_percentiles(values, weights, keys, min_n=3)
    assert np.isnan(strict[4:6]).all()
    assert strict[:4] == pytest.approx(out[:4])


# --- the barometer ---------------------------------------------------------------------------


def _facts(**overrides):
    data = {
        "investor": [1.0],
        "rd_any": [1.0],
        "innovator": [1.0],
        "product_innovator": [1.0],
        "ntm_innovator": [0.0],
        "collab_knowledge": [0.0],
        "participant": [0.0],
        "partner_any": [math.nan],
        "size_class": ["small"],
        "province": ["PV21"],
        "corop": ["CR04"],
        "sbi_group": ["industry"],
        "employees": [20.0],
        "firm_age": [12.0],
    }
    data.update({k: [v] for k, v in overrides.items()})
    columns = {k: np.array(v, dtype=object) for k, v in data.items()}
    return facts_of(columns, 0, {"sbi_section": "C"})


def _listed(facts, answers=None):
    return {i["id"]: i for i in instruments_for(facts, answers or {})}


def test_facts_derive_stage_and_collaboration_in_three_valued_logic():
    f = _facts()
    assert f["stage"] == "market"
    assert f["collaborates"] is None  # no collaboration known, partners not asked: unknown
    assert _facts(partner_any=0.0)["collaborates"] == 0.0
    assert _facts(participant=1.0)["collaborates"] == 1.0
    assert _facts(innovator=0.0)["stage"] == "development"
    assert _facts(innovator=0.0, investor=0.0)["stage"] == "none"
    assert _facts(innovator=math.nan)["stage"] is None
    assert f["sbi_section"] == "C"


def test_wbso_needs_in_house_rd_known_to_be_yes():
    assert "wbso" in _listed(_facts())
    assert "wbso" not in _listed(_facts(rd_any=0.0))
    assert "wbso" not in _listed(_facts(rd_any=math.nan))  # unknown is not met


def test_regional_rules_follow_the_province():
    # the accelerator is for Fryslân and Drenthe only
    assert "versneller_drenthe_fryslan" in _listed(_facts(province="PV22"))
    assert "versneller_drenthe_fryslan" not in _listed(_facts(province="PV20"))
    # the ERDF programme needs collaboration on top of the region and investment
    assert "efro_snn" not in _listed(_facts())
    assert "efro_snn" in _listed(_facts(participant=1.0))


def test_voucher_for_firms_not_yet_working_with_a_knowledge_institution():
    assert "innovation_voucher" in _listed(_facts())
    assert "innovation_voucher" not in _listed(_facts(collab_knowledge=1.0))
    assert "innovation_voucher" not in _listed(_facts(innovator=0.0, investor=0.0))


def test_start_up_loan_by_age():
    assert "vroegefasefinanciering" not in _listed(_facts())
    assert "vroegefasefinanciering" in _listed(_facts(firm_age=3.0))
    assert "vroegefasefinanciering" in _listed(_facts(firm_age=5.0))  # max is inclusive
    assert "vroegefasefinanciering" not in _listed(_facts(firm_age=6.0))


def test_awareness_flags_instruments_the_firm_did_not_know():
    listed = _listed(_facts(), {"support_wbso": 0, "support_mit": 3})
    assert listed["wbso"]["known"] is False
    assert listed["wbso"]["used"] is False
    assert listed["mit_feasibility"]["known"] is True
    assert listed["mit_feasibility"]["used"] is True
    assert listed["innovatiekrediet"]["known"] is None  # not answered
    assert listed["innovatiebox"]["known"] is None  # the questionnaire does not ask


def test_every_operator():
    facts = {"size_class": "small", "employees": 20.0, "x": None}

    def c(op, value):
        fact = "size_class" if op in ("is", "in", "not_in") else "employees"
        return Condition(fact, op, value, "", "")

    assert holds(c("is", "small"), facts)
    assert not holds(c("is", "micro"), facts)
    assert holds(c("in", ["micro", "small"]), facts)
    assert not holds(c("not_in", ["micro", "small"]), facts)
    assert holds(c("min", 20), facts)
    assert not holds(c("min", 21), facts)
    assert holds(c("max", 20), facts)
    assert not holds(c("max", 19), facts)
    assert not holds(Condition("x", "is", 1, "", ""), facts)


def test_custom_catalogue_and_the_shipped_one():
    rule = SupportInstrument(
        "only_medium", "n", "e", "p", "s", "s", "https://example.org", True, "src", None,
        (Condition("size_class", "is", "medium", "nl", "en"),),
    )  # fmt: skip
    assert instruments_for(_facts(), {}, (rule,)) == []
    assert instruments_for(_facts(size_class="medium"), {}, (rule,))[0]["id"] == "only_medium"
    shipped = support_instruments()
    ids = {i.id for i in shipped}
    assert {"wbso", "mit_feasibility", "innovatiekrediet", "efro_snn", "innovation_voucher"} <= ids
    assert all(i.example and i.link.startswith("https://") for i in shipped)
    assert passport_rules().steps[-1] == ()
