"""Benchmark: domain means with Taylor SEs and with 200 bootstrap replicates on generated data
of 500,000 firms, 30 strata, 60 domains and 20 indicators — and, when R with the survey package
is installed, the same Taylor estimates with R's ``svyby`` for comparison.

Not a test: run it by hand, and put the figures in the closing note.

    .venv/bin/python bench/stats_estimate.py [--firms 500000] [--replicates 200] [--no-r]

Each measurement runs in a fresh process, so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import numpy as np
from innomon.stats import bootstrap, estimate, make_design

firms, strata, domains, indicators, method, replicates = (int(sys.argv[1]), int(sys.argv[2]),
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]))
rng = np.random.default_rng(1)
stratum = rng.integers(0, strata, firms)
domain = rng.integers(0, domains, firms)
weights = rng.uniform(1, 50, firms)
data = {f"y{j}": rng.normal(10 + j, 3, firms) for j in range(indicators)}
for j in range(0, indicators, 5):  # some item non-response
    data[f"y{j}"][rng.random(firms) < 0.02] = np.nan
data["domain"] = domain
t0 = time.perf_counter()
design = make_design(weights=weights, strata=stratum)
if method == "bootstrap":
    design = bootstrap(design, replicates, seed=1)
t1 = time.perf_counter()
res = estimate(data, design, mean=[f"y{j}" for j in range(indicators)], by=[("domain",)])
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"design_s": t1 - t0, "estimate_s": t2 - t1, "total_s": t2 - t0,
                  "rows": len(res), "peak_mib": peak}))
"""

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
t0 <- Sys.time()
des <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = d)
f <- as.formula(paste("~", paste(grep("^y", names(d), value = TRUE), collapse = "+")))
r <- svyby(f, ~domain, des, svymean, na.rm = TRUE)
cat(as.numeric(difftime(Sys.time(), t0, units = "secs")), "\n")
"""


def run_child(*args: object) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, args)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_r(firms: int, strata: int, domains: int, indicators: int) -> float | None:
    if shutil.which("Rscript") is None:
        print("R: Rscript not found — skipping the comparison with R survey")
        return None
    check = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True)
    if check.returncode != 0:
        print("R: the survey package is not installed — skipping the comparison")
        return None
    import numpy as np

    rng = np.random.default_rng(1)
    stratum = rng.integers(0, strata, firms)
    domain = rng.integers(0, domains, firms)
    w = rng.uniform(1, 50, firms)
    cols = {f"y{j}": rng.normal(10 + j, 3, firms) for j in range(indicators)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        with path.open("w") as fh:
            names = ["stratum", "domain", "w", *cols]
            fh.write(",".join(names) + "\n")
            matrix = np.column_stack([stratum, domain, w, *cols.values()])
            np.savetxt(fh, matrix, delimiter=",", fmt="%.10g")
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(script), str(path)], capture_output=True, text=True, check=True
        )
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=500_000)
    parser.add_argument("--strata", type=int, default=30)
    parser.add_argument("--domains", type=int, default=60)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--no-r", action="store_true", help="skip the comparison with R")
    args = parser.parse_args()
    shape = (args.firms, args.strata, args.domains, args.indicators)
    print(
        f"data: {args.firms:,} firms, {args.strata} strata, {args.domains} domains, "
        f"{args.indicators} indicators; {os.cpu_count()} cores"
    )
    taylor = run_child(*shape, "taylor", 0)
    print(
        f"Taylor:    {taylor['total_s']:6.2f} s  (estimate {taylor['estimate_s']:.2f} s), "
        f"peak {taylor['peak_mib']:.0f} MiB, {taylor['rows']} estimates"
    )
    boot = run_child(*shape, "bootstrap", args.replicates)
    print(
        f"Bootstrap: {boot['total_s']:6.2f} s  ({args.replicates} replicates; replicate "
        f"weights {boot['design_s']:.2f} s), peak {boot['peak_mib']:.0f} MiB"
    )
    if not args.no_r:
        t0 = time.perf_counter()
        r_secs = run_r(*shape)
        if r_secs is not None:
            print(
                f"R survey svyby (Taylor): {r_secs:.2f} s → innomon is "
                f"{r_secs / taylor['total_s']:.0f}× faster "
                f"(R run incl. CSV round trip {time.perf_counter() - t0:.0f} s)"
            )


if __name__ == "__main__":
    main()
