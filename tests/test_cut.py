"""train_on=("cut", q): rows whose pool neighbours share their pseudolabel (issue 25, item 1).

The cut statistic of Lang, Vijayaraghavan and Sontag (2022) on an unweighted k-nearest-
neighbour graph: checked here against scikit-learn's NearestNeighbors and against the
statistic as the paper standardises it.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors

from skw2s import DegenerateDataWarning, OverlapDetector, WeakToStrongClassifier
from skw2s._training_rows import AUTO_CANDIDATES
from skw2s.trust import TRUST_NEIGHBORS


class _Flipper(ClassifierMixin, BaseEstimator):
    """A fixed weak labeller: the true label of a two-blob task, flipped on given rows."""

    def __init__(self, truth=None, flip=None):
        self.truth = truth
        self.flip = flip

    def fit(self, X, y=None):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        rows = X[:, -1].astype(int)  # the last column is the row's index
        label = np.where(self.flip[rows], 1 - self.truth[rows], self.truth[rows])
        # a confidence that says nothing about the flips
        conf = 0.6 + 0.3 * np.random.RandomState(0).rand(rows.size)
        P = np.empty((rows.size, 2))
        P[np.arange(rows.size), label] = conf
        P[np.arange(rows.size), 1 - label] = 1 - conf
        return P


def _blobs(seed, n=600, noise=0.25):
    rng = np.random.RandomState(seed)
    truth = rng.randint(2, size=n)
    X = rng.randn(n, 5) + 3.0 * truth[:, None]
    flip = rng.rand(n) < noise  # label noise at random: isolated among its neighbours
    return np.column_stack([X, np.arange(n)]), truth, flip


def _fit(X, truth, flip, q, **kw):
    weak = FrozenEstimator(_Flipper(truth, flip).fit(X))
    # a detector for its representation (the features without the index column); the
    # weak confidence says nothing here, so it finds no low-confidence group
    rep = OverlapDetector(representation=_features(), n_resamples=0)
    with pytest.warns(DegenerateDataWarning, match="weak confidences form one group"):
        return WeakToStrongClassifier(weak, LogisticRegression(), train_on=("cut", q), detector=rep,
                                      random_state=0, **kw).fit(X, np.full(len(truth), -1))


def _features():
    from sklearn.preprocessing import FunctionTransformer

    return FunctionTransformer(lambda X: X[:, :-1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cut_keeps_the_rows_whose_neighbours_agree(seed):
    X, truth, flip = _blobs(seed)
    clf = _fit(X, truth, flip, 0.6)
    pool = clf.pool_indices_
    pseudo = clf.pseudolabels_
    # the shares recomputed with scikit-learn: cosine on the centred features, the row
    # itself left out
    Z = X[pool, :-1] - X[pool, :-1].mean(axis=0)
    idx = NearestNeighbors(n_neighbors=TRUST_NEIGHBORS + 1, metric="cosine").fit(Z).kneighbors(
        Z, return_distance=False)
    share = np.array([np.mean([pseudo[j] == pseudo[i] for j in row if j != i][:TRUST_NEIGHBORS])
                      for i, row in enumerate(idx)])
    np.testing.assert_allclose(clf.neighbour_agreement_, share)
    # the kept rows: per pseudolabel class, the ceil(0.6 n_c) highest shares
    kept = np.isin(pool, clf.train_indices_)
    for c in (0, 1):
        in_c = pseudo == c
        assert kept[in_c].sum() == int(np.ceil(0.6 * in_c.sum()))
        assert share[in_c & kept].min() >= share[in_c & ~kept].max()
    # ... which drops far more of the flipped labels than of the right ones
    wrong = flip[pool]
    assert kept[wrong].mean() < 0.35 < 0.7 < kept[~wrong].mean()
    right_before, right_after = 1 - wrong.mean(), 1 - wrong[kept].mean()
    assert right_after > right_before + 0.15


def test_cut_ranks_as_the_standardised_statistic_within_a_class():
    # Lang et al. score row i by z_i = (J_i - k (1 - p)) / sqrt(k p (1 - p)), J_i its
    # neighbours with another label and p the share of its own label in the pool: within
    # one class, ranking by the share of agreeing neighbours is ranking by -z.
    X, truth, flip = _blobs(3)
    clf = _fit(X, truth, flip, 0.5)
    pseudo, share = clf.pseudolabels_, clf.neighbour_agreement_
    kept = np.isin(clf.pool_indices_, clf.train_indices_)
    k = TRUST_NEIGHBORS
    for c in (0, 1):
        p = np.mean(pseudo == c)
        J = k * (1 - share)
        z = (J - k * (1 - p)) / np.sqrt(k * p * (1 - p))
        in_c = pseudo == c
        assert z[in_c & kept].max() <= z[in_c & ~kept].min()


def test_ties_are_ranked_by_weak_confidence():
    X, truth, flip = _blobs(4)
    clf = _fit(X, truth, flip, 0.5)
    P = clf.pseudolabel_proba_
    conf = P.max(axis=1)
    kept = np.isin(clf.pool_indices_, clf.train_indices_)
    share, pseudo = clf.neighbour_agreement_, clf.pseudolabels_
    for c in (0, 1):
        in_c = pseudo == c
        border = share[in_c & kept].min()  # the share at which the class was cut
        tied = in_c & (share == border)
        if kept[tied].all() or not kept[tied].any():
            continue
        assert conf[tied & kept].min() >= conf[tied & ~kept].max()


def test_cut_is_a_valid_train_on_and_no_candidate_of_auto():
    X, truth, flip = _blobs(5)
    clf = _fit(X, truth, flip, 1.0)
    assert clf.train_on_ == ("cut", 1.0) and clf.train_indices_.size == len(truth)
    assert not any(isinstance(c, tuple) and c[0] == "cut" for c in AUTO_CANDIDATES)
    other = WeakToStrongClassifier(train_on="all").fit(X[:, :-1], truth)
    assert other.neighbour_agreement_ is None


@pytest.mark.parametrize("bad", [("cut", 0), ("cut", 1.5), ("cut", "0.5"), ("cut",)])
def test_bad_cut_is_refused(bad):
    X, truth, _ = _blobs(0, n=40)
    with pytest.raises(ValueError, match=r"\('cut', q\)"):
        WeakToStrongClassifier(train_on=bad).fit(X, truth)


def test_sparse_X_without_a_representation_is_refused():
    X, truth, _ = _blobs(0, n=60)
    y = truth.copy()
    y[20:] = -1
    with pytest.raises(TypeError, match=r"\('cut', q\) find each row's neighbours in X"):
        WeakToStrongClassifier(train_on=("cut", 0.5)).fit(sp.csr_matrix(X), y)
