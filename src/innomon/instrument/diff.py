"""What changed between two questionnaires (``innomon instrument diff OLD.xlsx NEW.xlsx``).

``diff_instruments`` returns one line per change, in form order of the new questionnaire (removed
items in the order of the old one): questions (and notes) added, removed or changed — type,
choice list, relevance, constraint, required, first wave, labels —, choice lists added, removed or
changed — choices added, removed, relabelled —, and calculations and context variables added,
removed or changed. No change gives an empty list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from innomon.instrument.model import Calculation, Choice, ContextVariable, Instrument, Question

__all__ = ["diff_instruments"]

T = TypeVar("T")


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value) if isinstance(value, str) else str(value)


def _type(q: Question) -> str:
    return f"{q.type} {q.list_name}" if q.list_name else q.type


def _fields(old: T, new: T, fields: Sequence[tuple[str, Callable[[T], Any]]]) -> Iterable[str]:
    for title, get in fields:
        a, b = get(old), get(new)
        if a != b:
            yield f"{title} {_show(a)} → {_show(b)}"


QUESTION_FIELDS: tuple[tuple[str, Callable[[Question], Any]], ...] = (
    ("type", _type),
    ("relevant", lambda q: q.relevant_text),
    ("constraint", lambda q: q.constraint_text),
    ("required", lambda q: q.required),
    ("since", lambda q: q.since),
    ("label (nl)", lambda q: q.label_nl),
    ("label (en)", lambda q: q.label_en),
)
CALCULATION_FIELDS: tuple[tuple[str, Callable[[Calculation], Any]], ...] = (
    ("calculation", lambda c: c.calculation_text),
    ("since", lambda c: c.since),
    ("label (nl)", lambda c: c.label_nl),
    ("label (en)", lambda c: c.label_en),
)
CONTEXT_FIELDS: tuple[tuple[str, Callable[[ContextVariable], Any]], ...] = (
    ("source", lambda c: c.source),
    ("label (nl)", lambda c: c.label_nl),
    ("label (en)", lambda c: c.label_en),
)


def _records(
    what: str,
    old: Sequence[T],
    new: Sequence[T],
    name: Callable[[T], str],
    added: Callable[[T], str],
    fields: Sequence[tuple[str, Callable[[T], Any]]],
) -> list[str]:
    before = {name(x): x for x in old}
    after = {name(x): x for x in new}
    lines: list[str] = []
    for x in new:
        key = name(x)
        if key not in before:
            lines.append(f"{what} {key!r} added{added(x)}")
            continue
        changes = list(_fields(before[key], x, fields))
        if changes:
            lines.append(f"{what} {key!r} changed: " + "; ".join(changes))
    lines.extend(f"{what} {name(x)!r} removed" for x in old if name(x) not in after)
    return lines


def _choices(old: Mapping[str, Sequence[Choice]], new: Mapping[str, Sequence[Choice]]) -> list[str]:
    lines: list[str] = []
    for list_name, choices in new.items():
        if list_name not in old:
            codes = ", ".join(c.name for c in choices)
            lines.append(f"choice list {list_name!r} added ({len(choices)} choices: {codes})")
            continue
        before = {c.name: c for c in old[list_name]}
        after = {c.name: c for c in choices}
        for c in choices:
            if c.name not in before:
                lines.append(
                    f"choice list {list_name!r}: choice {c.name!r} added "
                    f"({c.label_nl!r} / {c.label_en!r})"
                )
                continue
            b = before[c.name]
            for language, x, y in (("nl", b.label_nl, c.label_nl), ("en", b.label_en, c.label_en)):
                if x != y:
                    lines.append(
                        f"choice list {list_name!r}: choice {c.name!r} relabelled ({language}) "
                        f"{x!r} → {y!r}"
                    )
        lines.extend(
            f"choice list {list_name!r}: choice {c.name!r} removed"
            for c in old[list_name]
            if c.name not in after
        )
        if [c.name for c in old[list_name] if c.name in after] != [
            c.name for c in choices if c.name in before
        ]:
            lines.append(f"choice list {list_name!r}: the choices are in another order")
    lines.extend(f"choice list {name!r} removed" for name in old if name not in new)
    return lines


def diff_instruments(old: Instrument, new: Instrument) -> list[str]:
    """One line per difference between questionnaire ``old`` and ``new`` (see the module)."""
    lines: list[str] = []
    if old.version != new.version:
        lines.append(f"version {old.version} → {new.version}")
    lines += _records(
        "question",
        old.questions,
        new.questions,
        lambda q: q.name,
        lambda q: f" ({_type(q)}" + (f", since {q.since})" if q.since else ")"),
        QUESTION_FIELDS,
    )
    lines += _choices(old.choice_lists, new.choice_lists)
    lines += _records(
        "calculation",
        old.calculations,
        new.calculations,
        lambda c: c.name,
        lambda c: f": {c.calculation_text}",
        CALCULATION_FIELDS,
    )
    lines += _records(
        "context variable",
        old.context,
        new.context,
        lambda c: c.name,
        lambda c: f" ({c.source})",
        CONTEXT_FIELDS,
    )
    return lines
