"""``WeakToStrongClassifier(train_on="auto")`` against fixed training rules.

For each setting and seed, the strong model is trained by
:class:`skw2s.WeakToStrongClassifier` on all pseudolabels, on the default detector's
non-hard and overlap points, on the most confident 75/50/25% of each pseudolabel class
(``("confident", q)``), on the non-hard points of ``OverlapDetector.from_paper()`` (the
paper's forced split), on the TRUE overlap points where the truth is known, and with
``train_on="auto"`` (default ``cv=5``); test accuracy of each, what "auto" chose, and
what it would have chosen with a margin of 1 or 1.5 standard errors instead of 2
(``_training_rows.AUTO_MARGIN_SE``; the final model of a choice is the fixed rule's own
fit, so these columns need no extra fit).

Settings:

* ``synthetic``: :func:`skw2s.datasets.make_overlap_classification` (noise sqrt(5), 1 or
  1.5, 2 or 3 classes, true overlap 0 to 39%), 300 labelled rows, pool 2,000 to 2,300
  rows, 2,000 test rows; weak = logistic regression on the easy block, strong =
  logistic regression (C = 0.01) on every column.
* ``digits``: the ``digits-mix`` construction of ``benchmarks/known_truth.py`` (true
  overlap 0, 0.4, 0.8; the weak model sees 10 or 32 pixels of the left half).
* ``text``: the ``text`` construction of ``benchmarks/known_truth.py`` (movie-review
  snippets and plot sentences; MiniLM weak part -> mpnet both parts; 100 or 400 labelled
  rows, pool 1,000, test 600).
* ``reviews``: the 4,000 movie reviews of that bank (``benchmarks/_truth_bank.py``,
  cached MiniLM and mpnet embeddings): 500 labelled rows, a pool of 2,000, 1,500 test
  rows; strong = mpnet + standardised logistic regression (C = 0.01); weak = VADER's
  compound score calibrated on the labelled rows (a trained weak model: cross-fitted),
  VADER's fixed formula ``(1 + compound) / 2`` passed as ``weak_proba`` (a fixed weak
  side: validated without folds), or MiniLM + logistic regression.

``digits``, ``text`` and ``reviews`` need ``benchmarks/known_truth.py`` and
``benchmarks/_truth_bank.py`` (issue 16, item 1) and, for the texts, the embedded bank.

Usage::

    python benchmarks/auto_train_on.py synthetic digits reviews text --seeds 5
    python benchmarks/auto_train_on.py --from-jsonl benchmarks/out/auto_train_on.jsonl

Writes one JSON line per run to ``benchmarks/out/auto_train_on.jsonl`` and prints a
Markdown table (means over seeds; "auto - all" with its standard error over seeds).
"""

import argparse
import collections
import json
import pathlib
import sys
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skw2s import OverlapDetector, WeakToStrongClassifier

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE / "out" / "auto_train_on.jsonl"
RULES = {"nonhard": "nonhard", "overlap": "overlap", "conf75": ("confident", 0.75),
         "conf50": ("confident", 0.5), "conf25": ("confident", 0.25), "cleanlab": "confident_learning",
         "strong80": ("strong", 0.8), "strong60": ("strong", 0.6), "trust80": ("trust", 0.8),
         "trust60": ("trust", 0.6)}
KEY = collections.defaultdict(lambda: "?", {str(rule): key for key, rule in RULES.items()} | {"all": "all"})


def _columns(cols, *steps):
    return make_pipeline(ColumnTransformer([("c", "passthrough", np.asarray(cols))]), *steps)


def _lr(C):
    return [StandardScaler(), LogisticRegression(C=C, max_iter=2000)]


