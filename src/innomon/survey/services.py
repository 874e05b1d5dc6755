"""Services of the survey: waves, responses and participations, written all-or-nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count

from innomon.errors import InputError, Problem
from innomon.registry.models import Region

from .models import Participation, Response, Wave
from .responses import store_responses


def create_wave(
    region: Region,
    year: int,
    *,
    questionnaire_version: str,
    fieldwork_start: dt.date,
    fieldwork_end: dt.date,
    invited: int,
    synthetic: bool = False,
) -> Wave:
    """Open a new wave; an existing wave of that year is a clear error."""
    if Wave.objects.filter(region=region, year=year).exists():
        raise InputError(
            [Problem(f"wave {year}", None, "year", f"{region.code} already has a wave {year}")]
        )
    if fieldwork_end < fieldwork_start:
        raise InputError(
            [Problem(f"wave {year}", None, "fieldwork_end", "fieldwork ends before it starts")]
        )
    return Wave.objects.create(
        region=region,
        year=year,
        questionnaire_version=questionnaire_version,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        invited=invited,
        is_synthetic=synthetic,
    )


def record_responses(wave: Wave, records: Iterable[Mapping[str, Any]], source: str) -> int:
    """Store responses of ``wave`` through ``store_responses`` (see ``innomon.survey.responses``
    for the records), all or nothing: a firm that is not registered, an unknown status or
    language, a firm twice in the batch, or a firm whose stored response differs from its record
    rejects the whole batch. An answerless invitation is filled in; an identical response is left
    as it is. Returns the number of responses written."""
    return store_responses(wave, records, source=source, refuse_conflicts=True).written


def wave_records(wave: Wave) -> list[dict[str, Any]]:
    """The complete responses of SMEs in ``wave`` as flat records for analysis: the answers plus
    the firm's size class, SBI section, province and COROP, and ``n_initiatives``."""
    counts = dict(
        Participation.objects.filter(wave=wave)
        .values("firm_id")
        .annotate(n=Count("id"))
        .values_list("firm_id", "n")
    )
    qs = (
        Response.objects.filter(wave=wave, status=Response.Status.COMPLETE)
        .exclude(firm__size_class="large")
        .select_related("firm__municipality__corop__province")
        .order_by("firm__kvk")
    )
    out = []
    for r in qs:
        firm = r.firm
        rec = dict(r.answers)
        rec.update(
            kvk=firm.kvk,
            size_class=firm.size_class,
            sbi_section=firm.sbi_section,
            corop=firm.municipality.corop.code,
            province=firm.municipality.corop.province.code,
            n_initiatives=counts.get(firm.id, 0),
        )
        out.append(rec)
    return out
