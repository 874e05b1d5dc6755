"""What a firm's passport says, computed from a stored build — never from a new analysis.

For every responding firm of the build (its complete SME responses) the passport holds: its own
values on the key indicators beside the build's estimates for its peer group and the region; its
weighted percentile within the peer group and within the region (with the build's stored
weights); its level on the innovation pyramid and its typology flags (the build's
``FirmClass``); how it changed since the last earlier wave it answered; the support instruments
whose rules it meets (``barometer``); and suggested initiatives (``initiatives``). The rules are
the monitor definition's ``passport.yaml`` and ``instruments.yaml``; docs/methodology.md explains
them.

The firms' own values are the variables of the wave's questionnaire — its answers, context rows
and calculations (``innomon.instrument.derive.derive_columns``) — with the definition's domains,
the same as the build's, and only when the responses are still the ones the build was made from
(its checksum), so that a passport and its build agree. An indicator the wave's questionnaire did
not ask (``build.summary["not_asked"]``) is left out of that wave's passports — never shown as
0 — and the passport names it as not asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from innomon.analysis.domains import domain_columns
from innomon.builds.analyse import domain_specs
from innomon.builds.models import Build, BuildEstimate, FirmClass
from innomon.builds.services import checksums, latest_build
from innomon.definition import MonitorDefinition, context_values, load_definition
from innomon.errors import InnomonError
from innomon.instrument import Instrument, load_instrument
from innomon.instrument.derive import derive_columns
from innomon.survey.models import Response, Wave
from innomon.survey.questionnaires import default_workbook, wave_instrument
from innomon.survey.services import wave_records

from .barometer import facts_of, instruments_for
from .initiatives import Suggester
from .rules import PassportRules, PassportRulesError, check_barometer, passport_rules

# The typology flags FirmClass has its own columns for (older builds hold no ``flags`` mapping).
LEGACY_FLAGS = ("top", "frugal", "micro_veteran")


class PassportError(InnomonError):
    """Passports cannot be made (no build, changed responses, unknown firm); nothing written."""


@dataclass(frozen=True)
class FirmPassport:
    """One firm's passport content: ``data`` is what ``Passport.data`` stores."""

    firm_id: int
    kvk: str
    language: str
    data: dict[str, Any]


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def weighted_percentile(values: np.ndarray, weights: np.ndarray, own: float) -> float:
    """The weighted percentile of ``own`` among ``values`` (missing values left out):
    100 × (Σ w of values below ``own`` + ½ Σ w of values equal to it) / Σ w — the mid-rank
    definition, so that the firm itself counts half."""
    values = np.asarray(values, float)
    weights = np.asarray(weights, float)
    ok = ~np.isnan(values)
    total = weights[ok].sum()
    below = weights[ok & (values < own)].sum()
    equal = weights[ok & (values == own)].sum()
    return 100.0 * (below + 0.5 * equal) / total


