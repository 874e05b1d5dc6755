"""The complementarity analysis on data from known processes: complements, independence,
substitutes — the table, the supermodularity test, the fractional logit and the sentence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit, logit
from scipy.stats import binom

from innomon.analysis.complementarity import (
    COMPLEMENTS,
    NO_EVIDENCE,
    STRATEGIES,
    SUBSTITUTES,
    ComplementarityError,
    complementarity,
    finding_sentence,
    pool_sparse_levels,
    strategy_table,
    supermodularity_test,
)
from innomon.analysis.glm import GlmError, average_cross_partial, fractional_logit
from innomon.stats import bootstrap, estimate, jkn, make_design
from innomon.stats.weighting import poststratify

CONTROLS = ["size", "sector", "age", "province"]
PROCESSES = {COMPLEMENTS: 0.20, NO_EVIDENCE: 0.0, SUBSTITUTES: -0.20}  # interaction on the mean
# The verdict tests run many seeds and allow as many wrong outcomes as a correct analysis
# shows by chance but once in a thousand runs of the suite (the binomial's 99.9 % quantile), so
# a change to the random stream cannot flip them, and a wrong analysis still fails them.
SEEDS = range(40)
MODEL_SEEDS = range(8)  # the fractional logit is slower: fewer samples for the model's check
WEIGHTS = {"micro": 40.0, "small": 12.0, "medium": 4.0}


def firms(n, interaction, seed, missing=0.0, clusters=False):
    """A stratified sample of ``n`` firms (strata: size class, weights 40/12/4) whose mean
    new-to-market share is additive in investment (+12 points), collaboration (+5) and the
    controls plus ``interaction`` × both; 20 % of firms have no product innovations (0 %), so
    the true supermodularity contrast is 80 · interaction percentage points. Investment depends
    on size, collaboration on investment only: the cell means are not confounded. With
    ``clusters`` firms sit in 30 municipalities (PSUs) in 3 provinces (strata) with a
    municipality effect, so PSUs span the strategy cells."""
    rng = np.random.default_rng(seed)
    size = rng.choice(list(WEIGHTS), n, p=[0.5, 0.35, 0.15])
    sector = rng.choice(["construction", "industry", "services", "trade"], n)
    age = rng.choice(["established", "old", "young"], n)
    municipality = rng.integers(0, 30, n)
    province = np.array(["Drenthe", "Fryslân", "Groningen"])[municipality % 3]
    effect = rng.normal(0.0, 0.06, 30)[municipality] if clusters else np.zeros(n)
    invest = rng.binomial(1, np.where(size == "micro", 0.35, 0.55) + effect)
    collab = rng.binomial(1, np.where(invest == 1, 0.5, 0.3))
    mean = (
        0.10
        + 0.03 * (sector == "industry")
        - 0.02 * (age == "old")
        + 0.02 * (size == "medium")
        + 0.12 * invest
        + 0.05 * collab
        + interaction * invest * collab
        + effect
    )
    mean = np.clip(mean, 0.02, 0.95)
    share = 100 * rng.beta(4 * mean, 4 * (1 - mean))
    ntm = np.where(rng.random(n) < 0.2, 0.0, share)
    top = (ntm > 40).astype(float)
    if missing:
        gone = rng.random(n) < missing
        ntm[gone], top[gone] = np.nan, np.nan
    weights = np.array([WEIGHTS[s] for s in size])
    data = {
        "invest": invest.astype(float),
        "collab": collab.astype(float),
        "ntm": ntm,
        "top": top,
        "size": size,
        "sector": sector,
        "age": age,
        "province": province,
        "municipality": municipality,
    }
    if clusters:
        design = make_design(weights=weights, strata=province, psu=municipality)
    else:
        design = make_design(weights=weights, strata=size)
    return data, design


def run(data, design, **kwargs):
    return complementarity(data, design, "invest", "collab", "ntm", "top", CONTROLS, **kwargs)


def _allowed(runs: int, rate: float) -> int:
    """The most failures in ``runs`` that a correct analysis failing at ``rate`` shows, but for
    one time in a thousand."""
    return int(binom.ppf(0.999, runs, rate))


@pytest.mark.parametrize("process", list(PROCESSES))
def test_the_verdict_of_each_known_process(process):
    """The supermodularity test on 40 samples of 1,200 firms per process. Under independence
    each one-sided 5 % test may fire: 10 % wrong verdicts are its nominal size; with an
    interaction of ±0.20 (a contrast of ±16 points) the test has nearly full power, and more
    than 5 % misses would be a fault. The contrast's 95 % interval covers the truth in about
    95 % of the samples."""
    truth = 80 * PROCESSES[process]
    wrong = missed = 0
    for seed in SEEDS:
        data, design = firms(1200, PROCESSES[process], seed)
        test = supermodularity_test(data, design, "invest", "collab", "ntm", "top")
        wrong += test.verdict != process
        missed += not test.outcome.ci_low < truth < test.outcome.ci_high
    rate = 0.10 if process == NO_EVIDENCE else 0.05
    assert wrong <= _allowed(len(SEEDS), rate), (process, wrong)
    assert missed <= _allowed(len(SEEDS), 0.05), (process, missed)


@pytest.mark.parametrize("process", [COMPLEMENTS, SUBSTITUTES])
def test_the_models_cross_partial_agrees_with_the_verdict(process):
    """The whole analysis (table, test, fractional logit with controls): where the test finds
    complements or substitutes, the model's average cross-partial agrees in sign and is
    significant at 5 %, allowing misses at 5 % (the model's power here is nearly full)."""
    disagree = 0
    for seed in MODEL_SEEDS:
        data, design = firms(1200, PROCESSES[process], seed)
        result = run(data, design)
        acp = result.cross_partial
        p = acp.p_greater if process == COMPLEMENTS else acp.p_less
        disagree += result.test.verdict != process or not p < 0.05
    assert disagree <= _allowed(len(MODEL_SEEDS), 0.05), (process, disagree)


def test_the_test_has_its_nominal_size_under_independence():
    # 300 samples without interaction: each one-sided test rejects about alpha = 5 % of them
    z = np.array(
        [
            supermodularity_test(
                *firms(400, 0.0, 1000 + s), "invest", "collab", "ntm", "top"
            ).outcome.z
            for s in range(300)
        ]
    )
    assert abs(z.mean()) < 0.2
    assert 0.85 < z.std() < 1.15
    assert 0.015 < (z > 1.645).mean() < 0.095
    assert 0.015 < (z < -1.645).mean() < 0.095


def test_the_verdict_holds_with_replicate_weights():
    data, design = firms(1200, PROCESSES[COMPLEMENTS], 1)
    result = run(data, bootstrap(design, 200, seed=1))
    assert result.test.method == "bootstrap"
    assert result.test.verdict == COMPLEMENTS
    assert result.model.method == "bootstrap"


def _strategy_column(data):
    names = np.array([s[0] for s in STRATEGIES] + [None], dtype=object)
    known = ~np.isnan(data["invest"]) & ~np.isnan(data["collab"])
    code = np.where(known, np.nan_to_num(data["invest"]) + 2 * np.nan_to_num(data["collab"]), -1)
    return names[code.astype(int)]


@pytest.mark.parametrize("replicates", [False, True])
def test_the_cells_are_the_estimates_the_monitor_publishes(replicates):
    data, design = firms(600, 0.1, 4, missing=0.05)
    data["invest"][:7] = np.nan  # strategy unknown: in no cell
    if replicates:
        design = bootstrap(design, 100, seed=2)
    table = strategy_table(data, design, "invest", "collab", "ntm", "top")
    test = supermodularity_test(data, design, "invest", "collab", "ntm", "top")
    reference = estimate(
        {**data, "s": _strategy_column(data)}, design, mean=["ntm"], prop=["top"], by=[("s",)]
    )
    means = {e.domain[0][1]: e for e in reference if e.statistic == "mean"}
    shares = {e.domain[0][1]: e for e in reference if e.level == "1"}
    cells = dict(test.outcome.cells)
    for cell in table:
        ref = means[cell.strategy]
        assert cell.outcome.estimate == pytest.approx(ref.estimate, rel=1e-12)
        assert cell.outcome.se == pytest.approx(ref.se, rel=1e-12)
        assert (cell.outcome.ci_low, cell.outcome.ci_high) == pytest.approx(
            (ref.ci_low, ref.ci_high), rel=1e-12
        )
        assert (cell.n, cell.outcome.n_missing) == (ref.n, ref.n_missing)
        assert cell.top.estimate == pytest.approx(shares[cell.strategy].estimate, rel=1e-12)
        assert cell.top.se == pytest.approx(shares[cell.strategy].se, rel=1e-12)
        assert cells[cell.strategy] == pytest.approx(ref.estimate, rel=1e-12)
    m = {c.strategy: c.outcome.estimate for c in table}
    delta = m["both"] - m["invest_only"] - m["collab_only"] + m["neither"]
    assert test.outcome.estimate == pytest.approx(delta, rel=1e-12)


def test_missing_outcomes_are_excluded_and_counted_not_zero():
    data, design = firms(600, 0.1, 5, missing=0.1)
    gone = np.isnan(data["ntm"])
    result = run(data, design)
    strategy = _strategy_column(data)
    w = design.weights
    for cell in result.table:
        rows = strategy == cell.strategy
        assert cell.outcome.n_missing == int((rows & gone).sum()) > 0
        assert cell.n == int((rows & ~gone).sum())
        ok = rows & ~gone
        assert cell.outcome.estimate == pytest.approx(np.average(data["ntm"][ok], weights=w[ok]))
    assert result.test.outcome.n == int((~gone).sum())
    assert result.model.n == int((~gone).sum())
    assert result.model.n_missing == int(gone.sum())
    zeros = {**data, "ntm": np.nan_to_num(data["ntm"]), "top": np.nan_to_num(data["top"])}
    as_zero = run(zeros, design)
    assert as_zero.table[0].outcome.estimate < result.table[0].outcome.estimate
    assert as_zero.table[0].outcome.n_missing == 0


def test_none_is_missing_too():
    data, design = firms(300, 0.1, 6)
    listed = {**data, "ntm": [None if i % 10 == 0 else v for i, v in enumerate(data["ntm"])]}
    result = supermodularity_test(listed, design, "invest", "collab", "ntm", "top")
    table = strategy_table(listed, design, "invest", "collab", "ntm", "top")
    assert result.outcome.n == sum(c.n for c in table) == 300 - 30
    assert sum(c.outcome.n_missing for c in table) == 30


def test_strata_that_are_the_strategies_make_the_cells_independent():
    # every cell its own stratum: no covariance, Var(Δ) is the sum of the cells' variances
    data, _ = firms(800, 0.1, 7)
    strategy = _strategy_column(data)
    design = make_design(weights=np.ones(800) * 5, strata=strategy)
    table = strategy_table(data, design, "invest", "collab", "ntm", "top")
    test = supermodularity_test(data, design, "invest", "collab", "ntm", "top")
    assert test.outcome.se**2 == pytest.approx(sum(c.outcome.se**2 for c in table), rel=1e-10)
    assert test.top.se**2 == pytest.approx(sum((100 * c.top.se) ** 2 for c in table), rel=1e-10)


def test_cells_sharing_psus_covary_and_the_se_includes_it():
    data, design = firms(900, 0.1, 8, clusters=True)
    table = strategy_table(data, design, "invest", "collab", "ntm", "top")
    test = supermodularity_test(data, design, "invest", "collab", "ntm", "top")
    # by hand: influence values of the four domain means combined, PSU totals, stratum spread
    strategy = _strategy_column(data)
    w, y = design.weights, data["ntm"]
    z = np.zeros(900)
    for name, _a, _b, sign in STRATEGIES:
        rows = strategy == name
        m = np.average(y[rows], weights=w[rows])
        z[rows] += sign * w[rows] * (y[rows] - m) / w[rows].sum()
    var = 0.0
    for h in np.unique(data["province"]):
        psus = np.unique(data["municipality"][data["province"] == h])
        t = np.array([z[data["municipality"] == u].sum() for u in psus])
        var += psus.size / (psus.size - 1) * ((t - t.mean()) ** 2).sum()
    assert test.outcome.se == pytest.approx(np.sqrt(var), rel=1e-10)
    independent = np.sqrt(sum(c.outcome.se**2 for c in table))
    assert abs(test.outcome.se / independent - 1) > 0.03  # the covariance matters here
    replicated = supermodularity_test(data, jkn(design), "invest", "collab", "ntm", "top")
    assert replicated.outcome.se == pytest.approx(test.outcome.se, rel=0.15)


def _quasi_loglik(beta, x, y, w):
    eta = x @ beta
    return -(w * (y * eta - np.logaddexp(0, eta))).sum(), -(x.T @ (w * (y - expit(eta))))


@pytest.mark.parametrize("weighted", [False, True])
def test_fractional_logit_maximises_the_quasi_likelihood(weighted):
    data, design = firms(700, 0.1, 9)
    if not weighted:
        design = make_design(weights=np.ones(700))
    terms = ("invest", "collab", ("invest", "collab"))
    fit = fractional_logit(data, design, "ntm", terms, CONTROLS, scale=100)
    assert fit.converged
    assert fit.iterations < 10
    assert fit.names[:4] == ("(intercept)", "invest", "collab", "invest:collab")
    assert "size[micro]" in fit.names  # levels sorted, the first ("medium") dropped
    assert "size[medium]" not in fit.names
    # an independent maximiser of the same quasi-likelihood, from zero
    cols = [np.ones(700), data["invest"], data["collab"], data["invest"] * data["collab"]]
    for name in CONTROLS:
        levels = sorted(set(data[name]))
        cols += [(data[name] == lev).astype(float) for lev in levels[1:]]
    x = np.column_stack(cols)
    w = design.weights / design.weights.mean()
    best = minimize(
        _quasi_loglik,
        np.zeros(x.shape[1]),
        args=(x, data["ntm"] / 100, w),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-10, "maxiter": 10_000},
    )
    np.testing.assert_allclose(fit.coef, best.x, atol=1e-5)


