"""The register: the region's geography, firms, collaboration initiatives, population frame."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from innomon.classification import SIZE_CLASSES, sbi_section, size_class

KVK_PATTERN = re.compile(r"^\d{8}$")
SIZE_CHOICES = [(name, name) for name, _low, _high in SIZE_CLASSES]
SME_SIZE_CHOICES = [c for c in SIZE_CHOICES if c[0] != "large"]


def validate_kvk(value: str) -> None:
    """A KvK number (Dutch Chamber of Commerce registration) is exactly eight digits, and not
    ``00000000`` (no firm has it: a placeholder, not a number)."""
    if not KVK_PATTERN.match(str(value)):
        raise ValidationError(
            _("'%(value)s' is not a KvK number: it must be exactly 8 digits"),
            params={"value": value},
            code="kvk",
        )
    if str(value) == "00000000":
        raise ValidationError(
            _("'%(value)s' is not a KvK number: no firm has it; fill in the firm's own number"),
            params={"value": value},
            code="kvk",
        )


WEBSITE_SCHEMES = ("http", "https")


def validate_website(value: str) -> None:
    """An initiative's website is an http(s) address (never ``javascript:``, ``data:``, …)."""
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=list(WEBSITE_SCHEMES))(str(value))
    except ValidationError as exc:
        raise ValidationError(
            _("'%(value)s' is not a website address: it must start with http:// or https://"),
            params={"value": value},
            code="website",
        ) from exc


def validate_sbi(value: str) -> None:
    try:
        sbi_section(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="sbi") from exc


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    boundaries_year = models.PositiveSmallIntegerField(_("boundaries year"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_nl


class Province(models.Model):
    code = models.CharField(_("CBS code"), max_length=4, unique=True)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="provinces")
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    nuts2 = models.CharField("NUTS 2", max_length=4)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_nl


class Corop(models.Model):
    code = models.CharField(_("CBS code"), max_length=4, unique=True)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="corops")
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    nuts3 = models.CharField("NUTS 3", max_length=5)

    class Meta:
        ordering = ["code"]
        verbose_name = _("COROP region")
        verbose_name_plural = _("COROP regions")

    def __str__(self) -> str:
        return self.name_nl


class Municipality(models.Model):
    code = models.CharField(_("CBS code"), max_length=6, unique=True)
    corop = models.ForeignKey(Corop, on_delete=models.CASCADE, related_name="municipalities")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Firm(models.Model):
    kvk = models.CharField(_("KvK number"), max_length=8, unique=True, validators=[validate_kvk])
    name = models.CharField(_("name"), max_length=200)
    sbi_code = models.CharField(_("SBI 2008 code"), max_length=5, validators=[validate_sbi])
    sbi_section = models.CharField(_("SBI section"), max_length=1, editable=False)
    employees = models.PositiveIntegerField(_("employees"))
    size_class = models.CharField(
        _("size class"), max_length=6, choices=SIZE_CHOICES, editable=False
    )
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="firms", verbose_name=_("municipality")
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kvk"]
        verbose_name = _("firm")
        verbose_name_plural = _("firms")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("kvk"), 8), name="firm_kvk_8_chars"),
            models.CheckConstraint(
                condition=models.Q(size_class__in=[c[0] for c in SIZE_CHOICES]),
                name="firm_size_class_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kvk})"

    def save(self, *args, **kwargs) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Set the derived fields (SBI section, size class) from the SBI code and employees."""
        self.sbi_section = sbi_section(self.sbi_code)
        self.size_class = size_class(self.employees)

    @property
    def is_sme(self) -> bool:
        return self.size_class != "large"


class Initiative(models.Model):
    class Type(models.TextChoices):
        NETWORK = "network", _("innovation network")
        TEST_ENVIRONMENT = "test_environment", _("test environment")
        INCUBATOR = "incubator", _("incubator")

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    theme = models.CharField(_("theme"), max_length=60)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("municipality"),
    )
    partners = models.PositiveIntegerField(_("number of partners"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_real = models.BooleanField(
        _("real initiative"),
        default=False,
        help_text=_("Name, type and place are public facts; otherwise a synthetic demo entry."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=["network", "test_environment", "incubator"]),
                name="initiative_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude)
        if self.website and not (exclude and "website" in exclude):
            try:
                validate_website(self.website)
            except ValidationError as exc:
                raise ValidationError({"website": exc.messages}) from exc


class FrameCell(models.Model):
    """The number of SME establishments in one region unit × SBI section × size class in a year."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        COROP = "corop", _("COROP region")
        MUNICIPALITY = "municipality", _("municipality")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="frame_cells")
    year = models.PositiveSmallIntegerField(_("year"))
    unit_level = models.CharField(_("unit level"), max_length=12, choices=Level.choices)
    unit_code = models.CharField(_("unit code"), max_length=6)
    sbi_section = models.CharField(_("SBI section"), max_length=1)
    size_class = models.CharField(_("size class"), max_length=6, choices=SME_SIZE_CHOICES)
    count = models.PositiveIntegerField(_("establishments"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "unit_code", "sbi_section", "size_class"]
        verbose_name = _("frame cell")
        verbose_name_plural = _("population frame")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "unit_code", "sbi_section", "size_class"],
                name="frame_cell_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(size_class__in=[c[0] for c in SME_SIZE_CHOICES]),
                name="frame_cell_sme_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_code} {self.sbi_section} {self.size_class}: {self.count}"
