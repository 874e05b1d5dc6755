"""The report's panel — the table "Panel overlap" and the sentence "Of the … firms that answered
both waves" — is one number: the firms with a complete SME response in both waves, matched by
KvK number. (The table once counted every complete response, the sentence only the firms placed
on the ladder in both builds: 160 against 155 in the 2019 report.)"""

from __future__ import annotations

import re

import pytest

from innomon.survey.models import Response, Wave

PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
SPAN = re.compile(r'<span class="num" data-ref="([^"]+)">([^<]*)</span>')
TABLE = re.compile(r'<div class="table" id="table-panel">(.*?)</div>', re.S)
ROW = re.compile(r'<th scope="row">(\d{4})</th><td class="n">(.*?)</td>', re.S)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def direct_panel(year: int, other: int) -> int:
    """This test's own count: KvK numbers with a complete response of an SME in both waves."""

    def kvks(y: int) -> set[str]:
        return set(
            Response.objects.filter(wave__year=y, status="complete")
            .exclude(firm__size_class="large")
            .values_list("firm__kvk", flat=True)
        )

    return len(kvks(year) & kvks(other))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["report.html", "report.en.html"])
def test_the_panel_sentence_and_table_give_one_number(demo_report, name):
    html = (demo_report.folder / name).read_text()
    previous = demo_report.year - 1
    table = TABLE.search(html).group(1)
    rows = {int(y): SPAN.findall(cell) for y, cell in ROW.findall(table)}
    assert set(rows) == {
        y for y in Wave.objects.values_list("year", flat=True) if y < demo_report.year
    }
    ((_, shown),) = rows[previous]
    in_table = _number(shown)
    # the sentence: the paragraph with the panel firms' moves up the ladder
    sentences = [p for p in PARAGRAPH.findall(html) if "trends.transitions.moved_up" in p]
    assert len(sentences) == 1
    (_, first), *_ = SPAN.findall(sentences[0])
    in_sentence = _number(first)
    direct = direct_panel(demo_report.year, previous)
    assert in_sentence == in_table == direct
    for year, ((_, text),) in rows.items():
        assert _number(text) == direct_panel(demo_report.year, year), year
