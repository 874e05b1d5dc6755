"""What a build computes: every indicator in every domain, a table of every question, the
typology, participation and the complementarity test — the pure analyses of
``innomon.analysis`` on the weighted wave.

Everything is by name: the per-firm variables are the wave's questionnaire's (its questions,
``calculate`` rows and context rows, ``innomon.instrument.derive.derive_columns``); the domains,
the typology, the indicators and the roles of the analyses are the monitor definition's
(``innomon.definition``). An indicator whose variables the wave did not ask is not estimated
(``summary["not_asked"]``); an analysis whose role variables it did not ask, or that the
definition does not define, is skipped and the summary says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from django.db import transaction

from innomon.analysis.complementarity import (
    ComplementarityError,
    complementarity,
    finding_sentence,
)
from innomon.analysis.domains import DomainSpec, domain_columns
from innomon.analysis.glm import GlmError
from innomon.analysis.indicators import estimate_indicators, estimate_means, estimate_shares
from innomon.analysis.participation import (
    level_shares,
    participation_by_level,
    top_without_collaboration,
    trend_test,
    types_by_level,
)
from innomon.analysis.typology import FirmClasses, class_columns, classify
from innomon.definition import (
    Domain,
    MonitorDefinition,
    context_values,
    load_definition,
    not_asked,
)
from innomon.instrument.derive import derive_columns
from innomon.instrument.model import Instrument, Question
from innomon.survey.models import Wave

from .models import Build
from .services import build_wave

# Levels of a control of the complementarity model with fewer than MIN_LEVEL_N respondents are
# merged into the largest level before fitting; a bootstrap replicate that still leaves a column
# without weight, or separates, is left out of the variance and counted
# (``innomon.analysis.glm``); with more than 5 % such replicates the model is reported as not
# estimable, and the table and the test stand on their own. The controls themselves are the
# definition's (``roles.complementarity.controls``: size, sector, age, province in the Northern
# Netherlands monitor, after Cassiman & Veugelers 2006).
MIN_LEVEL_N = 20
QUESTION = "question:"  # the indicator of a question's table: question:<name>[=<code>]
NOT_DEFINED = "not defined"
NOT_ASKED = "not asked"


def controls(definition: MonitorDefinition | None = None) -> tuple[str, ...]:
    """The controls of the complementarity model: the definition's domains of
    ``roles.complementarity.controls`` (none without the role)."""
    definition = definition or load_definition()
    roles = definition.complementarity
    return () if roles is None else tuple(roles.controls)


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


def _skipped(status: str, role: str, missing: Sequence[str] = (), year: int | None = None) -> dict:
    """The summary entry of an analysis that was not run: ``status`` is "not defined" (the
    definition has no such role) or "not asked" (the wave lacks ``missing``)."""
    if status == NOT_DEFINED:
        error = f"not defined: the monitor definition has no roles.{role}"
    else:
        error = (
            f"not asked in {year}: the questionnaire lacks {', '.join(missing)} "
            f"(roles.{role} of the monitor definition)"
        )
    return {"skipped": status, "missing": list(missing), "error": error}


# ------------------------------------------------------------------------------ definition


def domain_specs(definition: MonitorDefinition) -> tuple[DomainSpec, ...]:
    """The definition's domains as the records of ``innomon.analysis.domains``."""

    def spec(d: Domain) -> DomainSpec:
        return DomainSpec(
            d.id,
            d.variable,
            tuple((g.code, g.values) for g in d.groups),
            tuple((c.code, c.low, c.high) for c in d.classes),
        )

    return tuple(spec(d) for d in definition.domains)


def wave_questionnaire(wave: Wave | int) -> Instrument:
    """The questionnaire of ``wave`` as asked in its year (a year alone: the packaged
    questionnaire with the registry's initiatives, as of that year)."""
    if isinstance(wave, Wave):
        from innomon.survey.questionnaires import wave_instrument

        return wave_instrument(wave)
    from innomon.survey.responses import registry_instrument

    return registry_instrument().as_of(int(wave))


