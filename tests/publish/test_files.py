"""The PDF and the workbook: real files opened by real readers. PDF pages rendered to images
by pdftoppm (poppler-utils) carry ink; the workbook opens with openpyxl and every sheet holds its
table; suppressed estimates are the word, never 0 or blank."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from innomon.builds.models import Build, BuildEstimate
from innomon.catalogue import load_indicators
from innomon.survey.models import Wave
from tests.publish.conftest import YEAR

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def test_all_six_files_are_written(demo_report):
    names = sorted(p.name for p in demo_report.paths)
    assert names == sorted(
        f"report{lang}.{fmt}" for lang in ("", ".en") for fmt in ("html", "pdf", "xlsx")
    )
    assert all(p.stat().st_size > 10_000 for p in demo_report.paths)
    assert not list(demo_report.folder.glob(".*.tmp"))


def _ink(pgm: bytes) -> float:
    """Share of non-white pixels of a binary PGM image."""
    header, rest = pgm.split(b"\n", 1)
    assert header == b"P5"
    dims, rest = rest.split(b"\n", 1)
    width, height = map(int, dims.split())
    _maxval, pixels = rest.split(b"\n", 1)
    pixels = pixels[: width * height]
    return sum(1 for b in pixels if b < 200) / len(pixels)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "lang"), [("report.pdf", "nl"), ("report.en.pdf", "en")])
def test_pdf_pages_render_with_ink_and_say_synthetic(demo_report, tmp_path, name, lang):
    path = demo_report.folder / name
    reader = PdfReader(path)
    assert len(reader.pages) >= 15
    label = "Synthetische demonstratiedata" if lang == "nl" else "Synthetic demonstration data"
    texts = [page.extract_text() for page in reader.pages]
    assert all(label in t for t in texts)  # cover and every footer
    subprocess.run([PDFTOPPM, "-r", "20", "-gray", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == len(reader.pages)
    for image in images:
        assert _ink(image.read_bytes()) > 0.002, image.name
    invited = Wave.objects.get(pk=demo_report.wave_id).invited
    thousands = "\u202f" if lang == "nl" else ","
    assert f"{invited:,}".replace(",", thousands) in texts[2]  # the key figures page


@pytest.mark.django_db
def test_the_workbook_has_every_table_and_marks_suppressed_cells(demo_report):
    wb = load_workbook(demo_report.folder / "report.xlsx", read_only=True)
    names = wb.sheetnames
    assert names[0] == "Omslag"
    assert {"Kerncijfers", "Methode", "Innovatie", "Typologie", "Samenwerking", "Regio's"} <= set(
        names
    )
    assert {"Ontwikkeling", "Bijlage", "Definities", "Alle schattingen", "Kruistabellen"} <= set(
        names
    )
    for sheet in wb.worksheets:
        rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
        assert rows[0][0].startswith("Synthetische demonstratiedata"), sheet.title
        numbers = [v for r in rows for v in r if isinstance(v, int | float)]
        assert len(rows) >= 5, sheet.title
        if sheet.title not in ("Omslag", "Definities"):
            assert numbers, sheet.title
    definitions = list(wb["Definities"].iter_rows(values_only=True))
    ids = {r[0] for r in definitions if r}
    assert {i.id for i in load_indicators()} <= ids
    # every single-domain estimate of the build, suppressed ones as the word
    build = Build.objects.filter(wave_id=demo_report.wave_id).order_by("-created_at").first()
    estimates = list(
        BuildEstimate.objects.filter(build=build)
        .exclude(domain__contains="*")
        .exclude(indicator__startswith="question:")  # on the sheet of questions
    )
    questions = BuildEstimate.objects.filter(build=build, indicator__startswith="question:")
    question_rows = [r for r in wb["Vragen"].iter_rows(values_only=True) if r and r[0] == YEAR]
    assert len(question_rows) == questions.count()
    scale = {"strategy_top_innovators": 100.0}
    expected = sorted(
        (e.indicator, e.n, "onderdrukt")
        if e.suppressed or e.estimate is None
        else (e.indicator, e.n, round(e.estimate * scale.get(e.indicator, 1), 6))
        for e in estimates
    )
    rows = list(wb["Alle schattingen"].iter_rows(min_row=4, values_only=True))
    got = sorted((r[0], r[7], r[4] if r[4] == "onderdrukt" else round(r[4], 6)) for r in rows)
    assert got == expected
    suppressed = [r for r in rows if r[8] == "onderdrukt"]
    assert suppressed
    assert all(r[4] == r[5] == r[6] == "onderdrukt" for r in suppressed)  # never 0 or blank
    crosses = list(wb["Kruistabellen"].iter_rows(min_row=4, values_only=True))
    assert len(crosses) == BuildEstimate.objects.filter(build=build, domain__contains="*").count()
    wb.close()


@pytest.mark.django_db
def test_the_landing_page_links_the_report_in_both_languages_and_every_format(demo_report, client):
    for lang in ("nl", "en"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        for name in (p.name for p in demo_report.paths):
            assert f'href="/out/noord-nederland/{demo_report.year}/{name}"' in html, (lang, name)
    response = client.get(f"/out/noord-nederland/{demo_report.year}/report.en.pdf")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_report_that_cannot_be_made_writes_nothing(demo_report, tmp_path, make_wave):
    from innomon.publish.model import ReportError
    from innomon.publish.report import FORMATS, write_report

    wave = Wave.objects.get(pk=demo_report.wave_id)
    with pytest.raises(
        ReportError, match="indicator 'nope' for the maps is not in the catalogue"
    ) as bad:
        write_report(wave, tmp_path, None, FORMATS, None, "nope")
    assert bad.value.exit_code == 2  # a wrong command line
    unbuilt = make_wave(2031)
    with pytest.raises(ReportError, match="wave 2031 has no build yet; run `innomon build 2031`"):
        write_report(unbuilt, tmp_path)
    assert not list(tmp_path.rglob("*"))
