"""UCBSourceSelector: pick, among several data sources, the one richest in overlap points."""

import numbers
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state

from ._bandit import BONUSES, STRATEGIES, argmax_random_tie, oracle_values, ucb_index
from ._weak import check_proba, fit_weak_proba, weak_confidence
from ._partition import label_points
from ._online_detection import DETECTIONS, FullHistoryDetection, IncrementalDetection
from ._sklearn_compat import num_samples as _num_samples
from ._sklearn_compat import safe_indexing as _safe_indexing
from ._constants import OVERLAP
from .detection import OverlapDetector
from ._detection_settings import detection_settings
from ._representation import represent, validate_pool
from ._source_ids import check_groups, declare_sources, same_id
from ._utils import check_int
from ._utils import is_frozen as _is_frozen
from .exceptions import DegenerateDataWarning

__all__ = ["UCBSourceSelector"]

#: The detector's parameters each detection does not read, and why (a set one is refused).
_NO_GOLD = "the sources' batches have no gold rows: the hard-only side is the weak confidence's."
_UNUSED = {
    "incremental": {
        "weak_estimator": "the selector's own weak_estimator (or weak_proba) gives the weak side.",
        "cv": "the selector's weak model is not cross-fitted.",
        "working_memory": "the incremental detection keeps a d x d second moment, no chunks.",
        "random_state": "the selector's random_state draws the batches and the bootstrap.",
        "hard_from": _NO_GOLD,
        "n_neighbors": _NO_GOLD,
    },
    "full": {
        "weak_estimator": "the selector's own weak_estimator (or weak_proba) gives the weak side.",
        "cv": "the selector's weak model is not cross-fitted.",
        "n_resamples": "the density intervals are estimated with detection='incremental' only.",
        "random_state": "the selector's random_state draws the batches.",
        "hard_from": _NO_GOLD,
        "n_neighbors": _NO_GOLD,
    },
}


