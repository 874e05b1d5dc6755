"""Benchmark: how long the demo takes, step by step, on SQLite and (if DATABASE_URL is set) on a
scratch PostgreSQL database. Not a test: run it by hand and record the figures.

    .venv/bin/python bench/demo_load.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid

CHILD = r"""
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
import django
django.setup()
from django.core.management import call_command
from innomon.config import ensure_home
ensure_home()
t0 = time.perf_counter()
call_command("migrate", verbosity=0)
marks = [("migrate", time.perf_counter())]
from innomon.demo import run
run.run(lambda step: marks.append((step, time.perf_counter())))
marks.append(("end", time.perf_counter()))
# marks[i] is when step i *ended* for "migrate" and when it *started* for the demo's own steps.
times = {"migrate": marks[0][1] - t0}
for (name, start), (_, end) in zip(marks[1:-1], marks[2:]):
    times[name] = end - start
times["total"] = marks[-1][1] - t0
print(json.dumps(times))
"""


def one_run(database_url: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with tempfile.TemporaryDirectory() as home:
        env["INNOMON_HOME"] = home
        if database_url:
            import psycopg

            name = f"innomon_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = f"{database_url.rsplit('/', 1)[0]}/{name}"
        try:
            out = subprocess.run(
                [sys.executable, "-c", CHILD], env=env, check=True, capture_output=True, text=True
            )
        finally:
            if database_url:
                with psycopg.connect(database_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engines = [("sqlite", None)]
    if os.environ.get("DATABASE_URL"):
        engines.append(("postgresql", os.environ["DATABASE_URL"]))
    for engine, url in engines:
        runs = [one_run(url) for _ in range(args.repeat)]
        print(f"{engine}: median of {args.repeat} runs (seconds)")
        for step in runs[0]:
            print(f"  {step:<12} {statistics.median(r[step] for r in runs):7.2f}")


if __name__ == "__main__":
    main()
