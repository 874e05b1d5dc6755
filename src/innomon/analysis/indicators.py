"""The monitor's indicators: the per-firm variables derived from the answers, and their design-based
estimates for the region, every domain and every two-way cross of domains.

The catalogue itself — names and definitions in Dutch and English, kind, population, unit and
the Oslo Manual / CIS / RIS indicator each one corresponds to — is data
(``analysis/data/indicators.yaml``, read into ``Indicator`` records by ``innomon.catalogue``).
This module defines those records, builds every per-firm variable the catalogue refers to
(``derive``) and estimates the catalogue (``estimate_indicators``).

Conventions of the derived variables (one value per firm):

- 0/1 indicators are floats, NaN where the answer is missing or the firm is outside the
  indicator's population (e.g. ``ntm_turnover_pct_pi`` for a firm without product innovations).
- A question that a relevance rule did not ask counts as 0 where the rule makes the answer
  certain: a firm without product innovations has no new-to-market products and 0 % of its
  turnover from them; a firm that did not invest did no R&D and spent 0 % of its turnover.
- A number no float can hold (a whole number of hundreds of digits) or an infinite one counts
  as missing: the questionnaire's bounds refuse such answers, so only data stored before them
  can hold one, and no answer may break a build.
- Percentages are 0–100. Turnover is not asked as an amount: ``turnover_eur`` is the midpoint of
  the firm's turnover class (``TURNOVER_MIDPOINTS``), used only to weight turnover shares.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
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
        """The derived variables the indicator is computed from."""
        if self.kind == "ratio":
            return (str(self.numerator), str(self.denominator))
        return (str(self.variable),)


# --- domains -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SbiGroup:
    """A group of SBI 2008 sections (letters) used as a reporting domain."""

    code: str
    name_nl: str
    name_en: str
    sections: str


@dataclass(frozen=True)
class AgeClass:
    """Firm age at the wave year: ``low`` ≤ age < ``high`` (no upper bound if ``high`` is None)."""

    code: str
    name_nl: str
    name_en: str
    low: int
    high: int | None


# Six groups of the 21 SBI sections, large enough for regional cells of n ≥ 10 and close to
# the CBS/CIS breakdowns (industry incl. energy and water; trade with hospitality; transport with
# ICT; business services K–N; the rest — agriculture, public and personal services — together).
SBI_GROUPS = (
    SbiGroup("industry", "Industrie en energie", "Industry and energy", "BCDE"),
    SbiGroup("construction", "Bouw", "Construction", "F"),
    SbiGroup("trade_hospitality", "Handel en horeca", "Trade and hospitality", "GI"),
    SbiGroup("transport_ict", "Vervoer en ICT", "Transport and ICT", "HJ"),
    SbiGroup("business_services", "Zakelijke diensten", "Business services", "KLMN"),
    SbiGroup("other", "Overig", "Other", "AOPQRSTU"),
)
AGE_CLASSES = (
    AgeClass("0-4", "jonger dan 5 jaar", "under 5 years", 0, 5),
    AgeClass("5-9", "5 tot 10 jaar", "5 to 10 years", 5, 10),
    AgeClass("10-24", "10 tot 25 jaar", "10 to 25 years", 10, 25),
    AgeClass("25+", "25 jaar of ouder", "25 years or older", 25, None),
)
# Midpoints (euros) of the questionnaire's turnover classes. The open top class (€ 50 million
# or more) takes 1.5 × its lower bound, a convention for open classes; 9 (don't know) is missing.
TURNOVER_MIDPOINTS = (
    (1, 125_000.0),
    (2, 625_000.0),
    (3, 1_500_000.0),
    (4, 6_000_000.0),
    (5, 30_000_000.0),
    (6, 75_000_000.0),
)
SUPPORT_INSTRUMENTS = ("wbso", "mit", "innovatiekrediet", "efro", "voucher")
PARTNER_TYPES = (
    "customers",
    "suppliers",
    "competitors",
    "consultants",
    "knowledge_institutions",
    "government",
)
# the questionnaire's location codes
PARTNER_LOCATIONS = (("own_province", "1"), ("other_north", "2"), ("rest_nl", "3"), ("abroad", "4"))
INITIATIVE_TYPES = ("network", "test_environment", "incubator")
DOMAINS = ("province", "corop", "sbi_group", "size_class", "age_class")


@dataclass(frozen=True)
class DeriveSettings:
    """What ``derive`` needs besides the records: the wave year (for firm ages), the
    top-innovator threshold (a fraction, from ``monitor.yaml``) and the documented groupings."""

    wave_year: int
    top_innovator_threshold: float = 0.40
    turnover_midpoints: tuple[tuple[int, float], ...] = TURNOVER_MIDPOINTS
    sbi_groups: tuple[SbiGroup, ...] = SBI_GROUPS
    age_classes: tuple[AgeClass, ...] = AGE_CLASSES
    support_instruments: tuple[str, ...] = SUPPORT_INSTRUMENTS

    def __post_init__(self) -> None:
        if not 0 < self.top_innovator_threshold < 1:
            raise ValueError(
                f"top_innovator_threshold={self.top_innovator_threshold} must lie between 0 and 1"
            )


# --- per-firm variables --------------------------------------------------------------------


def _number(record: Mapping[str, Any], key: str) -> float:
    value = record.get(key)
    if value is None or value == "":
        return math.nan
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond any float (e.g. 400 nines): unusable
        return math.nan
    except (TypeError, ValueError):
        raise ValueError(f"answer '{key}' = {value!r} is not a number") from None
    return number if math.isfinite(number) else math.nan


def _column(records: Sequence[Mapping[str, Any]], key: str) -> np.ndarray:
    return np.array([_number(r, key) for r in records], dtype=float)


def _yes_no(records: Sequence[Mapping[str, Any]], key: str) -> np.ndarray:
    out = _column(records, key)
    bad = ~np.isnan(out) & (out != 0) & (out != 1)
    if bad.any():
        raise ValueError(f"answer '{key}' = {out[bad][0]:g} is not a yes/no code (1 or 0)")
    return out


def _codes(value: Any) -> frozenset[str] | None:
    """The codes of a select_multiple answer (a list, or a string separated by spaces, commas
    or semicolons); None when unanswered."""
    if value is None or value == "":
        return None
    parts: Iterable[str | None]
    if isinstance(value, str):
        parts = value.replace(",", " ").replace(";", " ").split()
    elif isinstance(value, Iterable):
        parts = [category_label(v) for v in value]
    else:
        parts = [category_label(value)]
    return frozenset(p for p in parts if p is not None)


def _given(gate: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``value`` where the gate question is yes, 0 where it is no (the follow-up question was not
    asked, and its answer is then certain), NaN where the gate itself is missing."""
    return np.where(gate == 1, value, np.where(gate == 0, 0.0, np.nan))


