"""The back office: each firm's private passport link, to send it to the firm."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .links import passport_path
from .models import PassportLink


@admin.register(PassportLink)
class PassportLinkAdmin(admin.ModelAdmin):
    list_display = ["firm", "wave", "expires_at", "path"]
    list_filter = ["wave"]
    search_fields = ["firm__kvk", "firm__name"]
    raw_id_fields = ["firm"]
    readonly_fields = ["path"]

    @admin.display(description=_("private link"))
    def path(self, link: PassportLink) -> str:
        if not link.pk:
            return "–"
        return format_html('<a href="{0}">{0}</a>', passport_path(link))
