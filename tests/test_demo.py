"""The demo reproduces the published figures (docs/sources.md §1.2, §1.6) within sampling
noise. Tolerance for a share p̂ from n firms: |p̂ − p| ≤ 2·√(p(1−p)/n), two standard errors."""

from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
import pytest

from innomon.demo import run as demo_run
from innomon.demo.generate import generate
from innomon.registry.models import Firm, Initiative
from innomon.survey.models import Response, Wave
from innomon.survey.services import wave_records

pytestmark = pytest.mark.slow


def _records(year):
    """Complete SME responses of ``year`` with ``ntm``: the new-to-market turnover share (0
    for firms without product innovations, which are not asked)."""
    out = []
    for r in wave_records(Wave.objects.get(year=year)):
        value = r.get("turnover_new_market_pct")
        r["ntm"] = 0.0 if r.get("product_innovation") == 0 else value and float(value)
        out.append(r)
    return out


def _within_two_se(p_hat, p, n):
    return abs(p_hat - p) <= 2 * math.sqrt(p * (1 - p) / n)


def _wave_parameters():
    return {w["year"]: w for w in demo_run.parameters()["waves"]}


@pytest.mark.django_db
def test_every_generated_response_reaches_the_waves_through_the_import(demo):
    """The wave sizes are the generator's inputs (parameters.yaml: 624 complete responses in
    2017, 5,576 invited and 503 complete in 2018, ...); what is tested is that the Qualtrics
    export and the import carry every generated response into its wave, and that the stored
    response rates are plausible ones."""
    params = _wave_parameters()
    sizes = {
        w.year: (w.invited, w.responses.filter(status="complete").count())
        for w in Wave.objects.all()
    }
    assert sorted(sizes) == sorted(params)
    for year, (invited, complete) in sizes.items():
        assert (invited, complete) == (params[year]["invited"], params[year]["responses"]), year
        partial = Wave.objects.get(year=year).responses.filter(status="partial").count()
        assert partial > 0, year  # the export's partial rows are stored as partial
    assert all(0.07 <= resp / inv <= 0.11 for inv, resp in sizes.values())


@pytest.mark.django_db
def test_the_panel_overlap_parameter_survives_export_and_import(demo):
    """``overlap`` (parameters.yaml) sets how many complete respondents of a wave also
    completed the previous one; the firms are matched by KvK number after the import."""
    params = _wave_parameters()
    for year in sorted(params)[1:]:
        both = Response.objects.filter(
            wave__year=year,
            status="complete",
            firm__responses__wave__year=year - 1,
            firm__responses__status="complete",
        )
        assert both.count() == params[year]["overlap"], year


@pytest.mark.django_db
def test_participation_meets_each_waves_target_within_sampling_noise(demo):
    """The generator solves each wave's participation intercept for an *expected* share
    (``participation_target``: 36 % in 2017, as published); the realised share among the
    stored respondents is random: with five waves, each within three standard errors of its
    target (a generator that is right fails this about once in 70 seeds)."""
    for year, params in _wave_parameters().items():
        records = _records(year)
        share = np.mean([r["n_initiatives"] > 0 for r in records])
        n, target = len(records), params["participation_target"]
        assert abs(share - target) <= 3 * math.sqrt(target * (1 - target) / n), (year, share)


@pytest.mark.django_db
def test_initiatives(demo):
    assert Initiative.objects.count() == 55
    assert Initiative.objects.filter(is_real=True).count() >= 20
    types = set(Initiative.objects.values_list("type", flat=True))
    assert types == {"network", "test_environment", "incubator"}
    provinces = set(
        Initiative.objects.values_list("municipality__corop__province__code", flat=True)
    )
    assert provinces == {"PV20", "PV21", "PV22"}
    assert not Initiative.objects.filter(is_real=False).exclude(name__endswith="(synthetisch)")


@pytest.mark.django_db
def test_more_innovation_active_firms_take_part_more(demo):
    for year in range(2015, 2020):
        recs = [r for r in _records(year) if r["ntm"] is not None]
        part = np.array([r["n_initiatives"] > 0 for r in recs])
        top = np.array([r["ntm"] > 40 for r in recs])
        active = np.array(
            [
                bool(
                    r["product_innovation"] or r["process_innovation"] or r["innovation_investment"]
                )
                for r in recs
            ]
        )
        rates = [part[~active].mean(), part[active & ~top].mean(), part[top].mean()]
        assert rates[0] < rates[1] < rates[2], (year, rates)


