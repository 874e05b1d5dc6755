"""The one evaluator of XLSForm expressions (``relevant``, ``constraint``, ``calculation``): an
XPath 1.0 subset.

Supported: ``${name}`` (a variable's value), ``.`` (the current question's answer), numbers,
``'strings'`` and ``"strings"``, ``= != < <= > >=``, ``and or``, ``+ - * div mod``, unary minus,
parentheses and the functions ``selected(a, 'x')``, ``count-selected(a)``, ``if(c, a, b)``,
``coalesce(a, b)`` (``a`` unless its string value is empty, then ``b``), ``string-length(a)``,
``not(a)``, ``number(a)``, ``string(a)``, ``boolean(a)``, ``true()`` and ``false()``. Anything
else — paths, predicates, other functions — is an ``ExpressionError`` that
names the position. Nothing here uses Python's eval, exec or compile: a tokenizer and a
recursive-descent parser build a small tree, and evaluation walks it.

Semantics are XPath 1.0 as ODK applies it (``_values`` has the details): an unanswered question
is ``''``; ``${x} != ''`` asks whether x is answered; every numeric comparison with ``''`` is
false; ``selected()`` and ``count-selected()`` read a select_multiple answer as its codes
separated by spaces (a list of codes is stored that way). In a boolean context a reference is
true when the question is answered. ``div`` and ``mod`` follow IEEE arithmetic (``1 div 0`` is
Infinity, ``mod`` keeps the dividend's sign).

``Expression.evaluate`` takes one respondent's answers (``and``/``or`` short-circuit);
``Expression.evaluate_columns`` takes numpy columns of many respondents and computes every row at
once. The two agree row by row (tests hold them to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from innomon.instrument._values import (
    BOOL,
    NUM,
    STR,
    Factors,
    Scalar,
    Vec,
    column_vec,
    equal,
    factorize,
    map_distinct,
    string_value,
    to_boolean,
    to_number,
    to_string,
    vec_choose,
    vec_equal,
)

__all__ = ["Columns", "Expression", "ExpressionError", "parse"]

FUNCTIONS: dict[str, tuple[int, int]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "string-length": (1, 1),
    "not": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "boolean": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
}
OPERATOR_NAMES = ("and", "or", "div", "mod")


class ExpressionError(ValueError):
    """An expression that cannot be parsed; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


# ------------------------------------------------------------------------------ tokenizer


class _Token(NamedTuple):
    kind: str  # num, str, ref, dot, name, op, end
    value: str
    pos: int


_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_UNSUPPORTED = {
    "/": "paths are not supported; refer to a question as ${name}",
    "[": "predicates ([...]) are not supported",
    "]": "predicates ([...]) are not supported",
    "@": "attributes (@...) are not supported",
    "|": "unions (|) are not supported",
    "$": "variables ($x) are not supported; refer to a question as ${name}",
}


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos, n = 0, len(text)
    while pos < n:
        c = text[pos]
        if c in " \t\r\n":
            pos += 1
        elif text.startswith("${", pos):
            m = _REF.match(text, pos)
            if not m:
                raise ExpressionError("a reference must look like ${name}", pos)
            out.append(_Token("ref", m.group(1), pos))
            pos = m.end()
        elif c.isdigit() or (c == "." and text[pos + 1 : pos + 2].isdigit()):
            m = _NUMBER.match(text, pos)
            out.append(_Token("num", m.group(0), pos))
            pos = m.end()
        elif text.startswith("..", pos):
            raise ExpressionError("'..' (the parent) is not supported; use ${name}", pos)
        elif c == ".":
            out.append(_Token("dot", ".", pos))
            pos += 1
        elif c in "'\"":
            end = text.find(c, pos + 1)
            if end < 0:
                raise ExpressionError(f"the text starting here has no closing {c}", pos)
            out.append(_Token("str", text[pos + 1 : end], pos))
            pos = end + 1
        elif text.startswith(("!=", "<=", ">="), pos):
            out.append(_Token("op", text[pos : pos + 2], pos))
            pos += 2
        elif c in "=<>+-*(),":
            out.append(_Token("op", c, pos))
            pos += 1
        elif c.isalpha() or c == "_":
            m = _NAME.match(text, pos)
            if text.startswith(":", m.end()):
                raise ExpressionError(f"'{text[pos : m.end() + 1]}…' is not supported", pos)
            out.append(_Token("name", m.group(0), pos))
            pos = m.end()
        elif c in _UNSUPPORTED:
            raise ExpressionError(_UNSUPPORTED[c], pos)
        else:
            raise ExpressionError(f"unexpected character {c!r}", pos)
    out.append(_Token("end", "", n))
    return out


