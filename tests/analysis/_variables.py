"""The per-firm variables of records as a build makes them, for the analysis tests: the packaged
questionnaire's columns (answers, context, calculations; ``innomon.instrument.derive``) as of a
wave year, and the packaged definition's domains (``innomon.analysis.domains``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from innomon.analysis.domains import DomainSpec, domain_columns
from innomon.definition import context_values, load_definition
from innomon.instrument.derive import derive_columns
from innomon.instrument.loader import load_instrument


@cache
def _instrument(year: int):
    return load_instrument().as_of(year)


def domain_specs() -> tuple[DomainSpec, ...]:
    return tuple(
        DomainSpec(
            d.id,
            d.variable,
            tuple((g.code, g.values) for g in d.groups),
            tuple((c.code, c.low, c.high) for c in d.classes),
        )
        for d in load_definition().domains
    )


def variables(
    records: Sequence[Mapping[str, Any]], year: int = 2019, top_innovator_threshold: float = 0.40
) -> dict[str, np.ndarray]:
    """Every per-firm variable of ``records`` in wave ``year``."""
    context = context_values(load_definition(), year)
    context["parameter.top_innovator_threshold"] = top_innovator_threshold
    data = derive_columns(_instrument(year), list(records), context)
    data.update(domain_columns(data, domain_specs(), len(records)))
    return data
