"""The monitor team's view of invitations and drafts; reopening a submitted response, and
confirming a response given through the open link."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Draft, Invitation, OpenLink


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "firm",
        "wave",
        "email",
        "channel",
        "sent_at",
        "reminders_sent",
        "opened_at",
        "started_at",
        "completed_at",
        "opted_out_at",
    )
    list_filter = ("wave", "channel")
    search_fields = ("firm__kvk", "firm__name", "email")
    readonly_fields = (
        "wave",
        "firm",
        "channel",
        "created_at",
        "sent_at",
        "reminders_sent",
        "last_mailed_at",
        "opened_at",
        "started_at",
        "completed_at",
        "opted_out_at",
    )
    actions = ["reopen", "confirm"]

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # a new invitation (say, given by telephone) picks its wave and firm; then they stay
        return self.readonly_fields if obj is not None else self.readonly_fields[3:]

    @admin.action(description=_("Reopen the submitted questionnaire (the firm may change it)"))
    def reopen(self, request, queryset) -> None:
        n = sum(services.reopen(inv) for inv in queryset)
        self.message_user(
            request,
            ngettext("%(n)d questionnaire reopened.", "%(n)d questionnaires reopened.", n)
            % {"n": n},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Confirm the open-link response (checked with the firm: it is theirs)")
    )
    def confirm(self, request, queryset) -> None:
        n = services.confirm(queryset)
        self.message_user(
            request,
            ngettext("%(n)d response confirmed.", "%(n)d responses confirmed.", n) % {"n": n},
            messages.SUCCESS,
        )


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("invitation", "page", "revision", "updated_at", "submitted_at", "note")
    search_fields = ("invitation__firm__kvk", "invitation__firm__name")
    readonly_fields = (
        "invitation",
        "answers",
        "revisions",
        "revision",
        "page",
        "started_at",
        "updated_at",
        "submitted_at",
        "response",
        "note",
    )

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # the team may type in a paper questionnaire: invitation and answers, once
        return self.readonly_fields if obj is not None else self.readonly_fields[2:]


@admin.register(OpenLink)
class OpenLinkAdmin(admin.ModelAdmin):
    list_display = ("wave", "active")

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        return ("wave",) if obj is not None else ()
