"""The demo's data and builds, made once for the report tests (through the demo's own loader,
without its other outputs), and the 2017 report in every language and format as
`innomon report 2017 --lang all --format all` writes it."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from innomon import config
from innomon.builds.analyse import make_analyse
from innomon.builds.services import build_wave
from innomon.demo import run as demo_run
from innomon.demo.generate import generate
from innomon.publish.report import write_report
from innomon.region import load_region
from innomon.registry.services import load_region as store_region
from innomon.survey.models import Wave


@pytest.fixture(scope="package")
def demo_report(django_db_setup, django_db_blocker, tmp_path_factory):
    home = tmp_path_factory.mktemp("report-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("INNOMON_HOME", str(home))
    with django_db_blocker.unblock():
        params = demo_run.parameters()
        region_data = load_region(config.region_code())
        data = generate(region_data, demo_run.initiatives(), params)
        region = store_region(region_data)
        demo_run.load(data, region, params, lambda step: None)
        for w in Wave.objects.filter(region=region).order_by("year"):
            build_wave(w, make_analyse(w.year), replicates=40)
        wave = Wave.objects.get(year=2017)
        started = time.perf_counter()
        paths = write_report(wave, config.out_dir())
        seconds = time.perf_counter() - started
    folder = home / "out" / "noord-nederland" / "2017"
    yield SimpleNamespace(home=home, folder=folder, paths=paths, seconds=seconds, wave_id=wave.pk)
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    mp.undo()
