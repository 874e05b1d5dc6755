"""``innomon import``: a survey-tool export into a wave — every cell stored or reported.

The file is read (``intake.sources``), its mapping loaded and checked against the questionnaire
and the header (``intake.mapping``); a file-level problem — a column that means nothing, a
required question without a column, a bad mapping, with ``strict`` a column the mapping does
not account for — writes the import report listing every problem and nothing else, and is an
``InputError``. Otherwise each cell is converted (``intake.convert``), the tool's metadata read
(``intake.metadata``: previews, tests and spam are not stored; unfinished responses are
partial), each row's firm found (``intake.firms``), one firm's several rows decided
(``intake.doubles``), and every row checked against the questionnaire. Rows that pass are
stored through the survey's one write path (``survey.responses.store_responses``); rows that do
not are kept whole in the quarantine with every problem. The raw file is archived privately
with its checksum (``intake.archive``); importing the same file into the same wave again
replaces that batch: its responses are rewritten by the new mapping, those no longer stored
removed. ``out/<region>/<year>/import-report.html`` and ``.csv`` say what became of it all.
Everything happens in one transaction; ``dry_run`` computes all of it and writes nothing.
"""

from __future__ import annotations

import csv
import gc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from innomon.classification import sbi_section, size_class
from innomon.config import open_private, private_mkdir
from innomon.errors import InputError, Problem, name_the_file
from innomon.instrument import Instrument
from innomon.instrument.validate import validate_table
from innomon.registry.models import Firm, Municipality
from innomon.survey.models import ImportBatch, QuarantinedRow, Response, ResponseEdit, Wave
from innomon.survey.questionnaires import wave_instrument
from innomon.survey.responses import (
    WRITTEN,
    Outcome,
    Policy,
    insert_rows,
    move_to_batch,
    remove_responses,
    store_responses,
)
from innomon.survey.responses import registry_instrument as registry_instrument  # re-exported

from . import report as reporting
from .archive import archive, archive_path, sha256_of
from .cells import formula_safe
from .convert import convert, file_problems
from .doubles import digest, group_rows, repeated
from .firms import check_firms
from .mapping import load_mapping
from .metadata import NOT_STORED, PREVIEW, SPAM, TEST, read_metadata
from .problems import RowProblem, in_both
from .sources import read_source

QUARANTINED_EXIT = 3
MATCHED_BY_NAME = "matched by firm name and municipality: the file has no KvK number; check it"
# the review note of a response whose firm an import registered: its KvK number was not in the
# register, so it may be a mistyped number of a registered firm (the team clears the note)
NEW_FIRM = "a new firm, registered by an import: its KvK number was not in the register; check it"
REPORT_COLUMNS = ("file", "row", "kvk", "column", "value", "rule", "message_nl", "message_en")


@dataclass
class ColumnStat:
    """What became of one column's cells (``--dry-run`` prints these)."""

    column: str
    use: str
    target: str | None
    filled: int
    stored: int
    quarantined: int
    ignored: int  # filled cells not stored: an ignored column, or a row that is no response


@dataclass
class ImportResult:
    batch: ImportBatch | None  # None for a dry run
    rows: int
    stored: int
    unchanged: int
    quarantined: int
    resolved: int
    report_html: Path | None
    report_csv: Path | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    new_firms: list[str] = field(default_factory=list)  # KvK numbers registered (to review)
    counts: dict[str, int] = field(default_factory=dict)  # previews, tests, spam, partial, …
    columns: list[ColumnStat] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)
    not_asked: tuple[str, ...] = ()
    replaced: ImportBatch | None = None  # the earlier batch of the same file, now replaced
    dry_run: bool = False
    details: dict[str, Any] = field(default_factory=dict)  # the report's sections of this run


def _problem(row: int, column: str, value: Any, rule: str, message: Any, **params: Any):
    return RowProblem(row, column, value, rule, *in_both(message, params))


# ------------------------------------------------------------------------------ the import


