"""How the columns and cells of a survey-tool export map onto the questionnaire.

A mapping file (YAML, every key optional) says, for one export layout::

    source: qualtrics            # plain | qualtrics | limesurvey (default: what the file is)
    kvk: [ExternalReference, Q2] # the KvK number: the first filled of these columns
    columns:                     # export column → questionnaire variable or firm field
      Q1: emp_total
      Q4:                        # long form: values for this column only
        variable: inpdgd
        values: {"1": "1", "2": "0"}
    values:                      # per variable: export value → questionnaire code
      inpdsv: {"1": "1", "2": "0"}
    multiple:                    # a select_multiple spread over one column per choice
      co_partner: {Q10_1: "1", Q10_2: "2"}
    ticked: ["1", "Y"]           # what a ticked per-choice cell reads (default below)
    unticked: ["0", "N"]
    computed:                    # variable ← expression over export columns
      inpdgd: "if(${Q4_1} = 1 or ${Q4_2} = 1, 1, 0)"
    not_asked: [hamp_reg]        # questions this export did not ask
    ignore: [Q99, "Q_*"]         # export columns that are not part of the monitor: a column's
                                 #   exact name (Q15[other]), else an fnmatch pattern

``load_mapping`` reads it on top of the defaults of the source (the tool's metadata columns,
its KvK column, its own columns that mean nothing to the monitor) and checks it against the
questionnaire and the file's header, listing every problem. The result says for every column
of the file what it is (``Mapping.uses``); ``convert.convert`` reads the cells by it.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from innomon.errors import Problem
from innomon.instrument import Expression, ExpressionError, Instrument, parse
from innomon.instrument.numbers import TypedNumber, read_typed_number

__all__ = [
    "DEFAULT_IGNORE",
    "DEFAULT_KVK",
    "DEFAULT_TICKED",
    "DEFAULT_UNTICKED",
    "FIRM_FIELDS",
    "KEYS",
    "META_COLUMNS",
    "QUALTRICS_MARKERS",
    "SOURCES",
    "Computed",
    "Mapping",
    "column_ref",
    "ignored_by",
    "label_key",
    "load_mapping",
]

SOURCES = ("plain", "qualtrics", "limesurvey")
KEYS = (
    "source",
    "kvk",
    "columns",
    "values",
    "multiple",
    "ticked",
    "unticked",
    "computed",
    "not_asked",
    "ignore",
)
# firm fields an export may carry besides the answers (kept as text for the register checks)
FIRM_FIELDS = ("firm_name", "sbi_code", "municipality")
# targets of ``columns`` besides variables and firm fields: the KvK number, a plain file's status
SPECIAL_TARGETS = ("kvk", "status")
DEFAULT_TICKED = ("1", "y", "yes", "ja", "true", "x")
DEFAULT_UNTICKED = ("0", "n", "no", "nee", "false")

# the tools' own metadata columns the import reads, by metadata key (``Converted.meta``)
META_COLUMNS: dict[str, dict[str, str]] = {
    "qualtrics": {
        "Status": "status",
        "Finished": "finished",
        "Progress": "progress",
        "StartDate": "started",
        "RecordedDate": "submitted",
        "ResponseId": "response_id",
        "UserLanguage": "language",
    },
    "limesurvey": {
        "id": "response_id",
        "submitdate": "submitted",
        "startdate": "started",
        "lastpage": "lastpage",
        "startlanguage": "language",
    },
    "plain": {"status": "response_status"},
}
# variables by which a file that is not a Qualtrics CSV (a Qualtrics SPSS file, a CSV saved
# without the two extra header rows) is recognised as a Qualtrics export
QUALTRICS_MARKERS = frozenset({"Status", "ResponseId", "Finished"})
DEFAULT_KVK = {"qualtrics": ("ExternalReference",), "limesurvey": ("token",), "plain": ("kvk",)}
# the tools' own columns that carry nothing for the monitor (read as ``ignore`` entries:
# a column's exact name, else an fnmatch pattern; case-sensitive). A Qualtrics SPSS (.sav)
# file names its metadata as the CSV does, except ``Duration__in_seconds_`` and the timing
# columns (``Q3_First_Click``): SPSS names hold no spaces or parentheses.
DEFAULT_IGNORE = {
    "qualtrics": (
        "EndDate",
        "IPAddress",
        "Duration (in seconds)",
        "Duration__in_seconds_",  # the same in a Qualtrics SPSS file
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "ResponseSet",
        "Q_*",  # Q_RecaptchaScore, Q_RelevantIDDuplicate, Q_TotalDuration, Q_Language, …
        "*_First Click",  # timing questions
        "*_Last Click",
        "*_Page Submit",
        "*_Click Count",
        "*_First_Click",  # the same in a Qualtrics SPSS file
        "*_Last_Click",
        "*_Page_Submit",
        "*_Click_Count",
    ),
    "limesurvey": (
        "seed",
        "datestamp",
        "ipaddr",
        "refurl",
        "interviewtime",  # timings (when the survey records them)
        "groupTime*",
        "*Time",
    ),
    "plain": (),
}


def ignored_by(entries: tuple[str, ...], header: tuple[str, ...]) -> frozenset[str]:
    """The header columns ``entries`` (ignore entries) name. An entry that is the exact name of
    a column names that column only (``Q15[other]`` is not also the pattern that matches
    ``Q15o``); any other entry is an fnmatch pattern."""
    names = set(header)
    literal = {e for e in entries if e in names}
    patterns = [e for e in entries if e not in names]
    return frozenset(
        c for c in header if c in literal or any(fnmatch.fnmatchcase(c, p) for p in patterns)
    )


def label_key(text: str) -> str:
    """A label as it is compared: case-insensitive, without surrounding space, inner runs of
    space as one."""
    return " ".join(text.split()).casefold()


_NOT_REF = re.compile(r"[^A-Za-z0-9_.-]")


def column_ref(column: str) -> str:
    """The name a computed expression refers to an export column by: every character outside
    ``[A-Za-z0-9_.-]`` replaced by ``_`` (``Q05[SQ001]`` is ``${Q05_SQ001_}``)."""
    return _NOT_REF.sub("_", column)


@dataclass(frozen=True)
class Computed:
    """A variable computed from export columns: the expression (``text``, parsed), the export
    column each reference names, and the references it uses as numbers (arithmetic, ``<``,
    ``= 1``) — their cells must be numbers."""

    variable: str
    text: str
    expression: Expression
    columns: dict[str, str]  # reference → export column
    numeric: frozenset[str]


@dataclass(frozen=True)
class Mapping:
    """A mapping resolved against one file: what every header column is (``uses``: column →
    (use, target)), and how cells are read. ``name`` and ``sha256`` identify the mapping file
    ('' when none was given)."""

    source: str
    name: str = ""
    sha256: str = ""
    uses: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)  # column → variable
    firm: dict[str, str] = field(default_factory=dict)  # column → firm field
    meta: dict[str, str] = field(default_factory=dict)  # column → metadata key
    kvk: tuple[str, ...] = ()  # the KvK columns in the file, in order
    column_values: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # variable → {value: code}
    multiple: dict[str, dict[str, str]] = field(default_factory=dict)  # variable → {col: code}
    ticked: tuple[str, ...] = DEFAULT_TICKED  # case-folded
    unticked: tuple[str, ...] = DEFAULT_UNTICKED
    computed: dict[str, Computed] = field(default_factory=dict)
    not_asked: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()  # the patterns: the mapping's, then the source's defaults

    def use(self, column: str) -> tuple[str, str | None]:
        """(use, target) of a header column: ``answer``, ``multiple``, ``computed``, ``kvk``,
        ``firm``, ``meta``, ``ignored`` or ``unaccounted``."""
        return self.uses.get(column, ("unaccounted", None))

    def targets(self) -> frozenset[str]:
        """The variables this file gives answers for (a column, choice columns, computed)."""
        return frozenset(self.answers.values()) | set(self.multiple) | set(self.computed)

    def columns_of(self, use: str) -> tuple[str, ...]:
        """The header columns of one use, in file order."""
        return tuple(c for c, (u, _t) in self.uses.items() if u == use)


# ------------------------------------------------------------------------------ YAML


class _Loader(yaml.SafeLoader):
    """YAML with every scalar as its text (``1.0`` stays ``1.0``, ``yes`` stays ``yes``,
    ``01`` stays ``01``); only an empty value or ``~``/``null`` is None."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Reader:
    """The mapping file as plain data, with the line of every key, and its problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: dict[tuple[str, ...], int] = {}
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str, ...], message: str) -> None:
        line = None
        for k in range(len(path), 0, -1):
            line = self.lines.get(path[:k])
            if line is not None:
                break
        self.problems.append(Problem(self.name, line, ".".join(path) or None, message))

    def load(self, text: str) -> Any:
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.problems.append(
                Problem(self.name, line, None, f"is not readable YAML ({exc}); correct it")
            )
            return None
        return None if node is None else self._plain(node, ())

    def _plain(self, node: yaml.Node, path: tuple[str, ...]) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return None if node.tag == "tag:yaml.org,2002:null" else node.value
        if isinstance(node, yaml.SequenceNode):
            return [self._plain(item, (*path, str(i))) for i, item in enumerate(node.value)]
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._plain(key_node, path)
            key = "" if key is None else key
            if not isinstance(key, str):
                self.problems.append(
                    Problem(
                        self.name,
                        key_node.start_mark.line + 1,
                        ".".join(path) or None,
                        "a key must be a name, not a list or a mapping",
                    )
                )
                continue
            here = (*path, key)
            if key in out:
                self.problems.append(
                    Problem(
                        self.name,
                        key_node.start_mark.line + 1,
                        ".".join(here),
                        f"'{key}' is given twice; keep one",
                    )
                )
                continue
            self.lines[here] = key_node.start_mark.line + 1
            out[key] = self._plain(value_node, here)
        return out


# -------------------------------------------------------------------------- the mapping


def load_mapping(
    path: Path | None, source: str | None, table: Any, instrument: Instrument
) -> tuple[Mapping, list[Problem]]:
    """The mapping for ``table`` (a ``RawTable``): from ``path`` if given, on top of the
    defaults of its source (``source``, else the file's ``source:``, else what the file looks
    like), checked against ``instrument`` and the file's header. Returns the mapping and every
    problem found (empty: it can be used)."""
    return _Builder(path, source, table, instrument).build()


class _Builder:
    def __init__(self, path: Path | None, source: str | None, table: Any, instrument: Instrument):
        self.path, self.table, self.instrument = path, table, instrument
        self.cli_source = source
        self.reader = _Reader(path.name if path is not None else "mapping")
        self.header = tuple(table.header)
        self.in_file = set(self.header)
        self.questions = {q.name: q for q in instrument.variables()}
        self.calculations = {c.name for c in instrument.calculations} | {
            c.name for c in instrument.context
        }
        self.uses: dict[str, tuple[str, str | None]] = {}
        self.taken: dict[str, str] = {}  # variable / firm field → what gives it (for messages)
        self.computed_done: dict[str, Computed] = {}

    # -- helpers

    def problem(self, where: tuple[str, ...], message: str) -> None:
        self.reader.problem(where, message)

    def file_problem(self, column: str, message: str) -> None:
        self.reader.problems.append(Problem(self.table.name, 1, column, message))

    def _hint(self, name: str, known: set[str] | tuple[str, ...]) -> str:
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def _column_in_file(self, where: tuple[str, ...], column: str) -> bool:
        if column in self.in_file:
            return True
        self.problem(
            where,
            f"column '{column}' is not in {self.table.name}{self._hint(column, self.in_file)}; "
            "correct the name or remove it from the mapping",
        )
        return False

    def _variable(self, where: tuple[str, ...], name: str, *, firm: bool = False) -> bool:
        if name in self.questions:
            return True
        if firm and (name in FIRM_FIELDS or name in SPECIAL_TARGETS):
            return True
        known = set(self.questions) | (set(FIRM_FIELDS) | set(SPECIAL_TARGETS) if firm else set())
        if name in self.calculations:
            self.problem(
                where,
                f"'{name}' is a calculation of questionnaire {self.instrument.version}: innomon "
                "computes it from the answers; map the questions it is computed from instead",
            )
        else:
            extra = " nor a firm field (firm_name, sbi_code, municipality, kvk, status)"
            self.problem(
                where,
                f"'{name}' is not a question of questionnaire {self.instrument.version}"
                f"{extra if firm else ''}{self._hint(name, known)}; correct the name",
            )
        return False

    def _texts(self, where: tuple[str, ...], value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        self.problem(where, "must be a name or a list of names")
        return []

    def _dict(self, where: tuple[str, ...], value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self.problem(where, "must be a mapping of names to values (name: value, one a line)")
        return {}

    def _take(self, target: str, by: str, where: tuple[str, ...]) -> bool:
        """Claim ``target`` for ``by``; a second claim is a problem."""
        if target in self.taken:
            self.problem(
                where,
                f"'{target}' already comes from {self.taken[target]}; it can come from one "
                "place only — remove one of them (or ignore the column)",
            )
            return False
        self.taken[target] = by
        return True

    def _use(self, column: str, use: str, target: str | None, where: tuple[str, ...]) -> bool:
        if column in self.uses:
            before = self.uses[column]
            was = before[0] + (f" {before[1]}" if before[1] else "")
            self.problem(
                where,
                f"column '{column}' is mapped twice (already as {was}); a column can be mapped "
                "once — remove one",
            )
            return False
        self.uses[column] = (use, target)
        return True

    def _codes(
        self, where: tuple[str, ...], variable: str, value: Any, *, column: bool = False
    ) -> dict[str, str]:
        """An export value → code table, checked against the variable's codes."""
        out: dict[str, str] = {}
        q = self.questions.get(variable)
        for key, code in self._dict(where, value).items():
            code = "" if code is None else code
            here = (*where, key)
            if not isinstance(code, str):
                self.problem(here, "must be one answer code (or '' for no answer)")
                continue
            if q is not None and code != "":
                if q.is_select:
                    codes = [c.name for c in self.instrument.choices(q)]
                    if code not in codes:
                        self.problem(
                            here,
                            f"'{code}' is not an answer code of {variable} (its codes: "
                            f"{', '.join(codes)}); correct it",
                        )
                        continue
                elif q.type in ("integer", "decimal"):
                    read = read_typed_number(code, whole=q.type == "integer")
                    if not isinstance(read, TypedNumber):
                        self.problem(here, f"'{code}' is not a number; {variable} takes numbers")
                        continue
            out[key] = code
        return out

    # -- the parts

    def build(self) -> tuple[Mapping, list[Problem]]:
        data: dict[str, Any] = {}
        sha = ""
        if self.path is not None:
            try:
                raw = self.path.read_bytes()
            except OSError as exc:
                self.reader.problems.append(
                    Problem(self.reader.name, None, None, f"cannot be read ({exc.strerror})")
                )
                raw = b""
            sha = hashlib.sha256(raw).hexdigest()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.reader.problems.append(
                    Problem(self.reader.name, None, None, "is not UTF-8 text; save it as UTF-8")
                )
                text = ""
            loaded = self.reader.load(text)
            if isinstance(loaded, dict):
                data = loaded
            elif loaded is not None:
                self.reader.problems.append(
                    Problem(
                        self.reader.name, None, None, "must be a YAML mapping (key: value lines)"
                    )
                )
        for key in data:
            if key not in KEYS:
                self.problem(
                    (key,),
                    f"'{key}' is not a mapping key{self._hint(key, KEYS)}; the keys are "
                    f"{', '.join(KEYS)}",
                )
        source = self._source(data.get("source"))
        ignore = tuple(self._texts(("ignore",), data.get("ignore")))
        ticked = self._ticks("ticked", data, DEFAULT_TICKED)
        unticked = self._ticks("unticked", data, DEFAULT_UNTICKED)
        if set(ticked) & set(unticked):
            both = sorted(set(ticked) & set(unticked))
            self.problem(("unticked",), f"{', '.join(both)} cannot be both ticked and unticked")
        not_asked = self._not_asked(data.get("not_asked"))
        answers, firm, column_values, kvk_explicit = self._columns(data.get("columns"))
        kvk_listed = "kvk" in data
        kvk = self._kvk(data.get("kvk"), kvk_explicit, kvk_listed)
        multiple = self._multiple(data.get("multiple"))
        values = self._values(data.get("values"))
        computed = self._computed(data.get("computed"))
        self.computed_done = computed
        meta = self._rest(source, ignore, kvk_listed or bool(kvk_explicit), answers, firm)
        kvk_columns = list(kvk)
        if not kvk_listed and not kvk_explicit:
            kvk_columns = [c for c, (u, _t) in self.uses.items() if u == "kvk"]
        for variable in not_asked:
            given = self.taken.get(variable)
            if given is not None:
                self.problem(
                    ("not_asked",),
                    f"'{variable}' is declared not asked, but {given} gives it; remove it from "
                    "not_asked, or ignore that column",
                )
        ordered = {c: self.uses.get(c, ("unaccounted", None)) for c in self.header}
        ignore_all = ignore + DEFAULT_IGNORE[source]
        mapping = Mapping(
            source=source,
            name=self.reader.name if self.path is not None else "",
            sha256=sha,
            uses=ordered,
            answers={c: v for c, v in answers.items() if c in self.in_file},
            firm=firm,
            meta=meta,
            kvk=tuple(c for c in kvk_columns if c in self.in_file),
            column_values=column_values,
            values=values,
            multiple=multiple,
            ticked=ticked,
            unticked=unticked,
            computed=computed,
            not_asked=not_asked,
            ignore=ignore_all,
        )
        return mapping, self.reader.problems

    def _source(self, value: Any) -> str:
        if self.cli_source is not None:
            if self.cli_source not in SOURCES:
                self.reader.problems.append(
                    Problem(
                        "--source",
                        None,
                        "source",
                        f"'{self.cli_source}' is not one of {', '.join(SOURCES)}",
                    )
                )
                return self._recognised()
            return self.cli_source
        if value is None:
            return self._recognised()
        if value not in SOURCES:
            self.problem(("source",), f"'{value}' is not one of {', '.join(SOURCES)}")
            return self._recognised()
        return value

    def _recognised(self) -> str:
        """The source the file looks like: the reader's kind, and a plain file with Qualtrics'
        own Status, ResponseId and Finished variables (a Qualtrics SPSS export) is Qualtrics."""
        kind = self.table.kind if self.table.kind in SOURCES else "plain"
        if kind == "plain" and self.in_file >= QUALTRICS_MARKERS:
            return "qualtrics"
        return kind

    def _ticks(self, key: str, data: dict[str, Any], default: tuple[str, ...]) -> tuple[str, ...]:
        if key not in data:
            return default
        return tuple(t.casefold() for t in self._texts((key,), data[key]))

    def _not_asked(self, value: Any) -> tuple[str, ...]:
        out = []
        for i, name in enumerate(self._texts(("not_asked",), value)):
            if self._variable(("not_asked", str(i)), name):
                out.append(name)
        return tuple(dict.fromkeys(out))

    def _columns(
        self, value: Any
    ) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]], list[str]]:
        answers: dict[str, str] = {}
        firm: dict[str, str] = {}
        column_values: dict[str, dict[str, str]] = {}
        kvk: list[str] = []
        for column, spec in self._dict(("columns",), value).items():
            where = ("columns", column)
            target, codes = spec, None
            if isinstance(spec, dict):
                for key in spec:
                    if key not in ("variable", "values"):
                        self.problem(
                            (*where, key),
                            f"'{key}' is not a key of a column's long form (variable, values)",
                        )
                target, codes = spec.get("variable"), spec.get("values")
            if not isinstance(target, str) or not target:
                self.problem(where, "must name a questionnaire variable or a firm field")
                continue
            in_file = self._column_in_file(where, column)
            if not self._variable(where, target, firm=True):
                continue
            if codes is not None:
                column_values[column] = self._codes((*where, "values"), target, codes)
            if not in_file:
                continue
            if target == "kvk":
                if self._use(column, "kvk", "kvk", where):
                    kvk.append(column)
            elif target == "status":
                if self._use(column, "meta", "response_status", where):
                    self._take("meta:response_status", f"column '{column}'", where)
            elif target in FIRM_FIELDS:
                if self._use(column, "firm", target, where) and self._take(
                    target, f"column '{column}'", where
                ):
                    firm[column] = target
            elif self._use(column, "answer", target, where) and self._take(
                target, f"column '{column}'", where
            ):
                answers[column] = target
        return answers, firm, column_values, kvk

    def _kvk(self, value: Any, explicit: list[str], listed: bool) -> list[str]:
        out = list(explicit)
        for i, column in enumerate(self._texts(("kvk",), value)):
            where = ("kvk", str(i))
            if column in out:
                continue
            if self._column_in_file(where, column) and self._use(column, "kvk", "kvk", where):
                out.append(column)
        if listed and not out and value is not None:
            self.problem(("kvk",), "names no column of the file; name the KvK column(s)")
        return out

    def _multiple(self, value: Any) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for variable, columns in self._dict(("multiple",), value).items():
            where = ("multiple", variable)
            if not self._variable(where, variable):
                continue
            q = self.questions[variable]
            if q.type != "select_multiple":
                self.problem(
                    where,
                    f"'{variable}' is a {q.type} question; multiple is for a select_multiple "
                    "question spread over one column per choice — map it under columns",
                )
                continue
            codes = [c.name for c in self.instrument.choices(q)]
            ticks: dict[str, str] = {}
            for column, code in self._dict(where, columns).items():
                here = (*where, column)
                if not isinstance(code, str) or code not in codes:
                    self.problem(
                        here,
                        f"'{code}' is not an answer code of {variable} (its codes: "
                        f"{', '.join(codes)}); name the code this column ticks",
                    )
                    continue
                if code in ticks.values():
                    self.problem(here, f"code '{code}' of {variable} has two columns; keep one")
                    continue
                if self._column_in_file(here, column) and self._use(
                    column, "multiple", variable, here
                ):
                    ticks[column] = code
            if ticks and self._take(variable, "its choice columns (multiple)", where):
                out[variable] = ticks
        return out

    def _values(self, value: Any) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for variable, codes in self._dict(("values",), value).items():
            where = ("values", variable)
            if self._variable(where, variable):
                out[variable] = self._codes(where, variable, codes)
        return out

    def _computed(self, value: Any) -> dict[str, Computed]:
        out: dict[str, Computed] = {}
        refs: dict[str, list[str]] = {}
        for column in self.header:
            refs.setdefault(column_ref(column), []).append(column)
        for variable, text in self._dict(("computed",), value).items():
            where = ("computed", variable)
            if not self._variable(where, variable):
                continue
            if not isinstance(text, str):
                self.problem(where, "must be one expression (in quotes)")
                continue
            try:
                expression = parse(text)
            except ExpressionError as exc:
                self.problem(where, f"the expression does not parse: {exc}; correct it")
                continue
            if expression.uses_current:
                self.problem(where, "'.' has no meaning here; refer to export columns as ${name}")
                continue
            columns: dict[str, str] = {}
            for name in sorted(expression.references):
                found = refs.get(name, [])
                if len(found) == 1:
                    columns[name] = found[0]
                elif found:
                    self.problem(
                        where,
                        f"${{{name}}} can mean the columns {', '.join(found)}; rename one of "
                        "them in the export",
                    )
                else:
                    self.problem(
                        where,
                        f"${{{name}}} names no column of {self.table.name}"
                        f"{self._hint(name, set(refs))}; refer to a column by its name with "
                        "every character outside A-Z a-z 0-9 _ . - written as _ "
                        "(Q05[SQ001] is ${Q05_SQ001_})",
                    )
            if len(columns) != len(expression.references):
                continue
            if self._take(variable, f"computed ({text})", where):
                out[variable] = Computed(
                    variable, text, expression, columns, expression.numeric_references
                )
        return out

    def _rest(
        self,
        source: str,
        ignore: tuple[str, ...],
        kvk_given: bool,
        answers: dict[str, str],
        firm: dict[str, str],
    ) -> dict[str, str]:
        """Every header column the mapping did not name: ignored by the mapping, the tool's
        metadata, the default KvK column, a variable or firm field by its own name, a computed
        input, the tool's ignorable columns, else unaccounted. Returns column → metadata key."""
        meta: dict[str, str] = {c: t for c, (u, t) in self.uses.items() if u == "meta" and t}
        inputs = {col for c in self._computed_inputs() for col in c}
        by_mapping = ignored_by(ignore, self.header)
        by_default = ignored_by(DEFAULT_IGNORE[source], self.header)
        for column in self.header:
            explicit = column in by_mapping
            if column in self.uses:
                if explicit:
                    self.problem(
                        ("ignore",),
                        f"column '{column}' is both mapped ({self.uses[column][0]}) and "
                        "ignored; remove one",
                    )
                continue
            if explicit:
                if column in inputs:
                    self.problem(
                        ("ignore",),
                        f"column '{column}' is both read by computed and ignored; remove one",
                    )
                self.uses[column] = ("ignored", None)
                continue
            key = META_COLUMNS[source].get(column)
            if key is not None and f"meta:{key}" not in self.taken:
                self.uses[column] = ("meta", key)
                self.taken[f"meta:{key}"] = f"column '{column}'"
                meta[column] = key
                continue
            if not kvk_given and column in DEFAULT_KVK[source]:
                self.uses[column] = ("kvk", "kvk")
                continue
            if column in self.questions:
                given = self.taken.get(column)
                if given is not None:
                    self.file_problem(
                        column,
                        f"column '{column}' holds {column}, which already comes from {given}; "
                        "ignore the column (ignore) or drop the other",
                    )
                    self.uses[column] = ("ignored", None)
                    continue
                self.uses[column] = ("answer", column)
                self.taken[column] = f"column '{column}'"
                answers[column] = column
                continue
            if column in FIRM_FIELDS and column not in self.taken:
                self.uses[column] = ("firm", column)
                self.taken[column] = f"column '{column}'"
                firm[column] = column
                continue
            if column in inputs:
                targets = sorted(
                    v for v, cols in self._computed_by_variable().items() if column in cols
                )
                self.uses[column] = ("computed", ", ".join(targets))
                continue
            if column in by_default:
                self.uses[column] = ("ignored", None)
        return meta

    def _computed_by_variable(self) -> dict[str, set[str]]:
        return {v: set(c.columns.values()) for v, c in self.computed_done.items()}

    def _computed_inputs(self) -> list[set[str]]:
        return list(self._computed_by_variable().values())
