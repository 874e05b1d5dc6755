"""Replicate-weight designs: jackknife (JK1, JKn), Rao–Wu rescaling bootstrap, and supplied
BRR / Fay weights (R survey's ``as.svrepdesign``, ``svrepdesign`` and ``svrVar``).

A replicate design multiplies the full-sample weight of every row by a factor per replicate,
constant within a PSU: ``factors`` is (units × R) and ``unit`` maps rows to its rows. The
variance of an estimate θ is ``scale · Σ_r rscales_r (θ_r − θ̄)²`` with θ̄ the mean of the
replicates (or θ itself when ``mse``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .design import Design, DesignError


@dataclass(frozen=True, eq=False)
class ReplicateDesign:
    """Full-sample weights plus replicate factors, and how to combine the replicates."""

    weights: np.ndarray
    unit: np.ndarray
    factors: np.ndarray
    scale: float
    rscales: np.ndarray
    kind: str
    mse: bool = False
    rho: float = 0.0

    @property
    def n(self) -> int:
        return int(self.weights.size)

    @property
    def replicates(self) -> int:
        return int(self.factors.shape[1])

    def replicate_weights(self) -> np.ndarray:
        """The analysis weights of every replicate (n × R)."""
        return self.weights[:, None] * self.factors[self.unit]

    def degf(self, mask: np.ndarray | None = None) -> int:
        """Rank of the replicate weights of the rows in ``mask``, minus one (R's ``degf``)."""
        rows = np.ones(self.n, bool) if mask is None else mask & (self.weights != 0)
        units = np.unique(self.unit[rows])
        sub = self.factors[units]
        if sub.size == 0:
            return 0
        if sub.shape[0] * sub.shape[1] > 5_000_000:
            return int(min(sub.shape) - 1)
        s = np.linalg.svd(sub, compute_uv=False)
        return int((s > 1e-5 * s[0]).sum() - 1) if s.size and s[0] > 0 else 0

    def with_weights(self, weights: np.ndarray, factors: np.ndarray) -> ReplicateDesign:
        """The same scheme with new full-sample weights and row-level factors (calibration)."""
        return replace(self, weights=weights, unit=np.arange(weights.size), factors=factors)


def _units(design: Design) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    st = design.first
    u = st.unit
    first = np.unique(u, return_index=True)[1]
    stratum_of_unit = np.zeros(st.n_unit_codes, dtype=np.int64)
    stratum_of_unit[u] = st.stratum
    return u, stratum_of_unit, first


def jk1(design: Design, mse: bool = False) -> ReplicateDesign:
    """Delete-one-PSU jackknife for an unstratified design: replicate j drops PSU j and
    multiplies the others by n/(n − 1); scale (1 − f)(n − 1)/n."""
    if design.has_strata and design.first.n_strata > 1:
        raise DesignError("JK1 is for unstratified designs; use jkn")
    st = design.first
    n = st.n_unit_codes
    if n < 2:
        raise DesignError("the jackknife needs at least two PSUs")
    factors = np.full((n, n), n / (n - 1))
    np.fill_diagonal(factors, 0.0)
    f = float(st.fpc_factor[0])
    return ReplicateDesign(
        design.weights, st.unit, factors, f * (n - 1) / n, np.ones(n), "jk1", mse
    )


def jkn(design: Design, mse: bool = False) -> ReplicateDesign:
    """Stratified delete-one-PSU jackknife: a replicate per PSU, reweighting its stratum by
    n_h/(n_h − 1); rscale f_h (n_h − 1)/n_h; lonely strata follow ``design.lonely_psu``."""
    st = design.first
    u, stratum_of_unit, _first = _units(design)
    n_units = st.n_unit_codes
    columns, rscales = [], []
    n_strata = st.n_strata
    f = st.fpc_factor
    for h in range(n_strata):
        members = np.flatnonzero(stratum_of_unit == h)
        nh = members.size
        if f[h] == 0:
            continue  # exhaustively sampled: no replicates needed
        if nh == 1:
            if design.lonely_psu == "fail":
                raise DesignError(
                    f"stratum {st.labels[h]} has only one PSU; choose another lonely-PSU rule"
                )
            if design.lonely_psu == "adjust":
                col = np.where(stratum_of_unit == h, 0.0, n_strata / (n_strata - 1))
                columns.append(col)
                rscales.append((n_strata - 1) / n_strata)
            continue
        block = np.ones((n_units, nh))
        block[members, :] = nh / (nh - 1)
        block[members, np.arange(nh)] = 0.0
        columns.extend(block.T)
        rscales.extend([f[h] * (nh - 1) / nh] * nh)
    if not columns:
        raise DesignError("every stratum is exhaustively sampled: there is no sampling variance")
    factors = np.column_stack(columns)
    scale = 1.0
    if design.lonely_psu == "average" and factors.shape[1] < n_units:
        scale = n_units / factors.shape[1]
    return ReplicateDesign(design.weights, u, factors, scale, np.asarray(rscales), "jkn", mse)


def bootstrap(
    design: Design, replicates: int = 200, seed: int = 0, mse: bool = False
) -> ReplicateDesign:
    """Rao–Wu (1988) rescaling bootstrap with m_h = n_h − 1 PSUs drawn with replacement in
    each stratum: factor 1 − λ_h + λ_h · n_h/(n_h − 1) · r_hi with λ_h = √(1 − f_h), r_hi the
    times PSU i was drawn; variance Σ_r (θ_r − θ̄)²/(R − 1). Seeded: the same seed gives the
    same replicates."""
    if replicates < 2:
        raise DesignError("the bootstrap needs at least 2 replicates")
    st = design.first
    u, stratum_of_unit, _first = _units(design)
    rng = np.random.default_rng(seed)
    n_units = st.n_unit_codes
    factors = np.ones((n_units, replicates))
    order = np.argsort(stratum_of_unit, kind="stable")
    sizes = np.bincount(stratum_of_unit, minlength=st.n_strata)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    for h in range(st.n_strata):  # one vectorised draw per stratum, all replicates at once
        nh = int(sizes[h])
        members = order[starts[h] : starts[h] + nh]
        if nh == 1:
            if design.lonely_psu == "fail" and st.fpc_factor[h] > 0:
                raise DesignError(
                    f"stratum {st.labels[h]} has only one PSU; choose another lonely-PSU rule"
                )
            continue
        draws = rng.integers(0, nh, size=(replicates, nh - 1))
        draws += (np.arange(replicates) * nh)[:, None]
        counts = np.bincount(draws.ravel(), minlength=replicates * nh).reshape(replicates, nh)
        lam = np.sqrt(st.fpc_factor[h])
        factors[members, :] = (1 - lam + lam * nh / (nh - 1) * counts).T
    return ReplicateDesign(
        design.weights, u, factors, 1.0 / (replicates - 1), np.ones(replicates), "bootstrap", mse
    )


def supplied(
    weights: np.ndarray,
    replicate_weights: np.ndarray,
    kind: str = "brr",
    rho: float = 0.0,
    mse: bool = False,
) -> ReplicateDesign:
    """Replicate weights supplied with the data (analysis weights, n × R): ``brr`` (scale 1/R)
    or ``fay`` with coefficient ``rho`` (scale 1/(R (1 − ρ)²))."""
    w = np.asarray(weights, float)
    rep = np.asarray(replicate_weights, float)
    if rep.ndim != 2 or rep.shape[0] != w.size:
        raise DesignError("replicate weights must have one row per respondent")
    if kind not in ("brr", "fay"):
        raise DesignError("supplied replicate weights must be of kind brr or fay")
    if kind == "brr":
        rho = 0.0
    if not 0 <= rho < 1:
        raise DesignError("Fay's rho must lie in [0, 1)")
    with np.errstate(invalid="ignore", divide="ignore"):
        factors = np.where(w[:, None] > 0, rep / w[:, None], 0.0)
    r = rep.shape[1]
    return ReplicateDesign(
        w, np.arange(w.size), factors, 1.0 / (r * (1 - rho) ** 2), np.ones(r), kind, mse, rho
    )


def replicate_variance(
    thetas: np.ndarray, estimate: np.ndarray, rep: ReplicateDesign
) -> np.ndarray:
    """``scale · Σ_r rscales_r (θ_r − centre)²`` over the last axis of ``thetas``."""
    if rep.mse:
        centre = estimate
    else:
        use = rep.rscales > 0
        centre = thetas[..., use].mean(axis=-1)
    dev = thetas - centre[..., None]
    return rep.scale * np.einsum("...r,r->...", dev * dev, rep.rscales)