def import_wave(
    wave: Wave,
    path: Path,
    instrument: Instrument | None = None,
    out_dir: Path | None = None,
    *,
    mapping_path: Path | None = None,
    source: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import ``path`` into ``wave``; see the module docstring. ``instrument`` is the
    questionnaire the file answers; None: the wave's own (``wave_instrument``). ``out_dir`` is
    the private tree the report and the archive go to (default ``config.private_dir()``).
    File-level problems are an ``InputError`` after the report listing them is written (not
    in a dry run); nothing else is written."""
    if out_dir is None:
        from innomon.config import private_dir

        out_dir = private_dir()
    instrument = (instrument or wave_instrument(wave)).as_of(wave.year)
    table = read_source(path)
    mapping, problems = load_mapping(mapping_path, source, table, instrument)
    if mapping is not None:
        problems = [*problems, *file_problems(table, mapping, instrument, strict=strict)]
    if problems:
        if not dry_run:
            write_file_report(wave, table.name, problems, out_dir)
        raise InputError(problems)
    collecting = gc.isenabled()
    gc.disable()  # millions of answers, no cycles: the collector would rescan them again and again
    try:
        return _import(wave, path, table, mapping, instrument, out_dir, mapping_path, dry_run)
    finally:
        if collecting:
            gc.enable()


def _import(
    wave: Wave,
    path: Path,
    table: Any,
    mapping: Any,
    instrument: Instrument,
    out_dir: Path,
    mapping_path: Path | None,
    dry_run: bool,
) -> ImportResult:
    plan = _plan(wave, table, mapping, instrument)
    sha = sha256_of(path)
    mapping_sha = sha256_of(mapping_path) if mapping_path is not None else ""
    target = archive_path(out_dir, wave.region.code, wave.year, sha, path.name)
    made_archive = False
    try:
        with transaction.atomic():
            result = _store(wave, table, plan, instrument, path.name, sha, mapping, mapping_sha)
            result.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
            else:
                made_archive = archive(path, target)
                result.batch.archive = str(target)
                result.batch.save(update_fields=["archive"])
                result.report_html, result.report_csv = write_report(
                    wave, result.batch, out_dir, details=result.details
                )
    except BaseException:
        if made_archive:
            target.unlink(missing_ok=True)
        raise
    if dry_run:
        result.batch = None
    return result


@dataclass
class _Plan:
    """Everything decided before anything is written."""

    conv: Any
    meta: Any
    kvk: np.ndarray
    firms: Any
    problems: list  # RowProblem, every row's
    kind: np.ndarray
    grouping: Any
    held: dict[int, str]  # row → group key (different complete responses of one firm)
    candidates: np.ndarray  # rows that are responses (not previews, tests, spam)


def _plan(wave: Wave, table: Any, mapping: Any, instrument: Instrument) -> _Plan:
    n = len(table)
    conv = convert(table, mapping, instrument)
    meta_columns = {u.target: u.column for u in conv.uses if u.use == "meta" and u.target}
    meta = read_metadata(conv.meta, n, getattr(mapping, "source", table.kind), meta_columns)
    problems: list = list(conv.problems)
    status_col = meta_columns.get("status", meta_columns.get("response_status", "status"))
    for i, value in sorted(meta.bad_status.items()):
        problems.append(
            _problem(
                i,
                status_col,
                value,
                "status",
                _("status '%(status)s' is not a response type the survey tool writes"),
                status=value,
            )
        )
    kind = meta.kind
    candidates = np.flatnonzero(~np.isin(kind.astype(str), NOT_STORED))
    refused = {
        p.row for p in problems if p.rule in ("kvk", "register") and p.column in _kvk_columns(conv)
    }
    firms = check_firms(
        conv.kvk,
        conv.firm,
        conv.columns.get("employees"),
        conv.columns.get("founding_year"),
        candidates,
        refused,
    )
    kvk_col = next(iter(_kvk_columns(conv)), "kvk")
    firm_cols = {u.target: u.column for u in conv.uses if u.use == "firm" and u.target}
    cell_problems = {(p.row, p.column) for p in conv.problems}
    for p in firms.problems:
        column = kvk_col if p.field == "kvk" else firm_cols.get(p.field, p.field)
        if p.field == "employees":
            column = _origin(conv, "employees")
        if (p.row, column) in cell_problems:
            continue  # its cell is reported already (it could not be read)
        problems.append(_problem(p.row, column, p.value, "register", p.message, **p.params))
    kvk = firms.kvk
    with_kvk = (
        candidates[np.array([kvk[i] is not None for i in candidates.tolist()], dtype=bool)]
        if len(candidates)
        else candidates
    )
    groups = repeated(kvk, with_kvk)

    def answers(i: int) -> dict[str, Any]:
        return {k: v[i] for k, v in conv.columns.items() if v[i] is not None}

    grouping = group_rows(groups, meta.complete, answers, meta.submitted)
    held: dict[int, str] = {}
    for rows in grouping.held:
        key = str(kvk[rows[0]])
        numbers = [int(table.row_numbers[j]) for j in rows]
        for i in rows:
            held[i] = key
            others = [str(r) for r in numbers if r != int(table.row_numbers[i])]
            problems.append(
                _problem(
                    i,
                    kvk_col,
                    kvk[i],
                    "double",
                    ngettext_lazy(
                        "firm %(kvk)s sent different complete responses (also row %(rows)s): "
                        "keep the right one in the file and import it again",
                        "firm %(kvk)s sent different complete responses (also rows %(rows)s): "
                        "keep the right one in the file and import it again",
                        "count",
                    ),
                    kvk=kvk[i],
                    rows=", ".join(others),
                    count=len(others),
                )
            )
    checked = np.zeros(n, dtype=bool)
    checked[candidates] = True
    for i in grouping.dropped:
        checked[i] = False
    not_asked = set(conv.not_asked)
    by_var_column = {
        **{u.target: u.column for u in conv.uses if u.target and u.use in ("answer", "multiple")},
        **getattr(conv, "origin", {}),
    }
    cell_problems = {(p.row, p.column) for p in conv.problems}
    distinct = getattr(conv, "factors", None)
    for p in validate_table(instrument, conv.columns, meta.complete, factors=distinct):
        if p.row is None or not checked[p.row]:
            continue
        if (p.row, by_var_column.get(p.variable, p.variable)) in cell_problems:
            continue  # its cell is reported already (it could not be read)
        if p.rule == "required" and p.variable in not_asked:
            continue  # not asked in this export: not answered, never required
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
    # a preview, a test or spam is not stored: its problems do not matter; a dropped double is
    # its first row's
    keep = checked | np.isin(np.arange(n), list(held))
    problems = [p for p in problems if keep[p.row]]
    return _Plan(conv, meta, kvk, firms, problems, kind, grouping, held, candidates)


def _origin(conv: Any, variable: str) -> str:
    """The export column a variable came from (its name when none)."""
    return getattr(conv, "origin", {}).get(variable, variable)


def _kvk_columns(conv: Any) -> list[str]:
    return [u.column for u in conv.uses if u.use == "kvk"]


def _answer_rows(columns: dict[str, np.ndarray], rows: list[int]) -> list[dict[str, Any]]:
    """The answers of ``rows`` as dicts (unanswered questions left out, the columns' order
    kept). Rows answer the same questions (relevance decides which): per set of answered
    questions, its rows' dicts are zipped at C speed from the columns that set answers."""
    if not rows:
        return []
    index = np.asarray(rows, dtype=np.int64)
    names, parts, masks = [], [], []
    for name, col in columns.items():
        values = col[index]
        answered = values != None  # noqa: E711 (element-wise)
        if answered.any():
            names.append(name)
            parts.append(values)
            masks.append(answered)
    if not names:
        return [{} for _ in rows]
    mask = np.column_stack(masks)
    packed = np.packbits(mask, axis=1)
    width = packed.shape[1]
    flat = packed.tobytes()
    groups: dict[bytes, list[int]] = {}
    for j in range(len(rows)):
        groups.setdefault(flat[j * width : (j + 1) * width], []).append(j)
    if len(groups) > len(rows) // 4:  # hardly two rows alike: one row at a time
        return [
            {k: v for k, v in zip(names, row, strict=True) if v is not None}
            for row in zip(*(values.tolist() for values in parts), strict=True)
        ]
    out: list[dict[str, Any]] = [{}] * len(rows)
    for members in groups.values():
        chosen = np.flatnonzero(mask[members[0]]).tolist()
        if not chosen:
            for j in members:  # no answer at all: each row its own empty dict
                out[j] = {}
            continue
        keys = [names[k] for k in chosen]
        at = np.asarray(members, dtype=np.int64)
        cells = [parts[k][at].tolist() for k in chosen]
        for j, row in zip(members, zip(*cells, strict=True), strict=True):
            out[j] = dict(zip(keys, row, strict=True))
    return out


def _owned(wave: Wave, previous: ImportBatch | None) -> dict[str, tuple[int, str]]:
    """KvK → (response id, status) of the responses ``previous`` wrote that nobody changed
    since."""
    if previous is None:
        return {}
    owned = {
        k: (pk, status)
        for k, pk, status in Response.objects.filter(wave=wave, import_batch=previous).values_list(
            "firm__kvk", "id", "status"
        )
    }
    edited = set(
        ResponseEdit.objects.filter(
            response__import_batch=previous, changed_at__gte=previous.imported_at
        ).values_list("response_id", flat=True)
    )
    return {k: v for k, v in owned.items() if v[0] not in edited}


def _store(
    wave: Wave,
    table: Any,
    plan: _Plan,
    instrument: Instrument,
    file_name: str,
    sha: str,
    mapping: Any,
    mapping_sha: str,
) -> ImportResult:
    conv, meta, kvk = plan.conv, plan.meta, plan.kvk
    n = len(table)
    problems = list(plan.problems)
    previous = (
        ImportBatch.objects.filter(wave=wave, sha256=sha, replaced_by__isnull=True)
        .order_by("-imported_at", "-pk")
        .first()
    )
    kinds = Counter(plan.kind.astype(str).tolist())
    unaccounted = [u.column for u in conv.uses if u.use == "unaccounted"]
    batch = ImportBatch.objects.create(
        wave=wave,
        file_name=file_name,
        sha256=sha,
        source=getattr(mapping, "source", table.kind),
        rows=n,
        mapping_sha256=mapping_sha,
        previews=kinds.get(PREVIEW, 0),
        tests=kinds.get(TEST, 0),
        spam=kinds.get(SPAM, 0),
        unaccounted=unaccounted,
    )
    now = timezone.now()
    bad_rows = {p.row for p in problems}
    dropped = plan.grouping.dropped
    candidates = set(plan.candidates.tolist())
    good = [i for i in range(n) if i in candidates and i not in bad_rows and i not in dropped]
    # the new firms among the good rows (once each)
    munis = dict(Municipality.objects.values_list("code", "id"))
    firms_new: dict[str, dict[str, Any]] = {}
    sections: dict[str, str] = {}
    for i in good:
        f = plan.firms.new.get(i)
        if f is None or f["kvk"] in firms_new:
            continue
        employees = int(f["employees"])
        if f["sbi_code"] not in sections:
            sections[f["sbi_code"]] = sbi_section(f["sbi_code"])
        firms_new[f["kvk"]] = {
            "kvk": f["kvk"],
            "name": f["name"],
            "sbi_code": f["sbi_code"],
            "sbi_section": sections[f["sbi_code"]],
            "employees": employees,
            "size_class": size_class(employees),
            "founding_year": None if f["founding_year"] is None else int(f["founding_year"]),
            "municipality_id": munis[f["municipality"]],
        }
    insert_rows(Firm, list(firms_new.values()))
    # the responses, through the survey's one write path
    owned = _owned(wave, previous)
    answers = _answer_rows(conv.columns, good)
    records: list[dict[str, Any]] = []
    for j, i in enumerate(good):
        complete = bool(meta.complete[i])
        record = {
            "kvk": kvk[i],
            "status": Response.Status.COMPLETE if complete else Response.Status.PARTIAL,
            "answers": answers[j],
            "import_batch": batch.pk,
        }
        # a note only when there is one: a note the team keeps (or clears) is left as it is
        if i in plan.firms.by_name:
            record["review_note"] = MATCHED_BY_NAME
        elif i in plan.firms.new:
            record["review_note"] = NEW_FIRM
        if meta.language[i] is not None:
            record["language"] = meta.language[i]
        record.update(_dates(meta, i, complete, owned.get(kvk[i]), now))
        records.append(record)
    mine = [j for j, i in enumerate(good) if kvk[i] in owned]
    others = [j for j, i in enumerate(good) if kvk[i] not in owned]
    outcomes: dict[int, Outcome] = {}
    for chosen, policy in ((mine, Policy.UPDATE), (others, Policy.KEEP)):
        if not chosen:
            continue
        result = store_responses(
            wave,
            [records[j] for j in chosen],
            source=table.name,
            policy=policy,
            instrument=instrument,
        )
        for j, o in zip(chosen, result.outcomes, strict=True):
            outcomes[good[j]] = o.outcome
    stored = [i for i in good if outcomes[i] in WRITTEN]
    unchanged = [i for i in good if outcomes[i] is Outcome.UNCHANGED]
    kept = [i for i in good if outcomes[i] is Outcome.KEPT]
    superseded_stored = [i for i in good if outcomes[i] is Outcome.SUPERSEDED]
    kvk_col = next(iter(_kvk_columns(conv)), "kvk")
    for i in good:
        if outcomes[i] is Outcome.CONFLICT:
            problems.append(
                _problem(
                    i,
                    kvk_col,
                    kvk[i],
                    "conflict",
                    _(
                        "firm %(kvk)s already has a different response in wave %(year)s; change "
                        "or delete it in the back office first"
                    ),
                    kvk=kvk[i],
                    year=wave.year,
                )
            )
    # a re-import of the same file: this batch takes over the earlier one's responses; those
    # it no longer stores are removed (an answered invitation goes back to the invitation)
    changed = sum(1 for i in good if kvk[i] in owned and outcomes[i] in WRITTEN)
    removed = 0
    if previous is not None:
        kept_kvks = {
            kvk[i] for i in good if outcomes[i] in WRITTEN or outcomes[i] is Outcome.UNCHANGED
        }
        gone = [pk for k, (pk, _status) in owned.items() if k not in kept_kvks]
        removed = remove_responses(wave, gone)
        move_to_batch(wave, previous, batch)
        previous.replaced_by = batch
        previous.save(update_fields=["replaced_by"])
    # earlier quarantined rows of the firms now stored are resolved; the rest of the replaced
    # batch's quarantine is replaced by this run's
    stored_kvks = {kvk[i] for i in stored}
    to_resolve = [
        pk
        for pk, k in QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).values_list(
            "id", "kvk"
        )
        if k in stored_kvks
    ]
    resolved = 0
    for start in range(0, len(to_resolve), 5000):
        resolved += QuarantinedRow.objects.filter(pk__in=to_resolve[start : start + 5000]).update(
            resolved_at=now, resolved_by=batch
        )
    if previous is not None:
        QuarantinedRow.objects.filter(batch=previous, resolved_at__isnull=True).delete()
    # the quarantine: every bad row once, with all its problems
    by_row: dict[int, list[dict[str, Any]]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p.as_dict(table))
    open_digests = set(
        QuarantinedRow.objects.filter(wave=wave, resolved_at__isnull=True).values_list(
            "digest", flat=True
        )
    )
    quarantined = []
    held_rows = sorted(by_row)
    for i, raw in zip(held_rows, _raw_rows(table, held_rows), strict=True):
        row_digest = digest(raw, True)
        if row_digest in open_digests:
            continue  # the same row from the same (or an identical) file: already there
        open_digests.add(row_digest)
        quarantined.append(
            QuarantinedRow(
                wave=wave,
                batch=batch,
                file_name=table.name,
                row_number=int(table.row_numbers[i]),
                kvk=kvk[i] or str(conv.kvk_typed[i] or "")[:32],
                raw=raw,
                digest=row_digest,
                problems=by_row[i],
                group=f"{batch.pk}:{plan.held[i]}" if i in plan.held else "",
            )
        )
    QuarantinedRow.objects.bulk_create(quarantined, batch_size=2000)
    counts = {
        "rows": n,
        "previews": batch.previews,
        "tests": batch.tests,
        "spam": batch.spam,
        "stored": len(stored),
        "unchanged": len(unchanged),
        "quarantined": len(by_row),
        "resolved": resolved,
        "partial": sum(1 for i in stored if not meta.complete[i]),
        "superseded": len(plan.grouping.superseded) + len(superseded_stored),
        "doubles": len(plan.grouping.doubles),
        "held": len(plan.held),
        "kept_complete": len(kept),
        "changed": changed,
        "added": len(stored) - changed,
        "removed": removed,
        "new_firms": len(firms_new),
    }
    batch.stored, batch.unchanged = counts["stored"], counts["unchanged"]
    batch.quarantined, batch.resolved = counts["quarantined"], resolved
    batch.partial, batch.superseded = counts["partial"], counts["superseded"]
    batch.doubles, batch.changed, batch.removed = counts["doubles"], changed, removed
    batch.save()
    stored_mask = np.zeros(n, dtype=bool)
    stored_mask[stored + unchanged] = True
    held_mask = np.zeros(n, dtype=bool)
    held_mask[list(by_row)] = True
    stats = column_stats(table, conv, stored_mask, held_mask)
    details = reporting.details(
        table,
        plan,
        conv,
        counts,
        stats,
        superseded_stored=superseded_stored,
        kept=kept,
        previous=previous,
    )
    return ImportResult(
        batch=batch,
        rows=n,
        stored=len(stored),
        unchanged=len(unchanged),
        quarantined=len(by_row),
        resolved=resolved,
        report_html=None,
        report_csv=None,
        problems=[d for i in sorted(by_row) for d in by_row[i]],
        new_firms=list(firms_new),
        counts=counts,
        columns=stats,
        unaccounted=unaccounted,
        not_asked=tuple(conv.not_asked),
        replaced=previous,
        details=details,
    )


