"""Weak-model confidence from predicted probabilities (method step 1)."""

import numpy as np

from ._utils import is_frozen, is_unlabelled

CONFIDENCE_METHODS = ("normalized_max", "margin")


def check_proba(proba, n_samples=None, name="weak_proba"):
    """Validate weak-model probabilities; return a 2-D float array of shape (n, k >= 2).

    A 1-D array (or a single column) is read as P(class 1) of a binary problem.
    """
    try:
        p = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an array of probabilities of shape (n_samples,) or "
            f"(n_samples, n_classes); got {type(proba).__name__}."
        ) from exc
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.ndim == 1:
        p = np.column_stack([1.0 - p, p])
    if p.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, n_classes); got {p.shape}."
        )
    if n_samples is not None and p.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {p.shape[0]} rows but X has {n_samples} samples."
        )
    if not np.all(np.isfinite(p)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if p.size and (p.min() < -1e-6 or p.max() > 1 + 1e-6):
        raise ValueError(f"{name} must lie in [0, 1]; got values in [{p.min():.3g}, {p.max():.3g}].")
    if p.size and np.abs(p.sum(axis=1) - 1).max() > 1e-3:
        raise ValueError(f"Each row of {name} must sum to 1 (a probability distribution).")
    return np.clip(p, 0.0, 1.0)


def weak_confidence(proba, method="normalized_max"):
    """Confidence in [0, 1] of each row of a (n, k) probability matrix.

    ``"normalized_max"``: ``(k * p_max - 1) / (k - 1)``: 0 for the uniform
    distribution, 1 for a one-hot one. ``"margin"``: ``p_(1) - p_(2)``, the gap between
    the two largest probabilities. For k = 2 both equal the paper's ``2 |p - 0.5|``.
    """
    k = proba.shape[1]
    if method == "normalized_max":
        c = (k * proba.max(axis=1) - 1.0) / (k - 1.0)
    elif method == "margin":
        top2 = np.partition(proba, k - 2, axis=1)[:, -2:]
        c = top2[:, 1] - top2[:, 0]
    else:
        raise ValueError(
            f"confidence must be one of {CONFIDENCE_METHODS}; got {method!r}."
        )
    return np.clip(c, 0.0, 1.0)


def fit_weak_proba(owner, estimator, X, y, weak_proba):
    """Weak probabilities of every row of ``X``, and the weak estimator that made them.

    Shared by the estimators that take a weak model: precomputed ``weak_proba`` wins
    (no estimator); a :class:`~sklearn.frozen.FrozenEstimator` is used as it is;
    otherwise ``estimator`` (None: ``LogisticRegression()``) is cloned and fitted on the
    rows whose ``y`` is not -1. ``owner`` names the caller in error messages.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
    fitted : estimator or None
    """
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from ._sklearn_compat import num_samples as _num_samples
    from ._sklearn_compat import safe_indexing as _safe_indexing

    n = _num_samples(X)
    if weak_proba is not None:
        return check_proba(weak_proba, n), None
    if estimator is not None and is_frozen(estimator):
        return check_proba(estimator.predict_proba(X), n, "weak_estimator.predict_proba(X)"), estimator
    if y is None:
        raise ValueError(
            f"{owner} requires y to be passed, but the target y is None: pass y (to fit "
            "the weak estimator), weak_proba, or a fitted weak_estimator wrapped in "
            "sklearn.frozen.FrozenEstimator."
        )
    y = np.asarray(y)
    labelled = ~is_unlabelled(y)
    if np.unique(y[labelled]).size < 2:
        raise ValueError(
            "y has only one class among its labelled rows: the weak estimator needs "
            "at least two classes. Pass weak_proba instead."
        )
    fitted = clone(estimator if estimator is not None else LogisticRegression())
    fitted.fit(_safe_indexing(X, np.flatnonzero(labelled)), y[labelled])
    return check_proba(fitted.predict_proba(X), n, "weak_estimator.predict_proba(X)"), fitted
