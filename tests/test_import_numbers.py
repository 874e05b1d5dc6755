"""Numbers in imported files follow the one documented rule (docs/methodology.md, "Import
rules"; ``innomon.instrument.numbers.read_typed_number``), whatever the file's separator: two
or more groups of three digits are thousands (``1.250.000``), one ``.`` and one ``,`` make the
later the decimal mark, a single separator before one, two, or four or more digits is the
decimal mark (``12,5``, ``2.5``); a single separator before exactly three digits (``1.500``) is
ambiguous — stored as thousands for a whole-number question, quarantined with both readings
for any other, never rescaled silently."""

from __future__ import annotations

import pytest

from innomon.intake.convert import convert
from innomon.intake.mapping import load_mapping
from innomon.survey.models import QuarantinedRow, Response
from innomon.tabular import read_table
from tests.test_import import firm, instrument, run, wave, write_csv  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def converted(tmp_path, instrument, cells: dict[str, str], delimiter: str):  # noqa: F811
    path = write_csv(tmp_path / "numbers.csv", [firm("12345678", **cells)], delimiter=delimiter)
    table = read_table(path)
    mapping, problems = load_mapping(None, None, table, instrument)
    assert problems == []
    conv = convert(table, mapping, instrument)
    values = {name: conv.columns[name][0] for name in cells}
    return values, [p for p in conv.problems if p.column in cells]


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize(
    ("cells", "typed"),
    [
        ({"employees": "1.500", "theme19_finance_gap_amount": "12.500.000"}, (1500, 12500000.0)),
        ({"employees": "1500", "theme19_finance_gap_amount": "1.500,5"}, (1500, 1500.5)),
        ({"employees": "1,500", "theme19_finance_gap_amount": "12,500.5"}, (1500, 12500.5)),
        ({"employees": "15", "theme19_finance_gap_amount": "1.5"}, (15, 1.5)),
        ({"employees": "ca. 15", "theme19_finance_gap_amount": "€ 2.072.000,-"}, (15, 2072000.0)),
        ({"employees": "1764k", "theme19_finance_gap_amount": "2,5 miljoen"}, (1764000, 2.5e6)),
    ],
)
def test_numbers_are_read_by_one_rule_whatever_the_separator(
    tmp_path,
    instrument,  # noqa: F811
    delimiter,
    cells,
    typed,
):
    values, problems = converted(tmp_path, instrument, cells, delimiter)
    assert problems == []
    assert tuple(values.values()) == typed


@pytest.mark.parametrize(
    ("text", "readings"), [("1.500", ("1500", "1,5", "1.5")), ("12,500", ("12500", "12,5", "12.5"))]
)
def test_a_number_read_two_ways_is_a_problem_naming_both(
    tmp_path,
    instrument,  # noqa: F811
    text,
    readings,
):
    _, problems = converted(tmp_path, instrument, {"theme19_finance_gap_amount": text}, ",")
    (problem,) = problems
    assert problem.rule == "number"
    assert problem.value == text
    whole, decimal_nl, decimal_en = readings
    assert text in problem.message_nl
    assert whole in problem.message_nl
    assert decimal_nl in problem.message_nl
    assert decimal_en in problem.message_en


def test_a_thousands_dot_is_stored_as_thousands_for_a_whole_number(wave, instrument, tmp_path):  # noqa: F811
    path = write_csv(
        tmp_path / "excel.csv",
        [firm("12345678", employees="1.500", innovation_spend_pct="4,5")],
        delimiter=";",
    )
    result = run(wave, path, instrument, tmp_path)
    assert result.stored == 1, [q.problems for q in QuarantinedRow.objects.all()]
    answers = Response.objects.get().answers
    assert answers["employees"] == 1500
    assert answers["innovation_spend_pct"] == 4.5


def test_an_ambiguous_number_is_quarantined_not_guessed(wave, instrument, tmp_path):  # noqa: F811
    path = write_csv(
        tmp_path / "excel.csv", [firm("12345678", innovation_spend_pct="4.500")], delimiter=";"
    )
    result = run(wave, path, instrument, tmp_path)
    assert result.quarantined == 1
    assert not Response.objects.exists()
    (row,) = QuarantinedRow.objects.all()
    assert any("4500" in p["message_en"] and "4.5" in p["message_en"] for p in row.problems), (
        row.problems
    )
