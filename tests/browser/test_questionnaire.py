"""The questionnaire in a real browser (Debian's Chromium, phone-sized): complete it in Dutch
and in English, resume a half-filled one in a fresh browser, and meet each kind of error."""

from __future__ import annotations

import json
import re
import sqlite3

from tests.questionnaire.helpers import ANSWERS_2019, STORED_2019, typed_in


def stored(db, kvk: str) -> tuple[str, dict] | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT r.status, r.answers FROM survey_response r "
            "JOIN registry_firm f ON f.id = r.firm_id WHERE f.kvk = ?",
            (kvk,),
        ).fetchone()
    return None if row is None else (row[0], json.loads(row[1]))


def fill_page(page, answers: dict) -> None:
    """Answer the questions of the page shown; a question that appears because of an earlier
    answer is waited for (the page shows it when the background save says it is asked)."""
    names = page.locator("input[name=fields]").get_attribute("value").split()
    for name in names:
        if name not in answers:
            continue
        box = page.locator(f"#box-{name}")
        box.wait_for(state="visible")
        value = answers[name]
        if isinstance(value, list):
            for v in value:
                page.locator(f"input[name='{name}'][value='{v}']").check()
        elif box.locator("input[type=radio]").count():
            page.locator(f"input[name='{name}'][value='{value}']").check()
        else:
            page.locator(f"[name='{name}']").fill(value)


def complete(page, answers: dict, next_label: str) -> None:
    """From the first page to the review page."""
    for _ in range(30):
        if "/review/" in page.url:
            return
        assert page.locator(".error-summary").count() == 0, page.locator(
            ".error-summary"
        ).inner_text()
        fill_page(page, answers)
        with page.expect_navigation():
            page.get_by_role("button", name=next_label, exact=True).click()
    raise AssertionError("the review page was not reached")


def test_complete_in_dutch_partly_by_keyboard(server, context):
    page = context.new_page()
    page.goto(server["links"]["eigenaar@korenbloem.nl"])
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Welkom, Bakkerij De Korenbloem" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    assert page.locator("h1").inner_text() == "Uw bedrijf"
    assert page.locator(".progress-text").inner_text() == "Pagina 1 van 9"
    # the first page by keyboard alone, with the focus visible all the way
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "employees":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("2001")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "turnover_class"
    page.keyboard.press("ArrowDown")  # moves to and chooses the second option
    assert page.locator("#q-turnover_class-1").is_checked()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Volgende":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Innovatie"
    complete(page, ANSWERS_2019, "Volgende")
    assert page.locator("h1").inner_text() == "Controleer uw antwoorden"
    review = page.locator("main").inner_text()
    assert "€ 250.000 tot € 1 miljoen" in review
    assert "Te weinig tijd <script>alert(1)</script> & meer" in review  # shown as text
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    page.wait_for_url("**/done/")
    assert page.locator("h1").inner_text() == "Bedankt!"
    assert "Innovatiepaspoort" in page.locator("main").inner_text()
    assert stored(server["db"], "12345678") == ("complete", STORED_2019)
    # the back button and submitting again change nothing
    page.go_back()
    page.goto(server["links"]["eigenaar@korenbloem.nl"] + "review/")
    assert page.url.endswith("/done/")


def test_complete_in_english(server, context):
    page = context.new_page()
    # the invitation of this firm is in Dutch: the respondent switches to English
    page.goto(server["links"]["post@zuivel.nl"])
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Start the questionnaire").click()
    assert page.locator("h1").inner_text() == "Your firm"
    assert page.get_by_label("In which year was your firm founded?").is_visible()
    complete(page, typed_in(ANSWERS_2019, "en"), "Next")
    assert "Check your answers" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/done/")
    assert page.locator("h1").inner_text() == "Thank you!"
    assert stored(server["db"], "34567890") == ("complete", STORED_2019)


