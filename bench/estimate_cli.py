"""Benchmark: ``innomon estimate`` against R survey's ``svyby`` as whole processes on the same CSV
— 200,000 rows × 20 numeric variables × 60 domains, a stratified design (Taylor). Generates the
data (seeded) into a temporary folder, runs both, checks that the estimates and standard errors
agree, and prints the wall times, their ratio and the machine's load. R is skipped when
``Rscript`` (with the survey package) is not installed. Not a test: run by hand, figures in the
closing note.

    .venv/bin/python bench/estimate_cli.py [--rows 200000] [--vars 20] [--domains 60] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

R_SCRIPT = """
library(survey)
d <- read.csv("data.csv")
des <- svydesign(ids=~1, strata=~stratum, weights=~w, data=d)
f <- as.formula(paste("~", paste0("y", 0:{last}, collapse="+")))
r <- svyby(f, ~domain, des, svymean)
write.csv(as.data.frame(r), "r_out.csv")
"""


def write_data(path: Path, rows: int, n_vars: int, domains: int, seed: int = 20240) -> None:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 30, rows)
    domain = rng.integers(0, domains, rows)
    w = np.round(rng.uniform(5, 50, rows), 4)
    ys = [np.round(rng.normal(10 + j + domain % 7, 2 + stratum % 3), 4) for j in range(n_vars)]
    header = ["stratum", "domain", "w", *[f"y{j}" for j in range(n_vars)]]
    columns = [stratum, domain, w, *ys]
    with path.open("w", newline="") as fh:
        fh.write(",".join(header) + "\n")
        text = [c.astype(str) if c.dtype.kind == "i" else np.char.mod("%.4f", c) for c in columns]
        for row in zip(*text, strict=True):
            fh.write(",".join(row) + "\n")


def timed(command: list[str], cwd: Path, runs: int) -> float:
    """The best wall time of ``runs`` runs, after one run not timed (that compiles innomon's
    modules, as installing the package does, and brings the file into the page cache)."""
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def innomon_results(path: Path) -> dict[tuple[str, str], tuple[float, float]]:
    with path.open(newline="") as fh:
        return {
            (r["variable"], r["domain"]): (float(r["estimate"]), float(r["se"]))
            for r in csv.DictReader(fh)
        }


def r_results(path: Path, n_vars: int) -> dict[tuple[str, str], tuple[float, float]]:
    out = {}
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            for j in range(n_vars):
                out[(f"y{j}", r["domain"])] = (float(r[f"y{j}"]), float(r[f"se.y{j}"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--vars", type=int, default=20)
    parser.add_argument("--domains", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs each")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="innomon-bench-estimate-"))
    data = folder / "data.csv"
    write_data(data, args.rows, args.vars, args.domains)
    env_home = folder / "home"
    env_home.mkdir()
    os.environ["INNOMON_HOME"] = str(env_home)
    # bytecode as an installed package has it, kept out of the source tree (this environment
    # may set PYTHONDONTWRITEBYTECODE, which would compile innomon's modules on every run)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    means = ",".join(f"y{j}" for j in range(args.vars))
    innomon = [sys.executable, "-m", "innomon", "estimate", str(data), "--weight", "w"]
    innomon += ["--strata", "stratum", "--by", "domain", "--mean", means]
    innomon += ["--output", str(folder / "out.csv")]
    print(f"data: {args.rows} rows × {args.vars} variables × {args.domains} domains ({data})")
    t_innomon = timed(innomon, folder, args.runs)
    print(f"innomon estimate: {t_innomon:.2f} s (best of {args.runs})")
    mine = innomon_results(folder / "out.csv")
    if shutil.which("Rscript") is None:
        print("R: Rscript is not installed; skipped")
    else:
        (folder / "r.R").write_text(R_SCRIPT.replace("{last}", str(args.vars - 1)))
        t_r = timed(["Rscript", "r.R"], folder, args.runs)
        theirs = r_results(folder / "r_out.csv", args.vars)
        assert set(mine) == set(theirs), "the domains or variables differ"
        est = np.array([[mine[k][0], theirs[k][0]] for k in mine])
        se = np.array([[mine[k][1], theirs[k][1]] for k in mine])
        for what, pair in (("estimate", est), ("se", se)):
            diff = np.abs(pair[:, 0] - pair[:, 1])
            print(
                f"{what}: max abs difference {diff.max():.3g}, "
                f"max rel difference {(diff / np.abs(pair[:, 1])).max():.3g}"
            )
        print(f"R survey svyby: {t_r:.2f} s (best of {args.runs})")
        print(f"ratio R / innomon: {t_r / t_innomon:.1f}×")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"cpus: {os.cpu_count()}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
