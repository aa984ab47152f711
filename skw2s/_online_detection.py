"""Overlap detection on a stream of batches, for :class:`skw2s.UCBSourceSelector`.

Two ways to label each round's batch: :class:`IncrementalDetection` (running thresholds and
a running reference, bounded cost per round) and :class:`FullHistoryDetection` (the
authors': the detector refitted on the whole history each round). Both label points with
the detector's own code (:mod:`skw2s._partition`).
"""

import warnings

import numpy as np
from sklearn.base import clone

from ._constants import EASY
from ._partition import WarmSplit, confidence_cut, hard_mask, label_points, overlap_cut
from ._similarity import _normalize_rows, rms_scores
from ._utils import record_warnings
from .exceptions import DegenerateDataWarning

DETECTIONS = ("incremental", "full")

#: Largest 1-D history the incremental thresholds are refitted on (a uniform reservoir
#: sample beyond it), so that the cost of a round is bounded.
HISTORY_SIZE = 4096


class _Reservoir:
    """The whole history while it is small, then a uniform sample of it (Algorithm R,
    vectorised; later draws overwrite earlier ones as in the sequential algorithm).
    Items are scalars or rows (the trailing shape is fixed by the first ``add``)."""

    def __init__(self, capacity, rng):
        self.capacity = capacity
        self.rng = rng
        self._buf = None
        self.n_seen = 0
        self.size = 0

    def add(self, values):
        values = np.asarray(values, dtype=float)
        if self._buf is None:
            self._buf = np.empty((self.capacity,) + values.shape[1:])
        free = min(self.capacity - self.size, values.shape[0])
        self._buf[self.size : self.size + free] = values[:free]
        self.size += free
        rest = values[free:]
        if rest.shape[0]:
            t = self.n_seen + free + np.arange(rest.shape[0])  # 0-based position in the stream
            j = self.rng.randint(0, t + 1)
            keep = j < self.capacity
            self._buf[j[keep]] = rest[keep]
        self.n_seen += values.shape[0]

    @property
    def values(self):
        return np.zeros(0) if self._buf is None else self._buf[: self.size]


class _RefitSchedule:
    """When a threshold on a growing history is refitted: at the first call, then once
    the history has grown by the fraction ``growth`` since the last fit."""

    def __init__(self, growth):
        self.growth = growth
        self.n_fitted = 0
        self.n_fits = 0

    def due(self, n_seen):
        return self.n_fits == 0 or n_seen >= (1.0 + self.growth) * self.n_fitted

    def done(self, n_seen):
        self.n_fitted = n_seen
        self.n_fits += 1


