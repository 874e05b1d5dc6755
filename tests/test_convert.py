"""Converting an export's cells (``innomon.intake.convert``): choice labels in Dutch or English,
SPSS value labels, choice columns (``Y``/empty, ``1``/empty, codes, labels), computed columns,
questions not asked, the KvK number from one of several columns, numbers as typed — and nothing
silently dropped: every non-empty cell is stored or reported with its row, column and value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from innomon.intake.convert import convert, file_problems
from innomon.intake.mapping import load_mapping
from innomon.tabular import read_table
from tests.test_mapping import (  # noqa: F401 (the fixture)
    QUALTRICS_META,
    cis,
    write_plain,
    write_qualtrics,
    write_yaml,
)


def run(tmp_path, cis, path, mapping_text=None, source=None):  # noqa: F811
    table = read_table(path)
    yaml_path = write_yaml(tmp_path / "m.yaml", mapping_text) if mapping_text else None
    mapping, problems = load_mapping(yaml_path, source, table, cis)
    assert problems == []
    return table, mapping, convert(table, mapping, cis)


def problems_of(conv, column):
    return [(p.row, p.value, p.rule) for p in conv.problems if p.column == column]


def nothing_dropped(conv, table):
    """Every non-empty cell of an accounted column is read or reported."""
    per_column: dict[str, int] = {}
    for p in conv.problems:
        per_column[p.column] = per_column.get(p.column, 0) + 1
        assert p.value not in (None, ""), p
        assert 0 <= p.row < len(table)
        assert p.message_nl
        assert p.message_en
    for use in conv.uses:
        if use.use not in ("ignored", "unaccounted"):
            assert use.read + use.problems == use.filled, use
            assert use.problems <= per_column.get(use.column, 0)


def test_choice_text_is_matched_to_the_labels_in_either_language(tmp_path, cis):  # noqa: F811
    cells = ["Ja", "nee", "  YES ", "No", "1", "1.0", "Misschien"]
    rows = [
        {"kvk": "12345678", "inpdgd": c, "hamp_cost": h}
        for c, h in zip(
            cells,
            [
                "Hoog",
                "gemiddeld",
                "LOW",
                "Niet  van toepassing",
                "not relevant",
                "3",
                "",
            ],
            strict=True,
        )
    ]
    table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows))
    assert conv.columns["inpdgd"].tolist() == [1, 0, 1, 0, 1, 1, None]
    assert conv.columns["hamp_cost"].tolist() == [3, 2, 1, 0, 0, 3, None]
    assert problems_of(conv, "inpdgd") == [(6, "Misschien", "choice")]
    (problem,) = [p for p in conv.problems if p.column == "inpdgd"]
    assert "Misschien" in problem.message_en
    assert "inpdgd" in problem.message_en
    assert "1, 0" in problem.message_en
    labels = {(r.column, r.original): (r.stored, r.note) for r in conv.readings}
    assert labels[("inpdgd", "nee")] == ("0", "label")
    assert labels[("inpdgd", "  YES ".strip())] == ("1", "label")
    assert ("inpdgd", "1") not in labels
    nothing_dropped(conv, table)


def test_values_per_column_come_before_values_per_variable(tmp_path, cis):  # noqa: F811
    rows = [{"kvk": "12345678", "Q3": v, "inpdsv": v} for v in ("1", "2", "3")]
    text = """
columns:
  Q3: {variable: inpdgd, values: {"2": "0", "3": ""}}
values:
  inpdgd: {"1": "0"}
  inpdsv: {"2": "0"}
