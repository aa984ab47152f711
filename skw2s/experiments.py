"""The paper's overlap-mixing experiment (method.md section 3) and its figure.

:func:`run_overlap_experiment` measures, over several seeds, the weak model, the strong
ceiling, plain weak-to-strong training, training on the overlap points only, and the
overlap-mixing curve; :func:`plot_overlap_curve` draws the paper-style figure.
matplotlib is imported only inside :func:`plot_overlap_curve`.
"""

import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state

from ._constants import OVERLAP
from ._sklearn_compat import safe_indexing as _safe_indexing
from ._training_rows import draw_mixture
from ._utils import check_int
from .classifier import WeakToStrongClassifier
from .detection import OverlapDetector
from .metrics import detection_precision_recall

__all__ = ["plot_overlap_curve", "run_overlap_experiment", "summarize_overlap_experiment"]

def _split(n, fractions, strata, rng):
    """Random (train, pool, test) index arrays; stratified by ``strata`` when given."""
    strata = np.zeros(n, dtype=int) if strata is None else np.asarray(strata)
    parts = [[], [], []]
    for value in np.unique(strata):
        idx = rng.permutation(np.flatnonzero(strata == value))
        a = int(round(fractions[0] * idx.size))
        b = a + int(round(fractions[1] * idx.size))
        for part, chunk in zip(parts, (idx[:a], idx[a:b], idx[b:])):
            part.append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def _seed_splits(n, train_size, pool_size, n_seeds, strata, random_state):
    """``(seed, state, rng, train, pool, test)`` of each seed of :func:`run_overlap_experiment`.

    Seed ``s`` uses ``RandomState(state)``, ``state = base + s``, ``base`` drawn once
    from ``random_state``; ``rng`` is that generator after the split (the mixing draws
    continue from it); ``state`` also seeds the detector's bootstrap when the detector
    has no ``random_state`` of its own.
    """
    base = check_random_state(random_state).randint(np.iinfo(np.int32).max - n_seeds)
    for seed in range(n_seeds):
        rng = np.random.RandomState(base + seed)
        yield (seed, base + seed, rng, *_split(n, (train_size, pool_size), strata, rng))


def _accuracy(est, X, y):
    return float(np.mean(est.predict(X) == y))


def _fit_score(est, X_tr, y_tr, X_te, y_te):
    """Test accuracy of ``est`` trained on (X_tr, y_tr); NaN when it cannot train."""
    if len(y_tr) == 0 or np.unique(y_tr).size < 2:
        return float("nan")
    return _accuracy(clone(est).fit(X_tr, y_tr), X_te, y_te)


def _w2s_on_pool(strong_estimator, X_pool, proba, classes, detector, train_on):
    """:class:`~skw2s.WeakToStrongClassifier` fitted on an already detected pool.

    Every row of ``X_pool`` is unlabelled, ``proba`` are its weak probabilities
    (columns ``classes``) and ``detector`` the detector fitted on it: nothing but the
    strong estimator is fitted, and the rows are chosen, with the estimator's fallback
    and class coverage, by ``train_on``. None when the pool's pseudolabels hold a single
    class (the estimator cannot be trained).
    """
    if np.unique(np.argmax(proba, axis=1)).size < 2:
        return None
    clf = WeakToStrongClassifier(
        strong_estimator=strong_estimator, detector=FrozenEstimator(detector),
        train_on=train_on, classes=classes,
    )
    return clf.fit(X_pool, None, weak_proba=proba)


