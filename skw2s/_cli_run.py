"""The study behind ``skw2s run``: input checks, embeddings, the overlap experiment, figures, summary.

:func:`run_study` first checks what the user controls: the sample size, the layers, the
splits each seed will draw, the weak labeller and the models (resolving and loading
each one). Those checks raise :class:`~skw2s.exceptions.CLIError` (one error line, exit status
2). Past them, an exception is a bug of skw2s, and ``skw2s run`` shows its traceback.
"""

import pathlib
import time
import warnings

import numpy as np

from ._cli_models import Rows, auto_classifier, check_vader, detector, embed, layer_of, probe
from ._packaged import default_cache_dir
from .exceptions import CLIError


def _check_sample(y, n):
    """Raise CLIError when ``--n-samples n`` cannot draw a stratified sample of ``y``."""
    if n <= 0 or n >= y.shape[0]:
        return
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise CLIError(
            f"--n-samples {n}: class {str(classes[np.argmin(counts)])!r} has a single text, too few "
            "for a stratified sample; pass --n-samples 0 to keep every text"
        )
    if min(n, y.shape[0] - n) < classes.size:
        raise CLIError(
            f"--n-samples {n} draws a stratified sample of {y.shape[0]} texts in {classes.size} classes: "
            f"both the sample and the rest need at least {classes.size} texts"
        )


def _stratified_sample(y, n, rng):
    if n <= 0 or n >= y.shape[0]:
        return np.arange(y.shape[0])
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(np.arange(y.shape[0]), train_size=n, stratify=y, random_state=rng)
    return np.sort(idx)


def _split_fractions(n, args):
    """Fractions of the weak split and of the pool; CLIError when no pool is left."""
    train_size = args.n_weak / n
    pool_size = 1 - train_size - args.test_size
    if pool_size <= 0.05:
        raise CLIError(
            f"--n-weak {args.n_weak} and --test-size {args.test_size:.2f} leave no pool to "
            f"pseudolabel among {n} texts"
        )
    return train_size, pool_size


def _check_splits(y, args):
    """Draw each seed's splits (as the experiment will): the weak model must be able to learn."""
    from .experiments import _seed_splits

    train_size, pool_size = _split_fractions(y.shape[0], args)
    for seed, _, _, train, pool, test in _seed_splits(
        y.shape[0], train_size, pool_size, args.seeds, None, args.random_state
    ):
        if pool.size < 2 or test.size < 1:
            raise CLIError(
                f"--n-weak {args.n_weak} and --test-size {args.test_size:.2f} leave {pool.size} texts to "
                f"pseudolabel and {test.size} to test among {y.shape[0]}: use more texts"
            )
        if np.unique(y[train]).size < 2:
            raise CLIError(
                f"the weak model's split of seed {seed} ({train.size} texts) holds a single class "
                f"({str(y[train][0])!r}): pass a larger --n-weak (or another --random-state)"
            )


def run_study(texts, y, args, *, source):
    """Run the whole study; return a JSON-serialisable dict of every figure."""
    rng = np.random.RandomState(args.random_state)
    cache_root = pathlib.Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    # --- input checks: each failure is a CLIError (one line, exit status 2)
    _check_sample(y, args.n_samples)
    keep = _stratified_sample(y, args.n_samples, rng)
    texts = [texts[i] for i in keep]
    y = y[keep]
    classes, counts = np.unique(y, return_counts=True)
    _check_splits(y, args)  # fail before embedding anything
    for side in ("weak", "strong"):
        name = getattr(args, f"{side}_model")
        if name != "vader":
            layer_of(getattr(args, f"{side}_layer"), name, getattr(args, "pooling", "auto"), f"--{side}-layer")
    if args.strong_model == "vader":
        raise CLIError("--strong-model vader: the VADER lexicon gives no features; it can only be the weak model")
    if args.weak_model == "vader":
        check_vader(classes)
    print(f"skw2s run: {len(texts)} texts from {source}; classes "
          + ", ".join(f"{c} ({k})" for c, k in zip(classes, counts)), flush=True)
    if args.weak_model == "vader":
        # The weak-supervision setting: a labeller that gives probabilities, no weak features.
        from .weak_labellers import VaderLabeller

        Xw, tw, weak = texts, 0.0, VaderLabeller()
        weak_info = {"name": "vader", "kind": "lexicon labeller (VADER), logistic calibration on the weak split"}
    else:
        print(f"embedding with the weak encoder ({args.weak_model}) ...", flush=True)
        Xw, tw, weak_emb = embed(texts, "weak", args, cache_root)
        weak = probe(args.C)
        weak_info = {"name": args.weak_model, "layer": weak_emb.layer, "dim": int(Xw.shape[1]),
                     "pooling": weak_emb.pooling_, "template": weak_emb.template}
    print(f"embedding with the strong encoder ({args.strong_model}) ...", flush=True)
    Xs, ts, strong_emb = embed(texts, "strong", args, cache_root)
    # --- the experiment: past the checks, an exception is a bug
    print("training weak, strong and W2S models over "
          f"{args.seeds} seed(s) ...", flush=True)
    start = time.perf_counter()
    experiment = _experiment(Xw, Xs, y, args, weak)
    return {
        "data": {"source": source, "n_texts": len(texts),
                 "classes": {str(c): int(k) for c, k in zip(classes, counts)}},
        "probe": {"model": "StandardScaler + LogisticRegression", "C": args.C},
        "models": {
            "weak": weak_info,
            "strong": {"name": args.strong_model, "layer": strong_emb.layer, "dim": int(Xs.shape[1]),
                       "pooling": strong_emb.pooling_, "template": strong_emb.template},
        },
        "timing_s": {"embed_weak": round(tw, 1), "embed_strong": round(ts, 1),
                     "experiment": round(time.perf_counter() - start, 1)},
        **experiment,
    }


