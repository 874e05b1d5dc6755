"""Issue 13, point 2: the open link asks for a (public) KvK number, so whoever uses it proves
nothing. The private link then goes to the firm's address the team holds, or what is answered
is held unverified — no passport, no build, no blocked invitation — until the team confirms it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from innomon.questionnaire import services
from innomon.questionnaire.models import Invitation
from innomon.survey.models import Response
from innomon.survey.services import wave_records

pytestmark = pytest.mark.django_db

PASSPORT = "/passport/the-firms-own-passport/"


@pytest.fixture(autouse=True)
def any_answers_complete(monkeypatch):
    """Whatever the questionnaire asks this year: every draft counts as complete (these tests
    are about who may answer, not what)."""
    monkeypatch.setattr(services.form, "problems", lambda *args, **kwargs: [])


@pytest.fixture
def wave(make_wave):
    return make_wave(2019, invited=3)


@pytest.fixture
def firms(region, firm_record, settings):
    from innomon.registry.services import register_firms

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    records = [
        firm_record(kvk="12345678", name="Bakkerij De Korenbloem"),
        firm_record(kvk="34567890", name="Zuivel B.V."),
    ]
    register_firms(records, "test")
    return records


@pytest.fixture
def a_passport_exists(monkeypatch):
    """As if `innomon passports` had made every firm's passport."""
    import innomon.passports.links as links

    monkeypatch.setattr(links, "passport_link", lambda firm, year: PASSPORT)


def _open(wave) -> str:
    return f"/q/open/{services.open_link(wave).token}/"


def _impostor_submits(wave, kvk: str) -> tuple[Client, str]:
    client = Client()
    r = client.post(_open(wave), {"kvk": kvk})
    assert r.status_code == 302, r.content.decode()[:500]
    start = r["Location"]
    _answer(client, start, {"employees": 3})
    return client, start


def _answer(client: Client, start: str, answers: dict) -> None:
    assert client.get(start).status_code == 200
    invitation = Invitation.objects.get(token=start.strip("/").split("/")[-1])
    services.save_answers(invitation, answers, None)
    assert client.post(start + "review/")["Location"] == start + "done/"


def test_an_invited_firms_link_is_mailed_to_its_address_not_given_to_the_visitor(wave, firms):
    services.invite(wave, [{"kvk": "12345678", "email": "eigenaar@korenbloem.nl"}], "f.csv")
    invitation = Invitation.objects.get(firm__kvk="12345678")
    mail.outbox.clear()
    r = Client().post(_open(wave), {"kvk": "12345678"}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200
    assert not r.redirect_chain
    assert invitation.token not in html
    assert "e-mail" in html  # "we sent the private link to the e-mail address we hold"
    (message,) = mail.outbox
    assert message.to == ["eigenaar@korenbloem.nl"]
    assert invitation.token in message.body


def test_a_firm_with_an_address_from_an_earlier_wave_gets_its_link_by_mail(wave, firms, make_wave):
    earlier = make_wave(2018)
    services.invite(earlier, [{"kvk": "34567890", "email": "post@zuivel.nl"}], "f.csv")
    mail.outbox.clear()
    r = Client().post(_open(wave), {"kvk": "34567890"})
    assert r.status_code == 200  # no redirect to a questionnaire
    invitation = Invitation.objects.get(wave=wave, firm__kvk="34567890")
    assert invitation.channel == Invitation.Channel.MAIL
    assert invitation.email == "post@zuivel.nl"
    assert invitation.token not in r.content.decode()
    (message,) = mail.outbox
    assert message.to == ["post@zuivel.nl"]
    assert invitation.token in message.body


def test_an_open_link_response_is_unverified_and_feeds_no_passport_or_build(
    wave, firms, a_passport_exists
):
    client, start = _impostor_submits(wave, "34567890")
    response = Response.objects.get(firm__kvk="34567890")
    assert response.status == Response.Status.UNVERIFIED
    assert wave_records(wave) == []
    html = client.get(start + "done/").content.decode()
    assert PASSPORT not in html


def test_an_impostor_never_sees_the_passport_of_a_firm_that_answered(
    wave, firms, a_passport_exists
):
    from innomon.survey.responses import store_responses

    store_responses(wave, [{"kvk": "34567890", "answers": {"employees": 7}}], source="import")
    client, start = _impostor_submits(wave, "34567890")
    assert Response.objects.get(firm__kvk="34567890").answers == {"employees": 7}
    assert PASSPORT not in client.get(start + "done/").content.decode()


def test_an_unverified_claim_does_not_keep_the_firm_from_being_invited(wave, firms):
    """`innomon invite` (``services.invite``) invites the firm, replacing the claim."""
    _, start = _impostor_submits(wave, "34567890")
    result = services.invite(wave, [{"kvk": "34567890", "email": "post@zuivel.nl"}], "f.csv")
    assert result.created == 1
    assert result.sent == 1
    invitation = Invitation.objects.get(wave=wave, firm__kvk="34567890")
    assert invitation.channel == Invitation.Channel.MAIL
    assert Client().get(start).status_code == 404  # the impostor's link has ended
    # the firm answers through its own link: its answers replace the claim, as complete
    _answer(Client(), f"/q/{invitation.token}/", {"employees": 40})
    response = Response.objects.get(firm__kvk="34567890")
    assert response.status == Response.Status.COMPLETE
    assert response.answers["employees"] == 40
    assert [r["kvk"] for r in wave_records(wave)] == ["34567890"]


def test_the_team_confirms_an_unverified_response_in_the_back_office(wave, firms):
    _impostor_submits(wave, "34567890")
    invitation = Invitation.objects.get(firm__kvk="34567890")
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("team", "", "pw-long-enough-1"))
    r = staff.post(
        "/admin/questionnaire/invitation/",
        {"action": "confirm", "_selected_action": [str(invitation.pk)]},
    )
    assert r.status_code == 302
    assert Response.objects.get(firm__kvk="34567890").status == Response.Status.COMPLETE
    assert [r["kvk"] for r in wave_records(wave)] == ["34567890"]
    # confirmed, it blocks a new invitation like any response does
    result = services.invite(wave, [{"kvk": "34567890", "email": "post@zuivel.nl"}], "f.csv")
    assert result.created == 0


def test_an_expired_invitation_is_renewed_when_its_link_is_mailed_again(wave, firms):
    from django.utils import timezone

    services.invite(wave, [{"kvk": "12345678", "email": "eigenaar@korenbloem.nl"}], "f.csv")
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(days=1))
    Client().post(_open(wave), {"kvk": "12345678"})
    assert Invitation.objects.get().expires_at > timezone.now()
