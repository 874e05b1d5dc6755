"""Are internal innovation investment and collaboration complements? The 2×2 of exclusive
strategies, the supermodularity test and a fractional logit with controls.

- ``strategy_table``: the four exclusive strategies (neither, invest only, collab only, both)
  with the design-based mean outcome and share of top innovators of each — the estimates of
  ``innomon.stats.estimate`` with the strategy as the domain.
- ``supermodularity_test``: Δ = f(1,1) − f(1,0) − f(0,1) + f(0,0) of the four domain means
  (Mohnen & Röller 2005; Cassiman & Veugelers 2006): complements iff Δ > 0. Its SE is design-
  based: Taylor — the variance of the combined influence values Σ_c a_c z_c of the four domain
  means (so the covariances between cells that share PSUs are included); replicates — Δ
  recomputed with every replicate's weights. One-sided p-values against the normal reference.
- ``complementarity``: the table, the test and the fractional logit (``glm``) with the average
  cross-partial (Ai & Norton 2003); ``finding_sentence`` says what they show in Dutch or English.

Nothing here knows the answer: every verdict and every word of the sentence follows from the
numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from innomon.stats import Design, DisclosureRule, Estimate, ReplicateDesign, estimate
from innomon.stats.disclosure import flag
from innomon.stats.labels import category_labels
from innomon.stats.replicate import replicate_variance

from .glm import (
    CrossPartial,
    GlmError,
    GlmResult,
    average_cross_partial,
    design_covariance,
    fractional_logit,
    numeric_column,
)

COMPLEMENTS = "complements"
SUBSTITUTES = "substitutes"
NO_EVIDENCE = "no evidence"

# (name, invest, collab, sign in the supermodularity contrast); the index is the cell code
STRATEGIES = (
    ("neither", 0, 0, 1.0),
    ("invest_only", 1, 0, -1.0),
    ("collab_only", 0, 1, -1.0),
    ("both", 1, 1, 1.0),
)


class ComplementarityError(ValueError):
    """The analysis cannot be done; the message names the column, row or strategy."""


@dataclass(frozen=True)
class Cell:
    """One exclusive strategy: ``outcome`` is the mean of the outcome (percent of turnover),
    ``top`` the proportion (0–1) of top innovators — both ``innomon.stats`` estimates of the
    domain, with SE, CI, n, n_missing and the suppression flag."""

    strategy: str
    invest: int
    collab: int
    outcome: Estimate
    top: Estimate

    @property
    def n(self) -> int:
        return self.outcome.n

    @property
    def top_pct(self) -> float:
        return 100.0 * self.top.estimate


@dataclass(frozen=True)
class Contrast:
    """The supermodularity contrast of one variable, in percentage points: ``estimate`` with SE,
    normal CI, z, one-sided p-values (``p_greater``: H1 Δ > 0; ``p_less``: H1 Δ < 0) and the
    verdict. ``cells`` are the four means (same unit) by strategy name; ``n`` the respondents
    with a strategy and a value."""

    variable: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_greater: float
    p_less: float
    verdict: str
    cells: tuple[tuple[str, float], ...]
    n: int


@dataclass(frozen=True)
class SupermodularityResult:
    """The test on the mean outcome (``outcome``) and on the share of top innovators (``top``).
    ``method`` is ``taylor`` or the replicate kind; the reference distribution is normal."""

    outcome: Contrast
    top: Contrast | None  # None: no top-innovator variable
    alpha: float
    level: float
    method: str
    reference: str = "normal"

    @property
    def verdict(self) -> str:
        return self.outcome.verdict


@dataclass(frozen=True)
class ComplementarityResult:
    """Table, test, model and the model's average cross-partial; ``n_missing_strategy`` counts
    respondents without a known investment or collaboration (in no cell).

    The model is supplementary to the test: when it cannot be estimated (e.g. replicate refits
    that separate because almost no firm of a strategy has new-to-market sales), ``model`` and
    ``cross_partial`` are None and ``model_error`` says why; the table and the test stand.
    ``pooled`` lists the control levels merged before fitting (control → {level: into})."""

    table: tuple[Cell, ...]
    test: SupermodularityResult
    model: GlmResult | None
    cross_partial: CrossPartial | None
    n_missing_strategy: int
    model_error: str | None = None
    pooled: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Inputs:
    code: np.ndarray  # strategy cell 0..3, -1 when invest or collab is missing
    outcome: np.ndarray  # NaN for missing
    top: np.ndarray  # 0/1, NaN for missing


def _binary(data: Mapping[str, Any], name: str, n: int) -> np.ndarray:
    try:
        x = numeric_column(data, name, n)
    except ValueError as exc:
        raise ComplementarityError(str(exc)) from None
    bad = np.flatnonzero(~np.isnan(x) & (x != 0) & (x != 1))
    if bad.size:
        i = int(bad[0])
        raise ComplementarityError(f"column '{name}' row {i + 1}: {x[i]:g} is not 0 or 1")
    return x


def _inputs(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    invest: str,
    collab: str,
    outcome: str,
    top: str | None,
) -> _Inputs:
    n = design.n
    a, b = _binary(data, invest, n), _binary(data, collab, n)
    t = np.full(n, np.nan) if top is None else _binary(data, top, n)
    try:
        y = numeric_column(data, outcome, n)
    except ValueError as exc:
        raise ComplementarityError(str(exc)) from None
    bad = np.flatnonzero(~np.isnan(y) & ((y < 0) | (y > 100)))
    if bad.size:
        i = int(bad[0])
        raise ComplementarityError(
            f"column '{outcome}' row {i + 1}: {y[i]:g} is not a share of turnover in 0–100 %"
        )
    known = ~np.isnan(a) & ~np.isnan(b)
    code = np.where(known, np.nan_to_num(a) + 2 * np.nan_to_num(b), -1).astype(np.int64)
    return _Inputs(code, y, t)


def _free_name(data: Mapping[str, Any], base: str) -> str:
    name = base
    while name in data:
        name = f"_{name}"
    return name


def _empty(
    statistic: str,
    variable: str,
    level: str | None,
    domain: tuple[tuple[str, str], ...],
    rule: DisclosureRule,
) -> Estimate:
    suppressed, reason = flag(0, statistic, None, rule)
    nan = math.nan
    return Estimate(
        statistic, variable, level, domain, nan, nan, nan, nan, nan, 0, 0, suppressed, reason
    )


def strategy_table(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    invest: str,
    collab: str,
    outcome: str,
    top: str | None,
    level: float = 0.95,
    disclosure: DisclosureRule | None = None,
) -> list[Cell]:
    """The 2×2 of exclusive strategies (neither, invest only, collab only, both): per cell the
    design-based mean ``outcome`` and proportion of ``top`` innovators, from
    ``innomon.stats.estimate(…, by=[(strategy,)])``. Missing values are excluded per variable
    and counted (``n_missing``); a strategy without respondents gets an empty, suppressed cell.
    Without ``top`` (None) the cells' top-innovator shares are empty and suppressed."""
    rule = disclosure or DisclosureRule()
    inp = _inputs(data, design, invest, collab, outcome, top)
    cell_name = _free_name(data, "strategy")
    names = np.array([s[0] for s in STRATEGIES] + [None], dtype=object)
    work = {outcome: inp.outcome, cell_name: names[inp.code]}
    if top is not None:
        work[top] = inp.top
    found = estimate(
        work,
        design,
        mean=[outcome],
        prop=[] if top is None else [top],
        by=[(cell_name,)],
        level=level,
        disclosure=rule,
    )
    by_key = {(e.statistic, e.level, e.domain[0][1]): e for e in found}
    out = []
    for name, a, b, _sign in STRATEGIES:
        domain = ((cell_name, name),)
        mean = by_key.get(("mean", None, name)) or _empty("mean", outcome, None, domain, rule)
        share = by_key.get(("proportion", "1", name))
        if top is None:
            share = _empty("proportion", "top", "1", domain, rule)
        elif share is None:
            zero = by_key.get(("proportion", "0", name))  # nobody in the cell is a top innovator
            share = (
                _empty("proportion", top, "1", domain, rule)
                if zero is None
                else replace(zero, level="1", estimate=0.0, ci_low=math.nan, ci_high=math.nan)
            )
        out.append(Cell(name, a, b, mean, share))
    return out


