"""Benchmark: the complementarity analysis with 500 bootstrap replicates on 600 firms.

The firms come from the complementarity tests' generator (a known process with an interaction
of 0.1); the analysis is the table, the supermodularity test and the fractional logit with four
controls, each refitted on every replicate. Not a test: run by hand and put the figures in the
closing note.

    .venv/bin/python bench/complementarity.py [--firms 600] [--replicates 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.analysis.test_complementarity import CONTROLS, firms, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=600)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from innomon.analysis.glm import fractional_logit
    from innomon.stats import bootstrap

    data, design = firms(args.firms, 0.1, 17)
    rep = bootstrap(design, args.replicates, seed=6)
    whole, model = [], []
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = run(data, rep)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        fractional_logit(
            data, rep, "ntm", ("invest", "collab", ("invest", "collab")), CONTROLS, scale=100
        )
        model.append(time.perf_counter() - started)
    print(
        f"complementarity, {args.firms} firms, {args.replicates} bootstrap replicates, "
        f"{len(result.model.names)} coefficients: median {statistics.median(whole):.2f} s "
        f"(the fractional logit's refits alone {statistics.median(model):.2f} s) "
        f"of {args.repeat}"
    )


if __name__ == "__main__":
    main()
