import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from innomon.instrument import InstrumentError, validate
from innomon.instrument.validate import show

from .models import ImportBatch, Participation, QuarantinedRow, Response, ResponseEdit, Wave
from .questionnaires import (
    answers_held,
    assign_questionnaire,
    check_questionnaire,
    locked_message,
    wave_instrument,
)
from .responses import (
    FIELDS,
    WRITTEN,
    Policy,
    record_problems,
    store_responses,
)

BACK_OFFICE = "back office"


class WaveForm(forms.ModelForm):
    """A wave, and the questionnaire workbook it is asked with: uploaded when the wave is
    opened (default: the packaged one), or replaced while the wave holds no responses yet.
    The workbook is checked as the import and the web questionnaire will read it."""

    upload = forms.FileField(
        label=_("questionnaire workbook (.xlsx)"),
        required=False,
        help_text=_(
            "The XLSForm workbook this wave is asked with. Leave empty to keep the stored one "
            "(a new wave: the packaged questionnaire). It can be replaced only while the wave "
            "holds no responses or imports."
        ),
    )

    class Meta:
        model = Wave
        fields = [
            "region",
            "year",
            "fieldwork_start",
            "fieldwork_end",
            "invited",
            "is_synthetic",
            "published_at",
            "upload",
        ]

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("upload")
        self.questionnaire = None
        if upload is None:
            return data
        if answers_held(self.instance):
            self.add_error("upload", locked_message(self.instance))
            return data
        content = upload.read()
        try:
            instrument = check_questionnaire(content, upload.name)
        except InstrumentError as exc:
            self.add_error("upload", str(exc))
        else:
            self.questionnaire = (content, upload.name, instrument)
        return data


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    form = WaveForm
    list_display = [
        "year",
        "region",
        "questionnaire_file",
        "questionnaire_version",
        "fieldwork_start",
        "fieldwork_end",
        "invited",
        "is_synthetic",
    ]
    list_filter = ["region"]
    readonly_fields = [
        "questionnaire_file",
        "questionnaire_version",
        "questionnaire_sha256",
        "questionnaire_download",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("questionnaire")

    @admin.display(description=_("stored workbook"))
    def questionnaire_download(self, obj: Wave) -> str:
        if obj.pk is None or not obj.questionnaire_sha256:
            return "—"
        return format_html(
            '<a href="{}" download="{}">{}</a>',
            reverse("admin:survey_wave_questionnaire", args=[obj.pk]),
            obj.questionnaire_file,
            _("download"),
        )

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/questionnaire/",
                self.admin_site.admin_view(self.questionnaire_view),
                name="survey_wave_questionnaire",
            )
        ]
        return urls + super().get_urls()

    def questionnaire_view(self, request, pk: int) -> HttpResponse:
        """The wave's stored workbook, as it was asked (for the team)."""
        wave = get_object_or_404(Wave, pk=pk)
        if not self.has_view_permission(request, wave):
            raise PermissionDenied
        response = HttpResponse(
            bytes(wave.questionnaire),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{wave.questionnaire_file}"'
        return response

    def save_model(self, request, obj: Wave, form, change: bool) -> None:
        if form.questionnaire is not None:
            content, name, instrument = form.questionnaire
            assign_questionnaire(obj, content, name, instrument, save=False)
        super().save_model(request, obj, form, change)


class ResponseForm(forms.ModelForm):
    """The team's form: the service's own checks, shown beside the fields; answers that are
    new or changed (or a changed status) go through the questionnaire's validation — the
    wave's questionnaire, the same rules as the import and the web questionnaire — and each
    problem is an error naming the question."""

    class Meta:
        model = Response
        fields = ["wave", "firm", *FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        record = {name: data[name] for name in FIELDS if data.get(name) is not None}
        for name, message in record_problems(record):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        if "answers" not in self.errors and "status" not in self.errors:
            for message in self._answer_problems(data):
                self.add_error("answers" if "answers" in self.fields else None, message)
        return data

    def _answer_problems(self, data: dict) -> list[str]:
        answers = data.get("answers")
        wave = data.get("wave") or (self.instance.wave if self.instance.wave_id else None)
        edited = self.instance.pk is None or {"answers", "status"} & set(self.changed_data)
        if not isinstance(answers, Mapping) or wave is None or not edited:
            return []
        status = data.get("status") or self.instance.status
        instrument = wave_instrument(wave)
        found = validate(instrument, answers, complete=status == Response.Status.COMPLETE)
        dutch = (translation.get_language() or "nl").startswith("nl")
        return [
            f"{p.variable}{'' if p.value is None else ' = ' + show(p.value)}: "
            f"{p.message_nl if dutch else p.message_en}"
            for p in found
        ]


def _edits(before: Response | None, after: Response, user: Any) -> list[ResponseEdit]:
    """One log row per field (and per answer) that differs between ``before`` and ``after``."""
    out = []

    def edit(name: str, old: Any, new: Any) -> None:
        out.append(
            ResponseEdit(
                response=after,
                user=user if getattr(user, "pk", None) else None,
                username=getattr(user, "get_username", lambda: "")(),
                field=name,
                old=old,
                new=new,
            )
        )

    for name in FIELDS:
        old = None if before is None else getattr(before, name)
        new = getattr(after, name)
        if name == "answers":
            old = old or {}
            for key in sorted(set(old) | set(new or {})):
                if old.get(key) != (new or {}).get(key):
                    edit(f"answers.{key}", old.get(key), (new or {}).get(key))
        elif old != new:
            edit(name, old, new)
    return out


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Saved through ``store_responses`` like every other response: a new response never
    replaces one the firm has in the wave; changing one is the team's explicit edit (and its
    initiative participations follow the answers)."""

    form = ResponseForm
    list_display = ["firm", "wave", "status", "submitted_at", "updated_at", "review_note"]
    list_filter = ["wave", "status"]
    search_fields = ["firm__kvk", "firm__name"]
    raw_id_fields = ["firm"]
    list_select_related = ["firm", "wave", "wave__region"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("wave__questionnaire")

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # a response belongs to its firm and wave; another firm or wave is another response
        return ("wave", "firm", "change_log") if obj is not None else ()

    @admin.display(description=_("changes in the back office"))
    def change_log(self, obj: Response) -> str:
        """Who changed what, when: the response's edit log (read-only)."""
        edits = list(obj.edits.all()[:200])
        if not edits:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    localtime(e.changed_at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.username,
                    e.field,
                    json.dumps(e.old, ensure_ascii=False, default=str),
                    json.dumps(e.new, ensure_ascii=False, default=str),
                )
                for e in edits
            ),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("at"),
            _("by"),
            _("field"),
            _("old value"),
            _("new value"),
            rows,
        )

    def save_model(self, request, obj: Response, form, change: bool) -> None:
        names = [n for n in FIELDS if n in form.changed_data] if change else list(FIELDS)
        record = {name: getattr(obj, name) for name in names}
        record.update(firm_id=obj.firm_id, status=obj.status)
        before = Response.objects.get(pk=obj.pk) if change else None
        result = store_responses(
            obj.wave,
            [record],
            source=BACK_OFFICE,
            policy=Policy.UPDATE if change else Policy.KEEP,
            refuse_conflicts=True,
        )
        obj.pk = result.outcomes[0].response_id
        obj._state.adding = False
        obj.refresh_from_db()
        if result.outcomes[0].outcome in WRITTEN:  # who changed what, in the same transaction
            ResponseEdit.objects.bulk_create(_edits(before, obj, request.user))


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["firm", "initiative", "wave"]
    list_filter = ["wave", "initiative__type"]
    raw_id_fields = ["firm"]
    list_select_related = ["firm", "initiative", "wave", "wave__region"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("wave__questionnaire")


@admin.register(ResponseEdit)
class ResponseEditAdmin(admin.ModelAdmin):
    """The back office's change log of responses: read-only."""

    list_display = ["changed_at", "username", "response", "field", "old", "new"]
    list_filter = ["response__wave"]
    search_fields = ["response__firm__kvk", "username", "field"]
    list_select_related = ["response__firm", "response__wave__region"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Made by ``innomon import`` only: never by hand."""

    list_display = [
        "file_name",
        "wave",
        "source",
        "imported_at",
        "rows",
        "stored",
        "unchanged",
        "quarantined",
        "resolved",
    ]
    list_filter = ["wave", "source"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(admin.ModelAdmin):
    """Made by ``innomon import`` only (a row that did not pass): never by hand."""

    list_display = ["file_name", "row_number", "kvk", "wave", "created_at", "resolved_at"]
    list_filter = ["wave", "resolved_at"]
    search_fields = ["kvk", "file_name"]
    readonly_fields = ["raw", "problems", "digest"]

    def has_add_permission(self, request) -> bool:
        return False