def _verdict(p_greater: float, p_less: float, alpha: float) -> str:
    if p_greater < alpha:
        return COMPLEMENTS
    if p_less < alpha:
        return SUBSTITUTES
    return NO_EVIDENCE


def _unit_totals(values: np.ndarray, rep: ReplicateDesign) -> np.ndarray:
    """Σ_i w_ir · values_ik for every replicate (k × R) — ``replicate_weights().T @ values``,
    summed by replicate unit first so no rows × replicates matrix is formed."""
    units = rep.factors.shape[0]
    wv = values * rep.weights[:, None]
    by_unit = np.column_stack(
        [np.bincount(rep.unit, weights=wv[:, j], minlength=units) for j in range(wv.shape[1])]
    )
    return by_unit.T @ rep.factors


def _contrast(
    variable: str,
    values: np.ndarray,
    code: np.ndarray,
    design: Design | ReplicateDesign,
    unit: float,
    level: float,
    alpha: float,
) -> Contrast:
    ok = (code >= 0) & ~np.isnan(values)
    y = np.where(ok, values, 0.0)
    w = design.weights
    masks = np.column_stack([ok & (code == c) for c in range(4)]).astype(float)
    den = (w[:, None] * masks).sum(axis=0)
    empty = np.flatnonzero(den <= 0)
    if empty.size:
        raise ComplementarityError(
            f"no respondent with a value of '{variable}' follows the strategy "
            f"'{STRATEGIES[int(empty[0])][0]}'; the contrast cannot be estimated"
        )
    means = (w[:, None] * masks * y[:, None]).sum(axis=0) / den
    signs = np.array([s[3] for s in STRATEGIES])
    delta = float(signs @ means)
    if isinstance(design, ReplicateDesign):
        totals = _unit_totals(np.concatenate([masks * y[:, None], masks], axis=1), design)
        rden = totals[4:]
        if (rden <= 0).any():
            c, r = np.argwhere(rden <= 0)[0]
            raise ComplementarityError(
                f"replicate {r + 1} leaves the strategy '{STRATEGIES[c][0]}' without "
                f"respondents with a value of '{variable}'; use the Taylor variance or a "
                "replicate design with more PSUs per stratum"
            )
        thetas = signs @ (totals[:4] / rden)
        var = float(replicate_variance(thetas[None, :], np.array([delta]), design)[0])
    else:
        # the four domain means' influence values w_i·1[i∈c](y_i − m_c)/D_c, combined
        z = (w[:, None] * masks * (y[:, None] - means[None, :]) / den[None, :]) @ signs
        var = float(design_covariance(z, design, ok)[0, 0])
    se = math.sqrt(max(var, 0.0)) * unit
    est = delta * unit
    crit = float(ndtri(1 - (1 - level) / 2))
    if se > 0:
        zstat = est / se
    elif se == 0 and est != 0:  # no sampling variance at all (a census of every cell)
        zstat = math.copysign(math.inf, est)
    else:
        zstat = math.nan  # undefined: the p-values are NaN and the verdict is no evidence
    p_greater, p_less = float(ndtr(-zstat)), float(ndtr(zstat))
    return Contrast(
        variable,
        est,
        se,
        est - crit * se,
        est + crit * se,
        zstat,
        p_greater,
        p_less,
        _verdict(p_greater, p_less, alpha),
        tuple((s[0], float(m) * unit) for s, m in zip(STRATEGIES, means, strict=True)),
        int(ok.sum()),
    )


