"""A build follows the wave's questionnaire and the monitor definition, by name.

- An indicator whose variables the wave did not ask has no estimate and is listed as not asked;
  no trend is made across it.
- Every reported question has its table; its numbers are those of ``innomon.stats.estimate``.
- The typology's flags are whatever ids the definition gives; ``FirmClass.flags`` holds them.
- The roles of the analyses come from the definition: a role it does not define, or whose
  variable the wave did not ask, is a clean summary entry, never a crash.
- The build's provenance names the questionnaire, the definition, the region file and the
  version.
"""

from __future__ import annotations

import importlib.resources
import shutil

import numpy as np
import pytest
import yaml

from innomon import __version__
from innomon.builds.analyse import (
    QUESTION,
    build_with_summary,
    question_rows,
    reported_questions,
)
from innomon.builds.models import FirmClass
from innomon.definition import load_definition
from innomon.demo.run import initiatives
from innomon.registry.services import load_frame, register_firms, register_initiatives
from innomon.stats import DisclosureRule, estimate, make_design
from innomon.survey.responses import registry_instrument

from .test_robust_build import FIRMS, SBI_CODES, _store, random_answers, random_frame

PARTNERS = "partner_any"  # an indicator over the partner questions, asked since 2019


def _setup(region, region_data, make_wave, year):
    register_initiatives(initiatives(), "initiatives.yaml")
    rng = np.random.default_rng(2024)
    munis = [m.code for m in region_data.municipalities]
    register_firms(
        [
            {
                "kvk": f"{70_000_000 + i}",
                "name": f"Definitie {i} B.V.",
                "sbi_code": SBI_CODES[i % len(SBI_CODES)],
                "employees": int(rng.choice([1, 5, 9, 10, 30, 120])),
                "municipality": munis[int(rng.integers(len(munis)))],
                "founding_year": int(rng.integers(1950, year)),
            }
            for i in range(FIRMS)
        ],
        "firms.csv",
    )
    cells = random_frame(rng, region_data)
    load_frame(region, year, cells, "frame.csv")
    wave = make_wave(year, invited=FIRMS)
    instrument = registry_instrument().as_of(year)
    rng = np.random.default_rng(year)
    _store(wave, instrument, lambda i: random_answers(instrument, rng, skip=0.05))
    return wave


@pytest.fixture
def definition_dir(tmp_path, monkeypatch):
    """A copy of the packaged definition in ``tmp_path`` as the active one; edit its YAML with
    the returned function ``edit(name, change)``."""
    target = tmp_path / "my-monitor"
    source = importlib.resources.files("innomon") / "monitors" / "noord-nederland"
    with importlib.resources.as_file(source) as path:
        shutil.copytree(path, target)
    monkeypatch.setenv("INNOMON_MONITOR", str(target))

    def edit(name, change):
        path = target / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    return edit


@pytest.mark.django_db
def test_a_wave_that_did_not_ask_an_indicator_lists_it_and_stores_nothing(
    region, region_data, make_wave
):
    wave = _setup(region, region_data, make_wave, 2017)
    build, _ = build_with_summary(wave, replicates=5)
    assert PARTNERS in build.summary["not_asked"]
    assert build.summary["not_asked"] == sorted(build.summary["not_asked"])
    assert not build.estimates.filter(indicator=PARTNERS).exists()
    assert build.estimates.filter(indicator="innovators", domain="").exists()
    # the questions of the wave, in form order, text questions left out
    questions = build.summary["questions"]
    names = [q["name"] for q in questions]
    instrument = registry_instrument().as_of(2017)
    assert names == [q.name for q in reported_questions(instrument)]
    assert "partner_customers" not in names
    assert "obstacles_other" not in names  # a text question
    assert {q["type"] for q in questions} >= {"integer", "select_one", "select_multiple"}
    # every domain of the definition, and the provenance
    assert build.summary["domains"] == list(load_definition().domain_ids)
    prov = build.summary["provenance"]
    assert prov["questionnaire"]["sha256"] == wave.questionnaire_sha256
    assert prov["definition"]["sha256"] == load_definition().sha256
    assert prov["region"]["code"] == "noord-nederland"
    assert len(prov["region"]["sha256"]) == 64
    assert prov["innomon"] == __version__


@pytest.mark.django_db
def test_the_question_tables_are_weighted_estimates(region, region_data, make_wave):
    wave = _setup(region, region_data, make_wave, 2019)
    build, _ = build_with_summary(wave, replicates=5)
    weights = dict(build.firm_classes.values_list("firm__kvk", "weight"))
    answers = dict(wave.responses.values_list("firm__kvk", "answers"))
    kvks = sorted(weights)
    w = np.array([weights[k] for k in kvks])

    def stored(indicator):
        return build.estimates.get(indicator=indicator, domain="")

    # a number: the weighted mean among the firms that answered
    x = np.array([answers[k].get("employees", np.nan) for k in kvks], dtype=float)
    e = stored(f"{QUESTION}employees")
    ok = ~np.isnan(x)
    assert e.n == ok.sum()
    assert e.estimate == pytest.approx((w[ok] * x[ok]).sum() / w[ok].sum())
    # a select_multiple: the share ticking a code among the firms that ticked any
    ticked = [answers[k].get("obstacles") for k in kvks]
    any_tick = np.array([bool(t) for t in ticked])
    for code in ("1", "2"):
        has = np.array([bool(t) and int(code) in t for t in ticked])
        e = stored(f"{QUESTION}obstacles={code}")
        assert e.n == any_tick.sum()
        expected = 100 * (w * has).sum() / w[any_tick].sum()
        assert e.estimate == pytest.approx(expected)
    # the region and every single domain; no crosses
    domains = set(
        build.estimates.filter(indicator__startswith=QUESTION).values_list("domain", flat=True)
    )
    assert domains == {"", *load_definition().domain_ids}