def test_an_intercept_only_model_is_the_logit_of_the_weighted_mean():
    data, design = firms(500, 0.1, 10, missing=0.05)
    fit = fractional_logit(data, design, "ntm", scale=100)
    mean = estimate(data, design, mean=["ntm"])[0]
    assert fit.names == ("(intercept)",)
    assert fit.coef[0] == pytest.approx(logit(mean.estimate / 100), rel=1e-10)
    # the sandwich of a mean is the delta method of the mean's design-based SE
    m = mean.estimate / 100
    assert fit.se[0] == pytest.approx(mean.se / 100 / (m * (1 - m)), rel=1e-8)


def test_the_taylor_sandwich_of_an_unclustered_sample_is_the_robust_covariance():
    data, _ = firms(400, 0.1, 11)
    w = np.random.default_rng(0).uniform(1, 5, 400)
    design = make_design(weights=w)
    fit = fractional_logit(data, design, "ntm", ("invest", "collab"), ["sector"], scale=100)
    x = np.column_stack(
        [np.ones(400), data["invest"], data["collab"]]
        + [(data["sector"] == s).astype(float) for s in ("industry", "services", "trade")]
    )
    mu = expit(x @ fit.coef)
    a = (x * (w * mu * (1 - mu))[:, None]).T @ x
    s = x * (w * (data["ntm"] / 100 - mu))[:, None]
    a_inv = np.linalg.inv(a)
    expected = a_inv @ (400 / 399 * s.T @ s) @ a_inv
    np.testing.assert_allclose(fit.vcov, expected, rtol=1e-8)


