"""A questionnaire per wave: each wave stores the XLSForm workbook it is asked with, and its
import, export, codebook and back-office checks follow that workbook — whatever happens to the
packaged workbook or to later waves' workbooks afterwards."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from django.db import connection
from django.test import Client

import innomon
from innomon.demo.run import initiatives as demo_initiatives
from innomon.errors import InputError
from innomon.instrument import WORKBOOK, InstrumentError, write_codebook
from innomon.intake.export import export_wave
from innomon.intake.importer import import_wave
from innomon.registry.services import register_initiatives
from innomon.survey.models import Response, Wave
from innomon.survey.questionnaires import (
    QuestionnaireLocked,
    open_wave,
    store_questionnaire,
    wave_instrument,
)
from innomon.survey.responses import initiative_ids, store_responses
from tests.survey.workbooks import ADDED, DROPPED, broken, edited, write
from tests.test_import import VALID

pytestmark = pytest.mark.django_db

# the import test's valid row, without what the edited workbook drops (and, here, initiatives)
ROW = {k: v for k, v in VALID.items() if k not in ("innovation_staff",)}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("INNOMON_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def wave_2019(region, make_wave, home):
    register_initiatives(demo_initiatives(), "initiatives.yaml")
    return make_wave(2019)


def open_2020(region, data: bytes, filename: str = "monitor-2020.xlsx") -> Wave:
    return open_wave(
        region,
        2020,
        fieldwork_start=dt.date(2020, 3, 1),
        fieldwork_end=dt.date(2020, 3, 31),
        invited=50,
        data=data,
        filename=filename,
    )


def test_a_wave_stores_the_workbook_it_is_asked_with(wave_2019, region):
    packaged = WORKBOOK.read_bytes()
    wave_2019.refresh_from_db()
    assert bytes(wave_2019.questionnaire) == packaged
    assert wave_2019.questionnaire_file == WORKBOOK.name
    assert wave_2019.questionnaire_sha256 == hashlib.sha256(packaged).hexdigest()
    assert wave_2019.questionnaire_version == wave_instrument(wave_2019).version

    data = edited(version="2020.1")
    wave = open_2020(region, data)
    wave.refresh_from_db()
    assert bytes(wave.questionnaire) == data
    assert (wave.questionnaire_file, wave.questionnaire_version) == ("monitor-2020.xlsx", "2020.1")
    assert wave.questionnaire_sha256 == hashlib.sha256(data).hexdigest()
    names = {q.name for q in wave_instrument(wave).variables()}
    assert ADDED in names
    assert DROPPED not in names


def test_a_wave_imports_the_columns_of_its_own_workbook(wave_2019, region, home):
    wave = open_2020(region, edited())
    instrument = wave_instrument(wave)
    path = write_csv(home / "2020.csv", [{**ROW, ADDED: "1"}])
    result = import_wave(wave, path, instrument, home / "out")
    assert (result.stored, result.quarantined) == (1, 0)
    answers = Response.objects.get(wave=wave).answers
    assert answers[ADDED] == 1
    assert DROPPED not in answers
    # initiative participations follow the wave's workbook (with the registry's choices)
    assert initiative_ids(instrument)
    assert wave.participations.count() == 2

    # the question the 2020 workbook dropped means nothing in 2020: its column is not accounted
    # for (listed in the report; with --strict it stops the import) ...
    old_style = write_csv(home / "old.csv", [{**ROW, ADDED: "1", "kvk": "23456789", DROPPED: "3"}])
    with pytest.raises(InputError, match=DROPPED):
        import_wave(wave, old_style, instrument, home / "out", strict=True)
    # ... and the one it added is required there, but unknown in 2019
    missing = write_csv(home / "missing.csv", [{**ROW, "kvk": "23456789"}])
    with pytest.raises(InputError, match=f"the required question '{ADDED}' has no column"):
        import_wave(wave, missing, instrument, home / "out")
    new_style = write_csv(home / "2019.csv", [{**ROW, ADDED: "1"}])
    with pytest.raises(InputError, match=ADDED):
        import_wave(wave_2019, new_style, wave_instrument(wave_2019), home / "out", strict=True)


def test_an_earlier_wave_keeps_its_export_and_codebook(wave_2019, region, home, monkeypatch):
    path = write_csv(home / "2019.csv", [{**ROW, DROPPED: "4"}])
    assert import_wave(wave_2019, path, None, home / "out").stored == 1  # None: the wave's own
    before = export_wave(wave_2019, None, "csv", home / "before").read_bytes()
    codebook_before = write_codebook(wave_instrument(wave_2019), home / "cb-before")[0]

    # a later wave with another workbook, and the monitor's default workbook edited on disk
    open_2020(region, edited())
    monitor = home / "monitor"
    shutil.copytree(Path(innomon.__file__).parent / "monitors" / "noord-nederland", monitor)
    write(monitor / "innovatiemonitor.xlsx", edited(version="2019.9"))
    monkeypatch.setenv("INNOMON_MONITOR", str(monitor))
    later = Wave.objects.create(
        region=region,
        year=2021,
        questionnaire_version="",
        fieldwork_start=dt.date(2021, 3, 1),
        fieldwork_end=dt.date(2021, 3, 2),
        invited=1,
    )
    assert later.questionnaire_version == "2019.9"  # a new wave gets the edited default

    wave_2019 = Wave.objects.get(pk=wave_2019.pk)  # as another process reads it
    after = export_wave(wave_2019, None, "csv", home / "after").read_bytes()
    assert after == before
    columns = pd.read_csv(home / "after" / region.code / "2019" / "wave-2019.csv").columns
    assert DROPPED in columns
    assert ADDED not in columns
    codebook_after = write_codebook(wave_instrument(wave_2019), home / "cb-after")[0]
    assert codebook_after.read_text() == codebook_before.read_text()
    assert f"`{DROPPED}`" in codebook_after.read_text()


def test_a_broken_workbook_is_refused_in_one_line_naming_the_file(region, home):
    with pytest.raises(InstrumentError) as caught:
        open_2020(region, broken(), "ours.xlsx")
    assert str(caught.value).startswith("ours.xlsx, sheet ")
    assert "\n" not in str(caught.value)
    assert not Wave.objects.filter(year=2020).exists()  # nothing written
    with pytest.raises(InstrumentError, match=r"^notes\.xlsx: "):
        open_2020(region, b"not a workbook", "notes.xlsx")


def test_the_questionnaire_of_a_wave_with_responses_cannot_change(wave_2019, region, home):
    wave = open_2020(region, edited())
    store_questionnaire(wave, edited(version="2020.2"), "fixed.xlsx")  # no responses yet
    wave.refresh_from_db()
    assert (wave.questionnaire_file, wave.questionnaire_version) == ("fixed.xlsx", "2020.2")
    register = write_csv(home / "2020.csv", [{**ROW, ADDED: "0"}])
    import_wave(wave, register, None, home / "out")
    with pytest.raises(QuestionnaireLocked, match="meting 2020 heeft al antwoorden"):  # Dutch
        store_questionnaire(wave, edited(version="2020.3"), "again.xlsx")
    wave.refresh_from_db()
    assert wave.questionnaire_version == "2020.2"


def test_the_migration_gives_existing_waves_the_packaged_workbook(wave_2019):
    Wave.objects.filter(pk=wave_2019.pk).update(
        questionnaire=b"", questionnaire_file="", questionnaire_sha256="", questionnaire_version="x"
    )
    migration = importlib.import_module("innomon.survey.migrations.0008_wave_questionnaire")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    from django.apps import apps

    migration.store_packaged_workbook(apps, editor)
    wave = Wave.objects.get(pk=wave_2019.pk)
    assert bytes(wave.questionnaire) == WORKBOOK.read_bytes()
    assert wave.questionnaire_file == WORKBOOK.name
    assert wave.questionnaire_sha256 == hashlib.sha256(WORKBOOK.read_bytes()).hexdigest()
    assert wave.questionnaire_version == wave_instrument(wave).version


# ------------------------------------------------------------------------------ back office


@pytest.fixture
def team(django_user_model):
    user = django_user_model.objects.create_superuser("analist", "", "x-long-secret-9")
    client = Client()
    client.force_login(user)
    return client


def _wave_form(wave: Wave, upload) -> dict:
    return {
        "region": wave.region_id,
        "year": wave.year,
        "fieldwork_start": wave.fieldwork_start.isoformat(),
        "fieldwork_end": wave.fieldwork_end.isoformat(),
        "invited": wave.invited,
        "upload": upload,
    }


def _upload(path: Path):
    return path.open("rb")


def test_the_back_office_shows_and_replaces_a_waves_questionnaire(team, region, home):
    wave = open_2020(region, edited())
    page = team.get(f"/admin/survey/wave/{wave.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("monitor-2020.xlsx", "2020.1", wave.questionnaire_sha256):
        assert shown in text
    download = team.get(f"/admin/survey/wave/{wave.pk}/questionnaire/")
    assert download.content == bytes(Wave.objects.get(pk=wave.pk).questionnaire)

    bad = write(home / "bad.xlsx", broken())
    with _upload(bad) as fh:
        refused = team.post(f"/admin/survey/wave/{wave.pk}/change/", _wave_form(wave, fh))
    assert refused.status_code == 200  # the form again, with the error
    assert "bad.xlsx, sheet " in refused.content.decode()
    assert Wave.objects.get(pk=wave.pk).questionnaire_file == "monitor-2020.xlsx"

    good = write(home / "v2.xlsx", edited(version="2020.2"))
    with _upload(good) as fh:
        saved = team.post(f"/admin/survey/wave/{wave.pk}/change/", _wave_form(wave, fh))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    wave.refresh_from_db()
    assert (wave.questionnaire_file, wave.questionnaire_version) == ("v2.xlsx", "2020.2")
    assert bytes(wave.questionnaire) == good.read_bytes()


def test_the_back_office_refuses_a_new_workbook_once_a_wave_has_responses(
    team, wave_2019, firm_record, home
):
    from innomon.registry.services import register_firms

    register_firms([firm_record()], "firms.csv")
    store_responses(wave_2019, [{"kvk": "12345678", "status": "invited"}], source="test")
    other = write(home / "x.xlsx", edited())
    sha = wave_2019.questionnaire_sha256
    with _upload(other) as fh:
        refused = team.post(f"/admin/survey/wave/{wave_2019.pk}/change/", _wave_form(wave_2019, fh))
    assert refused.status_code == 200
    assert "meting 2019 heeft al antwoorden" in refused.content.decode()
    assert Wave.objects.get(pk=wave_2019.pk).questionnaire_sha256 == sha


def test_a_wave_added_in_the_back_office_gets_the_uploaded_workbook(team, region, home):
    path = write(home / "ours.xlsx", edited(version="2022.1"))
    with path.open("rb") as fh:
        added = team.post(
            "/admin/survey/wave/add/",
            {
                "region": region.pk,
                "year": 2022,
                "fieldwork_start": "2022-03-01",
                "fieldwork_end": "2022-03-31",
                "invited": 10,
                "upload": fh,
            },
        )
    assert added.status_code == 302, added.content.decode()[:2000]
    wave = Wave.objects.get(year=2022)
    assert (wave.questionnaire_file, wave.questionnaire_version) == ("ours.xlsx", "2022.1")
    assert ADDED in {q.name for q in wave_instrument(wave).variables()}
