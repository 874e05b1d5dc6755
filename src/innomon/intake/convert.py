"""An export's cells as the questionnaire's answers, by its mapping — nothing silently dropped.

``convert`` reads every column the mapping accounts for: answers typed by their question
(numbers by ``innomon.instrument.numbers``, choices by code, label or SPSS value label), the
choice columns of a select_multiple (ticked, unticked, or a problem), the computed variables
(the questionnaire's own expression language over export columns), the KvK number (the first
filled of its columns, normalised by ``kvk.read_kvk``), the firm fields and the tool's
metadata (as text). Every non-empty cell it reads is stored or reported with its row, column
and value (``RowProblem``); every cell stored after a reading that changed it is listed
(``Reading``); every column of the file gets its use and counts (``ColumnUse``).

Vectorised: each distinct text of a column is read once (``RawTable.codes``) and the results
are scattered over the rows with numpy, so 100,000 rows × 150 columns take seconds.

``file_problems`` lists what makes the whole file unusable with its mapping: a required
question without a column, no KvK column, and (``strict``) every column not accounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innomon.errors import Problem
from innomon.instrument import Columns, Instrument, Question
from innomon.instrument._values import Factors, format_number, string_values, write_number
from innomon.instrument.numbers import Uncertain, read_typed_number

from .kvk import read_kvk
from .mapping import Computed, Mapping, label_key
from .problems import ColumnUse, Reading, RowProblem, in_both

__all__ = ["Converted", "convert", "file_problems"]

CHOICE = _(
    "'%(value)s' is not an answer of %(question)s: not one of its codes (%(codes)s) nor one of "
    "its labels; correct the cell, or map the value under values in the mapping"
)
TICK = _(
    "'%(value)s' in a choice column of %(question)s reads neither as ticked (%(ticked)s, the "
    "choice's code or label) nor as not ticked (empty, %(unticked)s); correct the cell, or set "
    "ticked and unticked in the mapping"
)
AMBIGUOUS = _("'%(text)s' can be read in two ways: write %(decimal)s or %(whole)s")
NOT_NUMBER = _("'%(text)s' is not a number: write one number, without words, ranges or comparisons")
NOT_WHOLE = _("'%(text)s' is not a whole number")
KVK_DIGITS = _("'%(kvk)s' is not a KvK number (8 digits)")
KVK_ZEROS = _("'%(kvk)s' is not a KvK number: no firm has it; fill in the firm's own number")
KVK_DIFFERS = _(
    "KvK number '%(other)s' in %(column)s differs from %(kvk)s in %(first)s; correct one of them"
)
COMPUTED_INPUT = _(
    "'%(text)s' is not a number, and %(variable)s is computed from it; correct the cell"
)
COMPUTED_AMBIGUOUS = _(
    "'%(text)s' can be read in two ways (%(decimal)s or %(whole)s), and %(variable)s is "
    "computed from it; write one of them"
)
COMPUTED_RESULT = _(
    "%(variable)s is computed as '%(value)s' by %(expression)s, which it cannot store "
    "(%(reason)s); correct the computation in the mapping"
)
_PIECE = re.compile(r"[^,;\s]+")  # the parts of a whole-cell select_multiple
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")  # a number as a program writes it


@dataclass
class Converted:
    """The answers of every row, and what the conversion found (see the module docstring)."""

    columns: dict[str, np.ndarray]  # every answer variable → object array (answer or None)
    problems: list[RowProblem]
    kvk: np.ndarray  # object: 8-digit str or None
    kvk_typed: np.ndarray  # object: the cell the KvK number came from, as typed
    firm: dict[str, np.ndarray]  # firm field → object array of str | None
    meta: dict[str, np.ndarray]  # metadata key → object array of str | None
    readings: list[Reading]
    not_asked: tuple[str, ...]
    uses: list[ColumnUse]
    origin: dict[str, str] = field(default_factory=dict)  # variable → the column it came from
    # variable → its distinct answers (``instrument.validate_table(factors=…)``): one per
    # distinct text of its column, shared by the rows with that text
    factors: dict[str, Factors] = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers


class _Localised:
    """A number as a message parameter, written in the language the message is rendered in
    (``1,5`` in Dutch, ``1.5`` in English)."""

    def __init__(self, x: int | float) -> None:
        self.x = x

    def __str__(self) -> str:
        if isinstance(self.x, int):
            return str(self.x)  # never grouped: 1500, not 1.500
        return write_number(self.x, (get_language() or "en").startswith("nl"))


@dataclass(frozen=True)
class _Bad:
    rule: str
    nl: str
    en: str

    @classmethod
    def of(cls, rule: str, message: Any, **params: Any) -> _Bad:
        return cls(rule, *in_both(message, params))


@dataclass(frozen=True)
class _Read:
    value: Any  # the stored answer (None: no answer)
    stored: str = ""  # its text, when a reading changed the cell
    note: str = ""


def _stored_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _ambiguous(text: str, readings: tuple[int | float, ...]) -> dict[str, Any]:
    small, large = sorted(readings)[0], sorted(readings)[-1]
    return {"text": text, "decimal": _Localised(small), "whole": _Localised(large)}


class _Choices:
    """A select question's codes and labels, as cells are matched against them."""

    def __init__(self, instrument: Instrument, q: Question) -> None:
        choices = instrument.choices(q)
        self.codes = [c.name for c in choices]
        self.order = {c: i for i, c in enumerate(self.codes)}
        self.as_int = instrument.value_type(q) is int
        labels: dict[str, set[str]] = {}
        for c in choices:
            for label in (c.label_nl, c.label_en):
                if label:
                    labels.setdefault(label_key(label), set()).add(c.name)
        self.labels = {k: next(iter(v)) for k, v in labels.items() if len(v) == 1}
        self.by_code = {c.name: {label_key(c.label_nl), label_key(c.label_en)} for c in choices}

    def code(self, text: str) -> str | None:
        if text in self.order:
            return text
        if text.endswith(".0") and text[:-2] in self.order:
            return text[:-2]
        return None

    def value(self, code: str) -> Any:
        return int(code) if self.as_int else code


