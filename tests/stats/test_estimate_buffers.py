"""The fast paths of the estimation engine give what the general ones give: Taylor variances
by column blocks, linear-time codes, each row its own PSU, and the CSV reader's shortcuts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from innomon import stats, tabular
from innomon.stats import taylor
from innomon.stats._groups import codes
from innomon.stats.taylor import TaylorPlan, compact


@pytest.fixture
def data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    n = 300
    y = rng.normal(10, 3, n)
    y[rng.random(n) < 0.1] = np.nan
    dom = rng.integers(0, 5, n).astype(float)
    dom[:7] = np.nan
    return {
        "y": y,
        "x": rng.uniform(1, 2, n),
        "g": rng.gamma(2, 2, n),
        "dom": dom,
        "stratum": rng.integers(0, 6, n),
        "w": rng.uniform(1, 20, n),
    }


def test_compact_and_codes_equal_numpy_unique() -> None:
    rng = np.random.default_rng(1)
    for size in (1, 50, 10_000):
        key = rng.integers(0, size, 200)
        got_codes, got_inverse = compact(key, size)
        want_codes, want_inverse = np.unique(key, return_inverse=True)
        assert (got_codes == want_codes).all()
        assert (got_inverse == want_inverse).all()
    for values in (np.array([5, 3, 3, 9]), np.array([-2, 7, -2], np.int32), np.array([10**12, 0])):
        got, uniq = codes(values)
        want_uniq, want = np.unique(values, return_inverse=True)
        assert (got == want).all()
        assert (uniq == want_uniq).all()


def test_variance_by_column_blocks_equals_all_columns_at_once(
    data: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    design = stats.make_design(weights=data["w"], strata=data["stratum"])
    rng = np.random.default_rng(3)
    z = rng.normal(size=(design.n, 9))
    cell = np.where(np.isnan(data["dom"]), -1, np.nan_to_num(data["dom"])).astype(np.int64)
    present = rng.random(z.shape) > 0.2
    whole = TaylorPlan(design, cell, 5).variance(z, present)
    monkeypatch.setattr(taylor, "BLOCK_VALUES", 2 * design.n)  # two columns per block
    blocks = TaylorPlan(design, cell, 5).variance(z, present)
    np.testing.assert_allclose(blocks, whole, rtol=1e-13, atol=0)
    one = np.column_stack(
        [taylor.variance(z[:, j], design, cell, 5, present[:, [j]]) for j in range(9)]
    )
    np.testing.assert_allclose(one, whole, rtol=1e-13, atol=0)


def test_each_row_its_own_psu_equals_an_explicit_psu_column(data: dict[str, np.ndarray]) -> None:
    default = stats.make_design(weights=data["w"], strata=data["stratum"])
    explicit = stats.make_design(
        weights=data["w"], strata=data["stratum"], psu=np.arange(data["w"].size) * 3
    )
    assert (default.first.unit == explicit.first.unit).all()
    assert (default.first.n_units == explicit.first.n_units).all()
    args = {"mean": ["y"], "total": ["g"], "ratio": [("y", "x")], "by": [(), ("dom",)]}
    for a, b in zip(
        stats.estimate(data, default, **args), stats.estimate(data, explicit, **args), strict=True
    ):
        assert a.estimate == pytest.approx(b.estimate, rel=1e-13)
        assert a.se == pytest.approx(b.se, rel=1e-12)
        assert (a.n, a.n_missing, a.domain) == (b.n, b.n_missing, b.domain)


def test_mean_with_missing_values_matches_the_formula(data: dict[str, np.ndarray]) -> None:
    """Columns with and without missing values in one call: each mean is Σwy/Σw over its rows."""
    design = stats.make_design(weights=data["w"], strata=data["stratum"])
    results = {e.variable: e for e in stats.estimate(data, design, mean=["y", "x"])}
    ok = ~np.isnan(data["y"])
    w = data["w"]
    assert results["y"].estimate == pytest.approx(
        (w * data["y"])[ok].sum() / w[ok].sum(), rel=1e-13
    )
    assert results["x"].estimate == pytest.approx((w * data["x"]).sum() / w.sum(), rel=1e-13)
    assert results["y"].n == int(ok.sum())
    assert results["x"].n == data["w"].size


def test_blank_line_check() -> None:
    mib = 1 << 20
    for text in (
        b"a\n\nb",
        b"a\r\n\r\nb",
        b"x" * (mib - 1) + b"\n\n",
        b"x" * (mib - 2) + b"\n\r\n",
    ):
        assert tabular._has_blank_line(text)
    for text in (b"a\nb\n", b"a\r\nb\r\n", b"", b"\n", b"x" * mib + b"\n"):
        assert not tabular._has_blank_line(text)


def test_clean_without_whitespace_returns_the_cells_unchanged() -> None:
    plain = pa.array(["1", None, "2.5"])
    assert tabular.clean(plain) is plain
    assert tabular.clean(pa.array([" 1", "2 "])).to_pylist() == ["1", "2"]
    assert tabular.clean(pa.array(["\u00a0", "x"])).to_pylist() == [None, "x"]
