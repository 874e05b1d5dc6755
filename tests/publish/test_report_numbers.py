"""Every number the report prints equals the stored value it came from.

The report prints each number as ``<span class="num" data-ref="…">``; this test looks every
reference up in the database itself (its own queries, not the report's), parses the printed
text in the page's language and compares it with the stored value rounded to the printed
decimals. Suppressed estimates are printed as the word, never as a number."""

from __future__ import annotations

import json
import re

import pytest

from innomon.builds.models import Build, BuildEstimate, FirmClass
from innomon.definition import load_definition
from innomon.survey.models import Response, Wave

SPAN = re.compile(r'<span class="num" data-ref="([^"]+)">([^<]*)</span>')
NUMBER_CELL = re.compile(r'<td class="n">(.*?)</td>')
SEPARATORS = {"nl": (",", "\u202f"), "en": (".", ",")}
PRINTED_AS_PERCENT = {"strategy_top_innovators": 100.0}  # stored as a fraction


def parse(text: str, lang: str) -> tuple[float, int]:
    decimal, thousands = SEPARATORS[lang]
    other_decimal = "." if lang == "nl" else None
    body = text.removesuffix("%").replace("−", "-")
    assert other_decimal is None or other_decimal not in body, (lang, text)
    if lang == "en":
        assert "\u202f" not in body, text
    body = body.replace(thousands, "")
    whole, _, frac = body.partition(decimal)
    assert re.fullmatch(r"-?\d+", whole), (lang, text)
    assert re.fullmatch(r"\d*", frac), (lang, text)
    return float(f"{whole}.{frac}" if frac else whole), len(frac)


