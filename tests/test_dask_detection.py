"""OverlapDetector on dask arrays: the same partition as in memory, blockwise.

Every test taking ``scheduler`` runs on dask's threaded scheduler and on the session cluster
of 2 worker processes (conftest.py).
"""

import subprocess
import sys
import threading

import numpy as np
import pytest

DASK_REASON = 'dask support needs the dask extra: pip install "skw2s[dask]"'
dask = pytest.importorskip("dask", reason=DASK_REASON)
da = pytest.importorskip("dask.array", reason=DASK_REASON)

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skw2s import HARD, OVERLAP, DegenerateDataWarning, OverlapDetector  # noqa: E402
from skw2s.datasets import make_overlap_classification  # noqa: E402

# Row chunkings of the 2000-row pool: even, ragged last chunk, uneven, one chunk.
CHUNKINGS = [500, 333, (100, 700, 1, 599, 600), 2000]


@pytest.fixture(scope="module")
def pool():
    X, y, group, weak_cols = make_overlap_classification(700, 700, 600, random_state=0)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    return X, y, weak_cols, weak, weak.predict_proba(X[:, weak_cols])


def _assert_same_fit(det, ref):
    assert isinstance(det.labels_, da.Array)
    assert isinstance(det.confidence_, da.Array) and isinstance(det.overlap_score_, da.Array)
    for name in ("overlap_density_", "confidence_threshold_", "overlap_threshold_"):
        assert type(getattr(det, name)) is float
        assert getattr(det, name) == pytest.approx(getattr(ref, name), rel=1e-6)
    np.testing.assert_array_equal(det.labels_.compute(), ref.labels_)
    np.testing.assert_allclose(det.confidence_.compute(), ref.confidence_, rtol=1e-12)
    np.testing.assert_allclose(det.overlap_score_.compute(), ref.overlap_score_, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(det.hard_indices_, ref.hard_indices_)
    assert det.n_features_in_ == ref.n_features_in_


@pytest.fixture(scope="module")
def references(pool):
    """In-memory fits of the pool, by (dtype, center): what every dask fit must match."""
    X, _, _, _, proba = pool
    return {
        (dtype, center): OverlapDetector(n_resamples=0, center=center).fit(X.astype(dtype), weak_proba=proba)
        for dtype in (np.float64, np.float32) for center in (False, True)
    }


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_fit_matches_memory(scheduler, pool, references, chunks):
    X, _, _, _, proba = pool
    Xd = da.from_array(X, chunks=(chunks, -1))
    det = OverlapDetector().fit(Xd, weak_proba=proba)  # the default: no bootstrap on dask
    _assert_same_fit(det, references[np.float64, False])
    assert np.isnan(det.overlap_density_interval_).all() and det.overlap_density_resamples_.size == 0
    assert det.labels_.chunks == Xd.chunks[:1]
    assert det.overlap_two_groups_ and det.confidence_two_groups_
    np.testing.assert_array_equal(
        det.group_class_counts_, references[np.float64, False].group_class_counts_
    )
    assert 0.25 < det.overlap_density_ < 0.35
    # dask probabilities (1-D, chunked differently from X), and centring
    P = da.from_array(proba[:, 1], chunks=450)
    _assert_same_fit(OverlapDetector(n_resamples=0, center=True).fit(Xd, weak_proba=P), references[np.float64, True])


@pytest.mark.parametrize("center", [False, True])
def test_float32_fit_matches_memory(scheduler, pool, references, center):
    X, _, _, _, proba = pool
    Xd = da.from_array(X.astype(np.float32), chunks=(333, -1))
    det = OverlapDetector(n_resamples=0, center=center).fit(Xd, weak_proba=proba)
    _assert_same_fit(det, references[np.float32, center])
    assert det.center_ is None or det.center_.dtype == np.float32


def test_frozen_weak_estimator_runs_blockwise(scheduler, pool):
    X, y, weak_cols, _, _ = pool
    weak = make_pipeline(ColumnTransformer([("easy", "passthrough", weak_cols)]), LogisticRegression())
    frozen = FrozenEstimator(weak.fit(X, y))
    ref = OverlapDetector(frozen, n_resamples=0).fit(X)
    det = OverlapDetector(frozen, n_resamples=0).fit(da.from_array(X, chunks=(333, -1)), y)
    _assert_same_fit(det, ref)
    Xd = da.from_array(X[:500], chunks=(120, -1))
    np.testing.assert_array_equal(det.predict(Xd).compute(), ref.predict(X[:500]))


@pytest.mark.parametrize("fit_on", ["numpy", "dask"])
def test_predict_and_transform_on_dask(scheduler, pool, fit_on):
    X, y, _, _, proba = pool
    det = OverlapDetector(n_resamples=0, center=True)
    if fit_on == "dask":
        det.fit(da.from_array(X, chunks=(400, -1)), weak_proba=proba)
    else:
        det.fit(X, weak_proba=proba)
    ref = OverlapDetector(n_resamples=0, center=True).fit(X, weak_proba=proba)
    X_new, _, _, weak_cols = make_overlap_classification(300, 300, 300, random_state=1)
    p_new = pool[3].predict_proba(X_new[:, weak_cols])
    Xd = da.from_array(X_new, chunks=(256, -1))
    labels = det.predict(Xd, weak_proba=da.from_array(p_new, chunks=(100, -1)))
    scores = det.transform(Xd, weak_proba=p_new)
    assert isinstance(labels, da.Array) and labels.dtype == np.int8
    assert isinstance(scores, da.Array) and scores.shape == (900, 2)
    np.testing.assert_array_equal(labels.compute(), ref.predict(X_new, weak_proba=p_new))
    np.testing.assert_allclose(
        scores.compute(), ref.transform(X_new, weak_proba=p_new), rtol=1e-5
    )
    # numpy in, numpy out, from a detector fitted on dask
    np.testing.assert_array_equal(det.predict(X_new, weak_proba=p_new), labels.compute())


def test_fit_resample_and_fit_predict(scheduler, pool):
    X, y, _, _, proba = pool
    Xd = da.from_array(X, chunks=(333, -1))
    X_ref, y_ref = OverlapDetector(n_resamples=0).fit_resample(X, y, weak_proba=proba)
    det = OverlapDetector(n_resamples=0)
    X_res, y_res = det.fit_resample(Xd, y, weak_proba=proba)
    assert isinstance(X_res, da.Array) and isinstance(y_res, np.ndarray)
    np.testing.assert_array_equal(X_res.compute(), X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    assert np.all(det.labels_.compute()[det.sample_indices_] == OVERLAP)
    X_res, y_res = det.fit_resample(Xd, da.from_array(y, chunks=500), weak_proba=proba)
    np.testing.assert_array_equal(y_res.compute(), y_ref)
    labels = OverlapDetector(n_resamples=0).fit_predict(Xd, weak_proba=proba)
    np.testing.assert_array_equal(labels.compute(), det.labels_.compute())


def test_numpy_X_with_dask_probabilities(pool):
    X, y, _, _, proba = pool
    det = OverlapDetector(n_resamples=0).fit(X, weak_proba=da.from_array(proba, chunks=(300, -1)))
    assert isinstance(det.labels_, np.ndarray)
    np.testing.assert_array_equal(det.labels_, OverlapDetector(n_resamples=0).fit(X, weak_proba=proba).labels_)


def test_fit_passes_over_X(pool):
    """The confidences read no X; the second moment one pass; the scores one pass."""
    X, _, _, _, proba = pool
    reads, lock = [], threading.Lock()

    def counted(block, block_info=None):
        with lock:
            reads.append(block_info[0]["chunk-location"][0])
        return block

    Xd = da.from_array(X, chunks=(500, -1)).map_blocks(counted, dtype=X.dtype)
    with dask.config.set(scheduler="threads"):
        OverlapDetector(n_resamples=0).fit(Xd, weak_proba=proba)
        assert sorted(reads) == sorted(2 * list(range(4)))
        reads.clear()
        OverlapDetector(n_resamples=0, center=True).fit(Xd, weak_proba=proba)  # + the mean
        assert sorted(reads) == sorted(3 * list(range(4)))


@pytest.mark.filterwarnings("ignore:The overlap scores")
@pytest.mark.parametrize("n_overlap", [0, 1800])
def test_one_group_of_scores_decided_as_in_memory(scheduler, n_overlap):
    """No overlap, or mostly overlap: one group of scores, read from the hard level."""
    X, y, group, weak_cols = make_overlap_classification(
        900 - n_overlap // 2, 100, n_overlap, random_state=3
    )
    proba = LogisticRegression().fit(X[:, weak_cols], y).predict_proba(X[:, weak_cols])
    ref = OverlapDetector(n_resamples=0).fit(X, weak_proba=proba)
    det = OverlapDetector(n_resamples=0).fit(da.from_array(X, chunks=(256, -1)), weak_proba=proba)
    assert ref.overlap_two_groups_ is False and det.overlap_two_groups_ is False
    _assert_same_fit(det, ref)
    # read as easy-only (no overlap) or as overlap (mostly overlap), as the truth says
    assert abs(det.overlap_density_ - np.mean(group == OVERLAP)) < 0.01


def test_hard_inclusive_and_class_count_check(scheduler, pool):
    X, _, _, _, proba = pool
    ref = OverlapDetector(n_resamples=0, hard_inclusive=True, confidence_threshold=0.5).fit(X, weak_proba=proba)
    Xd = da.from_array(X, chunks=(700, -1))
    det = OverlapDetector(n_resamples=0, hard_inclusive=True, confidence_threshold=0.5).fit(Xd, weak_proba=proba)
    _assert_same_fit(det, ref)
    np.testing.assert_array_equal(
        det.predict(Xd, weak_proba=proba).compute(), ref.predict(X, weak_proba=proba)
    )
    four = np.full((X.shape[0], 4), 0.25)
    with pytest.raises(ValueError, match="4 classes .* fitted with 2"):
        det.predict(Xd, weak_proba=four)


@pytest.mark.filterwarnings("ignore:All scores are equal")
def test_degenerate_pool_on_dask(scheduler):
    X = np.random.RandomState(0).normal(size=(200, 5))
    with pytest.warns(DegenerateDataWarning, match="overlap is undefined"):
        det = OverlapDetector(n_resamples=0).fit(da.from_array(X, chunks=(64, -1)), weak_proba=np.ones(200))
    assert det.overlap_density_ == 0.0 and det.overlap_threshold_ == float("inf")
    assert not np.any(det.labels_.compute() == HARD)


def test_bad_input(pool):
    X, y, _, weak, proba = pool
    Xd = da.from_array(X, chunks=(500, 10))
    with pytest.raises(ValueError, match=r"chunked along its features.*X\.rechunk\(\{1: -1\}\)"):
        OverlapDetector(n_resamples=0).fit(Xd, weak_proba=proba)
    Xd = Xd.rechunk({1: -1})
    for aggregation in ("max", "mean"):
        with pytest.raises(ValueError, match=f'aggregation="{aggregation}".*aggregation="rms"'):
            OverlapDetector(aggregation=aggregation).fit(Xd, weak_proba=proba)
    with pytest.raises(ValueError, match="2-D dask array"):
        OverlapDetector(n_resamples=0).fit(Xd[:, 0], weak_proba=proba)
    with pytest.raises(ValueError, match="unknown chunk sizes.*compute_chunk_sizes"):
        OverlapDetector(n_resamples=0).fit(Xd[Xd[:, 0] > 0], weak_proba=proba)
    with pytest.raises(ValueError, match="weak_proba has 10 rows but X has 2000 samples"):
        OverlapDetector(n_resamples=0).fit(Xd, weak_proba=da.from_array(proba[:10]))
    with pytest.raises(ValueError, match="weak_proba has 10 rows but X has 2000"):
        OverlapDetector(n_resamples=0).fit(Xd, weak_proba=proba[:10])
    with pytest.raises(TypeError, match="float32 or float64"):
        OverlapDetector(n_resamples=0).fit(Xd.astype(complex), weak_proba=proba)
    with pytest.raises(ValueError, match="needs weak_proba.*FrozenEstimator"):
        OverlapDetector(LogisticRegression()).fit(Xd, y)
    with pytest.raises(ValueError, match="representation=None"):
        OverlapDetector(representation=StandardScaler()).fit(Xd, weak_proba=proba)
    with pytest.raises(ValueError, match="0 sample"):
        OverlapDetector(n_resamples=0).fit(Xd[:0], weak_proba=proba[:0])
    # bad values are found where the blocks are read
    bad = X.copy()
    bad[1500, 3] = np.nan
    with dask.config.set(scheduler="sync"):
        with pytest.raises(ValueError, match="NaN or infinity"):
            OverlapDetector(n_resamples=0).fit(da.from_array(bad, chunks=(500, -1)), weak_proba=proba)
        bad_p = proba.copy()
        bad_p[1999] = [0.9, 0.9]
        with pytest.raises(ValueError, match="sum to 1"):
            OverlapDetector(n_resamples=0).fit(Xd, weak_proba=da.from_array(bad_p, chunks=(500, -1)))
        det = OverlapDetector(n_resamples=0).fit(Xd, weak_proba=proba)
        with pytest.raises(ValueError, match="X has 39 features, but OverlapDetector is expecting 40"):
            det.predict(Xd[:, 1:], weak_proba=proba)
        with pytest.raises(ValueError, match="weak_proba is required"):
            det.predict(Xd)


def test_core_never_imports_dask():
    code = (
        "import sys, numpy as np, skw2s; "
        "from skw2s import OverlapDetector; "
        "X = np.random.RandomState(0).normal(size=(50, 4)); "
        "OverlapDetector(n_resamples=0).fit(X, weak_proba=np.linspace(0, 1, 50)).predict(X, weak_proba=np.full(50, .5)); "
        "assert 'dask' not in sys.modules, 'dask was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
