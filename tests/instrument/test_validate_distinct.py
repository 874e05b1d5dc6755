"""validate_table checks each distinct answer once: it must still agree, problem for problem and
in the same order, with ``validate`` of every response, whatever the columns hold (shared or
fresh objects, numbers, text, lists, bools, numpy scalars, sets, arrays, missing values)."""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from innomon.instrument import parse, validate, validate_table
from innomon.instrument._values import factorize, string_value
from innomon.instrument.expressions import Columns

from .responses import generate

ODD = [
    None,
    "",
    math.nan,
    float("nan"),
    0,
    1,
    2,
    -1,
    1.0,
    -0.0,
    1.5,
    math.inf,
    10**20,
    1e20,
    "1",
    "01",
    " 1",
    "1 4",
    "1 1",
    "12,5",
    "-3.5",
    "abc",
    "energy_valley",
    "0",
    [],
    [1],
    [1.0],
    [True],
    ["1"],
    [1, 4],
    [4, 1],
    ["1", "4"],
    [1, 1],
    [0, 2],
    ["x"],
    (1, 4),
    ("energy_valley",),
    ["energy_valley", "energy_valley"],
    [[1]],
    True,
    False,
]
NUMPY_ODD = [np.int64(1), np.float64(2.0), np.bool_(True), np.float64("nan")]
OTHER_ODD = [Decimal("1"), Decimal("1.0"), {1, 4}, frozenset({"1"}), np.array([1, 4])]


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _fresh(value: object) -> object:
    """An equal value as a new object (so that a column holds many distinct objects)."""
    if isinstance(value, str):
        return "".join(list(value)) if value else value
    if type(value) is float:
        return float(repr(value)) if not math.isnan(value) else float("nan")
    if type(value) is int:
        return int(str(value))
    return copy.deepcopy(value)


