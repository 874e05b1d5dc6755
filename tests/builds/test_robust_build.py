"""No answer the questionnaire accepts can break a build.

- The numeric questions have plausible bounds: 400 nines as the number of employees (once
  accepted, then an OverflowError in the build) is refused with the questionnaire's message.
- A stored answer no float can hold (from before the bounds) counts as missing; the build works.
- A region without any firm in an initiative (a share of exactly 0, which has no interval)
  builds and prints its summary.
- A build that fails at any step, its summary included, leaves no build row behind.
- A property test: for many seeds, random *valid* answers — per the instrument's types, codes,
  constraints and relevance, with the bounds' extremes often — for a small wave of 60 firms
  registered through the registry's services, weighted to a frame, always build.
"""

from __future__ import annotations

import numpy as np
import pytest

from innomon.builds import analyse
from innomon.builds.analyse import build_with_summary
from innomon.builds.models import Build
from innomon.demo.run import initiatives
from innomon.instrument import validate
from innomon.registry.services import load_frame, register_firms, register_initiatives
from innomon.survey.models import Response
from innomon.survey.responses import registry_instrument, store_responses

YEAR = 2019
# the workbook's bounds: the constraints of employees and theme19_finance_gap_amount
MAX_PERSONS = 100_000
MAX_AMOUNT = 1_000_000
FIRMS = 60
SBI_CODES = ("0111", "1071", "2511", "3511", "4120", "4711", "4941", "5610", "6201", "6420",
             "6810", "7022", "7830", "8559", "8621", "9602")  # fmt: skip
SEEDS = range(8)


def random_frame(rng: np.random.Generator, region_data) -> list[dict]:
    """A frame of random counts per province × SBI section × SME size class."""
    return [
        {
            "unit_level": "province",
            "unit_code": p.code,
            "sbi_section": section,
            "size_class": size,
            "count": int(rng.integers(5, 500)),
        }
        for p in region_data.provinces
        for section in "ACDFGHIJKLMNPQS"
        for size in ("micro", "small", "medium")
    ]


@pytest.fixture
def wave(region, region_data, make_wave):
    """Wave 2019 of 60 registered SMEs, a frame, and the demo's initiative registry."""
    register_initiatives(initiatives(), "initiatives.yaml")
    rng = np.random.default_rng(12345)
    munis = [m.code for m in region_data.municipalities]
    firms = [
        {
            "kvk": f"{70_000_000 + i}",
            "name": f"Robuust {i} B.V.",
            "sbi_code": SBI_CODES[i % len(SBI_CODES)],
            "employees": int(rng.choice([0, 1, 5, 9, 10, 30, 49, 50, 120, 249])),
            "municipality": munis[int(rng.integers(len(munis)))],
            "founding_year": int(rng.integers(1900, YEAR + 1)),
        }
        for i in range(FIRMS)
    ]
    register_firms(firms, "firms.csv")
    cells = random_frame(rng, region_data)
    load_frame(region, YEAR, cells, "frame.csv")
    return make_wave(YEAR, invited=FIRMS)


@pytest.fixture
def instrument(wave):
    return registry_instrument().as_of(YEAR)


# ---------------------------------------------------------------------- random valid answers


def _candidates(instrument, q, answers, rng: np.random.Generator) -> list:
    """Answers of the question's type to try, the bounds' extremes among them."""
    if q.type in ("integer", "decimal"):
        cast = int if q.type == "integer" else float
        values = [0, 1, 2, 100, MAX_PERSONS, MAX_AMOUNT, 1800, YEAR, *rng.integers(0, 101, 3)]
        values += [int(rng.integers(0, MAX_PERSONS + 1)), int(rng.integers(1800, YEAR + 1))]
        if q.type == "decimal":
            values += [0.5, 99.5, round(float(rng.uniform(0, 100)), 2)]
        if q.name == "turnover_unchanged_pct":  # the three shares add up to 100
            parts = [answers.get("turnover_new_market_pct"), answers.get("turnover_new_firm_pct")]
            if all(isinstance(v, int | float) for v in parts):
                values.insert(0, 100 - sum(parts))
        out = [cast(v) for v in values]
        rng.shuffle(out)
        return out
    if q.type == "text":
        return ["te weinig tijd", "x" * 200]
    codes = [c.name for c in instrument.choices(q)]
    if instrument.value_type(q) is int:
        codes = [int(c) for c in codes]
    if q.type == "select_one":
        return [codes[i] for i in rng.permutation(len(codes))]
    picks = [[c] for c in codes]
    for _ in range(4):
        k = int(rng.integers(1, len(codes) + 1))
        picks.append(sorted(codes[i] for i in rng.choice(len(codes), k, replace=False)))
    return [picks[i] for i in rng.permutation(len(picks))]


