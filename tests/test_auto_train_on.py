"""train_on="auto"'s decision (skw2s._auto_train_on) and the strong side's view (skw2s._strong_view)."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from skw2s import DegenerateDataWarning, WeakToStrongClassifier
from skw2s._auto_train_on import decide, row_losses
from skw2s._sklearn_compat import safe_indexing
from skw2s._strong_view import confident_learning_rows, own_class_proba, strong_oof_proba
from skw2s._training_rows import top_rows_per_class


def _null_losses(rng, n_rows=400, n_cand=7, rho=0.6):
    """Per-row Brier-like losses of candidates with the same expected loss as "all",
    correlated with it (as the models of overlapping subsets are)."""
    base = rng.gamma(2.0, 0.1, size=n_rows)
    noise = rng.normal(0, 0.05, size=(n_cand, n_rows))
    loss = base + np.sqrt(rho) * noise[0] + np.sqrt(1 - rho) * noise  # same expected loss
    loss[0] = base + noise[0]
    return loss


def test_decide_picks_a_subset_in_at_most_alpha_of_null_fits():
    rng = np.random.RandomState(0)
    picks = sum(decide(_null_losses(rng), n_bootstrap=500, random_state=k)[0] != 0 for k in range(200))
    assert picks <= 0.05 * 200  # a family-wise error rate of 5% (measured: see the benchmarks)
    # with one-sided per-candidate bounds instead of the max-T quantile, many more
    naive = 0
    for k in range(200):
        d = _null_losses(rng)
        gain = (d[0] - d)[1:]
        naive += np.any(gain.mean(axis=1) - 1.645 * gain.std(axis=1, ddof=1) / np.sqrt(d.shape[1]) > 0)
    assert naive > picks


def test_decide_certifies_a_real_gain_and_chooses_the_largest():
    rng = np.random.RandomState(1)
    loss = _null_losses(rng)
    loss[3] -= 0.03  # clearly better than "all"
    loss[5] -= 0.015
    chosen, stats = decide(loss, random_state=0)
    assert chosen == 3 and stats["certified"][3] and stats["certified"][5]
    assert stats["gain_lower"][3] < stats["gain"][3]
    np.testing.assert_allclose(stats["gain"][3] - stats["gain_lower"][3],
                               stats["critical_value"] * stats["gain_se"][3])
    # a margin above the bound: not certified
    assert decide(loss, margin=stats["gain_lower"][3] + 1e-9, random_state=0)[0] in (0, 5)
    # a candidate less accurate than "all" is never chosen
    acc = np.zeros(7)
    acc[3] = -0.01
    assert decide(loss, accuracy_gain=acc, random_state=0)[0] == 5
    # a candidate equal to "all" on every row has no bound
    loss[2] = loss[0]
    assert np.isnan(decide(loss, random_state=0)[1]["gain_lower"][2])


def test_row_losses():
    P = np.array([[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]])
    y = np.array(["a", "a", "b"])
    np.testing.assert_allclose(row_losses(P, y, ["a", "b"], "brier"), [0.08, 0.98, 0.5])
    np.testing.assert_allclose(row_losses(P, y, ["a", "b"], "log_loss"), -np.log([0.8, 0.3, 0.5]))
    np.testing.assert_array_equal(row_losses(P, y, ["a", "b"], "accuracy"), [0, 1, 1])  # a tie: first class


def _noisy_pool(seed=0, n=1500, flip=0.25):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 6)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    noisy = np.where(rng.rand(n) < flip, 1 - y, y)
    return X, y, noisy


def test_strong_view_is_sklearn_cross_val_predict_and_cleanlab_row_for_row():
    from cleanlab.filter import find_label_issues

    X, y, noisy = _noisy_pool()
    labels = np.array(["neg", "pos"])[noisy]
    P = strong_oof_proba(LogisticRegression(), X, labels, np.array(["neg", "pos"]), random_state=3,
                         safe_indexing=safe_indexing)
    ref = cross_val_predict(LogisticRegression(), X, labels, method="predict_proba",
                            cv=StratifiedKFold(5, shuffle=True, random_state=3))
    np.testing.assert_allclose(P, ref)
    kept = confident_learning_rows(labels, P, np.array(["neg", "pos"]))
    issues = find_label_issues(noisy, ref)
    np.testing.assert_array_equal(kept, np.flatnonzero(~issues))
    # the filter removes mostly wrong pseudolabels
    assert np.mean(noisy[kept] == y[kept]) > np.mean(noisy == y) + 0.1
    # ranked: ceil(q n_c) rows of each class, highest own-class probability first
    rows = top_rows_per_class(own_class_proba(labels, P, np.array(["neg", "pos"])), labels, 0.6)
    for c in ("neg", "pos"):
        mine = np.flatnonzero(labels == c)
        assert np.sum(labels[rows] == c) == int(np.ceil(0.6 * mine.size - 1e-9))
        own = P[mine, int(c == "pos")]
        assert own[np.isin(mine, rows)].min() >= own[~np.isin(mine, rows)].max()


def test_strong_view_degenerate_cases_warn_and_use_every_row():
    X, _, noisy = _noisy_pool(n=50)
    labels = noisy.copy()
    labels[:] = 0
    labels[0] = 1  # one row of class 1: no stratified folds
    with pytest.warns(DegenerateDataWarning, match="at least 2 pool rows"):
        assert strong_oof_proba(LogisticRegression(), X, labels, np.array([0, 1]),
                                safe_indexing=safe_indexing) is None
    from sklearn.svm import LinearSVC

    P = np.c_[1 - noisy * 0.8 - 0.1, noisy * 0.8 + 0.1]
    with pytest.warns(DegenerateDataWarning, match="no predict_proba"):
        clf = WeakToStrongClassifier(strong_estimator=LinearSVC(), train_on="confident_learning").fit(
            X, np.full(50, -1), weak_proba=P)
    assert clf.train_on_ == "all" and clf.strong_oof_proba_ is None


def test_confident_learning_rule_in_the_classifier_matches_the_cleanlab_recipe():
    """train_on="confident_learning" is the practitioner's recipe: out-of-fold strong
    probabilities of the pseudolabels, cleanlab's filter, the strong model on the rest."""
    from cleanlab.filter import find_label_issues

    X, y, noisy = _noisy_pool(seed=4)
    P = np.where(noisy[:, None] == np.arange(2), 0.8, 0.2)
    clf = WeakToStrongClassifier(strong_estimator=LogisticRegression(), train_on="confident_learning",
                                 random_state=0).fit(X, np.full(y.size, -1), weak_proba=P)
    oof = cross_val_predict(LogisticRegression(), X, noisy, method="predict_proba",
                            cv=StratifiedKFold(5, shuffle=True, random_state=0))
    np.testing.assert_allclose(clf.strong_oof_proba_, oof)
    np.testing.assert_array_equal(clf.train_indices_, np.flatnonzero(~find_label_issues(noisy, oof)))
    ref = LogisticRegression().fit(X[clf.train_indices_], noisy[clf.train_indices_])
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    # and ("strong", q) reads the same view
    ranked = WeakToStrongClassifier(strong_estimator=LogisticRegression(), train_on=("strong", 0.5),
                                    random_state=0).fit(X, np.full(y.size, -1), weak_proba=P)
    np.testing.assert_allclose(ranked.strong_oof_proba_, oof)
    assert ranked.train_indices_.size == sum(int(np.ceil(0.5 * np.sum(noisy == c))) for c in (0, 1))


