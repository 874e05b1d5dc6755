"""The passports of the demo's latest wave (2019: 436 responding firms) as `innomon demo` made them:
peer groups and their widening, percentiles against a hand computation from the build's stored
weights, no other firm's name in any passport, the private link and its 404, the command."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from innomon.builds.models import FirmClass
from innomon.builds.services import latest_build
from innomon.cli import cli
from innomon.definition import load_definition
from innomon.passports.content import build_passports
from innomon.passports.links import passport_link
from innomon.passports.models import Passport, PassportLink
from innomon.passports.rules import passport_rules
from innomon.passports.services import passports_dir, pdf_name
from innomon.registry.models import Firm
from innomon.survey.models import Response, Wave
from innomon.survey.services import wave_records

pytestmark = pytest.mark.slow

YEAR = 2019  # the demo makes the passports of its latest wave
GROUP_OF = {
    letter: g.code for g in load_definition().domain("sbi_group").groups for letter in g.values
}


@pytest.fixture
def wave(demo, db):
    return Wave.objects.get(year=YEAR)


def _text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_demo_writes_one_pdf_per_responding_firm(demo, wave):
    responding = set(
        Response.objects.filter(wave=wave, status="complete")
        .exclude(firm__size_class="large")
        .values_list("firm__kvk", flat=True)
    )
    folder = passports_dir(demo.home / "private", wave)
    assert {p.name for p in folder.glob("*.pdf")} == {pdf_name(YEAR, k) for k in responding}
    build = latest_build(wave)
    assert len(responding) == build.respondents
    assert Passport.objects.filter(build=build).count() == len(responding)
    assert PassportLink.objects.filter(wave=wave).count() == len(responding)
    for kvk in sorted(responding)[:5]:
        reader = PdfReader(folder / pdf_name(YEAR, kvk))
        assert 2 <= len(reader.pages) <= 4
        text = _text(folder / pdf_name(YEAR, kvk))
        assert f"Innovatiepaspoort {YEAR}" in text  # Dutch by default
        assert kvk in text


def test_peer_groups_are_the_narrowest_with_ten_firms(wave):
    records = wave_records(wave)
    cells, sizes = {}, {}
    for r in records:
        g = (GROUP_OF[r["sbi_section"]], r["size_class"])
        cells[g] = cells.get(g, 0) + 1
        sizes[r["size_class"]] = sizes.get(r["size_class"], 0) + 1
    by_kvk = {p.firm.kvk: p.data for p in Passport.objects.select_related("firm")}
    widened = 0
    for r in records:
        peer = by_kvk[r["kvk"]]["peer"]
        cell = (GROUP_OF[r["sbi_section"]], r["size_class"])
        if cells[cell] >= 10:
            assert peer["columns"] == ["sbi_group", "size_class"]
            assert peer["values"] == list(cell)
            assert peer["firms"] == cells[cell]
        else:
            widened += 1
            assert peer["widened"]
            assert peer["columns"] == ["size_class"]
            assert peer["firms"] == sizes[r["size_class"]]
            assert peer["own_values"] == list(cell)
            assert peer["own_firms"] == cells[cell]
    assert widened > 0  # the demo has small cells (e.g. medium-sized industry firms)


def test_widening_goes_on_to_the_region_and_the_passport_says_so(wave):
    build = latest_build(wave)
    # a rule of 150 firms: no sector × size cell and not every size class reaches it
    strict = dataclasses.replace(passport_rules(), min_firms=150)
    made = build_passports(build, rules=strict)
    steps = {p.data["peer"]["step"] for p in made}
    assert steps == {0, 1, 2} or steps == {1, 2}
    sizes = {}
    for r in wave_records(wave):
        sizes[r["size_class"]] = sizes.get(r["size_class"], 0) + 1
    for p in made:
        size = next(
            v
            for c, v in zip(
                p.data["peer"]["own_columns"], p.data["peer"]["own_values"], strict=True
            )
            if c == "size_class"
        )
        expected = 1 if sizes[size] >= 150 else 2
        if p.data["peer"]["own_firms"] < 150:
            assert p.data["peer"]["step"] == expected
    region = next(p for p in made if p.data["peer"]["step"] == 2)
    assert region.data["peer"]["columns"] == []
    assert region.data["peer"]["firms"] == build.respondents
    # the region's figures are the build's region estimates
    for row in region.data["indicators"]:
        assert row["peer"] == row["region"]
    from django.utils import translation

    from innomon.passports.render import view_model

    with translation.override("en"):
        text = view_model(region.data, "en")["peer_text"]
    assert "fewer than 150 responding firms" in text
    assert "all SMEs of the region" in text


def _spend(r):
    """Innovation spend (% of turnover; 0 for firms that do not invest), by hand."""
    if r.get("innovation_investment") == 0:
        return 0.0
    v = r.get("innovation_spend_pct")
    return None if v is None else float(v)


@pytest.mark.parametrize("widened", [False, True])
def test_percentiles_match_a_hand_computation_with_the_builds_weights(wave, widened):
    build = latest_build(wave)
    weights = dict(FirmClass.objects.filter(build=build).values_list("firm__kvk", "weight"))
    passports = {
        p.firm.kvk: p.data for p in Passport.objects.filter(build=build).select_related("firm")
    }
    records = wave_records(wave)
    by_kvk = {r["kvk"]: r for r in records}
    # a firm with a value, compared within its own group or (widened) within its size class
    kvk = next(
        k
        for k in sorted(passports)
        if passports[k]["peer"]["widened"] == widened and _spend(by_kvk[k]) is not None
    )
    own_data = passports[kvk]
    peer = own_data["peer"]
    own = _spend(by_kvk[kvk])

    def in_group(r):
        key = {"sbi_group": GROUP_OF[r["sbi_section"]], "size_class": r["size_class"]}
        return all(key[c] == v for c, v in zip(peer["columns"], peer["values"], strict=True))

    def pct(rows):
        below = equal = total = 0.0
        for r in rows:
            v = _spend(r)
            if v is None:
                continue
            w = weights[r["kvk"]]
            total += w
            below += w if v < own else 0.0
            equal += w if v == own else 0.0
        return 100 * (below + equal / 2) / total

    group = [r for r in records if in_group(r)]
    assert len(group) == peer["firms"]
    row = next(x for x in own_data["indicators"] if x["id"] == "innovation_spend")
    assert row["own"] == pytest.approx(own)
    assert row["pct_peer"] == pytest.approx(pct(group))
    assert row["pct_region"] == pytest.approx(pct(records))
    # the peer group's figure is the build's estimate for that domain
    est = build.estimates.get(
        indicator="innovation_spend",
        domain="*".join(peer["columns"]),
        domain_value="*".join(peer["values"]),
    )
    assert row["peer"]["estimate"] == pytest.approx(est.estimate)


WORD = re.compile(r"[\w&'.-]+")


def _name_finder(names):
    """A function giving the names of ``names`` found in a text: each name is looked up by its
    first word among the text's words, then searched whole (9,500 names × 436 passports would
    otherwise be four million substring searches)."""
    by_first = {}
    for name in names:
        words = WORD.findall(name)
        by_first.setdefault(words[0] if words else name, set()).add(name)

    def find(text):
        return {n for w in set(WORD.findall(text)) for n in by_first.get(w, ()) if n in text}

    return find


def test_no_passport_holds_another_firms_name(demo, wave):
    # other firms' names (some synthetic firms share a name: those are the firm's own too)
    names = set(Firm.objects.values_list("name", flat=True))
    find = _name_finder(names)
    folder = passports_dir(demo.home / "private", wave)
    passports = list(Passport.objects.filter(build__wave=wave).select_related("firm"))
    for p in passports:
        blob = json.dumps(p.data, ensure_ascii=False)
        assert p.firm.name in find(blob)  # the finder finds the firm's own name
        others = find(blob) - {p.firm.name}
        assert others == set(), (p.firm.kvk, sorted(others)[:3])
        assert p.data["firm_name"] == p.firm.name
        assert not set(re.findall(r"\b\d{8}\b", blob)) - {p.firm.kvk}
    for p in passports[:40]:
        text = " ".join(_text(folder / pdf_name(YEAR, p.firm.kvk)).split())
        assert p.firm.name in find(text)
        assert find(text) - {p.firm.name} == set()


def test_private_link_shows_the_passport_and_a_bad_token_is_a_plain_404(client, wave):
    passport = Passport.objects.filter(build__wave=wave).select_related("firm").first()
    path = passport_link(passport.firm, YEAR)
    assert re.fullmatch(r"/passport/[A-Za-z0-9_-]{43}/", path)  # 32 random bytes
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(passport.firm.name) in html
    assert f"Innovatiepaspoort {YEAR}" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    english = client.get(path + "?lang=en").content.decode()
    assert f"Innovation Passport {YEAR}" in english
    pdf = client.get(path + "pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    token = path.split("/")[2]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (f"/passport/{wrong}/", f"/passport/{wrong}/pdf/", "/passport/x/"):
        response = client.get(bad)
        assert response.status_code == 404
        assert escape(passport.firm.name).encode() not in response.content
    link = PassportLink.objects.get(token=token)
    link.expires_at = timezone.now() - timezone.timedelta(seconds=1)
    link.save()
    assert client.get(path).status_code == 404
    assert client.get(path + "pdf/").status_code == 404
    # asking for the link again issues a new token; the old one stays dead
    fresh = passport_link(passport.firm, YEAR)
    assert fresh != path
    assert client.get(fresh).status_code == 200
    assert client.get(path).status_code == 404


def test_passport_link_is_none_without_a_passport(wave):
    outsider = Firm.objects.exclude(passports__isnull=False).first()
    assert passport_link(outsider, YEAR) is None
    firm = Passport.objects.filter(build__wave=wave).first().firm
    assert passport_link(firm, YEAR - 1) is None  # the demo makes passports of its latest wave


def test_a_firm_that_answered_in_english_gets_an_english_passport(demo, wave):
    from click.testing import CliRunner

    response = (
        Response.objects.filter(wave=wave, status="complete")
        .exclude(firm__size_class="large")
        .order_by("firm__kvk")
        .last()
    )
    kvk = response.firm.kvk
    folder = passports_dir(demo.home / "private", wave)
    # the answers are part of the build's checksum: changed answers wait for a new build
    answers = response.answers
    response.answers = {**answers, "comments": "changed"}
    response.language = "en"
    response.save()
    result = CliRunner().invoke(cli, ["passports", str(YEAR), "--firm", kvk])
    assert result.exit_code == 1
    assert "changed after build" in result.output
    assert "Innovatiepaspoort" in _text(folder / pdf_name(YEAR, kvk))  # left as it was
    response.answers = answers  # as built again; the language is not part of the estimates
    response.save()
    result = CliRunner().invoke(cli, ["passports", str(YEAR), "--firm", kvk])
    assert result.exit_code == 0, result.output
    assert "1 passport(s)" in result.output
    assert f"Innovation Passport {YEAR}" in _text(folder / pdf_name(YEAR, kvk))
    assert Passport.objects.get(build=latest_build(wave), firm__kvk=kvk).language == "en"


def test_bad_input_is_one_line_and_writes_nothing(demo, wave):
    from click.testing import CliRunner

    folder = passports_dir(demo.home / "private", wave)
    before = sorted(p.name for p in folder.iterdir())
    count = Passport.objects.count()
    result = CliRunner().invoke(cli, ["passports", str(YEAR), "--firm", "99999999"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert f"99999999 is not a responding firm of wave {YEAR}" in result.output
    result = CliRunner().invoke(cli, ["passports", "2031"])
    assert result.exit_code == 1
    assert "there is no wave 2031" in result.output
    assert sorted(p.name for p in folder.iterdir()) == before
    assert Passport.objects.count() == count
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".passports")]


def test_no_build_yet_is_a_clear_error(make_wave, db):
    from click.testing import CliRunner

    make_wave(2031)
    result = CliRunner().invoke(cli, ["passports", "2031"])
    assert result.exit_code == 1
    assert "wave 2031 has no build yet; run `innomon build 2031` first" in result.output


def test_landing_page_links_a_sample_passport_of_a_synthetic_wave_only(client, wave):
    html = client.get("/").content.decode()
    paths = re.findall(r'href="(/passport/[A-Za-z0-9_-]{43}/)"', html)
    assert len(paths) == 1
    assert f"Voorbeeld van een Innovatiepaspoort {YEAR}" in html
    assert client.get(paths[0]).status_code == 200
    Wave.objects.filter(pk=wave.pk).update(is_synthetic=False)
    assert "/passport/" not in client.get("/").content.decode()


def test_the_pdf_files_are_never_served_as_plain_outputs(demo, client, wave):
    kvk = Passport.objects.filter(build__wave=wave).first().firm.kvk
    rel = f"noord-nederland/{YEAR}/passports/{pdf_name(YEAR, kvk)}"
    assert (demo.home / "private" / rel).is_file()  # the private tree, never served
    assert client.get(f"/out/{rel}").status_code == 404
    assert (
        client.get(f"/out/noord-nederland/{YEAR}/x/../passports/{pdf_name(YEAR, kvk)}").status_code
        == 404
    )


def test_the_back_office_shows_each_firms_private_link(client, wave, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("team", "", "x-long-secret-9"))
    passport = Passport.objects.filter(build__wave=wave).select_related("firm").first()
    path = passport_link(passport.firm, YEAR)
    page = client.get(f"/admin/passports/passportlink/?q={passport.firm.kvk}")
    assert page.status_code == 200
    assert path in page.content.decode()
    assert client.get("/admin/passports/passportlink/add/").status_code == 200
