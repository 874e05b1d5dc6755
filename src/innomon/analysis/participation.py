"""Participation in collaboration initiatives along the innovation ladder — design-based.

- ``level_shares``: the share of the region's SMEs on every ladder level (the weighted
  innovation pyramid), with CIs;
- ``participation_by_level``: the participation rate of every ladder level, with CIs;
- ``level_contrast`` / ``trend_test``: a linear contrast of the level rates with its design
  SE — the trend test uses centred level scores, giving the least-squares slope of the rates on
  the score (percentage points per level) and a two-sided p-value;
- ``initiatives_per_firm``: the mean number of initiatives per firm and per participant;
- ``types_by_level``: the percentage of each level in each initiative type;
- ``top_without_collaboration``: the share of top innovators that reach the top without taking
  part in any initiative.

``data`` holds the wave's per-firm variables plus ``typology.class_columns``; the variables the
analyses read are parameters (the monitor definition's ``roles.participation`` names them; the
defaults are the Northern Netherlands monitor's). ``design`` is a ``Design`` (Taylor) or
``ReplicateDesign`` over the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from innomon.stats import Design, DisclosureRule, ReplicateDesign
from innomon.stats.replicate import replicate_variance
from innomon.stats.taylor import calibrated_influence, variance

from .indicators import IndicatorEstimate, estimate_means, estimate_shares

LEVEL = "ladder_level"
PARTICIPANT = "participant"
TYPES = ("in_network", "in_test_environment", "in_incubator")


def level_shares(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    level: str = LEVEL,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """The percentage of firms on each ladder level among the firms whose level is decided
    (indicator ``ladder_share``, domain ``((level, score),)``), lowest level first, with logit
    CIs; firms with an undecided level are left out (counted in no level)."""
    scores = np.asarray(data[level], dtype=float)
    known = ~np.isnan(scores)
    out = []
    for score in np.unique(scores[known]):
        name = f"{level}_is_{score:g}"
        column = np.where(known, (scores == score).astype(float), np.nan)
        (e,) = estimate_shares({name: column}, design, [name], disclosure=disclosure)
        out.append(replace(e, indicator="ladder_share", domain=((level, f"{score:g}"),)))
    return out


def participation_by_level(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    level: str = LEVEL,
    participant: str = PARTICIPANT,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """The percentage of firms taking part in ≥ 1 initiative: first in the whole region, then
    in every ladder level (domain ``((level, score),)``), with logit CIs."""
    return estimate_shares(data, design, [participant], [(), (level,)], disclosure=disclosure)


@dataclass(frozen=True)
class Contrast:
    """Σ_k c_k·θ_k over the level means θ_k (in ``scale`` units), its design SE, 95 % interval,
    z statistic and two-sided p-value (normal reference, as for every mean of the engine)."""

    levels: tuple[float, ...]
    coefficients: tuple[float, ...]
    means: tuple[float, ...]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float


def _level_means(
    y: np.ndarray, groups: list[np.ndarray], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of ``y`` in each group (rows masks) and the groups' weight sums, for one
    weight vector (n) or one per replicate (n × R)."""
    w = weights if weights.ndim == 2 else weights[:, None]
    totals = np.array([(w[g] * y[g, None]).sum(axis=0) for g in groups])
    sizes = np.array([w[g].sum(axis=0) for g in groups])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = totals / sizes
    return (means[:, 0], sizes[:, 0]) if weights.ndim == 1 else (means, sizes)


