"""Every indicator of the catalogue, as a build stored it, against a direct computation from the
stored responses and the build's stored firm weights.

The test defines every indicator's per-firm variable itself, from the indicator's definition in
the packaged definition's ``indicators.yaml`` (written out below, not by calling
``innomon.analysis`` or the questionnaire's calculations), and computes the weighted
proportion, mean or ratio with the weights the build stored for each firm
(``FirmClass.weight``). For every indicator, for the region and each value of each single domain
of the latest build of every wave of the demo, the stored estimate and n must be the direct ones.
An indicator added to the catalogue without a definition here fails the test. An indicator the
wave did not ask (the build's ``not_asked``) has no stored estimate at all."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from innomon import config
from innomon.builds.models import Build, BuildEstimate, FirmClass
from innomon.catalogue import load_indicators
from innomon.survey.models import Participation, Response, Wave

YEARS = (2015, 2016, 2017, 2018, 2019)  # the demo's waves
DOMAINS = ("province", "corop", "sbi_group", "size_class", "age_class")
SECTOR_GROUPS = {
    **dict.fromkeys("BCDE", "industry"),
    "F": "construction",
    **dict.fromkeys("GI", "trade_hospitality"),
    **dict.fromkeys("HJ", "transport_ict"),
    **dict.fromkeys("KLMN", "business_services"),
    **dict.fromkeys("AOPQRSTU", "other"),
}
TURNOVER_EUR = {1: 125_000, 2: 625_000, 3: 1_500_000, 4: 6_000_000, 5: 30_000_000, 6: 75_000_000}
LOCATIONS = {"own_province": "1", "other_north": "2", "rest_nl": "3", "abroad": "4"}
SUPPORT = ("wbso", "mit", "innovatiekrediet", "efro", "voucher")
PARTNER_TYPES = (
    "customers",
    "suppliers",
    "competitors",
    "consultants",
    "knowledge_institutions",
    "government",
)


def _num(value):
    return None if value is None or value == "" else float(value)


def _codes(value) -> set[str] | None:
    if value is None or value == "" or value == []:
        return None
    items = value.split() if isinstance(value, str) else value
    return {str(int(c)) if isinstance(c, int | float) else str(c) for c in items}


def _age_class(age):
    if age is None or age < 0:
        return None
    return "0-4" if age < 5 else "5-9" if age < 10 else "10-24" if age < 25 else "25+"


def firm_variables(a: dict, n_initiatives: int, threshold_pct: float) -> dict:
    """One firm's value of every indicator variable, from its answers ``a`` as the definitions
    say: None where unknown or outside the indicator's population; a ratio as (numerator,
    denominator)."""
    product = _num(a.get("product_innovation"))
    process = _num(a.get("process_innovation"))
    invest = _num(a.get("innovation_investment"))

    def if_product(value):  # asked of product innovators; 0 for firms without
        return None if product is None else (value if product == 1 else 0.0)

    def if_investor(value):
        return None if invest is None else (value if invest == 1 else 0.0)

    if product == 1 or process == 1:
        innovator = 1.0
    elif product == 0 and process == 0:
        innovator = 0.0
    else:
        innovator = None
    ntm = if_product(_num(a.get("turnover_new_market_pct")))
    ntf = if_product(_num(a.get("turnover_new_firm_pct")))
    spend = if_investor(_num(a.get("innovation_spend_pct")))
    rd = if_investor(_num(a.get("rd_internal")))
    turnover = TURNOVER_EUR.get(int(a["turnover_class"])) if a.get("turnover_class") else None

    def sales(pct):
        if turnover is None or pct is None:
            return None
        return (turnover * pct / 100.0, float(turnover))

    out = {
        "product_innovators": product,
        "process_innovators": process,
        "innovators": innovator,
        "ntm_innovators": if_product(_num(a.get("product_new_to_market"))),
        "ntm_turnover_share": ntm,
        "ntf_turnover_share": ntf,
        "ntm_turnover_share_pi": ntm if product == 1 else None,
        "ntf_turnover_share_pi": ntf if product == 1 else None,
        "ntm_sales": sales(ntm),
        "ntf_sales": sales(ntf),
        "top_innovators": None if ntm is None else float(ntm > threshold_pct),
        "investors": invest,
        "rd_internal": rd,
        "rd_internal_innovators": rd if innovator == 1 else None,
        "innovation_spend": spend,
        "innovation_spend_weighted": sales(spend),
        "participants": float(n_initiatives > 0),
        "initiatives_per_firm": float(n_initiatives),
        "initiatives_per_participant": float(n_initiatives) if n_initiatives > 0 else None,
        "collab_knowledge": _num(a.get("collab_knowledge_institution")),
    }
    for kind, key in (
        ("in_network", "network"),
        ("in_test_environment", "test_environment"),
        ("in_incubator", "incubator"),
    ):
        out[kind] = float(bool(_codes(a.get(f"initiatives_{key}"))))
    answered = [_codes(a.get(f"partner_{p}")) for p in PARTNER_TYPES]
    answered = [c for c in answered if c is not None]
    places = set().union(*answered) if answered else set()
    for name, code in LOCATIONS.items():
        out[f"partner_{name}"] = float(code in places) if answered else None
    out["partner_any"] = float(bool(places & set(LOCATIONS.values()))) if answered else None
    for key in SUPPORT:
        code = _num(a.get(f"support_{key}"))
        out[f"support_{key}_aware"] = None if code is None else float(code >= 1)
        out[f"support_{key}_used"] = None if code is None else float(code == 3)
    return out


def direct(kind: str, rows: list[tuple[float, object]]) -> tuple[float | None, int]:
    """The weighted estimate (in the indicator's unit) and n of ``(weight, value)`` rows."""
    known = [(w, v) for w, v in rows if v is not None]
    if not known:
        return None, 0
    total = sum(w for w, _ in known)
    if kind == "share":
        return 100.0 * sum(w * v for w, v in known) / total, len(known)
    if kind == "mean":
        return sum(w * v for w, v in known) / total, len(known)
    den = sum(w * v[1] for w, v in known)
    return 100.0 * sum(w * v[0] for w, v in known) / den, len(known)


def _firms(build: Build) -> list[dict]:
    """Every firm the build analysed: its stored weight, domains and indicator variables."""
    wave = build.wave
    threshold = 100.0 * config.monitor_settings().top_innovator_threshold
    weights = dict(FirmClass.objects.filter(build=build).values_list("firm_id", "weight"))
    counts = Counter(Participation.objects.filter(wave=wave).values_list("firm_id", flat=True))
    responses = (
        Response.objects.filter(wave=wave, status=Response.Status.COMPLETE)
        .exclude(firm__size_class="large")
        .select_related("firm__municipality__corop__province")
    )
    out = []
    for r in responses:
        firm, a = r.firm, r.answers
        founded = a.get("founding_year")
        out.append(
            {
                "weight": weights[firm.id],
                "domains": {
                    "province": firm.municipality.corop.province.code,
                    "corop": firm.municipality.corop.code,
                    "sbi_group": SECTOR_GROUPS[firm.sbi_section],
                    "size_class": firm.size_class,
                    "age_class": _age_class(None if founded is None else wave.year - founded),
                },
                "values": firm_variables(a, counts.get(firm.id, 0), threshold),
            }
        )
    assert len(out) == len(weights) == build.respondents
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_every_stored_estimate_is_the_direct_one(demo, year):
    wave = Wave.objects.get(year=year)
    build = Build.objects.filter(wave=wave).order_by("-created_at", "-pk").first()
    catalogue = load_indicators()
    firms = _firms(build)
    assert set(firms[0]["values"]) == {i.id for i in catalogue}, "define every indicator here"
    stored = {
        (e.indicator, e.domain, e.domain_value): e
        for e in BuildEstimate.objects.filter(build=build, domain__in=("", *DOMAINS))
    }
    checked = 0
    not_asked = set(build.summary["not_asked"])
    for ind in catalogue:
        if ind.id in not_asked:
            assert not any(i == ind.id for i, _d, _v in stored), ind.id
            continue
        cells: dict[tuple[str, str], list[tuple[float, object]]] = {("", ""): []}
        for f in firms:
            row = (f["weight"], f["values"][ind.id])
            cells[("", "")].append(row)
            for domain, value in f["domains"].items():
                if value is not None:
                    cells.setdefault((domain, value), []).append(row)
        stored_cells = {(d, v) for i, d, v in stored if i == ind.id}
        assert stored_cells == set(cells), ind.id
        for (domain, value), rows in cells.items():
            e = stored[(ind.id, domain, value)]
            expected, n = direct(ind.kind, rows)
            where = f"{ind.id} {domain or 'region'}={value}"
            assert e.n == n, where
            if expected is None or not math.isfinite(expected):
                assert e.estimate is None, where
            else:
                assert e.estimate == pytest.approx(expected, rel=1e-9, abs=1e-9), where
            checked += 1
    assert checked > 20 * (len(catalogue) - len(not_asked))  # the region and ~25 domain cells


@pytest.mark.django_db
def test_every_share_of_the_region_is_an_estimate_with_an_interval(demo):
    """No share of the region is a degenerate 0 or 100 % — "Samenwerking met partners" was
    100,0 % with no interval, because only firms with a partner answered the partner questions
    at all — so every one has an interval."""
    wave = Wave.objects.get(year=YEARS[-1])
    build = Build.objects.filter(wave=wave).order_by("-created_at", "-pk").first()
    shares = [i.id for i in load_indicators() if i.kind == "share"]
    rows = BuildEstimate.objects.filter(build=build, domain="", indicator__in=shares)
    assert rows.count() == len(shares)
    for e in rows:
        assert e.n >= 100, e.indicator  # all are asked in the latest wave
        assert 0 < e.estimate < 100, (e.indicator, e.estimate)
        assert e.ci_low is not None, e.indicator
        assert e.ci_high is not None, e.indicator
        assert e.ci_low < e.estimate < e.ci_high, e.indicator
