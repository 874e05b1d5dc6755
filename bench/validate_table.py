"""Benchmark: validate 100,000 generated responses against the questionnaire at once.

The responses come from the validation tests' generator (mostly plausible answers, some of
every kind of mistake); ``innomon.instrument.validate_table`` checks every rule on whole columns.
Not a test: run by hand and put the figures in the closing note.

    .venv/bin/python bench/validate_table.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.instrument.responses import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import yaml

    import innomon
    from innomon.instrument import load_instrument, validate_table

    registry = Path(innomon.__file__).parent / "demo" / "data" / "initiatives.yaml"
    instrument = load_instrument(yaml.safe_load(registry.read_text("utf-8"))["initiatives"])
    columns, complete = generate(instrument, args.rows, seed=1)
    times, problems = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        problems = validate_table(instrument, columns, complete)
        times.append(time.perf_counter() - started)
    print(
        f"validate_table: {args.rows:,} responses × {len(columns)} variables: "
        f"median {statistics.median(times):.2f} s of {args.repeat} "
        f"(min {min(times):.2f} s; {len(problems):,} problems)"
    )


if __name__ == "__main__":
    main()
