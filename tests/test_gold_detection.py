"""OverlapDetector(hard_from="gold"): the hard-only side from the gold rows (issue 25).

Each point's confidence is the share of right weak labels among its nearest gold rows;
hard-only points are where that share is at chance (ChanceThreshold). The shares are
recomputed here by hand with scikit-learn's NearestNeighbors; the cross-fitting with
StratifiedKFold.
"""

import warnings

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from skw2s import HARD, DegenerateDataWarning, OverlapDetector, WeakToStrongClassifier
from skw2s._gold_accuracy import GoldAccuracy
from skw2s.thresholds import ChanceThreshold

# small pools often hold one group of overlap scores: documented, announced by a warning
pytestmark = pytest.mark.filterwarnings("ignore::skw2s.DegenerateDataWarning")


def _hand_shares(Z, gold, correct, k, query=None):
    """Share of right weak labels among the k nearest gold rows (cosine, centred on the
    fitted rows' mean), a gold row leaving itself out; ``query``: new rows."""
    mu = Z.mean(axis=0)
    nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(Z[gold] - mu)
    if query is not None:
        idx = nn.kneighbors(query - mu, n_neighbors=k, return_distance=False)
        return correct[idx].mean(axis=1)
    idx = nn.kneighbors(Z - mu, return_distance=False)
    out = np.empty(len(Z))
    own = {g: j for j, g in enumerate(gold)}
    for i, row in enumerate(idx):
        kept = [j for j in row if own.get(i, -1) != j][:k]
        out[i] = correct[kept].mean()
    return out


def _fixed_side(n_gold=40, n_pool=60, d=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_gold + n_pool, d))
    y = np.r_[rng.randint(2, size=n_gold), -np.ones(n_pool, dtype=int)]
    p1 = rng.uniform(size=n_gold + n_pool)
    return X, y, np.column_stack([1 - p1, p1])


def test_confidence_is_the_share_of_right_weak_labels_among_the_nearest_gold_rows():
    X, y, proba = _fixed_side()
    det = OverlapDetector(hard_from="gold", n_neighbors=4, n_resamples=0).fit(X, y, weak_proba=proba)
    gold = np.flatnonzero(y != -1)
    correct = proba[gold].argmax(axis=1) == y[gold]  # a fixed weak side is used as it is
    np.testing.assert_array_equal(det.gold_indices_, gold)
    np.testing.assert_array_equal(det.gold_correct_, correct)
    np.testing.assert_allclose(det.confidence_, _hand_shares(X, gold, correct.astype(float), 4))
    assert det.n_neighbors_ == 4
    # new rows: their 4 nearest gold rows, no weak probabilities needed
    X_new = np.random.RandomState(1).normal(size=(7, X.shape[1]))
    np.testing.assert_allclose(det.transform(X_new)[:, 0],
                               _hand_shares(X, gold, correct.astype(float), 4, query=X_new))
    c = det.transform(X_new)[:, 0]
    np.testing.assert_array_equal(det.predict(X_new) == HARD, c < det.confidence_threshold_)


def test_neighbours_are_capped_by_the_gold_rows():
    X, y, proba = _fixed_side(n_gold=6)
    det = OverlapDetector(hard_from="gold", n_resamples=0).fit(X, y, weak_proba=proba)
    assert det.n_neighbors_ == 5  # 25 asked, 6 gold rows, a gold row leaves itself out
    assert set(np.round(det.confidence_ * 5, 9)) <= set(range(6))


