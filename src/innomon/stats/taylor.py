"""Taylor-linearisation variance: one engine for every estimator (R survey's ``svyrecvar``).

Estimators hand over their influence values ``z`` (n × k): the variance of the estimate is the
design-based variance of the total of ``z``. Domains do not need columns of their own: every row
belongs to at most one cell of a classification (``cell``), and the engine sums influence values
by (PSU, cell), so the cost grows with the rows, not with rows × cells.

Stage 1 (Lumley 2010, §2.2; R ``onestrat``): for stratum h with n_h sampled PSUs with totals
t_hi, V_h = f_h · n_h/(n_h − 1) · Σ_i (t_hi − t̄_h)², f_h = (N_h − n_h)/N_h (1 without fpc),
t̄_h = Σ_i t_hi / n_h over all n_h PSUs (those without rows in the cell count as 0).
Stage 2, only with a stage-1 fpc: Σ_PSUs (n_h/N_h) · V_within-PSU, the same formula over SSUs.
"""

from __future__ import annotations

import numpy as np

from ._groups import group_sum
from .design import Design, DesignError, Stage

SELF_REPRESENTING = 1e-7


def _stage_variance(
    z: np.ndarray,
    cell: np.ndarray,
    n_cells: int,
    present: np.ndarray | None,
    stage: Stage,
    lonely: str,
    stage_no: int,
    multiplier: np.ndarray | None,
) -> np.ndarray:
    n_vars = z.shape[1]
    units = stage.n_unit_codes
    key = stage.unit * n_cells + cell
    k_codes, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.reshape(-1)
    t = group_sum(z, inverse, k_codes.size)
    k_unit = k_codes // n_cells
    k_cell = k_codes % n_cells
    stratum_of_unit = np.zeros(units, dtype=np.int64)
    stratum_of_unit[stage.unit] = stage.stratum
    k_h = stratum_of_unit[k_unit]
    hc_codes, inv2 = np.unique(k_h * n_cells + k_cell, return_inverse=True)
    inv2 = inv2.reshape(-1)
    s1 = group_sum(t, inv2, hc_codes.size)
    h = hc_codes // n_cells
    c = hc_codes % n_cells
    # Σ over all n_h PSUs of (t − t̄)², in two passes for accuracy: the PSUs with rows here,
    # plus (n_h − those) PSUs whose total in this cell is 0
    mean = s1 / stage.n_units[h].astype(float)[:, None]
    dev = t - mean[inv2]
    with_rows = np.bincount(inv2, minlength=hc_codes.size).astype(float)[:, None]
    ss = (
        group_sum(dev * dev, inv2, hc_codes.size)
        + (stage.n_units[h].astype(float)[:, None] - with_rows) * mean * mean
    )
    if present is None:
        pres = np.ones((hc_codes.size, n_vars), dtype=bool)
    else:
        pres = group_sum(present.astype(float), inverse, k_codes.size)
        pres = group_sum(pres, inv2, hc_codes.size) > 0
    n_h = stage.n_units[h].astype(float)[:, None]
    f_h = stage.fpc_factor[h][:, None]
    block = stage.parent[h]  # the unit of the previous stage the stratum lies in (-1: none)
    block_codes, block_inv = np.unique(block * n_cells + c, return_inverse=True)
    block_inv = block_inv.reshape(-1)

    var = np.zeros((hc_codes.size, n_vars))
    normal = n_h[:, 0] > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = f_h * n_h / (n_h - 1)
        var[normal] = (scale * ss)[normal]
    lonely_rows = (~normal) & (f_h[:, 0] >= SELF_REPRESENTING)
    nok = np.ones_like(var, dtype=bool)
    if lonely_rows.any():
        hit = lonely_rows[:, None] & pres
        if lonely == "fail" and hit.any():
            s = int(h[np.flatnonzero(hit.any(axis=1))[0]])
            raise DesignError(
                f"stratum {stage.labels[s]} has only one PSU at stage {stage_no}; choose another "
                "lonely-PSU rule (remove, certainty, adjust or average) or merge the stratum"
            )
        if lonely == "adjust":
            # centre the lonely PSU at the average PSU total of the strata present
            tot = group_sum(s1 * pres, block_inv, block_codes.size)
            npsu = group_sum(n_h * pres, block_inv, block_codes.size)
            with np.errstate(invalid="ignore", divide="ignore"):
                centre = np.where(npsu > 0, tot / npsu, 0.0)[block_inv]
            adj = f_h * (s1 - centre) ** 2
            var[lonely_rows] = adj[lonely_rows]
        elif lonely == "average":
            nok[lonely_rows] = False
    var = np.where(pres, var, 0.0)
    if multiplier is not None:
        var = var * multiplier[h][:, None]
    if lonely == "average":
        n_strat = group_sum(pres.astype(float), block_inv, block_codes.size)
        n_ok = group_sum((pres & nok).astype(float), block_inv, block_codes.size)
        by_block = group_sum(np.where(nok, var, 0.0), block_inv, block_codes.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            by_block = np.where(
                n_ok > 0, by_block * n_strat / n_ok, np.where(n_strat > 0, np.nan, 0)
            )
        return group_sum(by_block, block_codes % n_cells, n_cells)
    return group_sum(var, c, n_cells)


def variance(
    z: np.ndarray,
    design: Design,
    cell: np.ndarray | None = None,
    n_cells: int = 1,
    present: np.ndarray | None = None,
) -> np.ndarray:
    """Variances of the totals of the columns of ``z`` within each cell: (n_cells × k).

    ``cell`` gives each row's cell (0..n_cells-1, or -1 for rows in none); ``present`` marks the
    rows that belong to the subpopulation of each column (non-missing, in the cell), used where
    R survey looks at which strata and PSUs a subset contains (lonely-PSU rules). Influence
    values of calibrated designs must be residualised first (``calibrated_influence``).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    if cell is None:
        cell = np.zeros(design.n, dtype=np.int64)
    keep = cell >= 0
    if not keep.all():
        z, cell = z[keep], cell[keep]
        present = None if present is None else present[keep]
        design = _subset_rows(design, keep)
    first = design.stages[0]
    v = _stage_variance(z, cell, n_cells, present, first, design.lonely_psu, 1, None)
    if len(design.stages) > 1 and first.has_fpc:
        second = design.stages[1]
        rate = first.n_units / first.popsize  # stage-1 sampling fraction n_h/N_h
        parent_rate = np.zeros(second.n_strata)
        parent_rate[second.stratum] = rate[first.stratum]
        v = v + _stage_variance(
            z, cell, n_cells, present, second, design.lonely_psu, 2, parent_rate
        )
    return v


def _subset_rows(design: Design, keep: np.ndarray) -> Design:
    """The design restricted to rows ``keep`` — stratum and unit codes and counts unchanged, as
    R survey keeps the full design's number of PSUs per stratum in a subset."""
    from dataclasses import replace

    stages = tuple(replace(s, stratum=s.stratum[keep], unit=s.unit[keep]) for s in design.stages)
    return replace(design, weights=design.weights[keep], stages=stages)


def calibrated_influence(z: np.ndarray, design: Design) -> np.ndarray:
    """Residuals of ``z`` on each calibration of ``design`` in turn (as R's ``svyrecvar``):
    the variance of a calibrated estimator is the variance of these residuals' total."""
    for cal in design.calibrations:
        z = cal.residuals(z)
    return z
