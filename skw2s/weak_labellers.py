"""Weak labellers that give class probabilities directly: the weak-supervision setting.

In the paper's weak-supervision setting the weak model is a *label model* over labelling
functions: only its probabilities exist, there are no weak features. Such probabilities
go to :class:`~skw2s.OverlapDetector` and :class:`~skw2s.WeakToStrongClassifier` as
``weak_proba``; a labeller with ``fit``/``predict_proba`` can also be their
``weak_estimator``.

* :class:`VaderLabeller`: the VADER sentiment lexicon (``pip install --no-deps
  vadersentiment``) as a weak sentiment labeller, binary or 3-class;
* :func:`vader_scores`: VADER's four raw scores of each text;
* :func:`majority_vote_proba`: probabilities from the votes of several labelling
  functions, -1 meaning abstain.
"""

import functools

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._utils import check_int, check_texts

__all__ = ["VaderLabeller", "majority_vote_proba", "vader_scores"]

#: Column names of :func:`vader_scores`.
VADER_SCORES = ("neg", "neu", "pos", "compound")
_CALIBRATIONS = ("logistic", None)


@functools.lru_cache(maxsize=1)
def _analyzer():
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise ImportError(
            "the VADER labeller needs the vadersentiment package: pip install --no-deps vadersentiment"
        ) from None
    return SentimentIntensityAnalyzer()


#: Texts whose VADER scores are kept (a fit that scores the same texts again, as the folds
#: of ``train_on="auto"`` do, reads them back: VADER takes about 70 us a text, in Python).
VADER_CACHE_SIZE = 2 ** 15


@functools.lru_cache(maxsize=VADER_CACHE_SIZE)
def _text_scores(text):
    """VADER's ``(neg, neu, pos, compound)`` of one text (a pure function of the text)."""
    s = _analyzer().polarity_scores(text)
    return s["neg"], s["neu"], s["pos"], s["compound"]


def vader_scores(X):
    """VADER's scores of each text: negative, neutral and positive shares, and compound.

    ``neg``, ``neu`` and ``pos`` are the shares of the text's sentiment mass that are
    negative, neutral and positive (they sum to 1, or are all 0 for a text without a
    single token); ``compound`` is the normalised sum of valences, in [-1, 1].

    Parameters
    ----------
    X : sequence of str of length n_samples
        A list, 1-D array, pandas Series or one-column DataFrame of texts.

    Returns
    -------
    scores : ndarray of shape (n_samples, 4)
        Columns ``neg``, ``neu``, ``pos``, ``compound`` (:data:`VADER_SCORES`).

    Raises
    ------
    ImportError
        When ``vadersentiment`` is not installed; the message gives the pip command.

    Examples
    --------
    >>> from skw2s.weak_labellers import vader_scores
    >>> vader_scores(["a wonderful film", "a dull mess", "a film"]).round(2).tolist()
    [[0.0, 0.35, 0.65, 0.57], [0.84, 0.16, 0.0, -0.64], [0.0, 1.0, 0.0, 0.0]]
    """
    texts = check_texts(X)
    _analyzer()  # the ImportError, before any text
    out = np.zeros((len(texts), 4))
    for i, text in enumerate(texts):
        out[i] = _text_scores(text)
    return out


def _fixed_proba(scores, k):
    """The fixed mapping, columns in the order negative[, neutral], positive."""
    if k == 2:
        compound = scores[:, 3]
        return np.column_stack([(1.0 - compound) / 2.0, (1.0 + compound) / 2.0])
    p = scores[:, :3].copy()
    total = p.sum(axis=1)
    p[total == 0] = 1.0 / 3.0
    return p / p.sum(axis=1, keepdims=True)


def _features(scores, k):
    return scores[:, [3]] if k == 2 else scores[:, :3]


