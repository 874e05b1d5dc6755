"""Two tabs on one questionnaire, with JavaScript (Debian's Chromium): when the background save
of one tab finds an answer the other tab saved meanwhile, the page shows both answers and asks
which to keep — and Next sends nothing of that answer until the respondent has chosen."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from .conftest import _env, _innomon

KVK = "56789012"


def draft(db, kvk: str) -> dict:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT d.answers FROM questionnaire_draft d "
            "JOIN questionnaire_invitation i ON i.id = d.invitation_id "
            "JOIN registry_firm f ON f.id = i.firm_id WHERE f.kvk = ?",
            (kvk,),
        ).fetchone()
    return {} if row is None else json.loads(row[0])


@pytest.fixture(scope="module")
def private_link(server):
    """The private link of a firm of this module's own (invited now, by e-mail to a file)."""
    import subprocess
    import sys

    home = server["home"]
    (home / "two-tabs-firms.csv").write_text(
        f"kvk,name,sbi_code,employees,municipality\n{KVK},Twee Tabs B.V.,2511,30,GM0014\n"
    )
    (home / "two-tabs-contacts.csv").write_text(f"kvk,email,language\n{KVK},tabs@twee.nl,nl\n")
    _innomon(home, "import-firms", str(home / "two-tabs-firms.csv"))
    out = subprocess.run(
        [sys.executable, "-m", "innomon", "invite", "2019", str(home / "two-tabs-contacts.csv")],
        env=dict(_env(home), INNOMON_BASE_URL=server["base"]),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    mail = "".join(p.read_text() for p in (home / "mail").iterdir())
    block = mail.split("\nTo: tabs@twee.nl")[1]
    return re.search(rf"{re.escape(server['base'])}/q/[A-Za-z0-9_-]+/", block).group(0)


def two_tabs(context, url: str):
    a, b = context.new_page(), context.new_page()
    a.goto(url)
    b.goto(url)
    return a, b


def saved(page) -> None:
    page.locator(".save-status", has_text="Alle antwoorden bewaard").wait_for()


def test_a_conflict_is_shown_and_next_overwrites_nothing(server, context, private_link):
    a, b = two_tabs(context, private_link + "p/profile/")
    a.locator("[name=employees]").fill("44")
    saved(a)
    assert draft(server["db"], KVK)["employees"] == 44
    # tab B, opened before, types its own answer: its background save meets A's
    b.locator("[name=employees]").fill("12")
    panel = b.locator(".conflict[data-for=employees]")
    panel.wait_for()
    text = panel.inner_text()
    assert "44" in text
    assert "12" in text
    # Next (as the status line once suggested) neither leaves the page nor overwrites A
    b.locator("[name=founding_year]").fill("2001")
    b.locator("input[name=turnover_class][value='1']").check()
    url = b.url
    # whether the page is sent: seen after the questionnaire's own submit handler has run
    b.evaluate("document.addEventListener('submit', e => { window.sent = !e.defaultPrevented; })")
    b.get_by_role("button", name="Volgende", exact=True).click()
    assert b.evaluate("window.sent") is False
    assert b.url == url
    assert draft(server["db"], KVK)["employees"] == 44
    focused = b.evaluate("document.activeElement.dataset.keep")
    assert focused == "saved"  # the choice has the focus
    # the respondent keeps the saved answer: the page shows it, then Next goes on
    panel.locator("button[data-keep=saved]").click()
    assert b.locator("[name=employees]").input_value() == "44"
    assert b.locator(".conflict").count() == 0
    with b.expect_navigation():
        b.get_by_role("button", name="Volgende", exact=True).click()
    assert "/p/innovation/" in b.url
    answers = draft(server["db"], KVK)
    assert (answers["employees"], answers["founding_year"]) == (44, 2001)


def test_the_respondent_may_keep_their_own_answer(server, context, private_link):
    a, b = two_tabs(context, private_link + "p/profile/")
    a.locator("[name=employees]").fill("50")
    saved(a)
    b.locator("[name=employees]").fill("60")
    panel = b.locator(".conflict[data-for=employees]")
    panel.wait_for()
    assert draft(server["db"], KVK)["employees"] == 50
    panel.locator("button[data-keep=mine]").click()
    saved(b)
    assert draft(server["db"], KVK)["employees"] == 60
    assert b.locator("[name=employees]").input_value() == "60"
