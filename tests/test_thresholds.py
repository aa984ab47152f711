"""Thresholds: exact agreement with ruptures, fallbacks, and the other rules."""

import re
import warnings

import numpy as np
import pytest
import ruptures

from skw2s import DegenerateDataWarning
from skw2s.thresholds import (
    ChangePointThreshold,
    FixedThreshold,
    MixtureThreshold,
    QuantileThreshold,
    RupturesThreshold,
    changepoint_index,
    resolve_threshold,
    split_quality,
    split_scores,
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


@pytest.mark.parametrize("jump,min_size,error", [
    (0, 2, ValueError), (1.5, 2, TypeError), (1, 0, ValueError), (True, 2, TypeError),
])
def test_changepoint_bad_grid(jump, min_size, error):
    # A wrong type is a TypeError, a wrong value a ValueError (issue 17).
    with pytest.raises(error, match="jump|min_size"):
        changepoint_index(np.arange(10.0), jump=jump, min_size=min_size)


@pytest.mark.slow  # 1e6 points: about 5 s
def test_changepoint_is_the_least_squares_split_on_a_million_points():
    # (its O(n) speed is measured in benchmarks/detector_scale.py, not here)
    x = np.sort(np.random.default_rng(0).beta(2, 5, size=10**6))
    b = changepoint_index(x)

    def sse(k):  # direct two-segment sum of squares, no prefix sums
        return ((x[:k] - x[:k].mean()) ** 2).sum() + ((x[k:] - x[k:].mean()) ** 2).sum()

    others = np.r_[np.arange(2, x.size - 1, 997), b - 1, b + 1]
    # within the implementation's near-tie tolerance (1e-8 relative) of every other split
    assert all(sse(b) <= sse(k) * (1 + 1e-8) for k in others)


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


# ------------------------------------------------------------------ ties (issue 10)
def test_breakpoint_inside_a_run_of_ties_still_separates():
    x = np.r_[np.zeros(12), np.ones(20)]
    assert changepoint_index(x, jump=5) == 10  # inside the run of zeros
    tau = ChangePointThreshold(jump=5)(x)
    assert tau == 1.0 and np.sum(x < tau) == 12  # moved to the nearer end of the run
    assert ChangePointThreshold(jump=5, ties="value")(x) == 0.0  # the authors' reading
    assert RupturesThreshold(ruptures.Binseg(model="l2"))(x) == 1.0
    assert RupturesThreshold(ruptures.Binseg(model="l2"), ties="value")(x) == 0.0
    # nearer end below: 3 ones among the low side's run
    y = np.r_[np.zeros(4), np.full(9, 0.5), np.ones(30)]
    b = changepoint_index(y, jump=5)
    tau = ChangePointThreshold(jump=5)(y)
    assert 0 < np.sum(y < tau) < y.size and not np.any((y < tau) & (y >= tau))
    with pytest.raises(ValueError, match="ties"):
        ChangePointThreshold(ties="x")(y)
    assert b % 5 == 0


# ------------------------------------------------------------- mixture (issue 9)
def test_mixture_says_one_group_for_single_groups():
    rng = np.random.RandomState(0)
    for x in (rng.uniform(size=3000), rng.normal(size=3000), np.full(50, 0.3), rng.beta(2, 5, 3000)):
        tau, two = MixtureThreshold().split(x)
        assert two is False and tau == x.min()
    with pytest.warns(DegenerateDataWarning, match="one group"):
        assert MixtureThreshold()(rng.uniform(size=500)) >= 0


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.5, 0.9])
def test_mixture_finds_a_low_group_of_any_size(fraction):
    rng = np.random.RandomState(1)
    n_low = int(fraction * 5000)
    x = np.r_[rng.normal(0.05, 0.01, n_low), rng.uniform(0.3, 1.0, 5000 - n_low)]
    tau, two = MixtureThreshold().split(rng.permutation(x))
    assert two is True and np.sum(x < tau) == n_low


