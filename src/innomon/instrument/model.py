"""The questionnaire as frozen records: ``Instrument``, its ``Question``s and ``Choice``s, its
``Calculation``s (XLSForm ``calculate`` rows) and ``ContextVariable``s (``hidden`` rows whose
values come from outside the answers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from innomon.instrument.expressions import Expression

QUESTION_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple", "note")
ANSWER_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple")
# The fields of the firm register that a context variable can name as ``register.<field>``.
REGISTER_FIELDS = (
    "kvk",
    "size_class",
    "sbi_section",
    "corop",
    "province",
    "municipality",
    "n_initiatives",
)
NUMERIC_REGISTER_FIELDS = ("n_initiatives",)


class InstrumentError(Exception):
    """The questionnaire workbook (or the registry given to it) cannot be used.

    One line: ``<file>, sheet <sheet>, row <n>, column <column>: <what is wrong>``, as far as
    the place is known. The parts are kept as attributes for programs.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.source, self.sheet, self.row, self.column = source, sheet, row, column
        self.message = " ".join(message.split("\n"))
        where = [source]
        if sheet:
            where.append(f"sheet {sheet}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {self.message}")


@dataclass(frozen=True)
class Choice:
    """One answer option of a choice list: its stored code and its labels."""

    name: str
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet that is a question or a note (groups are not questions).

    ``type`` is one of ``QUESTION_TYPES``; ``list_name`` the choice list of a select question.
    ``relevant`` is the parsed condition under which the question is asked — its own
    ``relevant`` combined with those of the groups around it (``relevant_text`` shows the
    combination) — or None when it is always asked. ``since`` is the first wave year in which
    the question is asked (its own ``innomon::since``, else its group's), ``row`` its row on
    the survey sheet.
    """

    name: str
    type: str
    list_name: str | None
    label_nl: str
    label_en: str
    hint_nl: str
    hint_en: str
    required: bool
    relevant: Expression | None
    relevant_text: str
    constraint: Expression | None
    constraint_text: str
    constraint_message_nl: str
    constraint_message_en: str
    group: str | None
    since: int | None
    row: int

    @property
    def holds_answer(self) -> bool:
        return self.type in ANSWER_TYPES

    @property
    def is_select(self) -> bool:
        return self.type in ("select_one", "select_multiple")


@dataclass(frozen=True)
class Calculation:
    """A derived variable: a ``calculate`` row of the survey sheet.

    ``expression`` (parsed from ``calculation_text``) may refer to questions, to calculations on
    earlier rows and to context variables; ``since`` is the first wave year it is computed for.
    Labels are optional (XLSForm allows an unlabelled calculate row): '' when absent.
    """

    name: str
    expression: Expression
    calculation_text: str
    label_nl: str
    label_en: str
    row: int
    since: int | None = None


@dataclass(frozen=True)
class ContextVariable:
    """A value from outside the answers: a ``hidden`` row with a column ``innomon::source``.

    ``source`` is ``register.<field>`` (one of ``REGISTER_FIELDS``, read from each record),
    ``wave.year`` or ``parameter.<name>`` (a parameter of the monitor definition).
    """

    name: str
    source: str
    label_nl: str
    label_en: str
    row: int

    @property
    def kind(self) -> str:
        """``register``, ``wave`` or ``parameter``."""
        return self.source.split(".", 1)[0]

    @property
    def key(self) -> str:
        """The part after the dot: the register field, ``year`` or the parameter's name."""
        return self.source.split(".", 1)[1]


@dataclass(frozen=True)
class Instrument:
    """A loaded questionnaire: its version and titles, questions in form order, choice lists.

    ``registry_lists`` names the choice lists filled from the initiative registry; they are empty
    when the instrument was loaded without one. ``source`` is the workbook's file name and
    ``sha256`` the hex digest of its bytes. ``calculations`` and ``context`` are the derived and
    the context variables, in form order; they are not ``questions``. ``group_labels`` maps each
    group's name to its Dutch and English label (the web questionnaire's page titles).
    """

    version: str
    title_nl: str
    title_en: str
    questions: tuple[Question, ...]
    choice_lists: Mapping[str, tuple[Choice, ...]]
    form_id: str = ""
    source: str = ""
    registry_lists: tuple[str, ...] = ()
    calculations: tuple[Calculation, ...] = ()
    context: tuple[ContextVariable, ...] = ()
    sha256: str = ""
    group_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    _by_name: Mapping[str, Question] = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {q.name: q for q in self.questions})

    def as_of(self, year: int) -> Instrument:
        """The questionnaire as asked in wave ``year``: the questions whose ``since`` is at most
        ``year`` (version ``<year>.n`` of the monitor)."""
        questions = tuple(q for q in self.questions if q.since is None or q.since <= year)
        available = {q.name for q in questions if q.holds_answer} | {c.name for c in self.context}
        calculations = []
        for c in self.calculations:  # a calculation refers only to earlier ones: one pass
            if (c.since is None or c.since <= year) and c.expression.references <= available:
                calculations.append(c)
                available.add(c.name)
        return dataclasses.replace(self, questions=questions, calculations=tuple(calculations))

    def names(self) -> frozenset[str]:
        """Every variable: the questions that hold an answer, the calculations and the context
        variables."""
        return frozenset(
            [q.name for q in self.variables()]
            + [c.name for c in self.calculations]
            + [c.name for c in self.context]
        )

    def question(self, name: str) -> Question:
        """The question (or note) called ``name``; KeyError if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"questionnaire {self.version} has no question {name!r}") from None

    def variables(self) -> tuple[Question, ...]:
        """The questions that hold an answer (not notes), in form order."""
        return tuple(q for q in self.questions if q.holds_answer)

    def choices(self, question: Question) -> tuple[Choice, ...]:
        """The choices of a select question (empty for other questions)."""
        return self.choice_lists.get(question.list_name, ()) if question.list_name else ()

    def value_type(self, question: Question) -> type:
        """The Python type an answer (for select_multiple: each code) is stored as.

        int for integer questions and for select questions whose choice names are all integers,
        float for decimal, str for text and the other select questions.
        """
        if question.type == "integer":
            return int
        if question.type == "decimal":
            return float
        if question.type == "text":
            return str
        if question.is_select:
            codes = [c.name for c in self.choices(question)]
            return int if codes and all(_is_int_code(c) for c in codes) else str
        raise ValueError(f"{question.name!r} is a {question.type} and holds no answer")


def _is_int_code(code: str) -> bool:
    digits = code[1:] if code.startswith("-") else code
    return digits.isdigit() and digits.isascii() and (digits == "0" or not digits.startswith("0"))
