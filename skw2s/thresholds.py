"""Turn a 1-D array of scores into a threshold.

Every estimator of skw2s cuts its scores (weak-model confidence, overlap score) with one
of the small objects of this module, mirroring ruptures' separation between a search
method and a cost:

* :class:`MixtureThreshold` (what ``"mixture"`` means, the detector's default): decides
  between one group and two (a Gaussian-mixture model choice by BIC with a
  bimodality condition) and cuts only when there are two; it finds a low group down to
  about 2% of the scores.
* :class:`ChangePointThreshold` (what ``"changepoint"`` means everywhere): one change
  point on the sorted scores, the least-squares two-segment split, computed in O(n)
  with prefix sums. It returns exactly the breakpoint of
  ``ruptures.Binseg(model="l2", jump=jump, min_size=min_size)
  .fit(sorted_scores[:, None]).predict(n_bkps=1)``, tie rule included.
* :class:`ChanceThreshold`: the shares of successes of a labeller at chance (a binomial
  mixture with one component at the chance rate): what ``OverlapDetector(hard_from="gold")``
  cuts the gold rows' local weak accuracy with.
* :class:`FixedThreshold` (what a plain number means): a given value.
* :class:`QuantileThreshold`: a quantile of the scores.
* :class:`RupturesThreshold` (what a ruptures search object means): any ruptures
  search method (``Pelt(model="rbf")`` with a penalty, ``Dynp``, ``Binseg`` with
  another cost...) does the work.

A threshold ``t`` splits the scores into ``scores < t`` (the low segment) and
``scores >= t`` (the high segment). :func:`resolve_threshold` turns the values an
estimator parameter accepts into one of these objects.

Every threshold object is a callable returning the threshold, and has a ``split``
method returning ``(threshold, two_groups)``: ``two_groups`` is False when the rule
found a single group (:class:`MixtureThreshold`, or constant scores), True when it
found two, and None for rules that always cut (a change point, a quantile, a fixed
value). Called directly, a rule that finds one group returns the smallest score (the
low side is empty) with a :class:`~skw2s.DegenerateDataWarning`; the estimators use
``split`` and decide what one group means at their stage.
"""

import numbers
import warnings

import numpy as np

from ._chance import chance_cut, fit_chance_mixture
from ._mixture import SCALES, find_low_group
from ._utils import check_int, is_int
from .exceptions import DegenerateDataWarning

__all__ = [
    "ChanceThreshold",
    "ChangePointThreshold",
    "FixedThreshold",
    "MixtureThreshold",
    "QuantileThreshold",
    "RupturesThreshold",
    "changepoint_index",
    "resolve_threshold",
    "split_quality",
    "split_scores",
]

# Candidates whose gain is within this relative distance of the best one are re-scored
# with ruptures' own arithmetic, so that floating-point ties resolve as in ruptures.
_TIE_RTOL = 1e-8
_MAX_TIE_RESCORE = 64


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


