"""Private pieces of :class:`skw2s.UCBSourceSelector`: the bandit index and the
per-round overlap detection (incremental and full-history)."""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_array

from ._confidence import fit_weak_proba as _fit_weak_proba
from ._utils import is_frozen as _is_frozen
from ._constants import EASY, HARD, OVERLAP
from ._similarity import _normalize_rows
from ._partition import one_group_is_overlap, self_similarity_level
from .exceptions import DegenerateDataWarning
from .thresholds import split_scores

STRATEGIES = ("ucb", "random", "oracle")
BONUSES = ("standard", "authors")
DETECTIONS = ("incremental", "full")


def ucb_index(estimates, pulls, points, horizon, c, bonus):
    """UCB index of every source; ``inf`` for a source never pulled.

    ``"standard"``: ``o_k + c * sqrt(2 ln T / n_k)``; with ``c="auto"`` the constant is
    ``1 / sqrt(mean batch size of k)``, i.e. ``sqrt(2 ln T / m_k)`` with ``m_k`` the
    points seen from k. ``"authors"``: ``o_k + c * sqrt(2 ln T) / n_k`` (``"auto"`` = 1).
    """
    estimates = np.asarray(estimates, dtype=float)
    pulls = np.asarray(pulls, dtype=float)
    points = np.asarray(points, dtype=float)
    out = np.full(estimates.shape, np.inf)
    seen = pulls > 0
    log_t = np.log(max(float(horizon), 1.0))
    if bonus == "authors":
        const = 1.0 if c == "auto" else float(c)
        out[seen] = estimates[seen] + const * np.sqrt(2.0 * log_t) / pulls[seen]
    else:
        if c == "auto":
            width = np.sqrt(2.0 * log_t / np.maximum(points[seen], 1.0))
        else:
            width = float(c) * np.sqrt(2.0 * log_t / pulls[seen])
        out[seen] = estimates[seen] + width
    return out


def argmax_random_tie(values, candidates, rng):
    """Position (among ``candidates``) of the largest value; ties drawn with ``rng``."""
    vals = values[candidates]
    best = vals.max()
    if np.isinf(best):
        tied = candidates[vals == best]
    else:
        tied = candidates[vals >= best - 1e-12 * max(1.0, abs(best))]
    return int(tied[0]) if tied.size == 1 else int(rng.choice(tied))


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


class _ScheduledSplit:
    """A threshold rule refitted on a growing history once it has grown by the fraction
    ``growth`` since the last fit; the last ``(threshold, two_groups)`` otherwise."""

    def __init__(self, rule, growth):
        self.rule = rule
        self.growth = growth
        self.n_fitted = 0
        self.last = None
        self.n_fits = 0

    def due(self, n_seen):
        return self.last is None or n_seen >= (1.0 + self.growth) * self.n_fitted

    def __call__(self, scores, n_seen, log):
        """``scores``: the history, or a callable returning it (called only to refit)."""
        if self.due(n_seen):
            self.last = _quiet(self.rule, scores() if callable(scores) else scores, log)
            self.n_fitted = n_seen
            self.n_fits += 1
        return self.last


