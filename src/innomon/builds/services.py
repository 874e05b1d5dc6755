"""``innomon build YEAR``: weight the wave, estimate every indicator in every domain, run the
typology, participation and complementarity analyses, and store it all as one build.

Each build records what it was made from — the wave, a checksum of its responses, of the frame
and of the configuration, and the innomon version — so that any published number can be traced
back. Reports, passports and the dashboard read builds; they never recompute.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.db import transaction

from innomon import __version__, config
from innomon.analysis.trends import changes, transitions
from innomon.registry.models import Firm, FrameCell
from innomon.survey.models import Response, Wave
from innomon.survey.panel import panel_firms
from innomon.survey.services import wave_records

from .models import Build, BuildEstimate, FirmClass
from .weighting import frame_year, weight_wave

QUESTION = "question:"  # the indicators of the questions' tables (builds.analyse)


def _float(value: int | float | None) -> float:
    """A number as a float: NaN when missing, or too large for any float (a whole number of
    hundreds of digits) or infinite — such an answer is unusable, and must not break a build."""
    if value is None:
        return np.nan
    try:
        number = float(value)
    except OverflowError:
        return np.nan
    return number if np.isfinite(number) else np.nan


def columns_of(records: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Records as columns for ``innomon.stats``: numbers as float (NaN missing, or beyond any
    float), everything else — text, codes lists — as objects (None missing)."""
    keys = sorted({k for r in records for k in r})
    out: dict[str, np.ndarray] = {}
    for k in keys:
        values = [r.get(k) for r in records]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            out[k] = np.array([_float(v) for v in values], dtype=float)
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            out[k] = arr
    return out


