"""The overlap density outside the paper's home regime (issue 9) and the defects of the
review (issue 10) that touch the detector: one group, ties, the authors' script."""

import warnings

import numpy as np
import pytest
import ruptures
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import FunctionTransformer

from skw2s import EASY, HARD, OVERLAP, DegenerateDataWarning, OverlapDetector
from skw2s.datasets import make_overlap_classification


def pool(density, noise=1.0, block=20, n=3000, n_train=1000, k=2, seed=0):
    """A pool of n points with a given true overlap density (easy = hard for the rest),
    and a weak logistic regression trained on separate rows of the same task."""
    total = n + n_train
    n_ov = int(round(density * total))
    n_h = (total - n_ov) // 2
    X, y, g, cols = make_overlap_classification(
        total - n_ov - n_h, n_h, n_ov, n_easy_features=block, n_hard_features=block,
        n_classes=k, noise=noise, random_state=seed)
    weak = LogisticRegression().fit(X[n:, cols], y[n:])
    return X[:n], y[:n], g[:n], weak.predict_proba(X[:n, cols])


def fit_quiet(det, X, P):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return det.fit(X, weak_proba=P)


@pytest.mark.parametrize("density", [0.0, 0.02, 0.2, 0.6, 0.95])
@pytest.mark.parametrize("noise", [1.0, np.sqrt(5)])
def test_density_is_calibrated_over_the_whole_range(density, noise):
    # issue 16's targets: |error| <= 0.05 at noise 1 and <= 0.15 at noise sqrt(5). The
    # partition alone stays within 0.05 at both; the bootstrap's mean moves it at
    # (sqrt(5), 0.02), where 7 of 50 resamples read the scores as one group of overlap.
    X, y, g, P = pool(density, noise=noise)
    truth = np.mean(g == OVERLAP)
    det = fit_quiet(OverlapDetector(random_state=0), X, P)
    assert abs(det.overlap_density_ - truth) <= (0.05 if noise == 1.0 else 0.15)
    lo, hi = det.overlap_density_interval_
    assert lo <= truth <= hi
    partition = fit_quiet(OverlapDetector(n_resamples=0), X, P)
    assert abs(partition.overlap_density_ - truth) <= 0.05


def test_no_overlap_pool_reports_zero():
    X, y, g, P = pool(0.0)
    det = fit_quiet(OverlapDetector(random_state=0), X, P)
    assert det.overlap_density_ == 0.0
    assert det.confidence_two_groups_ is True and det.overlap_two_groups_ is False
    assert np.mean(det.labels_[g == HARD] == HARD) > 0.98


def test_mostly_overlap_pool_finds_its_small_groups():
    X, y, g, P = pool(0.95)
    det = fit_quiet(OverlapDetector(random_state=0), X, P)
    assert np.mean(det.labels_[g == HARD] == HARD) > 0.9  # 2.5% of the pool
    assert abs(det.overlap_density_ - np.mean(g == OVERLAP)) <= 0.02


def test_tied_zero_scores_are_easy_not_overlap():
    # issue 10 item 2: no overlap point at all; every non-hard score ties at 0
    X, y, g, cols = make_overlap_classification(100, 100, 0, random_state=0)
    P = LogisticRegression().fit(X[:, cols], y).predict_proba(X[:, cols])
    for rule in ("auto", "changepoint"):
        with pytest.warns(DegenerateDataWarning, match="form one group"):
            det = OverlapDetector(overlap_threshold=rule).fit(X, weak_proba=P)
        assert det.overlap_density_ == 0.0 and det.overlap_threshold_ == np.inf


def test_single_non_hard_point_is_not_automatically_overlap():
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(size=(20, 6)) * [0, 0, 0, 1, 1, 1], [[1.0, 1, 1, 0, 0, 0]]]
    P = np.r_[np.full(20, 0.5), [0.99]]
    with pytest.warns(DegenerateDataWarning, match="easy-only"):
        det = OverlapDetector(confidence_threshold=0.5).fit(X, weak_proba=P)
    assert det.labels_[-1] == EASY  # orthogonal to every hard point
    X[-1] = [0.1, 0, 0, 1, 1, 1]
    with pytest.warns(DegenerateDataWarning, match="labelled overlap"):
        det = OverlapDetector(confidence_threshold=0.5).fit(X, weak_proba=P)
    assert det.labels_[-1] == OVERLAP  # shares the hard pattern


def test_random_features_and_probabilities_give_zero_with_a_warning():
    rng = np.random.RandomState(0)
    for P in (rng.uniform(size=4000), rng.dirichlet([1, 1, 1], size=4000)):
        with pytest.warns(DegenerateDataWarning, match="not meaningful"):
            det = OverlapDetector(random_state=0).fit(rng.normal(size=(4000, 30)), weak_proba=P)
        # the partition finds no hard-only group; a few bootstrap resamples may (issue 16's
        # target for random input: <= 0.05 or the "not meaningful" warning, here both)
        assert np.all(det.labels_ != OVERLAP) and det.confidence_two_groups_ is False
        assert det.overlap_density_ <= 0.05 and det.overlap_density_interval_[0] == 0.0


@pytest.mark.parametrize("k", [3, 5, 10])
def test_multiclass_density_and_class_counts(k):
    X, y, g, P = pool(0.3, k=k, seed=k)
    det = fit_quiet(OverlapDetector(random_state=0), X, P)
    assert abs(det.overlap_density_ - np.mean(g == OVERLAP)) <= 0.05
    counts = det.group_class_counts_
    assert counts.shape == (3, k) and counts.sum() == X.shape[0]
    pseudo = P.argmax(axis=1)
    np.testing.assert_array_equal(counts[OVERLAP], np.bincount(pseudo[det.labels_ == OVERLAP], minlength=k))
    # every class the non-hard pseudolabels hold has overlap points
    assert set(np.flatnonzero(counts[OVERLAP])) == set(np.unique(pseudo[det.labels_ != HARD]))


# ---------------------------------------------------------- the authors' script
def _script_labels(P, Z):
    """The overlap-probing script's steps, written out densely with ruptures."""
    c = 2 * np.abs(P[:, 1] - 0.5)
    sc = np.sort(c)
    tau = sc[ruptures.Binseg(model="l2").fit(sc[:, None]).predict(n_bkps=1)[0]]
    hard = c <= tau
    U = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    s = np.abs(U[~hard] @ U[hard].T).max(axis=1)
    ss = np.sort(s)
    tau_o = ss[ruptures.Binseg(model="l2").fit(ss[:, None]).predict(n_bkps=1)[0]]
    labels = np.full(len(c), EASY)
    labels[hard] = HARD
    sub = labels[~hard]
    sub[s >= tau_o] = OVERLAP
    labels[~hard] = sub
    return labels


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_from_paper_reproduces_the_script_to_the_label(seed):
    rng = np.random.RandomState(seed)
    X, y, g, P = pool(rng.uniform(0.05, 0.5), noise=np.sqrt(5), n=800, seed=seed)
    P = np.round(P, 2)  # coarse probabilities: ties at the breakpoints, both comparisons matter
    P[:, 0] = 1 - P[:, 1]
    det = OverlapDetector.from_paper().fit(X, weak_proba=P)
    np.testing.assert_array_equal(det.labels_, _script_labels(P, X))


def test_from_paper_parameters_and_overrides():
    det = OverlapDetector.from_paper(working_memory=16)
    assert det.hard_inclusive and det.aggregation == "max" and det.working_memory == 16
    assert det.confidence_threshold.search.jump == 5 and det.confidence_threshold.ties == "value"


# ------------------------------------------------------------ review defects
def test_fit_transform_passes_weak_proba():
    X, y, g, P = pool(0.3, n=600)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        out = OverlapDetector(random_state=0).fit_transform(X, weak_proba=P)
        ref = OverlapDetector(random_state=0).fit(X, weak_proba=P).transform(X, weak_proba=P)
    np.testing.assert_allclose(out, ref)


def test_predict_with_another_number_of_classes_is_an_error():
    X, y, g, P = pool(0.3, n=600)
    det = fit_quiet(OverlapDetector(random_state=0), X, P)
    P4 = np.full((5, 4), 0.25)
    for method in (det.predict, det.transform):
        with pytest.raises(ValueError, match="4 classes .* fitted with 2"):
            method(X[:5], weak_proba=P4)


def test_single_string_with_a_representation_is_a_clear_error():
    det = OverlapDetector(representation=FunctionTransformer(lambda d: np.ones((len(d), 2))))
    with pytest.raises(TypeError, match="single string"):
        det.fit("one text", weak_proba=[0.9])


def test_cv_confidences_are_the_out_of_fold_ones():
    X, y, g, cols = make_overlap_classification(300, 300, 300, random_state=0)
    y_semi = np.where(np.arange(y.size) % 2 == 0, y, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        det = OverlapDetector(cv=3).fit(X, y_semi)
    lab = y_semi != -1
    oof = cross_val_predict(LogisticRegression(), X[lab], y_semi[lab], cv=3, method="predict_proba")
    np.testing.assert_allclose(det.confidence_[lab], 2 * np.abs(oof[:, 1] - 0.5))
    in_sample = LogisticRegression().fit(X[lab], y_semi[lab]).predict_proba(X[~lab])
    np.testing.assert_allclose(det.confidence_[~lab], 2 * np.abs(in_sample[:, 1] - 0.5))
