"""The survey design: which columns play which role, kept apart from the data's values.

A ``Design`` holds, for ``n`` responding units, the sampling weights and up to two stages of
stratified cluster sampling with finite population corrections — the model of R survey's
``svydesign(ids=~psu+ssu, strata=~strata, fpc=~fpc+fpc2, weights=~w)``. Calibration (post-
stratification, raking, linear calibration) returns a new ``Design`` whose weights are the
adjusted ones and which remembers how to take residuals for the calibrated variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._groups import codes, combine

LONELY_PSU_OPTIONS = ("fail", "remove", "certainty", "adjust", "average")
DEFAULT_LONELY_PSU = "fail"


class DesignError(ValueError):
    """The design cannot be built or used; the message names the column, stratum or cell."""


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of sampling: strata, the sampled units, their counts and population sizes.

    ``stratum`` and ``unit`` are integer codes per row; ``unit`` codes are unique across strata
    (units are nested in their stratum). Per stratum code: ``n_units`` sampled units,
    ``popsize`` (``inf`` without a finite population correction), a printable ``label``, and
    ``parent`` — the code of the unit of the previous stage that the stratum lies in (``-1`` at
    the first stage).
    """

    stratum: np.ndarray
    unit: np.ndarray
    n_units: np.ndarray
    popsize: np.ndarray
    labels: tuple[str, ...]
    parent: np.ndarray

    @property
    def n_strata(self) -> int:
        return len(self.n_units)

    @property
    def n_unit_codes(self) -> int:
        return int(self.unit.max()) + 1 if self.unit.size else 0

    @property
    def fpc_factor(self) -> np.ndarray:
        """(N − n)/N per stratum; 1 without a finite population correction."""
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(np.isinf(self.popsize), 1.0, (self.popsize - self.n_units) / self.popsize)
        return f

    @property
    def has_fpc(self) -> bool:
        return bool(np.isfinite(self.popsize).any())


@dataclass(frozen=True, eq=False)
class Design:
    """Weights, stages and options of a survey design (immutable)."""

    weights: np.ndarray
    stages: tuple[Stage, ...]
    lonely_psu: str = DEFAULT_LONELY_PSU
    calibrations: tuple[Any, ...] = field(default=())
    has_strata: bool = False

    @property
    def n(self) -> int:
        return int(self.weights.size)

    @property
    def first(self) -> Stage:
        return self.stages[0]

    @property
    def is_calibrated(self) -> bool:
        return bool(self.calibrations)

    def degf(self, mask: np.ndarray | None = None) -> int:
        """Design degrees of freedom: PSUs minus strata, counting those with rows in ``mask``
        and non-zero weight (as R survey's ``degf``)."""
        inset = self.weights != 0
        if mask is not None:
            inset = inset & mask
        st = self.first
        return int(np.unique(st.unit[inset]).size - np.unique(st.stratum[inset]).size)

    def with_weights(self, weights: np.ndarray, calibration: Any | None = None) -> Design:
        cal = self.calibrations if calibration is None else (*self.calibrations, calibration)
        return replace(self, weights=np.asarray(weights, float), calibrations=cal)


def _as_column(name: str, values: Any, n: int | None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise DesignError(f"{name}: expected one value per row")
    if n is not None and arr.size != n:
        raise DesignError(f"{name}: has {arr.size} values for {n} rows")
    return arr


def _complete(name: str, values: np.ndarray) -> np.ndarray:
    """A design column without missing values (an error naming the first row otherwise)."""
    from .labels import is_missing

    if values.dtype.kind in "iub":
        return values  # integer codes have no missing value
    missing = (
        np.isnan(values)
        if values.dtype.kind == "f"
        else np.array([is_missing(v) for v in values], dtype=bool)
    )
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise DesignError(f"{name}: missing value in row {row + 1}; every respondent needs one")
    return values


def _numeric(name: str, values: Any, n: int) -> np.ndarray:
    arr = _as_column(name, values, n)
    try:
        out = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise DesignError(f"{name}: non-numeric values") from exc
    if np.isnan(out).any():
        row = int(np.flatnonzero(np.isnan(out))[0])
        raise DesignError(f"{name}: missing value in row {row + 1}")
    return out


def _popsize(
    name: str, fpc: np.ndarray, stratum: np.ndarray, n_units: np.ndarray, labels: Sequence[str]
) -> np.ndarray:
    """Population size per stratum from an fpc column (a population size, or a sampling
    fraction when every value is at most 1, as R survey reads it)."""
    k = len(n_units)
    pop = np.full(k, np.nan)
    for_stratum = np.full(k, np.nan)
    first = np.full(k, -1)
    order = np.arange(stratum.size)
    first[stratum[::-1]] = order[::-1]
    for_stratum = fpc[first]
    check = fpc != for_stratum[stratum]
    if check.any():
        s = int(stratum[np.flatnonzero(check)[0]])
        raise DesignError(f"{name}: more than one value in stratum {labels[s]}")
    if (fpc <= 0).any():
        raise DesignError(f"{name}: values must be positive")
    if (fpc <= 1).all():
        pop = n_units / for_stratum
    else:
        pop = for_stratum.astype(float)
        small = pop < n_units
        if small.any():
            s = int(np.flatnonzero(small)[0])
            raise DesignError(
                f"{name}: population size {pop[s]:g} is smaller than the {n_units[s]} sampled "
                f"units in stratum {labels[s]}"
            )
    return pop


def _stage(
    strata: np.ndarray, units: np.ndarray | None, parent_unit: np.ndarray | None, n_parent: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...], np.ndarray]:
    s_codes, s_values = codes(strata)
    if parent_unit is None:
        stratum = s_codes
        labels = tuple(str(v) for v in s_values)
        parent = np.full(len(s_values), -1)
    else:
        stratum = combine(parent_unit, s_codes, len(s_values))
        k = int(stratum.max()) + 1
        parent = np.zeros(k, dtype=np.int64)
        parent[stratum] = parent_unit
        labels_arr = np.empty(k, dtype=object)
        labels_arr[stratum] = [str(s_values[c]) for c in s_codes]
        labels = tuple(labels_arr)
    if units is None:  # every row its own unit: the rows in order of (stratum, row)
        order = np.argsort(stratum, kind="stable")
        unit = np.empty(stratum.size, dtype=np.int64)
        unit[order] = np.arange(stratum.size)
    else:
        u_codes, _ = codes(units)
        unit = combine(stratum, u_codes, int(u_codes.max()) + 1 if u_codes.size else 1)
    k = int(stratum.max()) + 1 if stratum.size else 0
    # units are nested in strata and coded 0..U-1: count each unit once, in its stratum
    stratum_of_unit = np.zeros(int(unit.max()) + 1 if unit.size else 0, dtype=np.int64)
    stratum_of_unit[unit] = stratum
    n_units = np.bincount(stratum_of_unit, minlength=k).astype(np.int64)
    return stratum, unit, n_units, labels, parent