def supermodularity_test(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    invest: str,
    collab: str,
    outcome: str,
    top: str | None,
    *,
    level: float = 0.95,
    alpha: float = 0.05,
) -> SupermodularityResult:
    """Δ = f(1,1) − f(1,0) − f(0,1) + f(0,0) of the cell means of ``outcome`` (percentage
    points of turnover) and of the share of ``top`` innovators (percentage points), each with a
    design-based SE, a normal ``level`` CI, one-sided p-values for H1: Δ > 0 and H1: Δ < 0, and
    the verdict: complements if p(Δ > 0) < ``alpha``, substitutes if p(Δ < 0) < ``alpha``, else
    no evidence."""
    inp = _inputs(data, design, invest, collab, outcome, top)
    method = design.kind if isinstance(design, ReplicateDesign) else "taylor"
    return SupermodularityResult(
        _contrast(outcome, inp.outcome, inp.code, design, 1.0, level, alpha),
        None if top is None else _contrast(top, inp.top, inp.code, design, 100.0, level, alpha),
        alpha,
        level,
        method,
    )


def complementarity(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    invest: str,
    collab: str,
    outcome: str,
    top: str | None,
    controls: Sequence[str] = (),
    *,
    level: float = 0.95,
    alpha: float = 0.05,
    disclosure: DisclosureRule | None = None,
    min_level_n: int = 0,
    model_optional: bool = False,
) -> ComplementarityResult:
    """The table, the supermodularity test, and the fractional logit of outcome/100 on invest,
    collab, invest × collab and the ``controls`` (treatment dummies) with its average
    cross-partial in percentage points. Control levels with fewer than ``min_level_n``
    respondents are merged first (``pool_sparse_levels``). With ``model_optional`` a model that
    cannot be estimated is reported in ``model_error`` instead of raising ``GlmError``."""
    table = strategy_table(data, design, invest, collab, outcome, top, level, disclosure)
    test = supermodularity_test(
        data, design, invest, collab, outcome, top, level=level, alpha=alpha
    )
    in_cells = sum(c.outcome.n + c.outcome.n_missing for c in table)
    n_missing = design.n - in_cells
    columns = dict(data)
    pooled = {}
    for name in controls:
        columns[name], merged = pool_sparse_levels(data[name], min_level_n)
        if merged:
            pooled[name] = merged
    try:
        model = fractional_logit(
            columns, design, outcome, (invest, collab, (invest, collab)), controls, scale=100.0
        )
        cross = average_cross_partial(model, columns, design, invest, collab, level)
    except GlmError as exc:
        if not model_optional:
            raise
        return ComplementarityResult(tuple(table), test, None, None, n_missing, str(exc), pooled)
    return ComplementarityResult(tuple(table), test, model, cross, n_missing, None, pooled)


