"""Participation along the ladder: rates, the design-based trend test, initiatives, top innovators
without collaboration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innomon.analysis.participation import (
    initiatives_per_firm,
    level_contrast,
    level_shares,
    participation_by_level,
    top_without_collaboration,
    trend_test,
    types_by_level,
)
from innomon.analysis.typology import class_columns, classify
from innomon.catalogue import load_typology
from innomon.stats import estimate, jkn, make_design

from ._variables import variables
from .test_typology import firm, product


def generated(rates, n=2400, seed=11):
    """Firms spread over ladder levels 0–3 with participation probability ``rates[level]``, in 12
    strata of clusters of 4 firms, with unequal weights."""
    rng = np.random.default_rng(seed)
    level = rng.choice(4, n, p=[0.3, 0.4, 0.2, 0.1]).astype(float)
    participant = (rng.random(n) < np.asarray(rates)[level.astype(int)]).astype(float)
    participant[rng.random(n) < 0.02] = np.nan  # some unknown
    data = {"ladder_level": level, "participant": participant}
    strata = np.arange(n) % 12
    psu = np.arange(n) // 4
    design = make_design(weights=rng.uniform(1, 8, n), strata=strata, psu=psu)
    return data, design


def test_trend_detects_a_rising_participation():
    data, design = generated([0.2, 0.35, 0.5, 0.65])
    t = trend_test(data, design)
    assert t.levels == (0, 1, 2, 3)
    assert t.coefficients == pytest.approx((-0.3, -0.1, 0.1, 0.3))
    assert 10 < t.estimate < 20  # about 15 percentage points per level
    assert t.ci_low > 0
    assert t.p_value < 1e-6
    assert t.means[0] < t.means[-1]


def test_trend_finds_none_on_flat_data():
    data, design = generated([0.4, 0.4, 0.4, 0.4], seed=12)
    t = trend_test(data, design)
    assert t.p_value > 0.05
    assert t.ci_low < 0 < t.ci_high


def test_trend_with_replicate_weights_is_close_to_taylor():
    data, design = generated([0.2, 0.35, 0.5, 0.65])
    taylor = trend_test(data, design)
    rep = trend_test(data, jkn(design))
    assert rep.estimate == pytest.approx(taylor.estimate)
    assert rep.se == pytest.approx(taylor.se, rel=0.05)
    assert rep.p_value < 1e-6


@pytest.mark.parametrize("replicate", [False, True])
def test_a_single_level_contrast_is_the_engines_mean(replicate):
    data, design = generated([0.2, 0.35, 0.5, 0.65], n=600)
    design = jkn(design) if replicate else design
    direct = {
        e.domain: e for e in estimate(data, design, mean=["participant"], by=[("ladder_level",)])
    }
    for k in (0, 2):
        c = level_contrast(data, design, {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0} | {k: 1.0})
        e = direct[(("ladder_level", str(k)),)]
        assert c.estimate == pytest.approx(100 * e.estimate, rel=1e-10)
        assert c.se == pytest.approx(100 * e.se, rel=1e-10)


def test_a_difference_of_two_levels_has_the_variance_of_a_difference():
    # independent with-replacement sampling: Var(p3 − p0) ≈ Var(p3) + Var(p0)
    data, design = generated([0.2, 0.35, 0.5, 0.65], n=3000)
    design = make_design(weights=design.weights)
    diff = level_contrast(data, design, {0: -1.0, 3: 1.0})
    p0 = level_contrast(data, design, {0: 1.0})
    p3 = level_contrast(data, design, {3: 1.0})
    assert diff.estimate == pytest.approx(p3.estimate - p0.estimate)
    assert diff.se == pytest.approx(math.hypot(p0.se, p3.se), rel=1e-3)


def test_trend_needs_two_levels():
    data, design = generated([0.3] * 4, n=40)
    data = dict(data, ladder_level=np.zeros(40))
    with pytest.raises(ValueError, match="at least two levels"):
        trend_test(data, design)
    with pytest.raises(ValueError, match="ladder_level = 5"):
        level_contrast(data, design, {0: -1.0, 5: 1.0})


def ladder_sample():
    """Hand-made firms: 12 top innovators (4 without any initiative), 10 innovators, 20 adopters,
    15 non-innovators; initiatives of every type."""
    recs = []
    for i in range(12):
        n = 0 if i < 4 else 1 + i % 3
        recs.append(product(60.0, ntf_pct=0.0, n_initiatives=n, initiatives_network=["a"] * n))
    for i in range(10):
        recs.append(
            product(10.0, n_initiatives=i % 2, initiatives_test_environment=["t"] * (i % 2))
        )
    for i in range(20):
        recs.append(firm(process_innovation=1, n_initiatives=int(i % 4 == 0)))
    for i in range(15):
        recs.append(firm(n_initiatives=int(i == 0), initiatives_incubator=["c"] * (i == 0)))
    data = variables(recs, 2019)
    data.update(class_columns(classify(data, load_typology(0.40))))
    return data, make_design(weights=np.ones(len(recs)))


def test_participation_by_level():
    data, design = ladder_sample()
    rows = participation_by_level(data, design)
    assert [r.domain for r in rows] == [()] + [(("ladder_level", str(k)),) for k in range(4)]
    got = {r.domain: r for r in rows}
    assert got[(("ladder_level", "3"),)].estimate == pytest.approx(100 * 8 / 12)
    assert got[(("ladder_level", "2"),)].estimate == pytest.approx(50)
    assert got[(("ladder_level", "1"),)].estimate == pytest.approx(25)
    assert got[(("ladder_level", "0"),)].estimate == pytest.approx(100 / 15)
    assert got[(("ladder_level", "3"),)].n == 12
    for r in rows:
        assert 0 < r.ci_low < r.estimate < r.ci_high < 100


def test_top_innovators_without_collaboration():
    data, design = ladder_sample()
    r = top_without_collaboration(data, design)
    assert r.indicator == "top_without_collaboration"
    assert r.estimate == pytest.approx(100 * 4 / 12)
    assert r.n == 12
    assert not r.suppressed
    assert 0 < r.ci_low < r.estimate < r.ci_high < 100
    # with equal weights and every firm its own PSU the SE is the sample-share SE
    p = 4 / 12
    assert r.se == pytest.approx(100 * math.sqrt(p * (1 - p) / 12 * 57 / 56), rel=0.05)
    # unknown participation of a top innovator: left out, not counted as collaborating
    data = dict(data, participant=np.where(np.arange(design.n) == 0, np.nan, data["participant"]))
    assert top_without_collaboration(data, design).n == 11


def test_initiatives_per_firm_and_types_by_level():
    data, design = ladder_sample()
    rows = {r.indicator: r for r in initiatives_per_firm(data, design)}
    counts = data["n_initiatives"]
    assert rows["n_initiatives"].estimate == pytest.approx(counts.mean())
    assert rows["n_initiatives_participants"].estimate == pytest.approx(counts[counts > 0].mean())
    assert rows["n_initiatives_participants"].n == int((counts > 0).sum())
    by_level = initiatives_per_firm(data, design, by=[(), ("ladder_level",)])
    assert len(by_level) == 2 * 5
    types = {(r.indicator, r.domain): r for r in types_by_level(data, design)}
    assert len(types) == 3 * 5
    assert types[("in_network", (("ladder_level", "3"),))].estimate == pytest.approx(100 * 8 / 12)
    assert types[("in_network", (("ladder_level", "0"),))].estimate == 0
    assert types[("in_incubator", (("ladder_level", "0"),))].estimate == pytest.approx(100 / 15)
    assert types[("in_test_environment", (("ladder_level", "2"),))].estimate == pytest.approx(50)


def test_level_shares_are_the_weighted_pyramid_and_sum_to_100():
    data, design = generated([0.1, 0.2, 0.3, 0.5])
    data["ladder_level"][:30] = np.nan  # undecided levels count in no level
    shares = level_shares(data, design)
    assert [e.domain for e in shares] == [(("ladder_level", str(k)),) for k in range(4)]
    assert sum(e.estimate for e in shares) == pytest.approx(100.0)
    w = design.weights
    level = data["ladder_level"]
    known = ~np.isnan(level)
    for k, e in enumerate(shares):
        assert e.indicator == "ladder_share"
        assert e.estimate == pytest.approx(100 * w[level == k].sum() / w[known].sum())
        assert e.n == int(known.sum())
        assert e.ci_low < e.estimate < e.ci_high
        # the engine's proportion of the same 0/1 column gives the same SE
        column = np.where(known, (level == k).astype(float), np.nan)
        (ref,) = [r for r in estimate({"x": column}, design, prop=["x"]) if r.level == "1"]
        assert e.se == pytest.approx(100 * ref.se)