class UCBSourceSelector(BaseEstimator):
    """Choose data sources with a UCB bandit whose reward is the overlap density.

    The data-source selection algorithm of Shin, Cooper and Sala (ICLR 2025). Each
    round draws a batch from one of K sources, labels it with the overlap detection
    (:class:`~skw2s.OverlapDetector`'s method) and updates that source's estimated
    overlap density ``o_k`` = overlap points seen from k / points seen from k. Every
    source is pulled once first, then the source maximising the index is pulled.

    Two ways to use it:

    * offline, :meth:`fit` on a pooled matrix whose ``groups`` name the source of each
      row: the bandit runs ``n_rounds`` pulls of ``batch_size`` rows drawn without
      replacement, and ``selected_indices_`` lists the rows collected;
    * online (ask/tell): :meth:`next_source` says which source to query,
      :meth:`partial_fit` reports a batch drawn from a source. Sources are declared by
      the ``sources`` parameter (None: a single source ``0``).

    Parameters
    ----------
    weak_estimator : classifier or None, default=None
        The weak model, used through ``predict_proba``. In :meth:`fit`, unless wrapped
        in :class:`sklearn.frozen.FrozenEstimator`, it is cloned and fitted on the rows
        whose ``y`` is not -1 (``LogisticRegression()`` when None). In
        :meth:`partial_fit`, the weak model fitted by an earlier :meth:`fit` is reused;
        otherwise it must be frozen, or ``weak_proba`` passed, or the first batch come
        with ``y`` to fit it on.
    detector : OverlapDetector or None, default=None
        Configuration of the per-round detection (confidence, thresholds, similarity,
        aggregation, centring, representation, and ``n_resamples`` for the density
        intervals); None means ``OverlapDetector()``. Its ``representation`` is fitted
        on the pooled ``X`` in :meth:`fit`; in :meth:`partial_fit` it must be frozen.
        The selector does not read the detector's ``weak_estimator``, ``cv`` and
        ``random_state`` (its own ``weak_estimator`` and ``random_state`` stand for
        them), nor ``working_memory`` with ``detection="incremental"`` or
        ``n_resamples`` with ``detection="full"``: such a parameter set to anything but
        its default (or None; ``n_resamples=0`` turns it off) raises a ``ValueError``
        naming it, rather than being silently ignored.
    strategy : {"ucb", "random", "oracle"}, default="ucb"
        ``"random"`` pulls a uniformly drawn source each round; ``"oracle"`` always
        pulls the source with the largest ``oracle_densities`` (baselines of the paper).
    n_rounds : int, default=50
        Horizon ``T``: number of pulls in :meth:`fit`, and the ``T`` of the index (the
        authors' value).
    batch_size : int or None, default=None
        Rows per pull in :meth:`fit`. None: the smallest source size // ``n_rounds``
        (at least 1), as the authors do, so the smallest source lasts ``T`` pulls.
    c : float or "auto", default="auto"
        Exploration constant. With ``bonus="standard"`` the index is
        ``o_k + c * sqrt(2 ln T / n_k)``, ``n_k`` the pulls of k. A float ``c = 1`` is
        textbook UCB1 for rewards in [0, 1] *per pull*; but ``o_k`` is an average over
        points, so ``"auto"`` uses ``c = 1 / sqrt(mean batch size of k)``, i.e.
        ``sqrt(2 ln T / m_k)`` with ``m_k`` the points seen from k (Hoeffding on the
        per-point overlap indicators). With ``c = 1`` and batches of tens of points,
        UCB explores almost uniformly over ``T = 50`` rounds (benchmarks/README.md).
        With ``bonus="authors"``, ``"auto"`` means 1.
    bonus : {"standard", "authors"}, default="standard"
        ``"authors"`` reproduces the authors' code, ``o_k + sqrt(2 ln T) / n_k``: a
        bonus shrinking like ``1 / n_k``, which does not match their own regret bound.
    detection : {"incremental", "full"}, default="incremental"
        ``"full"`` is the authors' way: each round the detector is rerun on every
        collected point plus the new batch (thresholds and hard set fitted on that
        augmented pool) and the batch's labels are kept; its cost grows with the
        history. ``"incremental"`` (the default, so that time per round stays flat)
        keeps a running reference: the thresholds are refitted on the stored 1-D
        confidence and score histories (a uniform sample of 4096 of each once they
        are longer; see ``refit_growth`` for when), and the hard set enters only through the
        ``"rms"`` aggregation's d x d second-moment matrix, updated in O(batch d^2).
        It requires ``aggregation="rms"``. Collected points keep the score they got
        when collected, and every round all of them are judged again by the current
        thresholds: the estimates ``o_k`` are those fractions, so a batch judged against
        a small early history (where the scores may look like one group) does not fix
        its source's estimate for good. This keeps a confidence and a score per
        collected row (16 bytes). With ``"full"``, a batch's labels are those of its
        round, as in the authors' code.
    refit_growth : float >= 0, default=0.1
        With ``detection="incremental"``: the thresholds are refitted once a history
        has grown by this fraction since their last fit, and reused in between. The
        default refits every round while a batch adds 10% or more to the history, then
        about ``log(n_late / n_early) / log(1.1)`` more times; ``0`` refits every round.
        A refit of the default (mixture) thresholds starts from the previous fit (cold
        again whenever the history has doubled since the last cold fit): a few
        milliseconds warm, 40 to 70 ms cold on 2 CPU cores; the rest of a round takes
        about a millisecond (11 ms a round on average over 50 rounds of 3 x 20,000 rows,
        ``benchmarks/README.md``).
    oracle_densities : dict or array-like of shape (n_sources,) or None, default=None
        True overlap densities, by source (a dict) or in the order of ``sources_``.
        Required by ``strategy="oracle"``.
    sources : array-like of shape (n_sources,) or None, default=None
        Declared source ids. The online API knows only these (declare them here, before
        the first :meth:`next_source` or :meth:`partial_fit`); None there means a single
        source ``0``. In :meth:`fit`, None means the distinct values of ``groups``;
        when given, every group must be declared (a declared source without rows is
        retired at once).
    random_state : int, RandomState instance or None, default=None
        Draws the rows of each batch (without replacement) and breaks ties.

    Attributes
    ----------
    sources_ : ndarray of shape (n_sources,)
        Source ids, the order of every per-source attribute.
    n_pulls_ : ndarray of shape (n_sources,)
        Pulls of each source.
    n_seen_ : ndarray of shape (n_sources,)
        Points received from each source.
    source_overlap_density_ : ndarray of shape (n_sources,)
        Estimated overlap density ``o_k``: the share of the rows collected from
        source ``k`` that are detected overlap points (NaN for a source never pulled).
    best_source_ : object
        The pulled source with the largest ``o_k`` (None before any pull).
    source_overlap_density_interval_ : ndarray of shape (n_sources, 2)
        (:meth:`fit`, ``detection="incremental"``; not updated by :meth:`partial_fit`)
        95% percentile bootstrap interval of each ``o_k``: the detector's
        ``n_resamples`` times, both thresholds are refitted on a resample of the
        histories as they stand after the last round (warm-started; the stored non-hard
        rows scored against the final reference) and an independent resample of the
        collected rows is judged by them;
        ``o_k`` of each resample is its share of source k's resampled rows detected
        overlap. It holds what the detector's own interval holds (how much the reading
        moves with the data), not whether the reading is right. NaN for a source never
        pulled, and everywhere with ``detection="full"`` or ``n_resamples=0``.
    best_source_share_ : ndarray of shape (n_sources,)
        (:meth:`fit`, as above) Fraction of those resamples in which each source has
        the largest ``o_k`` (ties shared): how sure the selector is of ``best_source_``.
        A share far below 1 says that the collected rows do not settle which source is
        best (``benchmarks/README.md``, UCB section, has cases).
    history_ : list of dict
        One dict per round: ``round``, ``source``, ``n_rows``, ``batch_overlap`` (overlap
        fraction of the batch), ``index`` (every source's index when the pull was
        decided; for ``"random"``/``"oracle"`` it is computed but not used),
        ``estimate`` (every ``o_k`` after the update) and ``seconds`` (the selector's
        own time for the round, the weak model excluded).
    selected_indices_ : ndarray of int
        (:meth:`fit`) Rows of ``X`` collected, in the order they were drawn.
    selected_labels_ : ndarray of int8
        Detected group (``skw2s.EASY``, ``HARD``, ``OVERLAP``) of each collected row
        (aligned with ``selected_indices_`` in :meth:`fit`): with
        ``detection="incremental"``, judged by the final thresholds; with ``"full"``,
        as when it was collected.
    batch_size_ : int
        (:meth:`fit`) Rows per pull actually used.
    stopped_early_ : bool
        (:meth:`fit`) True when every source ran out before ``n_rounds`` pulls.
    weak_estimator_ : estimator or None
    n_features_in_ : int

    Notes
    -----
    The reward is non-stationary: a batch's labels depend on the history it is judged
    against (thresholds on a growing pool; with the paper's ``"max"`` aggregation, a
    score can only grow as the hard set grows). The defaults respect this: the
    ``"rms"`` score is a mean over the hard set, whose expectation does not move as
    the set grows, so early and late scores are comparable; the thresholds are refitted
    on the whole history as it grows; the ``"auto"`` bonus keeps exploring at the
    Hoeffding rate, so sources judged early against a small history are revisited.

    A source that runs out of rows is retired and the others continue; a pull that
    finds fewer than ``batch_size`` rows takes what is left. If every source runs
    out, :meth:`fit` stops early with a :class:`~skw2s.DegenerateDataWarning`. Rounds
    whose thresholds were degenerate (too few scores, no hard point yet) are counted,
    and one warning summarises them. With ``groups=None`` all rows form one source.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skw2s import OVERLAP
    >>> from skw2s import UCBSourceSelector
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, group, weak_cols = make_overlap_classification(1200, 1200, 600, random_state=0)
    >>> # three sources: about 5%, 19% and 39% of their rows are overlap points
    >>> rng = np.random.RandomState(0)
    >>> source = np.where(group == OVERLAP, rng.choice(3, 3000, p=[.1, .3, .6]),
    ...                   rng.choice(3, 3000, p=[.4, .35, .25]))
    >>> weak = LogisticRegression().fit(X[:, weak_cols], y)
    >>> sel = UCBSourceSelector(n_rounds=30, random_state=0).fit(
    ...     X, groups=source, weak_proba=weak.predict_proba(X[:, weak_cols]))
    >>> sel.best_source_, sel.n_pulls_.tolist(), sel.batch_size_
    (2, [1, 3, 26], 30)
    >>> sel.source_overlap_density_.round(2).tolist()
    [0.0, 0.2, 0.39]
    >>> X[sel.selected_indices_].shape  # 30 rounds of 30 rows
    (900, 40)
    """

    def __init__(
        self,
        weak_estimator=None,
        *,
        detector=None,
        strategy="ucb",
        n_rounds=50,
        batch_size=None,
        c="auto",
        bonus="standard",
        detection="incremental",
        refit_growth=0.1,
        oracle_densities=None,
        sources=None,
        random_state=None,
    ):
        self.weak_estimator = weak_estimator
        self.detector = detector
        self.strategy = strategy
        self.n_rounds = n_rounds
        self.batch_size = batch_size
        self.c = c
        self.bonus = bonus
        self.detection = detection
        self.refit_growth = refit_growth
        self.oracle_densities = oracle_densities
        self.sources = sources
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _fit_weak_proba(self, X, y, weak_proba):
        proba, self.weak_estimator_ = fit_weak_proba(
            "UCBSourceSelector", self.weak_estimator, X, y, weak_proba
        )
        return proba

    def _represent(self, X, rep, fitting):
        """The strong-side representation ``rep`` of a batch, as the detector computes it."""
        if rep is not None and not fitting and not _is_frozen(rep):
            raise ValueError(
                "partial_fit needs the detector's representation wrapped in "
                "sklearn.frozen.FrozenEstimator (it cannot be refitted per batch)."
            )
        _, Z = represent(rep, X, fit=fitting)
        return np.asarray(Z, dtype=np.float64)

    def _check_params(self):
        for name, allowed in (("strategy", STRATEGIES), ("bonus", BONUSES), ("detection", DETECTIONS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}; got {getattr(self, name)!r}.")
        check_int(self.n_rounds, "n_rounds", min_value=1)
        check_int(self.batch_size, "batch_size", min_value=1, allow_none=True)
        if not (isinstance(self.c, str) and self.c == "auto") and not (
            isinstance(self.c, numbers.Real) and not isinstance(self.c, bool)
            and np.isfinite(self.c) and self.c >= 0
        ):
            raise ValueError(f"c must be 'auto' or a finite number >= 0; got {self.c!r}.")
        if not (isinstance(self.refit_growth, numbers.Real) and not isinstance(self.refit_growth, bool)
                and np.isfinite(self.refit_growth) and self.refit_growth >= 0):
            raise ValueError(
                f"refit_growth must be a finite number >= 0; got {self.refit_growth!r}."
            )
        if self.weak_estimator is not None and not hasattr(self.weak_estimator, "predict_proba"):
            raise TypeError(
                "weak_estimator must be an estimator with predict_proba; got "
                f"{type(self.weak_estimator).__name__}."
            )
        if self.detector is not None and not isinstance(self.detector, OverlapDetector):
            raise TypeError(
                f"detector must be an OverlapDetector or None; got {type(self.detector).__name__}."
            )
        # A clone: the detector passed as a parameter is never changed by fitting.
        detector = OverlapDetector() if self.detector is None else clone(self.detector)
        settings = detection_settings(
            detector, unused=_UNUSED[self.detection],
            user=f"UCBSourceSelector(detection={self.detection!r})",
        )
        if self.detection == "incremental" and settings.aggregation != "rms":
            raise ValueError(
                "detection='incremental' needs the detector's aggregation='rms' (its "
                f"reference is a running second-moment matrix); got {settings.aggregation!r}. "
                "Use detection='full' for the 'max' or 'mean' aggregation."
            )
        if self.strategy == "oracle" and self.oracle_densities is None:
            raise ValueError("strategy='oracle' requires oracle_densities (the true densities).")
        return detector, settings

    def _position(self, source):
        hit = np.flatnonzero(same_id(self.sources_, source)) if self.sources_.size else []
        if len(hit) != 1:
            raise ValueError(f"Unknown source {source!r}; declared sources: {self.sources_.tolist()}.")
        return int(hit[0])

    # ------------------------------------------------------------------ state
    def _start(self, detector, settings, sources):
        self.sources_ = sources
        k = sources.size
        self.n_pulls_ = np.zeros(k, dtype=int)
        self.n_seen_ = np.zeros(k, dtype=int)
        self.source_overlap_density_ = np.full(k, np.nan)
        self.best_source_ = None
        self.history_ = []
        self._active = np.ones(k, dtype=bool)
        self._rng = check_random_state(self.random_state)
        self._pending = None
        self._oracle_values = oracle_values(self)
        self._settings = settings
        seed = self._rng.randint(2**31 - 1)  # drawn by both detections: same batches
        if self.detection == "incremental":
            self._detection = IncrementalDetection(
                settings.confidence_rule,
                settings.overlap_rule,
                settings.similarity,
                settings.center,
                settings.hard_inclusive,
                np.random.RandomState(seed),
                refit_growth=self.refit_growth,
            )
        else:
            self._detection = FullHistoryDetection(detector)
        self._row_source = []

    def _index(self):
        est = np.nan_to_num(self.source_overlap_density_, nan=0.0)
        return ucb_index(est, self.n_pulls_, self.n_seen_, self.n_rounds, self.c, self.bonus)

    def _choose(self):
        candidates = np.flatnonzero(self._active)
        if candidates.size == 0:
            return None
        if self.strategy == "random":
            return int(self._rng.choice(candidates))
        if self.strategy == "oracle":
            return argmax_random_tie(self._oracle_values, candidates, self._rng)
        return argmax_random_tie(self._index(), candidates, self._rng)

    def _pull(self, k, proba, Z):
        """Detect on one batch from source position k and update the estimates."""
        start = time.perf_counter()
        index = self._index()
        conf = weak_confidence(proba, self._settings.confidence)
        labels = self._detection.update(conf, proba, Z)
        n, n_ov = labels.shape[0], int(np.sum(labels == OVERLAP))
        self.n_pulls_[k] += 1
        self.n_seen_[k] += n
        self._row_source.append(np.full(n, k, dtype=np.intp))
        # Incremental detection judges every row collected so far again by the current
        # thresholds (a batch judged against a small early history does not fix its
        # source's estimate for good); full-history detection keeps each round's labels.
        now = self._detection.current_labels()
        n_overlap = np.bincount(
            np.concatenate(self._row_source)[now == OVERLAP], minlength=self.sources_.size
        )
        seen = self.n_seen_ > 0
        self.source_overlap_density_ = np.full(self.sources_.size, np.nan)
        self.source_overlap_density_[seen] = n_overlap[seen] / self.n_seen_[seen]
        pulled = np.flatnonzero(seen)
        best = pulled[np.argmax(self.source_overlap_density_[pulled])]
        self.best_source_ = self.sources_.tolist()[best]
        self.history_.append(
            dict(
                round=len(self.history_),
                source=self.sources_.tolist()[k],
                n_rows=n,
                batch_overlap=n_ov / n if n else float("nan"),
                index=index,
                estimate=self.source_overlap_density_.copy(),
                seconds=time.perf_counter() - start,
            )
        )
        self._pending = None

    def _finish(self):
        self.selected_labels_ = self._detection.current_labels()
        n_degenerate = len(self._detection.warnings)
        self._detection.warnings.clear()
        if n_degenerate:
            warnings.warn(
                f"{n_degenerate} degenerate threshold fit(s) during the rounds (too few or "
                "all-equal scores, see skw2s.thresholds); the early rounds' labels rest on "
                "a small history.",
                DegenerateDataWarning,
                stacklevel=3,
            )

    def _validate_X(self, X, rep, reset):
        return validate_pool(self, X, representation=rep, reset=reset,
                             where="the detector's representation")[0]

    # ---------------------------------------------------------------- offline
    def fit(self, X, y=None, *, groups=None, weak_proba=None):
        """Run the bandit over the sources of a pooled matrix.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows of every source, pooled.
        y : array-like of shape (n_samples,) or None
            Labels to fit the weak estimator (rows equal to -1 are unlabelled); not
            needed with ``weak_proba`` or a frozen weak estimator.
        groups : array-like of shape (n_samples,) or None
            Source of each row. None: all rows form one source (K = 1).
        weak_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Precomputed weak probabilities (P(class 1) when 1-D).

        Returns
        -------
        self : UCBSourceSelector
        """
        # Everything is validated, and the weak model and representation fitted,
        # before any state is set: a failed fit leaves no half-initialised selector.
        for attr in ("sources_", "weak_estimator_"):
            self.__dict__.pop(attr, None)
        detector, settings = self._check_params()
        X = self._validate_X(X, settings.representation, reset=True)
        n = _num_samples(X)
        if y is not None and _num_samples(y) != n:
            raise ValueError(f"X has {n} samples but y has {_num_samples(y)}.")
        groups, sources = check_groups(groups, n, self.sources)
        rows = [np.flatnonzero(same_id(groups, s)) for s in sources.tolist()]
        proba = self._fit_weak_proba(X, y, weak_proba)
        Z = self._represent(X, settings.representation, fitting=True)
        self._start(detector, settings, sources)
        sizes = np.array([r.size for r in rows])
        if self.batch_size is None:
            nonempty = sizes[sizes > 0]
            self.batch_size_ = max(1, int(nonempty.min()) // self.n_rounds) if nonempty.size else 1
        else:
            self.batch_size_ = int(self.batch_size)
        queues = [self._rng.permutation(r) for r in rows]
        cursor = np.zeros(sources.size, dtype=int)
        self._active = sizes > 0
        if not self._active.all():
            warnings.warn(
                f"Source(s) {sources[~self._active].tolist()} have no rows: retired.",
                DegenerateDataWarning, stacklevel=2,
            )
        picked = []
        self.stopped_early_ = False
        for _ in range(self.n_rounds):
            k = self._choose()
            if k is None:
                self.stopped_early_ = True
                warnings.warn(
                    f"Every source ran out of rows after {len(self.history_)} of "
                    f"{self.n_rounds} rounds: stopping early.",
                    DegenerateDataWarning, stacklevel=2,
                )
                break
            idx = queues[k][cursor[k] : cursor[k] + self.batch_size_]
            cursor[k] += idx.size
            if cursor[k] >= sizes[k]:
                self._active[k] = False  # retired: it has no rows left
            self._pull(k, proba[idx], Z[idx])
            picked.append(idx)
        self.selected_indices_ = np.concatenate(picked) if picked else np.zeros(0, dtype=int)
        self._finish()
        self._bootstrap_estimates()
        return self

    def _bootstrap_estimates(self):
        """``source_overlap_density_interval_`` and ``best_source_share_`` (see the class
        docstring): each resample pairs refitted thresholds with a resample of the
        collected rows."""
        k = self.sources_.size
        B = self._settings.n_resamples
        self.source_overlap_density_interval_ = np.full((k, 2), np.nan)
        self.best_source_share_ = np.full(k, np.nan)
        if not (B and self.detection == "incremental" and self._row_source):
            return
        c, s = self._detection.collected()
        source = np.concatenate(self._row_source)
        n = source.size
        densities = np.full((B, k), np.nan)
        # The draws leave the selector's generator as they found it: a later next_source /
        # partial_fit draws what it drew before these estimates existed.
        state = self._rng.get_state()
        for b, (tau_hard, tau_overlap) in enumerate(self._detection.threshold_resamples(B, self._rng)):
            idx = self._rng.randint(n, size=n)
            labels = label_points(c[idx], s[idx], tau_hard, tau_overlap, self._settings.hard_inclusive)
            seen = np.bincount(source[idx], minlength=k)
            overlap = np.bincount(source[idx][labels == OVERLAP], minlength=k)
            densities[b, seen > 0] = overlap[seen > 0] / seen[seen > 0]
        self._rng.set_state(state)
        pulled = self.n_seen_ > 0
        with warnings.catch_warnings():  # a small source missing from every resample: NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            self.source_overlap_density_interval_[pulled] = np.nanpercentile(
                densities[:, pulled], [2.5, 97.5], axis=0).T
        top = np.nan_to_num(densities, nan=-np.inf)
        best = top == top.max(axis=1, keepdims=True)
        self.best_source_share_ = np.where(pulled, (best / best.sum(axis=1, keepdims=True)).mean(axis=0), np.nan)

    def fit_resample(self, X, y=None, *, groups=None, weak_proba=None):
        """Run :meth:`fit` and return the collected rows (imbalanced-learn style).

        Returns
        -------
        X_resampled, y_resampled
            The rows of ``X`` and ``y`` in ``selected_indices_`` (``y_resampled`` is
            None when ``y`` is); the indices are also stored in ``sample_indices_``.
        """
        self.fit(X, y, groups=groups, weak_proba=weak_proba)
        self.sample_indices_ = self.selected_indices_
        y_res = None if y is None else _safe_indexing(y, self.sample_indices_)
        return _safe_indexing(X, self.sample_indices_), y_res

    # ----------------------------------------------------------------- online
    def _ensure_online(self):
        if hasattr(self, "sources_"):
            return
        detector, settings = self._check_params()
        # Undeclared sources: one implicit source 0, like fit with groups=None.
        sources = [0] if self.sources is None else self.sources
        self._start(detector, settings, declare_sources(sources))
        self.weak_estimator_ = None

    def next_source(self):
        """Source to query next (None when every source is retired).

        Calling it again before :meth:`partial_fit` returns the same answer.
        """
        self._ensure_online()
        if self._pending is None:
            k = self._choose()
            if k is None:
                return None
            self._pending = k
        return self.sources_.tolist()[self._pending]

    def partial_fit(self, X, y=None, *, source=None, weak_proba=None):
        """Report a batch drawn from ``source`` and update its estimate.

        Parameters
        ----------
        X : array-like of shape (n_batch, n_features)
        y : array-like of shape (n_batch,) or None
            Used only when the selector has no weak model yet (no ``weak_proba``,
            no frozen ``weak_estimator``, no earlier :meth:`fit`): the weak estimator
            is then fitted on this batch's labelled rows and kept for later batches.
        source : object or None, default=None
            A declared source id; an unknown one raises ``ValueError``. None is
            allowed only when there is a single source.
        weak_proba : array-like of shape (n_batch,) or (n_batch, n_classes) or None
            The weak probabilities of the batch; needed unless ``weak_estimator`` is a
            :class:`~sklearn.frozen.FrozenEstimator`.

        Returns
        -------
        self : UCBSourceSelector
        """
        self._ensure_online()
        if source is None:
            if self.sources_.size != 1:
                raise ValueError(
                    f"source is required: {self.sources_.size} sources are declared."
                )
            source = self.sources_.tolist()[0]
        k = self._position(source)
        X = self._validate_X(X, self._settings.representation, reset=not self.history_)
        n = _num_samples(X)
        if weak_proba is not None:
            proba = check_proba(weak_proba, n)
        elif getattr(self, "weak_estimator_", None) is not None:
            proba = check_proba(self.weak_estimator_.predict_proba(X), n, "weak_estimator.predict_proba(X)")
        elif y is not None or _is_frozen(self.weak_estimator):
            proba = self._fit_weak_proba(X, y, None)  # frozen, or fitted on this batch
        else:
            raise ValueError(
                "partial_fit needs weak_proba, a weak_estimator wrapped in "
                "sklearn.frozen.FrozenEstimator, or y to fit the weak estimator on."
            )
        Z = self._represent(X, self._settings.representation, fitting=False)
        self._pull(k, proba, Z)
        self._finish()
        return self

    def retire(self, source):
        """Stop suggesting ``source`` (online use: it ran out of data).

        A retired source is never returned by :meth:`next_source`; batches reported
        for it through :meth:`partial_fit` are still counted.
        """
        self._ensure_online()
        self._active[self._position(source)] = False
        if self._pending is not None and not self._active[self._pending]:
            self._pending = None
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags
