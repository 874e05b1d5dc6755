"""The passport's rules (``passport.yaml`` of the monitor definition) and the support-instrument
catalogue (``instruments.yaml``), read into frozen records. Every problem is a
``PassportRulesError`` naming the file and the entry.

Both files refer to the monitor definition: the passport's peer-group steps are domains of
``monitor.yaml``, its indicators ids of ``indicators.yaml``; the barometer's conditions name
variables — of the wave's questionnaire (questions, calculations, context rows), of the build (the
domains, the typology's flags and levels), the firm-register fields every record carries, or a
fact ``instruments.yaml`` defines itself (``facts``). ``check_barometer`` holds those names to
the questionnaires when passports are made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from innomon.errors import InnomonError

OPERATORS = ("is", "in", "not_in", "min", "max")
# The firm-register fields every record carries (``survey.services.wave_records``), whether or not
# the questionnaire has a context row for them.
RECORD_FIELDS = ("kvk", "size_class", "sbi_section", "corop", "province", "n_initiatives")


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
    """One condition over a firm's facts: ``fact`` is ``value`` / in ``values`` / not in
    ``values`` / at least (``min``) / at most (``max``) ``value``; ``reason`` says in words (nl,
    en) why the firm meets it (empty within a fact's rule)."""

    fact: str
    op: str
    value: Any
    reason_nl: str
    reason_en: str


@dataclass(frozen=True)
class FactRule:
    """All (``mode='all'``) or any (``mode='any'``) of ``terms``, in three-valued logic."""

    mode: str
    terms: tuple[Condition | FactRule, ...]

    def conditions(self) -> list[Condition]:
        out: list[Condition] = []
        for t in self.terms:
            out.extend(t.conditions() if isinstance(t, FactRule) else [t])
        return out


@dataclass(frozen=True)
class Fact:
    """A fact ``instruments.yaml`` defines from other facts: 1/0 by ``rule``, or the ``value`` of
    the first of ``cases`` whose rule holds."""

    id: str
    rule: FactRule | None
    cases: tuple[tuple[Any, FactRule], ...] = ()

    def conditions(self) -> list[Condition]:
        rules = [self.rule] if self.rule is not None else [r for _, r in self.cases]
        return [c for r in rules for c in r.conditions()]


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
    """A file of the active monitor definition (``innomon.definition``), parsed."""
    from innomon.definition import DefinitionError, load_definition

    try:
        return load_definition().read(name)
    except DefinitionError as exc:
        raise PassportRulesError(str(exc)) from exc


def _definition() -> Any:
    from innomon.definition import DefinitionError, load_definition

    try:
        return load_definition()
    except DefinitionError as exc:
        raise PassportRulesError(str(exc)) from exc


def _texts(entry: dict, key: str, where: str) -> tuple[str, str]:
    value = entry.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("nl", "en")
    ):
        raise PassportRulesError(f"{where}: '{key}' needs a non-empty 'nl' and 'en' text")
    return value["nl"].strip(), value["en"].strip()


def _steps(peer: Any, domains: tuple[str, ...], where: str) -> tuple[tuple[str, ...], ...]:
    raw = peer.get("steps") if isinstance(peer, dict) else None
    if not isinstance(raw, list) or not raw:
        raise PassportRulesError(f"{where}, peer_group.steps: expected a list of steps")
    steps = []
    for k, step in enumerate(raw, 1):
        here = f"{where}, peer_group.steps, step {k}"
        if not isinstance(step, list) or len(step) > 2 or len(set(step)) != len(step):
            raise PassportRulesError(
                f"{here}: {step!r} must be a list of one domain, a two-way cross of two, or []"
            )
        for c in step:
            if c not in domains:
                raise PassportRulesError(
                    f"{here}: '{c}' is not a domain of monitor.yaml (domains: {', '.join(domains)})"
                )
        steps.append(tuple(str(c) for c in step))
    if steps[-1] != ():
        raise PassportRulesError(
            f"{where}, peer_group.steps: the last step must be [] (the region)"
        )
    return tuple(steps)


@cache
def passport_rules() -> PassportRules:
    """The active definition's ``passport.yaml`` (clear the cache after changing the
    definition)."""
    definition = _definition()
    where, data = _read("passport.yaml")
    if not isinstance(data, dict):
        raise PassportRulesError(f"{where}: expected a mapping (peer_group, indicators, …)")
    try:
        peer = data["peer_group"]
        steps = _steps(peer, definition.domain_ids, where)
        catalogue = {i.id: i for i in definition.indicators}
        indicators = tuple(str(i) for i in data["indicators"])
        for ind in indicators:
            if ind not in catalogue:
                raise PassportRulesError(
                    f"{where}, indicators: '{ind}' is not an indicator of indicators.yaml"
                )
            if catalogue[ind].kind == "ratio":
                raise PassportRulesError(
                    f"{where}, indicators: '{ind}' is a ratio; the passport shows shares and "
                    "means only"
                )
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
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PassportRulesError(f"{where}: missing or wrong entry ({exc!r})") from exc
    if rules.min_firms < 1 or rules.link_valid_days < 1:
        raise PassportRulesError(f"{where}: min_firms and link_valid_days must be positive")
    return rules


def _condition(entry: Any, where: str, reason: bool = True) -> Condition:
    if not isinstance(entry, dict) or "fact" not in entry:
        raise PassportRulesError(f"{where}: a condition needs 'fact' and one of {OPERATORS}")
    fact = entry["fact"]
    if not isinstance(fact, str) or not fact.strip().isidentifier():
        raise PassportRulesError(f"{where}: 'fact' {fact!r} is not a variable name")
    ops = [op for op in OPERATORS if op in entry]
    if len(ops) != 1:
        raise PassportRulesError(f"{where}: a condition needs exactly one of {OPERATORS}")
    op = ops[0]
    value = entry[op]
    if op in ("in", "not_in") and not isinstance(value, list):
        raise PassportRulesError(f"{where}: '{op}' needs a list")
    if op in ("min", "max") and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise PassportRulesError(f"{where}: '{op}' needs a number")
    nl, en = _texts(entry, "reason", where) if reason else ("", "")
    return Condition(fact.strip(), op, value, nl, en)