def _training_rows(clf):
    """What a fitted WeakToStrongClassifier trained on (None: it could not be trained)."""
    if clf is None:
        return {"train_on": None, "n_train": 0, "n_coverage": 0}
    return {"train_on": clf.train_on_, "n_train": int(clf.train_indices_.size),
            "n_coverage": int(clf.coverage_indices_.size)}


def _auto_w2s(Xw, Xs, y, part, weak_estimator, args):
    """``WeakToStrongClassifier(train_on="auto")`` on one split: the weak model's gold rows
    are the labelled rows (cross-fitted, 5 folds), the pool rows are unlabelled. Returns
    ``(test accuracy, chosen train_on, validation scores)``; None when it cannot be fitted."""
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    rows = np.concatenate([part["train"], part["pool"]])
    # -1 marks the pool rows unlabelled; with string labels it needs an object array.
    y_fit = y[rows].astype(object) if y.dtype.kind in "USO" else y[rows].copy()
    y_fit[part["train"].size:] = -1
    weak = make_pipeline(FunctionTransformer(Rows(Xw)), clone(weak_estimator))
    clf = auto_classifier(weak, Xs, args, random_state=0, n_resamples=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clf.fit(rows[:, None].astype(float), y_fit)
        except ValueError:  # too few gold rows of a class for the folds: reported as missing
            return None
    test = part["test"]
    acc = float(np.mean(clf.predict(test[:, None].astype(float)) == y[test]))
    scores = clf.validation_scores_ or {}
    table = {str(c): {"mean_score": float(m), "gain": float(g), "gain_se": float(se),
                      "gain_lower": None if np.isnan(lo) else float(lo), "certified": bool(ok)}
             for c, m, g, se, lo, ok in zip(scores.get("train_on", []), scores.get("mean_score", []),
                                            scores.get("gain", []), scores.get("gain_se", []),
                                            scores.get("gain_lower", []), scores.get("certified", []))}
    return acc, str(clf.train_on_), table


def _experiment(Xw, Xs, y, args, weak_estimator):
    """Weak / ceiling / W2S / overlap-only accuracies, PGR, density, mixing curve, groups.

    "W2S on overlap only" and "W2S on non-hard points" are
    ``WeakToStrongClassifier(train_on="overlap" / "nonhard")`` on each seed's pool,
    reusing that seed's weak probabilities and fitted detector.
    """
    from ._cli_run_groups import study_group_diagnostics
    from .experiments import _accuracy, _w2s_on_pool, run_overlap_experiment, summarize_overlap_experiment
    from .metrics import performance_gap_recovered

    n = y.shape[0]
    train_size, pool_size = _split_fractions(n, args)
    det = detector(args)
    strong = probe(args.C)
    records, partitions = run_overlap_experiment(
        Xw, Xs, y, weak_estimator=weak_estimator, strong_estimator=strong, detector=det,
        train_size=train_size, pool_size=pool_size, n_seeds=args.seeds,
        random_state=args.random_state, return_partitions=True,
    )
    groups = study_group_diagnostics(partitions, y, np.unique(y))
    summary = summarize_overlap_experiment(records)
    per_seed = {}
    for r in records:
        if r["kind"] != "mix":
            per_seed.setdefault(r["seed"], {})[r["kind"]] = r["accuracy"]
            per_seed[r["seed"]]["overlap_density"] = r["overlap_density"]
            per_seed[r["seed"]]["overlap_density_interval"] = [r["overlap_density_low"],
                                                               r["overlap_density_high"]]
    for part in partitions:
        test = part["test"]
        clf = _w2s_on_pool(strong, Xs[part["pool"]], part["weak_proba"], part["classes"],
                           part["detector"], "nonhard")
        row = per_seed[part["seed"]]
        row["nonhard"] = float("nan") if clf is None else _accuracy(clf, Xs[test], y[test])
        row["training_rows"] = {"overlap_only": _training_rows(part["overlap_only"]),
                                "nonhard": _training_rows(clf)}
        auto = _auto_w2s(Xw, Xs, y, part, weak_estimator, args)
        row["auto"] = float("nan") if auto is None else auto[0]
        row["auto_train_on"] = None if auto is None else auto[1]
        row["auto_validation"] = None if auto is None else auto[2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pgr = [performance_gap_recovered(v["weak"], v["w2s"], v["ceiling"]) for v in per_seed.values()]
        pgr_overlap = [performance_gap_recovered(v["weak"], v["overlap_only"], v["ceiling"])
                       for v in per_seed.values()]
        pgr_nonhard = [performance_gap_recovered(v["weak"], v["nonhard"], v["ceiling"])
                       for v in per_seed.values()]
        pgr_auto = [performance_gap_recovered(v["weak"], v["auto"], v["ceiling"])
                    for v in per_seed.values()]
    density = [v["overlap_density"] for v in per_seed.values()]

    def stats(values):
        a = np.asarray(values, dtype=float)
        a = a[~np.isnan(a)]
        return {"mean": float(a.mean()) if a.size else float("nan"),
                "std": float(a.std(ddof=1)) if a.size > 1 else 0.0}

    def w2s_stats(key):
        rows = [v["training_rows"][key] for v in per_seed.values()]
        values = [v[key] for v in per_seed.values()]
        return {**stats(values), "n_splits": int(np.sum(~np.isnan(np.asarray(values, dtype=float)))),
                "n_fallback": sum(r["train_on"] == "all" for r in rows),
                "n_coverage": sum(r["n_coverage"] > 0 for r in rows)}

    q = np.array(sorted(summary["mix"]))
    mean = np.array([summary["mix"][v]["mean"] for v in q])
    slope = float(np.polyfit(q, mean, 1)[0]) if q.size > 1 else float("nan")
    # Confidence histogram and thresholds of the first seed's pool, for the figure.
    first = partitions[0]["detector"]
    from ._figures import confidence_counts

    counts, edges = confidence_counts(first.confidence_)
    return {
        "summary": {
            "n_seeds": args.seeds,
            **{k: {"mean": summary[k]["mean"], "std": summary[k]["std"]}
               for k in ("weak", "ceiling", "w2s")},
            "w2s_overlap": w2s_stats("overlap_only"),
            "w2s_nonhard": w2s_stats("nonhard"),
            "pgr": stats(pgr),
            "pgr_nonhard": stats(pgr_nonhard),
            "pgr_overlap": stats(pgr_overlap),
            "w2s_auto": {**stats([v["auto"] for v in per_seed.values()]),
                         "train_on": [v["auto_train_on"] for v in per_seed.values()]},
            "pgr_auto": stats(pgr_auto),
            "overlap_density": stats(density),
            "overlap_density_interval": [v["overlap_density_interval"] for v in per_seed.values()],
            "curve_slope": slope,
            "curve_rises": bool(slope > 0 and mean[-1] > mean[0]),
        },
        "detector": {"center": det.center, "thresholds": args.thresholds},
        "splits": {"n_weak_train": int(round(train_size * n)), "n_pool": int(round(pool_size * n)),
                   "n_test": int(round(args.test_size * n))},
        "curve": {"proportion": q.tolist(), "mean": mean.tolist(),
                  "std": [summary["mix"][v]["std"] for v in q]},
        "per_seed": [{"seed": int(k), **v} for k, v in per_seed.items()],
        "groups": groups,
        "confidence_histogram": {"seed": int(partitions[0]["seed"]), "edges": edges.tolist(),
                                 "counts": counts.tolist(), "threshold": first.confidence_threshold_,
                                 "split_quality": first.confidence_split_quality_},
        "records": records,
    }


def write_figures(results, out_dir):
    """mixing_curve.png and confidence_histogram.png; the names written ([] without matplotlib)."""
    from ._figures import pyplot, write_confidence_histogram

    plt = pyplot()
    if plt is None:
        return []
    from .experiments import plot_overlap_curve

    ax = plot_overlap_curve(results["records"], label="detected overlap mixture")
    ax.set_title(f"{results['models']['weak']['name']} -> {results['models']['strong']['name']}")
    fig = ax.figure
    fig.savefig(out_dir / "mixing_curve.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    hist = results["confidence_histogram"]
    write_confidence_histogram(out_dir / "confidence_histogram.png", hist["counts"], hist["edges"],
                               hist["threshold"], f"pool of seed {hist.get('seed', 0)}", plt)
    return ["mixing_curve.png", "confidence_histogram.png"]


def _rows_note(stat, n_seeds, what):
    """What WeakToStrongClassifier did on the splits where the subset was not usable as is."""
    notes = []
    if stat["n_fallback"]:
        notes.append(f"no {what} point in {stat['n_fallback']} of {n_seeds} splits: every pool row used there")
    if stat["n_coverage"]:
        notes.append(f"{stat['n_coverage']} of {n_seeds} splits: rows added for a class the {what} points miss")
    if stat["n_splits"] < n_seeds:
        notes.append(f"{n_seeds - stat['n_splits']} of {n_seeds} splits: a single pseudolabel class, not trained")
    return f"  ({'; '.join(notes)})" if notes else ""


def print_summary(results, out_dir):
    s = results["summary"]

    def fmt(key):
        if np.isnan(s[key]["mean"]):
            return "-"
        return f"{s[key]['mean']:.3f} ± {s[key]['std']:.3f}"

    print()
    print(f"weak ({results['models']['weak']['name']})  -> strong ({results['models']['strong']['name']}), "
          f"{s['n_seeds']} seed(s)")
    print(f"  weak accuracy            {fmt('weak')}")
    print(f"  W2S accuracy (all)       {fmt('w2s')}")
    if "w2s_auto" in s:
        chosen = [c for c in s["w2s_auto"]["train_on"] if c is not None]
        picks = ", ".join(f"{c} x{chosen.count(c)}" for c in dict.fromkeys(chosen))
        print(f"  W2S, recommended         {fmt('w2s_auto')}  PGR {fmt('pgr_auto')}  "
              f"(train_on='auto' chose: {picks or '-'})")
    print(f"  W2S on overlap only      {fmt('w2s_overlap')}{_rows_note(s['w2s_overlap'], s['n_seeds'], 'overlap')}")
    print(f"  W2S on non-hard points   {fmt('w2s_nonhard')}{_rows_note(s['w2s_nonhard'], s['n_seeds'], 'non-hard')}")
    print(f"  strong ceiling           {fmt('ceiling')}")
    print(f"  PGR (all / overlap only) {fmt('pgr')} / {fmt('pgr_overlap')}")
    if "pgr_nonhard" in s:
        print(f"  PGR (non-hard)           {fmt('pgr_nonhard')}")
    intervals = s.get("overlap_density_interval") or []
    shown = ", ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in intervals if np.isfinite(lo))
    print(f"  overlap density          {fmt('overlap_density')}"
          + (f"  (95% bootstrap interval per split: {shown})" if shown else ""))
    if intervals and any(np.isfinite(lo) and hi - lo > 0.3 for lo, hi in intervals):
        print("    a wide interval: the weak confidences do not settle whether the pool holds a "
              "hard-only group; read the density as unsettled, not as its mean")
    curve = results["curve"]
    print("  mixing curve (overlap proportion -> accuracy): "
          + "  ".join(f"{q:.1f}:{a:.3f}" for q, a in zip(curve["proportion"], curve["mean"])))
    if np.isnan(s["curve_slope"]):
        print("  accuracy rises with the overlap proportion: - (no curve: no overlap point detected)")
    else:
        print(f"  accuracy rises with the overlap proportion: {'yes' if s['curve_rises'] else 'no'} "
              f"(slope {s['curve_slope']:+.3f} per unit proportion)")
    if "groups" in results:
        from ._cli_run_groups import format_groups

        print("\n".join(format_groups(results["groups"])))
    figures = results.get("figures") or []
    shown = ", ".join(figures) if figures else "none (matplotlib is not installed: pip install matplotlib)"
    print(f"results: {out_dir / 'results.json'}; figures: {shown}; {results['elapsed_s']:.0f} s")
