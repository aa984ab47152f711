"""Scikit-learn workflows on a dask cluster: grid search on joblib's dask backend, the
UCB selector's ask/tell loop with batches computed by the workers.

joblib's dask backend exists only with a distributed ``Client``, so these tests use the
session cluster (not the threaded scheduler).
"""

import pathlib
import runpy

import numpy as np
import pytest

DASK_REASON = 'dask support needs the dask extra: pip install "skw2s[dask]"'

distributed = pytest.importorskip("distributed", reason=DASK_REASON)
joblib = pytest.importorskip("joblib")

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from skw2s import OverlapDetector, WeakToStrongClassifier  # noqa: E402
from skw2s.datasets import make_overlap_classification  # noqa: E402
from skw2s.thresholds import QuantileThreshold  # noqa: E402

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _search_problem():
    X, y, _, weak_cols = make_overlap_classification(300, 300, 200, random_state=0)
    y_semi = np.where(np.random.RandomState(0).rand(len(y)) < 0.3, y, -1)
    weak = make_pipeline(
        ColumnTransformer([("easy", "passthrough", weak_cols)]), LogisticRegression()
    )
    w2s = WeakToStrongClassifier(
        weak, LogisticRegression(), detector=OverlapDetector(), train_on="overlap"
    )
    grid = {
        "strong_estimator__C": [0.01, 1.0],
        "detector__overlap_threshold": ["changepoint", QuantileThreshold(0.5)],
    }
    return X, y_semi, w2s, grid, KFold(3, shuffle=True, random_state=0)


@pytest.mark.parametrize("scatter", [False, True])
def test_grid_search_on_joblib_dask_backend(dask_cluster, scatter):
    X, y, w2s, grid, cv = _search_problem()
    local = GridSearchCV(w2s, grid, cv=cv).fit(X, y)
    with distributed.Client(dask_cluster) as client:
        config = {"scatter": [X, y]} if scatter else {}
        with distributed.get_task_stream(client) as stream:
            with joblib.parallel_config("dask", **config):
                remote = GridSearchCV(w2s, grid, cv=cv, n_jobs=-1).fit(X, y)
        workers = {task["worker"] for task in stream.data}
        n_tasks = len(stream.data)
    # 4 candidates x 3 folds ran on the cluster's workers (joblib may batch them) ...
    assert n_tasks >= 1 and workers <= set(dask_cluster.scheduler_info["workers"])
    assert workers
    # ... and gave exactly the sequential search's results.
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def test_ucb_example_batches_on_the_cluster(dask_cluster):
    namespace = runpy.run_path(str(EXAMPLES / "dask_ucb_sources.py"))
    with distributed.Client(dask_cluster) as client:
        with distributed.get_task_stream(client) as stream:
            selector = namespace["main"](client, n_rounds=30, batch_size=40)
    assert len(stream.data) >= 30  # at least one task per round ran on the workers
    assert selector.n_pulls_.sum() == 30
    # the richest source (45% overlap) is found and pulled most
    assert selector.best_source_ == 2
    assert selector.n_pulls_[2] == selector.n_pulls_.max()
