from django import forms
from django.contrib import admin

from .models import ImportBatch, Participation, QuarantinedRow, Response, Wave
from .responses import FIELDS, Policy, record_problems, store_responses

BACK_OFFICE = "back office"


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "region",
        "questionnaire_version",
        "fieldwork_start",
        "fieldwork_end",
        "invited",
        "is_synthetic",
    ]
    list_filter = ["region"]


class ResponseForm(forms.ModelForm):
    """The team's form: the service's own checks, shown beside the fields."""

    class Meta:
        model = Response
        fields = ["wave", "firm", *FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        record = {name: data[name] for name in FIELDS if data.get(name) is not None}
        for name, message in record_problems(record):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


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

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # a response belongs to its firm and wave; another firm or wave is another response
        return ("wave", "firm") if obj is not None else ()

    def save_model(self, request, obj: Response, form, change: bool) -> None:
        names = [n for n in FIELDS if n in form.changed_data] if change else list(FIELDS)
        record = {name: getattr(obj, name) for name in names}
        record.update(firm_id=obj.firm_id, status=obj.status)
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


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["firm", "initiative", "wave"]
    list_filter = ["wave", "initiative__type"]
    raw_id_fields = ["firm"]
    list_select_related = ["firm", "initiative", "wave", "wave__region"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
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


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(admin.ModelAdmin):
    list_display = ["file_name", "row_number", "kvk", "wave", "created_at", "resolved_at"]
    list_filter = ["wave", "resolved_at"]
    search_fields = ["kvk", "file_name"]
    readonly_fields = ["raw", "problems", "digest"]
