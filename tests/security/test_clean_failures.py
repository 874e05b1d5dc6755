"""Requests the app cannot read get HTTP 400 with a message, never a server error, and lose no
answer: a NUL (``%00``) in a path, a form in UTF-16, numbers too long to be numbers (4,301
digits: beyond Python's int conversion; 401 digits: a float's infinity, which neither database
stores)."""

from __future__ import annotations

import pytest
from django.test import Client

from innomon.questionnaire import services
from innomon.questionnaire.models import Draft, Invitation

from ..questionnaire.helpers import ANSWERS_2019, hidden, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(make_wave, region, firm_record, settings):
    from innomon.registry.services import register_firms

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wave = make_wave(2019, invited=1)
    register_firms([firm_record(kvk="12345678", name="Bakkerij De Korenbloem")], "test")
    services.invite(wave, [{"kvk": "12345678", "email": "info@korenbloem.nl"}], "firms.csv")
    return Invitation.objects.select_related("wave", "firm").get()


def _client() -> Client:
    return Client(raise_request_exception=False)


def _page(client: Client, invitation: Invitation, name: str) -> tuple[str, str]:
    url = f"/q/{invitation.token}/p/{name}/"
    response = client.get(url)
    assert response.status_code == 200
    return url, response.content.decode()


def _answers(invitation: Invitation) -> dict:
    draft = Draft.objects.filter(invitation=invitation).first()
    return draft.answers if draft else {}


@pytest.mark.parametrize(
    "path",
    [
        "/q/%00/",
        "/q/abcdefghijklmnopqrstuvwxyz%00/",
        "/q/open/%00/",
        "/passport/%00/",
        "/passport/%00/pdf/",
        "/%00",
        "/admin/%00/",
        "/?next=%00",
    ],
)
def test_a_nul_in_the_address_is_a_400_with_a_message(invitation, path):
    response = _client().get(path)
    assert response.status_code == 400, path
    text = response.content.decode()
    assert "<h1>" in text
    assert len(text) < 3000
    assert response["Cache-Control"] == "no-store"


def test_the_message_is_in_the_visitors_language(invitation):
    nl = _client().get("/q/%00/", HTTP_ACCEPT_LANGUAGE="nl")
    en = _client().get("/q/%00/", HTTP_ACCEPT_LANGUAGE="en")
    assert nl.status_code == en.status_code == 400
    assert 'lang="en"' in en.content.decode()
    assert 'lang="nl"' in nl.content.decode()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "multipart/form-data; boundary=x; charset=utf-16",
    ],
)
def test_a_form_in_utf16_is_a_400_with_a_message_and_changes_nothing(invitation, content_type):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    url, html = _page(client, invitation, "profile")
    token = hidden(html, "csrfmiddlewaretoken")
    body = f"csrfmiddlewaretoken={token}&employees=44&fields=employees&revision=0"
    response = client.generic(
        "POST", url, body.encode("utf-16"), content_type=content_type, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert "employees" not in _answers(invitation)


def test_a_nul_in_a_typed_answer_is_removed_and_the_page_saved(invitation):
    client = _client()
    url, html = _page(client, invitation, "profile")
    data = page_data(html, ANSWERS_2019)
    data["employees"] = "1\x002"
    assert client.post(url, data).status_code == 302
    assert _answers(invitation)["employees"] == 12


@pytest.mark.parametrize(
    ("page", "name", "typed"),
    [
        ("profile", "employees", "9" * 4301),  # beyond Python's int conversion (4,300 digits)
        ("profile", "employees", "9" * 401),
        ("profile", "turnover_class", "9" * 4301),  # an answer code
        ("innovation", "turnover_new_market_pct", "9" * 401),  # float('9' * 401) is infinity
        ("innovation", "turnover_new_market_pct", "9" * 4301),
        ("innovation", "bpi_functions", "9" * 4301),
    ],
)
def test_a_number_too_long_is_a_message_and_the_pages_other_answers_are_kept(
    invitation, page, name, typed
):
    client = _client()
    _page(client, invitation, "profile")  # the draft exists
    if page != "profile":  # the innovation page is asked once the profile is answered
        url, html = _page(client, invitation, "profile")
        assert client.post(url, page_data(html, ANSWERS_2019)).status_code == 302
    url, html = _page(client, invitation, page)
    data = page_data(html, ANSWERS_2019)
    data[name] = typed
    response = client.post(url, data)
    assert response.status_code == 200  # the page again, with the problem named
    assert 'class="error-summary"' in response.content.decode()
    answers = _answers(invitation)
    others = [n for n in hidden(html, "fields").split() if n != name and n in ANSWERS_2019]
    assert others
    for other in others:
        assert other in answers, other  # every other answer of the page is saved
    assert not isinstance(answers.get(name), int | float)  # never stored as a number


def test_too_large_says_so(invitation):
    client = _client()
    url, html = _page(client, invitation, "profile")
    data = page_data(html, ANSWERS_2019)
    data["employees"] = "9" * 401
    with_en = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    text = with_en.content.decode()
    assert "too large" in text or "te groot" in text


def test_the_background_save_of_a_number_too_long_is_no_server_error(invitation):
    client = _client()
    _url, html = _page(client, invitation, "profile")
    data = page_data(html, ANSWERS_2019)
    data["turnover_class"] = "9" * 4301
    response = client.post(f"/q/{invitation.token}/save/", data)
    assert response.status_code == 200
    assert _answers(invitation)["employees"] == 12
