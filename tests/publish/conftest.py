"""The report of the demo's latest wave in every language and format, as `innomon demo` wrote
it (the demo writes all six files for its latest wave; tests/demo_session.py runs it once per
session)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from innomon.survey.models import Wave

YEAR = 2019  # the demo's latest wave


@pytest.fixture(scope="session")
def demo_report(demo, django_db_blocker):
    folder = demo.home / "out" / "noord-nederland" / str(YEAR)
    with django_db_blocker.unblock():
        wave_id = Wave.objects.get(year=YEAR).pk
    paths = sorted(p for p in folder.iterdir() if p.name.startswith("report"))
    return SimpleNamespace(home=demo.home, folder=folder, paths=paths, wave_id=wave_id, year=YEAR)