def test_resume_a_half_filled_questionnaire_in_a_fresh_browser(server, browser, context):
    link = server["links"]["info@metaalnoord.nl"]
    page = context.new_page()
    page.goto(link)
    page.get_by_role("link", name=re.compile("Start")).click()
    fill_page(page, ANSWERS_2019)
    with page.expect_navigation():
        page.get_by_role("button", name="Next", exact=True).click()
    # on page 2 an answer is typed and saved in the background, then the browser is closed
    page.locator("input[name=product_innovation][value='1']").check()
    page.locator("#box-turnover_new_market_pct").wait_for(state="visible")
    page.locator("[name=turnover_new_market_pct]").fill("35")
    page.get_by_text("All answers saved").wait_for()
    context.close()
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = fresh.new_page()
        page.goto(link)
        assert "/p/innovation/" in page.url
        assert "Welcome back" in page.locator(".notice").inner_text()  # the invitation's language
        assert page.locator("input[name=product_innovation][value='1']").is_checked()
        assert page.locator("[name=turnover_new_market_pct]").input_value() == "35"
        page.goto(link + "p/profile/")
        assert page.locator("[name=employees]").input_value() == "12"
    finally:
        fresh.close()
    assert stored(server["db"], "23456789") is None  # not submitted: no response yet


def test_a_server_restart_in_the_middle_loses_nothing(server, context):
    link = server["links"]["info@dokkum.nl"]
    page = context.new_page()
    page.goto(link + "p/support/")
    page.locator("input[name=support_wbso][value='2']").check()
    page.get_by_text("Alle antwoorden bewaard").wait_for()
    page.locator("input[name=support_mit][value='1']").check()  # typed while the server restarts
    server["restart"]()
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren en later verdergaan").click()
    assert "Uw antwoorden zijn bewaard" in page.locator(".notice").inner_text()
    assert page.locator("input[name=support_wbso][value='2']").is_checked()
    assert page.locator("input[name=support_mit][value='1']").is_checked()


def test_each_kind_of_error(server, context):
    page = context.new_page()
    page.goto(server["links"]["info@dokkum.nl"] + "p/profile/")
    page.locator("[name=employees]").fill("twaalf")  # not a whole number
    page.locator("[name=founding_year]").fill("1700")  # breaks the constraint
    with page.expect_navigation():  # turnover_class left empty: required
        page.get_by_role("button", name="Volgende").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    text = summary.inner_text()
    assert "Vul een geheel getal in, zoals 12." in text
    assert "Vul een jaartal tussen 1800 en 2019 in." in text
    assert "Beantwoord deze vraag." in text
    assert page.title().startswith("Fout:")
    summary.get_by_role("link", name=re.compile("Hoeveel mensen")).click()
    assert page.evaluate("document.activeElement.name") == "employees"
    assert page.locator("[name=employees]").get_attribute("aria-invalid") == "true"
    assert page.locator("[name=employees]").input_value() == "twaalf"  # kept as typed
    page.screenshot(path=str(server["home"] / "errors-phone.png"), full_page=True)
    fill_page(page, {"employees": "12", "founding_year": "2001", "turnover_class": "1"})
    with page.expect_navigation():
        page.get_by_role("button", name="Volgende").click()
    # a rule across questions, and a question required only when it is asked
    answers = {
        "product_innovation": "1",
        "process_innovation": "1",
        "product_new_to_market": "0",
        "turnover_new_market_pct": "50",
        "turnover_new_firm_pct": "30",
        "turnover_unchanged_pct": "30",
    }
    fill_page(page, answers)
    with page.expect_navigation():
        page.get_by_role("button", name="Volgende").click()
    text = page.get_by_role("alert").inner_text()
    assert "De drie delen moeten samen 100 % zijn" in text
    assert "In welke bedrijfsfuncties" in text  # bpi_functions: required when asked
    page.screenshot(path=str(server["home"] / "errors2-phone.png"), full_page=True)