class _Cells:
    """How the cells of one answer column are read (the column's values, the variable's
    values, codes, labels, value labels), one distinct text at a time."""

    def __init__(
        self, conv: _Converter, column: str | None, q: Question, *, mapping: bool = True
    ) -> None:
        m = conv.mapping
        self.q = q
        tables = []
        if mapping and column:
            tables.append(m.column_values.get(column, {}))
        if mapping:
            tables.append(m.values.get(q.name, {}))
        self.exact = [t for t in tables if t]
        self.folded = [{label_key(k): v for k, v in t.items()} for t in self.exact]
        self.typed = column in conv.table.typed if column else True
        self.choices = conv.choices(q) if q.is_select else None
        self.value_labels = conv.table.value_labels.get(column, {}) if column else {}
        self.labels_first = bool(
            self.choices
            and self.value_labels
            and all(label_key(v) in self.choices.labels for v in self.value_labels.values())
        )

    def mapped(self, text: str) -> str | None:
        """The code the mapping's values give the text (the column's, then the variable's;
        exactly, then as labels are compared), None when they give none."""
        if not self.exact:
            return None
        for table in self.exact:
            if text in table:
                return table[text]
        key = label_key(text)
        for table in self.folded:
            if key in table:
                return table[key]
        return None

    def read(self, text: str) -> _Read | _Bad:
        code = self.mapped(text)
        if code == "":
            return _Read(None)  # the mapping says: no answer
        if code is not None and not self.q.is_select:
            read = self._typed(code)
            return read if isinstance(read, _Bad) else _Read(read.value)
        return self._typed(text)

    def _typed(self, text: str) -> _Read | _Bad:
        q = self.q
        if q.type in ("integer", "decimal"):
            return _number(text, q.type == "integer", self.typed)
        if q.type == "text":
            return _Read(text)
        if q.type == "select_one":
            found = self.choice(text)
            if found is None:
                return self._not_a_choice(text)
            code, note = found
            value = self.choices.value(code)
            return _Read(value, code if note else "", note)
        return self._multiple(text)

    def choice(self, text: str) -> tuple[str, str] | None:
        """(code, note) of one choice the text names; None if it names none."""
        ch = self.choices
        code = self.mapped(text)
        if code is not None and code in ch.order:
            return code, ""
        vl = self.value_labels.get(text)
        if self.labels_first and vl is not None:
            return ch.labels[label_key(vl)], "value label"
        code = ch.code(text)
        if code is not None:
            return code, ""
        code = ch.labels.get(label_key(text))
        if code is not None:
            return code, "label"
        if vl is not None and label_key(vl) in ch.labels:
            return ch.labels[label_key(vl)], "value label"
        return None

    def _not_a_choice(self, text: str, part: str | None = None) -> _Bad:
        return _Bad.of(
            "choice",
            CHOICE,
            value=text if part is None else part,
            question=self.q.name,
            codes=", ".join(self.choices.codes),
        )

    def _multiple(self, text: str) -> _Read | _Bad:
        whole = self.choice(text)
        if whole is not None:
            code, note = whole
            return _Read([self.choices.value(code)], code if note else "", note)
        pieces = [(m.start(), m.end()) for m in _PIECE.finditer(text)]
        found: list[str] = []
        notes: set[str] = set()
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                hit = self.choice(text[pieces[i][0] : pieces[j - 1][1]])
                if hit is not None:
                    found.append(hit[0])
                    if hit[1]:
                        notes.add(hit[1])
                    i = j
                    break
            else:
                return self._not_a_choice(text, text[pieces[i][0] : pieces[i][1]])
        codes = sorted(set(found), key=self.choices.order.__getitem__)
        if not codes:
            return _Read(None)
        stored = " ".join(codes)
        note = ", ".join(sorted(notes))
        return _Read([self.choices.value(c) for c in codes], stored if note else "", note)


