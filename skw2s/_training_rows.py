"""Which pool rows :class:`~skw2s.WeakToStrongClassifier` trains its strong estimator on.

``train_on`` picks a subset of the detected groups; the subset then keeps every
pseudolabel class of the pool (a class it misses gets its most overlap-like rows), so
that the strong estimator can predict every class. ``("confident", q)`` keeps the most
confidently pseudolabelled fraction ``q`` of each pseudolabel class. :func:`draw_mixture`
is the paper's mixing draw, for a float ``train_on`` and for
:func:`skw2s.experiments.run_overlap_experiment`. ``train_on="auto"`` validates the
candidates :data:`AUTO_CANDIDATES` on the labelled rows and keeps the best
(:func:`validation_table`, :func:`pick_candidate`).
"""

import numbers
import warnings

import numpy as np
from sklearn.utils import check_random_state

from ._constants import HARD, OVERLAP
from .exceptions import DegenerateDataWarning

TRAIN_ON = ("all", "overlap", "nonhard", "auto")

#: Fractions of each pseudolabel class, most confident first, that ``train_on="auto"`` tries.
AUTO_FRACTIONS = (0.75, 0.5, 0.25)

#: The candidates of ``train_on="auto"``, in order of preference on equal scores.
AUTO_CANDIDATES = ("all", "nonhard", "overlap") + tuple(("confident", q) for q in AUTO_FRACTIONS)

#: A candidate replaces "all" only if its gain over "all" exceeds this many standard
#: errors. Not 1: the best of 5 subsets is biased upwards. On pools where no subset
#: helps (pseudolabels as reliable everywhere; 300 labelled rows, 30 seeds, cv=3 and
#: 5: 60 fits) a margin of 1 chose a subset in 20 fits, 1.5 in 6, 2 in none.
AUTO_MARGIN_SE = 2.0


def check_train_on(train_on):
    """``train_on`` validated: a name of :data:`TRAIN_ON`, a float in [0, 1] or
    ``("confident", q)`` with q in (0, 1] (returned as a tuple). ValueError otherwise."""
    t = train_on
    if isinstance(t, str):
        if t in TRAIN_ON:
            return t
    elif isinstance(t, numbers.Real) and not isinstance(t, bool):
        if 0.0 <= float(t) <= 1.0:
            return t
    elif isinstance(t, (tuple, list)) and len(t) == 2 and t[0] == "confident":
        q = t[1]
        if isinstance(q, numbers.Real) and not isinstance(q, bool) and 0.0 < float(q) <= 1.0:
            return ("confident", q)
    raise ValueError(
        f"train_on must be one of {TRAIN_ON}, a float in [0, 1] or ('confident', q) with "
        f"q in (0, 1]; got {train_on!r}."
    )


def needs_detector(train_on):
    """Whether ``train_on`` chooses rows from detected groups."""
    return isinstance(train_on, str) and train_on != "all" or (
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


def confident_rows(confidence, pseudolabels, q):
    """The ``ceil(q n_c)`` most confident rows of each pseudolabel class (``n_c`` rows).

    Ranking within each class keeps the pool's pseudolabel class proportions (a global
    top-q would favour the class the weak model is surest of, and a strong model learns
    that shift). Ties keep the earlier row. Returns sorted pool positions.
    """
    keep = []
    for c in np.unique(pseudolabels).tolist():
        rows = np.flatnonzero(pseudolabels == c)
        m = int(np.ceil(float(q) * rows.size - 1e-9))
        keep.append(rows[np.argsort(-confidence[rows], kind="stable")[:m]])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=int)


def select_rows(train_on, *, labels, overlap_score, confidence, pseudolabels, random_state):
    """Pool positions the strong estimator trains on for ``train_on`` (not "auto").

    Returns ``(rows, added, used)``: the sorted rows, those added for class coverage
    (:func:`cover_classes`), and the rule used (``train_on``, or "all" when the chosen
    subset was empty and every row was used, with a warning).
    """
    n_pool = pseudolabels.size
    none = np.zeros(0, dtype=int)
    if isinstance(train_on, tuple):
        return confident_rows(confidence, pseudolabels, train_on[1]), none, train_on
    chosen, cover = choose_rows(train_on, labels, n_pool, random_state)
    if not cover:  # "all", or every row after an empty subset
        return chosen, none, "all"
    rows, added = cover_classes(chosen, pseudolabels, overlap_score, train_on)
    return rows, added, train_on


def validation_table(candidates, correct, folds, n_rows):
    """``validation_scores_`` of ``train_on="auto"``.

    ``correct`` is a boolean (n_candidates, n_labelled) array: whether the strong
    estimator of each candidate predicted each labelled row right (out of fold when
    cross-fitted); ``folds`` gives the fold of each labelled row; ``n_rows`` the
    (n_candidates, n_folds) numbers of pool rows each candidate trained on (NaN in a
    fold where none was fitted).
    """
    correct = np.asarray(correct, dtype=float)
    n_folds = int(folds.max()) + 1
    table = {"train_on": list(candidates), "mean_score": correct.mean(axis=1)}
    splits = np.column_stack([correct[:, folds == k].mean(axis=1) for k in range(n_folds)])
    for k in range(n_folds):
        table[f"split{k}_score"] = splits[:, k]
    table["std_score"] = splits.std(axis=1)
    diff = correct - correct[0]  # candidate 0 is "all"
    table["gain"] = diff.mean(axis=1)
    n = correct.shape[1]
    # Paired per-row standard error; with folds, at least the across-fold one (the
    # per-row one ignores that each fold's models vary, which correlates its rows).
    se = diff.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(candidates), np.nan)
    if n_folds > 1:
        fold_gain = splits - splits[0]
        se = np.maximum(se, fold_gain.std(axis=1, ddof=1) / np.sqrt(n_folds))
    table["gain_se"] = se
    n_rows = np.asarray(n_rows, dtype=float)  # NaN: a fold where no candidate was fitted
    counted = (~np.isnan(n_rows)).sum(axis=1)
    table["mean_n_rows"] = np.where(
        counted > 0, np.nansum(n_rows, axis=1) / np.maximum(counted, 1), np.nan)
    order = np.argsort(-table["mean_score"], kind="stable")
    rank = np.empty(len(candidates), dtype=int)
    rank[order] = np.arange(1, len(candidates) + 1)
    table["rank_score"] = rank
    return table


def pick_candidate(table):
    """The candidate to train on: among those whose gain over "all" is positive and
    exceeds ``AUTO_MARGIN_SE`` standard errors, the one with the highest mean score
    (the first on equal scores); "all" when none does."""
    gain, se = np.asarray(table["gain"]), np.asarray(table["gain_se"])
    with np.errstate(invalid="ignore"):
        clear = (gain > 0) & (gain > AUTO_MARGIN_SE * se)  # NaN se (one labelled row): False
    clear[0] = False  # "all" itself
    if not clear.any():
        return table["train_on"][0]
    score = np.where(clear, table["mean_score"], -np.inf)
    return table["train_on"][int(np.argmax(score))]


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
