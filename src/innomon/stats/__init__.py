"""Survey statistics — PURE: numpy in, numbers out; never Django, a database or a file.

- ``make_design``: weights, strata, one- or two-stage clusters, finite population corrections.
- ``estimate``: totals, means, proportions, ratios, quantiles for the population and domains,
  with Taylor-linearised or replicate variances, CIs, CVs, n and suppression flags.
- ``jk1``, ``jkn``, ``bootstrap``, ``supplied``: replicate designs.
- ``postStratify``-like weighting lives in ``innomon.stats.weighting``.
"""

from __future__ import annotations

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
    "bootstrap",
    "estimate",
    "jk1",
    "jkn",
    "make_design",
    "secondary_suppression",
    "supplied",
    "weighted_quantiles",
]
