"""Services of the web questionnaire: invitations and reminders, saving answers, submission.

Called by the views, the CLI (``innomon invite``, ``remind``, ``reopen``), the admin and the demo
alike. Every write is one transaction; saving and submitting lock the draft's row, so that two
tabs, a double click or a retried request neither lose nor duplicate an answer.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from innomon.errors import InputError, Problem
from innomon.instrument import Instrument
from innomon.registry.models import Firm
from innomon.survey.models import Response, Wave
from innomon.survey.questionnaires import wave_instrument
from innomon.survey.responses import Outcome, Policy, confirm_unverified, store_responses

from . import form
from .models import Draft, Invitation, OpenLink, link_days, new_token

LANGUAGES = ("nl", "en")
SOURCE = "web questionnaire"


def base_url() -> str:
    """The address the links in e-mails start with (``INNOMON_BASE_URL``)."""
    return (os.environ.get("INNOMON_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")


def instrument_for(wave: Wave) -> Instrument:
    """The questionnaire ``wave`` is asked with (the workbook it stores), with the registry's
    initiatives: ``survey.questionnaires.wave_instrument``."""
    return wave_instrument(wave)


def invitation_path(invitation: Invitation) -> str:
    from django.urls import reverse

    return reverse("questionnaire:start", args=[invitation.token])


# ------------------------------------------------------------------------- invitations


@dataclass
class MailResult:
    created: int = 0
    sent: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


def invite(wave: Wave, rows: Iterable[Mapping[str, str]], source: str) -> MailResult:
    """Create one invitation (private link) per row — ``kvk``, ``email``, optionally ``name``
    and ``language`` — all or nothing, then send every invitation of the wave not sent yet.

    An unknown KvK number, a bad e-mail address or language, or a firm twice in the file is an
    ``InputError`` naming the row; nothing is written. Firms invited before keep their link.
    """
    rows = list(rows)
    firms = dict(Firm.objects.values_list("kvk", "id"))
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    new: list[Invitation] = []
    replaceable = unconfirmed_open(wave)
    existing = set(Invitation.objects.filter(wave=wave).values_list("firm_id", flat=True))
    existing -= set(replaceable)
    expires = timezone.now() + dt.timedelta(days=link_days())
    for line, row in enumerate(rows, start=2):
        kvk = (row.get("kvk") or "").strip()
        email = (row.get("email") or "").strip()
        lang = (row.get("language") or "nl").strip().lower() or "nl"
        if kvk not in firms:
            problems.append(Problem(source, line, "kvk", f"firm {kvk!r} is not in the register"))
            continue
        if kvk in seen:
            problems.append(Problem(source, line, "kvk", f"firm {kvk} is also on row {seen[kvk]}"))
            continue
        seen[kvk] = line
        try:
            validate_email(email)
        except ValidationError:
            problems.append(Problem(source, line, "email", f"{email!r} is not an e-mail address"))
            continue
        if lang not in LANGUAGES:
            problems.append(Problem(source, line, "language", f"{lang!r} is not nl or en"))
            continue
        if firms[kvk] in existing:
            continue
        new.append(
            Invitation(
                wave=wave,
                firm_id=firms[kvk],
                email=email,
                language=lang,
                token=new_token(),
                expires_at=expires,
            )
        )
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        # an open-link claim nobody confirmed gives way to the team's invitation (its link ends)
        stale = [replaceable[i.firm_id] for i in new if i.firm_id in replaceable]
        Invitation.objects.filter(pk__in=stale).delete()
        Invitation.objects.bulk_create(new, batch_size=2000)
    result = send_pending(wave)
    result.created = len(new)
    result.skipped = len(rows) - len(new)
    return result


def _mail(invitation: Invitation, kind: str) -> EmailMessage:
    lang = invitation.language if invitation.language in LANGUAGES else "nl"
    with translation.override(lang):
        context = {
            "invitation": invitation,
            "firm": invitation.firm,
            "wave": invitation.wave,
            "link": base_url() + invitation_path(invitation),
            "opt_out": base_url() + invitation_path(invitation) + "opt-out/",
            "reminder": kind == "reminder",
        }
        subject = render_to_string("questionnaire/mail/subject.txt", context).strip()
        body = render_to_string("questionnaire/mail/invitation.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _send(invitations: list[Invitation], kind: str, result: MailResult) -> None:
    if not invitations:
        return
    connection = get_connection()
    with connection:
        for inv in invitations:
            try:
                connection.send_messages([_mail(inv, kind)])
            except OSError as exc:
                result.failed.append(f"{inv.firm.kvk}: {exc}")
                continue
            now = timezone.now()
            if kind == "invitation":
                Invitation.objects.filter(pk=inv.pk).update(sent_at=now, last_mailed_at=now)
            else:
                Invitation.objects.filter(pk=inv.pk).update(
                    reminders_sent=inv.reminders_sent + 1, last_mailed_at=now
                )
            result.sent += 1


def send_pending(wave: Wave) -> MailResult:
    """Send the invitations of ``wave`` that have not been sent (each is marked when sent)."""
    result = MailResult()
    pending = list(
        Invitation.objects.filter(
            wave=wave, sent_at__isnull=True, channel=Invitation.Channel.MAIL
        ).select_related("firm", "wave")
    )
    _send(pending, "invitation", result)
    return result


def remind(wave: Wave, max_reminders: int = 2, every_days: int = 7) -> MailResult:
    """Remind the invited firms of ``wave`` that have not completed the questionnaire nor opted
    out: at most ``max_reminders`` reminders each, at least ``every_days`` days apart."""
    result = MailResult()
    cutoff = timezone.now() - dt.timedelta(days=every_days)
    due = list(
        Invitation.objects.filter(
            wave=wave,
            channel=Invitation.Channel.MAIL,
            sent_at__isnull=False,
            completed_at__isnull=True,
            opted_out_at__isnull=True,
            reminders_sent__lt=max_reminders,
            last_mailed_at__lte=cutoff,
        ).select_related("firm", "wave")
    )
    _send(due, "reminder", result)
    return result


def opt_out(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )


def needs_verification(invitation: Invitation) -> bool:
    """Whether what is answered through this invitation is stored unverified: an invitation
    that someone claimed on the open link with a (public) KvK number, with no address of the
    firm to send the private link to. The demo's sample is the team's own."""
    return invitation.channel == Invitation.Channel.OPEN and not invitation.is_sample


def unconfirmed_open(wave: Wave) -> dict[int, int]:
    """firm id → invitation id of the wave's open-link invitations whose answers the team has
    not confirmed (not submitted, stored unverified, or not stored): they block no invitation."""
    confirmed = Draft.objects.filter(
        invitation__wave=wave, invitation__channel=Invitation.Channel.OPEN, response__isnull=False
    ).exclude(response__status=Response.Status.UNVERIFIED)
    return dict(
        Invitation.objects.filter(wave=wave, channel=Invitation.Channel.OPEN, is_sample=False)
        .exclude(pk__in=confirmed.values("invitation_id"))
        .values_list("firm_id", "pk")
    )


def confirm(invitations: Iterable[Invitation]) -> int:
    """The monitor team confirms the unverified responses given through these invitations (it
    checked with the firm): they become complete responses. The number confirmed."""
    responses = Response.objects.filter(
        web_draft__invitation__in=list(invitations), status=Response.Status.UNVERIFIED
    ).select_related("wave")
    return confirm_unverified(responses, source="back office")


def open_link(wave: Wave) -> OpenLink:
    """The wave's open link (made on first use)."""
    link, _ = OpenLink.objects.get_or_create(wave=wave, defaults={"token": new_token()})
    return link


