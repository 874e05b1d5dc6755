"""Check answers against the questionnaire: types, codes, constraints, relevance, required.

``validate`` checks one response (a mapping of question name → answer), ``validate_table`` many
at once (numpy columns, one per question; problems carry the row index). Both apply the same
rules in the same order and report the same problems:

- ``unknown_variable``: an answer (or column) for a name that is not a question (row None);
- ``type``: integer questions take whole numbers, decimal questions numbers, text questions
  text. A number may also be written as text in the XForm syntax (``'12'``, ``'-3.5'``); nothing
  else is converted — ``'12,5'`` is not a number here (the import layer converts Dutch decimal
  commas), ``True`` is not 1;
- ``choice``: a code that is not in the question's choice list (select_one: one code;
  select_multiple: a list of codes, or codes separated by spaces);
- ``relevance``: an answer to a question that its condition (``relevant``) hides;
- ``constraint``: an answer that breaks the question's ``constraint`` (checked only for valid
  answers to questions that are asked), with the questionnaire's own message;
- ``required``: a required question that is asked but not answered, in a complete response.

Questions are checked in form order. An answer to a hidden question counts as unanswered for the
conditions and constraints of the questions after it, as in ODK, where a hidden question has no
value. An invalid answer (wrong type or code) makes every rule that refers to it undecidable: such
rules are not checked for that response — nor, in turn, the rules that refer to a question whose
relevance could not be decided — so that one mistake is reported once, not again downstream.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from innomon.instrument._values import Factors, format_number, is_missing
from innomon.instrument.expressions import Columns
from innomon.instrument.model import Instrument, Question

RULES = ("unknown_variable", "type", "choice", "relevance", "constraint", "required")
_INTEGER_TEXT = re.compile(r"-?\d+\Z")
_DECIMAL_TEXT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_MAX_CODES_SHOWN = 12


@dataclass(frozen=True)
class AnswerProblem:
    """One problem with one answer: where (row, variable), the value, the rule and messages.

    ``row`` is the row index in ``validate_table`` and None in ``validate`` (and for problems
    with a whole column). ``rule`` is one of ``RULES``.
    """

    row: int | None
    variable: str
    value: Any
    rule: str
    message_nl: str
    message_en: str

    def __str__(self) -> str:
        where = "" if self.row is None else f"row {self.row}, "
        shown = "" if is_missing(self.value) else f" = {show(self.value)}"
        return f"{where}{self.variable}{shown}: {self.message_en}"


def show(value: Any) -> str:
    """An answer as a message shows it: text in quotes, numbers plainly, lists in brackets."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return format_number(float(value))
    if isinstance(value, list | tuple | np.ndarray):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


# --------------------------------------------------------------------- one answer's checks

Verdict = tuple[str, str, str] | None  # (rule, message_nl, message_en), None when valid


