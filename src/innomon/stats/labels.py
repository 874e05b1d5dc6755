"""How values of a categorical column are named: the one rule shared by estimation, weighting
and the files analysts read and write."""

from __future__ import annotations

from typing import Any

import numpy as np


def number_label(value: float) -> str:
    """A number as a category label: whole numbers without '.0' (1.0 → '1')."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


def category_label(value: Any) -> str | None:
    """The label of one value; None when it is missing."""
    if is_missing(value):
        return None
    if isinstance(value, float | np.floating):
        return number_label(float(value))
    return str(value)


def category_labels(values: Any) -> np.ndarray:
    """Labels of a column (object array; None for missing values)."""
    arr = np.asarray(values)
    out = np.empty(arr.size, dtype=object)
    if arr.dtype.kind == "f":
        finite = ~np.isnan(arr)
        out[~finite] = None
        out[finite] = [number_label(v) for v in arr[finite]]
        return out
    for i, v in enumerate(arr):
        out[i] = category_label(v)
    return out
