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


def is_frozen(estimator):
    """Whether ``estimator`` is a :class:`sklearn.frozen.FrozenEstimator` (used as is)."""
    from sklearn.frozen import FrozenEstimator

    return isinstance(estimator, FrozenEstimator)
