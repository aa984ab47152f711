"""skw2s's 1-D two-component EM against scikit-learn's GaussianMixture (issue 17).

:class:`~skw2s.thresholds.MixtureThreshold` fits its Gaussian mixtures with a hand-written
1-D EM (``skw2s._mixture._em``: scikit-learn's spherical iteration, same E and M steps,
variance floor and stopping rule). This script times it against
``sklearn.mixture.GaussianMixture(n_components=2)`` fitted on the same data, and checks
that both find the same fit.

Data: ``n`` scores from a two-group mixture (30% N(-1, 0.5), 70% N(1.5, 0.8)),
standardised and sorted, as the rule fits them. Every fit starts from the same
parameters, one of the rule's own initialisations (the sorted scores cut at 30%: each
chunk's share, mean and variance). Fits:

* ``skw2s``           ``_em(z, init)``: what the rule runs (tol 1e-4, at most 200 iterations);
* ``sk spherical``    ``GaussianMixture(2, covariance_type="spherical", weights_init=...,
                      means_init=..., precisions_init=..., reg_covar=1e-6, tol=1e-4,
                      max_iter=200)``: the same iteration, the one ``_em`` mirrors;
* ``sk full``         the same with the default ``covariance_type="full"`` (in 1-D the same
                      model, other code path);
* ``sk default``      ``GaussianMixture(n_components=2, random_state=seed)`` as it comes
                      (k-means initialisation, tol 1e-3): for context, not the same start.

Each fit is repeated (interleaved, after one warm-up call of each) and its median time
taken per seed; the ratio is scikit-learn's median over skw2s's, per seed; the table gives
the median ratio over seeds and its range (min to max). Agreement with ``skw2s``: the
largest difference of the fitted weights and means (components sorted by mean) and of
BIC, over seeds.

Usage::

    python benchmarks/mixture_em.py                     # n = 200, 2,000, 20,000; 5 seeds
    python benchmarks/mixture_em.py --n 2000 --seeds 3 --repeat 9
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from skw2s._mixture import _REG, _em

TOL, MAX_ITER = 1e-4, 200
VARIANTS = ("sk spherical", "sk full", "sk default")


def make_scores(n, seed):
    rng = np.random.default_rng(seed)
    low = rng.uniform(size=n) < 0.3
    x = np.where(low, rng.normal(-1.0, 0.5, n), rng.normal(1.5, 0.8, n))
    return np.sort((x - x.mean()) / x.std())


def chunk_init(z, cut=0.3):
    """The rule's initialisation from contiguous chunks of the sorted scores."""
    parts = np.split(z, [int(cut * z.size)])
    return ([p.size / z.size for p in parts], [p.mean() for p in parts], [p.var() for p in parts])


def fit_skw2s(z, init):
    ll, (w, m, v) = _em(z, init, max_iter=MAX_ITER, tol=TOL)
    bic = -2 * ll + (3 * w.size - 1) * np.log(z.size)
    return w, m, bic


def fit_sklearn(z, init, variant, seed):
    w0, m0, v0 = (np.asarray(a, dtype=float) for a in init)
    if variant == "sk default":
        gm = GaussianMixture(n_components=2, random_state=seed)
    else:
        cov = "spherical" if variant == "sk spherical" else "full"
        prec = 1.0 / (v0 + _REG)
        gm = GaussianMixture(
            2, covariance_type=cov, weights_init=w0 / w0.sum(), means_init=m0[:, None],
            precisions_init=prec if cov == "spherical" else prec[:, None, None],
            reg_covar=_REG, tol=TOL, max_iter=MAX_ITER,
        )
    X = z[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm.weights_, gm.means_.ravel(), gm.bic(X)


def sorted_fit(w, m):
    order = np.argsort(m)
    return np.asarray(w)[order], np.asarray(m)[order]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run(n, seeds, repeat):
    ratios = {v: [] for v in VARIANTS}
    times = {v: [] for v in ("skw2s",) + VARIANTS}
    agree = {v: {"weight": 0.0, "mean": 0.0, "bic": 0.0} for v in VARIANTS}
    for seed in range(seeds):
        z = make_scores(n, seed)
        init = chunk_init(z)
        fits = {
            "skw2s": lambda: fit_skw2s(z, init),
            **{v: (lambda v=v: fit_sklearn(z, init, v, seed)) for v in VARIANTS},
        }
        results = {name: fn() for name, fn in fits.items()}  # warm-up, and the fits compared
        samples = {name: [] for name in fits}
        for _ in range(repeat):  # interleaved, so that load on the machine hits all alike
            for name, fn in fits.items():
                samples[name].append(timed(fn)[0])
        med = {name: float(np.median(s)) for name, s in samples.items()}
        for name in fits:
            times[name].append(med[name])
        w_ref, m_ref = sorted_fit(*results["skw2s"][:2])
        for v in VARIANTS:
            ratios[v].append(med[v] / med["skw2s"])
            w, m = sorted_fit(*results[v][:2])
            a = agree[v]
            a["weight"] = max(a["weight"], float(np.abs(w - w_ref).max()))
            a["mean"] = max(a["mean"], float(np.abs(m - m_ref).max()))
            a["bic"] = max(a["bic"], float(abs(results[v][2] - results["skw2s"][2])))
    return times, ratios, agree


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[200, 2_000, 20_000])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=0,
                    help="timed fits per seed and method (default: 41 at n <= 500, 15 at n <= 5000, else 5)")
    args = ap.parse_args()
    print("| n | fit | median time (ms) | time / skw2s: median over seeds [min, max] "
          "| max abs diff weights / means / BIC |")
    print("|---|---|---|---|---|")
    for n in args.n:
        repeat = args.repeat or (41 if n <= 500 else 15 if n <= 5000 else 5)
        times, ratios, agree = run(n, args.seeds, repeat)
        print(f"| {n:,} | skw2s `_em` | {1e3 * np.median(times['skw2s']):.2f} | 1 | |", flush=True)
        for v in VARIANTS:
            r = ratios[v]
            a = agree[v]
            print(f"| {n:,} | {v} | {1e3 * np.median(times[v]):.2f} | **{np.median(r):.1f}x** "
                  f"[{min(r):.1f}, {max(r):.1f}] | {a['weight']:.1e} / {a['mean']:.1e} / {a['bic']:.1e} |",
                  flush=True)


if __name__ == "__main__":
    main()
