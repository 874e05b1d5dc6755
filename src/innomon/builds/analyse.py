"""What a build computes: every indicator in every domain, the typology, participation and the
complementarity test — the pure analyses of ``innomon.analysis`` on the weighted wave."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.db import transaction

from innomon.analysis.complementarity import (
    ComplementarityError,
    complementarity,
    finding_sentence,
)
from innomon.analysis.glm import GlmError
from innomon.analysis.indicators import DOMAINS, DeriveSettings, derive, estimate_indicators
from innomon.analysis.participation import (
    level_shares,
    participation_by_level,
    top_without_collaboration,
    trend_test,
    types_by_level,
)
from innomon.analysis.typology import class_columns, classify
from innomon.catalogue import load_indicators, load_typology
from innomon.config import monitor_settings
from innomon.survey.models import Wave

from .models import Build
from .services import build_wave

# Controls of the model (size, sector, age, province: Cassiman & Veugelers 2006). Levels with
# fewer than MIN_LEVEL_N respondents are merged into the largest level before fitting; a
# bootstrap replicate that still leaves a column without weight, or separates, is left out of
# the variance and counted (``innomon.analysis.glm``); with more than 5 % such replicates the
# model is reported as not estimable, and the table and the test stand on their own.
CONTROLS = ("size_class", "sbi_group", "age_class", "province")
MIN_LEVEL_N = 20


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(x)


def _row(indicator: str, domain: Sequence[tuple[str, str]], est: Any, **extra: Any) -> dict:
    return {
        "indicator": indicator,
        "domain": tuple(n for n, _ in domain),
        "values": tuple(v for _, v in domain),
        "estimate": est.estimate,
        "se": est.se,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "n": est.n,
        "suppressed": est.suppressed,
        **extra,
    }


def _complementarity(data: dict, design: Any, replicates: Any, rule: Any, rows: list) -> dict:
    """The complementarity analysis for the build's summary (and its 2×2 table as rows); when
    it cannot be estimated — e.g. a strategy without respondents — the summary says why.

    With the build's bootstrap replicates the table, the test and the model all take their
    standard errors from the replicates (the model refitted on each); without them, Taylor."""
    chosen = replicates if replicates is not None else design
    try:
        comp = complementarity(
            data,
            chosen,
            "investor",
            "participant",
            "ntm_turnover_pct",
            "top_innovator",
            controls=CONTROLS,
            disclosure=rule,
            min_level_n=MIN_LEVEL_N,
            model_optional=True,
        )
    except (ComplementarityError, GlmError) as exc:
        return {"error": str(exc)}
    for cell in comp.table:
        rows.append(
            _row("strategy_ntm_turnover_share", (("strategy", cell.strategy),), cell.outcome)
        )
        rows.append(_row("strategy_top_innovators", (("strategy", cell.strategy),), cell.top))
    test = comp.test.outcome
    model, cross = comp.model, comp.cross_partial
    return {
        "variance": (
            f"{replicates.kind} ({replicates.replicates} replicates)"
            if replicates is not None
            else "Taylor (sandwich for the model)"
        ),
        "replicates": None if replicates is None else replicates.replicates,
        "verdict": test.verdict,
        "delta_pp": _num(test.estimate),
        "se": _num(test.se),
        "ci_low": _num(test.ci_low),
        "ci_high": _num(test.ci_high),
        "p_greater": _num(test.p_greater),
        "p_less": _num(test.p_less),
        "cross_partial_pp": None if cross is None else _num(cross.estimate),
        "cross_partial_se": None if cross is None else _num(cross.se),
        "cross_partial_ci": None if cross is None else [_num(cross.ci_low), _num(cross.ci_high)],
        "model": {
            "controls": list(CONTROLS),
            "pooled_levels": comp.pooled,
            "error": comp.model_error,
            "n": None if model is None else model.n,
            "replicates_failed": None if model is None else model.replicates_failed,
            "coefficients": {}
            if model is None
            else {
                name: {"coef": _num(c), "se": _num(se)}
                for name, c, se in zip(model.names, model.coef, model.se, strict=True)
            },
        },
        "sentence_nl": finding_sentence(comp, "nl"),
        "sentence_en": finding_sentence(comp, "en"),
    }


def make_analyse(year: int):
    """The analyses of wave ``year``, as the function ``build_wave`` runs."""

    def analyse(_data: dict, design: Any, records: list[dict], replicates: Any = None) -> dict:
        settings = monitor_settings()
        threshold = settings.top_innovator_threshold
        rule = settings.disclosure_rule()
        catalogue = load_indicators()
        data = derive(records, DeriveSettings(year, top_innovator_threshold=threshold))
        classes = classify(records, load_typology(threshold), year)
        data.update(class_columns(classes))
        rows = []
        by_id = {i.id: i for i in catalogue}
        for e in estimate_indicators(
            data, design, catalogue, DOMAINS, crosses=True, disclosure=rule
        ):
            share = None
            ind = by_id[e.indicator]
            if not e.domain and ind.variable and ind.kind == "share":
                values = np.asarray(data[ind.variable], float)
                values = values[~np.isnan(values)]
                share = 100.0 * values.mean() if values.size else None
            rows.append(_row(e.indicator, e.domain, e, sample_share=share))
        for e in level_shares(data, design, disclosure=rule):
            rows.append(_row(e.indicator, e.domain, e))
        for e in participation_by_level(data, design, disclosure=rule):
            rows.append(_row("participation_by_level", e.domain, e))
        for e in types_by_level(data, design, disclosure=rule):
            if e.domain:  # the region-wide shares are indicators of the catalogue already
                rows.append(_row(f"{e.indicator}_by_level", e.domain, e))
        try:
            trend = trend_test(data, design)
            trend_summary = {
                "slope_pp_per_level": _num(trend.estimate),
                "se": _num(trend.se),
                "p_value": _num(trend.p_value),
            }
        except ValueError as exc:  # e.g. every firm on one ladder level: no trend to test
            trend_summary = {"slope_pp_per_level": None, "se": None, "p_value": None}
            trend_summary["error"] = str(exc)
        alone = top_without_collaboration(data, design, disclosure=rule)
        rows.append(_row("top_innovators_without_collaboration", (), alone))
        comp_summary = _complementarity(data, design, replicates, rule, rows)
        levels = {}
        for c in classes:
            if c.level_id is not None:
                levels[c.level_id] = levels.get(c.level_id, 0) + 1
        summary = {
            "respondents": len(records),
            "ladder": levels,
            "trend": trend_summary,
            "top_without_collaboration": {
                "estimate": _num(alone.estimate),
                "ci_low": _num(alone.ci_low),
                "ci_high": _num(alone.ci_high),
                "n": alone.n,
            },
            "complementarity": comp_summary,
        }
        classes_by_kvk = [(r["kvk"], c) for r, c in zip(records, classes, strict=True)]
        return {"estimates": rows, "summary": summary, "classes": classes_by_kvk}

    return analyse


def _fmt(x: Any, spec: str) -> str:
    """``x`` formatted by ``spec``, or "n/a" when it is unknown (None, NaN)."""
    return "n/a" if _num(x) is None else format(float(x), spec)


def summary_lines(build: Build) -> list[str]:
    """A short summary of a build for the terminal. Any value may be unknown — an estimate of
    exactly 0 % has no interval — and is then shown as "n/a"."""
    s = build.summary
    participants = build.estimates.filter(indicator="participants", domain="").first()
    lines = [
        f"innomon: build {build.pk} of wave {build.wave.year}: {build.respondents} "
        f"respondents, {build.estimates.count()} estimates, weighted to the "
        f"{build.weighting.get('frame_year')} frame"
    ]
    if participants is not None and participants.estimate is not None:
        interval = (
            f"95 % CI {participants.ci_low:.1f}–{participants.ci_high:.1f}"
            if participants.ci_low is not None and participants.ci_high is not None
            else "95 % CI n/a"
        )
        lines.append(
            f"  in ≥ 1 initiative: {participants.estimate:.1f} % of the region's SMEs "
            f"({interval}; {_fmt(participants.sample_share, '.1f')} % of the respondents)"
        )
    t = s.get("trend", {})
    if t.get("slope_pp_per_level") is not None:
        lines.append(
            f"  participation rises {t['slope_pp_per_level']:.1f} points per ladder "
            f"level (p = {_fmt(t.get('p_value'), '.2g')})"
        )
    comp = s.get("complementarity", {})
    lines.append("  " + (comp.get("sentence_en") or f"complementarity: {comp.get('error')}"))
    return lines


def build_with_summary(
    wave: Wave,
    on_step: Callable[[str], None] = lambda s: None,
    replicates: int | None = None,
    seed: int = 0,
) -> tuple[Build, list[str]]:
    """``innomon build``: build ``wave`` with its analyses and make the summary lines, in one
    transaction — a build that fails at any step, the summary included, leaves no row behind."""
    with transaction.atomic():
        build = build_wave(wave, make_analyse(wave.year), on_step, replicates=replicates, seed=seed)
        return build, summary_lines(build)