# ------------------------------------------------------------------------------- the tree


class _Env:
    """One respondent: answers by name and the current question's answer."""

    __slots__ = ("_strings", "current", "values")

    def __init__(self, values: Mapping[str, Any], current: Any) -> None:
        self.values = values
        self.current = string_value(current)
        self._strings: dict[str, str] = {}

    def ref(self, name: str) -> str:
        s = self._strings.get(name)
        if s is None:
            s = self._strings[name] = string_value(self.values.get(name))
        return s


class Columns:
    """Answer columns of many respondents, each turned into expression values once (cached).

    ``columns`` maps question names to equally long arrays of stored answers (numbers, strings,
    lists of codes; '' / None / NaN for unanswered). A question without a column is unanswered
    in every row. ``n`` is the number of rows when no column tells it. ``factors`` may give
    columns' distinct answers (``_values.factorize``) when the caller knows them already.
    """

    def __init__(
        self,
        columns: Mapping[str, np.ndarray],
        n: int | None = None,
        factors: Mapping[str, Factors] | None = None,
    ) -> None:
        lengths = {name: len(col) for name, col in columns.items()}
        if n is None:
            if not lengths:
                raise ValueError("no columns: cannot tell the number of rows")
            n = next(iter(lengths.values()))
        for name, length in lengths.items():
            if length != n:
                raise ValueError(f"column {name!r} has {length} rows, expected {n}")
        self.n = n
        self._raw = columns
        self._cache: dict[str, Vec] = {}
        self._factors: dict[str, Factors | None] = {}
        for name, given in (factors or {}).items():
            if name in columns:
                if len(given.codes) != n:
                    raise ValueError(
                        f"the factors of {name!r} have {len(given.codes)} rows, not {n}"
                    )
                self._factors[name] = given

    def __len__(self) -> int:
        return self.n

    def factors(self, name: str) -> Factors | None:
        """The distinct answers of column ``name`` (see ``_values.factorize``), computed once;
        None when it has no column or answers that ``factorize`` does not take."""
        if name not in self._factors:
            raw = self._raw.get(name)
            self._factors[name] = None if raw is None else factorize(np.asarray(raw).tolist())
        return self._factors[name]

    def value(self, name: str) -> Vec:
        vec = self._cache.get(name)
        if vec is None:
            raw = self._raw.get(name)
            if raw is None:
                vec = Vec.constant("", self.n)
            elif np.asarray(raw).dtype.kind == "O":
                vec = column_vec(raw, self.factors(name))
            else:
                vec = column_vec(raw)
            self._cache[name] = vec
        return vec

    def blank(self, name: str, mask: np.ndarray) -> None:
        """From now on, treat ``name`` as unanswered in the rows of ``mask``."""
        if mask.any():
            self._cache[name] = self.value(name).blanked(mask)


class _VecEnv:
    __slots__ = ("columns", "current", "n")

    def __init__(self, columns: Columns, current: Vec) -> None:
        self.columns = columns
        self.current = current
        self.n = columns.n


class _Node:
    __slots__ = ()

    def children(self) -> tuple[_Node, ...]:
        return ()

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children():
            yield from child.walk()

    def scalar(self, env: _Env) -> Scalar:
        raise NotImplementedError

    def vector(self, env: _VecEnv) -> Vec:
        raise NotImplementedError


class _Literal(_Node):
    __slots__ = ("value",)

    def __init__(self, value: float | str) -> None:
        self.value = value

    def scalar(self, env: _Env) -> Scalar:
        return self.value

    def vector(self, env: _VecEnv) -> Vec:
        return Vec.constant(self.value, env.n)


