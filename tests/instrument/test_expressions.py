"""The expression evaluator: XPath semantics, errors with positions, scalar ≡ vectorised."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innomon.instrument import ExpressionError, parse
from innomon.instrument.expressions import Columns


def ev(text, current=None, **values):
    return parse(text).evaluate(values, current)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),
        ("2 * 3 div 4", 1.5),
        ("7 div 2", 3.5),
        ("7 mod 3", 1.0),
        ("-7 mod 3", -1.0),
        ("7 mod -3", 1.0),
        ("- 2 * 3", -6.0),
        ("--2", 2.0),
        ("1 div 0", math.inf),
        ("-1 div 0", -math.inf),
        ("1 + 2 = 3", True),
        ("1 < 2 = 1", True),  # (1 < 2) = 1: true = boolean(1)
        ("1 = 1 and 2 = 3 or 4 = 4", True),  # and binds tighter than or
        ("1 = 1 or 2 = 3 and 4 = 5", True),
        ("3 > 2 > 1", False),  # (3 > 2) > 1: 1 > 1
        ("'abc' = \"abc\"", True),
        ("'1' = 1", True),
        ("'1.0' = 1", True),
        ("'1.0' = '1'", False),
        ("'a' < 'b'", False),  # relational operators compare numbers: NaN < NaN
        ("true() = 1", True),
        ("false() = ''", True),
        ("not(0)", True),
        ("not('0')", False),  # a non-empty string is true
        ("string(1 div 2)", "0.5"),
        ("string(2 * 3)", "6"),
        ("string(1 div 0)", "Infinity"),
        ("string(number('x'))", "NaN"),
        ("number(' 12.5 ')", 12.5),
        ("number('12,5')", math.nan),
        ("number('1e3')", math.nan),
        ("string-length('Fryslân')", 7.0),
        ("boolean(0.5)", True),
        ("if(1 = 1, 'yes', 'no')", "yes"),
        ("if('', 'yes', 'no')", "no"),
        ("if(1 = 2, 'text', 5)", 5.0),
    ],
)
def test_literal_expressions(text, expected):
    got = ev(text)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected
        assert type(got) is type(expected)


def test_unanswered_is_the_empty_string():
    assert ev("${x} = ''") is True
    assert ev("${x} != ''", x=0) is True
    assert ev("${x} != ''", x=None) is False
    assert ev("${x} != ''", x=math.nan) is False
    assert ev("${x} != ''", x=[]) is False
    for op in ("<", "<=", ">", ">=", "="):
        assert ev(f"${{x}} {op} 0") is False, op  # number('') is NaN
    assert ev("${x} != 0") is True
    assert math.isnan(ev("${x} + 1"))
    assert ev("${x}") == ""
    assert parse("${x}").test({}) is False
    assert parse("${x}").test({"x": 0}) is True  # answered
    assert ev("${x} = 12", x="12") is True
    assert ev("${x} = 12.5", x=12.5) is True
    assert ev("${x} = '12.5'", x=12.5) is True
    assert ev("${x} = '1'", x=True) is True  # a stored boolean is 1 or 0


def test_selected_and_count_selected():
    assert ev("selected(${m}, 'b')", m=["a", "b"]) is True
    assert ev("selected(${m}, 'b')", m="a b") is True
    assert ev("selected(${m}, 'c')", m="a b") is False
    assert ev("selected(${m}, 2)", m=[1, 2]) is True
    assert ev("selected(${m}, 'a')") is False
    assert ev("count-selected(${m})", m=["a", "b", "c"]) == 3.0
    assert ev("count-selected(${m})", m=None) == 0.0
    none_alone = parse("not(selected(., '0') and count-selected(.) > 1)")
    assert none_alone.test({}, current=[0]) is True
    assert none_alone.test({}, current=[1, 4]) is True
    assert none_alone.test({}, current=[0, 1]) is False


def test_and_or_short_circuit_in_scalar_mode():
    calls = []

    class Spy(dict):
        def get(self, key, default=None):
            calls.append(key)
            return super().get(key, default)

    assert parse("${a} = 1 or ${b} = 1").evaluate(Spy(a=1)) is True
    assert calls == ["a"]
    calls.clear()
    assert parse("${a} = 1 and ${b} = 1").evaluate(Spy(a=0)) is False
    assert calls == ["a"]


def test_references_and_current():
    e = parse("${a} + ${b} * count-selected(${c}) <= 100 and . != ''")
    assert e.references == frozenset({"a", "b", "c"})
    assert e.uses_current
    assert parse("1 = 1").references == frozenset()
    assert not parse("${a} = 1").uses_current
    assert parse("${a} = 1") == parse("${a} = 1")


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "the expression is empty", 0),
        ("1 = = 2", "unexpected =", 4),
        ("(1 + 2", "expected a closing ')', found the end", 6),
        ("1 + ", "the expression ends too early", 4),
        ("today() > 1", "the function today() is not supported", 0),
        ("if(1, 2)", "if() takes 3 argument(s), not 2", 0),
        ("${a", "a reference must look like ${name}", 0),
        ("${a} = 'x", "the text starting here has no closing '", 7),
        ("/data/a = 1", "paths are not supported", 0),
        ("../a = 1", "'..' (the parent) is not supported", 0),
        ("${a}[1]", "predicates ([...]) are not supported", 4),
        ("$a = 1", "variables ($x) are not supported", 0),
        ("a = 1", "'a' is not supported here; refer to a question as ${a}", 0),
        ("jr:choice-name(1, 2)", "is not supported", 0),
        ("1 # 2", "unexpected character '#'", 2),
        ("1 2", "unexpected 2", 2),
    ],
)
def test_errors_name_the_position(text, message, position):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.position == position
    assert str(info.value).endswith(f"(at character {position + 1})")


def test_vectorised_evaluation():
    columns = {
        "x": np.array([5, None, 0, "12", 12.5, "12,5"], dtype=object),
        "m": np.array([["a", "b"], "b c", None, [], "a", ""], dtype=object),
    }
    assert parse("${x} != ''").evaluate_columns(columns).tolist() == [
        True,
        False,
        True,
        True,
        True,
        True,
    ]
    assert parse("${x} > 3").test_columns(columns).tolist() == [
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    counts = parse("count-selected(${m})").evaluate_columns(columns)
    assert counts.tolist() == [2, 2, 0, 0, 1, 0]
    assert counts.dtype == float
    mixed = parse("if(${x} > 6, 'big', ${x} * 2)").evaluate_columns(columns)
    assert mixed.dtype == object
    assert mixed.tolist()[:2] == [10.0, mixed[1]]
    assert math.isnan(mixed[1])
    assert mixed.tolist()[3:5] == ["big", "big"]
    constraint = parse(". >= 0 and . <= 100")
    current = np.array([50.0, np.nan, 101.0, -1.0, 0.0, 100.0])
    assert constraint.test_columns(columns, current).tolist() == [
        True,
        False,
        False,
        False,
        True,
        True,
    ]


def test_numeric_columns_and_missing_columns():
    columns = {"x": np.array([1.0, np.nan, 2.5]), "n": np.array([1, 2, 3])}
    assert parse("${x} + ${n}").evaluate_columns(columns)[[0, 2]].tolist() == [2.0, 5.5]
    assert parse("${nothere} = ''").test_columns(columns).all()
    assert parse("string(${x})").evaluate_columns(columns).tolist() == ["1", "", "2.5"]
    with pytest.raises(ValueError, match="has 2 rows, expected 3"):
        Columns({"a": np.zeros(3), "b": np.zeros(2)})


# ---------------------------------------------------------------- scalar ≡ vectorised


def _random_expression(rng: np.random.Generator, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        leaves = [
            "${a}",
            "${b}",
            "${m}",
            ".",
            str(int(rng.integers(0, 5))),
            f"{rng.uniform(-3, 3):.2f}",
            "''",
            "'1'",
            "'x'",
            "'2.50'",
            "true()",
            "false()",
        ]
        return leaves[int(rng.integers(len(leaves)))]
    sub = lambda: _random_expression(rng, depth - 1)  # noqa: E731
    ops = ["=", "!=", "<", "<=", ">", ">=", "and", "or", "+", "-", "*", "div", "mod"]
    shapes = [
        lambda: f"({sub()} {ops[int(rng.integers(len(ops)))]} {sub()})",
        lambda: f"-{sub()}",
        lambda: f"selected({sub()}, {sub()})",
        lambda: f"count-selected({sub()})",
        lambda: f"if({sub()}, {sub()}, {sub()})",
        lambda: f"string-length({sub()})",
        lambda: f"not({sub()})",
        lambda: f"number({sub()})",
        lambda: f"string({sub()})",
        lambda: f"boolean({sub()})",
    ]
    return shapes[int(rng.integers(len(shapes)))]()


def _random_answers(rng: np.random.Generator, n: int) -> tuple[dict, np.ndarray]:
    pool_a = [0, 1, 2, 3, -1, 2.5, 0.1, 1e-7, 1e20, "", None, math.nan, "3", "2.50", "x", True]
    pool_b = ["", "1", "x", "2", " 3 ", "a b", "0", None]
    pool_m = [["1", "x"], ["0"], [], "x 1", None, [2, 3], "", ["a", "b", "c"]]
    pool_c = [0.0, 1.0, 50.0, 100.5, math.nan, -2.0, 3.0]

    def column(pool):
        out = np.empty(n, dtype=object)
        out[:] = [pool[i] for i in rng.integers(len(pool), size=n)]
        return out

    current = np.array([pool_c[i] for i in rng.integers(len(pool_c), size=n)])
    return {"a": column(pool_a), "b": column(pool_b), "m": column(pool_m)}, current


def _same(scalar, vector) -> bool:
    if isinstance(scalar, bool):
        return isinstance(vector, bool | np.bool_) and bool(vector) == scalar
    if isinstance(scalar, float):
        if isinstance(vector, bool | np.bool_) or not isinstance(vector, float | np.floating):
            return False
        return (math.isnan(scalar) and math.isnan(vector)) or scalar == vector
    return isinstance(vector, str) and vector == scalar


def test_scalar_and_vectorised_evaluation_agree_on_random_inputs():
    rng = np.random.default_rng(20190301)
    columns, current = _random_answers(rng, 200)
    for _ in range(400):
        text = _random_expression(rng, depth=4)
        expression = parse(text)
        vector = expression.evaluate_columns(columns, current)
        tests = expression.test_columns(columns, current)
        for i in range(len(current)):
            row = {name: col[i] for name, col in columns.items()}
            scalar = expression.evaluate(row, current[i])
            assert _same(scalar, vector[i]), (text, i, row, current[i], scalar, vector[i])
            assert expression.test(row, current[i]) == bool(tests[i]), (text, i)
