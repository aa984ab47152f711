"""cleanlab's ``filter_by`` variants beside its default, on the real splits (issue 25, item 1).

``train_on="confident_learning"`` (the reference of ``train_on="auto"``) calls
``cleanlab.filter.find_label_issues`` with its defaults (``filter_by="prune_by_noise_rate"``).
On the real splits of ``selection_anchors.py`` (same seeds, pools, probes) the strong
side's out-of-fold probabilities are read from a ``train_on="confident_learning"`` fit
(``strong_oof_proba_``), each ``filter_by`` variant flags rows from them, and the strong
probe is trained on the rows left. Compared, paired by split, with the stored accuracies of
``all``, ``cleanlab`` (the default: checked to be the same split for split) and ``auto``
(``benchmarks/results/selection_anchors_trust.jsonl``).

Usage::

    python benchmarks/cleanlab_variants.py            # 4 settings x 5 splits, about 5 minutes
    python benchmarks/cleanlab_variants.py --from-jsonl benchmarks/results/cleanlab_variants.jsonl
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
VARIANTS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given",
            "low_normalized_margin", "low_self_confidence")


def run(settings, splits, log):
    from cleanlab.filter import find_label_issues
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
                clf = WeakToStrongClassifier(weak, strong, detector=clone(det), train_on="confident_learning",
                                             random_state=split).fit(X[rows], y_fit)
            codes = np.searchsorted(clf.classes_, clf.pseudolabels_)
            r = {"setting": setting, "split": split,
                 "default_check": float(np.mean(clf.predict(X[test]) == y[test])), "dropped": {}}
            for variant in VARIANTS:
                keep = ~find_label_issues(codes, clf.strong_oof_proba_, filter_by=variant, n_jobs=1)
                model = clone(strong).fit(X[pool][keep], clf.pseudolabels_[keep])
                r[variant] = float(np.mean(model.predict(X[test]) == y[test]))
                r["dropped"][variant] = float(1 - keep.mean())
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

    lines = ["| setting | filter_by | dropped | accuracy | - all | - default | - auto |", "|---|---|---|---|---|---|---|"]
    for setting, rs in by.items():
        ref = [stored[(r["setting"], r["split"])]["acc"] for r in rs]
        same = all(abs(r["default_check"] - a["cleanlab"]) < 1e-12 for r, a in zip(rs, ref))
        for v in VARIANTS:
            lines.append(f"| {setting}{'' if same else ' (default differs!)'} | {v} | "
                         f"{np.mean([r['dropped'][v] for r in rs]):.0%} | {np.mean([r[v] for r in rs]):.3f} | "
                         + " | ".join(ms([r[v] - a[k] for r, a in zip(rs, ref)]) for k in ("all", "cleanlab", "auto"))
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
    out = HERE / "out" / "cleanlab_variants.jsonl"
    out.parent.mkdir(exist_ok=True)
    with open(out, "w") as fh:
        def log(line):
            print(line, flush=True)
            fh.write(line + "\n")

        records = list(run(args.settings, args.splits, log))
    print(table(records))


if __name__ == "__main__":
    main()
