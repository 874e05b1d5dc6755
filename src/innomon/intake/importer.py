"""``innomon import``: a survey-tool export into a wave — every row checked, nothing lost.

Each row is converted with the mapping (columns, codes), typed by its question, checked against
the questionnaire (types, choices, constraints, relevance, required answers) and the firm
register (KvK number, municipality, SBI code). Rows that pass are stored as responses (with
their initiative participations); rows that do not are kept whole in the quarantine with every
problem, and listed in ``out/<region>/<year>/import-report.html`` and ``.csv``. Importing the
same file again changes nothing; importing a corrected file resolves its quarantined rows.
All of it happens in one transaction.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, override

from innomon.classification import sbi_section, size_class
from innomon.config import open_private, private_mkdir
from innomon.errors import InputError, Problem, name_the_file
from innomon.instrument import Instrument
from innomon.instrument._values import Ambiguous, finite_float, read_number
from innomon.instrument.validate import validate_table
from innomon.registry.models import Firm, Municipality, validate_kvk
from innomon.survey.models import ImportBatch, QuarantinedRow, Response, Wave
from innomon.survey.panel import normalise_name
from innomon.survey.questionnaires import wave_instrument
from innomon.survey.responses import WRITTEN, Outcome, store_responses
from innomon.survey.responses import registry_instrument as registry_instrument  # re-exported

from .cells import formula_safe
from .mapping import FIRM_FIELDS, META, Mapping, load_mapping
from .sources import SourceTable, read_source

QUARANTINED_EXIT = 3
MATCHED_BY_NAME = "matched by firm name and municipality: the file has no KvK number; check it"
# the review note of a response whose firm an import registered: its KvK number was not in the
# register, so it may be a mistyped number of a registered firm (the team clears the note)
NEW_FIRM = "a new firm, registered by an import: its KvK number was not in the register; check it"
NAME_MATCH = 0.9  # difflib ratio of two normalised names from which they are one firm's name
_DIGITS = re.compile(r"\d+")
_INT = re.compile(r"[+-]?\d+")


@dataclass
class RowProblem:
    row: int  # index in the table
    column: str
    value: Any
    rule: str
    message_nl: str
    message_en: str

    @classmethod
    def of(cls, row: int, column: str, value: Any, rule: str, message, **params) -> RowProblem:
        """A problem whose message — a lazy gettext msgid with ``%(name)s`` parameters — is
        rendered from the catalogues in both languages the quarantine keeps."""
        return cls(row, column, value, rule, *_in_both(message, params))

    def as_dict(self, table: SourceTable) -> dict[str, Any]:
        return {
            "row": table.row_numbers[self.row],
            "column": self.column,
            "value": "" if self.value is None else str(self.value),
            "rule": self.rule,
            "message_nl": self.message_nl,
            "message_en": self.message_en,
        }


@dataclass
class ImportResult:
    batch: ImportBatch
    rows: int
    stored: int
    unchanged: int
    quarantined: int
    resolved: int
    report_html: Path
    report_csv: Path
    problems: list[dict[str, Any]] = field(default_factory=list)
    new_firms: list[str] = field(default_factory=list)  # KvK numbers registered (to review)


def _in_both(message, params: dict[str, Any]) -> tuple[str, str]:
    """``message % params`` in Dutch and in English, whatever the active language."""
    texts = []
    for lang in ("nl", "en"):
        with override(lang):
            texts.append(message % params if params else str(message))
    return texts[0], texts[1]


def _header_problems(table: SourceTable, mapping: Mapping, instrument: Instrument) -> None:
    """File-level checks: every column means something, the KvK column is there, and no
    required question is missing. One error listing them all."""
    variables = {q.name for q in instrument.variables()}
    known = variables | set(FIRM_FIELDS) | set(META)
    multiple_cols = {c for cols in mapping.multiple.values() for c in cols}
    problems = []
    targets = set()
    for column in table.header:
        target = mapping.target(column)
        if target is None or column in multiple_cols:
            continue
        if target not in known:
            close = difflib.get_close_matches(target, sorted(known), n=1, cutoff=0.75)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            problems.append(
                Problem(
                    table.name,
                    1,
                    column,
                    f"column '{column}' is not a question of questionnaire "
                    f"{instrument.version}{hint} Map it with --mapping, or "
                    "ignore it there",
                )
            )
        targets.add(target)
    targets |= set(mapping.multiple)
    if "kvk" not in targets:
        problems.append(
            Problem(
                table.name,
                1,
                "kvk",
                "no column holds the KvK number; name it 'kvk' or map one to it",
            )
        )
    for q in instrument.variables():
        if q.required and q.relevant is None and q.name not in targets:
            problems.append(
                Problem(table.name, 1, q.name, f"the required question '{q.name}' has no column")
            )
    if problems:
        raise InputError(problems)


def _convert(
    table: SourceTable, mapping: Mapping, instrument: Instrument
) -> tuple[dict[str, np.ndarray], list[RowProblem]]:
    """Typed answer columns (object arrays, None for no answer) and the conversion problems."""
    n = len(table.rows)
    by_target: dict[str, str] = {}
    for column in table.header:
        target = mapping.target(column)
        if target is not None:
            by_target[target] = column
    problems: list[RowProblem] = []
    columns: dict[str, np.ndarray] = {}
    decimal_comma = table.delimiter == ";"
    for q in instrument.variables():
        out = np.full(n, None, dtype=object)
        if q.type == "select_multiple" and q.name in mapping.multiple:
            ticks = mapping.multiple[q.name]
            vt = instrument.value_type(q)
            for i, row in enumerate(table.rows):
                chosen = [
                    code for col, code in ticks.items() if (row.get(col) or "") in ("1", "1.0")
                ]
                out[i] = [vt(c) if vt is int else c for c in chosen] if chosen else None
            columns[q.name] = out
            continue
        column = by_target.get(q.name)
        if column is None:
            columns[q.name] = out
            continue
        raw = [row.get(column) for row in table.rows]
        cache: dict[str, Any] = {}
        for i, text in enumerate(raw):
            if text is None:
                continue
            if text not in cache:
                cache[text] = _typed(q, instrument, mapping, text, decimal_comma)
            value = cache[text]
            if isinstance(value, _Bad):
                problems.append(RowProblem(i, column, text, "type", value.nl, value.en))
            else:
                out[i] = value
        columns[q.name] = out
    return columns, problems


@dataclass(frozen=True)
class _Bad:
    nl: str
    en: str

    @classmethod
    def of(cls, message, **params) -> _Bad:
        return cls(*_in_both(message, params))


def _number(text: str, decimal_comma: bool) -> int | float | _Bad | None:
    """A cell as a number by the questionnaire's rule (``read_number``): in a ``;``-separated
    file (Dutch Excel) ``1.500`` is 1500 and ``1,5`` is 1.5; in other files the reverse; a
    separator that can be read two ways (``1.5`` in a ``;`` file) is a problem naming both."""
    x = read_number(text, decimal_comma)
    if isinstance(x, Ambiguous):
        return _Bad.of(
            _("'%(text)s' can be read in two ways: write %(decimal)s or %(whole)s"),
            text=x.text,
            decimal=x.decimal,
            whole=x.whole,
        )
    return x


def _typed(q, instrument: Instrument, mapping: Mapping, text: str, decimal_comma: bool) -> Any:
    """One cell as the answer its question stores, or a ``_Bad`` saying why it is not one."""
    text = mapping.code(q.name, text)
    if q.type == "integer":
        x = _number(text, decimal_comma)
        if isinstance(x, _Bad):
            return x
        if x is None or not float(x).is_integer():
            return _Bad.of(_("'%(text)s' is not a whole number"), text=text)
        return int(x)
    if q.type == "decimal":
        x = _number(text, decimal_comma)
        if isinstance(x, _Bad):
            return x
        if x is None or finite_float(x) is None:
            return _Bad.of(_("'%(text)s' is not a number"), text=text)
        return float(x)
    if q.type == "text":
        return text
    codes = [c.name for c in instrument.choices(q)]
    vt = instrument.value_type(q)

    def one(code: str) -> Any:
        code = mapping.code(q.name, code)
        if code.endswith(".0") and code[:-2] in codes:
            code = code[:-2]
        if code not in codes:
            return _Bad.of(
                _("'%(code)s' is not an answer code of %(question)s"), code=code, question=q.name
            )
        return int(code) if vt is int else code

    if q.type == "select_one":
        return one(text)
    parts = [p for p in re.split(r"[\s,;]+", text) if p]
    values = [one(p) for p in parts]
    bad = next((v for v in values if isinstance(v, _Bad)), None)
    return bad if bad is not None else values


def _statuses(table: SourceTable, mapping: Mapping) -> list[str]:
    """Each row's status: complete or partial (or ``invalid:<value>``)."""
    cols = {mapping.target(c): c for c in table.header}
    return [_status(table, mapping, row, cols) for row in table.rows]


def _status(table: SourceTable, mapping: Mapping, row: dict, cols: dict) -> str:
    if "status" in cols:
        value = (row.get(cols["status"]) or "complete").lower()
        return value if value in ("complete", "partial") else "invalid:" + value
    if "_finished" in cols:
        return (
            "complete" if (row.get(cols["_finished"]) or "").lower() in ("1", "true") else "partial"
        )
    if mapping.source == "limesurvey" and "_submitted" in cols:
        return "complete" if row.get(cols["_submitted"]) else "partial"
    return "complete"


class _RegisteredNames:
    """The register's firms by normalised name (read once, when a new firm needs it): a new
    firm named like a registered one — equal, or nearly (``NAME_MATCH``) — is most likely that
    firm with a mistyped KvK number."""

    def __init__(self) -> None:
        self._by_name: dict[str, tuple[str, str]] | None = None

    def match(self, name: str) -> tuple[str, str] | None:
        """(name, KvK number) of the registered firm ``name`` matches, or None."""
        if self._by_name is None:
            self._by_name = {}
            for kvk, registered in Firm.objects.order_by("kvk").values_list("kvk", "name"):
                self._by_name.setdefault(normalise_name(registered), (registered, kvk))
            self._by_name.pop("", None)
        key = normalise_name(name)
        if not key:
            return None
        if key in self._by_name:
            return self._by_name[key]
        # nearly equal, with the same numbers: "Bouw 1" and "Bouw 2" are two firms
        digits = _DIGITS.findall(key)
        close = difflib.get_close_matches(key, self._by_name, n=5, cutoff=NAME_MATCH)
        same = [c for c in close if _DIGITS.findall(c) == digits]
        return self._by_name[same[0]] if same else None


def _firm_checks(
    table: SourceTable, mapping: Mapping, columns: dict[str, np.ndarray]
) -> tuple[list[str], list[RowProblem], dict[int, dict[str, Any]], set[int]]:
    """Each row's KvK number, the register problems, the firms to register (new ones), and the
    rows without a KvK number matched to a registered firm by name and municipality (to be
    reviewed). A new firm whose name equals or nearly equals a registered firm's is not
    registered: its row is quarantined (most likely a mistyped KvK number)."""
    registered = _RegisteredNames()
    cols = {mapping.target(c): c for c in table.header}
    existing = set(Firm.objects.values_list("kvk", flat=True))
    munis = set(Municipality.objects.values_list("code", flat=True))
    kvks, problems, new, by_name = [], [], {}, set()
    none = np.full(len(table.rows), None)
    employees_col = columns.get("employees", none)
    founding_col = columns.get("founding_year", none)
    names: dict[tuple[str, str], list[str]] | None = None
    for i, row in enumerate(table.rows):
        kvk = (row.get(cols.get("kvk", "")) or "").strip()
        if not kvk and row.get(cols.get("firm_name", "")):
            if names is None:  # fallback: normalised name + municipality, built once
                names = {}
                for k, name, muni in Firm.objects.values_list("kvk", "name", "municipality__code"):
                    names.setdefault((normalise_name(name), muni), []).append(k)
            key = (
                normalise_name(row.get(cols.get("firm_name", "")) or ""),
                (row.get(cols.get("municipality", "")) or "").strip(),
            )
            if len(names.get(key, [])) == 1:
                kvk = names[key][0]
                by_name.add(i)
        kvks.append(kvk)
        column = cols.get("kvk", "kvk")
        try:
            validate_kvk(kvk)
        except Exception:
            problems.append(
                RowProblem.of(
                    i,
                    column,
                    kvk,
                    "register",
                    _("'%(kvk)s' is not a KvK number (8 digits)"),
                    kvk=kvk,
                )
            )
            continue
        if kvk in existing:
            continue
        name = (row.get(cols.get("firm_name", "")) or "").strip()
        sbi = (row.get(cols.get("sbi_code", "")) or "").strip()
        muni = (row.get(cols.get("municipality", "")) or "").strip()
        employees = employees_col[i]
        founding = founding_col[i]
        bad = []
        if not name:
            bad.append(
                (
                    "firm_name",
                    name,
                    _("the firm's name is missing (a new firm)"),
                    {},
                )
            )
        try:
            sbi_section(sbi)
        except ValueError:
            bad.append(
                (
                    "sbi_code",
                    sbi,
                    _("'%(sbi)s' is not an SBI 2008 code"),
                    {"sbi": sbi},
                )
            )
        if muni not in munis:
            bad.append(
                (
                    "municipality",
                    muni,
                    _("municipality '%(municipality)s' is not in the region"),
                    {"municipality": muni},
                )
            )
        if employees is None:
            bad.append(
                (
                    "employees",
                    None,
                    _("the number of employees is missing (a new firm)"),
                    {},
                )
            )
        if len(name) > Firm._meta.get_field("name").max_length:
            bad.append(
                (
                    "firm_name",
                    name[:40] + "…",
                    _("the firm's name is longer than %(n)s characters"),
                    {"n": Firm._meta.get_field("name").max_length},
                )
            )
        match = registered.match(name) if not bad else None
        if match is not None:
            bad.append(
                (
                    "kvk",
                    kvk,
                    _(
                        "KvK number %(kvk)s is not registered, but the name matches registered "
                        "firm %(name)s (KvK %(registered)s); correct the KvK number, or register "
                        "the new firm first with `innomon import-firms`"
                    ),
                    {"kvk": kvk, "name": match[0], "registered": match[1]},
                )
            )
        for field_name, value, message, params in bad:
            problems.append(
                RowProblem.of(
                    i, cols.get(field_name, field_name), value, "register", message, **params
                )
            )
        if not bad:
            new[i] = {
                "kvk": kvk,
                "name": name,
                "sbi_code": sbi,
                "municipality": muni,
                "employees": employees,
                "founding_year": founding,
            }
    return kvks, problems, new, by_name


def _digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def _answer_rows(columns: dict[str, np.ndarray], n: int) -> list[dict[str, Any]]:
    """Each row's answers as a dict (unanswered questions left out), built column by column."""
    rows: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, col in columns.items():
        for i in np.flatnonzero(col != None).tolist():  # noqa: E711 (element-wise)
            rows[i][name] = col[i]
    return rows


def import_wave(
    wave: Wave,
    path: Path,
    instrument: Instrument | None,
    out_dir: Path,
    *,
    mapping_path: Path | None = None,
    source: str | None = None,
) -> ImportResult:
    """Import ``path`` into ``wave``; see the module docstring. ``instrument`` is the
    questionnaire the file answers; None: the wave's own (``wave_instrument``), which is what
    the command uses. File-level problems (wrong type, unreadable, columns that mean nothing, a
    missing required question) are an ``InputError`` and nothing is written."""
    instrument = (instrument or wave_instrument(wave)).as_of(wave.year)
    table = read_source(path)
    mapping = load_mapping(mapping_path, source, table.kind)
    _header_problems(table, mapping, instrument)
    columns, problems = _convert(table, mapping, instrument)
    statuses = _statuses(table, mapping)
    for i, st in enumerate(statuses):
        if st.startswith("invalid:"):
            problems.append(
                RowProblem.of(
                    i,
                    "status",
                    st[8:],
                    "type",
                    _("status '%(status)s' is not complete or partial"),
                    status=st[8:],
                )
            )
    complete = np.array([s == "complete" for s in statuses])
    kvks, register_problems, new_firms, by_name = _firm_checks(table, mapping, columns)
    problems += register_problems
    counts = Counter(k for k in kvks if k)
    for i, k in enumerate(kvks):
        if k and counts[k] > 1:
            others = [table.row_numbers[j] for j, kk in enumerate(kvks) if kk == k and j != i]
            problems.append(
                RowProblem.of(
                    i,
                    "kvk",
                    k,
                    "duplicate",
                    ngettext_lazy(
                        "firm %(kvk)s appears more than once in the file (also row %(rows)s)",
                        "firm %(kvk)s appears more than once in the file (also rows %(rows)s)",
                        "count",
                    ),
                    kvk=k,
                    rows=", ".join(map(str, others)),
                    count=len(others),
                )
            )
    by_var_column = {mapping.target(c): c for c in table.header}
    for p in validate_table(instrument, columns, complete):
        problems.append(
            RowProblem(
                p.row,
                by_var_column.get(p.variable, p.variable),
                p.value,
                p.rule,
                p.message_nl,
                p.message_en,
            )
        )
    bad_rows = {p.row for p in problems}
    return _store(
        wave,
        table,
        path,
        mapping,
        columns,
        statuses,
        kvks,
        new_firms,
        problems,
        bad_rows,
        instrument,
        out_dir,
        by_name,
    )


@transaction.atomic
def _store(
    wave,
    table,
    path,
    mapping,
    columns,
    statuses,
    kvks,
    new_firms,
    problems,
    bad_rows,
    instrument,
    out_dir,
    by_name=frozenset(),
) -> ImportResult:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = ImportBatch.objects.create(
        wave=wave, file_name=path.name, sha256=sha, source=mapping.source, rows=len(table.rows)
    )
    now = timezone.now()
    good = [i for i in range(len(table.rows)) if i not in bad_rows]
    # register the new firms among the good rows
    munis = dict(Municipality.objects.values_list("code", "id"))
    firms_new = []
    sections: dict[str, str] = {}
    for i in good:
        if i in new_firms:
            f = new_firms[i]
            employees = int(f["employees"])
            if f["sbi_code"] not in sections:
                sections[f["sbi_code"]] = sbi_section(f["sbi_code"])
            firms_new.append(
                Firm(
                    kvk=f["kvk"],
                    name=f["name"],
                    sbi_code=f["sbi_code"],
                    sbi_section=sections[f["sbi_code"]],
                    employees=employees,
                    size_class=size_class(employees),
                    founding_year=f["founding_year"],
                    municipality_id=munis[f["municipality"]],
                )
            )
    Firm.objects.bulk_create(firms_new, batch_size=5000)
    # the responses, through the survey's one write path: an answered invitation is filled in,
    # an identical response left alone, a different one never overwritten (a conflict)
    all_answers = _answer_rows(columns, len(table.rows))
    outcomes = [
        o.outcome
        for o in store_responses(
            wave,
            [
                {
                    "kvk": kvks[i],
                    "status": statuses[i],
                    "answers": all_answers[i],
                    "started_at": now,
                    "submitted_at": now if statuses[i] == "complete" else None,
                    "review_note": (
                        MATCHED_BY_NAME if i in by_name else NEW_FIRM if i in new_firms else ""
                    ),
                }
                for i in good
            ],
            source=table.name,
            instrument=instrument,
        ).outcomes
    ]
    stored = [i for i, o in zip(good, outcomes, strict=True) if o in WRITTEN]
    unchanged = outcomes.count(Outcome.UNCHANGED)
    conflicts = [i for i, o in zip(good, outcomes, strict=True) if o is Outcome.CONFLICT]
    for i in conflicts:
        problems.append(
            RowProblem.of(
                i,
                "kvk",
                kvks[i],
                "conflict",
                _(
                    "firm %(kvk)s already has a different response in wave %(year)s; change or "
                    "delete it in the back office first"
                ),
                kvk=kvks[i],
                year=wave.year,
            )
        )
    # quarantine: every bad row once, with all its problems
    by_row: dict[int, list[dict[str, Any]]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p.as_dict(table))
    open_digests = set(
        QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).values_list(
            "digest", flat=True
        )
    )
    quarantined = []
    for i in sorted(by_row):
        raw = table.rows[i]
        digest = _digest(raw)
        if digest in open_digests:
            continue  # the same row from the same (or an identical) file: already there
        open_digests.add(digest)
        quarantined.append(
            QuarantinedRow(
                wave=wave,
                batch=batch,
                file_name=table.name,
                row_number=table.row_numbers[i],
                kvk=kvks[i] or "",
                raw=raw,
                digest=digest,
                problems=by_row[i],
            )
        )
    QuarantinedRow.objects.bulk_create(quarantined, batch_size=2000)
    stored_kvks = {kvks[i] for i in stored}
    to_resolve = [
        pk
        for pk, k in QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).values_list(
            "id", "kvk"
        )
        if k in stored_kvks
    ]
    resolved = QuarantinedRow.objects.filter(pk__in=to_resolve).update(
        resolved_at=now, resolved_by=batch
    )
    batch.stored, batch.unchanged = len(stored), unchanged
    batch.quarantined, batch.resolved = len(by_row), resolved
    batch.save()
    html, csv_path = write_report(wave, batch, out_dir)
    return ImportResult(
        batch,
        len(table.rows),
        len(stored),
        unchanged,
        len(by_row),
        resolved,
        html,
        csv_path,
        [d for i in sorted(by_row) for d in by_row[i]],
        [f.kvk for f in firms_new],
    )


REPORT_COLUMNS = ("file", "row", "kvk", "column", "value", "rule", "message_nl", "message_en")


def _new_firm_lines(wave: Wave) -> list[dict[str, Any]]:
    """The firms imports registered in ``wave`` whose responses still await review (their
    ``NEW_FIRM`` note), as report lines."""
    responses = (
        Response.objects.filter(wave=wave, review_note=NEW_FIRM)
        .select_related("firm__municipality")
        .order_by("firm__kvk")
    )
    message = _(
        "new firm %(name)s registered by the import: check its KvK number; if it is right, "
        "clear the response's note in the back office"
    )
    lines = []
    for r in responses:
        nl, en = _in_both(message, {"name": r.firm.name})
        lines.append(
            {
                "file": "",
                "row": "",
                "kvk": r.firm.kvk,
                "column": "kvk",
                "value": r.firm.name,
                "rule": "new_firm",
                "message_nl": nl,
                "message_en": en,
                "firm": r.firm,
            }
        )
    return lines


def _write_atomically(path: Path, write: Any) -> None:
    """``write(fh)`` into a private temporary file beside ``path``, renamed over it: a failure
    (a full disk) leaves the previous file and no temporary one."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open_private(tmp, "w", newline="", encoding="utf-8") as fh:
            write(fh)
        tmp.replace(path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        name_the_file(exc, path)
        raise


def write_report(wave: Wave, batch: ImportBatch, out_dir: Path) -> tuple[Path, Path]:
    """``import-report.html`` and ``.csv``: every open quarantined row of the wave with its
    problems, the new firms imports registered that await review, and this import's summary.
    Written atomically; the CSV's cells are formula-safe (``formula_safe``, as the exports)."""
    folder = private_mkdir(out_dir / wave.region.code / str(wave.year))  # firm data: private
    rows = list(
        QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).order_by(
            "file_name", "row_number"
        )
    )
    lines = [
        {
            "file": r.file_name,
            "row": p["row"],
            "kvk": r.kvk,
            "column": p["column"],
            "value": p["value"],
            "rule": p["rule"],
            "message_nl": p["message_nl"],
            "message_en": p["message_en"],
        }
        for r in rows
        for p in r.problems
    ]
    new_firms = _new_firm_lines(wave)
    csv_path = folder / "import-report.csv"

    def write_csv(fh: Any) -> None:
        writer = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {k: formula_safe(v) for k, v in line.items()} for line in [*lines, *new_firms]
        )

    _write_atomically(csv_path, write_csv)
    html_path = folder / "import-report.html"
    text = render_to_string(
        "intake/import_report.html",
        {
            "wave": wave,
            "batch": batch,
            "lines": lines,
            "open_rows": len(rows),
            "new_firms": new_firms,
        },
    )
    _write_atomically(html_path, lambda fh: fh.write(text))
    return html_path, csv_path
