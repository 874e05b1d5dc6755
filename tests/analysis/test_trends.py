import numpy as np
import pytest

from innomon.analysis.trends import changes, transitions


def row(indicator, estimate, se, suppressed=False, domain="", value=""):
    return {
        "indicator": indicator,
        "domain": domain,
        "domain_value": value,
        "estimate": estimate,
        "se": se,
        "suppressed": suppressed,
    }


def test_changes_between_waves():
    before = [row("a", 30.0, 2.0), row("b", 10.0, 1.0), row("c", 5.0, 1.0, suppressed=True)]
    after = [row("a", 36.0, 2.0), row("b", 10.5, 1.0), row("c", 9.0, 1.0), row("d", 1.0, 1.0)]
    result = {c.indicator: c for c in changes(before, after)}
    assert set(result) == {"a", "b"}  # suppressed and new indicators are not compared
    a = result["a"]
    assert a.difference == pytest.approx(6.0)
    assert a.se == pytest.approx(np.hypot(2, 2))
    assert a.p_value < 0.05 < result["b"].p_value
    assert a.ci_low < 6.0 < a.ci_high


def test_transition_matrix_of_panel_firms():
    before = {"1": 0, "2": 1, "3": 1, "4": 2, "5": None, "6": 3}
    after = {"1": 1, "2": 1, "3": 0, "4": 3, "5": 2, "7": 0}
    t = transitions(before, after, [0, 1, 2, 3])
    assert t.panel_firms == 4  # unknown levels and firms in one wave only are left out
    assert t.counts[0, 1] == 1
    assert t.counts[1, 1] == 1
    assert t.counts[1, 0] == 1
    assert t.counts[2, 3] == 1
    assert (t.moved_up, t.moved_down) == (2, 1)
    assert t.row_shares[1].tolist() == [0.5, 0.5, 0.0, 0.0]
