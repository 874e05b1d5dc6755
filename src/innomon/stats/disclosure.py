"""Disclosure control: which estimates may be published.

Primary suppression: a cell with fewer than ``min_n`` responding units, or — for totals — one
where the ``dominance_n`` largest contributions make up more than ``dominance_k`` of the total
(the (n, k) dominance rule). Secondary suppression: in a published table with margins, a
suppressed cell must not be recoverable by subtraction, so every row and column (margin
included) that has exactly one suppressed cell gets a second one — the smallest remaining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DisclosureRule:
    min_n: int = 10
    dominance_n: int = 2
    dominance_k: float = 0.85


def flag(
    n: int, statistic: str, top_share: float | None, rule: DisclosureRule
) -> tuple[bool, str | None]:
    """(suppressed, reason) for one estimate."""
    if n < rule.min_n:
        return True, f"n={n} < {rule.min_n}"
    if statistic == "total" and top_share is not None and top_share > rule.dominance_k:
        return True, (
            f"dominance: {rule.dominance_n} largest units give "
            f"{100 * top_share:.0f}% > {100 * rule.dominance_k:.0f}%"
        )
    return False, None


def secondary_suppression(primary: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Complementary suppression for a table whose row and column totals are published.

    ``primary`` (r × c, bool) marks primary suppressions, ``size`` (r × c) the cells' n (the
    smallest cells are sacrificed first). Returns all suppressions: in every row and column
    of the table, either no cell or at least two cells are suppressed. A 1-way table is a
    single row (1 × c).
    """
    out = np.asarray(primary, bool).copy()
    size = np.asarray(size, float)
    if out.ndim == 1:
        out, size = out[None, :], size[None, :]
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            counts = out.sum(axis=axis)
            lines = np.flatnonzero(counts == 1)
            for line in lines:
                cells = out[line] if axis == 1 else out[:, line]
                sizes = size[line] if axis == 1 else size[:, line]
                candidates = np.flatnonzero(~cells)
                if candidates.size == 0:
                    continue
                pick = candidates[np.argmin(sizes[candidates])]
                if axis == 1:
                    out[line, pick] = True
                else:
                    out[pick, line] = True
                changed = True
    return out.reshape(np.shape(primary))
