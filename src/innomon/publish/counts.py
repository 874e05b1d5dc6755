"""Counts the report reads from the database (respondents, strata, panel, initiatives):
facts of the wave, not estimates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Q

from innomon.registry.models import Initiative
from innomon.survey.models import Response, Wave
from innomon.survey.panel import panel_firms


def response_counts(wave: Wave) -> dict[str, int]:
    return Response.objects.filter(wave=wave).aggregate(
        complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
        partial=Count("id", filter=Q(status=Response.Status.PARTIAL)),
        excluded=Count("id", filter=Q(status=Response.Status.EXCLUDED)),
        all=Count("id"),
    )


def strata_counts(
    wave: Wave,
    dim: str,
    groups: Mapping[str, str] | None = None,
    order: Sequence[str] = (),
) -> list[tuple[str, int, int]]:
    """(stratum, firms of the wave, complete responses) by ``province``, ``size_class`` or
    ``section_group`` of the firm register. The firm register's fields are fixed; the sector
    groups are the monitor definition's: ``groups`` maps an SBI section letter to its group
    (a letter outside it, or no ``groups`` at all, is its own stratum), ``order`` the groups'
    order."""
    field_name = {
        "province": "firm__municipality__corop__province__code",
        "size_class": "firm__size_class",
        "section_group": "firm__sbi_section",
    }[dim]
    rows = (
        Response.objects.filter(wave=wave)
        .values(field_name)
        .annotate(
            all=Count("id"),
            complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
        )
    )
    acc: dict[str, list[int]] = {}
    for r in rows:
        key = r[field_name]
        if dim == "section_group" and groups:
            key = groups.get(key, key)
        cell = acc.setdefault(key, [0, 0])
        cell[0] += r["all"]
        cell[1] += r["complete"]
    if dim == "size_class":
        order = ("micro", "small", "medium", "large")
    ranks = {k: i for i, k in enumerate(order)}
    keys = sorted(acc, key=lambda k: (ranks.get(k, len(ranks)), k))
    return [(k, acc[k][0], acc[k][1]) for k in keys]


def panel_overlap(wave: Wave) -> list[tuple[Wave, int]]:
    """For every earlier wave of the region, latest first: the size of the panel of the two
    waves (``innomon.survey.panel.panel_firms``: complete SME responses in both)."""
    return [
        (other, len(panel_firms(wave, other)))
        for other in Wave.objects.filter(region=wave.region, year__lt=wave.year).order_by("-year")
    ]


def initiative_counts(wave: Wave) -> dict[tuple[str, str], int]:
    """Initiatives of the registry per (COROP code, type)."""
    rows = (
        Initiative.objects.values("municipality__corop__code", "type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["municipality__corop__code"], r["type"]): r["n"] for r in rows}
