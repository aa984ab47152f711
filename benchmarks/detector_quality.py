"""Overlap detection quality against the truth, for each similarity and aggregation.

Data: ``make_overlap_classification`` over a grid of signal strengths (noise 1), block
dimensions and overlap fractions, several seeds each. For each draw, half the points
(with gold labels) train the weak model, a logistic regression on the easy block; the
other half is the pool. The detector sees the full features of the pool and the weak
model's probabilities; its overlap labels are scored against the true groups.

Usage::

    python benchmarks/detector_quality.py             # full grid, 3 seeds
    python benchmarks/detector_quality.py --seeds 5
"""

import argparse
import itertools
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import OVERLAP, OverlapDetector
from skw2s.datasets import make_overlap_classification

SIMILARITIES = ("abs_cosine", "cosine", "dot")
AGGREGATIONS = ("rms", "mean", "max")


def prf(pred, true):
    tp = np.sum(pred & true)
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / true.sum() if true.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(seeds, n_pool, signals, dims, fractions):
    records = []
    for signal, dim, frac, seed in itertools.product(signals, dims, fractions, range(seeds)):
        n_ov = int(2 * n_pool * frac)
        n_rest = 2 * n_pool - n_ov
        X, y, group, weak_cols = make_overlap_classification(
            n_rest // 2, n_rest - n_rest // 2, n_ov, n_easy_features=dim, n_hard_features=dim,
            signal=signal, noise=1.0, random_state=seed,
        )
        lab, pool = np.arange(n_pool), np.arange(n_pool, 2 * n_pool)
        weak = LogisticRegression().fit(X[lab][:, weak_cols], y[lab])
        proba = weak.predict_proba(X[pool][:, weak_cols])
        true = group[pool] == OVERLAP
        for sim, agg in itertools.product(SIMILARITIES, AGGREGATIONS):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                det = OverlapDetector(similarity=sim, aggregation=agg).fit(X[pool], weak_proba=proba)
            p, r, f = prf(det.labels_ == OVERLAP, true)
            records.append(dict(signal=signal, dim=dim, frac=frac, seed=seed, sim=sim, agg=agg, p=p, r=r, f1=f))
    return records


def table(records, by):
    keys = sorted({r[by] for r in records})
    print(f"\nMean overlap F1 by {by} (rows: similarity / aggregation)\n")
    print("| similarity | aggregation | " + " | ".join(f"{by}={k}" for k in keys) + " | all: P / R / F1 |")
    print("|---|---|" + "---|" * (len(keys) + 1))
    for sim, agg in itertools.product(SIMILARITIES, AGGREGATIONS):
        rows = [r for r in records if r["sim"] == sim and r["agg"] == agg]
        cells = [np.mean([r["f1"] for r in rows if r[by] == k]) for k in keys]
        allp, allr, allf = (np.mean([r[m] for r in rows]) for m in ("p", "r", "f1"))
        print(f"| {sim} | {agg} | " + " | ".join(f"{c:.3f}" for c in cells) + f" | {allp:.3f} / {allr:.3f} / {allf:.3f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--n-pool", type=int, default=2000)
    args = ap.parse_args()
    records = run(args.seeds, args.n_pool, signals=(0.4, 0.6, 1.0), dims=(10, 20, 50), fractions=(0.1, 0.3, 0.5))
    print(f"{len(records)} detector fits ({args.seeds} seeds, pool of {args.n_pool}, noise 1)")
    for by in ("signal", "dim", "frac"):
        table(records, by)


if __name__ == "__main__":
    main()