def _sha(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def region_sha256(code: str) -> str:
    """The SHA-256 checksum of the region file of ``code``."""
    from innomon.region import region_file_text

    return hashlib.sha256(region_file_text(code).encode()).hexdigest()


def checksums(wave: Wave) -> dict[str, str]:
    """Checksums of what a build of ``wave`` is made from: its responses, its frame, and its
    configuration — the wave's questionnaire, the monitor definition, the region file and the
    innomon version (``config``; each also on its own as ``config_<part>``)."""
    responses = list(
        Response.objects.filter(wave=wave)
        .order_by("firm__kvk")
        .values_list("firm__kvk", "status", "answers")
    )
    year = frame_year(wave)
    frame = list(
        FrameCell.objects.filter(region=wave.region, year=year)
        .order_by("unit_code", "sbi_section", "size_class")
        .values_list("unit_code", "sbi_section", "size_class", "count")
    )
    from innomon.definition import load_definition

    definition = load_definition()
    config = {
        "questionnaire": wave.questionnaire_sha256,
        "definition": definition.sha256,
        "region": region_sha256(wave.region.code),
        "innomon": __version__,
    }
    return {
        "data": _sha(responses),
        "frame": _sha(frame),
        "config": _sha(config),
        **{f"config_{k}": v for k, v in config.items()},
    }


def store_estimates(build: Build, rows: Sequence[dict[str, Any]]) -> int:
    """Store result rows (indicator, domain names, domain values, estimate, se, ci_low, ci_high,
    n, suppressed[, sample_share])."""

    def clean(x: Any) -> float | None:
        return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else float(x)

    objs = [
        BuildEstimate(
            build=build,
            indicator=r["indicator"],
            domain="*".join(r.get("domain", ())),
            domain_value="*".join(str(v) for v in r.get("values", ())),
            estimate=clean(r["estimate"]),
            se=clean(r["se"]),
            ci_low=clean(r["ci_low"]),
            ci_high=clean(r["ci_high"]),
            n=int(r["n"]),
            suppressed=bool(r["suppressed"]),
            sample_share=clean(r.get("sample_share")),
        )
        for r in rows
    ]
    BuildEstimate.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


@transaction.atomic
def build_wave(
    wave: Wave,
    analyse: Callable[..., dict],
    on_step: Callable[[str], None] = lambda s: None,
    replicates: int | None = None,
    seed: int = 0,
) -> Build:
    """Weight ``wave`` (and ``replicates`` bootstrap replicates of that weighting, for the
    models; by default ``config.replicates()``: 500 unless ``INNOMON_REPLICATES`` says), run
    ``analyse(data, design, records, replicate_design)`` — which returns
    ``{"estimates": rows, "summary": {...}}`` — and store the build."""
    if replicates is None:
        replicates = config.replicates()
    on_step("records")
    records = wave_records(wave)
    data = columns_of(records)
    on_step("weights")
    weighted = weight_wave(wave, data, replicates=replicates, seed=seed)
    on_step("analyses")
    result = analyse(data, weighted.design, records, weighted.replicates)
    sums = checksums(wave)
    build = Build.objects.create(
        wave=wave,
        innomon_version=__version__,
        data_sha256=sums["data"],
        frame_sha256=sums["frame"],
        config_sha256=sums["config"],
        respondents=len(records),
        weighting=weighted.report,
        summary=result.get("summary", {}),
    )
    on_step("store")
    store_estimates(build, result.get("estimates", []))
    weights = dict(zip((r["kvk"] for r in records), weighted.design.weights, strict=True))
    store_classes(build, result.get("classes", []), weights)
    build.summary = {**build.summary, "trends": trends_since_previous(build)}
    build.save(update_fields=["summary"])
    return build


def store_classes(
    build: Build, classes: Sequence[tuple[str, Any]], weights: dict[str, float] | None = None
) -> int:
    """Store each firm's typology classes of this build, with its weight (``weights`` by KvK
    number; the passports' percentiles use them). The flags are stored by id (``flags``); the
    columns ``top``, ``frugal`` and ``micro_veteran`` are filled when flags of those ids exist."""
    weights = weights or {}
    ids = dict(Firm.objects.filter(responses__wave=build.wave).values_list("kvk", "id"))
    objs = [
        FirmClass(
            build=build,
            firm_id=ids[kvk],
            level=c.level,
            level_id=c.level_id or "",
            flags=dict(c.flags),
            top=c.flags.get("top"),
            frugal=c.flags.get("frugal"),
            micro_veteran=c.flags.get("micro_veteran"),
            weight=None if weights.get(kvk) is None else float(weights[kvk]),
        )
        for kvk, c in classes
        if kvk in ids
    ]
    FirmClass.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def trends_since_previous(build: Build) -> dict[str, Any]:
    """Changes of the region's estimates since the latest build of the previous wave (with a
    conservative design-based test), and the panel firms' moves on the ladder. Only indicators
    estimated in both builds are compared: none that either wave did not ask, and not the
    questions' tables (``question:…``)."""
    previous_wave = (
        Wave.objects.filter(region=build.wave.region, year__lt=build.wave.year)
        .order_by("-year")
        .first()
    )
    before = latest_build(previous_wave) if previous_wave else None
    if before is None:
        return {}
    fields = ("indicator", "domain", "domain_value", "estimate", "se", "suppressed")
    skip = set((before.summary or {}).get("not_asked", ())) | set(
        (build.summary or {}).get("not_asked", ())
    )

    def region_rows(b: Build) -> list[dict[str, Any]]:
        rows = b.estimates.filter(domain="").exclude(indicator__startswith=QUESTION)
        return [r for r in rows.values(*fields) if r["indicator"] not in skip]

    rows_before = region_rows(before)
    rows_after = region_rows(build)
    found = changes(rows_before, rows_after)
    # the panel (one definition: survey.panel.panel_firms); its firms whose ladder level is
    # known in both builds are "placed", and their moves counted
    panel = panel_firms(build.wave, previous_wave)
    levels_before = {
        kvk: level
        for kvk, level in before.firm_classes.values_list("firm__kvk", "level")
        if kvk in panel
    }
    levels_after = {
        kvk: level
        for kvk, level in build.firm_classes.values_list("firm__kvk", "level")
        if kvk in panel
    }
    moves = transitions(levels_before, levels_after, [0, 1, 2, 3])
    return {
        "previous_year": previous_wave.year,
        "previous_build": before.pk,
        "changes": [c.__dict__ for c in found],
        "transitions": {
            "levels": list(moves.levels),
            "counts": moves.counts.tolist(),
            "panel_firms": len(panel),
            "placed": moves.panel_firms,
            "moved_up": moves.moved_up,
            "moved_down": moves.moved_down,
        },
    }


def latest_build(wave: Wave) -> Build | None:
    return Build.objects.filter(wave=wave).order_by("-created_at", "-pk").first()
