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

import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
VARIANTS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given",
            "low_normalized_margin", "low_self_confidence")


def run(settings, splits, log):
    from cleanlab.filter import find_label_issues
    from sklearn.base import clone

    from selection_anchors import fit_on_split, real_splits

    for setting in settings:
        for s in real_splits(setting, splits):
            clf = fit_on_split(s, "confident_learning")  # its strong_oof_proba_: the view every variant reads
            X, y, pool, test = s["X"], s["y"], s["pool"], s["test"]
            codes = np.searchsorted(clf.classes_, clf.pseudolabels_)
            r = {"setting": setting, "split": s["split"],
                 "default_check": float(np.mean(clf.predict(X[test]) == y[test])), "dropped": {}}
            for variant in VARIANTS:
                keep = ~find_label_issues(codes, clf.strong_oof_proba_, filter_by=variant, n_jobs=1)
                model = clone(s["strong"]).fit(X[pool][keep], clf.pseudolabels_[keep])
                r[variant] = float(np.mean(model.predict(X[test]) == y[test]))
                r["dropped"][variant] = float(1 - keep.mean())
            log(json.dumps(r))
            yield r


def table(records):
    from selection_anchors import probe_table

    return probe_table(records, ["setting", "filter_by", "dropped"], VARIANTS, ("default_check", "cleanlab"),
                       {"all": "all", "cleanlab": "default", "auto": "auto"},
                       extra=lambda rs, v: [f"{np.mean([r['dropped'][v] for r in rs]):.0%}"])


def main(argv=None):
    from selection_anchors import probe_main

    probe_main(__doc__, run, table, "cleanlab_variants", argv)


if __name__ == "__main__":
    main()
