from innomon.analysis.headline import headline_figures, is_top_innovator
from innomon.stats import sample_share


def test_sample_share_excludes_and_counts_missing():
    share = sample_share([True, False, None, True, None])
    assert share.n == 3
    assert share.n_missing == 2
    assert abs(share.estimate - 2 / 3) < 1e-12


def test_empty_share_is_none_not_zero():
    share = sample_share([None])
    assert (share.estimate, share.n, share.n_missing) == (None, 0, 1)


def test_top_innovator_is_strictly_more_than_the_threshold():
    assert is_top_innovator(40.5, 0.40)
    assert not is_top_innovator(40, 0.40)
    assert is_top_innovator(None, 0.40) is None
    assert is_top_innovator(31, 0.30)


def test_headline_figures():
    records = [
        {"n_initiatives": 2, "product_innovation": 1, "turnover_new_market_pct": 60},
        {"n_initiatives": 0, "product_innovation": 1, "turnover_new_market_pct": 10},
        {"n_initiatives": 1, "product_innovation": 1},  # did not report its turnover split
        {"n_initiatives": 0, "product_innovation": 0},  # not asked: no new products, so 0 %
    ]
    h = headline_figures(records, 0.40)
    assert h.respondents == 4
    assert h.in_initiative.estimate == 0.5
    assert (h.top_innovators.n, h.top_innovators.n_missing) == (3, 1)
    assert abs(h.top_innovators.estimate - 1 / 3) < 1e-12
