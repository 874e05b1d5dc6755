"""Weighting a wave to its population frame.

The respondents are a self-selected few hundred of the region's SMEs. Their weights are raked to
the frame's margins — province, size class and SBI section group — of the wave's year (or the
latest earlier frame): every respondent starts with weight N/n, and iterative proportional
fitting makes the weighted counts meet each margin. Margin cells without respondents are
collapsed into their neighbour (documented in the build). For variances the design is treated as
stratified by province × size class, with every firm its own PSU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from innomon.definition import load_definition
from innomon.errors import InputError, Problem
from innomon.registry.models import FrameCell
from innomon.stats import bootstrap, make_design
from innomon.stats.weighting import diagnostics, rake
from innomon.survey.models import Wave

SECTION = "sbi_section"


def section_groups() -> dict[str, str]:
    """SBI section → the sector group of the weighting margin: the groups of the monitor
    definition's domain over ``sbi_section`` (one definition for the margins and the
    domains); without such a domain each section is its own group."""
    for domain in load_definition().domains:
        if domain.variable == SECTION and domain.groups:
            return {v.upper(): g.code for g in domain.groups for v in g.values}
    return {}


@dataclass(frozen=True)
class Weighted:
    design: Any
    margins: dict[str, dict[str, float]]
    report: dict[str, Any]
    replicates: Any = None  # the same weighting repeated on bootstrap replicates (for models)


def frame_year(wave: Wave) -> int:
    years = sorted(
        set(
            FrameCell.objects.filter(region=wave.region, year__lte=wave.year).values_list(
                "year", flat=True
            )
        )
    )
    if not years:
        raise InputError(
            [
                Problem(
                    f"wave {wave.year}",
                    None,
                    "frame",
                    "there is no population frame for this year or before; load "
                    "one with `innomon frame import`",
                )
            ]
        )
    return years[-1]


def _margins(wave: Wave, year: int) -> dict[str, dict[str, float]]:
    from innomon.registry.models import Corop, Municipality, Province

    province_of = {c.code: c.province.code for c in Corop.objects.select_related("province")}
    province_of.update(
        {
            m.code: m.corop.province.code
            for m in Municipality.objects.select_related("corop__province")
        }
    )
    province_of.update({p.code: p.code for p in Province.objects.all()})
    groups = section_groups()
    margins: dict[str, dict[str, float]] = {"province": {}, "size_class": {}, "section_group": {}}
    for cell in FrameCell.objects.filter(region=wave.region, year=year):
        prov = province_of[cell.unit_code]
        margins["province"][prov] = margins["province"].get(prov, 0) + cell.count
        margins["size_class"][cell.size_class] = margins["size_class"].get(cell.size_class, 0) + (
            cell.count
        )
        group = groups.get(cell.sbi_section, cell.sbi_section)
        margins["section_group"][group] = margins["section_group"].get(group, 0) + cell.count
    return margins


def _collapse(values: np.ndarray, population: dict[str, float]) -> tuple[np.ndarray, dict, list]:
    """Merge population cells without respondents into the largest respondent cell."""
    present = set(values.tolist())
    merged, notes = dict(population), []
    empty = [k for k in population if k not in present]
    if empty:
        target = max((k for k in population if k in present), key=lambda k: population[k])
        for k in empty:
            merged[target] += merged.pop(k)
            notes.append(f"{k} → {target}")
    return values, merged, notes


def weight_wave(
    wave: Wave, data: dict[str, np.ndarray], replicates: int = 0, seed: int = 0
) -> Weighted:
    """Rake the respondents in ``data`` (columns ``province``, ``size_class``, ``sbi_section``)
    to the frame; the result's design carries the calibrated variance."""
    year = frame_year(wave)
    margins = _margins(wave, year)
    n = len(data["province"])
    groups = section_groups()
    data["section_group"] = np.array([groups.get(s, s) for s in data["sbi_section"]], dtype=object)
    notes: dict[str, list[str]] = {}
    ready = []
    for name in ("province", "size_class", "section_group"):
        values, pop, merged = _collapse(np.asarray(data[name], dtype=object), margins[name])
        if merged:
            notes[name] = merged
            inverse = {k: k for k in pop}
            for m in merged:
                src, dst = m.split(" → ")
                inverse[src] = dst
            values = np.array([inverse.get(v, v) for v in values], dtype=object)
        ready.append((name, values, pop))
    total = sum(margins["province"].values())
    strata = np.array(
        [f"{p}/{s}" for p, s in zip(data["province"], data["size_class"], strict=True)],
        dtype=object,
    )
    base = make_design(weights=np.full(n, total / n), strata=strata, lonely_psu="certainty")
    raked, rep = rake(base, ready)
    replicate_design = None
    if replicates:
        replicate_design, _ = rake(bootstrap(base, replicates, seed=seed), ready)
    report = {
        "frame_year": year,
        "method": "raking",
        "margins": list(margins),
        "sweeps": rep.sweeps,
        "converged": rep.converged,
        "max_margin_error": rep.max_margin_error,
        "collapsed": notes,
        "diagnostics": diagnostics(raked.weights).__dict__,
        "population": total,
    }
    if replicates:
        report["replicates"] = {
            "kind": "bootstrap (Rao–Wu), raked per replicate",
            "replicates": replicates,
            "seed": seed,
        }
    return Weighted(raked, margins, report, replicate_design)


def __getattr__(name: str) -> Any:
    # ``SECTION_GROUPS`` (a constant before issue 14) for callers that still import it: the
    # groups of the active definition, read when asked for.
    if name == "SECTION_GROUPS":
        return section_groups()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
