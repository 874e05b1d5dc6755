"""The survey: annual waves, each firm's response in a wave, and participation in initiatives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomon.registry.models import Firm, Initiative, Region


class Wave(models.Model):
    """One annual round of the monitor."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="waves")
    year = models.PositiveSmallIntegerField(_("year"))
    # The XLSForm workbook the wave is asked with, stored with it (``survey.questionnaires``):
    # nothing done later — a new workbook for a later wave, an edited packaged file — changes
    # the questionnaire of this wave. ``questionnaire_version`` is its settings sheet's version.
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=40)
    questionnaire = models.BinaryField(_("questionnaire workbook"), default=b"", editable=False)
    questionnaire_file = models.CharField(_("questionnaire file"), max_length=255, blank=True)
    questionnaire_sha256 = models.CharField(
        _("questionnaire checksum (SHA-256)"), max_length=64, blank=True
    )
    fieldwork_start = models.DateField(_("fieldwork start"))
    fieldwork_end = models.DateField(_("fieldwork end"))
    invited = models.PositiveIntegerField(_("firms invited"))
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    # When the team published the wave's report (`innomon publish YEAR`): only then does the
    # public site serve its report files. Empty: not published (or withdrawn).
    published_at = models.DateTimeField(_("report published at"), null=True, blank=True)

    class Meta:
        ordering = ["region", "year"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="wave_one_per_region_year"),
            models.CheckConstraint(
                condition=models.Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="wave_fieldwork_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.code} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A wave saved without a questionnaire gets the default workbook (its bytes, file
        name, checksum and version), so that every wave holds the one it is asked with."""
        if not self.questionnaire_sha256:
            from .questionnaires import default_questionnaire

            data, filename, sha256, version = default_questionnaire()
            self.questionnaire, self.questionnaire_file = data, filename
            self.questionnaire_sha256, self.questionnaire_version = sha256, version
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *QUESTIONNAIRE_FIELDS}
        super().save(*args, **kwargs)


QUESTIONNAIRE_FIELDS = (
    "questionnaire",
    "questionnaire_file",
    "questionnaire_sha256",
    "questionnaire_version",
)


class Response(models.Model):
    """One firm's answers in one wave, keyed by questionnaire variable names."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        PARTIAL = "partial", _("partial")
        COMPLETE = "complete", _("complete")
        EXCLUDED = "excluded", _("excluded")
        # given through the open link by someone who has not proved to be the firm: held until
        # the monitor team confirms it; never in a build, a passport or an export
        UNVERIFIED = "unverified", _("unverified (open link)")

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        blank=True,
        help_text=_("The language the firm answered in (nl or en), when the survey tool says."),
    )
    review_note = models.CharField(
        _("to review"),
        max_length=200,
        blank=True,
        help_text=_(
            "Why the monitor team should check this response, e.g. how its firm was matched."
        ),
    )
    # the import that last wrote it (None: written otherwise, or that import's record removed);
    # importing the same file again rewrites the responses of its batch (``innomon.intake``)
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        verbose_name=_("import"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["wave", "firm"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["wave", "firm"], name="response_one_per_firm_per_wave"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["invited", "partial", "complete", "excluded", "unverified"]
                ),
                name="response_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["wave", "status"])]

    def __str__(self) -> str:
        return f"{self.firm.kvk} in {self.wave.year} ({self.status})"


class Participation(models.Model):
    """A firm takes part in a collaboration initiative, as reported in a wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="participations")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="participations")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="participations"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "firm", "initiative"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm.kvk} × {self.initiative.name} ({self.wave.year})"


class ImportBatch(models.Model):
    """One run of ``innomon import``: which file (and the private copy of it kept, with its
    checksum), which mapping, and what became of its rows. Importing the same file into the
    same wave again replaces the batch (``replaced_by``): its responses are rewritten."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=20)
    imported_at = models.DateTimeField(auto_now_add=True)
    # the raw file as imported, copied under INNOMON_HOME/private/<region>/<year>/imports/
    archive = models.CharField(_("archived file"), max_length=500, blank=True)
    mapping_file = models.CharField(_("mapping file"), max_length=255, blank=True)
    mapping_sha256 = models.CharField(_("mapping checksum (SHA-256)"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    # rows of the tool's own that are no responses (Qualtrics Status), not stored
    previews = models.PositiveIntegerField(_("survey previews"), default=0)
    tests = models.PositiveIntegerField(_("survey tests"), default=0)
    spam = models.PositiveIntegerField(_("spam"), default=0)
    partial = models.PositiveIntegerField(_("partial responses stored"), default=0)
    superseded = models.PositiveIntegerField(_("partial responses superseded"), default=0)
    doubles = models.PositiveIntegerField(_("double submits counted once"), default=0)
    # the file's columns the mapping did not account for (listed in the import report)
    unaccounted = models.JSONField(_("unaccounted columns"), default=list, blank=True)
    # a re-import of the same file: the counts of the responses this batch took over
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced",
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.wave.year}"


class QuarantinedRow(models.Model):
    """A row that did not pass the checks: kept whole, with every problem, until a corrected
    file resolves it. Nothing of an imported file is dropped."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="quarantine")
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="quarantined_rows"
    )
    file_name = models.CharField(_("file"), max_length=255)
    row_number = models.PositiveIntegerField(_("row"))
    kvk = models.CharField(_("KvK number"), max_length=32, blank=True)
    raw = models.JSONField(_("row as read"))
    digest = models.CharField(max_length=64)
    problems = models.JSONField(_("problems"))
    # rows held together — two different complete submissions of one firm in one file: the
    # same key (``<batch>:<kvk>``), shown side by side in the import report
    group = models.CharField(_("held with"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolved_rows"
    )

    class Meta:
        ordering = ["wave", "file_name", "row_number"]
        verbose_name = _("quarantined row")
        verbose_name_plural = _("quarantine")
        indexes = [models.Index(fields=["wave", "kvk"]), models.Index(fields=["wave", "digest"])]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row_number}"


class ResponseEdit(models.Model):
    """One change the monitor team made to a response in the back office: who, when, which
    field (an answer is ``answers.<variable>``), and the value before and after (null: none).
    Written with the edit, in the same transaction; read-only in the back office."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="edits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("by"), max_length=150)  # kept when the account is removed
    changed_at = models.DateTimeField(_("at"), default=timezone.now)
    field = models.CharField(_("field"), max_length=200)
    old = models.JSONField(_("old value"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("new value"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("response edit")
        verbose_name_plural = _("response edits")

    def __str__(self) -> str:
        return f"{self.response} {self.field}"