"""
    table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows), text)
    assert conv.columns["inpdgd"].tolist() == [0, 0, None]  # "3" mapped to no answer
    assert conv.columns["inpdsv"].tolist() == [1, 0, None]
    assert problems_of(conv, "inpdsv") == [(2, "3", "choice")]
    nothing_dropped(conv, table)


def _sav(path, frame, value_labels, labels=None):
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=labels or {},
        variable_value_labels=value_labels,
    )
    return path


def test_spss_value_labels_decide_when_they_all_match_the_choices(tmp_path, cis):  # noqa: F811
    frame = pd.DataFrame(
        {
            "ExternalReference": ["12345678", "23456789", "34567890"],
            "Q4": [1.0, 2.0, np.nan],  # Qualtrics: Yes = 1, No = 2
            "Q5": [1.0, 0.0, 1.0],  # codes as the questionnaire's, labels it does not know
            "Q10_1": [1.0, np.nan, 1.0],  # per choice: 1 labelled with the choice's text
            "Q10_2": [np.nan, 1.0, 1.0],
        }
    )
    path = _sav(
        tmp_path / "export.sav",
        frame,
        {
            "Q4": {1: "Yes", 2: "No"},
            "Q5": {1: "Yep", 0: "Nope"},
            "Q10_1": {1: "Leveranciers"},
            "Q10_2": {1: "Clients or customers"},
        },
    )
    text = """
source: qualtrics
columns: {Q4: inpdgd, Q5: inpdsv}
multiple:
  co_partner: {Q10_1: "2", Q10_2: "3"}
"""
    table, _m, conv = run(tmp_path, cis, path, text)
    assert {"Q4", "Q5"} <= table.typed
    assert conv.columns["inpdgd"].tolist() == [1, 0, None]
    assert conv.columns["inpdsv"].tolist() == [1, 0, 1]  # codes: its labels match nothing
    assert conv.columns["co_partner"].tolist() == [[2], [3], [2, 3]]
    assert {(r.original, r.stored, r.note) for r in conv.readings if r.column == "Q4"} == {
        ("1", "1", "value label"),
        ("2", "0", "value label"),
    }
    assert conv.problems == []
    nothing_dropped(conv, table)


def test_choice_columns_read_y_1_codes_and_labels(tmp_path, cis):  # noqa: F811
    # LimeSurvey: Y/empty; Qualtrics numeric: 1/empty; a code; a label
    rows = [
        {"token": "12345678", "Q10[SQ001]": "Y", "Q10[SQ002]": "", "Q10[SQ003]": "Y"},
        {"token": "23456789", "Q10[SQ001]": "1", "Q10[SQ002]": "0", "Q10[SQ003]": "3"},
        {"token": "34567890", "Q10[SQ001]": "Bedrijven binnen uw concern", "Q10[SQ002]": "N"},
        {"token": "45678901", "Q10[SQ001]": "", "Q10[SQ002]": "suppliers", "Q10[SQ003]": "x"},
        {"token": "56789012"},
        {"token": "67890123", "Q10[SQ001]": "Y", "Q10[SQ002]": "maybe", "Q10[SQ003]": "2"},
    ]
    header = ["id", "submitdate", "lastpage", "startlanguage", "token"]
    header += ["Q10[SQ001]", "Q10[SQ002]", "Q10[SQ003]"]
    text = """
multiple:
  co_partner: {"Q10[SQ001]": "1", "Q10[SQ002]": "2", "Q10[SQ003]": "3"}
"""
    path = write_plain(tmp_path / "lime.csv", rows, header)
    table, _m, conv = run(tmp_path, cis, path, text)
    assert table.kind == "limesurvey"
    values = conv.columns["co_partner"].tolist()
    assert values[:5] == [[1, 3], [1, 3], [1], [2, 3], None]
    # an unexpected cell is reported with its row, column and value — never read as unticked
    assert problems_of(conv, "Q10[SQ002]") == [(5, "maybe", "choice")]
    assert problems_of(conv, "Q10[SQ003]") == [(5, "2", "choice")]
    (problem, _other) = [p for p in conv.problems if p.row == 5]
    assert "maybe" in problem.message_en
    assert "co_partner" in problem.message_en
    assert table.row_numbers[problem.row] == 7
    nothing_dropped(conv, table)


def test_ticked_and_unticked_can_be_set(tmp_path, cis):  # noqa: F811
    rows = [{"kvk": "12345678", "P1": "Selected", "P2": "Not selected"}]
    text = """
