"""``innomon invite``, ``remind`` and ``reopen`` as a user runs them (a real process, SQLite)."""

from __future__ import annotations

import pytest

from tests.test_cli import assert_one_line_error, innomon

FIRMS = (
    "kvk,name,sbi_code,employees,municipality\n"
    "12345678,Bakkerij De Korenbloem,1071,8,GM0014\n"
    "23456789,Metaal Noord,2511,40,GM0080\n"
)


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    env = {"DATABASE_URL": None}
    (tmp_path / "firms.csv").write_text(FIRMS)
    assert innomon("import-firms", str(tmp_path / "firms.csv"), home=home, env=env).returncode == 0
    r = innomon(
        "wave", "add", "2026", "--invited", "2", "--start", "2026-03-01", "--end", "2026-04-30",
        home=home, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return home


def test_invite_writes_mails_with_private_links_and_is_idempotent(home, tmp_path):
    env = {"DATABASE_URL": None, "INNOMON_BASE_URL": "https://monitor.example.org"}
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "kvk;email;language\n12345678;a@korenbloem.nl;nl\n23456789;b@metaal.nl;en\n"
    )
    r = innomon("invite", "2026", str(contacts), "--open-link", home=home, env=env)
    assert r.returncode == 0, r.stderr
    assert "2 invitations created, 2 e-mails sent" in r.stdout
    assert "open link: https://monitor.example.org/q/open/" in r.stdout
    text = "".join(m.read_text() for m in (home / "mail").iterdir())
    assert text.count("\nSubject: ") == 2
    assert text.count("https://monitor.example.org/q/") >= 4  # the link and the opt-out link
    r = innomon("invite", "2026", str(contacts), home=home, env=env)
    assert "0 invitations created, 0 e-mails sent (2 firms invited before)" in r.stdout
    r = innomon("remind", "2026", "--every", "0", home=home, env=env)
    assert "2 reminders sent" in r.stdout
    r = innomon("reopen", "2026", "12345678", home=home, env=env)
    assert_one_line_error(r, "has not submitted")


def test_invite_rejects_a_bad_row_and_writes_nothing(home, tmp_path):
    env = {"DATABASE_URL": None}
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("kvk,email\n12345678,a@korenbloem.nl\n99999999,c@nowhere.nl\n")
    r = innomon("invite", "2026", str(contacts), home=home, env=env)
    assert_one_line_error(r, "contacts.csv row 3, field 'kvk'", "nothing was written")
    assert not (home / "mail").exists()
    contacts.write_text("kvk,email,phone\n12345678,a@korenbloem.nl,0501234567\n")
    r = innomon("invite", "2026", str(contacts), home=home, env=env)
    assert_one_line_error(r, "unknown column 'phone'")
    r = innomon("invite", "2031", str(contacts), home=home, env=env)
    assert_one_line_error(r, "there is no wave 2031")
