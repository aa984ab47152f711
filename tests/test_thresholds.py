"""Thresholds: exact agreement with ruptures, fallbacks, and the other rules."""

import warnings

import numpy as np
import pytest
import ruptures

from skw2s import DegenerateDataWarning
from skw2s.thresholds import (
    ChangePointThreshold,
    FixedThreshold,
    QuantileThreshold,
    RupturesThreshold,
    changepoint_index,
    resolve_threshold,
    split_quality,
)


def _ruptures_bkp(x, jump, min_size):
    bkps = ruptures.Binseg(model="l2", jump=jump, min_size=min_size).fit(x[:, None]).predict(n_bkps=1)
    return bkps[0]


def _signals(rng, n):
    """Sorted signals of many shapes, ties and repeated values included."""
    yield np.sort(rng.normal(size=n))
    yield np.sort(rng.integers(0, 3, size=n).astype(float))  # heavy ties
    yield np.sort(np.round(rng.uniform(size=n), 1))  # repeated values
    yield np.sort(np.r_[rng.beta(2, 8, n // 2), rng.beta(8, 2, n - n // 2)])  # bimodal
    yield np.sort(np.r_[np.zeros(n // 3), np.ones(n - n // 3)])  # two plateaus
    yield np.sort(rng.exponential(size=n))


@pytest.mark.parametrize("jump,min_size", [(1, 2), (5, 2), (3, 1), (2, 4), (1, 1), (7, 3)])
def test_changepoint_index_matches_ruptures(jump, min_size):
    rng = np.random.default_rng(jump * 10 + min_size)
    n_checked = 0
    for n in list(rng.integers(8, 400, size=25)) + [8, 9, 10, 11, 12, 13, 14, 15]:
        for x in _signals(rng, int(n)):
            if x[0] == x[-1]:
                continue
            try:
                expected = _ruptures_bkp(x, jump, min_size)
            except ruptures.exceptions.BadSegmentationParameters:
                with pytest.raises(ValueError, match="No admissible"):
                    changepoint_index(x, jump=jump, min_size=min_size)
                continue
            assert changepoint_index(x, jump=jump, min_size=min_size) == expected
            n_checked += 1
    assert n_checked > 150


def test_changepoint_tie_breaks_towards_larger_index_like_ruptures():
    # Symmetric signal: the splits at 2 and 4 have exactly the same gain.
    x = np.array([0.0, 0.0, 1.0, 1.0, 2.0, 2.0])
    assert changepoint_index(x, jump=1, min_size=1) == _ruptures_bkp(x, 1, 1) == 4


def test_changepoint_inadmissible_raises_like_ruptures():
    x = np.linspace(0, 1, 6)
    with pytest.raises(ruptures.exceptions.BadSegmentationParameters):
        _ruptures_bkp(x, 5, 2)
    with pytest.raises(ValueError, match="No admissible change point"):
        changepoint_index(x, jump=5, min_size=2)
    assert changepoint_index(np.linspace(0, 1, 7), jump=5, min_size=2) == _ruptures_bkp(np.linspace(0, 1, 7), 5, 2)


@pytest.mark.parametrize("jump,min_size", [(0, 2), (1.5, 2), (1, 0), (True, 2)])
def test_changepoint_bad_grid(jump, min_size):
    with pytest.raises(ValueError, match="jump|min_size"):
        changepoint_index(np.arange(10.0), jump=jump, min_size=min_size)


def test_changepoint_scales_linearly_on_a_million_points():
    x = np.sort(np.random.default_rng(0).uniform(size=10**6))
    b = changepoint_index(x)
    assert abs(b - 5 * 10**5) < 5000  # uniform: the 2-means split is the median


def test_changepoint_threshold_separates_two_groups():
    scores = np.r_[np.full(30, 0.1), np.full(70, 0.9)] + np.linspace(0, 0.01, 100)
    rng = np.random.default_rng(0)
    tau = ChangePointThreshold()(rng.permutation(scores))
    assert 0.1 < tau <= 0.9 + 0.01
    assert np.sum(scores < tau) == 30


def test_changepoint_threshold_equals_sorted_value_at_ruptures_breakpoint():
    rng = np.random.default_rng(3)
    c = rng.beta(0.5, 0.5, size=257)
    s = np.sort(c)
    assert ChangePointThreshold(jump=5)(c) == s[_ruptures_bkp(s, 5, 2)]


def test_constant_scores_warn_and_give_empty_low_side():
    with pytest.warns(DegenerateDataWarning, match="All scores are equal"):
        tau = ChangePointThreshold()(np.full(20, 0.3))
    assert not np.any(np.full(20, 0.3) < tau)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_too_few_scores_fall_back_with_warning(n):
    x = np.arange(n, dtype=float)
    with pytest.warns(DegenerateDataWarning):
        tau = ChangePointThreshold(jump=5)(x)
    if n == 1:
        assert tau == 0.0
    else:
        assert x.min() < tau <= x.max()


def test_bad_scores():
    with pytest.raises(ValueError, match="NaN"):
        ChangePointThreshold()([0.1, np.nan, 0.3])
    with pytest.raises(ValueError, match="empty"):
        ChangePointThreshold()([])
    with pytest.raises(ValueError, match="1-D"):
        ChangePointThreshold()(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="1-D array of numbers"):
        ChangePointThreshold()(["a", "b"])


def test_fixed_and_quantile():
    x = np.arange(11.0)
    assert FixedThreshold(3.5)(x) == 3.5
    assert QuantileThreshold(0.3)(x) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="q must be"):
        QuantileThreshold(1.5)(x)
    with pytest.raises(ValueError, match="finite number"):
        FixedThreshold(np.nan)(x)


def test_ruptures_threshold_pelt_and_dynp():
    rng = np.random.default_rng(0)
    x = np.r_[rng.normal(0.1, 0.01, 40), rng.normal(0.5, 0.01, 40), rng.normal(0.9, 0.01, 40)]
    first = RupturesThreshold(ruptures.Pelt(model="rbf", min_size=2, jump=1), pen=5)(x)
    last = RupturesThreshold(ruptures.Pelt(model="rbf", min_size=2, jump=1), pen=5, breakpoint="last")(x)
    assert np.sum(x < first) == 40 and np.sum(x < last) == 80
    dynp = RupturesThreshold(ruptures.Dynp(model="l2", jump=1), n_bkps=2, breakpoint=1)(x)
    assert np.sum(x < dynp) == 80
    # The user's search object is not modified.
    search = ruptures.Binseg(model="l2", jump=1)
    RupturesThreshold(search)(x)
    assert search.signal is None


def test_ruptures_threshold_no_breakpoint_warns():
    with pytest.warns(DegenerateDataWarning, match="no change point"):
        tau = RupturesThreshold(ruptures.Binseg(model="l2"))(np.arange(4.0))
    assert tau == 0.0


def test_binseg_through_ruptures_threshold_agrees_with_changepoint():
    x = np.random.default_rng(1).beta(2, 5, size=300)
    assert RupturesThreshold(ruptures.Binseg(model="l2", jump=1))(x) == ChangePointThreshold()(x)


def test_resolve_threshold():
    assert resolve_threshold("changepoint") == ChangePointThreshold()
    assert resolve_threshold(0.2) == FixedThreshold(0.2)
    assert isinstance(resolve_threshold(ruptures.Pelt()), RupturesThreshold)
    assert resolve_threshold(ruptures.Pelt(), breakpoint="last").breakpoint == "last"
    q = QuantileThreshold(0.5)
    assert resolve_threshold(q) is q
    assert resolve_threshold(np.median)([1.0, 2.0, 3.0]) == 2.0
    with pytest.raises(ValueError, match="confidence_threshold"):
        resolve_threshold("otsu", name="confidence_threshold")
    with pytest.raises(TypeError, match="overlap_threshold"):
        resolve_threshold([0.1], name="overlap_threshold")


def test_split_quality():
    assert split_quality([0.0, 0.0, 1.0, 1.0], 0.5) == pytest.approx(1.0)
    g = np.random.default_rng(0).normal(size=20000)
    assert split_quality(g, ChangePointThreshold()(g)) == pytest.approx(1 - (1 - 2 / np.pi), abs=0.02)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(split_quality([1.0, 1.0], 0.5))