def test_mixture_spike_of_ties_is_a_group_and_never_straddles():
    rng = np.random.RandomState(2)
    x = np.r_[np.full(100, 0.02), rng.beta(5, 1.5, 4900)]  # 2% tied at the bottom
    tau, two = MixtureThreshold(scale="logit").split(x)
    assert two and np.sum(x < tau) == 100
    z = np.r_[np.zeros(150), rng.uniform(0.1, 0.5, 5850)]  # 2.5% exact zeros
    tau, two = MixtureThreshold().split(z)
    assert two and np.sum(z < tau) == 150


def test_mixture_is_deterministic_and_bounded():
    rng = np.random.RandomState(3)
    x = np.r_[rng.normal(0, 1, 30000), rng.normal(6, 1, 20000)]
    a, b = MixtureThreshold().split(x), MixtureThreshold().split(x)
    assert a == b and a[1]
    assert abs(np.sum(x < a[0]) - 30000) < 100
    # fitted on at most max_points order statistics: same answer from a thinner fit
    c = MixtureThreshold(max_points=5000).split(x)
    assert c[1] and abs(np.sum(x < c[0]) - 30000) < 150


def test_mixture_bad_parameters():
    with pytest.raises(ValueError, match="scale"):
        MixtureThreshold(scale="log").split([0.1, 0.2])
    with pytest.raises(ValueError, match="valley"):
        MixtureThreshold(valley=1.5).split([0.1, 0.2])
    with pytest.raises(ValueError, match="max_points"):
        MixtureThreshold(max_points=10).split([0.1, 0.2])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        MixtureThreshold(scale="logit").split([0.1, 2.0])


def test_split_scores_of_any_rule():
    assert split_scores(ChangePointThreshold(), [0.1, 0.1, 0.9, 0.9])[1] is None
    assert split_scores(ChangePointThreshold(), np.full(9, 0.4)) == (0.4, False)
    assert split_scores(lambda s: 0.5, [0.1, 0.9]) == (0.5, None)
    assert resolve_threshold("mixture") == MixtureThreshold()
    assert resolve_threshold("auto", auto=MixtureThreshold(scale="logit")).scale == "logit"
    with pytest.raises(ValueError, match="'auto'"):
        resolve_threshold("auto")


def test_mixture_em_agrees_with_scikit_learn():
    # the hand-written 1-D EM is scikit-learn's spherical GaussianMixture iteration
    from sklearn.mixture import GaussianMixture

    from skw2s._mixture import _REG, _em

    rng = np.random.RandomState(4)
    z = np.sort(np.r_[rng.normal(-1, 0.3, 300), rng.normal(1.5, 0.6, 700)])
    init = ([0.4, 0.6], [-0.8, 1.0], [0.2, 0.5])
    ll, (w, m, v) = _em(z, init, tol=1e-10, max_iter=500)
    gm = GaussianMixture(2, covariance_type="spherical", weights_init=init[0],
                         means_init=np.array(init[1])[:, None],
                         precisions_init=1 / (np.array(init[2]) + _REG), reg_covar=_REG,
                         tol=1e-10, max_iter=500).fit(z[:, None])
    np.testing.assert_allclose(w, gm.weights_, rtol=1e-6)
    np.testing.assert_allclose(m, gm.means_.ravel(), rtol=1e-6)
    np.testing.assert_allclose(v, gm.covariances_, rtol=1e-6)
    assert ll == pytest.approx(gm.score(z[:, None]) * z.size, rel=1e-9)


