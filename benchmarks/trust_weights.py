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

import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WEIGHTS = {"w_trust": lambda t: t, "w_trust2": lambda t: t ** 2, "w_trust_centred": lambda t: np.clip(2 * t - 1, 0, 1)}


def run(settings, splits, log):
    from sklearn.base import clone

    from selection_anchors import fit_on_split, real_splits

    for setting in settings:
        for s in real_splits(setting, splits):
            clf = fit_on_split(s, ("trust", 1.0))  # every row kept: the trust of the final pool
            X, y, pool, test = s["X"], s["y"], s["pool"], s["test"]
            r = {"setting": setting, "split": s["split"],
                 "all_check": float(np.mean(clf.strong_estimator_.predict(X[test]) == y[test]))}
            for name, weight in WEIGHTS.items():
                model = clone(s["strong"]).fit(X[pool], clf.pseudolabels_,
                                               pipeline__logisticregression__sample_weight=weight(clf.trust_))
                r[name] = float(np.mean(model.predict(X[test]) == y[test]))
            log(json.dumps(r))
            yield r


def table(records):
    from selection_anchors import probe_table

    return probe_table(records, ["setting", "weights"], WEIGHTS, ("all_check", "all"),
                       {"all": "all", "trust80": "trust 80%", "trust60": "trust 60%", "auto": "auto"})


def main(argv=None):
    from selection_anchors import probe_main

    probe_main(__doc__, run, table, "trust_weights", argv)


if __name__ == "__main__":
    main()
