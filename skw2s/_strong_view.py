"""The strong side's view of each pseudolabel: out-of-fold strong probabilities.

The strong estimator is trained on the pool's hard pseudolabels in ``K`` stratified
folds; each pool row's probabilities come from the model that did not see it. From them:

* ``"confident_learning"``: the rows that confident learning (Northcutt, Jiang and
  Chuang, JAIR 2021) does *not* flag as label issues, with the ``cleanlab`` package's
  ``cleanlab.filter.find_label_issues(pseudolabels, proba)`` and its defaults
  (``filter_by="prune_by_noise_rate"``); ``cleanlab`` is a dependency of skw2s, so the
  result never depends on what happens to be installed;
* ``("strong", q)``: the ``ceil(q n_c)`` rows of each pseudolabel class (``n_c`` rows)
  whose out-of-fold strong probability of their own pseudolabel (:func:`own_class_proba`)
  is highest, ranked as ``("confident", q)`` ranks the weak confidence.

No gold label is used. See ``WeakToStrongClassifier(train_on=...)``.
"""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ._sklearn_compat import num_samples
from ._utils import as_label_array
from .exceptions import DegenerateDataWarning

#: Folds of the out-of-fold strong probabilities (cleanlab's recommendation).
STRONG_FOLDS = 5


def strong_oof_proba(strong, X_pool, pseudolabels, classes, *, random_state=None, safe_indexing,
                     fit_params=None):
    """Out-of-fold probabilities ``(n_pool, n_classes)`` of the strong estimator trained on
    the hard ``pseudolabels``, columns in ``classes`` order.

    ``K = min(STRONG_FOLDS, smallest pseudolabel class)`` stratified folds (shuffled with
    ``random_state``). ``fit_params(positions)``: the metadata of the strong estimator's
    ``fit`` for those pool positions (None: none). Returns None, with a
    :class:`~skw2s.DegenerateDataWarning`, when
    a pseudolabel class has a single row or the estimator has no ``predict_proba``.
    """
    present, counts = np.unique(pseudolabels, return_counts=True)
    if not hasattr(strong, "predict_proba"):
        warnings.warn(
            f"the strong estimator ({type(strong).__name__}) has no predict_proba: the strong side's "
            "view of the pseudolabels (train_on='confident_learning' or ('strong', q)) cannot be read, "
            "so those rules use every pool row.",
            DegenerateDataWarning,
            stacklevel=4,
        )
        return None
    if present.size < 2 or counts.min() < 2:
        warnings.warn(
            "the strong side's out-of-fold view of the pseudolabels needs at least 2 pool rows of "
            "each of at least 2 pseudolabel classes; the rules reading it use every pool row.",
            DegenerateDataWarning,
            stacklevel=4,
        )
        return None
    n_splits = int(min(STRONG_FOLDS, counts.min()))
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    P = np.zeros((pseudolabels.size, len(classes)))
    for train, test in cv.split(np.zeros((pseudolabels.size, 1)), pseudolabels):
        params = {} if fit_params is None else fit_params(train)
        model = clone(strong).fit(safe_indexing(X_pool, train), pseudolabels[train], **params)
        P[test] = proba_in_classes(model, safe_indexing(X_pool, test), classes)
    return P


def proba_in_classes(model, X_rows, classes):
    """``model``'s class probabilities of ``X_rows`` in the columns ``classes`` (a class
    the model never saw: 0); a model without ``predict_proba`` gives the one-hot rows of
    its ``predict`` (a prediction outside ``classes``: a row of zeros). The one alignment
    of a fitted model's columns for the classifier and the trust."""
    position = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    out = np.zeros((num_samples(X_rows), len(position)))
    if hasattr(model, "predict_proba"):
        out[:, [position[c] for c in np.asarray(model.classes_).tolist()]] = model.predict_proba(X_rows)
    else:
        pred = np.array([position.get(c, -1) for c in
                         as_label_array(np.asarray(model.predict(X_rows))).tolist()], dtype=int)
        known = pred >= 0
        out[np.flatnonzero(known), pred[known]] = 1.0
    return out


def confident_learning_rows(pseudolabels, proba, classes):
    """Pool positions that ``cleanlab.filter.find_label_issues`` does not flag.

    cleanlab works on NumPy arrays and calls scikit-learn's metrics on them: it runs with
    scikit-learn's array API dispatch off, whatever the caller's ``config_context``
    (with it on, its mixed inputs raise inside ``confusion_matrix``)."""
    from cleanlab.filter import find_label_issues
    from sklearn import config_context

    code = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    labels = np.array([code[c] for c in pseudolabels.tolist()], dtype=int)
    with warnings.catch_warnings(), config_context(array_api_dispatch=False):
        warnings.simplefilter("ignore")  # cleanlab's notes on tiny classes
        issues = find_label_issues(labels, np.asarray(proba), n_jobs=1)
    return np.flatnonzero(~np.asarray(issues, dtype=bool))


def own_class_proba(pseudolabels, proba, classes):
    """Each row's probability of its own pseudolabel (``proba``'s columns are ``classes``):
    the score ``("strong", q)`` ranks each class by
    (:func:`skw2s._training_rows.top_rows_per_class`)."""
    col = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    return proba[np.arange(pseudolabels.size), [col[c] for c in pseudolabels.tolist()]]
