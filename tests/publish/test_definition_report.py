"""The report follows the monitor definition: its chapters and their indicators come from
report.yaml, an indicator the wave did not ask is "not asked in YEAR" (one line, never a
number, never in a chart or across a trend), a missing role leaves its part out, every question
of the build's snapshot gets its weighted table (report and workbook), and the method chapter
names what the build was made from.

The builds here are fabricated rows (Build, BuildEstimate) as the build stores them, so these
tests do not depend on a demo run."""

from __future__ import annotations

import io
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from django.utils import translation
from openpyxl import load_workbook

from innomon.builds.models import Build, BuildEstimate
from innomon.definition import load_definition
from innomon.publish.content import build_content
from innomon.publish.model import NotAsked, Table
from innomon.publish.render_html import render_html
from innomon.publish.render_xlsx import render_xlsx

YEAR = 2019
QUESTIONS = [
    {
        "name": "barrier_cost",
        "type": "select_one",
        "label_nl": "Belemmering: kosten",
        "label_en": "Barrier: costs",
        "group": "barriers",
        "choices": [
            {"code": "1", "label_nl": "Ja", "label_en": "Yes"},
            {"code": "0", "label_nl": "Nee", "label_en": "No"},
        ],
    },
    {
        "name": "innovation_staff",
        "type": "integer",
        "label_nl": "Innovatiepersoneel",
        "label_en": "Innovation staff",
        "group": "theme",
        "choices": [],
    },
]
PROVENANCE = {
    "questionnaire": {"file": "cis-2020.xlsx", "version": "2020.3", "sha256": "abcdef1234567890"},
    "definition": {
        "code": "noord-nederland",
        "name_nl": "Innovatiemonitor Noord-Nederland",
        "name_en": "Northern Netherlands Innovation Monitor",
        "sha256": "0123456789abcdef0123",
    },
    "region": {"code": "noord-nederland", "sha256": "fedcba9876543210"},
    "innomon": "0.2.0",
}


def definition_dir(tmp_path: Path, report: list[dict] | None = None, roles: bool = True) -> Path:
    """A copy of the packaged definition with its own report.yaml (and without roles)."""
    src = resources.files("innomon").joinpath("monitors", "noord-nederland")
    folder = tmp_path / "monitor"
    folder.mkdir()
    for item in src.iterdir():
        if item.name.endswith(".yaml"):
            (folder / item.name).write_text(item.read_text("utf-8"), "utf-8")
    if report is not None:
        (folder / "report.yaml").write_text(yaml.safe_dump({"chapters": report}), "utf-8")
    if not roles:
        monitor = yaml.safe_load((folder / "monitor.yaml").read_text("utf-8"))
        monitor.pop("roles")
        (folder / "monitor.yaml").write_text(yaml.safe_dump(monitor), "utf-8")
    return folder


def make_build(wave, summary: dict, rows: list[tuple]) -> Build:
    """A build with ``rows`` of (indicator, domain, value, estimate, n[, suppressed])."""
    build = Build.objects.create(
        wave=wave,
        innomon_version="test",
        data_sha256="0" * 64,
        frame_sha256="0" * 64,
        config_sha256="0" * 64,
        respondents=100,
        summary=summary,
    )
    BuildEstimate.objects.bulk_create(
        BuildEstimate(
            build=build,
            indicator=ind,
            domain=dom,
            domain_value=val,
            estimate=None if rest and rest[0] else est,
            se=1.0,
            ci_low=None if rest and rest[0] else est - 2,
            ci_high=None if rest and rest[0] else est + 2,
            n=n,
            suppressed=bool(rest and rest[0]),
        )
        for ind, dom, val, est, n, *rest in rows
    )
    return build


def content(build, region_data, folder: Path | None = None, lang: str = "en"):
    with translation.override(lang):
        return build_content(
            build, lang, region_data, definition=load_definition(folder) if folder else None
        )


def chapter(report, chapter_id: str):
    return next(c for c in report.chapters if c.id == chapter_id)


def table(ch, table_id: str) -> Table:
    return next(b for b in ch.blocks if isinstance(b, Table) and b.id == table_id)


def texts(ch) -> str:
    return " ".join(
        "".join(p if isinstance(p, str) else p.text for p in b.parts)
        for b in ch.blocks
        if hasattr(b, "parts")
    )


REPORT = [
    {"kind": "method"},
    {"kind": "innovation", "shares": ["innovators", "investors"], "turnover": ["ntm_sales"]},
    {"kind": "trends", "indicators": ["innovators", "investors"]},
    {"kind": "questions"},
    {"kind": "annex"},
]


