"""``innomon import``: survey exports into a wave — checked, stored or quarantined, never lost."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from django.utils import translation

from innomon.demo.run import initiatives as demo_initiatives
from innomon.errors import InputError
from innomon.intake.export import export_wave
from innomon.intake.importer import QUARANTINED_EXIT, import_wave, registry_instrument
from innomon.registry.models import Firm
from innomon.registry.services import register_initiatives
from innomon.survey.models import ImportBatch, Participation, QuarantinedRow, Response

VALID = {
    "kvk": "12345678",
    "firm_name": "Wadtech B.V.",
    "sbi_code": "2511",
    "municipality": "GM0014",
    "employees": "12",
    "founding_year": "2001",
    "turnover_class": "3",
    "product_innovation": "1",
    "process_innovation": "0",
    "product_new_to_market": "1",
    "turnover_new_market_pct": "30",
    "turnover_new_firm_pct": "20",
    "turnover_unchanged_pct": "50",
    "innovation_investment": "1",
    "rd_internal": "1",
    "innovation_spend_pct": "4.5",
    "innovation_staff": "2",
    "collab_knowledge_institution": "0",
    "initiatives_network": "energy_valley water_alliance",
    "support_wbso": "1",
    "support_mit": "0",
    "support_innovatiekrediet": "0",
    "support_efro": "2",
    "support_voucher": "3",
    "theme19_finance_gap": "0",
}


@pytest.fixture
def wave(region, make_wave, tmp_path, monkeypatch):
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path / "home"))
    register_initiatives(demo_initiatives(), "initiatives.yaml")
    return make_wave(2019)


@pytest.fixture
def instrument(wave):
    return registry_instrument()


def write_csv(
    path: Path, rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, fieldnames=header, delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def run(wave, path, instrument, tmp_path, **kw):
    return import_wave(wave, path, instrument, tmp_path / "out", **kw)


def firm(number: str, **changes) -> dict[str, str]:
    return {**VALID, "kvk": number, "firm_name": f"Firma {number}", **changes}


def test_a_valid_file_is_stored_with_its_firms_and_participations(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [firm("12345678"), firm("23456789", employees="3")])
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (2, 0)
    r = Response.objects.get(firm__kvk="12345678")
    assert r.status == "complete"
    assert r.answers["turnover_new_market_pct"] == 30.0
    assert r.answers["product_innovation"] == 1
    assert r.answers["initiatives_network"] == ["energy_valley", "water_alliance"]
    assert Firm.objects.get(kvk="23456789").size_class == "micro"
    assert Participation.objects.filter(firm__kvk="12345678").count() == 2
    assert result.report_html.is_file()
    assert "No rows in quarantine" in result.report_html.read_text() or "quarantaine" in (
        result.report_html.read_text()
    )


def test_reimporting_changes_nothing_and_a_corrected_file_resolves(wave, instrument, tmp_path):
    bad = firm("23456789", turnover_new_firm_pct="80")  # 30 + 80 > 100
    path = write_csv(tmp_path / "wave.csv", [firm("12345678"), bad])
    first = run(wave, path, instrument, tmp_path)
    assert (first.stored, first.quarantined) == (1, 1)
    again = run(wave, path, instrument, tmp_path)
    assert (again.stored, again.unchanged, again.quarantined) == (0, 1, 1)
    assert QuarantinedRow.objects.count() == 1  # not twice
    assert Response.objects.count() == 1
    fixed = write_csv(tmp_path / "wave-fixed.csv", [firm("12345678"), firm("23456789")])
    third = run(wave, fixed, instrument, tmp_path)
    assert (third.stored, third.unchanged, third.quarantined, third.resolved) == (1, 1, 0, 1)
    assert not QuarantinedRow.objects.filter(resolved_at__isnull=True).exists()
    assert ImportBatch.objects.count() == 3


@pytest.mark.parametrize(
    ("changes", "column", "rule"),
    [
        ({"kvk": "1234567"}, "kvk", "kvk"),
        ({"municipality": "GM0363"}, "municipality", "register"),
        ({"sbi_code": "3400"}, "sbi_code", "register"),
        ({"turnover_new_market_pct": "130"}, "turnover_new_market_pct", "constraint"),
        ({"turnover_new_firm_pct": "80"}, "turnover_new_firm_pct", "constraint"),
        (
            {"rd_internal": "1", "innovation_investment": "0", "innovation_spend_pct": ""},
            "rd_internal",
            "relevance",
        ),
        ({"employees": "twelve"}, "employees", "number"),
        ({"turnover_class": "7"}, "turnover_class", "choice"),
        ({"support_wbso": ""}, "support_wbso", "required"),
    ],
)
def test_each_problem_is_quarantined_with_row_column_and_rule(
    wave, instrument, tmp_path, changes, column, rule
):
    path = write_csv(tmp_path / "in.csv", [firm("12345678"), firm("87654321", **changes)])
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (1, 1)
    q = QuarantinedRow.objects.get()
    assert q.row_number == 3
    assert q.raw["kvk"] == changes.get("kvk", "87654321")  # the row is kept as it was
    assert any(p["column"] == column and p["rule"] == rule for p in q.problems), q.problems
    assert all(p["message_nl"] and p["message_en"] for p in q.problems)
    lines = list(csv.DictReader(result.report_csv.open()))
    assert any(line["row"] == "3" and line["column"] == column for line in lines)


def test_two_different_complete_responses_of_one_firm_are_held_together(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "in.csv", [firm("12345678"), firm("12345678", employees="13")])
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (0, 2)
    held = QuarantinedRow.objects.all()
    assert all(p["rule"] == "double" for q in held for p in q.problems)
    assert len({q.group for q in held}) == 1
    assert held[0].group


def test_dutch_excel_csv_cp1252_semicolons_and_decimal_commas(wave, instrument, tmp_path):
    row = firm("12345678", firm_name="Café Zuidlaren B.V.", innovation_spend_pct="4,5")
    path = write_csv(tmp_path / "excel.csv", [row], delimiter=";", encoding="cp1252")
    result = run(wave, path, instrument, tmp_path)
    assert result.stored == 1
    assert Firm.objects.get().name == "Café Zuidlaren B.V."
    assert Response.objects.get().answers["innovation_spend_pct"] == 4.5


def test_utf8_with_bom(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "bom.csv", [firm("12345678")], encoding="utf-8-sig")
    assert run(wave, path, instrument, tmp_path).stored == 1


def test_a_decimal_comma_is_read_by_the_number_rule_in_any_file(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "in.csv", [firm("12345678", innovation_spend_pct="4,5")])
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (1, 0)
    assert Response.objects.get().answers["innovation_spend_pct"] == 4.5
    readings = result.details["readings"]
    assert {"column": "innovation_spend_pct", "original": "4,5"}.items() <= readings[0].items()


def test_an_ambiguous_number_is_quarantined_not_rescaled(wave, instrument, tmp_path):
    path = write_csv(tmp_path / "in.csv", [firm("12345678", innovation_spend_pct="1.500")])
    result = run(wave, path, instrument, tmp_path)
    assert result.quarantined == 1
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("edit", "message", "strict"),
    [
        (
            lambda r: {**r, "favourite_colour": "blue"},
            "'favourite_colour'",
            True,
        ),
        (
            lambda r: {
                ("turnover_new_markt_pct" if k == "turnover_new_market_pct" else k): v
                for k, v in r.items()
            },
            "'turnover_new_markt_pct'",
            True,
        ),
        (
            lambda r: {k: v for k, v in r.items() if k != "product_innovation"},
            "the required question 'product_innovation' has no column",
            False,
        ),
        (
            lambda r: {k: v for k, v in r.items() if k != "kvk"},
            "no column holds the KvK number",
            False,
        ),
    ],
)
def test_extra_renamed_and_missing_columns_stop_the_file(
    wave, instrument, tmp_path, edit, message, strict
):
    path = write_csv(tmp_path / "cols.csv", [edit(firm("12345678"))])
    with pytest.raises(InputError) as err:
        run(wave, path, instrument, tmp_path, strict=strict)
    assert message in str(err.value)
    assert "cols.csv row 1" in str(err.value)
    assert not Response.objects.exists()
    assert not ImportBatch.objects.exists()


def test_wrong_file_type(wave, instrument, tmp_path):
    pdf = tmp_path / "answers.pdf"
    pdf.write_bytes(b"%PDF-1.4\x00\x01")
    with pytest.raises(InputError, match=r"answers\.pdf: is a '\.pdf' file"):
        run(wave, pdf, instrument, tmp_path)
    binary = tmp_path / "answers.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match="is not a text file"):
        run(wave, binary, instrument, tmp_path)


def test_qualtrics_export_with_three_header_rows(wave, instrument, tmp_path):
    rows = [
        {
            "ResponseId": "R_1",
            "Finished": "1",
            "ExternalReference": "12345678",
            **{k: v for k, v in firm("12345678").items() if k != "kvk"},
        },
        {
            "ResponseId": "R_2",
            "Finished": "0",
            "ExternalReference": "23456789",
            "firm_name": "Half B.V.",
            "sbi_code": "6201",
            "municipality": "GM0080",
            "employees": "4",
            "product_innovation": "0",
        },
    ]
    header = list(dict.fromkeys(k for r in rows for k in r))
    path = tmp_path / "qualtrics.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow([f"Vraag {h}" for h in header])
        w.writerow([json.dumps({"ImportId": f"QID{j}"}) for j in range(len(header))])
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (2, 0)
    assert result.batch.source == "qualtrics"
    statuses = dict(Response.objects.values_list("firm__kvk", "status"))
    assert statuses == {"12345678": "complete", "23456789": "partial"}


def test_limesurvey_export_with_a_mapping_of_codes(wave, instrument, tmp_path):
    mapping = tmp_path / "limesurvey.yaml"
    mapping.write_text(
        "source: limesurvey\n"
        "columns: {token: kvk, Q1: employees, Q2: product_innovation}\n"
        "values: {product_innovation: {A1: '1', A2: '0'}}\n"
        "ignore: [lastpage]\n"
    )
    row = {
        k: v
        for k, v in firm("12345678").items()
        if k not in ("kvk", "employees", "product_innovation")
    }
    row.update(
        id="7",
        token="12345678",
        submitdate="2019-03-04 10:00:00",
        lastpage="9",
        startlanguage="nl",
        Q1="12",
        Q2="A1",
    )
    path = write_csv(tmp_path / "lime.csv", [row])
    result = run(wave, path, instrument, tmp_path, mapping_path=mapping)
    assert result.stored == 1
    assert Response.objects.get().answers["product_innovation"] == 1


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata_files(wave, instrument, tmp_path, suffix):
    import pandas as pd
    import pyreadstat

    row = firm("12345678")
    frame = pd.DataFrame([row])
    for col in (
        "employees",
        "founding_year",
        "turnover_class",
        "product_innovation",
        "innovation_staff",
        "support_wbso",
    ):
        frame[col] = frame[col].astype(float)
    path = tmp_path / f"wave{suffix}"
    (pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta)(frame, str(path))
    result = run(wave, path, instrument, tmp_path)
    assert (result.stored, result.quarantined) == (1, 0)
    assert Response.objects.get().answers["employees"] == 12


def test_an_answered_invitation_is_filled_in(wave, instrument, tmp_path, firm_record):
    from innomon.registry.services import register_firms
    from innomon.survey.services import record_responses

    register_firms([firm_record()], "firms.csv")
    record_responses(wave, [{"kvk": "12345678", "status": "invited"}], "invitations")
    result = run(wave, write_csv(tmp_path / "in.csv", [firm("12345678")]), instrument, tmp_path)
    assert result.stored == 1
    assert Response.objects.get().status == "complete"


def test_quarantine_exit_code_and_report_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["INNOMON_HOME"] = str(tmp_path / "home")

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "innomon", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("initiatives", "import", str(_initiatives_csv(tmp_path))).returncode == 0
    assert (
        cli(
            "wave", "add", "2019", "--invited", "10", "--start", "2019-03-01", "--end", "2019-03-22"
        ).returncode
        == 0
    )
    path = write_csv(tmp_path / "in.csv", [firm("12345678"), firm("2345678")])
    result = cli("import", "2019", str(path))
    assert result.returncode == QUARANTINED_EXIT, result.stderr
    assert "1 stored" in result.stdout
    assert "1 quarantined" in result.stdout
    assert "import-report.html" in result.stderr
    exported = cli("export", "2019", "--format", "sav")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "home" / "private" / "noord-nederland" / "2019" / "wave-2019.sav").is_file()
    missing = cli("import", "2020", str(path))
    assert missing.returncode == 1
    assert "there is no wave 2020" in missing.stderr


def _initiatives_csv(tmp_path: Path) -> Path:
    path = tmp_path / "initiatives.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "type", "theme", "municipality"])
        for ini in demo_initiatives():
            w.writerow([ini["name"], ini["type"], ini["theme"], ini["municipality"]])
    return path


# --- innomon export: the cleaned wave with the questionnaire's labels ------------------------


@pytest.fixture
def imported(wave, instrument, tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [firm("12345678"), firm("23456789", process_innovation="1", bpi_functions="1 3")],
    )
    assert run(wave, path, instrument, tmp_path).stored == 2
    return wave


def test_spss_file_has_variable_and_value_labels(imported, instrument, tmp_path):
    path = export_wave(imported, instrument, "sav", tmp_path / "out")
    assert path.name == "wave-2019.sav"
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame["kvk"]) == ["12345678", "23456789"]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["product_innovation"] == instrument.question("product_innovation").label_nl
    assert meta.variable_value_labels["product_innovation"] == {1.0: "Ja", 0.0: "Nee"}
    assert pd.isna(frame.loc[0, "bpi_functions_1"])  # not asked: no process innovation
    assert frame.loc[1, "bpi_functions_1"] == 1
    assert frame.loc[1, "bpi_functions_2"] == 0
    assert frame.loc[0, "turnover_new_market_pct"] == 30


@pytest.mark.parametrize("fmt", ["dta", "csv", "parquet", "xlsx"])
def test_other_formats(imported, instrument, tmp_path, fmt):
    path = export_wave(imported, instrument, fmt, tmp_path / "out")
    if fmt == "dta":
        frame, meta = pyreadstat.read_dta(str(path))
        assert meta.variable_value_labels  # Stata value labels for coded answers
    elif fmt == "csv":
        frame = pd.read_csv(path, dtype={"kvk": str})
    elif fmt == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_excel(path, dtype={"kvk": str})
        assert "codebook" in pd.ExcelFile(path).sheet_names
    assert len(frame) == 2
    assert str(frame["kvk"].iloc[0]) == "12345678"


def test_an_empty_wave_is_a_clear_error(wave, instrument, tmp_path):
    with pytest.raises(InputError, match="has no complete responses"):
        export_wave(wave, instrument, "csv", tmp_path)


def test_a_row_without_kvk_is_matched_by_name_and_municipality_for_review(
    wave, instrument, tmp_path, firm_record
):
    from innomon.registry.services import register_firms

    register_firms(
        [firm_record(kvk="12345678", name="Wadtech B.V.", municipality="GM0014")], "firms.csv"
    )
    rows = [
        firm("", firm_name="WADTECH bv", municipality="GM0014"),
        firm("", firm_name="Unknown Firm", municipality="GM0014"),
    ]
    result = run(wave, write_csv(tmp_path / "in.csv", rows), instrument, tmp_path)
    assert (result.stored, result.quarantined) == (1, 1)
    response = Response.objects.get()
    assert response.firm.kvk == "12345678"
    assert "matched by firm name and municipality" in response.review_note


def test_problems_are_stored_in_dutch_and_english_from_the_catalogues(wave, instrument, tmp_path):
    rows = [
        firm("12345678"),
        firm("12345678", employees="13"),
        firm("12345678", employees="14"),
        firm("23456789", employees="12,5"),
        firm("34567890", municipality="GM0363"),
        firm("45678901"),
        firm("45678901", employees="13"),
    ]
    path = write_csv(tmp_path / "in.csv", rows)
    with translation.override("en"):  # whatever the active language, both are kept
        result = run(wave, path, instrument, tmp_path)
    messages = {(p["row"], p["column"], p["message_nl"], p["message_en"]) for p in result.problems}
    english = {(p["row"], p["message_en"]) for p in result.problems}
    assert {
        (
            2,
            "firm 12345678 sent different complete responses (also rows 3, 4): keep the right "
            "one in the file and import it again",
        ),
        (
            7,
            "firm 45678901 sent different complete responses (also row 8): keep the right one "
            "in the file and import it again",
        ),
    } <= english, sorted(english)
    assert {
        (5, "employees", "'12,5' is geen geheel getal", "'12,5' is not a whole number"),
        (
            6,
            "municipality",
            "gemeente 'GM0363' hoort niet bij de regio",
            "municipality 'GM0363' is not in the region",
        ),
    } <= messages, sorted(messages)
    report = list(csv.DictReader(result.report_csv.open(encoding="utf-8")))
    assert {"'12,5' is geen geheel getal", "'12,5' is not a whole number"} <= {
        line[key] for line in report for key in ("message_nl", "message_en")
    }


def test_a_different_response_for_a_stored_firm_is_explained_in_both_languages(
    wave, instrument, tmp_path
):
    run(wave, write_csv(tmp_path / "first.csv", [firm("12345678")]), instrument, tmp_path)
    path = write_csv(tmp_path / "second.csv", [firm("12345678", employees="13")])
    result = run(wave, path, instrument, tmp_path)
    assert [(p["rule"], p["message_nl"], p["message_en"]) for p in result.problems] == [
        (
            "conflict",
            "bedrijf 12345678 heeft al een ander antwoord in ronde 2019; pas dat eerst aan in "
            "het beheer of verwijder het",
            "firm 12345678 already has a different response in wave 2019; change or delete it "
            "in the back office first",
        )
    ]
