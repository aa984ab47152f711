"""Dask support: every dask-specific line of skw2s lives in this module.

The estimators call in here when an input is a dask collection (:func:`is_dask_collection`,
which never imports dask), the way scikit-learn keeps its array-API dispatch in one place.
Dask is imported lazily, only by the functions that need it, so the core never depends
on it; ``pip install "skw2s[dask]"`` installs it.

What runs where, for :class:`~skw2s.OverlapDetector` on a dask array ``X``:

* per-row work is blockwise (``map_blocks`` with an explicit ``meta``): weak
  probabilities of a frozen weak model, confidences, overlap scores, labels of new
  points;
* the hard set's d x d second-moment matrix (the ``"rms"`` aggregation) is a sum of
  one matrix per block of rows, tree-reduced by dask;
* the 1-D confidences and overlap scores (8 bytes per row each) are gathered on the
  client, where the detector's own threshold and partition code runs on them, exactly
  as in memory.

The dask embedding of texts (``HFEmbedder.transform_partitions``) lives in
:mod:`skw2s._dask_embedding`.
"""

import math
import sys

import numpy as np

from ._weak import check_proba, weak_confidence
from ._partition import label_points
from ._utils import is_frozen

_INSTALL = 'pip install "skw2s[dask]"'


def is_dask_collection(*objs):
    """True when any of ``objs`` is a dask collection. Never imports dask."""
    if "dask" not in sys.modules:  # nothing can be a dask collection before dask is imported
        return False
    from dask.base import is_dask_collection as _is

    return any(_is(obj) for obj in objs)


def _import_dask():
    try:
        import dask
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - dask is imported by whoever made X
        raise ImportError(f"This needs dask: {_INSTALL}.") from exc
    return dask, da


# --------------------------------------------------------------------------- inputs
def check_dask_array(X, name="X"):
    """Validate a dask ``X`` of shape (n_samples, n_features); return it as floats.

    Rows may be chunked freely; the features must form one chunk (every block holds
    whole rows). Integer and boolean data are cast to float64, as in memory.
    """
    _, da = _import_dask()
    if not isinstance(X, da.Array):
        hint = ""
        if hasattr(X, "to_dask_array"):
            hint = " Convert a dask DataFrame with X.to_dask_array(lengths=True)."
        raise TypeError(f"{name} must be a dask array; got {type(X).__name__}.{hint}")
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D dask array of shape (n_samples, n_features); got "
            f"{X.ndim} dimension(s) (shape {X.shape})."
        )
    if any(math.isnan(c) for c in X.chunks[0]):
        raise ValueError(
            f"{name} has unknown chunk sizes along its rows (after boolean indexing?): "
            f"call {name}.compute_chunk_sizes() first."
        )
    if len(X.chunks[1]) != 1:
        raise ValueError(
            f"{name} is chunked along its features ({len(X.chunks[1])} chunks of "
            f"{X.chunks[1]} columns): skw2s needs whole rows in every block. Rechunk it "
            f"with {name}.rechunk({{1: -1}}) (a shuffle within each block of rows: "
            "cheapest when done once, before fitting)."
        )
    if X.dtype.kind in "biu":
        X = X.astype(np.float64)
    elif X.dtype not in (np.float32, np.float64):
        raise TypeError(
            f"{name} must hold float32 or float64 numbers; got dtype {X.dtype}."
        )
    return X


def _check_finite(block):
    if not np.isfinite(block).all():
        raise ValueError("Input X contains NaN or infinity.")
    return block


def _predict_proba(block, estimator):
    return check_proba(estimator.predict_proba(block), name="weak_estimator.predict_proba(X)")


def _check_proba_block(block):
    return check_proba(block)