def quiet(log, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, its degenerate-data warnings recorded in ``log``, others passed on.

    The one way a round runs its detection (both detections): a degenerate threshold
    fit is expected in early rounds, so each one is recorded and the selector emits one
    warning counting them at the end of ``fit``/``partial_fit``
    (:func:`skw2s._utils.record_warnings`).
    """
    return record_warnings(log, DegenerateDataWarning, fn, *args, **kwargs)


class IncrementalDetection:
    """Detection against a running reference; O(batch d^2 + n) per round, plus
    O(``HISTORY_SIZE`` d^2) when the overlap threshold is refitted.

    State: the 1-D history of confidences, reservoirs (uniform samples of at most
    ``HISTORY_SIZE`` rows) of the hard and of the non-hard rows, and the confidence and
    score of every collected row. Each threshold is refitted once its history has grown
    by the fraction ``refit_growth`` since its last fit, and reused in between.

    The reference of the ``"rms"`` aggregation is the hard set's second-moment matrix:
    without centring, the exact running sum of the outer products of the (normalised)
    hard rows, updated in O(batch d^2); with centring, rebuilt each round from the
    hard-row reservoir around the running mean of every row seen (the centre moves as
    the history grows). A batch is scored against the current reference. The overlap
    threshold is refitted on the non-hard reservoir rescored against the current
    reference, so one fit never mixes scores from different references: a hard set
    that took in a few misdetected rows shifts every score alike (with scores kept
    from their rounds, exact zeros from early rounds against small positive scores
    from later ones made a spurious "low group").

    :meth:`current_labels` judges every collected row again by the current thresholds
    (each with the score of its round), which is what the selector's estimates use.
    """

    def __init__(self, confidence_rule, overlap_rule, similarity, center, hard_inclusive, rng,
                 *, refit_growth=0.0):
        self.confidence_rule = confidence_rule
        self.overlap_rule = overlap_rule
        self.confidence_refit = _RefitSchedule(refit_growth)
        self.overlap_refit = _RefitSchedule(refit_growth)
        self.similarity = similarity
        self.center = center
        self.hard_inclusive = hard_inclusive
        # Mixture refits start from the previous fit (cold again each time a history doubles).
        self.split = WarmSplit(follow=True)
        self.conf = _Reservoir(HISTORY_SIZE, rng)
        self.hard_rows = _Reservoir(HISTORY_SIZE, rng)
        self.nonhard_rows = _Reservoir(HISTORY_SIZE, rng)
        self.row_sum = None
        self.n_rows = 0
        self.moment_sum = None
        self.n_hard = 0
        self.warnings = []
        # Every collected row's confidence and score (against the reference of its
        # round), so that all of them can be judged again by the current thresholds.
        self._conf_seen = []
        self._score_seen = []
        self._tau_hard = -np.inf  # -inf: one group of confidences, no hard-only point
        self._tau_overlap = np.inf  # +inf / -inf: one group, all easy-only / all overlap

    def _prepare(self, Z):
        return Z if self.similarity == "dot" else _normalize_rows(Z)

    def _reference(self, Z, hard):
        """Take in a batch; ``(centre, second moment)`` of the hard set, None before any."""
        if self.center:
            self.row_sum = Z.sum(axis=0) if self.row_sum is None else self.row_sum + Z.sum(axis=0)
            self.n_rows += Z.shape[0]
        else:
            if self.moment_sum is None:
                self.moment_sum = np.zeros((Z.shape[1], Z.shape[1]))
            if hard.any():
                Rh = self._prepare(Z[hard])
                self.moment_sum += Rh.T @ Rh
                self.n_hard += int(hard.sum())
        return self._current_reference()

    def _current_reference(self):
        """``(centre, second moment)`` of the hard set seen so far, None before any."""
        if self.center:
            if self.hard_rows.size == 0:
                return None
            centre = self.row_sum / self.n_rows
            Rh = self._prepare(self.hard_rows.values - centre)
            return centre, Rh.T @ Rh / Rh.shape[0]
        return None if self.n_hard == 0 else (0.0, self.moment_sum / self.n_hard)

    def threshold_resamples(self, n_resamples, rng):
        """``n_resamples`` threshold pairs ``(hard-only, overlap)``, each refitted on a
        bootstrap resample of the histories as they stand now (the confidences, and the
        stored non-hard rows scored against the current reference; with
        ``refit_growth > 0`` the current thresholds may have been fitted on a shorter
        history), mixture rules warm-started from the current fits."""
        conf = self.conf.values
        reference = self._current_reference()
        history = None
        if reference is not None and self.nonhard_rows.size:
            centre, M = reference
            history = rms_scores(self._prepare(self.nonhard_rows.values - centre), M)
        split = WarmSplit()
        split.starts = dict(self.split.starts)
        pairs = []
        # A resample reruns fits whose warnings the rounds passed on or counted already
        # (as in the detector's bootstrap).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(n_resamples):
                tau_hard = self._tau_hard
                if conf.size:
                    tau_hard = confidence_cut(self.confidence_rule, conf[rng.randint(conf.size, size=conf.size)],
                                              split)[0]
                tau_overlap = self._tau_overlap
                if history is not None:
                    tau_overlap = overlap_cut(
                        self.overlap_rule, history[rng.randint(history.size, size=history.size)],
                        lambda: self.hard_rows.values - centre, self.similarity, "rms", split=split,
                    )[0]
                pairs.append((tau_hard, tau_overlap))
        return pairs

    def collected(self):
        """Confidence and score (against its round's reference) of every collected row."""
        if not self._conf_seen:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(self._conf_seen), np.concatenate(self._score_seen)

    def update(self, confidence, proba, Z):
        n = Z.shape[0]
        if n == 0:
            return np.full(0, EASY, dtype=np.int8)
        Z = np.asarray(Z, dtype=np.float64)
        self.conf.add(confidence)
        if self.confidence_refit.due(self.conf.n_seen):
            self._tau_hard = quiet(
                self.warnings, confidence_cut, self.confidence_rule, self.conf.values,
                split=lambda rule, x: self.split(rule, x, n_seen=self.conf.n_seen),
            )[0]
            self.confidence_refit.done(self.conf.n_seen)
        hard = hard_mask(confidence, self._tau_hard, self.hard_inclusive)
        self.hard_rows.add(Z[hard])
        self.nonhard_rows.add(Z[~hard])
        reference = self._reference(Z, hard)
        score = np.full(n, np.nan)  # no reference yet: nothing can be an overlap point
        if reference is not None:
            centre, M = reference
            score = rms_scores(self._prepare(Z - centre), M)
            # The threshold is refitted on the stored non-hard rows scored against the
            # current reference, so that scores from rounds with different references
            # (a hard set that grew, a centre that moved) are never mixed in one fit.
            n_history = self.nonhard_rows.n_seen
            if not hard.all() and self.overlap_refit.due(n_history):
                history = rms_scores(self._prepare(self.nonhard_rows.values - centre), M)
                self._tau_overlap = quiet(
                    self.warnings, overlap_cut, self.overlap_rule, history,
                    lambda: self.hard_rows.values - centre, self.similarity, "rms",
                    split=lambda rule, x: self.split(rule, x, n_seen=n_history),
                )[0]
                self.overlap_refit.done(n_history)
        self._conf_seen.append(np.asarray(confidence, dtype=float))
        self._score_seen.append(score)
        return label_points(confidence, score, self._tau_hard, self._tau_overlap, self.hard_inclusive)

    def current_labels(self):
        """Every collected row judged by the current thresholds, in collection order.

        A row's score is the one it got against the reference of its round (comparable
        across rounds, see the class docstring); a row collected before any hard row
        was seen has no score (NaN) and is never overlap.
        """
        c, s = self.collected()
        return label_points(c, s, self._tau_hard, self._tau_overlap, self.hard_inclusive)


class FullHistoryDetection:
    """The authors' per-round detection: rerun the detector on history + batch and
    keep the batch's labels. Cost grows with the history. Only the batch's labels are
    read, so the detector's bootstrap (which leaves ``labels_`` as they are) is off."""

    def __init__(self, detector):
        self.detector = clone(detector).set_params(
            weak_estimator=None, representation=None, n_resamples=0
        )
        self.proba = []
        self.Z = []
        self.labels = []
        self.warnings = []

    def update(self, confidence, proba, Z):
        n = Z.shape[0]
        if n == 0:
            return np.full(0, EASY, dtype=np.int8)
        self.proba.append(np.asarray(proba, dtype=np.float64))
        self.Z.append(np.asarray(Z, dtype=np.float64))
        P, Zp = np.vstack(self.proba), np.vstack(self.Z)
        labels = quiet(self.warnings, self.detector.fit, Zp, weak_proba=P).labels_[-n:]
        self.labels.append(np.asarray(labels, dtype=np.int8).copy())
        return self.labels[-1]

    def current_labels(self):
        """Every collected row's labels, as judged in its own round."""
        return np.concatenate(self.labels) if self.labels else np.zeros(0, dtype=np.int8)
