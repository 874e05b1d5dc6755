"""Trends: how estimates change from one wave to the next, and how panel firms move on the
innovation ladder.

A change between waves is tested as the difference of two design-based estimates with
SE = √(SE₁² + SE₂²), treating the waves as independent samples. Panel firms answer in both waves
(about a third of them), which makes the two estimates positively correlated: the true SE of the
difference is then smaller, so this test is conservative (it errs towards "no change").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri


@dataclass(frozen=True)
class Change:
    indicator: str
    domain: str
    domain_value: str
    before: float
    after: float
    difference: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float


def changes(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]], level: float = 0.95
) -> list[Change]:
    """Changes of every estimate present in both waves (rows with ``indicator``, ``domain``,
    ``domain_value``, ``estimate``, ``se``, ``suppressed``); suppressed or missing estimates
    are left out."""
    crit = float(ndtri(1 - (1 - level) / 2))
    old = {(r["indicator"], r["domain"], r["domain_value"]): r for r in before}
    out = []
    for r in after:
        key = (r["indicator"], r["domain"], r["domain_value"])
        b = old.get(key)
        if b is None or r["suppressed"] or b["suppressed"]:
            continue
        values = (b["estimate"], b["se"], r["estimate"], r["se"])
        if any(v is None or not math.isfinite(v) for v in values):
            continue
        diff = r["estimate"] - b["estimate"]
        se = math.hypot(b["se"], r["se"])
        p = float(2 * ndtr(-abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
        out.append(
            Change(
                key[0],
                key[1],
                key[2],
                b["estimate"],
                r["estimate"],
                diff,
                se,
                diff - crit * se,
                diff + crit * se,
                p,
            )
        )
    return out


@dataclass(frozen=True)
class Transitions:
    """Panel firms by ladder level in the earlier (rows) and later (columns) wave."""

    levels: tuple[int, ...]
    counts: np.ndarray
    panel_firms: int

    @property
    def row_shares(self) -> np.ndarray:
        totals = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, self.counts / totals, np.nan)

    @property
    def moved_up(self) -> int:
        return int(np.triu(self.counts, 1).sum())

    @property
    def moved_down(self) -> int:
        return int(np.tril(self.counts, -1).sum())


def transitions(
    before: Mapping[str, int | None], after: Mapping[str, int | None], levels: Sequence[int]
) -> Transitions:
    """The transition matrix of the firms (by KvK number) with a known level in both waves."""
    index = {lev: i for i, lev in enumerate(levels)}
    counts = np.zeros((len(levels), len(levels)), dtype=int)
    panel = 0
    for kvk, old in before.items():
        new = after.get(kvk)
        if old is None or new is None or old not in index or new not in index:
            continue
        counts[index[old], index[new]] += 1
        panel += 1
    return Transitions(tuple(levels), counts, panel)
