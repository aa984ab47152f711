"""The study behind ``skw2s run``: embeddings, the overlap experiment, figures, summary."""

import pathlib
import time
import warnings

import numpy as np

from ._packaged import default_cache_dir, packaged_layer, packaged_model


def _layer(value, model_name, pooling="auto"):
    if value == "auto":
        return packaged_layer(model_name, pooling)
    if value == "middle":
        return value
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"a layer must be an integer, 'middle' or 'auto'; got {value!r}") from None


def _stratified_sample(y, n, rng):
    if n <= 0 or n >= y.shape[0]:
        return np.arange(y.shape[0])
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(np.arange(y.shape[0]), train_size=n, stratify=y, random_state=rng)
    return np.sort(idx)


def embed(texts, model_name, layer, args, cache_root):
    """Embed texts with a (possibly packaged) model; cached on disk per text."""
    from .embedding import HFEmbedder

    path, model_kwargs = packaged_model(model_name, cache_root)
    pooling = getattr(args, "pooling", "auto")
    template = getattr(args, "template", None)
    if template is not None:  # typed on a command line: \n and \t stand for newline and tab
        template = template.replace("\\n", "\n").replace("\\t", "\t")
    embedder = HFEmbedder(
        path,
        layer=_layer(layer, model_name, pooling),
        pooling=pooling,
        template=template,
        model_kwargs=model_kwargs,
        max_length=args.max_length,
        batch_size=args.batch_size,
        cache=str(pathlib.Path(cache_root) / "embeddings"),
        progress_bar=not args.no_progress,
    )
    start = time.perf_counter()
    Z = embedder.fit_transform(texts)
    return Z, time.perf_counter() - start, embedder


def run_study(texts, y, args, *, source):
    """Run the whole study; return a JSON-serialisable dict of every figure."""
    rng = np.random.RandomState(args.random_state)
    cache_root = pathlib.Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    keep = _stratified_sample(y, args.n_samples, rng)
    texts = [texts[i] for i in keep]
    y = y[keep]
    classes, counts = np.unique(y, return_counts=True)
    _split_fractions(len(texts), args)  # fail before embedding anything
    print(f"skw2s run: {len(texts)} texts from {source}; classes "
          + ", ".join(f"{c} ({k})" for c, k in zip(classes, counts)), flush=True)
    if args.weak_model == "vader":
        # The weak-supervision setting: a labeller that gives probabilities, no weak features.
        from .weak_labellers import VaderLabeller

        if classes.size not in (2, 3):
            raise ValueError(f"--weak-model vader labels sentiment into 2 or 3 classes; the data have {classes.size}")
        Xw, tw, weak = texts, 0.0, VaderLabeller()
        weak_info = {"name": "vader", "kind": "lexicon labeller (VADER), logistic calibration on the weak split"}
    else:
        print(f"embedding with the weak encoder ({args.weak_model}) ...", flush=True)
        Xw, tw, weak_emb = embed(texts, args.weak_model, args.weak_layer, args, cache_root)
        weak = _probe(args.C)
        weak_info = {"name": args.weak_model, "layer": weak_emb.layer, "dim": int(Xw.shape[1]),
                     "pooling": weak_emb.pooling_, "template": weak_emb.template}
    print(f"embedding with the strong encoder ({args.strong_model}) ...", flush=True)
    Xs, ts, strong_emb = embed(texts, args.strong_model, args.strong_layer, args, cache_root)
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


def _probe(C):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


def _split_fractions(n, args):
    """Fractions of the weak split and of the pool; ValueError when no pool is left."""
    train_size = args.n_weak / n
    pool_size = 1 - train_size - args.test_size
    if pool_size <= 0.05:
        raise ValueError(
            f"--n-weak {args.n_weak} and --test-size {args.test_size:.2f} leave no pool to "
            f"pseudolabel among {n} texts"
        )
    return train_size, pool_size


