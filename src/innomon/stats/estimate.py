"""Design-based estimation of totals, means, proportions, ratios and quantiles, for the whole
population and any domains, with Taylor or replicate variances — all variables and all domains
in one call (R survey's ``svytotal``, ``svymean``, ``svyratio``, ``svyciprop``,
``svyquantile`` and ``svyby``).

Every statistic is a ratio of two weighted totals, N/D (a total has D = 1 and no division);
its influence values are z_i = w_i (y_i − θ̂ d_i)/D̂ (Lumley 2010, §2.3, "linearisation"). A
domain is a set of rows: its estimate uses the weights of its rows only, and its variance the
whole design (R: ``svyby`` on a subset keeps the design's strata and PSU counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Any, cast

import numpy as np

from ._groups import group_sum
from .design import Design, DesignError
from .disclosure import DisclosureRule, flag
from .labels import category_labels
from .replicate import ReplicateDesign, replicate_variance
from .results import Estimate
from .taylor import BLOCK_VALUES, TaylorPlan, calibrated_influence, variance

DENSE_LIMIT = 20_000_000  # values per chunk when calibrated designs need dense columns


@dataclass(frozen=True, eq=False)
class _Columns:
    """The estimate columns, each as 1-D arrays over the rows — its numerator (zero where not
    ok), denominator (ones for means and proportions, zeros for totals) and the rows with a
    value — shared between columns where they are equal (one array of ones for every mean,
    one all-true mask for every column without missing values). ``block`` stacks a few
    columns at a time; ``num``, ``den`` and ``ok`` stack them all (n × k)."""

    statistic: list[str]
    variable: list[str]
    level: list[str | None]
    nums: list[np.ndarray]
    dens: list[np.ndarray]
    oks: list[np.ndarray]
    is_total: np.ndarray  # k

    def block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(num, den, ok) of columns lo..hi-1, each n × (hi − lo)."""
        return (
            _stack(self.nums[lo:hi], float),
            _stack(self.dens[lo:hi], float),
            _stack(self.oks[lo:hi], bool),
        )

    @cached_property
    def num(self) -> np.ndarray:
        return _stack(self.nums, float)

    @cached_property
    def den(self) -> np.ndarray:
        return _stack(self.dens, float)

    @cached_property
    def ok(self) -> np.ndarray:
        return _stack(self.oks, bool)


def _stack(cols: Sequence[np.ndarray], dtype: type) -> np.ndarray:
    """Columns side by side, column-major (each column written and read contiguously); one
    column is a view of itself, no copy."""
    if len(cols) == 1 and cols[0].dtype == dtype:
        return cols[0][:, None]
    n = cols[0].size if cols else 0
    out: np.ndarray = np.empty((n, len(cols)), dtype=dtype, order="F")
    for j, col in enumerate(cols):
        out[:, j] = col
    return out


def _blocks(k: int, n: int) -> list[tuple[int, int]]:
    """Column ranges of at most ``BLOCK_VALUES`` values (at least one column each)."""
    step = max(1, BLOCK_VALUES // max(n, 1))
    return [(lo, min(k, lo + step)) for lo in range(0, k, step)]


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind in "fc":
        return np.isnan(values)
    if values.dtype.kind in "iub":
        return np.zeros(values.size, dtype=bool)
    out = np.zeros(values.size, dtype=bool)
    for i, v in enumerate(values):
        out[i] = v is None or (isinstance(v, float) and np.isnan(v)) or v == ""
    return out


def _numeric(data: Mapping[str, Any], name: str, n: int) -> np.ndarray:
    if name not in data:
        raise DesignError(f"unknown column '{name}'")
    arr = np.asarray(data[name])
    if arr.size != n:
        raise DesignError(f"column '{name}' has {arr.size} values for {n} rows")
    if arr.dtype.kind in "fiub":
        return np.asarray(arr, dtype=float)  # no copy of a float column (never written to)
    missing = _is_missing(arr)
    out = np.full(n, np.nan)
    try:
        out[~missing] = arr[~missing].astype(float)
    except (TypeError, ValueError):
        bad = next(i for i in np.flatnonzero(~missing) if not _is_number(arr[i]))
        raise DesignError(f"column '{name}' row {bad + 1}: '{arr[bad]}' is not a number") from None
    return out


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_categorical(data: Mapping[str, Any], name: str) -> bool:
    if name not in data:
        raise DesignError(f"unknown column '{name}'")
    arr = np.asarray(data[name])
    if arr.dtype.kind in "fiub":
        return False
    missing = _is_missing(arr)
    return not all(_is_number(v) for v in arr[~missing])


def _labels(values: np.ndarray) -> np.ndarray:
    """Category values as strings; integral floats print without '.0'."""
    return category_labels(values)


def _categories(
    data: Mapping[str, Any], name: str, n: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(codes with -1 for missing, missing mask, level labels) of a categorical column."""
    if name not in data:
        raise DesignError(f"unknown column '{name}'")
    arr = np.asarray(data[name])
    if arr.size != n:
        raise DesignError(f"column '{name}' has {arr.size} values for {n} rows")
    missing = _is_missing(arr)
    codes = np.full(n, -1, dtype=np.int64)
    if (~missing).any():
        present = arr[~missing]
        if present.dtype.kind in "fiub":
            uniq, inv = np.unique(present, return_inverse=True)
            labels = list(_labels(uniq))
        else:
            text = _labels(present)
            uniq, inv = np.unique(text, return_inverse=True)
            labels = [str(u) for u in uniq]
        codes[~missing] = inv.reshape(-1)
    else:
        labels = []
    return codes, missing, labels


def _columns(
    data: Mapping[str, Any],
    n: int,
    mean: Sequence[str],
    total: Sequence[str],
    prop: Sequence[str],
    ratio: Sequence[tuple[str, str]],
) -> _Columns:
    statistic: list[str] = []
    variable: list[str] = []
    level: list[str | None] = []
    nums: list[np.ndarray] = []
    dens: list[np.ndarray] = []
    oks: list[np.ndarray] = []
    totals: list[bool] = []

    ones, zeros = np.ones(n), np.zeros(n)
    every = np.ones(n, dtype=bool)

    def add(
        stat: str, var: str, lev: str | None, num: np.ndarray, den: np.ndarray, ok: np.ndarray
    ) -> None:
        """One estimate column: its numerator, denominator (zeros for a total) and rows used."""
        statistic.append(stat)
        variable.append(var)
        level.append(lev)
        nums.append(num)
        dens.append(den)
        oks.append(every if ok.all() else ok)
        totals.append(stat == "total")

    def present(y: np.ndarray, ok: np.ndarray) -> np.ndarray:
        return y if ok.all() else np.where(ok, y, 0.0)

    for name in mean:
        y = _numeric(data, name, n)
        ok = ~np.isnan(y)
        add("mean", name, None, present(y, ok), ones, ok)
    for name in total:
        if _is_categorical(data, name):  # a category's estimated count in the population
            codes, missing, labels = _categories(data, name, n)
            for j, lab in enumerate(labels):
                add("total", name, lab, (codes == j).astype(float), zeros, ~missing)
            continue
        y = _numeric(data, name, n)
        ok = ~np.isnan(y)
        add("total", name, None, present(y, ok), zeros, ok)
    for name in prop:
        codes, missing, labels = _categories(data, name, n)
        for j, lab in enumerate(labels):
            add("proportion", name, lab, (codes == j).astype(float), ones, ~missing)
    for num_name, den_name in ratio:
        y = _numeric(data, num_name, n)
        x = _numeric(data, den_name, n)
        ok = ~np.isnan(y) & ~np.isnan(x)
        add("ratio", f"{num_name}/{den_name}", None, present(y, ok), present(x, ok), ok)
    return _Columns(statistic, variable, level, nums, dens, oks, np.array(totals, dtype=bool))


def _cells(
    data: Mapping[str, Any], by: Sequence[str], n: int
) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Each row's cell of the cross-classification ``by`` (-1 if a by-value is missing)."""
    if not by:
        return np.zeros(n, dtype=np.int64), [()]
    cell = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    all_labels = []
    for name in by:
        codes, miss, labels = _categories(data, name, n)
        missing |= miss
        cell = cell * max(len(labels), 1) + np.maximum(codes, 0)
        all_labels.append(labels)
    cell[missing] = -1
    present, inv = np.unique(cell[~missing], return_inverse=True)
    out = np.full(n, -1, dtype=np.int64)
    out[~missing] = inv.reshape(-1)
    sizes = [max(len(lab), 1) for lab in all_labels]
    keys = []
    for code in present:
        parts, rest = [], int(code)
        for size in reversed(sizes):
            parts.append(rest % size)
            rest //= size
        parts.reverse()
        keys.append(tuple(all_labels[i][p] for i, p in enumerate(parts)))
    return out, keys


BLOCK = 256  # rows per block in the batched products of replicate totals


def _replicate_totals(
    values: np.ndarray, cell: np.ndarray, n_cells: int, rep: ReplicateDesign
) -> np.ndarray:
    """Σ_i w_ir · values_ik within each cell, for every replicate r: (n_cells × k × R).

    Values are first summed by (PSU, cell); the replicate sums are then batched matrix products
    over blocks of at most ``BLOCK`` (PSU, cell) rows of one cell each — BLAS over blocks, no
    Python loop per cell or replicate."""
    k = values.shape[1]
    r = rep.replicates
    keep = cell >= 0
    unit = rep.unit[keep]
    c = cell[keep]
    wv = values[keep] * rep.weights[keep, None]
    key_codes, inv = np.unique(unit * n_cells + c, return_inverse=True)
    t = group_sum(wv, inv.reshape(-1), key_codes.size)  # (unit, cell) × k
    k_unit = key_codes // n_cells
    k_cell = key_codes % n_cells  # key_codes are sorted by unit: order them by cell
    order = np.argsort(k_cell, kind="stable")
    cs = k_cell[order]
    counts = np.bincount(cs, minlength=n_cells)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    within = np.arange(cs.size) - starts[cs]
    blocks_per_cell = -(-counts // BLOCK)
    block_start = np.r_[0, np.cumsum(blocks_per_cell)[:-1]]
    block = block_start[cs] + within // BLOCK
    slot = within % BLOCK
    n_blocks = int(blocks_per_cell.sum())
    block_cell = np.repeat(np.arange(n_cells), blocks_per_cell)
    out = np.zeros((n_cells, k, r))
    per = max(1, 100_000_000 // (8 * BLOCK * (r + k)))  # blocks per batch: ~100 MB
    firsts = np.arange(0, n_blocks, per)
    row_start = np.searchsorted(block, np.append(firsts, n_blocks))
    for b0, lo, hi in zip(firsts, row_start[:-1], row_start[1:], strict=True):
        nb = min(per, n_blocks - b0)
        a = np.zeros((nb, BLOCK, r))
        v = np.zeros((nb, BLOCK, k))
        rows = order[lo:hi]
        a[block[lo:hi] - b0, slot[lo:hi]] = rep.factors[k_unit[rows]]
        v[block[lo:hi] - b0, slot[lo:hi]] = t[rows]
        prod = np.matmul(v.transpose(0, 2, 1), a)  # nb × k × R
        np.add.at(out, block_cell[b0 : b0 + nb], prod)
    return out


def _distinct_columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of ``values`` and, for each column, the index of its copy (the
    denominators of means share one column unless their missing values differ)."""
    seen: dict[bytes, int] = {}
    back = np.empty(values.shape[1], dtype=np.int64)
    keep: list[int] = []
    for j in range(values.shape[1]):
        key = np.ascontiguousarray(values[:, j]).tobytes()
        if key not in seen:
            seen[key] = len(keep)
            keep.append(j)
        back[j] = seen[key]
    return values[:, keep], back


def _taylor_var(
    z: np.ndarray, design: Design, cell: np.ndarray, n_cells: int, present: np.ndarray
) -> np.ndarray:
    if not design.is_calibrated:
        return variance(z, design, cell, n_cells, present)
    # calibrated: residualise each (cell, column) as a full-length column, in chunks
    n, k = z.shape
    out = np.zeros((n_cells, k))
    pairs = [(c, j) for c in range(n_cells) for j in range(k)]
    per = max(1, DENSE_LIMIT // max(1, n))
    for start in range(0, len(pairs), per):
        block = pairs[start : start + per]
        cs = np.array([p[0] for p in block])
        js = np.array([p[1] for p in block])
        dense = z[:, js] * (cell[:, None] == cs[None, :])
        dense = calibrated_influence(dense, design)
        v = variance(dense, design)[0]
        out[cs, js] = v
    return out


def _df(
    design: Design | ReplicateDesign, cell: np.ndarray, n_cells: int, present: np.ndarray
) -> np.ndarray:
    """Degrees of freedom per cell and column: PSUs minus strata with rows present (Taylor),
    or the rank of the replicate weights of those rows minus one (replicates)."""
    k = present.shape[1]
    keep = cell >= 0
    if isinstance(design, ReplicateDesign):
        out = np.zeros((n_cells, k))
        for j in range(n_cells) if design.factors.size <= 5_000_000 else ():
            in_cell = keep & (cell == j)
            out[j, :] = design.degf(in_cell)
        if design.factors.size > 5_000_000:
            units = group_sum(
                (present & keep[:, None]).astype(float), np.where(keep, cell, 0), n_cells
            )
            out = np.minimum(units, design.replicates) - 1
        return out
    st = design.first
    inset = present & keep[:, None] & (design.weights != 0)[:, None]
    c = np.where(keep, cell, 0)
    u_codes, u_inv = np.unique(st.unit * n_cells + c, return_inverse=True)
    u_pres = group_sum(inset.astype(float), u_inv.reshape(-1), u_codes.size) > 0
    n_units = group_sum(u_pres.astype(float), u_codes % n_cells, n_cells)
    s_codes, s_inv = np.unique(st.stratum * n_cells + c, return_inverse=True)
    s_pres = group_sum(inset.astype(float), s_inv.reshape(-1), s_codes.size) > 0
    n_strata = group_sum(s_pres.astype(float), s_codes % n_cells, n_cells)
    return n_units - n_strata


def _crit(level: float, df: np.ndarray) -> np.ndarray:
    """The two-sided critical value: Student's t with ``df`` degrees of freedom, the normal
    where ``df`` is infinite (scipy, 0.3 s to import, only when a t quantile is needed)."""
    alpha = 1 - level
    df = np.asarray(df, float)
    t = np.full(df.shape, NormalDist().inv_cdf(1 - alpha / 2))
    finite = ~np.isinf(df)
    if finite.any():
        from scipy.special import stdtrit

        with np.errstate(invalid="ignore"):
            t[finite] = stdtrit(np.where(df[finite] > 0, df[finite], np.nan), 1 - alpha / 2)
    return t


def _logit_ci(p: np.ndarray, se: np.ndarray, crit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``svyciprop(method = "logit")``: a Wald interval for logit(p), transformed back."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        inner = (p > 0) & (p < 1)
        lp = np.log(p / (1 - p))
        half = crit * se / (p * (1 - p))
        low = np.where(inner, 1 / (1 + np.exp(-(lp - half))), np.nan)
        high = np.where(inner, 1 / (1 + np.exp(-(lp + half))), np.nan)
    return low, high


def _point(
    cols: _Columns, weights: np.ndarray, cell: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    keep = cell >= 0
    c = np.where(keep, cell, 0)
    wok = weights[:, None] * cols.ok * keep[:, None]
    num = group_sum(wok * cols.num, c, n_cells)
    den = group_sum(wok * cols.den, c, n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(cols.is_total[None, :], num, num / den)
    return wok, num, den, est


def estimate(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    *,
    mean: Sequence[str] = (),
    total: Sequence[str] = (),
    prop: Sequence[str] = (),
    ratio: Sequence[tuple[str, str]] = (),
    quantile: Sequence[str] = (),
    probs: Sequence[float] = (0.5,),
    by: Sequence[Sequence[str]] = ((),),
    level: float = 0.95,
    disclosure: DisclosureRule | None = None,
) -> list[Estimate]:
    """Estimate every requested statistic in every domain of every ``by`` classification.

    ``data`` maps column names to one value per row of the design (missing: NaN or None,
    excluded per variable and counted in ``n_missing``). ``by`` lists classifications: ``()``
    is the whole population, ``("province",)`` each province, ``("province", "size")`` their
    cross-classification. A ``ReplicateDesign`` gives replicate variances, a ``Design``
    Taylor-linearised ones (of the calibrated estimator when the design is calibrated).
    """
    n = design.n
    cols = _columns(data, n, mean, total, prop, ratio)
    rule = disclosure or DisclosureRule()
    out: list[Estimate] = []
    for spec in by:
        spec = tuple(spec)
        cell, keys = _cells(data, spec, n)
        if not keys:  # every value of a by-variable is missing: no domains, no rows
            continue
        n_cells = len(keys)
        if cols.statistic:
            out.extend(_estimate_columns(data, design, cols, spec, cell, keys, level, rule))
        for name in quantile:
            out.extend(_quantiles(data, design, name, probs, spec, cell, keys, level, rule))
        del n_cells
    return out


def _estimate_columns(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    cols: _Columns,
    spec: tuple[str, ...],
    cell: np.ndarray,
    keys: list[tuple[Any, ...]],
    level: float,
    rule: DisclosureRule,
) -> list[Estimate]:
    n_cells = len(keys)
    k = len(cols.statistic)
    keep = cell >= 0
    everywhere = bool(keep.all())
    c = np.where(keep, cell, 0)
    n_all = group_sum(keep.astype(float), c, n_cells)[:, None]
    taylor = not isinstance(design, ReplicateDesign)
    plan = (
        TaylorPlan(design, cell, n_cells)
        if isinstance(design, Design) and not design.is_calibrated
        else None
    )
    est, var = np.empty((n_cells, k)), np.empty((n_cells, k))
    n_ok, dominance = np.empty((n_cells, k)), np.zeros((n_cells, k))
    influence: list[np.ndarray] = []  # of a calibrated design, residualised all at once
    weights = design.weights[:, None]
    den_totals: dict[tuple[int, int], np.ndarray] = {}  # one per distinct denominator and mask
    # a few columns at a time, the same arithmetic as on all at once: no n × k temporaries
    for lo, hi in _blocks(k, design.n):
        num, den, ok = cols.block(lo, hi)
        full = everywhere and all(bool(o.all()) for o in cols.oks[lo:hi])
        present = ok if everywhere else ok & keep[:, None]
        wok = weights if full else weights * ok * keep[:, None]  # (w · 1 · 1 is w, exactly)
        wnum = wok * num
        key = (id(cols.dens[lo]), id(cols.oks[lo]))
        if hi - lo == 1 and key in den_totals:
            den_c = den_totals[key]
        else:
            den_c = group_sum(wok * den, c, n_cells)
            if hi - lo == 1:
                den_totals[key] = den_c
        num_c = group_sum(wnum, c, n_cells)
        total = cols.is_total[lo:hi]
        with np.errstate(invalid="ignore", divide="ignore"):
            e = np.where(total[None, :], num_c, num_c / den_c)
        est[:, lo:hi] = e
        n_ok[:, lo:hi] = group_sum(present, c, n_cells)
        if total.any():
            dominance[:, np.arange(lo, hi)[total]] = _top_share(
                wnum[:, total], cell, n_cells, rule.dominance_n
            )
        if not taylor:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            dd = np.where(den_c == 0, np.nan, den_c)
            zz = np.where(total[None, :], 0.0, e)
            z = wok * (num - zz[c] * den)
            z = np.where(total[None, :], z, z / dd[c])
        z = np.nan_to_num(z, copy=False)
        if not full:
            z = np.where(present, z, 0.0)
        if plan is not None:
            var[:, lo:hi] = plan.variance(z, present)
        else:
            influence.append(z)
    if isinstance(design, ReplicateDesign):
        values = np.concatenate([cols.num * cols.ok, cols.den * cols.ok], axis=1)
        unique, back = _distinct_columns(values)
        reps = _replicate_totals(unique, cell, n_cells, design)[:, back, :]
        rn, rd = reps[:, :k, :], reps[:, k:, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            thetas = np.where(cols.is_total[None, :, None], rn, rn / rd)
        var = replicate_variance(thetas, est, design)
    elif plan is None:
        z = np.concatenate(influence, axis=1) if influence else np.zeros((design.n, 0))
        var = _taylor_var(z, design, cell, n_cells, cols.ok & keep[:, None])
    se = np.sqrt(np.maximum(var, 0.0))
    is_prop = np.array([s == "proportion" for s in cols.statistic])
    df = np.full(est.shape, np.inf)
    if is_prop.any():
        props = [cols.oks[j] for j in np.flatnonzero(is_prop)]
        df[:, is_prop] = _df(design, cell, n_cells, _stack(props, bool) & keep[:, None])
    crit = _crit(level, df)
    low, high = est - crit * se, est + crit * se
    plow, phigh = _logit_ci(est, se, crit)
    low = np.where(is_prop[None, :], plow, low)
    high = np.where(is_prop[None, :], phigh, high)
    result = []
    for ci, key in enumerate(keys):
        domain = cast(tuple[tuple[str, str], ...], tuple(zip(spec, key, strict=True)))
        for j in range(len(cols.statistic)):
            suppressed, reason = flag(
                int(n_ok[ci, j]),
                cols.statistic[j],
                float(dominance[ci, j]) if cols.is_total[j] else None,
                rule,
            )
            result.append(
                Estimate(
                    cols.statistic[j],
                    cols.variable[j],
                    cols.level[j],
                    domain,
                    float(est[ci, j]),
                    float(se[ci, j]),
                    float(low[ci, j]),
                    float(high[ci, j]),
                    float(df[ci, j]),
                    int(n_ok[ci, j]),
                    int(n_all[ci, 0] - n_ok[ci, j]),
                    suppressed,
                    reason,
                )
            )
    return result


def _top_share(contrib: np.ndarray, cell: np.ndarray, n_cells: int, top: int) -> np.ndarray:
    """Share of each cell's total (of absolute contributions) from its ``top`` largest units."""
    keep = cell >= 0
    a = np.abs(contrib[keep])
    c = cell[keep]
    k = contrib.shape[1]
    out = np.zeros((n_cells, k))
    if a.size == 0:
        return out
    totals = group_sum(a, c, n_cells)
    for j in range(k):  # per variable: one sort by (cell, value) serves all cells
        order = np.lexsort((-a[:, j], c))
        cs = c[order]
        rank = np.arange(order.size) - np.searchsorted(cs, cs, side="left")
        topsum = np.bincount(cs[rank < top], weights=a[order, j][rank < top], minlength=n_cells)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(totals[:, j] > 0, topsum / totals[:, j], 0.0)
    return out


def weighted_quantiles(
    x: np.ndarray, w: np.ndarray, cell: np.ndarray, n_cells: int, probs: np.ndarray
) -> np.ndarray:
    """R survey's ``qrule_math`` (the inverse of the weighted distribution function, Hyndman &
    Fan type 1) for every cell and probability at once: (n_cells × P). ``probs`` is (P,) or
    (n_cells × P) for a probability per cell (NaN gives NaN). Rows with cell -1, weight 0 or a
    missing x are ignored."""
    probs = np.asarray(probs, float)
    if probs.ndim == 1:
        probs = np.broadcast_to(probs, (n_cells, probs.size))
    use = (cell >= 0) & (w > 0) & ~np.isnan(x)
    x, w, cell = x[use], w[use], cell[use]
    out = np.full(probs.shape, np.nan)
    if x.size == 0:
        return out
    order = np.lexsort((x, cell))
    xs, ws, cs = x[order], w[order], cell[order]
    cum = np.cumsum(ws)
    cells = np.arange(n_cells)
    start = np.searchsorted(cs, cells, side="left")
    end = np.searchsorted(cs, cells, side="right")
    has = end > start
    last = np.maximum(end - 1, 0)
    first = np.minimum(start, cs.size - 1)
    before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    cumw = cum - before[cs]  # cumulative weight within the cell
    total = np.where(has, cumw[last], np.nan)
    key = cs + 0.5 * cumw / total[cs]  # increasing: cells apart, fraction within the cell
    for j in range(probs.shape[1]):  # a handful of probabilities, never a loop per cell
        p = probs[:, j]
        target = p * total  # R: pos <- last(cumw <= p * sum(w))
        pos = np.searchsorted(key, cells + 0.5 * np.nan_to_num(p), side="right") - 1
        pos = np.clip(pos, first, last)
        for _ in range(3):  # make the comparison exactly R's
            nxt = np.minimum(pos + 1, last)
            pos = np.where((nxt > pos) & (cumw[nxt] <= target), nxt, pos)
            back = (pos > first) & (cumw[pos] > target)
            pos = np.where(back, pos - 1, pos)
        wlow = p - cumw[pos] / total
        nxt = np.minimum(pos + 1, last)
        q = np.where(wlow <= 0, xs[pos], xs[nxt])
        out[:, j] = np.where(has & ~np.isnan(p), q, np.nan)
    return out


def _quantiles(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    name: str,
    probs: Sequence[float],
    spec: tuple[str, ...],
    cell: np.ndarray,
    keys: list[tuple[Any, ...]],
    level: float,
    rule: DisclosureRule,
) -> list[Estimate]:
    """Quantiles with Woodruff (1952) intervals, as R's ``svyquantile(interval.type="mean")``:
    a confidence interval for F(q̂) = p̂, mapped back through the quantile function."""
    n_cells = len(keys)
    x = _numeric(data, name, design.n)
    ok = ~np.isnan(x)
    keep = cell >= 0
    prob = np.asarray(probs, float)
    qhat = weighted_quantiles(x, design.weights, cell, n_cells, prob)
    c = np.where(keep, cell, 0)
    # p̂ = estimated share at or below q̂, per cell and probability: means of indicators
    ind = np.where(ok[:, None], (x[:, None] <= qhat[c]).astype(float), 0.0)
    k = prob.size
    cols = _Columns(
        ["mean"] * k,
        [name] * k,
        [None] * k,
        [ind[:, j] for j in range(k)],
        [np.ones(ind.shape[0])] * k,
        [ok] * k,
        np.zeros(k, bool),
    )
    wok, _num, den, phat = _point(cols, design.weights, cell, n_cells)
    present = cols.ok & keep[:, None]
    if isinstance(design, ReplicateDesign):
        reps = _replicate_totals(
            np.concatenate([ind * ok[:, None], np.ones_like(ind) * ok[:, None]], axis=1),
            cell,
            n_cells,
            design,
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            thetas = reps[:, :k, :] / reps[:, k:, :]
        var = replicate_variance(thetas, phat, design)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            z = wok * (ind - phat[c]) / den[c]
        z = np.where(present, np.nan_to_num(z), 0.0)
        var = _taylor_var(z, design, cell, n_cells, present)
    se_p = np.sqrt(np.maximum(var, 0))
    df = _df(design, cell, n_cells, present)
    crit = _crit(level, df)
    plow, phigh = phat - crit * se_p, phat + crit * se_p
    result = []
    n_ok = group_sum(present.astype(float), c, n_cells)
    n_all = group_sum(keep.astype(float), c, n_cells)[:, None]
    for j, p in enumerate(prob):
        lows = np.where(plow[:, j] < 0, np.nan, plow[:, j])
        highs = np.where(phigh[:, j] > 1, np.nan, phigh[:, j])
        bounds = weighted_quantiles(
            x, design.weights, cell, n_cells, np.column_stack([lows, highs])
        )
        lo, hi = bounds[:, 0], bounds[:, 1]
        se = (hi - lo) / (2 * crit[:, j])
        for ci, key in enumerate(keys):
            suppressed, reason = flag(int(n_ok[ci, j]), "quantile", None, rule)
            result.append(
                Estimate(
                    "quantile",
                    name,
                    f"{p:g}",
                    tuple(zip(spec, key, strict=True)),
                    float(qhat[ci, j]),
                    float(se[ci]),
                    float(lo[ci]),
                    float(hi[ci]),
                    float(df[ci, j]),
                    int(n_ok[ci, j]),
                    int(n_all[ci, 0] - n_ok[ci, j]),
                    suppressed,
                    reason,
                )
            )
    return result