def test_the_cross_partial_of_the_saturated_model_is_the_contrast():
    # invest, collab and their product only: the model fits the four weighted cell means
    # exactly, so its average cross-partial is Δ, with the same Taylor and replicate SEs
    data, design = firms(800, 0.1, 12)
    terms = ("invest", "collab", ("invest", "collab"))
    for d in (design, bootstrap(design, 100, seed=4)):
        fit = fractional_logit(data, d, "ntm", terms, scale=100, tol=1e-12)
        acp = average_cross_partial(fit, data, d, "invest", "collab")
        test = supermodularity_test(data, d, "invest", "collab", "ntm", "top")
        assert acp.estimate == pytest.approx(test.outcome.estimate, rel=1e-9)
        assert acp.se == pytest.approx(test.outcome.se, rel=1e-6)


def test_replicate_and_taylor_standard_errors_agree():
    data, design = firms(1500, 0.1, 13)
    taylor = run(data, design)
    for rep in (bootstrap(design, 1000, seed=5), jkn(design)):
        replicated = run(data, rep)
        np.testing.assert_allclose(replicated.model.coef, taylor.model.coef)
        np.testing.assert_allclose(replicated.model.se, taylor.model.se, rtol=0.15)
        assert replicated.test.outcome.se == pytest.approx(taylor.test.outcome.se, rel=0.15)
        assert replicated.test.top.se == pytest.approx(taylor.test.top.se, rel=0.15)
        assert replicated.cross_partial.se == pytest.approx(taylor.cross_partial.se, rel=0.15)