def test_gold_weak_labels_are_cross_fitted():
    # a 1-NN weak model is right on every row it was fitted on: only cross-fitting shows
    # its errors, and they are those of the same folds by hand
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 4))
    y_true = (X[:, 0] + rng.normal(scale=1.0, size=150) > 0).astype(int)
    y = np.r_[y_true[:60], -np.ones(90, dtype=int)]
    det = OverlapDetector(KNeighborsClassifier(1), hard_from="gold", n_resamples=0,
                          random_state=3).fit(X, y)
    gold_X, gold_y = X[:60], y_true[:60]
    expected = np.empty(60, dtype=bool)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=3).split(gold_X, gold_y):
        pred = KNeighborsClassifier(1).fit(gold_X[train], gold_y[train]).predict(gold_X[test])
        expected[test] = pred == gold_y[test]
    np.testing.assert_array_equal(det.gold_correct_, expected)
    assert not expected.all()
    # a frozen weak model is used as it is (no cross-fitting)
    frozen = FrozenEstimator(KNeighborsClassifier(1).fit(gold_X, gold_y))
    det = OverlapDetector(frozen, hard_from="gold", n_resamples=0).fit(X, y)
    assert det.gold_correct_.all()


def test_chance_level_is_a_labeller_independent_of_the_truth():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = np.r_[rng.choice(3, size=80, p=[0.6, 0.3, 0.1]), -np.ones(120, dtype=int)]
    P = rng.dirichlet([3, 1, 1], size=200)
    det = OverlapDetector(hard_from="gold", n_resamples=0).fit(X, y, weak_proba=P)
    labels, gold = P.argmax(axis=1), y[:80]
    expected = sum(np.mean(gold == c) * np.mean(labels == c) for c in range(3))
    assert det.chance_level_ == pytest.approx(expected)
    assert det._confidence_rule == ChanceThreshold(det.n_neighbors_, det.chance_level_)


def _chance_region_pool(seed=0, n=1500, n_gold=500, at_chance=0.3):
    """Two regions of a 10-d representation; the weak labeller is right 95% of the time in
    one and at chance in the other (the hard-only points)."""
    rng = np.random.RandomState(seed)
    region = rng.uniform(size=n) < at_chance
    Z = rng.normal(size=(n, 10))
    Z[:, 0] += np.where(region, -4.0, 4.0)
    y_true = rng.randint(2, size=n)
    right = np.where(region, rng.uniform(size=n) < 0.5, rng.uniform(size=n) < 0.95)
    weak = np.where(right, y_true, 1 - y_true)
    p1 = np.where(weak == 1, 0.8, 0.2)
    y = np.where(np.arange(n) < n_gold, y_true, -1)
    return Z, y, np.column_stack([1 - p1, p1]), region


def test_points_where_the_labeller_is_at_chance_are_hard_only():
    Z, y, proba, region = _chance_region_pool()
    det = OverlapDetector(hard_from="gold", random_state=0, n_resamples=10).fit(Z, y, weak_proba=proba)
    hard = det.labels_ == HARD
    assert roc_auc_score(region, -det.confidence_) > 0.97
    assert abs(hard.mean() - region.mean()) < 0.05
    assert det.confidence_two_groups_ is True
    # the label-free confidence cannot see it: it is the same (0.6) on every row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        plain = OverlapDetector(n_resamples=0).fit(Z, weak_proba=proba)
    assert not (plain.labels_ == HARD).any()


def test_no_chance_region_means_no_hard_only_point():
    Z, y, proba, region = _chance_region_pool(at_chance=0.0)
    with pytest.warns(DegenerateDataWarning, match="no hard-only point"):
        det = OverlapDetector(hard_from="gold", n_resamples=0).fit(Z, y, weak_proba=proba)
    assert not (det.labels_ == HARD).any()
    assert det.confidence_two_groups_ is False


