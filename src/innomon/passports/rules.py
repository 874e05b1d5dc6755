"""The passport's rules (``passports/data/passport.yaml``) and the support-instrument catalogue
(``passports/data/instruments.yaml``), read into frozen records. Every problem is a
``PassportRulesError`` naming the file and the entry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from innomon.analysis.indicators import DOMAINS
from innomon.catalogue import load_indicators
from innomon.errors import InnomonError

OPERATORS = ("is", "in", "not_in", "min", "max")


class PassportRulesError(InnomonError):
    """A passport rule file is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class InitiativeRules:
    show: int
    weights: dict[str, float]
    general_theme: str
    themes: dict[str, frozenset[str]]  # theme → SBI sections


@dataclass(frozen=True)
class PassportRules:
    min_firms: int
    steps: tuple[tuple[str, ...], ...]
    indicators: tuple[str, ...]
    link_valid_days: int
    initiatives: InitiativeRules


@dataclass(frozen=True)
class Condition:
    """One eligibility condition over a firm's facts: ``fact`` is ``value`` / in ``values`` /
    not in ``values`` / at least (``min``) / at most (``max``) ``value``; ``reason`` says in
    words (nl, en) why the firm meets it."""

    fact: str
    op: str
    value: Any
    reason_nl: str
    reason_en: str


@dataclass(frozen=True)
class SupportInstrument:
    id: str
    name_nl: str
    name_en: str
    provider: str
    supports_nl: str
    supports_en: str
    link: str
    example: bool
    source: str
    awareness: str | None  # the questionnaire's variable asking whether the firm knows it
    conditions: tuple[Condition, ...]


def _read(name: str) -> tuple[str, Any]:
    where = f"innomon/passports/data/{name}"
    text = resources.files("innomon.passports").joinpath("data", name).read_text("utf-8")
    try:
        return where, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PassportRulesError(f"{where}: not valid YAML ({exc})") from exc


def _texts(entry: dict, key: str, where: str) -> tuple[str, str]:
    value = entry.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("nl", "en")
    ):
        raise PassportRulesError(f"{where}: '{key}' needs a non-empty 'nl' and 'en' text")
    return value["nl"].strip(), value["en"].strip()


@cache
def passport_rules() -> PassportRules:
    where, data = _read("passport.yaml")
    try:
        peer = data["peer_group"]
        steps = tuple(tuple(step) for step in peer["steps"])
        for step in steps:
            unknown = [c for c in step if c not in DOMAINS]
            if unknown or len(step) > 2:
                raise PassportRulesError(
                    f"{where}: peer_group step {list(step)} is not a domain or a two-way cross "
                    f"of {', '.join(DOMAINS)}"
                )
        if not steps or steps[-1] != ():
            raise PassportRulesError(f"{where}: the last peer_group step must be [] (the region)")
        known = {i.id for i in load_indicators()}
        indicators = tuple(data["indicators"])
        for ind in indicators:
            if ind not in known:
                raise PassportRulesError(f"{where}: indicator '{ind}' is not in the catalogue")
        ini = data["initiatives"]
        weights = {k: float(ini["weights"][k]) for k in ("theme", "province", "type", "complement")}
        rules = PassportRules(
            min_firms=int(peer["min_firms"]),
            steps=steps,
            indicators=indicators,
            link_valid_days=int(data["link_valid_days"]),
            initiatives=InitiativeRules(
                show=int(ini["show"]),
                weights=weights,
                general_theme=str(ini["general_theme"]),
                themes={str(t): frozenset(s) for t, s in ini["themes"].items()},
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, PassportRulesError):
            raise
        raise PassportRulesError(f"{where}: missing or wrong entry ({exc!r})") from exc
    if rules.min_firms < 1 or rules.link_valid_days < 1:
        raise PassportRulesError(f"{where}: min_firms and link_valid_days must be positive")
    return rules


def _condition(entry: Any, where: str) -> Condition:
    if not isinstance(entry, dict) or "fact" not in entry:
        raise PassportRulesError(f"{where}: a condition needs 'fact' and one of {OPERATORS}")
    ops = [op for op in OPERATORS if op in entry]
    if len(ops) != 1:
        raise PassportRulesError(f"{where}: a condition needs exactly one of {OPERATORS}")
    op = ops[0]
    value = entry[op]
    if op in ("in", "not_in") and not isinstance(value, list):
        raise PassportRulesError(f"{where}: '{op}' needs a list")
    if op in ("min", "max") and not isinstance(value, int | float):
        raise PassportRulesError(f"{where}: '{op}' needs a number")
    nl, en = _texts(entry, "reason", where)
    return Condition(str(entry["fact"]), op, value, nl, en)


@cache
def support_instruments() -> tuple[SupportInstrument, ...]:
    where, data = _read("instruments.yaml")
    out = []
    seen = set()
    for i, entry in enumerate(data.get("instruments") or []):
        at = f"{where}: instrument {entry.get('id', i + 1) if isinstance(entry, dict) else i + 1}"
        if not isinstance(entry, dict) or not entry.get("id"):
            raise PassportRulesError(f"{at}: needs an id")
        if entry["id"] in seen:
            raise PassportRulesError(f"{at}: the id is used twice")
        seen.add(entry["id"])
        name_nl, name_en = _texts(entry, "name", at)
        sup_nl, sup_en = _texts(entry, "supports", at)
        conditions = tuple(_condition(c, at) for c in entry.get("eligible") or [])
        if not conditions:
            raise PassportRulesError(f"{at}: 'eligible' needs at least one condition")
        for key in ("provider", "link", "source"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise PassportRulesError(f"{at}: '{key}' is missing")
        out.append(
            SupportInstrument(
                id=str(entry["id"]),
                name_nl=name_nl,
                name_en=name_en,
                provider=entry["provider"].strip(),
                supports_nl=sup_nl,
                supports_en=sup_en,
                link=entry["link"].strip(),
                example=bool(entry.get("example", False)),
                source=entry["source"].strip(),
                awareness=entry.get("awareness"),
                conditions=conditions,
            )
        )
    return tuple(out)
