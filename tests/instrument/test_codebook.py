"""The codebook: its rows, its two files, version filtering and the command."""

from __future__ import annotations

import csv

import pytest

from innomon.instrument import InstrumentError, codebook_rows, load_instrument, write_codebook
from innomon.instrument.codebook import COLUMNS


def test_one_row_per_variable(instrument):
    rows = codebook_rows(instrument)
    assert [r.variable for r in rows] == [
        *(q.name for q in instrument.variables()),
        *(c.name for c in instrument.calculations),
        *(c.name for c in instrument.context),
    ]
    by_name = {r.variable: r for r in rows}
    yes_no = by_name["product_innovation"]
    assert yes_no.type == "select_one yes_no"
    assert yes_no.values == "1=Ja/Yes; 0=Nee/No"
    assert yes_no.question_nl.startswith("Heeft uw bedrijf in 2016–2018 nieuwe")
    assert yes_no.question_en.startswith("Did your firm introduce new")
    assert yes_no.relevance == ""
    assert yes_no.since == 2015
    pct = by_name["turnover_new_market_pct"]
    assert (pct.type, pct.values, pct.relevance) == ("decimal", "", "${product_innovation} = 1")
    network = by_name["initiatives_network"]
    assert network.values.startswith("energy_valley=Energy Valley; ")
    assert by_name["support_wbso"].values.startswith("0=Niet bekend/Not known; 1=")


def test_without_a_registry_the_codebook_says_where_codes_come_from():
    rows = {r.variable: r for r in codebook_rows(load_instrument())}
    assert rows["initiatives_incubator"].values == (
        "initiatieven uit het register / initiatives from the registry"
    )


def test_a_version_keeps_the_questions_asked_by_then(instrument):
    everything = {r.variable for r in codebook_rows(instrument)}
    in_2018 = {r.variable for r in codebook_rows(instrument, "2018.1")}
    in_2016 = {r.variable for r in codebook_rows(instrument, "2016")}
    assert in_2016 < in_2018 < everything
    assert "theme18_goal_social" in in_2018
    assert not any(name.startswith(("theme19_", "partner_")) for name in in_2018)
    assert "initiatives_network" in in_2018
    assert "initiatives_network" in in_2016  # asked since the first wave
    assert "support_wbso" in in_2016
    asked = [r for r in codebook_rows(instrument, "2018.1") if r.type != "hidden"]
    assert {r.since for r in asked} == {None, 2015, 2016, 2018}
    assert {r.variable for r in codebook_rows(instrument, "2019.1")} == everything


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("18.1", "'18.1' is not a questionnaire version such as 2018.1"),
        ("2020.1", "version 2020.1 is newer than the questionnaire (2019.1)"),
    ],
)
def test_a_wrong_version_is_an_error(instrument, version, message):
    with pytest.raises(InstrumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        codebook_rows(instrument, version)


def test_write_codebook(instrument, tmp_path):
    md_path, csv_path = write_codebook(instrument, tmp_path / "out", "2018.1")
    assert (md_path.name, csv_path.name) == ("codebook.md", "codebook.csv")
    assert sorted(p.name for p in md_path.parent.iterdir()) == ["codebook.csv", "codebook.md"]
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    rows = codebook_rows(instrument, "2018.1")
    assert tuple(table[0]) == COLUMNS
    assert [r["variable"] for r in table] == [r.variable for r in rows]
    assert table[0]["since"] == "2015"
    assert table[0]["question_en"] == rows[0].question_en
    text = md_path.read_text(encoding="utf-8")
    assert text.startswith("# Codeboek / Codebook — Noord-Nederlandse Innovatiemonitor 2019\n")
    assert "questions asked in version 2018.1" in text
    assert "| `turnover_new_firm_pct` |" in text
    assert "`${product_innovation} = 1`" in text
    assert "theme19_" not in text
    assert len([line for line in text.splitlines() if line.startswith("| `")]) == len(rows)


def test_derived_and_context_variables_follow_the_questions(instrument):
    rows = {r.variable: r for r in codebook_rows(instrument)}
    innovator = rows["innovator"]
    assert innovator.type == "calculate"
    assert innovator.values.startswith("if(${product_innovator} = 1 or ${process_innovator} = 1")
    assert innovator.question_en == "Innovator (product or process)"
    assert (rows["wave_year"].type, rows["wave_year"].values) == ("hidden", "wave.year")
    in_2017 = {r.variable for r in codebook_rows(instrument, "2017.1")}
    assert "support_wbso_used" in in_2017
    assert "partner_any" not in in_2017  # its questions were first asked in 2019
    questions = codebook_rows(instrument, derived=False)
    assert [r.variable for r in questions] == [q.name for q in instrument.variables()]
