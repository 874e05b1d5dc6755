"""The back office: a response edited by the monitor team goes through the questionnaire's
validation (the same rules as the import and the web questionnaire) and every change is
logged — who, when, the old and the new value of each field. Import batches and quarantined
rows are made by the import only: they cannot be added by hand."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.test import Client

from innomon.registry.services import register_firms
from innomon.survey import models
from innomon.survey.models import Response
from innomon.survey.responses import registry_instrument, store_responses
from tests.questionnaire.helpers import STORED_2019

pytestmark = pytest.mark.django_db

KVK = "12345678"


class _Form(HTMLParser):
    """The values a browser would send for the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or (not a.get("name") and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = [""]
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


@pytest.fixture
def team(django_user_model):
    user = django_user_model.objects.create_superuser("analist", "", "x-long-secret-9")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def response(region, make_wave, firm_record):
    wave = make_wave(2019)
    register_firms([firm_record(kvk=KVK, name="Noordsystems B.V.")], "firms.csv")
    instrument = registry_instrument().as_of(2019)
    answers = dict(STORED_2019)
    for q in instrument.questions:  # every partner question answered ('none' where not given)
        if q.name.startswith("partner_") and q.type == "select_multiple":
            answers.setdefault(q.name, [0])
    (stored,) = store_responses(
        wave, [{"kvk": KVK, "status": "complete", "answers": answers}], source="test"
    ).outcomes
    return Response.objects.get(pk=stored.response_id)


def change(client, response, **answers):
    url = f"/admin/survey/response/{response.pk}/change/"
    page = _Form()
    page.feed(client.get(url).content.decode())
    data = page.data
    current = json.loads(data["answers"][0])
    current.update(answers)
    data["answers"] = [json.dumps(current)]
    data["_save"] = ["Save"]
    return client.post(url, data)


def test_an_invalid_answer_is_refused_with_the_question_named(team, response):
    before = dict(response.answers)
    r = change(team, response, turnover_new_market_pct=500, employees="veel")
    assert r.status_code == 200  # the form again, with errors
    html = r.content.decode()
    assert "errorlist" in html
    assert "turnover_new_market_pct = 500" in html
    assert "employees = &#x27;veel&#x27;" in html or "employees = 'veel'" in html
    response.refresh_from_db()
    assert response.answers == before
    assert not models.ResponseEdit.objects.exists()


def test_a_valid_edit_is_stored_and_logged(team, response):
    old = response.answers["employees"]
    r = change(team, response, employees=14)
    assert r.status_code == 302, r.content.decode()[:3000]
    response.refresh_from_db()
    assert response.answers["employees"] == 14
    (edit,) = models.ResponseEdit.objects.all()
    assert (edit.field, edit.old, edit.new, edit.username) == (
        "answers.employees",
        old,
        14,
        "analist",
    )
    assert edit.user.username == "analist"
    assert edit.changed_at is not None
    # the log is shown with the response and on its own, read-only
    html = team.get(f"/admin/survey/response/{response.pk}/change/").content.decode()
    assert "answers.employees" in html
    assert team.get("/admin/survey/responseedit/").status_code == 200
    assert team.get("/admin/survey/responseedit/add/").status_code == 403
    assert team.get(f"/admin/survey/responseedit/{edit.pk}/delete/").status_code == 403
    r = team.post(f"/admin/survey/responseedit/{edit.pk}/change/", {"field": "x"})
    assert r.status_code == 403
    assert models.ResponseEdit.objects.get().field == "answers.employees"


@pytest.mark.parametrize("model", ["importbatch", "quarantinedrow"])
def test_import_batches_and_quarantined_rows_are_not_made_by_hand(team, response, model):
    assert team.get(f"/admin/survey/{model}/add/").status_code == 403
    assert team.post(f"/admin/survey/{model}/add/", {"file_name": "x.csv"}).status_code == 403
    assert team.get(f"/admin/survey/{model}/").status_code == 200
