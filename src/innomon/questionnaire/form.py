"""The questionnaire as pages: one page per group of the instrument, the answers a respondent
types read into typed answers, which questions are asked, and the problems of a page.

Relevance, constraints and required answers are decided by the instrument's own evaluator and
``innomon.instrument.validate`` — the same rules the import applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from innomon.i18n import localized
from innomon.instrument import Instrument, Question, validate
from innomon.instrument._values import Ambiguous, finite_float, read_number, write_number

MAX_TEXT = 2000
# A number typed longer than this is not read as one (kept as typed; the page says it is too
# large): no answer of the questionnaire needs it, and a longer one can overflow a float
# (401 digits: infinity, which neither database stores) or Python's int (4,301 digits).
MAX_NUMBER = 30
_INT = re.compile(r"[+-]?\d{1,18}")  # an answer code; longer digits stay text (not a code)
NUMERIC = ("integer", "decimal")
_UNREAD = "\ufffd"  # what validate sees of a number that could not be read


@dataclass(frozen=True)
class Page:
    """One page: a group of the instrument with its labels and questions (notes included)."""

    name: str
    label_nl: str
    label_en: str
    questions: tuple[Question, ...]

    def label(self, lang: str) -> str:
        return localized(self, "label", lang)


def pages(instrument: Instrument) -> tuple[Page, ...]:
    """The instrument's pages in form order; questions outside any group get a page each."""
    labels = instrument.group_labels
    out: list[Page] = []
    for q in instrument.questions:
        key = q.group or f"_{q.name}"
        if out and out[-1].name == key:
            out[-1] = Page(key, out[-1].label_nl, out[-1].label_en, (*out[-1].questions, q))
            continue
        nl, en = labels.get(q.group or "", (q.label_nl, q.label_en))
        out.append(Page(key, nl, en, (q,)))
    return tuple(out)


def asked(instrument: Instrument, answers: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Which questions (and notes) are asked, given ``answers``, and the answers that count:
    in form order, an answer to a question that is not asked is dropped before later conditions
    are evaluated (as ODK does, and as ``validate`` reads a response)."""
    effective: dict[str, Any] = {}
    shown: set[str] = set()
    for q in instrument.questions:
        value = answers.get(q.name)
        if q.relevant is None or q.relevant.test(effective, value):
            shown.add(q.name)
            if q.holds_answer and not _missing(value):
                effective[q.name] = value
    return effective, shown


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == []


def visible_pages(instrument: Instrument, answers: Mapping[str, Any]) -> list[Page]:
    """The pages with at least one question asked."""
    _, shown = asked(instrument, answers)
    return [p for p in pages(instrument) if any(q.name in shown for q in p.questions)]


def decimal_comma(lang: str) -> bool:
    """Whether numbers are typed and shown with a decimal comma in ``lang`` (Dutch)."""
    return not lang.startswith("en")


def parse_answer(instrument: Instrument, q: Question, raw: Sequence[str], lang: str = "nl") -> Any:
    """What the respondent typed or chose (the form's values for ``q``) as the answer stored.

    Numbers are read in the respondent's language (``read_number``: ``1.500`` and ``19,5`` in
    Dutch, ``1,500`` and ``19.5`` in English) and become int/float; text that is not a number
    in that language (``1.5`` in Dutch is ambiguous) is kept as typed, so that nothing typed is
    lost — the page's check then names it. Select answers become their codes (int where the
    list's codes are integers).
    """
    if q.type == "select_multiple":
        codes = [r for r in raw if r]
        as_int = instrument.value_type(q) is int
        out: list[Any] = []
        for code in codes:
            value = int(code) if as_int and _INT.fullmatch(code) else code
            if value not in out:
                out.append(value)
        return out or None
    text = (raw[-1] if raw else "").strip()
    if not text:
        return None
    if q.type in NUMERIC and len(text) <= MAX_NUMBER:
        x = read_number(text, decimal_comma(lang))
        if isinstance(x, int):
            if q.type == "integer":
                return x
            return text if finite_float(x) is None else float(x)
        if isinstance(x, float):
            return float(x) if q.type == "decimal" else (int(x) if x.is_integer() else text)
        return text
    if q.type == "select_one" and instrument.value_type(q) is int and _INT.fullmatch(text):
        return int(text)
    return text


def shown_value(value: Any, lang: str = "nl") -> str:
    """An answer as an input field shows it: a number in the respondent's language
    (``write_number``: ``12.500`` and ``19,5`` in Dutch), which ``parse_answer`` reads back."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return write_number(value, decimal_comma(lang))
    return str(value)


def answer_text(instrument: Instrument, q: Question, value: Any, lang: str) -> str:
    """An answer as the review page shows it: the labels of the chosen options."""
    if _missing(value):
        return ""
    if q.is_select:
        labels = {c.name: localized(c, "label", lang) for c in instrument.choices(q)}
        codes = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(str(c), str(c)) for c in codes)
    return shown_value(value, lang)