def _fact_rule(entry: Any, where: str) -> FactRule:
    modes = [m for m in ("all", "any") if isinstance(entry, dict) and m in entry]
    if len(modes) != 1 or not isinstance(entry[modes[0]], list) or not entry[modes[0]]:
        raise PassportRulesError(f"{where}: needs exactly one non-empty list 'all' or 'any'")
    terms = tuple(
        _fact_rule(t, f"{where}, term {k}")
        if isinstance(t, dict) and "fact" not in t
        else _condition(t, f"{where}, condition {k}", reason=False)
        for k, t in enumerate(entry[modes[0]], 1)
    )
    return FactRule(modes[0], terms)


def _facts(data: Any, where: str) -> tuple[Fact, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise PassportRulesError(f"{where}: 'facts' must map fact names to a rule")
    out: list[Fact] = []
    for name, spec in data.items():
        here = f"{where}: fact '{name}'"
        if not isinstance(name, str) or not name.isidentifier():
            raise PassportRulesError(f"{here}: the name is not a variable name")
        if isinstance(spec, dict) and "cases" in spec:
            cases = spec["cases"]
            if not isinstance(cases, list) or not cases:
                raise PassportRulesError(f"{here}: 'cases' needs a non-empty list")
            parsed = []
            for k, case in enumerate(cases, 1):
                if not isinstance(case, dict) or "value" not in case:
                    raise PassportRulesError(f"{here}, case {k}: needs a 'value' and all/any")
                rule = {m: case[m] for m in ("all", "any") if m in case}
                parsed.append((case["value"], _fact_rule(rule, f"{here}, case {k}")))
            fact = Fact(name, None, tuple(parsed))
        else:
            fact = Fact(name, _fact_rule(spec, here))
        known = {f.id for f in out}
        for c in fact.conditions():
            if c.fact == name or (c.fact in _fact_names(data) and c.fact not in known):
                raise PassportRulesError(
                    f"{here}: it reads the fact '{c.fact}', which is not defined above it"
                )
        out.append(fact)
    return tuple(out)


def _fact_names(data: dict) -> set[str]:
    return {str(k) for k in data}


def _instruments_file() -> tuple[str, dict]:
    where, data = _read("instruments.yaml")
    if not isinstance(data, dict):
        raise PassportRulesError(f"{where}: expected a mapping with 'instruments'")
    return where, data


@cache
def barometer_facts() -> tuple[Fact, ...]:
    """The facts ``instruments.yaml`` defines (``facts``), in order: each may read the facts
    above it."""
    where, data = _instruments_file()
    return _facts(data.get("facts"), where)


@cache
def support_instruments() -> tuple[SupportInstrument, ...]:
    """The active definition's support instruments (clear the cache after changing it)."""
    where, data = _instruments_file()
    facts = {f.id for f in barometer_facts()}
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
        conditions = tuple(
            _condition(c, f"{at}, condition {k}")
            for k, c in enumerate(entry.get("eligible") or [], 1)
        )
        if not conditions:
            raise PassportRulesError(f"{at}: 'eligible' needs at least one condition")
        for key in ("provider", "link", "source"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise PassportRulesError(f"{at}: '{key}' is missing")
        awareness = entry.get("awareness")
        if awareness is not None and (
            not isinstance(awareness, str) or not awareness.strip().isidentifier()
        ):
            raise PassportRulesError(f"{at}: 'awareness' {awareness!r} is not a variable name")
        if awareness in facts:
            raise PassportRulesError(
                f"{at}: 'awareness' must be a question of the questionnaire, not a fact"
            )
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
                awareness=None if awareness is None else awareness.strip(),
                conditions=conditions,
            )
        )
    return tuple(out)


def barometer_references() -> list[tuple[str, str]]:
    """Every variable the barometer names, with the entry that names it: (entry, variable).
    The facts ``instruments.yaml`` defines itself are left out."""
    where, _ = _instruments_file()
    own = {f.id for f in barometer_facts()}
    out: list[tuple[str, str]] = []
    for fact in barometer_facts():
        for c in fact.conditions():
            if c.fact not in own:
                out.append((f"{where}: fact '{fact.id}'", c.fact))
    for inst in support_instruments():
        for k, c in enumerate(inst.conditions, 1):
            if c.fact not in own:
                out.append((f"{where}: instrument {inst.id}, condition {k}", c.fact))
        if inst.awareness:
            out.append((f"{where}: instrument {inst.id}, awareness", inst.awareness))
    return out


def check_barometer(definition: Any, instruments: Iterable[Any]) -> list[str]:
    """The barometer's references to a variable that is in none of ``instruments`` (the
    questionnaires of the waves, and the definition's default one) and no build output: one
    line each, naming the file and the entry. A variable that only some of them lack is "not
    asked" in those waves — a condition on it is not known there — and is not listed."""
    from innomon.definition import produced_variables

    known: set[str] = set(RECORD_FIELDS) | set(produced_variables(definition))
    for instrument in instruments:
        known |= set(instrument.names())
    return [
        f"{entry}: the variable '{name}' is in no questionnaire and no build output; name a "
        "question, a calculation or context row of the questionnaire, a domain, a typology "
        "flag or a fact of instruments.yaml"
        for entry, name in barometer_references()
        if name not in known
    ]