def level_contrast(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    coefficients: Mapping[float, float],
    *,
    outcome: str = PARTICIPANT,
    level: str = LEVEL,
    scale: float = 100.0,
) -> Contrast:
    """The linear contrast Σ c_k·θ_k of the weighted means θ_k of ``outcome`` in the levels
    (``coefficients`` maps a level value to c_k), times ``scale`` (100: a 0/1 outcome in
    percentage points). Its variance is design-based. Taylor: the influence values of the level
    means combined, z_i = Σ_k c_k·w_i(y_i − θ_k)·[i ∈ k]/Ŵ_k, go through the one variance
    engine (residualised first for a calibrated design). Replicates: the contrast is recomputed
    with every replicate's weights."""
    y = np.asarray(data[outcome], dtype=float)
    lev = np.asarray(data[level], dtype=float)
    ok = ~np.isnan(y) & ~np.isnan(lev)
    keys = sorted(coefficients)
    c = np.array([coefficients[k] for k in keys], dtype=float)
    groups = [ok & (lev == k) for k in keys]
    empty = [k for k, g in zip(keys, groups, strict=True) if not g.any()]
    if empty:
        raise ValueError(f"no firm with a value of '{outcome}' at {level} = {empty[0]:g}")
    y0 = np.where(ok, y, 0.0)
    means, sizes = _level_means(y0, groups, design.weights)
    est = float(c @ means)
    if isinstance(design, ReplicateDesign):
        reps, _ = _level_means(y0, groups, design.replicate_weights())
        var = float(replicate_variance((c @ reps)[None, :], np.array([est]), design)[0])
    else:
        z = np.zeros(design.n)
        for ck, g, m, s in zip(c, groups, means, sizes, strict=True):
            z[g] += ck * design.weights[g] * (y[g] - m) / s
        z = z[:, None]
        if design.is_calibrated:
            z = calibrated_influence(z, design)
        var = float(variance(z, design, present=ok[:, None])[0, 0])
    se = math.sqrt(max(var, 0.0))
    crit = float(ndtri(0.975))
    stat = est / se if se > 0 else math.nan
    p = float(2 * ndtr(-abs(stat))) if se > 0 else math.nan
    return Contrast(
        tuple(float(k) for k in keys),
        tuple(float(x) for x in c),
        tuple(float(scale * m) for m in means),
        scale * est,
        scale * se,
        scale * (est - crit * se),
        scale * (est + crit * se),
        stat,
        p,
    )


def trend_test(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    outcome: str = PARTICIPANT,
    level: str = LEVEL,
    scale: float = 100.0,
) -> Contrast:
    """Test of a linear trend of ``outcome`` across the ladder: the slope of the level means on
    the level score, Σ c_k·θ_k with c_k = (s_k − s̄)/Σ(s_j − s̄)² over the levels present (each
    level counts once, whatever its size), in percentage points per level, with its design SE
    and a two-sided p-value for H0: no linear trend."""
    y = np.asarray(data[outcome], dtype=float)
    lev = np.asarray(data[level], dtype=float)
    scores = np.unique(lev[~np.isnan(y) & ~np.isnan(lev)])
    if scores.size < 2:
        raise ValueError(f"a trend needs at least two levels of '{level}' with data")
    centred = scores - scores.mean()
    coefficients = centred / (centred @ centred)
    return level_contrast(
        data,
        design,
        dict(zip(scores.tolist(), coefficients.tolist(), strict=True)),
        outcome=outcome,
        level=level,
        scale=scale,
    )


def initiatives_per_firm(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    by: Sequence[tuple[str, ...]] = ((),),
    count: str = "n_initiatives",
    per_participant: str = "n_initiatives_participants",
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """The mean number of initiatives per firm (``count``: all firms, 0 for non-participants)
    and per participant (``per_participant``), in every cell of ``by`` (e.g.
    ``[(), ("ladder_level",)]``)."""
    return estimate_means(data, design, [count, per_participant], by, disclosure=disclosure)


def types_by_level(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    level: str = LEVEL,
    types: Sequence[str] = TYPES,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """The percentage of the firms of each ladder level (and of all firms) taking part in each
    initiative type (``in_network``, ``in_test_environment``, ``in_incubator``)."""
    return estimate_shares(data, design, list(types), [(), (level,)], disclosure=disclosure)


def top_without_collaboration(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    top: str = "top",
    collaboration: str = PARTICIPANT,
    disclosure: DisclosureRule | None = None,
) -> IndicatorEstimate:
    """The percentage of top innovators (``top`` = 1) that did not take part in any initiative
    (``collaboration`` = 0), with its logit CI: a domain estimate over the top innovators (the
    variance uses the whole design). Top innovators whose participation is unknown are left
    out. ``indicator`` is ``'top_without_collaboration'``."""
    is_top = np.asarray(data[top], dtype=float)
    collab = np.asarray(data[collaboration], dtype=float)
    alone = np.where(is_top == 1, 1.0 - collab, np.nan)
    name = "top_without_collaboration"
    (row,) = estimate_shares({name: alone}, design, [name], [()], disclosure=disclosure)
    return row
