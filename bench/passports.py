"""Benchmark: every Innovation Passport of a wave — content from the build, texts, Typst PDFs
(a pool of workers), storage and links — on the demo's 2017 wave (624 firms) and on a synthetic
wave of 5,000 firms (the demo's 2017 respondents resampled with replacement as new firms with
the same answers and initiatives; one in ten answered in English), stored and built like any
wave. Not a test: run by hand, figures in the closing note.

    .venv/bin/python bench/passports.py [--firms 5000]

Targets (issue 7): 600 firms < 30 s, 5,000 firms < 3 min.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=5_000)
    args = parser.parse_args()
    os.environ["INNOMON_HOME"] = tempfile.mkdtemp(prefix="innomon-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    from innomon import config
    from innomon.builds.analyse import make_analyse
    from innomon.builds.services import build_wave
    from innomon.demo import run as demo_run
    from innomon.demo.generate import generate
    from innomon.passports.services import make_passports
    from innomon.passports.typeset import workers_for
    from innomon.region import load_region
    from innomon.registry import services as registry
    from innomon.survey import services as survey
    from innomon.survey.models import Response, Wave

    call_command("migrate", verbosity=0)
    params = demo_run.parameters()
    region_data = load_region(config.region_code())
    region = registry.load_region(region_data)
    demo_run.load(
        generate(region_data, demo_run.initiatives(), params), region, params, lambda s: None
    )
    for year in (2016, 2017):
        build_wave(
            Wave.objects.get(year=year), make_analyse(Wave.objects.get(year=year)), replicates=50
        )
    out = config.out_dir()

    def timed(wave: Wave) -> None:
        t0 = time.perf_counter()
        steps: dict[str, float] = {}

        def step(name: str, total: int) -> None:
            steps[name] = time.perf_counter()

        made = make_passports(wave, out, on_step=step)
        t1 = time.perf_counter()
        names = [*steps, "end"]
        marks = [*steps.values(), t1]
        parts = ", ".join(
            f"{names[i]} {marks[i + 1] - marks[i]:.1f} s" for i in range(len(names) - 1)
        )
        size = sum(p.stat().st_size for p in made.paths) / len(made.paths) / 1024
        print(
            f"wave {wave.year}: {len(made.paths):,} passports ({made.languages}) in "
            f"{t1 - t0:.1f} s with {workers_for(len(made.paths))} Typst workers — {parts}; "
            f"{size:.0f} KiB per PDF"
        )

    timed(Wave.objects.get(year=2017))

    # the synthetic wave: 2017's respondents resampled as new firms
    base = list(
        Response.objects.filter(wave__year=2017, status="complete")
        .exclude(firm__size_class="large")
        .select_related("firm__municipality")
    )
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(base), args.firms)
    from innomon.registry.models import Firm

    taken = set(Firm.objects.values_list("kvk", flat=True))
    fresh = (kvk for kvk in (f"{n:08d}" for n in range(1_000_000, 100_000_000)) if kvk not in taken)
    firms, responses = [], []
    for k, i in enumerate(picks):
        src = base[i]
        kvk = next(fresh)
        firms.append(
            {
                "kvk": kvk,
                "name": f"Benchbedrijf {k:05d} B.V.",
                "sbi_code": src.firm.sbi_code,
                "employees": src.firm.employees,
                "municipality": src.firm.municipality.code,
                "founding_year": src.firm.founding_year,
            }
        )
        language = "en" if k % 10 == 0 else "nl"
        responses.append(
            {"kvk": kvk, "status": "complete", "answers": dict(src.answers), "language": language}
        )
    t0 = time.perf_counter()
    registry.register_firms(firms, "bench", synthetic=True)
    wave = survey.create_wave(
        region,
        2020,
        questionnaire_version="2019.1",
        fieldwork_start=dt.date(2020, 3, 1),
        fieldwork_end=dt.date(2020, 3, 31),
        invited=args.firms * 10,
        synthetic=True,
    )
    # the initiatives each firm takes part in follow from its answers, as in any wave
    survey.record_responses(wave, responses, "bench")
    build_wave(wave, make_analyse(wave), replicates=50)
    print(
        f"synthetic wave 2020 of {args.firms:,} firms stored and built in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    timed(wave)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the main process {peak:.0f} MiB")


if __name__ == "__main__":
    main()
