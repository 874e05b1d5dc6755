"""The monitor's indicators and their design-based estimates for the region, every domain and
every two-way cross of domains.

The catalogue itself — names and definitions in Dutch and English, kind, population, unit and
the Oslo Manual / CIS / RIS indicator each one corresponds to — is data (the monitor
definition's ``indicators.yaml``, read into ``Indicator`` records by ``innomon.catalogue``).
The per-firm variables an indicator refers to, by name, are the wave's questionnaire's: its
questions, its ``calculate`` rows and its context rows (``innomon.instrument.derive``), plus what
a build adds (the domains of ``innomon.analysis.domains``, the typology's classes). This module
defines the records and estimates them (``estimate_indicators``, ``estimate_shares``,
``estimate_means``).

Conventions of the variables (one value per firm): 0/1 indicators are floats, NaN where the
answer is missing or the firm is outside the indicator's population; percentages are 0–100.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from innomon.stats import Design, DisclosureRule, ReplicateDesign, estimate
from innomon.stats.labels import category_label, category_labels

KINDS = ("share", "mean", "ratio")
POPULATIONS = ("all_smes", "product_innovators", "innovators", "participants")
UNITS = ("%", "% of turnover", "count")


@dataclass(frozen=True)
class Reference:
    """The indicator of a measurement framework an indicator corresponds to, with its source."""

    framework: str  # "Oslo Manual 2018", "CIS", "RIS"
    indicator: str
    source: str


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    ``kind``: ``share`` (the weighted percentage of firms with a 0/1 ``variable`` equal to 1),
    ``mean`` (the weighted mean of ``variable``) or ``ratio`` (Σw·numerator / Σw·denominator).
    A mean or ratio is multiplied by ``factor`` (e.g. 100 to show euros per euro as %).
    ``population`` documents which firms the variables are defined for (NaN for the others).
    """

    id: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    kind: str
    population: str
    unit: str
    variable: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: float = 1.0
    references: tuple[Reference, ...] = ()

    def __post_init__(self) -> None:
        where = f"indicator '{self.id}'"
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind '{self.kind}' is not one of {', '.join(KINDS)}")
        if self.population not in POPULATIONS:
            raise ValueError(
                f"{where}: population '{self.population}' is not one of {', '.join(POPULATIONS)}"
            )
        if self.unit not in UNITS:
            raise ValueError(f"{where}: unit '{self.unit}' is not one of {', '.join(UNITS)}")
        if self.kind == "ratio":
            if not (self.numerator and self.denominator) or self.variable:
                raise ValueError(f"{where}: a ratio needs a numerator and a denominator only")
        elif not self.variable or self.numerator or self.denominator:
            raise ValueError(f"{where}: a {self.kind} needs a variable only")
        if self.kind == "share" and self.factor != 1.0:
            raise ValueError(f"{where}: a share is always a percentage; it takes no factor")
        for lang, text in (("nl", self.name_nl), ("en", self.name_en)):
            if not text.strip():
                raise ValueError(f"{where}: the name in '{lang}' is empty")

    @property
    def variables(self) -> tuple[str, ...]:
        """The per-firm variables the indicator is computed from."""
        if self.kind == "ratio":
            return (str(self.numerator), str(self.denominator))
        return (str(self.variable),)


# --- estimation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorEstimate:
    """The estimate of one indicator in one domain (``()`` for the whole region), in the
    indicator's unit, with its standard error, 95 % interval, unweighted n and whether it may be
    published (``reason`` says why not)."""

    indicator: str
    domain: tuple[tuple[str, str], ...]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    suppressed: bool
    reason: str | None = None


def classifications(domains: Sequence[str], crosses: bool = True) -> list[tuple[str, ...]]:
    """The region ``()``, every domain, and (``crosses``) every two-way cross of domains."""
    by: list[tuple[str, ...]] = [(), *((d,) for d in domains)]
    if crosses:
        by.extend(itertools.combinations(domains, 2))
    return by


def _domain_keys(
    data: Mapping[str, Any], spec: tuple[str, ...]
) -> list[tuple[tuple[str, str], ...]]:
    """The cells of the classification ``spec`` that hold rows, ordered as ``estimate`` orders
    them (by the sorted values of each by-variable in turn)."""
    if not spec:
        return [()]
    per_column = []
    for name in spec:
        arr = np.asarray(data[name])
        labels = category_labels(arr)
        if arr.dtype.kind in "fiub":
            present = ~np.isnan(arr.astype(float))
            order = {category_label(v): i for i, v in enumerate(np.unique(arr[present]))}
        else:
            order = {v: i for i, v in enumerate(sorted({v for v in labels if v is not None}))}
        per_column.append((labels, order))
    cells = set()
    for row in zip(*(labels for labels, _ in per_column), strict=True):
        if None not in row:
            cells.add(row)
    ranked = sorted(cells, key=lambda c: [o[v] for v, (_, o) in zip(c, per_column, strict=True)])
    return [tuple(zip(spec, cell, strict=True)) for cell in ranked]


def _cells_by_spec(
    data: Mapping[str, Any], by: Sequence[Sequence[str]]
) -> dict[tuple[str, ...], list[tuple[tuple[str, str], ...]]]:
    """The cells of every classification in ``by`` that has any; a classification whose
    variables are missing for every firm has no cells and is left out."""
    out = {}
    for spec in by:
        keys = _domain_keys(data, tuple(spec))
        if keys:
            out[tuple(spec)] = keys
    return out


def _missing(
    indicator: str, domain: tuple[tuple[str, str], ...], rule: DisclosureRule
) -> IndicatorEstimate:
    """A cell in which the variable has no value at all."""
    return IndicatorEstimate(
        indicator, domain, math.nan, math.nan, math.nan, math.nan, 0, True, f"n=0 < {rule.min_n}"
    )


def estimate_shares(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    variables: Sequence[str],
    by: Sequence[tuple[str, ...]] = ((),),
    *,
    level: float = 0.95,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """The percentage of firms with each 0/1 variable equal to 1, in every cell of every ``by``
    classification: one call of ``innomon.stats.estimate`` (proportions, with the logit
    interval of R's ``svyciprop``, which stays inside 0–100). Missing values are excluded. A
    variable without any 1 is estimated from its 0s (p = 1 − p₀). Rows are returned variable by
    variable, classification by classification; ``indicator`` holds the variable's name."""
    rule = disclosure or DisclosureRule()
    variables = list(dict.fromkeys(variables))
    cells = _cells_by_spec(data, by)
    if not variables or not cells:
        return []
    by = list(cells)
    found = {}
    for e in estimate(data, design, prop=variables, by=by, level=level, disclosure=rule):
        if e.level not in ("0", "1"):
            raise ValueError(f"variable '{e.variable}' has the value {e.level}; expected 0 or 1")
        found[(e.variable, e.level, e.domain)] = e
    out = []
    for var in variables:
        for domains in cells.values():
            for domain in domains:
                one = found.get((var, "1", domain))
                zero = found.get((var, "0", domain))
                if one is not None:
                    p, lo, hi = one.estimate, one.ci_low, one.ci_high
                    src = one
                elif zero is not None:
                    p, lo, hi = 1 - zero.estimate, 1 - zero.ci_high, 1 - zero.ci_low
                    src = zero
                else:
                    out.append(_missing(var, domain, rule))
                    continue
                out.append(
                    IndicatorEstimate(
                        var,
                        domain,
                        100 * p,
                        100 * src.se,
                        100 * lo,
                        100 * hi,
                        src.n,
                        src.suppressed,
                        src.reason,
                    )
                )
    return out


def estimate_means(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    variables: Sequence[str] = (),
    by: Sequence[tuple[str, ...]] = ((),),
    *,
    ratios: Sequence[tuple[str, str]] = (),
    level: float = 0.95,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """Weighted means of ``variables`` and ratios Σw·y/Σw·x of ``ratios``, with normal
    intervals, in every cell of every ``by`` classification — one call of
    ``innomon.stats.estimate``. ``indicator`` holds the variable's name (``y/x`` for a ratio)."""
    rule = disclosure or DisclosureRule()
    variables = list(dict.fromkeys(variables))
    ratios = list(dict.fromkeys(ratios))
    cells = _cells_by_spec(data, by)
    if not (variables or ratios) or not cells:
        return []
    by = list(cells)
    found = {
        (e.variable, e.domain): e
        for e in estimate(
            data, design, mean=variables, ratio=ratios, by=by, level=level, disclosure=rule
        )
    }
    names = variables + [f"{y}/{x}" for y, x in ratios]
    out = []
    for name in names:
        for domains in cells.values():
            for domain in domains:
                e = found.get((name, domain))
                if e is None:
                    out.append(_missing(name, domain, rule))
                    continue
                out.append(
                    IndicatorEstimate(
                        name,
                        domain,
                        e.estimate,
                        e.se,
                        e.ci_low,
                        e.ci_high,
                        e.n,
                        e.suppressed,
                        e.reason,
                    )
                )
    return out


def _scaled(e: IndicatorEstimate, indicator: Indicator) -> IndicatorEstimate:
    f = indicator.factor
    return IndicatorEstimate(
        indicator.id,
        e.domain,
        f * e.estimate,
        f * e.se,
        f * e.ci_low,
        f * e.ci_high,
        e.n,
        e.suppressed,
        e.reason,
    )


def estimate_indicators(
    data: Mapping[str, Any],
    design: Design | ReplicateDesign,
    catalogue: Sequence[Indicator],
    domains: Sequence[str],
    crosses: bool = True,
    *,
    level: float = 0.95,
    disclosure: DisclosureRule | None = None,
) -> list[IndicatorEstimate]:
    """Estimate every indicator of ``catalogue`` for the region, every domain in ``domains`` and
    (``crosses``) every two-way cross of them, from the per-firm variables ``data``
    and a design over the same rows. ``innomon.stats.estimate`` is called once per kind — shares,
    then means and ratios together — with all classifications. Rows come indicator by indicator
    in catalogue order, each with the region first, then the domains, then the crosses; a domain
    unknown for every firm has no cells and gives no rows."""
    by = classifications(domains, crosses)
    shares = [i for i in catalogue if i.kind == "share"]
    means = [i for i in catalogue if i.kind == "mean"]
    ratios = [i for i in catalogue if i.kind == "ratio"]
    rows: dict[str, list[IndicatorEstimate]] = {}
    for e in estimate_shares(
        data, design, [str(i.variable) for i in shares], by, level=level, disclosure=disclosure
    ):
        rows.setdefault(e.indicator, []).append(e)
    for e in estimate_means(
        data,
        design,
        [str(i.variable) for i in means],
        by,
        ratios=[(str(i.numerator), str(i.denominator)) for i in ratios],
        level=level,
        disclosure=disclosure,
    ):
        rows.setdefault(e.indicator, []).append(e)
    out: list[IndicatorEstimate] = []
    for ind in catalogue:
        key = f"{ind.numerator}/{ind.denominator}" if ind.kind == "ratio" else str(ind.variable)
        out.extend(_scaled(e, ind) for e in rows[key])
    return out