@pytest.mark.django_db
def test_top_innovators_mostly_combine_investment_and_collaboration(demo):
    recs = [r for r in _records(2017) if r["ntm"] is not None]
    top = [r for r in recs if r["ntm"] > 40]
    both = np.mean([r["innovation_investment"] == 1 and r["n_initiatives"] > 0 for r in top])
    alone = np.mean([r["n_initiatives"] == 0 for r in top])
    assert len(top) >= 30
    assert both > 0.5, both
    assert 0.05 <= alone <= 0.5, alone  # some reach the top without any collaboration


def _mean_se(values):
    values = np.asarray(values, float)
    return values.mean(), values.std(ddof=1) / math.sqrt(len(values))


@pytest.mark.django_db
def test_collaboration_without_internal_investment_does_not_raise_performance(demo):
    recs = [r for r in _records(2017) if r["ntm"] is not None]

    def cell(invest, collab):
        return _mean_se(
            [
                r["ntm"]
                for r in recs
                if r["innovation_investment"] == invest and (r["n_initiatives"] > 0) == collab
            ]
        )

    (m00, s00), (m01, s01) = cell(0, False), cell(0, True)
    (m10, s10), (m11, s11) = cell(1, False), cell(1, True)
    # Collaboration alone: not significantly better than neither (one-sided, 2 SE).
    assert m01 - m00 < 2 * math.hypot(s00, s01)
    # Together with internal investment it pays off: a positive supermodularity contrast.
    contrast = m11 - m10 - m01 + m00
    assert contrast > 2 * math.sqrt(s00**2 + s01**2 + s10**2 + s11**2), contrast


@pytest.mark.django_db
def test_large_firms_are_invited_but_excluded(demo):
    assert Firm.objects.filter(size_class="large").exists()
    large = Response.objects.filter(firm__size_class="large")
    assert not large.filter(status="complete").exists()
    assert large.filter(status="excluded").exists()


@pytest.mark.django_db
def test_reports_for_every_wave_say_synthetic_and_show_the_build_figures(demo):
    """Every wave gets the annual report in Dutch and English (HTML); the latest wave also as
    PDF and workbook. The weighted estimates come from the wave's build, formatted per
    language (tests/publish checks every number of a report)."""
    from innomon.builds.services import latest_build

    home = demo.home
    assert re.search(r"demo ready in [\d.]+ s — 14 reports", demo.stdout), demo.stdout
    for year in range(2015, 2020):
        folder = home / "out" / "noord-nederland" / str(year)
        nl = (folder / "report.html").read_text()
        en = (folder / "report.en.html").read_text()
        assert "Synthetische demonstratiedata" in nl
        assert nl.count("Synthetische demonstratiedata") >= 2  # banner and footer
        assert en.count("Synthetic demonstration data") >= 2
        wave = Wave.objects.get(year=year)
        respondents = wave.responses.filter(status="complete").count()
        assert f'data-ref="responses|{wave.pk}|complete||">{respondents}<' in nl
        part = latest_build(wave).estimates.get(indicator="participants", domain="")
        assert f"{part.estimate:.1f}".replace(".", ",") + "%" in nl
        assert f"{part.estimate:.1f}%" in en
        assert 'id="collaboration"' in en
        assert "Complementarity of collaboration and investment" in en
    latest = home / "out" / "noord-nederland" / "2019"
    for name in ("report.pdf", "report.en.pdf", "report.xlsx", "report.en.xlsx"):
        assert (latest / name).stat().st_size > 10_000, name


@pytest.mark.django_db
def test_running_the_demo_again_keeps_the_data_and_rebuilds_reports(demo):
    before = Response.objects.count()
    demo_run.run()
    assert Response.objects.count() == before


