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
- any other stored response: a **conflict** — never overwritten, unless the caller explicitly
  allows it (``Policy.UPDATE``: a reopened web questionnaire submitted again, the monitor team
  editing a response), when it is **updated**.

An unverified response derives no participations (they are derived when it is confirmed,
``confirm_unverified``), and, not being complete, feeds no build, passport or export.

A record is a mapping with ``kvk`` or ``firm_id`` and any of ``FIELDS``: ``status`` (default
complete), ``answers`` (questionnaire variable → answer), ``language`` (nl, en or empty),
``invited_at``, ``started_at``, ``submitted_at`` and ``review_note``. A field a record does not
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
from typing import Any

from django.db import IntegrityError, transaction
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
KEYS = ("kvk", "firm_id", *FIELDS)
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


WRITTEN = frozenset({Outcome.CREATED, Outcome.FILLED, Outcome.UPDATED})


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
        if isinstance(chosen, list | tuple):
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
    if "answers" in record and not isinstance(record["answers"], Mapping):
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
    for chunk in _chunks(kvks):
        by_kvk.update(Firm.objects.filter(kvk__in=chunk).values_list("kvk", "id"))
    for chunk in _chunks(ids):
        by_id.update(Firm.objects.filter(id__in=chunk).values_list("id", "kvk"))
    by_id.update((i, k) for k, i in by_kvk.items())
    return by_kvk, by_id


def _checked(
    wave: Wave, records: list[Mapping[str, Any]], source: str
) -> list[tuple[int, str, int, dict[str, Any]]]:
    """(row, kvk, firm id, fields) per record; any problem rejects the batch."""
    by_kvk, by_id = _firms(records)
    problems: list[Problem] = []
    out = []
    seen: dict[int, int] = {}
    for row, rec in enumerate(records, start=1):
        unknown = sorted(set(rec) - set(KEYS))
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
        out.append((row, kvk, firm_id, fields))
    if problems:
        raise InputError(problems)
    return out


def _as_stored(answers: dict[str, Any]) -> Any:
    """The answers as the database gives them back (JSON: tuples become lists, …)."""
    return json.loads(json.dumps(answers))


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
        firm_ids = [firm_id for _, _, firm_id, _ in checked]
        for chunk in _chunks(firm_ids):
            rows = Response.objects.filter(wave=wave, firm_id__in=chunk).select_for_update()
            stored.update((r.firm_id, r) for r in rows)
        now = timezone.now()
        decided = []
        to_create: list[Response] = []
        to_update: list[Response] = []
        update_fields: set[str] = set()
        conflicts: list[Problem] = []
        for row, kvk, firm_id, fields in checked:
            old = stored.get(firm_id)
            outcome = _decide(old, fields, policy)
            before = None if old is None else old.status
            decided.append((row, kvk, firm_id, fields, outcome, old, before))
            if outcome is Outcome.CREATED:
                to_create.append(Response(wave=wave, firm_id=firm_id, **fields))
            elif outcome in (Outcome.FILLED, Outcome.UPDATED):
                changes = _changes(old, fields, outcome)
                for name, value in changes.items():
                    setattr(old, name, value)
                old.updated_at = now
                update_fields.update(changes)
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
                Response.objects.bulk_create(to_create, batch_size=_CHUNK)
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
        created = {r.firm_id: r.pk for r in to_create}
        if any(pk is None for pk in created.values()):  # a database without RETURNING
            for chunk in _chunks(list(created)):
                created.update(
                    Response.objects.filter(wave=wave, firm_id__in=chunk).values_list(
                        "firm_id", "pk"
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
    for chunk in _chunks(list(wanted)):
        for pk, firm_id, initiative_id in Participation.objects.filter(
            wave=wave, firm_id__in=chunk
        ).values_list("pk", "firm_id", "initiative_id"):
            have[firm_id][initiative_id] = pk
    gone = [
        pk
        for firm_id, held in have.items()
        for initiative_id, pk in held.items()
        if initiative_id not in wanted[firm_id]
    ]
    for chunk in _chunks(gone):
        Participation.objects.filter(pk__in=chunk).delete()
    Participation.objects.bulk_create(
        [
            Participation(wave=wave, firm_id=firm_id, initiative_id=initiative_id)
            for firm_id, ids in wanted.items()
            for initiative_id in sorted(ids)
            if initiative_id not in have.get(firm_id, {})
        ],
        batch_size=2000,
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