def test_calibrated_weights_give_the_calibrated_variance():
    # post-stratified to province totals: the Taylor SEs use the residualised influence values
    # and agree with replicates that are post-stratified replicate by replicate
    data, design = firms(1500, 0.1, 18)
    population = {"Drenthe": 9_000.0, "Fryslân": 12_000.0, "Groningen": 11_000.0}
    taylor = poststratify(design, data["province"], population, "province")
    replicated = poststratify(bootstrap(design, 800, seed=7), data["province"], population)
    a, b = run(data, taylor), run(data, replicated)
    assert a.test.outcome.estimate == pytest.approx(b.test.outcome.estimate, rel=1e-12)
    assert b.test.outcome.se == pytest.approx(a.test.outcome.se, rel=0.15)
    assert b.cross_partial.se == pytest.approx(a.cross_partial.se, rel=0.15)
    np.testing.assert_allclose(b.model.se, a.model.se, rtol=0.15)
    # exact: an intercept-only model's sandwich is the calibrated SE of the mean
    mean = estimate(data, taylor, mean=["ntm"])[0]
    fit = fractional_logit(data, taylor, "ntm", scale=100)
    m = mean.estimate / 100
    assert fit.se[0] == pytest.approx(mean.se / 100 / (m * (1 - m)), rel=1e-8)
    assert mean.se != pytest.approx(estimate(data, design, mean=["ntm"])[0].se, rel=1e-3)


