"""Fit time and peak memory of OverlapDetector against the authors' naive recipe.

Each measurement runs in a fresh subprocess so that its peak resident memory
(``ru_maxrss``) is its own. Methods:

* ``bare``      the float32 matrix product the exact method needs, (n_nonhard x d) by
                (d x n_hard), written block by block into one reused buffer: the floor;
* ``naive``     the authors' recipe: normalise, materialise the full similarity matrix,
                abs, max, and ruptures ``Binseg(model="l2")`` (jump=5) on both scores;
* ``skw2s-max`` ``OverlapDetector(aggregation="max", n_resamples=0)``: the paper's exact
                max, blocked (the partition alone, no bootstrap);
* ``skw2s-rms`` ``OverlapDetector(n_resamples=0)``: the default root-mean-square
                aggregation, the partition alone;
* ``skw2s-boot`` ``OverlapDetector(random_state=0)``: the default, with its bootstrap of
                50 resamples (past 20,000 rows the resamples rerun the rules on held scores);
* ``thresholds`` the two default cuts alone (``MixtureThreshold(scale="logit")`` on the
                confidences, ``MixtureThreshold()`` on as many scores), no similarity.

The blocked similarity alone, against scikit-learn's own blocked pairwise computation
(same hard rows as ``bare``: max |cos| of each non-hard row to the hard rows, 128 MiB of
working memory in both, the detector's default):

* ``index-max``   ``skw2s._similarity.SimilarityIndex("abs_cosine", "max",
                  working_memory=128)``: ``fit`` on the hard rows, ``score`` the others;
* ``sk-chunked``  ``sklearn.metrics.pairwise_distances_chunked(A, B, metric="cosine",
                  working_memory=128, reduce_func=...)``, the reduction taking
                  ``max |1 - D|`` of each chunk in place (the row subsets ``A`` and ``B``
                  are copied first: the function takes arrays).

Both write their scores, which must agree (largest absolute difference printed).

Usage::

    python benchmarks/detector_scale.py                      # n = 1e4 and 1e5, d = 384
    python benchmarks/detector_scale.py --big 1000000        # + n = 1e6 for skw2s-rms
    python benchmarks/detector_scale.py --n 10000 --no-naive
    python benchmarks/detector_scale.py --no-naive --chunked-repeat 3
    python benchmarks/detector_scale.py --no-chunked            # without the blocked baseline

Times are medians over ``--repeat`` runs (``--chunked-repeat`` for the blocked
comparison; the machines are shared and noisy); the ratio to ``bare`` is taken within the
same invocation.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

HARD_FRACTION = 0.3
WORKING_MEMORY = 128  # MiB: OverlapDetector's default


def make_inputs(n, d, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(size=(n, d), dtype=np.float32)
    hard = rng.uniform(size=n) < HARD_FRACTION
    p = np.where(hard, 0.5 + rng.uniform(-0.05, 0.05, n), 0.9 + rng.uniform(0, 0.1, n))
    return Z, p


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(method, n, d):
    import ruptures  # noqa: F401  (imports are not timed)
    from skw2s import OverlapDetector

    from sklearn.metrics import pairwise_distances_chunked

    from skw2s._similarity import SimilarityIndex

    Z, p = make_inputs(n, d)
    # "thresholds": a continuous score per point standing in for the overlap scores (the
    # rule's cost does not depend on their values: at most 20,000 order statistics are fitted).
    stand_in = np.linalg.norm(Z[:, :8], axis=1) if method == "thresholds" else None
    base = rss_mb()
    t0 = time.perf_counter()
    scores = None
    if method in ("index-max", "sk-chunked"):
        hard = 2 * np.abs(p - 0.5) < 0.5
        if method == "index-max":
            index = SimilarityIndex("abs_cosine", "max", working_memory=WORKING_MEMORY)
            scores = index.fit(Z, np.flatnonzero(hard)).score(Z, np.flatnonzero(~hard))
        else:
            def max_abs_cos(D, start):  # D = 1 - cos, a fresh chunk: reduced in place
                np.subtract(1.0, D, out=D)
                np.abs(D, out=D)
                return D.max(axis=1)

            A, B = Z[~hard], Z[hard]
            scores = np.concatenate(list(pairwise_distances_chunked(
                A, B, metric="cosine", reduce_func=max_abs_cos, working_memory=WORKING_MEMORY,
            )))
    elif method == "bare":
        c = 2 * np.abs(p - 0.5)
        hard = c < 0.5
        A, B = Z[~hard], Z[hard]
        rows = max(1, (256 * 2**20) // (4 * B.shape[0]))
        buf = np.empty(rows * B.shape[0], dtype=np.float32)
        for s in range(0, A.shape[0], rows):
            blk = A[s : s + rows]
            np.matmul(blk, B.T, out=buf[: blk.shape[0] * B.shape[0]].reshape(blk.shape[0], -1))
    elif method == "naive":
        c = 2 * np.abs(p - 0.5)
        cs = np.sort(c)
        b = ruptures.Binseg(model="l2").fit(cs[:, None]).predict(n_bkps=1)[0]
        hard = c < cs[b]
        U = Z / np.linalg.norm(Z, axis=1, keepdims=True)
        S = np.abs(U[~hard] @ U[hard].T)
        s = S.max(axis=1)
        del S
        ss = np.sort(s)
        ruptures.Binseg(model="l2").fit(ss[:, None]).predict(n_bkps=1)
    elif method == "thresholds":
        from skw2s.thresholds import MixtureThreshold

        c = 2 * np.abs(p - 0.5)
        MixtureThreshold(scale="logit").split(c)
        MixtureThreshold().split(stand_in)
    elif method == "skw2s-boot":
        OverlapDetector(random_state=0).fit(Z, weak_proba=p)
    else:
        agg = method.split("-")[1]
        OverlapDetector(aggregation=agg, n_resamples=0).fit(Z, weak_proba=p)
    elapsed = time.perf_counter() - t0
    if scores is not None and os.environ.get("DETECTOR_SCALE_SCORES"):
        np.save(os.environ["DETECTOR_SCALE_SCORES"], scores)
    print(json.dumps({"time_s": elapsed, "peak_mb": rss_mb(), "extra_mb": rss_mb() - base}))


def measure(method, n, d, repeat=1, scores_path=None):
    """Median time and largest peak memory over ``repeat`` fresh processes."""
    runs = []
    env = dict(os.environ, DETECTOR_SCALE_SCORES=scores_path or "")
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", method, str(n), str(d)],
            check=True, capture_output=True, text=True, env=env,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "time_s": float(np.median([r["time_s"] for r in runs])),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "extra_mb": max(r["extra_mb"] for r in runs),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--d", type=int, default=384)
    ap.add_argument("--big", type=int, nargs="*", default=[], help="extra sizes, default aggregation only")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--no-chunked", action="store_true",
                    help="skip the blocked-similarity comparison (index-max, sk-chunked)")
    ap.add_argument("--chunked-repeat", type=int, default=1,
                    help="runs per measurement of index-max and sk-chunked (default 1: about 45 s at n = 1e5)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median time); naive runs once")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), int(args.worker[2]))
        return
    rows = []
    methods = ["bare", "skw2s-max", "skw2s-rms", "skw2s-boot", "thresholds"] + ([] if args.no_naive else ["naive"])
    methods += [] if args.no_chunked else ["index-max", "sk-chunked"]
    tmp = tempfile.mkdtemp(prefix="detector_scale-")
    agreement = {}
    for n in args.n:
        for m in methods:
            path = os.path.join(tmp, f"{m}-{n}.npy") if m in ("index-max", "sk-chunked") else None
            repeat = {"naive": 1, "index-max": args.chunked_repeat, "sk-chunked": args.chunked_repeat}
            rows.append((n, m, measure(m, n, args.d, repeat.get(m, args.repeat), path)))
            if m == "sk-chunked":
                a, b = (np.load(os.path.join(tmp, f"{k}-{n}.npy")) for k in ("index-max", "sk-chunked"))
                agreement[n] = float(np.abs(a - b).max())
            print(f"n={n:>8} {m:<10} {rows[-1][2]['time_s']:8.2f} s  peak {rows[-1][2]['peak_mb']:8.0f} MB"
                  f"  (+{rows[-1][2]['extra_mb']:.0f} MB over the inputs)", flush=True)
    for n in args.big:
        for m in ("skw2s-rms", "skw2s-boot", "thresholds"):
            rows.append((n, m, measure(m, n, args.d, 1 if m == "skw2s-boot" else args.repeat)))
            print(f"n={n:>8} {m:<10} {rows[-1][2]['time_s']:8.2f} s  peak {rows[-1][2]['peak_mb']:8.0f} MB"
                  f"  (+{rows[-1][2]['extra_mb']:.0f} MB over the inputs)", flush=True)
    print("\n| n | method | time (s) | time / bare | peak RSS (MB) | extra over inputs (MB) |")
    print("|---|---|---|---|---|---|")
    bare = {n: r["time_s"] for n, m, r in rows if m == "bare"}
    for n, m, r in rows:
        ratio = f"{r['time_s'] / bare[n]:.2f}" if n in bare else "-"
        print(f"| {n:.0e} | {m} | {r['time_s']:.2f} | {ratio} | {r['peak_mb']:.0f} | {r['extra_mb']:.0f} |")
    if agreement:
        by = {(n, m): r for n, m, r in rows}
        print(f"\nBlocked max |cos| (working_memory={WORKING_MEMORY} MiB): sklearn's "
              "pairwise_distances_chunked against skw2s's SimilarityIndex")
        print("\n| n | index time (s) | chunked time (s) | time chunked / index "
              "| extra MB index / chunked | memory chunked / index | max abs diff of scores |")
        print("|---|---|---|---|---|---|---|")
        for n, diff in agreement.items():
            i, c = by[n, "index-max"], by[n, "sk-chunked"]
            print(f"| {n:.0e} | {i['time_s']:.2f} | {c['time_s']:.2f} | {c['time_s'] / i['time_s']:.2f} "
                  f"| {i['extra_mb']:.0f} / {c['extra_mb']:.0f} | {c['extra_mb'] / max(i['extra_mb'], 1):.2f} "
                  f"| {diff:.1e} |")
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
