"""Resampling stability of the overlap density on packaged real data (issue 16).

For each data set (movie reviews, tweets; MiniLM -> mpnet, the ``skw2s run`` defaults:
3,000 texts, MiniLM layer 4 and mpnet layer 9 mean-pooled, probes ``StandardScaler`` +
``LogisticRegression(C=0.01)``), ``--resamples`` times: a random 500 texts are the gold rows
the weak probe trains on, another random 1,500 are the pool; the detectors are fitted on
the pool's centred mpnet activations with the probe's probabilities (as ``skw2s run``
does). Reported per detector: the density of each resample, their mean and standard
deviation, the mean 95% bootstrap interval and how many intervals contain the mean over
resamples (a reported interval should cover the spread of what a resampled pool gives).

Detectors: ``OverlapDetector(center=True)`` (today's default, bootstrapped,
``n_resamples=50``), the same with ``n_resamples=0`` (the partition alone, what the
detector reported before the bootstrap), and ``OverlapDetector.from_paper(n_resamples=50)`` (the paper's partition; its bootstrap gives the interval).

Usage::

    .venv/bin/python benchmarks/resampling_stability.py                 # 10 resamples x 2 sets
    .venv/bin/python benchmarks/resampling_stability.py --resamples 3   # a quick look

Embeddings come from the skw2s cache (the first run embeds 2 x 3,000 texts with each
encoder: about 6 minutes on 2 cores). Results: ``benchmarks/results/resampling_stability.json``.
"""

import argparse
import json
import pathlib
import time
import warnings

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DATASETS = ("movie-reviews", "tweets")


def _features(dataset, opts):
    """Weak (MiniLM) and strong (mpnet) activations and labels of ``skw2s run``'s sample."""
    from skw2s._cli_models import embed
    from skw2s._cli_run import _stratified_sample
    from skw2s.cli import _build_parser, _load_packaged
    from skw2s._packaged import default_cache_dir

    argv = ["run", "--dataset", dataset, "--weak-model", "minilm", "--strong-model", "mpnet",
            "--n-samples", "3000", "--random-state", "0", "--no-progress"]
    args = _build_parser().parse_args(argv)
    texts, y, _ = _load_packaged(dataset, args.random_state)
    keep = _stratified_sample(y, args.n_samples, np.random.RandomState(args.random_state))
    texts, y = [texts[i] for i in keep], y[keep]
    cache = default_cache_dir()
    Xw = embed(texts, "weak", args, cache)[0]
    Xs = embed(texts, "strong", args, cache)[0]
    return Xw, Xs, y


def _detectors():
    from skw2s import OverlapDetector

    return {
        "bootstrapped (default)": OverlapDetector(center=True, random_state=0),
        "partition only (n_resamples=0)": OverlapDetector(center=True, n_resamples=0),
        "paper": OverlapDetector.from_paper(n_resamples=50, random_state=0),
    }


def run(dataset, opts):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Xw, Xs, y = _features(dataset, opts)
    out = {name: {"density": [], "interval": [], "seconds": []} for name in _detectors()}
    for r in range(opts.resamples):
        rng = np.random.RandomState(1000 + r)
        perm = rng.permutation(y.size)
        gold, pool = perm[:opts.n_gold], perm[opts.n_gold:opts.n_gold + opts.n_pool]
        weak = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=3000))
        proba = weak.fit(Xw[gold], y[gold]).predict_proba(Xw[pool])
        for name, det in _detectors().items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                det.fit(Xs[pool], weak_proba=proba)
            out[name]["seconds"].append(time.perf_counter() - start)
            out[name]["density"].append(det.overlap_density_)
            out[name]["interval"].append(list(det.overlap_density_interval_))
        print(f"  {dataset} resample {r}: " + ", ".join(
            f"{name.split()[0]} {v['density'][-1]:.3f}" for name, v in out.items()), flush=True)
    return out


def table(results):
    lines = ["| data | detector | densities over resamples | mean | sd | mean 95% interval | "
             "intervals covering the mean | fit (s, median) |", "|---|---|---|---|---|---|---|---|"]
    for dataset, per in results.items():
        for name, v in per.items():
            d = np.asarray(v["density"])
            iv = np.asarray(v["interval"], dtype=float)
            mean = d.mean()
            if np.isnan(iv).all():
                cover, interval = "-", "-"
            else:
                cover = f"{int(np.sum((iv[:, 0] <= mean) & (mean <= iv[:, 1])))}/{d.size}"
                interval = f"[{np.nanmean(iv[:, 0]):.3f}, {np.nanmean(iv[:, 1]):.3f}]"
            lines.append(
                f"| {dataset} | {name} | {' '.join(f'{x:.2f}' for x in d)} | {mean:.3f} | "
                f"{d.std(ddof=1):.3f} | {interval} | {cover} | {np.median(v['seconds']):.2f} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=10)
    parser.add_argument("--n-gold", type=int, default=500)
    parser.add_argument("--n-pool", type=int, default=1500)
    parser.add_argument("--only", nargs="*", default=None, choices=DATASETS)
    parser.add_argument("--json", default=str(HERE / "results" / "resampling_stability.json"))
    parser.add_argument("--from-json", action="store_true", help="re-print the tables of --json")
    opts = parser.parse_args(argv)
    if opts.from_json:
        results = json.loads(pathlib.Path(opts.json).read_text())
    else:
        results = {dataset: run(dataset, opts) for dataset in (opts.only or DATASETS)}
        pathlib.Path(opts.json).write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
