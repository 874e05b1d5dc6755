"""No quiet damage from an import: a mistyped KvK number does not make a second firm, every firm
an import registers is flagged for review and listed in the import report, the report's CSV is
formula-safe, and a file without data rows replaces or adds nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from innomon.cli import cli
from innomon.demo.run import initiatives as demo_initiatives
from innomon.errors import InputError
from innomon.intake.importer import NEW_FIRM, import_wave, registry_instrument
from innomon.intake.registers import import_frame, import_initiatives
from innomon.registry.models import Firm, FrameCell, Initiative
from innomon.registry.services import register_firms, register_initiatives
from innomon.survey.models import QuarantinedRow, Response
from tests.test_import import VALID

# the shipped workbook's partner questions (partner_<type>)
PARTNER_TYPES = (
    "customers",
    "suppliers",
    "competitors",
    "consultants",
    "knowledge_institutions",
    "government",
)

pytestmark = pytest.mark.django_db

# a valid row of the questionnaire (tests/test_import.py), with the partner questions answered
ROW = {
    **VALID,
    "firm_name": "Noordsystems B.V.",
    **{f"partner_{kind}": "0" for kind in PARTNER_TYPES},
}


@pytest.fixture
def wave(region, make_wave, tmp_path, monkeypatch, firm_record):
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path / "home"))
    register_initiatives(demo_initiatives(), "initiatives.yaml")
    register_firms([firm_record(kvk="12345678", name="Noordsystems B.V.")], "firms.csv")
    return make_wave(2019)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(wave, path: Path, tmp_path: Path):
    return import_wave(wave, path, registry_instrument(), tmp_path / "out")


def report_rows(result) -> list[dict[str, str]]:
    with result.report_csv.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", ["Noordsystems B.V.", "NOORDSYSTEMS bv", "Noordsystem B.V."])
def test_a_mistyped_kvk_number_of_a_registered_firm_is_quarantined_not_a_second_firm(
    wave, tmp_path, name
):
    path = write_csv(tmp_path / "in.csv", [{**ROW, "kvk": "12345687", "firm_name": name}])
    result = run(wave, path, tmp_path)
    assert (result.stored, result.quarantined, result.new_firms) == (0, 1, [])
    assert Firm.objects.filter(name__icontains="noordsystem").count() == 1
    assert not Response.objects.exists()
    (problem,) = QuarantinedRow.objects.get().problems
    assert problem["column"] == "kvk"
    assert problem["value"] == "12345687"
    assert "Noordsystems B.V. (KvK 12345678)" in problem["message_en"]
    assert "correct the KvK number" in problem["message_en"]
    assert "12345678" in problem["message_nl"]


def test_names_that_differ_in_a_number_are_two_firms(wave, tmp_path, firm_record):
    register_firms([firm_record(kvk="11111111", name="Bouwbedrijf 12")], "firms.csv")
    path = write_csv(
        tmp_path / "in.csv", [{**ROW, "kvk": "22222222", "firm_name": "Bouwbedrijf 13"}]
    )
    result = run(wave, path, tmp_path)
    assert (result.stored, result.quarantined, result.new_firms) == (1, 0, ["22222222"])


def test_registering_the_firm_first_confirms_it_is_new(wave, tmp_path, firm_record):
    path = write_csv(tmp_path / "in.csv", [{**ROW, "kvk": "12345687"}])
    assert run(wave, path, tmp_path).quarantined == 1
    register_firms([firm_record(kvk="12345687", name="Noordsystems B.V.")], "firms.csv")
    result = run(wave, path, tmp_path)
    assert (result.stored, result.resolved) == (1, 1)


def test_every_new_firm_is_marked_for_review_and_listed_in_the_report(wave, tmp_path):
    rows = [ROW, {**ROW, "kvk": "87654321", "firm_name": "Wadden Zuivel"}]
    result = run(wave, write_csv(tmp_path / "in.csv", rows), tmp_path)
    assert (result.stored, result.quarantined, result.new_firms) == (2, 0, ["87654321"])
    assert Response.objects.get(firm__kvk="87654321").review_note == NEW_FIRM
    assert Response.objects.get(firm__kvk="12345678").review_note == ""
    html = result.report_html.read_text(encoding="utf-8")
    assert 'id="new-firms"' in html
    section = html.split('id="new-firms"', 1)[1]
    assert "87654321" in section
    assert "Wadden Zuivel" in section
    assert "12345678" not in section
    (line,) = [r for r in report_rows(result) if r["rule"] == "new_firm"]
    assert (line["kvk"], line["value"]) == ("87654321", "Wadden Zuivel")
    # once the team has checked it (the note cleared), the next report no longer lists it
    Response.objects.filter(firm__kvk="87654321").update(review_note="")
    again = run(wave, write_csv(tmp_path / "in.csv", rows), tmp_path)
    assert "87654321" not in again.report_html.read_text(encoding="utf-8").split("new-firms")[1]


def test_the_import_command_says_how_many_new_firms_it_registered(wave, tmp_path):
    path = write_csv(tmp_path / "in.csv", [{**ROW, "kvk": "87654321", "firm_name": "Nieuw"}])
    result = CliRunner().invoke(cli, ["import", "2019", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new firms registered" in result.output


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x.example","klik")', "@SUM(A1:A9)"])
def test_the_import_reports_csv_is_formula_safe(wave, tmp_path, payload):
    rows = [{**ROW, "employees": payload}, {**ROW, "kvk": "87654321", "firm_name": payload}]
    result = run(wave, write_csv(tmp_path / "in.csv", rows), tmp_path)
    lines = report_rows(result)
    values = [line["value"] for line in lines] + [m for line in lines for m in line.values()]
    assert any(payload in v for v in values)
    assert not any(v.startswith(("=", "@", "+", "-")) for v in values)
    assert "'" + payload in [line["value"] for line in lines]


# ------------------------------------------------------------------- files without data rows


def test_a_header_only_frame_file_is_refused_and_the_frame_kept(region, tmp_path):
    full = tmp_path / "frame.csv"
    full.write_text("region,sbi_section,size_class,count\nPV20,C,micro,120\n", encoding="utf-8")
    assert import_frame(region, 2019, full) == 1
    empty = tmp_path / "empty-frame.csv"
    empty.write_text("region,sbi_section,size_class,count\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty-frame\.csv: has no data rows"):
        import_frame(region, 2019, empty)
    assert FrameCell.objects.filter(year=2019).count() == 1


def test_the_frame_command_refuses_a_header_only_file_in_one_line(region, tmp_path):
    empty = tmp_path / "empty-frame.csv"
    empty.write_text("region,sbi_section,size_class,count\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["frame", "import", "2019", str(empty)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "empty-frame.csv: has no data rows" in result.output
    assert "nothing was written" in result.output


def test_header_only_firm_initiative_and_invitation_files_are_refused(make_wave, tmp_path):
    make_wave(2019)
    cases = {
        ("import-firms",): "kvk,name,sbi_code,employees,municipality\n",
        ("initiatives", "import"): "name,type,theme,municipality\n",
        ("invite", "2019"): "kvk,email\n",
    }
    for command, header in cases.items():
        path = tmp_path / f"{command[0]}.csv"
        path.write_text(header, encoding="utf-8")
        result = CliRunner().invoke(cli, [*command, str(path)])
        assert result.exit_code == 1, (command, result.output)
        assert f"{path.name}: has no data rows" in result.output, command
        assert result.output.strip().count("\n") == 0, result.output
    assert not Initiative.objects.exists()


def test_the_services_refuse_an_empty_batch(region):
    with pytest.raises(InputError, match="has no data rows"):
        register_firms([], "firms.csv")
    with pytest.raises(InputError, match="has no data rows"):
        register_initiatives([], "initiatives.csv")
    path = Path(__file__)  # any file: the check comes first
    assert path.is_file()


def test_an_xlsx_registry_without_rows_is_refused(region, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "type", "theme", "municipality"])
    book.save(tmp_path / "initiatives.xlsx")
    with pytest.raises(InputError, match="has no data rows"):
        import_initiatives(tmp_path / "initiatives.xlsx")
