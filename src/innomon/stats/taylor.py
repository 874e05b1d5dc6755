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
BLOCK_VALUES = 1 << 18  # values per column block (n × columns): small temporaries, in cache


def compact(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for integer keys in 0..size-1: the distinct keys
    (sorted) and each key's index among them — by a table of all keys when ``size`` is small,
    in linear time, else by sorting."""
    if size <= max(4 * key.size, 1 << 16):
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        codes = np.flatnonzero(seen)
        rank = np.cumsum(seen) - 1
        return codes, rank[key]
    codes, inverse = np.unique(key, return_inverse=True)
    return codes, inverse.reshape(-1)


class _StagePlan:
    """The groupings one stage's variance needs — rows by (unit, cell), units by (stratum,
    cell), strata by (previous-stage unit, cell) — found once for any number of columns."""

    def __init__(
        self,
        stage: Stage,
        cell: np.ndarray,
        n_cells: int,
        lonely: str,
        stage_no: int,
        multiplier: np.ndarray | None,
    ) -> None:
        self.stage, self.n_cells, self.lonely, self.stage_no = stage, n_cells, lonely, stage_no
        units = stage.n_unit_codes
        # every unit has one row (each row its own PSU): the rows are the (unit, cell) totals
        self.one_row = cell.size == 0 or np.bincount(stage.unit, minlength=units).max() == 1
        stratum_of_unit = np.zeros(units, dtype=np.int64)
        stratum_of_unit[stage.unit] = stage.stratum
        if self.one_row:
            hc_codes, self.row_hc = compact(
                stage.stratum * n_cells + cell, stage.n_strata * n_cells
            )
            self.inverse, self.n_keys, self.inv2 = None, cell.size, self.row_hc
        else:
            k_codes, self.inverse = compact(stage.unit * n_cells + cell, units * n_cells)
            self.n_keys = k_codes.size
            k_h = stratum_of_unit[k_codes // n_cells]
            hc_codes, self.inv2 = compact(
                k_h * n_cells + k_codes % n_cells, stage.n_strata * n_cells
            )
            self.row_hc = self.inv2[self.inverse]
        self.n_hc = hc_codes.size
        h = hc_codes // n_cells
        self.h, self.c = h, hc_codes % n_cells
        self.n_h = stage.n_units[h].astype(float)[:, None]
        self.f_h = stage.fpc_factor[h][:, None]
        self.with_rows = np.bincount(self.inv2, minlength=self.n_hc).astype(float)[:, None]
        block = stage.parent[h]  # the unit of the previous stage the stratum lies in (-1: none)
        block_codes, self.block_inv = np.unique(block * n_cells + self.c, return_inverse=True)
        self.block_inv = self.block_inv.reshape(-1)
        self.block_codes = block_codes
        self.normal = self.n_h[:, 0] > 1
        with np.errstate(invalid="ignore", divide="ignore"):
            self.scale = self.f_h * self.n_h / (self.n_h - 1)
        self.lonely_rows = (~self.normal) & (self.f_h[:, 0] >= SELF_REPRESENTING)
        self.multiplier = None if multiplier is None else multiplier[h][:, None]

    def variance(self, z: np.ndarray, present: np.ndarray | None) -> np.ndarray:
        """(n_cells × k) variances of the columns of ``z`` (rows of this plan)."""
        n_vars = z.shape[1]
        n_hc = self.n_hc
        t = z if self.inverse is None else group_sum(z, self.inverse, self.n_keys)
        s1 = group_sum(t, self.inv2, n_hc)
        # Σ over all n_h PSUs of (t − t̄)², in two passes for accuracy: the PSUs with rows here,
        # plus (n_h − those) PSUs whose total in this cell is 0
        mean = s1 / self.n_h
        dev = t - mean[self.inv2]
        ss = group_sum(dev * dev, self.inv2, n_hc) + (self.n_h - self.with_rows) * mean * mean
        if present is None:
            pres = np.ones((n_hc, n_vars), dtype=bool)
        else:
            pres = group_sum(present, self.row_hc, n_hc) > 0
        block_inv, n_blocks = self.block_inv, self.block_codes.size
        var = np.zeros((n_hc, n_vars))
        normal = self.normal
        with np.errstate(invalid="ignore"):
            var[normal] = (self.scale * ss)[normal]
        lonely_rows = self.lonely_rows
        nok = np.ones_like(var, dtype=bool)
        if lonely_rows.any():
            hit = lonely_rows[:, None] & pres
            if self.lonely == "fail" and hit.any():
                s = int(self.h[np.flatnonzero(hit.any(axis=1))[0]])
                raise DesignError(
                    f"stratum {self.stage.labels[s]} has only one PSU at stage {self.stage_no}; "
                    "choose another lonely-PSU rule (remove, certainty, adjust or average) or "
                    "merge the stratum"
                )
            if self.lonely == "adjust":
                # centre the lonely PSU at the average PSU total of the strata present
                tot = group_sum(s1 * pres, block_inv, n_blocks)
                npsu = group_sum(self.n_h * pres, block_inv, n_blocks)
                with np.errstate(invalid="ignore", divide="ignore"):
                    centre = np.where(npsu > 0, tot / npsu, 0.0)[block_inv]
                adj = self.f_h * (s1 - centre) ** 2
                var[lonely_rows] = adj[lonely_rows]
            elif self.lonely == "average":
                nok[lonely_rows] = False
        var = np.where(pres, var, 0.0)
        if self.multiplier is not None:
            var = var * self.multiplier
        if self.lonely == "average":
            n_strat = group_sum(pres.astype(float), block_inv, n_blocks)
            n_ok = group_sum((pres & nok).astype(float), block_inv, n_blocks)
            by_block = group_sum(np.where(nok, var, 0.0), block_inv, n_blocks)
            with np.errstate(invalid="ignore", divide="ignore"):
                by_block = np.where(
                    n_ok > 0, by_block * n_strat / n_ok, np.where(n_strat > 0, np.nan, 0)
                )
            return group_sum(by_block, self.block_codes % self.n_cells, self.n_cells)
        return group_sum(var, self.c, self.n_cells)


class TaylorPlan:
    """The variance engine for one design and one classification of its rows into cells:
    the groupings are found once, then ``variance`` takes any number of influence columns —
    in blocks of at most ``BLOCK_VALUES`` values, so that no temporary is large."""

    def __init__(self, design: Design, cell: np.ndarray | None = None, n_cells: int = 1) -> None:
        if cell is None:
            cell = np.zeros(design.n, dtype=np.int64)
        keep = cell >= 0
        self.keep = None if keep.all() else keep
        if self.keep is not None:
            cell = cell[keep]
            design = _subset_rows(design, keep)
        self.n_cells = n_cells
        first = design.stages[0]
        self.stages = [_StagePlan(first, cell, n_cells, design.lonely_psu, 1, None)]
        if len(design.stages) > 1 and first.has_fpc:
            second = design.stages[1]
            rate = first.n_units / first.popsize  # stage-1 sampling fraction n_h/N_h
            parent_rate = np.zeros(second.n_strata)
            parent_rate[second.stratum] = rate[first.stratum]
            self.stages.append(_StagePlan(second, cell, n_cells, design.lonely_psu, 2, parent_rate))

    def variance(self, z: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
        """Variances of the totals of the columns of ``z`` (all the design's rows) within each
        cell: (n_cells × k); ``present`` as for ``variance``."""
        z = np.asarray(z, dtype=float)
        if z.ndim == 1:
            z = z[:, None]
        if self.keep is not None:
            z = z[self.keep]
            present = None if present is None else present[self.keep]
        n, k = z.shape
        out = np.empty((self.n_cells, k))
        step = max(1, BLOCK_VALUES // max(n, 1))
        for j in range(0, k, step):
            zj = z[:, j : j + step]
            pj = None if present is None else present[:, j : j + step]
            v = self.stages[0].variance(zj, pj)
            for stage in self.stages[1:]:
                v = v + stage.variance(zj, pj)
            out[:, j : j + step] = v
        return out


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
    ``TaylorPlan`` does the same for many batches of columns on one design and classification.
    """
    return TaylorPlan(design, cell, n_cells).variance(z, present)


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
