"""Invariants of the estimator that hold for any data — checked on seeded random designs."""

from __future__ import annotations

import numpy as np
import pytest

from innomon.stats import (
    DesignError,
    DisclosureRule,
    bootstrap,
    estimate,
    jk1,
    make_design,
    secondary_suppression,
    weighted_quantiles,
)
from innomon.stats.weighting import (
    WeightingError,
    design_weights,
    diagnostics,
    poststratify,
    rake,
    trim,
)

SEEDS = [1, 2, 3]


def random_survey(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, 4, n)
    psu = strata * 100 + rng.integers(0, 12, n)
    y = rng.gamma(2.0, 10.0, n)
    y[rng.random(n) < 0.05] = np.nan
    data = {
        "y": y,
        "x": rng.gamma(3.0, 5.0, n),
        "region": np.array(["north", "south", "east"], dtype=object)[rng.integers(0, 3, n)],
        "size": np.array(["micro", "small", "medium"], dtype=object)[rng.integers(0, 3, n)],
    }
    design = make_design(weights=rng.uniform(5, 60, n), strata=strata, psu=psu)
    return data, design


@pytest.mark.parametrize("seed", SEEDS)
def test_total_is_mean_times_estimated_population(seed):
    data, design = random_survey(seed)
    ok = ~np.isnan(data["y"])
    data["one"] = np.where(ok, 1.0, np.nan)
    mean = estimate(data, design, mean=["y"])[0]
    total, n_hat = estimate(data, design, total=["y", "one"])
    assert total.estimate == pytest.approx(mean.estimate * n_hat.estimate, rel=1e-12)
    assert mean.n == total.n == int(ok.sum())
    assert mean.n_missing == int((~ok).sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_a_domain_three_ways(seed):
    """As R survey's tests/domain.R: by-domain, as missing values outside the domain, and as a
    ratio of the domain total to the domain size — the same estimate and standard error."""
    data, design = random_survey(seed)
    by = {e.domain[0][1]: e for e in estimate(data, design, mean=["y"], by=[("region",)])}
    inside = data["region"] == "south"
    masked = dict(data, y=np.where(inside, data["y"], np.nan))
    as_missing = estimate(masked, design, mean=["y"])[0]
    ok = inside & ~np.isnan(data["y"])
    ratio_data = dict(data, num=np.where(ok, data["y"], 0.0), den=ok.astype(float))
    as_ratio = estimate(ratio_data, design, ratio=[("num", "den")])[0]
    for other in (as_missing, as_ratio):
        assert by["south"].estimate == pytest.approx(other.estimate, rel=1e-12)
        assert by["south"].se == pytest.approx(other.se, rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_proportions_of_a_variable_add_up_to_one(seed):
    data, design = random_survey(seed)
    props = estimate(data, design, prop=["size"], by=[(), ("region",)])
    sums: dict = {}
    for e in props:
        sums[e.domain] = sums.get(e.domain, 0.0) + e.estimate
        assert 0 <= e.ci_low <= e.estimate <= e.ci_high <= 1
    assert all(s == pytest.approx(1.0) for s in sums.values())


def test_jackknife_of_a_total_equals_linearisation_without_strata():
    rng = np.random.default_rng(5)
    n = 60
    data = {"y": rng.normal(10, 2, n)}
    design = make_design(weights=rng.uniform(1, 9, n), psu=rng.integers(0, 20, n))
    taylor = estimate(data, design, total=["y"])[0]
    jack = estimate(data, jk1(design), total=["y"])[0]
    assert jack.se == pytest.approx(taylor.se, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_raked_weights_meet_every_margin(seed):
    data, design = random_survey(seed)
    n = design.n
    rng = np.random.default_rng(seed)
    data["age"] = np.array(["young", "old"], dtype=object)[rng.integers(0, 2, n)]
    total = 12_000.0
    margins = [
        (
            "region",
            data["region"],
            {"north": 0.5 * total, "south": 0.3 * total, "east": 0.2 * total},
        ),
        (
            "size",
            data["size"],
            {"micro": 0.8 * total, "small": 0.15 * total, "medium": 0.05 * total},
        ),
        ("age", data["age"], {"young": 0.4 * total, "old": 0.6 * total}),
    ]
    raked, report = rake(design, margins, epsilon=1e-10)
    assert report.converged
    assert report.max_margin_error < 1e-6
    for _name, values, pop in margins:
        for level, target in pop.items():
            assert raked.weights[values == level].sum() == pytest.approx(target, rel=1e-9)


def test_poststratified_share_of_a_poststratum_has_no_sampling_error():
    data, design = random_survey(4)
    pop = {"north": 5000, "south": 3000, "east": 2000}
    ps = poststratify(design, data["region"], pop, "region")
    props = {e.level: e for e in estimate(data, ps, prop=["region"])}
    assert props["north"].estimate == pytest.approx(0.5)
    assert props["north"].se < 1e-9
    # while the design-weighted share has a real standard error
    raw = {e.level: e for e in estimate(data, design, prop=["region"])}
    assert raw["north"].se > 0.01


def test_margins_that_cannot_be_met_name_the_cell():
    data, design = random_survey(1)
    with pytest.raises(
        WeightingError, match="cell 'west' has a population total of 10 but no respondents"
    ):
        poststratify(
            design, data["region"], {"north": 1, "south": 1, "east": 1, "west": 10}, "region"
        )
    with pytest.raises(WeightingError, match="sample cell 'east' is not in the population totals"):
        poststratify(design, data["region"], {"north": 1, "south": 1}, "region")
    with pytest.raises(WeightingError, match="disagree on the population total"):
        rake(
            design,
            [
                ("region", data["region"], {"north": 5, "south": 5, "east": 5}),
                ("size", data["size"], {"micro": 5, "small": 5, "medium": 6}),
            ],
        )
    values = data["region"].copy()
    values[7] = None
    with pytest.raises(WeightingError, match="row 8 has no value"):
        poststratify(design, values, {"north": 1, "south": 1, "east": 1}, "region")


def test_design_weights_from_frame_counts():
    strata = np.array(["a", "a", "b", "b", "b", "b"], dtype=object)
    w = design_weights(strata, {"a": 100, "b": 40})
    assert list(w) == [50, 50, 10, 10, 10, 10]


def test_trimming_keeps_the_total_and_the_bounds():
    rng = np.random.default_rng(3)
    design = make_design(weights=rng.lognormal(3, 1, 500))
    trimmed = trim(design, lower=5, upper=60)
    assert trimmed.weights.sum() == pytest.approx(design.weights.sum())
    assert trimmed.weights.min() >= 5 - 1e-9
    assert trimmed.weights.max() <= 60 + 1e-9
    with pytest.raises(WeightingError, match="widen the bounds"):
        trim(design, lower=20, upper=21)


def test_weight_diagnostics():
    equal = diagnostics(np.full(50, 3.0))
    assert equal.kish_n_eff == pytest.approx(50)
    assert equal.deff_weighting == pytest.approx(1)
    w = np.r_[np.ones(50), np.full(50, 3.0)]
    d = diagnostics(w)
    cv2 = w.var() / w.mean() ** 2
    assert d.deff_weighting == pytest.approx(1 + cv2)
    assert d.kish_n_eff == pytest.approx(100 / (1 + cv2))


def test_weighted_quantile_with_equal_weights_is_the_inverted_cdf():
    rng = np.random.default_rng(9)
    x = rng.normal(size=101)
    q = weighted_quantiles(x, np.ones(101), np.zeros(101, np.int64), 1, np.array([0.1, 0.5, 0.9]))
    assert list(q[0]) == list(np.quantile(x, [0.1, 0.5, 0.9], method="inverted_cdf"))


def test_bootstrap_replicates_need_two_psus_per_stratum():
    design = make_design(weights=np.ones(4), strata=np.array([1, 1, 2, 3]))
    with pytest.raises(DesignError, match="only one PSU"):
        bootstrap(design, 10)


def test_bad_designs_name_the_column():
    with pytest.raises(DesignError, match="pw: weights must be positive; row 2 has 0"):
        make_design(weights=np.array([1.0, 0.0, 2.0]), names={"weights": "pw"})
    with pytest.raises(DesignError, match="fpc: more than one value in stratum a"):
        make_design(weights=np.ones(3), strata=np.array(["a", "a", "b"]), fpc=np.array([10, 11, 5]))
    with pytest.raises(DesignError, match="lonely_psu must be one of"):
        make_design(weights=np.ones(3), lonely_psu="ignore")
    with pytest.raises(DesignError, match="unknown column 'nope'"):
        estimate({"y": np.ones(3)}, make_design(weights=np.ones(3)), mean=["nope"])
    with pytest.raises(DesignError, match="column 'y' row 2: 'abc' is not a number"):
        estimate(
            {"y": np.array(["1", "abc", "2"], dtype=object)},
            make_design(weights=np.ones(3)),
            mean=["y"],
        )


def test_small_cells_and_dominated_totals_are_flagged():
    rng = np.random.default_rng(2)
    n = 40
    y = rng.uniform(1, 2, n)
    y[0] = 1000.0  # one firm dominates the total of its cell
    data = {"y": y, "cell": np.array(["a"] * 20 + ["b"] * 15 + ["c"] * 5, dtype=object)}
    design = make_design(weights=np.ones(n))
    rule = DisclosureRule(min_n=10, dominance_n=2, dominance_k=0.85)
    res = {
        (e.statistic, e.domain[0][1]): e
        for e in estimate(data, design, mean=["y"], total=["y"], by=[("cell",)], disclosure=rule)
    }
    assert res[("mean", "c")].suppressed
    assert "n=5" in res[("mean", "c")].reason
    assert not res[("mean", "a")].suppressed  # a mean is not subject to the dominance rule
    assert res[("total", "a")].suppressed
    assert "dominance" in res[("total", "a")].reason
    assert not res[("total", "b")].suppressed
    assert not np.isnan(res[("total", "a")].estimate)  # analysts still see the value


def test_secondary_suppression_protects_margins():
    primary = np.array([[True, False, False], [False, False, False], [False, False, False]])
    size = np.array([[3, 40, 12], [25, 30, 9], [50, 60, 70]])
    out = secondary_suppression(primary, size)
    assert out[0, 0]
    assert (out.sum(axis=1) != 1).all()
    assert (out.sum(axis=0) != 1).all()
    assert out[0, 2]
    assert out[1, 0]
    one_way = secondary_suppression(np.array([False, True, False, False]), np.array([8, 2, 5, 30]))
    assert list(one_way) == [False, True, True, False]


def test_standard_errors_are_accurate_for_large_values():
    """The variance is a sum of squared deviations (two passes), not Σt² − (Σt)²/n, which
    loses the digits when PSU totals are large relative to their spread."""
    data, design = random_survey(6)
    shifted = dict(data, y=data["y"] + 1e9)
    a = estimate(data, design, mean=["y"])[0]
    b = estimate(shifted, design, mean=["y"])[0]
    assert b.se == pytest.approx(a.se, rel=1e-6)


def test_missing_design_values_name_the_row():
    with pytest.raises(DesignError, match="region: missing value in row 2"):
        make_design(
            weights=np.ones(3),
            strata=np.array(["a", None, "b"], dtype=object),
            names={"strata": "region"},
        )


def test_a_by_variable_without_values_gives_no_domains():
    data = {"y": np.ones(4), "g": np.array([None] * 4, dtype=object)}
    design = make_design(weights=np.ones(4))
    assert estimate(data, design, mean=["y"], by=[("g",)]) == []
    assert len(estimate(data, design, mean=["y"], by=[(), ("g",)])) == 1