def _weak_proba(X, weak_proba, estimator):
    """Weak probabilities of the rows of dask ``X``, as a dask array chunked like X's rows.

    ``weak_proba`` (numpy or dask, 1-D or 2-D) wins; otherwise the fitted
    ``estimator``'s ``predict_proba`` runs blockwise (the estimator enters the graph once).
    """
    dask, da = _import_dask()
    n, rows = X.shape[0], X.chunks[0]
    if weak_proba is None:
        if estimator is None:
            raise ValueError(
                "weak_proba is required: this detector was fitted on precomputed weak "
                "probabilities, so it has no weak estimator to score new points."
            )
        k = len(estimator.classes_)
        P = X.map_blocks(
            _predict_proba, dask.delayed(estimator, pure=True), chunks=(rows, (k,)),
            dtype=np.float64,
            meta=np.empty((0, 0), dtype=np.float64),
        )
    elif is_dask_collection(weak_proba):
        if not isinstance(weak_proba, da.Array) or weak_proba.ndim not in (1, 2):
            raise ValueError(
                "weak_proba must be a 1-D or 2-D (dask) array of shape (n_samples,) or "
                f"(n_samples, n_classes); got {type(weak_proba).__name__}."
            )
        if weak_proba.shape[0] != n:
            raise ValueError(f"weak_proba has {weak_proba.shape[0]} rows but X has {n} samples.")
        P = weak_proba if weak_proba.ndim == 2 else weak_proba[:, None]
        if P.shape[1] == 1:
            P = da.concatenate([1.0 - P, P], axis=1)
        P = P.rechunk((rows, -1)).map_blocks(
            _check_proba_block, dtype=np.float64, meta=np.empty((0, 0), dtype=np.float64)
        )
    else:
        P = da.from_array(check_proba(weak_proba, n), chunks=(rows, -1))
    return P


def confidence(P, method):
    """Blockwise weak confidence of a dask (n, k) probability array: a dask 1-D array."""
    return P.map_blocks(
        weak_confidence, method, drop_axis=1, dtype=np.float64,
        meta=np.empty(0, dtype=np.float64),
    )


def as_dask(values, like):
    """Wrap a client-side 1-D array as a dask array chunked like ``like``'s rows."""
    _, da = _import_dask()
    return da.from_array(np.asarray(values), chunks=(like.chunks[0],))


def gather(*arrays):
    """Compute dask arrays together (one pass over shared inputs) into NumPy arrays."""
    dask, _ = _import_dask()
    return dask.compute(*arrays)


# ------------------------------------------------------------------ overlap scores
def _moment_block(block, mask, index):
    return index.second_moment_sum(block, np.flatnonzero(mask)).astype(np.float64)[None]


def _score_block(block, mask, index):
    return index.score(block, None if mask is None else np.flatnonzero(mask))


def _represent_block(block, center):
    _check_finite(block)
    return block if center is None else block - center.astype(block.dtype, copy=False)


def representation(X, center=None):
    """The detector's representation of dask ``X``: checked for NaN, centred; lazy."""
    return X.map_blocks(
        _represent_block, center, dtype=X.dtype, meta=np.empty((0, 0), dtype=X.dtype)
    )


def fit_index(index, Z, rows=None, split_every=8):
    """Fit an ``"rms"`` :class:`~skw2s._similarity.SimilarityIndex` on dask ``Z[rows]``.

    Each block of rows contributes its second-moment sum; dask tree-reduces them
    (``split_every`` at a time) into one d x d matrix, the only thing computed.
    """
    if index.aggregation != "rms":
        raise ValueError(rms_only_message(index.aggregation))
    _, da = _import_dask()
    d = Z.shape[1]
    rows = np.arange(Z.shape[0]) if rows is None else np.asarray(rows)
    parts = da.blockwise(
        _moment_block, "bij", Z, "bk", as_dask(_mask(rows, Z.shape[0]), Z), "b",
        index=index, new_axes={"i": d, "j": d}, adjust_chunks={"b": 1},
        concatenate=True, dtype=np.float64, meta=np.empty((0, 0, 0), dtype=np.float64),
    )
    (total,) = gather(parts.sum(axis=0, split_every=split_every))
    return index.set_second_moment(total.astype(Z.dtype), len(rows), Z.dtype)


def score(index, Z, rows=None):
    """Overlap scores of the rows of dask ``Z`` (of ``Z[rows]``, in order): lazy, 1-D.

    The fitted index (a d x d matrix for ``"rms"``) enters the graph once, as one
    delayed object, not once per task.
    """
    dask, da = _import_dask()
    index = dask.delayed(index, pure=True)
    meta = np.empty(0, dtype=np.float64)
    if rows is None:
        return Z.map_blocks(_score_block, None, index, drop_axis=1, dtype=np.float64, meta=meta)
    mask = _mask(rows, Z.shape[0])
    # Each block returns the scores of its selected rows only: known chunk sizes.
    bounds = np.cumsum((0,) + Z.chunks[0])
    counts = tuple(int(k) for k in np.diff(np.concatenate([[0], np.cumsum(mask)])[bounds]))
    return da.map_blocks(
        _score_block, Z, as_dask(mask, Z)[:, None], index, drop_axis=1,
        chunks=(counts,), dtype=np.float64, meta=meta,
    )


