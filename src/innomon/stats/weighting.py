"""Weighting: design weights from frame counts, post-stratification, raking, linear (GREG)
calibration and trimming, with diagnostics.

Every adjustment returns a new design whose weights meet the population totals and which
remembers how to take residuals, so that estimates carry the variance of the *calibrated*
estimator (Deville & Särndal 1992; R survey's ``postStratify``, ``rake`` and ``calibrate``):
the variance is computed on the residuals of the influence values from the calibration model,
not on the influence values as if the adjusted weights were design weights. Replicate designs
are recalibrated replicate by replicate, all replicates at once.

A margin that cannot be met is a ``WeightingError`` naming the cell: a population cell without
respondents, a sample cell absent from the population, or margins whose totals disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._groups import group_sum
from .design import Design, DesignError
from .labels import category_labels
from .replicate import ReplicateDesign


class WeightingError(DesignError):
    """The weights cannot meet the given totals; the message names the margin and the cell."""


AnyDesign = Design | ReplicateDesign


def _labels(values: Any) -> np.ndarray:
    return category_labels(values)


def _cell_codes(
    name: str, values: Any, population: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Codes of each row's cell in ``population`` order, and the population totals."""
    labels = _labels(values)
    levels = [str(k) for k in population]
    index = {lev: i for i, lev in enumerate(levels)}
    missing = [i for i, v in enumerate(labels) if v is None]
    if missing:
        raise WeightingError(
            f"margin {name}: row {missing[0] + 1} has no value; every "
            "respondent needs one to be weighted"
        )
    unknown = sorted({v for v in labels if v not in index})
    if unknown:
        raise WeightingError(
            f"margin {name}: sample cell '{unknown[0]}' is not in the "
            "population totals; add its total or recode it"
        )
    codes = np.array([index[v] for v in labels], dtype=np.int64)
    totals = np.array([float(population[k]) for k in population])
    if (totals < 0).any() or np.isnan(totals).any():
        raise WeightingError(f"margin {name}: totals must be numbers ≥ 0")
    counts = np.bincount(codes, minlength=len(levels))
    empty = [levels[i] for i in range(len(levels)) if counts[i] == 0 and totals[i] > 0]
    if empty:
        raise WeightingError(
            f"margin {name}: cell '{empty[0]}' has a population total of "
            f"{totals[levels.index(empty[0])]:g} but no respondents; collapse "
            "it with a neighbouring cell"
        )
    return codes, totals


def _all_weights(design: AnyDesign) -> np.ndarray:
    """Full-sample weights and, for replicate designs, every replicate's: (n × (1 + R))."""
    if isinstance(design, ReplicateDesign):
        return np.column_stack([design.weights, design.replicate_weights()])
    return design.weights[:, None]


