"""The indicator catalogue, the per-firm variables it reads (the packaged questionnaire's
calculations must keep the meaning the monitor's figures rest on) and their estimates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innomon.analysis.indicators import (
    KINDS,
    POPULATIONS,
    UNITS,
    classifications,
    estimate_indicators,
)
from innomon.catalogue import CatalogueError, load_indicators
from innomon.stats import estimate, jkn, make_design

from ._variables import variables
from .test_typology import firm, product

DOMAINS = ("province", "corop", "sbi_group", "size_class", "age_class")

WAVE = 2019


@pytest.fixture(scope="module")
def catalogue():
    return load_indicators()


def nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_loads_with_unique_ids_and_both_languages(catalogue):
    ids = [i.id for i in catalogue]
    assert len(ids) == len(set(ids))
    assert len(catalogue) >= 30
    for ind in catalogue:
        assert ind.name_nl.strip()
        assert ind.name_en.strip()
        assert ind.definition_nl.strip()
        assert ind.definition_en.strip()
        assert (ind.kind, ind.population, ind.unit) in {
            (k, p, u) for k in KINDS for p in POPULATIONS for u in UNITS
        }
        for ref in ind.references:
            assert ref.framework
            assert ref.indicator
            assert ref.source


def test_every_indicator_variable_is_derived(catalogue):
    for records in ([], [firm()], [product(50.0), firm(process_innovation=1)]):
        derived = variables(records, WAVE)
        for ind in catalogue:
            for var in ind.variables:
                assert var in derived, (ind.id, var)
                assert derived[var].shape == (len(records),)


def test_the_catalogue_holds_what_the_monitor_reports(catalogue):
    ids = {i.id for i in catalogue}
    assert {
        "product_innovators",
        "process_innovators",
        "ntm_innovators",
        "ntm_turnover_share",
        "ntf_turnover_share",
        "ntm_sales",
        "ntf_sales",
        "investors",
        "rd_internal",
        "innovation_spend",
        "innovation_spend_weighted",
        "participants",
        "in_network",
        "in_test_environment",
        "in_incubator",
        "collab_knowledge",
        "partner_own_province",
        "partner_other_north",
        "partner_rest_nl",
        "partner_abroad",
        "top_innovators",
        "support_wbso_aware",
        "support_wbso_used",
    } <= ids
    by_id = {i.id: i for i in catalogue}
    assert by_id["ntm_sales"].kind == "ratio"
    assert by_id["ntm_sales"].factor == 100
    assert "midpoint" in by_id["ntm_sales"].definition_en
    assert by_id["ntm_turnover_share_pi"].population == "product_innovators"
    assert by_id["product_innovators"].references[0].framework == "RIS"


def test_a_duplicate_id_is_named(tmp_path):
    text = """
indicators:
  - &one
    id: a
    name: {nl: a, en: a}
    definition: {nl: a, en: a}
    kind: share
    variable: innovator
    population: all_smes
    unit: "%"
  - *one