def test_batched_em_starts_end_where_each_alone_ends():
    # the starts run side by side but each stops on its own criterion: a start that
    # converges early is frozen while the others iterate (not run to the slowest's end)
    from skw2s._mixture import _em_batch, _initialisations

    rng = np.random.RandomState(5)
    z = np.sort(np.r_[rng.normal(-1, 0.3, 90), rng.normal(1.5, 0.6, 210)])
    z = (z - z.mean()) / z.std()
    inits = [init for init in _initialisations(z) if len(init[0]) == 2]
    assert len(inits) >= 5
    together = _em_batch(z, inits)
    n_iter = []
    for init, (ll, params) in zip(inits, together):
        alone_ll, alone = _em_batch(z, [init])[0]
        assert ll == pytest.approx(alone_ll, rel=1e-12)
        for a, b in zip(params, alone):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        lo, hi = 1, 200  # iterations this start needs: the smallest max_iter giving its result
        while lo < hi:
            mid = (lo + hi) // 2
            if _em_batch(z, [init], max_iter=mid)[0][0] == alone_ll:
                hi = mid
            else:
                lo = mid + 1
        n_iter.append(lo)
    assert len(set(n_iter)) > 1  # the starts do converge after different numbers of iterations


# ------------------------------------------------- a rule keeps nothing of a call (issue 17)
@pytest.mark.parametrize(
    "rule",
    [MixtureThreshold(), MixtureThreshold(scale="logit"), ChangePointThreshold(jump=5),
     QuantileThreshold(0.3), FixedThreshold(0.5),
     RupturesThreshold(ruptures.Binseg(model="l2"), breakpoint="last")],
    ids=lambda rule: re.sub(r" object at 0x[0-9a-fA-F]+", "", repr(rule)),  # same ids in every process
)
def test_rules_keep_nothing_of_a_call(rule):
    # An estimator parameter must not change when the estimator is fitted: a rule
    # that stored per-call state (details_) changed its repr, equality and hash.
    import joblib

    before = (repr(rule), joblib.hash(rule), sorted(vars(rule)))
    rng = np.random.RandomState(0)
    x = np.r_[rng.uniform(0.0, 0.1, 50), rng.uniform(0.6, 1.0, 450)]
    rule.split(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        rule(x)
        rule(np.full(20, 0.5))
    assert (repr(rule), joblib.hash(rule), sorted(vars(rule))) == before


def test_mixture_returns_its_details():
    rng = np.random.RandomState(0)
    x = np.r_[rng.normal(0.1, 0.02, 60), rng.normal(0.7, 0.1, 940)]
    rule = MixtureThreshold()
    tau, two, details = rule.split(x, return_details=True)
    assert (tau, two) == rule.split(x)
    assert set(details) == {"bic_one", "bic_two", "valley_ratio", "components", "starts"}
    assert details["bic_two"] < details["bic_one"] and details["valley_ratio"] <= rule.valley
    assert set(details["components"]) == {"weight", "mean", "std"}
    # one group: the BICs are not computed below 8 scores
    tau, two, details = rule.split(np.arange(5.0), return_details=True)
    assert two is False and np.isnan(details["bic_one"])


def test_warm_started_mixture_agrees_with_a_cold_fit():
    # The detector's bootstrap and the selector's stream refit MixtureThreshold from an
    # earlier fit's components ("starts"); on two clear groups the answer is the cold one.
    from skw2s._partition import WarmSplit

    rng = np.random.RandomState(0)
    x = np.r_[rng.normal(0.1, 0.02, 150), rng.normal(0.7, 0.1, 850)]
    rule = MixtureThreshold()
    split = WarmSplit()
    assert split(rule, x) == rule.split(x)
    for _ in range(5):
        resample = x[rng.randint(x.size, size=x.size)]
        warm, two = split(rule, resample)
        cold, cold_two = rule.split(resample)
        assert two and cold_two and warm == pytest.approx(cold, abs=0.02)
    # one group stays one group from a two-group start
    assert split(rule, rng.uniform(size=1000))[1] is False


def test_warm_split_follows_a_stream_and_refits_cold_when_it_doubles():
    from skw2s._partition import WarmSplit

    rng = np.random.RandomState(1)
    x = np.r_[rng.normal(0.1, 0.02, 300), rng.normal(0.7, 0.1, 1700)]
    rule, split = MixtureThreshold(), WarmSplit(follow=True)
    split(rule, x[:400], n_seen=400)
    assert split.n_cold[id(rule)] == 400
    split(rule, x[:700], n_seen=700)          # warm: 700 < 2 x 400
    assert split.n_cold[id(rule)] == 400
    split(rule, x[:900], n_seen=900)          # cold again: the history doubled
    assert split.n_cold[id(rule)] == 900
    # rules without starts are applied as they are
    assert split(FixedThreshold(0.3), x) == (0.3, None)


# ------------------------------------------------ ChanceThreshold (issue 25, gold rows)
def _chance_shares(weight, rate, n=25, size=4000, chance=0.5, seed=0):
    rng = np.random.RandomState(seed)
    at_chance = rng.uniform(size=size) < weight
    return np.where(at_chance, rng.binomial(n, chance, size), rng.binomial(n, rate, size)) / n


def _negative_loglik(params, s, n, chance):
    from scipy.special import expit
    from scipy.stats import binom

    weight, rate = expit(params[0]), chance + (1 - chance) * expit(params[1])
    return -np.logaddexp(np.log(weight) + binom.logpmf(s, n, chance),
                         np.log1p(-weight) + binom.logpmf(s, n, rate)).sum()


@pytest.mark.parametrize("weight, rate", [(0.3, 0.8), (0.1, 0.95), (0.6, 0.7)])
def test_chance_threshold_is_the_maximum_likelihood_mixture(weight, rate):
    from scipy.optimize import minimize
    from scipy.special import logit
    from scipy.stats import binom

    from skw2s.thresholds import ChanceThreshold

    shares = _chance_shares(weight, rate)
    tau, two, details = ChanceThreshold(25, 0.5).split(shares, return_details=True)
    assert two is True
    assert details["weight"] == pytest.approx(weight, abs=0.04)
    assert details["rate"] == pytest.approx(rate, abs=0.02)
    # the same optimum as scipy's optimiser on the binomial likelihood
    s = np.round(shares * 25)
    start = [logit(0.5), logit(np.clip((np.quantile(shares, 0.75) - 0.5) / 0.5, 0.05, 0.95))]
    best = minimize(_negative_loglik, start, args=(s, 25, 0.5), method="Nelder-Mead",
                    options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}).x
    from scipy.special import expit
    assert details["weight"] == pytest.approx(expit(best[0]), abs=1e-3)
    assert details["rate"] == pytest.approx(0.5 + 0.5 * expit(best[1]), abs=1e-3)
    # the cut: below it the chance component is the more probable one, at and above it not
    w, r = details["weight"], details["rate"]
    post = w * binom.pmf(s, 25, 0.5) / (w * binom.pmf(s, 25, 0.5) + (1 - w) * binom.pmf(s, 25, r))
    np.testing.assert_array_equal(shares < tau, post > 0.5)


