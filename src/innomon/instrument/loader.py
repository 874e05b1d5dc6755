"""Load the questionnaire: read the XLSForm workbook, check it, and return an ``Instrument``.

The workbook is read with openpyxl, so that every problem can name its sheet, row and column;
every ``relevant``, ``constraint`` and ``calculation`` is parsed by the one expression evaluator
(``innomon.instrument.expressions``) and its ``${...}`` references are checked. The choice lists of
collaboration initiatives come from the initiative registry. Last, the complete form — registry
choices included — is converted by pyxform, so that what innomon accepts is a valid XLSForm for
ODK and KoboToolbox as well.

Besides questions, notes and groups the survey sheet may hold ``calculate`` rows (a derived
variable, column ``calculation``) and ``hidden`` rows (a context variable, column
``innomon::source``: ``register.<field>``, ``wave.year`` or ``parameter.<name>``).

The checks run through a ``_Problems`` collector: ``load_instrument`` stops at the first problem
and raises it; ``innomon.instrument.check.problems`` goes on and returns every one.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Collection, Mapping, Sequence
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
from innomon.instrument.model import (
    REGISTER_FIELDS,
    Calculation,
    Choice,
    ContextVariable,
    Instrument,
    InstrumentError,
    Question,
)

# The shipped questionnaire: the workbook of the packaged Northern Netherlands monitor definition
# (a file path, not an import: the definition's code sits above the instrument).
WORKBOOK = Path(__file__).parent.parent / "monitors" / "noord-nederland" / "innovatiemonitor.xlsx"
NL, EN = "Nederlands (nl)", "English (en)"
PLACEHOLDER = "__registry__"

LABEL_NL, LABEL_EN = f"label::{NL}", f"label::{EN}"
HINT_NL, HINT_EN = f"hint::{NL}", f"hint::{EN}"
MESSAGE_NL, MESSAGE_EN = f"constraint_message::{NL}", f"constraint_message::{EN}"
SINCE = "innomon::since"
SOURCE = "innomon::source"
CALCULATION = "calculation"
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
    CALCULATION,
    SOURCE,
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
    "calculate": "calculate",
    "hidden": "hidden",
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
    "integer, decimal, text, note, select_one <list>, select_multiple <list>, calculate, "
    "hidden, begin group and end group"
)
NO_ANSWER = {"begin": "a group", "note": "a note"}
_SOURCE = re.compile(r"(register)\.(\w+)|(wave)\.(year)|(parameter)\.([A-Za-z_][A-Za-z0-9_]*)")
SOURCES = f"register.<field> ({', '.join(REGISTER_FIELDS)}), wave.year or parameter.<name>"
TRUE, FALSE = ("yes", "true", "true()"), ("", "no", "false", "false()")


# ------------------------------------------------------------------------- the collector


class _Stop(Exception):
    """A problem after which the rest of the workbook cannot be checked."""


class _Problems:
    """Where the checks report problems: raised at once (``first``) or collected."""

    def __init__(self, first: bool) -> None:
        self.first = first
        self.errors: list[InstrumentError] = []

    def add(self, error: InstrumentError) -> None:
        if self.first:
            raise error
        self.errors.append(error)

    def fatal(self, error: InstrumentError) -> None:
        self.add(error)
        raise _Stop

    def stop_if_any(self) -> None:
        if self.errors:
            raise _Stop


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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InstrumentError(path.name, f"no such file ({path})") from None
    except IsADirectoryError:
        raise InstrumentError(path.name, f"is a directory, not a workbook ({path})") from None
    except OSError as exc:
        raise InstrumentError(path.name, f"cannot read it ({exc.strerror})") from exc


def _open(data: bytes, source: str) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InstrumentError(source, f"is not an .xlsx workbook ({exc})") from exc


def _read_sheet(book: Any, name: str, source: str, problems: _Problems) -> _Sheet | None:
    if name not in book.sheetnames:
        problems.add(
            InstrumentError(source, f"the sheet '{name}' is missing; an XLSForm needs one")
        )
        return None
    rows = book[name].iter_rows(values_only=True)
    first = next(rows, ())
    header: dict[str, int] = {}
    for index, cell in enumerate(first):
        title = _text(cell)
        if not title:
            continue
        if title in header:
            problems.add(
                InstrumentError(
                    source, "appears twice in the header", sheet=name, row=1, column=title
                )
            )
            continue
        header[title] = index
    sheet = _Sheet(name, header)
    for row_number, values in enumerate(rows, start=2):
        texts = [_text(v) for v in values]
        if not any(texts):
            continue
        for index, text in enumerate(texts):
            if text and index not in header.values():
                problems.add(
                    InstrumentError(
                        source,
                        f"the cell holds {text!r} but its column has no header",
                        sheet=name,
                        row=row_number,
                        column=_letter(index),
                    )
                )
        cells = {title: texts[i] if i < len(texts) else "" for title, i in header.items()}
        sheet.rows.append((row_number, cells))
    return sheet


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _require_columns(
    sheet: _Sheet, columns: Sequence[str], source: str, problems: _Problems
) -> bool:
    """Whether every column is there (each missing one is a problem)."""
    complete = True
    for column in columns:
        if column not in sheet.header:
            complete = False
            problems.add(
                InstrumentError(
                    source, f"the column '{column}' is missing", sheet=sheet.name, row=1
                )
            )
    return complete


# ---------------------------------------------------------------------------- choices


def _choice_lists(
    sheet: _Sheet, source: str, problems: _Problems
) -> tuple[dict[str, list[Choice]], dict[str, int]]:
    """The typed choice lists, and the registry lists with the row of their placeholder."""
    lists: dict[str, list[Choice]] = {}
    placeholders: dict[str, int] = {}

    def fail(row: int, column: str, message: str) -> None:
        problems.add(InstrumentError(source, message, sheet="choices", row=row, column=column))

    for row, cells in sheet.rows:
        list_name, name = cells["list_name"], cells["name"]
        if not list_name:
            fail(row, "list_name", "the choice has no list_name")
            continue
        if not name:
            fail(row, "name", f"the choice of list '{list_name}' has no name (its code)")
            lists.setdefault(list_name, [])
            continue
        if any(c.isspace() for c in name):
            fail(row, "name", f"the code {name!r} contains a space; codes may not")
            lists.setdefault(list_name, [])
            continue
        is_registry = list_name.startswith(LIST_PREFIX)
        if name == PLACEHOLDER or is_registry:
            kind = list_name.removeprefix(LIST_PREFIX)
            if name != PLACEHOLDER or not is_registry or kind not in INITIATIVE_TYPES:
                types = ", ".join(f"{LIST_PREFIX}{t}" for t in INITIATIVE_TYPES)
                fail(
                    row,
                    "name",
                    f"the lists {types} come from the initiative registry: each holds exactly "
                    f"one row named {PLACEHOLDER} and no other list may use that name",
                )
                lists.setdefault(list_name, [])
                continue
            if list_name in placeholders:
                fail(row, "name", f"list '{list_name}' has {PLACEHOLDER} twice")
                continue
            placeholders[list_name] = row
            continue
        for column, language in ((LABEL_NL, "Dutch"), (LABEL_EN, "English")):
            if not cells[column]:
                fail(row, column, f"the choice {name!r} has no {language} label")
        items = lists.setdefault(list_name, [])
        if any(c.name == name for c in items):
            fail(row, "name", f"the code {name!r} appears twice in list '{list_name}'")
            continue
        items.append(Choice(name, cells[LABEL_NL], cells[LABEL_EN]))
    for list_name in placeholders:  # a registry list that also has a typed row: reported above
        lists.pop(list_name, None)
    return lists, placeholders


# ----------------------------------------------------------------------------- survey


@dataclass
class _Group:
    name: str
    row: int
    relevant: str
    since: int | None
    relevant_ok: bool = True


@dataclass
class _Row:
    row: int
    cells: dict[str, str]
    kind: str  # a question type, 'calculate', 'hidden', or 'begin' / 'end'
    list_name: str | None
    groups: tuple[_Group, ...]


def _kind(text: str) -> tuple[str, str | None, str]:
    """(kind, list name, problem): the problem is '' when the type is supported."""
    raw = " ".join(text.split())
    if raw in SIMPLE_TYPES:
        return SIMPLE_TYPES[raw], None, ""
    if raw in GROUP_TYPES:
        return GROUP_TYPES[raw], None, ""
    m = _SELECT.fullmatch(raw)
    if m:
        return m.group(1).replace(" ", "_"), m.group(2), ""
    if not raw:
        return "", None, "the row has a name or label but no type"
    return "", None, f"the question type '{raw}' is not supported; innomon supports {SUPPORTED}"


def _since(text: str, fail: Any) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and 1900 <= int(text) <= 2100):
        fail(SINCE, f"{text!r} is not a wave year (such as 2017)")
        return None
    return int(text)


def _check_unsupported_columns(sheet: _Sheet, source: str, problems: _Problems) -> None:
    known = set(SURVEY_REQUIRED) | set(SURVEY_OPTIONAL)
    for column in sheet.header:
        if column in known or column.startswith(SURVEY_IGNORED):
            continue
        for row, cells in sheet.rows:
            if cells[column]:
                hint = ""
                if column in ("label", "hint", "constraint_message"):
                    hint = f"; write it per language, as {column}::{NL} and {column}::{EN}"
                problems.add(
                    InstrumentError(
                        source,
                        f"innomon does not support the column '{column}'{hint}",
                        sheet="survey",
                        row=row,
                        column=column,
                    )
                )
                break  # once per column


def _what(kind: str) -> str:
    return {
        "begin": "a group",
        "note": "a note",
        "calculate": "a calculation",
        "hidden": "a context variable",
    }.get(kind, "a question")


def _check_source(text: str, name: str, parameters: Collection[str] | None, fail: Any) -> None:
    if not text:
        fail(SOURCE, f"the hidden row {name!r} has no source; write {SOURCES}")
        return
    m = _SOURCE.fullmatch(text)
    if m is None or (m.group(1) and m.group(2) not in REGISTER_FIELDS):
        fail(SOURCE, f"{text!r} is not a source; write {SOURCES}")
        return
    if m.group(5) and parameters is not None and m.group(6) not in parameters:
        known = ", ".join(sorted(parameters)) or "none"
        fail(
            SOURCE,
            f"{text!r}: the monitor definition has no parameter {m.group(6)!r} "
            f"(its parameters: {known})",
        )


def _structure(
    sheet: _Sheet,
    lists: set[str],
    source: str,
    problems: _Problems,
    parameters: Collection[str] | None,
) -> tuple[list[_Row], dict[str, str], dict[str, int]]:
    """Pass 1: types, names, groups; every name unique, every list known.

    Returns the rows, the kind of every name (``invalid`` for a row whose type is not
    supported: references to it are not reported again) and the row of every name.
    """
    out: list[_Row] = []
    stack: list[_Group] = []
    names: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for row, cells in sheet.rows:

        def fail(column: str, message: str, row: int = row) -> None:
            problems.add(InstrumentError(source, message, sheet="survey", row=row, column=column))

        kind, list_name, problem = _kind(cells["type"])
        name = cells["name"]
        if problem:
            fail("type", problem)
            if name and name not in names:
                names[name], kinds[name] = row, "invalid"
            continue
        if kind == "end":
            if not stack:
                fail("type", "'end group' without a 'begin group' before it")
                continue
            if name and name != stack[-1].name:
                fail("name", f"'end group' {name!r} closes group {stack[-1].name!r}")
            stack.pop()
            out.append(_Row(row, cells, kind, None, tuple(stack)))
            continue
        if not name:
            fail("name", "the row has no name")
            if kind == "begin":
                stack.append(_Group("", row, "", None, relevant_ok=False))
            continue
        if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
            fail(
                "name",
                f"{name!r} is not a usable name: letters, digits and _, starting with a letter, "
                f"at most {MAX_NAME} characters (SPSS and Stata read it as a variable name)",
            )
        if name in names:
            fail("name", f"the name {name!r} is used before, on row {names[name]}")
        else:
            names[name], kinds[name] = row, kind
        if list_name is not None and list_name not in lists:
            fail("type", f"the choice list '{list_name}' is not on the sheet choices")
        what = _what(kind)
        if kind not in ("begin", "calculate", "hidden"):
            for column, language in ((LABEL_NL, "Dutch"), (LABEL_EN, "English")):
                if not cells[column]:
                    fail(column, f"{name!r} has no {language} label")
        if kind in ("begin", "note", "calculate", "hidden"):
            if cells["constraint"]:
                fail("constraint", f"{what} holds no answer and cannot have a constraint")
            if cells["required"].lower() not in FALSE:
                fail("required", f"{what} holds no answer and cannot be required")
        if kind != "calculate" and cells.get(CALCULATION):
            fail(
                CALCULATION,
                f"innomon does not support the column '{CALCULATION}' on {what}: only a "
                "calculate row has a calculation",
            )
        if kind != "hidden" and cells.get(SOURCE):
            fail(SOURCE, f"only a hidden row has a source ({SOURCE}); {name!r} is {what}")
        if kind in ("calculate", "hidden"):
            if cells.get("relevant"):
                fail(
                    "relevant",
                    f"{what} cannot have a relevance"
                    + (
                        "; write the condition into its calculation with if()"
                        if kind == "calculate"
                        else ": its value comes from its source"
                    ),
                )
            closed = next((g for g in reversed(stack) if g.relevant), None)
            if closed is not None:
                fail(
                    "type",
                    f"{what} cannot be inside group {closed.name!r}, which has a relevance; "
                    "move it out of the group",
                )
        if kind == "calculate" and not cells.get(CALCULATION):
            fail(CALCULATION, f"the calculate row {name!r} has no calculation")
        if kind == "hidden":
            _check_source(cells.get(SOURCE, ""), name, parameters, fail)
            if cells.get(SINCE):
                fail(SINCE, "a context variable has no first wave; leave innomon::since empty")
        out.append(_Row(row, cells, kind, list_name, tuple(stack)))
        if kind == "begin":
            since = _since(cells.get(SINCE, ""), fail)
            stack.append(_Group(name, row, cells.get("relevant", ""), since))
    for group in reversed(stack):
        problems.add(
            InstrumentError(
                source,
                f"group {group.name!r} has no 'end group'",
                sheet="survey",
                row=group.row,
                column="type",
            )
        )
    return out, kinds, names


def _expression(
    text: str,
    column: str,
    row: int,
    kinds: Mapping[str, str],
    source: str,
    problems: _Problems,
    *,
    group: bool = False,
    calculation: str | None = None,
    rows: Mapping[str, int] | None = None,
) -> tuple[Expression | None, bool]:
    """The parsed expression (None when empty) and whether it is usable (False after a problem).

    ``calculation`` names the calculation the expression computes: it may use only the
    calculations on earlier rows (``rows``), and no ``.``.
    """
    if not text:
        return None, True

    def fail(message: str) -> tuple[None, bool]:
        problems.add(InstrumentError(source, message, sheet="survey", row=row, column=column))
        return None, False

    try:
        expression = parse(text)
    except ExpressionError as exc:
        return fail(f"{exc}: {text}")
    ok = True
    for ref in sorted(expression.references):
        kind = kinds.get(ref)
        if kind is None:
            ok = fail(f"${{{ref}}} is not a question of this form: {text}")[1]
        elif kind in NO_ANSWER:
            ok = fail(f"${{{ref}}} is {NO_ANSWER[kind]} and holds no answer: {text}")[1]
        elif calculation is not None and ref == calculation:
            ok = fail(f"${{{ref}}} is this calculation itself: {text}")[1]
        elif calculation is None and kind in ("calculate", "hidden"):
            # The web questionnaire and the import check answers with the answers alone; a
            # calculation or a register value is known only when the wave is built.
            what = "a calculation" if kind == "calculate" else "a context row"
            ok = fail(
                f"${{{ref}}} is {what}, known only when the wave is built; a {column} may "
                f"refer to questions only — write the condition on the questions it uses: {text}"
            )[1]
        elif calculation is not None and kind == "calculate" and rows and rows[ref] > row:
            ok = fail(
                f"${{{ref}}} is calculated on row {rows[ref]}, after this one; a calculation "
                f"may use only the calculations above it: {text}"
            )[1]
    if group and expression.uses_current:
        return fail(f"'.' has no value in the relevance of a group: {text}")
    if calculation is not None and expression.uses_current:
        return fail(f"'.' has no value in a calculation; refer to a variable as ${{name}}: {text}")
    return (expression, True) if ok else (None, False)


def _questions(
    rows: list[_Row],
    kinds: Mapping[str, str],
    names: Mapping[str, int],
    source: str,
    problems: _Problems,
) -> tuple[tuple[Question, ...], tuple[Calculation, ...], tuple[ContextVariable, ...]]:
    """Pass 2: expressions and the records of questions, calculations and context variables."""
    out: list[Question] = []
    calculations: list[Calculation] = []
    context: list[ContextVariable] = []
    for r in rows:
        cells = r.cells

        def fail(column: str, message: str, row: int = r.row) -> None:
            problems.add(InstrumentError(source, message, sheet="survey", row=row, column=column))

        if r.kind == "begin":
            _, ok = _expression(
                cells.get("relevant", ""), "relevant", r.row, kinds, source, problems, group=True
            )
            if not ok:
                _mark_group(rows, r.row)
            continue
        if r.kind == "end":
            continue
        if r.kind == "hidden":
            context.append(
                ContextVariable(
                    name=cells["name"],
                    source=cells.get(SOURCE, ""),
                    label_nl=cells[LABEL_NL],
                    label_en=cells[LABEL_EN],
                    row=r.row,
                )
            )
            continue
        if r.kind == "calculate":
            since = _since(cells.get(SINCE, ""), fail)
            if since is None:
                since = next((g.since for g in reversed(r.groups) if g.since is not None), None)

            expression, _ = _expression(
                cells.get(CALCULATION, ""),
                CALCULATION,
                r.row,
                kinds,
                source,
                problems,
                calculation=cells["name"],
                rows=names,
            )
            if expression is not None:
                calculations.append(
                    Calculation(
                        name=cells["name"],
                        expression=expression,
                        calculation_text=expression.text,
                        label_nl=cells[LABEL_NL],
                        label_en=cells[LABEL_EN],
                        row=r.row,
                        since=since,
                    )
                )
            continue
        own, own_ok = _expression(
            cells.get("relevant", ""), "relevant", r.row, kinds, source, problems
        )
        constraint, _ = _expression(
            cells.get("constraint", ""), "constraint", r.row, kinds, source, problems
        )
        parts = [g.relevant for g in r.groups if g.relevant]
        if own is not None:
            parts.append(own.text)
        relevant_text = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)
        usable = own_ok and all(g.relevant_ok for g in r.groups)
        relevant = parse(relevant_text) if parts and usable else None
        required_text = cells.get("required", "").lower()
        if required_text not in TRUE + FALSE:
            fail("required", f"{cells['required']!r}: write yes or no (or leave it empty)")
        since = _since(cells.get(SINCE, ""), fail)
        if since is None:
            since = next((g.since for g in reversed(r.groups) if g.since is not None), None)
        if r.list_name is not None and not r.kind.startswith("select"):
            fail("type", "only select questions have a choice list")
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
    return tuple(out), tuple(calculations), tuple(context)


def _mark_group(rows: list[_Row], begin_row: int) -> None:
    """The relevance of the group that begins on ``begin_row`` is unusable."""
    for r in rows:
        for g in r.groups:
            if g.row == begin_row:
                g.relevant_ok = False
                return


# ---------------------------------------------------------------------------- settings


def _settings(sheet: _Sheet, source: str, problems: _Problems) -> dict[str, str] | None:
    if not _require_columns(sheet, SETTINGS_REQUIRED, source, problems):
        return None
    if len(sheet.rows) != 1:
        problems.add(
            InstrumentError(
                source, f"expected one row of settings, found {len(sheet.rows)}", sheet="settings"
            )
        )
        return None
    row, cells = sheet.rows[0]
    for column in SETTINGS_REQUIRED:
        if not cells[column]:
            problems.add(
                InstrumentError(source, "is empty", sheet="settings", row=row, column=column)
            )
    return cells


# ----------------------------------------------------------------------------- pyxform


def _pyxform_check(
    book: Any,
    choices: _Sheet,
    placeholders: Mapping[str, int],
    registry: Mapping[str, Sequence[Choice]],
    source: str,
) -> InstrumentError | None:
    """Convert the complete form (registry choices in place of the placeholders) with pyxform;
    its objection, if any.

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
        return InstrumentError(source, f"pyxform rejects the form: {exc}")
    except Exception as exc:  # pyxform failing in an unforeseen way is still a form problem
        return InstrumentError(
            source, f"pyxform could not convert the form ({type(exc).__name__}: {exc})"
        )
    return None


