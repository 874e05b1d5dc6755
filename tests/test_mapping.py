"""The mapping file (``innomon.intake.mapping``): the format teams write for one export layout,
the tools' defaults, and every problem listed at once — never only the first."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from innomon.instrument.loader import load_instrument
from innomon.intake.mapping import column_ref, load_mapping
from innomon.tabular import read_table

FIXTURE = Path(__file__).parent / "fixtures" / "cis2020"
QUALTRICS_META = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
]


@pytest.fixture(scope="module")
def cis():
    """The CIS 2020-style questionnaire of the test monitor, as asked in 2023."""
    with open(FIXTURE / "initiatives.csv", encoding="utf-8") as fh:
        initiatives = [{"name": r["name"], "type": r["type"]} for r in csv.DictReader(fh)]
    return load_instrument(initiatives=initiatives, path=FIXTURE / "questionnaire.xlsx").as_of(2023)


def write_qualtrics(path: Path, rows: list[dict[str, str]], header: list[str]) -> Path:
    """A Qualtrics CSV as Qualtrics writes it: the column names, the question texts, the
    ImportId row, then one row per response."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(header)
        w.writerow([json.dumps({"ImportId": h}) for h in header])
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def write_plain(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def write_yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


QUESTIONS = ["Q1", "Q2", "Q3", "Q4_1", "Q4_2", "Q7", "Q8", "Q10_1", "Q10_2", "Q10_3", "Q99"]
FULL = """\
source: qualtrics
kvk: [ExternalReference, Q2]
columns:
  Q1: emp_total
  Q3:
    variable: inpsbp_prod
    values: {"1": "1", "2": "0"}
values:
  inpsbp_prod: {"Misschien": "0"}
multiple:
  co_partner:
    Q10_1: "1"
    Q10_2: "2"
    Q10_3: "3"
ticked: ["1", "Y"]
unticked: ["0"]
computed:
  inpdgd: "if(${Q4_1} = 1 or ${Q4_2} = 1, 1, if(${Q4_1} = 2 and ${Q4_2} = 2, 0, ''))"
  turn_class: "if(${Q7} < 250000, 1, if(${Q7} < 1000000, 2, 3))"
  inn_exp_pct: "${Q8} div ${Q7} * 100"
not_asked: [hamp_reg]
ignore: [Q99, "Q_*"]
"""


def test_a_mapping_with_every_key_resolves_every_column(tmp_path, cis):
    table = read_table(
        write_qualtrics(tmp_path / "export.csv", [{"Q1": "5"}], QUALTRICS_META + QUESTIONS)
    )
    assert table.kind == "qualtrics"
    mapping, problems = load_mapping(write_yaml(tmp_path / "m.yaml", FULL), None, table, cis)
    assert problems == []
    assert mapping.source == "qualtrics"
    assert mapping.name == "m.yaml"
    assert len(mapping.sha256) == 64
    assert mapping.kvk == ("ExternalReference", "Q2")
    assert mapping.answers == {"Q1": "emp_total", "Q3": "inpsbp_prod"}
    assert mapping.column_values == {"Q3": {"1": "1", "2": "0"}}
    assert mapping.values == {"inpsbp_prod": {"Misschien": "0"}}
    assert mapping.multiple == {"co_partner": {"Q10_1": "1", "Q10_2": "2", "Q10_3": "3"}}
    assert mapping.ticked == ("1", "y")
    assert mapping.unticked == ("0",)
    assert set(mapping.computed) == {"inpdgd", "turn_class", "inn_exp_pct"}
    assert mapping.computed["inn_exp_pct"].columns == {"Q7": "Q7", "Q8": "Q8"}
    assert mapping.computed["inn_exp_pct"].numeric == {"Q7", "Q8"}
    assert mapping.computed["inpdgd"].numeric == {"Q4_1", "Q4_2"}
    assert mapping.not_asked == ("hamp_reg",)
    uses = mapping.uses
    assert uses["Q1"] == ("answer", "emp_total")
    assert uses["Q2"] == ("kvk", "kvk")
    assert uses["ExternalReference"] == ("kvk", "kvk")
    assert uses["Q10_2"] == ("multiple", "co_partner")
    assert uses["Q4_1"] == ("computed", "inpdgd")
    assert uses["Q7"] == ("computed", "inn_exp_pct, turn_class")
    assert uses["Q99"] == ("ignored", None)
    assert uses["Status"] == ("meta", "status")
    assert uses["Finished"] == ("meta", "finished")
    assert uses["Progress"] == ("meta", "progress")
    assert uses["UserLanguage"] == ("meta", "language")
    assert uses["RecordedDate"] == ("meta", "submitted")
    for column in ("EndDate", "IPAddress", "Duration (in seconds)", "RecipientEmail"):
        assert uses[column] == ("ignored", None)
    assert list(uses) == list(table.header)
    assert "unaccounted" not in {u for u, _t in uses.values()}


def test_every_problem_of_a_mapping_is_listed_with_its_line(tmp_path, cis):
    header = [*QUESTIONS, "hamp_reg", "ExternalReference"]
    table = read_table(write_plain(tmp_path / "export.csv", [{"Q1": "5"}], header))
    text = """\
source: qualtrics
colums: {}
columns:
  Q1: emp_totl
  Q2: emp_total
  Q3: emp_total
  Q404: found_year
  Q7: cis_pd
  Q8:
    variable: turn_class
    values: {"1": "9"}
    valeus: {}
values:
  inpdsv: {"Ja": "7"}
multiple:
  co_any: {Q10_1: "1"}
  co_partner: {Q2: "1", Q10_2: "8"}
computed:
  inpdgd: "if(${Q4_1} = 1, 1"
  inpdsv: "${Q4_3} + 1"
not_asked: [hamp_reg, no_such_question]
ignore: [Q99]
ticked: [x]
unticked: [X]
ignore: [Q98]
"""
    mapping, problems = load_mapping(write_yaml(tmp_path / "m.yaml", text), None, table, cis)
    messages = {(p.field, p.row): p.message for p in problems}
    fields = [p.field for p in problems]

    def said(field: str, *parts: str) -> int:
        for (f, line), message in messages.items():
            if f == field and all(part in message for part in parts):
                return line
        raise AssertionError(f"no problem {field} {parts}: {problems}")

    assert said("colums", "not a mapping key", "did you mean 'columns'") == 2
    assert said("columns.Q1", "not a question", "did you mean 'emp_total'") == 4
    assert said("columns.Q3", "'emp_total' already comes from column 'Q2'") == 6
    assert said("columns.Q404", "column 'Q404' is not in export.csv") == 7
    assert said("columns.Q7", "'cis_pd' is a calculation") == 8
    assert said("columns.Q8.values.1", "'9' is not an answer code of turn_class") == 11
    assert said("columns.Q8.valeus", "not a key of a column's long form") == 12
    assert said("values.inpdsv.Ja", "'7' is not an answer code of inpdsv") == 14
    assert said("multiple.co_any", "multiple is for a select_multiple") == 16
    assert said("multiple.co_partner.Q2", "mapped twice", "already as answer emp_total") == 17
    assert said("multiple.co_partner.Q10_2", "'8' is not an answer code of co_partner") == 17
    assert said("computed.inpdgd", "does not parse") == 19
    assert said("computed.inpdsv", "${Q4_3} names no column") == 20
    assert said("not_asked.1", "'no_such_question' is not a question")
    assert said("unticked", "cannot be both ticked and unticked")
    assert said("ignore", "given twice") == 25
    said("not_asked", "'hamp_reg' is declared not asked", "column 'hamp_reg'")
    assert len(problems) == len(fields) >= 16
    assert all(p.source == "m.yaml" for p in problems if p.field != "hamp_reg")
    assert mapping.source == "qualtrics"  # still a usable (if wrong) mapping


def test_a_mapping_that_is_not_yaml_is_one_problem(tmp_path, cis):
    table = read_table(write_plain(tmp_path / "export.csv", [{"kvk": "12345678"}]))
    path = write_yaml(tmp_path / "m.yaml", "columns: [unclosed\n")
    mapping, problems = load_mapping(path, None, table, cis)
    (problem,) = problems
    assert "not readable YAML" in problem.message
    assert problem.source == "m.yaml"
    assert mapping.kvk == ("kvk",)
    path = write_yaml(tmp_path / "list.yaml", "- a\n- b\n")
    assert "must be a YAML mapping" in load_mapping(path, None, table, cis)[1][0].message


def test_yaml_scalars_stay_the_text_that_was_written(tmp_path, cis):
    table = read_table(write_plain(tmp_path / "e.csv", [{"kvk": "1", "Q3": "yes"}]))
    text = 'columns: {Q3: inpdgd}\nvalues:\n  inpdgd: {yes: 1, no: 0, 1.0: 1, "": 0}\n'
    mapping, problems = load_mapping(write_yaml(tmp_path / "m.yaml", text), None, table, cis)
    assert problems == []
    assert mapping.values["inpdgd"] == {"yes": "1", "no": "0", "1.0": "1", "": "0"}


def test_the_tools_defaults(tmp_path, cis):
    lime = [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "token",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "emp_total",
        "interviewtime",
        "groupTime12",
        "emp_totalTime",
    ]
    table = read_table(write_plain(tmp_path / "lime.csv", [{"id": "1"}], lime))
    assert table.kind == "limesurvey"
    mapping, problems = load_mapping(None, None, table, cis)
    assert problems == []
    assert mapping.source == "limesurvey"
    assert mapping.kvk == ("token",)
    assert mapping.meta == {
        "id": "response_id",
        "submitdate": "submitted",
        "lastpage": "lastpage",
        "startlanguage": "language",
        "startdate": "started",
    }
    ignored = {c for c, (u, _t) in mapping.uses.items() if u == "ignored"}
    assert ignored == {
        "seed",
        "datestamp",
        "ipaddr",
        "refurl",
        "interviewtime",
        "groupTime12",
        "emp_totalTime",
    }
    assert mapping.uses["emp_total"] == ("answer", "emp_total")

    header = [*QUALTRICS_META, "Q_RecaptchaScore", "Q_RelevantIDDuplicate", "Q5_First Click"]
    header += ["emp_total", "firm_name", "Q77"]
    table = read_table(write_qualtrics(tmp_path / "q.csv", [{"Q77": "1"}], header))
    mapping, problems = load_mapping(None, None, table, cis)
    assert problems == []
    assert mapping.kvk == ("ExternalReference",)
    assert mapping.firm == {"firm_name": "firm_name"}
    assert mapping.uses["Q_RecaptchaScore"] == ("ignored", None)
    assert mapping.uses["Q5_First Click"] == ("ignored", None)
    assert mapping.uses["Q77"] == ("unaccounted", None)
    # a plain file: the kvk column by its name, a status column is the response's status
    table = read_table(write_plain(tmp_path / "p.csv", [{"kvk": "1", "status": "complete"}]))
    mapping, problems = load_mapping(None, None, table, cis)
    assert (mapping.kvk, mapping.meta) == (("kvk",), {"status": "response_status"})


def test_the_command_line_source_wins_and_a_wrong_one_is_a_problem(tmp_path, cis):
    table = read_table(write_plain(tmp_path / "p.csv", [{"token": "1", "id": "2"}]))
    assert table.kind == "limesurvey"
    yaml_file = write_yaml(tmp_path / "m.yaml", "source: limesurvey\n")
    assert load_mapping(yaml_file, "plain", table, cis)[0].source == "plain"
    _mapping, problems = load_mapping(None, "spss", table, cis)
    assert [(p.source, p.field) for p in problems] == [("--source", "source")]


def test_a_column_of_a_question_given_twice_is_a_problem_of_the_file(tmp_path, cis):
    table = read_table(write_plain(tmp_path / "p.csv", [{"kvk": "1", "Q1": "1", "emp_total": "2"}]))
    _, problems = load_mapping(
        write_yaml(tmp_path / "m.yaml", "columns: {Q1: emp_total}\n"), None, table, cis
    )
    (problem,) = problems
    assert (problem.source, problem.row, problem.field) == ("p.csv", 1, "emp_total")
    assert "already comes from column 'Q1'" in problem.message


def test_computed_columns_are_named_as_xml_names():
    assert column_ref("Q05[SQ001]") == "Q05_SQ001_"
    assert column_ref("Duration (in seconds)") == "Duration__in_seconds_"
    assert column_ref("Q4_1") == "Q4_1"


def test_a_computed_expression_names_columns_by_their_xml_name(tmp_path, cis):
    table = read_table(write_plain(tmp_path / "l.csv", [{"kvk": "1", "Q05[SQ001]": "Y"}]))
    text = "computed:\n  inpdgd: \"if(${Q05_SQ001_} = 'Y', 1, 0)\"\n"
    mapping, problems = load_mapping(write_yaml(tmp_path / "m.yaml", text), None, table, cis)
    assert problems == []
    assert mapping.computed["inpdgd"].columns == {"Q05_SQ001_": "Q05[SQ001]"}
    assert mapping.computed["inpdgd"].numeric == frozenset()  # compared with text
    assert mapping.uses["Q05[SQ001]"] == ("computed", "inpdgd")


def test_an_ignore_entry_is_the_exact_name_first_then_a_pattern(tmp_path, cis):
    # LimeSurvey names hold brackets: as an fnmatch pattern "Q15[other]" is a character class
    header = ["id", "submitdate", "lastpage", "startlanguage", "token"]
    header += ["Q15[other]", "Q15o", "Q16[other]", "Q21x", "Q21[xyz]", "Q99a", "Q99b"]
    table = read_table(write_plain(tmp_path / "lime.csv", [{"id": "1"}], header))
    text = 'ignore: ["Q15[other]", "Q2?[xyz]", "Q99*"]\n'
    mapping, problems = load_mapping(write_yaml(tmp_path / "m.yaml", text), None, table, cis)
    assert problems == []
    uses = mapping.uses
    assert uses["Q15[other]"] == ("ignored", None)  # exactly its name
    assert uses["Q15o"] == ("unaccounted", None)  # and only that: not read as a class
    assert uses["Q16[other]"] == ("unaccounted", None)
    # an entry that names no column is a pattern: [xyz] is a class
    assert uses["Q21x"] == ("ignored", None)
    assert uses["Q21[xyz]"] == ("unaccounted", None)
    assert uses["Q99a"] == uses["Q99b"] == ("ignored", None)


def test_a_qualtrics_spss_file_is_recognised_with_its_spss_names(tmp_path, cis):
    import pandas as pd
    import pyreadstat

    # an SPSS name holds no spaces or parentheses: Qualtrics writes Duration__in_seconds_ and
    # Q5_First_Click; the other metadata keep their CSV names
    spss_meta = [
        "Duration__in_seconds_" if c == "Duration (in seconds)" else c for c in QUALTRICS_META
    ]
    extra = ["Q_RecaptchaScore", "Q_RelevantIDDuplicate", "Q_TotalDuration"]
    extra += ["Q5_First_Click", "Q5_Last_Click", "Q5_Page_Submit", "Q5_Click_Count"]
    columns = [*spss_meta, *extra, "emp_total"]
    frame = pd.DataFrame({c: ["1"] for c in columns})
    for c in ("Status", "Progress", "Duration__in_seconds_", "Finished", "emp_total"):
        frame[c] = [1.0]
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(frame, str(path))
    table = read_table(path)
    mapping, problems = load_mapping(None, None, table, cis)
    assert problems == []
    assert mapping.source == "qualtrics"  # by Status, ResponseId and Finished
    assert mapping.kvk == ("ExternalReference",)
    assert mapping.meta == {
        "Status": "status",
        "Finished": "finished",
        "Progress": "progress",
        "StartDate": "started",
        "RecordedDate": "submitted",
        "ResponseId": "response_id",
        "UserLanguage": "language",
    }
    assert mapping.uses["emp_total"] == ("answer", "emp_total")
    ignored = [c for c, (u, _t) in mapping.uses.items() if u == "ignored"]
    assert "Duration__in_seconds_" in ignored
    assert set(extra) <= set(ignored)
    assert mapping.columns_of("unaccounted") == ()
    # a plain file without them stays plain; a mapping's or the command line's source wins
    plain = read_table(write_plain(tmp_path / "p.csv", [{"kvk": "1", "Status": "0"}]))
    assert load_mapping(None, None, plain, cis)[0].source == "plain"
    assert load_mapping(None, "plain", table, cis)[0].source == "plain"
    yaml_file = write_yaml(tmp_path / "m.yaml", "source: plain\n")
    assert load_mapping(yaml_file, None, table, cis)[0].source == "plain"