def run(name, X, y, gold, pool, test, weak, strong, seed, det_cols=None, true_group=None,
        weak_proba=None, log=print):
    rows = np.concatenate([gold, pool])
    Xf, yf = X[rows], y[rows].copy()
    yf[len(gold):] = -1
    Xt, yt = X[test], y[test]
    rep = None if det_cols is None else ColumnTransformer([("s", "passthrough", np.asarray(det_cols))])
    kw = {} if weak_proba is None else {"weak_proba": weak_proba[rows]}

    def fit(train_on, detector=None):
        det = OverlapDetector(representation=rep) if detector is None else detector
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return WeakToStrongClassifier(weak, strong, detector=det, train_on=train_on,
                                          random_state=seed).fit(Xf, yf, **kw)

    out = {"setting": name, "seed": seed}
    base = fit("all")
    out["all"] = base.score(Xt, yt)
    if weak_proba is None:
        out["weak"] = float(np.mean(base.weak_estimator_.predict(Xt) == yt))
    for key, rule in RULES.items():
        out[key] = fit(rule).score(Xt, yt)
    out["paper_nonhard"] = fit("nonhard", OverlapDetector.from_paper(representation=rep)).score(Xt, yt)
    if true_group is not None:
        ov = np.flatnonzero(true_group[pool] == 2)
        if ov.size and np.unique(base.pseudolabels_[ov]).size > 1:
            model = clone(strong).fit(Xf[base.pool_indices_[ov]], base.pseudolabels_[ov])
            out["true_overlap"] = float(model.score(Xt, yt))
    t0 = time.perf_counter()
    auto = fit("auto")
    out["auto_seconds"] = round(time.perf_counter() - t0, 2)
    out["auto"] = auto.score(Xt, yt)
    out["choice"] = KEY[str(auto.train_on_)]
    scores = auto.validation_scores_
    out["val_gain"] = {KEY[str(k)]: float(v) for k, v in zip(scores["train_on"], scores["gain"])}
    out["val_se"] = {KEY[str(k)]: float(v) for k, v in zip(scores["train_on"], scores["gain_se"])}
    log(json.dumps(out))
    return out


def synthetic(seed, log):
    from skw2s.datasets import make_overlap_classification

    for n_e, n_h, n_o, noise, k in [(1000, 1000, 300, 5 ** 0.5, 2), (700, 700, 900, 5 ** 0.5, 2),
                                    (1000, 1000, 300, 1.0, 2), (800, 800, 700, 1.5, 3),
                                    (1150, 1150, 0, 5 ** 0.5, 2)]:
        n, n_test = n_e + n_h + n_o, 2000
        f = (n + n_test) / n
        X, y, g, cols = make_overlap_classification(int(n_e * f), int(n_h * f), int(n_o * f),
                                                    noise=noise, n_classes=k, random_state=seed)
        idx = np.arange(y.size)
        run(f"synthetic easy/hard/overlap {n_e}/{n_h}/{n_o}, noise {noise:.3g}, k={k}", X, y,
            idx[:300], idx[300:n], idx[n:], _columns(cols, LogisticRegression()),
            LogisticRegression(C=0.01), seed, true_group=g, log=log)


def _splits(parts):
    m = np.cumsum([0] + [len(p[2]) for p in parts])
    idx = np.arange(m[-1])
    return idx[:m[1]], idx[m[1]:m[2]], idx[m[2]:]


def digits(seed, log):
    import known_truth as kt

    for rho in (0.0, 0.4, 0.8):
        d = kt.digits_draw(rho, seed, mix=True)
        parts = [d["gold"], d["pool"], d["test"]]
        X = np.vstack([p[0] for p in parts]).astype(float)
        y, g = np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts])
        for n_px in (10, 32):
            weak = _columns(kt._digits_weak_cols(n_px), *_lr(1.0))
            run(f"digits-mix, {n_px} weak pixels, true overlap {rho}", X, y, *_splits(parts),
                weak, make_pipeline(*_lr(0.01)), seed, true_group=g, log=log)


def text(seed, log):
    import known_truth as kt
    from _truth_bank import load_bank

    bank = load_bank(log=lambda *a: None)
    for rho in (0.0, 0.4, 0.8):
        d = kt.text_draw(bank, rho, seed)
        for n_gold in (100, 400):
            gold = tuple(a[:n_gold] for a in d["gold"])
            parts = [gold, d["pool"], d["test"]]
            Xw, Xs = np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])
            y, g = np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts])
            X = np.hstack([Xw, Xs]).astype(float)
            wcols, scols = np.arange(Xw.shape[1]), Xw.shape[1] + np.arange(Xs.shape[1])
            run(f"text known truth, {n_gold} labelled, true overlap {rho}", X, y, *_splits(parts),
                _columns(wcols, *_lr(0.01)), _columns(scols, *_lr(0.01)), seed, det_cols=scols,
                true_group=g, log=log)


