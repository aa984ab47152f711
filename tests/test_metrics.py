"""Tests of skw2s.metrics."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skw2s import EASY, HARD, OVERLAP, DegenerateDataWarning
from skw2s.metrics import (
    detection_precision_recall,
    labelled_accuracy_score,
    labelled_accuracy_scorer,
    make_pgr_scorer,
    overlap_density,
    performance_gap_recovered,
)


def test_pgr_values_and_arrays():
    assert performance_gap_recovered(0.6, 0.8, 1.0) == pytest.approx(0.5)
    assert performance_gap_recovered(0.6, 0.6, 1.0) == 0.0
    assert performance_gap_recovered(0.6, 1.0, 1.0) == 1.0
    assert performance_gap_recovered(0.6, 0.5, 0.8) == pytest.approx(-0.5)
    out = performance_gap_recovered([0.6, 0.7], [0.8, 0.8], 0.9)
    np.testing.assert_allclose(out, [2 / 3, 0.5])


@pytest.mark.parametrize("ceiling", [0.6, 0.5])
def test_pgr_no_gap_is_nan_with_warning(ceiling):
    with pytest.warns(DegenerateDataWarning, match="no gap"):
        assert np.isnan(performance_gap_recovered(0.6, 0.7, ceiling))
    with pytest.warns(DegenerateDataWarning):
        out = performance_gap_recovered([0.6, 0.5], 0.7, [ceiling, 0.9])
    assert np.isnan(out[0]) and out[1] == pytest.approx(0.5)


def test_pgr_bad_input():
    with pytest.raises(TypeError, match="weak_score"):
        performance_gap_recovered("high", 0.5, 0.9)


def test_labelled_accuracy_score():
    assert labelled_accuracy_score([1, 0, -1, -1], [1, 1, 0, 0]) == 0.5
    y = np.array(["a", "b", -1, "a"], dtype=object)
    assert labelled_accuracy_score(y, np.array(["a", "a", "b", "a"], dtype=object)) == pytest.approx(2 / 3)
    assert labelled_accuracy_score([1, 0, -1], [1, 1, 1], sample_weight=[3, 1, 100]) == 0.75
    with pytest.warns(DegenerateDataWarning):
        assert np.isnan(labelled_accuracy_score([-1, -1], [0, 1]))
    with pytest.raises(ValueError, match="same length"):
        labelled_accuracy_score([0, 1], [0])


def test_scorers_ignore_unlabelled_rows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    est = LogisticRegression().fit(X, y)
    y_semi = y.copy()
    y_semi[50:] = -1
    acc = np.mean(est.predict(X[:50]) == y[:50])
    assert labelled_accuracy_scorer(est, X, y_semi) == pytest.approx(acc)
    pgr = make_pgr_scorer(0.5, 1.0)
    assert pgr(est, X, y_semi) == pytest.approx((acc - 0.5) / 0.5)
    with pytest.raises(ValueError, match="ceiling_score"):
        make_pgr_scorer(0.9, 0.8)
    with pytest.raises(ValueError, match="weak_score"):
        make_pgr_scorer(float("nan"), 0.8)


def test_overlap_density():
    assert overlap_density([EASY, HARD, OVERLAP, OVERLAP]) == 0.5
    assert overlap_density(np.array([0, 0], dtype=np.int8)) == 0.0
    with pytest.raises(ValueError, match="empty"):
        overlap_density([])
    with pytest.raises(ValueError, match="group codes"):
        overlap_density([0, 3])


def test_detection_precision_recall():
    pred = [OVERLAP, OVERLAP, OVERLAP, EASY, HARD]
    true = [OVERLAP, OVERLAP, EASY, OVERLAP, HARD]
    p, r, f = detection_precision_recall(pred, true)
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert f == pytest.approx(2 / 3)
    assert detection_precision_recall(pred, true, group=HARD) == (1.0, 1.0, 1.0)
    p, r, f = detection_precision_recall([EASY, EASY], [OVERLAP, EASY])
    assert np.isnan(p) and r == 0.0 and np.isnan(f)
    assert detection_precision_recall([OVERLAP, EASY], [EASY, OVERLAP]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="length"):
        detection_precision_recall([0, 1], [0])
    with pytest.raises(ValueError, match="group"):
        detection_precision_recall([0], [0], group=5)
