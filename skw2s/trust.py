"""How far to trust each weak label: a model of the weak labeller's errors, learnt on the gold rows.

The label-free signals of a pool (the weak confidence, the strong side's view of each
pseudolabel) cannot tell an error the strong model shares from a right label. The gold
rows can: on them, whether the weak label is right is known. :class:`WeakLabelTrust`
cross-fits the weak model on the gold rows (so that their weak labels err as the pool's
do), describes every row by a few signals, learns from the gold rows which signals mark
a wrong weak label, and gives each pool row the probability that its pseudolabel is
right (``trust_``). See ``docs/user_guide.rst`` ("How far to trust each pseudolabel").
"""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state, column_or_1d

from ._representation import represent, validate_pool
from ._sklearn_compat import num_samples as _num_samples
from ._sklearn_compat import safe_indexing as _safe_indexing
from ._strong_view import proba_in_classes, strong_oof_proba
from ._utils import check_int, is_frozen, is_unlabelled, labelled_targets
from ._weak import check_proba, fit_weak_proba
from .exceptions import DegenerateDataWarning

#: Neighbours of the agreement signals, by default.
TRUST_NEIGHBORS = 10


def default_trust_estimator():
    """The model of the weak label's correctness from the signals, by default."""
    return make_pipeline(StandardScaler(), LogisticRegression())


#: The signals describing a row, in the columns of ``signals_``.
SIGNALS = ("weak_confidence", "weak_margin", "strong_proba", "pool_agreement", "gold_agreement")


#: Largest query x index distance matrix (entries) a :class:`TrustModel` keeps to share
#: between its signals (128 MiB of float64); above it each lookup searches anew.
MAX_SHARED_DISTANCES = 2 ** 24


def cosine_distances_or_none(query, index_rows):
    """The cosine distances between the rows of ``query`` and ``index_rows``
    (``sklearn.metrics.pairwise.cosine_distances``, the distances of
    ``NearestNeighbors(metric="cosine")``), or None when the matrix would exceed
    :data:`MAX_SHARED_DISTANCES` entries (the lookups then search in chunks)."""
    if query.shape[0] * index_rows.shape[0] > MAX_SHARED_DISTANCES:
        return None
    from sklearn.metrics.pairwise import cosine_distances

    return cosine_distances(query, index_rows)


def _centred(Z_pool, Z_gold):
    """``(center, Z_pool - center, Z_gold - center)``, ``center`` the pool's mean: the
    space :class:`TrustModel` searches neighbours in."""
    Z_pool = np.asarray(Z_pool, dtype=np.float64)
    center = Z_pool.mean(axis=0)
    return center, Z_pool - center, np.asarray(Z_gold, dtype=np.float64) - center


def _pool_gold_distances(Z_pool, Z_gold):
    """``(pool x gold, gold x gold)`` cosine distances of already centred representations."""
    return cosine_distances_or_none(Z_pool, Z_gold), cosine_distances_or_none(Z_gold, Z_gold)


def centred_distances(Z_pool, Z_gold):
    """``(pool x gold, gold x gold)`` cosine distances of the representations centred on
    the pool's mean, as :class:`TrustModel` searches them (each None when too large:
    :func:`cosine_distances_or_none`). Computed once for every labelled row, a fit's
    trusts learnt on subsets of them (the folds of ``train_on="auto"``) share them."""
    return _pool_gold_distances(*_centred(Z_pool, Z_gold)[1:])


def _k_nearest(distances, k):
    """The columns of the ``k`` smallest entries of each row of ``distances``, nearest
    first: the brute-force search of ``NearestNeighbors`` on precomputed distances."""
    part = np.argpartition(distances, k - 1, axis=1)[:, :k]
    rows = np.arange(distances.shape[0])[:, None]
    return part[rows, np.argsort(distances[rows, part], axis=1)]