multiple: {co_partner: {P1: "1", P2: "2"}}
ticked: [selected]
unticked: [not selected]
"""
    table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows), text)
    assert conv.columns["co_partner"].tolist() == [[1]]
    nothing_dropped(conv, table)


def test_a_whole_cell_select_multiple_holds_codes_or_labels(tmp_path, cis):  # noqa: F811
    cells = [
        "1,3",
        "1 2",
        "2;4",
        "Noord-Nederland (Groningen, Fryslân, Drenthe),Flevoland",
        "Utrecht, North or South Holland, Zeeland, Noord-Brabant of Limburg",
        "Flevoland,Mars",
    ]
    rows = [{"kvk": "12345678", "mod23_partner_region": c} for c in cells]
    table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows))
    assert conv.columns["mod23_partner_region"].tolist() == [
        [1, 3],
        [1, 2],
        [2, 4],
        [1, 2],
        [3, 4],
        None,
    ]
    (problem,) = conv.problems
    assert (problem.row, problem.value) == (5, "Flevoland,Mars")
    assert "'Mars'" in problem.message_en
    nothing_dropped(conv, table)


def test_computed_columns(tmp_path, cis):  # noqa: F811
    rows = [
        {"kvk": "12345678", "Q4_1": "1", "Q4_2": "2", "Q7": "€ 2.072.000,-", "Q8": "41.440"},
        {"kvk": "23456789", "Q4_1": "2", "Q4_2": "2", "Q7": "800000", "Q8": "8000"},
        {"kvk": "34567890", "Q4_1": "2", "Q4_2": "", "Q7": "", "Q8": ""},
        {"kvk": "45678901", "Q4_1": "", "Q4_2": "1", "Q7": "2,5 miljoen", "Q8": "ca. 25000"},
        {"kvk": "56789012", "Q4_1": "2", "Q4_2": "2", "Q7": "weet niet", "Q8": "1.500"},
    ]
    text = """
computed:
  inpdgd: "if(${Q4_1} = 1 or ${Q4_2} = 1, 1, if(${Q4_1} = 2 and ${Q4_2} = 2, 0, ''))"
  turn_class: >-
    if(${Q7} = '', '', if(${Q7} < 250000, 1, if(${Q7} < 1000000, 2, if(${Q7} < 2000000, 3,
    if(${Q7} < 10000000, 4, if(${Q7} < 50000000, 5, 6))))))
  inn_exp_pct: "if(${Q7} > 0, ${Q8} div ${Q7} * 100, '')"
