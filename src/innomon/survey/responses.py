"""The one way a firm's ``Response`` is written — by the import, the web questionnaire, the
back office, the demo and the benchmarks alike — and the one place initiative participations
are derived from answers.

``store_responses(wave, records, source=…, policy=…)`` takes a batch of response records and
decides for each, against what the wave already holds:

- no response of the firm yet: **created**;
- the same status and answers as stored: **unchanged** (nothing is written — a re-import, a
  retried submit);
- an answerless ``invited`` response (the invitation list): **filled** in with the record;
- an ``unverified`` response (given through the open link by someone who has not proved to be
  the firm) and a record that is not unverified: **updated** — what the firm or the team gives
  replaces it;
- a stored ``partial`` response (an unfinished one, from any earlier source) and a complete
  record: **superseded** — the complete response replaces the unfinished one (written);
- a stored ``complete`` response and a ``partial`` record: **kept** — an unfinished response
  never replaces a complete one (nothing written; not a conflict: the caller reports it);
- any other stored response: a **conflict** — never overwritten, unless the caller explicitly
  allows it (``Policy.UPDATE``: a reopened web questionnaire submitted again, the monitor team
  editing a response, an import rewriting its own rows), when it is **updated**.

An unverified response derives no participations (they are derived when it is confirmed,
``confirm_unverified``), and, not being complete, feeds no build, passport or export.

A record is a mapping with ``kvk`` or ``firm_id`` and any of ``FIELDS``: ``status`` (default
complete), ``answers`` (questionnaire variable → answer), ``language`` (nl, en or empty),
``invited_at``, ``started_at``, ``submitted_at`` and ``review_note``, and ``import_batch`` (the
``ImportBatch`` id of the import writing it: every write sets the response's ``import_batch`` to
the record's, None when it has none). A field a record does not
hold is left as stored (or its default in a new response). Filling an invitation keeps the
invitation's ``invited_at`` and ``started_at`` when it has them (a firm is invited and starts
once); an update sets what the record holds. Whenever answers are written, the firm's
participations in the wave become exactly those its answers name (``participations``).

A malformed batch (unregistered firm, unknown status or language, a firm twice) is an
``InputError`` and nothing is written. Everything else happens in one transaction, in bulk: the
import stores tens of thousands of rows with a handful of queries per 5,000.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import orjson
from django.db import IntegrityError, connection, models, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from innomon.errors import InputError, Problem
from innomon.instrument import Instrument, load_instrument
from innomon.registry.models import Firm, Initiative

from .models import Participation, Response, Wave
from .questionnaires import wave_instrument

FIELDS = (
    "status",
    "answers",
    "invited_at",
    "started_at",
    "submitted_at",
    "language",
    "review_note",
)
# ``import_batch`` (an ``ImportBatch`` id): the import writing the record. Every write sets the
# response's ``import_batch`` to it (None when the record has none): it is the batch that last
# wrote the response; a record that changes nothing leaves it as stored
KEYS = ("kvk", "firm_id", *FIELDS, "import_batch")
_KEYS = frozenset(KEYS)
STATUSES = frozenset(Response.Status.values)
LANGUAGES = ("", "nl", "en")
# The shipped questionnaire's questions whose answers are the initiatives a firm takes part in;
# a wave's own questionnaire names its own (``participation_questions``).
PARTICIPATION_QUESTIONS = (
    "initiatives_network",
    "initiatives_test_environment",
    "initiatives_incubator",
)
_FIRST_KNOWN = ("invited_at", "started_at")  # kept when an invitation is filled
_CHUNK = 5000
_REVIEW_NOTE_MAX = Response._meta.get_field("review_note").max_length


class Policy(enum.StrEnum):
    """What may become of a stored response that differs from the record."""

    KEEP = "keep"  # never overwrite it: a conflict (the import, a first submit, a new response)
    UPDATE = "update"  # overwrite it: a reopened web response, the monitor team's edit


class Outcome(enum.StrEnum):
    CREATED = "created"
    FILLED = "filled"  # an answerless invitation, now answered
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    SUPERSEDED = "superseded"  # a stored partial response, replaced by a complete record
    KEPT = "kept"  # a partial record, not written over a stored complete response


WRITTEN = frozenset({Outcome.CREATED, Outcome.FILLED, Outcome.UPDATED, Outcome.SUPERSEDED})


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record: ``row`` is its position in the batch (from 1),
    ``response_id`` the firm's response in the wave (for a conflict: the stored one, left as it
    was), ``stored_status`` the status that response had before (None if there was none)."""

    row: int
    kvk: str
    firm_id: int
    outcome: Outcome
    response_id: int
    stored_status: str | None


