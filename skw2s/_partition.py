"""Labelling points easy-only / hard-only / overlap from fitted thresholds.

The detector's rules turned into labels: the threshold rules a detector resolves, the
hard mask, the overlap cut with its one-group decision, the labels of points, and the
authors' configuration. Used by :class:`~skw2s.OverlapDetector` and by the per-round
detection of :class:`~skw2s.UCBSourceSelector`, so that both label points alike."""

import numpy as np

from ._constants import EASY, HARD, OVERLAP
from ._similarity import _normalize_rows
from .thresholds import (
    FixedThreshold,
    MixtureThreshold,
    RupturesThreshold,
    resolve_threshold,
    split_quality,
    split_scores,
)


def resolve_rules(params):
    """The two threshold rules of a detector's parameters (a ``get_params`` mapping)."""
    conf = resolve_threshold(
        params["confidence_threshold"], name="confidence_threshold", breakpoint="first",
        auto=MixtureThreshold(scale="logit"),
    )
    if isinstance(conf, FixedThreshold) and not 0.0 <= conf.value <= 1.0:
        raise ValueError(
            "confidence_threshold must lie in [0, 1] (confidences do); got "
            f"{conf.value!r}: every point would be hard-only or none."
        )
    overlap = resolve_threshold(
        params["overlap_threshold"], name="overlap_threshold", breakpoint="last",
        auto=MixtureThreshold(),
    )
    return conf, overlap


#: Hard points scored against one another to read the level of one group of scores.
_SELF_LEVEL_POINTS = 1000


def self_similarity_level(Z_hard, similarity, aggregation):
    """Median overlap score of the hard points against the other hard points.

    At most 1,000 evenly spaced hard rows, scored against one another with the
    detector's similarity and aggregation, each point's similarity to itself left out.
    """
    n = Z_hard.shape[0]
    if n < 2:
        return float("nan")
    rows = np.unique(np.round(np.linspace(0, n - 1, min(n, _SELF_LEVEL_POINTS))).astype(int))
    R = np.asarray(Z_hard[rows], dtype=np.float64)
    if similarity != "dot":
        R = _normalize_rows(R)
    S = R @ R.T
    if similarity == "abs_cosine":
        S = np.abs(S)
    off = ~np.eye(rows.size, dtype=bool)
    if aggregation == "max":
        per_point = np.where(off, S, -np.inf).max(axis=1)
    elif aggregation == "mean":
        per_point = (S * off).sum(axis=1) / (rows.size - 1)
    else:
        per_point = np.sqrt(np.maximum((S**2 * off).sum(axis=1) / (rows.size - 1), 0.0))
    return float(np.median(per_point))


def one_group_is_overlap(scores, level):
    """Whether one group of overlap scores is read as overlap (see OverlapDetector)."""
    return bool(np.isfinite(level) and level > 0 and np.median(scores) >= 0.5 * level)



def paper_config():
    """Parameters of the authors' overlap-probing script (see ``OverlapDetector.from_paper``)."""
    import ruptures

    return dict(
        confidence="normalized_max",
        confidence_threshold=RupturesThreshold(ruptures.Binseg(model="l2"), ties="value"),
        hard_inclusive=True,
        similarity="abs_cosine",
        aggregation="max",
        overlap_threshold=RupturesThreshold(
            ruptures.Binseg(model="l2"), breakpoint="last", ties="value"
        ),
        center=False,
        n_resamples=0,
    )


def hard_mask(c, confidence_threshold, inclusive):
    """Hard-only points: confidence below the threshold (or at it, when ``inclusive``)."""
    return c <= confidence_threshold if inclusive else c < confidence_threshold


def label_points(c, s, confidence_threshold, overlap_threshold, hard_inclusive):
    """Labels of points with confidences ``c`` and overlap scores ``s`` (fitted thresholds)."""
    labels = np.full(c.shape[0], EASY, dtype=np.int8)
    hard = hard_mask(c, confidence_threshold, hard_inclusive)
    labels[~hard & (s >= overlap_threshold)] = OVERLAP
    labels[hard] = HARD
    return labels


class WarmSplit:
    """:func:`~skw2s.thresholds.split_scores`, with each
    :class:`~skw2s.thresholds.MixtureThreshold` warm-started from an earlier fit of the
    same rule (one EM run per number of components instead of about 25 starts).

    ``follow=False`` (the detector's bootstrap): every call starts from the rule's first
    fit, the whole pool's. ``follow=True`` (a stream): each call starts from the previous
    one, and a cold fit (every deterministic start) is made again whenever the number of
    scores seen has doubled since the last cold fit (``n_seen``), so that a start from an
    early, small history never decides the fits of a much larger one.
    """

    def __init__(self, follow=False):
        self.follow = follow
        self.starts = {}
        self.n_cold = {}

    def __call__(self, rule, scores, n_seen=None):
        if not isinstance(rule, MixtureThreshold):
            return split_scores(rule, scores)
        key = id(rule)
        n = len(scores) if n_seen is None else n_seen
        starts = self.starts.get(key)
        if starts is not None and self.follow and n >= 2 * self.n_cold[key]:
            starts = None
        value, two, details = rule.split(scores, return_details=True, starts=starts)
        if "starts" in details and (starts is None or self.follow):
            self.starts[key] = details["starts"]
            if starts is None:
                self.n_cold[key] = n
        return float(value), two


def confidence_cut(rule, confidences, split=split_scores):
    """The hard-only threshold on the ``confidences``: ``(threshold, two_groups)``, the
    threshold -inf when the rule finds one group (no hard-only point). ``split`` as in
    :func:`overlap_cut`."""
    tau, two_groups = split(rule, confidences)
    return (-np.inf if two_groups is False else tau), two_groups


def overlap_cut(rule, scores, hard_rows, similarity, aggregation, split=split_scores):
    """The overlap threshold on the non-hard ``scores``.

    Returns ``(threshold, two_groups, split_quality, note)``. When the rule finds one
    group, the threshold is -inf (every point overlap) or +inf (every point easy-only)
    by :func:`one_group_is_overlap` against the hard rows' own similarity level
    (``hard_rows()`` gives them, only then), and ``note`` says which, for a warning.
    ``split(rule, scores)`` applies the rule (:func:`~skw2s.thresholds.split_scores`,
    or a warm-started version of it in the detector's bootstrap).
    """
    tau, two_groups = split(rule, scores)
    if two_groups is not False:
        return tau, two_groups, split_quality(scores, tau), None
    level = self_similarity_level(hard_rows(), similarity, aggregation)
    as_overlap = one_group_is_overlap(scores, level)
    note = (
        f"The overlap scores of the {scores.size} non-hard points form one group "
        f"(median {np.median(scores):.3g}; the hard points score {level:.3g} among "
        f"themselves): every non-hard point is labelled "
        f"{'overlap' if as_overlap else 'easy-only'}."
    )
    return (-np.inf if as_overlap else np.inf), False, float("nan"), note