class Claim(enum.Enum):
    """What the open link does with a KvK number."""

    MAILED = "mailed"  # the firm's private link was sent to the address the team holds
    START = "start"  # a new private link for this visitor; what it answers is held unverified
    REFUSED = "refused"  # not registered, or already invited without an address to send to


MAILS_PER_FIRM = 3  # e-mails the open link may send one firm per rate-limit window


def _address(firm: Firm) -> str:
    """The firm's e-mail address the team holds: that of its newest e-mail invitation."""
    return (
        Invitation.objects.filter(firm=firm, channel=Invitation.Channel.MAIL)
        .exclude(email="")
        .order_by("-created_at", "-pk")
        .values_list("email", flat=True)
        .first()
        or ""
    )


def claim_open(link: OpenLink, kvk: str) -> tuple[Claim, Invitation | None]:
    """Someone on the open link says they answer for firm ``kvk`` (a public number). They must
    prove nothing less than an invited firm: when the team holds the firm's e-mail address the
    private link goes there (a new invitation when the firm has none in the wave) and the
    visitor gets nothing; otherwise the visitor gets a new private link whose response is held
    unverified until the team confirms it (``confirm``)."""
    from . import ratelimit

    firm = Firm.objects.filter(kvk=kvk).first()
    if firm is None:
        return Claim.REFUSED, None
    current = Invitation.objects.filter(wave=link.wave, firm=firm).select_related("wave").first()
    address = current.email if current is not None and current.email else _address(firm)
    lang = translation.get_language() or "nl"
    if address:
        if current is None:
            try:
                with transaction.atomic():
                    current = Invitation.objects.create(
                        wave=link.wave,
                        firm=firm,
                        email=address,
                        channel=Invitation.Channel.MAIL,
                        token=new_token(),
                        language=lang if lang in LANGUAGES else "nl",
                    )
            except IntegrityError:  # another visitor claimed it a moment ago
                current = Invitation.objects.get(wave=link.wave, firm=firm)
        mailable = current.email and current.opted_out_at is None
        if mailable and ratelimit.hit(f"mail:{firm.pk}") <= MAILS_PER_FIRM:
            if current.expires_at < timezone.now():
                current.expires_at = timezone.now() + dt.timedelta(days=link_days())
                Invitation.objects.filter(pk=current.pk).update(expires_at=current.expires_at)
            current = Invitation.objects.select_related("firm", "wave").get(pk=current.pk)
            _send([current], "invitation", MailResult())
        return Claim.MAILED, None
    if current is not None:
        return Claim.REFUSED, None
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                wave=link.wave,
                firm=firm,
                channel=Invitation.Channel.OPEN,
                token=new_token(),
                expires_at=timezone.now() + dt.timedelta(days=link_days()),
                language=lang if lang in LANGUAGES else "nl",
            )
    except IntegrityError:
        return Claim.REFUSED, None
    return Claim.START, invitation


