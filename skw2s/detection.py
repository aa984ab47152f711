"""OverlapDetector: split a pool into easy-only, hard-only and overlap points."""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils import _safe_indexing, check_array
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

from ._confidence import CONFIDENCE_METHODS, check_proba, fit_weak_proba, weak_confidence
from ._constants import EASY, HARD, OVERLAP
from ._utils import is_frozen as _is_frozen
from ._utils import is_unlabelled as _is_unlabelled
from ._similarity import AGGREGATIONS, SIMILARITIES, SimilarityIndex
from .exceptions import DegenerateDataWarning
from .thresholds import resolve_threshold, split_quality

__all__ = ["OverlapDetector"]


class OverlapDetector(TransformerMixin, BaseEstimator):
    """Detect overlap points: confidently weak-labelled points that resemble hard-only ones.

    Implements the detection algorithm of Shin, Cooper and Sala, "Weak-to-Strong
    Generalization Through the Data-Centric Lens" (ICLR 2025) on any feature matrix:

    1. the weak model's confidence ``c`` of each point (``2 |p - 0.5|`` when binary);
    2. hard-only points are those with ``c < confidence_threshold_`` (strict: a point
       exactly at the threshold is not hard), the threshold being by default the single
       least-squares change point of the sorted confidences;
    3. every other point gets an overlap score, an aggregation over the hard points of
       its similarity to each of them, computed on the strong-side representation;
    4. non-hard points with ``score >= overlap_threshold_`` (by default again a change
       point) are overlap points, the rest are easy-only points.

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
    confidence_threshold : "changepoint", float, ruptures search or threshold object, \
            default="changepoint"
        Rule cutting the confidences (see :mod:`skw2s.thresholds`). A ruptures search
        object is cut at its first breakpoint.
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
    overlap_threshold : "changepoint", float, ruptures search or threshold object, \
            default="changepoint"
        Rule cutting the overlap scores of the non-hard points. A ruptures search
        object is cut at its last breakpoint.
    center : bool, default=False
        Subtract the pool's mean representation before computing similarities (real
        embeddings share a large common direction that makes raw cosines all high).
    cv : int, cross-validation generator or None, default=None
        When set, the confidences of the labelled rows come from out-of-fold
        ``cross_val_predict`` probabilities instead of in-sample ones.
    working_memory : float, default=128
        MiB of similarities held at once by the exact ``"max"``/``"mean"`` aggregation;
        the (n_nonhard x n_hard) matrix is never materialised.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Group of each point of the pool: ``skw2s.EASY`` (0), ``skw2s.HARD`` (1) or
        ``skw2s.OVERLAP`` (2); ``skw2s.GROUP_NAMES[label]`` is its name.
    overlap_density_ : float
        Fraction of overlap points in the pool.
    confidence_ : ndarray of shape (n_samples,)
        Weak-model confidence of each point.
    overlap_score_ : ndarray of shape (n_samples,)
        Overlap score of each non-hard point; NaN for hard-only points.
    confidence_threshold_, overlap_threshold_ : float
        The fitted thresholds (``overlap_threshold_`` is ``inf`` when the pool has no
        hard-only or no non-hard point: then nothing is an overlap point).
    confidence_split_quality_, overlap_split_quality_ : float
        Fraction of the variance of the scores explained by the split
        (:func:`skw2s.thresholds.split_quality`): near 1 for two well separated groups,
        about 0.64 for the forced split of a unimodal Gaussian. NaN when undefined.
    hard_indices_ : ndarray
        Indices of the hard-only points, the reference set for :meth:`predict`.
    weak_estimator_ : estimator or None
        The fitted weak model (None when ``weak_proba`` was given).
    representation_ : transformer or None
    center_ : ndarray of shape (n_repr_features,) or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Notes
    -----
    Degenerate pools (each documented behaviour emits a
    :class:`~skw2s.DegenerateDataWarning`):

    * too few points for the change-point grid, or all confidences equal: see
      :class:`~skw2s.thresholds.ChangePointThreshold` (equal confidences give no hard
      point);
    * no hard-only point: overlap is undefined, every point is easy-only, the overlap
      density is 0 and the overlap scores are 0;
    * no non-hard point: every point is hard-only;
    * a single class in ``y`` when the weak model must be fitted: ``ValueError``.

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
        confidence_threshold="changepoint",
        similarity="abs_cosine",
        aggregation="rms",
        overlap_threshold="changepoint",
        center=False,
        cv=None,
        working_memory=128,
    ):
        self.weak_estimator = weak_estimator
        self.representation = representation
        self.confidence = confidence
        self.confidence_threshold = confidence_threshold
        self.similarity = similarity
        self.aggregation = aggregation
        self.overlap_threshold = overlap_threshold
        self.center = center
        self.cv = cv
        self.working_memory = working_memory

    # ------------------------------------------------------------------ helpers
    def _check_params(self):
        if self.confidence not in CONFIDENCE_METHODS:
            raise ValueError(
                f"confidence must be one of {CONFIDENCE_METHODS}; got {self.confidence!r}."
            )
        if self.similarity not in SIMILARITIES:
            raise ValueError(
                f"similarity must be one of {SIMILARITIES}; got {self.similarity!r}."
            )
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(
                f"aggregation must be one of {AGGREGATIONS}; got {self.aggregation!r}."
            )
        if not isinstance(self.center, (bool, np.bool_)):
            raise TypeError(f"center must be a bool; got {self.center!r}.")
        if (
            not isinstance(self.working_memory, numbers.Real)
            or isinstance(self.working_memory, bool)
            or not self.working_memory > 0
        ):
            raise ValueError(
                f"working_memory must be a positive number of MiB; got {self.working_memory!r}."
            )
        for name in ("weak_estimator", "representation"):
            value = getattr(self, name)
            method = "predict_proba" if name == "weak_estimator" else "transform"
            if value is not None and not hasattr(value, method):
                raise TypeError(
                    f"{name} must be an estimator with {method}; got {type(value).__name__}."
                )
        self._confidence_rule = resolve_threshold(
            self.confidence_threshold, name="confidence_threshold", breakpoint="first"
        )
        self._overlap_rule = resolve_threshold(
            self.overlap_threshold, name="overlap_threshold", breakpoint="last"
        )

    def _validate_X(self, X, y=None, reset=True):
        if self.representation is None:
            kwargs = dict(dtype=[np.float64, np.float32], ensure_all_finite=True)
            try:
                if y is not None and reset:
                    X, y = validate_data(self, X, y, reset=reset, **kwargs)
                else:
                    X = validate_data(self, X, reset=reset, **kwargs)
            except ValueError as exc:
                if "could not convert" not in str(exc):
                    raise
                raise ValueError(
                    "OverlapDetector got non-numeric X (texts?) and no representation: set "
                    "representation= to a transformer mapping X to features, e.g. an HFEmbedder."
                ) from exc
        else:
            # Raw input (texts...) flows to the representation and the weak estimator.
            validate_data(self, X, reset=reset, skip_check_array=True)
            if y is not None and _num_samples(y) != _num_samples(X):
                raise ValueError(
                    f"X has {_num_samples(X)} samples but y has {_num_samples(y)}."
                )
        return X, y

    def _fit_weak_proba(self, X, y, weak_proba):
        proba, self.weak_estimator_ = fit_weak_proba(
            "OverlapDetector", self.weak_estimator, X, y, weak_proba
        )
        if self.cv is not None and self.weak_estimator_ is not None and not _is_frozen(self.weak_estimator_):
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
            return check_proba(weak_proba, n)
        if self.weak_estimator_ is None:
            raise ValueError(
                "weak_proba is required: this detector was fitted on precomputed weak "
                "probabilities, so it has no weak estimator to score new points."
            )
        return check_proba(self.weak_estimator_.predict_proba(X), n, "weak_estimator.predict_proba(X)")

    def _represent(self, X, fitting):
        if self.representation is None:
            Z = X
        else:
            if fitting:
                self.representation_ = clone(self.representation)
                if _is_frozen(self.representation):
                    Z = self.representation_.transform(X)
                else:
                    Z = self.representation_.fit_transform(X)
            else:
                Z = self.representation_.transform(X)
            try:
                Z = check_array(Z, dtype=[np.float64, np.float32], ensure_all_finite=True)
            except ValueError as exc:
                raise ValueError(f"The output of representation is not usable: {exc}") from exc
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
        X : array-like of shape (n_samples, n_features), or raw input
            The pool. Raw input (texts) is allowed when ``representation`` and the weak
            estimator accept it.
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
        X, y = self._validate_X(X, y, reset=True)
        proba = self._fit_weak_proba(X, y, weak_proba)
        Z = self._represent(X, fitting=True)
        n = Z.shape[0]

        c = weak_confidence(proba, self.confidence)
        tau_hard = float(self._confidence_rule(c))
        hard = c < tau_hard
        self.confidence_ = c
        self.confidence_threshold_ = tau_hard
        self.confidence_split_quality_ = split_quality(c, tau_hard)
        self.hard_indices_ = np.flatnonzero(hard)
        self.index_ = SimilarityIndex(
            self.similarity, self.aggregation, self.working_memory
        ).fit(Z, self.hard_indices_)

        labels = np.full(n, EASY, dtype=np.int8)
        labels[hard] = HARD
        score = np.full(n, np.nan)
        nonhard = ~hard
        self.overlap_split_quality_ = float("nan")
        if not hard.any():
            warnings.warn(
                "No hard-only point in the pool: overlap is undefined, every point is "
                "labelled easy-only and the overlap density is 0.",
                DegenerateDataWarning,
                stacklevel=2,
            )
            score[:] = 0.0
            self.overlap_threshold_ = float("inf")
        elif not nonhard.any():
            warnings.warn(
                "Every point of the pool is hard-only: there is no easy-only or overlap point.",
                DegenerateDataWarning,
                stacklevel=2,
            )
            self.overlap_threshold_ = float("inf")
        else:
            score[nonhard] = self.index_.score(Z, np.flatnonzero(nonhard))
            tau_overlap = float(self._overlap_rule(score[nonhard]))
            self.overlap_threshold_ = tau_overlap
            self.overlap_split_quality_ = split_quality(score[nonhard], tau_overlap)
            labels[nonhard & (score >= tau_overlap)] = OVERLAP
        self.overlap_score_ = score
        self.labels_ = labels
        self.overlap_density_ = float(np.mean(labels == OVERLAP)) if n else 0.0
        return self

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

    def _scores(self, X, weak_proba):
        check_is_fitted(self)
        X, _ = self._validate_X(X, reset=False)
        c = weak_confidence(self._weak_proba(X, weak_proba), self.confidence)
        Z = self._represent(X, fitting=False)
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
        c, s = self._scores(X, weak_proba)
        labels = np.full(c.shape[0], EASY, dtype=np.int8)
        hard = c < self.confidence_threshold_
        labels[~hard & (s >= self.overlap_threshold_)] = OVERLAP
        labels[hard] = HARD
        return labels

    def fit_resample(self, X, y, *, weak_proba=None):
        """Fit on the pool and return its detected overlap subset (imbalanced-learn style).

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
        idx = np.flatnonzero(self.labels_ == OVERLAP)
        self.sample_indices_ = idx
        y_res = None if y is None else _safe_indexing(y, idx)
        return _safe_indexing(X, idx), y_res

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
