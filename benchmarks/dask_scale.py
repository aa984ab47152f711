"""OverlapDetector on a Zarr store larger than the cluster's memory, against the in-memory fit.

Steps (each in a fresh process, so that every peak-memory figure is its own):

1. ``generate``: writes ``n`` rows x ``d`` float32 features and the weak model's
   probabilities into a Zarr store (uncompressed: random values do not compress), block by
   block on a LocalCluster. Rows follow the paper's mixture (40% easy-only, 30% hard-only,
   30% overlap; see ``_rows``), so both thresholds find two groups, as on real data.
2. ``memory``: the in-memory fit (``OverlapDetector().fit``, default ``"rms"``) of the
   store's first ``--memory-n`` rows, read into memory first (reading is not timed);
   median of ``--repeat`` fits. Saves its labels for step 4.
3. ``dask``: a LocalCluster of ``--workers`` worker processes, 1 thread each, with
   ``--memory-limit`` each; the client fits ``OverlapDetector()`` on ``da.from_zarr``.
   Reports the wall time of the fit, the peak resident memory of every worker
   (``ru_maxrss``) and of the client, whether any worker was lost or restarted, and the
   time of one bare read pass over the store (the fit makes two).
4. ``check``: the same cluster fits the store's first ``--memory-n`` rows on dask and
   compares the labels with step 2's.

Usage::

    python benchmarks/dask_scale.py --n 10000000 --store /work/dask-scale.zarr   # ~15 GB
    python benchmarks/dask_scale.py --n 200000 --memory-n 100000                  # quick

The store is deleted at the end unless ``--keep-store`` is given. Check free disk space
first (``df -h``): the store takes ``n * d * 4`` bytes.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HARD_FRACTION = 0.3


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _theta(d, seed):
    """The class direction, shared by every block: |theta_easy|^2 = |theta_hard|^2 = 4."""
    theta = np.random.default_rng([seed, 7]).uniform(size=d)
    h = d // 2
    theta[:h] *= 2 / np.linalg.norm(theta[:h])
    theta[h:] *= 2 / np.linalg.norm(theta[h:])
    return theta


def _rows(start, stop, block, d, seed):
    """Rows of the paper's mixture: 40% easy-only, 30% hard-only, 30% overlap.

    x = (2y - 1) theta + N(0, I); easy-only rows have their hard half zeroed, hard-only
    rows their easy half. The weak model is the Bayes logistic model of the easy half,
    p = sigmoid(2 theta_easy . x_easy): 0.5 on hard-only rows.
    """
    rng = np.random.default_rng([seed, block])
    m, h = stop - start, d // 2
    theta = _theta(d, seed)
    y = rng.integers(0, 2, size=m)
    group = rng.choice(3, size=m, p=[0.4, 0.3, 0.3])  # EASY, HARD, OVERLAP
    X = np.outer(2 * y - 1, theta) + rng.standard_normal(size=(m, d))
    X[group == 0, h:] = 0.0
    X[group == 1, :h] = 0.0
    p = 1 / (1 + np.exp(-2 * X[:, :h] @ theta[:h]))
    return X.astype(np.float32), p


def _block(block_info=None, *, d, seed):
    info = block_info[None]
    (start, stop), _ = info["array-location"]
    return _rows(start, stop, info["chunk-location"][0], d, seed)[0]


def _proba_block(block_info=None, *, d, seed):
    info = block_info[None]
    ((start, stop),) = info["array-location"]
    return _rows(start, stop, info["chunk-location"][0], d, seed)[1]


def _cluster(args):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory_limit,
        dashboard_address=":0",
    )
    return cluster, Client(cluster)


def generate(args):
    import dask.array as da
    import zarr

    # No compression (random floats do not compress); the keyword differs in zarr 2 and 3.
    raw = {"compressors": None} if int(zarr.__version__.split(".")[0]) >= 3 else {"compressor": None}

    cluster, client = _cluster(args)
    with cluster, client:
        chunks = ((args.chunk_rows,) * (args.n // args.chunk_rows)
                  + ((args.n % args.chunk_rows,) if args.n % args.chunk_rows else ()))
        X = da.map_blocks(_block, d=args.d, seed=args.seed, chunks=(chunks, (args.d,)),
                          dtype=np.float32, meta=np.empty((0, 0), np.float32))
        p = da.map_blocks(_proba_block, d=args.d, seed=args.seed, chunks=(chunks,),
                          dtype=np.float64, meta=np.empty(0))
        t0 = time.perf_counter()
        X.to_zarr(args.store, component="X", overwrite=True, **raw)
        p.to_zarr(args.store, component="p", overwrite=True)
        return {"time_s": time.perf_counter() - t0}


def memory(args):
    import zarr

    from skw2s import OverlapDetector

    root = zarr.open_group(args.store, mode="r")
    X = np.asarray(root["X"][: args.memory_n])
    p = np.asarray(root["p"][: args.memory_n])
    base = _rss_mb()
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        det = OverlapDetector().fit(X, weak_proba=p)
        times.append(time.perf_counter() - t0)
    np.save(args.labels, det.labels_)
    return {"time_s": float(np.median(times)), "times_s": times, "peak_mb": _rss_mb(),
            "extra_mb": _rss_mb() - base, "overlap_density": det.overlap_density_,
            "thresholds_s": _threshold_seconds(det)}


def _threshold_seconds(det):
    """Time of the two threshold rules alone on the fitted pool's 1-D arrays (client side)."""
    from skw2s.thresholds import split_scores

    c = np.asarray(det.confidence_)
    s = np.asarray(det.overlap_score_)
    t0 = time.perf_counter()
    split_scores(det._confidence_rule, c)
    split_scores(det._overlap_rule, s[~np.isnan(s)])
    return time.perf_counter() - t0


