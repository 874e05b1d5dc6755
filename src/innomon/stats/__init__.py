"""Survey statistics — PURE: numpy in, numbers out; never Django, a database or a file.

The full design-based engine (weights, Taylor and replicate variances) is the statistics issue's;
for now this holds the unweighted sample share used by the walking skeleton, which reports its n
and its missing values so that nothing is silently turned into a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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
