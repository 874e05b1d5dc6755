"""Read-only pages: the landing page and the generated outputs under ``INNOMON_HOME/out``."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from innomon import config
from innomon.i18n import localized
from innomon.passports.links import is_private_output, sample_passport_link
from innomon.publish.report import report_filename, report_files
from innomon.questionnaire.services import sample_link
from innomon.registry.models import Region


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    out = config.out_dir()
    lang = get_language() or "nl"
    regions = []
    for region in Region.objects.prefetch_related("waves").order_by("code"):
        waves = []
        for wave in region.waves.order_by("-year"):
            name = report_filename(lang)
            rel = f"{region.code}/{wave.year}/{name}"
            waves.append(
                {
                    "wave": wave,
                    "report": rel if (out / rel).is_file() else None,
                    "files": report_files(out, region.code, wave.year, exclude=rel),
                    "passport": sample_passport_link(wave),
                    "questionnaire": sample_link(wave),
                }
            )
        regions.append(
            {
                "region": region,
                "name": localized(region, "name", lang),
                "waves": waves,
                "synthetic": any(w["wave"].is_synthetic for w in waves),
            }
        )
    return render(request, "dashboard/landing.html", {"regions": regions})


@require_safe
def output_file(request: HttpRequest, relpath: str) -> FileResponse:
    """Serve a file under ``out/``; anything outside it, or missing, is a plain 404."""
    root = config.out_dir().resolve()
    target = (root / relpath).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.name.startswith("."):
        raise Http404
    if is_private_output(target.relative_to(root)):  # passports: only behind their private link
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    # FileResponse closes the file when the response is done.
    response = FileResponse(Path(target).open("rb"), content_type=content_type)  # noqa: SIM115
    response["X-Content-Type-Options"] = "nosniff"
    return response