def _quiet(rule, scores, log):
    """``split_scores`` of a rule; record (rather than emit) degenerate-data warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        value, two_groups = split_scores(rule, scores)
    for w in caught:
        if issubclass(w.category, DegenerateDataWarning):
            log.append(str(w.message))
        else:  # pragma: no cover - re-emit anything unexpected
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return value, two_groups


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
        self.confidence_rule = _ScheduledSplit(confidence_rule, refit_growth)
        self.overlap_rule = _ScheduledSplit(overlap_rule, refit_growth)
        self.similarity = similarity
        self.center = center
        self.hard_inclusive = hard_inclusive
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
        self._tau_hard = None  # (threshold, two_groups) of the last round
        self._tau_overlap = np.inf  # effective overlap threshold of the last round

    def _prepare(self, Z):
        return Z if self.similarity == "dot" else _normalize_rows(Z)

    @staticmethod
    def _rms(Q, M):
        return np.sqrt(np.maximum(np.einsum("ij,ij->i", Q @ M, Q), 0.0))

    def update(self, confidence, proba, Z):
        n = Z.shape[0]
        labels = np.full(n, EASY, dtype=np.int8)
        if n == 0:
            return labels
        Z = np.asarray(Z, dtype=np.float64)
        self.conf.add(confidence)
        self._conf_seen.append(np.asarray(confidence, dtype=float))
        self._score_seen.append(np.full(n, np.nan))
        self._tau_hard = self.confidence_rule(self.conf.values, self.conf.n_seen, self.warnings)
        hard = self._hard(confidence)
        labels[hard] = HARD
        nonhard = ~hard
        self.hard_rows.add(Z[hard])
        self.nonhard_rows.add(Z[nonhard])
        if self.center:
            self.row_sum = Z.sum(axis=0) if self.row_sum is None else self.row_sum + Z.sum(axis=0)
            self.n_rows += n
            centre = self.row_sum / self.n_rows
            if self.hard_rows.size == 0:
                return labels  # no reference yet: nothing can be an overlap point
            Rh = self._prepare(self.hard_rows.values - centre)
            M = Rh.T @ Rh / Rh.shape[0]
        else:
            centre = 0.0
            if self.moment_sum is None:
                self.moment_sum = np.zeros((Z.shape[1], Z.shape[1]))
            if hard.any():
                Rh = self._prepare(Z[hard])
                self.moment_sum += Rh.T @ Rh
                self.n_hard += int(hard.sum())
            if self.n_hard == 0:
                return labels  # no reference yet: nothing can be an overlap point
            M = self.moment_sum / self.n_hard
        self._score_seen[-1] = s_all = self._rms(self._prepare(Z - centre), M)
        if not nonhard.any():
            return labels
        # The threshold is refitted on the stored non-hard rows scored against the
        # current reference, so that scores from rounds with different references
        # (a hard set that grew, a centre that moved) are never mixed in one fit.
        rule = self.overlap_rule
        if rule.due(self.nonhard_rows.n_seen):
            history = self._rms(self._prepare(self.nonhard_rows.values - centre), M)
            tau_overlap, two = rule(history, self.nonhard_rows.n_seen, self.warnings)
            if two is False:
                reference = self.hard_rows.values - centre
                level = self_similarity_level(reference, self.similarity, "rms")
                tau_overlap = -np.inf if one_group_is_overlap(history, level) else np.inf
            self._tau_overlap = tau_overlap
        sub = labels[nonhard]
        sub[s_all[nonhard] >= self._tau_overlap] = OVERLAP
        labels[nonhard] = sub
        return labels

    def _hard(self, confidence):
        tau_hard, two = self._tau_hard
        if two is False:
            return np.zeros(confidence.shape[0], dtype=bool)
        return confidence <= tau_hard if self.hard_inclusive else confidence < tau_hard

    def current_labels(self):
        """Every collected row judged by the current thresholds, in collection order.

        A row's score is the one it got against the reference of its round (comparable
        across rounds, see the class docstring); a row collected before any hard row
        was seen has no score and is never overlap.
        """
        if not self._conf_seen:
            return np.zeros(0, dtype=np.int8)
        conf = np.concatenate(self._conf_seen)
        score = np.concatenate(self._score_seen)
        labels = np.full(conf.shape[0], EASY, dtype=np.int8)
        hard = self._hard(conf)
        labels[hard] = HARD
        with np.errstate(invalid="ignore"):
            labels[~hard & (score >= self._tau_overlap)] = OVERLAP  # NaN: never
        return labels


class FullHistoryDetection:
    """The authors' per-round detection: rerun the detector on history + batch and
    keep the batch's labels. Cost grows with the history."""

    def __init__(self, detector):
        self.detector = clone(detector).set_params(weak_estimator=None, representation=None)
        self.proba = []
        self.Z = []
        self.warnings = []

    def update(self, confidence, proba, Z):
        n = Z.shape[0]
        if n == 0:
            return np.full(0, EASY, dtype=np.int8)
        self.proba.append(np.asarray(proba, dtype=np.float64))
        self.Z.append(np.asarray(Z, dtype=np.float64))
        P, Zp = np.vstack(self.proba), np.vstack(self.Z)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateDataWarning)
            labels = self.detector.fit(Zp, weak_proba=P).labels_[-n:]
        self.warnings.extend(
            str(w.message) for w in caught if issubclass(w.category, DegenerateDataWarning)
        )
        return np.asarray(labels, dtype=np.int8).copy()


# ------------------------------------------------ helpers of UCBSourceSelector (sel)
def oracle_values(sel):
    o = sel.oracle_densities
    if o is None:
        return None
    if isinstance(o, dict):
        missing = [s for s in sel.sources_.tolist() if s not in o]
        if missing:
            raise ValueError(f"oracle_densities has no density for source(s) {missing}.")
        return np.array([float(o[s]) for s in sel.sources_.tolist()])
    arr = np.asarray(o, dtype=float)
    if arr.shape != (sel.sources_.size,):
        raise ValueError(
            f"oracle_densities must have one density per source ({sel.sources_.size}); "
            f"got shape {arr.shape}."
        )
    return arr



def represent(sel, X, detector, fitting):
    rep = detector.representation
    if rep is None:
        Z = X
    else:
        if fitting:
            sel._representation = clone(rep)
            Z = (sel._representation.transform(X) if _is_frozen(rep)
                 else sel._representation.fit_transform(X))
        else:
            if not _is_frozen(rep):
                raise ValueError(
                    "partial_fit needs the detector's representation wrapped in "
                    "sklearn.frozen.FrozenEstimator (it cannot be refitted per batch)."
                )
            Z = rep.transform(X)
        Z = check_array(Z, dtype=[np.float64, np.float32])
    return np.asarray(Z, dtype=np.float64)



def fit_weak_proba(sel, X, y, weak_proba):
    """The selector's weak probabilities (see :func:`skw2s._confidence.fit_weak_proba`)."""
    proba, sel.weak_estimator_ = _fit_weak_proba("UCBSourceSelector", sel.weak_estimator, X, y, weak_proba)
    return proba

