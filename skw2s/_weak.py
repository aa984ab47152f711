"""The weak side: its probabilities checked, the weak model fitted on the labelled rows, and
the confidence of each prediction (method step 1). One code path for every estimator."""

import numpy as np

from ._utils import as_label_array, is_frozen, labelled_targets
from .exceptions import DegenerateDataError

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


def fit_weak_proba(owner, estimator, X, y, weak_proba, *, rows=None, fit_rows=None, fit_params=None):
    """Weak probabilities of rows of ``X``, and the weak estimator that made them.

    The one way skw2s obtains weak probabilities (the detector, the classifier, the
    selector): a precomputed ``weak_proba`` (one row per sample of ``X``) wins, and no
    estimator is used; a :class:`~sklearn.frozen.FrozenEstimator` is used as it is;
    otherwise ``estimator`` (None: ``LogisticRegression()``) is cloned and fitted on
    the labelled rows of ``y`` (not -1), or on ``fit_rows`` (positions in ``X`` of
    labelled rows) when given. ``owner`` names the caller in error messages.

    Parameters
    ----------
    rows : array of int or None
        Positions of the rows whose probabilities are returned (None: every row). The
        estimator predicts only these rows.
    fit_rows : array of int or None
        Positions of the rows the estimator is fitted on (a subset of the labelled
        rows, for cross-fitting); None: every labelled row.
    fit_params : dict or None
        Metadata for the estimator's ``fit``, one value per sample of ``X`` where
        sample-aligned (restricted to the fitted rows here).

    Returns
    -------
    proba : ndarray of shape (n_rows, n_classes)
    fitted : estimator or None
    """
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    from ._sklearn_compat import check_method_params as _check_method_params
    from ._sklearn_compat import num_samples as _num_samples
    from ._sklearn_compat import safe_indexing as _safe_indexing

    n = _num_samples(X)
    if weak_proba is not None:
        proba = check_proba(weak_proba, n)
        return (proba if rows is None else proba[rows]), None
    X_rows = X if rows is None else _safe_indexing(X, rows)
    n_rows = n if rows is None else len(rows)
    name = "weak_estimator.predict_proba(X)"
    if estimator is not None and is_frozen(estimator):
        return check_proba(estimator.predict_proba(X_rows), n_rows, name), estimator
    if y is None:
        raise ValueError(
            f"{owner} requires y to be passed, but the target y is None: pass y (to fit "
            "the weak estimator), weak_proba, or a fitted weak_estimator wrapped in "
            "sklearn.frozen.FrozenEstimator."
        )
    if fit_rows is None:
        y_fit, labelled = labelled_targets(y)
    else:
        labelled = np.asarray(fit_rows, dtype=int)
        y_fit = as_label_array(np.asarray(y)[labelled])
    n_classes = np.unique(y_fit).size
    if n_classes < 2:
        what = "no labelled row" if n_classes == 0 else "only one class among its labelled rows"
        raise DegenerateDataError(
            f"y has {what}: the weak estimator needs at least two classes. Pass "
            "weak_proba, or a fitted weak_estimator wrapped in sklearn.frozen.FrozenEstimator."
        )
    fitted = clone(estimator if estimator is not None else LogisticRegression())
    fitted.fit(_safe_indexing(X, labelled), y_fit, **_check_method_params(X, fit_params, labelled))
    return check_proba(fitted.predict_proba(X_rows), n_rows, name), fitted
