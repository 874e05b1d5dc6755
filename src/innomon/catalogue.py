"""Read the analysis catalogues of a monitor definition — ``indicators.yaml`` and
``typology.yaml`` — into the frozen records of ``innomon.analysis`` (which, being pure, never reads
a file itself).

Every problem is a ``CatalogueError`` naming the file and the entry. The typology's parameters
include the definition's (``monitor.yaml`` ``parameters``): the top-innovator threshold there
becomes the parameter ``top_innovator_pct`` (× 100). Without a path the files are those of the
active monitor definition (``innomon.definition.load_definition``).
"""

from __future__ import annotations

import re
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

CONDITION = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(" + "|".join(re.escape(op) for op in OPERATORS) + r")\s*"
    r"([A-Za-z_][A-Za-z0-9_]*|[-+]?\d+(?:\.\d+)?)\s*$"
)


class CatalogueError(ValueError):
    """A catalogue file is unusable; the message names the file and the entry."""


def _parse(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML ({exc})") from exc


def _read(path: Path | None, name: str) -> tuple[str, str]:
    """The text of ``name``: from ``path``, else from the active monitor definition."""
    if path is None:
        from innomon.definition import load_definition

        definition = load_definition()
        if name not in definition.texts:
            raise CatalogueError(f"{definition.where}/{name}: the file is missing")
        return f"{definition.where}/{name}", definition.texts[name]
    return str(path), Path(path).read_text(encoding="utf-8")


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
    """The indicator catalogue (the active definition's ``indicators.yaml`` unless ``path``)."""
    where, text = _read(path, "indicators.yaml")
    return indicators_from_text(text, where)


def indicators_from_text(text: str, where: str) -> tuple[Indicator, ...]:
    """The indicator catalogue in the YAML ``text`` (``where`` names it in errors)."""
    data = _parse(text, where)
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
    """The typology rules (the active definition's ``typology.yaml`` unless ``path`` is given),
    with the top-innovator threshold (a fraction) as the parameter ``top_innovator_pct``."""
    where, text = _read(path, "typology.yaml")
    return typology_from_text(text, where, {"top_innovator_threshold": top_innovator_threshold})


def typology_from_text(text: str, where: str, parameters: dict[str, float]) -> TypologyRules:
    """The typology rules in the YAML ``text``, with the monitor's ``parameters`` available to
    its conditions (``top_innovator_threshold`` also as ``top_innovator_pct`` = 100 × it)."""
    data = _parse(text, where)
    top_innovator_threshold = parameters.get("top_innovator_threshold", 0.40)
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
            "monitor.yaml: parameters.top_innovator_threshold",
        )
    ]
    params += [
        Parameter(str(name), float(value), "monitor.yaml: parameters")
        for name, value in parameters.items()
    ]
    for name, spec in (data.get("parameters") or {}).items():
        if name == TOP_PARAMETER or name in parameters:
            raise CatalogueError(f"{where}: '{name}' comes from monitor.yaml")
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