def _raw_rows(table: Any, rows: list[int]) -> list[dict[str, Any]]:
    """Data rows ``rows`` as text by column (``table.row``), the columns taken at once."""
    columns = getattr(table, "columns", None)
    header = list(getattr(table, "header", ()))
    if not rows or not isinstance(columns, dict) or not all(h in columns for h in header):
        return [table.row(i) for i in rows]
    texts = [columns[h].take(rows).to_pylist() for h in header]
    return [dict(zip(header, values, strict=True)) for values in zip(*texts, strict=True)]


def _dates(
    meta: Any, i: int, complete: bool, owned: tuple[int, str] | None, now: Any
) -> dict[str, Any]:
    """started_at and submitted_at of row ``i``: the tool's, else now — except for a response
    this file wrote before (a re-import), whose dates stay as they are unless its status
    changes."""
    out: dict[str, Any] = {}
    started, submitted = meta.started[i], meta.submitted[i]
    if started is not None or owned is None:
        out["started_at"] = started if started is not None else now
    if not complete:
        out["submitted_at"] = None
    elif submitted is not None or owned is None or owned[1] != Response.Status.COMPLETE:
        out["submitted_at"] = submitted if submitted is not None else now
    return out


def column_stats(table: Any, conv: Any, stored: np.ndarray, held: np.ndarray) -> list[ColumnStat]:
    """Per header column: its use and target, and how many of its filled cells are stored,
    held in the quarantine, or not used (an ignored column, a row that is no response)."""
    out = []
    for use in conv.uses:
        filled = _filled(table, use.column)
        n_filled = int(filled.sum())
        if use.use in ("ignored", "unaccounted"):
            out.append(ColumnStat(use.column, use.use, use.target, n_filled, 0, 0, n_filled))
            continue
        s = int((filled & stored).sum())
        q = int((filled & held).sum())
        out.append(ColumnStat(use.column, use.use, use.target, n_filled, s, q, n_filled - s - q))
    return out


