"""The survey-tool export fixtures (tests/fixtures/exports) themselves: written as each tool
writes its export (tests/fixtures/exports/README.md says where each detail comes from), their
mappings fit their headers and the questionnaire, and the ground truth is a valid set of answers.
These checks need no database and none of innomon's import code."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

import pyreadstat
import pytest
import yaml

from innomon.instrument.loader import load_instrument

HERE = Path(__file__).parent / "fixtures" / "exports"
CIS = Path(__file__).parent / "fixtures" / "cis2020"
QUALTRICS_META = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
]  # fmt: skip
LIME_META = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate",
             "datestamp", "ipaddr", "refurl"]  # fmt: skip
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
MAPPINGS = {
    "qualtrics-numeric.csv": "qualtrics-numeric.yaml",
    "qualtrics-choicetext.csv": "qualtrics-choicetext.yaml",
    "qualtrics.sav": "qualtrics-sav.yaml",
    "limesurvey-codes.csv": "limesurvey-codes.yaml",
}


def _qualtrics(name: str) -> tuple[list[str], list[str], list[str], list[dict[str, str]]]:
    raw = (HERE / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Qualtrics writes UTF-8 with a byte-order mark
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header, labels, ids = rows[:3]
    return header, labels, ids, [dict(zip(header, r, strict=True)) for r in rows[3:]]


def _lime() -> tuple[list[str], list[dict[str, str]]]:
    with open(HERE / "limesurvey-codes.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _instrument():
    with open(CIS / "initiatives.csv", encoding="utf-8") as fh:
        items = [{"name": r["name"], "type": r["type"]} for r in csv.DictReader(fh)]
    return load_instrument(initiatives=items, path=CIS / "questionnaire.xlsx").as_of(2023)


def _expected() -> dict:
    return json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def test_the_qualtrics_csvs_have_the_three_header_rows_and_the_metadata_columns():
    numeric = _qualtrics("qualtrics-numeric.csv")
    text = _qualtrics("qualtrics-choicetext.csv")
    assert numeric[:3] == text[:3]  # one survey, two exports: the same header rows
    header, labels, ids, rows = numeric
    assert header[: len(QUALTRICS_META)] == QUALTRICS_META
    assert all(json.loads(i)["ImportId"] for i in ids)
    assert json.loads(ids[header.index("ResponseId")]) == {"ImportId": "_recordId"}
    assert json.loads(ids[header.index("Q15_3")]) == {"ImportId": "QID15_3"}
    assert labels[header.index("Status")] == "Response Type"
    assert labels[header.index("Q15_3")] == "Met welke soorten partners? - Klanten"
    for r in rows:
        assert STAMP.match(r["StartDate"])
        assert STAMP.match(r["RecordedDate"])
    assert sorted(r["Status"] for r in rows if r["Status"] != "0") == ["1", "2", "8"]
    assert {r["Finished"] for r in rows} == {"1", "0"}
    assert {r["Status"] for r in text[3]} == {"IP Address", "Survey Preview", "Survey Test", "Spam"}
    assert {r["Finished"] for r in text[3]} == {"True", "False"}


def test_multiple_answers_hold_the_recode_or_the_choice_text_when_ticked():
    _h, _l, _i, numeric = _qualtrics("qualtrics-numeric.csv")
    _h, _l, _i, text = _qualtrics("qualtrics-choicetext.csv")
    for n, t in zip(numeric, text, strict=True):
        assert n["ResponseId"] == t["ResponseId"]
        for k in range(1, 8):
            assert n[f"Q15_{k}"] in ("", str(k))
            assert (n[f"Q15_{k}"] == "") == (t[f"Q15_{k}"] == "")
        for k in range(1, 6):
            assert n[f"Q16_{k}"] in ("", str(k))
        assert n["Q5"] in ("", "1", "2")
        assert t["Q5"] in ("", "Ja", "Nee")
    ticked = [t["Q16_4"] for t in text if t["Q16_4"]]
    assert ticked
    assert set(ticked) == {"IJsselzone Energie Coalitie (fictief)"}


def test_typed_numbers_and_kvk_numbers_are_as_people_type_them():
    _h, _l, _i, rows = _qualtrics("qualtrics-numeric.csv")
    typed = {r["Q2"]: r["ExternalReference"] for r in rows if r["Q2"]}
    assert typed == {"3244 9661": "", "KvK 80546249": ""}
    amounts = {r["Q4"] for r in rows}
    assert {"€ 2.072.000,-", "2,5 miljoen", "1764k"} <= amounts
    shares = {r["Q8"] for r in rows} | {r["Q9"] for r in rows}
    assert {"12,5", "5%", "23 %"} <= shares
    assert "1.500" in {r["Q1"] for r in rows}


def test_the_sav_is_the_qualtrics_spss_export_of_the_same_survey():
    frame, meta = pyreadstat.read_sav(str(HERE / "qualtrics.sav"))
    header, labels, _ids, rows = _qualtrics("qualtrics-numeric.csv")
    assert meta.column_names == [h.replace("Duration (in seconds)", "Duration__in_seconds_")
                                 for h in header]  # fmt: skip
    assert [meta.column_names_to_labels[c] for c in meta.column_names] == labels
    assert meta.variable_value_labels["Status"][1] == "Survey Preview"
    assert meta.variable_value_labels["Finished"] == {0: "False", 1: "True"}
    assert meta.variable_value_labels["Q5"] == {1: "Ja", 2: "Nee"}
    assert meta.variable_value_labels["Q19_1"] == {
        1: "Hoog", 2: "Gemiddeld", 3: "Laag", 4: "Niet van toepassing"
    }  # fmt: skip
    assert len(frame) == len(rows)
    assert frame["Q4"].tolist() == [r["Q4"] for r in rows]  # text entry: strings
    assert [("" if v != v else f"{v:g}") for v in frame["Q15_3"]] == [r["Q15_3"] for r in rows]


def test_the_limesurvey_export_has_its_columns_and_codes():
    header, rows = _lime()
    assert header[: len(LIME_META)] == LIME_META
    assert "Q14[SQ001]" in header
    assert "Q15[other]" in header
    assert not any(c.startswith("Q18") and c.endswith("[SQ006]") for c in header)  # not asked
    for r in rows:
        for c in header:
            if re.match(r"Q1[4-7]\[SQ\d{3}\]|Q20\[", c):
                assert r[c] in ("", "Y")
        assert r["Q04"] in ("Y", "N", "")
        assert r["Q03"] in ("", *(f"A{k}" for k in range(1, 7)))
    assert [r["token"] for r in rows if not r["submitdate"]] == [_expected()["roles"]["partial"]]
    assert {r["Q00"] for r in rows if not r["token"]} == {"3244 9661", "KvK 80546249"}


@pytest.mark.parametrize("export", sorted(MAPPINGS))
def test_every_column_has_a_use_in_its_mapping(export):
    mapping = yaml.safe_load((HERE / MAPPINGS[export]).read_text(encoding="utf-8"))
    instrument = _instrument()
    names = {q.name for q in instrument.variables()}
    if export.endswith(".sav"):
        header = pyreadstat.read_sav(str(HERE / export), metadataonly=True)[1].column_names
        meta = [c.replace("Duration (in seconds)", "Duration__in_seconds_") for c in QUALTRICS_META]
    elif export.startswith("qualtrics"):
        header, meta = _qualtrics(export)[0], QUALTRICS_META
    else:
        header, meta = _lime()[0], LIME_META
    used: set[str] = set(meta) | set(mapping["kvk"]) | set(mapping.get("ignore", ()))
    used |= set(mapping["columns"])
    assert set(mapping["columns"].values()) <= names
    for var, columns in mapping["multiple"].items():
        assert var in names
        codes = {c.name for c in instrument.choices(instrument.question(var))}
        assert set(columns.values()) <= codes, var
        used |= set(columns)
    for var, expression in mapping.get("computed", {}).items():
        assert var in names
        used |= set(re.findall(r"\$\{([^}]+)\}", expression))
    for var in mapping.get("values", {}):
        assert var in names
    assert set(mapping.get("not_asked", ())) <= names
    assert set(header) == used  # every column accounted for, and no column made up
    asked = set(mapping["columns"].values()) | set(mapping["multiple"])
    asked |= set(mapping.get("computed", {})) | set(mapping.get("not_asked", ()))
    assert asked == names  # every question of the wave has a column, a computation or is not asked


def test_the_ground_truth_is_valid_for_the_questionnaire():
    instrument = _instrument()
    with open(HERE / "ground-truth.csv", encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    expected = _expected()
    assert len(truth) == expected["stored"] == 15
    kvks = {r["kvk"] for r in truth}
    assert expected["roles"]["retake"] not in kvks
    assert {expected["roles"]["preview"], expected["roles"]["spam"]}.isdisjoint(kvks)
    assert set(expected["typed_kvk"]) <= kvks
    multi_ticks = 0
    for r in truth:
        record = {}
        for q in instrument.variables():
            text = r[q.name]
            if not text:
                continue
            if q.type == "select_multiple":
                record[q.name] = text.split()
            elif q.type in ("integer", "decimal"):
                record[q.name] = float(text)
            else:
                record[q.name] = text
        for q in instrument.variables():
            relevant = q.relevant is None or bool(q.relevant.evaluate(record))
            answered = q.name in record
            assert relevant or not answered, (r["kvk"], q.name)
            if q.required and relevant:
                assert answered, (r["kvk"], q.name)
            if answered and q.constraint is not None:
                assert q.constraint.evaluate(record, record[q.name]), (r["kvk"], q.name)
            if answered and q.type.startswith("select"):
                codes = {c.name for c in instrument.choices(q)}
                values = record[q.name] if q.type == "select_multiple" else [record[q.name]]
                assert set(values) <= codes, (r["kvk"], q.name)
        multi_ticks += sum(len(record.get(c, ())) > 1 for c in ("cluster_part_net",
                           "cluster_part_lab", "cluster_part_inc"))  # fmt: skip
    assert multi_ticks >= 5  # several firms in more than one initiative of a kind


def test_the_generator_writes_the_same_bytes_again(tmp_path):
    spec = importlib.util.spec_from_file_location("make_exports", HERE / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_exports"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        module.main(tmp_path)
    finally:
        del sys.modules["make_exports"]
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (HERE / path.name).read_bytes(), path.name
