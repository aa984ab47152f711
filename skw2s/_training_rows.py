"""Which pool rows :class:`~skw2s.WeakToStrongClassifier` trains its strong estimator on.

``train_on`` picks a subset of the detected groups; the subset then keeps every
pseudolabel class of the pool (a class it misses gets its most overlap-like rows), so
that the strong estimator can predict every class. ``("confident", q)`` keeps the most
confidently pseudolabelled fraction ``q`` of each pseudolabel class;
``"confident_learning"`` and ``("strong", q)`` read the strong side's out-of-fold view
of each pseudolabel (:mod:`skw2s._strong_view`); ``("trust", q)`` ranks by the gold rows'
model of where the weak labeller errs (:mod:`skw2s.trust`); ``("cut", q)`` by how many of a
row's nearest pool rows share its pseudolabel (the cut statistic). :func:`draw_mixture` is the paper's
mixing draw, for a float ``train_on`` and for
:func:`skw2s.experiments.run_overlap_experiment`. ``train_on="auto"`` validates the
candidates :data:`AUTO_CANDIDATES` on the labelled rows (:mod:`skw2s._auto_train_on`).
"""

import numbers
import warnings

import numpy as np
from sklearn.utils import check_random_state

from ._constants import HARD, OVERLAP
from .exceptions import DegenerateDataWarning

TRAIN_ON = ("all", "overlap", "nonhard", "confident_learning", "auto")
#: The ranked rules: ("confident", q) by the weak confidence, ("strong", q) by the strong
#: side's out-of-fold probability of the pseudolabel, ("trust", q) by the gold rows'
#: probability that the pseudolabel is right (skw2s.trust), ("cut", q) by the share of a
#: row's nearest pool rows with the same pseudolabel (the cut statistic, skw2s.trust).
RANKED = ("confident", "strong", "trust", "cut")

#: The candidates of ``train_on="auto"``, in order of preference on equal scores: plain
#: W2S, the detector's groups, the weak side's ranking, the strong side's filter and
#: ranking (benchmarks/selection_anchors.py).
AUTO_CANDIDATES = ("all", "nonhard", "overlap", ("confident", 0.5), "confident_learning",
                   ("strong", 0.8), ("strong", 0.6), ("trust", 0.8), ("trust", 0.6))


def check_train_on(train_on):
    """``train_on`` validated: a name of :data:`TRAIN_ON`, a float in [0, 1],
    ``("confident", q)``, ``("strong", q)``, ``("trust", q)`` or ``("cut", q)`` with q in
    (0, 1] (returned as a tuple). ValueError otherwise."""
    t = train_on
    if isinstance(t, str):
        if t in TRAIN_ON:
            return t
    elif isinstance(t, numbers.Real) and not isinstance(t, bool):
        if 0.0 <= float(t) <= 1.0:
            return t
    elif isinstance(t, (tuple, list)) and len(t) == 2 and t[0] in RANKED:
        q = t[1]
        if isinstance(q, numbers.Real) and not isinstance(q, bool) and 0.0 < float(q) <= 1.0:
            return (t[0], q)
    raise ValueError(
        f"train_on must be one of {TRAIN_ON}, a float in [0, 1], ('confident', q), "
        f"('strong', q), ('trust', q) or ('cut', q) with q in (0, 1]; got {train_on!r}."
    )


def needs_strong_view(train_on):
    """Whether ``train_on`` reads the strong side's out-of-fold view of the pseudolabels
    (the trust reads it as one of its signals)."""
    return train_on == "confident_learning" or (isinstance(train_on, tuple) and train_on[0] in ("strong", "trust"))


def needs_trust(train_on):
    """Whether ``train_on`` ranks by the gold rows' trust in each pseudolabel."""
    return isinstance(train_on, tuple) and train_on[0] == "trust"


def needs_neighbours(train_on):
    """Whether ``train_on`` ranks by the agreement of each row's pool neighbourhood."""
    return isinstance(train_on, tuple) and train_on[0] == "cut"


def needs_detector(train_on):
    """Whether ``train_on`` chooses rows from detected groups."""
    return isinstance(train_on, str) and train_on not in ("all", "confident_learning") or (
        isinstance(train_on, numbers.Real) and not isinstance(train_on, bool))


def draw_mixture(overlap, rest, q, rng):
    """The paper's mixing draw: ``N = min(|overlap|, |rest|)`` rows, ``round(q N)`` overlap.

    Draws without replacement, first ``round(q N)`` of ``overlap`` then the other
    ``N - round(q N)`` of ``rest`` (both arrays of row positions), with the
    ``RandomState`` ``rng``; returns them in that order (empty when ``N = 0``).
    """
    N = min(overlap.size, rest.size)
    n_o = int(round(float(q) * N))
    return np.concatenate([
        rng.choice(overlap, n_o, replace=False),
        rng.choice(rest, N - n_o, replace=False),
    ]).astype(int)