def _worker_peak_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dask(args):
    import dask.array as da

    from skw2s import OverlapDetector

    cluster, client = _cluster(args)
    with cluster, client:
        X = da.from_zarr(args.store, component="X")
        p = da.from_zarr(args.store, component="p")
        workers = sorted(client.scheduler_info()["workers"])
        t0 = time.perf_counter()
        det = OverlapDetector().fit(X, weak_proba=p)
        fit_s = time.perf_counter() - t0
        peaks = client.run(_worker_peak_mb)
        after = sorted(client.scheduler_info()["workers"])
        client_peak = _rss_mb()
        thresholds_s = _threshold_seconds(det)
        t0 = time.perf_counter()
        X.map_blocks(lambda b: b[:1, :1], dtype=X.dtype).compute()  # one bare read pass
        read_s = time.perf_counter() - t0
        check = {}
        if args.check:
            m = args.memory_n
            small = OverlapDetector().fit(X[:m], weak_proba=p[:m]).labels_.compute()
            ref = np.load(args.labels)
            check = {"check_n": m, "check_mismatches": int(np.sum(small != ref))}
        return {
            "time_s": fit_s, "worker_peak_mb": [peaks[w] for w in sorted(peaks)],
            "client_peak_mb": client_peak, "workers_lost": workers != after,
            "read_pass_s": read_s, "overlap_density": det.overlap_density_,
            "thresholds_s": thresholds_s,
            "chunks": len(X.chunks[0]), **check,
        }


def _step(name, args):
    cmd = [sys.executable, os.path.abspath(__file__), "--step", name]
    for key, value in vars(args).items():
        if key in ("step",) or value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        cmd += [flag] if value is True else [flag, str(value)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"step {name} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--d", type=int, default=384)
    ap.add_argument("--memory-n", type=int, default=1_000_000)
    ap.add_argument("--chunk-rows", type=int, default=65_536)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="2GiB")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--store", default=None, help="Zarr store path (default: a temporary folder)")
    ap.add_argument("--labels", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--keep-store", action="store_true")
    ap.add_argument("--reuse-store", action="store_true", help="skip generation if the store exists")
    ap.add_argument("--check", action="store_true", default=True, help=argparse.SUPPRESS)
    ap.add_argument("--step", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        result = {"generate": generate, "memory": memory, "dask": run_dask}[args.step](args)
        print(json.dumps(result))
        return
    tmp = tempfile.mkdtemp(prefix="skw2s-dask-scale-")
    args.store = args.store or os.path.join(tmp, "store.zarr")
    args.labels = os.path.join(tmp, "labels.npy")
    size_gb = args.n * args.d * 4 / 1e9
    print(f"store {args.store}: {args.n:,} x {args.d} float32 = {size_gb:.1f} GB", flush=True)
    try:
        if not (args.reuse_store and os.path.exists(args.store)):
            gen = _step("generate", args)
            print(f"generated in {gen['time_s']:.0f} s", flush=True)
        mem = _step("memory", args)
        print(f"in memory, n = {args.memory_n:,}: {mem['time_s']:.2f} s (runs "
              f"{[round(t, 1) for t in mem['times_s']]}, thresholds {mem['thresholds_s']:.1f} s), "
              f"peak {mem['peak_mb']:.0f} MB, density {mem['overlap_density']:.4f}", flush=True)
        res = _step("dask", args)
        linear = mem["time_s"] * args.n / args.memory_n
        print(f"dask, n = {args.n:,} ({res['chunks']} chunks), {args.workers} workers x "
              f"{args.memory_limit}: {res['time_s']:.1f} s = {res['time_s'] / linear:.2f}x the "
              f"linear extrapolation ({linear:.1f} s)")
        print(f"  worker peaks {[round(v) for v in res['worker_peak_mb']]} MB, client peak "
              f"{res['client_peak_mb']:.0f} MB, workers lost or restarted: {res['workers_lost']}")
        print(f"  one bare read pass over the store: {res['read_pass_s']:.1f} s; thresholds on "
              f"the client {res['thresholds_s']:.1f} s; density {res['overlap_density']:.4f}")
        per_row = (mem["time_s"] - mem["thresholds_s"]) * args.n / args.memory_n
        print(f"  against the rows' work scaled linearly plus the thresholds once "
              f"({per_row + res['thresholds_s']:.1f} s): "
              f"{res['time_s'] / (per_row + res['thresholds_s']):.2f}x")
        if "check_n" in res:
            print(f"  first {res['check_n']:,} rows on dask vs in memory: "
                  f"{res['check_mismatches']} label mismatches")
        print(json.dumps({"memory": mem, "dask": res, "linear_s": linear}))
    finally:
        if not args.keep_store:
            shutil.rmtree(args.store, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
