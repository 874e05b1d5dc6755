"""Security: link guessing, CSRF, one firm never reaching another's answers, escaping,
concurrency between tabs, and production settings that pass Django's deployment check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from innomon.questionnaire import ratelimit, services
from innomon.questionnaire.models import Draft
from innomon.survey.models import Response

from .conftest import link
from .helpers import ANSWERS_2019, fill, hidden, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_window(monkeypatch):
    """The rate limiter's clock held in one window, so that a test never straddles two."""
    monkeypatch.setattr(ratelimit, "_window", lambda now=None: 4242)


def test_guessing_links_is_blocked_per_ip_address(invitations, one_window):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(ratelimit.FAILURES_PER_IP):
        assert client.get(f"/q/{secrets.token_urlsafe(32)}/").status_code == 404
    r = client.get(f"/q/{secrets.token_urlsafe(32)}/")
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    # blocked for real links too, from that address only
    assert client.get(link(invitations["12345678"])).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get(link(invitations["12345678"])).status_code == 200


def test_kvk_guessing_on_the_open_link_is_blocked_per_ip_address(wave, firms, one_window):
    url = f"/q/open/{services.open_link(wave).token}/"
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(ratelimit.FAILURES_PER_IP):
        assert client.post(url, {"kvk": f"9{i:07d}"}).status_code == 200
    assert client.post(url, {"kvk": "34567890"}).status_code == 429


def test_one_token_is_limited_however_many_addresses_try_it(invitations, monkeypatch, one_window):
    monkeypatch.setattr(ratelimit, "REQUESTS_PER_TOKEN", 5)
    inv = invitations["12345678"]
    codes = [Client(REMOTE_ADDR=f"198.51.100.{i}").get(link(inv)).status_code for i in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_every_form_needs_the_csrf_token(invitations):
    inv = invitations["12345678"]
    client = Client(enforce_csrf_checks=True)
    page1 = link(inv) + "p/profile/"
    html = client.get(page1).content.decode()
    data = page_data(html, ANSWERS_2019)
    assert client.post(page1, data).status_code == 403
    assert client.post(link(inv) + "save/", dict(data, page="profile")).status_code == 403
    assert client.post(link(inv) + "review/").status_code == 403
    assert client.post(link(inv) + "opt-out/").status_code == 403
    assert not Draft.objects.exists()
    data["csrfmiddlewaretoken"] = hidden(html, "csrfmiddlewaretoken")
    assert client.post(page1, data).status_code == 302


def test_a_respondent_cannot_read_or_change_another_firms_answers(invitations):
    mine, theirs = invitations["12345678"], invitations["23456789"]
    other = Client()
    fill(other, link(theirs), ANSWERS_2019)
    me = Client()
    me.get(link(mine))
    # my link shows my (empty) answers, never theirs, whatever I put in the form
    html = me.get(link(mine) + "p/profile/").content.decode()
    assert 'value="2001"' not in html
    data = page_data(html, {"employees": "1", "founding_year": "1999", "turnover_class": "1"})
    data["invitation"], data["token"], data["firm"] = str(theirs.pk), theirs.token, "23456789"
    me.post(link(mine) + "p/profile/", data)
    assert Draft.objects.get(invitation=theirs).answers["employees"] == 12
    assert Draft.objects.get(invitation=mine).answers["employees"] == 1
    # a made-up link reaches nothing
    assert me.get(f"/q/{theirs.token[:-2]}xx/p/profile/").status_code == 404
    # and the other firm's submission stays theirs
    other.post(link(theirs) + "review/")
    assert Response.objects.get(firm=theirs.firm).answers["employees"] == 12
    assert not Response.objects.filter(firm=mine.firm).exists()


def test_free_text_is_escaped_on_the_pages_and_in_the_admin(invitations):
    inv = invitations["12345678"]
    client = Client()
    evil = '<img src=x onerror="alert(1)">'
    client.post(fill(client, link(inv), dict(ANSWERS_2019, obstacles_other=evil)))
    assert Response.objects.get(firm=inv.firm).answers["obstacles_other"] == evil
    admin = get_user_model().objects.create_superuser("team", "t@example.org", "pw-long-enough")
    staff = Client()
    staff.force_login(admin)
    draft = Draft.objects.get(invitation=inv)
    pages = [
        f"/admin/questionnaire/draft/{draft.pk}/change/",
        f"/admin/survey/response/{draft.response_id}/change/",
        "/admin/questionnaire/invitation/",
        "/admin/questionnaire/draft/",
    ]
    for url in pages:
        r = staff.get(url)
        assert r.status_code == 200, url
        assert evil not in r.content.decode(), url
    html = staff.get(pages[0]).content.decode()
    assert "&lt;img src=x onerror=" in html
    firm_name = "Metaal &lt;b&gt;Noord&lt;/b&gt; &amp; Zn"
    assert firm_name in staff.get("/admin/questionnaire/invitation/").content.decode()


def test_the_admin_action_reopens(invitations):
    inv = invitations["12345678"]
    client = Client()
    client.post(fill(client, link(inv), ANSWERS_2019))
    admin = get_user_model().objects.create_superuser("team", "t@example.org", "pw-long-enough")
    staff = Client()
    staff.force_login(admin)
    r = staff.post(
        "/admin/questionnaire/invitation/",
        {"action": "reopen", "_selected_action": [str(inv.pk)]},
    )
    assert r.status_code == 302
    assert Draft.objects.get(invitation=inv).submitted_at is None


def test_two_tabs_never_overwrite_each_other_silently(invitations):
    inv = invitations["12345678"]
    page1 = link(inv) + "p/profile/"
    tab1, tab2 = Client(), Client()
    html1 = tab1.get(page1).content.decode()
    html2 = tab2.get(page1).content.decode()
    # tab 1 saves employees = 12 (in the background, as while typing)
    r = tab1.post(
        link(inv) + "save/",
        dict(page_data(html1, {"employees": "12"}), page="profile"),
    )
    assert r.json()["revision"] == 1
    assert r.json()["conflicts"] == []
    # tab 2, still showing the page before that, sends employees = 15 with the others
    r = tab2.post(page1, page_data(html2, {"employees": "15", "founding_year": "1990"}))
    assert r.status_code == 200
    html = r.content.decode()
    assert "in een ander venster" in html
    assert 'value="12"' in html  # the newer answer is shown, not lost
    draft = Draft.objects.get(invitation=inv)
    assert draft.answers == {"employees": 12, "founding_year": 1990}
    # tab 2 now has the current revision: its choice is accepted
    answers = {"employees": "15", "founding_year": "1990", "turnover_class": "1"}
    r = tab2.post(page1, page_data(html, answers))
    assert r.status_code == 302
    assert Draft.objects.get(invitation=inv).answers["employees"] == 15


def test_saving_the_same_thing_twice_changes_nothing(invitations):
    inv = invitations["12345678"]
    first = services.save_answers(inv, {"employees": 3}, 0)
    again = services.save_answers(inv, {"employees": 3}, 0)  # a retried request
    assert first.revision == again.revision == 1
    assert again.conflicts == {}


def test_production_settings_pass_the_deployment_check(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        INNOMON_HOME=str(tmp_path),
        INNOMON_HTTPS="1",
        INNOMON_SECRET_KEY=secrets.token_urlsafe(60),
        INNOMON_ALLOWED_HOSTS="monitor.example.org",
        INNOMON_EMAIL_BACKEND="smtp",
    )
    env.pop("INNOMON_DEBUG", None)
    args = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    args += ["--settings", "innomon.project.settings"]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
    # and without HTTPS it does not pass: the check really looks
    env.pop("INNOMON_HTTPS")
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0


def test_free_text_cannot_become_a_formula_in_the_exports(invitations, tmp_path):
    import csv

    from openpyxl import load_workbook

    from innomon.intake.export import export_wave
    from innomon.questionnaire.services import instrument_for

    inv = invitations["12345678"]
    client = Client()
    formula = '=HYPERLINK("http://evil.example","klik")'
    client.post(fill(client, link(inv), dict(ANSWERS_2019, obstacles_other=formula)))
    instrument = instrument_for(inv.wave)
    path = export_wave(inv.wave, instrument, "csv", tmp_path)
    with path.open(newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["obstacles_other"] == "'" + formula
    path = export_wave(inv.wave, instrument, "xlsx", tmp_path)
    sheet = load_workbook(path)["wave 2019"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("obstacles_other") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + formula
    # the analysts' own formats keep the answer as given
    path = export_wave(inv.wave, instrument, "parquet", tmp_path)
    import pandas as pd

    assert pd.read_parquet(path)["obstacles_other"].tolist() == [formula]


def test_the_team_adds_an_invitation_in_the_back_office_with_its_own_token(wave, firms):
    from innomon.questionnaire.models import Invitation
    from innomon.registry.models import Firm

    admin = get_user_model().objects.create_superuser("team", "t@example.org", "pw-long-enough")
    staff = Client()
    staff.force_login(admin)
    r = staff.post(
        "/admin/questionnaire/invitation/add/",
        {
            "wave": wave.pk,
            "firm": Firm.objects.get(kvk="12345678").pk,
            "email": "eigenaar@korenbloem.nl",
            "language": "nl",
            "channel": "mail",
            "expires_at_0": "2099-01-01",
            "expires_at_1": "12:00:00",
            "reminders_sent": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert len(invitation.token) == 43
    assert Client().get(link(invitation)).status_code == 200