class _AnswerCheck:
    """The type and choice checks of one question, for one stored answer (not missing)."""

    def __init__(self, instrument: Instrument, question: Question) -> None:
        self.q = question
        self.list_name = question.list_name or ""
        self.codes: tuple[str, ...] = tuple(c.name for c in instrument.choices(question))
        self.code_set = frozenset(self.codes)
        self.int_codes = question.is_select and instrument.value_type(question) is int
        self.registry_empty = question.list_name in instrument.registry_lists and not self.codes
        self._memo: dict[Any, Verdict] = {}

    def __call__(self, value: Any) -> Verdict:
        key = _memo_key(value)
        if key is None:
            return self._check(value)
        try:
            return self._memo[key]
        except KeyError:
            verdict = self._memo[key] = self._check(value)
            return verdict

    def _check(self, value: Any) -> Verdict:
        kind = self.q.type
        if kind == "integer":
            return _integer(value)
        if kind == "decimal":
            return _decimal(value)
        if kind == "text":
            if isinstance(value, str):
                return None
            return ("type", "geen tekst", "not text")
        if kind == "select_one":
            if isinstance(value, list | tuple | set | frozenset | np.ndarray):
                return ("type", "heeft één code, geen lijst", "takes one code, not a list")
            return self._code(value)
        if isinstance(value, str):
            items: list[Any] = value.split()
        elif isinstance(value, list | tuple | np.ndarray):
            items = list(value)
        else:
            return (
                "type",
                "verwacht een lijst van codes, of codes gescheiden door spaties",
                "expects a list of codes, or codes separated by spaces",
            )
        seen: set[str] = set()
        for item in items:
            verdict = self._code(item)
            if verdict is not None:
                return verdict
            code = _code_text(item, self.int_codes)
            if code in seen:
                return (
                    "choice",
                    f"de code {code} is twee keer gekozen",
                    f"code {code} is chosen twice",
                )
            seen.add(code)
        return None

    def _code(self, value: Any) -> Verdict:
        if self.registry_empty:
            return (
                "choice",
                f"lijst '{self.list_name}' heeft geen codes: de vragenlijst is geladen zonder het "
                "register van initiatieven",
                f"list '{self.list_name}' has no codes: the questionnaire was loaded without the "
                "initiative registry",
            )
        code = _code_text(value, self.int_codes)
        if code is not None and code in self.code_set:
            return None
        codes = ", ".join(self.codes[:_MAX_CODES_SHOWN])
        if len(self.codes) > _MAX_CODES_SHOWN:
            codes += ", …"
        what = f"{show(value)} is" if self.q.type == "select_multiple" else "is"
        return (
            "choice",
            f"{what} geen code van lijst '{self.list_name}' ({codes})",
            f"{what} not a code of list '{self.list_name}' ({codes})",
        )


def _memo_key(value: Any) -> Any:
    """A key under which equal answers share one verdict (types included: True is not 1);
    None for an answer that cannot be a key."""
    kind = type(value)
    if kind is str or kind is int or kind is float:
        return (kind, value)
    if kind is list or kind is tuple:
        key = (kind, tuple(value), tuple(map(type, value)))
    elif isinstance(value, np.ndarray | set | frozenset | dict):
        return None
    else:
        key = (kind, value)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _code_text(value: Any, int_codes: bool) -> str | None:
    """The code an answer stands for, or None when it cannot be one."""
    if isinstance(value, bool | np.bool_):
        return None
    if int_codes:
        if isinstance(value, numbers.Integral):
            return str(int(value))
        if isinstance(value, numbers.Real):
            x = float(value)
            return str(int(x)) if math.isfinite(x) and x.is_integer() else None
        if isinstance(value, str) and _INTEGER_TEXT.match(value):
            return value
        return value if isinstance(value, str) else None
    return value if isinstance(value, str) else None


def _integer(value: Any) -> Verdict:
    if isinstance(value, bool | np.bool_):
        return ("type", "is ja/nee, geen geheel getal", "is true/false, not a whole number")
    if isinstance(value, numbers.Integral):
        return None
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isfinite(x) and x.is_integer():
            return None
        return ("type", "geen geheel getal", "not a whole number")
    if isinstance(value, str) and _INTEGER_TEXT.match(value):
        return None
    return ("type", "geen geheel getal", "not a whole number")


def _decimal(value: Any) -> Verdict:
    if isinstance(value, bool | np.bool_):
        return ("type", "is ja/nee, geen getal", "is true/false, not a number")
    if isinstance(value, numbers.Real):
        if math.isfinite(float(value)):
            return None
        return ("type", "geen eindig getal", "not a finite number")
    if isinstance(value, str):
        if _DECIMAL_TEXT.match(value):
            return None
        if "," in value and _DECIMAL_TEXT.match(value.replace(",", ".", 1)):
            return (
                "type",
                "geen getal: schrijf een decimale punt, geen komma (de import zet decimale "
                "komma's om)",
                "not a number: write a decimal point, not a comma (the import converts Dutch "
                "decimal commas)",
            )
    return ("type", "geen getal", "not a number")


# --------------------------------------------------------------------- messages per rule


def _relevance(q: Question) -> tuple[str, str]:
    return (
        f"beantwoord, maar de vraag wordt hier niet gesteld: de voorwaarde {q.relevant_text} "
        "geldt niet; verwijder het antwoord of verbeter de antwoorden waarvan het afhangt",
        f"answered, but the question is not asked here: its condition {q.relevant_text} is "
        "false; remove the answer or correct the answers it depends on",
    )


