"""Shared fixtures. Tests run on SQLite, and on PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import pytest

from innomon.region import load_region

from . import demo_session


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    demo_session.order(items)


def pytest_runtest_setup(item):
    demo_session.check_order(item)


def pytest_sessionfinish(session):
    demo_session.finish()


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The demo as `innomon demo --no-serve` made it, once per session (tests/demo_session.py):
    its ``home`` (INNOMON_HOME, set for the tests that use it), the command's ``stdout``, and
    ``env`` for running further commands on the demo's own database. The test database holds a
    copy of the demo's database."""
    run = demo_session.start().wait()
    if run.returncode != 0:
        pytest.fail(f"innomon demo --no-serve failed ({run.returncode}):\n{run.stderr[-3000:]}")
    with django_db_blocker.unblock():
        demo_session.load_into_test_database(run)
    mp = pytest.MonkeyPatch()
    mp.setenv("INNOMON_HOME", str(run.home))
    mp.setenv("INNOMON_REPLICATES", demo_session.REPLICATES)
    yield run
    mp.undo()


@pytest.fixture
def region_data():
    return load_region("noord-nederland")


@pytest.fixture
def region(db, region_data):
    from innomon.registry.services import load_region as store_region

    return store_region(region_data)


@pytest.fixture
def make_wave(region):
    """Open a wave of ``year`` in the stored region (fieldwork in March)."""
    import datetime as dt

    from innomon.survey.services import create_wave

    def make(year=2017, invited=100, **kwargs):
        return create_wave(
            region,
            year,
            questionnaire_version=f"{year}.1",
            fieldwork_start=dt.date(year, 3, 1),
            fieldwork_end=dt.date(year, 3, 24),
            invited=invited,
            **kwargs,
        )

    return make


@pytest.fixture
def firm_record():
    def make(**overrides):
        rec = {
            "kvk": "12345678",
            "name": "Testbedrijf B.V.",
            "sbi_code": "2511",
            "employees": 12,
            "municipality": "GM0014",
            "founding_year": 2001,
        }
        rec.update(overrides)
        return rec

    return make
