"""Survey statistics — PURE: numpy in, numbers out; never Django, a database or a file.

- ``make_design``: weights, strata, one- or two-stage clusters, finite population corrections.
- ``estimate``: totals, means, proportions, ratios, quantiles for the population and domains,
  with Taylor-linearised or replicate variances, CIs, CVs, n and suppression flags.
- ``jk1``, ``jkn``, ``bootstrap``, ``supplied``: replicate designs.
- ``postStratify``-like weighting lives in ``innomon.stats.weighting``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .design import Design, DesignError, make_design
from .disclosure import DisclosureRule, secondary_suppression
from .estimate import estimate, weighted_quantiles
from .replicate import ReplicateDesign, bootstrap, jk1, jkn, supplied
from .results import Estimate

__all__ = [
    "Design",
    "DesignError",
    "DisclosureRule",
    "Estimate",
    "ReplicateDesign",
    "SampleShare",
    "bootstrap",
    "estimate",
    "jk1",
    "jkn",
    "make_design",
    "sample_share",
    "secondary_suppression",
    "supplied",
    "weighted_quantiles",
]


@dataclass(frozen=True)
class SampleShare:
    """An unweighted share of the sample: ``estimate`` in [0, 1] (None when ``n`` is 0)."""

    estimate: float | None
    n: int
    n_missing: int

    @property
    def percent(self) -> float | None:
        return None if self.estimate is None else 100.0 * self.estimate


def sample_share(values: Sequence[bool | None]) -> SampleShare:
    """Share of True among the non-missing ``values``; missing (None) are excluded and counted."""
    arr = np.array([np.nan if v is None else float(bool(v)) for v in values], dtype=float)
    missing = np.isnan(arr)
    valid = arr[~missing]
    n = int(valid.size)
    return SampleShare(float(valid.mean()) if n else None, n, int(missing.sum()))