class _Ref(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def scalar(self, env: _Env) -> Scalar:
        return env.ref(self.name)

    def vector(self, env: _VecEnv) -> Vec:
        return env.columns.value(self.name)


class _Current(_Node):
    __slots__ = ()

    def scalar(self, env: _Env) -> Scalar:
        return env.current

    def vector(self, env: _VecEnv) -> Vec:
        return env.current


class _Negate(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node) -> None:
        self.operand = operand

    def children(self) -> tuple[_Node, ...]:
        return (self.operand,)

    def scalar(self, env: _Env) -> Scalar:
        return -to_number(self.operand.scalar(env))

    def vector(self, env: _VecEnv) -> Vec:
        return Vec(NUM, num=-self.operand.vector(env).as_number())


_RELATIONAL = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}
_ARITHMETIC = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "div": np.divide,
    "mod": np.fmod,
}


class _Binary(_Node):
    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: _Node, right: _Node) -> None:
        self.op, self.left, self.right = op, left, right

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)

    def scalar(self, env: _Env) -> Scalar:
        op = self.op
        if op == "or":
            return to_boolean(self.left.scalar(env)) or to_boolean(self.right.scalar(env))
        if op == "and":
            return to_boolean(self.left.scalar(env)) and to_boolean(self.right.scalar(env))
        a, b = self.left.scalar(env), self.right.scalar(env)
        if op == "=":
            return equal(a, b)
        if op == "!=":
            return not equal(a, b)
        x, y = to_number(a), to_number(b)
        with np.errstate(all="ignore"):
            if op in _RELATIONAL:
                return bool(_RELATIONAL[op](x, y))
            return float(_ARITHMETIC[op](np.float64(x), np.float64(y)))

    def vector(self, env: _VecEnv) -> Vec:
        op = self.op
        a, b = self.left.vector(env), self.right.vector(env)
        if op == "or":
            return Vec(BOOL, flag=a.as_boolean() | b.as_boolean())
        if op == "and":
            return Vec(BOOL, flag=a.as_boolean() & b.as_boolean())
        if op == "=":
            return Vec(BOOL, flag=vec_equal(a, b))
        if op == "!=":
            return Vec(BOOL, flag=~vec_equal(a, b))
        with np.errstate(all="ignore"):
            if op in _RELATIONAL:
                return Vec(BOOL, flag=_RELATIONAL[op](a.as_number(), b.as_number()))
            return Vec(NUM, num=_ARITHMETIC[op](a.as_number(), b.as_number()))


def _split_count(s: str) -> float:
    return float(len(s.split()))


def _selected_pair(pair: tuple[str, str]) -> bool:
    return pair[1] in pair[0].split()


class _Call(_Node):
    __slots__ = ("args", "name")

    def __init__(self, name: str, args: tuple[_Node, ...]) -> None:
        self.name, self.args = name, args

    def children(self) -> tuple[_Node, ...]:
        return self.args

    def scalar(self, env: _Env) -> Scalar:
        name, args = self.name, self.args
        if name == "if":
            chosen = args[1] if to_boolean(args[0].scalar(env)) else args[2]
            return chosen.scalar(env)
        if name == "coalesce":
            first = args[0].scalar(env)
            return first if to_string(first) != "" else args[1].scalar(env)
        if name == "true":
            return True
        if name == "false":
            return False
        a = args[0].scalar(env)
        if name == "selected":
            return to_string(args[1].scalar(env)) in to_string(a).split()
        if name == "count-selected":
            return _split_count(to_string(a))
        if name == "string-length":
            return float(len(to_string(a)))
        if name == "not":
            return not to_boolean(a)
        if name == "number":
            return to_number(a)
        if name == "string":
            return to_string(a)
        return to_boolean(a)  # boolean()

    def vector(self, env: _VecEnv) -> Vec:
        name, args, n = self.name, self.args, env.n
        if name == "if":
            cond = args[0].vector(env).as_boolean()
            return vec_choose(cond, args[1].vector(env), args[2].vector(env))
        if name == "coalesce":
            first = args[0].vector(env)
            given = first.as_string() != ""
            return vec_choose(np.asarray(given, dtype=bool), first, args[1].vector(env))
        if name in ("true", "false"):
            return Vec(BOOL, flag=np.full(n, name == "true"))
        a = args[0].vector(env)
        if name == "selected":
            if isinstance(args[1], _Literal):
                needle = to_string(args[1].value)
                return Vec(BOOL, flag=a.map_text(lambda x: needle in x.split(), bool))
            haystack = a.as_string().tolist()
            needles = args[1].vector(env).as_string().tolist()
            pairs = list(zip(haystack, needles, strict=True))
            return Vec(BOOL, flag=map_distinct(_selected_pair, pairs, bool))
        if name == "count-selected":
            return Vec(NUM, num=a.map_text(_split_count, float))
        if name == "string-length":
            lengths = map(len, a.as_string().tolist())
            return Vec(NUM, num=np.fromiter(lengths, dtype=float, count=n))
        if name == "not":
            return Vec(BOOL, flag=~a.as_boolean())
        if name == "number":
            return Vec(NUM, num=a.as_number())
        if name == "string":
            return Vec(STR, text=a.as_string())
        return Vec(BOOL, flag=a.as_boolean())