def reviews(seed, log):
    from _truth_bank import load_bank

    from skw2s.weak_labellers import vader_scores

    bank = load_bank(log=lambda *a: None)
    rows = np.flatnonzero(bank["label"] >= 0)
    y = bank["label"][rows]
    compound = vader_scores([bank["texts"][i] for i in rows])[:, -1]
    Xw, Xs = bank["minilm"][rows].astype(float), bank["mpnet"][rows].astype(float)
    X = np.hstack([compound[:, None], Xw, Xs])
    scols = 1 + Xw.shape[1] + np.arange(Xs.shape[1])
    order = np.random.RandomState(seed).permutation(y.size)
    gold, pool, test = order[:500], order[500:2500], order[2500:]
    strong = _columns(scols, *_lr(0.01))
    common = dict(seed=seed, det_cols=scols, log=log)
    vader = _columns([0], LogisticRegression(penalty=None))
    run("movie reviews, VADER calibrated -> mpnet", X, y, gold, pool, test, vader, strong, **common)
    p1 = (1 + compound) / 2
    run("movie reviews, VADER fixed (weak_proba) -> mpnet", X, y, gold, pool, test, None, strong,
        weak_proba=np.column_stack([1 - p1, p1]), **common)
    minilm = _columns(1 + np.arange(Xw.shape[1]), *_lr(0.01))
    run("movie reviews, MiniLM -> mpnet", X, y, gold, pool, test, minilm, strong, **common)


def choose(record, margin):
    """The candidate "auto" picks with this margin (the estimator's rule)."""
    best, best_gain = "all", -np.inf
    for key, gain in record["val_gain"].items():
        se = record["val_se"][key]
        if key != "all" and gain > 0 and gain > margin * se and gain > best_gain:
            best, best_gain = key, gain
    return best


def table(records):
    by = collections.OrderedDict()
    for r in records:
        by.setdefault(r["setting"], []).append(r)
    cols = ["weak", "all", "nonhard", "overlap", "conf75", "conf50", "conf25", "cleanlab", "strong80", "strong60",
            "trust80", "trust60", "paper_nonhard", "true_overlap"]
    names = ["weak", "all", "non-hard", "overlap", "conf. 75%", "conf. 50%", "conf. 25%", "cleanlab",
             "strong 80%", "strong 60%", "trust 80%", "trust 60%", "paper's non-hard", "true overlap"]
    short = {"conf75": "conf. 75%", "conf50": "conf. 50%", "conf25": "conf. 25%"}
    lines = ["| setting | seeds | " + " | ".join(names) + " | **auto** | auto - all | auto chose | auto s |",
             "|---|---|" + "---|" * (len(cols) + 4)]
    for name, rs in by.items():
        cells = [f"{np.mean([r[c] for r in rs if c in r]):.3f}" if any(c in r for r in rs) else "-"
                 for c in cols]
        gain = np.array([r["auto"] - r["all"] for r in rs])
        se = gain.std(ddof=1) / np.sqrt(gain.size) if gain.size > 1 else float("nan")
        chose = collections.Counter(short.get(r["choice"], r["choice"]) for r in rs)
        lines.append(
            f"| {name} | {len(rs)} | " + " | ".join(cells)
            + f" | **{np.mean([r['auto'] for r in rs]):.3f}** | {gain.mean():+.3f} ({se:.3f}) | "
            + ", ".join(f"{k} x{v}" for k, v in chose.most_common())
            + f" | {np.mean([r['auto_seconds'] for r in rs]):.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="*", help="synthetic (default), digits, text, reviews")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--from-jsonl", type=pathlib.Path)
    opts = parser.parse_args(argv)
    unknown = set(opts.settings) - {"synthetic", "digits", "text", "reviews"}
    if unknown:
        parser.error(f"unknown settings {sorted(unknown)}")
    if opts.from_jsonl:
        records = [json.loads(line) for line in opts.from_jsonl.read_text().splitlines() if line]
    else:
        OUT.parent.mkdir(exist_ok=True)
        with open(OUT, "w") as fh:
            def log(line):
                print(line, file=fh, flush=True)
            for what in opts.settings or ["synthetic"]:
                for seed in range(opts.seeds):
                    globals()[what](seed, log)
        records = [json.loads(line) for line in OUT.read_text().splitlines() if line]
    print(table(records))


if __name__ == "__main__":
    main()
