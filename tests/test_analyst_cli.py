"""The analysts' commands — ``innomon estimate`` and ``innomon weight`` — as a user runs them.

Real processes on R's ``api`` data (tests/stats/reference): the numbers must equal R's survey
package to 1e-8 relative, whatever the input format; bad input must give one line on stderr
naming the file, row and column, exit code 2, and leave no output file (an existing one as it
was). No database is needed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).parent / "stats" / "reference"
STRAT = REFERENCE / "apistrat.csv"
CLUS1 = REFERENCE / "apiclus1.csv"
CLUS2 = REFERENCE / "apiclus2.csv"
REL = 1e-8
HEADER = ["statistic", "variable", "level"]
MEASURES = ["estimate", "se", "ci_low", "ci_high", "cv", "n", "suppressed"]
DSTRAT = ["--weight", "pw", "--strata", "stype", "--fpc", "fpc"]
DCLUS1 = ["--weight", "pw", "--psu", "dnum", "--fpc", "fpc"]


@cache
def cases() -> dict[str, dict]:
    data = json.loads((REFERENCE / "reference.json").read_text())
    return {c["id"]: c for c in data["cases"]}


@cache
def population() -> list[dict[str, str]]:
    with (REFERENCE / "apipop_margins.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def innomon(*args: object, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(INNOMON_HOME=str(home), COLUMNS="100")
    return subprocess.run(
        [sys.executable, "-m", "innomon", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_estimate(*args: object, home: Path) -> subprocess.CompletedProcess:
    return innomon("estimate", *args, home=home)


def run_weight(*args: object, home: Path) -> subprocess.CompletedProcess:
    return innomon("weight", *args, home=home)


def ok_rows(result: subprocess.CompletedProcess) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return list(csv.DictReader(io.StringIO(result.stdout)))


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("innomon: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def assert_close(actual, expected, rel=REL, abs_tol=0.0, what=""):
    actual = np.asarray(actual, float)
    expected = np.asarray(expected, float)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    ok = np.isclose(actual, expected, rtol=rel, atol=abs_tol)
    assert ok.all(), f"{what}: got {actual[~ok]}, R has {expected[~ok]}"


def numbers(rows: list[dict[str, str]], field: str) -> list[float]:
    return [float(r[field]) if r[field] != "" else math.nan for r in rows]


def write_margins(path: Path, *variables: str, extra: str = "", sep: str = ",") -> Path:
    """A ``variable,level,total`` file with the apipop margins of ``variables``."""
    lines = [sep.join(("variable", "level", "total"))]
    lines += [
        sep.join((r["variable"], r["level"], r["total"]))
        for r in population()
        if r["variable"] in variables
    ]
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def copy_csv(source: Path, target: Path, change=None) -> Path:
    """A copy of a reference CSV file, with ``change(index, row)`` applied to each row."""
    header, rows = read_rows(source)
    for i, row in enumerate(rows):
        if change:
            change(i, row)
    header += [k for k in rows[0] if k not in header]
    with target.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return target


def assert_by_mean_equals_r(rows: list[dict[str, str]]) -> None:
    """Rows of ``--by stype --mean api00,enroll`` on dstrat equal R's ``dstrat.by_mean``."""
    c = cases()["dstrat.by_mean"]
    for j, name in enumerate(c["names"]):
        mine = {r["stype"]: r for r in rows if r["variable"] == name}
        groups = [g[0] for g in c["by"]]
        assert sorted(mine) == sorted(groups)
        got = [mine[g] for g in groups]
        assert_close(numbers(got, "estimate"), [row[j] for row in c["estimate"]], what=name)
        assert_close(numbers(got, "se"), [row[j] for row in c["se"]], what=name)


# ------------------------------------------------------------------------------- estimates


def test_domain_means_equal_r_with_the_exact_columns(tmp_path):
    result = run_estimate(STRAT, *DSTRAT, "--by", "stype", "--mean", "api00,enroll", home=tmp_path)
    assert result.stdout.splitlines()[0] == ",".join([*HEADER, "stype", *MEASURES])
    rows = ok_rows(result)
    assert len(rows) == 6
    assert_by_mean_equals_r(rows)
    assert {r["suppressed"] for r in rows} == {"false"}
    for r in rows:  # the interval is estimate ± z·se, cv = se / estimate
        est, se = float(r["estimate"]), float(r["se"])
        assert float(r["cv"]) == pytest.approx(se / est, rel=1e-12)
        assert float(r["ci_high"]) - est == pytest.approx(1.959963984540054 * se, rel=1e-9)


def test_totals_and_a_ratio_in_one_call_equal_r(tmp_path):
    result = run_estimate(
        CLUS1, *DCLUS1, "--total", "enroll,api.stu", "--ratio", "api.stu:enroll", home=tmp_path
    )
    rows = ok_rows(result)
    assert [(r["statistic"], r["variable"]) for r in rows] == [
        ("total", "enroll"),
        ("total", "api.stu"),
        ("ratio", "api.stu/enroll"),
    ]
    total, ratio = cases()["dclus1.total"], cases()["dclus1.ratio"]
    assert_close(numbers(rows, "estimate"), [*total["estimate"], *ratio["estimate"]])
    assert_close(numbers(rows, "se"), [*total["se"], *ratio["se"]])
    assert [int(r["n"]) for r in rows] == [183, 183, ratio["n"]]


def test_proportions_equal_r(tmp_path):
    rows = ok_rows(run_estimate(STRAT, *DSTRAT, "--prop", "stype", home=tmp_path))
    c = cases()["dstrat.prop"]
    assert [r["level"] for r in rows] == ["E", "H", "M"]
    assert_close(numbers(rows, "estimate"), c["estimate"])
    # stype is the stratum: R's standard errors are exactly 0
    assert_close(numbers(rows, "se"), c["se"], abs_tol=1e-8)