def _mix(instrument, seed: int, n: int = 240) -> tuple[dict[str, np.ndarray], np.ndarray]:
    columns, complete = generate(instrument, n, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    odd = list(ODD)
    if seed % 3 == 1:
        odd += NUMPY_ODD
    if seed % 3 == 2:
        odd += OTHER_ODD
    out: dict[str, np.ndarray] = {}
    for name, column in columns.items():
        column = column.copy()
        share = rng.choice([0.0, 0.05, 0.3])
        for i in np.flatnonzero(rng.random(n) < share).tolist():
            column[i] = odd[int(rng.integers(len(odd)))]
        mode = int(rng.integers(4))
        if mode == 1:  # many distinct objects: factorised by value
            column = _objects([_fresh(v) for v in column.tolist()])
        elif mode == 2:  # a numeric column, when every cell is a number
            cells = column.tolist()
            if all(type(v) is int for v in cells):
                column = np.array(cells, dtype=np.int64)
            elif all(type(v) in (int, float) for v in cells):
                column = np.array(cells, dtype=float)
        elif mode == 3 and rng.random() < 0.3:  # no column: unanswered everywhere
            continue
        out[name] = column
    if seed % 2:
        out["fte"] = np.zeros(n)  # not a question
    return out, complete


def _agree(instrument, columns: dict[str, np.ndarray], complete: np.ndarray) -> list:
    table = validate_table(instrument, columns, complete)
    expected = [p for p in table if p.row is None]
    n = len(complete)
    for i in range(n):
        answers = {name: column[i] for name, column in columns.items()}
        single = validate(instrument, answers, complete=bool(complete[i]))
        expected += [replace(p, row=i) for p in single if p.rule != "unknown_variable"]
    assert _same(table, expected)
    return table


def _same(table: list, expected: list) -> bool:
    """Equal problems, NaN values included (NaN != NaN)."""
    if len(table) != len(expected):
        return False
    for a, b in zip(table, expected, strict=True):
        if (a.row, a.variable, a.rule, a.message_nl, a.message_en) != (
            b.row,
            b.variable,
            b.rule,
            b.message_nl,
            b.message_en,
        ):
            return False
        unanswered = string_value(a.value) == string_value(b.value) == ""
        if not (a.value is b.value or unanswered or _equal_values(a.value, b.value)):
            return False
    return True


def _equal_values(a: object, b: object) -> bool:
    return type(a) is type(b) and np.array_equal(
        np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    )


@pytest.mark.parametrize("seed", range(9))
def test_validate_table_agrees_with_validate_on_mixed_tables(instrument, seed):
    columns, complete = _mix(instrument, seed)
    table = _agree(instrument, columns, complete)
    assert {"type", "choice", "relevance"} <= {p.rule for p in table}


def test_the_problems_name_each_cell_with_its_own_value(instrument):
    """Equal answers of different types share no verdict: True is no 1, [True] no [1]."""
    n = 6
    columns = {
        "employees": _objects([1, True, 1.0, "1", np.bool_(True), 1.5]),
        "bpi_functions": _objects([[1], [True], [1.0], "1", (1,), [1, 1]]),
        "process_innovation": _objects([1] * n),
    }
    table = _agree(instrument, columns, np.zeros(n, dtype=bool))
    assert [(p.row, p.variable, p.rule) for p in table] == [
        (1, "employees", "type"),
        (1, "bpi_functions", "choice"),
        (4, "employees", "type"),
        (5, "employees", "type"),
        (5, "bpi_functions", "choice"),
    ]
    assert table[0].value is True
    assert table[2].value is np.True_


def test_many_rows_of_few_distinct_answers(instrument):
    """The shape of an import: every column a scatter of a few distinct values."""
    small, complete = _mix(instrument, 3, n=40)
    rng = np.random.default_rng(5)
    index = rng.integers(40, size=2000)
    columns = {name: column[index] for name, column in small.items()}
    table = _agree(instrument, columns, complete[index])
    assert table


def test_factorize_keeps_apart_what_differs():
    values = [1, True, 1.0, "1", [1], [True], (1,), None, [], np.int64(1), 1, True]
    found = factorize(values)
    assert found is not None
    codes = found.codes.tolist()
    assert codes[0] == codes[10]
    assert codes[1] == codes[11]
    assert len(set(codes[:10])) == 10
    assert all(found.uniques[c] is v for c, v in zip(codes, values, strict=True))


def test_factorize_by_value_merges_only_equivalent_answers():
    values = [_fresh(v) for v in [1, 1.0, "1", "1", [1, 4], [1.0, 4], None, [], 2.5] * 40]
    found = factorize(values)
    assert found is not None
    strings = found.strings()
    assert [strings[c] for c in found.codes.tolist()] == [string_value(v) for v in values]
    many = [True, 1] + [10**6 + i for i in range(200)]  # many objects, True == 1: by cell
    assert factorize(many) is None
    few = [True, 1, 2, 3] * 40  # few objects: each one its own answer
    assert factorize(few).uniques == [1, 1, 2, 3]
    assert [type(u) for u in factorize(few).uniques] == [bool, int, int, int]


def test_column_values_agree_with_string_value():
    values = [_fresh(v) for v in ODD * 5] + ODD * 5 + [np.array([1, 2]), {3, 1}]
    for answers in (values, values[: len(ODD)], [v for v in values if type(v) is not bool]):
        column = _objects(answers)
        vec = Columns({"a": column}).value("a")
        assert vec.as_string().tolist() == [string_value(v) for v in answers]
        expected = parse("number(${a})").evaluate_columns({"a": column})
        assert np.array_equal(vec.as_number(), expected, equal_nan=True)


def test_selected_and_count_selected_per_distinct_string_agree_with_one_row():
    column = _objects([[1, 4], "4", None, [0], "0 1", [4, 4], "", (2, 4)])
    needles = np.array(["4", "0", "1", "4", "1", "4", "", "2"], dtype=object)
    for text in (
        "selected(${a}, '4')",
        "selected(${a}, 4)",
        "selected(${a}, ${b})",
        "count-selected(${a})",
        "count-selected(${a}) > 1 and selected(${a}, ${b})",
    ):
        e = parse(text)
        cols = Columns({"a": column, "b": needles})
        cols.blank("a", np.array([False] * 7 + [True]))
        got = e.evaluate_columns(cols).tolist()
        rows = [{"a": column[i] if i < 7 else "", "b": needles[i]} for i in range(8)]
        assert got == [e.evaluate(r) for r in rows], text


@pytest.mark.parametrize(
    ("text", "numeric"),
    [
        ("${a} + ${b} <= 100", {"a", "b"}),
        ("${a} = 1 or 2 != ${b}", {"a", "b"}),
        ("${a} = '1' and ${b} = ${c}", set()),
        ("-${a} < 0 and number(${b}) > 3", {"a", "b"}),
        ("selected(${a}, '1') and count-selected(${b}) > 1", set()),
        ("if(${a} != '', ${b} div 2, ${c})", {"b"}),
        (". >= 0 and . <= ${max}", {"max"}),
        ("string-length(${t}) > 3", set()),
        ("coalesce(${a}, ${b}) mod 2 = 0", set()),
    ],
)
def test_numeric_references(text, numeric):
    e = parse(text)
    assert e.numeric_references == frozenset(numeric)
    assert e.numeric_references <= e.references
