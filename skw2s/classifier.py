"""WeakToStrongClassifier: a weak model pseudolabels a pool, a strong model learns from it."""

import numbers
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils import check_array, check_random_state, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    assert_all_finite,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
    validate_data,
)

from ._progress import report
from ._representation import represent
from ._strong_view import proba_in_classes
from ._weak import CONFIDENCE_METHODS, check_proba, fit_weak_proba, weak_confidence
from ._sklearn_compat import check_method_params as _check_method_params
from ._sklearn_compat import num_samples as _num_samples
from ._sklearn_compat import raise_for_params as _raise_for_params
from ._sklearn_compat import routing_enabled as _routing_enabled
from ._sklearn_compat import safe_indexing as _safe_indexing
from ._training_rows import (
    AUTO_CANDIDATES,
    check_train_on,
    needs_detector,
    needs_neighbours,
    needs_strong_view,
    needs_trust,
    select_rows,
)
from ._utils import check_int, is_unlabelled, labelled_targets
from .detection import OverlapDetector
from .exceptions import DegenerateDataError, DegenerateDataWarning
from .metrics import _labelled_accuracy
from .trust import TRUST_NEIGHBORS, default_trust_estimator, label_agreement, pool_neighbourhoods

__all__ = ["WeakToStrongClassifier"]

PSEUDOLABELS = ("hard", "soft")


def _strong_has(attr):
    """available_if check: the (fitted, else unfitted) strong estimator has ``attr``."""

    def check(self):
        est = getattr(self, "strong_estimator_", None)
        getattr(self._est("strong_estimator") if est is None else est, attr)  # AttributeError
        return True

    return check


class WeakToStrongClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Weak-to-strong training: a weak model pseudolabels a pool, a strong model learns it.

    Rows of ``y`` equal to -1 form the unlabelled *pool* (scikit-learn's semi-supervised
    convention, as in :class:`~sklearn.semi_supervised.SelfTrainingClassifier`). The
    weak estimator learns from the labelled rows, pseudolabels the pool, an optional
    :class:`~skw2s.OverlapDetector` partitions the pool into easy-only, hard-only and
    overlap points (Shin, Cooper and Sala, ICLR 2025), and the strong estimator learns
    from the pseudolabels of the chosen pool rows. Labelled rows only ever train the
    weak estimator: the strong estimator never sees a gold label (the W2S setting).

    Parameters
    ----------
    weak_estimator : classifier or None, default=None
        Must have ``predict_proba``. Cloned and fitted on the labelled rows, unless it is
        wrapped in :class:`sklearn.frozen.FrozenEstimator` (then it is used as it is,
        and every row may be unlabelled). None means ``LogisticRegression()``. It sees
        ``X`` as given: use a Pipeline to select the weak-side columns or embed text.
        Ignored when ``weak_proba`` is passed to :meth:`fit`.
    strong_estimator : classifier or None, default=None
        Cloned and fitted on the pseudolabelled rows. None means
        ``LogisticRegression()``.
    detector : OverlapDetector or None, default=None
        Partitions the pool. It is cloned and fitted on the pool rows of ``X`` with
        ``weak_proba`` set to the weak probabilities (its ``representation`` decides
        what it sees of ``X``). None means no detection when ``train_on="all"`` and
        ``OverlapDetector()`` otherwise. A detector given with ``train_on="all"`` only
        adds the diagnostics ``pool_labels_`` and ``overlap_density_``. A detector
        already fitted on the pool rows of ``X`` (in their order, with these weak
        probabilities) and wrapped in :class:`sklearn.frozen.FrozenEstimator` is used as
        it is, without a second fit (except in the validation folds of
        ``train_on="auto"``, where a clone of it partitions each fold's pool with that
        fold's probabilities: the frozen partition saw every labelled row).
    train_on : {"all", "overlap", "nonhard", "auto"}, float or tuple, default="all"
        Which pseudolabelled pool rows train the strong estimator:

        * ``"all"``: every pool row (plain W2S);
        * ``"overlap"``: the detected overlap points only;
        * ``"nonhard"``: overlap plus easy-only points (hard-only points dropped);
        * a float ``q``: the paper's mixing experiment. With ``O`` the overlap points
          and ``R`` the others, ``N = min(|O|, |R|)`` points are drawn without
          replacement, ``round(q N)`` from ``O`` and the rest from ``R``;
        * ``("confident", q)`` with q in (0, 1]: the ``ceil(q n_c)`` pool rows of each
          pseudolabel class (``n_c`` rows) with the highest weak confidence (the
          detector's ``confidence`` measure). Ranking within each class keeps the
          pool's pseudolabel class proportions. Needs no detector;
        * ``"confident_learning"``: the strong side's view. The strong estimator is
          trained on the pool's hard pseudolabels in 5 stratified folds; the rows that
          confident learning (``cleanlab.filter.find_label_issues`` with its defaults,
          on those out-of-fold probabilities) flags as label issues are dropped. Uses
          no gold label; needs a strong estimator with ``predict_proba``;
        * ``("strong", q)`` with q in (0, 1]: the ``ceil(q n_c)`` rows of each
          pseudolabel class whose out-of-fold strong probability of their own
          pseudolabel is highest (same view as ``"confident_learning"``);
        * ``("trust", q)`` with q in (0, 1]: the ``ceil(q n_c)`` rows of each
          pseudolabel class that the gold rows trust most: the probability that the
          pseudolabel is right, learnt on the labelled rows (their weak labels
          cross-fitted with ``cv`` folds) from the weak confidence and margin, the
          strong side's out-of-fold view, and the agreement of the row's neighbours
          (in the detector's ``representation``, else ``X``) among the pool and the
          labelled rows; see :class:`~skw2s.WeakLabelTrust`. Needs labelled rows
          (without any, every pool row is used, with a warning);
        * ``("cut", q)`` with q in (0, 1]: the ``ceil(q n_c)`` rows of each
          pseudolabel class whose 10 nearest pool rows (cosine on the detector's
          ``representation``, else ``X``, centred) most often share their pseudolabel,
          ties ranked by weak confidence: the cut statistic of Lang, Vijayaraghavan and
          Sontag (NeurIPS 2022) on an unweighted neighbour graph. Uses no gold label
          and no strong fit;
        * ``"auto"`` (recommended where labelled rows exist): the candidate among
          ``"all"``, ``"nonhard"``, ``"overlap"``, ``("confident", 0.5)``,
          ``"confident_learning"``, ``("strong", 0.8)``, ``("strong", 0.6)``,
          ``("trust", 0.8)`` and ``("trust", 0.6)`` that the labelled rows certify
          as better than ``"confident_learning"`` (the reference, kept when none is,
          and used when ``y`` holds no labelled row); see the Notes. The trust
          candidates are cross-fitted like the others (a fold's trust learns from the
          other folds' labelled rows only), also on a fixed weak side validated
          directly (see ``cv``), where every other candidate is fitted once: there a
          fold's trust ranks the final pool and its rows predict the fold's held-out
          labelled rows (left out when a class has fewer than 2 labelled rows).

        When the chosen subset is empty (no overlap point, say) a
        :class:`~skw2s.DegenerateDataWarning` is emitted and every pool row is used.
        **Class coverage:** a subset never drops a class that the pool's pseudolabels
        hold (a class missing from the training rows can never be predicted). A class
        the subset misses gets its most overlap-like pool rows (highest overlap score
        among its non-hard rows, then its hard rows), as many as its share of the pool
        times the subset size (at least one), with a warning naming the classes.
    pseudolabels : {"hard", "soft"}, default="hard"
        ``"hard"``: the weak model's most probable class. ``"soft"``: each chosen row
        is repeated once per class, labelled with that class and weighted by its weak
        probability (the expected loss under the weak distribution; rows of weight 0
        are dropped). Soft labels need a strong estimator whose ``fit`` accepts
        ``sample_weight`` (for a Pipeline, its last step); otherwise ``fit`` raises a
        ``TypeError``.
    cv : int or cross-validation splitter, default=5
        Folds of the labelled rows for ``train_on="auto"`` (ignored otherwise; when the
        weak side is fixed, a frozen weak estimator or ``weak_proba``, only the trust
        candidates are cross-fitted over them). An int gives
        ``StratifiedKFold(cv, shuffle=True, random_state=random_state)``; when a class
        has fewer labelled rows than ``cv`` (but at least 2), that many folds are used,
        with a :class:`~skw2s.DegenerateDataWarning`; a class with a single labelled row
        is a ``ValueError``. A splitter is used as it is (``split(X, y)`` on the labelled
        rows); each of its training folds must hold every class, and every labelled
        row must be a test row at least once. A repeated splitter
        (``RepeatedStratifiedKFold``) is repeated cross-fitting: a row's probabilities
        are averaged over its repeats before it is scored.
    scoring : {"brier", "log_loss", "accuracy"}, default="brier"
        The per-row score of ``train_on="auto"``'s decision: the Brier score (sum of
        squared errors of the class probabilities), the log-loss (probabilities floored
        at 1e-4) or the 0/1 error of the strong model's prediction of each labelled
        row. ``"accuracy"`` is used when the strong estimator has no
        ``predict_proba``. Accuracy is reported in ``validation_scores_`` either way.
    margin : float, default=0.0
        A candidate of ``train_on="auto"`` is certified when the simultaneous lower
        confidence bound of its gain over the reference (``"confident_learning"``; in
        the units of ``scoring``)
        exceeds ``margin``. Raise it to ask a subset for a larger gain.
    classes : array-like or None, default=None
        Class labels of the columns of a precomputed ``weak_proba``, in column order
        (see :meth:`fit`). Without it they are the sorted labels of the labelled rows
        when there are any, else ``range(k)``. ``classes_`` is always sorted, as in
        scikit-learn: the columns of ``weak_proba`` are reordered to match. Every label
        of the labelled rows must be one of them (a ``ValueError`` otherwise: 1 and
        ``"1"`` differ). Ignored when a weak estimator is used.
    n_jobs : int or None, default=None
        Jobs running the validation splits of ``train_on="auto"`` in parallel (joblib;
        each split refits the weak side, the detector, the strong view, the trust and
        every candidate; on a fixed weak side, the folds of the trust candidates). None
        means 1 unless in a :func:`joblib.parallel_backend` context; -1 means all
        processors. With an int ``random_state`` the fit is the same,
        bit for bit, whatever ``n_jobs``.
    random_state : int, RandomState instance or None, default=None
        Draws the subset when ``train_on`` is a float, shuffles the folds of
        ``train_on="auto"`` (an int ``cv``), and seeds the detector's bootstrap when the
        detector's own ``random_state`` is None (the default detector included). Pass an
        int for reproducible fits: the same ``random_state`` gives the same fit, bit for
        bit.
    verbose : int, default=0
        With ``train_on="auto"`` and ``verbose >= 1``, one line per validation split on
        standard output (its strong fits and seconds), and one for the decision.

    Attributes
    ----------
    weak_estimator_ : estimator or None
        The fitted weak estimator (None when ``weak_proba`` was given).
    strong_estimator_ : estimator
        The fitted strong estimator; predictions delegate to it.
    detector_ : OverlapDetector or None
        The detector fitted on the pool.
    classes_ : ndarray
        The class labels, sorted (the weak model's classes); the columns of
        :meth:`predict_proba` follow them.
    pool_indices_ : ndarray of int
        Row indices of ``X`` forming the pool.
    pseudolabels_ : ndarray of shape (n_pool,)
        Hard pseudolabels of the pool (most probable weak class).
    pseudolabel_proba_ : ndarray of shape (n_pool, n_classes)
        Weak probabilities of the pool.
    pool_labels_ : ndarray of shape (n_pool,) or None
        Group of each pool row (``skw2s.EASY``, ``HARD``, ``OVERLAP``); None without
        a detector.
    overlap_density_ : float or None
        Fraction of overlap points in the pool; None without a detector.
    train_on_ : str, float or tuple
        The rule actually used: ``train_on``, or what ``"auto"`` chose (``"all"``,
        ``"nonhard"``, ``"overlap"`` or ``("confident", q)``), or ``"all"`` when the
        chosen subset was empty and every pool row was used instead. It is a valid
        ``train_on``: ``clone(clf).set_params(train_on=clf.train_on_)`` makes the
        same choice without validating.
    strong_oof_proba_ : ndarray of shape (n_pool, n_classes) or None
        The strong side's out-of-fold probabilities of the pool rows (trained on the
        final hard pseudolabels; columns ``classes_``) when the rule used reads them
        (``"confident_learning"``, ``("strong", q)``, ``("trust", q)``); None otherwise.
    trust_ : ndarray of shape (n_pool,) or None
        With a ``("trust", q)`` rule (given, or chosen by ``"auto"``): the probability
        that each pool row's pseudolabel is right, learnt on every labelled row; None
        otherwise.
    neighbour_agreement_ : ndarray of shape (n_pool,) or None
        With a ``("cut", q)`` rule: the share of each pool row's 10 nearest pool rows
        with the same pseudolabel; None otherwise.
    validation_scores_ : dict or None
        With ``train_on="auto"`` (None otherwise, and when no row is labelled): one
        entry per candidate, in the style of ``GridSearchCV.cv_results_`` (a
        ``pandas.DataFrame(validation_scores_)`` is a table). Keys: ``"train_on"``
        (the candidates), ``"mean_score"`` (accuracy over every labelled row, out of
        fold when cross-fitted), ``"split{k}_score"`` (accuracy on each split's test
        rows; one split on a fixed weak side), ``"std_score"`` (over splits),
        ``"accuracy_gain"`` (``mean_score`` minus that of the reference),
        ``"mean_<scoring>"`` (the mean per-row loss of ``scoring``), ``"gain"`` (the
        mean per-row decrease of that loss against the reference: positive is
        better), ``"gain_se"`` (its paired standard error), ``"gain_lower"`` (the
        simultaneous lower confidence bound of the gain, NaN for the reference and for
        a candidate equal to it on every row), ``"certified"`` (``gain_lower >
        margin`` and an accuracy not below the reference's), ``"reference"`` (True for
        the reference, ``"confident_learning"``),
        ``"mean_n_rows"`` (pool rows trained on, mean over splits) and
        ``"rank_score"`` (by accuracy).
    train_indices_ : ndarray of int
        Row indices of ``X`` the strong estimator trained on (each once, also with
        soft pseudolabels).
    coverage_indices_ : ndarray of int
        The rows of ``train_indices_`` added only to keep every pseudolabel class (see
        ``train_on``); empty when none was needed.
    n_features_in_ : int
        Defined when ``X`` has a column count.
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Notes
    -----
    * **train_on="auto"** chooses the training rows by validation on the labelled
      (gold) rows; the strong estimator is scored on them, never trained on them.
      With a trained weak estimator the labelled rows are split into ``cv``
      stratified folds; for each fold, the weak estimator fitted on the other folds
      pseudolabels the pool, the detector (a clone) partitions it, each candidate's
      rows train a clone of the strong estimator, and the held-out fold scores it
      (accuracy). Then the weak estimator is refitted on every labelled row,
      pseudolabels the pool, the detector partitions it and the strong estimator
      learns the chosen rows, as for a fixed ``train_on``. With a fixed weak side
      (a frozen weak estimator or ``weak_proba``) there is nothing to cross-fit: each
      candidate is trained once on the final pseudolabels and scored on every
      labelled row, and the chosen one is kept as the final strong estimator; only
      the trust, which learns from the labelled rows, is cross-fitted over ``cv``
      folds of them (a chosen trust rule is refitted with the trust of every
      labelled row). The
      strong-side candidates read the out-of-fold strong view of each fold's own
      pseudolabels. **No leak:** a candidate never trains on a row that scores it. When ``y`` holds no
      -1 (the pool is every row, labelled ones included) each fold's pool leaves out
      the held-out rows, also on a fixed weak side (which then uses the folds too).

      **Choice, with a known error rate:** the reference is
      ``"confident_learning"``, the label-free recipe that lost to all rows on no
      benchmark (``benchmarks/selection_anchors.py``: it equals all rows where no
      pseudolabel is flagged, and a strong estimator without ``predict_proba`` makes it
      all rows). Each labelled row is scored by every candidate (``scoring``, per
      row), and the paired per-row gains over the reference give each candidate's
      mean gain and standard error. A max-T bootstrap over the
      labelled rows (2,000 resamples) gives simultaneous 95% lower confidence bounds
      (the correction for picking the best of eight correlated candidates); the
      certified candidate (bound above ``margin``, and an accuracy on the labelled
      rows not below the reference's) with the largest gain is chosen, the reference
      when none is. On pools where no subset helps (80 fits) no subset was chosen.

      **Cost** beyond ``train_on="all"`` (one weak fit, one strong fit): with
      ``cv=K`` folds, ``K + 1`` weak fits and ``K x K`` more for the trust (each
      fold's labelled rows cross-fitted; ``K`` more when a trust rule is chosen),
      ``K + 1`` detector fits (none for a frozen detector) and per fold 5 strong fits
      for the out-of-fold strong view plus at most 9 (a candidate whose rows equal
      an earlier one's is not fitted again), and at the end 5 more when the chosen
      rule reads the strong view (one more for the trust); on a fixed weak side, no
      weak fit, one detector fit and at most 12 strong fits plus 2 per fold for the
      trust candidates (2 more when one is chosen): 24 with ``cv=5``. ``n_jobs`` runs
      the ``K`` folds in parallel (the final fit stays in the calling process: on 2
      cores a 2,000-row pool fits in 4.7 s instead of 5.2 s, the same fit;
      ``benchmarks/auto_n_jobs.py``). Warnings raised by the validation fits are
      passed on once each, prefixed ``"train_on='auto' validation:"``.

      **No labelled row** (weak supervision with ``weak_proba`` or a frozen weak
      estimator only): nothing can be certified, so the reference,
      ``"confident_learning"``, is used, as when no candidate is certified, with a
      :class:`~skw2s.DegenerateDataWarning`, and ``validation_scores_`` is None. The
      label-free filter rather than a detected subset: on real data no fixed subset
      wins everywhere (non-hard points gained 1 to 3 points on one known-truth set and
      lost 1.5 to 2.4 on another; overlap-only training collapsed on 2 of 11
      weak-supervision sets), while the filter gained 0.7 to 4.0 points over all rows
      on the real and known-truth text sets and never fell more than 0.12 below them
      (``benchmarks/README.md``).
    * **Scoring.** :meth:`score` ignores the rows of ``y`` equal to -1.
      :class:`~sklearn.semi_supervised.SelfTrainingClassifier` counts them as a class
      of their own, so a ``GridSearchCV`` using its default scoring on partially
      labelled folds silently measures agreement with "-1". Here the default scoring
      is the accuracy on the labelled rows (:func:`skw2s.metrics.labelled_accuracy_score`).
    * **No unlabelled row.** When ``y`` holds no -1, a
      :class:`~skw2s.DegenerateDataWarning` is emitted and every row forms the pool:
      the weak model pseudolabels its own training rows and the strong model learns
      those in-sample pseudolabels (it still never sees gold labels).
    * Only hard pseudolabels of a single class for the strong model raise a
      ``ValueError``; a strong model seeing fewer classes than ``classes_`` gets zero
      probability columns for the missing ones in :meth:`predict_proba`.
    * **Metadata routing.** With ``sklearn.set_config(enable_metadata_routing=True)``,
      extra ``fit`` parameters (``sample_weight``...) go to the weak estimator, the
      detector and the strong estimator that request them (``set_fit_request``),
      restricted to the rows each trains on: the labelled rows, the pool, the rows of
      ``train_indices_``. With soft pseudolabels the copy of row ``i`` for class ``c``
      weighs ``sample_weight[i] * P(c | i)`` (just ``P(c | i)`` when the strong
      estimator does not request ``sample_weight``); for a Pipeline its last step must
      request it. The prediction methods route ``**params`` to the strong estimator's
      method of the same name, :meth:`score` to its ``predict`` (``score`` consumes
      ``sample_weight`` itself). Without routing, extra parameters raise an error.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.compose import ColumnTransformer
    >>> from skw2s.classifier import WeakToStrongClassifier
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, group, weak_cols = make_overlap_classification(300, 300, 300, random_state=0)
    >>> y_train = y.copy()
    >>> y_train[200:] = -1                     # rows 200.. form the unlabelled pool
    >>> weak = make_pipeline(
    ...     ColumnTransformer([("easy", "passthrough", weak_cols)]), LogisticRegression())
    >>> clf = WeakToStrongClassifier(weak, LogisticRegression(C=0.01), train_on="overlap",
    ...                              random_state=0).fit(X, y_train)
    >>> clf.pool_indices_.shape, clf.classes_.tolist()
    ((700,), [0, 1])
    >>> bool(0.2 < clf.overlap_density_ < 0.45)
    True
    >>> clf.score(X[:200], y[:200]) > 0.8
    True

    ``train_on="auto"`` validates which rows to train on with the 200 labelled rows:

    >>> auto = WeakToStrongClassifier(weak, LogisticRegression(C=0.01), train_on="auto",
    ...                               cv=3, random_state=0).fit(X, y_train)
    >>> auto.train_on_                   # the hard-only rows' pseudolabels are noise
    'overlap'
    >>> scores = auto.validation_scores_   # every candidate's validation scores
    >>> [name for name, gain in zip(scores["train_on"], scores["accuracy_gain"]) if gain > 0.1]
    ['nonhard', 'overlap', ('strong', 0.6), ('trust', 0.6)]
    >>> bool(scores["certified"][1] and scores["gain_lower"][1] > 0)   # nonhard: certified too
    True
    """

    def __init__(
        self,
        weak_estimator=None,
        strong_estimator=None,
        *,
        detector=None,
        train_on="all",
        pseudolabels="hard",
        cv=5,
        scoring="brier",
        margin=0.0,
        classes=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.weak_estimator = weak_estimator
        self.strong_estimator = strong_estimator
        self.detector = detector
        self.train_on = train_on
        self.pseudolabels = pseudolabels
        self.cv = cv
        self.scoring = scoring
        self.margin = margin
        self.classes = classes
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        if self.weak_estimator is not None and not (
            hasattr(self.weak_estimator, "fit") and hasattr(self.weak_estimator, "predict_proba")
        ):
            raise TypeError(
                "weak_estimator must be a classifier with fit and predict_proba; got "
                f"{type(self.weak_estimator).__name__}."
            )
        if self.strong_estimator is not None and not (
            hasattr(self.strong_estimator, "fit") and hasattr(self.strong_estimator, "predict")
        ):
            raise TypeError(
                "strong_estimator must be a classifier with fit and predict; got "
                f"{type(self.strong_estimator).__name__}."
            )
        if self.detector is not None and not hasattr(self.detector, "fit"):
            raise TypeError(
                f"detector must be an OverlapDetector or None; got {type(self.detector).__name__}."
            )
        inner = getattr(self.detector, "estimator", self.detector)  # a FrozenEstimator's detector
        if getattr(inner, "get_params", None) and inner.get_params(deep=False).get("hard_from") == "gold":
            raise ValueError(
                "detector: the classifier fits its detector on the pool rows alone, so "
                "hard_from='gold' (which reads the gold rows) cannot be used here; keep "
                "hard_from='confidence', or use train_on=('trust', q), which learns from the "
                "gold rows where the weak labels are wrong."
            )
        if self.n_jobs is not None and (isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, numbers.Integral)
                                        or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None or a nonzero int (-1: all processors); got {self.n_jobs!r}.")
        train_on = check_train_on(self.train_on)
        cv = self.cv
        if isinstance(cv, bool) or not (
            isinstance(cv, numbers.Integral) or (hasattr(cv, "split") and hasattr(cv, "get_n_splits"))
        ):
            raise TypeError(
                "cv must be an int (the number of stratified folds) or a cross-validation "
                f"splitter with split and get_n_splits; got {type(cv).__name__} {cv!r}."
            )
        if isinstance(cv, numbers.Integral) and cv < 2:
            raise ValueError(f"cv must be at least 2 folds; got cv={cv}.")
        from ._auto_train_on import SCORINGS

        if self.scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {SCORINGS}; got {self.scoring!r}.")
        if isinstance(self.margin, bool) or not isinstance(self.margin, numbers.Real) or not np.isfinite(self.margin):
            raise TypeError(f"margin must be a finite real number (a gain of the scoring); got {self.margin!r}.")
        check_int(self.verbose, "verbose", min_value=0)
        if self.pseudolabels not in PSEUDOLABELS:
            raise ValueError(
                f"pseudolabels must be one of {PSEUDOLABELS}; got {self.pseudolabels!r}."
            )
        return train_on

    def _resolve_classes(self, y_lab, k):
        if self.classes is not None:
            classes = np.asarray(self.classes)
            if classes.ndim != 1 or classes.size != k or np.unique(classes).size != k:
                raise ValueError(
                    f"classes must list {k} distinct labels, one per column of weak_proba; "
                    f"got {self.classes!r}."
                )
            unknown = [c for c in np.unique(y_lab).tolist() if c not in set(classes.tolist())]
            if unknown:
                raise ValueError(
                    f"classes={classes.tolist()!r} name the columns of weak_proba, but the "
                    f"labelled rows of y hold the label {unknown[0]!r}, which is not one of "
                    "them: every label of y must be a class (same values and types, e.g. 1 "
                    "and '1' differ)."
                )
            return classes
        if y_lab.size:
            classes = np.unique(y_lab)
            if classes.size != k:
                raise ValueError(
                    f"weak_proba has {k} columns but the labelled rows of y hold "
                    f"{classes.size} classes; pass classes= to name the columns."
                )
            return classes
        return np.arange(k)

    # -------------------------------------------------------------------- fit
    def fit(self, X, y, *, weak_proba=None, **fit_params):
        """Fit the weak estimator, pseudolabel the pool, fit the strong estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or raw input
            Raw input (a list of texts) is fine when the sub-estimators accept it.
        y : array-like of shape (n_samples,) or None
            Labels; -1 marks the unlabelled pool rows (also in an object array of
            string labels). None means every row is unlabelled (then ``weak_proba``
            or a frozen weak estimator is required).
        weak_proba : array-like of shape (n_samples,) or (n_samples, k), default=None
            Precomputed weak probabilities, one row per sample of ``X`` like ``y``
            (weak supervision: a label model's output). The pool is pseudolabelled from
            its own rows; the rows of labelled samples are read only by the trust
            (``train_on=("trust", q)`` and the trust candidates of ``"auto"``, which
            learn where the weak labeller errs from them). Where the weak model's
            probabilities of the labelled rows are unknown, set those rows to NaN: the
            trust candidates of ``"auto"`` are then left out, and ``("trust", q)``
            uses every pool row, with a warning. The trust takes them for the
            probabilities of a labeller that never saw those rows: a weak model trained
            on the labelled rows gives in-sample probabilities, too often right (pass it
            as ``weak_estimator`` instead: it is then cross-fitted). Being
            sample-aligned, it is sliced with ``X`` by ``cross_validate`` and
            ``GridSearchCV`` (``params={"weak_proba": P}``). A 1-D array is P(class 1) of
            a binary task. No weak estimator is then used; the columns are
            ``classes``, else the labelled rows' labels, else ``range(k)``.
        **fit_params : dict
            Metadata routed to the sub-estimators' ``fit`` (needs metadata routing
            enabled; see the Notes).

        Returns
        -------
        self : WeakToStrongClassifier
        """
        train_on = self._check_params()
        _raise_for_params(fit_params, self, "fit")
        routed = process_routing(self, "fit", **fit_params)  # empty without params
        validate_data(self, X, skip_check_array=True)
        if sp.issparse(X) and X.format not in ("csr", "csc"):
            X = X.tocsr()  # row indexing
        elif hasattr(X, "__array__") and not hasattr(X, "shape"):
            X = np.asarray(X)
        n = _num_samples(X)
        if n == 0:
            raise ValueError("X has 0 samples: WeakToStrongClassifier needs at least one row.")
        frozen = isinstance(self.weak_estimator, FrozenEstimator)
        if y is None:
            if weak_proba is None and not frozen:
                raise ValueError(
                    "WeakToStrongClassifier requires y to be passed, but the target y is "
                    "None: pass y, weak_proba, or a fitted weak_estimator wrapped in "
                    "sklearn.frozen.FrozenEstimator."
                )
            y = np.full(n, -1)
        y = column_or_1d(y, warn=True)
        if y.shape[0] != n:
            raise ValueError(f"X has {n} samples but y has {y.shape[0]}.")
        if y.dtype.kind == "f":
            assert_all_finite(y, input_name="y")
        y_lab, lab_idx = labelled_targets(y)
        if y_lab.size:
            check_classification_targets(y_lab)

        pool_idx = np.flatnonzero(is_unlabelled(y))
        if pool_idx.size == 0:
            warnings.warn(
                "y holds no unlabelled row (-1): every row forms the pool, so the strong "
                "estimator learns the weak estimator's in-sample pseudolabels.",
                DegenerateDataWarning,
                stacklevel=2,
            )
            pool_idx = np.arange(n)
        X_pool = _safe_indexing(X, pool_idx)

        # --- weak side: probabilities of the pool
        if weak_proba is not None:  # NaN rows (unknown) allowed where labelled only
            weak_proba = self._check_weak_proba(weak_proba, n, pool_idx)
        proba, self.weak_estimator_ = fit_weak_proba(
            "WeakToStrongClassifier", self.weak_estimator, X, y,
            None if weak_proba is None else np.nan_to_num(weak_proba, nan=1.0 / weak_proba.shape[1]),
            rows=pool_idx, fit_params=routed.weak_estimator.fit,
        )
        order = None
        if weak_proba is not None:
            classes = self._resolve_classes(y_lab, proba.shape[1])
            order = np.argsort(classes, kind="stable")
            self.classes_, proba = classes[order], proba[:, order]
        else:
            self.classes_ = np.asarray(self.weak_estimator_.classes_)
        if proba.shape[1] != self.classes_.size:
            raise ValueError(
                f"The weak probabilities have {proba.shape[1]} columns for {self.classes_.size} classes."
            )
        self.pool_indices_ = pool_idx
        self.pseudolabel_proba_ = proba
        self.pseudolabels_ = self.classes_[np.argmax(proba, axis=1)]

        # --- detection
        self.detector_ = self._fit_detector(X, X_pool, pool_idx, proba, routed)
        if self.detector_ is None:
            self.pool_labels_ = None
            self.overlap_density_ = None
        else:
            self.pool_labels_ = np.asarray(self.detector_.labels_)
            self.overlap_density_ = float(self.detector_.overlap_density_)

        # --- which rows: train_on, or the candidate that "auto" validates best
        rule, strong, view = train_on, None, None
        self.validation_scores_ = None
        # the weak probabilities of any rows, on a fixed weak side (None: a fitted one)
        weak_rows = self._fixed_weak_rows(X, weak_proba, order) if weak_proba is not None or frozen else None
        # what every trust of this fit shares: X's representation, the pool's neighbourhoods
        trust_cache = {"neighbours": {}}
        if train_on == "auto":
            rule, strong, view = self._choose_auto(
                X, X_pool, y, y_lab, lab_idx, pool_idx, proba, weak_rows, routed, trust_cache)
        if view is None and needs_strong_view(rule):
            view = self._strong_view(X, pool_idx, self.pseudolabels_, routed.strong_estimator.fit)
        self.strong_oof_proba_ = view
        self.trust_ = None
        if needs_trust(rule):
            self.trust_ = self._trust_of_pool(X, y, y_lab, lab_idx, pool_idx, proba, view, weak_rows, routed,
                                              trust_cache)
        self.neighbour_agreement_ = None
        if needs_neighbours(rule):
            self.neighbour_agreement_ = self._agreement(self._trust_space(X, trust_cache), pool_idx,
                                                        self.pseudolabels_, trust_cache["neighbours"])
        rows, added, self.train_on_ = self._select(rule, self.detector_, proba, self.pseudolabels_, view,
                                                   self.trust_, self.neighbour_agreement_)
        self.coverage_indices_ = pool_idx[added]
        self.train_indices_ = pool_idx[rows]

        # --- strong side (a candidate validated on a fixed weak side is already fitted)
        if strong is None:
            strong = self._fit_strong(X, pool_idx, rows, proba, self.pseudolabels_,
                                      routed.strong_estimator.fit, rule)
        self.strong_estimator_ = strong
        return self

    @staticmethod
    def _check_weak_proba(weak_proba, n, pool_idx):
        """``weak_proba`` as an ``(n, k)`` array (:func:`skw2s._weak.check_proba`), whose
        rows may be all NaN (unknown) where they are labelled and not pool rows."""
        try:
            P = np.asarray(weak_proba, dtype=np.float64)
        except (TypeError, ValueError):
            return check_proba(weak_proba, n)  # its TypeError
        if P.ndim == 2 and P.shape[1] == 1:
            P = P[:, 0]
        if P.ndim not in (1, 2) or P.shape[0] != n:
            return check_proba(weak_proba, n)  # its ValueError
        unknown = np.isnan(P).all(axis=1) if P.ndim == 2 else np.isnan(P)
        if not unknown.any():
            return check_proba(P, n)
        if unknown[pool_idx].any():
            raise ValueError(
                f"weak_proba holds NaN rows at {int(unknown[pool_idx].sum())} pool row(s) (y == -1): "
                "every pool row needs its weak probabilities. NaN rows mean 'unknown' and are "
                "allowed only for labelled rows (they are read by the trust alone)."
            )
        known = check_proba(P[~unknown], None)
        full = np.full((n, known.shape[1]), np.nan)
        full[~unknown] = known
        return full

    def _fit_detector(self, X, X_pool, pool_idx, proba, routed, labels_only=False):
        """The detector fitted on the pool with these weak probabilities (None: none).

        ``labels_only``: only its ``labels_`` are read (a validation fold), so its
        bootstrap, which leaves them as they are, is switched off."""
        detector = self._detector()
        if detector is None:
            return None
        if isinstance(detector, FrozenEstimator) and labels_only:
            # A validation fold: the frozen partition was made with the weak model of
            # every labelled row, so the held-out fold's labels shaped it. The fold gets
            # its own partition, from the frozen detector's settings and its own
            # probabilities (no leak).
            detector = detector.estimator
        elif isinstance(detector, FrozenEstimator):  # fitted on these pool rows: used as it is
            if _num_samples(detector.labels_) != pool_idx.size:
                raise ValueError(
                    f"The frozen detector labelled {_num_samples(detector.labels_)} "
                    f"points but the pool has {pool_idx.size} rows: freeze a detector "
                    "fitted on the pool rows of X, in their order."
                )
            return detector
        params = _check_method_params(X, routed.detector.fit, pool_idx)
        detector = self._seeded(clone(detector))
        if labels_only:
            detector.set_params(n_resamples=0)
        return detector.fit(X_pool, weak_proba=proba, **params)

    def _select(self, rule, detector, proba, pseudolabels, strong_proba=None, trust=None, agreement=None):
        """``(rows, added, used)`` of :func:`skw2s._training_rows.select_rows` for ``rule``."""
        labels = None if detector is None else np.asarray(detector.labels_)
        score = None if detector is None else detector.overlap_score_
        method = getattr(detector, "confidence", "normalized_max")
        if method not in CONFIDENCE_METHODS:
            method = "normalized_max"
        return select_rows(
            rule, labels=labels, overlap_score=score, confidence=weak_confidence(proba, method),
            pseudolabels=pseudolabels, random_state=self.random_state,
            strong_proba=strong_proba, classes=self.classes_, trust=trust, agreement=agreement,
        )

    def _strong_view(self, X, pool_idx, pseudolabels, params):
        """Out-of-fold strong probabilities of the pool rows ``pool_idx`` trained on their
        hard ``pseudolabels`` (:func:`skw2s._strong_view.strong_oof_proba`)."""
        from ._strong_view import strong_oof_proba

        return strong_oof_proba(
            self._est("strong_estimator"), _safe_indexing(X, pool_idx), pseudolabels, self.classes_,
            random_state=self.random_state, safe_indexing=_safe_indexing,
            fit_params=lambda positions: _check_method_params(X, params, pool_idx[positions]),
        )

    # ------------------------------------------------------------ train_on=("trust", q)
    def _fixed_weak_rows(self, X, weak_proba, order):
        """For a fixed weak side: ``rows -> `` their weak probabilities, columns ``classes_``."""
        if weak_proba is not None:  # checked by _check_weak_proba (NaN rows: unknown)
            P = weak_proba[:, order]
            return lambda rows: P[rows]
        frozen = self.weak_estimator_
        return lambda rows: proba_in_classes(frozen, _safe_indexing(X, rows), self.classes_)

    def _trust_space(self, X, cache):
        """:meth:`_represent_for_trust` of ``X``, once per fit (kept in ``cache``)."""
        if "Z" not in cache:
            cache["Z"] = self._represent_for_trust(X)
        return cache["Z"]

    def _represent_for_trust(self, X):
        """Where the trust finds each row's neighbours: the fitted detector's
        representation of ``X``, else ``X`` itself (which must then be numeric)."""
        rep = None if self.detector_ is None else getattr(self.detector_, "representation_", None)
        if rep is not None:
            return represent(rep, X, fit=False)[1]
        if sp.issparse(X):
            raise TypeError(
                "train_on=('trust', q) and ('cut', q) find each row's neighbours in X, and sparse X is not "
                "supported there: pass dense X, or detector=OverlapDetector(representation=...) "
                "mapping X to dense features."
            )
        try:
            return check_array(X, dtype=[np.float64, np.float32], ensure_all_finite=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "train_on=('trust', q) and ('cut', q) find each row's neighbours in X or in the detector's "
                "representation; X is not a dense numeric matrix here: pass "
                "detector=OverlapDetector(representation=...) (an HFEmbedder for texts)."
            ) from exc

    def _trust(self, X, y, gold_rows, y_gold, pool_idx, proba_pool, view, all_model, weak_rows, routed, Z,
               neighbours=None, all_gold=None):
        """Each pool row's trust (:class:`skw2s.trust.TrustModel`), learnt on the labelled
        rows ``gold_rows`` (positions in ``X``, labels ``y_gold``) with the pool's weak
        probabilities, its out-of-fold strong ``view`` and ``all_model`` (the strong
        estimator fitted on every pool row) for the labelled rows. None, with a warning,
        when it cannot be learnt (every pool row is then used). ``neighbours``: a dict
        keeping, by pool, the pool rows' neighbourhoods among themselves and (when
        ``all_gold``, every labelled row the fit's trusts learn from, is given and no row
        is both a pool and a labelled row) the cosine distances to those rows: the folds
        of ``"auto"`` share one pool and slice them."""
        from .trust import TrustModel, cross_fitted_weak_proba, positions

        _, counts = np.unique(y_gold, return_counts=True)
        if weak_rows is not None and y_gold.size and np.isnan(weak_rows(gold_rows)).any():
            warnings.warn(
                "train_on=('trust', q) learns where the weak labeller errs from the labelled rows' "
                "weak probabilities, and weak_proba holds NaN (unknown) rows there: every pool "
                "row is used. Pass the weak model's probabilities of the labelled rows too.",
                DegenerateDataWarning,
                stacklevel=4,
            )
            return None
        if view is None or y_gold.size == 0 or (weak_rows is None and counts.min() < 2):
            warnings.warn(
                "train_on=('trust', q) could not learn the trust in the pseudolabels (no strong "
                "view of them, or a class with fewer than 2 labelled rows to cross-fit the weak "
                "estimator on): every pool row is used.",
                DegenerateDataWarning,
                stacklevel=4,
            )
            return None
        if weak_rows is not None:
            P_gold = weak_rows(gold_rows)
        else:
            cv = self.cv if isinstance(self.cv, numbers.Integral) else 5
            P_gold = cross_fitted_weak_proba(
                "WeakToStrongClassifier", self.weak_estimator, X, y, gold_rows, y_gold, self.classes_,
                cv=cv, random_state=self.random_state, fit_params=routed.weak_estimator.fit)
        S_gold = proba_in_classes(all_model, _safe_indexing(X, gold_rows), self.classes_)
        shared = bool(np.isin(gold_rows, pool_idx).any())  # no -1 in y: the rows are both
        key = pool_idx.tobytes()
        distances = None
        if neighbours is not None and all_gold is not None and not shared:
            D_pool, D_gold = self._shared_distances(Z, pool_idx, all_gold, neighbours)
            if D_pool is not None and D_gold is not None:
                at = positions(gold_rows, all_gold)
                distances = D_pool[:, at], D_gold[np.ix_(at, at)]
        model = TrustModel(
            self.classes_, proba_pool, view, Z[pool_idx], P_gold, S_gold, Z[gold_rows], y_gold,
            n_neighbors=TRUST_NEIGHBORS, estimator=default_trust_estimator(),
            pool_in_gold=positions(pool_idx, gold_rows) if shared else None,
            gold_in_pool=positions(gold_rows, pool_idx) if shared else None,
            pool_neighbours=None if neighbours is None else neighbours.get(key), distances=distances,
        )
        if neighbours is not None:
            neighbours[key] = model.pool_neighbours
        return model.trust

    @staticmethod
    def _shared_distances(Z, pool_idx, all_gold, neighbours):
        """The cosine distances (pool x ``all_gold``, ``all_gold`` x ``all_gold``) that the
        trusts of one fit on this pool share (:func:`skw2s.trust.centred_distances`),
        computed once and kept in ``neighbours``."""
        from .trust import centred_distances

        if ("distances", pool_idx.tobytes()) not in neighbours:
            neighbours["distances", pool_idx.tobytes()] = centred_distances(Z[pool_idx], Z[all_gold])
        return neighbours["distances", pool_idx.tobytes()]

    def _agreement(self, Z, pool_idx, pseudolabels, neighbours):
        """Each pool row's share of its ``TRUST_NEIGHBORS`` nearest pool rows with the same
        pseudolabel (``("cut", q)``; :func:`skw2s.trust.label_agreement`) in ``Z``, the
        space of the trust (:meth:`_trust_space`). ``neighbours``: the pool's
        neighbourhoods by pool (as in :meth:`_trust`), shared with the trust and the
        folds of ``"auto"``."""
        codes = self._codes(pseudolabels)
        return label_agreement(codes, self._pool_neighbourhoods(Z, pool_idx, neighbours), codes)

    @staticmethod
    def _pool_neighbourhoods(Z, pool_idx, neighbours):
        """The pool rows' ``TRUST_NEIGHBORS`` nearest pool rows in ``Z``
        (:func:`skw2s.trust.pool_neighbourhoods`), found once per pool and kept in
        ``neighbours`` (the trust and the folds of ``"auto"`` read them there)."""
        key = pool_idx.tobytes()
        if key not in neighbours:
            neighbours[key] = pool_neighbourhoods(Z[pool_idx], TRUST_NEIGHBORS)
        return neighbours[key]

    def _trust_of_pool(self, X, y, y_lab, lab_idx, pool_idx, proba, view, weak_rows, routed, trust_cache):
        """The trust of the final pool, learnt on every labelled row (``trust_cache``: see
        :meth:`_trust_space`; the pool's neighbourhoods found by ``"auto"``'s folds)."""
        if y_lab.size == 0:
            warnings.warn(
                "train_on=('trust', q) learns where the weak labeller errs from the labelled "
                "rows, and y holds none: every pool row is used.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return None
        all_rows = np.arange(pool_idx.size)
        model = self._fit_strong(X, pool_idx, all_rows, proba, self.pseudolabels_, routed.strong_estimator.fit,
                                 "all")
        return self._trust(X, y, lab_idx, y_lab, pool_idx, proba, view, model, weak_rows, routed,
                           self._trust_space(X, trust_cache), trust_cache["neighbours"], all_gold=lab_idx)

    # ------------------------------------------------------------ train_on="auto"
    def _splits(self, y_lab):
        """``(train, test)`` positions of the labelled rows for the cross-fitting: an int
        ``cv`` gives stratified folds; a splitter may repeat (each row then scored once per
        repeat, its probabilities averaged)."""
        cv = self.cv
        if isinstance(cv, numbers.Integral):
            classes, counts = np.unique(y_lab, return_counts=True)
            smallest = int(counts.min())
            if smallest < 2:
                raise DegenerateDataError(
                    f"train_on='auto' cross-fits the weak estimator on cv={cv} stratified "
                    "folds of the labelled rows, which needs at least 2 labelled rows per "
                    f"class; class {classes[counts.argmin()].tolist()!r} has {smallest}. Label more "
                    "rows, choose another train_on, or pass a fitted weak estimator "
                    "(FrozenEstimator) or weak_proba: the labelled rows then validate "
                    "directly, without folds."
                )
            n_splits = int(cv)
            if smallest < n_splits:
                warnings.warn(
                    f"train_on='auto': cv={cv} folds need {cv} labelled rows per class; "
                    f"class {classes[counts.argmin()].tolist()!r} has {smallest}, so {smallest} "
                    "stratified folds are used.",
                    DegenerateDataWarning,
                    stacklevel=4,
                )
                n_splits = smallest
            cv = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(np.zeros((y_lab.size, 1)), y_lab)]
        tested = np.zeros(y_lab.size, dtype=int)
        for _, te in splits:
            tested[te] += 1
        if len(splits) < 2 or tested.min() < 1:
            raise ValueError(
                "cv must split the labelled rows into at least 2 folds in which every labelled "
                f"row is a test row at least once; got {self.cv!r}."
            )
        n_classes = np.unique(y_lab).size
        for k, (tr, _) in enumerate(splits):
            if np.unique(y_lab[tr]).size < n_classes:
                raise ValueError(
                    f"cv={self.cv!r}: the training part of fold {k} misses a class of the "
                    "labelled rows, so its weak estimator could not pseudolabel it. Use a "
                    "stratified splitter (an int cv is one)."
                )
        return splits

    def _choose_auto(self, X, X_pool, y, y_lab, lab_idx, pool_idx, proba, weak_rows, routed, trust_cache):
        """The ``train_on`` that validates best on the labelled rows (see
        :mod:`skw2s._auto_train_on`) and, on a fixed weak side validated directly, its
        strong estimator (already fitted as the final one; None for a trust rule, whose
        final trust learns from every labelled row) and strong view."""
        from ._auto_train_on import AUTO_REFERENCE, decide, row_losses, validation_table

        if y_lab.size == 0:  # nothing can be certified: the reference, as when none is
            warnings.warn(
                "train_on='auto' validates each candidate subset on the labelled rows, and "
                f"y holds none: nothing can be certified, so the reference {AUTO_REFERENCE!r} "
                "is used (the strong side's label-free filter). Label a few rows to let "
                "'auto' choose.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return AUTO_REFERENCE, None, None
        X_lab = _safe_indexing(X, lab_idx)
        strong_params = routed.strong_estimator.fit
        fixed = weak_rows is not None
        started = time.perf_counter()
        # With no -1 row the pool is every row, labelled ones included: a candidate must
        # then never train on the rows that score it, so the folds are used even on a
        # fixed weak side (each fold's pool leaves out its held-out rows).
        direct = fixed and not np.isin(pool_idx, lab_idx).any()
        # Validated directly, the trust would learn from the rows that score it: it is
        # cross-fitted over folds of the labelled rows instead. Left out when a class has
        # fewer than 2 labelled rows (too few to fold), or when the labelled rows' weak
        # probabilities are unknown (NaN rows of weak_proba): nothing to learn it from.
        known = not direct or not np.isnan(weak_rows(lab_idx)).any()
        trust_folds = self._trust_folds(y_lab) if direct and known else None
        candidates = tuple(c for c in AUTO_CANDIDATES if not (direct and trust_folds is None and needs_trust(c)))
        use_trust = any(needs_trust(c) for c in candidates)
        use_cut = any(needs_neighbours(c) for c in candidates)
        Z = self._trust_space(X, trust_cache) if use_trust or use_cut else None
        neighbours = trust_cache["neighbours"]  # the pool's neighbourhoods, shared by the folds
        n_cand, k = len(candidates), self.classes_.size
        splits = [(np.zeros(0, dtype=int), np.arange(y_lab.size))] if direct else self._splits(y_lab)
        P = np.zeros((n_cand, y_lab.size, k))
        n_scored = np.zeros(y_lab.size)
        split_scores = np.full((n_cand, len(splits)), np.nan)
        n_rows = np.full((n_cand, len(splits)), np.nan)
        models = strong_view = None
        ctx = dict(X=X, X_pool=X_pool, X_lab=X_lab, y=y, y_lab=y_lab, lab_idx=lab_idx, pool_idx=pool_idx,
                   proba=proba, weak_rows=weak_rows, routed=routed, strong_params=strong_params,
                   candidates=candidates, direct=direct, use_trust=use_trust, use_cut=use_cut, Z=Z,
                   neighbours=neighbours, trust_folds=trust_folds)
        from joblib import Parallel, delayed, effective_n_jobs

        if len(splits) == 1 or effective_n_jobs(self.n_jobs) == 1:
            results = (self._auto_split(train, test, **ctx) for train, test in splits)
        else:  # the splits are independent: each one's fits in a joblib worker
            results = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(self._auto_split)(train, test, **ctx) for train, test in splits)
        caught = []
        for s, ((train, test), out) in enumerate(zip(splits, results)):
            caught += out["warnings"]
            n_scored[test] += 1
            report(s + 1, len(splits))  # to a progress bar of the command line, if any
            if "only" in out:  # one pseudolabel class in this fold: every candidate predicts it
                P[:, test, np.flatnonzero(self.classes_ == out["only"])[0]] += 1.0
                split_scores[:, s] = np.mean(y_lab[test] == out["only"])
                continue
            Pc = out["P"]
            P[:, test] += Pc
            split_scores[:, s] = (np.argmax(Pc, axis=2) == self._codes(y_lab[test])).mean(axis=1)
            n_rows[:, s] = out["n_rows"]
            if self.verbose:
                print(f"[WeakToStrongClassifier] train_on='auto': split {s + 1}/{len(splits)} done "
                      f"({out['n_fits']} candidate fits, {time.perf_counter() - started:.1f} s)",
                      flush=True)
            if direct:
                models, strong_view = out["models"], out["view"]
        seen = set()
        for category, message in caught:  # each distinct warning of the validation fits, once
            if (category, message) not in seen:
                seen.add((category, message))
                warnings.warn(f"train_on='auto' validation: {message}", category, stacklevel=3)
        P /= n_scored[None, :, None]
        scoring = self.scoring if hasattr(self._est("strong_estimator"), "predict_proba") else "accuracy"
        loss = np.stack([row_losses(P[c], y_lab, self.classes_, scoring) for c in range(n_cand)])
        errors = np.stack([row_losses(P[c], y_lab, self.classes_, "accuracy") for c in range(n_cand)])
        ref = candidates.index(AUTO_REFERENCE)
        chosen, stats = decide(loss, reference=ref, accuracy_gain=errors[ref].mean() - errors.mean(axis=1),
                               margin=self.margin, random_state=check_random_state(self.random_state))
        self.validation_scores_ = validation_table(candidates, loss, errors, split_scores, n_rows, stats, scoring,
                                                   reference=ref)
        if self.verbose:
            print(f"[WeakToStrongClassifier] train_on='auto' chose {candidates[chosen]!r} "
                  f"({int(stats['certified'].sum())} of {n_cand - 1} candidates certified over "
                  f"{candidates[ref]!r})", flush=True)
        return candidates[chosen], None if models is None else models[chosen], strong_view

    def _auto_split(self, train, test, **ctx):
        """One validation split of ``train_on="auto"``: the weak side refitted on the
        ``train`` labelled rows (unless fixed), the fold's pool, detector, strong view and
        trust, and every candidate's probabilities of the ``test`` labelled rows. Returns a
        dict: ``P`` (candidates x test rows x classes), ``n_rows``, ``n_fits``, ``models``
        and ``view`` (used when validated directly), or ``only`` (the one pseudolabel class
        of a fold); ``warnings``: ``(category, message)`` of what the fits warned."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = self._auto_split_fits(train, test, **ctx)
        out["warnings"] = [(w.category, str(w.message)) for w in caught]
        return out

    def _auto_split_fits(self, train, test, *, X, X_pool, X_lab, y, y_lab, lab_idx, pool_idx, proba, weak_rows,
                         routed, strong_params, candidates, direct, use_trust, use_cut, Z, neighbours, trust_folds):
        fixed = weak_rows is not None
        if direct:  # nothing to cross-fit: each candidate once, scored on every labelled row
            pool_k, proba_k, labels_k, detector_k = pool_idx, proba, self.pseudolabels_, self.detector_
        else:
            proba_k = proba if fixed else self._fold_proba(X, y, lab_idx[train], pool_idx, routed)
            keep = ~np.isin(pool_idx, lab_idx[test])  # the held-out rows never train
            pool_k, proba_k = pool_idx[keep], proba_k[keep]
            labels_k = self.classes_[np.argmax(proba_k, axis=1)]
            if np.unique(labels_k).size < 2 and self.pseudolabels == "hard":
                only = labels_k[0]
                warnings.warn(
                    f"in a validation fold the weak estimator fitted on the other "
                    f"folds pseudolabels every pool row {only.tolist()!r}: no strong "
                    "estimator can be fitted there, so every candidate predicts that "
                    "class (the fold cannot tell them apart).",
                    DegenerateDataWarning,
                )
                return {"only": only}
            X_pool_k = X_pool if keep.all() else _safe_indexing(X, pool_k)
            detector_k = self._fit_detector(X, X_pool_k, pool_k, proba_k, routed, labels_only=True)
        view = None
        if any(needs_strong_view(c) for c in candidates):
            view = self._strong_view(X, pool_k, labels_k, strong_params)
        trust, prefit, model = None, {}, None
        if use_trust:  # learnt on this fold's training rows only
            all_rows = np.arange(pool_k.size)
            model = self._fit_strong(X, pool_k, all_rows, proba_k, labels_k, strong_params, "all")
            prefit[all_rows.tobytes()] = model
            if not direct:
                trust = self._trust(X, y, lab_idx[train], y_lab[train], pool_k, proba_k, view, model,
                                    weak_rows, routed, Z, neighbours, all_gold=lab_idx)
        agreement = self._agreement(Z, pool_k, labels_k, neighbours) if use_cut else None
        # validated directly, the trust candidates are cross-fitted over folds of the
        # labelled rows (below); every other candidate is fitted once, here
        once = [c for c in candidates if not (direct and needs_trust(c))]
        Pc, m, fitted = self._predict_candidates(
            once, X, _safe_indexing(X_lab, test), pool_k, proba_k, labels_k, detector_k, view,
            strong_params, trust=trust, agreement=agreement, prefit=prefit)
        n_fits = len({id(f) for f in fitted})
        if len(once) < len(candidates):
            crossed = [c for c in candidates if needs_trust(c)]
            Pt, mt, n_trust_fits = self._cross_fitted_trust_candidates(
                crossed, trust_folds, X, X_lab, y, y_lab, lab_idx, pool_k, proba_k, labels_k, detector_k, view,
                model, weak_rows, routed, strong_params, Z, neighbours, prefit)
            order = np.argsort([candidates.index(c) for c in once + crossed])  # back to candidates' order
            Pc, m = np.concatenate([Pc, Pt])[order], np.concatenate([m, mt])[order]
            # a trust candidate chosen is fitted again with the trust of every labelled row
            fitted = [fitted[once.index(c)] if c in once else None for c in candidates]
            n_fits += n_trust_fits
        return {"P": Pc, "n_rows": m, "n_fits": n_fits,
                "models": fitted if direct else None, "view": view if direct else None}

    def _trust_folds(self, y_lab):
        """Folds of the labelled rows over which the trust candidates are cross-fitted when
        ``"auto"`` validates directly (:meth:`_splits`); None when a class has fewer than
        2 labelled rows (the trust candidates are then left out)."""
        if np.unique(y_lab, return_counts=True)[1].min() < 2:
            return None
        return self._splits(y_lab)

    def _cross_fitted_trust_candidates(self, candidates, folds, X, X_lab, y, y_lab, lab_idx, pool_idx, proba,
                                       pseudolabels, detector, view, all_model, weak_rows, routed, params, Z,
                                       neighbours, prefit):
        """The trust candidates of a fixed weak side validated directly: for each fold of
        the labelled rows, the trust learnt on its training rows ranks the pool, and each
        candidate's rows train the strong estimator that predicts the fold's held-out
        rows (probabilities averaged over a repeated splitter's repeats; the folds in
        ``n_jobs`` joblib workers). Returns the probabilities (n_candidates, n_labelled,
        n_classes), each candidate's mean number of training rows and the number of
        strong fits."""
        from joblib import Parallel, delayed, effective_n_jobs

        self._pool_neighbourhoods(Z, pool_idx, neighbours)  # what every fold's trust reads, found once
        self._shared_distances(Z, pool_idx, lab_idx, neighbours)
        ctx = dict(candidates=candidates, X=X, X_lab=X_lab, y=y, y_lab=y_lab, lab_idx=lab_idx, pool_idx=pool_idx,
                   proba=proba, pseudolabels=pseudolabels, detector=detector, view=view, all_model=all_model,
                   weak_rows=weak_rows, routed=routed, params=params, Z=Z, neighbours=neighbours, prefit=prefit)
        if effective_n_jobs(self.n_jobs) == 1:
            results = (self._trust_fold(train, test, **ctx) for train, test in folds)
        else:
            results = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(self._trust_fold)(train, test, **ctx) for train, test in folds)
        P = np.zeros((len(candidates), y_lab.size, self.classes_.size))
        n_scored = np.zeros(y_lab.size)
        n_rows, n_fits = np.zeros(len(candidates)), 0
        for (_, test), (Pf, m, n_new, caught) in zip(folds, results):
            for category, message in caught:  # to the validation's own record of warnings
                warnings.warn(message, category)
            P[:, test] += Pf
            n_scored[test] += 1
            n_rows += m / len(folds)
            n_fits += n_new
        return P / n_scored[None, :, None], n_rows, n_fits

    def _trust_fold(self, train, test, *, candidates, X, X_lab, y, y_lab, lab_idx, pool_idx, proba, pseudolabels,
                    detector, view, all_model, weak_rows, routed, params, Z, neighbours, prefit):
        """One fold of :meth:`_cross_fitted_trust_candidates`: the probabilities of its
        held-out rows, the candidates' numbers of rows, the new strong fits, and
        ``(category, message)`` of what it warned."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trust = self._trust(X, y, lab_idx[train], y_lab[train], pool_idx, proba, view, all_model, weak_rows,
                                routed, Z, neighbours, all_gold=lab_idx)
            Pf, m, fitted = self._predict_candidates(
                candidates, X, _safe_indexing(X_lab, test), pool_idx, proba, pseudolabels, detector, view,
                params, trust=trust, prefit=prefit)
        n_new = len({id(f) for f in fitted} - {id(f) for f in prefit.values()})
        return Pf, m, n_new, [(w.category, str(w.message)) for w in caught]

    def _codes(self, labels):
        """Positions of ``labels`` in ``classes_`` (-1 for a label that is not a class)."""
        position = {c: i for i, c in enumerate(self.classes_.tolist())}
        return np.array([position.get(c, -1) for c in np.asarray(labels).tolist()])

    def _fold_proba(self, X, y, fit_rows, pool_idx, routed):
        """Pool probabilities of the weak estimator fitted on ``fit_rows`` only (every
        class is there: see :meth:`_splits`)."""
        return fit_weak_proba(
            "WeakToStrongClassifier", self.weak_estimator, X, y, None,
            rows=pool_idx, fit_rows=fit_rows, fit_params=routed.weak_estimator.fit,
        )[0]

    def _predict_candidates(self, candidates, X, X_test, pool_idx, proba, pseudolabels, detector, view, params,
                            trust=None, agreement=None, prefit=None):
        """Fit the strong estimator on each of ``candidates``' rows and predict ``X_test``.

        Returns the class probabilities (n_candidates, n_test, n_classes), columns in
        ``classes_`` order (a one-hot row of the prediction for a strong estimator without
        ``predict_proba``), each candidate's number of training rows, and the fitted
        models (a candidate whose rows equal an earlier one's shares its model: no second
        fit; ``prefit``: models already fitted, by their rows' bytes).
        """
        n_test, k = _num_samples(X_test), self.classes_.size
        P = np.zeros((len(candidates), n_test, k))
        n_rows = np.zeros(len(candidates))
        models, fitted = [], {}
        for i, rule in enumerate(candidates):
            rows, _, _ = self._select(rule, detector, proba, pseudolabels, view, trust, agreement)
            key = rows.tobytes()
            if key not in fitted:
                model = (prefit or {}).get(key)
                if model is None:
                    model = self._fit_strong(X, pool_idx, rows, proba, pseudolabels, params, rule)
                fitted[key] = (model, proba_in_classes(model, X_test, self.classes_))
            models.append(fitted[key][0])
            P[i] = fitted[key][1]
            n_rows[i] = rows.size
        return P, n_rows, models

    def _est(self, name):
        est = getattr(self, name)
        return est if est is not None else LogisticRegression()

    def _detector(self):
        if self.detector is None and needs_detector(self.train_on):
            return OverlapDetector()
        return self.detector

    def _seeded(self, detector):
        """The (cloned) detector with its bootstrap seeded from ``random_state`` when its
        own ``random_state`` is None, so that one ``random_state`` makes the whole fit
        reproducible (as scikit-learn's ensembles seed their sub-estimators)."""
        if self.random_state is not None and detector.get_params().get("random_state", 0) is None:
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            detector.set_params(random_state=seed)
        return detector

    def _fit_strong(self, X, pool_idx, chosen, proba, pseudolabels, params, rule):
        """A clone of the strong estimator fitted on the pool positions ``chosen``."""
        strong = clone(self._est("strong_estimator"))
        rows = pool_idx[chosen]
        if self.pseudolabels == "hard":
            y_fit = pseudolabels[chosen]
            if np.unique(y_fit).size < 2:
                raise DegenerateDataError(
                    f"The {rows.size} pseudolabelled rows chosen by train_on={rule!r} "
                    "all carry the same class: the strong estimator cannot learn from a "
                    "single class. Use pseudolabels='soft', another train_on, or a "
                    "larger pool."
                )
            return strong.fit(_safe_indexing(X, rows), y_fit, **_check_method_params(X, params, rows))
        # soft pseudolabels: one weighted copy of each row per class
        final = strong.steps[-1][1] if isinstance(strong, Pipeline) else strong
        if final is None or final == "passthrough" or not has_fit_parameter(final, "sample_weight"):
            raise TypeError(
                "pseudolabels='soft' needs a strong_estimator whose fit accepts "
                f"sample_weight; {type(final).__name__}.fit does not. Use pseudolabels='hard'."
            )
        rep_rows = np.repeat(rows, self.classes_.size)
        rep_y = np.tile(self.classes_, rows.size)
        w = proba[chosen].ravel()
        keep = w > 0
        kwargs = _check_method_params(X, params, rep_rows[keep])
        sw = kwargs.pop("sample_weight", None)  # the caller's routed weights, if any
        w = w[keep] * (1.0 if sw is None else np.asarray(sw, dtype=float))
        pipe = isinstance(strong, Pipeline) and not _routing_enabled()  # step__param syntax
        kwargs[f"{strong.steps[-1][0]}__sample_weight" if pipe else "sample_weight"] = w
        return strong.fit(_safe_indexing(X, rep_rows[keep]), rep_y[keep], **kwargs)

    def get_metadata_routing(self):
        """Metadata routing of this object (see the Notes of the class).

        Returns
        -------
        routing : MetadataRouter
        """
        fit = MethodMapping().add(caller="fit", callee="fit")
        router = MetadataRouter(owner=self).add_self_request(self)
        router.add(weak_estimator=self._est("weak_estimator"), method_mapping=fit)
        if self._detector() is not None:
            router.add(detector=self._detector(), method_mapping=fit)
        mapping = MethodMapping().add(caller="fit", callee="fit").add(caller="score", callee="predict")
        for m in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
            mapping.add(caller=m, callee=m)
        return router.add(strong_estimator=self._est("strong_estimator"), method_mapping=mapping)

    def _routed(self, method, params):
        """Metadata for the strong estimator's method that ``method`` calls."""
        _raise_for_params(params, self, method)
        callee = "predict" if method == "score" else method
        return process_routing(self, method, **params).strong_estimator[callee]

    # ------------------------------------------------------------ prediction
    @available_if(_strong_has("predict"))
    def predict(self, X, **params):
        """Predict classes with the strong estimator.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        self._check_features(X)
        return self.strong_estimator_.predict(X, **self._routed("predict", params))

    @available_if(_strong_has("predict_proba"))
    def predict_proba(self, X, **params):
        """Class probabilities of the strong estimator, columns in ``classes_`` order.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        self._check_features(X)
        return self._align(self.strong_estimator_.predict_proba(X, **self._routed("predict_proba", params)), 0.0)

    @available_if(_strong_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        """Log class probabilities of the strong estimator, columns in ``classes_`` order.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        self._check_features(X)
        return self._align(self.strong_estimator_.predict_log_proba(X, **self._routed("predict_log_proba", params)), -np.inf)

    @available_if(_strong_has("decision_function"))
    def decision_function(self, X, **params):
        """Decision function of the strong estimator (columns follow its own classes).

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        self._check_features(X)
        return self.strong_estimator_.decision_function(X, **self._routed("decision_function", params))

    def _check_features(self, X):
        """Name this estimator, not the strong one, when a 2-D X has the wrong width."""
        if len(getattr(X, "shape", ())) == 2:
            validate_data(self, X, reset=False, skip_check_array=True)

    def _align(self, P, fill):
        """Columns of the strong estimator's output, in ``classes_`` order."""
        strong_classes = np.asarray(self.strong_estimator_.classes_)
        if np.array_equal(strong_classes, self.classes_):
            return P
        out = np.full((P.shape[0], self.classes_.size), fill, dtype=float)
        out[:, self._codes(strong_classes)] = P
        return out

    def score(self, X, y, sample_weight=None, **params):
        """Accuracy on the labelled rows: rows of ``y`` equal to -1 are ignored.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        **params : dict
            Metadata routed to the strong estimator's ``predict`` (routing only).

        Returns
        -------
        score : float
            NaN, with a :class:`~skw2s.DegenerateDataWarning`, when no row is labelled.
        """
        check_is_fitted(self)
        self._check_features(X)
        routed = self._routed("score", params)
        y = column_or_1d(y)
        return _labelled_accuracy(
            y, lambda rows: self.strong_estimator_.predict(_safe_indexing(X, rows), **routed),
            sample_weight, "WeakToStrongClassifier.score",
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = (
            get_tags(self._est("weak_estimator")).input_tags.sparse
            and get_tags(self._est("strong_estimator")).input_tags.sparse
            and self.detector is None
            and self.train_on == "all"
        )
        return tags