def pool_sparse_levels(values: Any, min_n: int) -> tuple[np.ndarray, dict[str, str]]:
    """A categorical control with every level of fewer than ``min_n`` respondents merged into
    the most populous level (ties: the first in sorted order), and the merges made
    ({level: into}). A level that small gives the model a coefficient that bootstrap
    replicates leave without weight or separate; as a control it only needs to absorb the
    group's mean, so merging it costs little. Missing values stay missing."""
    labels = category_labels(np.asarray(values))
    present = [str(v) for v in labels if v is not None]
    counts: dict[str, int] = {}
    for v in present:
        counts[v] = counts.get(v, 0) + 1
    small = sorted(v for v, k in counts.items() if k < min_n)
    if not small or len(small) == len(counts):
        return labels, {}
    into = min((v for v in counts if v not in small), key=lambda v: (-counts[v], v))
    out = np.array([into if v is not None and str(v) in small else v for v in labels], object)
    return out, dict.fromkeys(small, into)


# --- the finding in words -------------------------------------------------------------------

_TEXT = {
    "en": {
        COMPLEMENTS: (
            "Collaboration pays off together with internal investment: firms that do both earn "
            "{size} percentage points {direction} of their turnover from new-to-market products "
            "than the separate effects would give ({interval}; {p}). The two are complements."
        ),
        SUBSTITUTES: (
            "Collaboration and internal investment get in each other's way: firms that do both "
            "earn {size} percentage points {direction} of their turnover from new-to-market "
            "products than the separate effects would give ({interval}; {p}). The two are "
            "substitutes."
        ),
        NO_EVIDENCE: (
            "There is no evidence that collaboration and internal investment reinforce or weaken "
            "each other: firms that do both earn {size} percentage points {direction} of their "
            "turnover from new-to-market products than the separate effects would give, a "
            "difference within the sampling error ({interval}; {p})."
        ),
        "more": "more",
        "less": "less",
        "interval": "{level} % CI {low}{sep}{high}",
        "to": " to ",
        "p": "one-sided p {relation} {value}",
    },
    "nl": {
        COMPLEMENTS: (
            "Samenwerking loont samen met interne investeringen: bedrijven die beide doen, halen "
            "{size} procentpunt {direction} van hun omzet uit producten die nieuw zijn voor de "
            "markt dan de afzonderlijke effecten zouden geven ({interval}; {p}). De twee "
            "versterken elkaar (complementair)."
        ),
        SUBSTITUTES: (
            "Samenwerking en interne investeringen zitten elkaar in de weg: bedrijven die beide "
            "doen, halen {size} procentpunt {direction} van hun omzet uit producten die nieuw "
            "zijn voor de markt dan de afzonderlijke effecten zouden geven ({interval}; {p}). "
            "De twee zijn substituten."
        ),
        NO_EVIDENCE: (
            "Er is geen aanwijzing dat samenwerking en interne investeringen elkaar versterken of "
            "verzwakken: bedrijven die beide doen, halen {size} procentpunt {direction} van hun "
            "omzet uit producten die nieuw zijn voor de markt dan de afzonderlijke effecten "
            "zouden geven, een verschil binnen de steekproefonzekerheid ({interval}; {p})."
        ),
        "more": "meer",
        "less": "minder",
        "interval": "{level}%-betrouwbaarheidsinterval {low}{sep}{high}",
        "to": " tot ",
        "p": "eenzijdige p {relation} {value}",
    },
}