def dig(data, path: str):
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def stored(ref: str):
    """The database value of a reference, found with this test's own queries."""
    kind, *rest = ref.split("|")
    if kind == "est":
        build_id, indicator, domain, value, field = rest
        e = BuildEstimate.objects.get(
            build_id=build_id, indicator=indicator, domain=domain, domain_value=value
        )
        # the n of a suppressed cell is shown; its estimate and CI never are
        assert field == "n" or not e.suppressed, f"{ref}: a suppressed estimate is printed"
        return getattr(e, field) * (1.0 if field == "n" else PRINTED_AS_PERCENT.get(indicator, 1))
    if kind == "wave":
        wave_id, field = rest
        return getattr(Wave.objects.get(pk=wave_id), field)
    if kind in ("responses", "rate"):
        wave_id, *spec = rest
        responses = Response.objects.filter(wave_id=wave_id)
        if kind == "rate" and spec[0] == "wave":
            wave = Wave.objects.get(pk=wave_id)
            return 100.0 * responses.filter(status="complete").count() / wave.invited
        status, dim, value = spec if kind == "responses" else ["all", *spec]
        if dim == "province":
            responses = responses.filter(firm__municipality__corop__province__code=value)
        elif dim == "size_class":
            responses = responses.filter(firm__size_class=value)
        elif dim == "section_group":
            sectors = next(d for d in load_definition().domains if d.variable == "sbi_section")
            letters = next(g.values for g in sectors.groups if g.code == value)
            responses = responses.filter(firm__sbi_section__in=list(letters))
        if kind == "rate":
            return 100.0 * responses.filter(status="complete").count() / responses.count()
        return responses.count() if status == "all" else responses.filter(status=status).count()
    if kind == "weighting":
        build_id, path = rest
        return dig(Build.objects.get(pk=build_id).weighting, path)
    if kind == "summary":
        build_id, path = rest
        return dig(Build.objects.get(pk=build_id).summary, path)
    if kind == "panel":
        wave_id, other_id = rest
        now = set(
            Response.objects.filter(wave_id=wave_id, status="complete").values_list(
                "firm_id", flat=True
            )
        )
        then = set(
            Response.objects.filter(wave_id=other_id, status="complete").values_list(
                "firm_id", flat=True
            )
        )
        return len(now & then)
    if kind == "classes":
        build_id, what, key = rest
        classes = FirmClass.objects.filter(build_id=build_id)
        if what == "level":
            return classes.filter(level=None if key == "none" else int(key)).count()
        if any(f.name == "flags" for f in FirmClass._meta.get_fields()):
            flags = [f for f in classes.values_list("flags", flat=True) if f]
            if flags:  # the generic flags of the typology (a build of this version)
                return sum(1 for f in flags if f.get(key) is True)
        return classes.filter(**{key: True}).count()
    if kind == "const":
        return float(rest[0])
    raise AssertionError(f"unknown reference {ref}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "lang"), [("report.html", "nl"), ("report.en.html", "en")])
def test_every_number_in_the_report_is_the_stored_value(demo_report, name, lang):
    html = (demo_report.folder / name).read_text()
    found = SPAN.findall(html)
    assert len(found) > 1000
    kinds = set()
    for ref, text in found:
        value, decimals = parse(text, lang)
        expected = stored(ref)
        kinds.add(ref.split("|")[0])
        assert abs(expected - value) <= 0.5 * 10**-decimals + 1e-9, (ref, text, expected)
    assert kinds >= {"est", "wave", "responses", "rate", "weighting", "summary", "panel", "classes"}


@pytest.mark.django_db
def test_table_numbers_are_all_traced_and_suppressed_cells_say_so(demo_report):
    html = (demo_report.folder / "report.html").read_text()
    for cell in NUMBER_CELL.findall(html):
        assert SPAN.sub("", cell).strip() in ("", "–"), cell  # nothing printed outside a span
    build = Build.objects.filter(wave_id=demo_report.wave_id).order_by("-created_at").first()
    hidden = BuildEstimate.objects.filter(build=build, suppressed=True).exclude(
        domain__contains="*"
    )
    assert hidden.exists()
    # the annex rows of a suppressed estimate print the word, and no number of the estimate:
    # each indicator's annex table has as many such rows as the build has suppressed estimates
    # for the region and the single domains
    domains = build.summary.get("domains") or load_definition().domain_ids
    shown = hidden.filter(domain__in=("", *domains)).exclude(indicator__startswith="question:")
    assert shown.exists()
    refs = set(SPAN.findall(html))
    for indicator in sorted(set(shown.values_list("indicator", flat=True))):
        table = re.search(
            rf'<div class="table" id="table-annex-{indicator}">(.*?)</div>', html, re.S
        )
        rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>", 1)[1], re.S)
        words = [r for r in rows if r.count('<td class="suppressed">onderdrukt</td>') == 2]
        assert len(words) == shown.filter(indicator=indicator).count(), indicator
        for e in shown.filter(indicator=indicator):
            prefix = f"est|{build.pk}|{e.indicator}|{e.domain}|{e.domain_value}|"
            assert not any(r.startswith(prefix) and r.endswith("estimate") for r, _t in refs)


@pytest.mark.django_db
def test_chart_data_are_the_build_values_and_suppressed_bars_are_words(demo_report):
    html = (demo_report.folder / "report.en.html").read_text()
    specs = re.findall(
        r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', html, re.S
    )
    assert len(specs) >= 12
    build = Build.objects.filter(wave_id=demo_report.wave_id).order_by("-created_at").first()
    regional = dict(specs)["participants-by-region"]
    rows = json.loads(regional)["data"]["values"]
    stored_rows = {
        e.domain_value: e
        for e in BuildEstimate.objects.filter(build=build, indicator="participants", domain="corop")
    }
    assert len(rows) == 3 + 9
    for row in rows:
        assert set(row) >= {"label", "estimate", "ci_low", "ci_high", "n", "text", "suppressed"}
        if row["suppressed"]:
            assert row["estimate"] is None
            assert row["text"] == "suppressed"
    corop_rows = list(json.loads(dict(specs)["map-corop"])["data"]["values"])
    assert {r["code"] for r in corop_rows} == set(stored_rows)
    for r in corop_rows:
        e = stored_rows[r["code"]]
        assert r["estimate"] == (None if e.suppressed else pytest.approx(e.estimate))
        assert r["n"] == e.n


@pytest.mark.django_db
def test_the_respondents_share_stands_beside_the_estimate_with_the_reason(demo_report):
    # the monitor used to publish the share of respondents (36 % in 2017); the report shows
    # it beside the weighted estimate and explains why the estimate for all SMEs is lower
    build = Build.objects.filter(wave_id=demo_report.wave_id).order_by("-created_at").first()
    e = BuildEstimate.objects.get(build=build, indicator="participants", domain="")
    assert e.estimate < e.sample_share
    for name, lang, reason in (
        ("report.en.html", "en", "firms that innovate answer the monitor more often"),
        ("report.html", "nl", "innoverende bedrijven vullen de monitor vaker in"),
    ):
        html = (demo_report.folder / name).read_text()
        refs = dict(SPAN.findall(html))
        share = refs[f"est|{build.pk}|participants|||sample_share"]
        assert parse(share, lang)[0] == pytest.approx(e.sample_share, abs=0.05)
        assert reason in html
