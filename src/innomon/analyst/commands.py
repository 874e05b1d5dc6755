"""The services behind ``innomon estimate`` and ``innomon weight``.

Both read a data file (``readers``), build the survey design from the columns the analyst
named, check everything a user can get wrong *before* any computation — unknown columns, text
where numbers are needed, missing or non-positive weights, margins that do not fit the data,
empty domains — and stop with an ``AnalystError`` naming the file, row and column. Only then do
they compute (``innomon.stats``) and write the result whole (``writers``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from innomon import stats
from innomon.analyst import AnalystError
from innomon.analyst.margins import BoundMargin, bind, read_margins
from innomon.analyst.readers import Table, fail, read_table
from innomon.analyst.writers import (
    ESTIMATE_FORMATS,
    OUTPUT_COLUMNS,
    TABLE_FORMATS,
    check_output,
    write_estimates,
    write_table,
)
from innomon.config import monitor_settings
from innomon.stats.labels import number_label
from innomon.stats.weighting import (
    RakeReport,
    WeightDiagnostics,
    WeightingError,
    calibrate_linear,
    diagnostics,
    poststratify,
    rake,
    trim,
)

METHODS = ("taylor", "jk1", "jkn", "bootstrap")
CALIBRATIONS = ("rake", "poststratify", "linear")
DEFAULT_REPLICATES = 200
DEFAULT_SEED = 0

AnyDesign = stats.Design | stats.ReplicateDesign


@dataclass(frozen=True)
class DesignSpec:
    """The columns that describe the sample design (None: not part of it)."""

    weight: str
    strata: str | None = None
    psu: str | None = None
    ssu: str | None = None
    fpc: str | None = None
    fpc2: str | None = None
    lonely_psu: str = "fail"


@dataclass(frozen=True)
class EstimateRequest:
    """Everything ``innomon estimate`` was asked for."""

    data: Path
    design: DesignSpec
    mean: tuple[str, ...] = ()
    total: tuple[str, ...] = ()
    prop: tuple[str, ...] = ()
    ratio: tuple[tuple[str, str], ...] = ()
    quantile: tuple[str, ...] = ()
    probs: tuple[float, ...] = (0.25, 0.5, 0.75)
    by: tuple[str, ...] = ()
    method: str = "taylor"
    replicates: int | None = None
    seed: int | None = None
    level: float = 0.95
    min_n: int | None = None  # None: the monitor's rule (monitor.yaml)
    margins: Path | None = None
    calibrate: str | None = None
    output: Path | None = None


@dataclass(frozen=True)
class WeightResult:
    """What ``innomon weight`` did: the file it wrote and the weights' diagnostics."""

    data: str
    output: Path
    column: str
    method: str
    margins: tuple[str, ...]
    diagnostics: WeightDiagnostics
    rake: RakeReport | None
    margin_error: float
    trimmed: tuple[float, float] | None
    non_positive: int


# ------------------------------------------------------------------------------- errors


def _hint(message: str, hint: str) -> str:
    message = message.replace("choose another lonely-PSU rule (", "choose --lonely-psu (")
    return message if ";" in message else f"{message}; {hint}"


@contextmanager
def _design_errors(source: str) -> Iterator[None]:
    """Turn the engine's ``DesignError`` into a one-line error about file ``source``."""
    try:
        yield
    except stats.DesignError as exc:
        hint = "check the design options (--weight, --strata, --psu, --fpc)"
        raise AnalystError(f"{source}: {_hint(str(exc), hint)}") from exc


@contextmanager
def _weighting_errors(source: str) -> Iterator[None]:
    try:
        yield
    except WeightingError as exc:
        raise AnalystError(f"{source}: {_hint(str(exc), 'check the margins')}") from exc


# ------------------------------------------------------------------------------- design


def _no_missing(table: Table, column: str, missing: np.ndarray, what: str) -> None:
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        fail(
            f"{table.where(i, column)}: no value, but {what} is needed for every respondent; "
            "fill it in or leave the respondent out"
        )