"""
    path = tmp_path / "indicators.yaml"
    path.write_text(text)
    with pytest.raises(CatalogueError, match="'a' appears twice"):
        load_indicators(path)
    path.write_text(text.replace("kind: share", "kind: median"))
    with pytest.raises(CatalogueError, match="indicator 'a': kind 'median'"):
        load_indicators(path)
    path.write_text(text.replace("{nl: a, en: a}", "{nl: a}", 1))
    with pytest.raises(CatalogueError, match="'name' needs a non-empty 'en' text"):
        load_indicators(path)


# --- derived variables -----------------------------------------------------------------------


def derived(*records, **settings):
    return variables(list(records), WAVE, **settings)


def test_missing_answers_are_nan_not_zero():
    d = derived(firm(product_innovation=None, innovation_investment=None), product(None))
    assert nan(d["product_innovator"][0])
    assert nan(d["ntm_innovator"][0])
    assert nan(d["ntm_turnover_pct"][0])
    assert nan(d["top_innovator"][0])
    assert nan(d["investor"][0])
    assert nan(d["rd_any"][0])
    assert nan(d["spend_pct"][0])
    # a product innovator that did not report its turnover split
    assert d["ntm_innovator"][1] == 1
    assert nan(d["ntm_turnover_pct"][1])
    assert nan(d["ntm_turnover_pct_pi"][1])
    assert nan(d["top_innovator"][1])
    assert nan(d["ntm_turnover_eur"][1])


def test_questions_not_asked_count_as_certain_zeros():
    d = derived(firm(process_innovation=1))
    assert d["product_innovator"][0] == 0
    assert d["innovator"][0] == 1
    assert d["ntm_innovator"][0] == 0
    assert d["ntm_turnover_pct"][0] == 0.0
    assert d["ntf_turnover_pct"][0] == 0.0
    assert nan(d["ntm_turnover_pct_pi"][0])  # outside the population "product innovators"
    assert d["top_innovator"][0] == 0
    assert d["rd_any"][0] == 0
    assert d["spend_pct"][0] == 0.0
    assert d["rd_internal_innovators"][0] == 0


def test_turnover_weighting_uses_class_midpoints():
    d = derived(product(50.0, turnover_class=2), product(50.0, turnover_class=9), firm())
    assert d["turnover_eur"][0] == 625_000
    assert d["ntm_turnover_eur"][0] == 312_500
    assert nan(d["turnover_eur"][1])
    assert nan(d["ntm_turnover_eur"][1])
    assert d["ntm_turnover_eur"][2] == 0.0


def test_initiatives_partners_and_support():
    recs = [
        firm(n_initiatives=2, initiatives_network=["x"], initiatives_incubator=["y"]),
        firm(n_initiatives=None, initiatives_test_environment="a b"),
        firm(partner_customers=[1, 3], partner_suppliers=[0]),
        firm(partner_government=[0], support_wbso=3, support_mit=1, support_efro=0),
    ]
    d = derived(*recs)
    assert d["participant"].tolist() == [1, 1, 0, 0]
    assert d["n_initiatives"][0] == 2  # the stored count (register.n_initiatives)
    assert d["in_network"].tolist() == [1, 0, 0, 0]
    assert d["in_test_environment"].tolist() == [0, 1, 0, 0]
    assert d["in_incubator"].tolist() == [1, 0, 0, 0]
    assert d["n_initiatives_participants"][0] == 2
    assert nan(d["n_initiatives_participants"][2])
    # partners: not answered at all → NaN; answered → 0/1 per location
    assert nan(d["partner_any"][0])
    assert nan(d["partner_own_province"][1])
    assert d["partner_own_province"][2] == 1
    assert d["partner_rest_nl"][2] == 1
    assert d["partner_abroad"][2] == 0
    assert d["partner_any"][2] == 1
    assert d["partner_any"][3] == 0
    assert (d["support_wbso_aware"][3], d["support_wbso_used"][3]) == (1, 1)
    assert (d["support_mit_aware"][3], d["support_mit_used"][3]) == (1, 0)
    assert (d["support_efro_aware"][3], d["support_efro_used"][3]) == (0, 0)
    assert nan(d["support_voucher_aware"][3])
    assert nan(d["support_wbso_used"][0])


def test_domain_columns():
    recs = [
        firm(sbi_section="C", founding_year=2015),  # 4 years in 2019
        firm(sbi_section="F", founding_year=2014),  # 5
        firm(sbi_section="I", founding_year=2009),  # 10
        firm(sbi_section="J", founding_year=1994),  # 25
        firm(sbi_section="M", founding_year=2020),  # after the wave year: unknown
        firm(sbi_section="Q", founding_year=None, province=None),
    ]
    d = derived(*recs)
    assert d["sbi_group"].tolist() == [
        "industry",
        "construction",
        "trade_hospitality",
        "transport_ict",
        "business_services",
        "other",
    ]
    assert d["age_class"].tolist() == ["0-4", "5-9", "10-24", "25+", None, None]
    assert d["province"].tolist()[-1] is None
    assert set(DOMAINS) <= set(d)


# --- estimates -------------------------------------------------------------------------------


def sample(n=300, seed=7):
    """Hand-shaped random records over three provinces and the SBI groups."""
    rng = np.random.default_rng(seed)
    recs = []
    for _ in range(n):
        is_product = rng.random() < 0.45
        invests = rng.random() < 0.5
        answers = {
            "process_innovation": int(rng.random() < 0.4),
            "innovation_investment": int(invests),
            "province": str(rng.choice(["PV20", "PV21", "PV22"])),
            "sbi_section": str(rng.choice(list("CFGJMQ"))),
            "size_class": str(rng.choice(["micro", "small", "medium"])),
            "founding_year": int(rng.integers(1960, 2019)),
            "turnover_class": int(rng.integers(1, 7)),
            "n_initiatives": int(rng.poisson(0.5)),
        }
        if invests:
            answers.update(rd_internal=int(rng.random() < 0.5), innovation_spend_pct=5.0)
        if is_product:
            ntm = rng.random() < 0.5
            pct = float(rng.integers(1, 90)) if ntm else 0.0
            recs.append(product(pct, new_to_market=int(ntm), ntf_pct=0.0, **answers))
        else:
            recs.append(firm(**answers))
    return recs, rng.uniform(1, 6, n)


@pytest.fixture(scope="module")
def estimated(catalogue):
    recs, w = sample()
    data = variables(recs, WAVE)
    design = make_design(weights=w)
    domains = ("province", "sbi_group")
    rows = estimate_indicators(data, design, catalogue, domains)
    return data, design, domains, rows


def test_estimates_have_the_right_shape(catalogue, estimated):
    data, _design, domains, rows = estimated
    cells = 1 + 3 + 6 + 3 * 6  # region, provinces, SBI groups, their cross
    assert len(rows) == len(catalogue) * cells
    assert classifications(domains) == [
        (),
        ("province",),
        ("sbi_group",),
        ("province", "sbi_group"),
    ]
    first = [r for r in rows if r.indicator == catalogue[0].id]
    assert [r.domain for r in first][:2] == [(), (("province", "PV20"),)]
    assert first[-1].domain == (("province", "PV22"), ("sbi_group", "transport_ict"))
    assert len(estimate_indicators(data, _design, catalogue, domains, crosses=False)) == len(
        catalogue
    ) * (1 + 3 + 6)


def test_estimates_agree_with_the_engine(catalogue, estimated):
    data, design, _domains, rows = estimated
    got = {(r.indicator, r.domain): r for r in rows}
    by = [(), ("province",)]
    direct = estimate(data, design, prop=["product_innovator"], by=by)
    for e in direct:
        if e.level != "1":
            continue
        r = got[("product_innovators", e.domain)]
        assert r.estimate == pytest.approx(100 * e.estimate, rel=1e-12)
        assert r.se == pytest.approx(100 * e.se, rel=1e-12)
        assert (r.ci_low, r.ci_high) == pytest.approx((100 * e.ci_low, 100 * e.ci_high))
        assert r.n == e.n
    ratio = estimate(data, design, ratio=[("ntm_turnover_eur", "turnover_eur")], by=by)
    for e in ratio:
        r = got[("ntm_sales", e.domain)]
        assert r.estimate == pytest.approx(100 * e.estimate, rel=1e-12)
        assert r.se == pytest.approx(100 * e.se, rel=1e-12)
    (mean,) = estimate(data, design, mean=["ntm_turnover_pct_pi"])
    r = got[("ntm_turnover_share_pi", ())]
    assert (r.estimate, r.se, r.n) == pytest.approx((mean.estimate, mean.se, mean.n))
    w = design.weights
    assert got[("investors", ())].estimate == pytest.approx(
        100 * np.average(data["investor"], weights=w)
    )


def test_share_intervals_stay_within_0_and_100(estimated):
    _data, _design, _domains, rows = estimated
    shares = [r for r in rows if r.indicator in {"product_innovators", "top_innovators"}]
    for r in shares:
        assert 0 <= r.estimate <= 100
        if not math.isnan(r.ci_low):
            assert 0 <= r.ci_low <= r.estimate <= r.ci_high <= 100


def test_unasked_and_all_zero_variables(catalogue, estimated):
    data, design, domains, rows = estimated
    got = {(r.indicator, r.domain): r for r in rows}
    assert got[("in_incubator", ())].estimate == 0
    # partners were not asked of anyone here (as before 2019): no estimate, suppressed
    r = got[("partner_abroad", ())]
    assert math.isnan(r.estimate)
    assert r.n == 0
    assert r.suppressed
    # nobody is in an incubator: 0 % (estimated from the 0s), not missing
    assert np.all(data["in_incubator"] == 0)
    (zero,) = [
        r
        for r in estimate_indicators(
            data, design, [i for i in catalogue if i.id == "in_incubator"], domains, False
        )
        if r.domain == ()
    ]
    assert zero.estimate == 0
    assert zero.se == 0
    assert zero.n == design.n


def test_replicate_designs_and_suppression(catalogue):
    recs, w = sample(120, seed=3)
    data = variables(recs, WAVE)
    strata = np.array([r["province"] for r in recs])
    design = jkn(make_design(weights=w, strata=strata))
    rows = estimate_indicators(data, design, catalogue[:3], ("size_class", "sbi_group"))
    assert all(r.se >= 0 for r in rows if not math.isnan(r.se))
    small = [r for r in rows if 0 < r.n < 10]
    assert small
    assert all(r.suppressed for r in small)
    assert all(not r.suppressed for r in rows if r.n >= 10)


def test_a_domain_unknown_for_every_firm_gives_no_rows(catalogue):
    recs, w = sample(60, seed=5)
    data = variables([dict(r, province=None) for r in recs], WAVE)
    rows = estimate_indicators(
        data, make_design(weights=w), catalogue[:2], ("province", "sbi_group")
    )
    assert {r.domain[0][0] for r in rows if r.domain} == {"sbi_group"}
    assert sum(r.domain == () for r in rows) == 2
