from __future__ import annotations

import pytest


@pytest.fixture
def wave(make_wave):
    return make_wave(2019, invited=3)


@pytest.fixture
def firms(region, firm_record):
    from innomon.registry.services import register_firms

    records = [
        firm_record(kvk="12345678", name="Bakkerij De Korenbloem"),
        firm_record(kvk="23456789", name="Metaal <b>Noord</b> & Zn"),
        firm_record(kvk="34567890", name="Zuivel B.V."),
    ]
    register_firms(records, "test")
    return records


@pytest.fixture
def invitations(wave, firms, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from innomon.questionnaire import services
    from innomon.questionnaire.models import Invitation

    rows = [
        {"kvk": "12345678", "email": "eigenaar@korenbloem.nl", "language": "nl"},
        {"kvk": "23456789", "email": "info@metaalnoord.nl", "language": "en"},
        {"kvk": "34567890", "email": "post@zuivel.nl"},
    ]
    services.invite(wave, rows, "firms.csv")
    return {i.firm.kvk: i for i in Invitation.objects.select_related("firm", "wave")}


def link(invitation) -> str:
    return f"/q/{invitation.token}/"
