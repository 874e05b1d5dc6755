"""Numbers as Dutch (and English) respondents type them: ``1.500`` is one thousand five hundred
in Dutch, ``1,5`` one and a half; ``1.5`` in Dutch is refused with a message saying what to type;
numbers are shown in the respondent's language (docs/methodology.md, "The questionnaire")."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from innomon.questionnaire import form, services
from innomon.questionnaire.models import Draft

from .conftest import link
from .helpers import hidden

pytestmark = pytest.mark.django_db

DUTCH, ENGLISH = True, False


def two_ways(text: str, decimal: str, whole: str):
    """``Ambiguous(...)``, made when the test runs (so that the module loads on any code)."""
    return ("ambiguous", text, decimal, whole)


def as_expected(x):
    if isinstance(x, tuple):
        from innomon.instrument._values import Ambiguous

        return Ambiguous(*x[1:])
    return x


@pytest.mark.parametrize(
    ("text", "dutch", "english"),
    [
        ("1.500", 1500, 1.5),
        ("12.500.000", 12500000, None),
        ("1.500,25", 1500.25, None),
        ("1,5", 1.5, two_ways("1,5", "1.5", "15")),
        ("1.5", two_ways("1.5", "1,5", "15"), 1.5),
        ("1.50", two_ways("1.50", "1,50", "150"), 1.5),
        ("1,500", 1.5, 1500),
        ("1,500.25", None, 1500.25),
        ("-1.500", -1500, -1.5),
        ("1 500", 1500, 1500),
        ("12", 12, 12),
        ("12.34.56", None, None),
        ("veel", None, None),
        ("9" * 401 + ",5", None, two_ways("9" * 401 + ",5", "9" * 401 + ".5", "9" * 401 + "5")),
    ],
)
def test_the_rule(text, dutch, english):
    from innomon.instrument._values import read_number

    assert read_number(text, DUTCH) == as_expected(dutch)
    assert read_number(text, ENGLISH) == as_expected(english)


@pytest.mark.parametrize("x", [0, 12, 2001, 1500, 12500, 12500000, 19.5, 1500.25, -12500, 0.125])
def test_a_number_shown_is_read_back_the_same(x):
    from innomon.instrument._values import read_number, write_number

    for convention in (DUTCH, ENGLISH):
        assert read_number(write_number(x, convention), convention) == x
    assert write_number(12500, DUTCH) == "12.500"
    assert write_number(12500, ENGLISH) == "12,500"
    assert write_number(2001, DUTCH) == "2001"  # four digits stay whole, as a year is written


def page_url(inv, name: str) -> str:
    return link(inv) + f"p/{name}/"


def post(client, inv, name: str, answers: dict):
    url = page_url(inv, name)
    html = client.get(url).content.decode()
    data = {
        "revision": hidden(html, "revision"),
        "fields": hidden(html, "fields"),
        "shown": hidden(html, "shown"),
        "page": name,
        "action": "next",
        **answers,
    }
    return client.post(url, data)


def errors(html: str) -> str:
    return unescape(" ".join(re.findall(r'class="error"[^>]*>(.*?)</p>', html, re.S)))


def test_dutch_thousands_are_thousands(invitations):
    inv = invitations["12345678"]  # Dutch
    client = Client()
    post(client, inv, "profile", {"employees": "1.500", "founding_year": "2001"})
    post(
        client,
        inv,
        "theme_2019",
        {"theme19_finance_gap": "1", "theme19_finance_gap_amount": "12.500"},
    )
    answers = Draft.objects.get(invitation=inv).answers
    assert answers["employees"] == 1500
    assert answers["theme19_finance_gap_amount"] == 12500.0  # not 12.5


def test_an_ambiguous_dutch_number_is_refused_with_what_to_type(invitations):
    inv = invitations["12345678"]
    client = Client()
    r = post(
        client, inv, "innovation", {"product_innovation": "1", "turnover_new_market_pct": "1.5"}
    )
    assert r.status_code == 200  # the page again, with the message
    text = errors(r.content.decode())
    assert "1,5" in text, text
    assert "15" in text, text
    assert Draft.objects.get(invitation=inv).answers["turnover_new_market_pct"] == "1.5"  # kept
    # nor can it be submitted: the review page names it
    with pytest.raises(services.NotComplete) as exc:
        services.submit(inv, "nl")
    assert "turnover_new_market_pct" in {p.question for p in exc.value.problems}
    # typed the Dutch way it is a number
    post(client, inv, "innovation", {"product_innovation": "1", "turnover_new_market_pct": "1,5"})
    assert Draft.objects.get(invitation=inv).answers["turnover_new_market_pct"] == 1.5


def test_english_uses_the_reverse_convention(invitations):
    inv = invitations["23456789"]  # English
    client = Client()
    post(client, inv, "profile", {"employees": "1,500", "founding_year": "2001"})
    assert Draft.objects.get(invitation=inv).answers["employees"] == 1500
    r = post(
        client, inv, "innovation", {"product_innovation": "1", "turnover_new_market_pct": "1,5"}
    )
    assert "1.5" in errors(r.content.decode())
    post(client, inv, "innovation", {"product_innovation": "1", "turnover_new_market_pct": "19.5"})
    assert Draft.objects.get(invitation=inv).answers["turnover_new_market_pct"] == 19.5


def test_numbers_are_shown_in_the_respondents_language(invitations):
    dutch, english = invitations["12345678"], invitations["23456789"]
    for inv in (dutch, english):
        services.save_answers(
            inv,
            {
                "employees": 12500,
                "founding_year": 2001,
                "product_innovation": 1,
                "turnover_new_market_pct": 19.5,
            },
            None,
        )
    nl = Client().get(link(dutch) + "review/").content.decode()
    en = Client().get(link(english) + "review/").content.decode()
    assert "19,5" in nl
    assert "19.5" not in nl
    assert "12.500" in nl
    assert ">2001<" in nl.replace(" ", "").replace("\n", "")
    assert "19.5" in en
    assert "12,500" in en
    profile = Client().get(page_url(dutch, "profile")).content.decode()
    assert 'value="12.500"' in profile
    innovation = Client().get(page_url(dutch, "innovation")).content.decode()
    assert 'value="19,5"' in innovation
    # what the input shows is read back as the same answer
    q = services.instrument_for(dutch.wave).question("turnover_new_market_pct")
    assert form.parse_answer(services.instrument_for(dutch.wave), q, ["19,5"], "nl") == 19.5