def build_design(table: Table, spec: DesignSpec) -> stats.Design:
    """The sample design from the named columns, every value checked first."""
    w = table.numeric(spec.weight, "--weight")
    _no_missing(table, spec.weight, np.isnan(w), "the weight (--weight)")
    bad = np.flatnonzero(w <= 0)
    if bad.size:
        i = int(bad[0])
        fail(
            f"{table.where(i, spec.weight)}: the weight {w[i]:g} is not positive; weights must "
            "be greater than 0 — correct it or leave the respondent out"
        )
    roles: dict[str, np.ndarray] = {}
    for role, column, option in (
        ("strata", spec.strata, "--strata"),
        ("psu", spec.psu, "--psu"),
        ("ssu", spec.ssu, "--psu"),
    ):
        if column is not None:
            values = table.categories(column, option)
            missing = np.equal(values, None) if values.dtype == object else np.zeros(table.n, bool)
            _no_missing(table, column, missing, f"the {role} ({option})")
            roles[role] = values
    for role, column in (("fpc", spec.fpc), ("fpc2", spec.fpc2)):
        if column is not None:
            values = table.numeric(column, "--fpc")
            _no_missing(table, column, np.isnan(values), "the population size (--fpc)")
            roles[role] = values
    names = {"weights": spec.weight}
    names.update({role: column for role, column in vars(spec).items() if role in roles and column})
    with _design_errors(table.source):
        return stats.make_design(weights=w, lonely_psu=spec.lonely_psu, names=names, **roles)


def _replicate(design: stats.Design, request: EstimateRequest, source: str) -> AnyDesign:
    with _design_errors(source):
        if request.method == "jk1":
            return stats.jk1(design)
        if request.method == "jkn":
            return stats.jkn(design)
        return stats.bootstrap(
            design,
            request.replicates or DEFAULT_REPLICATES,
            DEFAULT_SEED if request.seed is None else request.seed,
        )


# ------------------------------------------------------------------------------- weighting


def calibrate(
    design: AnyDesign, margins: Sequence[BoundMargin], how: str, source: str
) -> tuple[AnyDesign, RakeReport | None]:
    """Weight ``design`` to the ``margins`` (read from file ``source``) by ``how``: rake,
    poststratify or linear. Linear calibration takes the first categorical margin with all its
    levels (they span the intercept), later ones without their first level (sorted), and
    numeric margins as they are."""
    numeric = [m for m in margins if m.is_numeric]
    categorical = [m for m in margins if not m.is_numeric]
    if how != "linear" and numeric:
        fail(
            f"{source}: margin {numeric[0].name} is numeric (its level is empty), which only "
            f"linear calibration takes; give its levels, or calibrate linear instead of {how}"
        )
    with _weighting_errors(source):
        if how == "poststratify":
            if len(margins) != 1:
                names = ", ".join(m.name for m in margins)
                fail(
                    f"{source}: post-stratification takes one margin, but the file has "
                    f"{len(margins)} ({names}); rake instead, or cross them into one margin "
                    f"'{'*'.join(m.name for m in margins)}'"
                )
            m = margins[0]
            return poststratify(design, m.cells, m.population, m.name), None
        if how == "rake":
            return rake(design, [(m.name, m.cells, m.population) for m in margins])
        grand = [sum(m.population.values()) for m in categorical]
        if grand and max(grand) - min(grand) > 1e-6 * max(grand):
            lo, hi = int(np.argmin(grand)), int(np.argmax(grand))
            fail(
                f"{source}: margins {categorical[lo].name} and {categorical[hi].name} disagree "
                f"on the population total ({grand[lo]:g} vs {grand[hi]:g}); make them add up "
                "alike"
            )
        columns, totals, names = [], [], []
        for k, m in enumerate(categorical):
            for level in sorted(m.population)[0 if k == 0 else 1 :]:
                columns.append(np.equal(m.cells, level).astype(float))
                totals.append(m.population[level])
                names.append(f"{m.name}={level}")
        for m in numeric:
            columns.append(m.values)
            totals.append(m.total)
            names.append(m.name)
        x = np.column_stack(columns)
        return calibrate_linear(design, x, totals, names=names), None


def margin_error(weights: np.ndarray, margins: Sequence[BoundMargin]) -> float:
    """The largest absolute difference between a margin's total and the weights' sum."""
    error = 0.0
    for m in margins:
        if m.is_numeric:
            error = max(error, abs(float(weights @ m.values) - m.total))
            continue
        for level, total in m.population.items():
            error = max(error, abs(float(weights[np.equal(m.cells, level)].sum()) - total))
    return error


def _margins(table: Table, path: Path) -> list[BoundMargin]:
    return bind(read_margins(path), table, path.name)


# ------------------------------------------------------------------------------- estimate


