"""The public pages — the landing page and the published reports under ``INNOMON_HOME/out`` —
and the monitor team's files under ``INNOMON_HOME/private`` behind the back-office login.

The public site serves an allow-list only: the report files (``report[.<lang>].html/pdf/xlsx``)
of the waves the team has published (``innomon publish YEAR``). Everything holding firm-level
data (exports, import reports, raw imports, passport PDFs) lives in the private tree and is
served to logged-in staff with the permission to view responses, never to anyone else.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from innomon import config
from innomon.i18n import localized
from innomon.passports.links import sample_passport_link
from innomon.publish.report import FORMATS as REPORT_FORMATS
from innomon.publish.report import report_filename, report_files
from innomon.questionnaire.services import invitation_path, sample_invitation
from innomon.registry.models import Region
from innomon.survey.models import Wave

# the permission a team member needs to download the private files (they hold firms' answers)
TEAM_FILES_PERMISSION = "survey.view_response"


def published_report_names() -> set[str]:
    """The file names the public site may serve in a published wave's folder."""
    return {
        report_filename(code, fmt) for code, _name in settings.LANGUAGES for fmt in REPORT_FORMATS
    }


_PUBLIC_PATH = re.compile(r"(?P<region>[a-z0-9-]+)/(?P<year>[0-9]{4})/(?P<name>[a-z.]+)")


def public_file(relpath: str) -> Path | None:
    """The file under ``out/`` that ``/out/<relpath>`` may serve, or None: only a report file
    of a published wave, a regular file inside ``out/`` (no link leading elsewhere)."""
    match = _PUBLIC_PATH.fullmatch(relpath)
    if match is None or match["name"] not in published_report_names():
        return None
    if not Wave.objects.filter(
        region__code=match["region"], year=int(match["year"]), published_at__isnull=False
    ).exists():
        return None
    root = config.out_dir().resolve()
    target = (root / relpath).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


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
            published = wave.published_at is not None
            waves.append(
                {
                    "wave": wave,
                    "published": published,
                    "report": rel if published and (out / rel).is_file() else None,
                    "files": report_files(out, region.code, wave.year, exclude=rel)
                    if published
                    else [],
                    "passport": sample_passport_link(wave),
                    "questionnaire": (
                        reverse("dashboard:sample", args=[region.code, wave.year])
                        if wave.is_synthetic
                        else None
                    ),
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


SAMPLE_SESSION_KEY = "innomon-sample-{wave}"


@require_safe
@never_cache
def sample(request: HttpRequest, region: str, year: int) -> HttpResponse:
    """The demo's sample questionnaire for this visitor (synthetic waves only): the one this
    browser was given while it is open, else a questionnaire nobody has started, else a fresh
    one — so every visitor can try it, again and again."""
    wave = get_object_or_404(Wave, region__code=region, year=year, is_synthetic=True)
    key = SAMPLE_SESSION_KEY.format(wave=wave.pk)
    invitation = sample_invitation(wave, keep=request.session.get(key))
    if invitation is None:
        raise Http404
    request.session[key] = invitation.pk
    return redirect(invitation_path(invitation))


def _serve(target: Path, *, attachment: bool) -> FileResponse:
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    # FileResponse closes the file when the response is done.
    response = FileResponse(
        target.open("rb"),
        content_type=content_type,
        as_attachment=attachment,
        filename=target.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def output_file(request: HttpRequest, relpath: str) -> FileResponse:
    """Serve a published report file under ``out/``; anything else is a plain 404."""
    target = None if "\x00" in relpath else public_file(relpath)
    if target is None:
        raise Http404
    return _serve(target, attachment=False)


def _team_member(request: HttpRequest) -> None:
    if not request.user.has_perm(TEAM_FILES_PERMISSION):
        raise PermissionDenied


def _private_files(root: Path) -> list[Path]:
    """The private files the team may download: every regular file under ``root`` outside a
    hidden (temporary) directory, not hidden itself."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


@staff_member_required
@require_safe
@never_cache
def team_files(request: HttpRequest) -> HttpResponse:
    """The monitor team's private files (exports, import reports, raw imports, passports)."""
    _team_member(request)
    root = config.private_dir()
    files = [
        {
            "path": path.relative_to(root).as_posix(),
            "size": path.stat().st_size,
            "modified": datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
        }
        for path in _private_files(root)
    ]
    response = render(request, "dashboard/team_files.html", {"files": files, "root": root})
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
@require_safe
@never_cache
def team_file(request: HttpRequest, relpath: str) -> FileResponse:
    """Download one private file (a team member with the permission to view responses)."""
    _team_member(request)
    if "\x00" in relpath:
        raise Http404
    root = config.private_dir().resolve()
    target = (root / relpath).resolve()
    if (
        not target.is_relative_to(root)
        or not target.is_file()
        or any(part.startswith(".") for part in target.relative_to(root).parts)
    ):
        raise Http404
    response = _serve(target, attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response
