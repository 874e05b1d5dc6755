"""Benchmark: `innomon report 2017 --lang all --format all` on the demo — the six files of the
annual report (HTML, PDF, XLSX in Dutch and English). Not a test: run it by hand and record the
figures. The demo is loaded once into a scratch INNOMON_HOME (SQLite); the report command then
runs ``--repeat`` times as a user runs it (a fresh process each time), and the median of the
wall-clock times is reported, with the time of each format from one in-process run.

    .venv/bin/python bench/report.py [--repeat 3] [--year 2017]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

STEPS = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
import django
django.setup()
from innomon import config
from innomon.publish.report import write_report
from innomon.survey.models import Wave
marks = []
write_report(Wave.objects.get(year=int(sys.argv[1])), config.out_dir(),
             on_step=lambda s: marks.append((s, time.perf_counter())))
marks.append(("end", time.perf_counter()))
print(json.dumps({a: round(t1 - t0, 2) for (a, t0), (_b, t1) in zip(marks, marks[1:])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2017)
    args = parser.parse_args()
    innomon = [sys.executable, "-m", "innomon"]
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["INNOMON_HOME"] = home
        started = time.perf_counter()
        subprocess.run([*innomon, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        demo = time.perf_counter() - started
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run(
                [*innomon, "report", str(args.year), "--lang", "all", "--format", "all"],
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - started)
        folder = os.path.join(home, "out", "noord-nederland", str(args.year))
        sizes = {
            name: os.path.getsize(os.path.join(folder, name))
            for name in sorted(os.listdir(folder))
            if name.startswith("report")
        }
        steps = (
            subprocess.run(
                [sys.executable, "-c", STEPS, str(args.year)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    print(f"demo (load, builds, its reports): {demo:.1f} s")
    median = statistics.median(times)
    print(
        f"innomon report {args.year} --lang all --format all: median {median:.2f} s "
        f"of {args.repeat} ({', '.join(f'{t:.2f}' for t in times)})"
    )
    print("steps of one in-process run (s):", json.loads(steps))
    print("files (bytes):", sizes)


if __name__ == "__main__":
    main()