# ---------------------------------------------------------------------------- load


def _workbook(path: Path | str | None, data: bytes | None, source: str | None) -> tuple[bytes, str]:
    """The workbook's bytes and the file name problems name."""
    if data is not None:
        if path is not None:
            raise ValueError("give the workbook as path or as data, not both")
        return bytes(data), source or "questionnaire.xlsx"
    path = Path(path) if path is not None else WORKBOOK
    return _read_bytes(path), source or path.name


def _load(
    data: bytes,
    source: str,
    initiatives: Sequence[Mapping] | None,
    problems: _Problems,
    parameters: Collection[str] | None = None,
) -> Instrument | None:
    """Check the workbook, reporting to ``problems``; the instrument if there was none."""
    book = _open(data, source)
    survey = _read_sheet(book, "survey", source, problems)
    choices_sheet = _read_sheet(book, "choices", source, problems)
    settings_sheet = _read_sheet(book, "settings", source, problems)
    if survey is None or choices_sheet is None or settings_sheet is None:
        raise _Stop
    if not _require_columns(survey, SURVEY_REQUIRED, source, problems):
        raise _Stop
    _check_unsupported_columns(survey, source, problems)
    for column in SURVEY_OPTIONAL:
        for _, cells in survey.rows:
            cells.setdefault(column, "")

    if not _require_columns(choices_sheet, CHOICES_REQUIRED, source, problems):
        raise _Stop
    typed, placeholders = _choice_lists(choices_sheet, source, problems)
    registry = initiative_choices(initiatives) if initiatives is not None else {}
    lists: dict[str, tuple[Choice, ...]] = {key: tuple(value) for key, value in typed.items()}
    for list_name in placeholders:
        lists[list_name] = tuple(registry.get(list_name, ()))

    rows, kinds, names = _structure(survey, set(lists), source, problems, parameters)
    questions, calculations, context = _questions(rows, kinds, names, source, problems)
    settings = _settings(settings_sheet, source, problems)
    problems.stop_if_any()
    assert settings is not None
    objection = _pyxform_check(book, choices_sheet, placeholders, registry, source)
    if objection is not None:
        problems.fatal(objection)
    return Instrument(
        version=settings["version"],
        title_nl=settings["form_title"],
        title_en=settings.get(TITLE_EN) or settings["form_title"],
        questions=questions,
        choice_lists=lists,
        form_id=settings["form_id"],
        source=source,
        registry_lists=tuple(sorted(placeholders)),
        calculations=calculations,
        context=context,
        sha256=hashlib.sha256(data).hexdigest(),
        group_labels={
            r.cells["name"]: (
                r.cells[LABEL_NL] or r.cells["name"],
                r.cells[LABEL_EN] or r.cells["name"],
            )
            for r in rows
            if r.kind == "begin" and r.cells.get("name")
        },
    )