def test_two_stage_design_equals_r(tmp_path):
    result = run_estimate(
        CLUS2,
        *("--weight", "pw", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2"),
        *("--mean", "api00", "--mean", "api99"),
        home=tmp_path,
    )
    rows = ok_rows(result)
    c = cases()["dclus2.mean_api"]
    assert_close(numbers(rows, "estimate"), c["estimate"])
    assert_close(numbers(rows, "se"), c["se"])


def test_quantiles_equal_r(tmp_path):
    rows = ok_rows(run_estimate(STRAT, *DSTRAT, "--quantile", "api00", home=tmp_path))
    c = cases()["dstrat.quantile"]
    assert [r["level"] for r in rows] == ["0.25", "0.5", "0.75"]  # the default --probs
    for field in ("estimate", "se", "ci_low", "ci_high"):
        assert_close(numbers(rows, field), c[field], what=field)


def test_jackknife_equals_r(tmp_path):
    rows = ok_rows(
        run_estimate(CLUS1, *DCLUS1, "--method", "jk1", "--mean", "api00,enroll", home=tmp_path)
    )
    c = cases()["dclus1.jk1.mean"]
    assert_close(numbers(rows, "estimate"), c["estimate"])
    assert_close(numbers(rows, "se"), c["se"])


def test_bootstrap_is_seeded(tmp_path):
    def run(seed):
        return run_estimate(
            STRAT,
            *DSTRAT,
            "--method",
            "bootstrap",
            "--replicates",
            "50",
            "--seed",
            seed,
            "--mean",
            "api00",
            home=tmp_path,
        )

    a, b, c = run(1), run(1), run(2)
    assert ok_rows(a) == ok_rows(b)
    assert ok_rows(a)[0]["se"] != ok_rows(c)[0]["se"]
    assert ok_rows(a)[0]["estimate"] == ok_rows(c)[0]["estimate"]


def test_lonely_psu(tmp_path):
    data = copy_csv(
        STRAT, tmp_path / "lonely.csv", lambda i, r: r.update(s2="X" if i == 0 else r["stype"])
    )
    fail = run_estimate(data, "--weight", "pw", "--strata", "s2", "--mean", "api00", home=tmp_path)
    assert_one_line_error(fail, "lonely.csv", "stratum X", "--lonely-psu")
    for option in ("adjust", "average"):
        result = run_estimate(
            data,
            "--weight",
            "pw",
            "--strata",
            "s2",
            "--lonely-psu",
            option,
            "--mean",
            "api00,enroll",
            home=tmp_path,
        )
        c = cases()[f"lonely.{option}.mean"]
        rows = ok_rows(result)
        assert_close(numbers(rows, "estimate"), c["estimate"], what=option)
        assert_close(numbers(rows, "se"), c["se"], what=option)


def test_json_output_shows_suppressed_values_with_the_reason(tmp_path):
    out = tmp_path / "estimates.json"
    result = run_estimate(
        STRAT,
        *DSTRAT,
        "--by",
        "stype",
        "--mean",
        "api00,enroll",
        "--min-n",
        "60",
        "--output",
        out,
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text())
    assert list(data[0]) == [
        *HEADER,
        "stype",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "df",
        "n",
        "n_missing",
        "suppressed",
        "reason",
    ]
    by_group = {(d["variable"], d["stype"]): d for d in data}
    assert by_group["api00", "E"]["suppressed"] is False
    assert by_group["api00", "E"]["reason"] is None
    assert by_group["api00", "H"]["suppressed"] is True
    assert by_group["api00", "H"]["reason"] == "n=50 < 60"
    assert by_group["api00", "H"]["level"] is None
    assert by_group["api00", "H"]["df"] is None  # a normal interval: infinite df
    c = cases()["dstrat.by_mean"]
    assert_close(
        [by_group["api00", g[0]]["estimate"] for g in c["by"]], [row[0] for row in c["estimate"]]
    )


def test_csv_output_file(tmp_path):
    out = tmp_path / "estimates.csv"
    result = run_estimate(
        STRAT, *DSTRAT, "--by", "stype", "--mean", "api00,enroll", "--output", out, home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    header, rows = read_rows(out)
    assert header == [*HEADER, "stype", *MEASURES]
    assert_by_mean_equals_r(rows)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# ------------------------------------------------------------------------------- formats


def _apistrat_frame():
    import pandas as pd

    frame = pd.read_csv(STRAT)
    return frame[["stype", "pw", "fpc", "api00", "enroll", "sch.wide"]].copy()


def test_excel_parquet_and_spss_give_the_same_estimates(tmp_path):
    import pyreadstat

    frame = _apistrat_frame()
    frame.to_excel(tmp_path / "apistrat.xlsx", index=False)
    frame.to_parquet(tmp_path / "apistrat.parquet", index=False)
    coded = frame.copy()  # SPSS: stype as labelled codes, read back as its labels
    coded["stype"] = coded["stype"].map({"E": 1, "H": 2, "M": 3}).astype(float)
    pyreadstat.write_sav(
        coded,
        tmp_path / "apistrat.sav",
        variable_value_labels={"stype": {1: "E", 2: "H", 3: "M"}},
        variable_measure={"stype": "nominal"},
    )
    for name in ("apistrat.xlsx", "apistrat.parquet", "apistrat.sav"):
        result = run_estimate(
            tmp_path / name, *DSTRAT, "--by", "stype", "--mean", "api00,enroll", home=tmp_path
        )
        assert_by_mean_equals_r(ok_rows(result))


def test_semicolons_and_decimal_commas(tmp_path):
    header, rows = read_rows(STRAT)
    text = [";".join(header)]
    text += [";".join(r[h].replace(".", ",") if h == "pw" else r[h] for h in header) for r in rows]
    data = tmp_path / "apistrat-nl.csv"
    data.write_text("\n".join(text) + "\n")
    assert "44,2099" in data.read_text()
    result = run_estimate(data, *DSTRAT, "--by", "stype", "--mean", "api00,enroll", home=tmp_path)
    assert_by_mean_equals_r(ok_rows(result))


# ------------------------------------------------------------------------------- calibration


def test_estimate_after_post_stratification_equals_r(tmp_path):
    margins = write_margins(tmp_path / "margins.csv", "stype")
    result = run_estimate(
        CLUS1,
        *DCLUS1,
        "--mean",
        "api00,enroll",
        "--margins",
        margins,
        "--calibrate",
        "poststratify",
        home=tmp_path,
    )
    c = cases()["dclus1.poststrat.mean"]
    rows = ok_rows(result)
    assert_close(numbers(rows, "estimate"), c["estimate"])
    assert_close(numbers(rows, "se"), c["se"])


def test_estimate_after_raking_equals_r_converged(tmp_path):
    margins = write_margins(tmp_path / "margins.csv", "stype", "sch.wide", sep=";")
    result = run_estimate(
        CLUS1,
        *DCLUS1,
        "--mean",
        "api00,enroll",
        "--margins",
        margins,
        "--calibrate",
        "rake",
        home=tmp_path,
    )
    c = cases()["dclus1.rake_converged.mean"]
    rows = ok_rows(result)
    assert_close(numbers(rows, "estimate"), c["estimate"])
    assert_close(numbers(rows, "se"), c["se"])


def test_estimate_after_linear_calibration_equals_r(tmp_path):
    # R: calibrate(dclus1, ~stype+api99, c(N, stypeH, stypeM, api99)) — the same span as all
    # levels of stype plus the numeric api99 total
    margins = write_margins(tmp_path / "margins.csv", "stype", "api99")
    result = run_estimate(
        CLUS1,
        *DCLUS1,
        "--mean",
        "api00,enroll",
        "--margins",
        margins,
        "--calibrate",
        "linear",
        home=tmp_path,
    )
    c = cases()["dclus1.linear.mean"]
    rows = ok_rows(result)
    assert_close(numbers(rows, "estimate"), c["estimate"])
    assert_close(numbers(rows, "se"), c["se"])


def test_weight_poststratify_writes_r_weights_and_diagnostics(tmp_path):
    margins = write_margins(tmp_path / "margins.csv", "stype")
    out = tmp_path / "weighted.csv"
    result = run_weight(
        CLUS1,
        "--weight",
        "pw",
        "--psu",
        "dnum",
        "--margins",
        margins,
        "--method",
        "poststratify",
        "--output",
        out,
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    header, rows = read_rows(out)
    in_header, in_rows = read_rows(CLUS1)
    assert header == [*in_header, "weight_adj"]
    assert [{k: r[k] for k in in_header} for r in rows] == in_rows  # the data as it was
    weights = np.array(numbers(rows, "weight_adj"))
    assert_close(weights, cases()["dclus1.poststrat"]["weights"])
    totals = {r["level"]: float(r["total"]) for r in population() if r["variable"] == "stype"}
    for level, total in totals.items():
        in_cell = np.array([r["stype"] == level for r in rows])
        assert weights[in_cell].sum() == pytest.approx(total, rel=1e-12)
    lines = dict(
        line.strip().rsplit(None, 1) for line in result.stdout.splitlines()[1:] if line.strip()
    )
    kish = weights.sum() ** 2 / (weights**2).sum()
    assert lines["n"] == "183"
    assert lines["sum of weights"] == "6194"
    assert lines["Kish effective n"] == f"{kish:.6g}"
    assert lines["design effect of weighting"] == f"{183 / kish:.6g}"
    assert lines["weight: minimum"] == f"{weights.min():.6g}"
    assert lines["weight: maximum"] == f"{weights.max():.6g}"
    assert {"weight: 5th percentile", "weight: median", "weight: 95th percentile"} <= set(lines)
    assert float(lines["largest margin error"]) < 1e-6


def test_weight_rake_and_trim_to_parquet_and_excel(tmp_path):
    import pandas as pd

    margins = write_margins(tmp_path / "margins.csv", "stype", "sch.wide")
    common = ["--weight", "pw", "--margins", margins, "--method", "rake"]
    raked = run_weight(CLUS1, *common, "--output", tmp_path / "raked.parquet", home=tmp_path)
    assert raked.returncode == 0, raked.stderr
    assert "raking sweeps" in raked.stdout
    assert "converged                    yes" in raked.stdout
    frame = pd.read_parquet(tmp_path / "raked.parquet")
    # innomon's default stopping rule (cell totals change < 1e-7 of the total weight) is
    # tighter than R's default, not as tight as the fully converged reference
    assert_close(frame["weight_adj"], cases()["dclus1.rake_converged"]["weights"], rel=1e-7)
    assert frame["cds"].iloc[0] == "01612910137588"  # identifiers keep their leading zeros

    trimmed = run_weight(
        CLUS1,
        *common,
        "--trim",
        "31:45",
        "--name",
        "w_trim",
        "--output",
        tmp_path / "trimmed.xlsx",
        home=tmp_path,
    )
    assert trimmed.returncode == 0, trimmed.stderr
    assert "trimmed to" in trimmed.stdout
    w = pd.read_excel(tmp_path / "trimmed.xlsx")["w_trim"].to_numpy()
    assert w.min() >= 31 - 1e-9
    assert w.max() <= 45 + 1e-9
    assert w.sum() == pytest.approx(6194, rel=1e-12)


def test_weight_by_crossed_post_strata(tmp_path):
    _header, rows = read_rows(CLUS1)
    cells: dict[str, float] = {}
    for r, w in zip(rows, [float(r["pw"]) for r in rows], strict=True):
        key = f"{r['stype']}*{r['sch.wide']}"
        cells[key] = cells.get(key, 0.0) + 2 * w  # a population twice the weighted sample
    margins = tmp_path / "crossed.csv"
    margins.write_text(
        "variable,level,total\n"
        + "".join(f"stype*sch.wide,{k},{v!r}\n" for k, v in sorted(cells.items()))
    )
    out = tmp_path / "crossed-out.csv"
    result = run_weight(
        CLUS1,
        "--weight",
        "pw",
        "--margins",
        margins,
        "--method",
        "poststratify",
        "--output",
        out,
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    _header, weighted = read_rows(out)
    assert_close(numbers(weighted, "weight_adj"), [2 * float(r["pw"]) for r in rows])


# ------------------------------------------------------------------------------- bad input


def _bad_value(column: str, index: int, value: str):
    def change(i, row):
        if i == index:
            row[column] = value

    return change


def _strat_copy(tmp: Path, change, name: str = "bad.csv") -> Path:
    return copy_csv(STRAT, tmp / name, change)


def _first_row_of(path: Path, column: str, value: str) -> int:
    _header, rows = read_rows(path)
    return next(i for i, r in enumerate(rows) if r[column] == value) + 2


def _margins_without(tmp: Path, level: str) -> Path:
    path = write_margins(tmp / "margins.csv", "stype")
    path.write_text(
        "".join(ln for ln in path.read_text().splitlines(True) if f",{level}," not in ln)
    )
    return path


ESTIMATE = ["estimate"]
WEIGHT = ["weight"]
BAD_INPUT = {
    "unknown column": lambda t: (
        [*ESTIMATE, STRAT, *DSTRAT, "--mean", "api01"],
        ["apistrat.csv", "'api01'", "--mean", "did you mean 'api00'"],
    ),
    "unknown weight column": lambda t: (
        [*ESTIMATE, STRAT, "--weight", "PW", "--mean", "api00"],
        ["apistrat.csv", "'PW'", "--weight", "'pw'"],
    ),
    "text where numbers are needed": lambda t: (
        [*ESTIMATE, _strat_copy(t, _bad_value("api00", 3, "abc")), *DSTRAT, "--mean", "api00"],
        ["bad.csv row 5, column 'api00'", "'abc' is not a number"],
    ),
    "negative weight": lambda t: (
        [*ESTIMATE, _strat_copy(t, _bad_value("pw", 5, "-2")), *DSTRAT, "--mean", "api00"],
        ["bad.csv row 7, column 'pw'", "-2 is not positive"],
    ),
    "zero weight": lambda t: (
        [*ESTIMATE, _strat_copy(t, _bad_value("pw", 6, "0")), *DSTRAT, "--mean", "api00"],
        ["bad.csv row 8, column 'pw'", "0 is not positive"],
    ),
    "missing weight": lambda t: (
        [*ESTIMATE, _strat_copy(t, _bad_value("pw", 7, "")), *DSTRAT, "--mean", "api00"],
        ["bad.csv row 9, column 'pw'", "no value", "weight"],
    ),
    "empty domain": lambda t: (
        [
            *ESTIMATE,
            _strat_copy(t, lambda i, r: r.update(api00="" if r["stype"] == "H" else r["api00"])),
            *DSTRAT,
            *("--by", "stype", "--mean", "enroll,api00"),
        ],
        ["bad.csv", "domain stype=H", "'api00'"],
    ),
    "empty crossed domain": lambda t: (
        [
            *ESTIMATE,
            _strat_copy(
                t,
                lambda i, r: r.update(
                    enroll="" if (r["stype"], r["sch.wide"]) == ("M", "No") else r["enroll"]
                ),
            ),
            *DSTRAT,
            *("--by", "stype,sch.wide", "--prop", "sch.wide", "--quantile", "enroll"),
        ],
        ["bad.csv", "domain stype=M, sch.wide=No", "'enroll'", "--quantile"],
    ),
    "unknown kind of data file": lambda t: (
        [*ESTIMATE, (t / "data.txt"), *DSTRAT, "--mean", "api00"],
        ["data.txt", "'.txt'", ".csv"],
    ),
    "margins without a total column": lambda t: (
        [
            *WEIGHT,
            CLUS1,
            "--weight",
            "pw",
            "--method",
            "rake",
            "--margins",
            _write(t / "margins.csv", "variable,level,count\nstype,E,4421\n"),
        ],
        ["margins.csv row 1", "'total'", "missing"],
    ),
    "margins with a total that is no number": lambda t: (
        [
            *WEIGHT,
            CLUS1,
            "--weight",
            "pw",
            "--method",
            "rake",
            "--margins",
            _write(t / "margins.csv", "variable,level,total\nstype,E,4421\nstype,H,many\n"),
        ],
        ["margins.csv row 3, column 'total'", "'many' is not a number"],
    ),
    "margins with a level not in the data": lambda t: (
        [
            *WEIGHT,
            CLUS1,
            "--weight",
            "pw",
            "--method",
            "poststratify",
            "--margins",
            write_margins(t / "margins.csv", "stype", extra="stype,X,10\n"),
        ],
        ["margins.csv row 5", "level 'X' of stype", "does not occur in apiclus1.csv"],
    ),
    "margins with an unknown variable": lambda t: (
        [
            *WEIGHT,
            CLUS1,
            "--weight",
            "pw",
            "--method",
            "rake",
            "--margins",
            _write(t / "margins.csv", "variable,level,total\nstype,E,4421\nstyp,H,755\n"),
        ],
        ["margins.csv row 3, column 'variable'", "'styp'", "did you mean 'stype'"],
    ),
    "a data cell without a margin": lambda t: (
        [
            *WEIGHT,
            CLUS1,
            "--weight",
            "pw",
            "--method",
            "poststratify",
            "--margins",
            _margins_without(t, "M"),
        ],
        [
            f"apiclus1.csv row {_first_row_of(CLUS1, 'stype', 'M')}",
            "stype 'M'",
            "no total in margins.csv",
        ],
    ),
    "calibrating an estimate to a level not in the data": lambda t: (
        [
            *ESTIMATE,
            CLUS1,
            *DCLUS1,
            "--mean",
            "api00",
            "--calibrate",
            "rake",
            "--margins",
            write_margins(t / "margins.csv", "stype", extra="stype,X,10\n"),
        ],
        ["margins.csv row 5", "level 'X' of stype"],
    ),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _output_for(args: list) -> str:
    return "out.csv"


@pytest.mark.parametrize("kind", sorted(BAD_INPUT))
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, kind):
    args, fragments = BAD_INPUT[kind](tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = innomon(*args, "--output", out_dir / "result.csv", home=tmp_path)
    assert_one_line_error(result, *fragments)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    "kind", ["negative weight", "empty domain", "a data cell without a margin"]
)
def test_bad_input_leaves_an_existing_output_untouched(tmp_path, kind):
    args, fragments = BAD_INPUT[kind](tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "result.csv"
    existing.write_text("the previous result\n")
    before = existing.stat()
    result = innomon(*args, "--output", existing, home=tmp_path)
    assert_one_line_error(result, *fragments)
    assert existing.read_text() == "the previous result\n"
    assert existing.stat().st_mtime_ns == before.st_mtime_ns
    assert list(out_dir.iterdir()) == [existing]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--weight", "pw", "--strata", "stype", "--method", "jk1", "--mean", "api00"], "jkn"),
        (["--weight", "pw", "--method", "jkn", "--mean", "api00"], "--strata"),
        (["--weight", "pw", "--replicates", "10", "--mean", "api00"], "bootstrap"),
        (["--weight", "pw"], "nothing to estimate"),
        (["--weight", "pw", "--mean", "api00", "--calibrate", "rake"], "--margins"),
        (["--weight", "pw", "--ratio", "api00", "--mean", "x"], "NUMERATOR:DENOMINATOR"),
        (["--weight", "pw", "--mean", "api00", "--output", "x.txt"], ".csv or .json"),
        (["--mean", "api00"], "--weight"),
    ],
)
def test_wrong_options_are_one_line_exit_2(tmp_path, args, fragment):
    assert_one_line_error(innomon("estimate", STRAT, *args, home=tmp_path), fragment)


def test_help_of_both_commands(tmp_path):
    for command, option in (("estimate", "--calibrate"), ("weight", "--trim")):
        result = innomon(command, "--help", home=tmp_path)
        assert result.returncode == 0
        assert option in result.stdout