def _number(text: str, whole: bool, typed: bool) -> _Read | _Bad:
    """A cell of a number question: a numeric column's text as it is, else by the rule."""
    if typed:
        try:
            x = float(text)
        except ValueError:
            x = None
        if x is not None and np.isfinite(x):
            if whole:
                if not x.is_integer():
                    return _Bad.of("number", NOT_WHOLE, text=text)
                return _Read(int(x))
            return _Read(x)
    if text.isascii() and text.isdigit():  # the common case, read at once
        return _Read(int(text) if whole else float(text))
    read = read_typed_number(text, whole=whole)
    if isinstance(read, Uncertain):
        if read.ambiguous:
            return _Bad.of("number", AMBIGUOUS, **_ambiguous(text, read.readings))
        return _Bad.of("number", NOT_NUMBER, text=text)
    value = read.value
    if whole:
        if not isinstance(value, int):
            return _Bad.of("number", NOT_WHOLE, text=text)
    else:
        try:
            value = float(value)
        except OverflowError:
            return _Bad.of("number", NOT_NUMBER, text=text)
    stored = _stored_text(value)
    plain = stored == text or (_PLAIN.fullmatch(text) is not None and float(text) == value)
    return _Read(value, "" if plain else stored, ", ".join(read.notes))


# -------------------------------------------------------------------------- conversion


def convert(table: Any, mapping: Mapping, instrument: Instrument) -> Converted:
    """The answers in ``table`` (a ``RawTable``) by ``mapping`` (from ``load_mapping`` on the
    same table) for ``instrument``; see the module docstring."""
    return _Converter(table, mapping, instrument).run()