@pytest.mark.django_db
def test_the_chapters_and_their_indicators_are_those_of_report_yaml(
    tmp_path, make_wave, region_data
):
    folder = definition_dir(tmp_path, REPORT)
    wave = make_wave(YEAR)
    build = make_build(
        wave,
        {"domains": ["province", "size_class"]},
        [("innovators", "", "", 40.0, 300), ("investors", "", "", 30.0, 300)],
    )
    report = content(build, region_data, folder)
    # questions: left out, this build has no question snapshot
    assert [c.id for c in report.chapters] == ["method", "innovation", "trends", "annex"]
    activities = table(chapter(report, "innovation"), "activities-table")
    assert [label for label, _cells in activities.rows] == [
        "Innovative firms",
        "Investing in innovation internally",
    ]
    # the annex: the build's domains, with the definition's titles and value names
    annex = table(chapter(report, "annex"), "annex-innovators")
    labels = [label for label, _cells in annex.rows]
    assert labels[1].startswith("Province: ")
    assert "Size class: micro (0–9 employees)" in labels
    assert not any(label.startswith(("COROP", "Sector", "Firm age")) for label in labels)


@pytest.mark.django_db
def test_an_indicator_not_asked_is_one_line_and_never_a_number_or_a_bar(
    tmp_path, make_wave, region_data
):
    folder = definition_dir(tmp_path, REPORT)
    wave = make_wave(YEAR)
    build = make_build(
        wave,
        {"not_asked": ["investors", "ntm_sales"], "domains": ["province"]},
        [("innovators", "", "", 40.0, 300), ("innovators", "province", "PV20", 41.0, 100)],
    )
    report = content(build, region_data, folder)
    innovation = chapter(report, "innovation")
    rows = dict(table(innovation, "activities-table").rows)
    assert rows["Investing in innovation internally"] == (NotAsked(f"not asked in {YEAR}"),)
    chart = next(b for b in innovation.blocks if getattr(b, "id", "") == "activities")
    assert [d["label"] for d in chart.spec["data"]["values"]] == ["Innovative firms"]
    # the turnover section asked nothing: one sentence, no chart, no table
    assert f"not asked in {YEAR}." in texts(innovation)
    assert not any(getattr(b, "id", "").startswith("performance") for b in innovation.blocks)
    # the annex: a line instead of a table of placeholders
    annex = chapter(report, "annex")
    assert not any(getattr(b, "id", "") == "annex-investors" for b in annex.blocks)
    assert f"not asked in {YEAR}" in texts(annex)
    # the method chapter names them
    assert "did not ask for these indicators" in texts(chapter(report, "method"))
    html = render_html(report, [], [])
    assert f'<td class="not-asked" colspan="3">not asked in {YEAR}</td>' in html
    investors = re.search(
        r'<th scope="row">Investing in innovation internally</th>(.*?)</tr>', html
    ).group(1)
    assert "suppressed" not in investors
    assert "data-ref" not in investors


@pytest.mark.django_db
def test_a_chapter_whose_indicators_were_all_not_asked_says_so_in_one_sentence(
    tmp_path, make_wave, region_data
):
    folder = definition_dir(tmp_path, REPORT)
    build = make_build(make_wave(YEAR), {"not_asked": ["innovators", "investors", "ntm_sales"]}, [])
    innovation = chapter(content(build, region_data, folder), "innovation")
    assert len(innovation.blocks) == 1
    assert texts(innovation).endswith(f"not asked in {YEAR}.")


@pytest.mark.django_db
def test_a_monitor_without_roles_leaves_their_chapters_out(tmp_path, make_wave, region_data):
    folder = definition_dir(
        tmp_path,
        [{"kind": "key_figures"}, {"kind": "collaboration"}, {"kind": "regional"}],
        roles=False,
    )
    build = make_build(make_wave(YEAR), {"domains": ["sbi_group"]}, [])
    report = content(build, region_data, folder)
    # no participation or complementarity role, no regional domain: nothing to show
    assert [c.id for c in report.chapters] == ["summary"]


@pytest.mark.django_db
def test_the_trend_is_not_drawn_across_a_wave_that_did_not_ask(tmp_path, make_wave, region_data):
    folder = definition_dir(tmp_path, REPORT)
    rows = [("innovators", "", "", 40.0, 300)]
    make_build(make_wave(2017), {}, [*rows, ("investors", "", "", 20.0, 300)])
    make_build(make_wave(2018), {"not_asked": ["investors"]}, rows)
    build = make_build(
        make_wave(YEAR),
        {
            "trends": {
                "previous_year": 2018,
                "changes": [
                    {"indicator": "investors", "difference": 9.0, "ci_low": 1, "ci_high": 2},
                    {"indicator": "innovators", "difference": 1.0, "ci_low": -1, "ci_high": 3},
                ],
            }
        },
        [*rows, ("investors", "", "", 30.0, 300)],
    )
    trends = chapter(content(build, region_data, folder), "trends")
    chart = next(b for b in trends.blocks if getattr(b, "id", "") == "trends")
    points = [(d["label"], d["year"], d["segment"]) for d in chart.spec["data"]["values"]]
    investors = [(y, s) for label, y, s in points if label == "Investing in innovation internally"]
    assert [y for y, _s in investors] == [2017, YEAR]
    assert investors[0][1] != investors[1][1]  # two segments: no line across 2018
    line = chart.spec["layer"][0]["encoding"]
    assert line["detail"]["field"] == "segment"
    table_rows = dict(table(trends, "trends-table").rows)
    assert table_rows["Investing in innovation internally — 2018"] == (
        NotAsked("not asked in 2018"),
    )
    # no change across the wave that did not ask (the previous build's not asked)
    changes = dict(table(trends, "changes").rows)
    assert "Investing in innovation internally" not in changes
    assert "Innovative firms" in changes


