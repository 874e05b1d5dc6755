"""The firm typology: the innovation-pyramid ladder and yes/no flags (in the Northern Netherlands
monitor: top innovator, frugal super-innovator and micro-veteran) — rules as data, applied by
code.

The rules (the monitor definition's ``typology.yaml``, read by ``innomon.catalogue``) are
conditions on the per-firm variables of the wave (questions, calculations, context and domains,
by name), of the form ``variable op value``
(``op`` one of ``== != < <= > >=``; ``value`` a number or the name of a parameter), combined
with ``all`` / ``any``. They are evaluated in three-valued logic: a comparison with a missing
value is *unknown*; ``all`` is false if any term is false, unknown if any is unknown, else true;
``any`` the reverse. Nothing unknown is counted as no.

1. The flags are evaluated in their order; each becomes a variable (0/1/NaN) that later flags
   and the ladder may use.
2. The ladder levels are tried from the first (the highest) down: a firm gets the first level
   whose rule is true. When a rule is unknown before one is true, the firm's level is unknown
   (a missing answer never moves a firm down the ladder).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
TOP = "top"
FRUGAL = "frugal"
MICRO_VETERAN = "micro_veteran"
FLAGS = (TOP, FRUGAL, MICRO_VETERAN)  # the Northern Netherlands monitor's flags (none required)
LEVEL = "ladder_level"
TOP_PARAMETER = "top_innovator_pct"  # 100 × the top-innovator threshold of monitor.yaml


@dataclass(frozen=True)
class Condition:
    """``variable op value``; ``value`` is a number or the name of a parameter."""

    variable: str
    op: str
    value: float | str

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"operator '{self.op}' is not one of {' '.join(OPERATORS)}")

    def __str__(self) -> str:
        value = f"{self.value:g}" if isinstance(self.value, float) else self.value
        return f"{self.variable} {self.op} {value}"


@dataclass(frozen=True)
class Rule:
    """All (``mode='all'``) or any (``mode='any'``) of ``terms``."""

    mode: str
    terms: tuple[Condition | Rule, ...]

    def __post_init__(self) -> None:
        if self.mode not in ("all", "any"):
            raise ValueError(f"rule mode '{self.mode}' is not 'all' or 'any'")
        if not self.terms:
            raise ValueError(f"an '{self.mode}' rule needs at least one condition")

    def conditions(self) -> list[Condition]:
        """Every condition of the rule, nested rules included."""
        out: list[Condition] = []
        for t in self.terms:
            out.extend(t.conditions() if isinstance(t, Rule) else [t])
        return out


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    source: str


@dataclass(frozen=True)
class Level:
    """One step of the ladder: ``score`` (0 = bottom), id, names and definitions, and its rule."""

    score: int
    id: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    rule: Rule


@dataclass(frozen=True)
class Flag:
    """A yes/no class of firms (any id, e.g. ``top``, ``frugal``, ``micro_veteran``) and its
    rule."""

    id: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    rule: Rule


@dataclass(frozen=True)
class TypologyRules:
    """The parameters, flags (evaluated in order) and ladder levels (highest first)."""

    parameters: tuple[Parameter, ...]
    flags: tuple[Flag, ...]
    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        ids = [f.id for f in self.flags]
        for flag_id in ids:
            if not flag_id.isidentifier():
                raise ValueError(f"flag id '{flag_id}' is not a variable name")
        if len(set(ids)) != len(ids):
            raise ValueError("flag ids must be unique")
        scores = [lv.score for lv in self.levels]
        if not scores or scores != sorted(set(scores), reverse=True):
            raise ValueError("ladder levels must be listed from the highest score down, once each")
        names = {p.name for p in self.parameters}
        for rule in [*(f.rule for f in self.flags), *(lv.rule for lv in self.levels)]:
            for c in rule.conditions():
                if isinstance(c.value, str) and c.value not in names:
                    raise ValueError(f"condition '{c}': unknown parameter '{c.value}'")

    def parameter(self, name: str) -> float:
        for p in self.parameters:
            if p.name == name:
                return p.value
        raise KeyError(name)

    @property
    def top_innovator_threshold(self) -> float:
        """The top-innovator threshold as a fraction of turnover (0.40: more than 40 %)."""
        return self.parameter(TOP_PARAMETER) / 100.0

    def with_parameters(self, **values: float) -> TypologyRules:
        """The same rules with some parameters changed (names must exist)."""
        known = {p.name for p in self.parameters}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown typology parameters: {', '.join(sorted(unknown))}")
        params = tuple(
            replace(p, value=float(values[p.name])) if p.name in values else p
            for p in self.parameters
        )
        return replace(self, parameters=params)

    def level(self, score: int) -> Level:
        for lv in self.levels:
            if lv.score == score:
                return lv
        raise KeyError(score)

    def variables(self) -> set[str]:
        """The per-firm variables the rules read (flags excluded)."""
        rules = [*(f.rule for f in self.flags), *(lv.rule for lv in self.levels)]
        flag_ids = {f.id for f in self.flags}
        return {c.variable for r in rules for c in r.conditions()} - flag_ids


@dataclass(frozen=True)
class FirmClasses:
    """One firm's classes: ladder level (score, id, names; None when unknown) and its flags by
    id (None: unknown)."""

    level: int | None
    level_id: str | None
    name_nl: str | None
    name_en: str | None
    flags: Mapping[str, bool | None] = field(default_factory=dict)

    @property
    def top(self) -> bool | None:
        return self.flags.get(TOP)

    @property
    def frugal(self) -> bool | None:
        return self.flags.get(FRUGAL)

    @property
    def micro_veteran(self) -> bool | None:
        return self.flags.get(MICRO_VETERAN)


def evaluate(
    rule: Rule | Condition, variables: Mapping[str, np.ndarray], parameters: Mapping[str, float]
) -> np.ndarray:
    """The rule for every firm, in three-valued logic: 1.0 true, 0.0 false, NaN unknown."""
    if isinstance(rule, Condition):
        if rule.variable not in variables:
            raise ValueError(f"condition '{rule}': unknown variable '{rule.variable}'")
        x = np.asarray(variables[rule.variable])
        if x.dtype.kind not in "fiub":
            raise ValueError(f"condition '{rule}': '{rule.variable}' is not numeric")
        x = x.astype(float)
        value = parameters[rule.value] if isinstance(rule.value, str) else rule.value
        with np.errstate(invalid="ignore"):
            result = OPERATORS[rule.op](x, value).astype(float)
        return np.where(np.isnan(x), np.nan, result)
    terms = np.vstack([evaluate(t, variables, parameters) for t in rule.terms])
    decisive, other = (0.0, 1.0) if rule.mode == "all" else (1.0, 0.0)
    return np.where(
        (terms == decisive).any(axis=0),
        decisive,
        np.where((terms == other).all(axis=0), other, np.nan),
    )


def _bool(value: float) -> bool | None:
    return None if np.isnan(value) else bool(value)


def _rows(data: Mapping[str, Any]) -> int:
    for column in data.values():
        return len(column)
    return 0


def classify(data: Mapping[str, Any], rules: TypologyRules) -> list[FirmClasses]:
    """Classify every row of the per-firm variables ``data`` (columns by name; see the module
    docstring for how the rules are applied). ``data`` is not changed."""
    variables = dict(data)
    n = _rows(data)
    parameters = {p.name: p.value for p in rules.parameters}
    for flag in rules.flags:
        variables[flag.id] = evaluate(flag.rule, variables, parameters)
    score = np.full(n, np.nan)
    decided = np.zeros(n, dtype=bool)
    for level in rules.levels:
        holds = evaluate(level.rule, variables, parameters)
        score[~decided & (holds == 1)] = level.score
        decided |= (holds == 1) | np.isnan(holds)
    out = []
    for i in range(n):
        lv = None if np.isnan(score[i]) else rules.level(int(score[i]))
        out.append(
            FirmClasses(
                None if lv is None else lv.score,
                None if lv is None else lv.id,
                None if lv is None else lv.name_nl,
                None if lv is None else lv.name_en,
                {f.id: _bool(variables[f.id][i]) for f in rules.flags},
            )
        )
    return out


def class_columns(
    classes: Sequence[FirmClasses], rules: TypologyRules | None = None
) -> dict[str, np.ndarray]:
    """The classes as columns for estimation: ``ladder_level`` (the score), every flag as 0/1
    and, with ``rules``, ``level_<id>`` (1 on that level, 0 on another) for every level — NaN
    where unknown. The flags are those of ``rules``, else those the classes hold."""

    def column(values: Sequence[Any]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)

    if rules is not None:
        flag_ids = [f.id for f in rules.flags]
    else:
        flag_ids = list(dict.fromkeys(k for c in classes for k in c.flags))
    out = {LEVEL: column([c.level for c in classes])}
    for flag_id in flag_ids:
        out[flag_id] = column([c.flags.get(flag_id) for c in classes])
    if rules is not None:
        for lv in rules.levels:
            out[f"level_{lv.id}"] = column(
                [None if c.level_id is None else c.level_id == lv.id for c in classes]
            )
    return out