def run_overlap_experiment(
    X_weak,
    X_strong,
    y,
    *,
    weak_estimator=None,
    strong_estimator=None,
    ceiling_estimator=None,
    detector=None,
    train_size=1 / 3,
    pool_size=1 / 3,
    proportions=np.linspace(0, 1, 11),
    n_seeds=5,
    true_groups=None,
    use_true_groups=None,
    random_state=None,
    as_frame=False,
    return_partitions=False,
):
    """Weak / ceiling / W2S accuracies and the overlap-mixing curve, over seeds.

    For each seed the rows are split at random into a *train* split (gold labels), a
    *pool* and a *test* split (stratified by ``true_groups`` when given, so each split
    keeps the group proportions). Then:

    * ``weak``: the weak estimator trained on ``X_weak[train]``, gold labels;
    * ``ceiling``: the ceiling estimator on ``X_strong[pool]`` with the pool's gold
      labels (the same points W2S learns from, with true instead of weak labels);
    * ``w2s``: the strong estimator on ``X_strong[pool]`` with the weak model's hard
      pseudolabels;
    * the pool is partitioned into overlap and non-overlap points, by the detector
      (fitted on ``X_strong[pool]`` with the weak probabilities) or, with
      ``use_true_groups``, by ``true_groups``;
    * ``overlap_only``: with the detector, what
      ``WeakToStrongClassifier(train_on="overlap")`` trains on that pool (the weak
      probabilities and the fitted detector are reused, not refitted): every overlap
      point, plus the most overlap-like points of a pseudolabel class the overlap
      points miss, or every pool point when there is no overlap point (each with a
      :class:`~skw2s.DegenerateDataWarning`). With ``use_true_groups``: the strong
      estimator on every true overlap point of the pool;
    * ``mix``: with ``N = min(|overlap|, |non-overlap|)``, for each ``q`` in
      ``proportions`` the strong estimator on ``N`` pool points of which ``round(q N)``
      are overlap points (drawn without replacement, as with a float ``train_on``).

    All accuracies are on the test split. A model that cannot be trained (an empty or
    single-class training set) has accuracy NaN.

    Parameters
    ----------
    X_weak : array-like of shape (n_samples, n_weak_features)
        What the weak model sees.
    X_strong : array-like of shape (n_samples, n_strong_features)
        What the strong model (and the detector) sees.
    y : array-like of shape (n_samples,)
        Gold labels.
    weak_estimator, strong_estimator : classifier or None
        None means ``LogisticRegression()``. Cloned for every fit.
    ceiling_estimator : classifier or None
        The strong model trained on gold labels; None means ``strong_estimator``.
    detector : OverlapDetector or None
        None means ``OverlapDetector()``.
    train_size, pool_size : float
        Fractions of the rows in the train split and in the pool; the rest is test.
    proportions : array-like of float in [0, 1], default=np.linspace(0, 1, 11)
    n_seeds : int, default=5
    true_groups : array-like of shape (n_samples,) or None
        True groups (``skw2s.EASY``, ``HARD``, ``OVERLAP``): stratify the splits, and
        give detection precision / recall.
    use_true_groups : bool or None
        Partition the pool by ``true_groups`` instead of the detector (the authors'
        synthetic check). None means True when ``true_groups`` is given.
    random_state : int, RandomState instance or None
        Seed ``s`` uses ``base + s`` where ``base`` is drawn once from it.
    as_frame : bool, default=False
        Return a pandas DataFrame (needs pandas) instead of a list of dicts.
    return_partitions : bool, default=False
        Also return what each seed's pool looked like (for per-group diagnostics).

    Returns
    -------
    results : list of dict or pandas.DataFrame
        One record per (seed, kind[, proportion]) with keys ``seed``, ``kind``,
        ``proportion`` (NaN except for ``mix``), ``n_train`` (the rows the model
        trained on), ``accuracy``,
        ``overlap_density`` (the detector's ``overlap_density_``: with its bootstrap,
        the mean group probability, which can differ slightly from the fraction of
        ``n_overlap``; with ``use_true_groups`` the true fraction),
        ``overlap_density_low`` and ``overlap_density_high`` (its 95% bootstrap
        interval; NaN without one), ``n_overlap``, ``n_nonoverlap``,
        and, with ``true_groups``, ``precision``, ``recall``, ``f1`` of the detector.
    partitions : list of dict
        Only with ``return_partitions=True``: one dict per seed with keys ``seed``,
        ``train``, ``pool``, ``test`` (row indices of the three splits),
        ``weak_proba`` and ``pseudolabels`` (of the pool rows), ``classes`` (the weak
        model's, the columns of ``weak_proba``), ``groups`` (``EASY``, ``HARD`` or
        ``OVERLAP`` of each pool row; with ``use_true_groups`` the true groups),
        ``detector`` (the fitted detector) and ``overlap_only`` (the fitted
        :class:`~skw2s.WeakToStrongClassifier` of the ``overlap_only`` record; its
        ``train_on_`` and ``coverage_indices_`` say which rows it used); the last two
        are None with ``use_true_groups``, and ``overlap_only`` is None when the pool's
        pseudolabels hold a single class.

    Examples
    --------
    >>> from skw2s.datasets import make_overlap_classification
    >>> from skw2s.experiments import run_overlap_experiment, summarize_overlap_experiment
    >>> X, y, g, weak_cols = make_overlap_classification(300, 300, 300, random_state=0)
    >>> res = run_overlap_experiment(X[:, weak_cols], X, y, proportions=[0, 1],
    ...                              n_seeds=2, random_state=0)
    >>> sorted({r["kind"] for r in res})
    ['ceiling', 'mix', 'overlap_only', 'w2s', 'weak']
    >>> s = summarize_overlap_experiment(res)
    >>> bool(s["mix"][1.0]["mean"] > s["mix"][0.0]["mean"])
    True
    """
    weak_estimator = LogisticRegression() if weak_estimator is None else weak_estimator
    strong_estimator = LogisticRegression() if strong_estimator is None else strong_estimator
    ceiling_estimator = strong_estimator if ceiling_estimator is None else ceiling_estimator
    detector = OverlapDetector() if detector is None else detector
    y = np.asarray(y)
    n = y.shape[0]
    for name, X in (("X_weak", X_weak), ("X_strong", X_strong)):
        if len(X) != n:
            raise ValueError(f"{name} has {len(X)} rows but y has {n}.")
    for name, value in (("train_size", train_size), ("pool_size", pool_size)):
        if not isinstance(value, numbers.Real) or not 0 < value < 1:
            raise ValueError(f"{name} must be a fraction in (0, 1); got {value!r}.")
    if train_size + pool_size >= 1:
        raise ValueError("train_size + pool_size must be < 1 (the rest is the test split).")
    proportions = np.asarray(proportions, dtype=float).ravel()
    if proportions.size == 0 or np.any((proportions < 0) | (proportions > 1)):
        raise ValueError("proportions must be a non-empty list of fractions in [0, 1].")
    check_int(n_seeds, "n_seeds", min_value=1)
    if true_groups is not None:
        true_groups = np.asarray(true_groups)
        if true_groups.shape != (n,):
            raise ValueError(f"true_groups must have shape ({n},); got {true_groups.shape}.")
    if use_true_groups is None:
        use_true_groups = true_groups is not None
    if use_true_groups and true_groups is None:
        raise ValueError("use_true_groups=True needs true_groups.")

    records, partitions = [], []
    for seed, state, rng, train, pool, test in _seed_splits(n, train_size, pool_size, n_seeds, true_groups, random_state):
        Xw = lambda idx: _safe_indexing(X_weak, idx)  # noqa: E731
        Xs = lambda idx: _safe_indexing(X_strong, idx)  # noqa: E731
        weak = clone(weak_estimator).fit(Xw(train), y[train])
        proba = weak.predict_proba(Xw(pool))
        pseudo = weak.classes_[np.argmax(proba, axis=1)]
        X_pool, X_test, y_test = Xs(pool), Xs(test), y[test]

        if use_true_groups:
            is_overlap = true_groups[pool] == OVERLAP
            pred_groups = det = w2s_overlap = None
        else:
            det = clone(detector)
            if det.get_params().get("random_state", 0) is None:
                det.set_params(random_state=state)
            det.fit(X_pool, weak_proba=proba)
            pred_groups = det.labels_
            is_overlap = pred_groups == OVERLAP
            w2s_overlap = _w2s_on_pool(strong_estimator, X_pool, proba, weak.classes_, det, "overlap")
        if return_partitions:
            partitions.append({
                "seed": seed, "train": train, "pool": pool, "test": test, "weak_proba": proba,
                "classes": np.asarray(weak.classes_), "pseudolabels": pseudo,
                "groups": true_groups[pool] if det is None else det.labels_,
                "detector": det, "overlap_only": w2s_overlap,
            })
        O, R = np.flatnonzero(is_overlap), np.flatnonzero(~is_overlap)
        low, high = (float("nan"),) * 2 if det is None else det.overlap_density_interval_
        common = {
            "seed": seed,
            "overlap_density": (float(det.overlap_density_) if det is not None
                                else float(is_overlap.mean()) if pool.size else float("nan")),
            "overlap_density_low": low,
            "overlap_density_high": high,
            "n_overlap": int(O.size),
            "n_nonoverlap": int(R.size),
        }
        if true_groups is not None:
            groups = true_groups[pool] if pred_groups is None else pred_groups
            p, r, f = detection_precision_recall(groups.astype(np.int64), true_groups[pool].astype(np.int64))
            common.update(precision=p, recall=r, f1=f)

        def add(kind, acc, n_train, q=float("nan")):
            records.append({**common, "kind": kind, "proportion": q, "n_train": int(n_train), "accuracy": acc})

        add("weak", _accuracy(weak, Xw(test), y_test), train.size)
        add("ceiling", _fit_score(ceiling_estimator, X_pool, y[pool], X_test, y_test), pool.size)
        add("w2s", _fit_score(strong_estimator, X_pool, pseudo, X_test, y_test), pool.size)
        if use_true_groups:
            add("overlap_only", _fit_score(strong_estimator, _safe_indexing(X_pool, O), pseudo[O], X_test, y_test),
                O.size)
        elif w2s_overlap is None:  # a single pseudolabel class: W2S cannot be trained
            add("overlap_only", float("nan"), O.size)
        else:
            add("overlap_only", _accuracy(w2s_overlap, X_test, y_test), w2s_overlap.train_indices_.size)
        N = min(O.size, R.size)
        for q in proportions:
            idx = draw_mixture(O, R, q, rng)
            add("mix", _fit_score(strong_estimator, _safe_indexing(X_pool, idx), pseudo[idx], X_test, y_test), N, float(q))
    if as_frame:
        import pandas as pd

        records = pd.DataFrame.from_records(records)
    return (records, partitions) if return_partitions else records


