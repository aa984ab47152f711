"""Reproduce the authors' synthetic W2S table (method.md section 3), true vs detected overlap.

Setting (the authors' notebook ``overlap_density_mixture_ablation_final``):
d_easy = d_hard = 20, theta ~ U[0, 1]^40 drawn once per run (seed), y ~ Bernoulli(1/2),
x = (2y - 1) theta + N(0, 5 I); per overlap level k = 1..9 the train, pseudolabel and
test splits each hold 100 easy-only, 100 hard-only and 10 k overlap points, so the
overlap ratio is 10k / (200 + 10k) = .048, .091, ..., .310.

* weak = LogisticRegression(C=1) on x with the hard block zeroed, gold train labels;
* ceiling = LogisticRegression(C=1) on full x, gold labels of the pseudolabel split
  (the same size and group mix as the train split);
* W2S = LogisticRegression(C=0.01) on the pseudolabelled overlap subset of the
  pseudolabel split: the TRUE overlap points (the authors' table), and, beside it,
  the points OverlapDetector() detects as overlap (it sees the weak probabilities and
  the full x of the pseudolabel split).

Usage::

    python benchmarks/synthetic_curve.py [--seeds 50] [--no-plot]

Writes benchmarks/figures/synthetic_curve.png (the mixing curve at the largest overlap
ratio plus the per-ratio table as curves) unless --no-plot.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import DegenerateDataWarning
from skw2s.datasets import make_overlap_classification
from skw2s.experiments import run_overlap_experiment, summarize_overlap_experiment

AUTHORS = {
    "ratio": [0.048, 0.091, 0.130, 0.167, 0.200, 0.231, 0.259, 0.286, 0.310],
    "weak": [0.672, 0.686, 0.686, 0.696, 0.705, 0.711, 0.716, 0.723, 0.728],
    "ceiling": [0.829, 0.833, 0.836, 0.841, 0.845, 0.848, 0.854, 0.858, 0.860],
    "w2s": [0.587, 0.673, 0.731, 0.763, 0.777, 0.790, 0.808, 0.819, 0.822],
}
N_EASY = N_HARD = 100  # per split
OVERLAP_STEP = 10  # overlap points per split = 10 k
TOLERANCE = 0.03


def run_level(k, n_seeds, use_true, proportions):
    """All seeds of one overlap level; theta depends on the seed only (shared over k)."""
    records = []
    for seed in range(n_seeds):
        # 3 splits of 100 / 100 / 10k; theta is the generator's first draw, so the same
        # seed gives the same theta at every level k, as in the authors' loop.
        X, y, group, weak_cols = make_overlap_classification(
            3 * N_EASY, 3 * N_HARD, 3 * OVERLAP_STEP * k,
            signal=1.0, noise=np.sqrt(5.0), random_state=seed,
        )
        X_weak = X.copy()
        X_weak[:, len(weak_cols):] = 0.0  # the weak model sees the hard block zeroed
        res = run_overlap_experiment(
            X_weak, X, y,
            weak_estimator=LogisticRegression(C=1.0),
            strong_estimator=LogisticRegression(C=0.01),
            ceiling_estimator=LogisticRegression(C=1.0),
            train_size=1 / 3, pool_size=1 / 3,
            proportions=proportions, n_seeds=1,
            true_groups=group, use_true_groups=use_true, random_state=seed,
        )
        for r in res:
            r["seed"] = seed
        records.extend(res)
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--figure", default=os.path.join(os.path.dirname(__file__), "figures", "synthetic_curve.png"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DegenerateDataWarning)
    t0 = time.perf_counter()
    proportions = np.linspace(0, 1, 11)
    rows, curves = [], {}
    for k in range(1, 10):
        row = {"k": k}
        for mode, use_true in (("true", True), ("detected", False)):
            recs = run_level(k, args.seeds, use_true, proportions if k == 9 else [1.0])
            s = summarize_overlap_experiment(recs)
            row["weak"], row["ceiling"] = s["weak"]["mean"], s["ceiling"]["mean"]
            row[f"w2s_{mode}"] = s["overlap_only"]["mean"]
            row[f"w2s_{mode}_std"] = s["overlap_only"]["std"]
            row["w2s_all"] = s["w2s"]["mean"]
            if mode == "detected":
                row["f1"] = float(np.nanmean([r["f1"] for r in recs if r["kind"] == "weak"]))
                row["density_detected"] = float(np.mean([r["overlap_density"] for r in recs if r["kind"] == "weak"]))
            if k == 9:
                curves[mode] = recs
        rows.append(row)

    header = (
        "| overlap ratio | weak | (authors) | ceiling | (authors) | W2S true overlap | (authors) "
        "| W2S detected overlap | detected density | detection F1 | W2S all pseudolabels |"
    )
    print(header)
    print("|" + "|".join(["---"] * 11) + "|")
    worst = 0.0
    for i, row in enumerate(rows):
        a = {key: AUTHORS[key][i] for key in AUTHORS}
        worst = max(worst, abs(row["weak"] - a["weak"]), abs(row["ceiling"] - a["ceiling"]),
                    abs(row["w2s_true"] - a["w2s"]))
        print(
            f"| {a['ratio']:.3f} | {row['weak']:.3f} | {a['weak']:.3f} | {row['ceiling']:.3f} "
            f"| {a['ceiling']:.3f} | {row['w2s_true']:.3f} ± {row['w2s_true_std']:.3f} | {a['w2s']:.3f} "
            f"| {row['w2s_detected']:.3f} ± {row['w2s_detected_std']:.3f} | {row['density_detected']:.3f} "
            f"| {row['f1']:.2f} | {row['w2s_all']:.3f} |"
        )
    print(f"\nlargest |ours - authors| over weak, ceiling, W2S(true): {worst:.3f} "
          f"(tolerance {TOLERANCE}); {args.seeds} seeds; {time.perf_counter() - t0:.0f} s")

    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from skw2s.experiments import plot_overlap_curve

        fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.5))
        ratio = AUTHORS["ratio"]
        ax0.plot(ratio, [r["weak"] for r in rows], "o:", color="C3", label="weak")
        ax0.plot(ratio, [r["ceiling"] for r in rows], "o--", color="k", label="strong ceiling")
        ax0.plot(ratio, [r["w2s_true"] for r in rows], "o-", color="C0", label="W2S on true overlap")
        ax0.plot(ratio, [r["w2s_detected"] for r in rows], "s-", color="C1", label="W2S on detected overlap")
        ax0.plot(ratio, AUTHORS["w2s"], "x", color="C0", ms=9, label="authors' W2S")
        ax0.plot(ratio, AUTHORS["weak"], "x", color="C3", ms=9)
        ax0.plot(ratio, AUTHORS["ceiling"], "x", color="k", ms=9)
        ax0.set_xlabel("overlap ratio")
        ax0.set_ylabel("test accuracy")
        ax0.set_title(f"Synthetic table (mean over {args.seeds} seeds; x = authors)")
        ax0.legend(fontsize="small")
        ax0.grid(alpha=0.3)
        plot_overlap_curve(curves["true"], ax=ax1, label="true overlap", color="C0")
        plot_overlap_curve(curves["detected"], ax=ax1, label="detected overlap", color="C1")
        handles, labels = ax1.get_legend_handles_labels()
        ax1.legend(handles[:3] + [handles[3], handles[7]], labels[:3] + [labels[3], labels[7]], fontsize="small", loc="lower right")
        ax1.set_title("Mixing curve at overlap ratio .310 (N = min(|O|, |R|))")
        fig.tight_layout()
        os.makedirs(os.path.dirname(args.figure), exist_ok=True)
        fig.savefig(args.figure, dpi=120)
        print(f"figure: {args.figure}")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