@pytest.mark.parametrize("bad, err, match", [
    ({"scoring": "auc"}, ValueError, "scoring must be one of"),
    ({"margin": "0.1"}, TypeError, "margin must be a finite real"),
    ({"margin": float("nan")}, TypeError, "margin must be a finite real"),
    ({"train_on": ("strong", 0)}, ValueError, r"\('strong', q\)"),
])
def test_bad_auto_parameters(bad, err, match):
    X, y, noisy = _noisy_pool(n=100)
    with pytest.raises(err, match=match):
        WeakToStrongClassifier(**bad).fit(X, np.where(np.arange(100) < 40, y, -1))


def test_repeated_cross_fitting_scores_each_row_once_per_repeat():
    from sklearn.model_selection import RepeatedStratifiedKFold

    X, y, noisy = _noisy_pool(seed=5, n=900)
    y_semi = np.where(np.arange(900) < 200, y, -1)
    P_all = np.where(noisy[:, None] == np.arange(2), 0.8, 0.2)
    weak = LogisticRegression()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        rep = WeakToStrongClassifier(weak, train_on="auto", cv=RepeatedStratifiedKFold(n_splits=3, n_repeats=2,
                                     random_state=0), random_state=0).fit(X, y_semi)
    scores = rep.validation_scores_
    assert "split5_score" in scores and "split6_score" not in scores
    assert len(scores["gain"]) == 9
    del P_all


