"""innomon.stats equals R's survey package (the reference implementation) to 1e-8 relative.

The values come from ``reference/make_reference.R`` run with R's survey 4.1.1 on the package's
``api`` data (see reference/README.md). Standard errors that are zero in exact arithmetic
(calibrated margins, JKn stratum shares) are compared with an absolute tolerance instead.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from innomon.stats import bootstrap, estimate, jk1, jkn, make_design, supplied
from innomon.stats.design import DesignError
from innomon.stats.weighting import (
    WeightingError,
    calibrate_linear,
    model_matrix,
    poststratify,
    rake,
)

from .conftest import api, assert_close, cases

REL = 1e-8


def margins():
    import csv

    from .conftest import REFERENCE

    with (REFERENCE / "apipop_margins.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r["variable"], {})[r["level"]] = float(r["total"])
    return out


def base_design(name: str, lonely: str = "fail"):
    if name == "dstrat":
        d = api("apistrat")
        return d, make_design(weights=d["pw"], strata=d["stype"], fpc=d["fpc"])
    if name in ("dclus1", "dclus1_nofpc"):
        d = api("apiclus1")
        fpc = d["fpc"] if name == "dclus1" else None
        return d, make_design(weights=d["pw"], psu=d["dnum"], fpc=fpc)
    if name == "dclus2":
        d = api("apiclus2")
        return d, make_design(psu=d["dnum"], ssu=d["snum"], fpc=d["fpc1"], fpc2=d["fpc2"])
    if name == "dclus2_nofpc":
        d = api("apiclus2")
        return d, make_design(weights=d["pw"], psu=d["dnum"], ssu=d["snum"])
    if name == "lonely":
        d = dict(api("apistrat"))
        s2 = np.array(d["stype"], dtype=object)
        s2[0] = "X"
        d["s2"] = s2
        return d, make_design(weights=d["pw"], strata=s2, lonely_psu=lonely)
    raise KeyError(name)


def design_for(design_name: str, lonely: str = "fail"):
    m = margins()
    if design_name.endswith(".jk1") and not design_name.startswith("dclus1.poststrat"):
        data, d = base_design(design_name.removesuffix(".jk1"))
        return data, jk1(d)
    if design_name == "dstrat.jkn":
        data, d = base_design("dstrat")
        return data, jkn(d)
    if design_name == "dstrat.fay":
        data, d = base_design("dstrat")
        rep = jkn(d)
        return data, supplied(data["pw"], rep.replicate_weights(), "fay", rho=0.3)
    if design_name == "dclus1.poststrat":
        data, d = base_design("dclus1")
        return data, poststratify(d, data["stype"], m["stype"], "stype")
    if design_name == "dclus1.poststrat.jk1":
        data, d = base_design("dclus1")
        return data, poststratify(jk1(d), data["stype"], m["stype"], "stype")
    if design_name in ("dclus1.rake", "dclus1.rake_converged"):
        data, d = base_design("dclus1")
        eps, sweeps = (1.0, 10) if design_name == "dclus1.rake" else (1e-13, 1000)
        raked, _report = rake(
            d,
            [("stype", data["stype"], m["stype"]), ("sch.wide", data["sch.wide"], m["sch.wide"])],
            epsilon=eps,
            max_sweeps=sweeps,
        )
        return data, raked
    if design_name.startswith("dclus1.linear"):
        data, d = base_design("dclus1")
        x, _names = model_matrix(data, ["stype"], ["api99"])
        totals = [m["N"][""], m["stype"]["H"], m["stype"]["M"], m["api99"][""]]
        bounds = {
            "dclus1.linear_bounded_05_2": (0.5, 2.0),
            "dclus1.linear_bounded": (0.7, 1.3),
        }.get(design_name)
        return data, calibrate_linear(d, x, totals, bounds=bounds)
    return base_design(design_name, lonely)


def formula_vars(expr: str) -> list[str]:
    inner = re.search(r"\(~([^,]+),", expr).group(1)
    return [v.strip() for v in inner.split("+")]


def joint_na(data, names, expr):
    """R's ``na.rm=TRUE`` drops a row missing any of the call's variables."""
    if "na.rm=TRUE" not in expr:
        return data
    data = dict(data)
    bad = np.zeros(len(data[names[0]]), bool)
    for v in names:
        bad |= np.isnan(np.asarray(data[v], float))
    for v in names:
        data[v] = np.where(bad, np.nan, np.asarray(data[v], float))
    return data


def run_case(c):
    lonely = c.get("options", {}).get("survey.lonely.psu", "fail")
    data, design = design_for(c["design"], lonely)
    expr = c["r"]
    suffix = c["id"].split(".")[-1]
    if c["kind"] == "svyby":
        return run_by(c, data, design)
    if suffix in ("prop", "prop_schwide"):
        var = formula_vars(expr)[0]
        return estimate(data, design, prop=[var])
    if suffix == "total_stype":
        return estimate(data, design, total=["stype"])
    if c["kind"] == "mean":
        names = formula_vars(expr)
        data = joint_na(data, names, expr)
        return estimate(data, design, mean=names)
    if c["kind"] == "total":
        names = formula_vars(expr)
        data = joint_na(data, names, expr)
        return estimate(data, design, total=names)
    if c["kind"] == "svyratio":
        data = joint_na(data, ["api.stu", "enroll"], expr)
        return estimate(data, design, ratio=[("api.stu", "enroll")])
    raise AssertionError(c["id"])


def run_by(c, data, design):
    expr = c["r"]
    by = tuple(c["by_vars"])
    names = formula_vars(expr)
    if c["statistic"] == "svyratio":
        data = joint_na(data, ["api.stu", "enroll"], expr)
        res = estimate(data, design, ratio=[("api.stu", "enroll")], by=[by])
    elif c["statistic"] == "svytotal":
        data = joint_na(data, names, expr)
        res = estimate(data, design, total=names, by=[by])
    elif c["names"][0].startswith("sch.wide"):
        res = estimate(data, design, prop=["sch.wide"], by=[by])
    else:
        data = joint_na(data, names, expr)
        res = estimate(data, design, mean=names, by=[by])
    table = {}
    for e in res:
        key = tuple(v for _k, v in e.domain)
        table.setdefault(key, []).append(e)
    est = [[e.estimate for e in table[tuple(row)]] for row in c["by"]]
    se = [[e.se for e in table[tuple(row)]] for row in c["by"]]
    return est, se


ESTIMATE_CASES = sorted(
    cid for cid, c in cases().items() if c["kind"] in ("mean", "total", "svyratio", "svyby")
)


@pytest.mark.parametrize("case_id", ESTIMATE_CASES)
def test_estimates_and_standard_errors_equal_r(case_id):
    c = cases()[case_id]
    result = run_case(c)
    if isinstance(result, tuple):
        est, se = result
    else:
        est, se = [e.estimate for e in result], [e.se for e in result]
    assert_close(est, c["estimate"], REL, 1e-9, f"{case_id} estimate")
    zero_in_exact_arithmetic = (
        np.asarray(c["se"], float) < 1e-9 * np.abs(np.asarray(c["estimate"], float)).max()
    )
    if zero_in_exact_arithmetic.any():
        assert_close(
            np.where(zero_in_exact_arithmetic, 0, se),
            np.where(zero_in_exact_arithmetic, 0, c["se"]),
            REL,
            1e-9,
            f"{case_id} se",
        )
        assert (np.asarray(se, float)[zero_in_exact_arithmetic] < 1e-7).all()
    else:
        assert_close(se, c["se"], REL, 0, f"{case_id} se")


@pytest.mark.parametrize(
    "case_id", sorted(i for i, c in cases().items() if c["kind"] == "svyciprop")
)
def test_proportion_intervals_equal_svyciprop_logit(case_id):
    c = cases()[case_id]
    data, design = design_for(c["design"])
    res = {e.level: e for e in estimate(data, design, prop=["sch.wide"])}["Yes"]
    # R's estimate comes from an iteratively fitted GLM (converged to ~1e-9)
    assert_close(
        [res.estimate, res.ci_low, res.ci_high],
        [c["estimate"][0], c["ci_low"][0], c["ci_high"][0]],
        1e-8,
        0,
        case_id,
    )
    assert res.df == c["df"]


@pytest.mark.parametrize(
    "case_id", sorted(i for i, c in cases().items() if c["kind"] == "svyquantile")
)
def test_quantiles_with_woodruff_intervals_equal_r(case_id):
    c = cases()[case_id]
    data, design = design_for(c["design"])
    res = estimate(data, design, quantile=["api00"], probs=c["probs"])
    assert_close([e.estimate for e in res], c["estimate"], REL, 0, "quantile")
    assert_close([e.ci_low for e in res], c["ci_low"], REL, 0, "ci_low")
    assert_close([e.ci_high for e in res], c["ci_high"], REL, 0, "ci_high")
    assert_close([e.se for e in res], c["se"], REL, 0, "se")


@pytest.mark.parametrize("case_id", sorted(i for i, c in cases().items() if c["kind"] == "degf"))
def test_degrees_of_freedom(case_id):
    c = cases()[case_id]
    _data, design = design_for(c["design"])
    assert design.degf() == c["estimate"][0]


@pytest.mark.parametrize(
    "case_id", sorted(i for i, c in cases().items() if c["kind"] == "design" and "weights" in c)
)
def test_weights_equal_r(case_id):
    c = cases()[case_id]
    _data, design = design_for(c["design"])
    assert_close(design.weights, c["weights"], REL, 0, f"{case_id} weights")
    if "scale" in c:
        assert design.scale == pytest.approx(c["scale"], rel=1e-12)
        assert_close(np.sort(design.rscales), np.sort(c["rscales"]), 1e-12, 0, "rscales")
    if "repweights" in c:
        # the same replicates, each with its rscale; R numbers them in order of appearance,
        # innomon in code order: compare the columns sorted
        def by_column(rscales, m):
            m = np.vstack([np.asarray(rscales, float), np.asarray(m, float)])
            return m[:, np.lexsort(m[::-1])]

        assert_close(
            by_column(design.rscales, design.replicate_weights()),
            by_column(c["rscales"], c["repweights"]),
            REL,
            1e-12,
            "replicate weights",
        )
    if "degf" in c and hasattr(design, "replicates"):
        assert design.degf() == c["degf"]


def test_lonely_psu_fail_names_the_stratum():
    c = cases()["lonely.fail"]
    data, design = design_for("lonely", "fail")
    with pytest.raises(DesignError, match="stratum X has only one PSU at stage 1"):
        estimate(data, design, mean=["api00"])
    assert "Stratum (X) has only one PSU at stage 1" in c["error"]


def test_bounds_that_cannot_be_met_are_an_error_as_in_r():
    assert "Calibration failed" in cases()["dclus1.linear_bounded"]["error"]
    with pytest.raises(WeightingError, match=r"within bounds 0\.7–1\.3 failed"):
        design_for("dclus1.linear_bounded")


def test_bootstrap_is_seeded_and_near_taylor():
    data, design = base_design("dstrat")
    a = estimate(data, bootstrap(design, 500, seed=7), mean=["api00"])[0]
    b = estimate(data, bootstrap(design, 500, seed=7), mean=["api00"])[0]
    c = estimate(data, bootstrap(design, 500, seed=8), mean=["api00"])[0]
    taylor = estimate(data, design, mean=["api00"])[0]
    assert a.se == b.se
    assert a.se != c.se
    # a bootstrap SE with R = 500 replicates is within ~15 % of the linearised one
    assert abs(a.se / taylor.se - 1) < 0.15