# ----------------------------------------------------------------------------- the parser


class _Parser:
    """Recursive descent, XPath 1.0 precedence: or < and < equality < relational < additive <
    multiplicative < unary minus."""

    _LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"))

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def _is_operator(self, ops: tuple[str, ...]) -> bool:
        t = self.token
        return t.kind in ("op", "name") and t.value in ops

    def parse(self) -> _Node:
        if self.token.kind == "end":
            raise ExpressionError("the expression is empty", 0)
        node = self._binary(0)
        if self.token.kind != "end":
            raise ExpressionError(self._unexpected(), self.token.pos)
        return node

    def _unexpected(self) -> str:
        t = self.token
        if t.kind == "end":
            return "the expression ends too early"
        shown = {"ref": f"${{{t.value}}}", "str": repr(t.value)}.get(t.kind, t.value)
        return f"unexpected {shown}"

    def _binary(self, level: int) -> _Node:
        if level == len(self._LEVELS):
            return self._multiplicative()
        ops = self._LEVELS[level]
        node = self._binary(level + 1)
        while self._is_operator(ops):
            op = self.token.value
            self.i += 1
            node = _Binary(op, node, self._binary(level + 1))
        return node

    def _multiplicative(self) -> _Node:
        node = self._unary()
        while self._is_operator(("*", "div", "mod")):
            op = self.token.value
            self.i += 1
            node = _Binary(op, node, self._unary())
        return node

    def _unary(self) -> _Node:
        if self.token.kind == "op" and self.token.value == "-":
            self.i += 1
            return _Negate(self._unary())
        return self._primary()

    def _primary(self) -> _Node:
        t = self.token
        self.i += 1
        if t.kind == "num":
            return _Literal(float(t.value))
        if t.kind == "str":
            return _Literal(t.value)
        if t.kind == "ref":
            return _Ref(t.value)
        if t.kind == "dot":
            return _Current()
        if t.kind == "op" and t.value == "(":
            node = self._binary(0)
            self._expect(")", "a closing ')'")
            return node
        if t.kind == "name":
            return self._call(t)
        self.i -= 1
        raise ExpressionError(self._unexpected(), t.pos)

    def _call(self, t: _Token) -> _Node:
        if not (self.token.kind == "op" and self.token.value == "("):
            raise ExpressionError(
                f"'{t.value}' is not supported here; refer to a question as ${{{t.value}}}", t.pos
            )
        if t.value not in FUNCTIONS:
            names = ", ".join(f"{f}()" for f in FUNCTIONS)
            raise ExpressionError(
                f"the function {t.value}() is not supported; supported are {names}", t.pos
            )
        self.i += 1
        args: list[_Node] = []
        if not (self.token.kind == "op" and self.token.value == ")"):
            args.append(self._binary(0))
            while self.token.kind == "op" and self.token.value == ",":
                self.i += 1
                args.append(self._binary(0))
        self._expect(")", "',' or ')'")
        low, high = FUNCTIONS[t.value]
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise ExpressionError(f"{t.value}() takes {want} argument(s), not {len(args)}", t.pos)
        return _Call(t.value, tuple(args))

    def _expect(self, value: str, what: str) -> None:
        t = self.token
        if not (t.kind == "op" and t.value == value):
            found = "the end" if t.kind == "end" else self._unexpected().removeprefix("unexpected ")
            raise ExpressionError(f"expected {what}, found {found}", t.pos)
        self.i += 1


