"""Issue 13, point 14: the demo's sample questionnaire is offered for synthetic waves only, and
can be tried again and again — after one visitor submits it, the next still gets one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from innomon.questionnaire.models import Invitation

pytestmark = pytest.mark.django_db

SAMPLE = "/sample/noord-nederland/2019/"


def _submitted(token: str) -> None:
    """The visitor submitted the sample (what `services.submit` records on the invitation)."""
    Invitation.objects.filter(token=token).update(completed_at=timezone.now())


def _sample_of(client: Client) -> str:
    response = client.get(SAMPLE)
    assert response.status_code == 302
    assert response["Location"].startswith("/q/")
    return response["Location"].removeprefix("/q/").strip("/")


def test_every_visitor_gets_a_questionnaire_after_another_submitted_theirs(wave, firms):
    wave.is_synthetic = True
    wave.save()
    assert f'href="{SAMPLE}"' in Client().get("/").content.decode()
    first, second = Client(), Client()
    token = _sample_of(first)
    assert _sample_of(first) == token  # the same visitor keeps theirs
    assert Client().get(f"/q/{token}/").status_code == 200
    _submitted(token)
    fresh = _sample_of(second)
    assert fresh != token  # a fresh questionnaire, not the submitted one
    assert Client().get(f"/q/{fresh}/").status_code == 200
    assert _sample_of(first) == fresh  # the first visitor may try again too (not yet started)


def test_a_started_sample_is_not_handed_to_the_next_visitor(wave, firms):
    wave.is_synthetic = True
    wave.save()
    first = Client()
    token = _sample_of(first)
    Invitation.objects.filter(token=token).update(started_at=timezone.now())
    assert _sample_of(Client()) != token  # someone else's answers in progress stay theirs
    assert _sample_of(first) == token


def test_no_sample_for_a_real_wave(wave, firms):
    from innomon.questionnaire.services import sample_invitation

    Invitation.objects.create(wave=wave, firm=_first_firm(), is_sample=True)  # made earlier
    assert sample_invitation(wave) is None
    assert "/sample/" not in Client().get("/").content.decode()
    assert "/q/" not in Client().get("/").content.decode()
    assert Client().get(SAMPLE).status_code == 404


def _first_firm():
    from innomon.registry.models import Firm

    return Firm.objects.order_by("kvk").first()