def _number(value: float, lang: str, digits: int = 1) -> str:
    text = f"{abs(value):.{digits}f}"
    if lang == "nl":
        text = text.replace(".", ",")
    return ("−" if value < 0 and float(text.replace(",", ".")) != 0 else "") + text


def _p_value(p: float, lang: str) -> str:
    words = _TEXT[lang]["p"]
    if math.isnan(p):
        return words.format(relation="=", value="–")
    if p < 0.001:
        return words.format(relation="<", value=_number(0.001, lang, 3))
    return words.format(relation="=", value=_number(p, lang, 3 if p < 0.01 else 2))


def finding_sentence(result: ComplementarityResult | SupermodularityResult, lang: str) -> str:
    """The finding of the supermodularity test on the mean outcome in plain Dutch (``nl``) or
    English (``en``): the verdict, the contrast in percentage points, its CI and the one-sided
    p-value of the direction observed — all from the numbers."""
    if lang not in _TEXT:
        raise ComplementarityError(f"no sentence in language '{lang}'; use nl or en")
    test = result.test if isinstance(result, ComplementarityResult) else result
    c = test.outcome
    words = _TEXT[lang]
    sep = words["to"] if c.ci_low < 0 else "–"
    interval = words["interval"].format(
        level=f"{100 * test.level:g}".replace(".", "," if lang == "nl" else "."),
        low=_number(c.ci_low, lang),
        sep=sep,
        high=_number(c.ci_high, lang),
    )
    p = (
        c.p_less
        if c.verdict == SUBSTITUTES or (c.verdict == NO_EVIDENCE and c.estimate < 0)
        else c.p_greater
    )
    return words[c.verdict].format(
        size=_number(abs(c.estimate), lang),
        direction=words["more"] if c.estimate >= 0 else words["less"],
        interval=interval,
        p=_p_value(p, lang),
    )
