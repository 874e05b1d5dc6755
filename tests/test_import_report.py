"""Reports that help fix the file: a file-level problem writes the import report listing every
problem (and nothing else); the report of an import lists its columns, the unaccounted and
ignored ones and the readings; ``innomon import --dry-run`` shows per column what would become of
it and writes nothing; ``--strict`` stops on an unaccounted column."""

# ruff: noqa: F811 (the fixtures of tests/test_import.py are imported by name)
from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from innomon.cli import cli
from innomon.errors import InputError
from innomon.survey.models import ImportBatch, Response
from tests.test_import import firm, instrument, run, wave, write_csv  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def report_lines(folder) -> list[dict[str, str]]:
    with (folder / "import-report.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_file_level_problem_writes_the_report_with_every_problem(wave, instrument, tmp_path):
    row = {
        k: v
        for k, v in firm("12345678").items()
        if k not in ("kvk", "product_innovation", "support_wbso")
    }
    path = write_csv(tmp_path / "cols.csv", [row])
    with pytest.raises(InputError) as err:
        run(wave, path, instrument, tmp_path)
    fields = {p.field for p in err.value.problems}
    assert {"kvk", "product_innovation", "support_wbso"} <= fields  # every one, not the first
    folder = tmp_path / "out" / "noord-nederland" / "2019"
    lines = report_lines(folder)
    assert {line["column"] for line in lines} >= {"kvk", "product_innovation", "support_wbso"}
    assert len(lines) == len(err.value.problems)
    html = (folder / "import-report.html").read_text(encoding="utf-8")
    assert 'id="file-problems"' in html
    assert "product_innovation" in html
    assert not ImportBatch.objects.exists()
    assert not Response.objects.exists()
    assert not (folder / "imports").exists()


def test_the_report_lists_columns_unaccounted_and_readings(wave, instrument, tmp_path):
    rows = [firm("12345678", innovation_spend_pct="4,5", favourite_colour="blue")]
    result = run(wave, write_csv(tmp_path / "in.csv", rows), instrument, tmp_path)
    assert result.stored == 1
    assert result.unaccounted == ["favourite_colour"]
    assert result.batch.unaccounted == ["favourite_colour"]
    html = result.report_html.read_text(encoding="utf-8")
    assert 'id="unaccounted"' in html
    assert "favourite_colour" in html.split('id="unaccounted"', 1)[1]
    assert 'id="readings"' in html
    assert "4,5" in html.split('id="readings"', 1)[1]
    lines = report_lines(result.report_csv.parent)
    assert any(r["rule"] == "unaccounted" and r["column"] == "favourite_colour" for r in lines)
    stats = {s.column: s for s in result.columns}
    assert (stats["favourite_colour"].use, stats["favourite_colour"].ignored) == ("unaccounted", 1)
    assert stats["innovation_spend_pct"].stored == 1


def test_strict_stops_on_an_unaccounted_column(wave, instrument, tmp_path):
    rows = [firm("12345678", favourite_colour="blue")]
    with pytest.raises(InputError, match="favourite_colour"):
        run(wave, write_csv(tmp_path / "in.csv", rows), instrument, tmp_path, strict=True)
    assert not Response.objects.exists()


def test_the_command_prints_every_file_level_problem(wave, tmp_path):
    row = {k: v for k, v in firm("12345678").items() if k not in ("kvk", "product_innovation")}
    path = write_csv(tmp_path / "cols.csv", [row])
    result = CliRunner().invoke(cli, ["import", "2019", str(path)])
    assert result.exit_code == 1
    assert "field 'kvk'" in result.output
    assert "field 'product_innovation'" in result.output
    assert "2 problems with the file as a whole" in result.output
    assert "import-report.html" in result.output


def test_the_command_dry_run_shows_the_columns_and_writes_nothing(wave, tmp_path):
    rows = [firm("12345678"), firm("23456789", turnover_class="7", favourite_colour="x")]
    path = write_csv(tmp_path / "in.csv", rows)
    result = CliRunner().invoke(cli, ["import", "2019", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "column", "use", "target", "filled", "stored", "quarantined", "ignored"
    ]  # fmt: skip
    turnover = next(line for line in lines if line.startswith("turnover_class "))
    assert turnover.split() == ["turnover_class", "answer", "turnover_class", "2", "1", "1", "0"]
    assert "1 would be stored" in result.output
    assert "1 would be quarantined" in result.output
    assert "dry run — nothing was written" in result.output
    assert "favourite_colour" in result.output
    assert not ImportBatch.objects.exists()
    assert not Response.objects.exists()


def test_the_command_strict_exits_non_zero(wave, tmp_path):
    path = write_csv(tmp_path / "in.csv", [firm("12345678", favourite_colour="x")])
    result = CliRunner().invoke(cli, ["import", "2019", str(path), "--strict"])
    assert result.exit_code == 1
    assert "favourite_colour" in result.output
    assert not Response.objects.exists()