@pytest.mark.django_db
def test_every_question_gets_its_weighted_table_in_the_report_and_the_workbook(
    tmp_path, make_wave, region_data
):
    folder = definition_dir(tmp_path, REPORT)
    build = make_build(
        make_wave(YEAR),
        {"questions": QUESTIONS, "domains": ["size_class"]},
        [
            ("question:barrier_cost=1", "", "", 35.0, 200),
            ("question:barrier_cost=0", "", "", 65.0, 200),
            ("question:barrier_cost=1", "size_class", "micro", 30.0, 120),
            ("question:barrier_cost=1", "size_class", "medium", None, 4, True),
            ("question:innovation_staff", "", "", 2.5, 150),
        ],
    )
    report = content(build, region_data, folder)
    questions = chapter(report, "questions")
    assert questions.title == "Annex: all questions"
    barrier = table(questions, "question-barrier_cost")
    assert barrier.title == "Barrier: costs"
    assert [label for label, _c in barrier.rows] == ["Yes", "No"]
    value, ci, n = dict(barrier.rows)["Yes"]
    assert (value.text, f"{ci.low.text}–{ci.high.text}", n.text) == ("35.0%", "33.0%–37.0%", "200")
    assert value.ref == f"est|{build.pk}|question:barrier_cost=1|||estimate"
    staff = dict(table(questions, "question-innovation_staff").rows)
    assert staff["Mean"][0].text == "2.5"  # the mean in its own unit, not a percentage
    # the workbook: a long-form sheet of every question by domain, and every estimate
    book = load_workbook(io.BytesIO(render_xlsx(report)), read_only=True)
    rows = [r for r in book["Questions"].iter_rows(values_only=True) if r and r[0] == YEAR]
    got = {(r[1], r[3] or "", r[4], r[5] or ""): (r[6], r[9], r[10] or "") for r in rows}
    assert got[("barrier_cost", "1", "Northern Netherlands", "")] == (35.0, 200, "")
    assert got[("barrier_cost", "1", "Size class", "micro (0–9 employees)")] == (30.0, 120, "")
    assert got[("barrier_cost", "1", "Size class", "medium-sized (50–249 employees)")] == (
        "suppressed",
        4,
        "suppressed",
    )
    assert got[("innovation_staff", "", "Northern Netherlands", "")] == (2.5, 150, "")
    assert len(rows) == 5
    # the questions have their own sheet: "All estimates" holds the indicators' rows only
    everything = [r[0] for r in book["All estimates"].iter_rows(min_row=2, values_only=True)]
    assert not any(str(i).startswith("question:") for i in everything)


@pytest.mark.django_db
def test_the_method_chapter_names_the_questionnaire_definition_region_and_version(
    tmp_path, make_wave, region_data
):
    folder = definition_dir(tmp_path, REPORT)
    build = make_build(make_wave(YEAR), {"provenance": PROVENANCE}, [])
    rows = dict(table(chapter(content(build, region_data, folder), "method"), "provenance").rows)
    assert rows["Questionnaire"][0].text == "cis-2020.xlsx, version 2020.3, SHA-256 abcdef123456"
    assert rows["Monitor definition"][0].text == (
        "Northern Netherlands Innovation Monitor (noord-nederland), SHA-256 0123456789ab"
    )
    assert rows["Region file"][0].text == "noord-nederland, SHA-256 fedcba987654"
    assert rows["innomon version"][0].text == "0.2.0"
    # an older build without provenance: no table, no crash
    old = make_build(make_wave(2018), {}, [])
    method = chapter(content(old, region_data, folder), "method")
    assert not any(getattr(b, "id", "") == "provenance" for b in method.blocks)


@pytest.mark.django_db
def test_a_report_with_not_asked_rows_renders_as_pdf(tmp_path, make_wave, region_data):
    from pypdf import PdfReader

    from innomon.publish.render_pdf import render_pdf

    folder = definition_dir(tmp_path, REPORT)
    build = make_build(
        make_wave(YEAR),
        {"not_asked": ["investors"], "questions": QUESTIONS},
        [("innovators", "", "", 40.0, 300), ("question:barrier_cost=1", "", "", 35.0, 200)],
    )
    pdf = render_pdf(content(build, region_data, folder))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"not asked in {YEAR}" in text
    assert "Barrier: costs" in text
