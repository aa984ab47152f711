"""The base of the threshold objects of :mod:`skw2s.thresholds`."""

import numpy as np


def _as_scores(scores, name="scores"):
    try:
        x = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array of numbers; got {type(scores).__name__}.") from exc
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return x


class _BaseThreshold:
    """Base class: a callable mapping a 1-D array of scores to a float threshold."""

    def __call__(self, scores):
        x = _as_scores(scores)
        if x.size == 0:
            raise ValueError("Cannot compute a threshold on an empty array of scores.")
        return float(self._threshold(x))

    def split(self, scores):
        """Threshold and whether the scores form two groups.

        Parameters
        ----------
        scores : array-like of shape (n_samples,)

        Returns
        -------
        threshold : float
            The low side is ``scores < threshold``.
        two_groups : bool or None
            False when the scores are constant (this rule found one group); None when
            the rule always cuts and so says nothing about the number of groups.
        """
        x = _as_scores(scores)
        value = self(x)
        return value, (False if x.size and x.min() == x.max() else None)

    def _params(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    def __hash__(self):
        return hash((type(self).__name__, repr(self)))
