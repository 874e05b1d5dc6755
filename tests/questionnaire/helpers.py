"""Filling the questionnaire with Django's test client, as a browser without JavaScript would."""

from __future__ import annotations

import re
from html import unescape

# A complete, valid response to the 2019 questionnaire (every page shown).
ANSWERS_2019 = {
    "employees": "12",
    "founding_year": "2001",
    "turnover_class": "2",
    "product_innovation": "1",
    "process_innovation": "1",
    "bpi_functions": ["1", "3"],
    "product_new_to_market": "1",
    "turnover_new_market_pct": "20",
    "turnover_new_firm_pct": "30,5",
    "turnover_unchanged_pct": "49,5",
    "innovation_investment": "1",
    "rd_internal": "0",
    "innovation_spend_pct": "5",
    "innovation_staff": "3",
    "collab_knowledge_institution": "1",
    "partner_customers": ["1", "3"],
    "partner_suppliers": ["0"],
    "obstacles": ["1", "8"],
    "obstacles_other": "Te weinig tijd <script>alert(1)</script> & meer",
    "support_wbso": "1",
    "support_mit": "0",
    "support_innovatiekrediet": "0",
    "support_efro": "3",
    "support_voucher": "2",
    "theme19_finance_sources": ["1", "3"],
    "theme19_finance_gap": "0",
    "theme19_technologies": ["0"],
    "theme19_technology_plans": "1",
    "theme18_goal_economic": "4",
    "theme18_competences": ["1", "2"],
}


def typed_in(answers: dict, lang: str) -> dict:
    """``answers`` (typed as in Dutch: a decimal comma) as typed in ``lang``."""
    if lang != "en":
        return answers
    return {
        k: v.replace(",", ".") if isinstance(v, str) and re.fullmatch(r"\d+,\d+", v) else v
        for k, v in answers.items()
    }


# The same answers as stored (typed like an import stores them).
STORED_2019 = {
    "employees": 12,
    "founding_year": 2001,
    "turnover_class": 2,
    "product_innovation": 1,
    "process_innovation": 1,
    "bpi_functions": [1, 3],
    "product_new_to_market": 1,
    "turnover_new_market_pct": 20.0,
    "turnover_new_firm_pct": 30.5,
    "turnover_unchanged_pct": 49.5,
    "innovation_investment": 1,
    "rd_internal": 0,
    "innovation_spend_pct": 5.0,
    "innovation_staff": 3,
    "collab_knowledge_institution": 1,
    "partner_customers": [1, 3],
    "partner_suppliers": [0],
    "obstacles": [1, 8],
    "obstacles_other": "Te weinig tijd <script>alert(1)</script> & meer",
    "support_wbso": 1,
    "support_mit": 0,
    "support_innovatiekrediet": 0,
    "support_efro": 3,
    "support_voucher": 2,
    "theme19_finance_sources": [1, 3],
    "theme19_finance_gap": 0,
    "theme19_technologies": [0],
    "theme19_technology_plans": 1,
    "theme18_goal_economic": 4,
    "theme18_competences": [1, 2],
}


def hidden(html: str, name: str) -> str:
    m = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert m, f"no hidden input {name}"
    return unescape(m.group(1))


def page_data(html: str, answers: dict) -> dict:
    """The POST data of the page in ``html`` with ``answers`` for its fields."""
    fields = hidden(html, "fields").split()
    lang = re.search(r'<html lang="([a-z]+)', html)
    answers = typed_in(answers, lang.group(1) if lang else "nl")
    data = {
        "revision": hidden(html, "revision"),
        "fields": " ".join(fields),
        "shown": hidden(html, "shown"),
        "page": hidden(html, "page"),
        "action": "next",
    }
    for name in fields:
        if name in answers:
            data[name] = answers[name]
    return data


def fill(client, start_url: str, answers: dict, max_pages: int = 20) -> str:
    """Go through every page from ``start_url`` to the review page; returns the review URL."""
    r = client.get(start_url, follow=True)
    url = r.redirect_chain[-1][0] if r.redirect_chain else start_url
    html = r.content.decode()
    if "/p/" not in url:  # the welcome page: follow its start button
        m = re.search(r'href="([^"]+/p/[^"]+/)"', html)
        url = m.group(1)
        html = client.get(url).content.decode()
    for _ in range(max_pages * 3):
        r = client.post(url, page_data(html, answers))
        if r.status_code == 302:
            url = r["Location"]
            if url.endswith("/review/"):
                return url
            html = client.get(url).content.decode()
            continue
        assert r.status_code == 200
        html = r.content.decode()
        assert 'class="error-summary"' not in html, re.findall(
            r'class="error"[^<]*<[^>]*>[^<]*', html
        )
    raise AssertionError("did not reach the review page")
