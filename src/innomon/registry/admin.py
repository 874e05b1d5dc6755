"""The monitor team's first back office: the register in Django's admin (behind login)."""

from django.contrib import admin
from django.db import models

from .models import Corop, Firm, FrameCell, Initiative, Municipality, Province, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "boundaries_year"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "nuts2", "region"]


@admin.register(Corop)
class CoropAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "nuts3", "province"]
    list_filter = ["province"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "corop"]
    list_filter = ["corop__province", "corop"]
    search_fields = ["code", "name"]


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = [
        "kvk",
        "name",
        "sbi_code",
        "sbi_section",
        "employees",
        "size_class",
        "founding_year",
        "municipality",
        "is_synthetic",
    ]
    list_filter = ["size_class", "sbi_section", "municipality__corop__province", "is_synthetic"]
    search_fields = ["kvk", "name"]
    readonly_fields = ["sbi_section", "size_class", "created_at", "updated_at"]
    autocomplete_fields = ["municipality"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "theme", "municipality", "partners", "is_real"]
    list_filter = ["type", "theme", "is_real", "municipality__corop__province"]
    search_fields = ["name", "theme"]
    autocomplete_fields = ["municipality"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(FrameCell)
class FrameCellAdmin(admin.ModelAdmin):
    list_display = ["year", "unit_level", "unit_code", "sbi_section", "size_class", "count"]
    list_filter = ["year", "unit_level", "size_class", "sbi_section"]