def test_an_empty_strategy_is_a_suppressed_cell_and_no_contrast():
    data, design = firms(300, 0.1, 19)
    data["collab"][data["invest"] == 0] = 0.0  # nobody collaborates without investing
    table = strategy_table(data, design, "invest", "collab", "ntm", "top")
    empty = table[[c.strategy for c in table].index("collab_only")]
    assert empty.n == 0
    assert empty.outcome.suppressed
    assert np.isnan(empty.outcome.estimate)
    with pytest.raises(ComplementarityError, match="strategy 'collab_only'"):
        supermodularity_test(data, design, "invest", "collab", "ntm", "top")


def test_no_top_innovators_at_all_is_a_share_of_zero():
    data, design = firms(300, 0.1, 20)
    data["top"] = np.zeros(300)
    table = strategy_table(data, design, "invest", "collab", "ntm", "top")
    assert [c.top_pct for c in table] == [0.0] * 4
    assert all(c.top.level == "1" for c in table)


def test_a_singular_design_matrix_names_the_column():
    data, design = firms(300, 0.1, 14)
    dup = {**data, "copy": np.where(data["invest"] == 1, "yes", "no")}
    with pytest.raises(GlmError, match=r"column 'copy\[yes\]' is a linear combination"):
        fractional_logit(dup, design, "ntm", ("invest", "collab"), ["copy"], scale=100)
    none = {**data, "zero": np.zeros(300)}
    with pytest.raises(GlmError, match="column 'zero' is zero"):
        fractional_logit(none, design, "ntm", ("invest", "zero"), scale=100)