class _Converter:
    def __init__(self, table: Any, mapping: Mapping, instrument: Instrument) -> None:
        self.table, self.mapping, self.instrument = table, mapping, instrument
        self.n = len(table)
        self.problems: list[RowProblem] = []
        self.readings: list[Reading] = []
        self.bad: dict[str, np.ndarray] = {}  # column → cells reported
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._choices: dict[str, _Choices] = {}
        self.distinct: dict[str, Factors] = {}  # column → its values, one per distinct text

    # -- shared

    def codes(self, column: str) -> tuple[list[str], np.ndarray]:
        if column not in self._codes:
            self._codes[column] = self.table.codes(column)
        return self._codes[column]

    def choices(self, q: Question) -> _Choices:
        if q.name not in self._choices:
            self._choices[q.name] = _Choices(self.instrument, q)
        return self._choices[q.name]

    def none(self) -> np.ndarray:
        return np.full(self.n, None, dtype=object)

    def report(
        self,
        column: str,
        index: np.ndarray,
        bads: dict[int, _Bad],
        texts: Any,
        where: np.ndarray | None = None,
    ) -> None:
        """The problems ``bads`` (distinct text → problem) at every row of ``column`` whose
        ``index`` names one of them (and, given ``where``, that it selects); ``texts`` are the
        distinct texts, the reported values."""
        if not bads:
            return
        hit = np.isin(index, np.fromiter(bads, dtype=np.int64, count=len(bads)))
        if where is not None:
            hit &= where
        rows = np.flatnonzero(hit)
        self.bad.setdefault(column, np.zeros(self.n, dtype=bool))[rows] = True
        for i, k in zip(rows.tolist(), index[rows].tolist(), strict=True):
            bad = bads[k]
            self.problems.append(RowProblem(i, column, texts[k], bad.rule, bad.nl, bad.en))

    def scatter(
        self, column: str, uniques: list[str], index: np.ndarray, results: list[Any]
    ) -> np.ndarray:
        """Per row the result of its distinct text: values scattered, problems reported,
        readings counted."""
        values = np.empty(len(uniques) + 1, dtype=object)
        bads: dict[int, _Bad] = {}
        counts = None
        for k, r in enumerate(results):
            if isinstance(r, _Bad):
                values[k] = None
                bads[k] = r
            else:
                values[k] = r.value
                if r.stored:
                    if counts is None:
                        counts = np.bincount(index[index >= 0], minlength=len(uniques))
                    self.readings.append(
                        Reading(column, uniques[k], r.stored, int(counts[k]), r.note)
                    )
        values[-1] = None
        self.report(column, index, bads, uniques)
        self.distinct[column] = Factors(values.tolist(), np.where(index < 0, len(uniques), index))
        return values[index]

    # -- the parts

    def run(self) -> Converted:
        m, instrument = self.mapping, self.instrument
        columns = {q.name: self.none() for q in instrument.variables()}
        origin: dict[str, str] = {}
        factors: dict[str, Factors] = {}
        skip = set(m.not_asked)
        for column, variable in m.answers.items():
            if variable in skip or variable not in columns:
                continue
            q = instrument.question(variable)
            uniques, index = self.codes(column)
            cells = _Cells(self, column, q)
            results = [cells.read(u) for u in uniques]
            columns[variable] = self.scatter(column, uniques, index, results)
            origin[variable] = column
            factors[variable] = self.distinct[column]
        for variable, ticks in m.multiple.items():
            if variable in skip or variable not in columns:
                continue
            columns[variable] = self.multiple(instrument.question(variable), ticks)
            origin[variable] = next(iter(ticks))
        for variable, computed in m.computed.items():
            if variable in skip or variable not in columns:
                continue
            columns[variable] = self.computed(instrument.question(variable), computed)
        kvk, kvk_typed = self.kvk()
        firm = {target: self.table.text(column) for column, target in m.firm.items()}
        meta = {key: self.table.text(column) for column, key in m.meta.items()}
        return Converted(
            columns=columns,
            problems=self.problems,
            kvk=kvk,
            kvk_typed=kvk_typed,
            firm=firm,
            meta=meta,
            readings=self.readings,
            not_asked=m.not_asked,
            uses=self.uses(),
            origin=origin,
            factors=factors,
        )

    def multiple(self, q: Question, ticks: dict[str, str]) -> np.ndarray:
        """A select_multiple from one column per choice: each cell ticked, not ticked, or a
        problem."""
        m = self.mapping
        ch = self.choices(q)
        shown = {
            "question": q.name,
            "ticked": ", ".join(m.ticked),
            "unticked": ", ".join(m.unticked),
        }
        matrix = np.zeros((self.n, len(ticks)), dtype=bool)
        codes = list(ticks.values())
        for j, (column, code) in enumerate(ticks.items()):
            uniques, index = self.codes(column)
            cells = _Cells(self, column, q)  # the column's values, then the variable's
            labels = ch.by_code.get(code, set())
            value_labels = self.table.value_labels.get(column, {})
            state = np.zeros(len(uniques) + 1, dtype=bool)
            bads: dict[int, _Bad] = {}
            for k, u in enumerate(uniques):
                tick = _tick(u, code, labels, value_labels.get(u), cells, m)
                if tick is None:
                    bads[k] = _Bad.of("choice", TICK, value=u, **shown)
                else:
                    state[k] = tick
            self.report(column, index, bads, uniques)
            matrix[:, j] = state[index]
        if len(codes) <= 62:
            keys = matrix.astype(np.int64) @ (np.int64(1) << np.arange(len(codes), dtype=np.int64))
            distinct, inverse = np.unique(keys, return_inverse=True)
            patterns = [[codes[j] for j in range(len(codes)) if key >> j & 1] for key in distinct]
        else:
            distinct_rows, inverse = np.unique(matrix, axis=0, return_inverse=True)
            patterns = [[codes[j] for j in np.flatnonzero(row)] for row in distinct_rows]
        values = np.empty(len(patterns), dtype=object)
        for k, chosen in enumerate(patterns):
            ordered = sorted(chosen, key=ch.order.__getitem__)
            values[k] = [ch.value(c) for c in ordered] if ordered else None
        return values[inverse.reshape(-1)]

    def computed(self, q: Question, computed: Computed) -> np.ndarray:
        """A variable computed from export columns by the questionnaire's expression language;
        the result typed by its question like a cell."""
        inputs: dict[str, np.ndarray] = {}
        for ref, column in computed.columns.items():
            inputs[ref] = self.computed_input(column, ref in computed.numeric, computed)
        result = computed.expression.evaluate_columns(Columns(inputs, self.n))
        result = np.asarray(result)
        if result.dtype.kind == "b":
            texts = np.where(result, "1", "0").astype(object)
        elif result.dtype.kind == "f":
            texts = np.array(string_values(result.tolist()), dtype=object)
        else:
            texts = np.array(string_values(list(result)), dtype=object)
        uniques, inverse = np.unique(texts.astype(str), return_inverse=True)
        inverse = inverse.reshape(-1)
        cells = _Cells(self, None, q, mapping=False)
        values = np.empty(len(uniques), dtype=object)
        texts = uniques.tolist()
        bads: dict[int, _Bad] = {}
        for k, text in enumerate(texts):
            read = _Read(None) if text == "" else cells.read(text)
            if isinstance(read, _Bad):
                values[k] = None
                bads[k] = _Bad.of(
                    "computed",
                    COMPUTED_RESULT,
                    variable=q.name,
                    value=text,
                    expression=computed.text,
                    reason=_Reason(read),
                )
            else:
                values[k] = read.value
        self.report(q.name, inverse, bads, texts)
        return values[inverse]

    def computed_input(self, column: str, numeric: bool, computed: Computed) -> np.ndarray:
        """An export column as an expression reads it: its number where the number rule reads
        one with certainty, else its text ('' when empty). A cell used as a number that is
        none, or one that reads two ways, is reported for the computed variable."""
        uniques, index = self.codes(column)
        typed = column in self.table.typed
        values = np.empty(len(uniques) + 1, dtype=object)
        values[-1] = ""
        all_numbers = True
        counts = None
        bads: dict[int, _Bad] = {}
        for k, u in enumerate(uniques):
            read = _number(u, False, typed)
            if isinstance(read, _Read):
                values[k] = float(read.value)
                if read.stored and column not in self.mapping.answers:
                    if counts is None:
                        counts = np.bincount(index[index >= 0], minlength=len(uniques))
                    self.readings.append(Reading(column, u, read.stored, int(counts[k]), read.note))
                continue
            all_numbers = False
            values[k] = u
            number = read_typed_number(u)
            bad = None
            if isinstance(number, Uncertain) and number.ambiguous:
                bad = _Bad.of(
                    "computed",
                    COMPUTED_AMBIGUOUS,
                    variable=computed.variable,
                    **_ambiguous(u, number.readings),
                )
            elif numeric:
                bad = _Bad.of("computed", COMPUTED_INPUT, text=u, variable=computed.variable)
            if bad is not None:
                bads[k] = bad
        self.report(column, index, bads, uniques)
        if all_numbers:
            floats = np.array([*values[:-1].tolist(), np.nan], dtype=float)
            return floats[index]
        return values[index]

    def kvk(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row the KvK number from the first filled of the KvK columns, and that cell as
        typed; a cell that is no KvK number, or a later column's number that differs, is a
        problem."""
        columns = self.mapping.kvk
        kvk, typed = self.none(), self.none()
        if not columns:
            return kvk, typed
        chosen = np.full(self.n, -1, dtype=np.int64)
        per_column = []
        for j, column in enumerate(columns):
            uniques, index = self.codes(column)
            numbers = np.array([*uniques, None], dtype=object)
            plain = pc.match_substring_regex(pa.array(uniques, pa.string()), r"^[0-9]{8}$")
            plain = plain.to_numpy(zero_copy_only=False).astype(bool)
            numeric = column in self.table.typed
            readings = {}  # only the texts that are not eight digits as they are
            for k in np.flatnonzero(~plain).tolist():
                readings[k] = read_kvk(uniques[k], typed=numeric)
                numbers[k] = readings[k].kvk
            if "00000000" in uniques:  # eight digits, yet refused
                k = uniques.index("00000000")
                readings[k] = read_kvk("00000000")
                numbers[k] = None
            per_column.append((column, uniques, index, readings, numbers))
            take = (chosen == -1) & (index >= 0)
            chosen[take] = j
        for j, (column, uniques, index, readings, numbers) in enumerate(per_column):
            mine = chosen == j
            rows_numbers = numbers[index]
            kvk[mine] = rows_numbers[mine]
            texts = np.array([*uniques, None], dtype=object)
            typed[mine] = texts[index][mine]
            counts = np.bincount(index[mine & (index >= 0)], minlength=len(uniques))
            bads: dict[int, _Bad] = {}
            for k, r in readings.items():
                if not counts[k]:
                    continue
                if r.kvk is None:
                    message = KVK_ZEROS if r.problem == "zeros" else KVK_DIGITS
                    bads[k] = _Bad.of("kvk", message, kvk=uniques[k])
                elif r.note:
                    self.readings.append(Reading(column, uniques[k], r.kvk, int(counts[k]), r.note))
            self.report(column, index, bads, uniques, where=mine)
            later = (~mine) & (index >= 0)
            if later.any():
                first = np.array(columns, dtype=object)[chosen]
                differ = np.flatnonzero(later & (rows_numbers != kvk))
                self.bad.setdefault(column, np.zeros(self.n, dtype=bool))[differ] = True
                for i in differ.tolist():
                    bad = _Bad.of(
                        "kvk",
                        KVK_DIFFERS,
                        other=uniques[index[i]],
                        column=column,
                        kvk=kvk[i] or typed[i],
                        first=first[i],
                    )
                    self.problems.append(
                        RowProblem(i, column, uniques[index[i]], bad.rule, bad.nl, bad.en)
                    )
        return kvk, typed

    def uses(self) -> list[ColumnUse]:
        out = []
        for column in self.table.header:
            use, target = self.mapping.use(column)
            array = self.table.columns[column]
            filled = len(array) - array.null_count
            bad = int(self.bad[column].sum()) if column in self.bad else 0
            read = 0 if use in ("ignored", "unaccounted") else filled - bad
            out.append(ColumnUse(column, use, target, filled, read, bad))
        return out


class _Reason:
    """Why a computed value cannot be stored, in the language the message is rendered in."""

    def __init__(self, bad: _Bad) -> None:
        self.bad = bad

    def __str__(self) -> str:
        text = self.bad.nl if (get_language() or "en").startswith("nl") else self.bad.en
        return text.rstrip(".")


def _tick(
    text: str,
    code: str,
    labels: set[str],
    value_label: str | None,
    cells: _Cells,
    m: Mapping,
) -> bool | None:
    """Whether a cell of the choice column of ``code`` ticks it (None: it reads as neither).

    The mapping's values come first: a cell they give the column's own code ticks it (a
    Qualtrics numeric export holds the choice's recode value, ``Q16_4`` = ``4``), one they give
    no answer ('') or an unticked word does not. A cell they give another choice's code is then
    read as any cell (ticked, unticked, the choice's own code or label) — else a problem."""
    mapped = cells.mapped(text)
    if mapped is not None:
        if mapped == code:
            return True
        if mapped == "" or mapped.casefold() in m.unticked:
            return False
    folded = text.casefold()
    if folded in m.unticked:
        return False
    if folded in m.ticked or text == code or (text.endswith(".0") and text[:-2] == code):
        return True
    if label_key(text) in labels:
        return True
    if value_label is not None:
        if label_key(value_label) in labels or value_label.casefold() in m.ticked:
            return True
        if value_label.casefold() in m.unticked:
            return False
    return None


# ------------------------------------------------------------------------ file problems


def file_problems(
    table: Any, mapping: Mapping, instrument: Instrument, *, strict: bool = False
) -> list[Problem]:
    """Every problem that makes the file unusable with its mapping: a required question
    (required, always asked, not declared not asked) that no column or computation gives; no
    KvK column; with ``strict``, every column the mapping does not account for. (The
    mapping's own problems come from ``load_mapping``.)"""
    problems = []
    given = mapping.targets() | set(mapping.not_asked)
    for q in instrument.variables():
        if q.required and q.relevant is None and q.name not in given:
            problems.append(
                Problem(
                    table.name,
                    1,
                    q.name,
                    f"the required question '{q.name}' has no column: map a column to it "
                    "(columns), compute it (computed), or declare it not asked in this export "
                    "(not_asked)",
                )
            )
    if not mapping.kvk:
        problems.append(
            Problem(
                table.name,
                1,
                "kvk",
                "no column holds the KvK number: name the column(s) under kvk in the mapping "
                "(for example kvk: [ExternalReference, Q2]) or call the column 'kvk'",
            )
        )
    if strict:
        for column in table.header:
            if mapping.use(column)[0] == "unaccounted":
                problems.append(
                    Problem(
                        table.name,
                        1,
                        column,
                        "this column is not accounted for (--strict): map it (columns, "
                        "multiple), use it in computed, or ignore it (ignore)",
                    )
                )
    return problems
