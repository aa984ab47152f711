"""WeakLabelTrust: the gold rows' model of where the weak labeller errs (issue 25, item 2)."""


import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.pipeline import make_pipeline

from skw2s import DegenerateDataWarning, WeakLabelTrust
from skw2s.datasets import make_overlap_classification
from skw2s.trust import SIGNALS


def _weak(weak_cols, model=None):
    return make_pipeline(ColumnTransformer([("weak", "passthrough", list(weak_cols))]),
                         model if model is not None else LogisticRegression())


def _task(seed=0, n_gold=300, size=300):
    X, y, _, weak_cols = make_overlap_classification(size, size, size, random_state=seed)
    order = np.random.RandomState(seed).permutation(len(y))
    y_fit = np.full(len(y), -1)
    y_fit[order[:n_gold]] = y[order[:n_gold]]
    return X, y, y_fit, weak_cols


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trust_finds_the_wrong_pseudolabels_better_than_the_weak_confidence(seed):
    # The generator's hard-only points form a region where the weak model is at chance:
    # the gold rows there say so, the weak confidence does not.
    X, y, y_fit, weak_cols = _task(seed)
    trust = WeakLabelTrust(_weak(weak_cols), random_state=0).fit(X, y_fit)
    pool = trust.pool_indices_
    right = trust.pseudolabels_ == y[pool]
    assert 0.05 < 1 - right.mean() < 0.4  # the weak labeller errs, not everywhere
    auc_trust = roc_auc_score(right, trust.trust_)
    auc_conf = roc_auc_score(right, trust.signals_[:, SIGNALS.index("weak_confidence")])
    assert auc_trust > auc_conf + 0.05 and auc_trust > 0.9
    # what the gold rows say of it, cross-fitted, agrees
    assert trust.validation_auc_ > trust.confidence_auc_
    assert trust.trust_.shape == (pool.size,) and ((trust.trust_ >= 0) & (trust.trust_ <= 1)).all()
    assert trust.signals_.shape == (pool.size, len(SIGNALS))
    assert trust.gold_signals_.shape == (trust.gold_indices_.size, len(SIGNALS))


def test_gold_weak_labels_are_cross_fitted():
    # A 1-nearest-neighbour weak model is (nearly) always right on the rows it was fitted
    # on: only cross-fitting shows its errors on the gold rows, as the pool sees them.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + rng.normal(size=600) > 0).astype(int)  # 1-NN: about 65% right out of sample
    y_fit = np.where(np.arange(600) < 300, y, -1)
    weak = KNeighborsClassifier(1)
    trust = WeakLabelTrust(weak, cv=4, random_state=0).fit(X, y_fit)
    gold = trust.gold_indices_
    assert (weak.fit(X[gold], y[gold]).predict(X[gold]) == y[gold]).all()
    assert trust.gold_correct_.mean() < 0.8
    # the error rates of the gold rows (cross-fitted) and of the pool are alike
    pool_err = np.mean(trust.pseudolabels_ != y[trust.pool_indices_])
    assert abs((1 - trust.gold_correct_.mean()) - pool_err) < 0.08