def _records(results):
    if hasattr(results, "to_dict"):
        return results.to_dict(orient="records")
    return list(results)


def summarize_overlap_experiment(results):
    """Mean, standard deviation and count over seeds of each kind (and proportion).

    Parameters
    ----------
    results : list of dict or pandas.DataFrame
        The output of :func:`run_overlap_experiment`.

    Returns
    -------
    summary : dict
        ``summary[kind] = {"mean", "std", "n"}`` for the reference kinds and
        ``summary["mix"][q] = {"mean", "std", "n"}``; NaN accuracies are left out.
    """
    groups = {}
    for r in _records(results):
        key = (r["kind"], None if r["kind"] != "mix" else float(r["proportion"]))
        groups.setdefault(key, []).append(r["accuracy"])
    out = {"mix": {}}
    for (kind, q), accs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0.0)):
        a = np.asarray(accs, dtype=float)
        a = a[~np.isnan(a)]
        stats = {
            "mean": float(a.mean()) if a.size else float("nan"),
            "std": float(a.std(ddof=1)) if a.size > 1 else float("nan") if not a.size else 0.0,
            "n": int(a.size),
        }
        if kind == "mix":
            out["mix"][q] = stats
        else:
            out[kind] = stats
    return out


def plot_overlap_curve(results, ax=None, *, label="overlap mixture", color="C0", band="std",
                       references=True):
    """Paper-style figure: test accuracy against the proportion of overlap points.

    Horizontal reference lines for the weak model, the strong ceiling and plain W2S;
    the mixing curve (mean over seeds) with a band of +- one standard deviation.

    Parameters
    ----------
    results : list of dict or pandas.DataFrame
        The output of :func:`run_overlap_experiment`.
    ax : matplotlib Axes or None
        Axes to draw on; None creates a new figure.
    label, color : str
        Label and colour of the curve (call again on the same ``ax`` to overlay).
    band : {"std", "sem", None}, default="std"
        Spread band: standard deviation, standard error of the mean, or none.
    references : bool, default=True
        Draw the weak / ceiling / W2S lines (turn off when overlaying a second curve).

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if band not in ("std", "sem", None):
        raise ValueError(f"band must be 'std', 'sem' or None; got {band!r}.")
    s = summarize_overlap_experiment(results)
    if not s["mix"]:
        raise ValueError("results holds no 'mix' record to plot.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4))
    for kind, name, style in (
        ("ceiling", "strong ceiling", dict(color="k", ls="--")),
        ("w2s", "W2S (all pseudolabels)", dict(color="C2", ls="-.")),
        ("weak", "weak", dict(color="C3", ls=":")),
    ):
        if references and kind in s and not np.isnan(s[kind]["mean"]):
            ax.axhline(s[kind]["mean"], label=f"{name} ({s[kind]['mean']:.3f})", lw=1.5, **style)
    q = np.array(sorted(s["mix"]))
    mean = np.array([s["mix"][v]["mean"] for v in q])
    ax.plot(q, mean, "o-", color=color, label=label)
    if band is not None:
        spread = np.array([s["mix"][v]["std"] for v in q])
        if band == "sem":
            spread = spread / np.sqrt(np.maximum([s["mix"][v]["n"] for v in q], 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ax.fill_between(q, mean - spread, mean + spread, color=color, alpha=0.2, lw=0)
    ax.set_xlabel("proportion of overlap points in the strong model's training set")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(alpha=0.3)
    return ax
