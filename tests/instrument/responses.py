"""Generated responses for the validation tests: mostly plausible answers, some of every kind of
mistake (wrong type, unknown code, broken constraint, hidden question answered, missing)."""

from __future__ import annotations

import numpy as np

from innomon.instrument import Instrument, Question

VALID = {
    "employees": lambda rng: int(rng.integers(0, 250)),
    "founding_year": lambda rng: int(rng.integers(1900, 2019)),
    "turnover_new_market_pct": lambda rng: float(rng.integers(0, 40)),
    "turnover_new_firm_pct": lambda rng: float(rng.integers(0, 40)),
    "innovation_spend_pct": lambda rng: round(float(rng.uniform(0, 20)), 1),
    "innovation_staff": lambda rng: int(rng.integers(0, 20)),
    "theme19_finance_gap_amount": lambda rng: float(rng.integers(5, 500)),
}
WRONG = ["12,5", "abc", 1.5, -3, 150.0, True, [1, 2], 99, "99"]
POOL = 64  # distinct valid answers drawn per question


def _valid(instrument: Instrument, q: Question, rng: np.random.Generator) -> object:
    if q.name in VALID:
        return VALID[q.name](rng)
    if q.type == "decimal":
        return float(rng.integers(0, 100))
    if q.type == "integer":
        return int(rng.integers(0, 100))
    if q.type == "text":
        return "te weinig tijd"
    codes = [c.name for c in instrument.choices(q)]
    if instrument.value_type(q) is int:
        codes = [int(c) for c in codes]
    if q.type == "select_one":
        return codes[int(rng.integers(len(codes)))]
    k = int(rng.integers(1, min(3, len(codes)) + 1))
    return [codes[i] for i in sorted(rng.choice(len(codes), size=k, replace=False))]


def generate(
    instrument: Instrument, n: int, seed: int = 0, mistakes: float = 0.03, missing: float = 0.1
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``n`` responses as object columns (one per variable) and a completeness flag per row."""
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    for q in instrument.variables():
        pool = np.empty(POOL + len(WRONG) + 1, dtype=object)
        pool[:] = [_valid(instrument, q, rng) for _ in range(POOL)] + [*WRONG, None]
        draws = rng.random(n)
        index = rng.integers(POOL, size=n)
        index[draws < missing + mistakes] = (
            POOL + rng.integers(len(WRONG), size=n)[draws < missing + mistakes]
        )
        index[draws < missing] = POOL + len(WRONG)
        columns[q.name] = pool[index]
    # the turnover split adds up to 100 in most rows
    market = columns["turnover_new_market_pct"]
    firm = columns["turnover_new_firm_pct"]
    unchanged = columns["turnover_unchanged_pct"]
    sums = [
        a + b if type(a) is float and type(b) is float else None
        for a, b in zip(market, firm, strict=True)
    ]
    fix = rng.random(n) < 0.9
    for i, total in enumerate(sums):
        if total is not None and fix[i]:
            unchanged[i] = 100.0 - total
    return columns, rng.random(n) < 0.8