def _any(*columns: np.ndarray) -> np.ndarray:
    """Three-valued OR of 0/1/NaN columns: 1 if any is 1, 0 if all are 0, else NaN."""
    stack = np.vstack(columns)
    return np.where((stack == 1).any(axis=0), 1.0, np.where((stack == 0).all(axis=0), 0.0, np.nan))


def _only(mask: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``value`` for the firms in the population ``mask`` (1), NaN for the others."""
    return np.where(mask == 1, value, np.nan)


def _flag(condition: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, condition.astype(float), np.nan)


def _text(records: Sequence[Mapping[str, Any]], key: str) -> np.ndarray:
    out = np.empty(len(records), dtype=object)
    out[:] = [category_label(r.get(key)) for r in records]
    return out


def _sbi_group(sections: np.ndarray, groups: Sequence[SbiGroup]) -> np.ndarray:
    by_letter = {letter: g.code for g in groups for letter in g.sections}
    out = np.empty(sections.size, dtype=object)
    out[:] = [None if s is None else by_letter.get(str(s).upper()) for s in sections]
    return out


def _age_class(age: np.ndarray, classes: Sequence[AgeClass]) -> np.ndarray:
    out = np.empty(age.size, dtype=object)
    out[:] = None
    for c in classes:
        below = np.ones(age.size, dtype=bool) if c.high is None else age < c.high
        out[(age >= c.low) & below] = c.code  # NaN compares False: no class
    return out


def _initiatives(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Participation in initiatives. An initiative question left unanswered means none (the
    questionnaire: 'leave empty if your firm took part in none'). ``n_initiatives`` (from the
    stored participations) is used when present, else the number of initiatives answered."""
    per_type = {
        t: np.array([len(_codes(r.get(f"initiatives_{t}")) or ()) for r in records], float)
        for t in INITIATIVE_TYPES
    }
    answered = sum(per_type.values(), np.zeros(len(records)))
    stored = _column(records, "n_initiatives")
    count = np.where(np.isnan(stored), answered, stored)
    participant = (count > 0).astype(float)
    out = {f"in_{t}": (n > 0).astype(float) for t, n in per_type.items()}
    out.update(
        n_initiatives=count,
        participant=participant,
        n_initiatives_participants=_only(participant, count),
    )
    return out


def _partners(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Collaboration partners by location: 1 when any partner type has that location, 0 when the
    firm answered at least one partner question without it, NaN when it answered none (not
    asked before 2019, or skipped)."""
    n = len(records)
    answered = np.zeros(n, dtype=bool)
    found = {loc: np.zeros(n, dtype=bool) for _, loc in PARTNER_LOCATIONS}
    for i, r in enumerate(records):
        for p in PARTNER_TYPES:
            codes = _codes(r.get(f"partner_{p}"))
            if codes is None:
                continue
            answered[i] = True
            for loc in found:
                found[loc][i] |= loc in codes
    out = {f"partner_{name}": _flag(found[loc], answered) for name, loc in PARTNER_LOCATIONS}
    out["partner_any"] = _flag(np.logical_or.reduce(list(found.values())), answered)
    return out


def derive(records: Sequence[Mapping[str, Any]], settings: DeriveSettings) -> dict[str, np.ndarray]:
    """Every per-firm variable the indicator catalogue and the typology refer to, and the domain
    columns ``province``, ``corop``, ``sbi_group``, ``size_class`` and ``age_class`` (object
    arrays, None when unknown). One value per record, in the records' order."""
    product = _yes_no(records, "product_innovation")
    process = _yes_no(records, "process_innovation")
    investor = _yes_no(records, "innovation_investment")
    innovator = _any(product, process)
    ntm_pct = _given(product, _column(records, "turnover_new_market_pct"))
    ntf_pct = _given(product, _column(records, "turnover_new_firm_pct"))
    spend_pct = _given(investor, _column(records, "innovation_spend_pct"))
    rd = _given(investor, _yes_no(records, "rd_internal"))
    midpoints = dict(settings.turnover_midpoints)
    classes = _column(records, "turnover_class")
    turnover = np.array(
        [math.nan if math.isnan(c) else midpoints.get(int(c), math.nan) for c in classes]
    )
    threshold_pct = 100.0 * settings.top_innovator_threshold
    founded = _column(records, "founding_year")
    age = settings.wave_year - founded
    age = np.where(age >= 0, age, np.nan)
    out: dict[str, np.ndarray] = {
        "product_innovator": product,
        "process_innovator": process,
        "innovator": innovator,
        "ntm_innovator": _given(product, _yes_no(records, "product_new_to_market")),
        "ntm_turnover_pct": ntm_pct,
        "ntf_turnover_pct": ntf_pct,
        "ntm_turnover_pct_pi": _only(product, ntm_pct),
        "ntf_turnover_pct_pi": _only(product, ntf_pct),
        "turnover_eur": turnover,
        "ntm_turnover_eur": turnover * ntm_pct / 100.0,
        "ntf_turnover_eur": turnover * ntf_pct / 100.0,
        "investor": investor,
        "rd_internal": rd,
        "rd_internal_innovators": _only(innovator, rd),
        "innovation_spend_pct": spend_pct,
        "innovation_spend_eur": turnover * spend_pct / 100.0,
        "collab_knowledge": _yes_no(records, "collab_knowledge_institution"),
        "top_innovator": _flag(ntm_pct > threshold_pct, ~np.isnan(ntm_pct)),
        "employees": _column(records, "employees"),
        "firm_age": age,
    }
    out.update(_initiatives(records))
    out.update(_partners(records))
    for key in settings.support_instruments:
        code = _column(records, f"support_{key}")
        known = ~np.isnan(code)
        out[f"support_{key}_aware"] = _flag(code >= 1, known)
        out[f"support_{key}_used"] = _flag(code == 3, known)
    sections = _text(records, "sbi_section")
    out.update(
        province=_text(records, "province"),
        corop=_text(records, "corop"),
        sbi_group=_sbi_group(sections, settings.sbi_groups),
        size_class=_text(records, "size_class"),
        age_class=_age_class(age, settings.age_classes),
    )
    return out


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
    (``crosses``) every two-way cross of them, from the derived variables ``data`` (``derive``)
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
