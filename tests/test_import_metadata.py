"""The survey tools' own metadata: Qualtrics ``Status`` (previews, tests, spam are not
stored, only counted), ``Finished``/``Progress``, its dates and ``UserLanguage``; LimeSurvey
``submitdate``/``lastpage``/``startlanguage``; and one firm's several rows in one file (an exact
double counts once, a complete response supersedes partial ones, two different complete ones
are held side by side) or across imports (a stored partial is superseded, a partial never
replaces a stored complete one)."""

# ruff: noqa: F811 (the fixtures of tests/test_import.py are imported by name)
from __future__ import annotations

import csv
import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from innomon.intake.metadata import PREVIEW, RESPONSE, SPAM, TEST, read_language, status_kind
from innomon.survey.models import QuarantinedRow, Response
from tests.test_import import firm, instrument, run, wave, write_csv  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def qualtrics_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A Qualtrics "numeric values" CSV as Qualtrics writes it: the column names, the question
    texts, the ImportId JSON row, then one row per response."""
    header = list(dict.fromkeys(k for r in rows for k in r))
    import_ids = {
        "StartDate": "startDate",
        "RecordedDate": "recordedDate",
        "Status": "status",
        "Progress": "progress",
        "Finished": "finished",
        "ResponseId": "_recordId",
        "UserLanguage": "userLanguage",
        "ExternalReference": "externalDataReference",
    }
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow([f"Vraag {h}" for h in header])
        w.writerow(
            [json.dumps({"ImportId": import_ids.get(h, f"QID{j}")}) for j, h in enumerate(header)]
        )
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def response(kvk: str, status: str = "0", finished: str = "1", **changes) -> dict[str, str]:
    answers = {k: v for k, v in firm(kvk).items() if k != "kvk"}
    return {
        "StartDate": "2019-03-04 09:30:00",
        "RecordedDate": "2019-03-04 10:00:00",
        "Status": status,
        "Progress": "100" if finished == "1" else "40",
        "Finished": finished,
        "ResponseId": f"R_{kvk}{status}",
        "UserLanguage": "NL",
        "ExternalReference": kvk,
        **answers,
        **changes,
    }


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("0", RESPONSE),
        ("IP Address", RESPONSE),
        ("1", PREVIEW),
        ("Survey Preview", PREVIEW),
        ("2", TEST),
        ("survey test", TEST),
        ("4", RESPONSE),  # Imported
        ("8", SPAM),
        ("9", SPAM),  # Survey Preview Spam
        ("12", SPAM),  # Imported Spam
        ("16", RESPONSE),  # Offline
        ("17", PREVIEW),  # Offline Survey Preview
        ("2.0", TEST),  # from an SPSS file
        ("3", RESPONSE),  # preview + test flags… never written alone, but read by its flags
        ("Survey Fake", None),
        ("1024", None),
    ],
)
def test_qualtrics_status_codes_and_texts(cell, kind):
    if cell == "3":
        assert status_kind(cell) == PREVIEW  # preview wins over test
    else:
        assert status_kind(cell) == kind


@pytest.mark.parametrize(
    ("cell", "language"),
    [("NL", "nl"), ("nl-NL", "nl"), ("EN", "en"), ("en_GB", "en"), ("DE", ""), ("", "")],
)
def test_languages(cell, language):
    assert read_language(cell) == language


def test_previews_tests_and_spam_are_counted_not_stored(wave, instrument, tmp_path):
    rows = [
        response("12345678"),
        response("23456789", status="1"),  # a preview with a registered-looking KvK number
        response("34567890", status="Survey Test"),
        response("45678901", status="8"),
        response("56789012", status="0", finished="0", UserLanguage="EN"),
    ]
    result = run(wave, qualtrics_csv(tmp_path / "q.csv", rows), instrument, tmp_path)
    assert (result.stored, result.quarantined) == (2, 0)
    assert (result.counts["previews"], result.counts["tests"], result.counts["spam"]) == (1, 1, 1)
    assert (result.batch.previews, result.batch.tests, result.batch.spam) == (1, 1, 1)
    stored = {r.firm.kvk: r for r in Response.objects.select_related("firm")}
    assert set(stored) == {"12345678", "56789012"}
    done, half = stored["12345678"], stored["56789012"]
    assert done.status == "complete"
    assert done.started_at == dt.datetime(2019, 3, 4, 9, 30, tzinfo=AMSTERDAM)
    assert done.submitted_at == dt.datetime(2019, 3, 4, 10, 0, tzinfo=AMSTERDAM)
    assert done.language == "nl"
    assert (half.status, half.submitted_at, half.language) == ("partial", None, "en")
    assert result.counts["partial"] == 1
    partial = result.details["partial"]
    assert partial == [{"row": 8, "kvk": "56789012", "progress": "40", "lastpage": ""}]


def test_an_unknown_status_is_quarantined(wave, instrument, tmp_path):
    rows = [response("12345678", status="Survey Fake")]
    result = run(wave, qualtrics_csv(tmp_path / "q.csv", rows), instrument, tmp_path)
    assert result.quarantined == 1
    assert result.problems[0]["rule"] == "status"
    assert result.problems[0]["value"] == "Survey Fake"


def test_limesurvey_submitdate_decides_complete_or_partial(wave, instrument, tmp_path):
    base = {k: v for k, v in firm("12345678").items() if k != "kvk"}
    rows = [
        {
            "id": "1",
            "token": "12345678",
            "submitdate": "2019-03-05 11:00:00",
            "lastpage": "9",
            "startlanguage": "nl",
            "startdate": "2019-03-05 10:40:00",
            **base,
        },
        {
            "id": "2",
            "token": "23456789",
            "submitdate": "",
            "lastpage": "3",
            "startlanguage": "en",
            "startdate": "2019-03-05 10:41:00",
            **base,
            "firm_name": "Half B.V.",
        },
    ]
    result = run(wave, write_csv(tmp_path / "lime.csv", rows), instrument, tmp_path)
    assert result.batch.source == "limesurvey"
    assert result.stored == 2
    statuses = dict(Response.objects.values_list("firm__kvk", "status"))
    assert statuses == {"12345678": "complete", "23456789": "partial"}
    done = Response.objects.get(firm__kvk="12345678")
    assert done.submitted_at == dt.datetime(2019, 3, 5, 11, 0, tzinfo=AMSTERDAM)
    assert [p["lastpage"] for p in result.details["partial"]] == ["3"]


# ----------------------------------------------------------------- one firm, several rows


def test_an_exact_double_submit_counts_once(wave, instrument, tmp_path):
    rows = [response("12345678"), response("12345678"), response("23456789")]
    result = run(wave, qualtrics_csv(tmp_path / "q.csv", rows), instrument, tmp_path)
    assert (result.stored, result.quarantined, result.counts["doubles"]) == (2, 0, 1)
    assert result.details["doubles"] == [{"row": 5, "kvk": "12345678", "of": 4}]


def test_a_complete_response_supersedes_the_partial_one_in_the_file(wave, instrument, tmp_path):
    rows = [
        response("12345678", finished="0", employees="3"),
        response("12345678", employees="12"),
    ]
    result = run(wave, qualtrics_csv(tmp_path / "q.csv", rows), instrument, tmp_path)
    assert (result.stored, result.quarantined, result.counts["superseded"]) == (1, 0, 1)
    stored = Response.objects.get()
    assert (stored.status, stored.answers["employees"]) == ("complete", 12)
    assert result.details["superseded"] == [{"row": 4, "kvk": "12345678", "by": 5}]


def test_two_different_complete_responses_are_held_side_by_side(wave, instrument, tmp_path):
    rows = [response("12345678", employees="12"), response("12345678", employees="14")]
    result = run(wave, qualtrics_csv(tmp_path / "q.csv", rows), instrument, tmp_path)
    assert (result.stored, result.quarantined) == (0, 2)
    held = list(QuarantinedRow.objects.order_by("row_number"))
    assert held[0].group == held[1].group != ""
    assert {p["rule"] for q in held for p in q.problems} == {"double"}
    html = result.report_html.read_text(encoding="utf-8")
    pairs = html.split('id="pairs"', 1)[1]
    assert "employees" in pairs
    assert "<td>12</td><td>14</td>" in pairs


def test_a_stored_partial_response_is_superseded_by_a_later_complete_one(
    wave,
    instrument,
    tmp_path,
):
    first = [response("12345678", finished="0", employees="3")]
    run(wave, qualtrics_csv(tmp_path / "first.csv", first), instrument, tmp_path)
    assert Response.objects.get().status == "partial"
    later = [response("12345678", employees="12")]
    result = run(wave, qualtrics_csv(tmp_path / "later.csv", later), instrument, tmp_path)
    assert (result.stored, result.quarantined, result.counts["superseded"]) == (1, 0, 1)
    stored = Response.objects.get()
    assert (stored.status, stored.answers["employees"]) == ("complete", 12)
    assert result.details["superseded"][0]["by"] is None


def test_a_partial_record_never_replaces_a_stored_complete_one(wave, instrument, tmp_path):
    run(wave, qualtrics_csv(tmp_path / "done.csv", [response("12345678")]), instrument, tmp_path)
    later = [response("12345678", finished="0", employees="3")]
    result = run(wave, qualtrics_csv(tmp_path / "late.csv", later), instrument, tmp_path)
    assert (result.stored, result.quarantined, result.counts["kept_complete"]) == (0, 0, 1)
    assert not [p for p in result.problems if p["rule"] == "conflict"]
    stored = Response.objects.get()
    assert (stored.status, stored.answers["employees"]) == ("complete", 12)
