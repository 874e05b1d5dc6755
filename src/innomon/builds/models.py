"""A build stores every published number of a wave with where it came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from innomon.survey.models import Wave


class Build(models.Model):
    """One run of ``innomon build YEAR``: the weights and every estimate made from them."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="builds")
    created_at = models.DateTimeField(auto_now_add=True)
    innomon_version = models.CharField(max_length=20)
    data_sha256 = models.CharField(_("checksum of the responses"), max_length=64)
    frame_sha256 = models.CharField(_("checksum of the frame"), max_length=64)
    config_sha256 = models.CharField(_("checksum of the configuration"), max_length=64)
    respondents = models.PositiveIntegerField(_("respondents"))
    weighting = models.JSONField(_("weighting and its diagnostics"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("build")
        verbose_name_plural = _("builds")

    def __str__(self) -> str:
        return f"build {self.pk} of {self.wave}"


class BuildEstimate(models.Model):
    """One published number: an indicator in a domain (empty domain: the whole region)."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="estimates")
    # an indicator id, or question:<name>[=<code>] for the questions' tables
    indicator = models.CharField(_("indicator"), max_length=200)
    domain = models.CharField(_("domain"), max_length=120, blank=True)  # e.g. "province*size_class"
    domain_value = models.CharField(_("domain value"), max_length=200, blank=True)
    estimate = models.FloatField(null=True)
    se = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    n = models.PositiveIntegerField()
    suppressed = models.BooleanField(default=False)
    sample_share = models.FloatField(_("unweighted share of respondents"), null=True)

    class Meta:
        ordering = ["indicator", "domain", "domain_value"]
        verbose_name = _("build estimate")
        verbose_name_plural = _("build estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["build", "indicator", "domain", "domain_value"],
                name="build_estimate_unique",
            ),
        ]
        indexes = [models.Index(fields=["build", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.domain}={self.domain_value}"


class FirmClass(models.Model):
    """A firm's classes in a build of its wave: the ladder level and the typology flags
    (None: could not be decided from its answers), and its weight in the build. ``flags`` holds
    every flag of the definition's typology by id; ``top``, ``frugal`` and ``micro_veteran``
    are filled when flags of those ids exist."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="firm_classes")
    firm = models.ForeignKey("registry.Firm", on_delete=models.CASCADE, related_name="classes")
    level = models.SmallIntegerField(_("ladder level"), null=True)
    level_id = models.CharField(_("ladder level"), max_length=40, blank=True)
    top = models.BooleanField(_("top innovator"), null=True)
    frugal = models.BooleanField(_("frugal super-innovator"), null=True)
    micro_veteran = models.BooleanField(_("micro-veteran"), null=True)
    flags = models.JSONField(_("typology flags"), default=dict, blank=True)
    # the firm's raked weight in this build (None in builds made before weights were stored)
    weight = models.FloatField(_("weight"), null=True)

    class Meta:
        verbose_name = _("firm class")
        verbose_name_plural = _("firm classes")
        constraints = [
            models.UniqueConstraint(fields=["build", "firm"], name="firm_class_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id}: {self.level_id}"
