"""The annual report: ``innomon report YEAR`` writes, from the wave's latest build, into
``out/<region>/<year>/``

- ``report.html`` / ``report.en.html`` — standalone pages that work offline,
- ``report.pdf`` / ``report.en.pdf`` — made with Typst, charts as SVG,
- ``report.xlsx`` / ``report.en.xlsx`` — every table, a sheet per chapter.

One content model (``content.build_content``) per language feeds the three renderers, so the
files show the same numbers. Every file is written atomically (a temporary file, then a rename):
a reader never sees half a report, and a failure leaves the previous files in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.utils import translation

from innomon.builds.services import latest_build
from innomon.errors import name_the_file
from innomon.region import load_region
from innomon.registry.models import Region
from innomon.survey.models import Wave

from .content import DEFAULT_MAP_INDICATOR, build_content
from .geo import Geometry
from .model import ReportError

FORMATS = ("html", "pdf", "xlsx")


def report_filename(lang: str, fmt: str = "html") -> str:
    """``report.<fmt>`` in the default language (Dutch), ``report.<lang>.<fmt>`` otherwise."""
    return f"report.{fmt}" if lang == settings.LANGUAGE_CODE else f"report.{lang}.{fmt}"


def language_names() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def _write_bytes(path: Path, data: bytes) -> None:
    """``data`` into a temporary file beside ``path``, renamed over it: a failure (a full
    disk) leaves the previous file and no temporary one."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        name_the_file(exc, path)
        raise


def write_report(
    wave: Wave,
    out: Path,
    languages: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    geometry: Geometry | None = None,
    map_indicator: str | None = DEFAULT_MAP_INDICATOR,
    on_step: Callable[[str], None] = lambda step: None,
) -> list[Path]:
    """Write the report of ``wave`` from its latest build in ``languages`` × ``formats``.

    Everything is rendered in memory first; the files are written only when all renderers
    succeeded."""
    from .render_html import render_html
    from .render_pdf import render_pdf
    from .render_xlsx import render_xlsx

    build = latest_build(wave)
    if build is None:
        raise ReportError(
            f"wave {wave.year} has no build yet; run `innomon build {wave.year}` first"
        )
    languages = list(languages or [code for code, _n in settings.LANGUAGES])
    region_data = load_region(wave.region.code)
    folder = out / wave.region.code / str(wave.year)
    rendered: list[tuple[Path, bytes]] = []
    names = language_names()
    for lang in languages:
        with translation.override(lang):
            on_step(f"content {lang}")
            report = build_content(
                build, lang, region_data, geometry, map_indicator, with_rows="xlsx" in formats
            )
            if "html" in formats:
                on_step(f"html {lang}")
                files = [
                    (label, report_filename(lang, fmt))
                    for fmt, label in (("pdf", "PDF"), ("xlsx", "Excel"))
                    if fmt in formats or (folder / report_filename(lang, fmt)).is_file()
                ]
                alternates = [(code, name, report_filename(code)) for code, name in names]
                text = render_html(report, alternates, files)
                rendered.append((folder / report_filename(lang, "html"), text.encode("utf-8")))
            if "pdf" in formats:
                on_step(f"pdf {lang}")
                rendered.append((folder / report_filename(lang, "pdf"), render_pdf(report)))
            if "xlsx" in formats:
                on_step(f"xlsx {lang}")
                rendered.append((folder / report_filename(lang, "xlsx"), render_xlsx(report)))
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in rendered:
        _write_bytes(path, data)
    return [p for p, _d in rendered]


def build_reports(
    region: Region,
    out: Path,
    languages: list[str] | None = None,
    full_years: Sequence[int] | None = None,
) -> list[Path]:
    """The demo's reports: HTML for every wave with a build, and every format for the waves of
    ``full_years`` (default: the latest wave)."""
    waves = [w for w in Wave.objects.filter(region=region).order_by("year") if latest_build(w)]
    if full_years is None:
        full_years = [waves[-1].year] if waves else []
    written: list[Path] = []
    for wave in waves:
        formats = FORMATS if wave.year in full_years else ("html",)
        written += write_report(wave, out, languages, formats)
    return written


def report_files(out: Path, region_code: str, year: int, exclude: str = "") -> list[dict]:
    """The report files of a wave present under ``out`` (every language and format), for
    links: ``path`` relative to ``out``, ``lang`` and a ``label`` such as "PDF · English"."""
    found = []
    for code, name in language_names():
        for fmt, kind in (("html", "HTML"), ("pdf", "PDF"), ("xlsx", "Excel")):
            rel = f"{region_code}/{year}/{report_filename(code, fmt)}"
            if rel != exclude and (out / rel).is_file():
                found.append({"path": rel, "lang": code, "label": f"{kind} · {name}"})
    return found
