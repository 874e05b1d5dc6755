"""Population margins for weighting: a CSV file with the columns ``variable, level, total``.

Each distinct ``variable`` is one margin:

- a categorical margin has a row per level with that level's population count;
- a crossed margin (for post-stratification on crossed cells, or raking on a crossed margin)
  names its variables joined by ``*`` — ``stype*sch.wide`` — and its levels likewise —
  ``E*Yes``: a respondent's cell is its values of those variables joined by ``*``;
- a numeric margin (linear calibration only) is one row with an empty ``level`` and the
  population total of that numeric column.

``read_margins`` checks the file on its own; ``bind`` checks it against the data: every margin
variable is a column, every level with a positive total occurs in the data (a level with total
0 that does not occur is ignored), and every respondent has a value that has a total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from innomon.analyst import AnalystError
from innomon.analyst.readers import Table, fail, show
from innomon.errors import InputError
from innomon.intake.tables import records
from innomon.tabular import read_table

COLUMNS = ("variable", "level", "total")
FIRST_ROW = 2  # the header is row 1


@dataclass(frozen=True)
class Margin:
    """One margin as written in the file: its name, its variables, and per level the total
    and the file row; or, for a numeric margin, ``numeric_total``."""

    name: str
    variables: tuple[str, ...]
    totals: dict[tuple[str, ...], float]
    rows: dict[tuple[str, ...], int]
    numeric_total: float | None
    row: int

    @property
    def is_numeric(self) -> bool:
        return self.numeric_total is not None


@dataclass(frozen=True, eq=False)
class BoundMargin:
    """A margin checked against the data: each respondent's cell label and the population
    total per label (categorical), or each respondent's value and the total (numeric)."""

    name: str
    cells: np.ndarray | None
    population: dict[str, float]
    values: np.ndarray | None = None
    total: float = math.nan

    @property
    def is_numeric(self) -> bool:
        return self.values is not None


def _total(source: str, row: int, text: str, decimal_comma: bool) -> float:
    value = text.strip()
    if decimal_comma and value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    try:
        total = float(value)
    except ValueError:
        total = math.nan
    if not math.isfinite(total):
        fail(
            f"{source} row {row}, column 'total': {show(text)} is not a number; write the "
            "population total as a plain number (no thousands separators)"
        )
    if total < 0:
        fail(f"{source} row {row}, column 'total': {total:g} is negative; totals are ≥ 0")
    return total


def read_margins(path: Path) -> list[Margin]:
    """The margins of a ``variable, level, total`` file, in the order they first appear."""
    source = path.name
    try:
        table = read_table(path, suffixes=(".csv",))
        rows = records(table, COLUMNS)
    except InputError as exc:
        raise AnalystError(str(exc)) from exc
    if not rows:
        fail(f"{source}: has no margins; add one row per level: variable,level,total")
    decimal_comma = table.delimiter == ";"
    found: dict[str, dict] = {}
    for i, rec in enumerate(rows):
        row = int(table.row_numbers[i])
        name = "*".join(part.strip() for part in rec["variable"].split("*"))
        variables = tuple(name.split("*"))
        if not all(variables):
            fail(
                f"{source} row {row}, column 'variable': {show(rec['variable'])} does not name "
                "a column; give a data column, or columns joined by '*' for a crossed margin"
            )
        level_text = rec["level"].strip()
        total = _total(source, row, rec["total"], decimal_comma)
        margin = found.setdefault(
            name, {"variables": variables, "totals": {}, "rows": {}, "numeric": None, "row": row}
        )
        if not level_text:
            if len(variables) > 1:
                fail(
                    f"{source} row {row}, column 'level': is empty, but the crossed margin "
                    f"{name} needs a level per row (values joined by '*', e.g. 'a*b')"
                )
            if margin["numeric"] is not None or margin["totals"]:
                first = margin["row"]
                fail(
                    f"{source} row {row}, column 'level': a numeric margin (empty level) is one "
                    f"row, but {name} already has row {first}; keep one row for {name}"
                )
            margin["numeric"] = total
            continue
        if margin["numeric"] is not None:
            fail(
                f"{source} row {row}, column 'level': {name} is a numeric margin (row "
                f"{margin['row']} has an empty level), so it has no levels; keep one of them"
            )
        level = tuple(part.strip() for part in level_text.split("*"))
        if len(level) != len(variables):
            fail(
                f"{source} row {row}, column 'level': {show(level_text)} has {len(level)} "
                f"part(s) for the {len(variables)} variable(s) of {name}; join one value per "
                "variable with '*'"
            )
        if level in margin["rows"]:
            fail(
                f"{source} row {row}: level {show(level_text)} of {name} appears twice (rows "
                f"{margin['rows'][level]} and {row}); keep one"
            )
        margin["totals"][level] = total
        margin["rows"][level] = row
    return [
        Margin(name, m["variables"], m["totals"], m["rows"], m["numeric"], m["row"])
        for name, m in found.items()
    ]


def bind(margins: list[Margin], table: Table, source: str) -> list[BoundMargin]:
    """Check the margins (read from file ``source``) against the data and give each
    respondent's cell of every margin."""
    for margin in margins:
        for var in margin.variables:
            if not table.has(var):
                fail(
                    f"{source} row {margin.row}, column 'variable': {table.source} has no "
                    f"column '{var}'; {table.suggest(var)}"
                )
    return [_bind(m, table, source) for m in margins]


def _bind(margin: Margin, table: Table, source: str) -> BoundMargin:
    what = f"margin {margin.name} in {source}"
    if margin.is_numeric:
        var = margin.variables[0]
        values = table.numeric(var, what)
        _no_missing(table, var, np.isnan(values), what)
        return BoundMargin(margin.name, None, {}, values, float(margin.numeric_total))
    labels = [table.labels(var, what) for var in margin.variables]
    for var, lab in zip(margin.variables, labels, strict=True):
        _no_missing(table, var, np.array([v is None for v in lab], dtype=bool), what)
    cells = np.empty(table.n, dtype=object)
    cells[:] = ["*".join(parts) for parts in zip(*labels, strict=True)]
    present = set(cells)
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell] = counts.get(cell, 0) + 1
    population: dict[str, float] = {}
    for level, total in margin.totals.items():
        key = "*".join(table.level(v, t) for v, t in zip(margin.variables, level, strict=True))
        row = margin.rows[level]
        if key in population:
            fail(
                f"{source} row {row}: level {show('*'.join(level))} of {margin.name} is the same "
                f"level as another row in {table.source}'s values ({show(key)}); keep one"
            )
        if key not in present:
            if total == 0:
                continue  # an empty population cell without respondents: nothing to weight
            fail(
                f"{source} row {row}: level {show('*'.join(level))} of {margin.name} does not "
                f"occur in {table.source}; correct the level, or collapse it with another"
            )
        if total == 0:
            fail(
                f"{source} row {row}: level {show('*'.join(level))} of {margin.name} has total "
                f"0 but {counts[key]} respondent(s) in {table.source}; correct the total or "
                "recode those respondents"
            )
        population[key] = total
    for i, cell in enumerate(cells):
        if cell not in population:
            fail(
                f"{table.where(i)}: {margin.name} {show(cell)} has no total in {source}; add a "
                f"row '{margin.name},{cell},<total>' or recode the value"
            )
    return BoundMargin(margin.name, cells, population)


def _no_missing(table: Table, var: str, missing: np.ndarray, what: str) -> None:
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        fail(
            f"{table.where(i, var)}: no value, but {what} needs one for every respondent; fill "
            "it in or leave the respondent out"
        )