def load_instrument(
    initiatives: Sequence[Mapping] | None = None,
    path: Path | str | None = None,
    *,
    data: bytes | None = None,
    source: str | None = None,
) -> Instrument:
    """Load and check the questionnaire workbook (by default the monitor's own).

    The workbook is the file ``path``, or its bytes ``data`` (as a wave stores it); ``source`` is
    the file name its problems name (by default the file's name, or ``questionnaire.xlsx``).
    ``initiatives`` (mappings with ``name`` and ``type``) fill the choice lists
    ``initiative_network``, ``initiative_test_environment`` and ``initiative_incubator``; without
    them those lists are empty. The first problem is raised as an ``InstrumentError`` naming the
    file, sheet, row and column (``innomon.instrument.check.problems`` lists them all).
    """
    data, source = _workbook(path, data, source)
    instrument = _load(data, source, initiatives, _Problems(first=True))
    assert instrument is not None
    return instrument


def collect_problems(
    initiatives: Sequence[Mapping] | None = None,
    path: Path | str | None = None,
    *,
    data: bytes | None = None,
    source: str | None = None,
    parameters: Collection[str] | None = None,
) -> list[InstrumentError]:
    """Every problem of the workbook, in the order ``load_instrument`` meets them (see
    ``innomon.instrument.check.problems``)."""
    try:
        data, source = _workbook(path, data, source)
    except InstrumentError as error:
        return [error]
    problems = _Problems(first=False)
    try:
        _load(data, source, initiatives, problems, parameters)
    except _Stop:
        pass
    except InstrumentError as error:  # not a workbook, or a bad registry
        problems.errors.append(error)
    return problems.errors