def _neighbours(index_rows, query, k, exclude=None, distances=None):
    """``(idx, keep)``: the ``k`` nearest rows of ``index_rows`` (cosine) to each row of
    ``query``, and which of them count. ``exclude[i]``: the position of query row ``i``
    among ``index_rows`` (the row itself, left out: one more neighbour is looked up), or
    -1 when it is not an index row; None when no query row is one. ``distances``: the
    query x index cosine distances, when already computed (:func:`cosine_distances_or_none`)."""
    k_query = min(k + (exclude is not None), index_rows.shape[0])
    if k_query == 0 or query.shape[0] == 0:
        return np.zeros((query.shape[0], 0), dtype=int), np.zeros((query.shape[0], 0), dtype=bool)
    if distances is not None:
        idx = _k_nearest(distances, k_query)
    else:
        idx = NearestNeighbors(n_neighbors=k_query, metric="cosine").fit(index_rows).kneighbors(
            query, return_distance=False)
    if exclude is None:
        return idx, np.ones(idx.shape, dtype=bool)
    exclude = np.asarray(exclude)
    keep = idx != exclude[:, None]
    if k_query > k:  # one neighbour too many was looked up: rows that are not index rows,
        # and index rows a tie kept out of their own list, drop the farthest
        keep[keep.all(axis=1), -1] = False
    return idx, keep


def pool_neighbourhoods(Z_pool, k):
    """``(idx, keep)`` of :func:`_neighbours`: each pool row's ``k`` nearest other pool rows
    (cosine on the representation ``Z_pool`` centred on its mean; a row is left out of its
    own list). The neighbourhoods of the trust's ``pool_agreement`` signal and of
    ``WeakToStrongClassifier(train_on=("cut", q))``."""
    Z = np.asarray(Z_pool, dtype=np.float64)
    Z = Z - Z.mean(axis=0)
    return _neighbours(Z, Z, k, np.arange(Z.shape[0]))


def label_agreement(neighbour_codes, neighbours, codes):
    """The share of each row's neighbours (``(idx, keep)`` among rows whose label codes are
    ``neighbour_codes``) whose label is the row's own code ``codes``; 0.5 where no neighbour
    counts. With a row's pseudolabel among the pool's: the cut statistic of Lang,
    Vijayaraghavan and Sontag (2022) on an unweighted k-nearest-neighbour graph (within one
    pseudolabel class, their standardised statistic is a decreasing function of this share)."""
    idx, keep = neighbours
    return _kept_mean((np.asarray(neighbour_codes)[idx] == np.asarray(codes)[:, None]).astype(float), keep)


def positions(rows, among):
    """The position of each of ``rows`` in ``among`` (row indices of one ``X``), -1 if absent."""
    at = {r: i for i, r in enumerate(np.asarray(among).tolist())}
    return np.array([at.get(r, -1) for r in np.asarray(rows).tolist()], dtype=int)


def _kept_mean(values, keep):
    """Row means of ``values`` over ``keep``; 0.5 (no information) where nothing is kept."""
    counts = keep.sum(axis=1)
    out = np.full(values.shape[0], 0.5)
    has = counts > 0
    out[has] = (values * keep).sum(axis=1)[has] / counts[has]
    return out


def gold_accuracy(Z_gold, correct, Z, k, exclude=None, distances=None):
    """The share of right weak labels (``correct``, one per row of ``Z_gold``) among the
    ``k`` nearest gold rows (cosine) of each row of ``Z``; ``exclude`` and ``distances``
    (rows of ``Z`` x gold rows) as in :func:`_neighbours` (a gold row is left out of its
    own neighbourhood). The ``gold_agreement`` signal of :class:`WeakLabelTrust`, and the
    confidence of ``OverlapDetector(hard_from="gold")``."""
    idx, keep = _neighbours(Z_gold, Z, k, exclude, distances)
    return _kept_mean(np.asarray(correct, dtype=np.float64)[idx], keep)


def weak_classes(weak_proba, fitted, y_gold, n_columns):
    """The task's classes on the weak side, checked against the gold labels ``y_gold``: the
    sorted gold labels with a precomputed ``weak_proba`` (its ``n_columns`` columns in that
    order), else the fitted weak estimator's ``classes_``. A ``ValueError`` when the columns
    do not match or a gold label is not a class (:class:`WeakLabelTrust`,
    ``OverlapDetector(hard_from="gold")``)."""
    classes = np.unique(y_gold) if weak_proba is not None else np.asarray(fitted.classes_)
    if n_columns != classes.size:
        raise ValueError(
            f"weak_proba has {n_columns} columns but the gold rows hold {classes.size} classes "
            f"({classes.tolist()}); column j is read as the j-th class in sorted order."
        )
    unknown = np.setdiff1d(y_gold, classes)
    if unknown.size:
        raise ValueError(f"The gold rows hold classes the weak model does not know: {unknown.tolist()}.")
    return classes