def make_design(
    n: int | None = None,
    *,
    weights: Any = None,
    strata: Any = None,
    psu: Any = None,
    ssu: Any = None,
    fpc: Any = None,
    fpc2: Any = None,
    lonely_psu: str = DEFAULT_LONELY_PSU,
    names: dict[str, str] | None = None,
) -> Design:
    """Build a design. Every argument is one value per row (or None):

    - ``weights``: sampling weights (> 0); without them they follow from ``fpc`` (and ``fpc2``):
      w = (N₁/n₁)·(N₂/n₂).
    - ``strata``: first-stage strata; ``psu``: first-stage clusters (default: every row is its
      own PSU); ``ssu``: second-stage units within PSUs (stage-2 strata are not supported).
    - ``fpc``: stage-1 population size per stratum (number of PSUs), or the sampling fraction
      when every value is ≤ 1; ``fpc2``: the same for SSUs within each PSU.
    - ``lonely_psu``: what a stratum with a single PSU does — ``fail`` (default, an error naming
      the stratum), ``remove``/``certainty`` (contributes no variance), ``adjust`` (centred at
      the average PSU total of all strata instead of its own), ``average`` (the variance of the
      other strata, scaled up by their number).
    ``names`` maps the roles to column names for error messages.
    """
    names = {
        "weights": "weights",
        "strata": "strata",
        "psu": "psu",
        "ssu": "ssu",
        "fpc": "fpc",
        "fpc2": "fpc2",
        **(names or {}),
    }
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}")
    for role, value in (("weights", weights), ("strata", strata), ("psu", psu)):
        if value is not None:
            n = _as_column(names[role], value, n).size
    if n is None:
        raise DesignError("a design needs weights, strata or clusters (or n)")
    strata_arr = (
        np.zeros(n, dtype=np.int64)
        if strata is None
        else _complete(names["strata"], _as_column(names["strata"], strata, n))
    )
    psu_arr = None if psu is None else _complete(names["psu"], _as_column(names["psu"], psu, n))
    stratum, unit, n_units, labels, parent = _stage(strata_arr, psu_arr, None, 0)
    pop = np.full(len(n_units), np.inf)
    if fpc is not None:
        pop = _popsize(names["fpc"], _numeric(names["fpc"], fpc, n), stratum, n_units, labels)
    stages = [Stage(stratum, unit, n_units, pop, labels, parent)]
    if ssu is not None:
        ssu_arr = _complete(names["ssu"], _as_column(names["ssu"], ssu, n))
        s2, u2, n2, l2, p2 = _stage(
            np.zeros(n, dtype=np.int64), ssu_arr, unit, stages[0].n_unit_codes
        )
        l2 = tuple(f"{labels[stratum[np.flatnonzero(unit == p)[0]]]}/{p}" for p in p2)
        pop2 = np.full(len(n2), np.inf)
        if fpc2 is not None:
            pop2 = _popsize(names["fpc2"], _numeric(names["fpc2"], fpc2, n), s2, n2, l2)
        stages.append(Stage(s2, u2, n2, pop2, l2, p2))
    elif fpc2 is not None:
        raise DesignError(f"{names['fpc2']}: a second-stage fpc needs second-stage units (ssu)")
    if weights is None:
        if fpc is None:
            raise DesignError("give weights, or fpc so that weights follow from it")
        w = pop[stratum] / n_units[stratum]
        if ssu is not None and fpc2 is not None:
            st2 = stages[1]
            w = w * st2.popsize[st2.stratum] / st2.n_units[st2.stratum]
    else:
        w = _numeric(names["weights"], weights, n)
        bad = np.flatnonzero(~(w > 0))
        if bad.size:
            raise DesignError(
                f"{names['weights']}: weights must be positive; row {bad[0] + 1} has {w[bad[0]]:g}"
            )
    return Design(np.asarray(w, float), tuple(stages), lonely_psu, (), strata is not None)