def group_percentiles(
    values: np.ndarray, weights: np.ndarray, keys: np.ndarray, min_n: int
) -> np.ndarray:
    """``weighted_percentile`` of every firm within its group (``keys``: one hashable per firm),
    vectorised per group; NaN for a firm without a value and in a group with fewer than
    ``min_n`` values (the disclosure rule)."""
    out = np.full(values.size, np.nan)
    groups: dict[Any, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            groups.setdefault(k, []).append(i)
    for idx in groups.values():
        ix = np.asarray(idx)
        x, w = values[ix], weights[ix]
        ok = ~np.isnan(x)
        if ok.sum() < min_n:
            continue
        order = np.argsort(x[ok], kind="stable")
        xs, ws = x[ok][order], w[ok][order]
        cum = np.concatenate([[0.0], np.cumsum(ws)])
        lo = np.searchsorted(xs, x[ok], side="left")
        hi = np.searchsorted(xs, x[ok], side="right")
        pct = 100.0 * (cum[lo] + 0.5 * (cum[hi] - cum[lo])) / cum[-1]
        out[ix[ok]] = pct
    return out


def _key(columns: dict[str, np.ndarray], step: Sequence[str], i: int) -> tuple | None:
    values = tuple(columns[c][i] for c in step)
    return None if any(v is None for v in values) else values


def _domain(step: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    """The step's columns in the definition's order of domains (as the build's crosses are
    named)."""
    return tuple(sorted(step, key=list(order).index))


def _language(language: str | None) -> str:
    """The firm's language: the language its response was given in ('en' when the web
    questionnaire or the survey tool recorded English); Dutch otherwise."""
    return "en" if str(language or "").lower() == "en" else "nl"


class _Wave:
    """A wave's questionnaire, records, variables (``data``), domain columns and row index by
    KvK number — the variables and domains as the build computes them (``builds.analyse``)."""

    def __init__(self, wave: Wave, definition: MonitorDefinition) -> None:
        self.wave = wave
        self.instrument = wave_instrument(wave)
        self.records = wave_records(wave)
        n = len(self.records)
        self.data = derive_columns(
            self.instrument, self.records, context_values(definition, wave.year)
        )
        self.domains = domain_columns(self.data, domain_specs(definition), n)
        for name, column in self.domains.items():
            self.data.setdefault(name, column)
        self.row = {r["kvk"]: i for i, r in enumerate(self.records)}


def _earlier(wave: Wave, definition: MonitorDefinition) -> list[tuple[_Wave, dict[str, str]]]:
    """The earlier waves of the region, newest first, each with its firms' ladder levels in its
    latest build (empty without a build)."""
    out = []
    for w in Wave.objects.filter(region=wave.region, year__lt=wave.year).order_by("-year"):
        b = latest_build(w)
        levels = dict(b.firm_classes.values_list("firm__kvk", "level_id")) if b else {}
        out.append((_Wave(w, definition), levels))
    return out


def _questionnaires(
    wave: Wave, definition: MonitorDefinition, known: Sequence[Instrument]
) -> list[Instrument]:
    """The questionnaires a variable may come from: ``known`` (this wave's and the earlier
    ones'), the later waves' of the region and the default workbook of a new wave (the
    definition's)."""
    out = list(known)
    for w in Wave.objects.filter(region=wave.region, year__gt=wave.year):
        out.append(wave_instrument(w))
    paths = {Path(default_workbook()).resolve()}
    if definition.questionnaire is not None:
        paths.add(Path(definition.questionnaire).resolve())
    out.extend(load_instrument(path=p) for p in sorted(paths))
    return out


def _flag_fields() -> list[str]:
    names = {f.name for f in FirmClass._meta.get_fields()}
    return [f for f in ("flags", *LEGACY_FLAGS) if f in names]


def _flags(fc: dict[str, Any], flag_ids: Sequence[str]) -> dict[str, bool | None]:
    """The firm's typology flags by id (None: unknown): the build's ``flags`` mapping, or the
    old columns of the flags that have one."""
    stored = fc.get("flags") or {}
    out: dict[str, bool | None] = {}
    for flag in flag_ids:
        value = stored.get(flag) if flag in stored else fc.get(flag)
        out[flag] = None if value is None else bool(value)
    return out


def build_passports(
    build: Build,
    kvks: Sequence[str] | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
    rules: PassportRules | None = None,
) -> list[FirmPassport]:
    """The passport content of every responding firm of ``build`` (or only ``kvks``), by the
    passport rules (``passport.yaml`` unless ``rules`` is given). Raises ``PassportError`` when
    the build has no stored weights, the wave's responses changed since the build, or a KvK
    number is not a responding firm of the build; ``PassportRulesError`` when the barometer
    names a variable that is in no questionnaire and no build output."""
    definition = load_definition()
    rules = rules or passport_rules()
    wave = build.wave
    if checksums(wave)["data"] != build.data_sha256:
        raise PassportError(
            f"the responses of wave {wave.year} changed after build {build.pk}; run "
            f"`innomon build {wave.year}` again first"
        )
    current = _Wave(wave, definition)
    flag_ids = [f.id for f in definition.typology.flags] if definition.typology else []
    classes = {
        fc["firm__kvk"]: fc
        for fc in FirmClass.objects.filter(build=build).values(
            "firm__kvk", "firm_id", "level", "level_id", "weight", *_flag_fields()
        )
    }
    if not classes or any(c["weight"] is None for c in classes.values()):
        raise PassportError(
            f"build {build.pk} of wave {wave.year} has no stored firm weights (it predates "
            f"them); run `innomon build {wave.year}` again first"
        )
    wanted = list(current.row) if kvks is None else list(kvks)
    for kvk in wanted:
        if kvk not in current.row or kvk not in classes:
            raise PassportError(
                f"KvK number {kvk} is not a responding firm of wave {wave.year}; check the "
                "number (only firms with a complete response get a passport)"
            )
    earlier = _earlier(wave, definition)
    problems = check_barometer(
        definition,
        _questionnaires(
            wave, definition, [current.instrument, *(ew.instrument for ew, _ in earlier)]
        ),
    )
    if problems:
        raise PassportRulesError("\n".join(problems))
    n = len(current.records)
    weights = np.array([classes[r["kvk"]]["weight"] for r in current.records], float)
    data = current.data
    # what the build made of each firm: its ladder level and typology flags, as variables
    firm_flags = [_flags(classes[r["kvk"]], flag_ids) for r in current.records]
    levels = [classes[r["kvk"]]["level"] for r in current.records]
    data.setdefault(
        "ladder_level", np.array([np.nan if v is None else float(v) for v in levels], float)
    )
    for flag in flag_ids:
        data.setdefault(
            flag,
            np.array([np.nan if f[flag] is None else float(f[flag]) for f in firm_flags], float),
        )
    min_n = definition.disclosure_rule().min_n
    catalogue = {i.id: i for i in definition.indicators}
    summary = build.summary or {}
    not_asked = set(summary.get("not_asked") or [])
    indicators, left_out = [], []
    for ind_id in rules.indicators:
        ind = catalogue[ind_id]
        if ind.id in not_asked or any(v not in data for v in ind.variables):
            left_out.append(ind.id)  # not asked in this wave: never a 0
        else:
            indicators.append(ind)

    # the peer group of every firm: the first step whose group has enough responding firms
    counts: list[dict[tuple, int]] = []
    keys_by_step: list[list[tuple | None]] = []
    for step in rules.steps:
        keys = [_key(current.domains, step, i) for i in range(n)]
        c: dict[tuple, int] = {}
        for k in keys:
            if k is not None:
                c[k] = c.get(k, 0) + 1
        counts.append(c)
        keys_by_step.append(keys)
    chosen = np.zeros(n, dtype=int)
    for i in range(n):
        for s, keys in enumerate(keys_by_step):
            k = keys[i]
            if k is not None and (counts[s][k] >= rules.min_firms or not rules.steps[s]):
                chosen[i] = s
                break

    # percentiles of the means, within every firm's peer group (all the firms of that group,
    # whichever step their own passport uses) and within the region
    def as_array(keys: Sequence[tuple | None]) -> np.ndarray:
        arr = np.empty(n, dtype=object)
        for i, k in enumerate(keys):
            arr[i] = k
        return arr

    step_keys = [as_array(keys) for keys in keys_by_step]
    region_keys = as_array([()] * n)
    rows_ = np.arange(n)
    pct_peer: dict[str, np.ndarray] = {}
    pct_region: dict[str, np.ndarray] = {}
    for ind in indicators:
        if ind.kind == "mean":
            values = np.asarray(data[str(ind.variable)], float)
            by_step = np.vstack(
                [group_percentiles(values, weights, keys, min_n) for keys in step_keys]
            )
            pct_peer[ind.id] = by_step[chosen, rows_]
            pct_region[ind.id] = group_percentiles(values, weights, region_keys, min_n)

    # the build's estimates for every domain a peer group can be
    order = definition.domain_ids
    domains = {"*".join(_domain(step, order)) for step in rules.steps}
    estimates: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in BuildEstimate.objects.filter(
        build=build, indicator__in=[i.id for i in indicators], domain__in=domains
    ).values(
        "indicator", "domain", "domain_value", "estimate", "ci_low", "ci_high", "n", "suppressed"
    ):
        estimates[(e["indicator"], e["domain"], e["domain_value"])] = e

    def aggregate(ind_id: str, step: Sequence[str], key: tuple) -> dict[str, Any] | None:
        cols = _domain(step, order)
        by_col = dict(zip(step, key, strict=True))
        e = estimates.get((ind_id, "*".join(cols), "*".join(str(by_col[c]) for c in cols)))
        if e is None:
            return None
        if e["suppressed"] or e["estimate"] is None:
            return {"suppressed": True, "n": e["n"]}
        return {
            "estimate": e["estimate"],
            "ci_low": e["ci_low"],
            "ci_high": e["ci_high"],
            "n": e["n"],
            "suppressed": False,
        }

    # the region's pyramid: the weighted share of the region's SMEs at each level
    level_weight: dict[str, float] = {}
    for r, w in zip(current.records, weights, strict=True):
        lid = classes[r["kvk"]]["level_id"]
        if lid:
            level_weight[lid] = level_weight.get(lid, 0.0) + float(w)
    known = sum(level_weight.values())
    pyramid = {k: 100.0 * v / known for k, v in level_weight.items()} if known else {}

    suggester = Suggester(build, current.data, current.records, rules, definition)
    roles = definition.complementarity
    comp = summary.get("complementarity") if roles is not None else None
    if not isinstance(comp, dict) or not (comp.get("sentence_nl") or comp.get("sentence_en")):
        comp = None  # no such role, or the build has no finding: no sentence
    languages = dict(
        Response.objects.filter(wave=wave, firm__kvk__in=wanted).values_list(
            "firm__kvk", "language"
        )
    )
    out = []
    for count, kvk in enumerate(wanted, 1):
        i = current.row[kvk]
        fc = classes[kvk]
        s = int(chosen[i])
        step = rules.steps[s]
        key = keys_by_step[s][i]
        before = next(((ew, lv) for ew, lv in earlier if kvk in ew.row), None)
        rows = []
        for ind in indicators:
            var = str(ind.variable)
            row = {
                "id": ind.id,
                "kind": ind.kind,
                "own": _num(data[var][i]),
                "peer": aggregate(ind.id, step, key),
                "region": aggregate(ind.id, (), ()),
            }
            if ind.kind == "mean":
                row["pct_peer"] = _num(pct_peer[ind.id][i])
                row["pct_region"] = _num(pct_region[ind.id][i])
            if before is not None:
                ew = before[0]
                row["before"] = _num(ew.data[var][ew.row[kvk]]) if var in ew.data else None
            rows.append(row)
        facts = facts_of(data, i, current.records[i])
        passport = {
            "year": wave.year,
            "build": build.pk,
            "kvk": kvk,
            "region": wave.region.code,
            "synthetic": wave.is_synthetic,
            "peer": {
                "step": s,
                "columns": list(step),
                "values": [str(v) for v in key],
                "firms": counts[s][key] if step else n,
                "widened": s > 0,
                "min_firms": rules.min_firms,
                # the narrowest group, the one the firm would have been compared with
                "own_columns": list(rules.steps[0]),
                "own_values": None
                if keys_by_step[0][i] is None
                else [str(v) for v in keys_by_step[0][i]],
                "own_firms": 0 if keys_by_step[0][i] is None else counts[0][keys_by_step[0][i]],
            },
            "respondents": n,
            "indicators": rows,
            "not_asked": left_out,
            "level": fc["level_id"] or None,
            "flags": firm_flags[i],
            "pyramid": pyramid,
            "previous": None
            if before is None
            else {"year": before[0].wave.year, "level": before[1].get(kvk) or None},
            "instruments": instruments_for(facts, current.records[i]),
            "initiatives": suggester.suggest(i, fc["level_id"] or None),
            "complementarity": None
            if comp is None or roles is None
            else {
                "applies": facts.get(roles.investment) == 1 and facts.get(roles.collaboration) == 0,
                "verdict": comp.get("verdict"),
                "delta_pp": comp.get("delta_pp"),
                "sentence_nl": comp.get("sentence_nl"),
                "sentence_en": comp.get("sentence_en"),
            },
        }
        out.append(
            FirmPassport(
                firm_id=fc["firm_id"],
                kvk=kvk,
                language=_language(languages.get(kvk)),
                data=passport,
            )
        )
        on_progress(count)
    return out
