"""The R survey reference: the api data sets and the values R computed on them."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).parent / "reference"


@cache
def api(name: str) -> dict[str, np.ndarray]:
    """A data set of R's survey package as columns: numbers as float (NaN for NA), the rest
    as str (None for NA)."""
    with (REFERENCE / f"{name}.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, np.ndarray] = {}
    for col in rows[0]:
        values = [r[col] for r in rows]
        try:
            out[col] = np.array([float(v) if v != "" else np.nan for v in values])
        except ValueError:
            out[col] = np.array([v if v != "" else None for v in values], dtype=object)
    return out


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "reference.json").read_text())


@cache
def cases() -> dict[str, dict]:
    return {c["id"]: c for c in reference()["cases"]}


@pytest.fixture
def case():
    return lambda case_id: cases()[case_id]


def assert_close(actual, expected, rel=1e-8, abs_tol=1e-9, what=""):
    actual = np.asarray(actual, float)
    expected = np.asarray(expected, float)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    ok = np.isclose(actual, expected, rtol=rel, atol=abs_tol) | (
        np.isnan(actual) & np.isnan(expected)
    )
    assert ok.all(), f"{what}: got {actual[~ok]}, R has {expected[~ok]}"
