"""Services of the survey: waves, responses and participations, written all-or-nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count

from innomon.errors import InputError, Problem
from innomon.registry.models import Firm, Region

from .models import Participation, Response, Wave

STATUSES = set(Response.Status.values)


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
    """Store responses of ``wave``: each record has ``kvk``, ``status`` and ``answers`` (a mapping
    of questionnaire variables), optionally ``invited_at/started_at/submitted_at`` and
    ``language`` (nl or en: the language the firm answered in).

    A firm that is not registered, an unknown status, or a firm that already has a response in
    the wave (in the database or earlier in the batch) rejects the whole batch; the database's
    unique constraint is the backstop for concurrent writers.
    """
    firms = dict(Firm.objects.values_list("kvk", "id"))
    already = set(Response.objects.filter(wave=wave).values_list("firm_id", flat=True))
    problems: list[Problem] = []
    rows: list[Response] = []
    seen: dict[int, int] = {}
    for row, rec in enumerate(records, start=1):
        kvk = str(rec.get("kvk", "")).strip()
        firm_id = firms.get(kvk)
        if firm_id is None:
            problems.append(
                Problem(source, row, "kvk", f"firm {kvk!r} is not registered; register it first")
            )
            continue
        if firm_id in already:
            problems.append(
                Problem(
                    source, row, "kvk", f"firm {kvk} already has a response in wave {wave.year}"
                )
            )
            continue
        if firm_id in seen:
            problems.append(
                Problem(
                    source,
                    row,
                    "kvk",
                    f"firm {kvk} appears twice in this batch (also row {seen[firm_id]})",
                )
            )
            continue
        seen[firm_id] = row
        status = rec.get("status", Response.Status.COMPLETE)
        if status not in STATUSES:
            problems.append(
                Problem(source, row, "status", f"'{status}' is not one of {sorted(STATUSES)}")
            )
            continue
        answers = rec.get("answers", {})
        if not isinstance(answers, Mapping):
            problems.append(Problem(source, row, "answers", "answers must be a mapping"))
            continue
        language = str(rec.get("language") or "").strip().lower()
        if language not in ("", "nl", "en"):
            problems.append(Problem(source, row, "language", f"'{language}' is not nl or en"))
            continue
        rows.append(
            Response(
                wave=wave,
                firm_id=firm_id,
                status=status,
                answers=dict(answers),
                invited_at=rec.get("invited_at"),
                started_at=rec.get("started_at"),
                submitted_at=rec.get("submitted_at"),
                language=language,
            )
        )
    if problems:
        raise InputError(problems)
    try:
        with transaction.atomic():
            Response.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError as exc:
        raise InputError(
            [
                Problem(
                    source,
                    None,
                    "kvk",
                    f"a response of one of these firms was written meanwhile ({exc})",
                )
            ]
        ) from exc
    return len(rows)


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
