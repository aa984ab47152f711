"""Metrics of weak-to-strong experiments and of overlap detection.

* :func:`performance_gap_recovered`: the PGR of Burns et al. and Shin et al.
* :func:`labelled_accuracy_score` and the scorers :data:`labelled_accuracy_scorer`,
  :func:`make_pgr_scorer`: accuracy that ignores unlabelled rows (y == -1), safe for
  ``GridSearchCV`` on partially labelled data.
* :func:`overlap_density`, :func:`detection_precision_recall`: quality of a partition.
"""

import numbers
import warnings

import numpy as np
from sklearn.metrics import accuracy_score, make_scorer

from ._constants import EASY, HARD, OVERLAP
from ._utils import as_label_array, is_unlabelled
from .exceptions import DegenerateDataWarning

__all__ = [
    "detection_precision_recall",
    "labelled_accuracy_score",
    "labelled_accuracy_scorer",
    "make_pgr_scorer",
    "overlap_density",
    "performance_gap_recovered",
]


def _check_score(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a number or an array of numbers; got {value!r}.") from exc
    else:
        arr = np.asarray(float(value))
    return arr


def performance_gap_recovered(weak_score, w2s_score, ceiling_score):
    """Performance gap recovered: ``(w2s - weak) / (ceiling - weak)``.

    1 means the weak-to-strong model matches the strong ceiling, 0 that it is no
    better than its weak teacher, a negative value that it is worse.

    Parameters
    ----------
    weak_score, w2s_score, ceiling_score : float or array-like
        Scores (higher is better, e.g. accuracies) of the weak model, of the strong
        model trained on weak pseudolabels, and of the strong model trained on gold
        labels. Arrays broadcast against each other.

    Returns
    -------
    pgr : float or ndarray
        NaN where ``ceiling_score <= weak_score`` (no gap to recover: the ratio is
        undefined or its sign meaningless), with a
        :class:`~skw2s.DegenerateDataWarning`.

    Examples
    --------
    >>> from skw2s.metrics import performance_gap_recovered
    >>> performance_gap_recovered(0.70, 0.79, 0.85)
    0.6
    """
    weak = _check_score(weak_score, "weak_score")
    w2s = _check_score(w2s_score, "w2s_score")
    ceil = _check_score(ceiling_score, "ceiling_score")
    weak, w2s, ceil = np.broadcast_arrays(weak, w2s, ceil)
    gap = ceil - weak
    bad = ~(gap > 0)
    if np.any(bad):
        warnings.warn(
            "performance_gap_recovered: ceiling_score <= weak_score (no gap to "
            "recover); PGR is NaN there.",
            DegenerateDataWarning,
            stacklevel=2,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        pgr = np.where(bad, np.nan, (w2s - weak) / np.where(bad, 1.0, gap))
    return float(pgr) if pgr.ndim == 0 else pgr


def labelled_accuracy_score(y_true, y_pred, *, sample_weight=None):
    """Accuracy over the rows whose true label is not -1 (unlabelled rows ignored).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; -1 marks an unlabelled row (also in an object array of strings).
    y_pred : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    score : float
        NaN with a :class:`~skw2s.DegenerateDataWarning` when every row is unlabelled.

    Examples
    --------
    >>> from skw2s.metrics import labelled_accuracy_score
    >>> labelled_accuracy_score([1, 0, -1, -1], [1, 1, 0, 0])
    0.5
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true and y_pred must be 1-D arrays of the same length; got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        )
    return _labelled_accuracy(y_true, lambda rows: y_pred[rows], sample_weight,
                              "labelled_accuracy_score")


def _labelled_accuracy(y_true, predict, sample_weight, caller):
    """Accuracy over the labelled rows of ``y_true``; ``predict(rows)`` gives their predictions.

    The one implementation behind :func:`labelled_accuracy_score` and
    :meth:`skw2s.WeakToStrongClassifier.score` (which predicts only the labelled rows).
    Both sides go through :func:`skw2s._utils.as_label_array`: an object array of
    strings (with -1 markers) compares as strings, one of numbers as numbers.
    """
    rows = np.flatnonzero(~is_unlabelled(y_true))
    if rows.size == 0:
        warnings.warn(
            f"{caller}: every row of y_true is unlabelled (-1).",
            DegenerateDataWarning,
            stacklevel=3,
        )
        return float("nan")
    sw = None if sample_weight is None else np.asarray(sample_weight)[rows]
    y_pred = np.asarray(predict(rows))
    return float(accuracy_score(as_label_array(y_true[rows]), as_label_array(y_pred), sample_weight=sw))


#: Scorer for ``GridSearchCV(scoring=...)``: accuracy on labelled rows only.
labelled_accuracy_scorer = make_scorer(labelled_accuracy_score)


def _pgr_score(y_true, y_pred, *, weak_score, ceiling_score):
    return performance_gap_recovered(weak_score, labelled_accuracy_score(y_true, y_pred), ceiling_score)


def make_pgr_scorer(weak_score, ceiling_score):
    """Scorer giving the PGR of the labelled accuracy against fixed reference scores.

    Parameters
    ----------
    weak_score, ceiling_score : float
        Accuracies of the weak model and of the strong ceiling, measured beforehand on
        the same kind of held-out data. An affine map of the labelled accuracy, so it
        ranks candidates exactly as :data:`labelled_accuracy_scorer` does, but reads
        as a PGR.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``.

    Examples
    --------
    >>> from skw2s.metrics import make_pgr_scorer
    >>> scorer = make_pgr_scorer(0.7, 0.9)
    """
    for name, value in (("weak_score", weak_score), ("ceiling_score", ceiling_score)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if not ceiling_score > weak_score:
        raise ValueError(
            f"ceiling_score must exceed weak_score; got {ceiling_score!r} <= {weak_score!r}."
        )
    return make_scorer(_pgr_score, weak_score=float(weak_score), ceiling_score=float(ceiling_score))


def _check_groups(values, name):
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of group codes; got shape {arr.shape}.")
    if arr.size and (arr.dtype.kind not in "iu" or not np.isin(arr, (EASY, HARD, OVERLAP)).all()):
        raise ValueError(
            f"{name} must hold the group codes skw2s.EASY (0), HARD (1) or OVERLAP (2)."
        )
    return arr


def overlap_density(labels):
    """Fraction of overlap points (``skw2s.OVERLAP``) in a partition.

    Examples
    --------
    >>> from skw2s.metrics import overlap_density
    >>> overlap_density([0, 1, 2, 2])
    0.5
    """
    labels = _check_groups(labels, "labels")
    if labels.size == 0:
        raise ValueError("labels is empty: the overlap density is undefined.")
    return float(np.mean(labels == OVERLAP))


def detection_precision_recall(pred_labels, true_groups, group=OVERLAP):
    """Precision, recall and F1 of detecting one group (overlap by default).

    Parameters
    ----------
    pred_labels : array-like of shape (n_samples,)
        Detected groups (e.g. ``OverlapDetector().labels_``).
    true_groups : array-like of shape (n_samples,)
        True groups (e.g. from :func:`skw2s.datasets.make_overlap_classification`).
    group : {0, 1, 2}, default=skw2s.OVERLAP

    Returns
    -------
    precision, recall, f1 : float
        Precision is NaN when nothing is detected as ``group``, recall NaN when the
        truth has no point of ``group``, F1 NaN when either is NaN (no warning).

    Examples
    --------
    >>> from skw2s.metrics import detection_precision_recall
    >>> detection_precision_recall([2, 2, 0, 1], [2, 0, 2, 1])
    (0.5, 0.5, 0.5)
    """
    pred = _check_groups(pred_labels, "pred_labels")
    true = _check_groups(true_groups, "true_groups")
    if pred.shape != true.shape:
        raise ValueError(
            f"pred_labels and true_groups differ in length: {pred.size} != {true.size}."
        )
    if group not in (EASY, HARD, OVERLAP) or isinstance(group, bool):
        raise ValueError(f"group must be skw2s.EASY, HARD or OVERLAP; got {group!r}.")
    p, t = pred == group, true == group
    tp = float(np.sum(p & t))
    precision = tp / p.sum() if p.any() else float("nan")
    recall = tp / t.sum() if t.any() else float("nan")
    if np.isnan(precision) or np.isnan(recall):
        f1 = float("nan")
    else:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)
