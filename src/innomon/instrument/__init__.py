"""The monitor's questionnaire as an XLSForm instrument, and everything that reads it.

- ``monitors/noord-nederland/innovatiemonitor.xlsx`` — the shipped monitor's questionnaire
  (XLSForm: survey, choices, settings; Dutch and English), a workbook people edit in Excel or
  LibreOffice; its ``calculate`` rows define the derived variables, its ``hidden`` rows the
  context variables;
- ``loader.load_instrument`` — reads and checks the workbook (pyxform must accept it too) and
  fills the initiative choice lists from the registry; returns an ``Instrument``;
- ``expressions`` — the one evaluator of ``relevant`` and ``constraint`` expressions, for one
  respondent or vectorised over many;
- ``derive.derive_columns`` — every question, context variable and calculation as columns;
- ``check.problems`` — every problem of a workbook, one line each; ``diff.diff_instruments`` —
  what changed between two questionnaires;
- ``validate`` — checks answers against the instrument; ``codebook`` — writes the codebook;
- ``numbers.read_typed_number`` — the one rule a typed number is read by (``1.250.000``,
  ``12,5``, ``ca. 18``; ``1.500`` is ambiguous);
- ``commands`` — the ``innomon instrument`` click group.

Plain Python: no Django, no database. It reads only the files it ships and the files it is
handed.
"""

from __future__ import annotations

from innomon.instrument.codebook import CodebookRow, codebook_rows, write_codebook
from innomon.instrument.expressions import Columns, Expression, ExpressionError, parse
from innomon.instrument.initiatives import initiative_choices, slug
from innomon.instrument.loader import WORKBOOK, load_instrument
from innomon.instrument.model import (
    Calculation,
    Choice,
    ContextVariable,
    Instrument,
    InstrumentError,
    Question,
)
from innomon.instrument.numbers import TypedNumber, Uncertain, read_typed_number
from innomon.instrument.validate import AnswerProblem, validate, validate_table

__all__ = [
    "WORKBOOK",
    "AnswerProblem",
    "Calculation",
    "Choice",
    "CodebookRow",
    "Columns",
    "ContextVariable",
    "Expression",
    "ExpressionError",
    "Instrument",
    "InstrumentError",
    "Question",
    "TypedNumber",
    "Uncertain",
    "codebook_rows",
    "initiative_choices",
    "load_instrument",
    "parse",
    "read_typed_number",
    "slug",
    "validate",
    "validate_table",
    "write_codebook",
]
