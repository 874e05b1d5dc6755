"""One write path for responses (``innomon.survey.responses.store_responses``): the same rules
whichever door a response comes through — the import, the web questionnaire, the back office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from innomon.demo.run import initiatives as demo_initiatives
from innomon.errors import InputError
from innomon.intake.importer import import_wave, registry_instrument
from innomon.questionnaire.models import Draft, Invitation
from innomon.registry.models import Firm, Initiative
from innomon.registry.services import register_firms, register_initiatives
from innomon.survey.models import Participation, Response
from innomon.survey.responses import (
    Outcome,
    Policy,
    initiative_ids,
    participations,
    store_responses,
)
from innomon.survey.services import record_responses
from tests.questionnaire.helpers import ANSWERS_2019, STORED_2019, fill
from tests.test_import import firm as import_row
from tests.test_import import write_csv

pytestmark = pytest.mark.django_db

A, B, C = "12345678", "23456789", "34567890"
TEAMS = {"employees": 3, "initiatives_network": ["water_alliance"]}  # what the team holds


@pytest.fixture
def wave(region, make_wave, firm_record):
    register_initiatives(demo_initiatives(), "initiatives.yaml")
    register_firms([firm_record(kvk=k, name=f"Firma {k}") for k in (A, B, C)], "firms.csv")
    return make_wave(2019)


def joined(wave, kvk: str) -> set[str]:
    return set(
        Participation.objects.filter(wave=wave, firm__kvk=kvk).values_list(
            "initiative__name", flat=True
        )
    )


def test_each_record_gets_its_outcome_in_one_batch(wave):
    record_responses(
        wave,
        [
            {"kvk": A, "status": "complete", "answers": TEAMS},
            {"kvk": B, "status": "invited", "invited_at": dt.datetime(2019, 3, 1, tzinfo=dt.UTC)},
        ],
        "before",
    )
    result = store_responses(
        wave,
        [
            {"kvk": A, "status": "complete", "answers": dict(TEAMS)},  # identical
            {"kvk": B, "status": "complete", "answers": {"employees": 9}},  # the invitation
            {"kvk": C, "status": "partial", "answers": {"employees": 4}},  # new
        ],
        source="batch",
    )
    assert [o.outcome for o in result.outcomes] == [
        Outcome.UNCHANGED,
        Outcome.FILLED,
        Outcome.CREATED,
    ]
    assert [o.stored_status for o in result.outcomes] == ["complete", "invited", None]
    assert result.written == 2
    ids = dict(Response.objects.values_list("firm__kvk", "pk"))
    assert [o.response_id for o in result.outcomes] == [ids[A], ids[B], ids[C]]
    filled = Response.objects.get(firm__kvk=B)
    assert (filled.status, filled.answers) == ("complete", {"employees": 9})
    assert filled.invited_at == dt.datetime(2019, 3, 1, tzinfo=dt.UTC)  # the invitation's


def test_a_different_stored_response_is_a_conflict_and_stays_as_it_was(wave):
    record_responses(wave, [{"kvk": A, "answers": TEAMS, "review_note": "checked"}], "team")
    before = Response.objects.get()
    result = store_responses(
        wave,
        [
            {"kvk": A, "status": "complete", "answers": {"employees": 40}, "language": "en"},
            {"kvk": B, "status": "complete", "answers": {"employees": 5}},
        ],
        source="batch",
    )
    assert [o.outcome for o in result.outcomes] == [Outcome.CONFLICT, Outcome.CREATED]
    assert result.outcomes[0].response_id == before.pk
    after = Response.objects.get(firm__kvk=A)
    assert (after.answers, after.language, after.review_note) == (TEAMS, "", "checked")
    assert after.updated_at == before.updated_at
    assert joined(wave, A) == {"Water Alliance"}


def test_refusing_conflicts_writes_nothing_of_the_batch(wave):
    record_responses(wave, [{"kvk": A, "answers": TEAMS}], "team")
    with pytest.raises(InputError, match=r"row 2, field 'kvk': firm 12345678 already has a resp"):
        record_responses(
            wave, [{"kvk": B, "answers": {}}, {"kvk": A, "answers": {"employees": 1}}], "again"
        )
    assert list(Response.objects.values_list("firm__kvk", flat=True)) == [A]


def test_an_update_is_only_what_the_caller_allows_and_what_the_record_holds(wave):
    record_responses(wave, [{"kvk": A, "status": "partial", "answers": TEAMS}], "import")
    (kept,) = store_responses(wave, [{"kvk": A, "status": "excluded"}], source="x").outcomes
    assert kept.outcome is Outcome.CONFLICT
    (edit,) = store_responses(
        wave, [{"kvk": A, "status": "excluded"}], source="team", policy=Policy.UPDATE
    ).outcomes
    assert (edit.outcome, edit.stored_status) == (Outcome.UPDATED, "partial")
    response = Response.objects.get()
    assert (response.status, response.answers) == ("excluded", TEAMS)  # answers untouched
    assert joined(wave, A) == {"Water Alliance"}
    (same,) = store_responses(
        wave, [{"kvk": A, "status": "excluded"}], source="team", policy=Policy.UPDATE
    ).outcomes
    assert same.outcome is Outcome.UNCHANGED
    # the team's note on an invitation is an update too, though status and answers stay
    record_responses(wave, [{"kvk": B, "status": "invited"}], "invitations")
    (note,) = store_responses(
        wave,
        [{"kvk": B, "status": "invited", "review_note": "called: answers by post"}],
        source="team",
        policy=Policy.UPDATE,
    ).outcomes
    assert note.outcome is Outcome.UPDATED
    assert Response.objects.get(firm__kvk=B).review_note == "called: answers by post"


def test_participations_follow_the_answers_written(wave):
    record_responses(
        wave,
        [{"kvk": A, "answers": {"initiatives_network": ["energy_valley", "water_alliance"]}}],
        "import",
    )
    assert joined(wave, A) == {"Energy Valley", "Water Alliance"}
    kept = Participation.objects.get(wave=wave, firm__kvk=A, initiative__name="Energy Valley").pk
    store_responses(
        wave,
        [{"kvk": A, "answers": {"initiatives_network": ["energy_valley", "sensor_universe"]}}],
        source="team",
        policy=Policy.UPDATE,
    )
    assert joined(wave, A) == {"Energy Valley", "Sensor Universe"}
    assert Participation.objects.filter(pk=kept).exists()  # left alone, not re-made
    # a conflict changes no participation either
    store_responses(wave, [{"kvk": A, "answers": {}}], source="import")
    assert joined(wave, A) == {"Energy Valley", "Sensor Universe"}


def test_initiative_codes_are_matched_by_the_registered_name(region):
    # two names with one slug: the codes are numbered by name, so only the name tells them apart
    register_initiatives(
        [
            {
                "name": "Water-Alliance",
                "type": "network",
                "theme": "water",
                "municipality": "GM0014",
            },
            {
                "name": "Water Alliance",
                "type": "network",
                "theme": "water",
                "municipality": "GM0014",
            },
        ],
        "two.csv",
    )
    codes = initiative_ids(registry_instrument())
    ids = dict(Initiative.objects.values_list("name", "id"))
    assert codes == {
        "water_alliance": ids["Water Alliance"],
        "water_alliance_2": ids["Water-Alliance"],
    }
    answers = {"initiatives_network": ["water_alliance_2"], "obstacles": [1]}
    assert participations(answers, codes) == {ids["Water-Alliance"]}
    assert participations({"initiatives_network": "water_alliance"}, codes) == set()


def test_a_malformed_batch_is_rejected_whole(wave):
    for records, field in [
        ([{"kvk": A}, {"kvk": "99999999"}], "kvk"),
        ([{"kvk": A}, {"kvk": B, "language": "de"}], "language"),
        ([{"kvk": A}, {"kvk": B, "answers": [1]}], "answers"),
        ([{"kvk": A}, {"kvk": B, "review": "typo"}], "review"),
        ([{"kvk": A}, {"firm_id": Firm.objects.get(kvk=A).pk}], "kvk"),  # the same firm twice
    ]:
        with pytest.raises(InputError, match=f"row 2, field '{field}'"):
            store_responses(wave, records, source="r.csv")
    assert not Response.objects.exists()


def test_storing_is_bulk_not_per_row(wave, firm_record):
    kvks = [f"{50_000_000 + i:08d}" for i in range(600)]
    register_firms([firm_record(kvk=k) for k in kvks], "many.csv")
    answers = {"employees": 5, "initiatives_network": ["energy_valley"]}
    with CaptureQueriesContext(connection) as created:
        store_responses(wave, [{"kvk": k, "answers": answers} for k in kvks], source="many")
    with CaptureQueriesContext(connection) as again:
        result = store_responses(wave, [{"kvk": k, "answers": answers} for k in kvks], source="m")
    assert result.count(Outcome.UNCHANGED) == 600
    assert Participation.objects.filter(wave=wave).count() == 600
    # SQLite inserts about 90 rows a statement (its parameter limit); never one a row
    assert len(created) < 40, [q["sql"][:80] for q in created.captured_queries]
    assert len(again) < 10


# ------------------------------------------------------------------- the doors, one rule


@pytest.fixture
def invitations(wave, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from innomon.questionnaire import services

    services.invite(wave, [{"kvk": k, "email": f"info@{k}.nl"} for k in (A, B, C)], "firms.csv")
    return {i.firm.kvk: i for i in Invitation.objects.select_related("firm", "wave")}


@pytest.fixture
def staff(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("team", "", "x-long-secret-9"))
    return client


def web_submit(invitation, answers=ANSWERS_2019, start: str = "") -> Draft:
    client = Client()
    review = fill(client, f"/q/{invitation.token}/{start}", answers)
    assert client.post(review).status_code == 302
    return Draft.objects.get(invitation=invitation)


def admin_add(staff, wave, kvk: str, answers: str = '{"employees": 99}'):
    return staff.post(
        "/admin/survey/response/add/",
        {
            "wave": wave.pk,
            "firm": Firm.objects.get(kvk=kvk).pk,
            "status": "partial",  # a few answers: complete ones must answer every question
            "answers": answers,
            "language": "",
            "review_note": "",
        },
    )


def test_no_door_overwrites_a_different_stored_response(wave, invitations, staff, tmp_path):
    record_responses(wave, [{"kvk": A, "answers": TEAMS, "review_note": "team's"}], "team")

    def unchanged() -> None:
        stored = Response.objects.get(firm__kvk=A)
        assert (stored.status, stored.answers, stored.review_note) == ("complete", TEAMS, "team's")
        assert joined(wave, A) == {"Water Alliance"}
        assert Response.objects.filter(firm__kvk=A).count() == 1

    # the import: quarantined as a conflict
    result = import_wave(
        wave,
        write_csv(tmp_path / "in.csv", [import_row(A)]),
        registry_instrument(),
        tmp_path / "out",
    )
    assert (result.stored, result.quarantined) == (0, 1)
    assert result.problems[0]["rule"] == "conflict"
    unchanged()
    # the web questionnaire: the draft keeps the answers and a note for the team
    draft = web_submit(invitations[A])
    assert draft.response is None
    assert "already had a complete response" in draft.note
    unchanged()
    # the back office: a second response of the firm in the wave is refused
    page = admin_add(staff, wave, A)
    assert page.status_code == 200
    assert 'class="errornote"' in page.content.decode()
    unchanged()
    # the service itself
    with pytest.raises(InputError):
        record_responses(wave, [{"kvk": A, "answers": {"employees": 1}}], "batch")
    unchanged()


def test_every_door_fills_an_answerless_invitation(wave, invitations, tmp_path):
    record_responses(wave, [{"kvk": k, "status": "invited"} for k in (A, B)], "invitations")
    result = import_wave(
        wave,
        write_csv(tmp_path / "in.csv", [import_row(A)]),
        registry_instrument(),
        tmp_path / "out",
    )
    assert (result.stored, result.unchanged) == (1, 0)
    draft = web_submit(invitations[B])
    assert draft.response is not None
    assert not draft.note
    statuses = dict(Response.objects.values_list("firm__kvk", "status"))
    assert statuses == {A: "complete", B: "complete"}
    assert Response.objects.get(firm__kvk=B).answers == STORED_2019


def test_an_identical_response_is_unchanged_through_the_import_and_the_web(
    wave, invitations, tmp_path
):
    path = write_csv(tmp_path / "in.csv", [import_row(A)])
    first = import_wave(wave, path, registry_instrument(), tmp_path / "out")
    stamp = Response.objects.get().updated_at
    again = import_wave(wave, path, registry_instrument(), tmp_path / "out")
    assert (first.stored, again.stored, again.unchanged, again.quarantined) == (1, 0, 1, 0)
    assert Response.objects.get().updated_at == stamp
    # the web: an identical response already held (the draft lost its link) is the firm's
    draft = web_submit(invitations[B])
    response = Response.objects.get(firm__kvk=B)
    draft.response = None
    draft.submitted_at = None
    draft.save()
    again = web_submit(invitations[B])
    assert again.response_id == response.pk
    assert not again.note


def test_participations_are_derived_alike_from_the_import_and_the_web(wave, invitations, tmp_path):
    chosen = ["energy_valley", "water_alliance"]
    import_wave(
        wave,
        write_csv(tmp_path / "in.csv", [import_row(A, initiatives_network=" ".join(chosen))]),
        registry_instrument(),
        tmp_path / "out",
    )
    web_submit(invitations[B], dict(ANSWERS_2019, initiatives_network=chosen))
    assert Response.objects.get(firm__kvk=B).answers["initiatives_network"] == chosen
    assert joined(wave, A) == joined(wave, B) == {"Energy Valley", "Water Alliance"}


def test_a_reopened_web_response_is_updated_with_its_participations(wave, invitations):
    from innomon.questionnaire.services import reopen

    inv = invitations[A]
    web_submit(inv, dict(ANSWERS_2019, initiatives_network=["energy_valley"]))
    response = Response.objects.get()
    assert reopen(inv)
    changed = dict(
        ANSWERS_2019,
        employees="14",
        initiatives_network=[],
        initiatives_test_environment=["wetsus"],
    )
    draft = web_submit(inv, changed, start="p/profile/")
    assert draft.response_id == response.pk
    response.refresh_from_db()
    assert response.answers["employees"] == 14
    assert joined(wave, A) == {"Wetsus"}


def test_the_back_office_edits_through_the_service(wave, staff):
    record_responses(wave, [{"kvk": A, "answers": TEAMS}], "import")
    response = Response.objects.get()
    page = staff.get(f"/admin/survey/response/{response.pk}/change/").content.decode()
    assert 'name="firm"' not in page  # the firm and wave of a response stay
    data = {
        "status": "partial",  # a complete response must answer every question asked
        "answers": '{"employees": 3, "initiatives_test_environment": ["wetsus"]}',
        "invited_at_0": "",
        "invited_at_1": "",
        "started_at_0": "",
        "started_at_1": "",
        "submitted_at_0": "2019-03-10",
        "submitted_at_1": "10:00:00",
        "language": "en",
        "review_note": "checked by phone",
    }
    r = staff.post(f"/admin/survey/response/{response.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    response.refresh_from_db()
    assert response.answers == {"employees": 3, "initiatives_test_environment": ["wetsus"]}
    assert (response.language, response.review_note) == ("en", "checked by phone")
    assert response.submitted_at == timezone.make_aware(dt.datetime(2019, 3, 10, 10))
    assert joined(wave, A) == {"Wetsus"}
    # the service's checks are the form's
    r = staff.post(
        f"/admin/survey/response/{response.pk}/change/", dict(data, language="de", answers="[1]")
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "is not nl or en" in html
    assert "answers must be a mapping" in html
    # a new response through the back office
    r = admin_add(staff, wave, B, '{"employees": 7, "initiatives_network": ["energy_valley"]}')
    assert r.status_code == 302
    assert Response.objects.get(firm__kvk=B).answers["employees"] == 7
    assert joined(wave, B) == {"Energy Valley"}
