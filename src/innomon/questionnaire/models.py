"""The web questionnaire's state: invitations (private links), drafts, open links, rate counters.

A submitted draft becomes a ``survey.Response`` exactly once (``Draft.response`` is unique, and
so is the response per firm and wave); until then the answers live here, saved page by page and
in the background, with a revision counter for optimistic concurrency between two tabs.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomon.registry.models import Firm
from innomon.survey.models import Response, Wave


def new_token() -> str:
    """An unguessable link token: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def link_days() -> int:
    """How long a private link works after it is made (``INNOMON_LINK_DAYS``, default 120)."""
    return int(os.environ.get("INNOMON_LINK_DAYS") or 120)


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=link_days())


class Invitation(models.Model):
    """One firm's invitation to a wave: its private link (``token``) and what became of it."""

    class Channel(models.TextChoices):
        MAIL = "mail", _("e-mail invitation")
        OPEN = "open", _("open link")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=2, default="nl")
    channel = models.CharField(
        _("channel"), max_length=4, choices=Channel.choices, default=Channel.MAIL
    )
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires"), default=default_expiry)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_mailed_at = models.DateTimeField(_("last e-mail"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    is_sample = models.BooleanField(_("demo sample"), default=False)

    class Meta:
        ordering = ["wave", "firm"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["wave", "firm"], name="invitation_one_per_firm_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.firm.kvk} {self.wave.year}"


class Draft(models.Model):
    """The answers of one invitation while they are being given, and their submission.

    ``answers`` maps question names to typed answers (as an import stores them; text that is
    not yet a valid number is kept as typed); ``revisions`` maps each name to the draft revision
    that last changed it. ``revision`` grows by one with every change.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict, blank=True)
    revisions = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    page = models.CharField(_("page reached"), max_length=64, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    response = models.OneToOneField(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="web_draft",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("questionnaire draft")
        verbose_name_plural = _("questionnaire drafts")

    def __str__(self) -> str:
        return str(self.invitation)


class OpenLink(models.Model):
    """A wave's open link: anyone with it may answer for a registered firm that has no
    invitation yet, after giving its KvK number."""

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="open_link")
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_token)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("open link")
        verbose_name_plural = _("open links")

    def __str__(self) -> str:
        return f"{self.wave.year}"


class RateCounter(models.Model):
    """Hits of one key (an IP address or a token) in one time window: the rate limiter's
    memory, shared by every server process through the database."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="ratecounter_key_window"),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.hits}"
