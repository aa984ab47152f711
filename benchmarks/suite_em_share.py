"""How much of the test suite's time is the mixture threshold's EM? (issue 26, item 3)

Runs the suite as ``make test`` (or ``make test-fast`` with ``--fast``) does, two xdist
workers, with a pytest plugin that times every call of ``skw2s._mixture.find_low_group``
(the mixture rule behind the detector's cuts, its bootstrap and the selector's rounds) in
each worker process, and prints the suite's wall and CPU time, the EM's share, and the
wall time the suite would take on 2 cores if the EM cost nothing: a floor for any speed-up
of the EM (a compiled kernel included) that keeps every check.

With ``--numba`` (needs numba, which is not a dependency of skw2s) it instead times a
numba kernel of the same EM iteration (:func:`skw2s._mixture._em_batch`, one start at a
time) against the numpy one on the rule's own initialisations, and checks they agree.

Usage::

    python benchmarks/suite_em_share.py            # the whole suite, about 4 minutes
    python benchmarks/suite_em_share.py --fast     # make test-fast's selection, about 2 minutes
    PYTHONPATH=/path/to/numba python benchmarks/suite_em_share.py --numba
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLUGIN = '''
import atexit, os, time
import skw2s._mixture as mixture
import skw2s.thresholds as thresholds
_total = [0.0, 0]
_find = mixture.find_low_group
def _timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return _find(*args, **kwargs)
    finally:
        _total[0] += time.perf_counter() - start
        _total[1] += 1
thresholds.find_low_group = _timed
@atexit.register
def _report():
    if _total[1]:
        with open(os.path.join(os.environ["EM_SHARE_DIR"], f"{os.getpid()}.txt"), "w") as fh:
            fh.write(f"{_total[0]} {_total[1]}")
'''


def suite(fast):
    with tempfile.TemporaryDirectory() as tmp:
        pathlib.Path(tmp, "em_share_plugin.py").write_text(PLUGIN)
        env = dict(os.environ, PYTHONPATH=tmp + os.pathsep + os.environ.get("PYTHONPATH", ""), EM_SHARE_DIR=tmp,
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", HF_HUB_OFFLINE="1",
                   TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        if fast:
            env["SKW2S_FUZZ_EXAMPLES"] = "3"
        cmd = [sys.executable, "-m", "pytest", "tests", "skw2s", "-q", "-p", "no:cacheprovider", "-n", "2",
               "--dist", "loadgroup", "-p", "em_share_plugin"] + (["-m", "not slow"] if fast else [])
        before = os.times()
        start = time.perf_counter()
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        em = [tuple(map(float, p.read_text().split())) for p in pathlib.Path(tmp).glob("*.txt")]
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-500:]
    em_s, calls = sum(e[0] for e in em), int(sum(e[1] for e in em))
    print(f"{'make test-fast' if fast else 'make test'}: {last}")
    print(f"wall {wall:.0f} s, CPU {cpu:.0f} s (2 cores: CPU / 2 = {cpu / 2:.0f} s)")
    print(f"mixture EM (find_low_group): {em_s:.0f} s in {calls} calls, {100 * em_s / cpu:.0f}% of the CPU")
    print(f"with an EM that cost nothing: about {(cpu - em_s) / 2:.0f} s of wall on 2 cores")


def numba_kernel():
    import numba

    from skw2s._mixture import _REG

    log_2pi, eps = np.log(2 * np.pi), 10 * np.finfo(float).eps

    @numba.njit(cache=False)
    def em_one(z, w, m, v, max_iter, tol):
        n, k = z.size, w.size
        resp = np.empty((k, n))
        logw = np.empty(k)
        previous = -np.inf
        for iteration in range(max_iter + 1):
            for j in range(k):
                logw[j] = np.log(w[j]) - 0.5 * (log_2pi + np.log(v[j]))
            ll = 0.0
            for i in range(n):
                top = -np.inf
                for j in range(k):
                    d = z[i] - m[j]
                    resp[j, i] = logw[j] - 0.5 * d * d / v[j]
                    top = max(top, resp[j, i])
                total = 0.0
                for j in range(k):
                    resp[j, i] = np.exp(resp[j, i] - top)
                    total += resp[j, i]
                for j in range(k):
                    resp[j, i] /= total
                ll += top + np.log(total)
            if iteration == max_iter:  # the final E-step: the log-likelihood only
                return ll
            for j in range(k):
                nk, s1 = eps, 0.0
                for i in range(n):
                    nk += resp[j, i]
                    s1 += resp[j, i] * z[i]
                mean, s2 = s1 / nk, 0.0
                for i in range(n):
                    s2 += resp[j, i] * (z[i] - mean) ** 2
                w[j], m[j], v[j] = nk / n, mean, s2 / nk + _REG
            if abs(ll / n - previous) < tol:
                max_iter = iteration + 1  # one more E-step for the final log-likelihood
            previous = ll / n
        return ll

    def em_batch(z, inits, max_iter=200, tol=1e-4):
        out = []
        for wi, mi, vi in inits:
            w = np.asarray(wi, float) / np.sum(wi)
            m, v = np.array(mi, float), np.asarray(vi, float) + _REG
            out.append((float(em_one(z, w, m, v, max_iter, tol)), (w, m, v)))
        return out

    return em_batch


def compare_numba():
    from skw2s._mixture import _em_batch, _initialisations, find_low_group

    em_batch = numba_kernel()
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    em_batch(np.linspace(-1, 1, 50), [([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])])
    print(f"numba compile: {time.perf_counter() - start:.1f} s per process")
    print("| n | starts | numpy (ms) | numba (ms) | numpy / numba | max abs diff log-lik / means |")
    print("|---|---|---|---|---|---|")
    for n in (40, 300, 1000, 2000):
        low = rng.uniform(size=n) < 0.3
        x = np.where(low, rng.normal(-1.0, 0.5, n), rng.normal(1.5, 0.8, n))
        z = np.sort((x - x.mean()) / x.std())
        cold = [i for i in _initialisations(z) if len(i[0]) == 2]
        warm = [tuple(map(np.asarray, s)) for s in find_low_group(z)[1]["starts"].values()]
        for name, inits in ((f"cold, {len(cold)} x 2 components", cold), ("warm, 2 + 3 + 4 components", warm)):
            times = []
            for fn in (_em_batch, em_batch):
                reps = max(3, 3000 // n)
                t0 = time.perf_counter()
                for _ in range(reps):
                    fn(z, inits)
                times.append((time.perf_counter() - t0) / reps)
            a, b = _em_batch(z, inits), em_batch(z, inits)
            dll = max(abs(p[0] - q[0]) for p, q in zip(a, b))
            dm = max(np.abs(p[1][1] - q[1][1]).max() for p, q in zip(a, b))
            print(f"| {n} | {name} | {1e3 * times[0]:.3f} | {1e3 * times[1]:.3f} | {times[0] / times[1]:.1f} | "
                  f"{dll:.0e} / {dm:.0e} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="make test-fast's selection")
    parser.add_argument("--numba", action="store_true", help="time a numba kernel of the EM instead")
    args = parser.parse_args()
    if args.numba:
        compare_numba()
    else:
        suite(args.fast)


if __name__ == "__main__":
    main()
