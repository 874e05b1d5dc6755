"""XPath 1.0 values for the expression evaluator: one respondent (Python values) or many (numpy).

An expression value is a number (float), a string (str) or a boolean (bool) — XPath's three
types. A reference to a question (``${name}``, or ``.`` for the question itself) is the answer's
*string value*: an unanswered question is ``''``, a number is written as XPath writes it (``12``,
``12.5``), a select_multiple answer is its codes separated by spaces. Conversions follow XPath:
``number('')`` is NaN (so every numeric comparison with an unanswered question is false),
``boolean('')`` is false and any other string is true.

For many respondents at once a value is a ``Vec``: one array per respondent row, of one kind, or
— only where ``if()`` picks branches of different kinds — of mixed kinds row by row. Both paths
use the same conversion functions, so they give the same results.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

NUM, STR, BOOL, MIXED = 0, 1, 2, 3

_NUMBER = re.compile(r"[ \t\r\n]*-?(?:\d+(?:\.\d*)?|\.\d+)[ \t\r\n]*\Z")

Scalar = float | str | bool


# ------------------------------------------------------------------------ answers → strings


def string_value(answer: Any) -> str:
    """The string value of a stored answer, as an XForm holds it ('' when unanswered).

    None, '', NaN, pandas' NA/NaT and an empty selection are unanswered; a bool is 1 or 0; a
    number is written as XPath writes it; a list of codes is joined by spaces.
    """
    kind = type(answer)
    if kind is str:
        return answer
    if kind is int:
        return str(answer)
    if kind is float:
        return "" if answer != answer else format_number(answer)
    if answer is None:
        return ""
    if kind is list or kind is tuple:
        return " ".join([s for s in map(string_value, answer) if s])
    return _other_string_value(answer)


def _other_string_value(answer: Any) -> str:
    if isinstance(answer, str):
        return str.__str__(answer)
    if isinstance(answer, bool | np.bool_):
        return "1" if answer else "0"
    if isinstance(answer, numbers.Integral):
        return str(int(answer))
    if isinstance(answer, numbers.Real):
        x = float(answer)
        return "" if math.isnan(x) else format_number(x)
    if isinstance(answer, set | frozenset):
        answer = sorted(answer, key=string_value)
    if isinstance(answer, list | tuple | np.ndarray | set | frozenset):
        return " ".join([s for s in map(string_value, answer) if s])
    if type(answer).__name__ in ("NAType", "NaTType"):
        return ""
    return str(answer)


def is_missing(answer: Any) -> bool:
    """True for an unanswered question: its string value is ''."""
    return string_value(answer) == ""


def string_values(answers: list[Any]) -> list[str]:
    """``string_value`` of every answer; numbers are converted once per distinct value."""
    memo: dict[Any, str] = {}
    out: list[str] = []
    append = out.append
    for answer in answers:
        kind = type(answer)
        if kind is str:
            append(answer)
        elif kind is float and answer != answer:
            append("")
        elif kind is float or kind is int:
            text = memo.get(answer)
            if text is None:
                text = memo[answer] = string_value(answer)
            append(text)
        else:
            append(string_value(answer))
    return out


# ------------------------------------------------------------------- scalar conversions


def format_number(x: float) -> str:
    """XPath's string() of a number: integers without a decimal point, no exponent."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer():
        return str(int(x))
    return np.format_float_positional(x, trim="-")


def parse_number(text: str) -> float:
    """XPath's number() of a string: an optional minus, digits and a decimal point, else NaN."""
    return float(text) if _NUMBER.match(text) else math.nan


def to_number(value: Scalar) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    return parse_number(value)