def test_verbose_prints_a_line_per_split_and_the_decision(capsys):
    X, y, noisy = _noisy_pool(seed=6, n=600)
    y_semi = np.where(np.arange(600) < 150, y, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        WeakToStrongClassifier(train_on="auto", cv=3, random_state=0).fit(X, y_semi)
        assert capsys.readouterr().out == ""
        clf = WeakToStrongClassifier(train_on="auto", cv=3, random_state=0, verbose=1).fit(X, y_semi)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" done")[0] for line in lines[:3]] == [
        f"[WeakToStrongClassifier] train_on='auto': split {k}/3" for k in (1, 2, 3)]
    assert lines[3].startswith(f"[WeakToStrongClassifier] train_on='auto' chose {clf.train_on_!r}")
    with pytest.raises(ValueError, match="verbose"):
        WeakToStrongClassifier(verbose=-1).fit(X, y_semi)


def test_proba_in_classes_aligns_a_models_columns():
    # one alignment for the classifier's candidates, the strong view and the trust: a model
    # that saw classes 'b' and 'd' of 'abcd' fills those columns; a model without
    # predict_proba gives one-hot rows of its predictions (an unknown one: zeros)
    from sklearn.svm import LinearSVC

    from skw2s._strong_view import proba_in_classes

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = np.where(X[:, 0] > 0, "d", "b")
    model = LogisticRegression().fit(X, y)
    P = proba_in_classes(model, X[:5], np.array(list("abcd")))
    np.testing.assert_allclose(P[:, [1, 3]], model.predict_proba(X[:5]))
    assert (P[:, [0, 2]] == 0).all()
    svc = LinearSVC().fit(X, y)
    P = proba_in_classes(svc, X[:6], np.array(list("abcd")))
    np.testing.assert_array_equal(P.argmax(axis=1), np.searchsorted(list("abcd"), svc.predict(X[:6])))
    assert (P.sum(axis=1) == 1).all()
    P = proba_in_classes(svc, X[:6], np.array(["b"]))  # 'd' is not a column: its rows stay 0
    np.testing.assert_array_equal(P[:, 0], (svc.predict(X[:6]) == "b").astype(float))


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_auto_reports_each_split_to_a_progress_context(n_jobs):
    # the reports come from the loop that collects the splits, in the calling thread, also
    # when the splits run in joblib workers (threads here: the same loop, a cheaper start)
    from joblib import parallel_config

    from skw2s._progress import reporting
    from skw2s.datasets import make_overlap_classification

    X, y, _, _ = make_overlap_classification(80, 80, 60, random_state=0)
    y_semi = np.where(np.arange(y.size) % 4 == 0, y, -1)
    calls = []
    clf = WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on="auto", cv=3,
                                 n_jobs=n_jobs, random_state=0)
    with warnings.catch_warnings(), parallel_config(backend="threading"):
        warnings.simplefilter("ignore")
        with reporting(lambda done, total: calls.append((done, total))):
            clf.fit(X, y_semi)
        assert calls == [(1, 3), (2, 3), (3, 3)]
        clf.fit(X, y_semi)  # outside the context: nothing is reported
    assert len(calls) == 3
