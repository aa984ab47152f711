import numpy as np
import pytest

from skw2s import EASY, HARD, OVERLAP
from skw2s.datasets import make_overlap_classification


def test_blocks_are_zeroed_by_group():
    X, y, group, weak_cols = make_overlap_classification(50, 40, 30, n_easy_features=5, n_hard_features=7, random_state=0)
    assert X.shape == (120, 12) and np.bincount(group).tolist() == [50, 40, 30]
    np.testing.assert_array_equal(weak_cols, np.arange(5))
    assert np.all(X[group == EASY][:, 5:] == 0) and np.all(X[group == EASY][:, :5] != 0)
    assert np.all(X[group == HARD][:, :5] == 0) and np.all(X[group == HARD][:, 5:] != 0)
    assert np.all(X[group == OVERLAP] != 0)
    assert set(np.unique(y)) == {0, 1}


def test_deterministic_and_shuffle():
    a = make_overlap_classification(20, 20, 20, random_state=3)
    b = make_overlap_classification(20, 20, 20, random_state=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    _, _, group, _ = make_overlap_classification(5, 5, 5, shuffle=False, random_state=0)
    assert group.tolist() == [EASY] * 5 + [HARD] * 5 + [OVERLAP] * 5


def test_signal_makes_classes_separable_through_the_right_block():
    from sklearn.linear_model import LogisticRegression

    X, y, group, weak_cols = make_overlap_classification(600, 600, 600, signal=1.0, noise=1.0, random_state=0)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    acc = {g: weak.score(X[group == g][:, weak_cols], y[group == g]) for g in (EASY, HARD, OVERLAP)}
    assert acc[EASY] > 0.9 and acc[OVERLAP] > 0.9 and abs(acc[HARD] - 0.5) < 0.1


def test_multiclass():
    X, y, group, _ = make_overlap_classification(100, 100, 100, n_classes=5, random_state=0)
    assert set(np.unique(y)) == set(range(5))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_easy": -1}, "n_easy"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_hard_features": 0}, "n_hard_features"),
        ({"noise": -1.0}, "noise"),
        ({"n_easy": 0, "n_hard": 0, "n_overlap": 0}, "at least 1"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_overlap_classification(**kwargs)
