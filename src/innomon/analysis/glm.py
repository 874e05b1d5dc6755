"""Survey-weighted fractional logit (Papke & Wooldridge 1996) with design-based standard errors.

The model: E[y | x] = expit(x'β) for y ∈ [0, 1] (a share of turnover divided by 100), fitted by
maximising the survey-weighted Bernoulli quasi-log-likelihood
Σ wᵢ [yᵢ log μᵢ + (1 − yᵢ) log(1 − μᵢ)] with iteratively reweighted least squares (Newton's
method: the logit link is canonical), halving a step whenever it lowers the quasi-likelihood.

Standard errors, as R survey's ``svyglm``:

- Taylor (a ``Design``): the sandwich V = A⁻¹ B A⁻¹ with A = Σ wᵢ μᵢ(1 − μᵢ) xᵢxᵢ' and B the
  design-based covariance of the total of the score contributions sᵢ = wᵢ (yᵢ − μᵢ) xᵢ — computed
  as the design covariance of the coefficients' influence values hᵢ = A⁻¹ sᵢ (residualised first
  when the design is calibrated).
- Replicates (a ``ReplicateDesign``): the model is refitted with every replicate's weights (all
  replicates at once, Newton steps from the full-sample estimate) and the replicate estimates
  are combined with the design's scale and rscales, as ``svrVar``. A replicate whose refit
  fails (a column without weight, separation) is left out and counted, as
  ``svrVar(na.rm = TRUE)``, with the scale multiplied by R / R_ok; more than 5 % failed
  replicates is an error.

Rows with a missing outcome, term or control are left out and counted (``n_missing``); their
PSUs and strata still count in the variance (as a domain: R survey keeps the full design).

The average cross-partial (Ai & Norton 2003) turns the interaction of two binary practices into
the supermodularity contrast on the outcome's scale:
mean_i [μ(1,1) − μ(1,0) − μ(0,1) + μ(0,0)], with every other term of respondent i as observed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn, cast

import numpy as np
from scipy.special import expit, ndtr, ndtri

from innomon.stats.design import Design
from innomon.stats.labels import category_labels
from innomon.stats.replicate import ReplicateDesign, replicate_variance
from innomon.stats.taylor import calibrated_influence, variance

DENSE_LIMIT = 20_000_000  # values per block of dense (rows × columns) work arrays
SINGULAR = 1e-9  # a column whose QR diagonal is below this share of its norm is dependent

Term = str | tuple[str, ...]


class GlmError(ValueError):
    """The model cannot be fitted; the message names the column, level or replicate."""


@dataclass(frozen=True)
class _Spec:
    """How the design matrix is built: numeric terms (products for tuples), then the treatment
    dummies of each control (levels sorted, the first is the reference)."""

    terms: tuple[tuple[str, ...], ...]
    controls: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class GlmResult:
    """A fitted fractional logit: coefficients (logit scale), SEs and covariance matrix.

    ``n`` rows were used, ``n_missing`` left out (a missing value, or a zero weight);
    ``iterations`` are the Newton steps of the full-sample fit. ``converged`` records that it
    met the tolerance — a fit that does not is a ``GlmError``, never a result. ``method`` is
    ``taylor`` or the replicate kind; ``replicates_failed`` counts the replicate refits that
    could not be made and were left out of the variance (their rows of ``replicate_coef`` are
    NaN)."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    vcov: np.ndarray
    n: int
    iterations: int
    converged: bool
    n_missing: int = 0
    method: str = "taylor"
    outcome: str = ""
    scale: float = 1.0
    spec: _Spec | None = field(default=None, repr=False)
    used: np.ndarray | None = field(default=None, repr=False)
    influence: np.ndarray | None = field(default=None, repr=False)
    replicate_coef: np.ndarray | None = field(default=None, repr=False)
    replicates_failed: int = 0

    def confint(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Normal (Wald) intervals of the coefficients."""
        z = ndtri(1 - (1 - level) / 2)
        return self.coef - z * self.se, self.coef + z * self.se

    def coefficient(self, name: str) -> tuple[float, float]:
        """(coefficient, SE) of the column ``name``."""
        if name not in self.names:
            raise GlmError(f"the model has no column '{name}'; it has {', '.join(self.names)}")
        j = self.names.index(name)
        return float(self.coef[j]), float(self.se[j])


@dataclass(frozen=True)
class CrossPartial:
    """The average cross-partial of two binary terms on the outcome's scale (× ``scale``: in
    percentage points for a percentage outcome), with SE, normal CI and one-sided p-values for
    H1: > 0 (``p_greater``) and H1: < 0 (``p_less``)."""

    first: str
    second: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_greater: float
    p_less: float
    n: int
    method: str


def numeric_column(data: Mapping[str, Any], name: str, n: int) -> np.ndarray:
    """A column as floats with NaN for missing values (None, NaN, empty); an error naming the
    column and row for a value that is not a number."""
    if name not in data:
        raise GlmError(f"unknown column '{name}'")
    arr = np.asarray(data[name])
    if arr.ndim != 1 or arr.size != n:
        raise GlmError(f"column '{name}' has {arr.size} values for {n} rows")
    if arr.dtype.kind in "fiub":
        return arr.astype(float)
    out = np.full(n, np.nan)
    for i, v in enumerate(arr):
        if v is None or (isinstance(v, str) and v.strip() == ""):
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise GlmError(f"column '{name}' row {i + 1}: '{v}' is not a number") from None
    return out


def _labels(data: Mapping[str, Any], name: str, n: int) -> np.ndarray:
    if name not in data:
        raise GlmError(f"unknown column '{name}'")
    arr = np.asarray(data[name])
    if arr.ndim != 1 or arr.size != n:
        raise GlmError(f"column '{name}' has {arr.size} values for {n} rows")
    return category_labels(arr)


def _sorted_levels(labels: np.ndarray) -> tuple[str, ...]:
    """Distinct labels, in numeric order when every label is a number, else alphabetical."""
    distinct = {str(v) for v in labels if v is not None}
    try:
        return tuple(sorted(distinct, key=float))
    except ValueError:
        return tuple(sorted(distinct))


def _normalise_terms(terms: Sequence[Term]) -> tuple[tuple[str, ...], ...]:
    out = []
    for term in terms:
        parts = (term,) if isinstance(term, str) else tuple(term)
        if not parts:
            raise GlmError("an empty term; give a column name or a tuple of column names")
        out.append(parts)
    return tuple(out)


def _term_values(
    data: Mapping[str, Any],
    terms: tuple[tuple[str, ...], ...],
    n: int,
    override: Mapping[str, float] | None = None,
) -> np.ndarray:
    columns = {name for term in terms for name in term}
    values = {
        name: (
            np.full(n, float(override[name]))
            if override and name in override
            else numeric_column(data, name, n)
        )
        for name in columns
    }
    out = np.ones((n, len(terms)))
    for j, term in enumerate(terms):
        for name in term:
            out[:, j] *= values[name]
    return out


def _matrix(
    data: Mapping[str, Any],
    spec: _Spec,
    n: int,
    override: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The design matrix of every row (NaN where a term is missing; a missing control gives
    zero dummies — such rows are never used)."""
    cols = [np.ones((n, 1)), _term_values(data, spec.terms, n, override)]
    for name, levels in zip(spec.controls, spec.levels, strict=True):
        labels = _labels(data, name, n)
        cols.append(
            np.column_stack([labels == lev for lev in levels[1:]]).astype(float)
            if len(levels) > 1
            else np.zeros((n, 0))
        )
    return np.concatenate(cols, axis=1)