def test_separation_is_a_clear_error():
    data, design = firms(300, 0.1, 15)
    data["ntm"][data["sector"] == "trade"] = 0.0  # no trade firm has new-to-market sales
    with pytest.raises(GlmError, match=r"did not converge.*'sector\[trade\]'"):
        fractional_logit(data, design, "ntm", ("invest",), ["sector"], scale=100)


def test_bad_values_name_column_and_row():
    data, design = firms(100, 0.1, 16)
    data["invest"][4] = 2
    with pytest.raises(ComplementarityError, match="column 'invest' row 5: 2 is not 0 or 1"):
        run(data, design)
    data, design = firms(100, 0.1, 16)
    data["ntm"][9] = 120
    with pytest.raises(ComplementarityError, match="column 'ntm' row 10: 120"):
        run(data, design)
    with pytest.raises(GlmError, match="unknown column 'nope'"):
        fractional_logit(data, design, "nope")


def _number(value, lang):
    text = f"{abs(value):.1f}"
    return text.replace(".", ",") if lang == "nl" else text


@pytest.mark.parametrize("process", list(PROCESSES))
def test_the_sentence_says_the_verdict_with_the_numbers(process):
    data, design = firms(1200, PROCESSES[process], 1)
    result = run(data, design)
    c = result.test.outcome
    words = {
        COMPLEMENTS: ("The two are complements.", "complementair"),
        SUBSTITUTES: ("The two are substitutes.", "substituten"),
        NO_EVIDENCE: ("no evidence", "geen aanwijzing"),
    }[process]
    for lang, word in zip(("en", "nl"), words, strict=True):
        sentence = finding_sentence(result, lang)
        print(sentence)
        assert word in sentence
        for value in (c.estimate, c.ci_low, c.ci_high):
            assert _number(value, lang) in sentence, (value, sentence)
        assert ("percentage points" if lang == "en" else "procentpunt") in sentence
        assert ("95 % CI" if lang == "en" else "95%-betrouwbaarheidsinterval") in sentence
        other = {"en": "geen aanwijzing", "nl": "no evidence"}[lang]
        assert other not in sentence
    if process == NO_EVIDENCE:
        assert "no evidence" in finding_sentence(result, "en")
        assert "geen aanwijzing" in finding_sentence(result, "nl")
    else:
        assert "no evidence" not in finding_sentence(result, "en")
    if c.ci_low < 0:
        assert "−" in finding_sentence(result, "en")