def test_bootstrap_redraws_the_gold_rows():
    Z, y, proba, _ = _chance_region_pool(n=300, n_gold=120)
    gold = np.flatnonzero(y != -1)
    correct = proba[gold].argmax(axis=1) == y[gold]
    acc = GoldAccuracy(Z, gold, correct, 7)
    got = acc.resampled(np.random.RandomState(5))
    draw = np.unique(np.random.RandomState(5).randint(gold.size, size=gold.size))
    U = Z - Z.mean(axis=0)
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    for i in (0, 50, 130, 299):  # gold rows (0, 50) leave every copy of themselves out
        cand = [j for j in draw if gold[j] != i]
        sims = U[i] @ U[gold[cand]].T
        nearest = np.asarray(cand)[np.argsort(-sims)[:7]]
        assert got[i] == pytest.approx(correct[nearest].mean())
    det_a = OverlapDetector(hard_from="gold", n_resamples=8, random_state=2).fit(Z, y, weak_proba=proba)
    det_b = OverlapDetector(hard_from="gold", n_resamples=8, random_state=2).fit(Z, y, weak_proba=proba)
    np.testing.assert_array_equal(det_a.group_proba_, det_b.group_proba_)
    # the chunked path (small working_memory) gives the same shares
    small = GoldAccuracy(Z, gold, correct, 7, working_memory=0.001)
    np.testing.assert_allclose(small.resampled(np.random.RandomState(5)), got)
    assert small._S is None and acc._S is not None  # chunks there, the kept matrix here


def test_three_gold_rows_are_enough():
    # the fewest the detector takes: 2 neighbours each, and a bootstrap that may draw a
    # single distinct gold row (its own share then falls back to the overall accuracy)
    X, y, proba = _fixed_side(n_gold=3)
    y[:3] = [0, 1, 0]
    det = OverlapDetector(hard_from="gold", n_resamples=30, random_state=0).fit(X, y, weak_proba=proba)
    assert det.n_neighbors_ == 2
    assert np.isfinite(det.group_proba_).all() and det.overlap_density_resamples_.size == 30
    acc = GoldAccuracy(X, np.arange(3), np.array([True, False, True]), 2)
    rng = np.random.RandomState(0)
    for _ in range(40):
        shares = acc.resampled(rng)
        assert ((shares >= 0) & (shares <= 1)).all()


@pytest.mark.parametrize("params, fit_kw, error, match", [
    (dict(hard_from="labels"), {}, ValueError, "hard_from must be one of"),
    (dict(hard_from="gold", n_neighbors=0), {}, ValueError, "n_neighbors"),
    (dict(hard_from="gold", cv=KFold(3)), {}, TypeError, "cv must be an int or None"),
    (dict(hard_from="gold"), dict(y=None), ValueError, "hard_from='gold' reads .* no y"),
    (dict(hard_from="gold"), dict(y="two"), ValueError, "at least 3 rows .* 2 labelled"),
    (dict(hard_from="gold"), dict(proba_cols=3), ValueError, "weak_proba has 3 columns"),
])
def test_bad_gold_settings_are_refused(params, fit_kw, error, match):
    X, y, proba = _fixed_side()
    if fit_kw.get("y") == "two":
        y = np.r_[[0, 1], -np.ones(len(X) - 2, dtype=int)]
    elif "y" in fit_kw:
        y = None
    if fit_kw.get("proba_cols") == 3:
        proba = np.random.RandomState(0).dirichlet([1, 1, 1], size=len(X))
    with pytest.raises(error, match=match):
        OverlapDetector(**params).fit(X, y, weak_proba=proba)


def test_the_classifier_refuses_a_gold_detector():
    X, y, _ = _fixed_side()
    clf = WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on="nonhard",
                                 detector=OverlapDetector(hard_from="gold"))
    with pytest.raises(ValueError, match="hard_from='gold' .*cannot be used here"):
        clf.fit(X, y)


def test_dask_arrays_are_refused():
    da = pytest.importorskip("dask.array", reason="dask is an optional extra (skw2s[dask])")
    X, y, proba = _fixed_side()
    with pytest.raises(ValueError, match="not available on a dask array"):
        OverlapDetector(hard_from="gold").fit(da.from_array(X, chunks=20), y, weak_proba=proba)
    det = OverlapDetector(hard_from="gold", n_resamples=0).fit(X, y, weak_proba=proba)
    with pytest.raises(ValueError, match="fitted with hard_from='gold'"):
        det.transform(da.from_array(X, chunks=20))
