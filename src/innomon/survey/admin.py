from django.contrib import admin

from .models import ImportBatch, Participation, QuarantinedRow, Response, Wave


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


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["firm", "wave", "status", "submitted_at", "updated_at", "review_note"]
    list_filter = ["wave", "status"]
    search_fields = ["firm__kvk", "firm__name"]
    raw_id_fields = ["firm"]
    list_select_related = ["firm", "wave", "wave__region"]


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