def _check_request(request: EstimateRequest) -> None:
    spec = request.design
    if request.method not in METHODS:
        fail(f"--method {request.method}: unknown; use one of {', '.join(METHODS)}")
    if request.calibrate is not None and request.calibrate not in CALIBRATIONS:
        fail(f"--calibrate {request.calibrate}: unknown; use one of {', '.join(CALIBRATIONS)}")
    if not (request.mean or request.total or request.prop or request.ratio or request.quantile):
        fail("nothing to estimate; give --mean, --total, --prop, --ratio or --quantile")
    if (request.margins is None) != (request.calibrate is None):
        fail("--margins and --calibrate go together; give both, or neither")
    if request.method == "jk1" and spec.strata:
        fail("--method jk1 is for unstratified designs, but --strata is given; use --method jkn")
    if request.method == "jkn" and not spec.strata:
        fail("--method jkn needs --strata; use --method jk1 for an unstratified design")
    if request.method != "bootstrap" and (request.replicates, request.seed) != (None, None):
        fail("--replicates and --seed are for --method bootstrap; leave them out")
    clash = [b for b in request.by if b in OUTPUT_COLUMNS or b == "df" or b == "reason"]
    if clash:
        fail(
            f"--by column '{clash[0]}' has the name of an output column; rename the column "
            "in the data"
        )
    if len(set(request.by)) != len(request.by):
        fail("--by names a column twice; name each column once")


def _missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    return np.equal(values, None)


def _requested(table: Table, request: EstimateRequest) -> list[tuple[str, str, np.ndarray]]:
    """Every requested variable — (name, option, has a value) — checked to exist and, where
    numbers are needed, to be numeric."""
    out: list[tuple[str, str, np.ndarray]] = []
    for name in request.mean:
        out.append((name, "--mean", ~np.isnan(table.numeric(name, "--mean"))))
    for name in request.total:
        out.append((name, "--total", ~_missing(table.column(name, "--total"))))
    for name in request.prop:
        out.append((name, "--prop", ~_missing(table.column(name, "--prop"))))
    for num, den in request.ratio:
        ok = ~np.isnan(table.numeric(num, "--ratio")) & ~np.isnan(table.numeric(den, "--ratio"))
        out.append((f"{num}:{den}", "--ratio", ok))
    for name in request.quantile:
        out.append((name, "--quantile", ~np.isnan(table.numeric(name, "--quantile"))))
    return out


def _check_domains(
    table: Table, by: tuple[str, ...], variables: list[tuple[str, str, np.ndarray]]
) -> None:
    """Every requested variable has a respondent with a value in every domain."""
    if not by:
        for name, option, ok in variables:
            if not ok.any():
                fail(
                    f"{table.source}: no respondent has a value of '{name}' ({option}); "
                    "leave it out, or fill in its values"
                )
        return
    domain, keys = _domains([table.column(b, "--by") for b in by])
    if not keys:
        fail(
            f"{table.source}: no respondent has a value in every --by column "
            f"({', '.join(by)}); fill them in or choose other --by columns"
        )
    order = sorted(range(len(keys)), key=lambda d: keys[d])
    inside = domain >= 0
    for name, option, ok in variables:
        counts = np.bincount(domain[inside & ok], minlength=len(keys))
        for d in order:
            if counts[d] == 0:
                where = ", ".join(f"{b}={v}" for b, v in zip(by, keys[d], strict=True))
                fail(
                    f"{table.source}: in the domain {where} no respondent has a value of "
                    f"'{name}' ({option}); leave '{name}' out, or use fewer or coarser --by "
                    "columns"
                )


