"""The derived variables of the shipped questionnaire: its calculate rows, evaluated by
derive_columns, give what the monitor's rules say, firm by firm (three-valued: 1, 0 or NaN)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from innomon.instrument import load_instrument
from innomon.instrument.derive import derive_columns
from tests.instrument.records import CONTEXT, PARTNERS, RECORDS, SUPPORT, THRESHOLD, YEAR

NAN = math.nan
MIDPOINTS = {1: 125_000.0, 2: 625_000.0, 3: 1_500_000.0, 4: 6_000_000.0, 5: 30e6, 6: 75e6}
LOCATIONS = {"own_province": "1", "other_north": "2", "rest_nl": "3", "abroad": "4"}
INITIATIVES = ("network", "test_environment", "incubator")


# --- the rules, in plain Python, one firm at a time ---------------------------------------


def num(value) -> float:
    if value is None or value == "":
        return NAN
    try:
        x = float(value)
    except OverflowError:
        return NAN
    return x if math.isfinite(x) else NAN


def codes(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {c for c in re.split(r"[\s,;]+", value) if c}
    return {format(float(v), "g") if isinstance(v, float) else str(v) for v in value}


def given(gate: float, value: float) -> float:
    return value if gate == 1 else (0.0 if gate == 0 else NAN)


def only(mask: float, value: float) -> float:
    return value if mask == 1 else NAN


def flag(condition: bool, known: bool) -> float:
    return float(condition) if known else NAN


def expected(r: dict, year: int = YEAR, threshold: float = THRESHOLD) -> dict[str, object]:
    product, process = num(r.get("product_innovation")), num(r.get("process_innovation"))
    investor = num(r.get("innovation_investment"))
    if product == 1 or process == 1:
        innovator = 1.0
    elif product == 0 and process == 0:
        innovator = 0.0
    else:
        innovator = NAN
    ntm = given(product, num(r.get("turnover_new_market_pct")))
    ntf = given(product, num(r.get("turnover_new_firm_pct")))
    spend = given(investor, num(r.get("innovation_spend_pct")))
    rd = given(investor, num(r.get("rd_internal")))
    klass = num(r.get("turnover_class"))
    turnover = NAN if math.isnan(klass) else MIDPOINTS.get(int(klass), NAN)
    age = year - num(r.get("founding_year"))
    stored = num(r.get("n_initiatives"))
    answered = sum(len(codes(r.get(f"initiatives_{t}"))) for t in INITIATIVES)
    count = answered if math.isnan(stored) else stored
    participant = float(count > 0)
    partner_codes = [codes(r.get(f"partner_{p}")) for p in PARTNERS]
    asked = any(partner_codes)
    out: dict[str, object] = {
        "product_innovator": product,
        "process_innovator": process,
        "innovator": innovator,
        "ntm_innovator": given(product, num(r.get("product_new_to_market"))),
        "ntm_turnover_pct": ntm,
        "ntf_turnover_pct": ntf,
        "ntm_turnover_pct_pi": only(product, ntm),
        "ntf_turnover_pct_pi": only(product, ntf),
        "turnover_eur": turnover,
        "ntm_turnover_eur": turnover * ntm / 100,
        "ntf_turnover_eur": turnover * ntf / 100,
        "investor": investor,
        "rd_any": rd,
        "rd_internal_innovators": only(innovator, rd),
        "spend_pct": spend,
        "innovation_spend_eur": turnover * spend / 100,
        "collab_knowledge": num(r.get("collab_knowledge_institution")),
        "top_innovator": flag(ntm > 100 * threshold, not math.isnan(ntm)),
        "firm_age": age if age >= 0 else NAN,
        "participant": participant,
        "n_initiatives_participants": only(participant, count),
        "partner_any": flag(any(c & set(LOCATIONS.values()) for c in partner_codes), asked),
        "employees": num(r.get("employees")),
        "n_initiatives": stored,
        "wave_year": float(year),
        "top_innovator_threshold": threshold,
    }
    for t in INITIATIVES:
        out[f"in_{t}"] = float(bool(codes(r.get(f"initiatives_{t}"))))
    for name, code in LOCATIONS.items():
        out[f"partner_{name}"] = flag(any(code in c for c in partner_codes), asked)
    for s in SUPPORT:
        c = num(r.get(f"support_{s}"))
        out[f"support_{s}_aware"] = flag(c >= 1, not math.isnan(c))
        out[f"support_{s}_used"] = flag(c == 3, not math.isnan(c))
    for key in ("sbi_section", "size_class", "province", "corop"):
        out[key] = r.get(key) or None
    return out


DESIGN_NAMES = {
    "product_innovator",
    "process_innovator",
    "innovator",
    "ntm_innovator",
    "ntm_turnover_pct",
    "ntf_turnover_pct",
    "ntm_turnover_pct_pi",
    "ntf_turnover_pct_pi",
    "turnover_eur",
    "ntm_turnover_eur",
    "ntf_turnover_eur",
    "investor",
    "rd_any",
    "rd_internal_innovators",
    "spend_pct",
    "innovation_spend_eur",
    "collab_knowledge",
    "top_innovator",
    "firm_age",
    "in_network",
    "in_test_environment",
    "in_incubator",
    "participant",
    "n_initiatives_participants",
    "partner_own_province",
    "partner_other_north",
    "partner_rest_nl",
    "partner_abroad",
    "partner_any",
    *(f"support_{s}_{k}" for s in SUPPORT for k in ("aware", "used")),
}


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


@pytest.fixture(scope="module")
def shipped():
    return load_instrument()


@pytest.fixture(scope="module")
def columns(shipped):
    return derive_columns(shipped, RECORDS, CONTEXT)


def test_the_questionnaire_defines_the_derived_and_context_variables(shipped):
    assert {c.name for c in shipped.calculations} == DESIGN_NAMES
    sources = {c.name: c.source for c in shipped.context}
    assert sources == {
        "wave_year": "wave.year",
        "top_innovator_threshold": "parameter.top_innovator_threshold",
        "n_initiatives": "register.n_initiatives",
        "sbi_section": "register.sbi_section",
        "size_class": "register.size_class",
        "province": "register.province",
        "corop": "register.corop",
    }
    assert shipped.names() == ({q.name for q in shipped.variables()} | DESIGN_NAMES | set(sources))
    assert not {c.name for c in shipped.calculations} & {q.name for q in shipped.questions}
    since = {c.name: c.since for c in shipped.calculations}
    assert since["partner_any"] == since["partner_abroad"] == 2019
    assert since["support_wbso_used"] == 2016
    assert since["innovator"] is None


def test_every_variable_equals_the_rules_firm_by_firm(columns):
    wanted = [expected(r) for r in RECORDS]
    for name in wanted[0]:
        got = columns[name]
        assert len(got) == len(RECORDS)
        for i, (value, want) in enumerate(
            zip(got.tolist(), (w[name] for w in wanted), strict=True)
        ):
            assert same(value, want), f"{name}, record {i}: {value!r}, expected {want!r}"


def test_numeric_variables_are_float_columns_and_domains_text(columns):
    for name in DESIGN_NAMES | {"employees", "n_initiatives", "wave_year"}:
        assert columns[name].dtype == float, name
    assert columns["sbi_section"].dtype == object
    assert columns["sbi_section"][0] is None
    # select_multiple answers: one representation however they were stored
    assert columns["partner_consultants"][2] == "1 3"
    assert columns["partner_customers"][1] == "1 4"
    assert columns["initiatives_incubator"][5] == "a b"
    assert columns["initiatives_network"][4] is None  # an empty list is no answer


def test_a_record_beyond_floats_counts_as_missing_not_infinite(columns):
    huge = 3
    assert math.isnan(columns["employees"][huge])
    assert math.isnan(columns["firm_age"][huge])
    assert math.isnan(columns["spend_pct"][huge])
    assert columns["ntm_turnover_pct"][huge] == 1e300
    assert columns["top_innovator"][huge] == 1.0
    assert columns["ntm_turnover_eur"][huge] == 75e6 * 1e300 / 100


def test_the_threshold_and_the_wave_year_come_from_the_context(shipped):
    record = {"product_innovation": 1, "turnover_new_market_pct": 30, "founding_year": 2010}
    low = derive_columns(shipped, [record], {"wave.year": 2015, **_threshold(0.25)})
    high = derive_columns(shipped, [record], {"wave.year": 2021, **_threshold(0.5)})
    assert (low["top_innovator"][0], high["top_innovator"][0]) == (1.0, 0.0)
    assert (low["firm_age"][0], high["firm_age"][0]) == (5.0, 11.0)
    with pytest.raises(ValueError, match=r"top_innovator_threshold .*takes its value from"):
        derive_columns(shipped, [record], {"wave.year": 2019})


def _threshold(x: float) -> dict:
    return {"parameter.top_innovator_threshold": x}


def test_no_records_give_empty_columns(shipped):
    out = derive_columns(shipped, [], CONTEXT)
    assert set(out) == shipped.names()
    assert all(len(v) == 0 for v in out.values())


def test_a_wave_that_did_not_ask_a_question_has_no_variable_from_it(shipped):
    older = shipped.as_of(2017)
    out = derive_columns(older, RECORDS, CONTEXT)
    assert "partner_any" not in out
    assert "partner_customers" not in out
    assert "support_wbso_aware" in out
    first = shipped.as_of(2015)
    assert not {n for n in first.names() if n.startswith("support_")}
    assert "innovator" in first.names()
    np.testing.assert_array_equal(
        out["innovator"], derive_columns(first, RECORDS, CONTEXT)["innovator"]
    )