def sample_invitation(wave: Wave, keep: int | None = None) -> Invitation | None:
    """The demo's sample invitation to a synthetic ``wave`` for one visitor (no e-mail): the
    visitor's own (``keep``: the pk of the one they were given) while it is open, else one that
    nobody has started yet, else a new one for a registered firm without a response or
    invitation in the wave — so after one visitor submits a sample, the next still gets a
    questionnaire. None for a real wave (its firms are never offered to others), or when every
    firm has one."""
    if not wave.is_synthetic:
        return None
    open_samples = Invitation.objects.filter(
        wave=wave,
        is_sample=True,
        completed_at__isnull=True,
        opted_out_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if keep is not None:
        mine = open_samples.filter(pk=keep).first()
        if mine is not None:
            return mine
    unstarted = open_samples.filter(started_at__isnull=True, draft__isnull=True)
    latest = unstarted.order_by("-pk").first()
    if latest is not None:
        return latest
    for _attempt in range(3):  # another visitor may take the same firm at the same moment
        firm = (
            Firm.objects.exclude(responses__wave=wave)
            .exclude(invitations__wave=wave)
            .order_by("kvk")
            .first()
        )
        if firm is None:
            return None
        try:
            with transaction.atomic():
                return Invitation.objects.create(
                    wave=wave,
                    firm=firm,
                    channel=Invitation.Channel.OPEN,
                    token=new_token(),
                    expires_at=timezone.now() + dt.timedelta(days=link_days()),
                    is_sample=True,
                )
        except IntegrityError:
            continue
    return None


def sample_link(wave: Wave) -> str | None:
    """The path of the demo's current sample invitation to ``wave`` (read only), or None."""
    latest = Invitation.objects.filter(wave=wave, is_sample=True).order_by("-pk").first()
    return invitation_path(latest) if latest is not None else None


def mark_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )


# ---------------------------------------------------------------------------- answers


def draft_of(invitation: Invitation) -> Draft:
    draft = Draft.objects.filter(invitation=invitation).first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            draft = Draft.objects.create(invitation=invitation)
    except IntegrityError:  # the other tab made it a moment ago
        return Draft.objects.get(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk, started_at__isnull=True).update(
        started_at=timezone.now()
    )
    return draft


class Locked(Exception):
    """The response is submitted: only the monitor team can reopen it."""


@dataclass
class Saved:
    revision: int
    conflicts: dict[str, Any]  # name → the newer answer another tab saved
    answers: dict[str, Any]