def _codes(labels: np.ndarray) -> tuple[np.ndarray, list]:
    """Per row the index of its label among the distinct labels (-1: missing), and those
    labels in order of first appearance — hashed (pyarrow), not sorted. A column of numbers
    (NaN: missing) is labelled as ``Table.labels`` does, each distinct number once."""
    if labels.dtype.kind == "f":
        finite = ~np.isnan(labels)
        uniq, first, inverse = np.unique(labels[finite], return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty(uniq.size, dtype=np.int64)
        rank[order] = np.arange(uniq.size)
        index = np.full(labels.size, -1, dtype=np.int64)
        index[finite] = rank[inverse.reshape(-1)]
        return index, [number_label(float(u)) for u in uniq[order]]
    encoded = pc.dictionary_encode(pa.array(labels, pa.string()))
    index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return index, encoded.dictionary.to_pylist()


def _domains(labels: list[np.ndarray]) -> tuple[np.ndarray, list[tuple]]:
    """Per row its domain of the crossed labels (-1 when a label is missing), and the domains'
    label tuples in order of first appearance."""
    n = labels[0].size
    domain = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    parts = []
    for values in labels:
        index, names = _codes(values)
        missing |= index < 0
        domain = domain * max(len(names), 1) + np.maximum(index, 0)
        parts.append(names)
    domain[missing] = -1
    inside = np.flatnonzero(~missing)
    if not inside.size:
        return np.full(n, -1, dtype=np.int64), []
    uniq, first, inverse = np.unique(domain[inside], return_index=True, return_inverse=True)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
    out = np.full(n, -1, dtype=np.int64)
    out[inside] = rank[inverse.reshape(-1)]
    keys: list[tuple] = [()] * uniq.size
    for u, r in zip(uniq.tolist(), rank.tolist(), strict=True):
        key, rest = [], u
        for names in reversed(parts):
            size = max(len(names), 1)
            key.append(names[rest % size])
            rest //= size
        keys[r] = tuple(reversed(key))
    return out, keys


def estimate(request: EstimateRequest, stdout: TextIO) -> list[stats.Estimate]:
    """Run ``innomon estimate``: check, compute, then write the estimates to
    ``request.output`` (CSV or JSON, whole or not at all) or as CSV to ``stdout``."""
    _check_request(request)
    check_output(request.output, ESTIMATE_FORMATS)
    table = read_table(request.data)
    variables = _requested(table, request)
    for name in request.by:
        table.column(name, "--by")
    design: AnyDesign = build_design(table, request.design)
    if request.method != "taylor":
        design = _replicate(design, request, table.source)
    if request.margins is not None and request.calibrate is not None:
        bound = _margins(table, request.margins)
        design, report = calibrate(design, bound, request.calibrate, request.margins.name)
        if report is not None and not report.converged:
            fail(
                f"{request.margins.name}: raking did not converge in {report.sweeps} sweeps "
                f"(largest margin error {report.max_margin_error:.3g}); check that the margins "
                "can be met together, or collapse sparse cells"
            )
    _check_domains(table, request.by, variables)
    with _design_errors(table.source):
        results = stats.estimate(
            table.columns,
            design,
            mean=request.mean,
            total=request.total,
            prop=request.prop,
            ratio=request.ratio,
            quantile=request.quantile,
            probs=request.probs,
            by=[request.by],
            level=request.level,
            disclosure=_disclosure(request.min_n),
        )
    write_estimates(_in_order(results), request.by, request.output, stdout)
    return results


def _disclosure(min_n: int | None) -> stats.DisclosureRule:
    """The monitor's disclosure rule (``monitor.yaml``), with ``min_n`` when given."""
    rule = monitor_settings().disclosure_rule()
    return rule if min_n is None else replace(rule, min_n=min_n)


def _in_order(results: list[stats.Estimate]) -> list[stats.Estimate]:
    """Grouped by statistic, variable and level (in the engine's order), then by domain."""
    first: dict[tuple, int] = {}
    for e in results:
        first.setdefault((e.statistic, e.variable, e.level), len(first))
    return sorted(results, key=lambda e: first[(e.statistic, e.variable, e.level)])


# ------------------------------------------------------------------------------- weight


def weight(
    data: Path,
    design: DesignSpec,
    margins: Path,
    method: str,
    output: Path,
    trim_to: tuple[float, float] | None = None,
    name: str = "weight_adj",
) -> WeightResult:
    """Run ``innomon weight``: calibrate the weights to the margins (then trim them to
    ``trim_to``), and write the data with the adjusted weight in column ``name``."""
    check_output(output, TABLE_FORMATS)
    if method not in CALIBRATIONS:
        fail(f"--method {method}: unknown; use one of {', '.join(CALIBRATIONS)}")
    if not name:
        fail("--name is empty; name the column for the adjusted weight")
    table = read_table(data)
    if table.has(name):
        fail(
            f"{table.source}: already has a column '{name}'; choose another --name for the "
            "adjusted weight"
        )
    base = build_design(table, design)
    bound = _margins(table, margins)
    adjusted, report = calibrate(base, bound, method, margins.name)
    if trim_to is not None:
        with _weighting_errors(table.source):
            adjusted = trim(adjusted, *trim_to)
    weights = np.asarray(adjusted.weights, float)
    write_table(table, name, weights, output)
    return WeightResult(
        data=table.source,
        output=output,
        column=name,
        method=method,
        margins=tuple(m.name for m in bound),
        diagnostics=diagnostics(weights),
        rake=report,
        margin_error=margin_error(weights, bound),
        trimmed=trim_to,
        non_positive=int((weights <= 0).sum()),
    )
