"""The annual report. The walking skeleton writes one standalone HTML page per wave and language
with the first headline figures, plainly marked as unweighted sample shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import translation

from innomon import __version__, config
from innomon.analysis.headline import Headline, headline_figures
from innomon.registry.models import Region
from innomon.survey.models import Response, Wave
from innomon.survey.services import wave_records


@dataclass(frozen=True)
class WaveFacts:
    wave: Wave
    complete: int
    partial: int
    excluded: int
    panel_overlap: int | None

    @property
    def response_rate_pct(self) -> float | None:
        return 100.0 * self.complete / self.wave.invited if self.wave.invited else None


def wave_facts(wave: Wave) -> WaveFacts:
    counts = Response.objects.filter(wave=wave).aggregate(
        complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
        partial=Count("id", filter=Q(status=Response.Status.PARTIAL)),
        excluded=Count("id", filter=Q(status=Response.Status.EXCLUDED)),
    )
    previous = Wave.objects.filter(region=wave.region, year=wave.year - 1).first()
    overlap = None
    if previous is not None:
        overlap = Response.objects.filter(
            wave=wave,
            status=Response.Status.COMPLETE,
            firm__responses__wave=previous,
            firm__responses__status=Response.Status.COMPLETE,
        ).count()
    return WaveFacts(wave, counts["complete"], counts["partial"], counts["excluded"], overlap)


def report_filename(lang: str) -> str:
    """``report.html`` in the default language (Dutch), ``report.<lang>.html`` otherwise."""
    return "report.html" if lang == settings.LANGUAGE_CODE else f"report.{lang}.html"


def weighted_figures(wave: Wave) -> dict[str, Any] | None:
    """The latest build's region-wide estimates of the headline indicators (None: no build)."""
    from innomon.builds.services import latest_build

    build = latest_build(wave)
    if build is None:
        return None
    rows = {
        e.indicator: e
        for e in build.estimates.filter(domain="", indicator__in=("participants", "top_innovators"))
    }
    comp = build.summary.get("complementarity", {})
    return {
        "build": build,
        "participants": rows.get("participants"),
        "top_innovators": rows.get("top_innovators"),
        "finding_nl": comp.get("sentence_nl"),
        "finding_en": comp.get("sentence_en"),
    }


def render_report(wave: Wave, headline: Headline, facts: WaveFacts, lang: str) -> str:
    weighted = weighted_figures(wave)
    with translation.override(lang):
        return render_to_string(
            "publish/report.html",
            {
                "wave": wave,
                "region": wave.region,
                "headline": headline,
                "facts": facts,
                "lang": lang,
                "region_name": wave.region.name_en if lang == "en" else wave.region.name_nl,
                "alternates": [
                    (code, name, report_filename(code)) for code, name in settings.LANGUAGES
                ],
                "synthetic": wave.is_synthetic,
                "weighted": weighted,
                "finding": (weighted or {}).get("finding_en" if lang == "en" else "finding_nl"),
                "version": __version__,
                "min_publish_n": config.monitor_settings().min_publish_n,
            },
        )


def _write(path: Path, text: str) -> None:
    """Write atomically: a reader never sees half a report."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def build_reports(region: Region, out: Path, languages: list[str] | None = None) -> list[Path]:
    """Write ``out/<region>/<year>/report*.html`` for every wave of ``region``."""
    languages = languages or [code for code, _name in settings.LANGUAGES]
    threshold = config.monitor_settings().top_innovator_threshold
    written = []
    for wave in Wave.objects.filter(region=region).order_by("year"):
        headline = headline_figures(wave_records(wave), threshold)
        facts = wave_facts(wave)
        folder = out / region.code / str(wave.year)
        folder.mkdir(parents=True, exist_ok=True)
        for lang in languages:
            path = folder / report_filename(lang)
            _write(path, render_report(wave, headline, facts, lang))
            written.append(path)
    return written
