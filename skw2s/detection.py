"""OverlapDetector: split a pool into easy-only, hard-only and overlap points."""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from . import _dask
from ._weak import check_proba, fit_weak_proba, weak_confidence
from ._constants import EASY, GROUP_NAMES, HARD, OVERLAP
from ._sklearn_compat import num_samples as _num_samples
from ._sklearn_compat import safe_indexing as _safe_indexing
from ._gold_accuracy import GoldAccuracy, chance_level
from ._utils import is_frozen as _is_frozen
from ._utils import is_int, labelled_targets
from ._utils import is_unlabelled as _is_unlabelled
from ._similarity import SimilarityIndex
from ._detection_settings import detection_settings
from ._representation import represent, validate_pool
from ._partition import (
    WarmSplit, confidence_cut, hard_mask, label_points, overlap_cut, paper_config,
)
from .exceptions import DegenerateDataWarning
from .thresholds import ChanceThreshold, split_quality
from .trust import cross_fitted_weak_proba, weak_classes

__all__ = ["OverlapDetector", "OverlapResampler"]


class OverlapDetector(TransformerMixin, BaseEstimator):
    """Detect overlap points: confidently weak-labelled points that resemble hard-only ones.

    Implements the detection algorithm of Shin, Cooper and Sala, "Weak-to-Strong
    Generalization Through the Data-Centric Lens" (ICLR 2025) on any feature matrix:

    1. the weak model's confidence ``c`` of each point (``2 |p - 0.5|`` when binary);
    2. hard-only points are those with ``c < confidence_threshold_`` (strict unless
       ``hard_inclusive``), when the confidences hold a distinct low group;
    3. every other point gets an overlap score, an aggregation over the hard points of
       its similarity to each of them, computed on the strong-side representation;
    4. non-hard points with ``score >= overlap_threshold_`` are overlap points, the
       rest are easy-only points.

    Both cuts default to :class:`~skw2s.thresholds.MixtureThreshold`, which first
    decides whether the scores form two groups at all (the paper's single change point
    always cuts, and favours groups of comparable size: it reports about 20% overlap in
    a pool that has none). See the Notes for what one group means at each step;
    :meth:`from_paper` gives the authors' exact configuration.

    The detector is transductive: :meth:`fit` partitions the pool it is given
    (``labels_``), and :meth:`predict` labels new points against the fitted pool, its
    two thresholds and its hard reference set.

    Parameters
    ----------
    weak_estimator : classifier or None, default=None
        The weak model, used through ``predict_proba``. Unless it is wrapped in
        :class:`sklearn.frozen.FrozenEstimator` (then it is used as it is), it is cloned
        and fitted on the rows of ``X`` whose ``y`` is not -1. When None and ``y`` is
        given, ``LogisticRegression()`` is used. Ignored when ``weak_proba`` is passed.
        It sees ``X`` as given (use a Pipeline to select the weak-side columns).
    representation : transformer or None, default=None
        Maps ``X`` to the strong-side representation on which similarities are
        computed (an embedder, a column selector). None uses ``X`` itself. Cloned and
        fitted on ``X`` (a :class:`~sklearn.frozen.FrozenEstimator` is not refitted).
    confidence : {"normalized_max", "margin"}, default="normalized_max"
        Confidence from k-class probabilities: ``(k p_max - 1) / (k - 1)``, or the gap
        between the two largest probabilities. Both are ``2 |p - 0.5|`` for k = 2.
    confidence_threshold : "auto", "mixture", "changepoint", float, ruptures search or \
            threshold object, default="auto"
        Rule cutting the confidences (see :mod:`skw2s.thresholds`). ``"auto"`` is
        ``MixtureThreshold(scale="logit")`` (groups sought on the weak model's
        log-odds scale); ``"changepoint"`` is the paper's rule. A number must lie in
        [0, 1]. A ruptures search object is cut at its first breakpoint.
    hard_inclusive : bool, default=False
        Hard-only points are ``c <= threshold`` instead of ``c < threshold`` (the
        comparison of the authors' overlap-probing script; their library uses ``<``).
    hard_from : {"confidence", "gold"}, default="confidence"
        What ``c`` is. ``"confidence"``: the weak model's confidence (the paper's,
        label-free). ``"gold"``: the weak labeller's accuracy around each point, read from
        the gold rows (rows of ``y`` other than -1, fitted together with the pool): the
        share of right weak labels among the point's ``n_neighbors`` nearest gold rows
        (cosine on the centred representation; the gold rows' weak labels cross-fitted,
        ``cv`` folds, 5 when None, unless the weak side is fixed). Hard-only points are
        then those where the labeller is at chance: ``confidence_threshold="auto"`` is
        :class:`~skw2s.thresholds.ChanceThreshold` (a binomial mixture with one component
        at ``chance_level_``), and the bootstrap redraws the gold rows as well as the
        pool. See the Notes.
    n_neighbors : int, default=25
        Gold rows counted around each point with ``hard_from="gold"`` (at most the number
        of gold rows minus one). Ignored otherwise.
    similarity : {"abs_cosine", "cosine", "dot"}, default="abs_cosine"
        ``"abs_cosine"`` is the paper's; ``"dot"`` (raw inner product) is one variant
        of the authors' code. Zero rows have cosine 0 with everything.
    aggregation : {"rms", "mean", "max"}, default="rms"
        How similarities to the hard points become one score. ``"max"`` is the paper's,
        ``"mean"`` the average, ``"rms"`` the root mean square, computed from the hard
        set's d x d second-moment matrix in O((n + n_hard) d^2) instead of
        O(n n_hard d). ``"rms"`` is the default: on synthetic mixtures with known
        truth it recovers overlap points far better than ``"max"`` (which a single
        contaminating hard point spoils) and as well as ``"mean"``, and it is the only
        one that scales to millions of points (see benchmarks/README.md). With
        ``"rms"``, ``"cosine"`` and ``"abs_cosine"`` coincide.
    overlap_threshold : "auto", "mixture", "changepoint", float, ruptures search or \
            threshold object, default="auto"
        Rule cutting the overlap scores of the non-hard points. ``"auto"`` is
        ``MixtureThreshold()``. A ruptures search object is cut at its last breakpoint.
    center : bool, default=False
        Subtract the pool's mean representation before computing similarities (real
        embeddings share a large common direction that makes raw cosines all high).
    cv : int, cross-validation generator or None, default=None
        When set, the confidences of the labelled rows come from out-of-fold
        ``cross_val_predict`` probabilities instead of in-sample ones. With
        ``hard_from="gold"``: the number of stratified folds the gold rows' weak labels
        are cross-fitted with (an int; None means 5).
    working_memory : float, default=128
        MiB of similarities held at once by the exact ``"max"``/``"mean"`` aggregation;
        the (n_nonhard x n_hard) matrix is never materialised.
    n_resamples : int, default=50
        Bootstrap resamples of the pool. Each one reruns the whole partition (both
        rules, the hard reference set, the scores) on the pool's rows drawn with
        replacement and labels every pool point with what it fitted.
        ``overlap_density_`` is then the mean over resamples (bagging: a pool near
        a rule's one-group / two-groups boundary gets an answer between the two
        readings, by degree, instead of one of them), ``overlap_density_interval_``
        the 2.5 and 97.5 percentiles of the resamples' densities, and
        ``group_proba_`` each point's fraction of resamples per group. ``labels_``
        and the thresholds are those of the whole pool whatever ``n_resamples``.
        0 switches the bootstrap off (``overlap_density_`` is then the fraction of
        ``labels_``; no interval). The cost is ``n_resamples`` times a partition
        (mixture rules warm-started from the pool's fit; the rms scores of every
        resample from one n x n matrix when it fits in ``working_memory``; past
        20,000 rows the scores are held at those against the pool's hard set and only
        the rules rerun): about 0.4 s at 1,500 points against 0.04 s without, 6 s at
        100,000 rows against 1.3 s (2 CPU cores).
    random_state : int, RandomState instance or None, default=None
        Draws the bootstrap resamples.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Group of each point of the pool: ``skw2s.EASY`` (0), ``skw2s.HARD`` (1) or
        ``skw2s.OVERLAP`` (2); ``skw2s.GROUP_NAMES[label]`` is its name.
    overlap_density_ : float
        Fraction of overlap points in the pool: with the bootstrap
        (``n_resamples > 0``), the mean of ``group_proba_[:, OVERLAP]``; otherwise
        the fraction of ``labels_`` equal to ``OVERLAP``.
    overlap_density_interval_ : tuple of float
        95% percentile bootstrap interval of the density, ``(low, high)``; ``(nan,
        nan)`` without the bootstrap. A wide interval says that the pool does not
        settle the density (typically: whether its confidences hold a distinct
        low-confidence group is itself uncertain).
    overlap_density_resamples_ : ndarray of shape (n_resamples,)
        The density of each bootstrap resample (of its own rows).
    group_proba_ : ndarray of shape (n_samples, 3)
        Fraction of the bootstrap resamples that put each pool point in each group
        (columns ``EASY``, ``HARD``, ``OVERLAP``); one-hot ``labels_`` without the
        bootstrap.
    confidence_ : ndarray of shape (n_samples,)
        Weak-model confidence of each point; with ``hard_from="gold"``, the share of
        right weak labels among its ``n_neighbors_`` nearest gold rows.
    overlap_score_ : ndarray of shape (n_samples,)
        Overlap score of each non-hard point; NaN for hard-only points.
    confidence_threshold_, overlap_threshold_ : float
        The fitted thresholds. ``confidence_threshold_`` is ``-inf`` when the
        confidences form one group (no hard-only point). ``overlap_threshold_`` is
        ``inf`` when nothing is an overlap point (no hard-only or no non-hard point, or
        one group of scores read as easy-only) and ``-inf`` when every non-hard point
        is one (one group of scores read as overlap).
    confidence_two_groups_, overlap_two_groups_ : bool or None
        Whether each rule found two groups (None: the rule always cuts, e.g. a change
        point; ``overlap_two_groups_`` is None too when no overlap score was cut).
    n_weak_classes_ : int
        Number of columns of the weak probabilities.
    group_class_counts_ : ndarray of shape (3, n_weak_classes)
        Pseudolabel (most probable weak class, by column) counts of each group, rows in
        the order ``EASY``, ``HARD``, ``OVERLAP``.
    confidence_split_quality_, overlap_split_quality_ : float
        Fraction of the variance of the scores explained by the split
        (:func:`skw2s.thresholds.split_quality`): near 1 for two well separated groups,
        about 0.64 for the forced split of a unimodal Gaussian. NaN when undefined.
    hard_indices_ : ndarray
        Indices of the hard-only points, the reference set for :meth:`predict`.
    gold_indices_ : ndarray of int
        With ``hard_from="gold"``: the rows of ``X`` that are gold rows.
    gold_correct_ : ndarray of bool
        With ``hard_from="gold"``: whether each gold row's (cross-fitted) weak label is
        right.
    chance_level_ : float
        With ``hard_from="gold"``: the accuracy of a labeller at chance, the sum over
        classes of the gold rows' class share times the weak labels' share of that class.
    n_neighbors_ : int
        With ``hard_from="gold"``: the gold rows counted around each point.
    weak_estimator_ : estimator or None
        The fitted weak model (None when ``weak_proba`` was given; fitted on every gold
        row with ``hard_from="gold"``).
    representation_ : transformer or None
    center_ : ndarray of shape (n_repr_features,) or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Notes
    -----
    One group, degenerate pools (each documented behaviour emits a
    :class:`~skw2s.DegenerateDataWarning` saying what was decided):

    * **the confidences form one group** (no distinct low-confidence group; random
      probabilities, all confidences equal): there is no hard-only point, so overlap is
      undefined: every point is easy-only, the overlap density is 0 and is not
      meaningful, and the overlap scores are 0;
    * **the overlap scores form one group**: whether that group is overlap or
      easy-only is read from its level. The hard-only points' own score (each hard point
      scored against the others, median over at most 1,000 of them) says how similar
      points that share the hard pattern are; when the median non-hard score reaches
      half of it, every non-hard point is an overlap point (a pool that is mostly
      overlap), otherwise every one is easy-only (scores near zero: a pool with no
      overlap). Exact ties therefore never split, and never land on one side merely
      because they tie;
    * too few points for a rule: see :mod:`skw2s.thresholds`;
    * no non-hard point: every point is hard-only;
    * a single class in ``y`` when the weak model must be fitted: ``ValueError``.

    **With gold rows** (``hard_from="gold"``): the paper's hard-only side is the weak
    confidence, which on real text says little about where the weak labeller is at
    chance (ROC AUC 0.53 to 0.56 against the true hard-only points of the known-truth
    pools of ``benchmarks/known_truth.py``). The gold rows know where it errs: the share
    of right weak labels among a point's nearest gold rows separates them at ROC AUC 0.81
    with 400 gold rows, 0.64 with 100 (too few: the shares then form one group in most
    pools and no point is found hard-only; benchmarks/README.md). The
    overlap side is the paper's, against the hard-only points found this way. The gold
    rows are partitioned too (their own share leaves them out). ``weak_proba``, when
    given, holds every row's probabilities, the gold rows' included (they must then be
    out-of-sample for the gold rows, as a fixed labeller's are); :meth:`predict` and
    :meth:`transform` score new points by their nearest gold rows and need no weak
    probabilities. When no share is more likely at chance, no point is hard-only (the
    warning of the first case below). Not available on dask arrays, nor inside
    :class:`~skw2s.WeakToStrongClassifier` (which fits its detector on the pool alone).

    Dask (``pip install "skw2s[dask]"``): :meth:`fit`, :meth:`predict`,
    :meth:`transform` and :meth:`fit_resample` accept a dask array ``X`` (rows chunked,
    one chunk across the features) and a NumPy or dask ``weak_proba``, with
    ``aggregation="rms"``. The bootstrap is not run on a dask array (``n_resamples``
    is ignored there: no interval, ``group_proba_`` one-hot). Per-row work runs blockwise on the cluster; the confidences
    and scores are gathered for the thresholds; ``labels_``, ``confidence_`` and
    ``overlap_score_`` are then dask arrays. See the user guide, "Scaling out".

    Examples
    --------
    >>> from skw2s import OVERLAP, OverlapDetector
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, group, weak_cols = make_overlap_classification(random_state=0)
    >>> from sklearn.linear_model import LogisticRegression
    >>> weak = LogisticRegression().fit(X[:, weak_cols], y)
    >>> det = OverlapDetector().fit(X, weak_proba=weak.predict_proba(X[:, weak_cols]))
    >>> round(det.overlap_density_, 2)
    0.3
    >>> float(((det.labels_ == OVERLAP) == (group == OVERLAP)).mean()) > 0.9
    True
    """

    def __init__(
        self,
        weak_estimator=None,
        *,
        representation=None,
        confidence="normalized_max",
        confidence_threshold="auto",
        hard_inclusive=False,
        hard_from="confidence",
        n_neighbors=25,
        similarity="abs_cosine",
        aggregation="rms",
        overlap_threshold="auto",
        center=False,
        cv=None,
        working_memory=128,
        n_resamples=50,
        random_state=None,
    ):
        self.weak_estimator = weak_estimator
        self.representation = representation
        self.confidence = confidence
        self.confidence_threshold = confidence_threshold
        self.hard_inclusive = hard_inclusive
        self.hard_from = hard_from
        self.n_neighbors = n_neighbors
        self.similarity = similarity
        self.aggregation = aggregation
        self.overlap_threshold = overlap_threshold
        self.center = center
        self.cv = cv
        self.working_memory = working_memory
        self.n_resamples = n_resamples
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
    def _check_params(self):
        settings = detection_settings(self)
        self._confidence_rule, self._overlap_rule = settings.confidence_rule, settings.overlap_rule
        if self.hard_from == "gold" and not (self.cv is None or is_int(self.cv)):
            raise TypeError(
                "hard_from='gold' cross-fits the weak model on the gold rows with stratified "
                f"folds: cv must be an int or None (5 folds); got {type(self.cv).__name__}."
            )

    def _validate_X(self, X, y=None, reset=True):
        return validate_pool(self, X, y, representation=self.representation, reset=reset)

    def _fit_weak_proba(self, X, y, weak_proba):
        proba, self.weak_estimator_ = fit_weak_proba(
            "OverlapDetector", self.weak_estimator, X, y, weak_proba
        )
        if (self.cv is not None and self.hard_from != "gold" and self.weak_estimator_ is not None
                and not _is_frozen(self.weak_estimator_)):  # (gold: cross-fitted in _fit_gold)
            labelled = ~_is_unlabelled(np.asarray(y))
            oof = cross_val_predict(
                clone(self.weak_estimator_), _safe_indexing(X, np.flatnonzero(labelled)),
                np.asarray(y)[labelled], cv=self.cv, method="predict_proba",
            )
            proba[labelled] = check_proba(oof, int(labelled.sum()), "cross_val_predict")
        return proba

    def _weak_proba(self, X, weak_proba):
        n = _num_samples(X)
        if weak_proba is not None:
            proba = check_proba(weak_proba, n)
        elif self.weak_estimator_ is None:
            raise ValueError(
                "weak_proba is required: this detector was fitted on precomputed weak "
                "probabilities, so it has no weak estimator to score new points."
            )
        else:
            proba = check_proba(self.weak_estimator_.predict_proba(X), n,
                                "weak_estimator.predict_proba(X)")
        if proba.shape[1] != self.n_weak_classes_:
            raise ValueError(
                f"weak_proba has {proba.shape[1]} classes (columns) but the detector was "
                f"fitted with {self.n_weak_classes_}."
            )
        return proba

    def _represent(self, X, fitting):
        if fitting:
            self.representation_, Z = represent(self.representation, X, fit=True)
        else:
            _, Z = represent(self.representation_, X, fit=False)
        if fitting:
            self.center_ = Z.mean(axis=0) if self.center else None
        if self.center_ is not None:
            Z = Z - self.center_.astype(Z.dtype, copy=False)
        return Z

    # ---------------------------------------------------------------------- API
    def fit(self, X, y=None, *, weak_proba=None):
        """Partition the pool ``X`` into easy-only, hard-only and overlap points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), dask array, or raw input
            The pool. Raw input (texts) is allowed when ``representation`` and the weak
            estimator accept it. A dask array is fitted on its cluster (see the Notes).
        y : array-like of shape (n_samples,) or None
            Labels used to fit the weak estimator; rows equal to -1 are unlabelled.
            Not needed when ``weak_proba`` is given or the weak estimator is frozen.
        weak_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Precomputed weak-model probabilities (P(class 1) when 1-D).

        Returns
        -------
        self : OverlapDetector
        """
        self._check_params()
        self._gold = None
        if _dask.is_dask_collection(X):
            if self.hard_from == "gold":
                raise ValueError(
                    "hard_from='gold' is not available on a dask array X: fit on a NumPy "
                    "array (the gold rows' neighbourhoods are computed in memory)."
                )
            return self._fit_dask(X, weak_proba)
        if _dask.is_dask_collection(weak_proba):  # X in memory: bring the probabilities here
            (weak_proba,) = _dask.gather(weak_proba)
        X, y = self._validate_X(X, y, reset=True)
        proba = self._fit_weak_proba(X, y, weak_proba)
        Z = self._represent(X, fitting=True)
        self.n_weak_classes_ = proba.shape[1]
        if self.hard_from == "gold":
            c = self._fit_gold(X, y, weak_proba, proba, Z)
        else:
            c = weak_confidence(proba, self.confidence)
        self._partition(c, np.argmax(proba, axis=1), Z)
        if self._gold is not None:
            self._gold.release()
        return self

    def _fit_gold(self, X, y, weak_proba, proba, Z):
        """``hard_from="gold"``: every row's share of right weak labels among its nearest
        gold rows (the gold rows' weak labels cross-fitted unless the weak side is fixed);
        ``proba``'s gold rows get those cross-fitted probabilities."""
        y_gold, gold_idx = (None, np.zeros(0, dtype=int)) if y is None else labelled_targets(np.asarray(y))
        if gold_idx.size < 3:
            raise ValueError(
                "hard_from='gold' reads the weak labeller's accuracy from gold rows: y must "
                "label at least 3 rows (the others -1); got "
                f"{'no y' if y is None else f'{gold_idx.size} labelled'}."
            )
        check_classification_targets(y_gold)
        classes = weak_classes(weak_proba, self.weak_estimator_, y_gold, proba.shape[1])
        if weak_proba is None and not _is_frozen(self.weak_estimator_):
            proba[gold_idx] = cross_fitted_weak_proba(
                "OverlapDetector", self.weak_estimator, X, y, gold_idx, y_gold, classes,
                cv=5 if self.cv is None else int(self.cv), random_state=self.random_state,
            )
        weak_labels = classes[np.argmax(proba, axis=1)]
        correct = weak_labels[gold_idx] == y_gold
        self.gold_indices_ = gold_idx
        self.gold_correct_ = correct
        self.chance_level_ = chance_level(y_gold, weak_labels, classes)
        self._gold = GoldAccuracy(Z, gold_idx, correct, self.n_neighbors, self.working_memory)
        self.n_neighbors_ = self._gold.k
        if isinstance(self.confidence_threshold, str) and self.confidence_threshold == "auto":
            self._confidence_rule = ChanceThreshold(
                self.n_neighbors_, float(np.clip(self.chance_level_, 1e-6, 1 - 1e-6)))
        return self._gold.shares

    def _fit_dask(self, X, weak_proba):
        """:meth:`fit` on a dask ``X``: two passes over ``X`` (three with ``center=True``),
        the hard set's second moment then the overlap scores, reduced on its cluster; the
        gathered confidences and scores are partitioned by :meth:`_partition`, and the
        per-point attributes become dask arrays (:mod:`skw2s._dask`)."""
        (self.weak_estimator_, self.n_weak_classes_, self.center_, c, pseudo, Z) = (
            _dask.detector_inputs(self, X, weak_proba)
        )
        self.representation_ = None
        self._partition(c, pseudo, Z)
        self.labels_, self.confidence_, self.overlap_score_ = (
            _dask.as_dask(values, X) for values in (self.labels_, self.confidence_, self.overlap_score_)
        )
        return self

    def _hard_mask(self, c):
        return hard_mask(c, self.confidence_threshold_, self.hard_inclusive)

    def _partition(self, c, pseudo, Z):
        """Steps 2 to 5 on the confidences ``c`` and the representation ``Z``, then the
        bootstrap of the whole partition (``n_resamples``).

        ``Z`` may be a dask array (:mod:`skw2s._dask`): the index of the hard rows and
        the overlap scores are then computed on its cluster, and the scores gathered
        here; the bootstrap is skipped.
        """
        n = c.shape[0]
        bootstrap = bool(self.n_resamples) and n > 0 and not _dask.is_dask_collection(Z)
        self.confidence_ = c
        split = WarmSplit()
        tau_hard, self.confidence_two_groups_ = confidence_cut(self._confidence_rule, c, split)
        self.confidence_threshold_ = float(tau_hard)
        hard = self._hard_mask(c)
        self.confidence_split_quality_ = split_quality(c, tau_hard) if np.isfinite(tau_hard) else float("nan")
        self.hard_indices_ = np.flatnonzero(hard)
        index = SimilarityIndex(self.similarity, self.aggregation, self.working_memory)
        if _dask.is_dask_collection(Z):  # the second moment is reduced on Z's cluster
            self.index_ = _dask.fit_index(index, Z, self.hard_indices_)
        else:
            self.index_ = index.fit(Z, self.hard_indices_)

        labels = np.full(n, EASY, dtype=np.int8)
        labels[hard] = HARD
        score = np.full(n, np.nan)
        nonhard = ~hard
        self.overlap_split_quality_ = float("nan")
        self.overlap_two_groups_ = None
        self.overlap_threshold_ = float("inf")
        if not hard.any():
            if self.confidence_two_groups_ is not False:
                why = "no hard-only point"
            elif self._gold is not None:
                why = ("no point's share of right weak labels among its nearest gold rows is "
                       "more likely at chance (no hard-only point)")
            else:
                why = ("the weak confidences form one group (no distinct low-confidence "
                       "group)")
            warnings.warn(
                f"{why.capitalize()}: overlap is undefined, every point is labelled "
                "easy-only and the overlap density 0 is not meaningful"
                + (" (the bootstrap's overlap_density_ and its interval say how sure "
                   "that reading is)." if bootstrap else "."),
                DegenerateDataWarning,
                stacklevel=3,
            )
            score[:] = 0.0
        elif not nonhard.any():
            warnings.warn(
                "Every point of the pool is hard-only: there is no easy-only or overlap point.",
                DegenerateDataWarning,
                stacklevel=3,
            )
        else:
            if _dask.is_dask_collection(Z):  # scored blockwise, gathered here
                (s,) = _dask.gather(_dask.score(self.index_, Z, np.flatnonzero(nonhard)))
            else:
                s = self.index_.score(Z, np.flatnonzero(nonhard))
            score[nonhard] = s
            tau, self.overlap_two_groups_, self.overlap_split_quality_, note = overlap_cut(
                self._overlap_rule, s, lambda: Z[self.hard_indices_],
                self.similarity, self.aggregation, split=split,
            )
            if note is not None:
                warnings.warn(note, DegenerateDataWarning, stacklevel=3)
            self.overlap_threshold_ = float(tau)
            labels[nonhard & (score >= tau)] = OVERLAP
        self.overlap_score_ = score
        self.labels_ = labels
        k = self.n_weak_classes_
        self.group_class_counts_ = np.stack(
            [np.bincount(pseudo[labels == g], minlength=k) for g in (EASY, HARD, OVERLAP)]
        )
        if bootstrap:
            self.group_proba_, self.overlap_density_resamples_ = _bootstrap_partition(
                self, c, Z, split, check_random_state(self.random_state)
            )
            self.overlap_density_ = float(self.group_proba_[:, OVERLAP].mean())
            lo, hi = np.percentile(self.overlap_density_resamples_, [2.5, 97.5])
            self.overlap_density_interval_ = (float(lo), float(hi))
        else:
            self.group_proba_ = np.eye(3)[labels] if n else np.zeros((0, 3))
            self.overlap_density_resamples_ = np.zeros(0)
            self.overlap_density_ = float(np.mean(labels == OVERLAP)) if n else 0.0
            self.overlap_density_interval_ = (float("nan"), float("nan"))

    @classmethod
    def from_paper(cls, **params):
        """A detector configured exactly as the authors' overlap-probing script.

        The configuration of ``scripts/llm_probing_overlap_detection/
        overlap_probing_experiment.py`` in SprocketLab/datacentric_w2s: confidence
        ``2 |p - 0.5|``; both thresholds from ruptures ``Binseg(model="l2")`` with its
        defaults (``jump=5``, ``min_size=2``), one breakpoint, read as the sorted score
        at the breakpoint (``ties="value"``); hard-only = confidence **<=** threshold;
        overlap score = max over the hard points of ``|cos|``; overlap = score >=
        threshold; no centring; no bootstrap (``overlap_density_`` is the fraction of
        ``labels_``, as in the script; ``from_paper(n_resamples=50)`` adds the
        interval and the bagged density). It runs ruptures itself, O(n^2 / 5) per threshold
        (about 4.5 s at 1e5 points, minutes at 1e6). Outside degenerate pools (fewer
        than 7 scores, where the script fails, or one group of overlap scores, which the
        detector reads as documented in the Notes) the labels are the script's.

        Parameters
        ----------
        **params
            Other parameters of the detector (``representation``, ``weak_estimator``,
            ``working_memory``...), or overrides of the paper's.

        Returns
        -------
        detector : OverlapDetector

        Examples
        --------
        >>> from skw2s import OverlapDetector
        >>> det = OverlapDetector.from_paper()
        >>> det.aggregation, det.hard_inclusive
        ('max', True)
        """
        config = paper_config()
        config.update(params)
        return cls(**config)

    def fit_transform(self, X, y=None, *, weak_proba=None):
        """Fit on the pool, then :meth:`transform` it.

        Parameters
        ----------
        X, y, weak_proba
            As in :meth:`fit`; ``weak_proba`` serves both steps.

        Returns
        -------
        scores : ndarray of shape (n_samples, 2)
            ``confidence`` and ``overlap_score`` of every pool point against the fitted
            pool, as :meth:`transform` gives them (a hard-only point is scored too, its
            own similarity included).
        """
        return self.fit(X, y, weak_proba=weak_proba).transform(X, weak_proba=weak_proba)

    def fit_predict(self, X, y=None, *, weak_proba=None):
        """Fit on the pool and return ``labels_``.

        Parameters
        ----------
        X, y, weak_proba
            As in :meth:`fit`.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            ``skw2s.EASY``, ``skw2s.HARD`` or ``skw2s.OVERLAP`` for each point.
        """
        return self.fit(X, y, weak_proba=weak_proba).labels_

    def _no_gold_on_dask(self):
        if getattr(self, "_gold", None) is not None:
            raise ValueError(
                "This detector was fitted with hard_from='gold': score NumPy arrays with it, "
                "not dask arrays (the gold rows' neighbourhoods are computed in memory)."
            )

    def _scores(self, X, weak_proba):
        check_is_fitted(self)
        X, _ = self._validate_X(X, reset=False)
        Z = self._represent(X, fitting=False)
        if self._gold is not None:  # hard_from="gold": the new rows' nearest gold rows
            c = self._gold.of(Z)
        else:
            c = weak_confidence(self._weak_proba(X, weak_proba), self.confidence)
        return c, self.index_.score(Z)

    def transform(self, X, *, weak_proba=None):
        """Confidence and overlap score of new points against the fitted pool.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or raw input
            New points (raw input when ``representation`` accepts it).
        weak_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Weak-model probabilities of the new points; required when the detector was
            fitted on precomputed probabilities, otherwise the fitted weak estimator
            scores ``X``.

        Returns
        -------
        scores : ndarray of shape (n_samples, 2)
            Columns ``confidence`` and ``overlap_score`` (0 when the fitted pool has no
            hard-only point).
        """
        if _dask.is_dask_collection(X, weak_proba):
            self._no_gold_on_dask()
            return _dask.transform_detector(self, X, weak_proba)
        c, s = self._scores(X, weak_proba)
        return np.column_stack([c, s])

    def predict(self, X, *, weak_proba=None):
        """Label new points against the fitted pool's thresholds and hard reference set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or raw input
            New points (raw input when ``representation`` accepts it).
        weak_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Weak-model probabilities of the new points; required when the detector was
            fitted on precomputed probabilities, otherwise the fitted weak estimator
            scores ``X``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            ``skw2s.EASY``, ``skw2s.HARD`` or ``skw2s.OVERLAP``.
        """
        if _dask.is_dask_collection(X, weak_proba):
            self._no_gold_on_dask()
            return _dask.predict_detector(self, X, weak_proba)
        c, s = self._scores(X, weak_proba)
        return label_points(
            c, s, self.confidence_threshold_, self.overlap_threshold_, self.hard_inclusive
        )

    def fit_resample(self, X, y, *, weak_proba=None):
        """Fit on the pool and return its detected overlap subset.

        A convenience for direct use. A step of an imbalanced-learn ``Pipeline`` may
        resample or transform, not both, so the detector (a transformer) cannot be one:
        use :class:`OverlapResampler` there, which returns the same rows.

        Parameters
        ----------
        X, weak_proba
            As in :meth:`fit`.
        y : array-like of shape (n_samples,) or None
            Labels (gold or pseudolabels) to subset alongside ``X``; also used to fit
            the weak estimator as in :meth:`fit`.

        Returns
        -------
        X_resampled, y_resampled
            The overlap rows of ``X`` and ``y`` (``y_resampled`` is None when ``y`` is).
            Their row indices in the pool are stored in ``sample_indices_``.
        """
        self.fit(X, y, weak_proba=weak_proba)
        self.sample_indices_ = _group_indices(self.labels_, (OVERLAP,))
        return _take_rows(X, self.sample_indices_), _take_rows(y, self.sample_indices_)

    def get_feature_names_out(self, input_features=None):
        """Names of the two columns of :meth:`transform`.

        Parameters
        ----------
        input_features : ignored
            Present for API consistency.

        Returns
        -------
        names : ndarray of str
            ``["confidence", "overlap_score"]``.
        """
        check_is_fitted(self)
        return np.asarray(["confidence", "overlap_score"], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        if self.representation is not None:
            tags.input_tags.string = True
        return tags


def _gram_scores(Z, detector):
    """A function of reference-row weights giving every row's rms overlap score, from
    the squared n x n similarity matrix when it fits in ``working_memory`` (one
    matrix-vector product per resample instead of a d x d second moment), else None."""
    n = Z.shape[0]
    if detector.aggregation != "rms" or n * n * 8 > detector.working_memory * 2**20:
        return None
    U = SimilarityIndex(detector.similarity, "rms").prepare(np.asarray(Z, dtype=np.float64))
    K = U @ U.T
    K *= K
    return lambda weights: np.sqrt(np.maximum(K @ weights / weights.sum(), 0.0))


#: Largest pool whose bootstrap recomputes the overlap scores against every resample's
#: hard set when the n x n matrix does not fit (see _bootstrap_partition).
_EXACT_RESAMPLE_ROWS = 20000


def _bootstrap_partition(detector, c, Z, split, rng):
    """Group probabilities of the pool's points and the density of each resample.

    Each resample draws the pool's rows with replacement and reruns the whole
    partition on it (both rules, the hard reference set, the overlap scores); its
    fitted thresholds and reference set then label every point of the pool. A point's
    group probability is the fraction of resamples giving it that group (bagging); a
    resample's density is the fraction of its own rows labelled overlap.

    Past ``_EXACT_RESAMPLE_ROWS`` rows (and no n x n matrix in ``working_memory``), the
    overlap scores are held at those against the pool's own hard set instead of being
    recomputed against each resample's (O(n d^2) per resample): the rules still rerun
    on every resample. The hard set of a large pool moves little between resamples.
    """
    n = c.shape[0]
    B = detector.n_resamples
    conf_rule, overlap_rule = detector._confidence_rule, detector._overlap_rule
    inclusive = detector.hard_inclusive
    gram = _gram_scores(Z, detector)
    fixed = None
    if gram is None and n > _EXACT_RESAMPLE_ROWS and detector.hard_indices_.size:
        # the pool's fit scored its non-hard rows already: only the hard rows are new
        fixed = detector.overlap_score_.copy()
        fixed[detector.hard_indices_] = detector.index_.score(Z, detector.hard_indices_)
    counts = np.zeros((n, 3))
    densities = np.empty(B)
    rows = np.arange(n)
    # A resample reruns a fit whose warnings the caller has had once already.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b in range(B):
            # hard_from="gold": every row's confidence under a redraw of the gold rows too
            c_b = c if detector._gold is None else detector._gold.resampled(rng)
            idx = rng.randint(n, size=n)
            cb = c_b[idx]
            tau_hard = confidence_cut(conf_rule, cb, split)[0]
            hard_b = hard_mask(cb, tau_hard, inclusive)
            tau_overlap = np.inf
            s = np.zeros(n)
            if hard_b.any() and not hard_b.all():
                ref = idx[hard_b]
                if fixed is not None:
                    s = fixed
                elif gram is not None:
                    s = gram(np.bincount(ref, minlength=n).astype(np.float64))
                else:
                    index = SimilarityIndex(detector.similarity, detector.aggregation,
                                            detector.working_memory)
                    s = index.fit(Z, ref).score(Z)
                tau_overlap = overlap_cut(
                    overlap_rule, s[idx][~hard_b], lambda: Z[np.unique(ref)],
                    detector.similarity, detector.aggregation, split=split,
                )[0]
            pool_labels = label_points(c_b, s, tau_hard, tau_overlap, inclusive)
            counts[rows, pool_labels] += 1
            densities[b] = np.mean(pool_labels[idx] == OVERLAP)
    return counts / B, densities


def _group_indices(labels, groups):
    """Positions of the rows whose label is in ``groups`` (dask labels are computed first:
    they are built from client-side values, so no cluster is needed)."""
    if _dask.is_dask_collection(labels):
        labels = labels.compute(scheduler="sync")
    return np.flatnonzero(np.isin(labels, groups))


def _take_rows(values, idx):
    """Rows ``idx`` of ``values`` (None stays None), of the same type: NumPy, pandas, list, dask."""
    if values is None:
        return None
    return values[idx] if _dask.is_dask_collection(values) else _safe_indexing(values, idx)


#: What ``OverlapResampler(keep=...)`` accepts as a name, and the group codes it keeps.
_KEEP = {"nonhard": (EASY, OVERLAP), **{name: (code,) for code, name in enumerate(GROUP_NAMES)}}


class OverlapResampler(OneToOneFeatureMixin, BaseEstimator):
    """Keep the rows of chosen detected groups: an imbalanced-learn style resampler.

    Fits an :class:`OverlapDetector` on the data it is given and returns the rows
    detected in the groups named by ``keep`` (by default the overlap points).
    It implements ``fit_resample`` and no ``transform``, so that it can be a step of
    an imbalanced-learn ``Pipeline`` (``imblearn.pipeline``): the next step is then
    trained on the kept rows only, and at prediction time the resampler is skipped.
    It does not depend on imbalanced-learn.

    Parameters
    ----------
    detector : OverlapDetector or None, default=None
        The detection to run; None means ``OverlapDetector()``. It is cloned and
        fitted on the data of :meth:`fit_resample` (its weak estimator on the rows of
        ``y`` that are not -1, unless ``weak_proba`` is passed or it is frozen).
    keep : {"overlap", "nonhard", "easy", "hard"} or list of str, default="overlap"
        Groups whose rows are kept: a name of :data:`skw2s.GROUP_NAMES`, ``"nonhard"``
        (easy-only and overlap points, as in ``WeakToStrongClassifier(train_on=...)``),
        or a list of names of :data:`skw2s.GROUP_NAMES`.

    Attributes
    ----------
    detector_ : OverlapDetector
        The fitted detector; its ``labels_`` are the groups of the rows.
    sample_indices_ : ndarray of int
        Positions in ``X`` of the rows kept, in increasing order (empty, with a
        :class:`~skw2s.DegenerateDataWarning`, when no row is in the kept groups).
    n_features_in_ : int
        Defined when the detector validated ``X`` as a matrix.
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    See Also
    --------
    OverlapDetector.fit_resample : the overlap subset, from the detector itself.
    WeakToStrongClassifier : trains a strong estimator on detected groups, with the
        weak model's pseudolabels and a fallback for empty or one-class subsets.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skw2s import OVERLAP, OverlapResampler
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, group, weak_cols = make_overlap_classification(random_state=0)
    >>> weak = LogisticRegression().fit(X[:, weak_cols], y)
    >>> res = OverlapResampler()
    >>> X_res, y_res = res.fit_resample(X, y, weak_proba=weak.predict_proba(X[:, weak_cols]))
    >>> X_res.shape  # the overlap points: 30% of the 1,000
    (300, 40)
    >>> bool((res.detector_.labels_[res.sample_indices_] == OVERLAP).all())
    True

    In an imbalanced-learn pipeline (``pip install imbalanced-learn``) the strong
    model is trained on the detected overlap rows only::

        from imblearn.pipeline import make_pipeline
        pipe = make_pipeline(OverlapResampler(), LogisticRegression()).fit(X, y)
    """

    def __init__(self, detector=None, *, keep="overlap"):
        self.detector = detector
        self.keep = keep

    def _groups(self):
        names = [self.keep] if isinstance(self.keep, str) else self.keep
        if not isinstance(names, (list, tuple)) or not names:
            raise TypeError(
                "keep must be a group name or a non-empty list of group names; got "
                f"{self.keep!r}."
            )
        allowed = tuple(_KEEP) if isinstance(self.keep, str) else GROUP_NAMES
        bad = [name for name in names if not isinstance(name, str) or name not in allowed]
        if bad:
            raise ValueError(
                f"keep must be one of {allowed} or a list of {GROUP_NAMES}; got {self.keep!r}."
            )
        return sorted({code for name in names for code in _KEEP[name]})

    def fit(self, X, y=None, *, weak_proba=None):
        """Fit the detector on ``X`` and record the rows kept in ``sample_indices_``.

        Parameters
        ----------
        X, y, weak_proba
            As in :meth:`OverlapDetector.fit`.

        Returns
        -------
        self : OverlapResampler
        """
        groups = self._groups()
        if self.detector is not None and not isinstance(self.detector, OverlapDetector):
            raise TypeError(
                f"detector must be an OverlapDetector or None; got {type(self.detector).__name__}."
            )
        detector = OverlapDetector() if self.detector is None else clone(self.detector)
        self.detector_ = detector.fit(X, y, weak_proba=weak_proba)
        for name in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(name, None)
            if hasattr(self.detector_, name):
                setattr(self, name, getattr(self.detector_, name))
        self.sample_indices_ = _group_indices(self.detector_.labels_, groups)
        if self.sample_indices_.size == 0:
            warnings.warn(
                f"keep={self.keep!r}: no row was detected in the kept groups; the "
                "resampled data is empty.",
                DegenerateDataWarning,
                stacklevel=3,
            )
        return self

    def fit_resample(self, X, y=None, *, weak_proba=None):
        """Fit the detector on ``X`` and return the rows of the kept groups.

        Parameters
        ----------
        X, y, weak_proba
            As in :meth:`OverlapDetector.fit`; ``y`` is subset alongside ``X``.

        Returns
        -------
        X_resampled, y_resampled
            The rows ``sample_indices_`` of ``X`` and ``y``, of the same types
            (``y_resampled`` is None when ``y`` is).
        """
        self.fit(X, y, weak_proba=weak_proba)
        return _take_rows(X, self.sample_indices_), _take_rows(y, self.sample_indices_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        if self.detector is not None and self.detector.representation is not None:
            tags.input_tags.string = True
        return tags