def _check_rank(x: np.ndarray, names: Sequence[str]) -> None:
    """An error naming the first column that is a linear combination of the ones before it."""
    n, p = x.shape
    if n < p:
        raise GlmError(f"{n} usable respondents for {p} coefficients; drop controls")
    # numpy's stubs type every mode as QRResult; mode="r" returns the matrix R alone
    r = cast(np.ndarray, np.linalg.qr(x, mode="r"))
    norms = np.linalg.norm(x, axis=0)
    for j in range(p):
        if norms[j] == 0 or abs(r[j, j]) <= SINGULAR * norms[j]:
            why = (
                "is zero for every usable respondent"
                if norms[j] == 0
                else "is a linear combination of the columns before it (a duplicated or "
                "constant term, or a control that coincides with another)"
            )
            raise GlmError(f"the design matrix is singular: column '{names[j]}' {why}; drop it")


def _quasi_loglik(x: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray) -> np.ndarray:
    eta = x @ beta.T
    return np.einsum("ir,ir->r", w, y[:, None] * eta - np.logaddexp(0.0, eta))


def _solve(info: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps of every fit (R × p) and which information matrices are singular (R)."""
    try:
        return np.linalg.solve(info, score[:, :, None])[:, :, 0], np.zeros(len(info), bool)
    except np.linalg.LinAlgError:
        step = np.zeros_like(score)
        singular = np.zeros(len(info), bool)
        for r in range(len(info)):
            try:
                step[r] = np.linalg.solve(info[r], score[r])
            except np.linalg.LinAlgError:
                singular[r] = True
        return step, singular


def _irls(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, beta0: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Newton–IRLS for R weight columns at once: ``w`` (n × R), ``beta0`` (R × p). Returns the
    estimates (R × p), the iterations run, which fits converged (R) and which met a singular
    information matrix (R: fitted values reached 0 or 1, or a column lost all its weight)."""
    n, p = x.shape
    xx = (x[:, :, None] * x[:, None, :]).reshape(n, p * p)
    beta = beta0.copy()
    ll = _quasi_loglik(x, y, w, beta)
    done = np.zeros(beta.shape[0], dtype=bool)
    broken = np.zeros(beta.shape[0], dtype=bool)
    for it in range(1, max_iter + 1):
        mu = expit(x @ beta.T)
        score = (w * (y[:, None] - mu)).T @ x
        info = ((w * mu * (1 - mu)).T @ xx).reshape(-1, p, p)
        step, singular = _solve(info, score)
        broken |= singular
        step[broken] = 0.0
        new = beta + step
        ll_new = _quasi_loglik(x, y, w, new)
        for _ in range(40):  # step halving where the quasi-likelihood fell
            worse = ll_new < ll - 1e-12 * np.abs(ll)
            if not worse.any():
                break
            step[worse] /= 2
            new[worse] = beta[worse] + step[worse]
            ll_new[worse] = _quasi_loglik(x, y, w[:, worse], new[worse])
        beta, ll = new, ll_new
        done = (np.max(np.abs(step) / (np.abs(beta) + 1.0), axis=1) <= tol) & ~broken
        if (done | broken).all():
            return beta, it, done, broken
    return beta, max_iter, done, broken


def design_covariance(
    z: np.ndarray, design: Design, present: np.ndarray | None = None
) -> np.ndarray:
    """The design-based covariance matrix (k × k) of the estimated totals of the columns of
    ``z`` (n × k influence values), from ``innomon.stats.taylor.variance``: the variances of the
    columns and of their pairwise sums, Cov(a, b) = (V(a + b) − V(a) − V(b))/2 (the variance is a
    quadratic form in z). ``present`` (n) marks the rows of the subpopulation (lonely-PSU rules).
    Calibrated designs: the influence values are residualised first."""
    z = np.asarray(z, float)
    if z.ndim == 1:
        z = z[:, None]
    if design.is_calibrated:
        z = calibrated_influence(z, design)
    n, k = z.shape
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]

    def var(cols: np.ndarray) -> np.ndarray:
        pres = None if present is None else np.repeat(present[:, None], cols.shape[1], axis=1)
        return variance(cols, design, present=pres)[0]

    diag = var(z)
    out = np.diag(diag)
    per = max(1, DENSE_LIMIT // max(1, n))
    for start in range(0, len(pairs), per):
        block = pairs[start : start + per]
        a = np.array([q[0] for q in block])
        b = np.array([q[1] for q in block])
        v = var(z[:, a] + z[:, b])
        cov = (v - diag[a] - diag[b]) / 2
        out[a, b] = cov
        out[b, a] = cov
    return out


def _replicate_weights(rep: ReplicateDesign, rows: np.ndarray, r0: int, r1: int) -> np.ndarray:
    """Replicate weights of ``rows`` for replicates r0..r1-1 (as ``replicate_weights()``)."""
    return rep.weights[rows, None] * rep.factors[rep.unit[rows], r0:r1]


def _replicate_blocks(rep: ReplicateDesign, n_rows: int) -> list[tuple[int, int]]:
    per = max(1, DENSE_LIMIT // max(1, 4 * n_rows))
    return [(r0, min(r0 + per, rep.replicates)) for r0 in range(0, rep.replicates, per)]


def _replicate_vcov(thetas: np.ndarray, estimate: np.ndarray, rep: ReplicateDesign) -> np.ndarray:
    """scale · Σ_r rscale_r (θ_r − centre)(θ_r − centre)' for thetas (R × k); its diagonal is
    ``replicate_variance``."""
    centre = estimate if rep.mse else thetas[rep.rscales > 0].mean(axis=0)
    dev = thetas - centre
    return rep.scale * (dev * rep.rscales[:, None]).T @ dev


def fractional_logit(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    outcome: str,
    terms: Sequence[Term] = (),
    controls: Sequence[str] = (),
    *,
    scale: float = 1.0,
    tol: float = 1e-8,
    max_iter: int = 50,
    max_failed: float = 0.05,
) -> GlmResult:
    """Fit E[outcome/scale] = expit(β₀ + terms'β + dummies'γ) with survey weights.

    ``terms`` are numeric columns; a tuple of names is their product (an interaction), named
    ``a:b``. ``controls`` are categorical columns entered as treatment dummies (levels sorted,
    the first dropped), named ``control[level]``. ``outcome / scale`` must lie in [0, 1]
    (``scale=100`` for a percentage). ``tol`` bounds the last Newton step relative to
    |β| + 1; ``max_iter`` caps the steps. SEs: Taylor sandwich for a ``Design``, refits per
    replicate for a ``ReplicateDesign`` — replicates whose refit fails are left out and
    counted (``replicates_failed``), up to ``max_failed`` (a share of the replicates)."""
    if not scale > 0:
        raise GlmError(f"scale must be positive, not {scale}")
    n = design.n
    term_spec = _normalise_terms(terms)
    controls = tuple(controls)
    y = numeric_column(data, outcome, n) / scale
    bad = np.flatnonzero(~np.isnan(y) & ((y < 0) | (y > 1)))
    if bad.size:
        i = int(bad[0])
        raise GlmError(
            f"column '{outcome}' row {i + 1}: {y[i] * scale:g} lies outside [0, {scale:g}]"
        )
    t = _term_values(data, term_spec, n)
    labels = [_labels(data, name, n) for name in controls]
    used = ~np.isnan(y) & ~np.isnan(t).any(axis=1) & (design.weights > 0)
    for lab in labels:
        used &= np.array([v is not None for v in lab], dtype=bool)
    n_missing = int(n - used.sum())
    levels = tuple(_sorted_levels(lab[used]) for lab in labels)
    names = ("(intercept)", *(":".join(term) for term in term_spec))
    for name, lev in zip(controls, levels, strict=True):
        names += tuple(f"{name}[{v}]" for v in lev[1:])
    spec = _Spec(term_spec, controls, levels, names)
    rows = np.flatnonzero(used)
    if rows.size == 0:
        raise GlmError(f"no respondent has '{outcome}' and every term and control")
    x = _matrix(data, spec, n)[rows]
    yu = y[rows]
    w = design.weights[rows]
    _check_rank(x * np.sqrt(w)[:, None], names)
    p = x.shape[1]
    m = float(np.clip(np.average(yu, weights=w), 1e-6, 1 - 1e-6))
    start = np.zeros((1, p))
    start[0, 0] = np.log(m / (1 - m))
    beta, iterations, done, broken = _irls(x, yu, w[:, None], start, tol, max_iter)
    if broken[0]:
        raise GlmError(
            "the weighted information matrix is singular: fitted values reached 0 or 1 "
            "(separation) or a column has no weight"
        )
    if not done[0]:
        _not_converged(beta[0], start[0], names, max_iter)
    coef = beta[0]
    mu = expit(x @ coef)
    failed = 0
    if isinstance(design, ReplicateDesign):
        reps = _refit_replicates(x, yu, rows, coef, design, names, tol, max_iter, max_failed)
        ok = ~np.isnan(reps).any(axis=1)
        failed = int((~ok).sum())
        vcov = _replicate_vcov(reps[ok], coef, surviving_replicates(design, ok))
        influence = None
        method = design.kind
    else:
        info = (x * (w * mu * (1 - mu))[:, None]).T @ x
        h = np.zeros((n, p))
        h[rows] = np.linalg.solve(info, (x * (w * (yu - mu))[:, None]).T).T
        vcov = design_covariance(h, design, used)
        reps, influence, method = None, h, "taylor"
    se = np.sqrt(np.maximum(np.diag(vcov), 0.0))
    return GlmResult(
        names,
        coef,
        se,
        vcov,
        int(rows.size),
        iterations,
        True,
        n_missing,
        method,
        outcome,
        float(scale),
        spec,
        used,
        influence,
        reps,
        failed,
    )


def surviving_replicates(rep: ReplicateDesign, ok: np.ndarray) -> ReplicateDesign:
    """The replicate design restricted to the replicates in ``ok`` (R), its scale multiplied by
    R / R_ok so that the variance stays the mean square over the replicates that remain."""
    ok = np.asarray(ok, bool)
    if ok.all():
        return rep
    return replace(
        rep,
        factors=rep.factors[:, ok],
        rscales=rep.rscales[ok],
        scale=rep.scale * ok.size / max(1, int(ok.sum())),
    )


def _not_converged(beta: np.ndarray, start: np.ndarray, names: Sequence[str], cap: int) -> NoReturn:
    j = int(np.argmax(np.abs(beta - start)))
    raise GlmError(
        f"the fractional logit did not converge in {cap} iterations: the coefficient of "
        f"'{names[j]}' keeps growing ({beta[j]:.3g}) — its rows have outcomes of (nearly) all 0 "
        "or all 1 (separation); merge that level or drop the term"
    )


def _refit_replicates(
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    coef: np.ndarray,
    rep: ReplicateDesign,
    names: Sequence[str],
    tol: float,
    max_iter: int,
    max_failed: float,
) -> np.ndarray:
    """The coefficients of every replicate (R × p), Newton from the full-sample estimate.

    A replicate whose refit cannot be made — a column left without weight (all its PSUs
    dropped), a singular information matrix or no convergence (separation in a small cell) —
    gets a row of NaN; the variance then uses the replicates that remain (R survey's
    ``svrVar(na.rm = TRUE)``). More than ``max_failed`` (a share of R) such replicates is an
    error: the variance would rest on a selected set of replicates."""
    out = np.empty((rep.replicates, coef.size))
    nonzero = (x != 0).astype(float)
    blame = np.zeros(coef.size, int)  # per column: failed replicates it is to blame for
    for r0, r1 in _replicate_blocks(rep, rows.size):
        wr = _replicate_weights(rep, rows, r0, r1)
        no_weight = (wr.T @ nonzero) <= 0
        empty = no_weight.any(axis=1)
        blame += np.bincount(no_weight[empty].argmax(axis=1), minlength=coef.size)
        start = np.repeat(coef[None, :], r1 - r0, axis=0)
        beta = np.full_like(start, np.nan)
        fit = ~empty
        if fit.any():
            b, _it, done, _broken = _irls(x, y, wr[:, fit], start[fit], tol, max_iter)
            drift = np.abs(b[~done] - coef).argmax(axis=1)
            blame += np.bincount(drift, minlength=coef.size)
            b[~done] = np.nan
            beta[fit] = b
        out[r0:r1] = beta
    failed = int(np.isnan(out).any(axis=1).sum())
    if failed > max_failed * rep.replicates:
        raise GlmError(
            f"{failed} of {rep.replicates} replicate refits failed, most often on column "
            f"'{names[int(blame.argmax())]}': in those replicates its firms have no weight or "
            "outcomes of (nearly) all 0 or all 1 (separation); merge small levels or drop the term"
        )
    return out


def average_cross_partial(
    fit: GlmResult,
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    first: str,
    second: str,
    level: float = 0.95,
) -> CrossPartial:
    """The survey-weighted mean over the fit's respondents of
    μ(1,1) − μ(1,0) − μ(0,1) + μ(0,0), setting the binary terms ``first`` and ``second`` (and
    every product they appear in) to 0/1 and keeping everything else as observed; × ``scale``.
    SE: replicates (recomputed with each replicate's coefficients and weights) or Taylor
    (influence zᵢ = wᵢ(dᵢ − θ̂)/Σw + g'hᵢ, g = ∂θ/∂β: the delta method including the sampling
    of the respondents averaged over)."""
    if fit.spec is None or fit.used is None:
        raise GlmError("the fit carries no design matrix specification")
    main = {name for term in fit.spec.terms for name in term}
    if first == second:
        raise GlmError("the cross-partial needs two different terms")
    for name in (first, second):
        if name not in main:
            raise GlmError(f"'{name}' is not a term of the model")
    if design.n != fit.used.size:
        raise GlmError("the design does not have the fit's rows")
    rows = np.flatnonzero(fit.used)
    n = design.n
    signs = {(1, 1): 1.0, (1, 0): -1.0, (0, 1): -1.0, (0, 0): 1.0}
    xs = {ab: _matrix(data, fit.spec, n, {first: ab[0], second: ab[1]})[rows] for ab in signs}
    w = design.weights[rows]
    total = w.sum()
    mus = {ab: expit(x @ fit.coef) for ab, x in xs.items()}
    d = sum(signs[ab] * mus[ab] for ab in signs)
    theta = float(w @ d / total)
    if isinstance(design, ReplicateDesign):
        if fit.replicate_coef is None or fit.replicate_coef.shape[0] != design.replicates:
            raise GlmError("the fit has no replicate coefficients for this replicate design")
        thetas = np.empty(design.replicates)
        for r0, r1 in _replicate_blocks(design, rows.size):
            wr = _replicate_weights(design, rows, r0, r1)
            b = fit.replicate_coef[r0:r1]
            dr = sum(signs[ab] * expit(xs[ab] @ b.T) for ab in signs)
            thetas[r0:r1] = np.einsum("ir,ir->r", wr, dr) / wr.sum(axis=0)
        ok = ~np.isnan(fit.replicate_coef).any(axis=1)
        kept = surviving_replicates(design, ok)
        var = float(replicate_variance(thetas[None, ok], np.array([theta]), kept)[0])
        method = design.kind
    else:
        if fit.influence is None:
            raise GlmError("the fit has no influence values (it was fitted with replicates)")
        g = sum(signs[ab] * ((w * mus[ab] * (1 - mus[ab])) @ xs[ab]) for ab in signs) / total
        z = fit.influence @ g
        z[rows] += w * (d - theta) / total
        var = float(design_covariance(z, design, fit.used)[0, 0])
        method = "taylor"
    se = float(np.sqrt(max(var, 0.0))) * fit.scale
    est = theta * fit.scale
    crit = float(ndtri(1 - (1 - level) / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        zstat = est / se if se > 0 else np.nan
    return CrossPartial(
        first,
        second,
        est,
        se,
        est - crit * se,
        est + crit * se,
        float(ndtr(-zstat)),
        float(ndtr(zstat)),
        int(rows.size),
        method,
    )