def _rebuild(design: AnyDesign, weights: np.ndarray, residualiser: Any) -> AnyDesign:
    if isinstance(design, ReplicateDesign):
        w = weights[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            factors = np.where(w[:, None] > 0, weights[:, 1:] / w[:, None], 0.0)
        return design.with_weights(w, factors)
    return design.with_weights(weights[:, 0], residualiser)


@dataclass(frozen=True, eq=False)
class PostStratum:
    """Residuals for a post-stratified estimator: subtract each post-stratum's weighted mean
    of z/w (R survey: ``x - psmeans[cell] * psw``)."""

    cell: np.ndarray
    n_cells: int
    new_weights: np.ndarray
    old_weights: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        psw = np.where(self.new_weights == 0, 1.0, self.new_weights)
        num = group_sum(z * (self.old_weights / psw)[:, None], self.cell, self.n_cells)
        den = group_sum(self.old_weights, self.cell, self.n_cells)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(den[:, None] > 0, num / den[:, None], 0.0)
        return z - means[self.cell] * psw[:, None]


@dataclass(frozen=True, eq=False)
class Raking:
    """Residuals for a raked estimator: ten sweeps of backfitting over the margins, as R's
    ``svyrecvar`` does (an approximation of the projection, equal to R's)."""

    cells: tuple[np.ndarray, ...]
    n_cells: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    sweeps: int = 10

    def residuals(self, z: np.ndarray) -> np.ndarray:
        z = np.array(z, dtype=float)
        for _ in range(self.sweeps):
            for cell, k, psw in zip(self.cells, self.n_cells, self.weights, strict=True):
                counts = np.bincount(cell, minlength=k).astype(float)
                means = group_sum(z / psw[:, None], cell, k) / counts[:, None]
                z = z - psw[:, None] * means[cell]
        return z


@dataclass(frozen=True, eq=False)
class LinearCalibration:
    """Residuals for a GREG estimator: z minus its weighted regression on the calibration
    variables (R survey: ``qr.resid(qr(X√w₀), z/(g√w₀)) · g√w₀``)."""

    x: np.ndarray
    old_weights: np.ndarray
    g: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        whalf = np.sqrt(self.old_weights)
        scale = self.g * whalf
        q, _r = np.linalg.qr(self.x * whalf[:, None])
        y = z / scale[:, None]
        resid = y - q @ (q.T @ y)
        return resid * scale[:, None]


@dataclass(frozen=True)
class RakeReport:
    sweeps: int
    converged: bool
    max_margin_error: float


def design_weights(strata: Any, frame_counts: Mapping[str, float]) -> np.ndarray:
    """Design weights from frame counts: N_h / n_h for every respondent of stratum h."""
    codes, totals = _cell_codes("stratum", strata, frame_counts)
    n_h = np.bincount(codes, minlength=totals.size)
    return totals[codes] / n_h[codes]


def poststratify(
    design: AnyDesign, cells: Any, population: Mapping[str, float], name: str = "post-stratum"
) -> AnyDesign:
    """Weights w·N_c/Ŵ_c so that each post-stratum c sums to its population count N_c."""
    codes, totals = _cell_codes(name, cells, population)
    k = totals.size
    w_all = _all_weights(design)
    sums = group_sum(w_all, codes, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(sums > 0, totals[:, None] / sums, 0.0)
    new = w_all * g[codes]
    residualiser = PostStratum(codes, k, new[:, 0], w_all[:, 0])
    return _rebuild(design, new, residualiser)


def rake(
    design: AnyDesign,
    margins: Sequence[tuple[str, Any, Mapping[str, float]]],
    epsilon: float = 1e-10,
    max_sweeps: int = 100,
) -> tuple[AnyDesign, RakeReport]:
    """Iterative proportional fitting to marginal totals: each sweep post-stratifies on every
    margin in turn; stop when no margin cell's weighted count changes by ``epsilon`` or more
    between sweeps (``epsilon`` < 1 is relative to the total weight, as in R's ``rake``) or
    after ``max_sweeps``. Margins must agree on the grand total."""
    coded = [(name, *_cell_codes(name, values, pop)) for name, values, pop in margins]
    grand = [float(t.sum()) for _n, _c, t in coded]
    if max(grand) - min(grand) > 1e-6 * max(grand):
        a, b = coded[int(np.argmin(grand))][0], coded[int(np.argmax(grand))][0]
        raise WeightingError(
            f"margins {a} and {b} disagree on the population total "
            f"({min(grand):g} vs {max(grand):g}); make them add up alike"
        )
    w_all = _all_weights(design)
    eps = epsilon * w_all[:, 0].sum() if epsilon < 1 else epsilon
    old = [group_sum(w_all[:, 0], c, t.size) for _n, c, t in coded]
    sweeps, converged = 0, False
    last_weights: list[np.ndarray] = []
    while sweeps < max_sweeps:
        last_weights = []
        for _name, c, totals in coded:
            sums = group_sum(w_all, c, totals.size)
            with np.errstate(invalid="ignore", divide="ignore"):
                g = np.where(sums > 0, totals[:, None] / sums, 0.0)
            w_all = w_all * g[c]
            last_weights.append(w_all[:, 0].copy())
        sweeps += 1
        new = [group_sum(w_all[:, 0], c, t.size) for _n, c, t in coded]
        delta = max(float(np.max(np.abs(a - b))) for a, b in zip(new, old, strict=True))
        if delta < eps:
            converged = True
            break
        old = new
    error = max(float(np.max(np.abs(group_sum(w_all[:, 0], c, t.size) - t))) for _n, c, t in coded)
    residualiser = Raking(
        tuple(c for _n, c, _t in coded), tuple(t.size for _n, _c, t in coded), tuple(last_weights)
    )
    return _rebuild(design, w_all, residualiser), RakeReport(sweeps, converged, error)


def model_matrix(
    data: Mapping[str, Any],
    terms: Sequence[str],
    numeric: Sequence[str] = (),
    intercept: bool = True,
) -> tuple[np.ndarray, list[str]]:
    """An intercept, treatment dummies (first level dropped) of the categorical ``terms`` and
    the ``numeric`` columns — R's ``model.matrix(~a + b + x)``."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    n = len(next(iter(data.values())))
    if intercept:
        cols.append(np.ones(n))
        names.append("(Intercept)")
    for term in terms:
        labels = _labels(data[term])
        if any(v is None for v in labels):
            raise WeightingError(f"calibration variable {term} has missing values")
        levels = sorted(set(labels))
        for lev in levels[1 if intercept else 0 :]:
            cols.append((labels == lev).astype(float))
            names.append(f"{term}{lev}")
    for name in numeric:
        x = np.asarray(data[name], float)
        if np.isnan(x).any():
            raise WeightingError(f"calibration variable {name} has missing values")
        cols.append(x)
        names.append(name)
    return np.column_stack(cols), names


def calibrate_linear(
    design: AnyDesign,
    x: np.ndarray,
    totals: Sequence[float],
    bounds: tuple[float, float] | None = None,
    max_iter: int = 50,
    epsilon: float = 1e-7,
    names: Sequence[str] | None = None,
) -> AnyDesign:
    """Linear (GREG) calibration: g = 1 + x'λ with Σ w g x = totals; with ``bounds`` (L, U)
    on g, Newton steps on the truncated linear distance (R's ``grake``) until every total is
    met to ``epsilon`` relative (|misfit| / (1 + |total|))."""
    x = np.asarray(x, float)
    t = np.asarray(totals, float)
    names = list(names or [f"x{j}" for j in range(x.shape[1])])
    if x.shape[1] != t.size:
        raise WeightingError(f"{x.shape[1]} calibration variables but {t.size} totals")
    w_all = _all_weights(design)
    g_all = np.empty_like(w_all)
    for col in range(w_all.shape[1]):  # full sample, then each replicate (R does the same)
        g_all[:, col] = _linear_g(x, w_all[:, col], t, bounds, max_iter, epsilon, names)
    new = w_all * g_all
    residualiser = LinearCalibration(x, w_all[:, 0], g_all[:, 0])
    return _rebuild(design, new, residualiser)


def _linear_g(
    x: np.ndarray,
    w: np.ndarray,
    t: np.ndarray,
    bounds: tuple[float, float] | None,
    max_iter: int,
    epsilon: float,
    names: Sequence[str],
) -> np.ndarray:
    sample = x.T @ w
    zero = (sample == 0) & (t == 0)
    x, t, sample = x[:, ~zero], t[~zero], sample[~zero]
    if bounds is None or (np.isinf(bounds[0]) and np.isinf(bounds[1])):
        tmat = (x * w[:, None]).T @ x
        try:
            lam = np.linalg.solve(tmat, t - sample)
        except np.linalg.LinAlgError as exc:
            raise WeightingError(
                "the calibration variables are collinear in the sample; drop or merge one"
            ) from exc
        return 1 + x @ lam
    lower, upper = bounds
    eta = np.zeros(x.shape[1])
    for _ in range(max_iter + 1):
        u = x @ eta
        fm1 = np.clip(u + 1, lower, upper) - 1
        deriv = ((u < upper - 1) & (u > lower - 1)).astype(float)
        tmat = (x * (w * deriv)[:, None]).T @ x
        misfit = t - sample - x.T @ (w * fm1)
        eta = eta + np.linalg.pinv(tmat, rcond=256 * np.finfo(float).eps) @ misfit
        u = x @ eta
        fm1 = np.clip(u + 1, lower, upper) - 1
        misfit = t - sample - x.T @ (w * fm1)
        fit = np.abs(misfit) / (1 + np.abs(t))
        if (fit < epsilon).all():
            return 1 + fm1
    worst = int(np.argmax(fit))
    raise WeightingError(
        f"calibration within bounds {lower:g}–{upper:g} failed: total of {names[worst]} "
        f"still off by {fit[worst]:.2g} (relative) after {max_iter} iterations; widen the bounds"
    )


def trim(
    design: AnyDesign, lower: float = 0.0, upper: float = np.inf, max_rounds: int = 50
) -> AnyDesign:
    """Trim weights to [lower, upper] and share what was cut equally among the weights not yet
    trimmed, repeating until all lie within bounds (R's ``trimWeights(strict = TRUE)``); the
    total weight is kept. Calibration residuals of ``design`` are kept as they were."""
    w = np.array(design.weights, float)
    trimmed = np.zeros(w.size, dtype=bool)
    for _ in range(max_rounds):
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        new = np.clip(w, lower, upper)
        cut = float((w - new).sum())
        free = ~outside & ~trimmed
        if not free.any():
            raise WeightingError(
                f"cannot trim to {lower:g}–{upper:g}: no weight is left to "
                "absorb the trimmed amount; widen the bounds"
            )
        new[free] += cut / free.sum()
        trimmed |= outside
        w = new
    else:
        raise WeightingError(f"trimming to {lower:g}–{upper:g} did not settle; widen the bounds")
    if isinstance(design, ReplicateDesign):
        return design.with_weights(w, design.factors[design.unit])
    return design.with_weights(w)


@dataclass(frozen=True)
class WeightDiagnostics:
    n: int
    total: float
    kish_n_eff: float
    deff_weighting: float
    minimum: float
    p05: float
    p25: float
    median: float
    p75: float
    p95: float
    maximum: float
    max_min_ratio: float


def diagnostics(weights: np.ndarray) -> WeightDiagnostics:
    """Kish's effective sample size (Σw)²/Σw², the design effect due to weighting
    n·Σw²/(Σw)² = 1 + CV², and the distribution of the weights."""
    w = np.asarray(weights, float)
    n = w.size
    s, s2 = w.sum(), (w * w).sum()
    p05, p25, median, p75, p95 = (float(v) for v in np.quantile(w, [0.05, 0.25, 0.5, 0.75, 0.95]))
    return WeightDiagnostics(
        n,
        float(s),
        float(s * s / s2),
        float(n * s2 / (s * s)),
        float(w.min()),
        p05,
        p25,
        median,
        p75,
        p95,
        float(w.max()),
        float(w.max() / w.min()) if w.min() > 0 else float("inf"),
    )