def save_answers(
    invitation: Invitation,
    updates: Mapping[str, Any],
    client_revision: int | None,
    page: str | None = None,
) -> Saved:
    """Store ``updates`` (question name → answer; None clears) in the invitation's draft.

    Per answer: when another tab changed it after ``client_revision`` (the revision the
    respondent's page was showing) to something else, it is not overwritten but returned in
    ``conflicts``, so the respondent can see it and decide. Saving the same thing twice changes
    nothing. A submitted draft raises ``Locked``.
    """
    draft = draft_of(invitation)
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.submitted_at is not None:
            raise Locked
        answers, revisions = dict(draft.answers), dict(draft.revisions)
        conflicts: dict[str, Any] = {}
        changed: dict[str, Any] = {}
        for name, value in updates.items():
            if answers.get(name) == value:
                continue
            if client_revision is not None and revisions.get(name, 0) > client_revision:
                conflicts[name] = answers.get(name)
                continue
            changed[name] = value
        fields = []
        if changed:
            draft.revision += 1
            for name, value in changed.items():
                if value is None:
                    answers.pop(name, None)
                else:
                    answers[name] = value
                revisions[name] = draft.revision
            draft.answers, draft.revisions = answers, revisions
            fields += ["answers", "revisions", "revision"]
        if page and page != draft.page:
            draft.page = page
            fields.append("page")
        if fields:
            draft.save(update_fields=[*fields, "updated_at"])
    return Saved(draft.revision, conflicts, dict(draft.answers))


class NotComplete(Exception):
    def __init__(self, problems: list[form.FieldError]) -> None:
        super().__init__(f"{len(problems)} answers need attention")
        self.problems = problems


def submit(invitation: Invitation, lang: str = "nl") -> Draft:
    """Submit the draft: checked as a complete response, stored as the wave's ``Response`` of
    the firm (through the survey service), exactly once — a second submit returns the draft
    already submitted. Answers to questions that are not asked are left out, as in ODK.

    A response of the firm that the monitor team already holds in the wave (e.g. imported
    from another tool) is not overwritten: the submitted draft keeps the answers and a note
    for the team. Problems raise ``NotComplete``.
    """
    draft = draft_of(invitation)
    instrument = instrument_for(invitation.wave)
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.submitted_at is not None:
            return draft
        effective, _ = form.asked(instrument, draft.answers)
        found = form.problems(instrument, draft.answers, None, lang)
        if found:
            raise NotComplete(found)
        now = timezone.now()
        wave, inv = invitation.wave, invitation
        status = Response.Status.COMPLETE
        if needs_verification(inv) and (
            draft.response is None or draft.response.status == Response.Status.UNVERIFIED
        ):  # an open-link claim: held until the team confirms it (once confirmed, it stays)
            status = Response.Status.UNVERIFIED
        record = {
            "firm_id": inv.firm_id,
            "status": status,
            "answers": effective,
            "started_at": draft.started_at,
            "submitted_at": now,
            "language": lang if lang in LANGUAGES else "",
        }
        if inv.sent_at is not None:
            record["invited_at"] = inv.sent_at
        # a first submit never overwrites what the team holds; a reopened one updates its own
        policy = Policy.KEEP if draft.response_id is None else Policy.UPDATE
        (stored,) = store_responses(
            wave, [record], source=SOURCE, policy=policy, instrument=instrument
        ).outcomes
        response = None
        if stored.outcome is Outcome.CONFLICT:
            draft.note = (
                f"not stored: the firm already had a {stored.stored_status} response in wave "
                f"{wave.year} (id {stored.response_id}); compare them in the back office"
            )
        else:
            response = Response.objects.get(pk=stored.response_id)
        draft.response = response
        draft.submitted_at = now
        draft.save(update_fields=["response", "submitted_at", "note", "updated_at"])
        Invitation.objects.filter(pk=inv.pk).update(completed_at=now)
    return draft


def reopen(invitation: Invitation) -> bool:
    """Let the respondent change a submitted response again (the monitor team's decision);
    the stored response is updated when it is submitted anew. False if it was not submitted."""
    with transaction.atomic():
        n = Draft.objects.filter(invitation=invitation, submitted_at__isnull=False).update(
            submitted_at=None, note=""
        )
        if n:
            Invitation.objects.filter(pk=invitation.pk).update(
                completed_at=None,
                expires_at=max(
                    invitation.expires_at, timezone.now() + dt.timedelta(days=link_days())
                ),
            )
    return bool(n)