class VaderLabeller(ClassifierMixin, BaseEstimator):
    """The VADER sentiment lexicon as a weak labeller: texts in, class probabilities out.

    A rule-based labeller (Hutto and Gilbert, ICWSM 2014) from the ``vadersentiment``
    package (``pip install --no-deps vadersentiment``). It sees no features: it turns
    each text's VADER scores (:func:`vader_scores`) into probabilities over two
    (negative, positive) or three (negative, neutral, positive) sentiment classes.

    Mapping from scores to probabilities:

    * ``calibration="logistic"`` (default): a logistic regression without penalty,
      fitted on the gold labels passed to :meth:`fit`, maps the ``compound`` score
      (two classes) or the three shares ``neg``, ``neu``, ``pos`` (three classes) to
      probabilities: Platt scaling, with 2 (binary) or 8 (3-class) parameters. The
      class names are learnt from ``y``.
    * ``calibration=None``: a fixed formula, no fitting. Two classes:
      ``P(positive) = (1 + compound) / 2``. Three classes: the shares
      ``(neg, neu, pos)`` themselves (uniform for a text without a token). ``labels``
      must then name the classes in the order negative[, neutral], positive.

    Why calibrated by default (``benchmarks/vader_mapping.py``: 5 random splits, 500
    gold-labelled texts to calibrate, every other text to test): on movie reviews both
    mappings label alike (accuracy 0.647 fixed, 0.646 calibrated; majority class
    0.578) but the calibrated probabilities are better calibrated (expected calibration
    error 0.020 against 0.065; log loss 0.629 against 0.647); on 3-class tweets the
    fixed shares predict "neutral" for nearly every text (accuracy 0.338; majority
    class 0.566), while the calibrated mapping reaches 0.631. The weak encoders of
    ``skw2s run`` get the same 500 gold labels, so the comparison stays fair.

    Parameters
    ----------
    calibration : {"logistic", None}, default="logistic"
        See above.
    labels : sequence of 2 or 3 labels or None, default=None
        With ``calibration=None``: the class labels in the order negative,
        [neutral,] positive. Ignored (but checked against ``y``) otherwise.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Sorted class labels; the columns of :meth:`predict_proba` follow them.
    calibrator_ : LogisticRegression or None
        The fitted calibration (None with ``calibration=None``).

    See Also
    --------
    majority_vote_proba : probabilities from labelling-function votes.

    Examples
    --------
    >>> from skw2s.weak_labellers import VaderLabeller
    >>> texts = ["a wonderful, moving film", "a dull, tedious mess", "great fun", "awful"]
    >>> fixed = VaderLabeller(calibration=None, labels=["rotten", "fresh"]).fit(texts)
    >>> fixed.classes_.tolist()
    ['fresh', 'rotten']
    >>> fixed.predict_proba(["a wonderful film"]).round(3).tolist()    # (1 +- 0.5719) / 2
    [[0.786, 0.214]]
    >>> calibrated = VaderLabeller().fit(texts, ["fresh", "rotten", "fresh", "rotten"])
    >>> calibrated.predict(["what a great film", "what a boring film"]).tolist()
    ['fresh', 'rotten']
    """

    def __init__(self, calibration="logistic", labels=None):
        self.calibration = calibration
        self.labels = labels

    def _check_params(self, y):
        if self.calibration not in _CALIBRATIONS:
            raise ValueError(f"calibration must be 'logistic' or None; got {self.calibration!r}.")
        labels = None
        if self.labels is not None:
            labels = np.asarray(self.labels)
            if labels.ndim != 1 or labels.size not in (2, 3) or np.unique(labels).size != labels.size:
                raise ValueError(
                    "labels must list 2 or 3 distinct class labels (negative[, neutral], positive); "
                    f"got {self.labels!r}."
                )
        if self.calibration is None and labels is None:
            raise ValueError(
                "calibration=None needs labels: the class labels in the order negative[, neutral], positive."
            )
        if y is None:
            if self.calibration is not None:
                raise ValueError("calibration='logistic' is fitted on gold labels: pass y to fit.")
            return labels, np.unique(labels)
        y = np.asarray(y)
        check_classification_targets(y)
        classes = np.unique(y)
        if classes.size not in (2, 3):
            raise ValueError(
                f"VADER labels sentiment into 2 or 3 classes; y has {classes.size} classes."
            )
        if labels is not None and set(classes.tolist()) != set(labels.tolist()):
            raise ValueError(f"labels {labels.tolist()} do not match the classes of y {classes.tolist()}.")
        return labels, classes

    def fit(self, X, y=None, sample_weight=None):
        """Fit the calibration on gold labels (or only check ``labels`` when fixed).

        Parameters
        ----------
        X : sequence of str of length n_samples
            Texts.
        y : array-like of shape (n_samples,) or None
            Gold labels. Required with ``calibration="logistic"``; with
            ``calibration=None`` only checked against ``labels``.
        sample_weight : array-like of shape (n_samples,) or None
            Weights of the calibration's training rows.

        Returns
        -------
        self : VaderLabeller
        """
        texts = check_texts(X)
        labels, classes = self._check_params(y)
        if y is not None and len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels.")
        self.classes_ = classes
        self.calibrator_ = None
        if self.calibration == "logistic":
            features = _features(vader_scores(texts), classes.size)
            self.calibrator_ = LogisticRegression(C=np.inf, max_iter=1000).fit(
                features, np.asarray(y), sample_weight=sample_weight
            )
        else:
            # predict_proba columns follow the sorted classes_; the formula follows labels.
            self._order = np.searchsorted(classes, labels)
        return self

    def predict_proba(self, X):
        """Class probabilities of each text.

        Parameters
        ----------
        X : sequence of str of length n_samples
            Texts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self, "classes_")
        scores = vader_scores(X)
        k = self.classes_.size
        if self.calibrator_ is not None:
            return self.calibrator_.predict_proba(_features(scores, k))
        proba = np.empty((scores.shape[0], k))
        proba[:, self._order] = _fixed_proba(scores, k)
        return proba

    def predict(self, X):
        """Most probable class of each text.

        Parameters
        ----------
        X : sequence of str of length n_samples
            Texts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict` on texts ``X`` against labels ``y``.

        Parameters
        ----------
        X : sequence of str of length n_samples
            Texts.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,) or None
            Weights of the texts.

        Returns
        -------
        score : float
        """
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def majority_vote_proba(votes, n_classes=None, *, abstain=-1):
    """Probabilities from the votes of labelling functions: a majority-vote label model.

    Each row holds the votes of the labelling functions on one point: a class index in
    ``range(n_classes)`` or ``abstain``. A point's probability of class ``c`` is the
    share of its non-abstaining votes that go to ``c`` (so ties split evenly); a point
    on which every function abstains gets the uniform distribution, i.e. confidence 0:
    :class:`~skw2s.OverlapDetector` then sees it as a hard-only candidate.

    Parameters
    ----------
    votes : array-like of int of shape (n_samples, n_functions)
        Votes; ``abstain`` marks an abstention.
    n_classes : int >= 2 or None, default=None
        Number of classes; None takes the largest vote plus one.
    abstain : int, default=-1
        The abstention code.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Rows sum to 1: pass as ``weak_proba``.

    Examples
    --------
    >>> from skw2s.weak_labellers import majority_vote_proba
    >>> majority_vote_proba([[1, 1, -1], [0, 1, -1], [-1, -1, -1], [0, 0, 0]]).tolist()
    [[0.0, 1.0], [0.5, 0.5], [0.5, 0.5], [1.0, 0.0]]
    """
    abstain = check_int(abstain, "abstain")
    n_classes = check_int(n_classes, "n_classes", min_value=2, allow_none=True)
    V = np.asarray(votes)
    if V.ndim == 1:
        V = V[:, None]
    if V.ndim != 2 or V.shape[1] == 0:
        raise ValueError(f"votes must have shape (n_samples, n_functions); got {np.shape(votes)}.")
    if V.size and not np.issubdtype(V.dtype, np.integer):
        if not np.issubdtype(V.dtype, np.floating) or not np.all(np.isfinite(V)) or np.any(V != np.round(V)):
            raise TypeError(f"votes must be integer class indices or {abstain}; got dtype {V.dtype}.")
        V = V.astype(np.int64)
    cast = V[V != abstain]
    if n_classes is None:
        n_classes = int(cast.max()) + 1 if cast.size else 2
        n_classes = max(n_classes, 2)
    if cast.size and (cast.min() < 0 or cast.max() >= n_classes):
        raise ValueError(
            f"votes must lie in range({n_classes}) or be {abstain}; got values from {cast.min()} to {cast.max()}."
        )
    counts = np.zeros((V.shape[0], n_classes))
    for j in range(V.shape[1]):
        voted = V[:, j] != abstain
        np.add.at(counts, (np.flatnonzero(voted), V[voted, j]), 1.0)
    total = counts.sum(axis=1, keepdims=True)
    return np.where(total > 0, counts / np.maximum(total, 1.0), 1.0 / n_classes)
