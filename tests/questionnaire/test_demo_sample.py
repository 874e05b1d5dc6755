"""The demo's sample invitation, offered on the landing page."""

from __future__ import annotations

import pytest
from django.test import Client

from innomon.questionnaire.services import sample_invitation
from innomon.survey.services import record_responses

from .helpers import ANSWERS_2019, fill

pytestmark = pytest.mark.django_db


def test_the_landing_page_offers_a_fillable_sample_invitation(wave, firms):
    wave.is_synthetic = True  # a sample is offered for a synthetic (demo) wave only
    wave.save()
    record_responses(wave, [{"kvk": "12345678", "answers": {"employees": 3}}], "import")
    first = sample_invitation(wave)
    assert first.firm.kvk == "23456789"  # the first firm without a response
    assert sample_invitation(wave) == first  # the same while nobody has started it
    html = Client().get("/").content.decode()
    assert f'href="/sample/noord-nederland/{wave.year}/"' in html
    assert "Voorbeeld van de vragenlijst" in html
    client = Client()
    assert client.get(f"/sample/noord-nederland/{wave.year}/")["Location"] == f"/q/{first.token}/"
    client.post(fill(client, f"/q/{first.token}/", ANSWERS_2019))
    second = sample_invitation(wave)  # the demo's next run: a new sample
    assert second.firm.kvk == "34567890"
    assert Client().get(f"/sample/noord-nederland/{wave.year}/")["Location"] == (
        f"/q/{second.token}/"
    )
