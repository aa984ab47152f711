"""Texts embedded on dask: one model per worker process (``HFEmbedder.transform_partitions``).

Each worker process loads a model once, the first time one of its tasks needs it, and
keeps it for the next tasks. Dask is imported lazily; this module never imports
:mod:`skw2s.embedding` (the embedder passes its own class), so there is no import cycle.
"""

import contextlib
import math
import threading

import numpy as np

from ._dask import _import_dask, is_dask_collection
from ._hf_runtime import check_params
from ._utils import check_int, check_texts

# Worker-local embedders, keyed by the embedder's parameters: each worker process loads a
# model once, the first time one of its tasks needs it, and keeps it for the next tasks.
# The lock makes the threads of one worker wait for that one load.
_EMBEDDERS = {}
_EMBEDDERS_LOCK = threading.Lock()
_MAX_EMBEDDERS = 4


def _worker_embedder(cls, params):
    from dask.base import tokenize

    key = tokenize(cls.__module__, cls.__qualname__, sorted(params.items(), key=lambda item: item[0]))
    with _EMBEDDERS_LOCK:
        embedder = _EMBEDDERS.get(key)
        if embedder is None:
            embedder = cls(**params).fit()
            while len(_EMBEDDERS) >= _MAX_EMBEDDERS:  # oldest first
                _EMBEDDERS.pop(next(iter(_EMBEDDERS)))
            _EMBEDDERS[key] = embedder
    return embedder


def _embed_partition(cls, params, texts):
    return _worker_embedder(cls, params).transform(texts)


def _width(cls, params):
    return _worker_embedder(cls, params).n_features_out_


def _count(part):
    return len(part)


def _text_partitions(X, npartitions):
    """(list of delayed partitions, list of their lengths) of a bag, series or sequence."""
    dask, _ = _import_dask()
    if is_dask_collection(X):
        # A one-column dask DataFrame (a dask Series has .columns too, but ndim 1).
        if hasattr(X, "columns") and getattr(X, "ndim", None) == 2:
            if len(X.columns) != 1:
                raise ValueError(
                    f"X is a dask DataFrame with {len(X.columns)} columns; pass one column "
                    "of texts (a dask Series)."
                )
            X = X[X.columns[0]]
        if not hasattr(X, "to_delayed") or hasattr(X, "chunks"):  # not a bag or series
            raise TypeError(
                "X must be a dask Bag or dask Series of texts, or a sequence of texts; "
                f"got {type(X).__name__}."
            )
        if npartitions is not None:
            raise ValueError(
                "npartitions applies to in-memory texts only: X is already partitioned "
                "(repartition it with dask instead)."
            )
        parts = [dask.delayed(list, pure=True)(p) for p in X.to_delayed()]
        # One cheap pass (reading the texts, embedding nothing) gives the partition
        # lengths, so that the embeddings form a dask array of known shape.
        lengths = list(dask.compute(*[dask.delayed(_count, pure=True)(p) for p in parts]))
        return parts, lengths
    texts = check_texts(X)
    n = len(texts)
    if npartitions is None:
        npartitions = max(1, math.ceil(n / 4096))
    npartitions = check_int(npartitions, "npartitions", min_value=1)
    bounds = np.linspace(0, n, min(npartitions, max(n, 1)) + 1).astype(int)
    parts = [dask.delayed(texts[a:b], pure=True) for a, b in zip(bounds[:-1], bounds[1:])]
    return parts, [int(b - a) for a, b in zip(bounds[:-1], bounds[1:])]


def embed_partitions(embedder, X, *, npartitions=None, resources=None):
    """Embed partitioned texts on the current dask scheduler; see HFEmbedder.transform_partitions."""
    dask, da = _import_dask()
    check_params(embedder)
    if resources is not None and not isinstance(resources, dict):
        raise TypeError(
            f"resources must be a dict such as {{'GPU': 1}} or None; got {resources!r}."
        )
    cls, params = type(embedder), embedder.get_params(deep=False)
    parts, lengths = _text_partitions(X, npartitions)
    annotate = dask.annotate(resources=resources) if resources else contextlib.nullcontext()
    with annotate:
        if hasattr(embedder, "n_features_out_"):
            width = int(embedder.n_features_out_)
        else:  # learn the width on a worker (that worker keeps the model for later)
            width = int(dask.delayed(_width, pure=True)(cls, params).compute())
        blocks = [dask.delayed(_embed_partition, pure=True)(cls, params, p) for p in parts]
    meta = np.empty((0, width), dtype=np.float32)
    arrays = [
        da.from_delayed(b, shape=(m, width), dtype=np.float32, meta=meta)
        for b, m in zip(blocks, lengths)
    ]
    if not arrays:
        return da.zeros((0, width), dtype=np.float32, chunks=((0,), (width,)))
    return da.concatenate(arrays, axis=0)
