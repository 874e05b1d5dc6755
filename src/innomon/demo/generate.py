"""The synthetic data-generating process of the demo monitor (seeded, deterministic).

``generate`` returns plain records — firms, waves with their responses (initiative participation
is among the answers), and the population frame — which ``innomon.demo.run`` loads through the
same services as real data.
Every coefficient is in ``data/parameters.yaml``; see docs/methodology.md for the model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from innomon.classification import size_class
from innomon.instrument.initiatives import initiative_choices
from innomon.region import Region

_NAME_PARTS = (
    [
        "Noord",
        "Wad",
        "Eems",
        "Hunze",
        "Lauwers",
        "Veen",
        "Dollard",
        "Drents",
        "Fries",
        "Kwelder",
        "Terp",
        "Es",
        "Hondsrug",
        "Zernike",
        "Dijk",
        "Polder",
        "Marne",
        "Kloos",
        "Reest",
        "Tjonger",
    ],
    [
        "tech",
        "bouw",
        "advies",
        "handel",
        "metaal",
        "zorg",
        "data",
        "design",
        "agro",
        "energie",
        "transport",
        "installatie",
        "media",
        "food",
        "water",
        "systems",
        "lab",
        "werk",
        "print",
        "plan",
    ],
    ["B.V.", "V.O.F.", "B.V.", "& Zn.", "B.V.", "Groep", "B.V.", "Holding"],
)

# The partner questions (asked from 2019): the chance that an innovating firm worked on
# innovation with partners of each type (a third of it for a firm without innovations; knowledge
# institutions follow the firm's answer to collab_knowledge_institution), and where partners are
# (own province, another northern province, elsewhere in the Netherlands, abroad). A firm without
# partners of a type answers 'none' (0).
PARTNER_PROBABILITIES = (
    ("customers", 0.25),
    ("suppliers", 0.2),
    ("competitors", 0.05),
    ("consultants", 0.1),
    ("government", 0.05),
)
PARTNER_LOCATIONS = (0.5, 0.2, 0.2, 0.1)


@dataclass
class WaveData:
    year: int
    invited: int
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    questionnaire_version: str
    responses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DemoData:
    firms: list[dict[str, Any]]
    waves: list[WaveData]
    frame: dict[int, list[dict[str, Any]]]


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _frame(region: Region, p: dict, year: int) -> list[dict[str, Any]]:
    growth = (1 + p["frame_growth_per_year"]) ** (year - p["frame_year_base"])
    cells = []
    for prov in region.provinces:
        weights = np.array([p["corop_weights"][c.code] for c in prov.corops])
        weights = weights / weights.sum()
        for corop, cw in zip(prov.corops, weights, strict=True):
            for sec, ss in p["section_shares"].items():
                for size, zs in p["size_shares"].items():
                    count = round(p["province_totals"][prov.code] * growth * cw * ss * zs)
                    cells.append(
                        {
                            "unit_level": "corop",
                            "unit_code": corop.code,
                            "sbi_section": sec,
                            "size_class": size,
                            "count": count,
                        }
                    )
    return cells


def _employees(rng: np.random.Generator, size: str) -> int:
    if size == "micro":
        return int(min(9, rng.geometric(0.35)))
    if size == "small":
        return int(rng.integers(10, 50))
    if size == "medium":
        return int(rng.integers(50, 250))
    return int(rng.integers(250, 900))


def _pool(rng: np.random.Generator, region: Region, p: dict, frame: list[dict]) -> list[dict]:
    """The invitation frame: synthetic firms drawn from the population frame."""
    probs = np.array([c["count"] * p["size_oversampling"][c["size_class"]] for c in frame], float)
    probs /= probs.sum()
    picks = rng.choice(len(frame), size=p["invitation_pool"], p=probs)
    munis_by_corop = {c.code: [m.code for m in c.municipalities] for c in region.corops}
    kvks = rng.choice(
        np.arange(10_000_000, 99_999_999), size=len(picks) + p["large_firms_in_pool"], replace=False
    )
    firms = []
    sections = list(p["section_shares"])
    for i, cell_index in enumerate(list(picks) + [None] * p["large_firms_in_pool"]):
        if cell_index is None:
            cell = {
                "unit_code": rng.choice(list(munis_by_corop)),
                "size_class": "large",
                "sbi_section": sections[int(rng.choice([1, 5, 6, 9]))],
            }
        else:
            cell = frame[cell_index]
        employees = _employees(rng, cell["size_class"])
        assert size_class(employees) == cell["size_class"]
        sec = cell["sbi_section"]
        name = (
            f"{rng.choice(_NAME_PARTS[0])}{rng.choice(_NAME_PARTS[1])} {rng.choice(_NAME_PARTS[2])}"
        )
        firms.append(
            {
                "kvk": f"{int(kvks[i]):08d}",
                "name": name,
                "sbi_code": str(rng.choice(p["sbi_codes"][sec])),
                "sbi_section": sec,
                "employees": employees,
                "size_class": cell["size_class"],
                "founding_year": int(2016 - min(80, rng.gamma(2.0, 9.0))),
                "municipality": str(rng.choice(munis_by_corop[cell["unit_code"]])),
                "province": next(
                    c.province_code for c in region.corops if c.code == cell["unit_code"]
                ),
            }
        )
    return firms


def _weighted_pick(
    rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int
) -> np.ndarray:
    """Draw ``k`` distinct candidates with probability proportional to ``weights``."""
    if k > len(candidates):
        raise ValueError(f"cannot draw {k} of {len(candidates)} candidates")
    if k == 0:
        return candidates[:0]
    # Efraimidis–Spirakis: the k largest u^(1/w) are a weighted sample without replacement.
    keys = np.log(rng.random(len(candidates))) / weights
    return candidates[np.argsort(keys)[-k:]]


def _solve_intercept(base: np.ndarray, target: float) -> float:
    """The intercept a so that mean(logistic(a + base)) equals ``target`` (bisection)."""
    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if _logistic(mid + base).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _beta_share(rng: np.random.Generator, mean: np.ndarray, precision: float) -> np.ndarray:
    mean = np.clip(mean, 1e-3, 1 - 1e-3)
    return rng.beta(mean * precision, (1 - mean) * precision)


def _answers(
    rng: np.random.Generator,
    w: np.ndarray,
    d: dict,
    target: float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Draw the answers of the respondents with latent innovativeness ``w``."""
    n = len(w)
    lg = _logistic
    invest = rng.random(n) < lg(d["invest"]["intercept"] + d["invest"]["w"] * w)
    rd = invest & (
        rng.random(n) < lg(d["rd_given_invest"]["intercept"] + d["rd_given_invest"]["w"] * w)
    )
    pp = d["participation"]
    base = pp["invest"] * invest + np.where(invest, pp["w_investors"], pp["w_non_investors"]) * w
    collab = rng.random(n) < lg(_solve_intercept(base, target) + base)
    product = rng.random(n) < lg(
        d["product"]["intercept"] + d["product"]["w"] * w + d["product"]["invest"] * invest
    )
    process = rng.random(n) < lg(
        d["process"]["intercept"] + d["process"]["w"] * w + d["process"]["invest"] * invest
    )
    q = d["new_to_market_given_product"]
    ntm = product & (rng.random(n) < lg(q["intercept"] + q["w"] * w + q["invest"] * invest))
    s = d["ntm_share"]
    ntm_mean = lg(
        s["intercept"]
        + s["w"] * w
        + s["invest"] * invest
        + s["collab"] * collab
        + s["invest_x_collab"] * invest * collab
    )
    ntm_share = np.where(ntm, _beta_share(rng, ntm_mean, s["precision"]), 0.0)
    f = d["ntf_share"]
    ntf_share = np.where(
        product, _beta_share(rng, lg(f["intercept"] + f["w"] * w), f["precision"]), 0.0
    ) * (1 - ntm_share)
    ntm_pct = np.round(100 * ntm_share)
    ntf_pct = np.minimum(np.round(100 * ntf_share), 100 - ntm_pct)
    sp = d["spend_pct_given_invest"]
    spend = np.where(invest, np.round(np.exp(rng.normal(sp["log_mean"], sp["log_sd"], n)), 1), 0.0)
    k = d["knowledge_institution"]
    knowledge = rng.random(n) < lg(k["intercept"] + k["collab"] * collab + k["rd"] * rd)
    missing_turnover = rng.random(n) < d["item_missing_turnover"]
    return {
        "product_innovation": product,
        "process_innovation": process,
        "product_new_to_market": ntm,
        "innovation_investment": invest,
        "rd_internal": rd,
        "innovation_spend_pct": np.minimum(spend, 60.0),
        "turnover_new_market_pct": ntm_pct,
        "turnover_new_firm_pct": ntf_pct,
        "collab_knowledge_institution": knowledge,
        "missing_turnover": missing_turnover,
    }, collab