@dataclass(frozen=True)
class StoreResult:
    outcomes: tuple[RecordOutcome, ...]

    def count(self, *outcomes: Outcome) -> int:
        return sum(o.outcome in outcomes for o in self.outcomes)

    @property
    def written(self) -> int:
        return self.count(*WRITTEN)


# ------------------------------------------------------------------------------ bulk insert


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, ignore_conflicts: bool = False
) -> None:
    """Insert ``rows`` (field attname → value; the other fields get their defaults, ``auto_now``
    fields the time now) with one ``executemany`` per 2,000 rows: what ``bulk_create`` does,
    without building a model instance per row — the import writes 100,000 responses. Values
    are prepared by their fields (``get_db_prep_save``), once per distinct value where they
    are hashable."""
    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    keys = set().union(*(r.keys() for r in rows))
    prepare = []
    defaults: dict[str, Any] = {}
    for f in fields:
        name = f.attname
        if name not in keys:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                constant: Any = now
            else:
                constant = f.get_default()  # "" for a text field without a default
            prepare.append((name, True, f.get_db_prep_save(constant, connection)))
            continue
        prepare.append((name, False, f))
        defaults[name] = f.get_default()
    n = len(rows)
    columns_of_values: list[Any] = []
    for name, constant, f in prepare:
        if constant:
            columns_of_values.append([f] * n)
            continue
        try:  # at C speed when every row has the field
            raw = list(map(itemgetter(name), rows))
        except KeyError:
            default = defaults[name]
            raw = [r.get(name, default) for r in rows]
        columns_of_values.append(_prepared(f, raw))
    params = list(zip(*columns_of_values, strict=True))
    qn = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    head = connection.ops.insert_statement(on_conflict=on_conflict)
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    suffix = ""
    if ignore_conflicts:
        suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or ""
    sql = f"{head} {qn(model._meta.db_table)} ({columns}) VALUES ({marks}) {suffix}".rstrip()
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _prepared(f: models.Field, raw: list[Any]) -> list[Any]:
    """A column of values as ``f`` stores them: plain values as they are, the others through
    ``get_db_prep_save`` (once per distinct hashable value; JSON on SQLite with one encoder)."""
    if isinstance(f, models.JSONField):
        if connection.vendor == "sqlite" and f.encoder is None:
            return [None if v is None and f.null else json_text(v) for v in raw]
        return [f.get_db_prep_save(v, connection) for v in raw]
    if set(map(type, raw)) <= _PLAIN_TYPES:
        return raw
    memo: dict[Any, Any] = {}
    out = []
    for v in raw:
        if v is None or type(v) in _PLAIN:
            out.append(v)
            continue
        try:
            out.append(memo[v])
        except KeyError:
            out.append(memo.setdefault(v, f.get_db_prep_save(v, connection)))
        except TypeError:
            out.append(f.get_db_prep_save(v, connection))
    return out


_PLAIN = (str, int, bool)
_PLAIN_TYPES = frozenset((*_PLAIN, type(None)))
_JSON = json.JSONEncoder(check_circular=False)
# what the standard library would refuse too is refused by orjson, so it falls back to it
_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: Any) -> str:
    """``value`` as JSON text, as ``json.dumps`` reads it back: with orjson (the import encodes
    100,000 answer sets, ten times faster than the standard library), else — what orjson does
    not encode as the standard library would: keys that are not text, integers beyond 64 bits,
    NaN and infinity (which orjson writes as null), types either refuses — the standard
    library's encoder."""
    try:
        out = orjson.dumps(value, option=_ORJSON)
    except TypeError:  # orjson.JSONEncodeError too
        return _JSON.encode(value)
    if b"null" in out:  # a None, or a NaN orjson turned into one: let the standard library say
        return _JSON.encode(value)
    return out.decode()


