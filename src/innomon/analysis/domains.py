"""Reporting domains as columns: a questionnaire variable as it is, grouped, or cut into classes.

The domains are the monitor definition's (``monitor.yaml`` ``domains``); ``innomon.builds``
turns them into the small records of this module (``DomainSpec``), since the pure analysis never
reads a definition itself. ``domain_columns`` gives one object column per domain: the code of the
firm's value, group or class, None when the variable is unknown or falls in no group or class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from innomon.stats.labels import category_labels


@dataclass(frozen=True)
class DomainSpec:
    """One domain: its id (the column it becomes), the variable it reads, and either
    ``groups`` — (group code, the variable's values it collects) — or ``classes`` — (class code,
    low, high): low ≤ x < high, no upper bound when high is None — or neither (the values as
    they are)."""

    id: str
    variable: str
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    classes: tuple[tuple[str, float, float | None], ...] = ()

    def __post_init__(self) -> None:
        if self.groups and self.classes:
            raise ValueError(f"domain '{self.id}': give groups or classes, not both")


def _column(data: Mapping[str, Any], spec: DomainSpec, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = None
    if spec.variable not in data:
        return out
    values = np.asarray(data[spec.variable])
    if spec.classes:
        if values.dtype.kind not in "fiub":
            raise ValueError(
                f"domain '{spec.id}': the variable '{spec.variable}' is not a number; classes "
                "need one"
            )
        x = values.astype(float)
        for code, low, high in spec.classes:
            below = np.ones(n, dtype=bool) if high is None else x < high
            out[(x >= low) & below] = code  # NaN compares False: no class
        return out
    labels = category_labels(values)
    if not spec.groups:
        return labels
    by_value = {v: code for code, members in spec.groups for v in members}
    out[:] = [None if v is None else by_value.get(v) for v in labels]
    return out


def domain_columns(
    data: Mapping[str, Any], domains: Sequence[DomainSpec], n: int | None = None
) -> dict[str, np.ndarray]:
    """A column per domain (object arrays, None unknown) from the variables ``data``; a domain
    whose variable ``data`` lacks is unknown for every row. ``n`` (the number of rows) is taken
    from ``data`` unless given."""
    if n is None:
        n = len(next(iter(data.values()))) if data else 0
    return {spec.id: _column(data, spec, n) for spec in domains}