# ------------------------------------------------------------------------------ analyses


def _complementarity(
    definition: MonitorDefinition,
    data: dict,
    design: Any,
    replicates: Any,
    rule: Any,
    rows: list,
    year: int,
) -> dict:
    """The complementarity analysis for the build's summary (and its 2×2 table as rows); when
    it cannot be estimated — e.g. a strategy without respondents — the summary says why.

    With the build's bootstrap replicates the table, the test and the model all take their
    standard errors from the replicates (the model refitted on each); without them, Taylor."""
    roles = definition.complementarity
    if roles is None:
        return _skipped(NOT_DEFINED, "complementarity")
    missing = [v for v in roles.variables if v not in data]
    if missing:
        return _skipped(NOT_ASKED, "complementarity", missing, year)
    model_controls = tuple(c for c in roles.controls if c in data)
    chosen = replicates if replicates is not None else design
    try:
        comp = complementarity(
            data,
            chosen,
            roles.investment,
            roles.collaboration,
            roles.outcome,
            roles.top,
            controls=model_controls,
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
        if roles.top is not None:
            rows.append(_row("strategy_top_innovators", (("strategy", cell.strategy),), cell.top))
    test = comp.test.outcome
    model, cross = comp.model, comp.cross_partial
    return {
        "roles": {
            "investment": roles.investment,
            "collaboration": roles.collaboration,
            "outcome": roles.outcome,
            "top": roles.top,
        },
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
            "controls": list(model_controls),
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


def _participation(
    definition: MonitorDefinition,
    data: dict,
    design: Any,
    rule: Any,
    rows: list,
    year: int,
    typology: bool,
) -> dict[str, Any]:
    """Participation along the ladder: rows, and the summary's ``trend`` and
    ``top_without_collaboration`` (each with ``skipped`` and ``error`` when not run)."""
    roles = definition.participation
    empty_trend = {"slope_pp_per_level": None, "se": None, "p_value": None}
    empty_alone = {"estimate": None, "ci_low": None, "ci_high": None, "n": 0}
    if roles is None:
        entry = _skipped(NOT_DEFINED, "participation")
        return {
            "trend": {**empty_trend, **entry},
            "top_without_collaboration": {**empty_alone, **entry},
        }
    missing = [v for v in (roles.participant,) if v not in data]
    if missing:
        entry = _skipped(NOT_ASKED, "participation", missing, year)
        return {
            "trend": {**empty_trend, **entry},
            "top_without_collaboration": {**empty_alone, **entry},
        }
    participant = roles.participant
    out: dict[str, Any] = {}
    if typology:
        for e in participation_by_level(data, design, participant=participant, disclosure=rule):
            rows.append(_row("participation_by_level", e.domain, e))
        types = [(t, v) for t, v in roles.types if v in data]
        by_var = {v: t for t, v in types}
        for e in types_by_level(data, design, types=[v for _, v in types], disclosure=rule):
            if e.domain:  # the region-wide shares are indicators of the catalogue already
                rows.append(_row(f"in_{by_var[e.indicator]}_by_level", e.domain, e))
        try:
            trend = trend_test(data, design, outcome=participant)
            out["trend"] = {
                "slope_pp_per_level": _num(trend.estimate),
                "se": _num(trend.se),
                "p_value": _num(trend.p_value),
            }
        except ValueError as exc:  # e.g. every firm on one ladder level: no trend to test
            out["trend"] = {**empty_trend, "error": str(exc)}
    else:
        out["trend"] = {**empty_trend, "error": "no typology in this build: no ladder to test"}
    comp = definition.complementarity
    top = None if comp is None else comp.top
    if top is None:
        out["top_without_collaboration"] = {
            **empty_alone,
            **_skipped(NOT_DEFINED, "complementarity.top"),
        }
    elif top not in data:
        out["top_without_collaboration"] = {
            **empty_alone,
            **_skipped(NOT_ASKED, "complementarity", [top], year),
        }
    else:
        alone = top_without_collaboration(
            data, design, top=top, collaboration=participant, disclosure=rule
        )
        rows.append(_row("top_innovators_without_collaboration", (), alone))
        out["top_without_collaboration"] = {
            "estimate": _num(alone.estimate),
            "ci_low": _num(alone.ci_low),
            "ci_high": _num(alone.ci_high),
            "n": alone.n,
        }
    return out


# ------------------------------------------------------------------------------ questions


def _choice_columns(
    instrument: Instrument, q: Question, column: np.ndarray
) -> dict[str, np.ndarray]:
    """0/1 columns, one per choice of a select question: 1 when the firm chose the code, 0 when
    it answered the question otherwise, NaN when it did not answer it."""
    n = len(column)
    if column.dtype.kind == "f":
        answered = ~np.isnan(column)
        labels = np.empty(n, dtype=object)
        labels[:] = None
        labels[answered] = [
            str(int(v)) if float(v).is_integer() else repr(float(v)) for v in column[answered]
        ]
    else:
        labels = column
        answered = np.array([v is not None for v in labels], dtype=bool)
    if q.type == "select_multiple":
        chosen = [frozenset(str(v).split()) if v is not None else frozenset() for v in labels]
    else:
        chosen = [frozenset((str(v),)) if v is not None else frozenset() for v in labels]
    out = {}
    for choice in instrument.choices(q):
        has = np.fromiter((choice.name in c for c in chosen), dtype=bool, count=n)
        out[f"{QUESTION}{q.name}={choice.name}"] = np.where(answered, has.astype(float), np.nan)
    return out


def reported_questions(instrument: Instrument) -> list[Question]:
    """The questions a build tabulates: every question that holds an answer, except text."""
    return [q for q in instrument.variables() if q.type != "text"]


def question_snapshot(instrument: Instrument) -> list[dict[str, Any]]:
    """``summary["questions"]``: the reported questions in form order, with their labels and
    choices, as the wave asked them."""
    return [
        {
            "name": q.name,
            "type": q.type,
            "label_nl": q.label_nl,
            "label_en": q.label_en,
            "group": q.group,
            "choices": [
                {"code": c.name, "label_nl": c.label_nl, "label_en": c.label_en}
                for c in instrument.choices(q)
            ],
        }
        for q in reported_questions(instrument)
    ]


def question_rows(
    instrument: Instrument,
    data: Mapping[str, Any],
    design: Any,
    domains: Sequence[str],
    rule: Any,
) -> list[dict]:
    """The weighted table of every reported question, for the region and each single domain:
    ``question:<name>`` (the mean of a number question) and ``question:<name>=<code>`` (the
    percentage of the firms that answered the question choosing the code). One call of the
    estimator for all shares and one for all means."""
    columns: dict[str, np.ndarray] = {d: np.asarray(data[d]) for d in domains if d in data}
    shares: list[str] = []
    means: list[str] = []
    for q in reported_questions(instrument):
        if q.name not in data:
            continue
        column = np.asarray(data[q.name])
        if q.is_select:
            choice = _choice_columns(instrument, q, column)
            columns.update(choice)
            shares.extend(choice)
        elif column.dtype.kind == "f":
            name = f"{QUESTION}{q.name}"
            columns[name] = column
            means.append(name)
    by = [(), *((d,) for d in domains if d in columns)]
    rows = []
    for e in estimate_shares(columns, design, shares, by, disclosure=rule):
        rows.append(_row(e.indicator, e.domain, e))
    for e in estimate_means(columns, design, means, by, disclosure=rule):
        rows.append(_row(e.indicator, e.domain, e))
    return rows


# ------------------------------------------------------------------------------ the build


def make_analyse(wave: Wave | int, definition: MonitorDefinition | None = None):
    """The analyses of ``wave`` (a year alone: the packaged questionnaire as of that year), as
    the function ``build_wave`` runs; ``definition`` defaults to the active one."""
    year = wave.year if isinstance(wave, Wave) else int(wave)

    def analyse(_data: dict, design: Any, records: list[dict], replicates: Any = None) -> dict:
        defn = definition or load_definition()
        instrument = wave_questionnaire(wave)
        rule = defn.disclosure_rule()
        data = derive_columns(instrument, records, context_values(defn, year))
        data.update(domain_columns(data, domain_specs(defn), len(records)))
        summary: dict[str, Any] = {"respondents": len(records)}
        rules = defn.typology
        classes: list = []
        if rules is not None:
            lacking = sorted(v for v in rules.variables() if v not in data)
            if lacking:
                summary["typology"] = _skipped(NOT_ASKED, "typology", lacking, year)
                summary["typology"]["error"] = (
                    f"not asked in {year}: the questionnaire lacks {', '.join(lacking)} "
                    "(typology.yaml of the monitor definition)"
                )
                rules = None
            else:
                classes = classify(data, rules)
                data.update(class_columns(classes, rules))
        else:
            summary["typology"] = _skipped(NOT_DEFINED, "typology")
        absent = not_asked(defn, instrument) | {
            i.id for i in defn.indicators if any(v not in data for v in i.variables)
        }
        catalogue = [i for i in defn.indicators if i.id not in absent]
        domains = [d for d in defn.domain_ids if d in data]
        rows = []
        by_id = {i.id: i for i in catalogue}
        for e in estimate_indicators(
            data, design, catalogue, domains, crosses=True, disclosure=rule
        ):
            share = None
            ind = by_id[e.indicator]
            if not e.domain and ind.variable and ind.kind == "share":
                values = np.asarray(data[ind.variable], float)
                values = values[~np.isnan(values)]
                share = 100.0 * values.mean() if values.size else None
            rows.append(_row(e.indicator, e.domain, e, sample_share=share))
        if rules is not None:
            for e in level_shares(data, design, disclosure=rule):
                rows.append(_row(e.indicator, e.domain, e))
        summary.update(_participation(defn, data, design, rule, rows, year, rules is not None))
        summary["complementarity"] = _complementarity(
            defn, data, design, replicates, rule, rows, year
        )
        rows.extend(question_rows(instrument, data, design, domains, rule))
        levels: dict[str, int] = {}
        for c in classes:
            if c.level_id is not None:
                levels[c.level_id] = levels.get(c.level_id, 0) + 1
        summary.update(
            ladder=levels,
            not_asked=sorted(absent),
            questions=question_snapshot(instrument),
            domains=list(defn.domain_ids),
            provenance=provenance(wave, instrument, defn),
        )
        if not classes:  # no typology: every firm still gets its row, for its stored weight
            classes = [FirmClasses(None, None, None, None, {}) for _ in records]
        classes_by_kvk = [(r["kvk"], c) for r, c in zip(records, classes, strict=True)]
        return {"estimates": rows, "summary": summary, "classes": classes_by_kvk}

    return analyse


def provenance(
    wave: Wave | int, instrument: Instrument, definition: MonitorDefinition
) -> dict[str, Any]:
    """``summary["provenance"]``: what the build was made from — the wave's questionnaire, the
    monitor definition, the region file and the innomon version."""
    from innomon import __version__

    from .services import region_sha256

    if isinstance(wave, Wave):
        file = wave.questionnaire_file or instrument.source
        version = wave.questionnaire_version or instrument.version
        sha = wave.questionnaire_sha256 or instrument.sha256
        region = wave.region.code
    else:
        file, version, sha, region = instrument.source, instrument.version, instrument.sha256, ""
    return {
        "questionnaire": {"file": file, "version": version, "sha256": sha},
        "definition": {
            "code": definition.code,
            "name_nl": definition.name_nl,
            "name_en": definition.name_en,
            "sha256": definition.sha256,
        },
        "region": {"code": region, "sha256": region_sha256(region) if region else ""},
        "innomon": __version__,
    }


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
        build = build_wave(wave, make_analyse(wave), on_step, replicates=replicates, seed=seed)
        return build, summary_lines(build)
