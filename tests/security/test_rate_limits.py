"""Issue 13, point 4: limits that protect rather than lock out — the open link per visitor,
the back office's log-in against guessed passwords, the passports' links against guessing."""

from __future__ import annotations

import secrets

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from innomon.project.security import login_failures
from innomon.questionnaire import ratelimit, services

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-secret-9"


@pytest.fixture
def one_window(monkeypatch):
    """The rate limiter's clock held in one window, so that a test never straddles two."""
    monkeypatch.setattr(ratelimit, "_window", lambda now=None: 4243)


def test_600_requests_of_one_visitor_do_not_close_the_open_link_for_another(make_wave, one_window):
    url = f"/q/open/{services.open_link(make_wave(2019)).token}/"
    busy = Client(REMOTE_ADDR="203.0.113.20")
    codes = [busy.get(url).status_code for _ in range(ratelimit.REQUESTS_PER_TOKEN)]
    assert set(codes) == {200}
    assert busy.get(url).status_code == 429  # that visitor is slowed down …
    assert Client(REMOTE_ADDR="203.0.113.21").get(url).status_code == 200  # … nobody else


def _login(client: Client, password: str, lang: str = "nl"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "team", "password": password},
        HTTP_ACCEPT_LANGUAGE=lang,
    )


def test_after_too_many_wrong_passwords_the_right_one_is_refused_too(db, one_window):
    get_user_model().objects.create_superuser("team", "", PASSWORD)
    guesser = Client(REMOTE_ADDR="198.51.100.30")
    for i in range(login_failures()):
        r = _login(guesser, f"guess-{i}")
        assert r.status_code == 200
        assert "_auth_user_id" not in guesser.session
    r = _login(guesser, PASSWORD, "en")
    assert r.status_code == 200  # the form again, not the redirect of a log-in
    assert "_auth_user_id" not in guesser.session
    assert "Too many failed log-ins" in r.content.decode()
    r = _login(guesser, PASSWORD, "nl")
    assert "_auth_user_id" not in guesser.session
    assert '<html lang="nl"' in r.content.decode()
    # the account is protected from other addresses as well, for these 10 minutes
    other = Client(REMOTE_ADDR="198.51.100.31")
    _login(other, PASSWORD)
    assert "_auth_user_id" not in other.session


def test_a_few_wrong_passwords_do_not_lock_out(db, one_window):
    get_user_model().objects.create_superuser("team", "", PASSWORD)
    client = Client(REMOTE_ADDR="198.51.100.32")
    for i in range(login_failures() - 1):
        _login(client, f"typo-{i}")
    assert _login(client, PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_guessing_passport_links_is_blocked_per_ip_address(db, one_window):
    guesser = Client(REMOTE_ADDR="203.0.113.40")
    for _ in range(ratelimit.FAILURES_PER_IP):
        assert guesser.get(f"/passport/{secrets.token_urlsafe(32)}/").status_code == 404
    r = guesser.get(f"/passport/{secrets.token_urlsafe(32)}/pdf/")
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="203.0.113.41")
    assert other.get(f"/passport/{secrets.token_urlsafe(32)}/").status_code == 404
