"""Every variable of a questionnaire for many records at once: the answers, the context variables
and the calculations (``derive_columns``).

The records are plain dicts of answers plus the firm's register fields (as
``innomon.survey.services.wave_records`` gives them). The columns follow these conventions:

- a number question, and a select question whose codes are integers: float, NaN when unanswered
  (a number no float holds, an infinite one or text that is no number counts as unanswered);
- a text question and a select_one question with text codes: object (str), None when unanswered;
- a select_multiple question: object, the codes separated by single spaces (each code once, in
  the order given; a string answer may separate them by spaces, commas or semicolons), None when
  nothing is chosen;
- a context variable: ``register.<field>`` is read from each record (``n_initiatives`` as a
  float, the other fields as str), ``wave.year`` and ``parameter.<name>`` from ``context`` (one
  value for every record);
- a calculation: evaluated by ``Expression.evaluate_columns`` in form order, each result a column
  for the calculations after it. A result that holds no text is a float column (a boolean is
  1.0/0.0, '' is NaN); otherwise an object column (str, '' as None).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from innomon.instrument._values import string_value
from innomon.instrument.expressions import Columns
from innomon.instrument.model import (
    NUMERIC_REGISTER_FIELDS,
    ContextVariable,
    Instrument,
    Question,
)

__all__ = ["derive_columns", "question_column"]

_SEPARATORS = re.compile(r"[\s,;]+")


def _float(value: Any) -> float:
    """A stored answer as a finite float; NaN when unanswered or not a (finite) number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    try:
        x = float(value)
    except (OverflowError, TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan


def _text(value: Any) -> str | None:
    s = string_value(value)
    return s if s else None


def _codes(value: Any) -> str | None:
    if isinstance(value, str):
        parts = _SEPARATORS.split(value.strip())
    elif isinstance(value, list | tuple | set | frozenset | np.ndarray):
        parts = [string_value(v) for v in value]
        if isinstance(value, set | frozenset):
            parts.sort()
    else:
        parts = [string_value(value)]
    codes = list(dict.fromkeys(p for p in parts if p))
    return " ".join(codes) if codes else None


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def question_column(
    instrument: Instrument, question: Question, answers: Sequence[Any]
) -> np.ndarray:
    """The column of ``question`` for the stored ``answers`` (see the module's conventions)."""
    if question.type in ("integer", "decimal") or (
        question.type == "select_one" and instrument.value_type(question) is int
    ):
        return np.array([_float(a) for a in answers], dtype=float)
    if question.type == "select_multiple":
        return _objects([_codes(a) for a in answers])
    return _objects([_text(a) for a in answers])


def _context_column(
    variable: ContextVariable,
    records: Sequence[Mapping[str, Any]],
    context: Mapping[str, Any],
) -> np.ndarray:
    n = len(records)
    if variable.kind == "register":
        values = [r.get(variable.key) for r in records]
        if variable.key in NUMERIC_REGISTER_FIELDS:
            return np.array([_float(v) for v in values], dtype=float)
        return _objects([_text(v) for v in values])
    if variable.source not in context:
        raise ValueError(
            f"{variable.name} (survey row {variable.row}) takes its value from "
            f"{variable.source}, but none is given"
        )
    value = context[variable.source]
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return np.full(n, float(value))
    return _objects([_text(value)] * n)


def _result_column(values: np.ndarray) -> np.ndarray:
    """A calculation's values as a float column, or an object column when they hold text."""
    if values.dtype.kind == "f":
        return values.astype(float, copy=True)
    if values.dtype.kind == "b":
        return values.astype(float)
    items = values.tolist()
    if not any(isinstance(v, str) and v != "" for v in items):
        return np.array([math.nan if isinstance(v, str) else float(v) for v in items], dtype=float)
    return _objects([(None if v == "" else v) if isinstance(v, str) else (float(v)) for v in items])


def derive_columns(
    instrument: Instrument,
    records: Sequence[Mapping[str, Any]],
    context: Mapping[str, Any],
) -> dict[str, np.ndarray]:
    """A column (one value per record, in the records' order) for every question that holds an
    answer, every context variable and every calculation of ``instrument``.

    ``context`` maps the sources ``wave.year`` and ``parameter.<name>`` to their values, e.g.
    ``{"wave.year": 2019, "parameter.top_innovator_threshold": 0.4}``; a context variable whose
    source it lacks is a ValueError. Pass ``instrument.as_of(year)`` to leave out what a wave
    did not ask.
    """
    n = len(records)
    columns: dict[str, np.ndarray] = {}
    for q in instrument.variables():
        columns[q.name] = question_column(instrument, q, [r.get(q.name) for r in records])
    for variable in instrument.context:
        columns[variable.name] = _context_column(variable, records, context)
    values = Columns(columns, n)  # reads ``columns`` as it grows
    for calculation in instrument.calculations:
        columns[calculation.name] = _result_column(calculation.expression.evaluate_columns(values))
    return columns
