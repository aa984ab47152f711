"""Tests of skw2s.experiments."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skw2s.datasets import make_overlap_classification
from skw2s.experiments import (
    plot_overlap_curve,
    run_overlap_experiment,
    summarize_overlap_experiment,
)


@pytest.fixture(scope="module")
def synthetic():
    X, y, group, cols = make_overlap_classification(
        300, 300, 240, noise=np.sqrt(5), random_state=0
    )
    X_weak = X.copy()
    X_weak[:, len(cols):] = 0.0
    return X_weak, X, y, group


@pytest.fixture(scope="module")
def results(synthetic):
    X_weak, X, y, group = synthetic
    return run_overlap_experiment(
        X_weak, X, y,
        strong_estimator=LogisticRegression(C=0.01),
        ceiling_estimator=LogisticRegression(),
        proportions=[0.0, 0.5, 1.0], n_seeds=3, true_groups=group,
        use_true_groups=False, random_state=0,
    )


def test_records_layout(results):
    kinds = [r["kind"] for r in results]
    assert kinds.count("weak") == kinds.count("ceiling") == kinds.count("w2s") == 3
    assert kinds.count("mix") == 9
    for r in results:
        assert {"seed", "kind", "proportion", "n_train", "accuracy", "overlap_density",
                "precision", "recall", "f1"} <= set(r)
        assert 0.0 <= r["accuracy"] <= 1.0
    mix = [r for r in results if r["kind"] == "mix"]
    for r in mix:  # N = min(|O|, |R|)
        assert r["n_train"] == min(r["n_overlap"], r["n_nonoverlap"])
    # the detector found most true overlap points
    assert np.mean([r["f1"] for r in results if r["kind"] == "weak"]) > 0.7
    # each split's density is the detector's bootstrapped one, with its interval
    for r in results:
        assert 0 <= r["overlap_density_low"] <= r["overlap_density_high"] <= 1


def test_curve_rises_and_references(results):
    s = summarize_overlap_experiment(results)
    assert s["ceiling"]["mean"] > s["weak"]["mean"]
    assert s["mix"][1.0]["mean"] > s["mix"][0.0]["mean"] + 0.03
    assert s["mix"][0.5]["n"] == 3


def test_true_groups_and_reproducibility(synthetic):
    X_weak, X, y, group = synthetic
    kw = dict(proportions=[1.0], n_seeds=2, true_groups=group, random_state=5)
    a = run_overlap_experiment(X_weak, X, y, **kw)
    b = run_overlap_experiment(X_weak, X, y, **kw)
    assert [r["accuracy"] for r in a] == [r["accuracy"] for r in b]
    # the true partition: perfect "detection", density of the stratified pool
    assert all(r["f1"] == 1.0 for r in a)
    assert a[0]["overlap_density"] == pytest.approx(240 / 840, abs=0.01)


def test_as_frame(synthetic):
    pd = pytest.importorskip("pandas")
    X_weak, X, y, group = synthetic
    df = run_overlap_experiment(X_weak, X, y, proportions=[0, 1], n_seeds=1, random_state=0, as_frame=True)
    assert isinstance(df, pd.DataFrame)
    assert set(df["kind"]) == {"weak", "ceiling", "w2s", "overlap_only", "mix"}
    assert "f1" not in df.columns
    s = summarize_overlap_experiment(df)
    assert set(s["mix"]) == {0.0, 1.0}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"train_size": 0.7, "pool_size": 0.5}, "train_size \\+ pool_size"),
        ({"pool_size": 0}, "pool_size"),
        ({"proportions": [1.5]}, "proportions"),
        ({"n_seeds": 0}, "n_seeds"),
        ({"use_true_groups": True}, "true_groups"),
    ],
)
def test_bad_arguments(synthetic, kwargs, match):
    X_weak, X, y, group = synthetic
    with pytest.raises(ValueError, match=match):
        run_overlap_experiment(X_weak, X, y, **kwargs)
    with pytest.raises(ValueError, match="rows"):
        run_overlap_experiment(X_weak[:10], X, y)


def test_plot(results, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_overlap_curve(results)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lab.startswith("weak") for lab in labels)
    assert any(lab.startswith("strong ceiling") for lab in labels)
    assert any(lab.startswith("W2S") for lab in labels)
    line = [ln for ln in ax.get_lines() if ln.get_label() == "overlap mixture"][0]
    np.testing.assert_allclose(line.get_xdata(), [0.0, 0.5, 1.0])
    assert len(ax.collections) == 1  # the spread band
    ax.figure.savefig(tmp_path / "curve.png")
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="band"):
        plot_overlap_curve(results, band="iqr")


def test_import_does_not_import_matplotlib():
    code = (
        "import sys, skw2s.experiments, skw2s.classifier, skw2s.metrics; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_return_partitions_matches_the_records(synthetic):
    from skw2s import OVERLAP

    X_weak, X, y, group = synthetic
    kwargs = dict(strong_estimator=LogisticRegression(C=0.01), proportions=[0.0, 1.0], n_seeds=2, random_state=0)
    plain = run_overlap_experiment(X_weak, X, y, **kwargs)
    records, parts = run_overlap_experiment(X_weak, X, y, return_partitions=True, **kwargs)
    # Asking for the partitions changes nothing else (NaN proportions compare as equal here).
    assert [sorted(r) for r in records] == [sorted(r) for r in plain]
    np.testing.assert_array_equal([[r[k] for k in sorted(r)] for r in records],
                                  [[r[k] for k in sorted(r)] for r in plain])
    assert [p["seed"] for p in parts] == [0, 1]
    for p in parts:
        rows = np.concatenate([p["train"], p["pool"], p["test"]])
        assert np.array_equal(np.sort(rows), np.arange(y.shape[0]))  # disjoint, covering
        assert p["weak_proba"].shape == (p["pool"].size, 2) and p["groups"].shape == (p["pool"].size,)
        np.testing.assert_array_equal(p["pseudolabels"], np.argmax(p["weak_proba"], axis=1))
        np.testing.assert_array_equal(p["groups"], p["detector"].labels_)
        rec = next(r for r in records if r["seed"] == p["seed"] and r["kind"] == "overlap_only")
        assert rec["n_overlap"] == np.sum(p["groups"] == OVERLAP) == rec["n_train"]
    # With the true groups there is no detector.
    _, parts = run_overlap_experiment(X_weak, X, y, true_groups=group, return_partitions=True, **kwargs)
    assert parts[0]["detector"] is None and np.array_equal(parts[0]["groups"], group[parts[0]["pool"]])


def test_overlap_only_is_what_the_estimator_trains(synthetic):
    """overlap_only: WeakToStrongClassifier(train_on="overlap") on the detected pool, fallback included."""
    import warnings

    from sklearn.base import clone
    from skw2s import DegenerateDataWarning, OverlapDetector
    from skw2s.classifier import WeakToStrongClassifier

    X_weak, X, y, group = synthetic
    strong = LogisticRegression(C=0.01)
    for detector in (OverlapDetector(), OverlapDetector(overlap_threshold=2.0)):  # the second finds no overlap
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            records, parts = run_overlap_experiment(X_weak, X, y, strong_estimator=strong, detector=detector,
                                                    proportions=[1.0], n_seeds=2, random_state=0,
                                                    return_partitions=True)
        for p in parts:
            rec = next(r for r in records if r["seed"] == p["seed"] and r["kind"] == "overlap_only")
            weak = LogisticRegression().fit(X_weak[p["train"]], y[p["train"]])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                clf = WeakToStrongClassifier(strong_estimator=strong, detector=clone(detector), train_on="overlap",
                                             classes=weak.classes_)
                clf.fit(X[p["pool"]], None, weak_proba=weak.predict_proba(X_weak[p["pool"]]))
            assert rec["accuracy"] == clf.score(X[p["test"]], y[p["test"]])
            assert rec["n_train"] == clf.train_indices_.size == p["overlap_only"].train_indices_.size
            assert p["overlap_only"].train_on_ == clf.train_on_
            assert p["overlap_only"].detector_.estimator is p["detector"]  # reused, not refitted
            np.testing.assert_array_equal(p["classes"], weak.classes_)
        if detector.overlap_threshold == 2.0:  # no overlap point: every pool row, i.e. plain W2S
            assert all(p["overlap_only"].train_on_ == "all" for p in parts)
            s = summarize_overlap_experiment(records)
            assert s["overlap_only"]["mean"] == s["w2s"]["mean"] and s["overlap_only"]["n"] == 2


def test_mixing_draw_is_the_estimators(synthetic):
    """The mix records and WeakToStrongClassifier(train_on=q) draw their rows with one helper."""
    from skw2s import OVERLAP, OverlapDetector
    from skw2s._training_rows import draw_mixture
    from skw2s.classifier import WeakToStrongClassifier

    X_weak, X, y, group = synthetic
    y_semi = np.where(np.arange(y.size) < 200, y, -1)
    for q in (0.2, 0.7):
        clf = WeakToStrongClassifier(detector=OverlapDetector(), train_on=q, random_state=4).fit(X, y_semi)
        labels = clf.pool_labels_
        rows = draw_mixture(np.flatnonzero(labels == OVERLAP), np.flatnonzero(labels != OVERLAP), q,
                            np.random.RandomState(4))
        np.testing.assert_array_equal(clf.train_indices_, clf.pool_indices_[np.sort(rows)])
    overlap, rest = np.arange(0, 40), np.arange(40, 100)
    for q in (0.0, 0.3, 1.0):
        a = draw_mixture(overlap, rest, q, np.random.RandomState(0))
        b = draw_mixture(overlap, rest, q, np.random.RandomState(0))
        np.testing.assert_array_equal(a, b)
        assert a.size == 40 and np.isin(a, overlap).sum() == round(q * 40) and np.unique(a).size == 40
    assert draw_mixture(overlap[:0], rest, 0.5, np.random.RandomState(0)).size == 0
