"""The walking skeleton's headline figures: respondents, share in ≥1 initiative, share of top
innovators — as *unweighted sample shares*, until the statistics issue adds weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from innomon.stats import SampleShare, sample_share


def is_top_innovator(turnover_new_market_pct: float | None, threshold: float) -> bool | None:
    """Top innovator: more than ``threshold`` (a fraction) of turnover from products new to the
    market. ``None`` when the share is unknown."""
    if turnover_new_market_pct is None:
        return None
    return float(turnover_new_market_pct) > 100.0 * threshold


@dataclass(frozen=True)
class Headline:
    respondents: int
    in_initiative: SampleShare
    top_innovators: SampleShare
    top_innovator_threshold: float


def new_to_market_pct(record: Mapping[str, Any]) -> float | None:
    """The share of turnover from products new to the market: the answer, 0 for a firm without
    product innovations (the questionnaire does not ask them), None when unknown."""
    if record.get("product_innovation") == 0:
        return 0.0
    value = record.get("turnover_new_market_pct")
    return None if value is None else float(value)


def headline_figures(records: Sequence[Mapping[str, Any]], threshold: float) -> Headline:
    """Compute the headline figures from complete SME responses (one mapping per firm with
    ``n_initiatives``, ``product_innovation`` and ``turnover_new_market_pct``)."""
    in_initiative = sample_share(
        [None if r.get("n_initiatives") is None else r["n_initiatives"] > 0 for r in records]
    )
    top = sample_share([is_top_innovator(new_to_market_pct(r), threshold) for r in records])
    return Headline(len(records), in_initiative, top, threshold)