def _read_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, Infinity: what only the standard library writes
        return json.loads(text)


def select_in(
    model: type[models.Model],
    key: str,
    values: Iterable[Any],
    columns: Sequence[str],
    **equal: Any,
) -> list[tuple[Any, ...]]:
    """The ``columns`` (attnames) of the rows of ``model`` whose ``key`` is one of ``values``
    and whose other fields are ``equal`` (attname → value): ``filter(key__in=…, **equal)
    .values_list(*columns)`` in plain SQL, 5,000 values a query. The ORM prepares each value of
    an ``__in`` through its field — seconds for the 100,000 firms of an import. Values are
    given, and come back, as the columns store them (numbers and text)."""
    opts = model._meta
    qn = connection.ops.quote_name
    column = {f.attname: qn(f.column) for f in opts.concrete_fields}
    where = "".join(f" AND {column[name]} = %s" for name in equal)
    head = (
        f"SELECT {', '.join(column[c] for c in columns)} FROM {qn(opts.db_table)} "
        f"WHERE {column[key]} IN "
    )
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(list(values)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{head}({marks}){where}", [*chunk, *equal.values()])
            out.extend(cursor.fetchall())
    return out


# --------------------------------------------------------------------------- participations

_instruments: dict[tuple[tuple[str, str], ...], Instrument] = {}


def registry_instrument() -> Instrument:
    """The packaged questionnaire with the initiative choices of the registry in the database
    (loaded once per process and registry). Not a wave's questionnaire: a wave is asked with
    the workbook it stores (``survey.questionnaires.wave_instrument``)."""
    initiatives = tuple(Initiative.objects.order_by("name").values_list("name", "type"))
    if initiatives not in _instruments:
        if len(_instruments) > 8:
            _instruments.clear()
        _instruments[initiatives] = load_instrument(
            initiatives=[{"name": n, "type": t} for n, t in initiatives]
        )
    return _instruments[initiatives]


def initiative_ids(instrument: Instrument) -> dict[str, int]:
    """The questionnaire's initiative choice codes → ``Initiative`` ids. A code's label is the
    registered name of its initiative (``innomon.instrument.initiative_choices``): the name, not
    the code, is what the registry holds."""
    ids = dict(Initiative.objects.values_list("name", "id"))
    return {
        choice.name: ids[choice.label_nl]
        for list_name in instrument.registry_lists
        for choice in instrument.choice_lists.get(list_name, ())
        if choice.label_nl in ids
    }


def participation_questions(instrument: Instrument) -> tuple[str, ...]:
    """The questions whose answers are the initiatives a firm takes part in: the select_multiple
    questions whose choice list is one the registry fills (``Instrument.registry_lists``, the
    ``__registry__`` rows of the workbook's choices sheet) — by the workbook's convention, not by
    name, so a team's own questionnaire names its own."""
    lists = set(instrument.registry_lists)
    return tuple(
        q.name
        for q in instrument.variables()
        if q.type == "select_multiple" and q.list_name in lists
    )


def participations(
    answers: Mapping[str, Any],
    codes: Mapping[str, int],
    questions: Sequence[str] = PARTICIPATION_QUESTIONS,
) -> set[int]:
    """The initiatives (ids) a firm's ``answers`` to ``questions`` say it takes part in;
    ``codes`` is ``initiative_ids(instrument)``, ``questions`` its ``participation_questions``.
    The one derivation, for every way answers arrive."""
    found: set[int] = set()
    for question in questions:
        chosen = answers.get(question)
        if chosen and isinstance(chosen, list | tuple):  # most firms answer none: looked up fast
            found.update(codes[c] for c in chosen if isinstance(c, str) and c in codes)
    return found


# ------------------------------------------------------------------------------- checks


def record_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every field of ``record`` that cannot be stored as given; the
    back office's form shows the same messages."""
    out = []
    status = record.get("status", Response.Status.COMPLETE)
    if status not in STATUSES:
        out.append(("status", f"'{status}' is not one of {sorted(STATUSES)}"))
    if "answers" in record and not isinstance(record["answers"], dict | Mapping):
        out.append(("answers", "answers must be a mapping of questionnaire variables"))
    language = str(record.get("language") or "").strip().lower()
    if language not in LANGUAGES:
        out.append(("language", f"'{language}' is not nl or en"))
    note = record.get("review_note", "")
    if not isinstance(note, str) or len(note) > _REVIEW_NOTE_MAX:
        out.append(("review_note", f"the note must be text of at most {_REVIEW_NOTE_MAX}"))
    return out


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _firms(records: list[Mapping[str, Any]]) -> tuple[dict[str, int], dict[int, str]]:
    """kvk → id and id → kvk for the firms the records name."""
    kvks = sorted({str(r["kvk"]).strip() for r in records if r.get("firm_id") is None})
    ids = sorted({r["firm_id"] for r in records if r.get("firm_id") is not None})
    by_kvk: dict[str, int] = {}
    by_id: dict[int, str] = {}
    by_kvk.update(select_in(Firm, "kvk", kvks, ("kvk", "id")))
    by_id.update(select_in(Firm, "id", ids, ("id", "kvk")))
    by_id.update((i, k) for k, i in by_kvk.items())
    return by_kvk, by_id


def _checked(
    wave: Wave, records: list[Mapping[str, Any]], source: str
) -> list[tuple[int, str, int, dict[str, Any], int | None]]:
    """(row, kvk, firm id, fields, import batch id) per record; any problem rejects the
    batch."""
    by_kvk, by_id = _firms(records)
    problems: list[Problem] = []
    out = []
    seen: dict[int, int] = {}
    for row, rec in enumerate(records, start=1):
        unknown = [] if rec.keys() <= _KEYS else sorted(set(rec) - _KEYS)
        if unknown:
            problems.append(Problem(source, row, unknown[0], f"not one of {', '.join(KEYS)}"))
            continue
        if rec.get("firm_id") is not None:
            firm_id = rec["firm_id"]
            kvk = by_id.get(firm_id)
            if kvk is None:
                problems.append(Problem(source, row, "firm_id", f"no firm has id {firm_id!r}"))
                continue
        else:
            kvk = str(rec.get("kvk", "")).strip()
            firm_id = by_kvk.get(kvk)
            if firm_id is None:
                problems.append(
                    Problem(
                        source, row, "kvk", f"firm {kvk!r} is not registered; register it first"
                    )
                )
                continue
        if firm_id in seen:
            problems.append(
                Problem(
                    source,
                    row,
                    "kvk",
                    f"firm {kvk} appears twice in this batch (also row {seen[firm_id]})",
                )
            )
            continue
        seen[firm_id] = row
        batch_id = rec.get("import_batch")
        fields = {k: rec[k] for k in FIELDS if k in rec}
        fields.setdefault("status", Response.Status.COMPLETE)
        if "language" in fields:
            fields["language"] = str(fields["language"] or "").strip().lower()
        if fields.get("review_note") is None and "review_note" in fields:
            fields["review_note"] = ""
        found = record_problems(fields)
        if found:
            problems.extend(Problem(source, row, f, m) for f, m in found)
            continue
        if "answers" in fields and not isinstance(fields["answers"], dict):
            fields["answers"] = dict(fields["answers"])
        out.append((row, kvk, firm_id, fields, batch_id))
    if problems:
        raise InputError(problems)
    return out


def _as_stored(answers: dict[str, Any]) -> Any:
    """The answers as the database gives them back (JSON: tuples become lists, …)."""
    return _read_json(json_text(answers))


def _decide(old: Response | None, fields: dict[str, Any], policy: Policy) -> Outcome:
    if old is None:
        return Outcome.CREATED
    answerless_invitation = old.status == Response.Status.INVITED and not old.answers
    same = old.status == fields["status"] and (
        "answers" not in fields or old.answers == _as_stored(fields["answers"])
    )
    if policy is Policy.UPDATE:  # whatever the record changes, e.g. only the review note
        outcome = Outcome.FILLED if answerless_invitation and not same else Outcome.UPDATED
        return outcome if _changes(old, fields, outcome) else Outcome.UNCHANGED
    if same:
        return Outcome.UNCHANGED
    if old.status == Response.Status.UNVERIFIED and fields["status"] != Response.Status.UNVERIFIED:
        return Outcome.UPDATED  # the firm's (or the team's) answers replace an unverified claim
    if old.status == Response.Status.PARTIAL and fields["status"] == Response.Status.COMPLETE:
        return Outcome.SUPERSEDED  # the finished response replaces the unfinished one
    if old.status == Response.Status.COMPLETE and fields["status"] == Response.Status.PARTIAL:
        return Outcome.KEPT  # an unfinished response never replaces a complete one
    return Outcome.FILLED if answerless_invitation else Outcome.CONFLICT


def _changes(old: Response, fields: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    """The fields of ``old`` that writing ``fields`` changes."""
    out = {}
    for name, value in fields.items():
        if outcome is Outcome.FILLED and name in _FIRST_KNOWN and getattr(old, name) is not None:
            continue
        current = getattr(old, name)
        if name == "answers":
            if current != _as_stored(value):
                out[name] = value
        elif current != value:
            out[name] = value
    return out


# ------------------------------------------------------------------------------- service


def store_responses(
    wave: Wave,
    records: Iterable[Mapping[str, Any]],
    *,
    source: str,
    policy: Policy = Policy.KEEP,
    instrument: Instrument | None = None,
    refuse_conflicts: bool = False,
) -> StoreResult:
    """Store ``records`` in ``wave`` and say what became of each (see the module docs).

    ``source`` names the batch in error messages. With ``refuse_conflicts`` a conflict
    rejects the whole batch with an ``InputError`` (nothing written); otherwise conflicts are
    reported in the result and the other records stored. ``instrument`` is the questionnaire
    the answers follow (for the initiative codes); by default the wave's own.
    """
    records = list(records)
    checked = _checked(wave, records, source)
    policy = Policy(policy)
    with transaction.atomic():
        stored: dict[int, Response] = {}
        firm_ids = [firm_id for _, _, firm_id, _, _ in checked]
        # the firms with a response in the wave first (plain SQL): an import into a new wave
        # then reads no model instance at all
        having = [
            f for (f,) in select_in(Response, "firm_id", firm_ids, ("firm_id",), wave_id=wave.pk)
        ]
        for chunk in _chunks(having):
            rows = Response.objects.filter(wave=wave, firm_id__in=chunk).select_for_update()
            stored.update((r.firm_id, r) for r in rows)
        now = timezone.now()
        wave_id = wave.pk
        decided = []
        to_create: list[dict[str, Any]] = []
        to_update: list[Response] = []
        update_fields: set[str] = set()
        conflicts: list[Problem] = []
        for row, kvk, firm_id, fields, batch_id in checked:
            old = stored.get(firm_id)
            outcome = _decide(old, fields, policy)
            before = None if old is None else old.status
            decided.append((row, kvk, firm_id, fields, outcome, old, before))
            if outcome is Outcome.CREATED:
                to_create.append(
                    {"wave_id": wave_id, "firm_id": firm_id, "import_batch_id": batch_id, **fields}
                )
            elif outcome in (Outcome.FILLED, Outcome.UPDATED, Outcome.SUPERSEDED):
                changes = _changes(old, fields, outcome)
                if old.import_batch_id != batch_id:
                    changes["import_batch_id"] = batch_id
                for name, value in changes.items():
                    setattr(old, name, value)
                old.updated_at = now
                update_fields.update(
                    "import_batch" if c == "import_batch_id" else c for c in changes
                )
                to_update.append(old)
            elif outcome is Outcome.CONFLICT:
                conflicts.append(
                    Problem(
                        source,
                        row,
                        "kvk",
                        f"firm {kvk} already has a response in wave {wave.year} "
                        f"({old.status}, different from this one)",
                    )
                )
        if refuse_conflicts and conflicts:
            raise InputError(conflicts)
        try:
            with transaction.atomic():
                insert_rows(Response, to_create)
                if to_update:
                    Response.objects.bulk_update(
                        to_update, sorted(update_fields | {"updated_at"}), batch_size=2000
                    )
        except IntegrityError as exc:
            raise InputError(
                [
                    Problem(
                        source,
                        None,
                        "kvk",
                        f"a response of one of these firms was written meanwhile ({exc})",
                    )
                ]
            ) from exc
        created = dict(
            select_in(
                Response,
                "firm_id",
                [r["firm_id"] for r in to_create],
                ("firm_id", "id"),
                wave_id=wave.pk,
            )
        )
        answered = {
            firm_id: fields["answers"]
            for _, _, firm_id, fields, outcome, _, _ in decided
            if outcome in WRITTEN
            and "answers" in fields
            and fields["status"] != Response.Status.UNVERIFIED
        }
        _derive_participations(wave, answered, instrument)
    return StoreResult(
        tuple(
            RecordOutcome(
                row,
                kvk,
                firm_id,
                outcome,
                created[firm_id] if old is None else old.pk,
                before,
            )
            for row, kvk, firm_id, _, outcome, old, before in decided
        )
    )


def _derive_participations(
    wave: Wave, answered: dict[int, dict[str, Any]], instrument: Instrument | None
) -> None:
    """Make each firm's participations in ``wave`` those its newly written answers name:
    the missing ones added, the others removed, the rest left alone."""
    if not answered or not Initiative.objects.exists():
        return  # no initiative, no participation
    chosen = instrument if instrument is not None else wave_instrument(wave)
    codes = initiative_ids(chosen)
    questions = participation_questions(chosen)
    wanted = {
        firm_id: participations(answers, codes, questions) for firm_id, answers in answered.items()
    }
    have: dict[int, dict[int, int]] = defaultdict(dict)  # firm → initiative → participation
    for pk, firm_id, initiative_id in select_in(
        Participation, "firm_id", wanted, ("id", "firm_id", "initiative_id"), wave_id=wave.pk
    ):
        have[firm_id][initiative_id] = pk
    gone = [
        pk
        for firm_id, held in have.items()
        for initiative_id, pk in held.items()
        if initiative_id not in wanted[firm_id]
    ]
    for chunk in _chunks(gone):
        Participation.objects.filter(pk__in=chunk).delete()
    wave_id = wave.pk
    insert_rows(
        Participation,
        [
            {"wave_id": wave_id, "firm_id": firm_id, "initiative_id": initiative_id}
            for firm_id, ids in wanted.items()
            for initiative_id in sorted(ids)
            if initiative_id not in have.get(firm_id, {})
        ],
        ignore_conflicts=True,
    )


def confirm_unverified(responses: Iterable[Response], *, source: str) -> int:
    """Confirm unverified responses (the monitor team checked that they are the firm's): each
    becomes complete, with its participations derived. Others are left alone. The number
    confirmed."""
    by_wave: dict[int, list[Response]] = defaultdict(list)
    for r in responses:
        if r.status == Response.Status.UNVERIFIED:
            by_wave[r.wave_id].append(r)
    n = 0
    for items in by_wave.values():
        wave = items[0].wave
        result = store_responses(
            wave,
            [
                {"firm_id": r.firm_id, "status": Response.Status.COMPLETE, "answers": r.answers}
                for r in items
            ],
            source=source,
            policy=Policy.UPDATE,
        )
        n += result.written
    return n


def remove_responses(wave: Wave, response_ids: list[int]) -> int:
    """Remove the responses ``response_ids`` of ``wave`` with their participations — those a
    replaced import wrote that its new run does not store; one that filled an invitation becomes
    the invitation again. Returns how many were removed or reset."""

    if not response_ids:
        return 0
    rows = list(Response.objects.filter(pk__in=response_ids).only("id", "firm_id", "invited_at"))
    Participation.objects.filter(wave=wave, firm_id__in=[r.firm_id for r in rows]).delete()
    invited = [r.pk for r in rows if r.invited_at is not None]
    Response.objects.filter(pk__in=invited).update(
        status=Response.Status.INVITED,
        answers={},
        started_at=None,
        submitted_at=None,
        import_batch=None,
        updated_at=timezone.now(),
    )
    Response.objects.filter(pk__in=[r.pk for r in rows if r.invited_at is None]).delete()
    return len(rows)


def move_to_batch(wave: Wave, previous: Any, batch: Any) -> int:
    """Say of the responses of ``wave`` that import batch ``previous`` wrote that ``batch`` (the
    import that replaces it) now holds them. Returns how many."""
    return Response.objects.filter(wave=wave, import_batch=previous).update(import_batch=batch)