"""
    table, _mapping, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows), text)
    assert conv.columns["inpdgd"].tolist() == [1, 0, None, 1, 0]
    assert conv.columns["turn_class"].tolist()[:4] == [4, 2, None, 4]
    shares = conv.columns["inn_exp_pct"].tolist()
    assert shares[1] == pytest.approx(1.0)
    assert shares[2] is None
    assert shares[3] == pytest.approx(1.0)
    # a cell the number rule cannot read with certainty is reported for the computed variable
    # once for each variable computed from it
    assert problems_of(conv, "Q7") == [(4, "weet niet", "computed")] * 2
    named = " ".join(p.message_en for p in conv.problems if p.column == "Q7")
    assert "turn_class" in named
    assert "inn_exp_pct" in named
    assert sorted(problems_of(conv, "Q8")) == [(0, "41.440", "computed"), (4, "1.500", "computed")]
    (ambiguous,) = [p for p in conv.problems if p.row == 0]
    assert "41,44" in ambiguous.message_nl
    assert "41440" in ambiguous.message_nl
    assert "41.44" in ambiguous.message_en
    assert "inn_exp_pct" in ambiguous.message_en
    assert {r.original for r in conv.readings if r.column == "Q7"} == {
        "€ 2.072.000,-",
        "2,5 miljoen",
    }
    uses = {u.column: u for u in conv.uses}
    assert uses["Q7"].use == "computed"
    assert (uses["Q7"].filled, uses["Q7"].read, uses["Q7"].problems) == (4, 3, 1)  # cells
    nothing_dropped(conv, table)


def test_a_computed_value_the_question_cannot_store_is_reported(tmp_path, cis):  # noqa: F811
    rows = [{"kvk": "12345678", "Q7": "3"}, {"kvk": "23456789", "Q7": "9"}]
    text = "computed: {turn_class: '${Q7} + 0'}\n"
    _table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows), text)
    assert conv.columns["turn_class"].tolist() == [3, None]
    (problem,) = conv.problems
    assert (problem.row, problem.column, problem.value, problem.rule) == (
        1,
        "turn_class",
        "9",
        "computed",
    )
    assert "${Q7} + 0" in problem.message_en


def test_a_question_not_asked_has_no_answers_and_is_not_required(tmp_path, cis):  # noqa: F811
    rows = [{"kvk": "12345678", "emp_total": "5"}]
    text = "not_asked: [found_year, hamp_reg]\n"
    table, mapping, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows), text)
    assert conv.not_asked == ("found_year", "hamp_reg")
    assert conv.columns["found_year"].tolist() == [None]
    missing = {p.field for p in file_problems(table, mapping, cis)}
    assert "found_year" not in missing
    assert {"turn_class", "inpdgd"} <= missing  # required, always asked, no column


def test_the_kvk_number_from_the_embedded_field_or_the_typed_question(tmp_path, cis):  # noqa: F811
    rows = [
        {"ExternalReference": "12345678", "Q2": ""},
        {"ExternalReference": "", "Q2": "KvK 80546249"},
        {"ExternalReference": "", "Q2": "3244 9661"},
        {"ExternalReference": "", "Q2": "80.54.62.49"},
        {"ExternalReference": "00000000", "Q2": ""},
        {"ExternalReference": "", "Q2": ""},
        {"ExternalReference": "23456789", "Q2": "2345 6789"},
        {"ExternalReference": "34567890", "Q2": "11111111"},
    ]
    header = [*QUALTRICS_META, "Q2"]
    path = write_qualtrics(tmp_path / "q.csv", [{**r, "Finished": "1"} for r in rows], header)
    table, _m, conv = run(tmp_path, cis, path, "kvk: [ExternalReference, Q2]\n")
    assert conv.kvk.tolist() == [
        "12345678",
        "80546249",
        "32449661",
        "80546249",
        None,
        None,
        "23456789",
        "34567890",
    ]
    assert conv.kvk_typed.tolist()[:6] == [
        "12345678",
        "KvK 80546249",
        "3244 9661",
        "80.54.62.49",
        "00000000",
        None,
    ]
    assert problems_of(conv, "ExternalReference") == [(4, "00000000", "kvk")]
    assert problems_of(conv, "Q2") == [(7, "11111111", "kvk")]  # differs from the first
    readings = {(r.original, r.stored, r.count) for r in conv.readings if r.column == "Q2"}
    assert ("KvK 80546249", "80546249", 1) in readings
    assert ("3244 9661", "32449661", 1) in readings
    nothing_dropped(conv, table)


def test_a_kvk_number_from_a_numeric_column_gets_its_leading_zero(tmp_path, cis):  # noqa: F811
    frame = pd.DataFrame({"kvk": [1234567.0, 12345678.0]})
    _table, _m, conv = run(tmp_path, cis, _sav(tmp_path / "k.sav", frame, {}))
    assert conv.kvk.tolist() == ["01234567", "12345678"]
    assert [(r.original, r.stored, r.note) for r in conv.readings] == [
        ("1234567", "01234567", "leading zero")
    ]


@pytest.mark.parametrize(
    ("column", "text", "value"),
    [
        ("emp_total", "1.500", 1500),
        ("emp_total", "1,500", 1500),
        ("emp_total", "ca. 18", 18),
        ("emp_total", "1764k", 1764000),
        ("emp_total", "1.250.000", 1250000),
        ("emp_total", "12", 12),
        ("inn_exp_pct", "12,5", 12.5),
        ("inn_exp_pct", "5%", 5.0),
        ("inn_exp_pct", "23 %", 23.0),
        ("inn_exp_pct", "2.5", 2.5),
        ("inn_exp_pct", "€ 2.072.000,-", 2072000.0),
        ("inn_exp_pct", "2,5 miljoen", 2500000.0),
    ],
)
def test_numbers_as_people_type_them(tmp_path, cis, column, text, value):  # noqa: F811
    rows = [{"kvk": "12345678", column: text}]
    _t, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows))
    assert conv.problems == []
    stored = conv.columns[column][0]
    assert stored == value
    assert type(stored) is type(value)
    if text not in ("12", "2.5"):
        (reading,) = conv.readings
        assert (reading.original, reading.count) == (text, 1)


@pytest.mark.parametrize(
    ("column", "text", "parts"),
    [
        ("inn_exp_pct", "1.500", ("1,5", "1500")),
        ("emp_total", "12,5", ("12,5", "geheel")),
        ("emp_total", "10-20", ("10-20",)),
        ("inn_exp_pct", "weet niet", ("weet niet",)),
        ("emp_total", "1.764k", ("1764",)),
    ],
)
def test_a_number_that_is_not_certain_is_reported_never_guessed(
    tmp_path,
    cis,  # noqa: F811
    column,
    text,
    parts,
):
    rows = [{"kvk": "12345678", column: text}]
    _t, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows))
    assert conv.columns[column][0] is None
    (problem,) = conv.problems
    assert (problem.row, problem.column, problem.value, problem.rule) == (0, column, text, "number")
    for part in parts[:1]:
        assert part in problem.message_nl, problem.message_nl


def test_unaccounted_columns_are_listed_and_strict_stops_on_them(tmp_path, cis):  # noqa: F811
    rows = [{"kvk": "12345678", "emp_total": "4", "Q77": "x", "Q78": "", "Q99": "y"}]
    table, mapping, conv = run(
        tmp_path, cis, write_plain(tmp_path / "e.csv", rows), "ignore: [Q9*]\n"
    )
    uses = {u.column: u for u in conv.uses}
    assert [u.column for u in conv.uses] == list(table.header)
    assert (uses["Q77"].use, uses["Q77"].filled, uses["Q77"].read) == ("unaccounted", 1, 0)
    assert uses["Q78"].use == "unaccounted"
    assert uses["Q99"].use == "ignored"
    assert (uses["emp_total"].use, uses["emp_total"].read) == ("answer", 1)
    assert not any(p.field == "Q77" for p in file_problems(table, mapping, cis))
    strict = [p.field for p in file_problems(table, mapping, cis, strict=True)]
    assert "Q77" in strict
    assert "Q78" in strict
    assert "Q99" not in strict


def test_a_file_without_a_kvk_column_is_a_file_problem(tmp_path, cis):  # noqa: F811
    table = read_table(write_plain(tmp_path / "e.csv", [{"emp_total": "4"}]))
    mapping, _ = load_mapping(None, None, table, cis)
    problems = file_problems(table, mapping, cis)
    assert any(p.field == "kvk" and "KvK" in p.message for p in problems)
    required = {p.field for p in problems} - {"kvk"}
    assert required == {
        q.name
        for q in cis.variables()
        if q.required and q.relevant is None and q.name != "emp_total"
    }


def test_firm_fields_and_metadata_are_kept_as_text(tmp_path, cis):  # noqa: F811
    rows = [
        {
            "Status": "Survey Preview",
            "Finished": "False",
            "Progress": "40",
            "StartDate": "2023-05-01 10:00:00",
            "RecordedDate": "2023-05-01 10:20:00",
            "ResponseId": "R_1",
            "UserLanguage": "NL",
            "ExternalReference": "12345678",
            "firm_name": "Wadtech B.V.",
        }
    ]
    path = write_qualtrics(tmp_path / "q.csv", rows, [*QUALTRICS_META, "firm_name"])
    table, _m, conv = run(tmp_path, cis, path)
    assert {k: v.tolist() for k, v in conv.meta.items()} == {
        "started": ["2023-05-01 10:00:00"],
        "status": ["Survey Preview"],
        "progress": ["40"],
        "finished": ["False"],
        "submitted": ["2023-05-01 10:20:00"],
        "response_id": ["R_1"],
        "language": ["NL"],
    }
    assert conv.firm["firm_name"].tolist() == ["Wadtech B.V."]
    assert table.row_numbers[0] == 4
    nothing_dropped(conv, table)


def test_many_rows_are_read_one_distinct_text_at_a_time(tmp_path, cis):  # noqa: F811
    n = 3000
    rng = np.random.default_rng(1)
    rows = [
        {
            "kvk": f"{10000000 + i}",
            "emp_total": str(rng.integers(1, 500)),
            "inpdgd": ["Ja", "Nee", "1", "0"][i % 4],
            "co_partner": ["1,2", "3", "", "Klanten;Leveranciers"][i % 4],
            "inn_exp_pct": ["12,5", "3", "", "1.500"][i % 4],
        }
        for i in range(n)
    ]
    table, _m, conv = run(tmp_path, cis, write_plain(tmp_path / "e.csv", rows))
    assert conv.columns["inpdgd"].tolist()[:4] == [1, 0, 1, 0]
    assert conv.columns["co_partner"].tolist()[:4] == [[1, 2], [3], None, [2, 3]]
    assert len([p for p in conv.problems if p.column == "inn_exp_pct"]) == n // 4
    (reading,) = [r for r in conv.readings if r.original == "Klanten;Leveranciers"]
    assert reading.count == n // 4
    nothing_dropped(conv, table)


def test_values_read_a_choice_column_before_the_ticked_test(tmp_path, cis):  # noqa: F811
    # Qualtrics 'numeric values': a per-choice column holds the choice's recode value when
    # ticked (Q16_4 = 4); the mapping's values turn the recode value into the choice's code
    net = [c.name for c in cis.choices(cis.question("cluster_part_net"))]
    assert "ijsselzone_energie_coalitie_fictief" in net
    rows = [
        {"ExternalReference": "12345678", "Q16_1": "1", "Q16_4": "4"},
        {"ExternalReference": "23456789", "Q16_4": "4"},
        {"ExternalReference": "34567890", "Q16_1": "", "Q16_4": ""},
        {"ExternalReference": "45678901", "Q16_1": "0", "Q16_4": "Y"},  # ticked words still read
        {"ExternalReference": "56789012", "Q16_4": "1"},  # another choice's value: ticked (1)
        {"ExternalReference": "67890123", "Q16_4": "2"},  # another choice's value, no tick
        {"ExternalReference": "78901234", "Q16_4": "9"},  # values say: no answer
    ]
    header = [*QUALTRICS_META, "Q16_1", "Q16_4"]
    text = """
source: qualtrics
values:
  cluster_part_net:
    "1": twentse_maakindustrie_netwerk_fictief
    "2": achterhoekse_kring_slimme_industrie_fictief
    "4": ijsselzone_energie_coalitie_fictief
    "9": ""
multiple:
  cluster_part_net:
    Q16_1: twentse_maakindustrie_netwerk_fictief
    Q16_4: ijsselzone_energie_coalitie_fictief
"""
    path = write_qualtrics(tmp_path / "export.csv", rows, header)
    table, _m, conv = run(tmp_path, cis, path, text)
    both = ["twentse_maakindustrie_netwerk_fictief", "ijsselzone_energie_coalitie_fictief"]
    assert conv.columns["cluster_part_net"].tolist() == [
        both,
        both[1:],
        None,
        both[1:],
        both[1:],
        None,
        None,
    ]
    assert problems_of(conv, "Q16_4") == [(5, "2", "choice")]
    assert problems_of(conv, "Q16_1") == []
    nothing_dropped(conv, table)
