"""Small private helpers shared by the estimators."""

import numbers

import numpy as np


def is_unlabelled(y):
    """Boolean mask of the rows equal to -1 (scikit-learn's semi-supervised marker).

    Works for numeric arrays and for object arrays mixing string labels with -1.
    """
    y = np.asarray(y)
    if y.dtype.kind in "iuf":
        return y == -1
    if y.dtype.kind in "USb":
        return np.zeros(y.shape, dtype=bool)
    return np.array(
        [isinstance(v, numbers.Number) and not isinstance(v, bool) and v == -1 for v in y.ravel().tolist()],
        dtype=bool,
    ).reshape(y.shape)


def labelled_targets(y):
    """The labels of the rows of ``y`` that are not -1, and their positions.

    The labels go through :func:`as_label_array`: an object array of strings mixed with
    the -1 marker gives a ``str`` array (so that ``classes_`` are plain strings).
    """
    y = np.asarray(y)
    rows = np.flatnonzero(~is_unlabelled(y))
    return as_label_array(y[rows]), rows


def as_label_array(values):
    """``values`` as an array of labels scikit-learn compares as expected.

    An object array whose items are all strings becomes a ``str`` array, one whose
    items are all numbers a numeric array (scikit-learn reads an object array of
    numbers as an "unknown" target); anything else (a mix of strings and numbers, say)
    is returned unchanged, for scikit-learn to judge.
    """
    values = np.asarray(values)
    if values.dtype != object or values.size == 0:
        return values
    items = values.ravel().tolist()
    if all(isinstance(v, str) for v in items):
        return np.asarray(items, dtype=str).reshape(values.shape)
    if all(isinstance(v, numbers.Number) for v in items):
        return np.asarray(items).reshape(values.shape)
    return values


def is_frozen(estimator):
    """Whether ``estimator`` is a :class:`sklearn.frozen.FrozenEstimator` (used as is)."""
    from sklearn.frozen import FrozenEstimator

    return isinstance(estimator, FrozenEstimator)