def cross_fitted_weak_proba(owner, weak_estimator, X, y, gold_idx, y_gold, classes, *, cv, random_state,
                            fit_params=None):
    """Weak probabilities (columns ``classes``) of the gold rows ``gold_idx`` of ``X``, each
    from the weak estimator fitted on the other folds (``cv`` stratified folds, at most
    the smallest class's number of rows): the gold rows' weak labels then err as the
    pool's do. ``y_gold``: their labels (``labelled_targets``); ``fit_params``: the weak
    estimator's fit metadata (sample-aligned)."""
    labels, counts = np.unique(y_gold, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"{owner}: each class needs at least 2 gold rows (y) to cross-fit the weak "
            f"estimator; class {labels[counts.argmin()].tolist()!r} has {counts.min()}."
        )
    folds = StratifiedKFold(int(min(cv, counts.min())), shuffle=True, random_state=random_state)
    P = np.zeros((gold_idx.size, len(classes)))
    for train, test in folds.split(np.zeros((gold_idx.size, 1)), y_gold):
        proba, fitted = fit_weak_proba(owner, weak_estimator, X, y, None, rows=gold_idx[test],
                                       fit_rows=gold_idx[train], fit_params=fit_params)
        P[np.ix_(test, np.searchsorted(classes, fitted.classes_))] = proba
    return P