def _admissible(n, jump, min_size):
    """ruptures.utils.sanity_check for one breakpoint."""
    if n // jump < 1:
        return False
    return -(-min_size // jump) * jump + min_size <= n


def _ruptures_cost(x2d, start, end):
    # Identical arithmetic to ruptures.costs.CostL2.error on an (n, 1) signal.
    return x2d[start:end].var(axis=0).sum() * (end - start)


def changepoint_index(sorted_scores, *, jump=1, min_size=2):
    """Index of the best single change point of a sorted 1-D signal (least squares).

    Returns the breakpoint ``b`` (the first segment is ``sorted_scores[:b]``) that
    ``ruptures.Binseg(model="l2", jump=jump, min_size=min_size)`` finds with
    ``predict(n_bkps=1)``: the admissible ``b`` (a multiple of ``jump`` with at least
    ``min_size`` points on each side) maximising the drop in within-segment sum of
    squares; among equal gains the largest ``b`` wins, as in ruptures. Gains are
    computed in O(n) with prefix sums; near-ties (relative gap below 1e-8) are
    re-scored with ruptures' own arithmetic so that they resolve identically. When more
    than 64 candidates tie (an almost constant signal) the largest of them is returned.

    Parameters
    ----------
    sorted_scores : array-like of shape (n_samples,)
        The signal. The function does not sort it (a change point on an unsorted
        signal is well defined too), but thresholds call it on sorted scores.
    jump : int, default=1
        Grid of candidate breakpoints: multiples of ``jump``. ``jump=5`` reproduces
        ruptures' default and the authors' code.
    min_size : int, default=2
        Minimum number of points in each segment (at least 1).

    Returns
    -------
    b : int

    Raises
    ------
    ValueError
        If no breakpoint is admissible (ruptures raises ``BadSegmentationParameters``).

    Examples
    --------
    >>> from skw2s.thresholds import changepoint_index
    >>> changepoint_index([0.1, 0.11, 0.12, 0.9, 0.91, 0.95])
    3
    """
    x = _as_scores(sorted_scores, "sorted_scores")
    jump, min_size = _check_grid(jump, min_size)
    n = x.shape[0]
    if not _admissible(n, jump, min_size):
        raise ValueError(
            f"No admissible change point for {n} scores with jump={jump} and "
            f"min_size={min_size}."
        )
    candidates = np.arange(0, n, jump)
    candidates = candidates[(candidates >= min_size) & (n - candidates >= min_size)]
    if candidates.size == 0:
        raise ValueError(
            f"No admissible change point for {n} scores with jump={jump} and "
            f"min_size={min_size}."
        )
    xc = x - x.mean()
    csum = np.cumsum(xc)
    total = csum[-1]
    left = csum[candidates - 1]
    # Between-segment sum of squares, up to the constant total**2 / n: the gain.
    gain = left**2 / candidates + (total - left) ** 2 / (n - candidates)
    best = gain.max()
    scale = max(best, float(np.dot(xc, xc)), np.finfo(np.float64).tiny)
    near = candidates[gain >= best - _TIE_RTOL * scale]
    if near.size == 1:
        return int(near[0])
    if near.size > _MAX_TIE_RESCORE:
        return int(near[-1])
    x2d = x.reshape(-1, 1)
    full = _ruptures_cost(x2d, 0, n)
    rescored = [
        (full - _ruptures_cost(x2d, 0, int(b)) - _ruptures_cost(x2d, int(b), n), int(b))
        for b in near
    ]
    return max(rescored)[1]


def _check_grid(jump, min_size):
    return check_int(jump, "jump", min_value=1), check_int(min_size, "min_size", min_value=1)


TIES = ("nearest", "value")


def _value_at_breakpoint(s, b, ties):
    """Threshold for breakpoint ``b`` of the sorted scores ``s`` (low side ``s[:b]``).

    ``"value"``: ``s[b]`` as it is (ruptures' breakpoint read as the authors do): when
    ``s[b - 1] == s[b]`` the tied scores of the low side move to the high side.
    ``"nearest"``: when the breakpoint falls inside a run of equal scores, the cut moves
    to the nearer end of the run (the upper end on a tie), never to an end that leaves a
    side empty, so that the threshold separates what the breakpoint separates up to the
    fewest moved points.
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {TIES}; got {ties!r}.")
    if ties == "value" or s[b - 1] < s[b]:
        return s[b]
    lo = int(np.searchsorted(s, s[b], side="left"))
    hi = int(np.searchsorted(s, s[b], side="right"))
    if hi == s.size or (lo > 0 and b - lo < hi - b):
        return s[lo]
    return s[hi]


def split_quality(scores, threshold):
    """Fraction of the variance of ``scores`` explained by cutting them at ``threshold``.

    The between-segment sum of squares of the split ``scores < threshold`` /
    ``scores >= threshold`` divided by the total sum of squares: 1.0 for two separated
    constant groups, about 0.64 for the best cut of a single Gaussian and 0.75 for a
    uniform distribution (a two-segment split is always found, even on unimodal
    scores: a low value says the split is forced). NaN when the scores are constant
    or when one side is empty.

    Examples
    --------
    >>> from skw2s.thresholds import split_quality
    >>> round(split_quality([0.0, 0.0, 1.0, 1.0], 0.5), 3)
    1.0
    """
    x = _as_scores(scores)
    low = x < threshold
    n_low = int(low.sum())
    if n_low == 0 or n_low == x.size:
        return float("nan")
    total = float(np.sum((x - x.mean()) ** 2))
    if total <= 0:
        return float("nan")
    between = n_low * (x[low].mean() - x.mean()) ** 2 + (x.size - n_low) * (
        x[~low].mean() - x.mean()
    ) ** 2
    return float(min(between / total, 1.0))


class MixtureThreshold(_BaseThreshold):
    """Cut the scores only if they form two groups: a Gaussian-mixture model choice.

    Decides whether the scores hold a distinct *low* group and, if so, where it ends:
    a two- to four-component Gaussian mixture must describe the scores better than
    one Gaussian or one uniform distribution (BIC), and the mixture's density must dip
    between the two groups to at most ``valley`` times the lower mode (bimodality).
    The threshold is then the first score above the low group's mean that the low
    group no longer explains (posterior below 1/2). Groups of very unequal sizes are
    found (a low group of about 2% of the scores, or a high group of 2.5%), unlike with
    the least-squares change point, which favours groups of comparable size; a spike of
    tied scores is a group of its own and ties never straddle the cut.

    The answer is deterministic (EM starts from fixed initialisations) and its cost is
    bounded: at most ``max_points`` evenly spaced order statistics are fitted. Fewer
    than 8 scores, or constant scores, form one group.

    Parameters
    ----------
    scale : {"identity", "logit"}, default="identity"
        Scale on which groups are sought. ``"logit"`` maps scores ``c`` in [0, 1] to
        ``log((1 + c) / (1 - c))`` first (``c`` capped at ``1 - 1e-6``): for a binary
        weak model's confidence ``2 |p - 0.5|`` that is the absolute log-odds, on which
        confident points spread out instead of piling up at 1. The threshold is
        returned on the scores' own scale. :class:`~skw2s.OverlapDetector` uses
        ``"logit"`` for confidences.
    valley : float in (0, 1), default=0.7
        Largest ratio of the density between the groups to the lower of the two modes
        for the groups to count as separated.
    max_points : int, default=20000
        Largest number of (evenly spaced, sorted) scores the mixture is fitted on.

    See Also
    --------
    ChangePointThreshold : the paper's rule, which always cuts.

    Notes
    -----
    The rule keeps nothing of a call: what the model choice found is returned by
    ``split(scores, return_details=True)``, so a rule passed to an estimator as a
    parameter is never changed by fitting it.

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.thresholds import MixtureThreshold
    >>> rng = np.random.RandomState(0)
    >>> two = np.r_[rng.normal(0.1, 0.02, 60), rng.normal(0.7, 0.1, 940)]
    >>> tau, found = MixtureThreshold().split(two)
    >>> found, int((two < tau).sum())
    (True, 60)
    >>> MixtureThreshold().split(rng.uniform(size=1000))[1]
    False
    >>> details = MixtureThreshold().split(two, return_details=True)[2]
    >>> bool(details["bic_two"] < details["bic_one"])
    True
    """

    def __init__(self, scale="identity", valley=0.7, max_points=20000):
        self.scale = scale
        self.valley = valley
        self.max_points = max_points

    def _check(self):
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}; got {self.scale!r}.")
        if not isinstance(self.valley, numbers.Real) or not 0 < self.valley < 1:
            raise ValueError(f"valley must be a number in (0, 1); got {self.valley!r}.")
        check_int(self.max_points, "max_points", min_value=100)

    def split(self, scores, *, return_details=False, starts=None):
        """Threshold and whether the scores form two groups.

        Parameters
        ----------
        scores : array-like of shape (n_samples,)
        return_details : bool, default=False
            Also return what the model choice found.
        starts : dict or None, default=None
            ``details["starts"]`` of an earlier call (the best fit of each number of
            components): EM then starts from those fits only, instead of from the
            deterministic initialisations. Used to refit the rule cheaply on resamples
            of the same scores (the detector's bootstrap).

        Returns
        -------
        threshold : float
            The low group is ``scores < threshold``. When there is one group, the
            smallest score (nothing lies below it).
        two_groups : bool
        details : dict
            Only when ``return_details``: ``bic_one``, ``bic_two``, ``valley_ratio``
            and, when a mixture was fitted, its ``components`` (weights, means and
            standard deviations on the fitted scale) and ``starts``.
        """
        self._check()
        x = _as_scores(scores)
        if x.size == 0:
            raise ValueError("Cannot compute a threshold on an empty array of scores.")
        u = x
        if self.scale == "logit":
            if x.min() < 0 or x.max() > 1:
                raise ValueError(
                    "scale='logit' needs scores in [0, 1]; got values in "
                    f"[{x.min():.3g}, {x.max():.3g}]."
                )
            c = np.minimum(x, 1.0 - 1e-6)
            u = np.log1p(c) - np.log1p(-c)
        cut, details = find_low_group(u, valley=self.valley, max_points=self.max_points,
                                      starts=starts)
        # Back to the scores' own scale: the smallest score at or above the cut.
        result = (float(x.min()), False) if cut is None else (float(x[u >= cut].min()), True)
        return (*result, details) if return_details else result

    def _threshold(self, x):
        value, two = self.split(x)
        if not two:
            warnings.warn(
                f"The {x.size} scores form one group (no distinct low group): the "
                "threshold is the smallest score, so nothing lies below it.",
                DegenerateDataWarning,
                stacklevel=3,
            )
        return value


class ChangePointThreshold(_BaseThreshold):
    """Threshold at the single least-squares change point of the sorted scores.

    The threshold is ``sorted_scores[b]`` where ``b`` is :func:`changepoint_index` of the
    sorted scores: the low segment is ``scores < threshold``. This is the paper's rule
    (ruptures ``Binseg(model="l2")`` with one breakpoint) computed in O(n).

    Degenerate inputs, each with a :class:`~skw2s.DegenerateDataWarning`:

    * all scores equal: the threshold is that value, so the low segment is empty;
    * too few scores for the ``jump``/``min_size`` grid: the grid is relaxed to every
      index with segments of at least one point; a single score gives a threshold equal
      to it (empty low segment).

    The rule always cuts, also when the scores form a single group (then
    :func:`split_quality` is low); :class:`MixtureThreshold` decides between one group
    and two.

    Parameters
    ----------
    jump : int, default=1
        Candidate breakpoints are multiples of ``jump`` (``jump=5`` reproduces the
        authors, who used ruptures' default).
    min_size : int, default=2
        Minimum segment size.
    ties : {"nearest", "value"}, default="nearest"
        What the threshold is when the breakpoint falls inside a run of equal scores
        (with ``jump > 1`` it can: 12 zeros then 20 ones, ``jump=5``, give the
        breakpoint 10). ``"nearest"`` moves the cut to the nearer end of the run (on a
        tie, the upper end), so that ``scores < threshold`` keeps the breakpoint's low
        side up to the fewest moved points (the 12 zeros above), and never empties a
        side. ``"value"`` is the sorted score at the breakpoint, as the authors read it
        (then the tied low-side scores move to the high side; the example gives 0.0 and
        an empty low side).

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.thresholds import ChangePointThreshold
    >>> ChangePointThreshold()(np.array([0.9, 0.1, 0.12, 0.95, 0.11, 0.93]))
    0.9
    """

    def __init__(self, jump=1, min_size=2, ties="nearest"):
        self.jump = jump
        self.min_size = min_size
        self.ties = ties

    def _threshold(self, x):
        jump, min_size = _check_grid(self.jump, self.min_size)
        if self.ties not in TIES:
            raise ValueError(f"ties must be one of {TIES}; got {self.ties!r}.")
        s = np.sort(x)
        if s[0] == s[-1]:
            warnings.warn(
                "All scores are equal: no change point exists; the threshold is their "
                "common value, so no score lies below it.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return s[0]
        if not _admissible(s.size, jump, min_size):
            warnings.warn(
                f"Only {s.size} scores: too few for a change point with jump={jump} and "
                f"min_size={min_size}; falling back to the best split over every index.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            if s.size < 2:
                return s[0]
            jump, min_size = 1, 1
        return _value_at_breakpoint(s, changepoint_index(s, jump=jump, min_size=min_size), self.ties)


class FixedThreshold(_BaseThreshold):
    """A fixed threshold value.

    Examples
    --------
    >>> from skw2s.thresholds import FixedThreshold
    >>> FixedThreshold(0.4)([0.1, 0.9])
    0.4
    """

    def __init__(self, value):
        self.value = value

    def _threshold(self, x):
        if not isinstance(self.value, numbers.Real) or not np.isfinite(self.value):
            raise ValueError(f"A fixed threshold must be a finite number; got {self.value!r}.")
        return self.value


class QuantileThreshold(_BaseThreshold):
    """The ``q``-quantile of the scores (``numpy.quantile``, linear interpolation).

    Examples
    --------
    >>> from skw2s.thresholds import QuantileThreshold
    >>> QuantileThreshold(0.5)([0.0, 1.0, 2.0, 3.0, 4.0])
    2.0
    """

    def __init__(self, q):
        self.q = q

    def _threshold(self, x):
        if not isinstance(self.q, numbers.Real) or not 0 <= self.q <= 1:
            raise ValueError(f"q must be a number in [0, 1]; got {self.q!r}.")
        return np.quantile(x, self.q)


class ChanceThreshold(_BaseThreshold):
    """Cut off the scores of a labeller at chance: shares of successes out of ``n_trials``.

    Each score is read as a share ``s / n_trials`` of successes, e.g. the share of right
    weak labels among a point's ``n_trials`` nearest gold rows (what
    ``OverlapDetector(hard_from="gold")`` cuts). Where the labeller does no better than
    chance, ``s`` is Binomial(``n_trials``, ``chance``); elsewhere Binomial(``n_trials``,
    ``rate``) with one unknown ``rate`` above ``chance``. EM fits the mixture of the two
    (the chance component's weight and ``rate``; deterministic starts); the threshold is
    the share at which a score becomes more likely under the second component (the
    posterior of the chance component falls to 1/2). The low side is the chance group.

    Parameters
    ----------
    n_trials : int
        Trials behind each share (the neighbours counted), at least 1.
    chance : float in (0, 1)
        The success rate of a labeller at chance (for a weak labeller independent of the
        truth: the sum over classes of the class's share times the labeller's rate of
        predicting it).

    Notes
    -----
    ``split`` returns ``two_groups=False`` (threshold: the smallest score, nothing below
    it) when no score is more likely at chance, and ``two_groups=None`` with a threshold
    above every score when every one is (the chance component takes all). Scores must
    lie in [0, 1]. The counts of neighbouring points are correlated (they share gold
    rows), so the mixture is a description of the shares, not a likelihood of independent
    draws: read its weight together with a bootstrap.

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.thresholds import ChanceThreshold
    >>> rng = np.random.RandomState(0)
    >>> shares = np.r_[rng.binomial(25, 0.5, 300), rng.binomial(25, 0.9, 700)] / 25
    >>> tau, found = ChanceThreshold(25, 0.5).split(shares)
    >>> found, round(float(np.mean(shares < tau)), 2)
    (True, 0.3)
    """

    def __init__(self, n_trials, chance):
        self.n_trials = n_trials
        self.chance = chance

    def _check(self):
        check_int(self.n_trials, "n_trials", min_value=1)
        if not isinstance(self.chance, numbers.Real) or isinstance(self.chance, bool) \
                or not 0 < self.chance < 1:
            raise ValueError(f"chance must be a number in (0, 1); got {self.chance!r}.")

    def split(self, scores, *, return_details=False):
        """Threshold and whether the scores hold a chance group.

        Parameters
        ----------
        scores : array-like of shape (n_samples,)
            Shares in [0, 1].
        return_details : bool, default=False
            Also return the fitted mixture: ``{"weight", "rate", "loglik"}`` (the chance
            component's weight, the other component's rate).

        Returns
        -------
        threshold : float
            The chance group is ``scores < threshold``.
        two_groups : bool or None
            True when both groups hold scores, False when no score is at chance, None
            when every one is.
        details : dict
            Only when ``return_details``.
        """
        self._check()
        x = _as_scores(scores)
        if x.size == 0:
            raise ValueError("Cannot compute a threshold on an empty array of scores.")
        if x.min() < 0 or x.max() > 1:
            raise ValueError(
                f"ChanceThreshold needs shares in [0, 1]; got values in [{x.min():.3g}, {x.max():.3g}]."
            )
        n, p0 = int(self.n_trials), float(self.chance)
        weight, rate, loglik = fit_chance_mixture(x, n, p0)
        cut = chance_cut(weight, rate, n, p0)
        low = x < cut
        if not low.any():
            result = (float(x.min()), False)
        elif low.all():
            result = (float(np.nextafter(x.max(), np.inf)), None)
        else:
            result = (float(x[~low].min()), True)
        details = {"weight": weight, "rate": rate, "loglik": loglik}
        return (*result, details) if return_details else result

    def _threshold(self, x):
        value, two = self.split(x)
        if two is False:
            warnings.warn(
                f"None of the {x.size} shares is more likely at chance: the threshold is "
                "the smallest share, so nothing lies below it.",
                DegenerateDataWarning,
                stacklevel=3,
            )
        return value


class RupturesThreshold(_BaseThreshold):
    """Threshold from any ruptures search method run on the sorted scores.

    The search object (for example ``ruptures.Pelt(model="rbf")``, ``ruptures.Dynp``,
    ``ruptures.Binseg(model="l1")``) is deep-copied, fitted on the sorted scores as an
    ``(n, 1)`` signal, and asked for ``predict(n_bkps=n_bkps)`` or ``predict(pen=pen)``.
    Of the breakpoints found, ``breakpoint`` picks the one that becomes the threshold:
    ``"first"`` (the lowest segment is the low side), ``"last"`` (the highest segment
    is the high side) or an integer position.

    When the search finds no breakpoint, or fails because there are too few scores,
    a :class:`~skw2s.DegenerateDataWarning` is emitted and the threshold is the
    smallest score (the low side is empty).

    Parameters
    ----------
    search : ruptures estimator
        An unfitted ruptures search object exposing ``fit`` and ``predict``.
    n_bkps : int or None, default=None
        Number of breakpoints to ask for. When both ``n_bkps`` and ``pen`` are None,
        one breakpoint is asked for.
    pen : float or None, default=None
        Penalty, for penalised searches such as ``Pelt``.
    breakpoint : {"first", "last"} or int, default="first"
    ties : {"nearest", "value"}, default="nearest"
        As in :class:`ChangePointThreshold`: ``"value"`` reads the sorted score at the
        breakpoint unchanged (the authors' reading, used by
        :meth:`skw2s.OverlapDetector.from_paper`).

    Examples
    --------
    >>> import numpy as np, ruptures
    >>> from skw2s.thresholds import RupturesThreshold
    >>> scores = np.r_[np.full(10, 0.1), np.full(10, 0.5), np.full(10, 0.9)]
    >>> RupturesThreshold(ruptures.Dynp(model="l2", jump=1), n_bkps=2, breakpoint="last")(scores)
    0.9
    """

    def __init__(self, search, n_bkps=None, pen=None, breakpoint="first", ties="nearest"):
        self.search = search
        self.n_bkps = n_bkps
        self.pen = pen
        self.breakpoint = breakpoint
        self.ties = ties

    def _threshold(self, x):
        import copy

        if not (hasattr(self.search, "fit") and hasattr(self.search, "predict")):
            raise TypeError(
                "search must be a ruptures search object with fit and predict; got "
                f"{type(self.search).__name__}."
            )
        s = np.sort(x)
        kwargs = {"pen": self.pen} if self.pen is not None else {"n_bkps": self.n_bkps or 1}
        try:
            bkps = copy.deepcopy(self.search).fit(s.reshape(-1, 1)).predict(**kwargs)
        except Exception as exc:  # ruptures raises BadSegmentationParameters, asserts...
            if type(exc).__name__ not in ("BadSegmentationParameters", "NotEnoughPoints"):
                raise
            bkps = [s.size]
        inner = [int(b) for b in bkps if 0 < b < s.size]
        if not inner:
            warnings.warn(
                f"{type(self.search).__name__} found no change point in {s.size} scores; "
                "the threshold is the smallest score (nothing lies below it).",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return s[0]
        if self.breakpoint == "first":
            b = inner[0]
        elif self.breakpoint == "last":
            b = inner[-1]
        elif is_int(self.breakpoint):
            b = inner[int(self.breakpoint)]
        else:
            raise ValueError(
                f"breakpoint must be 'first', 'last' or an int; got {self.breakpoint!r}."
            )
        return _value_at_breakpoint(s, b, self.ties)


def resolve_threshold(spec, *, name="threshold", breakpoint="first", auto=None):
    """Turn an estimator's threshold parameter into a threshold object.

    ``"mixture"`` gives :class:`MixtureThreshold`; ``"changepoint"`` gives
    :class:`ChangePointThreshold`; ``"auto"`` gives ``auto`` (the caller's default for
    its stage); a real number gives :class:`FixedThreshold`; a ruptures search object
    (anything with ``fit`` and ``predict``) gives :class:`RupturesThreshold` with one
    breakpoint and the given ``breakpoint`` rule; a threshold object, or any callable
    mapping scores to a number, is returned unchanged.

    Examples
    --------
    >>> from skw2s.thresholds import resolve_threshold
    >>> resolve_threshold("changepoint")
    ChangePointThreshold(jump=1, min_size=2, ties='nearest')
    >>> resolve_threshold(0.3)
    FixedThreshold(value=0.3)
    """
    if isinstance(spec, str):
        if spec == "auto" and auto is not None:
            return auto
        if spec in ("changepoint", "mixture"):
            return ChangePointThreshold() if spec == "changepoint" else MixtureThreshold()
        raise ValueError(
            f"{name} must be {'auto, ' if auto is not None else ''}'mixture', 'changepoint', "
            f"a number, a ruptures search object or a threshold object; got the string {spec!r}."
        )
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        return FixedThreshold(float(spec))
    if isinstance(spec, _BaseThreshold):
        return spec
    if hasattr(spec, "fit") and hasattr(spec, "predict"):
        return RupturesThreshold(spec, breakpoint=breakpoint)
    if callable(spec):
        return spec
    raise TypeError(
        f"{name} must be 'mixture', 'changepoint', a number, a ruptures search object or "
        f"a threshold object; got {type(spec).__name__}."
    )


def split_scores(rule, scores):
    """``(threshold, two_groups)`` of any rule: its ``split`` method, else a plain call.

    Examples
    --------
    >>> from skw2s.thresholds import split_scores
    >>> split_scores(lambda s: 0.5, [0.1, 0.9])
    (0.5, None)
    """
    if hasattr(rule, "split"):
        value, two = rule.split(scores)
        return float(value), two
    return float(rule(scores)), None
