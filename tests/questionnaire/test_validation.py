"""The page checks: the instrument's rules, announced and linked to their fields."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from innomon.questionnaire.models import Draft

from .conftest import link
from .helpers import page_data

pytestmark = pytest.mark.django_db


def _post(client, url, answers):
    html = client.get(url).content.decode()
    return client.post(url, page_data(html, answers))


def test_each_kind_of_error_is_announced_and_linked(invitations):
    inv = invitations["12345678"]
    client = Client()
    url = link(inv) + "p/profile/"
    r = _post(client, url, {"employees": "twaalf", "founding_year": "1700", "turnover_class": "77"})
    assert r.status_code == 200
    html = r.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S).group(0)
    assert 'href="#q-employees"' in summary
    assert 'href="#q-founding_year"' in summary
    assert 'href="#q-turnover_class-0"' in summary  # the first option of the radio group
    assert "Vul een geheel getal in, zoals 12." in html  # type
    assert "Vul een jaartal tussen 1800 en 2019 in." in html  # the instrument's constraint
    assert "Kies een van de mogelijkheden." in html  # choice
    assert re.search(r'id="q-employees"[^>]*aria-describedby="[^"]*q-employees-error"', html)
    assert re.search(r'id="q-employees"[^>]*aria-invalid="true"', html)
    assert html.count("<title>Fout:") == 1
    # what was typed is kept, shown again and saved
    assert 'value="twaalf"' in html
    assert Draft.objects.get(invitation=inv).answers["employees"] == "twaalf"
    r = _post(client, url, {"employees": "12", "founding_year": "2001"})
    html = r.content.decode()
    assert "Beantwoord deze vraag." in html  # required
    assert html.count('class="error"') == 1


def test_a_rule_across_questions(invitations):
    inv = invitations["12345678"]
    client = Client()
    url = link(inv) + "p/innovation/"
    answers = {
        "product_innovation": "1",
        "process_innovation": "0",
        "product_new_to_market": "1",
        "turnover_new_market_pct": "50",
        "turnover_new_firm_pct": "30",
        "turnover_unchanged_pct": "30",
    }
    r = _post(client, url, answers)  # the questions after 'yes' appear first
    html = r.content.decode()
    r = client.post(url, page_data(html, answers))
    assert "De drie delen moeten samen 100 % zijn" in r.content.decode()
    r = client.post(url, page_data(r.content.decode(), dict(answers, turnover_unchanged_pct="20")))
    assert r.status_code == 302


def test_questions_appear_when_an_answer_makes_them_relevant(invitations):
    inv = invitations["12345678"]
    client = Client()
    url = link(inv) + "p/innovation/"
    html = client.get(url).content.decode()
    assert re.search(r'id="box-bpi_functions"[^>]*hidden', html)
    r = client.post(url, page_data(html, {"product_innovation": "0", "process_innovation": "1"}))
    html = r.content.decode()
    assert r.status_code == 200  # not on to the next page: a question appeared
    assert not re.search(r'id="box-bpi_functions"[^>]*hidden', html)
    assert "Beantwoord deze vraag." in html  # bpi_functions is required when asked
    answers = {"product_innovation": "0", "process_innovation": "1", "bpi_functions": ["2"]}
    r = client.post(url, page_data(html, answers))
    assert r.status_code == 302
