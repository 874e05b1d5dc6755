"""Load the questionnaire: read the XLSForm workbook, check it, and return an ``Instrument``.

The workbook is read with openpyxl, so that every problem can name its sheet, row and column;
every ``relevant`` and ``constraint`` is parsed by the one expression evaluator
(``innomon.instrument.expressions``) and its ``${...}`` references are checked. The choice lists of
collaboration initiatives come from the initiative registry. Last, the complete form — registry
choices included — is converted by pyxform, so that what innomon accepts is a valid XLSForm for
ODK and KoboToolbox as well.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from innomon.instrument.expressions import Expression, ExpressionError, parse
from innomon.instrument.initiatives import (
    INITIATIVE_TYPES,
    LIST_PREFIX,
    initiative_choices,
)
from innomon.instrument.model import Choice, Instrument, InstrumentError, Question

WORKBOOK = Path(__file__).with_name("forms") / "innovatiemonitor.xlsx"
NL, EN = "Nederlands (nl)", "English (en)"
PLACEHOLDER = "__registry__"

LABEL_NL, LABEL_EN = f"label::{NL}", f"label::{EN}"
HINT_NL, HINT_EN = f"hint::{NL}", f"hint::{EN}"
MESSAGE_NL, MESSAGE_EN = f"constraint_message::{NL}", f"constraint_message::{EN}"
SINCE = "innomon::since"
SURVEY_REQUIRED = ("type", "name", LABEL_NL, LABEL_EN)
SURVEY_OPTIONAL = (
    HINT_NL,
    HINT_EN,
    "required",
    "relevant",
    "constraint",
    MESSAGE_NL,
    MESSAGE_EN,
    SINCE,
)
# Presentation-only columns: read by ODK clients, meaningless for innomon's checks.
SURVEY_IGNORED = ("appearance", "guidance_hint", "media::", "image", "audio", "video")
CHOICES_REQUIRED = ("list_name", "name", LABEL_NL, LABEL_EN)
SETTINGS_REQUIRED = ("form_title", "form_id", "version")
TITLE_EN = "innomon::form_title_en"

SIMPLE_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "note": "note",
}
GROUP_TYPES = {
    "begin group": "begin",
    "begin_group": "begin",
    "end group": "end",
    "end_group": "end",
}
_SELECT = re.compile(r"(select_one|select_multiple|select one|select multiple) (\S+)")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_NAME = 32  # Stata's limit for variable names (SPSS allows 64)
SUPPORTED = (
    "integer, decimal, text, note, select_one <list>, select_multiple <list>, "
    "begin group and end group"
)
TRUE, FALSE = ("yes", "true", "true()"), ("", "no", "false", "false()")


# ------------------------------------------------------------------------ reading sheets


@dataclass
class _Sheet:
    name: str
    header: dict[str, int]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _text(value: Any) -> str:
    """A cell as text, as pyxform reads it (12.0 → '12', TRUE → 'TRUE')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\xa0", " ").strip()


