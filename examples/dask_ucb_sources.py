"""
Choosing data sources on a dask cluster
=======================================

:class:`~skw2s.UCBSourceSelector` keeps its ask/tell API when the sources live on a
cluster: the bandit itself stays on the client (its state is a few numbers per source),
and each round only the pulled batch is computed by the workers and brought back.

Here three sources are dask arrays; the weak model, frozen, labels a batch blockwise
on the workers (``map_blocks`` with an explicit ``meta``), and the client receives the
batch's strong-side rows and weak probabilities. In practice a source is
``da.from_zarr("source-k.zarr")`` or the embeddings of a text corpus
(:meth:`skw2s.HFEmbedder.transform_partitions`).

Run it on a local cluster (started here), or on an existing one::

    SKW2S_DASK_SCHEDULER=tcp://scheduler:8786 python examples/dask_ucb_sources.py

(This example is not executed when the documentation is built: it needs
``pip install "skw2s[dask]"``. The test suite runs it.)
"""

import os

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression

from skw2s import OVERLAP, UCBSourceSelector
from skw2s.datasets import make_overlap_classification


def make_sources(fractions, n_per_source, random_state):
    """Three sources with known overlap fractions, and a weak model trained elsewhere."""
    X, y, group, weak_cols = make_overlap_classification(
        n_easy=3000, n_hard=3000, n_overlap=2000, random_state=random_state
    )
    rng = np.random.RandomState(random_state)
    pools = {g: list(rng.permutation(np.flatnonzero(group == g))) for g in (0, 1, 2)}
    sources = []
    for f in fractions:
        n_ov = int(f * n_per_source)
        n_rest = n_per_source - n_ov
        rows = [pools[2].pop() for _ in range(n_ov)]
        rows += [pools[0].pop() for _ in range(n_rest // 2)]
        rows += [pools[1].pop() for _ in range(n_rest - n_rest // 2)]
        rows = rng.permutation(rows)
        # On the cluster: a dask array in blocks of 250 rows (from Zarr in real use).
        sources.append((da.from_array(X[rows], chunks=(250, -1)), group[rows]))
    rest = np.concatenate([pools[0], pools[1], pools[2]]).astype(int)
    weak = LogisticRegression().fit(X[rest][:, weak_cols], y[rest])
    return sources, FrozenEstimator(weak), weak_cols


def weak_proba(X, weak, weak_cols):
    """The weak model's probabilities of dask rows, computed blockwise on the workers."""
    return X[:, weak_cols].map_blocks(
        weak.predict_proba, chunks=(X.chunks[0], (2,)), dtype=np.float64,
        meta=np.empty((0, 0)),
    )


def main(client, n_rounds=40, batch_size=40, random_state=0):
    fractions = [0.10, 0.25, 0.45]
    sources, weak, weak_cols = make_sources(fractions, 1500, random_state)
    rng = np.random.RandomState(random_state)
    queues = {k: list(rng.permutation(src[0].shape[0])) for k, src in enumerate(sources)}
    selector = UCBSourceSelector(sources=[0, 1, 2], n_rounds=n_rounds, random_state=0)
    true_overlap = 0
    for _ in range(n_rounds):
        k = selector.next_source()  # ask
        rows = np.sort([queues[k].pop() for _ in range(batch_size)])
        X_batch = sources[k][0][rows]
        # The batch and its weak probabilities are computed on the workers; only
        # batch_size rows come back to the client.
        X_np, P_np = client.compute([X_batch, weak_proba(X_batch, weak, weak_cols)], sync=True)
        selector.partial_fit(X_np, source=k, weak_proba=P_np)  # tell
        true_overlap += int(np.sum(sources[k][1][rows] == OVERLAP))
    print("pulls per source:", selector.n_pulls_.tolist())
    print("estimated overlap densities:", np.round(selector.source_overlap_density_, 3).tolist())
    print("true densities:", fractions, "-> best source", selector.best_source_)
    print(f"true overlap share of the collected rows: {true_overlap / (n_rounds * batch_size):.3f}")
    return selector


if __name__ == "__main__":
    address = os.environ.get("SKW2S_DASK_SCHEDULER")
    if address:  # an existing cluster
        with Client(address) as client:
            main(client)
    else:
        with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="1GiB",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            main(client)
