"""Benchmark: import and validate 100,000 responses × 150 questionnaire variables.

The questionnaire's 39 answer variables are copied (renamed ``<name>__k``) until there are 150;
a CSV export with one row per firm is generated (about 2 % of the rows carry a deliberate error
so the quarantine is exercised) and imported into a fresh wave with ``innomon.intake``.
Not a test: run by hand and put the figures in the closing note.

    .venv/bin/python bench/import_wave.py [--rows 100000] [--variables 150]
"""

from __future__ import annotations

import argparse
import atexit
import csv
import dataclasses
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def widened(instrument, target: int):
    """The questionnaire with its answer variables copied until there are ``target``."""
    base = [q for q in instrument.questions if q.holds_answer]
    questions = list(instrument.questions)
    k = 1
    while len([q for q in questions if q.holds_answer]) < target:
        for q in base:
            if len([x for x in questions if x.holds_answer]) >= target:
                break
            questions.append(dataclasses.replace(q, name=f"{q.name}__{k}"))
        k += 1
    return dataclasses.replace(instrument, questions=tuple(questions))


def valid_row(instrument, variables, fixed, rng: random.Random) -> list[str]:
    """One respondent whose answers pass every rule: relevance decides what is asked."""
    values: dict[str, object] = {}
    row = []
    for q in variables:
        if q.relevant is not None and not q.relevant.test(values):
            row.append("")
            continue
        base = q.name.split("__")[0]
        if base.startswith("initiatives_"):
            # as in the monitor: about a third of the firms take part in one initiative or two
            codes = [c.name for c in instrument.choices(q)]
            text = " ".join(rng.sample(codes, rng.randint(1, 2))) if rng.random() < 0.15 else ""
        else:
            text = fixed.get(base) or answer(q, instrument, rng)
        value = typed(q, instrument, text) if text else None
        if (
            q.constraint is not None
            and value is not None
            and not q.constraint.test(values, current=value)
        ):
            text, value = "", None
        if q.required and value is None:
            text = next(c.name for c in instrument.choices(q)) if q.is_select else "1"
            value = typed(q, instrument, text)
        if value is not None:
            values[q.name] = value
        row.append(text)
    return row


def typed(q, instrument, text: str):
    """The answer a generated cell stands for (the generator writes plain codes and numbers),
    for the relevance and constraint rules that decide what comes next."""
    if q.type == "integer":
        return int(text)
    if q.type == "decimal":
        return float(text)
    if q.type == "text":
        return text
    vt = instrument.value_type(q)
    if q.type == "select_one":
        return vt(text)
    return [vt(c) for c in text.split()]


def answer(q, instrument, rng: random.Random) -> str:
    if q.type == "integer":
        return str(rng.randint(1, 200))
    if q.type == "decimal":
        return f"{rng.uniform(0, 30):.1f}"
    if q.type == "text":
        return "tekst"
    codes = [c.name for c in instrument.choices(q)]
    if not codes:
        return ""
    if q.type == "select_one":
        return rng.choice(codes)
    codes = [c for c in codes if c != "0"]  # "none" excludes the others
    return " ".join(sorted(rng.sample(codes, min(2, len(codes)))))


def _time_stages() -> dict[str, float]:
    """Wrap the import's stages (names looked up in ``innomon.intake.importer``) with timers."""
    import functools

    from innomon.intake import importer

    spent: dict[str, float] = {}
    for name in (
        "read_source",
        "load_mapping",
        "convert",
        "check_firms",
        "validate_table",
        "_answer_rows",
        "store_responses",
        "insert_rows",
        "write_report",
        "archive",
    ):
        real = getattr(importer, name)

        def timed(*a, _real=real, _name=name, **kw):
            t = time.perf_counter()
            try:
                return _real(*a, **kw)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t

        setattr(importer, name, functools.wraps(real)(timed))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--variables", type=int, default=150)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home (~700 MB)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="innomon-bench-"))
    if not args.keep:
        atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["INNOMON_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from innomon.config import private_dir
    from innomon.demo.run import initiatives
    from innomon.intake.importer import import_wave, registry_instrument
    from innomon.region import load_region
    from innomon.registry.services import load_region as store_region
    from innomon.registry.services import register_initiatives
    from innomon.survey.services import create_wave

    call_command("migrate", verbosity=0)
    region = store_region(load_region("noord-nederland"))
    register_initiatives(initiatives(), "bench")
    wave = create_wave(
        region,
        2019,
        questionnaire_version="2019.1",
        fieldwork_start=dt.date(2019, 3, 1),
        fieldwork_end=dt.date(2019, 3, 22),
        invited=args.rows,
    )
    instrument = widened(registry_instrument(), args.variables)
    variables = list(instrument.variables())
    # a consistent respondent: product and process innovator, investing (the relevance rules
    # then ask the follow-up questions), shares adding up to 100
    fixed = {
        "product_innovation": "1",
        "process_innovation": "1",
        "innovation_investment": "1",
        "turnover_new_market_pct": "30",
        "turnover_new_firm_pct": "20",
        "turnover_unchanged_pct": "50",
        "founding_year": "2001",
        "theme19_finance_gap": "0",
        "obstacles": "1 2",
        "theme19_technologies": "1 2",
    }
    rng = random.Random(1)
    path = home / "export.csv"
    municipalities = ["GM0014", "GM0080", "GM0106", "GM0114"]
    t0 = time.perf_counter()
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kvk", "firm_name", "sbi_code", "municipality", *(q.name for q in variables)])
        # 1,000 different valid respondents, cycled (generating 100,000 one by one is slow)
        variants = [valid_row(instrument, variables, fixed, rng) for _ in range(1000)]
        for i in range(args.rows):
            row = list(variants[i % len(variants)])
            if i % 50 == 7:
                row[variables.index(instrument.question("turnover_new_firm_pct"))] = "95"
            w.writerow([f"{10_000_000 + i:08d}", f"Bench {i}", "2511", municipalities[i % 4], *row])
    t1 = time.perf_counter()
    stages = _time_stages()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    result = import_wave(wave, path, instrument, private_dir())
    t2 = time.perf_counter()
    if args.profile:
        profiler.disable()
        if os.environ.get("BENCH_PROFILE_OUT"):
            profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            40
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.rows:,} rows × {len(variables)} variables "
        f"({path.stat().st_size / 1e6:.0f} MB CSV, written in {t1 - t0:.1f} s)"
    )
    from collections import Counter

    print(Counter((p["rule"], p["column"].split("__")[0]) for p in result.problems).most_common(8))
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    print(
        f"import + validation + storage: {t2 - t1:.1f} s — {result.stored:,} stored, "
        f"{result.quarantined:,} quarantined; peak memory {peak:.0f} MiB; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
