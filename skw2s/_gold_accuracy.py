"""The weak labeller's accuracy around each point, read from the gold rows.

What ``OverlapDetector(hard_from="gold")`` calls a point's confidence: the share of right
weak labels (cross-fitted on the gold rows) among its ``k`` nearest gold rows, cosine on
the centred representation (:func:`skw2s.trust.gold_accuracy`, the ``gold_agreement``
signal of :class:`~skw2s.WeakLabelTrust`). A gold row never counts itself. Hard-only
points are where this share is at chance (:class:`~skw2s.thresholds.ChanceThreshold`).

The detector's bootstrap redraws the gold rows too (:meth:`GoldAccuracy.resampled`): with a
few hundred gold rows, which gold rows were labelled is the larger part of the
uncertainty of the hard-only side, and a bootstrap of the pool alone would leave it out.
"""

import numpy as np

from ._similarity import _normalize_rows
from .trust import gold_accuracy, positions


def chance_level(y_gold, weak_labels, classes):
    """The accuracy of a labeller at chance: ``sum_c P(y = c) P(weak label = c)``, the
    class shares of the gold rows and the weak labels' shares over every row."""
    y_gold, weak_labels = np.asarray(y_gold), np.asarray(weak_labels)
    return float(sum(np.mean(y_gold == c) * np.mean(weak_labels == c) for c in np.asarray(classes)))


class GoldAccuracy:
    """The share of right weak labels among each row's ``k`` nearest gold rows.

    Built on the representation ``Z`` of every row, the positions ``gold_idx`` of the gold
    rows among them and whether each one's weak label is right (``correct``). ``k`` is
    ``min(n_neighbors, n_gold - 1)`` (a gold row leaves itself out, so every row counts
    the same number of gold rows). ``shares``: every row's share; :meth:`of` new rows';
    :meth:`resampled` every row's share under a redraw of the gold rows.
    ``working_memory`` (MiB): the rows x gold rows cosine matrix is made by the first
    resample and kept when it fits, otherwise recomputed in chunks of rows for each one.
    """

    def __init__(self, Z, gold_idx, correct, n_neighbors, working_memory=128):
        Z = np.asarray(Z, dtype=np.float64)
        self.center = Z.mean(axis=0)
        U = _normalize_rows(Z - self.center)
        self.gold_idx = np.asarray(gold_idx)
        self.U_gold = U[self.gold_idx]
        self.correct = np.asarray(correct, dtype=bool)
        self.k = int(min(n_neighbors, self.gold_idx.size - 1))
        self.own = positions(np.arange(U.shape[0]), self.gold_idx)  # -1: not a gold row
        self.shares = gold_accuracy(self.U_gold, self.correct, U, self.k, self.own)
        self._U = U
        self._chunk = max(1, int(working_memory * 2**20 // (8 * max(self.gold_idx.size, 1))))
        self._S = None  # the rows x gold rows cosines, made by the first resample when they fit

    def of(self, Z):
        """Shares of new rows (representation ``Z``, uncentred): no row is a gold row."""
        U = _normalize_rows(np.asarray(Z, dtype=np.float64) - self.center)
        return gold_accuracy(self.U_gold, self.correct, U, self.k)

    def resampled(self, rng):
        """Every row's share among the gold rows drawn with replacement by ``rng`` (a
        copy of a row's own gold row never counts)."""
        n_gold = self.gold_idx.size
        # each distinct gold row drawn counts once (about 63% of them): a row drawn twice
        # would fill two of a point's k places, making the shares more extreme than the
        # gold rows' own (the bootstrap of a nearest-neighbour statistic)
        draw = np.unique(rng.randint(n_gold, size=n_gold))
        right = self.correct[draw].astype(np.float64)
        n = self._U.shape[0]
        out = np.empty(n)
        # at least one place: with a single distinct gold row drawn, that row's own share
        # has no neighbour and falls back to the gold rows' overall accuracy
        k = max(1, min(self.k, draw.size - 1))
        if self._S is None and n <= self._chunk:
            self._S = self._U @ self.U_gold.T
        for start in range(0, n, self._chunk):
            rows = slice(start, min(start + self._chunk, n))
            S = self._S[rows][:, draw] if self._S is not None else self._U[rows] @ self.U_gold[draw].T
            S[draw[None, :] == self.own[rows, None]] = -np.inf
            nearest = np.argpartition(-S, k - 1, axis=1)[:, :k]
            keep = np.isfinite(np.take_along_axis(S, nearest, axis=1))
            counts = keep.sum(axis=1)
            total = (right[nearest] * keep).sum(axis=1)
            out[rows] = np.where(counts > 0, total / np.maximum(counts, 1), self.correct.mean())
        return out

    def release(self):
        """Drop what only the bootstrap needs (the fitted detector keeps the gold rows)."""
        self._U = self._S = None
