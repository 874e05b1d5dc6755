"""One result vocabulary for every estimate: the fields a table, a chart or a file binds to."""

from __future__ import annotations

import math
from dataclasses import dataclass

COLUMNS = (
    "statistic",
    "variable",
    "level",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "cv",
    "df",
    "n",
    "n_missing",
    "suppressed",
)


@dataclass(frozen=True)
class Estimate:
    """A survey estimate of one statistic of one variable (level) in one domain.

    ``domain`` is a tuple of (by-variable, value) pairs, empty for the whole population; ``n``
    counts the responding units that contributed (in the domain, not missing), ``n_missing``
    those in the domain without a value. ``df`` is the degrees of freedom of the interval
    (``inf``: normal). ``suppressed`` says the value must not be published; ``reason`` why.
    """

    statistic: str
    variable: str
    level: str | None
    domain: tuple[tuple[str, str], ...]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    n: int
    n_missing: int
    suppressed: bool = False
    reason: str | None = None

    @property
    def cv(self) -> float:
        """Coefficient of variation se/|estimate| (nan for a zero estimate)."""
        if self.estimate == 0 or math.isnan(self.estimate):
            return math.nan
        return self.se / abs(self.estimate)

    def as_row(self, by: tuple[str, ...] = ()) -> dict[str, object]:
        """A flat row with the by-variables as columns (the CLI's and the files' shape)."""
        row: dict[str, object] = {
            "statistic": self.statistic,
            "variable": self.variable,
            "level": self.level if self.level is not None else "",
        }
        values = dict(self.domain)
        for name in by:
            row[name] = values.get(name, "")
        row.update(
            estimate=self.estimate,
            se=self.se,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            cv=self.cv,
            df=self.df,
            n=self.n,
            n_missing=self.n_missing,
            suppressed=self.suppressed,
        )
        return row
