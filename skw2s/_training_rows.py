"""Which pool rows :class:`~skw2s.WeakToStrongClassifier` trains its strong estimator on.

``train_on`` picks a subset of the detected groups; the subset then keeps every
pseudolabel class of the pool (a class it misses gets its most overlap-like rows), so
that the strong estimator can predict every class. :func:`draw_mixture` is the paper's
mixing draw, for a float ``train_on`` and for :func:`skw2s.experiments.run_overlap_experiment`.
"""

import warnings

import numpy as np
from sklearn.utils import check_random_state

from ._constants import HARD, OVERLAP
from .exceptions import DegenerateDataWarning


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
            stacklevel=4,
        )
        return np.arange(n_pool), False
    return chosen, True


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
        stacklevel=4,
    )
    return np.sort(np.concatenate([chosen, added])), added
