"""Multiclass weak-to-strong on the generator: all pseudolabels against overlap selection.

For k = 2, 3, 5, 10 classes (``make_overlap_classification``, 20 + 20 features, noise
``--noise``, 30% overlap, 35% easy-only, 35% hard-only): a weak logistic regression
trained on 500 gold-labelled rows of the easy block pseudolabels a pool of 3,000 rows;
the strong logistic regression (C = 0.01, every column) is trained by
:class:`skw2s.WeakToStrongClassifier` on all pseudolabels, on the detected overlap
points, and on the non-hard points, and scored on 2,000 test rows. The ceiling is the
strong model on the pool's gold labels. Reported: test accuracy (mean over seeds), the
overlap density, and how many of the classes held by the pool's pseudolabels each
training subset keeps (every subset keeps all of them: WeakToStrongClassifier adds a
missing class's most overlap-like rows, see ``train_on``), with how many rows that took.

The real multiclass sets (tweets, 3 classes; BBC News, 5 topics) are in
benchmarks/real_data.py.

Usage::

    python benchmarks/multiclass.py [--seeds 3] [--noise 2.0]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import DegenerateDataWarning, WeakToStrongClassifier
from skw2s.datasets import make_overlap_classification


def run(k, seed, noise):
    n_weak, n_pool, n_test = 500, 3000, 2000
    n = n_weak + n_pool + n_test
    X, y, g, cols = make_overlap_classification(
        int(0.35 * n), int(0.35 * n), n - 2 * int(0.35 * n), n_classes=k, noise=noise,
        random_state=seed)
    tr, te = slice(0, n_weak + n_pool), slice(n_weak + n_pool, n)
    y_semi = y[tr].copy()
    y_semi[n_weak:] = -1
    weak = LogisticRegression(max_iter=1000).fit(X[:n_weak, cols], y[:n_weak])
    P = weak.predict_proba(X[tr][:, cols])
    out = {"weak": float(np.mean(weak.predict(X[te][:, cols]) == y[te]))}
    ceiling = LogisticRegression(C=0.01, max_iter=1000).fit(X[n_weak:n_weak + n_pool], y[n_weak:n_weak + n_pool])
    out["ceiling"] = float(ceiling.score(X[te], y[te]))
    for train_on in ("all", "overlap", "nonhard"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            clf = WeakToStrongClassifier(
                strong_estimator=LogisticRegression(C=0.01, max_iter=1000), train_on=train_on,
                classes=np.arange(k),
            ).fit(X[tr], y_semi, weak_proba=P)
        held = np.unique(clf.pseudolabels_)
        trained_rows = np.isin(clf.pool_indices_, clf.train_indices_)
        kept = np.unique(clf.pseudolabels_[trained_rows & ~np.isin(clf.pool_indices_, clf.coverage_indices_)])
        out[train_on] = float(clf.score(X[te], y[te]))
        out[f"{train_on}_classes"] = (int(kept.size), int(held.size), int(clf.coverage_indices_.size))
        out[f"{train_on}_rows"] = int(clf.train_indices_.size)
        if train_on == "overlap":
            out["density"] = float(clf.overlap_density_)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--noise", type=float, default=2.0)
    args = parser.parse_args()
    start = time.time()
    print(f"noise {args.noise}, {args.seeds} seeds; accuracy mean over seeds; classes: kept by "
          "the detection itself / held by the pseudolabels (+ rows added for coverage)")
    print("| k | weak | W2S all | W2S overlap | W2S non-hard | ceiling | overlap density | "
          "overlap: classes kept (+rows) | non-hard: classes kept (+rows) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k in (2, 3, 5, 10):
        rows = [run(k, seed, args.noise) for seed in range(args.seeds)]
        m = {key: np.mean([r[key] for r in rows]) for key in ("weak", "all", "overlap", "nonhard", "ceiling", "density")}

        def classes(key):
            kept = min(r[key][0] for r in rows)
            held = max(r[key][1] for r in rows)
            added = max(r[key][2] for r in rows)
            return f"{kept}/{held} (+{added})"

        print(f"| {k} | {m['weak']:.3f} | {m['all']:.3f} | {m['overlap']:.3f} | {m['nonhard']:.3f} | "
              f"{m['ceiling']:.3f} | {m['density']:.3f} | {classes('overlap_classes')} | "
              f"{classes('nonhard_classes')} |", flush=True)
    print(f"wall time {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
