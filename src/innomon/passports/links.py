"""The private link of a firm's passport, for the pages that show it to the firm (the web
questionnaire's thank-you page, the landing page's sample)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from innomon.config import region_code
from innomon.registry.models import Firm
from innomon.survey.models import Wave

from .models import Passport, PassportLink


def latest_passport(firm: Firm, year: int) -> Passport | None:
    """The firm's passport in the newest build of wave ``year`` that has one."""
    return (
        Passport.objects.filter(
            firm=firm, build__wave__year=year, build__wave__region__code=region_code()
        )
        .select_related("build__wave")
        .order_by("-build__created_at", "-build__pk")
        .first()
    )


@transaction.atomic
def link_for(passport: Passport) -> PassportLink:
    """The valid private link of the passport's firm and wave: the stored one, or a new token
    when there is none or it has expired."""
    from .rules import passport_rules  # here: it imports numpy, and the admin imports this module

    days = passport_rules().link_valid_days
    link = (
        PassportLink.objects.select_for_update()
        .filter(firm=passport.firm, wave=passport.build.wave)
        .first()
    )
    if link is None:
        return PassportLink.objects.create(
            firm=passport.firm,
            wave=passport.build.wave,
            expires_at=timezone.now() + timedelta(days=days),
        )
    if link.expired:
        link.renew(days)
        link.save(update_fields=["token", "expires_at"])
    return link


def passport_path(link: PassportLink) -> str:
    return reverse("passports:passport", args=[link.token])


def passport_link(firm: Firm, year: int) -> str | None:
    """The path of the firm's web passport of wave ``year`` (``/passport/<token>/``), or None
    when no passport of that wave has been made for the firm yet (``innomon passports YEAR``
    makes them after ``innomon build YEAR``). Issues a fresh token when the old one expired."""
    passport = latest_passport(firm, year)
    if passport is None:
        return None
    return passport_path(link_for(passport))


def sample_passport_link(wave: Wave) -> str | None:
    """A sample passport of a synthetic (demo) wave for the landing page: the one of the firm
    with the lowest KvK number in the newest build that has passports. None for a real wave —
    a real firm's private link is never shown to others."""
    if not wave.is_synthetic:
        return None
    passport = (
        Passport.objects.filter(build__wave=wave)
        .select_related("build__wave", "firm")
        .order_by("-build__created_at", "-build__pk", "firm__kvk")
        .first()
    )
    if passport is None:
        return None
    return passport_path(link_for(passport))


# The directory of every wave's passport PDFs under private/<region>/<year>/ (never served as a
# file: a firm reaches its own PDF only through its private link).
PASSPORTS_DIR = "passports"