def _mask(rows, n):
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def rms_only_message(aggregation):
    return (
        f'aggregation="{aggregation}" is exact and needs the whole hard set in memory, '
        'so it is not available on dask arrays: use aggregation="rms" (the default), '
        "whose d x d second-moment matrix is a tree reduction, or compute X into memory."
    )


# ------------------------------------------------------------------ OverlapDetector
def _detector_X(det, X, reset):
    if det.representation is not None:
        raise ValueError(
            "OverlapDetector on a dask X needs representation=None: compute the "
            "strong-side representation first (for texts, HFEmbedder.transform_partitions "
            "gives a dask array) and pass it as X."
        )
    X = check_dask_array(X)
    if X.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if reset:
        det.n_features_in_ = X.shape[1]
        if hasattr(det, "feature_names_in_"):
            del det.feature_names_in_
    elif X.shape[1] != det.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but OverlapDetector is expecting "
            f"{det.n_features_in_} features as input."
        )
    return X


def detector_inputs(det, X, weak_proba):
    """What :meth:`OverlapDetector.fit` partitions, from a dask ``X``: ``(weak_estimator_,
    n_weak_classes_, center_, c, pseudo, Z)``.

    The confidences ``c`` and weak classes ``pseudo`` are gathered (1-D); the
    representation ``Z`` stays on the cluster (centred lazily with ``center=True``, whose
    mean takes one more pass over ``X``). Sets ``n_features_in_`` (checks ``X``).
    """
    if det.aggregation != "rms":
        raise ValueError(rms_only_message(det.aggregation))
    X = _detector_X(det, X, reset=True)
    estimator = None
    if weak_proba is None:
        if det.weak_estimator is None or not is_frozen(det.weak_estimator):
            raise ValueError(
                "OverlapDetector on a dask X needs weak_proba (a NumPy or dask array) or a "
                "fitted weak_estimator wrapped in sklearn.frozen.FrozenEstimator: the weak "
                "model is not fitted on dask rows."
            )
        estimator = det.weak_estimator
    P = _weak_proba(X, weak_proba, estimator)
    c = confidence(P, det.confidence)
    pseudo = P.map_blocks(  # most probable weak class, as the in-memory fit counts it
        np.argmax, axis=1, drop_axis=1, dtype=np.intp, meta=np.empty(0, dtype=np.intp)
    )
    if det.center:  # the mean takes one pass over X, with the (cheap) confidences
        c, pseudo, center = gather(c, pseudo, X.mean(axis=0, dtype=np.float64))
        center = center.astype(X.dtype)
    else:
        c, pseudo = gather(c, pseudo)
        center = None
    return estimator, P.shape[1], center, c, pseudo, representation(X, center)


def _scores(det, X, weak_proba):
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(det)
    X = _detector_X(det, X, reset=False)
    P = _weak_proba(X, weak_proba, det.weak_estimator_)
    if P.shape[1] != det.n_weak_classes_:
        raise ValueError(
            f"weak_proba has {P.shape[1]} classes (columns) but the detector was "
            f"fitted with {det.n_weak_classes_}."
        )
    return confidence(P, det.confidence), score(det.index_, representation(X, det.center_))


def transform_detector(det, X, weak_proba):
    """:meth:`OverlapDetector.transform` on dask: a lazy (n, 2) dask array."""
    _, da = _import_dask()
    return da.stack(_scores(det, X, weak_proba), axis=1)


def predict_detector(det, X, weak_proba):
    """:meth:`OverlapDetector.predict` on dask: lazy labels, blockwise."""
    _, da = _import_dask()
    c, s = _scores(det, X, weak_proba)
    return da.map_blocks(
        label_points, c, s, det.confidence_threshold_, det.overlap_threshold_,
        det.hard_inclusive, dtype=np.int8, meta=np.empty(0, dtype=np.int8),
    )