def test_fixed_weak_side_is_used_as_it_is():
    X, y, y_fit, weak_cols = _task(1)
    gold = np.flatnonzero(y_fit != -1)
    P = LogisticRegression().fit(X[gold][:, weak_cols], y[gold]).predict_proba(X[:, weak_cols])
    trust = WeakLabelTrust(random_state=0).fit(X, y_fit, weak_proba=P)
    np.testing.assert_array_equal(trust.gold_correct_, P[gold].argmax(1) == y[gold])
    np.testing.assert_array_equal(trust.pseudolabels_, P[trust.pool_indices_].argmax(1))
    assert trust.weak_estimator_ is None
    # a frozen labeller: the same
    frozen = FrozenEstimator(_weak(weak_cols).fit(X[gold], y[gold]))
    again = WeakLabelTrust(frozen, random_state=0).fit(X, y_fit)
    np.testing.assert_array_equal(again.gold_correct_, trust.gold_correct_)
    np.testing.assert_allclose(again.trust_, trust.trust_)
    # new rows: the weak probabilities are needed when fit had them
    with pytest.raises(ValueError, match="weak_proba"):
        trust.predict_proba(X[:5])
    proba = trust.predict_proba(X[:5], weak_proba=P[:5])
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_signals_are_what_they_say():
    X, y, y_fit, weak_cols = _task(2, n_gold=200, size=100)
    trust = WeakLabelTrust(_weak(weak_cols), n_neighbors=4, random_state=0).fit(X, y_fit)
    pool, gold = trust.pool_indices_, trust.gold_indices_
    center = X[pool].mean(axis=0)
    S = trust.signals_
    P = trust.weak_estimator_.predict_proba(X[pool])
    np.testing.assert_allclose(S[:, 0], P.max(1))
    np.testing.assert_allclose(S[:, 1], np.sort(P, 1)[:, -1] - np.sort(P, 1)[:, -2])
    # pool agreement: the 4 nearest other pool rows (cosine, centred) sharing the pseudolabel
    nn = NearestNeighbors(n_neighbors=5, metric="cosine").fit(X[pool] - center)
    idx = nn.kneighbors(X[pool] - center, return_distance=False)
    others = np.array([[j for j in row if j != i][:4] for i, row in enumerate(idx)])
    same = trust.pseudolabels_[others] == trust.pseudolabels_[:, None]
    np.testing.assert_allclose(S[:, 3], same.mean(1))
    # gold agreement of a gold row: its 4 nearest *other* gold rows' correctness
    nn = NearestNeighbors(n_neighbors=5, metric="cosine").fit(X[gold] - center)
    idx = nn.kneighbors(X[gold] - center, return_distance=False)
    others = np.array([[j for j in row if j != i][:4] for i, row in enumerate(idx)])
    np.testing.assert_allclose(trust.gold_signals_[:, 4], trust.gold_correct_[others].mean(1))
    # the strong side's view of a pool row is out-of-fold: a 1-NN strong model gives each
    # row its own pseudolabel in sample, not out of fold
    knn = WeakLabelTrust(_weak(weak_cols), KNeighborsClassifier(1), random_state=0).fit(X, y_fit)
    assert (knn.strong_estimator_.predict_proba(X[pool]).max(1) == 1).all()
    assert (knn.signals_[:, 2] < 1).mean() > 0.05


def test_same_random_state_same_fit():
    X, y, y_fit, weak_cols = _task(0, size=150)
    a = WeakLabelTrust(_weak(weak_cols), random_state=3).fit(X, y_fit)
    b = WeakLabelTrust(_weak(weak_cols), random_state=3).fit(X, y_fit)
    np.testing.assert_array_equal(a.trust_, b.trust_)
    assert a.validation_auc_ == b.validation_auc_


def test_gold_rows_all_right_give_a_constant_trust_with_a_warning():
    X, y, y_fit, weak_cols = _task(0, size=100)
    gold = np.flatnonzero(y_fit != -1)
    P = np.eye(2)[y] * 0.8 + 0.1  # a weak labeller right everywhere
    with pytest.warns(DegenerateDataWarning, match="all right"):
        trust = WeakLabelTrust(random_state=0).fit(X, y_fit, weak_proba=P)
    assert trust.estimator_ is None and np.isnan(trust.validation_auc_)
    assert (trust.trust_ == 1).all()
    np.testing.assert_array_equal(trust.predict_proba(X[:3], weak_proba=P[:3]), [[0, 1]] * 3)
    assert trust.gold_correct_.all() and gold.size == trust.gold_indices_.size


def test_no_pool_row_means_every_row_is_both():
    X, y, _, weak_cols = _task(0, size=60)
    with pytest.warns(DegenerateDataWarning, match="no unlabelled row"):
        trust = WeakLabelTrust(_weak(weak_cols), random_state=0).fit(X, y)
    assert trust.pool_indices_.size == trust.gold_indices_.size == len(y)
    assert np.isfinite(trust.trust_).all()


@pytest.mark.parametrize("params,error,match", [
    ({"n_neighbors": 0}, ValueError, "n_neighbors"),
    ({"n_neighbors": 2.5}, TypeError, "n_neighbors"),
    ({"cv": 1}, ValueError, "cv"),
    ({"estimator": NearestNeighbors()}, TypeError, "estimator must have predict_proba"),
    ({"strong_estimator": NearestNeighbors()}, TypeError, "strong_estimator must have predict_proba"),
])
def test_bad_parameters(params, error, match):
    X, y, y_fit, _ = _task(0, n_gold=40, size=30)
    with pytest.raises(error, match=match):
        WeakLabelTrust(**params).fit(X, y_fit)


