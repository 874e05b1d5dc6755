"""The subsidy barometer: the support instruments of ``passports/data/instruments.yaml`` whose
eligibility rules a firm meets, each with the reasons, and whether the firm said it knew them.

A rule is a list of conditions over the firm's *facts* (``facts_of``); all must hold. A
condition on a missing fact does not hold — an instrument is listed only when every condition is
known to hold. Whether the firm knows an instrument comes from the questionnaire's awareness
question (0 not known, 1 known not used, 2 applied for, 3 received): the passport flags the
listed instruments the firm said it did not know.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .rules import Condition, SupportInstrument, support_instruments

# the derived variables a condition may test (1 yes, 0 no, missing unknown)
YES_NO_FACTS = (
    "investor",
    "rd_internal",
    "innovator",
    "product_innovator",
    "ntm_innovator",
    "collab_knowledge",
    "participant",
    "partner_any",
)
TEXT_FACTS = ("size_class", "province", "corop", "sbi_group")


def _value(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, float | np.floating):
        return None if math.isnan(x) else float(x)
    return x


def _stage(investor: Any, innovator: Any) -> str | None:
    """none: no innovation and no investment in it; development: invests, no innovation yet;
    market: introduced a product or process innovation; None when unknown."""
    if innovator == 1:
        return "market"
    if innovator == 0 and investor == 1:
        return "development"
    if innovator == 0 and investor == 0:
        return "none"
    return None


def facts_of(
    data: Mapping[str, np.ndarray], i: int, record: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The facts of firm ``i`` that the rules can test: its derived variables in ``data`` and
    the SBI section of its ``record``."""
    facts: dict[str, Any] = {k: _value(data[k][i]) for k in YES_NO_FACTS + TEXT_FACTS}
    facts["employees"] = _value(data["employees"][i])
    facts["firm_age"] = _value(data["firm_age"][i])
    facts["sbi_section"] = (record or {}).get("sbi_section")
    parts = [facts["collab_knowledge"], facts["partner_any"], facts["participant"]]
    facts["collaborates"] = 1.0 if 1.0 in parts else (0.0 if all(p == 0.0 for p in parts) else None)
    facts["stage"] = _stage(facts["investor"], facts["innovator"])
    return facts


def holds(condition: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether the condition is known to hold (a missing fact: no)."""
    value = facts.get(condition.fact)
    if value is None:
        return False
    if condition.op == "is":
        return value == condition.value
    if condition.op == "in":
        return value in condition.value
    if condition.op == "not_in":
        return value not in condition.value
    if condition.op == "min":
        return float(value) >= condition.value
    return float(value) <= condition.value  # max


def _known(instrument: SupportInstrument, answers: Mapping[str, Any]) -> bool | None:
    """Whether the firm said it knew the instrument (None: not asked, or no answer)."""
    if not instrument.awareness:
        return None
    code = answers.get(instrument.awareness)
    if code is None or code == "":
        return None
    try:
        return int(float(code)) >= 1
    except (TypeError, ValueError):
        return None


def _used(instrument: SupportInstrument, answers: Mapping[str, Any]) -> bool:
    code = answers.get(instrument.awareness) if instrument.awareness else None
    try:
        return code is not None and int(float(code)) == 3
    except (TypeError, ValueError):
        return False


def instruments_for(
    facts: Mapping[str, Any],
    answers: Mapping[str, Any],
    catalogue: tuple[SupportInstrument, ...] | None = None,
) -> list[dict[str, Any]]:
    """The instruments whose every condition holds for the firm, in catalogue order: id, the
    indexes of the conditions (all of them: each is a reason), whether the firm knew it
    (``known``: True/False/None) and whether it received it (``used``)."""
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
