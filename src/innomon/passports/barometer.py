"""The subsidy barometer: the support instruments of ``instruments.yaml`` (the monitor
definition's) whose eligibility rules a firm meets, each with the reasons, and whether the firm
said it knew them.

A rule is a list of conditions over the firm's *facts* (``facts_of``); all must hold. The facts
are the firm's variables by name — its answers, the questionnaire's calculations and context
variables, the build's domains and typology flags, its register fields — and the facts that
``instruments.yaml`` defines itself (``facts``: 1/0 by an ``all``/``any`` rule, or the value of
the first of ``cases`` whose rule holds), in three-valued logic. A condition on a missing fact —
unanswered, or a variable the wave's questionnaire did not ask — is not known, so it does not
hold: an instrument is listed only when every condition is known to hold. Whether the firm knows
an instrument comes from the questionnaire's awareness question (0 not known, 1 known not used,
2 applied for, 3 received): the passport flags the listed instruments the firm said it did not
know.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .rules import (
    RECORD_FIELDS,
    Condition,
    Fact,
    FactRule,
    SupportInstrument,
    barometer_facts,
    support_instruments,
)


def _value(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, float | np.floating):
        return None if math.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def truth(condition: Condition, facts: Mapping[str, Any]) -> bool | None:
    """Whether the condition holds for the firm: True, False, or None when its fact is not
    known."""
    value = facts.get(condition.fact)
    if value is None:
        return None
    if condition.op == "is":
        return value == condition.value
    if condition.op == "in":
        return value in condition.value
    if condition.op == "not_in":
        return value not in condition.value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if condition.op == "min":
        return number >= condition.value
    return number <= condition.value  # max


def _rule(rule: FactRule, facts: Mapping[str, Any]) -> bool | None:
    """``all``: False if any term is, unknown if any is, else True; ``any`` the reverse."""
    values = [_rule(t, facts) if isinstance(t, FactRule) else truth(t, facts) for t in rule.terms]
    decisive = rule.mode == "any"
    if decisive in values:
        return decisive
    if None in values:
        return None
    return not decisive


def fact_value(fact: Fact, facts: Mapping[str, Any]) -> Any:
    """The fact for the firm (None: not known): 1.0/0.0 by its rule, or the value of the first
    case whose rule holds (unknown when a case before it is unknown, or none holds)."""
    if fact.rule is not None:
        result = _rule(fact.rule, facts)
        return None if result is None else float(result)
    for value, rule in fact.cases:
        result = _rule(rule, facts)
        if result is None:
            return None
        if result:
            return value
    return None


def facts_of(
    data: Mapping[str, np.ndarray],
    i: int,
    record: Mapping[str, Any] | None = None,
    facts: Sequence[Fact] | None = None,
) -> dict[str, Any]:
    """The facts of firm ``i`` that the rules can test: every variable of ``data`` (its value
    for the firm; None when missing), the register fields of its ``record`` that ``data`` lacks,
    and the facts of ``instruments.yaml`` (``facts`` unless given), in their order."""
    out: dict[str, Any] = {k: _value(v[i]) for k, v in data.items()}
    for key in RECORD_FIELDS:
        if out.get(key) is None and record is not None and record.get(key) not in (None, ""):
            out[key] = _value(record[key])
    for fact in barometer_facts() if facts is None else facts:
        out[fact.id] = fact_value(fact, out)
    return out


def holds(condition: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether the condition is known to hold (a missing fact: no)."""
    return truth(condition, facts) is True


def _code(instrument: SupportInstrument, answers: Mapping[str, Any]) -> int | None:
    code = answers.get(instrument.awareness) if instrument.awareness else None
    if code is None or code == "":
        return None
    try:
        return int(float(code))
    except (TypeError, ValueError):
        return None


def _known(instrument: SupportInstrument, answers: Mapping[str, Any]) -> bool | None:
    """Whether the firm said it knew the instrument (None: not asked, or no answer)."""
    code = _code(instrument, answers)
    return None if code is None else code >= 1


def _used(instrument: SupportInstrument, answers: Mapping[str, Any]) -> bool:
    return _code(instrument, answers) == 3


def instruments_for(
    facts: Mapping[str, Any],
    answers: Mapping[str, Any],
    catalogue: tuple[SupportInstrument, ...] | None = None,
) -> list[dict[str, Any]]:
    """The instruments whose every condition holds for the firm, in catalogue order: id,
    whether the firm knew it (``known``: True/False/None) and whether it received it
    (``used``)."""
    out = []
    for instrument in support_instruments() if catalogue is None else catalogue:
        if all(holds(c, facts) for c in instrument.conditions):
            out.append(
                {
                    "id": instrument.id,
                    "known": _known(instrument, answers),
                    "used": _used(instrument, answers),
                }
            )
    return out