def _filled(table: Any, column: str) -> np.ndarray:
    columns = getattr(table, "columns", None)
    if isinstance(columns, dict) and column in columns:
        return np.asarray(columns[column].is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(table.text(column) != None, dtype=bool)  # noqa: E711


# ------------------------------------------------------------------------------ the report


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


def _write_pair(folder: Path, lines: list[dict[str, Any]], html: str) -> tuple[Path, Path]:
    csv_path = folder / "import-report.csv"

    def write_csv(fh: Any) -> None:
        writer = csv.writer(fh)
        writer.writerow(REPORT_COLUMNS)
        # a list per line (a report may have 100,000): the other keys of a line left out
        writer.writerows([formula_safe(line.get(c, "")) for c in REPORT_COLUMNS] for line in lines)

    _write_atomically(csv_path, write_csv)
    html_path = folder / "import-report.html"
    _write_atomically(html_path, lambda fh: fh.write(html))
    return html_path, csv_path


def write_report(
    wave: Wave, batch: ImportBatch, out_dir: Path, details: dict[str, Any] | None = None
) -> tuple[Path, Path]:
    """``import-report.html`` and ``.csv``: every open quarantined row of the wave with its
    problems (different complete responses of one firm side by side), the new firms imports
    registered that await review, and this import's summary, columns, readings, superseded
    partials and double submits (``details``). Written atomically; the CSV's cells are
    formula-safe (``formula_safe``, as the exports)."""
    folder = private_mkdir(out_dir / wave.region.code / str(wave.year))  # firm data: private
    context = reporting.context(wave, batch, details or {}, new_firm_note=NEW_FIRM)
    html = render_to_string("intake/import_report.html", context)
    return _write_pair(folder, context["csv_lines"], html)


def write_file_report(
    wave: Wave, file_name: str, problems: list[Problem], out_dir: Path
) -> tuple[Path, Path]:
    """The import report of a file that was not imported: every file-level problem."""
    folder = private_mkdir(out_dir / wave.region.code / str(wave.year))
    context = reporting.file_context(wave, file_name, problems)
    html = render_to_string("intake/import_report.html", context)
    return _write_pair(folder, context["csv_lines"], html)
