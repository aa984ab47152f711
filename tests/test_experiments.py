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
