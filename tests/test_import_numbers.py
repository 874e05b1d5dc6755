"""Numbers in imported files follow the questionnaire's documented rule (docs/methodology.md,
"Import rules"; ``innomon.instrument._values.read_number``): in a ``;``-separated file (Dutch
Excel) ``1.500`` is one thousand five hundred and ``1,5`` one and a half; in other files the
reverse; a number that can be read two ways is quarantined with a message saying what to
write, never guessed."""

from __future__ import annotations

import pytest

from innomon.intake.importer import _convert
from innomon.intake.mapping import load_mapping
from innomon.intake.sources import read_source
from innomon.survey.models import QuarantinedRow, Response
from tests.test_import import firm, instrument, run, wave, write_csv  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def convert(tmp_path, instrument, cells: dict[str, str], delimiter: str):  # noqa: F811
    path = write_csv(tmp_path / "numbers.csv", [firm("12345678", **cells)], delimiter=delimiter)
    table = read_source(path)
    columns, problems = _convert(table, load_mapping(None, None, table.kind), instrument)
    return {name: columns[name][0] for name in cells}, [p for p in problems if p.column in cells]


@pytest.mark.parametrize(
    ("delimiter", "cells", "typed"),
    [
        (";", {"employees": "1.500", "theme19_finance_gap_amount": "12.500"}, (1500, 12500.0)),
        (";", {"employees": "1500", "theme19_finance_gap_amount": "1.500,5"}, (1500, 1500.5)),
        (",", {"employees": "1,500", "theme19_finance_gap_amount": "12,500.5"}, (1500, 12500.5)),
        (",", {"employees": "15", "theme19_finance_gap_amount": "1.5"}, (15, 1.5)),
    ],
)
def test_thousands_and_decimals_by_the_files_convention(
    tmp_path,
    instrument,  # noqa: F811
    delimiter,
    cells,
    typed,
):
    values, problems = convert(tmp_path, instrument, cells, delimiter)
    assert problems == []
    assert tuple(values.values()) == typed


@pytest.mark.parametrize(
    ("delimiter", "text", "advice"),
    [(";", "1.5", ("1,5", "15")), (";", "12.50", ("12,50", "1250")), (",", "1,5", ("1.5", "15"))],
)
def test_a_number_read_two_ways_is_a_problem_saying_what_to_write(
    tmp_path,
    instrument,  # noqa: F811
    delimiter,
    text,
    advice,
):
    _, problems = convert(tmp_path, instrument, {"theme19_finance_gap_amount": text}, delimiter)
    (problem,) = problems
    assert problem.rule == "type"
    for message in (problem.message_nl, problem.message_en):
        assert text in message
        assert all(a in message for a in advice), message


def test_a_dutch_thousands_dot_is_stored_as_thousands(wave, instrument, tmp_path):  # noqa: F811
    path = write_csv(
        tmp_path / "excel.csv",
        [firm("12345678", employees="1.500", innovation_spend_pct="4,5")],
        delimiter=";",
    )
    result = run(wave, path, instrument, tmp_path)
    assert result.stored == 1, [q.problems for q in QuarantinedRow.objects.all()]
    assert Response.objects.get().answers["employees"] == 1500


def test_an_ambiguous_number_is_quarantined_not_guessed(wave, instrument, tmp_path):  # noqa: F811
    path = write_csv(
        tmp_path / "excel.csv", [firm("12345678", innovation_spend_pct="4.5")], delimiter=";"
    )
    result = run(wave, path, instrument, tmp_path)
    assert result.quarantined == 1
    assert not Response.objects.exists()
    (row,) = QuarantinedRow.objects.all()
    assert any("4,5" in p["message_en"] for p in row.problems), row.problems
