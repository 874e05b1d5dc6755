"""Grouped sums over rows: the one primitive the variance engines are built on."""

from __future__ import annotations

import numpy as np


def codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..k-1 for ``values`` (sorted order of the distinct values) and the values."""
    values = np.asarray(values)
    if values.dtype.kind in "iu" and values.size:
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * values.size:  # a table of the range: linear, no sort
            seen = np.zeros(high - low + 1, dtype=bool)
            seen[values - low] = True
            rank = np.cumsum(seen) - 1
            return rank[values - low].astype(np.int64), (np.flatnonzero(seen) + low).astype(
                values.dtype
            )
    uniq, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), uniq


def group_sum(x: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``x`` (n, or n × k) by ``group`` codes in 0..n_groups-1."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        return np.bincount(group, weights=x, minlength=n_groups)
    k = x.shape[1]
    if k == 1:
        return np.bincount(group, weights=x[:, 0], minlength=n_groups)[:, None]
    if n_groups == x.shape[0] and (
        n_groups == 0 or np.bincount(group, minlength=n_groups).max() == 1
    ):
        out = np.empty_like(x)  # every group has one row (e.g. each firm its own PSU)
        out[group] = x
        return out
    if k and n_groups * k <= 50_000_000 and x.shape[0] * k <= 50_000_000:
        # one bincount over (group, column) pairs: no sort, linear in the data
        if x.flags.f_contiguous and not x.flags.c_contiguous:
            idx = (np.arange(k)[:, None] * n_groups + group[None, :]).ravel()
            flat = np.bincount(idx, weights=x.ravel(order="F"), minlength=n_groups * k)
            return flat.reshape(k, n_groups).T
        idx = (group[:, None] * k + np.arange(k)).ravel()
        return np.bincount(idx, weights=x.ravel(), minlength=n_groups * k).reshape(n_groups, k)
    order = np.argsort(group, kind="stable")
    g = group[order]
    out = np.zeros((n_groups, x.shape[1]))
    if g.size == 0:
        return out
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out[g[starts]] = np.add.reduceat(x[order], starts, axis=0)
    return out


def combine(a: np.ndarray, b: np.ndarray, n_b: int) -> np.ndarray:
    """Codes of the pairs (a, b), with b in 0..n_b-1, compacted to 0..k-1 (sorted by a, then b)."""
    key = a.astype(np.int64) * n_b + b
    return np.unique(key, return_inverse=True)[1].reshape(-1)