class TrustModel:
    """The trust of the pool rows from their signals and the gold rows' (one code path for
    :class:`WeakLabelTrust` and ``WeakToStrongClassifier(train_on=("trust", q))``).

    Built from the pool's weak and strong (out-of-fold) probabilities and representation,
    and the gold rows' (cross-fitted weak, strong fitted on the pool) and labels.
    Attributes: ``trust`` (pool), ``signals``, ``gold_signals``, ``gold_correct``,
    ``model`` (None when the gold rows' weak labels are all right or all wrong: then
    ``constant``, their share, is every row's trust, with a warning).
    """

    def __init__(self, classes, P_pool, S_pool, Z_pool, P_gold, S_gold, Z_gold, y_gold, *,
                 n_neighbors, estimator, pool_in_gold=None, gold_in_pool=None, pool_neighbours=None,
                 distances=None):
        self.classes = classes = np.asarray(classes)
        self.n_neighbors = n_neighbors
        self.center, self.Z_pool, self.Z_gold = _centred(Z_pool, Z_gold)
        pseudo = classes[np.argmax(P_pool, axis=1)]
        weak_gold = classes[np.argmax(P_gold, axis=1)]
        self.pseudo_codes = np.searchsorted(classes, pseudo)
        self.gold_correct = weak_gold == np.asarray(y_gold)
        # a row is left out of its own neighbourhoods; ``pool_in_gold``/``gold_in_pool``:
        # where a row is both a pool and a gold row (``positions``; None: no row is)
        # ``pool_neighbours``: the pool rows' own neighbourhoods among them (``(idx, keep)``
        # of an earlier model on the same pool rows and representation: the folds of
        # train_on="auto" share them), kept as ``self.pool_neighbours``; ``distances``:
        # ``(pool x gold, gold x gold)`` of :func:`centred_distances` when already known
        n_pool, n_gold = self.Z_pool.shape[0], self.Z_gold.shape[0]
        if pool_neighbours is None:
            pool_neighbours = pool_neighbourhoods(Z_pool, n_neighbors)
        self.pool_neighbours = pool_neighbours
        D_pg, D_gg = distances if distances is not None else _pool_gold_distances(self.Z_pool, self.Z_gold)
        self.signals = self.signals_of(P_pool, S_pool, self.Z_pool, pseudo, pool_self=np.arange(n_pool),
                                       gold_self=pool_in_gold, pool_neighbours=pool_neighbours,
                                       gold_distances=D_pg)
        self.gold_signals = self.signals_of(P_gold, S_gold, self.Z_gold, weak_gold,
                                            pool_self=gold_in_pool, gold_self=np.arange(n_gold),
                                            pool_distances=None if D_pg is None else D_pg.T,
                                            gold_distances=D_gg)
        target = self.gold_correct
        self.design_gold = self.design(self.gold_signals, weak_gold)
        if np.unique(target).size < 2:
            self.constant = float(target.mean())
            warnings.warn(
                f"the gold rows' weak labels are all {'right' if self.constant == 1 else 'wrong'}: "
                "nothing can be learnt about the weak labeller's errors; every pool row is trusted "
                f"{self.constant:g}.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            self.model = None
            self.trust = np.full(n_pool, self.constant)
            return
        self.constant = None
        self.model = clone(estimator).fit(self.design_gold, target)
        self.trust = self.right(self.signals, pseudo)

    def signals_of(self, P, S, Z, labels, *, pool_self=None, gold_self=None, pool_neighbours=None,
                   pool_distances=None, gold_distances=None):
        """The signals (columns as in ``SIGNALS``) of rows with weak probabilities ``P``,
        strong probabilities ``S``, centred representation ``Z`` and weak labels
        ``labels``; ``pool_self``/``gold_self``: their positions among the pool / gold
        rows (left out of their own neighbourhoods), or None; ``pool_neighbours``: their
        neighbourhoods among the pool rows, when already known; ``pool_distances`` /
        ``gold_distances``: their cosine distances to the pool / gold rows, when known."""
        codes = np.searchsorted(self.classes, labels)
        top = np.sort(P, axis=1)
        own = S[np.arange(codes.size), codes]
        if pool_neighbours is None:
            pool_neighbours = _neighbours(self.Z_pool, Z, self.n_neighbors, pool_self, pool_distances)
        pool_agree = label_agreement(self.pseudo_codes, pool_neighbours, codes)
        gold_agree = gold_accuracy(self.Z_gold, self.gold_correct, Z, self.n_neighbors, gold_self,
                                   gold_distances)
        return np.column_stack([top[:, -1], top[:, -1] - top[:, -2], own, pool_agree, gold_agree])

    def design(self, signals, labels):
        """The signals and the weak label's class (one-hot, first class dropped)."""
        onehot = (np.asarray(labels)[:, None] == self.classes[None, :]).astype(np.float64)
        return np.column_stack([signals, onehot[:, 1:]])

    def right(self, signals, labels):
        """P(the weak label is right) of rows with these signals and weak labels."""
        if self.model is None:
            return np.full(signals.shape[0], self.constant)
        P = self.model.predict_proba(self.design(signals, labels))
        return P[:, list(self.model.classes_).index(True)]


class WeakLabelTrust(MetaEstimatorMixin, BaseEstimator):
    """The probability that each pool row's weak label (pseudolabel) is right.

    Rows of ``y`` equal to -1 form the unlabelled pool; the others are the gold rows
    (as in :class:`~skw2s.WeakToStrongClassifier`). On the gold rows the weak model is
    cross-fitted (each row's weak label comes from a model that did not see it), so
    whether its weak label is right is known and its errors are those of the pool. Each
    row is described by five signals (``SIGNALS``), plus its weak label's class:

    * ``weak_confidence``: the weak model's top probability;
    * ``weak_margin``: its top probability minus the second;
    * ``strong_proba``: the strong side's probability of the weak label: the strong
      estimator trained on the pool's pseudolabels, out-of-fold for pool rows (5
      folds, as for ``train_on="confident_learning"``);
    * ``pool_agreement``: the share of the ``n_neighbors`` nearest pool rows (cosine on
      the representation, centred) with the same pseudolabel: the cut statistic of
      Lang, Vijayaraghavan and Sontag (2022);
    * ``gold_agreement``: the share of right weak labels among the ``n_neighbors``
      nearest gold rows: where the weak labeller errs, learnt from the gold rows.

    ``estimator`` (a classifier with ``predict_proba``) learns from the gold rows'
    signals whether the weak label is right; applied to the pool's signals it gives
    ``trust_``. The gold rows never train on their own signal: a gold row's
    ``gold_agreement`` leaves the row out, and ``validation_auc_`` is cross-fitted.

    Parameters
    ----------
    weak_estimator : classifier or None, default=None
        Must have ``predict_proba``. Cloned and fitted on the gold rows (and, per fold,
        on the others for the gold rows' cross-fitted weak labels). None means
        ``LogisticRegression()``. A :class:`~sklearn.frozen.FrozenEstimator` (a fixed
        labeller) is used as it is on every row, gold rows included. Ignored when
        ``weak_proba`` is passed to :meth:`fit`.
    strong_estimator : classifier or None, default=None
        Must have ``predict_proba``. Cloned and fitted on the pool's pseudolabels.
        None means ``LogisticRegression()``.
    representation : transformer or None, default=None
        Maps ``X`` to the strong-side features the neighbours are found in (cloned and
        fitted on ``X``; a frozen one is only applied). None: ``X`` itself, which must
        then be numeric.
    n_neighbors : int, default=10
        Neighbours of ``pool_agreement`` and ``gold_agreement`` (fewer when fewer
        rows exist).
    estimator : classifier or None, default=None
        The model of the weak label's correctness from the signals. None means
        ``make_pipeline(StandardScaler(), LogisticRegression())``.
    cv : int, default=5
        Folds of the gold rows, stratified: for the cross-fitted weak labels (by class;
        at most the smallest class's number of gold rows) and for ``validation_auc_``
        (by right / wrong weak label).
    random_state : int, RandomState instance or None, default=None
        Shuffles the folds (weak cross-fitting, strong out-of-fold view, validation).

    Attributes
    ----------
    weak_estimator_ : estimator or None
        The weak estimator fitted on every gold row (None with ``weak_proba``).
    strong_estimator_ : estimator or None
        The strong estimator fitted on every pool row's pseudolabel (None, with a
        warning, when every pool row has the same pseudolabel: the strong side's
        probability of it is then 1).
    representation_ : transformer or None
        The fitted representation.
    estimator_ : estimator or None
        The model of correctness fitted on the gold rows' signals (None when the gold
        rows' weak labels are all right or all wrong).
    classes_ : ndarray
        The task's class labels (the weak model's classes).
    pool_indices_ : ndarray of int
        Row indices of ``X`` forming the pool.
    gold_indices_ : ndarray of int
        Row indices of ``X`` of the gold rows.
    pseudolabels_ : ndarray of shape (n_pool,)
        The weak label of each pool row.
    gold_correct_ : ndarray of bool of shape (n_gold,)
        Whether each gold row's cross-fitted weak label is right.
    signals_ : ndarray of shape (n_pool, 5)
        The signals of the pool rows, columns as in ``SIGNALS``.
    gold_signals_ : ndarray of shape (n_gold, 5)
        The signals of the gold rows (their cross-fitted weak labels; the strong
        estimator fitted on the pool), on which ``estimator_`` is fitted.
    trust_ : ndarray of shape (n_pool,)
        The probability that each pool row's pseudolabel is right.
    validation_auc_ : float
        ROC AUC of the cross-fitted trust on the gold rows (right vs wrong weak labels);
        NaN when either kind has fewer than 2 rows.
    confidence_auc_ : float
        The same AUC for the weak confidence alone: what the trust adds over it.
    n_features_in_ : int
        Number of features of ``X`` (numeric ``X`` only).

    See Also
    --------
    WeakToStrongClassifier : pseudolabels a pool and trains the strong model on chosen rows.
    OverlapDetector : the label-free partition of the pool.

    Notes
    -----
    With no -1 in ``y`` every row is both a gold row and a pool row (with a
    :class:`~skw2s.DegenerateDataWarning`): the signals are then in-sample for the
    strong side. When the gold rows' weak labels are all right (or all wrong), nothing
    can be learnt about the errors: ``trust_`` is that share (1 or 0) for every pool row,
    with a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s import WeakLabelTrust
    >>> from skw2s.datasets import make_overlap_classification
    >>> X, y, _, weak_cols = make_overlap_classification(300, 300, 300, random_state=0)
    >>> y_fit = np.where(np.arange(900) < 300, y, -1)   # 300 gold rows, a pool of 600
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn.linear_model import LogisticRegression
    >>> weak = LogisticRegression().fit(X[:300][:, weak_cols], y[:300])
    >>> P = weak.predict_proba(X[:, weak_cols])
    >>> trust = WeakLabelTrust(random_state=0).fit(X, y_fit, weak_proba=P)
    >>> trust.trust_.shape
    (600,)
    >>> bool(trust.validation_auc_ > trust.confidence_auc_)
    True
    """

    def __init__(
        self,
        weak_estimator=None,
        strong_estimator=None,
        *,
        representation=None,
        n_neighbors=TRUST_NEIGHBORS,
        estimator=None,
        cv=5,
        random_state=None,
    ):
        self.weak_estimator = weak_estimator
        self.strong_estimator = strong_estimator
        self.representation = representation
        self.n_neighbors = n_neighbors
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def _check_params(self):
        check_int(self.n_neighbors, "n_neighbors", min_value=1)
        check_int(self.cv, "cv", min_value=2)
        for name in ("weak_estimator", "strong_estimator", "estimator"):
            est = getattr(self, name)
            if est is not None and not hasattr(est, "predict_proba"):
                raise TypeError(
                    f"{name} must have predict_proba; got {type(est).__name__}."
                )

    def _est(self, name):
        est = getattr(self, name)
        if est is not None:
            return est
        if name == "estimator":
            return default_trust_estimator()
        return LogisticRegression()

    def fit(self, X, y, *, weak_proba=None):
        """Learn the weak label's correctness on the gold rows; trust each pool row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or raw input
            Raw input (texts) is fine when ``representation`` and the sub-estimators
            accept it.
        y : array-like of shape (n_samples,)
            Labels; -1 marks the pool rows.
        weak_proba : array-like of shape (n_samples, n_classes) or (n_samples,), default=None
            Precomputed weak probabilities of every row (a fixed labeller: a lexicon,
            a label model), columns in the sorted order of the gold rows' classes. The
            gold rows' own rows are used as they are (no cross-fitting: a fixed
            labeller never saw them).

        Returns
        -------
        self : WeakLabelTrust
        """
        self._check_params()
        if y is None:
            raise ValueError(
                "WeakLabelTrust requires y to be passed, but the target y is None: the gold "
                "rows' labels say where the weak labeller errs."
            )
        X, _ = validate_pool(self, X, representation=self.representation, reset=True)
        n = _num_samples(X)
        y = column_or_1d(y, warn=True)
        if y.shape[0] != n:
            raise ValueError(f"X has {n} samples but y has {y.shape[0]}.")
        y_gold, gold_idx = labelled_targets(y)
        if y_gold.size < 2:
            raise ValueError(
                "WeakLabelTrust needs at least 2 gold rows (labels in y other than -1); got "
                f"{y_gold.size} sample{'' if y_gold.size == 1 else 's'} labelled."
            )
        check_classification_targets(y_gold)
        pool_idx = np.flatnonzero(is_unlabelled(y))
        if pool_idx.size == 0:
            warnings.warn(
                "y holds no unlabelled row (-1): every row forms the pool, so the strong side's "
                "view of the gold rows is in-sample.",
                DegenerateDataWarning,
                stacklevel=2,
            )
            pool_idx = np.arange(n)
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=3)

        # --- weak side: the pool's pseudolabels, the gold rows' cross-fitted weak labels
        fixed = weak_proba is not None or is_frozen(self._est("weak_estimator"))
        P_pool, self.weak_estimator_ = fit_weak_proba(
            "WeakLabelTrust", self.weak_estimator, X, y, weak_proba, rows=pool_idx)
        self.classes_ = weak_classes(weak_proba, self.weak_estimator_, y_gold, P_pool.shape[1])
        if fixed:
            P_gold = fit_weak_proba("WeakLabelTrust", self.weak_estimator, X, y, weak_proba,
                                    rows=gold_idx)[0]
        else:
            P_gold = cross_fitted_weak_proba("WeakLabelTrust", self.weak_estimator, X, y, gold_idx, y_gold,
                                             self.classes_, cv=self.cv, random_state=seeds[0])
        pseudo = self.classes_[np.argmax(P_pool, axis=1)]
        self.pool_indices_, self.gold_indices_ = pool_idx, gold_idx
        self.pseudolabels_ = pseudo

        # --- strong side: out-of-fold on the pool, the fitted model on the gold rows
        strong = self._est("strong_estimator")
        X_pool, X_gold = _safe_indexing(X, pool_idx), _safe_indexing(X, gold_idx)
        if np.unique(pseudo).size < 2:
            warnings.warn(
                f"every pool row has the pseudolabel {pseudo[0]!r}: the strong estimator cannot be "
                "fitted on one class, so the strong side's probability of it is taken as 1.",
                DegenerateDataWarning,
                stacklevel=2,
            )
            self.strong_estimator_ = None
            S_pool = self._strong_proba(X_pool)
        else:
            self.strong_estimator_ = clone(strong).fit(X_pool, pseudo)
            S_pool = self._strong_view(strong, X_pool, pseudo, seeds[1])

        # --- neighbours in the representation; the signals; the model of correctness
        self.representation_, Z = represent(self.representation, X, fit=True)
        Z = np.asarray(Z, dtype=np.float64)
        both = pool_idx.size == n  # no -1 in y: every gold row is a pool row too
        self._trust = TrustModel(self.classes_, P_pool, S_pool, Z[pool_idx], P_gold,
                                 self._strong_proba(X_gold), Z[gold_idx], y_gold,
                                 n_neighbors=self.n_neighbors, estimator=self._est("estimator"),
                                 pool_in_gold=positions(pool_idx, gold_idx) if both else None,
                                 gold_in_pool=positions(gold_idx, pool_idx) if both else None)
        self.gold_correct_ = self._trust.gold_correct
        self.signals_, self.gold_signals_ = self._trust.signals, self._trust.gold_signals
        self.estimator_, self.trust_ = self._trust.model, self._trust.trust

        # --- what the gold rows say of it, cross-fitted
        target = self.gold_correct_
        self.confidence_auc_ = self._auc(target, self.gold_signals_[:, 0])
        n_small = int(min(target.sum(), (~target).sum()))
        self.validation_auc_ = float("nan")
        if self.estimator_ is not None and n_small >= 2:
            folds = StratifiedKFold(min(self.cv, n_small), shuffle=True, random_state=seeds[2])
            cross = cross_val_predict(clone(self._est("estimator")), self._trust.design_gold, target,
                                      cv=folds, method="predict_proba")
            self.validation_auc_ = self._auc(target, cross[:, 1])
        return self

    def _strong_view(self, strong, X_pool, pseudo, seed):
        """The strong side's out-of-fold probabilities of the pool rows (in-sample, with a
        warning, when a pseudolabel class has a single row)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            S = strong_oof_proba(strong, X_pool, pseudo, self.classes_, random_state=seed,
                                 safe_indexing=_safe_indexing)
        if S is None:
            warnings.warn(
                "a pseudolabel class has a single pool row: the strong side's probability of "
                "the pool's pseudolabels is in-sample.",
                DegenerateDataWarning,
                stacklevel=3,
            )
            S = self._strong_proba(X_pool)
        return S

    def _strong_proba(self, X_rows):
        """Probabilities of the fitted strong estimator, columns ``classes_``; with a single
        pseudolabel class (no strong estimator), 1 for that class."""
        model = self.strong_estimator_
        if model is not None:
            return proba_in_classes(model, X_rows, self.classes_)
        P = np.zeros((_num_samples(X_rows), self.classes_.size))
        P[:, np.searchsorted(self.classes_, self.pseudolabels_[0])] = 1.0
        return P

    @staticmethod
    def _auc(target, score):
        if min(target.sum(), (~target).sum()) < 2:
            return float("nan")
        return float(roc_auc_score(target, score))

    def predict_proba(self, X, weak_proba=None):
        """``[P(weak label wrong), P(weak label right)]`` of new rows.

        The signals of a new row come from the fitted weak and strong estimators (the
        strong one is in-sample on the pool rows: use ``trust_`` for those) and from
        its neighbours among the pool and gold rows of :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or raw input
        weak_proba : array-like, default=None
            The new rows' weak probabilities; required when :meth:`fit` was given
            ``weak_proba``.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Columns: wrong, right.
        """
        check_is_fitted(self)
        X, _ = validate_pool(self, X, representation=self.representation, reset=False)
        n = _num_samples(X)
        if self.weak_estimator_ is None and weak_proba is None:
            raise ValueError(
                "WeakLabelTrust was fitted on weak_proba: pass the new rows' weak_proba too."
            )
        if weak_proba is not None:
            P = check_proba(weak_proba, n)
        else:
            P = np.zeros((n, self.classes_.size))
            P[:, np.searchsorted(self.classes_, self.weak_estimator_.classes_)] = (
                self.weak_estimator_.predict_proba(X))
        if P.shape[1] != self.classes_.size:
            raise ValueError(f"weak_proba has {P.shape[1]} columns for {self.classes_.size} classes.")
        labels = self.classes_[np.argmax(P, axis=1)]
        _, Z = represent(self.representation_, X, fit=False)
        Z = np.asarray(Z, dtype=np.float64) - self._trust.center
        right = self._trust.right(self._trust.signals_of(P, self._strong_proba(X), Z, labels), labels)
        return np.column_stack([1.0 - right, right])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.sparse = False
        return tags