def test_question_rows_equal_the_engine():
    """``question_rows`` of a select_one, a select_multiple and a number question against
    direct calls of ``innomon.stats.estimate``."""
    from innomon.instrument import load_instrument
    from innomon.instrument.derive import derive_columns

    instrument = load_instrument().as_of(2019)
    rng = np.random.default_rng(1)
    n = 80
    records = []
    for i in range(n):
        rec = {"turnover_class": int(rng.integers(1, 7)), "province": ["PV20", "PV21"][i % 2]}
        if rng.random() < 0.8:
            rec["employees"] = int(rng.integers(0, 200))
        if rng.random() < 0.7:
            rec["obstacles"] = sorted({int(c) for c in rng.integers(1, 5, 2)})
        records.append(rec)
    data = derive_columns(
        instrument, records, {"wave.year": 2019, "parameter.top_innovator_threshold": 0.4}
    )
    design = make_design(weights=rng.uniform(1, 5, n))
    rule = DisclosureRule()
    rows = {
        (r["indicator"], r["domain"], r["values"]): r
        for r in question_rows(instrument, data, design, ["province"], rule)
    }
    # select_one: the share of a code among those who answered
    tc = data["turnover_class"]
    col = np.where(np.isnan(tc), np.nan, (tc == 3).astype(float))
    direct = {
        e.domain: e
        for e in estimate(
            {"x": col, "province": data["province"]}, design, prop=["x"], by=[(), ("province",)]
        )
        if e.level == "1"
    }
    for domain, e in direct.items():
        key = (
            f"{QUESTION}turnover_class=3",
            tuple(d for d, _ in domain),
            tuple(v for _, v in domain),
        )
        assert rows[key]["estimate"] == pytest.approx(100 * e.estimate)
        assert rows[key]["se"] == pytest.approx(100 * e.se)
        assert rows[key]["n"] == e.n
    # select_multiple: ticked the code, among those who ticked any
    ticked = data["obstacles"]
    col = np.array([np.nan if t is None else float("2" in t.split()) for t in ticked])
    (e,) = [x for x in estimate({"x": col}, design, prop=["x"]) if x.level == "1"]
    r = rows[(f"{QUESTION}obstacles=2", (), ())]
    assert (r["estimate"], r["n"]) == (pytest.approx(100 * e.estimate), e.n)
    # a number: its mean
    (e,) = estimate({"x": data["employees"]}, design, mean=["x"])
    r = rows[(f"{QUESTION}employees", (), ())]
    assert (r["estimate"], r["se"], r["n"]) == (pytest.approx(e.estimate), pytest.approx(e.se), e.n)
    # text questions have no table
    assert not any(k[0].startswith(f"{QUESTION}obstacles_other") for k in rows)


@pytest.mark.django_db
def test_roles_and_flags_come_from_the_definition(region, region_data, make_wave, definition_dir):
    def roles(data):
        del data["roles"]["complementarity"]
        data["roles"]["participation"]["participant"] = "took_part"  # not in the questionnaire

    def flags(data):
        for flag in data["flags"]:
            if flag["id"] == "micro_veteran":
                flag["id"] = "tiny_old"

    def indicators(data):
        extra = dict(data["indicators"][0], id="my_indicator", variable="no_such_question")
        data["indicators"].append(extra)

    definition_dir("monitor.yaml", roles)
    definition_dir("typology.yaml", flags)
    definition_dir("indicators.yaml", indicators)
    wave = _setup(region, region_data, make_wave, 2019)
    build, lines = build_with_summary(wave, replicates=5)
    s = build.summary
    assert s["complementarity"]["skipped"] == "not defined"
    assert "complementarity: not defined" in " ".join(lines)
    assert s["trend"]["skipped"] == "not asked"
    assert s["trend"]["missing"] == ["took_part"]
    assert "took_part" in s["trend"]["error"]
    assert s["top_without_collaboration"]["skipped"] == "not asked"
    assert not build.estimates.filter(indicator__startswith="strategy_").exists()
    assert not build.estimates.filter(indicator="participation_by_level").exists()
    assert "my_indicator" in s["not_asked"]
    assert not build.estimates.filter(indicator="my_indicator").exists()
    assert s["provenance"]["definition"]["code"] == "my-monitor"
    # the flags by their ids; the old columns only where the ids exist
    classes = list(FirmClass.objects.filter(build=build))
    assert classes
    assert all(set(c.flags) == {"top", "frugal", "tiny_old"} for c in classes)
    assert all(c.micro_veteran is None for c in classes)
    assert all(c.top == c.flags["top"] for c in classes)
    assert any(c.flags["tiny_old"] is not None for c in classes)
