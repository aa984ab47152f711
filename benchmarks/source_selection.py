"""UCB data-source selection against random and oracle selection, on synthetic sources.

Data: one draw of ``make_overlap_classification`` (one task: the same class means for
every source) is cut into K = 3 sources of 2000 rows whose true overlap densities are
0.10, 0.25 and 0.45 (the rest split evenly between easy-only and hard-only points);
further rows are held out: 3000 train the weak model (a logistic regression on the easy
block, gold labels) and 3000 (a third of each group) form the test set. The selector sees
the full features (noise sqrt(5), the authors' synthetic anchor) and the weak probabilities (precomputed: the weak model's time is not
the selector's). T = 50 rounds, batch = 2000 / 50 = 40 rows, over ``--seeds`` seeds.

Reported:

1. mean cumulative regret at T, sum over rounds of (best true density - true density of
   the pulled source), for UCB (defaults; also c = 1, the authors' 1/n bonus, the
   authors' full-history detection), random and oracle; the share of UCB's pulls that go
   to the best source after the first 10% of the rounds;
2. downstream: test accuracy of a strong logistic regression (all features) trained on
   the weak pseudolabels of the rows each strategy collected after 10, 25 and 50 rounds,
   on all of them (C=1) and on those not detected hard-only (C=0.01, the authors' W2S);
3. the selector's own time per round (weak model excluded) at early and late rounds,
   default incremental detection (thresholds refitted as the history grows by 10%), the
   same refitting every round, and the authors' full-history detection, on
   bigger sources (3 x 20000 rows, batch 400).

Usage::

    python benchmarks/source_selection.py              # 20 seeds, figure in benchmarks/figures
    python benchmarks/source_selection.py --fractions 0 0.45 0.9   # sources with no / most overlap
    python benchmarks/source_selection.py --seeds 5 --no-plot
    python benchmarks/source_selection.py --truth text digits-mix   # also item 1's known-truth sources

``--truth``: sources built from ``benchmarks/known_truth.py``'s real-data constructions
(issue 16, item 1), whose every row's group is known: ``text`` (movie-review snippets and
plot sentences, MiniLM weak model trained on 400 gold rows, mpnet strong features) and
``digits-mix`` (scikit-learn's digits, the weak model on the left half). Three sources of
400 (text) or 300 (digits) rows at true densities 0.1, 0.4 and 0.8, disjoint from the
gold rows (density 0.4) and from each other; T = 25 rounds. Reported: regret of UCB,
random and oracle, and how each detector reads every whole source (its density, and
whether its densities put the sources in the true order), i.e. what UCB could at best
learn from that detector.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import HARD, OVERLAP, DegenerateDataWarning
from skw2s.datasets import make_overlap_classification
from skw2s.detection import OverlapDetector
from skw2s.selection import UCBSourceSelector

FRACTIONS = np.array([0.10, 0.25, 0.45])
VARIANTS = {
    "UCB (default)": dict(),
    "UCB c=1": dict(c=1.0),
    "UCB authors' bonus": dict(bonus="authors"),
    "UCB full-history detection": dict(detection="full"),
    "random": dict(strategy="random"),
    "oracle": dict(strategy="oracle", oracle_densities=FRACTIONS),
}


NOISE = np.sqrt(5)  # the authors' synthetic anchor
CHECKPOINTS = (10, 25, 50)


def make_task(seed, n_source=2000, n_weak=1000, n_test=1000, noise=NOISE):
    """Sources with known overlap densities, a weak model, a test set."""
    n_ov = (FRACTIONS * n_source).astype(int)
    n_rest = n_source - n_ov
    n_e = int(sum(n_rest // 2))
    n_h = int(sum(n_rest - n_rest // 2))
    X, y, group, weak_cols = make_overlap_classification(
        n_e + n_weak + n_test, n_h + n_weak + n_test, int(n_ov.sum()) + n_weak + n_test,
        noise=noise, random_state=seed,
    )
    rng = np.random.RandomState(seed)
    pools = {g: list(rng.permutation(np.flatnonzero(group == g))) for g in (0, 1, 2)}
    take = lambda g, m: [pools[g].pop() for _ in range(m)]  # noqa: E731
    test = np.array(sum((take(g, n_test) for g in (0, 1, 2)), []))
    weak_rows = np.array(sum((take(g, n_weak) for g in (0, 1, 2)), []))
    rows, groups = [], []
    for k in range(FRACTIONS.size):
        for g, m in ((2, n_ov[k]), (0, n_rest[k] // 2), (1, n_rest[k] - n_rest[k] // 2)):
            rows += take(g, int(m))
            groups += [k] * int(m)
    rows = np.array(rows)
    weak = LogisticRegression().fit(X[weak_rows][:, weak_cols], y[weak_rows])
    proba = weak.predict_proba(X[rows][:, weak_cols])
    weak_acc = weak.score(X[test][:, weak_cols], y[test])
    return X[rows], y[rows], np.array(groups), proba, X[test], y[test], weak_acc


def strong_accuracy(X, pseudo, rows, labels, X_te, y_te):
    """Strong LR on the pseudolabelled collected rows: all of them (C=1), and without
    the detected hard-only ones, whose weak labels are unreliable (C=0.01, the authors'
    W2S setting)."""
    keep = rows[labels != HARD]
    all_rows = LogisticRegression(max_iter=1000).fit(X[rows], pseudo[rows]).score(X_te, y_te)
    nonhard = LogisticRegression(C=0.01, max_iter=1000).fit(X[keep], pseudo[keep]).score(X_te, y_te)
    return all_rows, nonhard


def regret_and_accuracy(seeds, n_rounds):
    regret = {name: np.zeros((seeds, n_rounds)) for name in VARIANTS}
    # acc[name]: (seeds, checkpoints, 2) -- (all rows C=1, non-hard rows C=0.01)
    acc = {name: np.zeros((seeds, len(CHECKPOINTS), 2)) for name in ("UCB (default)", "random", "oracle")}
    best_share, refs, sure = [], [], []
    for seed in range(seeds):
        X, y, groups, proba, X_te, y_te, weak_acc = make_task(seed)
        pseudo = proba.argmax(axis=1)
        for name, params in VARIANTS.items():
            sel = UCBSourceSelector(n_rounds=n_rounds, random_state=seed, **params)
            sel.fit(X, groups=groups, weak_proba=proba)
            pulled = np.array([h["source"] for h in sel.history_])
            regret[name][seed] = np.cumsum(FRACTIONS.max() - FRACTIONS[pulled])
            if name == "UCB (default)":
                late = pulled[int(np.ceil(0.1 * n_rounds)):]
                best_share.append(np.mean(late == FRACTIONS.argmax()))
                b = sel.sources_.tolist().index(sel.best_source_)
                sure.append((b == FRACTIONS.argmax(), sel.best_source_share_[b]))
            if name in acc:
                for i, t in enumerate(CHECKPOINTS):
                    m = t * sel.batch_size_
                    acc[name][seed, i] = strong_accuracy(
                        X, pseudo, sel.selected_indices_[:m], sel.selected_labels_[:m], X_te, y_te)
        idx = sel.selected_indices_
        ceiling = LogisticRegression(max_iter=1000).fit(X[idx], y[idx]).score(X_te, y_te)
        refs.append((weak_acc, ceiling))
    print_sureness("UCB (default), synthetic sources", sure)
    return regret, np.array(best_share), acc, np.array(refs)


def print_sureness(label, sure):
    """Whether the selector's best source was the true best, against how sure it said it was
    (``best_source_share_`` of its best source, from the detector's bootstrap)."""
    right = np.array([r for r, _ in sure], bool)
    share = np.array([v for _, v in sure], float)
    cells = [f"right in {right.sum()}/{right.size} seeds"]
    for name, mask in (("when right", right), ("when wrong", ~right)):
        if mask.any():
            cells.append(f"best_source_share_ {name}: median {np.median(share[mask]):.2f} "
                         f"[{share[mask].min():.2f}, {share[mask].max():.2f}]")
    print(f"{label}: best source " + "; ".join(cells))


TIMED = {
    "incremental": dict(),
    "incremental, refit_growth=0": dict(refit_growth=0),
    "full": dict(detection="full"),
    # the paper's thresholds: one least-squares change point each, no one-group test
    "incremental, change point": dict(detector=OverlapDetector(
        confidence_threshold="changepoint", overlap_threshold="changepoint")),
}


TRUTH_FRACTIONS = np.array([0.1, 0.4, 0.8])
TRUTH_SIZES = {"text": (400, 600, 400), "digits-mix": (300, 497, 300)}  # gold, test, each source


def truth_task(kind, seed):
    """Known-truth sources (benchmarks/known_truth.py constructions): strong features of
    the sources' rows, their source, weak probabilities, true groups; test set; weak acc."""
    import known_truth as kt

    n_gold, n_test, n_src = TRUTH_SIZES[kind]
    splits = [("gold", n_gold, 0.4), ("test", n_test, 0.4)]
    splits += [(k, n_src, float(f)) for k, f in enumerate(TRUTH_FRACTIONS)]
    if kind == "text":
        from _truth_bank import load_bank

        if "bank" not in _BANK:
            _BANK["bank"] = load_bank(log=lambda m: print(m, flush=True))
        draw, wcols = kt.text_splits(_BANK["bank"], splits, seed), slice(None)
    else:
        draw, wcols = kt.digits_splits(splits, seed, mix=True), kt._digits_weak_cols(32)
    Xw_g, _, y_g, _ = draw["gold"]
    weak = kt._pipe(kt.C_WEAK[kind]).fit(Xw_g[:, wcols], y_g)
    Xw_t, _, y_t, _ = draw["test"]
    parts = [draw[k] for k in range(TRUTH_FRACTIONS.size)]
    Xs = np.vstack([p[1] for p in parts])
    proba = weak.predict_proba(np.vstack([p[0] for p in parts])[:, wcols])
    groups = np.repeat(np.arange(TRUTH_FRACTIONS.size), [len(p[2]) for p in parts])
    truth = np.concatenate([p[3] for p in parts])
    return Xs, groups, proba, truth, weak.score(Xw_t[:, wcols], y_t)


_BANK = {}
TRUTH_DETECTORS = {
    "OverlapDetector() (bootstrapped mean)": lambda seed: OverlapDetector(random_state=seed),
    "OverlapDetector(n_resamples=0)": lambda seed: OverlapDetector(n_resamples=0),
    "OverlapDetector.from_paper()": lambda seed: OverlapDetector.from_paper(),
}


def truth_report(kind, seeds, n_rounds):
    """Regret on known-truth sources, and each detector's reading of every whole source."""
    from scipy.stats import spearmanr

    k = TRUTH_FRACTIONS.size
    ucb_paper = "UCB, from_paper() detector, full-history detection"
    regret = {name: [] for name in ("UCB (default)", ucb_paper, "random", "oracle")}
    dens = {name: np.zeros((seeds, k)) for name in TRUTH_DETECTORS}
    est = np.zeros((seeds, k))
    sure = []  # UCB (default): (its best source is the true best, best_source_share_ of it)
    weak_acc = []
    for seed in range(seeds):
        Xs, groups, proba, truth, acc = truth_task(kind, seed)
        true = np.array([np.mean(truth[groups == j] == OVERLAP) for j in range(k)])
        weak_acc.append(acc)
        for name, params in (("UCB (default)", {}), ("random", dict(strategy="random")),
                             (ucb_paper, dict(detector=OverlapDetector.from_paper(), detection="full")),
                             ("oracle", dict(strategy="oracle", oracle_densities=true))):
            sel = UCBSourceSelector(n_rounds=n_rounds, random_state=seed, **params)
            sel.fit(Xs, groups=groups, weak_proba=proba)
            pulled = np.array([h["source"] for h in sel.history_])
            regret[name].append(np.sum(true.max() - true[pulled]))
            if name == "UCB (default)":
                est[seed] = np.nan_to_num(sel.source_overlap_density_)
                b = sel.sources_.tolist().index(sel.best_source_)
                sure.append((b == k - 1, sel.best_source_share_[b]))
        for name, make in TRUTH_DETECTORS.items():
            for j in range(k):
                rows = groups == j
                dens[name][seed, j] = make(seed).fit(Xs[rows], weak_proba=proba[rows]).overlap_density_
    print(f"\nKnown-truth sources ({kind}): true densities {TRUTH_FRACTIONS.tolist()}, "
          f"{TRUTH_SIZES[kind][2]} rows each, T = {n_rounds}, {seeds} seeds, weak model "
          f"{np.mean(weak_acc):.3f}")
    for name, r in regret.items():
        r = np.asarray(r)
        print(f"  regret at T, {name:52s} {r.mean():6.2f} +- {r.std(ddof=1) / np.sqrt(r.size):.2f}")
    print(f"  UCB's final estimates o_k (mean over seeds): {np.round(est.mean(axis=0), 3).tolist()}")
    print_sureness("  UCB (default)", sure)
    print("  reading of each whole source (mean +- sd over seeds), best source found, rank correlation with the truth:")
    for name, d in dens.items():
        best = np.mean(d.argmax(axis=1) == k - 1)
        rho = np.nanmean([spearmanr(row, TRUTH_FRACTIONS)[0] if np.ptp(row) > 0 else np.nan for row in d])
        cells = " ".join(f"{m:.2f} +- {s:.2f}" for m, s in zip(d.mean(axis=0), d.std(axis=0, ddof=1)))
        print(f"    {name:40s} {cells}   best {best:.2f}   Spearman {rho:+.2f}")
    return regret, dens


def timing(seeds, n_rounds, n_source=20000):
    out = {}
    for mode, params in TIMED.items():
        per_round = []
        for seed in range(seeds):
            X, _, groups, proba, *_ = make_task(100 + seed, n_source=n_source, n_weak=500, n_test=10)
            sel = UCBSourceSelector(n_rounds=n_rounds, random_state=seed, **params)
            start = time.perf_counter()
            sel.fit(X, groups=groups, weak_proba=proba)
            total = time.perf_counter() - start
            per_round.append([h["seconds"] for h in sel.history_])
        out[mode] = (np.median(np.array(per_round), axis=0), total)
    return out


def main():
    global FRACTIONS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--timing-seeds", type=int, default=3)
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--fractions", type=float, nargs="+", default=FRACTIONS.tolist(),
                        help="true overlap density of each source (default 0.10 0.25 0.45)")
    parser.add_argument("--truth", nargs="*", default=[], choices=["text", "digits-mix"],
                        help="also run known-truth real-data sources (issue 16, item 1)")
    parser.add_argument("--truth-only", action="store_true", help="only the --truth sources")
    args = parser.parse_args()
    FRACTIONS = np.array(args.fractions)
    VARIANTS["oracle"]["oracle_densities"] = FRACTIONS
    warnings.simplefilter("ignore", DegenerateDataWarning)
    t0 = time.perf_counter()
    T = args.rounds
    for kind in args.truth:
        truth_report(kind, args.seeds, 25)
    if args.truth_only:
        print(f"\ntotal time {time.perf_counter() - t0:.0f} s")
        return

    regret, share, acc, refs = regret_and_accuracy(args.seeds, T)
    print(f"K = {FRACTIONS.size} sources, true overlap densities {FRACTIONS.tolist()}, noise sqrt(5), T = {T}, "
          f"batch = 40, {args.seeds} seeds\n")
    print(f"{'strategy':30s} {'regret at T (mean +- se)':>26s}")
    for name in VARIANTS:
        r = regret[name][:, -1]
        print(f"{name:30s} {r.mean():14.2f} +- {r.std(ddof=1) / np.sqrt(r.size):6.2f}")
    ratio = regret["UCB (default)"][:, -1].mean() / regret["random"][:, -1].mean()
    print(f"\nUCB / random regret at T: {ratio:.3f} (target <= 0.333)")
    print(f"UCB pulls of the best source after the first 10% of rounds: {share.mean():.3f} "
          f"(min over seeds {share.min():.3f}; target >= 0.70)")
    print(f"\nStrong test accuracy (mean over seeds) after t rounds; weak model "
          f"{refs[:, 0].mean():.3f}, strong ceiling (gold labels, {T * 40} rows) {refs[:, 1].mean():.3f}")
    print(f"{'rows used':28s} {'t':>3s} " + " ".join(f"{n:>14s}" for n in acc) + "   UCB - random (se, wins)")
    for j, label in enumerate(("all collected, C=1", "collected non-hard, C=0.01")):
        for i, t in enumerate(CHECKPOINTS):
            d = acc["UCB (default)"][:, i, j] - acc["random"][:, i, j]
            print(f"{label:28s} {t:3d} " + " ".join(f"{a[:, i, j].mean():14.3f}" for a in acc.values())
                  + f"   {d.mean():+.3f} ({d.std(ddof=1) / np.sqrt(d.size):.3f}, {np.sum(d > 0)}/{d.size})")

    times = timing(args.timing_seeds, T) if args.timing_seeds else {}
    if times:
        print(f"\nSelector time per round (median over {args.timing_seeds} seeds), 3 x 20000 rows, "
              "batch 400, 40 features:")
    for mode, (per_round, total) in times.items():
        early, late = np.median(per_round[:10]) * 1e3, np.median(per_round[-10:]) * 1e3
        print(f"  {mode:28s} rounds 1-10: {early:8.2f} ms   rounds {T - 9}-{T}: {late:8.2f} ms   "
              f"ratio {late / early:5.1f}   mean {per_round.mean() * 1e3:8.2f} ms   (last fit: {total:.2f} s)")
    print(f"\ntotal time {time.perf_counter() - t0:.0f} s")

    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3 if times else 2, figsize=(15 if times else 10, 4.2))
        rounds = np.arange(1, T + 1)
        for name in ("UCB (default)", "UCB c=1", "UCB authors' bonus", "random", "oracle"):
            m = regret[name].mean(axis=0)
            se = regret[name].std(axis=0, ddof=1) / np.sqrt(args.seeds)
            axes[0].plot(rounds, m, label=name)
            axes[0].fill_between(rounds, m - se, m + se, alpha=0.2)
        axes[0].set(xlabel="round", ylabel="cumulative regret (true overlap density)",
                    title=f"Regret, mean over {args.seeds} seeds")
        axes[0].legend(fontsize=8)
        for name, style in (("UCB (default)", "-o"), ("random", "--s"), ("oracle", ":^")):
            for j, label in enumerate(("all rows, C=1", "non-hard rows, C=0.01")):
                axes[1].plot(CHECKPOINTS, acc[name][:, :, j].mean(axis=0), style,
                             color=f"C{j}", label=f"{name}: {label}")
        axes[1].axhline(refs[:, 0].mean(), color="k", ls="--", lw=0.8, label="weak model")
        axes[1].set(xlabel="rounds collected", ylabel="strong test accuracy",
                    title="Strong LR on collected pseudolabelled rows")
        axes[1].legend(fontsize=7)
        if times:
            for mode, (per_round, _) in times.items():
                axes[2].plot(rounds, per_round * 1e3, label=mode)
            axes[2].set(xlabel="round", ylabel="ms per round (selector only)", yscale="log",
                        title="Time per round, 3 x 20000 rows, batch 400")
            axes[2].legend(fontsize=8)
        fig.tight_layout()
        suffix = "" if FRACTIONS.tolist() == [0.10, 0.25, 0.45] else "_" + "_".join(f"{f:g}" for f in FRACTIONS)
        path = Path(__file__).parent / "figures" / f"source_selection{suffix}.png"
        path.parent.mkdir(exist_ok=True)
        fig.savefig(path, dpi=110)
        print(f"figure: {path}")


if __name__ == "__main__":
    main()
