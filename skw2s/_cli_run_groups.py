"""Per-group diagnostics of ``skw2s run``: what the detector put in each group.

For every seed's pool: the size of the easy-only, hard-only and overlap groups, the
pseudolabel class counts in each, the accuracy of the pseudolabels against the gold
labels in each, and whether each threshold found two groups (when the detector says).
"""

import numpy as np

from ._constants import EASY, HARD, OVERLAP

#: Group codes and the names the study report uses for them.
GROUPS = ((EASY, "easy"), (HARD, "hard"), (OVERLAP, "overlap"))
_LABELS = {"easy": "easy-only", "hard": "hard-only", "overlap": "overlap"}


def group_diagnostics(groups, pseudolabels, y_true, classes):
    """Size, pseudolabel class counts and pseudolabel accuracy of each group of one pool.

    Parameters
    ----------
    groups : ndarray of shape (n_pool,)
        ``EASY``, ``HARD`` or ``OVERLAP`` per pool row (a detector's ``labels_``).
    pseudolabels, y_true : ndarray of shape (n_pool,)
        The weak model's labels and the gold labels of the pool rows.
    classes : sequence
        Every class, so that a class absent from a group counts 0.

    Returns
    -------
    diagnostics : dict
        ``{"easy" | "hard" | "overlap": {"size", "fraction", "class_counts",
        "pseudolabel_accuracy"}}``; the accuracy is NaN for an empty group.
    """
    groups, pseudolabels, y_true = map(np.asarray, (groups, pseudolabels, y_true))
    n = max(groups.shape[0], 1)
    out = {}
    for code, name in GROUPS:
        mask = groups == code
        size = int(mask.sum())
        out[name] = {
            "size": size,
            "fraction": size / n,
            "class_counts": {str(c): int(np.sum(pseudolabels[mask] == c)) for c in classes},
            "pseudolabel_accuracy": float(np.mean(pseudolabels[mask] == y_true[mask])) if size else float("nan"),
        }
    return out


def _two_groups(detector, attribute):
    value = getattr(detector, attribute, None) if detector is not None else None
    return None if value is None else bool(value)


def study_group_diagnostics(partitions, y, classes):
    """Per-seed diagnostics and their mean over seeds, for results.json.

    Parameters
    ----------
    partitions : list of dict
        From ``run_overlap_experiment(..., return_partitions=True)``.
    y : ndarray of shape (n_samples,)
        Gold labels of every row.
    classes : sequence
        Every class.

    Returns
    -------
    report : dict
        ``"per_seed"``: one :func:`group_diagnostics` dict per seed plus
        ``"two_groups"`` (``{"confidence": bool or None, "overlap": bool or None}``);
        ``"mean"``: per group the mean size, fraction, class counts and pseudolabel
        accuracy over seeds (NaN accuracies left out) and its standard deviation.
    """
    per_seed = []
    for part in partitions:
        diag = group_diagnostics(part["groups"], part["pseudolabels"], y[part["pool"]], classes)
        det = part.get("detector")
        diag["two_groups"] = {
            "confidence": _two_groups(det, "confidence_two_groups_"),
            "overlap": _two_groups(det, "overlap_two_groups_"),
        }
        per_seed.append({"seed": int(part["seed"]), **diag})
    mean = {}
    for _, name in GROUPS:
        rows = [d[name] for d in per_seed]
        acc = np.array([r["pseudolabel_accuracy"] for r in rows], dtype=float)
        acc = acc[~np.isnan(acc)]
        mean[name] = {
            "size": float(np.mean([r["size"] for r in rows])),
            "fraction": float(np.mean([r["fraction"] for r in rows])),
            "class_counts": {str(c): float(np.mean([r["class_counts"][str(c)] for r in rows])) for c in classes},
            "pseudolabel_accuracy": float(acc.mean()) if acc.size else float("nan"),
            "pseudolabel_accuracy_std": float(acc.std(ddof=1)) if acc.size > 1 else 0.0 if acc.size else float("nan"),
        }
    return {"per_seed": per_seed, "mean": mean}


def _flags(values):
    if all(v is None for v in values):
        return "not reported by this detector"
    return " / ".join("n/a" if v is None else ("yes" if v else "no") for v in values)


def format_groups(report):
    """Lines of the printed summary for :func:`study_group_diagnostics`'s report."""
    lines = ["  detected groups of the pool (mean over seeds; pseudolabel counts; pseudolabel accuracy):"]
    for _, name in GROUPS:
        g = report["mean"][name]
        counts = ", ".join(f"{c} {k:.0f}" for c, k in g["class_counts"].items())
        acc = g["pseudolabel_accuracy"]
        acc = "   -  " if np.isnan(acc) else f"{acc:.3f}"
        lines.append(f"    {_LABELS[name]:<10} {g['size']:7.0f} ({g['fraction']:5.1%})  accuracy {acc}  [{counts}]")
    seeds = report["per_seed"]
    conf = [s["two_groups"]["confidence"] for s in seeds]
    over = [s["two_groups"]["overlap"] for s in seeds]
    if all(v is None for v in conf + over):
        lines.append("  two groups found by each threshold: not reported by this detector")
    else:
        lines.append(f"  two groups found, per seed: confidences {_flags(conf)}; overlap scores {_flags(over)}")
    return lines