def test_replicates_whose_refit_fails_are_left_out_and_counted():
    # a sector of five firms, one without new-to-market sales: a bootstrap replicate that
    # draws none of them leaves its dummy without weight, one that draws only the firm at 0 %
    # separates; neither can be refitted, and the variance uses the other replicates
    data, design = firms(600, 0.1, 21)
    rare = np.flatnonzero(data["sector"] == "trade")[:5]
    data["sector"] = np.where(data["sector"] == "trade", "services", data["sector"])
    data["sector"][rare] = "mining"
    data["ntm"][rare[3]] = 0.0
    rep = bootstrap(design, 400, seed=8)
    drawn = rep.factors[rep.unit[rare]] > 0
    empty = ~drawn.any(axis=0)
    separated = ~empty & ~(drawn & (data["ntm"][rare] > 0)[:, None]).any(axis=0)
    assert empty.sum() > 0
    assert separated.sum() > 0
    failing = empty | separated
    assert failing.sum() <= 0.05 * rep.replicates
    terms = ("invest", "collab", ("invest", "collab"))
    fit = fractional_logit(data, rep, "ntm", terms, ["sector"], scale=100)
    assert fit.replicates_failed == int(failing.sum())
    assert np.isnan(fit.replicate_coef[failing]).all()
    assert np.isfinite(fit.replicate_coef[~failing]).all()
    # the variance is the mean square over the replicates that remain
    kept = fit.replicate_coef[~failing]
    dev = kept - kept.mean(axis=0)
    expected = rep.scale * rep.replicates / kept.shape[0] * (dev * dev).sum(axis=0)
    np.testing.assert_allclose(fit.se**2, expected, rtol=1e-10)
    acp = average_cross_partial(fit, data, rep, "invest", "collab")
    assert np.isfinite(acp.se)
    assert acp.se > 0
    with pytest.raises(
        GlmError,
        match=rf"{int(failing.sum())} of 400 replicate refits failed, "
        r"most often on column 'sector\[mining\]'",
    ):
        fractional_logit(data, rep, "ntm", terms, ["sector"], scale=100, max_failed=0.0)


def test_sparse_control_levels_are_merged_into_the_largest():
    labels = np.array(["a"] * 30 + ["b"] * 50 + ["c"] * 5 + ["d"] * 19 + [None], object)
    pooled, merged = pool_sparse_levels(labels, 20)
    assert merged == {"c": "b", "d": "b"}
    assert (pooled[:30] == "a").all()
    assert (pooled[30:104] == "b").all()
    assert pooled[104] is None  # missing stays missing
    same, none = pool_sparse_levels(labels, 5)  # 'c' has 5: kept
    assert none == {}
    assert list(same) == list(labels)


def test_a_model_the_replicates_cannot_refit_is_reported_and_the_test_stands():
    # collaborating without investing: 30 firms, one of them with new-to-market sales — in
    # about a third of the bootstrap replicates that firm is not drawn and the cell separates
    data, design = firms(1200, 0.1, 22)
    only = np.flatnonzero((data["invest"] == 0) & (data["collab"] == 1))
    data["collab"][only[30:]] = 0.0
    data["ntm"][only[1:30]] = 0.0
    data["top"][only[1:30]] = 0.0
    data["ntm"][only[0]] = 20.0
    rep = bootstrap(design, 200, seed=9)
    with pytest.raises(GlmError, match="most often on column 'collab'"):
        run(data, rep)
    result = run(data, rep, model_optional=True)
    assert result.model is None
    assert result.cross_partial is None
    assert "replicate refits failed" in result.model_error
    assert result.test.method == "bootstrap"
    assert np.isfinite(result.test.outcome.se)
    assert "percentage points" in finding_sentence(result, "en")  # the finding is the test's
    # with Taylor standard errors the same data fit (the full sample does not separate)
    assert run(data, design, model_optional=True).model is not None


def test_sparse_controls_are_pooled_before_the_model():
    data, design = firms(600, 0.1, 23)
    data["age"][:8] = "newborn"
    result = run(data, bootstrap(design, 100, seed=3), min_level_n=20)
    largest = max(("established", "old", "young"), key=lambda v: (data["age"] == v).sum())
    assert result.pooled == {"age": {"newborn": largest}}
    assert not any("newborn" in name for name in result.model.names)
