"""Read the analysis catalogues — ``analysis/data/indicators.yaml`` and ``typology.yaml`` — into
the frozen records of ``innomon.analysis`` (which, being pure, never reads a file itself).

Every problem is a ``CatalogueError`` naming the file and the entry. The top-innovator threshold
is not in the typology file: it is the monitor's choice in ``monitor.yaml``, which the caller
passes in (``innomon.config.monitor_settings().top_innovator_threshold``).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from innomon.analysis.indicators import Indicator, Reference
from innomon.analysis.typology import (
    OPERATORS,
    TOP_PARAMETER,
    Condition,
    Flag,
    Level,
    Parameter,
    Rule,
    TypologyRules,
)

DATA = "analysis/data"
CONDITION = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(" + "|".join(re.escape(op) for op in OPERATORS) + r")\s*"
    r"([A-Za-z_][A-Za-z0-9_]*|[-+]?\d+(?:\.\d+)?)\s*$"
)


class CatalogueError(ValueError):
    """A catalogue file is unusable; the message names the file and the entry."""


def _read(path: Path | None, name: str) -> tuple[str, Any]:
    if path is None:
        text = resources.files("innomon").joinpath(f"{DATA}/{name}").read_text(encoding="utf-8")
        where = f"innomon/{DATA}/{name}"
    else:
        text = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        return where, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML ({exc})") from exc


def _text(entry: dict, key: str, lang: str, where: str) -> str:
    value = (entry.get(key) or {}).get(lang) if isinstance(entry.get(key), dict) else None
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: '{key}' needs a non-empty '{lang}' text")
    return value.strip()


def _indicator(entry: Any, where: str) -> Indicator:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise CatalogueError(f"{where}: every indicator needs an 'id'")
    where = f"{where}, indicator '{entry['id']}'"
    refs = []
    for ref in entry.get("references") or ():
        try:
            refs.append(Reference(str(ref["framework"]), str(ref["indicator"]), str(ref["source"])))
        except (KeyError, TypeError):
            raise CatalogueError(
                f"{where}: a reference needs 'framework', 'indicator' and 'source'"
            ) from None
    try:
        return Indicator(
            id=str(entry["id"]),
            name_nl=_text(entry, "name", "nl", where),
            name_en=_text(entry, "name", "en", where),
            definition_nl=_text(entry, "definition", "nl", where),
            definition_en=_text(entry, "definition", "en", where),
            kind=str(entry.get("kind")),
            population=str(entry.get("population")),
            unit=str(entry.get("unit")),
            variable=entry.get("variable"),
            numerator=entry.get("numerator"),
            denominator=entry.get("denominator"),
            factor=float(entry.get("factor", 1.0)),
            references=tuple(refs),
        )
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc


def load_indicators(path: Path | None = None) -> tuple[Indicator, ...]:
    """The indicator catalogue (the packaged ``indicators.yaml`` unless ``path`` is given)."""
    where, data = _read(path, "indicators.yaml")
    entries = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{where}: expected a non-empty list 'indicators'")
    out = tuple(_indicator(e, where) for e in entries)
    seen: set[str] = set()
    for ind in out:
        if ind.id in seen:
            raise CatalogueError(f"{where}: indicator id '{ind.id}' appears twice")
        seen.add(ind.id)
    return out


def _condition(text: Any, where: str) -> Condition:
    match = CONDITION.match(text) if isinstance(text, str) else None
    if match is None:
        raise CatalogueError(
            f"{where}: '{text}' is not a condition 'variable op value' "
            f"(op one of {' '.join(OPERATORS)})"
        )
    variable, op, value = match.groups()
    try:
        number: float | str = float(value)
    except ValueError:
        number = value
    return Condition(variable, op, number)


def _rule(entry: Any, where: str) -> Rule:
    modes = [m for m in ("all", "any") if isinstance(entry, dict) and m in entry]
    if len(modes) != 1 or not isinstance(entry[modes[0]], list) or not entry[modes[0]]:
        raise CatalogueError(f"{where}: needs exactly one non-empty list 'all' or 'any'")
    terms = tuple(
        _rule(t, where) if isinstance(t, dict) else _condition(t, where) for t in entry[modes[0]]
    )
    return Rule(modes[0], terms)


def _named(entry: Any, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise CatalogueError(f"{where}: every entry needs an 'id'")
    where = f"{where} '{entry['id']}'"
    return {
        "id": str(entry["id"]),
        "name_nl": _text(entry, "name", "nl", where),
        "name_en": _text(entry, "name", "en", where),
        "definition_nl": _text(entry, "definition", "nl", where),
        "definition_en": _text(entry, "definition", "en", where),
        "rule": _rule(entry, where),
    }


def load_typology(top_innovator_threshold: float = 0.40, path: Path | None = None) -> TypologyRules:
    """The typology rules (the packaged ``typology.yaml`` unless ``path`` is given), with the
    top-innovator threshold (a fraction, from ``monitor.yaml``) as the parameter
    ``top_innovator_pct``."""
    where, data = _read(path, "typology.yaml")
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected 'parameters', 'flags' and 'levels'")
    if not 0 < top_innovator_threshold < 1:
        raise CatalogueError(
            f"top_innovator_threshold={top_innovator_threshold} must lie between 0 and 1"
        )
    params = [
        Parameter(
            TOP_PARAMETER,
            100.0 * top_innovator_threshold,
            "monitor.yaml: typology.top_innovator_threshold",
        )
    ]
    for name, spec in (data.get("parameters") or {}).items():
        if name == TOP_PARAMETER:
            raise CatalogueError(f"{where}: '{TOP_PARAMETER}' comes from monitor.yaml")
        if not isinstance(spec, dict) or "value" not in spec or not spec.get("source"):
            raise CatalogueError(f"{where}: parameter '{name}' needs a 'value' and a 'source'")
        params.append(Parameter(str(name), float(spec["value"]), str(spec["source"]).strip()))
    flags = [Flag(**_named(e, f"{where}: flag")) for e in data.get("flags") or ()]
    levels = []
    for entry in data.get("levels") or ():
        fields = _named(entry, f"{where}: level")
        if not isinstance(entry.get("score"), int):
            raise CatalogueError(f"{where}: level '{fields['id']}' needs an integer 'score'")
        levels.append(Level(score=entry["score"], **fields))
    try:
        return TypologyRules(tuple(params), tuple(flags), tuple(levels))
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc
