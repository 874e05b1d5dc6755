"""Invitations, reminders, opting out and the open link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from innomon.errors import InputError
from innomon.questionnaire import services
from innomon.questionnaire.models import Invitation

from .conftest import link
from .helpers import ANSWERS_2019, fill

pytestmark = pytest.mark.django_db


def test_invite_makes_one_unguessable_link_per_firm_and_mails_it(invitations):
    assert len(mail.outbox) == 3
    tokens = {inv.token for inv in invitations.values()}
    assert len(tokens) == 3
    for token in tokens:
        assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    english = next(m for m in mail.outbox if m.to == ["info@metaalnoord.nl"])
    assert english.subject == "Invitation: innovation monitor 2019"
    assert f"/q/{invitations['23456789'].token}/" in english.body
    assert "Metaal <b>Noord</b> & Zn" in english.body  # plain text: not HTML-escaped
    dutch = next(m for m in mail.outbox if m.to == ["eigenaar@korenbloem.nl"])
    assert dutch.subject == "Uitnodiging: innovatiemonitor 2019"
    assert all(inv.sent_at is not None for inv in Invitation.objects.all())


def test_inviting_again_changes_nothing(invitations, wave):
    result = services.invite(wave, [{"kvk": "12345678", "email": "x@y.nl"}], "again.csv")
    assert (result.created, result.sent, result.skipped) == (0, 0, 1)
    assert Invitation.objects.get(firm__kvk="12345678").email == "eigenaar@korenbloem.nl"
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"kvk": "99999999", "email": "a@b.nl"}, "firms.csv row 3, field 'kvk'"),
        ({"kvk": "23456789", "email": "not-an-address"}, "firms.csv row 3, field 'email'"),
        ({"kvk": "23456789", "email": "a@b.nl", "language": "de"}, "field 'language'"),
        ({"kvk": "12345678", "email": "a@b.nl"}, "is also on row 2"),
    ],
)
def test_a_bad_row_rejects_the_whole_file(wave, firms, row, fragment):
    rows = [{"kvk": "12345678", "email": "a@b.nl"}, row]
    with pytest.raises(InputError) as exc:
        services.invite(wave, rows, "firms.csv")
    assert fragment in str(exc.value)
    assert "nothing was written" in str(exc.value)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_reminders_go_to_those_not_done_at_most_n_times(invitations, wave):
    done, opted, waiting = (invitations[k] for k in ("12345678", "23456789", "34567890"))
    client = Client()
    client.post(fill(client, link(done), ANSWERS_2019))
    client.post(link(opted) + "opt-out/")
    assert Invitation.objects.get(pk=opted.pk).opted_out_at is not None
    mail.outbox.clear()
    assert services.remind(wave, max_reminders=2, every_days=7).sent == 0  # too soon
    Invitation.objects.update(last_mailed_at=timezone.now() - dt.timedelta(days=8))
    assert services.remind(wave, max_reminders=2, every_days=7).sent == 1
    assert [m.to for m in mail.outbox] == [["post@zuivel.nl"]]
    assert mail.outbox[0].subject.startswith("Herinnering")
    assert services.remind(wave, max_reminders=2, every_days=0).sent == 1
    assert services.remind(wave, max_reminders=2, every_days=0).sent == 0  # two is the maximum
    assert Invitation.objects.get(pk=waiting.pk).reminders_sent == 2


def test_the_opt_out_page_asks_first(invitations):
    inv = invitations["12345678"]
    html = Client().get(link(inv) + "opt-out/").content.decode()
    assert "<form" in html
    assert Invitation.objects.get(pk=inv.pk).opted_out_at is None


def test_open_link_asks_for_the_kvk_number_and_hands_out_a_private_link(wave, firms):
    open_link = services.open_link(wave)
    client = Client()
    url = f"/q/open/{open_link.token}/"
    assert "KvK-nummer" in client.get(url).content.decode()
    r = client.post(url, {"kvk": "1234"})
    assert "8 cijfers" in r.content.decode()
    r = client.post(url, {"kvk": "3456 7890"})
    assert r.status_code == 302
    inv = Invitation.objects.get(firm__kvk="34567890")
    assert inv.channel == "open"
    assert r["Location"] == f"/q/{inv.token}/"
    # a second visitor with the same (public) KvK number gets no access to that link
    r = Client().post(url, {"kvk": "34567890"})
    assert r.status_code == 200
    assert inv.token not in r.content.decode()
    assert Invitation.objects.filter(firm__kvk="34567890").count() == 1


def test_open_link_does_not_reveal_an_invited_firm(invitations, wave):
    open_link = services.open_link(wave)
    r = Client().post(f"/q/open/{open_link.token}/", {"kvk": "12345678"})
    html = r.content.decode()
    assert invitations["12345678"].token not in html
    assert re.search(r"KvK|link", html)


def test_an_expired_link_says_so(invitations):
    inv = invitations["12345678"]
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    r = Client().get(link(inv))
    assert r.status_code == 410
    assert "verlopen" in r.content.decode()
