"""Benchmark: a build — every indicator × every domain and cross, every question's table, the
typology, participation and complementarity (500 bootstrap replicates) — on the demo's 2017 wave
(≈600 firms) and on a synthetic wave of 50,000 firms (the demo's 2017 respondents resampled with
replacement, given new identities, provinces and sizes at random). Not a test: run by hand,
figures in the closing note.

    .venv/bin/python bench/build_wave.py [--firms 50000] [--replicates 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args()
    os.environ["INNOMON_HOME"] = tempfile.mkdtemp(prefix="innomon-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    from innomon.builds.analyse import make_analyse
    from innomon.builds.services import build_wave, columns_of
    from innomon.demo import run as demo_run
    from innomon.stats import bootstrap, make_design
    from innomon.stats.weighting import rake
    from innomon.survey.models import Wave
    from innomon.survey.services import wave_records

    call_command("migrate", verbosity=0)
    demo_run.run()
    wave = Wave.objects.get(year=2017)
    t0 = time.perf_counter()
    made = build_wave(wave, make_analyse(wave), replicates=args.replicates)
    t1 = time.perf_counter()
    print(
        f"demo wave 2017: {made.respondents} firms, {made.estimates.count():,} estimates, "
        f"{args.replicates} bootstrap replicates — build {t1 - t0:.1f} s (target < 30 s)"
    )

    rng = np.random.default_rng(1)
    base = wave_records(wave)
    picks = rng.integers(0, len(base), args.firms)
    provinces = np.array(["PV20", "PV21", "PV22"], dtype=object)
    sizes = np.array(["micro", "small", "medium"], dtype=object)
    records = []
    for k, i in enumerate(picks):
        r = dict(base[i])
        r["kvk"] = f"{20_000_000 + k:08d}"
        r["province"] = provinces[rng.integers(0, 3)]
        r["size_class"] = sizes[rng.choice(3, p=[0.6, 0.3, 0.1])]
        records.append(r)
    t2 = time.perf_counter()
    data = columns_of(records)
    strata = np.array(
        [f"{p}/{s}" for p, s in zip(data["province"], data["size_class"], strict=True)],
        dtype=object,
    )
    design = make_design(weights=np.full(args.firms, 3.0), strata=strata)
    margins = [
        ("province", data["province"], {"PV20": 56000, "PV21": 64000, "PV22": 47000}),
        ("size_class", data["size_class"], {"micro": 156000, "small": 8700, "medium": 2300}),
    ]
    raked, _ = rake(design, margins)
    replicates, _ = rake(bootstrap(design, args.replicates, seed=1), margins)
    t3 = time.perf_counter()
    result = make_analyse(wave)(data, raked, records, replicates)
    t4 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"synthetic wave: {args.firms:,} firms — weighting with {args.replicates} replicates "
        f"{t3 - t2:.1f} s, analyses {t4 - t3:.1f} s ({len(result['estimates']):,} estimates); "
        f"total {t4 - t2:.1f} s (target < 300 s); peak memory {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
