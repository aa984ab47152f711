"""Wall time of ``train_on="auto"`` with its validation splits in parallel (``n_jobs``).

The bank's movie reviews (``benchmarks/_truth_bank.py``, embedded once and cached): 500 gold
rows and a pool of 2,000, MiniLM layer 4 probe as the weak side, mpnet layer 9 probe as the
strong side (``C = 0.01``), the detector on the strong columns. Fits ``auto`` with
``n_jobs=1`` and with ``n_jobs=2`` alternately (``--repeats`` times each, after one warm-up
fit of each that starts joblib's workers), prints the median wall time of each, their
ratio, and checks that both give the same fit (validation gains and test probabilities).

Usage::

    .venv/bin/python benchmarks/auto_n_jobs.py --repeats 3
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer

sys.path.insert(0, str(Path(__file__).parent))
from _truth_bank import load_bank  # noqa: E402
from auto_train_on import _columns, _lr  # noqa: E402

from skw2s import OverlapDetector, WeakToStrongClassifier  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    opts = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    bank = load_bank(log=lambda *a: None)
    rows = np.flatnonzero(bank["label"] >= 0)
    y = bank["label"][rows]
    Xw, Xs = bank["minilm"][rows].astype(float), bank["mpnet"][rows].astype(float)
    X = np.hstack([Xw, Xs])
    scols = Xw.shape[1] + np.arange(Xs.shape[1])
    order = np.random.RandomState(0).permutation(y.size)
    gold, pool, test = order[:500], order[500:2500], order[2500:]
    fit_rows = np.concatenate([gold, pool])
    Xf, yf = X[fit_rows], y[fit_rows].copy()
    yf[gold.size:] = -1
    weak = _columns(np.arange(Xw.shape[1]), *_lr(0.01))
    strong = _columns(scols, *_lr(0.01))
    rep = ColumnTransformer([("s", "passthrough", scols)])

    def fit(n_jobs):
        t0 = time.perf_counter()
        model = WeakToStrongClassifier(weak, strong, detector=OverlapDetector(representation=rep),
                                       train_on="auto", random_state=0, n_jobs=n_jobs).fit(Xf, yf)
        return time.perf_counter() - t0, model

    times = {1: [], opts.n_jobs: []}
    models = {}
    for i in range(opts.repeats + 1):
        for n_jobs in times:
            seconds, models[n_jobs] = fit(n_jobs)
            if i:  # the first round warms up (joblib's workers start)
                times[n_jobs].append(seconds)
    a, b = models[1], models[opts.n_jobs]
    same = (np.array_equal(a.validation_scores_["gain"], b.validation_scores_["gain"])
            and np.array_equal(a.predict_proba(X[test]), b.predict_proba(X[test])))
    t1, tn = np.median(times[1]), np.median(times[opts.n_jobs])
    print(f"n_jobs=1: median {t1:.2f} s {np.round(times[1], 2).tolist()}")
    print(f"n_jobs={opts.n_jobs}: median {tn:.2f} s {np.round(times[opts.n_jobs], 2).tolist()}")
    print(f"ratio {t1 / tn:.2f}x; chose {a.train_on_!r}; same fit: {same}")


if __name__ == "__main__":
    main()
