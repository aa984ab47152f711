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
from .exceptions import DegenerateDataWarning

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
    """The whole 1-D history while it is small, then a uniform sample of it (Algorithm R,
    vectorised; later draws overwrite earlier ones as in the sequential algorithm)."""

    def __init__(self, capacity, rng):
        self.capacity = capacity
        self.rng = rng
        self._buf = np.empty(capacity)
        self.n_seen = 0
        self.size = 0

    def add(self, values):
        values = np.asarray(values, dtype=float)
        free = min(self.capacity - self.size, values.size)
        self._buf[self.size : self.size + free] = values[:free]
        self.size += free
        rest = values[free:]
        if rest.size:
            t = self.n_seen + free + np.arange(rest.size)  # 0-based position in the stream
            j = self.rng.randint(0, t + 1)
            keep = j < self.capacity
            self._buf[j[keep]] = rest[keep]
        self.n_seen += values.size

    @property
    def values(self):
        return self._buf[: self.size]


def _quiet(rule, scores, log):
    """Apply a threshold rule; record (rather than emit) degenerate-data warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        value = float(rule(scores))
    for w in caught:
        if issubclass(w.category, DegenerateDataWarning):
            log.append(str(w.message))
        else:  # pragma: no cover - re-emit anything unexpected
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return value


class IncrementalDetection:
    """Detection against a running reference; O(batch d^2 + n) per round.

    State: the 1-D history of confidences and of overlap scores (thresholds are refitted
    on them each round; beyond ``HISTORY_SIZE`` values, on a uniform reservoir sample of
    them, so the cost is bounded) and the running sum of the outer
    products of the (normalised) hard rows, i.e. the ``"rms"`` aggregation's second
    moment matrix, updated in O(batch d^2). History points keep the hard/non-hard side
    and the score they got when collected; because ``"rms"`` is a *mean* over the hard
    set, the score of a point does not drift upwards as the hard set grows (the
    ``"max"`` score does), so stale scores stay comparable with fresh ones.
    """

    def __init__(self, confidence_rule, overlap_rule, similarity, center, rng):
        self.confidence_rule = confidence_rule
        self.overlap_rule = overlap_rule
        self.similarity = similarity
        self.center = center
        self.center_ = None
        self.conf = _Reservoir(HISTORY_SIZE, rng)
        self.scores = _Reservoir(HISTORY_SIZE, rng)
        self.moment_sum = None
        self.n_hard = 0
        self.warnings = []

    def update(self, confidence, proba, Z):
        n = Z.shape[0]
        labels = np.full(n, EASY, dtype=np.int8)
        if n == 0:
            return labels
        Z = np.asarray(Z, dtype=np.float64)
        if self.center:
            if self.center_ is None:  # frozen at the first batch
                self.center_ = Z.mean(axis=0)
            Z = Z - self.center_
        self.conf.add(confidence)
        tau_hard = _quiet(self.confidence_rule, self.conf.values, self.warnings)
        hard = confidence < tau_hard
        R = Z if self.similarity == "dot" else _normalize_rows(Z)
        if self.moment_sum is None:
            self.moment_sum = np.zeros((Z.shape[1], Z.shape[1]))
        if hard.any():
            Rh = R[hard]
            self.moment_sum += Rh.T @ Rh
            self.n_hard += int(hard.sum())
        labels[hard] = HARD
        nonhard = ~hard
        if self.n_hard == 0 or not nonhard.any():
            return labels  # no reference yet: nothing can be an overlap point
        Q = R[nonhard]
        s = np.sqrt(np.maximum(np.einsum("ij,ij->i", Q @ self.moment_sum, Q) / self.n_hard, 0.0))
        self.scores.add(s)
        tau_overlap = _quiet(self.overlap_rule, self.scores.values, self.warnings)
        sub = labels[nonhard]
        sub[s >= tau_overlap] = OVERLAP
        labels[nonhard] = sub
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