def _open(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise InstrumentError(path.name, f"no such file ({path})") from None
    except OSError as exc:
        raise InstrumentError(path.name, f"cannot read it ({exc.strerror})") from exc
    except (InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise InstrumentError(path.name, f"is not an .xlsx workbook ({exc})") from exc


def _read_sheet(book: Any, name: str, source: str) -> _Sheet:
    if name not in book.sheetnames:
        raise InstrumentError(source, f"the sheet '{name}' is missing; an XLSForm needs one")
    rows = book[name].iter_rows(values_only=True)
    first = next(rows, ())
    header: dict[str, int] = {}
    for index, cell in enumerate(first):
        title = _text(cell)
        if not title:
            continue
        if title in header:
            raise InstrumentError(
                source, "appears twice in the header", sheet=name, row=1, column=title
            )
        header[title] = index
    sheet = _Sheet(name, header)
    for row_number, values in enumerate(rows, start=2):
        texts = [_text(v) for v in values]
        if not any(texts):
            continue
        for index, text in enumerate(texts):
            if text and index not in header.values():
                raise InstrumentError(
                    source,
                    f"the cell holds {text!r} but its column has no header",
                    sheet=name,
                    row=row_number,
                    column=_letter(index),
                )
        cells = {title: texts[i] if i < len(texts) else "" for title, i in header.items()}
        sheet.rows.append((row_number, cells))
    return sheet


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _require_columns(sheet: _Sheet, columns: Sequence[str], source: str) -> None:
    for column in columns:
        if column not in sheet.header:
            raise InstrumentError(
                source, f"the column '{column}' is missing", sheet=sheet.name, row=1
            )


# ---------------------------------------------------------------------------- choices


def _choice_lists(sheet: _Sheet, source: str) -> tuple[dict[str, list[Choice]], dict[str, int]]:
    """The typed choice lists, and the registry lists with the row of their placeholder."""
    _require_columns(sheet, CHOICES_REQUIRED, source)
    lists: dict[str, list[Choice]] = {}
    placeholders: dict[str, int] = {}
    first_row: dict[str, int] = {}

    def fail(row: int, column: str, message: str) -> InstrumentError:
        return InstrumentError(source, message, sheet="choices", row=row, column=column)

    for row, cells in sheet.rows:
        list_name, name = cells["list_name"], cells["name"]
        if not list_name:
            raise fail(row, "list_name", "the choice has no list_name")
        first_row.setdefault(list_name, row)
        if not name:
            raise fail(row, "name", f"the choice of list '{list_name}' has no name (its code)")
        if any(c.isspace() for c in name):
            raise fail(row, "name", f"the code {name!r} contains a space; codes may not")
        is_registry = list_name.startswith(LIST_PREFIX)
        if name == PLACEHOLDER or is_registry:
            kind = list_name.removeprefix(LIST_PREFIX)
            if name != PLACEHOLDER or not is_registry or kind not in INITIATIVE_TYPES:
                types = ", ".join(f"{LIST_PREFIX}{t}" for t in INITIATIVE_TYPES)
                raise fail(
                    row,
                    "name",
                    f"the lists {types} come from the initiative registry: each holds exactly "
                    f"one row named {PLACEHOLDER} and no other list may use that name",
                )
            if list_name in placeholders:
                raise fail(row, "name", f"list '{list_name}' has {PLACEHOLDER} twice")
            placeholders[list_name] = row
            continue
        for column, language in ((LABEL_NL, "Dutch"), (LABEL_EN, "English")):
            if not cells[column]:
                raise fail(row, column, f"the choice {name!r} has no {language} label")
        items = lists.setdefault(list_name, [])
        if any(c.name == name for c in items):
            raise fail(row, "name", f"the code {name!r} appears twice in list '{list_name}'")
        items.append(Choice(name, cells[LABEL_NL], cells[LABEL_EN]))
    return lists, placeholders


# ----------------------------------------------------------------------------- survey


@dataclass
class _Group:
    name: str
    row: int
    relevant: str
    since: int | None


@dataclass
class _Row:
    row: int
    cells: dict[str, str]
    kind: str  # a question type, or 'begin' / 'end'
    list_name: str | None
    groups: tuple[_Group, ...]


def _kind(text: str, fail: Any) -> tuple[str, str | None]:
    raw = " ".join(text.split())
    if raw in SIMPLE_TYPES:
        return SIMPLE_TYPES[raw], None
    if raw in GROUP_TYPES:
        return GROUP_TYPES[raw], None
    m = _SELECT.fullmatch(raw)
    if m:
        return m.group(1).replace(" ", "_"), m.group(2)
    if not raw:
        raise fail("type", "the row has a name or label but no type")
    raise fail("type", f"the question type '{raw}' is not supported; innomon supports {SUPPORTED}")


def _since(text: str, fail: Any) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and 1900 <= int(text) <= 2100):
        raise fail(SINCE, f"{text!r} is not a wave year (such as 2017)")
    return int(text)


def _check_unsupported_columns(sheet: _Sheet, source: str) -> None:
    known = set(SURVEY_REQUIRED) | set(SURVEY_OPTIONAL)
    for column in sheet.header:
        if column in known or column.startswith(SURVEY_IGNORED):
            continue
        for row, cells in sheet.rows:
            if cells[column]:
                hint = ""
                if column in ("label", "hint", "constraint_message"):
                    hint = f"; write it per language, as {column}::{NL} and {column}::{EN}"
                raise InstrumentError(
                    source,
                    f"innomon does not support the column '{column}'{hint}",
                    sheet="survey",
                    row=row,
                    column=column,
                )


def _structure(sheet: _Sheet, lists: set[str], source: str) -> list[_Row]:
    """Pass 1: types, names, groups; every name unique, every list known."""
    out: list[_Row] = []
    stack: list[_Group] = []
    names: dict[str, int] = {}
    for row, cells in sheet.rows:

        def fail(column: str, message: str, row: int = row) -> InstrumentError:
            return InstrumentError(source, message, sheet="survey", row=row, column=column)

        kind, list_name = _kind(cells["type"], fail)
        name = cells["name"]
        if kind == "end":
            if not stack:
                raise fail("type", "'end group' without a 'begin group' before it")
            if name and name != stack[-1].name:
                raise fail("name", f"'end group' {name!r} closes group {stack[-1].name!r}")
            stack.pop()
            out.append(_Row(row, cells, kind, None, tuple(stack)))
            continue
        if not name:
            raise fail("name", "the row has no name")
        if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
            raise fail(
                "name",
                f"{name!r} is not a usable name: letters, digits and _, starting with a letter, "
                f"at most {MAX_NAME} characters (SPSS and Stata read it as a variable name)",
            )
        if name in names:
            raise fail("name", f"the name {name!r} is used before, on row {names[name]}")
        names[name] = row
        if list_name is not None and list_name not in lists:
            raise fail("type", f"the choice list '{list_name}' is not on the sheet choices")
        if kind != "begin":
            for column, language in ((LABEL_NL, "Dutch"), (LABEL_EN, "English")):
                if not cells[column]:
                    raise fail(column, f"{name!r} has no {language} label")
        if kind in ("begin", "note"):
            what = "a group" if kind == "begin" else "a note"
            if cells["constraint"]:
                raise fail("constraint", f"{what} holds no answer and cannot have a constraint")
            if cells["required"].lower() not in FALSE:
                raise fail("required", f"{what} holds no answer and cannot be required")
        out.append(_Row(row, cells, kind, list_name, tuple(stack)))
        if kind == "begin":
            since = _since(cells.get(SINCE, ""), fail)
            stack.append(_Group(name, row, cells.get("relevant", ""), since))
    if stack:
        group = stack[-1]
        raise InstrumentError(
            source,
            f"group {group.name!r} has no 'end group'",
            sheet="survey",
            row=group.row,
            column="type",
        )
    return out


def _expression(
    text: str, column: str, row: int, kinds: Mapping[str, str], source: str, group: bool = False
) -> Expression | None:
    if not text:
        return None

    def fail(message: str) -> InstrumentError:
        return InstrumentError(source, message, sheet="survey", row=row, column=column)

    try:
        expression = parse(text)
    except ExpressionError as exc:
        raise fail(f"{exc}: {text}") from exc
    for ref in sorted(expression.references):
        if ref not in kinds:
            raise fail(f"${{{ref}}} is not a question of this form: {text}")
        if kinds[ref] in ("note", "begin"):
            what = "a note" if kinds[ref] == "note" else "a group"
            raise fail(f"${{{ref}}} is {what} and holds no answer: {text}")
    if group and expression.uses_current:
        raise fail(f"'.' has no value in the relevance of a group: {text}")
    return expression


def _questions(
    rows: list[_Row], lists: Mapping[str, Sequence[Choice]], source: str
) -> tuple[Question, ...]:
    """Pass 2: expressions and the question records."""
    kinds = {r.cells["name"]: r.kind for r in rows if r.kind != "end"}
    out: list[Question] = []
    for r in rows:
        cells = r.cells

        def fail(column: str, message: str, row: int = r.row) -> InstrumentError:
            return InstrumentError(source, message, sheet="survey", row=row, column=column)

        if r.kind == "begin":
            _expression(cells.get("relevant", ""), "relevant", r.row, kinds, source, group=True)
            continue
        if r.kind == "end":
            continue
        own = _expression(cells.get("relevant", ""), "relevant", r.row, kinds, source)
        constraint = _expression(cells.get("constraint", ""), "constraint", r.row, kinds, source)
        parts = [g.relevant for g in r.groups if g.relevant]
        if own is not None:
            parts.append(own.text)
        relevant_text = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)
        relevant = parse(relevant_text) if parts else None
        required_text = cells.get("required", "").lower()
        if required_text not in TRUE + FALSE:
            raise fail("required", f"{cells['required']!r}: write yes or no (or leave it empty)")
        since = _since(cells.get(SINCE, ""), fail)
        if since is None:
            since = next((g.since for g in reversed(r.groups) if g.since is not None), None)
        if r.list_name is not None and not r.kind.startswith("select"):
            raise fail("type", "only select questions have a choice list")
        out.append(
            Question(
                name=cells["name"],
                type=r.kind,
                list_name=r.list_name,
                label_nl=cells[LABEL_NL],
                label_en=cells[LABEL_EN],
                hint_nl=cells.get(HINT_NL, ""),
                hint_en=cells.get(HINT_EN, ""),
                required=required_text in TRUE,
                relevant=relevant,
                relevant_text=relevant_text,
                constraint=constraint,
                constraint_text=constraint.text if constraint else "",
                constraint_message_nl=cells.get(MESSAGE_NL, ""),
                constraint_message_en=cells.get(MESSAGE_EN, ""),
                group=r.groups[-1].name if r.groups else None,
                since=since,
                row=r.row,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------- settings


def _settings(sheet: _Sheet, source: str) -> dict[str, str]:
    _require_columns(sheet, SETTINGS_REQUIRED, source)
    if len(sheet.rows) != 1:
        raise InstrumentError(
            source, f"expected one row of settings, found {len(sheet.rows)}", sheet="settings"
        )
    row, cells = sheet.rows[0]
    for column in SETTINGS_REQUIRED:
        if not cells[column]:
            raise InstrumentError(source, "is empty", sheet="settings", row=row, column=column)
    return cells


# ----------------------------------------------------------------------------- pyxform


def _pyxform_check(
    book: Any,
    choices: _Sheet,
    placeholders: Mapping[str, int],
    registry: Mapping[str, Sequence[Choice]],
    source: str,
) -> None:
    """Convert the complete form (registry choices in place of the placeholders) with pyxform.

    Rows keep their numbers: each placeholder row is overwritten by the first registry choice of
    its list, the others are appended, so pyxform's row numbers match the workbook's.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    sheet = book["choices"]
    columns = {key: choices.header[key] + 1 for key in CHOICES_REQUIRED}
    for list_name, row in placeholders.items():
        items = list(registry.get(list_name, ()))
        if not items:
            continue
        for i, choice in enumerate(items):
            target = row if i == 0 else sheet.max_row + 1
            cells = (list_name, choice.name, choice.label_nl, choice.label_en)
            for key, value in zip(CHOICES_REQUIRED, cells, strict=True):
                sheet.cell(row=target, column=columns[key], value=value)
    data = io.BytesIO()
    book.save(data)
    try:
        convert(xlsform=data.getvalue(), file_type=".xlsx", warnings=[])
    except PyXFormError as exc:
        raise InstrumentError(source, f"pyxform rejects the form: {exc}") from exc
    except Exception as exc:  # pyxform failing in an unforeseen way is still a form problem
        raise InstrumentError(
            source, f"pyxform could not convert the form ({type(exc).__name__}: {exc})"
        ) from exc


# ---------------------------------------------------------------------------- load


def load_instrument(
    initiatives: Sequence[Mapping] | None = None, path: Path | None = None
) -> Instrument:
    """Load and check the questionnaire workbook (by default the monitor's own).

    ``initiatives`` (mappings with ``name`` and ``type``) fill the choice lists
    ``initiative_network``, ``initiative_test_environment`` and ``initiative_incubator``; without
    them those lists are empty. Any problem is an ``InstrumentError`` naming the file, sheet,
    row and column.
    """
    path = Path(path) if path is not None else WORKBOOK
    source = path.name
    book = _open(path)
    survey = _read_sheet(book, "survey", source)
    choices_sheet = _read_sheet(book, "choices", source)
    settings_sheet = _read_sheet(book, "settings", source)
    _require_columns(survey, SURVEY_REQUIRED, source)
    _check_unsupported_columns(survey, source)
    for column in SURVEY_OPTIONAL:
        for _, cells in survey.rows:
            cells.setdefault(column, "")

    typed, placeholders = _choice_lists(choices_sheet, source)
    registry = initiative_choices(initiatives) if initiatives is not None else {}
    lists: dict[str, tuple[Choice, ...]] = {key: tuple(value) for key, value in typed.items()}
    for list_name in placeholders:
        lists[list_name] = tuple(registry.get(list_name, ()))

    rows = _structure(survey, set(lists), source)
    questions = _questions(rows, lists, source)
    settings = _settings(settings_sheet, source)
    _pyxform_check(book, choices_sheet, placeholders, registry, source)
    return Instrument(
        version=settings["version"],
        title_nl=settings["form_title"],
        title_en=settings.get(TITLE_EN) or settings["form_title"],
        questions=questions,
        choice_lists=lists,
        form_id=settings["form_id"],
        source=source,
        registry_lists=tuple(sorted(placeholders)),
    )
