"""Two tabs (or devices) on one questionnaire, without JavaScript: a page sent from a tab that
had not seen the other tab's answer comes back naming the answer, the saved value and the
respondent's own; nothing the other tab saved is overwritten until the respondent sends the
page again, now up to date. The background save (JavaScript) reports the same."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from innomon.questionnaire import services
from innomon.questionnaire.models import Draft

from .conftest import link
from .helpers import page_data

pytestmark = pytest.mark.django_db


def summary(html: str) -> str:
    m = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert m, "no error summary"
    return unescape(re.sub(r"<[^>]+>", " ", m.group(0)))


def test_the_conflict_names_the_answers_and_overwrites_nothing(invitations):
    inv = invitations["12345678"]
    page1 = link(inv) + "p/profile/"
    tab_a, tab_b = Client(), Client()
    html_a = tab_a.get(page1).content.decode()
    html_b = tab_b.get(page1).content.decode()
    # tab A: employees = 44, turnover class 'less than 250,000' (Next)
    r = tab_a.post(
        page1,
        page_data(html_a, {"employees": "44", "founding_year": "2001", "turnover_class": "1"}),
    )
    assert r.status_code == 302
    # tab B, still showing the empty page, sends its own answers
    answers_b = {"employees": "12", "founding_year": "2001", "turnover_class": "3"}
    r = tab_b.post(page1, page_data(html_b, answers_b))
    assert r.status_code == 200  # not on to the next page
    html = r.content.decode()
    text = summary(html)
    # the fields, the stored values and the respondent's own
    assert "Hoeveel mensen" in text
    assert "44" in text
    assert "12" in text
    instrument = services.instrument_for(inv.wave)
    choices = {
        c.name: c.label_nl for c in instrument.choices(instrument.question("turnover_class"))
    }
    assert choices["1"] in text
    assert choices["3"] in text
    assert "founding_year" not in re.findall(r'id="q-(\w+)-conflict"', html)  # the same in both
    # nothing of tab A was overwritten; the page shows what is saved
    assert Draft.objects.get(invitation=inv).answers == {
        "employees": 44,
        "founding_year": 2001,
        "turnover_class": 1,
    }
    assert 'value="44"' in html
    # sending the page as shown keeps A's answers
    r = tab_b.post(
        page1, page_data(html, {"employees": "44", "founding_year": "2001", "turnover_class": "1"})
    )
    assert r.status_code == 302
    assert Draft.objects.get(invitation=inv).answers["employees"] == 44


def test_the_respondent_confirms_their_own_answer_by_sending_it_again(invitations):
    inv = invitations["12345678"]
    page1 = link(inv) + "p/profile/"
    tab_a, tab_b = Client(), Client()
    html_a = tab_a.get(page1).content.decode()
    html_b = tab_b.get(page1).content.decode()
    tab_a.post(
        page1,
        page_data(html_a, {"employees": "44", "founding_year": "2001", "turnover_class": "1"}),
    )
    mine = {"employees": "12", "founding_year": "2001", "turnover_class": "1"}
    html = tab_b.post(page1, page_data(html_b, mine)).content.decode()
    assert Draft.objects.get(invitation=inv).answers["employees"] == 44
    # the respondent chooses their own answer: typed again on the page shown, and sent
    r = tab_b.post(page1, page_data(html, mine))
    assert r.status_code == 302
    assert Draft.objects.get(invitation=inv).answers["employees"] == 12


def test_the_background_save_reports_both_answers(invitations):
    inv = invitations["12345678"]
    page1 = link(inv) + "p/profile/"
    tab_a, tab_b = Client(), Client()
    html_a = tab_a.get(page1).content.decode()
    html_b = tab_b.get(page1).content.decode()
    tab_a.post(link(inv) + "save/", dict(page_data(html_a, {"employees": "44"}), page="profile"))
    r = tab_b.post(
        link(inv) + "save/", dict(page_data(html_b, {"employees": "12"}), page="profile")
    )
    body = r.json()
    assert body["conflicts"] == ["employees"]
    assert body["stored"]["employees"]["value"] == "44"  # what the input shows to keep it
    assert body["stored"]["employees"]["saved"] == "44"
    assert body["stored"]["employees"]["yours"] == "12"
    assert "44" in body["stored"]["employees"]["message"]
    assert Draft.objects.get(invitation=inv).answers["employees"] == 44