def _constraint(q: Question) -> tuple[str, str]:
    nl = q.constraint_message_nl or f"voldoet niet aan de regel {q.constraint_text}"
    en = q.constraint_message_en or f"breaks the rule {q.constraint_text}"
    return nl, en


REQUIRED = (
    "verplicht in een volledige respons, maar niet beantwoord",
    "required in a complete response, but not answered",
)


def _unknown(instrument: Instrument, names: Collection[str]) -> list[AnswerProblem]:
    variables = {q.name for q in instrument.variables()}
    notes = {q.name for q in instrument.questions if not q.holds_answer}
    out = []
    for name in names:
        if name in variables:
            continue
        if name in notes:
            nl = f"een toelichting van vragenlijst {instrument.version}; die heeft geen antwoord"
            en = f"a note of questionnaire {instrument.version}; notes hold no answer"
        else:
            nl = f"geen vraag van vragenlijst {instrument.version}"
            en = f"not a question of questionnaire {instrument.version}"
        out.append(AnswerProblem(None, name, None, "unknown_variable", nl, en))
    return out


# ------------------------------------------------------------------------- one response


def validate(
    instrument: Instrument, answers: Mapping[str, Any], complete: bool
) -> list[AnswerProblem]:
    """The problems of one response (``row`` is None); an empty list when it is valid.

    ``complete`` says whether the response is complete (then required questions must be
    answered where they are asked).
    """
    problems = _unknown(instrument, list(answers))
    effective = dict(answers)
    tainted: set[str] = set()  # answered, but invalid or of undecidable relevance
    for q in instrument.variables():
        value = answers.get(q.name)
        answered = not is_missing(value)
        verdict = _AnswerCheck(instrument, q)(value) if answered else None
        if verdict is not None:
            problems.append(AnswerProblem(None, q.name, value, *verdict))
        relevant, decided = True, True
        if q.relevant is not None:
            relevant = q.relevant.test(effective, value)
            decided = not (q.relevant.references & tainted)
        if answered and not relevant and decided:
            problems.append(AnswerProblem(None, q.name, value, "relevance", *_relevance(q)))
        asked = answered and relevant and verdict is None
        checkable = q.constraint is not None and not (q.constraint.references & tainted)
        if asked and checkable and not q.constraint.test(effective, value):
            nl, en = _constraint(q)
            problems.append(AnswerProblem(None, q.name, value, "constraint", nl, en))
        if complete and q.required and relevant and decided and not answered:
            problems.append(AnswerProblem(None, q.name, value, "required", *REQUIRED))
        if answered and (verdict is not None or not decided):
            tainted.add(q.name)
        if answered and (verdict is not None or not relevant):
            effective[q.name] = ""
    return problems


# --------------------------------------------------------------------------- many at once