@dataclass(frozen=True)
class FieldError:
    question: str
    message: str


def _message(instrument: Instrument, q: Question, rule: str, lang: str, value: Any = None) -> str:
    if rule == "type" and q.type in NUMERIC and isinstance(value, str) and len(value) > MAX_NUMBER:
        return _("This number is too large; please check it.")
    if rule == "type" and q.type in NUMERIC and isinstance(value, str):
        typed = read_number(value, decimal_comma(lang))
        if isinstance(typed, Ambiguous):
            return _("“%(text)s” can be read in two ways: type %(decimal)s or %(whole)s.") % {
                "text": typed.text,
                "decimal": typed.decimal,
                "whole": typed.whole,
            }
    if rule == "required":
        return _("Please answer this question.")
    if rule == "constraint":
        own = localized(q, "constraint_message", lang)
        return own or _("This answer is not possible here; please check it.")
    if rule == "type" and q.type == "integer":
        return _("Enter a whole number, such as 12.")
    if rule == "type" and q.type == "decimal":
        return _("Enter a number, such as 12.5.")
    if rule == "too_long":
        return _("Please keep this answer under %(n)s characters.") % {"n": MAX_TEXT}
    return _("Choose one of the options.")


def problems(
    instrument: Instrument,
    answers: Mapping[str, Any],
    names: Sequence[str] | None,
    lang: str,
) -> list[FieldError]:
    """The problems of the questions ``names`` (all when None) that are asked, as messages for
    the respondent — in form order, at most one per question. Required questions count: a page
    is checked as if the response were complete."""
    effective, shown = asked(instrument, answers)
    wanted = set(names) if names is not None else None
    out: dict[str, FieldError] = {}
    # a number stays text only when it could not be read as typed (``1.5`` in Dutch): the
    # XForm syntax would take it, the respondent's language does not
    unread = {
        n
        for n, v in effective.items()
        if isinstance(v, str) and instrument.question(n).type in NUMERIC
    }
    for name in unread & (wanted if wanted is not None else unread):
        q = instrument.question(name)
        out[name] = FieldError(name, _message(instrument, q, "type", lang, effective[name]))
    # hidden answers are left out, as they will be at submission; an unread number is invalid
    # (so the rules that depend on it are not checked)
    checked = {n: (_UNREAD if n in unread else v) for n, v in effective.items()}
    found = validate(instrument, checked, complete=True)
    for p in found:
        if p.variable not in shown or (wanted is not None and p.variable not in wanted):
            continue
        if p.variable in out:
            continue
        q = instrument.question(p.variable)
        out[p.variable] = FieldError(
            p.variable, _message(instrument, q, p.rule, lang, effective.get(p.variable))
        )
    for name, value in effective.items():
        if isinstance(value, str) and len(value) > MAX_TEXT and (wanted is None or name in wanted):
            q = instrument.question(name)
            out.setdefault(name, FieldError(name, _message(instrument, q, "too_long", lang)))
    order = {q.name: i for i, q in enumerate(instrument.questions)}
    return sorted(out.values(), key=lambda e: order[e.question])