def _record(a: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    """The answers of respondent ``i`` to the questions of the core DGP, as the questionnaire
    stores them (codes 1/0, percentages), asked only where their relevance rules ask them."""
    product = int(a["product_innovation"][i])
    invest = int(a["innovation_investment"][i])
    rec: dict[str, Any] = {
        "product_innovation": product,
        "process_innovation": int(a["process_innovation"][i]),
        "innovation_investment": invest,
        "collab_knowledge_institution": int(a["collab_knowledge_institution"][i]),
    }
    if invest:
        rec["rd_internal"] = int(a["rd_internal"][i])
        rec["innovation_spend_pct"] = float(a["innovation_spend_pct"][i])
    if product:
        rec["product_new_to_market"] = int(a["product_new_to_market"][i])
        if not a["missing_turnover"][i]:
            ntm, ntf = float(a["turnover_new_market_pct"][i]), float(a["turnover_new_firm_pct"][i])
            rec.update(
                turnover_new_market_pct=ntm,
                turnover_new_firm_pct=ntf,
                turnover_unchanged_pct=100.0 - ntm - ntf,
            )
    return rec


def _turnover_class(employees: int) -> int:
    """A plausible turnover class (1: < €0.5 m … 6: > €50 m) for a firm of this size."""
    for limit, code in ((2, 1), (10, 2), (50, 3), (100, 4), (250, 5)):
        if employees < limit:
            return code
    return 6


def _extra(rng: np.random.Generator, firm: dict, rec: dict[str, Any], year: int) -> None:
    """The questions outside the core DGP (profile, functions, obstacles, support, themes),
    drawn from their own random stream so the core findings do not depend on them."""
    rec["employees"] = firm["employees"]
    rec["founding_year"] = firm["founding_year"]
    rec["turnover_class"] = _turnover_class(firm["employees"])
    invest = rec["innovation_investment"] == 1
    rec["innovation_staff"] = (
        int(rng.integers(1, 1 + max(1, firm["employees"] // 5))) if invest else 0
    )
    if rec["process_innovation"] == 1:
        k = int(rng.integers(1, 4))
        rec["bpi_functions"] = sorted(int(x) for x in rng.choice(np.arange(1, 7), k, replace=False))
    if rng.random() < 0.7:
        k = int(rng.integers(1, 4))
        rec["obstacles"] = sorted(int(x) for x in rng.choice(np.arange(1, 8), k, replace=False))
    if year >= 2016:
        for instrument in ("wbso", "mit", "innovatiekrediet", "efro", "voucher"):
            p = [0.35, 0.4, 0.15, 0.1] if not invest else [0.15, 0.35, 0.2, 0.3]
            rec[f"support_{instrument}"] = int(rng.choice(4, p=p))
    if year == 2018:
        rec["theme18_goal_economic"] = int(rng.integers(1, 6))
        rec["theme18_goal_social"] = int(rng.integers(1, 6))
    if year >= 2019:
        gap = int(rng.random() < 0.3)
        rec["theme19_finance_gap"] = gap
        if gap:
            rec["theme19_finance_gap_amount"] = float(rng.integers(1, 50) * 10_000)
        if invest:
            k = int(rng.integers(1, 3))
            rec["theme19_finance_sources"] = sorted(
                int(x) for x in rng.choice(np.arange(1, 8), k, replace=False)
            )
        # every partner question is answered, 'none' (0) where the firm has no such partner:
        # a firm that left out the types it lacked would count only where it had partners
        innovative = rec["product_innovation"] == 1 or rec["process_innovation"] == 1
        has = {
            partner: rng.random() < (p if innovative else p / 3)
            for partner, p in PARTNER_PROBABILITIES
        }
        has["knowledge_institutions"] = rec["collab_knowledge_institution"] == 1
        for partner in sorted(has):
            if has[partner]:
                k = int(rng.integers(1, 3))
                picked = rng.choice(np.arange(1, 5), k, replace=False, p=PARTNER_LOCATIONS)
                rec[f"partner_{partner}"] = sorted(int(x) for x in picked)
            else:
                rec[f"partner_{partner}"] = [0]


def _initiative_choices(
    rng: np.random.Generator,
    firm: dict,
    invest: bool,
    initiatives: list[dict],
    muni_province: dict[str, str],
) -> list[str]:
    """1–4 initiatives for a participating firm, mostly in its own province; investors lean to
    test environments, young firms to incubators."""
    count = int(min(4, 1 + rng.poisson(0.5 + 0.4 * invest)))
    weights = []
    for ini in initiatives:
        wgt = 3.0 if muni_province[ini["municipality"]] == firm["province"] else 1.0
        if ini["type"] == "test_environment" and invest:
            wgt *= 1.8
        if ini["type"] == "incubator":
            wgt *= 2.0 if firm["founding_year"] >= 2010 else 0.3
        weights.append(wgt)
    names = np.array([ini["name"] for ini in initiatives])
    return [str(x) for x in _weighted_pick(rng, names, np.array(weights), count)]


def generate(region: Region, initiatives: list[dict], params: dict) -> DemoData:
    """Generate the whole synthetic monitor from ``params`` (see data/parameters.yaml)."""
    rng = np.random.default_rng(params["seed"])
    extra_rng = np.random.default_rng(params["seed"] + 1)
    d = params["dgp"]
    codes = {
        c.label_nl: (name, c.name)
        for name, choices in initiative_choices(initiatives).items()
        for c in choices
    }
    years = [w["year"] for w in params["waves"]]
    frame = {y: _frame(region, params, y) for y in years}
    firms = _pool(rng, region, params, frame[years[0]])
    n = len(firms)
    z = (
        rng.normal(0, 1, n)
        + np.array([params["section_effect"][f["sbi_section"]] for f in firms])
        + np.array([params["size_effect"][f["size_class"]] for f in firms])
    )
    is_large = np.array([f["size_class"] == "large" for f in firms])
    muni_province = {m.code: m.province_code for m in region.municipalities}
    everyone = np.arange(n)
    previous: np.ndarray = everyone[:0]
    waves = []
    for spec in params["waves"]:
        year = spec["year"]
        start, end = (dt.date.fromisoformat(x) for x in spec["fieldwork"])
        wave = WaveData(year, spec["invited"], start, end, f"{year}.1")
        # Everyone who answered last year is invited again; the rest is a random draw.
        others = np.setdiff1d(everyone, previous)
        invited = np.concatenate(
            [previous, rng.choice(others, spec["invited"] - len(previous), replace=False)]
        )
        w = z + rng.normal(0, d["wave_noise"], n)
        propensity = np.exp(d["self_selection"] * w)
        sme_invited = invited[~is_large[invited]]
        overlap = spec["overlap"] or 0
        panel = _weighted_pick(rng, previous, propensity[previous], overlap)
        fresh_pool = np.setdiff1d(sme_invited, previous)
        fresh = _weighted_pick(rng, fresh_pool, propensity[fresh_pool], spec["responses"] - overlap)
        complete = np.sort(np.concatenate([panel, fresh]))
        rest = np.setdiff1d(invited, complete)
        partial = rng.choice(rest, spec["partial"], replace=False)
        large_answering = rest[is_large[rest]][: max(1, int(is_large[rest].sum() // 6))]
        excluded = np.setdiff1d(large_answering, partial)
        answers, collab = _answers(rng, w[complete], d, spec["participation_target"])
        t0 = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
        for j, i in enumerate(complete):
            submitted = t0 + dt.timedelta(
                minutes=int(rng.integers(30, 60 * 24 * (end - start).days))
            )
            rec = _record(answers, j)
            _extra(extra_rng, firms[i], rec, year)
            wave.responses.append(
                {
                    "kvk": firms[i]["kvk"],
                    "status": "complete",
                    "answers": rec,
                    "invited_at": t0,
                    "started_at": submitted - dt.timedelta(minutes=18),
                    "submitted_at": submitted,
                }
            )
            if collab[j]:
                for name in _initiative_choices(
                    rng,
                    firms[i],
                    bool(answers["innovation_investment"][j]),
                    initiatives,
                    muni_province,
                ):
                    list_name, code = codes[name]
                    question = "initiatives_" + list_name.removeprefix("initiative_")
                    rec.setdefault(question, []).append(code)
        partial_set, excluded_set = set(partial.tolist()), set(excluded.tolist())
        for i in rest:
            status = (
                "excluded" if i in excluded_set else "partial" if i in partial_set else "invited"
            )
            answers_i = (
                {} if status == "invited" else {"product_innovation": int(rng.random() < 0.5)}
            )
            wave.responses.append(
                {
                    "kvk": firms[i]["kvk"],
                    "status": status,
                    "answers": answers_i,
                    "invited_at": t0,
                    "started_at": None if status == "invited" else t0,
                    "submitted_at": t0 if status == "excluded" else None,
                }
            )
        previous = complete
        waves.append(wave)
    for f in firms:
        del f["province"], f["sbi_section"], f["size_class"]
    return DemoData(firms, waves, frame)