def test_bad_input():
    X, y, y_fit, _ = _task(0, n_gold=40, size=30)
    with pytest.raises(ValueError, match="requires y"):
        WeakLabelTrust().fit(X, None)
    with pytest.raises(ValueError, match="at least 2 gold rows"):
        WeakLabelTrust().fit(X, np.r_[y[:1], np.full(len(y) - 1, -1)])
    with pytest.raises(ValueError, match="columns"):
        WeakLabelTrust().fit(X, y_fit, weak_proba=np.full((len(y), 3), 1 / 3))
    one = y_fit.copy()
    gold = np.flatnonzero(one != -1)
    one[gold[one[gold] == 1][1:]] = -1  # class 1 keeps a single gold row
    with pytest.raises(ValueError, match="at least 2 gold rows"):
        WeakLabelTrust().fit(X, one)
    with pytest.raises(ValueError, match="representation"):
        WeakLabelTrust().fit(np.array([["a text"], ["another"]] * 5, dtype=object), y[:10])


def test_positions_and_shared_rows_leave_each_row_out():
    from skw2s.trust import positions

    np.testing.assert_array_equal(positions(np.array([5, 3, 9]), np.array([3, 4, 5])), [2, 0, -1])
    assert positions(np.array([1]), np.array([], dtype=int)).tolist() == [-1]
    # no -1 in y: every row is a pool row and a gold row; its gold neighbours never include
    # itself, so the gold agreement of a row with a unique, far-away duplicate is its twin's
    X = np.r_[np.eye(4), np.eye(4)] + 0.01 * np.arange(8)[:, None]
    y = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    P = np.tile([[0.6, 0.4]], (8, 1))  # weak label 0 everywhere: right on the y == 0 rows
    with pytest.warns(DegenerateDataWarning, match="no unlabelled row"):
        trust = WeakLabelTrust(n_neighbors=1, random_state=0).fit(X, y, weak_proba=P)
    np.testing.assert_array_equal(trust.gold_signals_[:, 4], trust.gold_correct_[[4, 5, 6, 7, 0, 1, 2, 3]])


def test_neighbours_from_shared_distances_are_nearest_neighbors_own():
    """A fit's trusts share one matrix of cosine distances (pool x every labelled row), sliced
    per fold: the neighbourhoods read from it are ``NearestNeighbors(metric="cosine")``'s."""
    from skw2s.trust import _neighbours, centred_distances, cosine_distances_or_none

    rng = np.random.RandomState(0)
    Z_pool, Z_gold = rng.randn(300, 12), rng.randn(80, 12)
    D_pool, D_gold = centred_distances(Z_pool, Z_gold)
    center = Z_pool.mean(axis=0)
    Zp, Zg = Z_pool - center, Z_gold - center
    fold = np.sort(rng.choice(80, 60, replace=False))  # a fold's training gold rows
    for query, index, D, exclude in (
            (Zp, Zg[fold], D_pool[:, fold], None),  # pool rows among the fold's gold rows
            (Zg[fold], Zp, D_pool[:, fold].T, None),  # and back
            (Zg[fold], Zg[fold], D_gold[np.ix_(fold, fold)], np.arange(fold.size))):  # itself left out
        for k in (1, 5, index.shape[0] - 1):
            got = _neighbours(index, query, k, exclude, D)
            want = _neighbours(index, query, k, exclude)
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_array_equal(got[1], want[1])
            expected = NearestNeighbors(n_neighbors=min(k + (exclude is not None), index.shape[0]),
                                        metric="cosine").fit(index).kneighbors(query, return_distance=False)
            np.testing.assert_array_equal(got[0], expected)
    # too large to keep: None, and every lookup searches in chunks instead
    import skw2s.trust as trust_module

    limit = trust_module.MAX_SHARED_DISTANCES
    try:
        trust_module.MAX_SHARED_DISTANCES = 300 * 80 - 1
        assert cosine_distances_or_none(Zp, Zg) is None
        assert centred_distances(Z_pool, Z_gold)[0] is None
    finally:
        trust_module.MAX_SHARED_DISTANCES = limit


def test_trust_is_the_same_with_or_without_shared_distances():

    X, y, y_fit, weak_cols = _task(3, n_gold=150, size=150)
    trust = WeakLabelTrust(_weak(weak_cols), random_state=0).fit(X, y_fit)
    import skw2s.trust as trust_module

    limit = trust_module.MAX_SHARED_DISTANCES
    try:
        trust_module.MAX_SHARED_DISTANCES = 0  # every lookup a NearestNeighbors search
        searched = WeakLabelTrust(_weak(weak_cols), random_state=0).fit(X, y_fit)
    finally:
        trust_module.MAX_SHARED_DISTANCES = limit
    np.testing.assert_array_equal(trust.signals_, searched.signals_)
    np.testing.assert_array_equal(trust.gold_signals_, searched.gold_signals_)
    np.testing.assert_array_equal(trust.trust_, searched.trust_)
