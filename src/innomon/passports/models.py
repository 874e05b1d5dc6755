"""A firm's Innovation Passport of a build, and the private link that shows it on the web."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomon.builds.models import Build
from innomon.registry.models import Firm
from innomon.survey.models import Wave

# secrets.token_urlsafe(32): 32 random bytes = 256 bits, 43 URL-safe characters
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class Passport(models.Model):
    """The content of one firm's passport in one build, snapshotted: the PDF and the web page
    both render this, so they always agree. ``data`` holds numbers and ids only (no text in a
    language); the language is the firm's."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="passports")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="passports")
    language = models.CharField(_("language"), max_length=2, default="nl")
    data = models.JSONField(_("content"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("innovation passport")
        verbose_name_plural = _("innovation passports")
        constraints = [
            models.UniqueConstraint(fields=["build", "firm"], name="passport_one_per_build_firm"),
        ]

    def __str__(self) -> str:
        return f"passport {self.firm_id} in build {self.build_id}"


class PassportLink(models.Model):
    """The private link of a firm's passport of a wave: an unguessable token (256 bits) that
    expires. One per firm and wave; an expired link is replaced by a new token."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="passport_links")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="passport_links")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("passport link")
        verbose_name_plural = _("passport links")
        constraints = [
            models.UniqueConstraint(fields=["firm", "wave"], name="passport_link_one_per_wave"),
        ]

    def __str__(self) -> str:
        return f"passport link of {self.firm_id} in {self.wave_id}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def renew(self, days: int) -> None:
        """A new token valid for ``days`` days (the old one stops working)."""
        self.token = new_token()
        self.expires_at = timezone.now() + timedelta(days=days)