def to_string(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return value


def to_boolean(value: Scalar) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return value != ""


def equal(a: Scalar, b: Scalar) -> bool:
    """XPath ``=``: as booleans if either is one, else as numbers if either is one, else text."""
    if isinstance(a, bool) or isinstance(b, bool):
        return to_boolean(a) == to_boolean(b)
    if isinstance(a, float) or isinstance(b, float):
        return to_number(a) == to_number(b)
    return a == b


def kind_of(value: Scalar) -> int:
    if isinstance(value, bool):
        return BOOL
    return NUM if isinstance(value, float) else STR


# -------------------------------------------------------------------- vectorised values


def _objects(items: Iterable[Any], n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = list(items)
    return out


class Vec:
    """An expression value for every respondent row: one array per kind (see module docs)."""

    __slots__ = ("flag", "kind", "kinds", "levels", "num", "text")

    def __init__(
        self,
        kind: int,
        *,
        num: np.ndarray | None = None,
        text: np.ndarray | None = None,
        flag: np.ndarray | None = None,
        kinds: np.ndarray | None = None,
        levels: tuple[np.ndarray, list[str]] | None = None,
    ) -> None:
        self.kind = kind
        self.num = num
        self.text = text
        self.flag = flag
        self.kinds = kinds
        self.levels = levels  # a string value as (codes, strings): text is strings[codes]

    def __len__(self) -> int:
        for arr in (self.num, self.text, self.flag, self.kinds):
            if arr is not None:
                return len(arr)
        return 0

    @classmethod
    def constant(cls, value: Scalar, n: int) -> Vec:
        if isinstance(value, bool):
            return cls(BOOL, flag=np.full(n, value))
        if isinstance(value, float):
            return cls(NUM, num=np.full(n, value))
        return cls(STR, text=_objects([value] * n, n))

    def kinds_array(self) -> np.ndarray:
        if self.kind == MIXED:
            return self.kinds
        return np.full(len(self), self.kind, dtype=np.int8)

    def as_number(self) -> np.ndarray:
        if self.kind == NUM:
            return self.num
        if self.kind == BOOL:
            return self.flag.astype(float)
        if self.kind == STR:
            if self.num is None:
                self.num = text_numbers(self.text)
            return self.num
        out = text_numbers(self.text)
        out = np.where(self.kinds == NUM, self.num, out)
        return np.where(self.kinds == BOOL, self.flag.astype(float), out)

    def as_string(self) -> np.ndarray:
        if self.kind == STR:
            return self.text
        if self.kind == NUM:
            return _objects(map(format_number, self.num.tolist()), len(self.num))
        if self.kind == BOOL:
            return np.where(self.flag, "true", "false").astype(object)
        nums = _objects(map(format_number, self.num.tolist()), len(self.num))
        flags = np.where(self.flag, "true", "false").astype(object)
        out = np.where(self.kinds == NUM, nums, self.text)
        return np.where(self.kinds == BOOL, flags, out)

    def as_boolean(self) -> np.ndarray:
        if self.kind == BOOL:
            return self.flag
        if self.kind == NUM:
            return ~np.isnan(self.num) & (self.num != 0)
        if self.kind == STR:
            return self.text != ""
        nums = ~np.isnan(self.num) & (self.num != 0)
        out = np.where(self.kinds == NUM, nums, self.text != "")
        return np.where(self.kinds == BOOL, self.flag, out)

    def components(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(kinds, num, text, flag), each full length; rows of another kind hold fillers."""
        n = len(self)
        if self.kind == MIXED:
            return self.kinds, self.num, self.text, self.flag
        num = self.num if self.kind == NUM else np.full(n, math.nan)
        text = self.text if self.kind == STR else _objects([""] * n, n)
        flag = self.flag if self.kind == BOOL else np.zeros(n, dtype=bool)
        return self.kinds_array(), num, text, flag

    def values(self) -> np.ndarray:
        """The result array: float, object (str) or bool; per-row Python values when mixed."""
        if self.kind == NUM:
            return self.num
        if self.kind == STR:
            return self.text
        if self.kind == BOOL:
            return self.flag
        out = np.empty(len(self), dtype=object)
        for i, k in enumerate(self.kinds.tolist()):
            out[i] = (
                float(self.num[i])
                if k == NUM
                else (self.text[i] if k == STR else bool(self.flag[i]))
            )
        return out

    def blanked(self, mask: np.ndarray) -> Vec:
        """A string value with the rows in ``mask`` unanswered ('')."""
        text = self.as_string().copy()
        text[mask] = ""
        num = self.as_number().copy()
        num[mask] = math.nan
        levels = None
        if self.kind == STR and self.levels is not None:
            codes, strings = self.levels
            codes = codes.copy()
            codes[mask] = len(strings)
            levels = (codes, [*strings, ""])
        return Vec(STR, text=text, num=num, levels=levels)

    def map_text(self, function: Callable[[str], Any], dtype: Any) -> np.ndarray:
        """``function`` of the string value of every row, called once per distinct string."""
        if self.kind == STR and self.levels is not None:
            codes, strings = self.levels
            return np.fromiter(map(function, strings), dtype=dtype, count=len(strings))[codes]
        return map_distinct(function, self.as_string().tolist(), dtype)


def text_numbers(text: np.ndarray) -> np.ndarray:
    """number() of every string of ``text`` (converted once per distinct string)."""
    return map_distinct(parse_number, text.tolist(), float)


def map_distinct(function: Callable[[Any], Any], items: list[Any], dtype: Any) -> np.ndarray:
    """``function`` of every item (hashable, equal items equivalent), as an array of ``dtype``:
    called once per distinct item."""
    index = dict.fromkeys(items)
    for item in index:
        index[item] = function(item)
    return np.fromiter(map(index.__getitem__, items), dtype=dtype, count=len(items))


def vec_equal(a: Vec, b: Vec) -> np.ndarray:
    """XPath ``=`` row by row (see ``equal``)."""
    if MIXED not in (a.kind, b.kind):
        kinds = {a.kind, b.kind}
        if BOOL in kinds:
            return a.as_boolean() == b.as_boolean()
        if NUM in kinds:
            with np.errstate(invalid="ignore"):
                return a.as_number() == b.as_number()
        return np.asarray(a.text == b.text, dtype=bool)
    ka, kb = a.kinds_array(), b.kinds_array()
    as_bool = (ka == BOOL) | (kb == BOOL)
    as_num = ~as_bool & ((ka == NUM) | (kb == NUM))
    with np.errstate(invalid="ignore"):
        by_num = a.as_number() == b.as_number()
    by_text = np.asarray(a.as_string() == b.as_string(), dtype=bool)
    out = np.where(as_num, by_num, by_text)
    return np.where(as_bool, a.as_boolean() == b.as_boolean(), out)


def vec_choose(cond: np.ndarray, a: Vec, b: Vec) -> Vec:
    """``if(cond, a, b)`` row by row; of one kind where both branches are, else mixed."""
    if a.kind == b.kind != MIXED:
        if a.kind == NUM:
            return Vec(NUM, num=np.where(cond, a.num, b.num))
        if a.kind == BOOL:
            return Vec(BOOL, flag=np.where(cond, a.flag, b.flag))
        num = None
        if a.num is not None and b.num is not None:
            num = np.where(cond, a.num, b.num)
        return Vec(STR, text=np.where(cond, a.text, b.text), num=num)
    ka, na, ta, fa = a.components()
    kb, nb, tb, fb = b.components()
    kinds = np.where(cond, ka, kb).astype(np.int8)
    num, text, flag = np.where(cond, na, nb), np.where(cond, ta, tb), np.where(cond, fa, fb)
    if len(kinds) and (kinds == kinds[0]).all():
        kind = int(kinds[0])
        return Vec(
            kind,
            num=num if kind == NUM else None,
            text=text if kind == STR else None,
            flag=flag if kind == BOOL else None,
        )
    return Vec(MIXED, kinds=kinds, num=num, text=text, flag=flag)


def column_vec(answers: np.ndarray, factors: Factors | None = None) -> Vec:
    """The string values of a column of stored answers (see ``string_value``).

    ``factors`` is ``factorize`` of the column when the caller has it already.
    """
    arr = np.asarray(answers)
    n = len(arr)
    if arr.dtype.kind == "b":
        return Vec(STR, text=np.where(arr, "1", "0").astype(object), num=arr.astype(float))
    if arr.dtype.kind in "iu":
        return Vec(STR, text=arr.astype(str).astype(object), num=arr.astype(float))
    if arr.dtype.kind == "f":
        values = arr.astype(float)
        uniques, codes = np.unique(values, return_inverse=True)
        found = Factors(uniques.tolist(), codes.reshape(n))
        strings = found.strings()
        return Vec(STR, text=found.take(strings), num=values, levels=(found.codes, strings))
    found = factors
    if found is None:
        items = arr.tolist()
        found = factorize(items)
        if found is None:
            return Vec(STR, text=_objects(string_values(items), n))
    strings = found.strings()
    numbers_ = np.array([parse_number(s) for s in strings], dtype=float)
    text, codes = found.take(strings), found.codes
    return Vec(STR, text=text, num=numbers_[codes], levels=(codes, strings))


# ------------------------------------------------------------------ distinct answers


_EXACT = frozenset({str, int, float, type(None)})
_ITEM_TYPES = frozenset({str, int, float})
_SEQUENCES = frozenset({list, tuple, type(None)})
_CONTAINERS = (list, tuple, set, frozenset, dict, np.ndarray)


class Factors(NamedTuple):
    """A column of stored answers as its distinct answers (``uniques``) and, per row, the index
    of its answer among them (``codes``). Rows with the same code hold equivalent answers: the
    same string value, the same verdict of every check (``_values.factorize`` says when)."""

    uniques: list[Any]
    codes: np.ndarray

    def strings(self) -> list[str]:
        """``string_value`` of every distinct answer."""
        return [string_value(u) for u in self.uniques]

    def take(self, per_unique: list[Any]) -> np.ndarray:
        """An object array with, per row, the item of ``per_unique`` for its answer."""
        return _objects(per_unique, len(per_unique))[self.codes]


def factorize(answers: list[Any]) -> Factors | None:
    """The distinct answers of a column (a list of stored answers), or None.

    Two answers count as the same when they are one object, or equal and of the same type (a
    list or tuple: with items of the same types, none of them a container) — so True and 1, 1
    and 1.0, [1] and [True] stay apart. A column of many distinct objects (more than an eighth of
    its rows) is instead factorised by value, which is only done when every answer is a str, an
    int, a float, None, or a list or tuple of str, int and float: there equal answers are
    equivalent even across types (1 and 1.0 are both ``1``; None and [] both unanswered). For
    other such columns the answer is None (check them cell by cell).
    """
    types = set(map(type, answers))
    if types <= _EXACT:
        return _by_value(answers)
    n = len(answers)
    ids = list(map(id, answers))
    by_id = dict(zip(ids, answers, strict=True))
    if len(by_id) <= max(n // 8, 64):
        return _by_object(ids, by_id)
    return _by_value(answers, types)


def _by_object(ids: list[int], by_id: dict[int, Any]) -> Factors:
    """Distinct objects, merged where ``_exact_key`` says they are the same answer."""
    uniques: list[Any] = []
    groups: dict[Any, int] = {}
    index: dict[int, int] = {}
    for ident, answer in by_id.items():
        key = _exact_key(answer)
        group = len(uniques) if key is None else groups.setdefault(key, len(uniques))
        if group == len(uniques):
            uniques.append(answer)
        index[ident] = group
    codes = np.fromiter(map(index.__getitem__, ids), dtype=np.intp, count=len(ids))
    return Factors(uniques, codes)


def _exact_key(answer: Any) -> Any:
    """A key equal for answers of one type that are equal (sequences: items of one type each,
    none a container); None when there is none."""
    kind = type(answer)
    if kind is list or kind is tuple:
        if any(isinstance(item, _CONTAINERS) for item in answer):
            return None
        key: Any = (kind, tuple(answer), tuple(map(type, answer)))
    elif isinstance(answer, _CONTAINERS):
        return None
    else:
        key = (kind, answer)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _by_value(answers: list[Any], types: set[type] | None = None) -> Factors | None:
    """Distinct answers by value, for the types where equal answers are equivalent."""
    if types is None or types <= _EXACT:
        keys = answers
    elif types <= _SEQUENCES:
        if type(None) in types:  # None as (): both are unanswered, with string value ''
            arr = _objects(answers, len(answers))
            empty = np.empty(len(answers), dtype=object)
            empty.fill(())
            answers = np.where(arr == None, empty, arr).tolist()  # noqa: E711
        keys = list(map(tuple, answers))
        if not set(map(type, chain.from_iterable(keys))) <= _ITEM_TYPES:
            return None
    elif types <= _EXACT | _SEQUENCES:
        lists = [a for a in answers if type(a) is list or type(a) is tuple]
        if not set(map(type, chain.from_iterable(lists))) <= _ITEM_TYPES:
            return None
        keys = [tuple(a) if type(a) is list else a for a in answers]
    else:
        return None
    index: dict[Any, int] = dict.fromkeys(keys)  # type: ignore[arg-type]
    for i, key in enumerate(index):
        index[key] = i
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
    return Factors(list(index), codes)


# ------------------------------------------------------------- numbers as people type them


@dataclass(frozen=True)
class Ambiguous:
    """A typed number with one separator that the convention cannot place: ``1.5`` in Dutch
    (a dot only groups thousands: one and a half or fifteen?), ``1,5`` in English. ``decimal``
    and ``whole`` are the two ways to type what may be meant (``1,5`` and ``15``)."""

    text: str
    decimal: str
    whole: str


_SPACES = str.maketrans("", "", " \u00a0\u202f")


def _number_patterns(decimal: str, group: str) -> tuple[re.Pattern, re.Pattern]:
    d, g = re.escape(decimal), re.escape(group)
    number = re.compile(
        rf"([+-]?)(?:([0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}([0-9]*))?|{d}([0-9]+))"
    )
    one_group = re.compile(rf"([+-]?)([0-9]*){g}([0-9]+)")
    return number, one_group


_CONVENTIONS = {True: _number_patterns(",", "."), False: _number_patterns(".", ",")}


def read_number(text: str, decimal_comma: bool) -> int | float | Ambiguous | None:
    """A number as a person types it, in one convention: with ``decimal_comma`` (Dutch) a comma
    is the decimal separator and a dot separates groups of exactly three digits (``1.500``,
    ``12.500.000``, ``1.500,25``); otherwise (English) the reverse (``1,500``, ``1,500.25``).

    An int when there are no decimals, else a float; ``Ambiguous`` for a single group separator
    that is not followed by exactly three digits (``1.5``, ``1.50`` in Dutch); None when it is
    no (finite) number. Spaces between the digits are ignored.
    """
    number, one_group = _CONVENTIONS[bool(decimal_comma)]
    t = text.strip().translate(_SPACES)
    m = number.fullmatch(t)
    if m is None:
        m = one_group.fullmatch(t)
        if m is None:
            return None
        sign, lead, rest = m.groups()
        decimal = "," if decimal_comma else "."
        whole = (lead + rest).lstrip("0") or "0"
        return Ambiguous(text.strip(), f"{sign}{lead or '0'}{decimal}{rest}", sign + whole)
    sign, whole, fraction, only_fraction = m.groups()
    sign = "-" if sign == "-" else ""
    digits = (whole or "0").replace("." if decimal_comma else ",", "")
    fraction = only_fraction if only_fraction is not None else fraction
    try:
        if not fraction:
            return int(sign + digits)
        x = float(f"{sign}{digits}.{fraction}")
    except ValueError:  # more digits than Python converts
        return None
    return x if math.isfinite(x) else None


def finite_float(x: float) -> float | None:
    """``x`` as a float, None when it has none (an int of more than 308 digits)."""
    try:
        return float(x)
    except OverflowError:
        return None


def write_number(x: float, decimal_comma: bool) -> str:
    """A number as ``read_number`` reads it back in the same convention: the decimal separator
    of the language, and thousands grouped from five digits on (``12.500``, ``1500``, ``19,5``
    in Dutch; ``12,500``, ``19.5`` in English) — four digits stay whole, as years are written."""
    text = str(x) if isinstance(x, numbers.Integral) else format_number(float(x))
    if not (text.lstrip("-").replace(".", "", 1).isdigit()):
        return text  # NaN, Infinity
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    decimal, group = (",", ".") if decimal_comma else (".", ",")
    if len(whole) >= 5:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return sign + whole + (decimal + fraction if fraction else "")