def test_chance_threshold_one_group_either_way():
    from skw2s.thresholds import ChanceThreshold

    good = _chance_shares(0.0, 0.9)  # no share at chance
    tau, two = ChanceThreshold(25, 0.5).split(good)
    assert two is False and tau == good.min() and not (good < tau).any()
    with pytest.warns(DegenerateDataWarning, match="None of the 4000 shares"):
        assert ChanceThreshold(25, 0.5)(good) == good.min()
    coin = _chance_shares(1.0, 0.9)  # every share at chance
    tau, two = ChanceThreshold(25, 0.5).split(coin)
    assert two is None and (coin < tau).all()


@pytest.mark.parametrize("params, scores, match", [
    (dict(n_trials=0, chance=0.5), [0.5], "n_trials"),
    (dict(n_trials=10, chance=1.0), [0.5], "chance must be a number in"),
    (dict(n_trials=10, chance=True), [0.5], "chance must be a number in"),
    (dict(n_trials=10, chance=0.5), [0.5, 1.2], r"shares in \[0, 1\]"),
    (dict(n_trials=10, chance=0.5), [], "empty"),
])
def test_chance_threshold_bad_input(params, scores, match):
    from skw2s.thresholds import ChanceThreshold

    with pytest.raises(ValueError, match=match):
        ChanceThreshold(**params).split(scores)
