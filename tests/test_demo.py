"""The demo reproduces the published figures (../shared/DOMAIN.md §1.2, §1.6) within sampling
noise. Tolerance for a share p̂ from n firms: |p̂ − p| ≤ 2·√(p(1−p)/n), two standard errors."""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pytest
from django.core.management import call_command

from innomon.demo import run as demo_run
from innomon.demo.generate import generate
from innomon.registry.models import Firm, Initiative
from innomon.survey.models import Response, Wave
from innomon.survey.services import wave_records

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("INNOMON_HOME", str(home))
    with django_db_blocker.unblock():
        paths = demo_run.run()
    yield home, paths
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    mp.undo()


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


@pytest.mark.django_db
def test_published_wave_sizes(demo):
    sizes = {
        w.year: (w.invited, w.responses.filter(status="complete").count())
        for w in Wave.objects.all()
    }
    assert sorted(sizes) == [2015, 2016, 2017, 2018, 2019]
    assert sizes[2017][1] == 624
    assert sizes[2018] == (5576, 503)
    assert sizes[2019] == (5935, 436)
    assert all(0.07 <= resp / inv <= 0.11 for inv, resp in sizes.values())


@pytest.mark.django_db
def test_panel_overlap_2018(demo):
    both = Response.objects.filter(
        wave__year=2018,
        status="complete",
        firm__responses__wave__year=2017,
        firm__responses__status="complete",
    )
    assert both.count() == 184


@pytest.mark.django_db
def test_2017_participation_is_36_percent_within_sampling_noise(demo):
    records = _records(2017)
    share = np.mean([r["n_initiatives"] > 0 for r in records])
    assert len(records) == 624
    assert _within_two_se(share, 0.36, len(records)), share


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

    home, paths = demo
    assert len(paths) == 14
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


def test_generation_is_seeded_and_deterministic(region_data):
    params, inits = demo_run.parameters(), demo_run.initiatives()
    first = generate(region_data, inits, params)
    assert _digest(first) == _digest(generate(region_data, inits, params))
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
    """`innomon build 2017` on the demo: about 36 % of the respondents take part in an
    initiative — and the weighted population estimate beside it; participation rises with the
    innovation ladder; collaboration and internal investment are complements."""
    from innomon.builds.analyse import make_analyse
    from innomon.builds.export import export_results
    from innomon.builds.models import BuildEstimate
    from innomon.builds.services import build_wave

    build_wave(Wave.objects.get(year=2016), make_analyse(2016), replicates=20)
    wave = Wave.objects.get(year=2017)
    made = build_wave(wave, make_analyse(2017), replicates=50)
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
    assert comp["variance"] == "bootstrap (50 replicates)"
    # the model with every control, its SEs from the replicates: the cross-partial agrees
    model = comp["model"]
    assert model["error"] is None, model["error"]
    assert model["controls"] == ["size_class", "sbi_group", "age_class", "province"]
    assert any(name.startswith("age_class[") for name in model["coefficients"])
    assert model["replicates_failed"] <= 0.05 * 50
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
    assert made.firm_classes.count() == 624
    assert made.firm_classes.filter(top=True).count() > 30
    trends = made.summary["trends"]
    assert trends["previous_year"] == 2016
    assert trends["transitions"]["panel_firms"] > 150  # 205 firms answered both waves
    assert any(c["indicator"] == "participants" for c in trends["changes"])
    text = export_results(made, "participants", "province", "csv")
    header = text.splitlines()[0]
    assert header == "indicator,province,estimate,se,ci_low,ci_high,n,suppressed"
    assert len(text.splitlines()) == 4
