"""Shared fixtures. Tests run on SQLite, and on PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import pytest

from innomon.region import load_region


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
