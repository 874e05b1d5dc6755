"""The questionnaire from the first page to the stored response, without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from innomon.questionnaire.models import Draft, Invitation
from innomon.survey.models import Response

from .conftest import link
from .helpers import ANSWERS_2019, STORED_2019, fill, hidden, page_data

pytestmark = pytest.mark.django_db


def test_complete_questionnaire_becomes_one_response_like_an_import(invitations):
    inv = invitations["12345678"]
    client = Client()
    review = fill(client, link(inv), ANSWERS_2019)
    html = client.get(review).content.decode()
    assert "Controleer uw antwoorden" in html  # Dutch by default
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in html
    assert "<script>alert" not in html
    r = client.post(review)
    assert r.status_code == 302
    assert r["Location"].endswith("/done/")
    response = Response.objects.get(wave=inv.wave, firm=inv.firm)
    assert response.status == "complete"
    assert response.answers == STORED_2019
    assert response.submitted_at is not None
    assert response.language == "nl"  # the language it was answered in, for the passport
    inv.refresh_from_db()
    assert inv.opened_at
    assert inv.started_at
    assert inv.completed_at
    done = client.get(r["Location"]).content.decode()
    assert "Bedankt" in done
    assert "Innovatiepaspoort" in done


def test_the_stored_response_passes_the_imports_validation(invitations):
    from innomon.instrument import validate
    from innomon.questionnaire.services import instrument_for

    inv = invitations["12345678"]
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    response = Response.objects.get(wave=inv.wave, firm=inv.firm)
    assert validate(instrument_for(inv.wave), response.answers, complete=True) == []


def test_hidden_answers_are_kept_in_the_draft_but_not_submitted(invitations):
    inv = invitations["12345678"]
    client = Client()
    answers = dict(ANSWERS_2019, obstacles=["1"])  # 'other' not chosen: obstacles_other hidden
    client.post(fill(client, link(inv), answers))
    stored = Response.objects.get(wave=inv.wave, firm=inv.firm).answers
    assert "obstacles_other" not in stored
    # the text typed before stays in the draft: nothing typed is thrown away
    assert Draft.objects.get(invitation=inv).answers["obstacles_other"].startswith("Te weinig")


def test_a_page_is_saved_when_moving_on_and_the_link_resumes_there(invitations):
    inv = invitations["23456789"]
    first = Client()
    html = first.get(link(inv)).content.decode()
    assert "Welcome" in html  # the invitation's language: English
    page1 = f"/q/{inv.token}/p/profile/"
    html = first.get(page1).content.decode()
    r = first.post(page1, page_data(html, ANSWERS_2019))
    assert r.status_code == 302
    assert r["Location"].endswith("/p/innovation/")
    # another device: a fresh client opens the link and lands on the page reached
    other = Client()
    r = other.get(link(inv))
    assert r.status_code == 302
    assert "/p/innovation/" in r["Location"]
    html = other.get(page1).content.decode()
    assert 'value="12"' in html
    assert 'value="2001"' in html


def test_going_back_saves_without_checking(invitations):
    inv = invitations["12345678"]
    client = Client()
    page2 = f"/q/{inv.token}/p/innovation/"
    html = client.get(page2).content.decode()
    data = page_data(html, {"product_innovation": "0"})
    data["action"] = "back"
    r = client.post(page2, data)
    assert r.status_code == 302
    assert r["Location"].endswith("/p/profile/")
    assert Draft.objects.get(invitation=inv).answers == {"product_innovation": 0}


def test_double_submit_creates_one_response(invitations):
    inv = invitations["12345678"]
    client = Client()
    review = fill(client, link(inv), ANSWERS_2019)
    first = client.post(review)
    second = client.post(review)
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(wave=inv.wave, firm=inv.firm).count() == 1
    assert Response.objects.count() == 1


def test_a_submitted_response_is_locked(invitations):
    inv = invitations["12345678"]
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    page1 = f"/q/{inv.token}/p/profile/"
    r = client.post(
        page1,
        {"revision": "99", "fields": "employees", "shown": "employees", "employees": "999"},
    )
    assert r.status_code == 302
    assert r["Location"].endswith("/done/")
    r = client.post(
        f"/q/{inv.token}/save/", {"page": "profile", "fields": "employees", "employees": "5"}
    )
    assert r.status_code == 409
    assert Response.objects.get(firm=inv.firm).answers["employees"] == 12
    assert Draft.objects.get(invitation=inv).answers["employees"] == 12


def test_the_monitor_team_reopens_and_the_resubmission_updates_the_same_response(invitations):
    from innomon.questionnaire.services import reopen

    inv = invitations["12345678"]
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    response = Response.objects.get(firm=inv.firm)
    assert reopen(inv)
    # the link resumes on the review page; the respondent changes the first page
    assert client.get(link(inv))["Location"].endswith("/review/?resumed=1")
    review = fill(client, link(inv) + "p/profile/", dict(ANSWERS_2019, employees="14"))
    client.post(review)
    assert Response.objects.filter(firm=inv.firm).count() == 1
    response.refresh_from_db()
    assert response.answers["employees"] == 14


def test_an_imported_response_is_never_overwritten(invitations):
    from innomon.survey.services import record_responses

    inv = invitations["34567890"]
    record_responses(inv.wave, [{"kvk": "34567890", "answers": {"employees": 3}}], "import")
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    assert Response.objects.get(firm=inv.firm).answers == {"employees": 3}
    draft = Draft.objects.get(invitation=inv)
    assert draft.submitted_at
    assert "already had a complete response" in draft.note
    assert draft.answers["employees"] == 12


def test_an_invitation_response_without_answers_is_filled(invitations):
    from innomon.survey.services import record_responses

    inv = invitations["34567890"]
    record_responses(inv.wave, [{"kvk": "34567890", "status": "invited"}], "invitations")
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    response = Response.objects.get(firm=inv.firm)
    assert response.status == "complete"
    assert response.answers == STORED_2019


def test_language_switch_keeps_the_page(invitations):
    inv = invitations["12345678"]
    client = Client()
    page1 = f"/q/{inv.token}/p/profile/"
    html = client.get(page1).content.decode()
    assert "Hoeveel mensen werkten" in html
    assert 'lang="nl"' in html
    r = client.post("/i18n/setlang/", {"language": "en", "next": page1})
    assert r["Location"] == page1
    html = client.get(page1).content.decode()
    assert "How many people worked" in html
    assert 'lang="en"' in html


def test_a_response_given_in_english_is_recorded_as_english(invitations):
    inv = invitations["12345678"]
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": link(inv)})
    review = fill(client, link(inv), ANSWERS_2019)
    assert client.post(review).status_code == 302
    assert Response.objects.get(wave=inv.wave, firm=inv.firm).language == "en"


def test_progress_counts_only_the_pages_asked(invitations):
    inv = invitations["12345678"]
    client = Client()
    html = client.get(f"/q/{inv.token}/p/profile/").content.decode()
    assert "Pagina 1 van 9" in html  # 8 pages of the 2019 questionnaire and the review
    assert hidden(html, "fields").split() == ["employees", "founding_year", "turnover_class"]
    assert Invitation.objects.get(pk=inv.pk).opened_at is not None


def test_the_thank_you_page_links_the_passport_once_it_is_made(invitations):
    from innomon.builds.models import Build
    from innomon.passports.models import Passport

    inv = invitations["12345678"]
    client = Client()
    done = client.post(fill(client, link(inv), ANSWERS_2019))["Location"]
    html = client.get(done).content.decode()
    assert "/passport/" not in html
    assert "klaar als de resultaten van 2019 verschijnen" in html  # the promise
    # later: the wave is built and the passports are made (rows as innomon passports stores)
    build = Build.objects.create(
        wave=inv.wave,
        innomon_version="test",
        data_sha256="0" * 64,
        frame_sha256="0" * 64,
        config_sha256="0" * 64,
        respondents=1,
    )
    Passport.objects.create(build=build, firm=inv.firm, language="nl", data={})
    html = client.get(done).content.decode()
    token = re.search(r'href="/passport/([^"/]+)/"', html)
    assert token is not None
    assert "Open uw Innovatiepaspoort" in html