def choose_rows(train_on, labels, n_pool, random_state):
    """Pool positions for ``train_on``, and whether class coverage applies to them.

    Every row (and no coverage) for ``"all"`` (``labels`` may then be None), and, with
    a warning, when the chosen subset is empty.
    """
    t = train_on
    if isinstance(t, str) and t == "all":
        return np.arange(n_pool), False
    overlap = np.flatnonzero(labels == OVERLAP)
    if isinstance(t, str):
        chosen = overlap if t == "overlap" else np.flatnonzero(labels != HARD)
        what = "overlap" if t == "overlap" else "non-hard"
    else:
        rest = np.flatnonzero(labels != OVERLAP)
        chosen = np.sort(draw_mixture(overlap, rest, t, check_random_state(random_state)))
        what = "overlap-mixture (N = min(|overlap|, |non-overlap|) = 0)"
    if chosen.size == 0:
        warnings.warn(
            f"train_on={t!r}: the pool has no {what} point; the strong estimator is "
            "trained on every pool row instead.",
            DegenerateDataWarning,
            stacklevel=5,
        )
        return np.arange(n_pool), False
    return chosen, True


def top_rows_per_class(score, pseudolabels, q, tiebreak=None):
    """The ``ceil(q n_c)`` rows of each pseudolabel class (``n_c`` rows) with the highest
    ``score``: the weak confidence for ``("confident", q)``, the strong side's
    out-of-fold probability of the pseudolabel for ``("strong", q)``. Rows of equal
    ``score`` are ranked by ``tiebreak`` when given (the weak confidence, for the shares
    of ``("cut", q)``, which take few values).

    Ranking within each class keeps the pool's pseudolabel class proportions (a global
    top-q would favour the class the weak model is surest of, and a strong model learns
    that shift). Ties keep the earlier row. Returns sorted pool positions.
    """
    keep = []
    for c in np.unique(pseudolabels).tolist():
        rows = np.flatnonzero(pseudolabels == c)
        m = int(np.ceil(float(q) * rows.size - 1e-9))
        order = (np.argsort(-score[rows], kind="stable") if tiebreak is None
                 else np.lexsort((-tiebreak[rows], -score[rows])))  # lexsort is stable too
        keep.append(rows[order[:m]])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=int)


def select_rows(train_on, *, labels, overlap_score, confidence, pseudolabels, random_state,
                strong_proba=None, classes=None, trust=None, agreement=None):
    """Pool positions the strong estimator trains on for ``train_on`` (not "auto").

    Returns ``(rows, added, used)``: the sorted rows, those added for class coverage
    (:func:`cover_classes`), and the rule used (``train_on``, or "all" when the chosen
    subset was empty and every row was used, with a warning). ``strong_proba``: the
    out-of-fold strong probabilities (columns ``classes``) of the rules that read them;
    ``trust``: each pool row's trust, for ``("trust", q)``; ``agreement``: the share of
    each pool row's neighbours with its pseudolabel, for ``("cut", q)``. None there means
    they could not be computed, and every row is used.
    """
    n_pool = pseudolabels.size
    none = np.zeros(0, dtype=int)
    if needs_neighbours(train_on):
        if agreement is None:
            return np.arange(n_pool), none, "all"
        return top_rows_per_class(agreement, pseudolabels, train_on[1], tiebreak=confidence), none, train_on
    if needs_trust(train_on):
        if trust is None:
            return np.arange(n_pool), none, "all"
        return top_rows_per_class(trust, pseudolabels, train_on[1]), none, train_on
    if needs_strong_view(train_on):
        from ._strong_view import confident_learning_rows, own_class_proba

        if strong_proba is None:
            return np.arange(n_pool), none, "all"
        if train_on == "confident_learning":
            rows = confident_learning_rows(pseudolabels, strong_proba, classes)
        else:
            rows = top_rows_per_class(own_class_proba(pseudolabels, strong_proba, classes), pseudolabels,
                                      train_on[1])
        if np.unique(pseudolabels[rows]).size < np.unique(pseudolabels).size:
            rows, added = cover_classes(rows, pseudolabels, np.full(n_pool, np.nan), train_on)
            return rows, added, train_on
        return rows, none, train_on
    if isinstance(train_on, tuple):
        return top_rows_per_class(confidence, pseudolabels, train_on[1]), none, train_on
    chosen, cover = choose_rows(train_on, labels, n_pool, random_state)
    if not cover:  # "all", or every row after an empty subset
        return chosen, none, "all"
    rows, added = cover_classes(chosen, pseudolabels, overlap_score, train_on)
    return rows, added, train_on


def cover_classes(chosen, pseudolabels, overlap_score, train_on):
    """``chosen`` plus, for each pseudolabel class it misses, its most overlap-like rows.

    Returns the sorted rows and the added ones (pool positions). A missing class gets
    rows in proportion to its share of the pool (at least one): its non-hard rows by
    decreasing overlap score, then its hard rows.
    """
    missing = np.setdiff1d(np.unique(pseudolabels), np.unique(pseudolabels[chosen]))
    if missing.size == 0:
        return chosen, np.zeros(0, dtype=int)
    score = np.nan_to_num(overlap_score, nan=-np.inf)
    added = []
    for c in missing.tolist():
        rows = np.flatnonzero(pseudolabels == c)
        m = max(1, int(round(chosen.size * rows.size / pseudolabels.size)))
        added.append(rows[np.argsort(-score[rows], kind="stable")[:m]])
    added = np.sort(np.concatenate(added))
    warnings.warn(
        f"train_on={train_on!r}: the chosen rows held no pseudolabel of class(es) "
        f"{missing.tolist()}; {added.size} of their most overlap-like rows were added so "
        "that the strong estimator can predict every class.",
        DegenerateDataWarning,
        stacklevel=5,
    )
    return np.sort(np.concatenate([chosen, added])), added