def random_answers(instrument, rng: np.random.Generator, skip: float = 0.15) -> dict:
    """One complete response: every question its relevance asks, in form order, answered with a
    value its constraint accepts; an optional question is left empty now and then."""
    answers: dict = {}
    for q in instrument.variables():
        if q.relevant is not None and not q.relevant.test(answers):
            continue
        if not q.required and rng.random() < skip:
            continue
        for value in _candidates(instrument, q, answers, rng):
            if q.constraint is None or q.constraint.test(answers, value):
                answers[q.name] = value
                break
        else:
            assert not q.required, f"no valid answer found for {q.name}"
    return answers


def _store(wave, instrument, answers_of):
    kvks = [f"{70_000_000 + i}" for i in range(FIRMS)]
    records = []
    for i, kvk in enumerate(kvks):
        answers = answers_of(i)
        assert validate(instrument, answers, complete=True) == [], answers
        records.append({"kvk": kvk, "status": Response.Status.COMPLETE, "answers": answers})
    store_responses(wave, records, source="test")


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS)
def test_random_valid_answers_always_build(wave, instrument, seed):
    rng = np.random.default_rng(seed)
    # a few seeds give every firm the same answer to many questions (no variation at all)
    same = random_answers(instrument, rng) if seed % 4 == 3 else None
    _store(wave, instrument, lambda i: dict(same) if same else random_answers(instrument, rng))
    build, lines = build_with_summary(wave, replicates=5, seed=seed)
    assert build.respondents == FIRMS
    assert build.estimates.exists()
    assert lines[0].startswith(f"innomon: build {build.pk} of wave {YEAR}")


# ------------------------------------------------------------------------ named cases


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("employees", int("9" * 400)),
        ("employees", MAX_PERSONS + 1),
        ("employees", -1),
        ("innovation_staff", 10**20),
        ("theme19_finance_gap_amount", 10.0**30),
    ],
)
def test_numbers_beyond_the_bounds_are_refused(name, value):
    from innomon.instrument import load_instrument

    q_instrument = load_instrument(initiatives()).as_of(YEAR)
    answers = {"employees": 12, "theme19_finance_gap": 1, name: value}
    problems = [p for p in validate(q_instrument, answers, complete=False) if p.variable == name]
    assert [p.rule for p in problems] == ["constraint"], problems
    assert problems[0].message_en.startswith("Enter a")


@pytest.mark.django_db
def test_a_stored_number_beyond_any_float_does_not_break_the_build(wave, instrument):
    rng = np.random.default_rng(7)
    answers = [random_answers(instrument, rng) for _ in range(FIRMS)]
    _store(wave, instrument, lambda i: answers[i])
    # stored before the bounds existed: 400 nines as the number of employees
    first = Response.objects.filter(wave=wave).order_by("firm__kvk").first()
    store_responses(
        wave,
        [
            {
                "firm_id": first.firm_id,
                "status": Response.Status.COMPLETE,
                "answers": {**first.answers, "employees": int("9" * 400)},
            }
        ],
        source="old data",
        policy="update",
    )
    build, _ = build_with_summary(wave, replicates=5)
    assert build.respondents == FIRMS


@pytest.mark.django_db
def test_a_region_without_initiative_participants_builds_and_summarises(wave, instrument):
    rng = np.random.default_rng(3)

    def nobody_in_an_initiative(_i):
        answers = random_answers(instrument, rng)
        return {k: v for k, v in answers.items() if not k.startswith("initiatives_")}

    _store(wave, instrument, nobody_in_an_initiative)
    build, lines = build_with_summary(wave, replicates=5)
    share = build.estimates.get(indicator="participants", domain="")
    assert share.estimate == 0
    assert any("in ≥ 1 initiative: 0.0 %" in line for line in lines), lines


@pytest.mark.django_db
def test_a_failed_build_leaves_no_build_row(wave, instrument, monkeypatch):
    rng = np.random.default_rng(5)
    _store(wave, instrument, lambda i: random_answers(instrument, rng))

    def broken(build):
        raise RuntimeError("the summary failed")

    monkeypatch.setattr(analyse, "summary_lines", broken)
    with pytest.raises(RuntimeError, match="the summary failed"):
        build_with_summary(wave, replicates=5)
    assert not Build.objects.filter(wave=wave).exists()
