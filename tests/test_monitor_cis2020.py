"""A monitor innomon did not write, end to end, with no line of innomon's code changed.

The fixture (tests/fixtures/cis2020/) is a questionnaire in the style of the Eurostat CIS 2020
harmonised questionnaire — its own variable names, `calculate` rows and `hidden` context rows, and
a 2023 theme module — with its own monitor definition (monitor/: indicators, typology, roles,
passport, barometer, report chapters) in the second shipped region, Oost-Nederland. Two waves are
added with that workbook, imported from Qualtrics exports, built, reported and passported through
the command line, as a team would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.test_cli import innomon, scratch_database

FIXTURE = Path(__file__).parent / "fixtures" / "cis2020"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def monitor(tmp_path_factory):
    """Both waves of the fixture monitor, loaded and built; the home and environment."""
    home = tmp_path_factory.mktemp("cis2020")
    with scratch_database() as db:
        env = {
            **db,
            "INNOMON_REGION": "oost-nederland",
            "INNOMON_MONITOR": str(FIXTURE / "monitor"),
            "INNOMON_REPLICATES": None,  # the definition's own (40)
        }
        steps = {}

        def run(name, *args, codes=(0,)):
            result = innomon(*args, home=home, env=env, timeout=300)
            steps[name] = result
            assert result.returncode in codes, (name, result.stdout, result.stderr)
            return result

        run("migrate", "migrate")
        run("firms", "import-firms", str(FIXTURE / "firms.csv"))
        run("initiatives", "initiatives", "import", str(FIXTURE / "initiatives.csv"))
        for year in (2022, 2023):
            run(f"frame {year}", "frame", "import", str(year), str(FIXTURE / f"frame-{year}.csv"))
            run(
                f"wave {year}",
                "wave",
                "add",
                str(year),
                "--questionnaire",
                str(FIXTURE / "questionnaire.xlsx"),
                "--invited",
                "2000",
                "--start",
                f"{year}-03-01",
                "--end",
                f"{year}-04-15",
            )
            run(
                f"import {year}",
                "import",
                str(year),
                str(FIXTURE / f"qualtrics-{year}.csv"),
                codes=(0, 3),
            )
            run(f"build {year}", "build", str(year))
        # the HTML is what these tests read (the demo's tests cover the PDF and the workbook)
        run("report 2022", "report", "2022", "--format", "html", "--lang", "nl")
        run("report 2023", "report", "2023", "--format", "html")
        run("passports", "passports", "2023")
        yield home, env, steps


def _results(home, env, year, *extra):
    result = innomon("results", str(year), *extra, home=home, env=env)
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_the_questionnaire_check_names_what_it_feeds(monitor):
    home, env, _ = monitor
    result = innomon("instrument", "check", str(FIXTURE / "questionnaire.xlsx"), home=home, env=env)
    assert result.returncode == 0, result.stderr
    assert "cis_innovative" in result.stdout


def test_the_build_estimates_the_monitors_own_indicators(monitor):
    home, env, _steps = monitor
    rows = _results(home, env, 2022, "--by", "region")
    by_id = {r["indicator"]: r for r in rows}
    for ind in ("cis_product", "cis_innovative", "cis_clusters", "cis_top", "cis_ntm_share"):
        assert ind in by_id, sorted(by_id)
        value = float(by_id[ind]["estimate"])
        assert 0 <= value <= 100
        assert float(by_id[ind]["ci_low"]) <= value <= float(by_id[ind]["ci_high"])
    # the shipped monitor's indicators are not in this monitor
    assert "participants" not in by_id
    assert "innovators" not in by_id


def test_a_module_not_asked_is_absent_in_2022_and_estimated_in_2023(monitor):
    home, env, _ = monitor
    ids_2022 = {r["indicator"] for r in _results(home, env, 2022)}
    ids_2023 = {r["indicator"] for r in _results(home, env, 2023)}
    assert "mod23_beyond" not in ids_2022
    assert "mod23_beyond" in ids_2023
    assert not any(i.startswith("question:mod23_") for i in ids_2022)
    assert any(i.startswith("question:mod23_interreg") for i in ids_2023)


def test_every_question_gets_a_table(monitor):
    home, env, _ = monitor
    ids = {r["indicator"] for r in _results(home, env, 2023, "--by", "region")}
    # barriers: no indicator covers them, each is still tabulated per answer code
    for question in ("hamp_cost", "hamp_fin", "co_partner", "turn_class"):
        assert any(i.startswith(f"question:{question}=") for i in ids), question
    assert "question:emp_total" in ids  # a number question: its mean


def test_the_reports_use_the_definition(monitor):
    home, _env, _ = monitor
    out = home / "out" / "oost-nederland"
    report_2022 = (out / "2022" / "report.html").read_text(encoding="utf-8")
    report_2023 = (out / "2023" / "report.html").read_text(encoding="utf-8")
    assert "Innovatiemonitor Oost-Nederland" in report_2023 or "Oost-Nederland" in report_2023
    assert "Koplopers" in report_2023  # the fixture's own indicator name
    assert "niet gevraagd in 2022" in report_2022  # the 2023 module in the 2022 report
    assert "Samenwerking buiten de regio" in report_2023
    title = report_2023.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Oost-Nederland" in title
    assert "Noord-Nederland" not in title


def test_passports_are_made_for_every_respondent(monitor):
    home, _env, steps = monitor
    folder = home / "private" / "oost-nederland" / "2023" / "passports"
    pdfs = list(folder.glob("*.pdf"))
    assert len(pdfs) >= 100, steps["passports"].stdout
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs[:5])


def test_the_exports_follow_each_waves_questionnaire(monitor):
    home, env, _ = monitor
    for year in (2022, 2023):
        result = innomon("export", str(year), home=home, env=env)
        assert result.returncode == 0, result.stderr
    private = home / "private" / "oost-nederland"
    header_2022 = next(csv.reader((private / "2022" / "wave-2022.csv").open(encoding="utf-8-sig")))
    header_2023 = next(csv.reader((private / "2023" / "wave-2023.csv").open(encoding="utf-8-sig")))
    assert "mod23_interreg" in header_2023
    assert "mod23_interreg" not in header_2022
    assert "emp_total" in header_2022
    assert "employees" not in header_2022