def _experiment(Xw, Xs, y, args, weak_estimator):
    """Weak / ceiling / W2S / overlap-only accuracies, PGR, density, mixing curve, groups."""
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split
    from ._sklearn_compat import safe_indexing as _safe_indexing

    from ._study_groups import nonhard_accuracy, study_group_diagnostics
    from .detection import OverlapDetector
    from .experiments import run_overlap_experiment, summarize_overlap_experiment
    from .metrics import performance_gap_recovered

    n = y.shape[0]
    train_size, pool_size = _split_fractions(n, args)
    # Real embeddings share a large common direction: centre them before cosines.
    detector = OverlapDetector(center=True, confidence_threshold=args.thresholds,
                               overlap_threshold=args.thresholds)
    records, partitions = run_overlap_experiment(
        Xw, Xs, y, weak_estimator=weak_estimator, strong_estimator=_probe(args.C), detector=detector,
        train_size=train_size, pool_size=pool_size, n_seeds=args.seeds,
        random_state=args.random_state, return_partitions=True,
    )
    groups = study_group_diagnostics(partitions, y, np.unique(y))
    nonhard = nonhard_accuracy(partitions, Xs, y, _probe(args.C))
    summary = summarize_overlap_experiment(records)
    per_seed = {}
    for r in records:
        if r["kind"] != "mix":
            per_seed.setdefault(r["seed"], {})[r["kind"]] = r["accuracy"]
            per_seed[r["seed"]]["overlap_density"] = r["overlap_density"]
    for part, acc in zip(partitions, nonhard):
        per_seed[part["seed"]]["nonhard"] = acc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pgr = [performance_gap_recovered(v["weak"], v["w2s"], v["ceiling"]) for v in per_seed.values()]
        pgr_overlap = [performance_gap_recovered(v["weak"], v["overlap_only"], v["ceiling"])
                       for v in per_seed.values()]
        pgr_nonhard = [performance_gap_recovered(v["weak"], v["nonhard"], v["ceiling"])
                       for v in per_seed.values()]
    density = [v["overlap_density"] for v in per_seed.values()]

    def stats(values):
        a = np.asarray(values, dtype=float)
        a = a[~np.isnan(a)]
        return {"mean": float(a.mean()) if a.size else float("nan"),
                "std": float(a.std(ddof=1)) if a.size > 1 else 0.0}

    q = np.array(sorted(summary["mix"]))
    mean = np.array([summary["mix"][v]["mean"] for v in q])
    slope = float(np.polyfit(q, mean, 1)[0]) if q.size > 1 else float("nan")
    # Confidence histogram and change point on one split, for the figure.
    tr, rest = train_test_split(np.arange(n), train_size=train_size, stratify=y,
                                random_state=args.random_state)
    weak = clone(weak_estimator).fit(_safe_indexing(Xw, tr), y[tr])
    det = clone(detector).fit(Xs[rest], weak_proba=weak.predict_proba(_safe_indexing(Xw, rest)))
    counts, edges = np.histogram(det.confidence_, bins=40, range=(0.0, 1.0))
    return {
        "summary": {
            "n_seeds": args.seeds,
            **{k: {"mean": summary[k]["mean"], "std": summary[k]["std"]}
               for k in ("weak", "ceiling", "w2s")},
            "w2s_overlap": {"mean": summary["overlap_only"]["mean"], "std": summary["overlap_only"]["std"],
                            "n_splits": summary["overlap_only"]["n"]},
            "w2s_nonhard": stats(nonhard),
            "pgr": stats(pgr),
            "pgr_nonhard": stats(pgr_nonhard),
            "pgr_overlap": stats(pgr_overlap),
            "overlap_density": stats(density),
            "curve_slope": slope,
            "curve_rises": bool(slope > 0 and mean[-1] > mean[0]),
        },
        "detector": {"center": detector.center, "thresholds": args.thresholds},
        "splits": {"n_weak_train": int(round(train_size * n)), "n_pool": int(round(pool_size * n)),
                   "n_test": int(round(args.test_size * n))},
        "curve": {"proportion": q.tolist(), "mean": mean.tolist(),
                  "std": [summary["mix"][v]["std"] for v in q]},
        "per_seed": [{"seed": int(k), **v} for k, v in per_seed.items()],
        "groups": groups,
        "confidence_histogram": {"edges": edges.tolist(), "counts": counts.tolist(),
                                 "threshold": det.confidence_threshold_,
                                 "split_quality": det.confidence_split_quality_},
        "records": records,
    }


def write_figures(results, out_dir):
    """mixing_curve.png and confidence_histogram.png (needs matplotlib; skipped otherwise)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no figures written")
        return []
    from .experiments import plot_overlap_curve

    ax = plot_overlap_curve(results["records"], label="detected overlap mixture")
    ax.set_title(f"{results['models']['weak']['name']} -> {results['models']['strong']['name']}")
    fig = ax.figure
    fig.savefig(out_dir / "mixing_curve.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    hist = results["confidence_histogram"]
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    edges = np.asarray(hist["edges"])
    ax.bar(edges[:-1], hist["counts"], width=np.diff(edges), align="edge", color="0.6")
    if np.isfinite(hist["threshold"]):
        ax.axvline(hist["threshold"], color="C3", label=f"threshold {hist['threshold']:.3f}")
        ax.set_title("hard-only points lie left of the threshold (one split)")
        ax.legend()
    else:  # the detector found one group of confidences: no hard-only point
        ax.set_title("one group of confidences: no hard-only point (one split)")
    ax.set(xlabel="weak-model confidence on the pool", ylabel="texts")
    fig.savefig(out_dir / "confidence_histogram.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return ["mixing_curve.png", "confidence_histogram.png"]


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
    n_overlap = s["w2s_overlap"].get("n_splits", s["n_seeds"])
    if n_overlap == 0:
        print("  W2S on overlap only      -  (no overlap point detected in any split)")
    else:
        print(f"  W2S on overlap only      {fmt('w2s_overlap')}" + (
            f"  ({n_overlap} of {s['n_seeds']} splits; no overlap point detected in the others)"
            if n_overlap < s["n_seeds"] else ""))
    if "w2s_nonhard" in s:
        print(f"  W2S on non-hard points   {fmt('w2s_nonhard')}")
    print(f"  strong ceiling           {fmt('ceiling')}")
    print(f"  PGR (all / overlap only) {fmt('pgr')} / {fmt('pgr_overlap')}")
    if "pgr_nonhard" in s:
        print(f"  PGR (non-hard)           {fmt('pgr_nonhard')}")
    print(f"  overlap density          {fmt('overlap_density')}")
    curve = results["curve"]
    print("  mixing curve (overlap proportion -> accuracy): "
          + "  ".join(f"{q:.1f}:{a:.3f}" for q, a in zip(curve["proportion"], curve["mean"])))
    if np.isnan(s["curve_slope"]):
        print("  accuracy rises with the overlap proportion: - (no curve: no overlap point detected)")
    else:
        print(f"  accuracy rises with the overlap proportion: {'yes' if s['curve_rises'] else 'no'} "
              f"(slope {s['curve_slope']:+.3f} per unit proportion)")
    if "groups" in results:
        from ._study_groups import format_groups

        print("\n".join(format_groups(results["groups"])))
    print(f"results: {out_dir / 'results.json'}; figures: mixing_curve.png, confidence_histogram.png; "
          f"{results['elapsed_s']:.0f} s")