def validate_table(
    instrument: Instrument,
    columns: Mapping[str, np.ndarray],
    complete: np.ndarray | bool,
    *,
    factors: Mapping[str, Factors] | None = None,
) -> list[AnswerProblem]:
    """The problems of many responses at once, ordered by row, then form order.

    ``columns`` maps question names to equally long 1-D arrays of answers (object arrays for
    mixed content and select_multiple lists; ``None``, ``''`` or NaN when unanswered; a missing
    column is unanswered everywhere); ``complete`` says per row (or for all) whether the response
    is complete. Problems with a whole column (an unknown name) come first, with row None.
    ``factors`` may give columns' distinct answers when the caller knows them already (the
    import reads each distinct text once): ``uniques`` and per row its code, rows with one code
    holding one answer (the same object, or equivalent ones as ``_values.factorize`` says);
    the other columns are factorised here.
    """
    variables = instrument.variables()
    if not columns:
        raise ValueError("no columns to validate")
    for name, column in columns.items():
        if np.ndim(column) != 1:
            raise ValueError(f"column {name!r} must be one-dimensional")
    cols = Columns(columns, factors=factors)
    n = cols.n
    done = np.asarray(complete, dtype=bool)
    if done.ndim and done.shape != (n,):
        raise ValueError(f"complete has {len(done)} rows, the columns {n}")
    done = np.broadcast_to(done, (n,))
    found: list[tuple[int, int, int, AnswerProblem]] = []
    rule_rank = {rule: i for i, rule in enumerate(RULES)}

    def add(i: int, qi: int, problem: AnswerProblem) -> None:
        found.append((i, qi, rule_rank[problem.rule], problem))

    tainted: dict[str, np.ndarray] = {}  # rows answered, but invalid or of undecidable relevance
    nowhere = np.zeros(n, dtype=bool)

    def undecidable(expression: Any) -> np.ndarray:
        out = nowhere
        for ref in expression.references:
            if ref in tainted:
                out = out | tainted[ref]
        return out

    for qi, q in enumerate(variables):
        raw = columns.get(q.name)
        values = np.full(n, None, dtype=object) if raw is None else np.asarray(raw, dtype=object)
        check = _AnswerCheck(instrument, q)
        current = cols.value(q.name)
        factors = cols.factors(q.name)
        if factors is not None:
            answered, verdicts = _distinct_verdicts(check, factors)
        else:
            answered = np.asarray(current.text != "", dtype=bool)
            verdicts = _cell_verdicts(check, values, answered)
        invalid = np.zeros(n, dtype=bool)
        for i, verdict in verdicts:
            invalid[i] = True
            add(i, qi, AnswerProblem(i, q.name, values[i], *verdict))
        if q.relevant is not None:
            relevant = q.relevant.test_columns(cols, current)
            decided = ~undecidable(q.relevant)
        else:
            relevant = decided = np.ones(n, dtype=bool)
        hidden = answered & ~relevant & decided
        if hidden.any():
            nl, en = _relevance(q)
            for i in np.flatnonzero(hidden).tolist():
                add(i, qi, AnswerProblem(i, q.name, values[i], "relevance", nl, en))
        asked = answered & relevant & ~invalid
        if q.constraint is not None:
            asked &= ~undecidable(q.constraint)
        if q.constraint is not None and asked.any():
            broken = asked & ~q.constraint.test_columns(cols, current)
            nl, en = _constraint(q)
            for i in np.flatnonzero(broken).tolist():
                add(i, qi, AnswerProblem(i, q.name, values[i], "constraint", nl, en))
        if q.required:
            for i in np.flatnonzero(done & relevant & decided & ~answered).tolist():
                add(i, qi, AnswerProblem(i, q.name, values[i], "required", *REQUIRED))
        taint = answered & (invalid | ~decided)
        if taint.any():
            tainted[q.name] = taint
        cols.blank(q.name, answered & (invalid | ~relevant))
    found.sort(key=lambda item: item[:3])
    return _unknown(instrument, list(columns)) + [item[3] for item in found]


def _distinct_verdicts(
    check: _AnswerCheck, factors: Factors
) -> tuple[np.ndarray, list[tuple[int, tuple[str, str, str]]]]:
    """Which rows are answered, and (row, verdict) of every invalid answer: each distinct
    answer checked once (``factors`` holds answers that are equivalent when equal)."""
    uniques, codes = factors
    given = [not is_missing(u) for u in uniques]
    verdicts = [check(u) if g else None for u, g in zip(uniques, given, strict=True)]
    answered = np.array(given, dtype=bool)[codes]
    bad = np.array([v is not None for v in verdicts], dtype=bool)
    if not bad.any():
        return answered, []
    rows = np.flatnonzero(bad[codes])
    pairs = zip(rows.tolist(), codes[rows].tolist(), strict=True)
    return answered, [(i, verdicts[c]) for i, c in pairs]


def _cell_verdicts(
    check: _AnswerCheck, values: np.ndarray, answered: np.ndarray
) -> list[tuple[int, tuple[str, str, str]]]:
    """(row, verdict) of every invalid answer, checking each answered cell."""
    out = []
    for i in np.flatnonzero(answered).tolist():
        verdict = check(values[i])
        if verdict is not None:
            out.append((i, verdict))
    return out