def _digest(data):
    blob = json.dumps(
        [data.firms, [w.responses for w in data.waves]],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


@pytest.mark.django_db
def test_generation_is_seeded_and_deterministic(demo, region_data):
    """A generation here equals the one the demo's own process made (its firms as stored):
    the same parameters give the same monitor in another process; another seed, another."""
    params, inits = demo_run.parameters(), demo_run.initiatives()
    first = generate(region_data, inits, params)
    stored = {
        kvk: (name, sbi, employees)
        for kvk, name, sbi, employees in Firm.objects.values_list(
            "kvk", "name", "sbi_code", "employees"
        )
    }
    assert {f["kvk"]: (f["name"], f["sbi_code"], f["employees"]) for f in first.firms} == stored
    other = generate(region_data, inits, {**params, "seed": params["seed"] + 1})
    assert _digest(first) != _digest(other)


@pytest.mark.django_db
def test_the_wave_is_weighted_to_the_frame(demo):
    from innomon.builds.weighting import SECTION_GROUPS, weight_wave

    records = _records(2017)
    data = {
        k: np.array([r[k] for r in records], dtype=object)
        for k in ("province", "size_class", "sbi_section")
    }
    weighted = weight_wave(Wave.objects.get(year=2017), data)
    w = weighted.design.weights
    assert weighted.report["converged"]
    assert w.sum() == pytest.approx(weighted.report["population"], rel=1e-9)
    for name, column in (("province", data["province"]), ("size_class", data["size_class"])):
        for level, total in weighted.margins[name].items():
            assert w[column == level].sum() == pytest.approx(total, rel=1e-6)
    groups = np.array([SECTION_GROUPS[s] for s in data["sbi_section"]], dtype=object)
    for level, total in weighted.margins["section_group"].items():
        assert w[groups == level].sum() == pytest.approx(total, rel=1e-6)
    # respondents lean to larger firms, so micro firms get the larger weights
    assert w[data["size_class"] == "micro"].mean() > w[data["size_class"] == "medium"].mean()


@pytest.mark.django_db
def test_build_2017_reproduces_the_published_findings(demo):
    """The demo's build of 2017: about 36 % of the respondents take part in an
    initiative — and the weighted population estimate beside it; participation rises with the
    innovation ladder; collaboration and internal investment are complements."""
    from innomon.builds.export import export_results
    from innomon.builds.models import BuildEstimate
    from innomon.builds.services import latest_build

    wave = Wave.objects.get(year=2017)
    made = latest_build(wave)  # the demo's build (INNOMON_REPLICATES=50 in the tests)
    replicates = int(demo.env["INNOMON_REPLICATES"])
    part = BuildEstimate.objects.get(build=made, indicator="participants", domain="")
    assert _within_two_se(part.sample_share / 100, 0.36, 624)
    assert part.ci_low < part.estimate < part.ci_high
    # respondents over-represent innovative firms, so the population share is lower
    assert part.estimate < part.sample_share
    trend = made.summary["trend"]
    assert trend["slope_pp_per_level"] > 0
    assert trend["p_value"] < 0.01
    comp = made.summary["complementarity"]
    assert comp["verdict"] == "complements"
    assert comp["variance"] == f"bootstrap ({replicates} replicates)"
    # the model with every control, its SEs from the replicates: the cross-partial agrees
    model = comp["model"]
    assert model["error"] is None, model["error"]
    assert model["controls"] == ["size_class", "sbi_group", "age_class", "province"]
    assert any(name.startswith("age_class[") for name in model["coefficients"])
    assert model["replicates_failed"] <= 0.05 * replicates
    assert comp["cross_partial_ci"][0] > 0
    assert "complementair" in comp["sentence_nl"]
    assert made.data_sha256
    assert made.frame_sha256
    assert made.config_sha256
    provinces = BuildEstimate.objects.filter(
        build=made, indicator="participants", domain="province"
    )
    assert provinces.count() == 3
    crosses = BuildEstimate.objects.filter(build=made, domain="province*size_class")
    assert crosses.exists()
    # every firm's classes are stored; trends since 2016, with the panel's ladder moves
    assert made.firm_classes.count() == len(_records(2017)) == made.respondents
    assert made.firm_classes.filter(top=True).count() > 30
    trends = made.summary["trends"]
    assert trends["previous_year"] == 2016
    assert trends["transitions"]["panel_firms"] > 150  # 205 firms answered both waves
    assert any(c["indicator"] == "participants" for c in trends["changes"])
    text = export_results(made, "participants", "province", "csv")
    header = text.splitlines()[0]
    assert header == "indicator,province,estimate,se,ci_low,ci_high,n,suppressed"
    assert len(text.splitlines()) == 4
