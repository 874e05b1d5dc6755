"""Trends since the previous wave compare only indicators estimated in both builds: none that
either wave did not ask, and not the questions' tables."""

from __future__ import annotations

import pytest

from innomon.builds.models import Build, BuildEstimate
from innomon.builds.services import trends_since_previous


def _build(wave, not_asked, estimates):
    build = Build.objects.create(
        wave=wave,
        innomon_version="test",
        data_sha256="d",
        frame_sha256="f",
        config_sha256="c",
        respondents=100,
        summary={"not_asked": not_asked},
    )
    for indicator, value in estimates.items():
        BuildEstimate.objects.create(
            build=build, indicator=indicator, estimate=value, se=1.0, n=100, suppressed=False
        )
    return build


@pytest.mark.django_db
def test_no_trend_across_a_not_asked_indicator(make_wave):
    before = _build(make_wave(2018), ["partner_any"], {"innovators": 40.0, "partner_any": 5.0})
    after = _build(
        make_wave(2019),
        [],
        {"innovators": 45.0, "partner_any": 60.0, "question:employees": 20.0},
    )
    trends = trends_since_previous(after)
    assert trends["previous_build"] == before.pk
    assert [c["indicator"] for c in trends["changes"]] == ["innovators"]
    assert trends["changes"][0]["difference"] == pytest.approx(5.0)