# ----------------------------------------------------------------------------- public API


class Expression:
    """A parsed expression: its text, the questions it refers to, and two ways to evaluate it.

    ``references`` are the questions it refers to; ``numeric_references`` those of them it uses
    as numbers (operands of arithmetic, of ``<`` ``<=`` ``>`` ``>=``, of unary minus or
    ``number()``, or compared with a number literal, as in ``${Q4} = 1``); ``uses_current``
    whether it reads ``.``.
    """

    __slots__ = ("_root", "numeric_references", "references", "text", "uses_current")

    def __init__(self, text: str, root: _Node) -> None:
        self.text = text
        self._root = root
        nodes = list(root.walk())
        self.references: frozenset[str] = frozenset(
            node.name for node in nodes if isinstance(node, _Ref)
        )
        self.uses_current: bool = any(isinstance(node, _Current) for node in nodes)
        # The references used as numbers: an operand of arithmetic, of < <= > >=, of unary
        # minus or number(), or compared (= !=) with a number literal (${Q4} = 1).
        self.numeric_references: frozenset[str] = frozenset(
            name for node in nodes for name in _numeric_names(node)
        )

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def evaluate(self, values: Mapping[str, Any], current: Any = None) -> Scalar:
        """The value for one respondent: a float, a str or a bool.

        ``values`` maps question names to answers (a missing name is unanswered); ``current`` is
        the answer of the question the expression belongs to (``.``).
        """
        return self._root.scalar(_Env(values, current))

    def test(self, values: Mapping[str, Any], current: Any = None) -> bool:
        """``evaluate`` as a boolean (XPath's boolean())."""
        return to_boolean(self.evaluate(values, current))

    def evaluate_columns(
        self, columns: Mapping[str, np.ndarray] | Columns, current: np.ndarray | None = None
    ) -> np.ndarray:
        """The values for many respondents at once, one per row: a float array, an object array
        of str, a bool array, or (when ``if()`` mixes kinds) an object array of Python values."""
        return self._vector(columns, current).values()

    def test_columns(
        self, columns: Mapping[str, np.ndarray] | Columns, current: np.ndarray | None = None
    ) -> np.ndarray:
        """``evaluate_columns`` as booleans: a bool array."""
        return self._vector(columns, current).as_boolean()

    def _vector(self, columns: Mapping[str, np.ndarray] | Columns, current: Any) -> Vec:
        if not isinstance(columns, Columns):
            columns = Columns(columns, None if current is None else len(current))
        if current is None:
            vec = Vec.constant("", columns.n)
        elif isinstance(current, Vec):
            vec = current
        else:
            vec = column_vec(current)
        if len(vec) != columns.n:
            raise ValueError(f"current has {len(vec)} rows, expected {columns.n}")
        return self._root.vector(_VecEnv(columns, vec))


def _numeric_names(node: _Node) -> Iterator[str]:
    """The references that ``node`` itself (not its descendants) uses as numbers."""
    if isinstance(node, _Binary):
        sides = (node.left, node.right)
        if node.op in _ARITHMETIC or node.op in _RELATIONAL:
            yield from (side.name for side in sides if isinstance(side, _Ref))
        elif node.op in ("=", "!="):
            for a, b in (sides, sides[::-1]):
                if isinstance(a, _Ref) and isinstance(b, _Literal) and isinstance(b.value, float):
                    yield a.name
    elif isinstance(node, _Negate) and isinstance(node.operand, _Ref):
        yield node.operand.name
    elif isinstance(node, _Call) and node.name == "number":
        yield from (arg.name for arg in node.args if isinstance(arg, _Ref))


def parse(text: str) -> Expression:
    """Parse an XLSForm expression; an ``ExpressionError`` names what is wrong and where."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected text, got {type(text).__name__}", 0)
    return Expression(text, _Parser(text).parse())
