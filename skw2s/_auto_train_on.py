"""``train_on="auto"``: score each candidate on the gold rows, and decide with a known error rate.

:class:`~skw2s.WeakToStrongClassifier` fits, for every candidate rule, a strong model on
the rows the rule keeps and predicts the labelled (gold) rows that did not shape it (out
of fold when the weak model is cross-fitted; with repeated splitters each row is scored
once per repeat and its losses averaged). This module turns those predictions into a
candidates-by-gold-rows loss matrix (:func:`row_losses`) and decides
(:func:`decide`):

* the *reference* is the confident-learning filter (:data:`AUTO_REFERENCE`): the
  practitioner's label-free recipe, which never lost to all rows on any benchmark
  (``benchmarks/selection_anchors.py``); every other candidate, ``"all"`` included, must
  beat it;
* the paired per-row gain of candidate ``c`` over the reference ``r`` is
  ``loss[r, i] - loss[c, i]`` (positive: ``c`` is better on row ``i``); its mean is the
  gain and its standard error ``se_c`` the usual one of a mean;
* a **max-T bootstrap** over the gold rows (``n_bootstrap`` resamples) gives the
  ``1 - alpha`` quantile ``t`` of ``max_c (gain*_c - gain_c) / se_c``, so that
  ``gain_c - t se_c`` is a lower confidence bound that holds for every candidate at once
  (the correction for choosing the best of several correlated candidates);
* a candidate is *certified* when that bound exceeds ``margin`` and its accuracy on the
  gold rows is not below the reference's; the certified candidate with the largest gain
  is chosen, else the reference.

On pools where no subset helps, a subset is then chosen in about ``alpha`` of the fits
(measured in ``benchmarks/selection_anchors.py``). Accuracy is reported beside the
decision's score; the decision uses a score of every row's probabilities (Brier by
default: bounded, unlike the log-loss, and finer than accuracy).
"""

import numpy as np
from sklearn.utils import check_random_state

#: The candidate every other must beat, and the choice when none is certified.
AUTO_REFERENCE = "confident_learning"
#: Scores of the decision: per-row losses of the strong model's prediction of a gold row.
SCORINGS = ("brier", "log_loss", "accuracy")
#: Resamples of the max-T bootstrap.
N_BOOTSTRAP = 2000
#: Family-wise error rate of the certification (one-sided).
ALPHA = 0.05
#: Probability floor of the log-loss (a single confident mistake stays finite).
LOG_LOSS_FLOOR = 1e-4


def row_losses(proba, y, classes, scoring):
    """Per-row losses ``(n_rows,)`` of the class probabilities ``proba`` (columns in
    ``classes`` order) against the labels ``y``: Brier (sum of squared errors over the
    classes), log-loss, or 0/1 error of the most probable class."""
    col = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    truth = np.array([col.get(c, -1) for c in np.asarray(y).tolist()])
    onehot = np.zeros_like(proba)
    known = truth >= 0
    onehot[np.flatnonzero(known), truth[known]] = 1.0
    if scoring == "brier":
        return ((proba - onehot) ** 2).sum(axis=1)
    if scoring == "log_loss":
        p = np.where(known, proba[np.arange(len(truth)), np.maximum(truth, 0)], 0.0)
        return -np.log(np.maximum(p, LOG_LOSS_FLOOR))
    return (np.argmax(proba, axis=1) != truth).astype(float)


def decide(loss, *, reference=0, accuracy_gain=None, margin=0.0, alpha=ALPHA, n_bootstrap=N_BOOTSTRAP,
           random_state=None):
    """The certified candidate with the largest mean gain over the ``reference`` candidate.

    Parameters
    ----------
    loss : ndarray of shape (n_candidates, n_rows)
        Per-row losses (lower is better).
    reference : int
        The candidate the others must beat, chosen when none is certified.
    accuracy_gain : ndarray of shape (n_candidates,) or None
        Each candidate's accuracy minus the reference's on the same rows: a candidate
        less accurate than the reference is never certified (a subset that only sharpens
        the probabilities must not cost accuracy).
    margin : float
        A candidate is certified when the lower confidence bound of its gain exceeds it.
    alpha : float
        One-sided family-wise error rate of the bounds (max-T bootstrap).
    Returns
    -------
    chosen : int
    stats : dict of ndarray
        ``gain`` and ``gain_se`` (per candidate), ``gain_lower`` (the simultaneous lower
        bound; NaN for the reference and for a candidate whose gain has no spread, e.g.
        one equal to the reference on every row), ``certified`` and ``critical_value``
        (the max-T quantile).
    """
    loss = np.asarray(loss, dtype=float)
    n_cand, n = loss.shape
    d = loss[reference] - loss  # gain of each candidate on each row
    gain = d.mean(axis=1)
    se = d.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(n_cand)
    live = np.flatnonzero(se > 1e-12)
    live = live[live != reference]
    lower = np.full(n_cand, np.nan)
    crit = np.nan
    if live.size and n > 1:
        rng = check_random_state(random_state)
        T = np.empty(n_bootstrap)
        dl, gl, sl = d[live], gain[live], se[live]
        for b0 in range(0, n_bootstrap, 250):  # blocks: memory n_live x 250 x n
            idx = rng.randint(n, size=(min(250, n_bootstrap - b0), n))
            boot = dl[:, idx].mean(axis=2)  # (n_live, B)
            T[b0:b0 + idx.shape[0]] = ((boot - gl[:, None]) / sl[:, None]).max(axis=0)
        crit = float(np.quantile(T, 1 - alpha))
        lower[live] = gl - crit * sl
    with np.errstate(invalid="ignore"):
        certified = lower > margin
    if accuracy_gain is not None:
        certified &= np.asarray(accuracy_gain) >= 0
    chosen = int(np.argmax(np.where(certified, gain, -np.inf))) if certified.any() else int(reference)
    return chosen, {"gain": gain, "gain_se": se, "gain_lower": lower, "critical_value": crit,
                    "certified": certified}


def validation_table(candidates, losses, accuracy_loss, split_scores, n_rows, stats, scoring, reference=0):
    """``validation_scores_`` of ``train_on="auto"`` (one entry per candidate).

    ``losses``: the decision's per-row losses (n_candidates, n_labelled);
    ``accuracy_loss``: the per-row 0/1 errors (of the probabilities averaged over
    repeats); ``split_scores``: each candidate's accuracy on each split's test rows;
    ``n_rows``: pool rows each candidate trained on, per split (NaN where none was
    fitted); ``stats``: :func:`decide`'s.
    """
    correct = 1.0 - np.asarray(accuracy_loss, dtype=float)
    table = {"train_on": list(candidates), "mean_score": correct.mean(axis=1)}
    split_scores = np.asarray(split_scores, dtype=float)
    for k in range(split_scores.shape[1]):
        table[f"split{k}_score"] = split_scores[:, k]
    table["std_score"] = split_scores.std(axis=1)
    table["accuracy_gain"] = correct.mean(axis=1) - correct[reference].mean()
    table[f"mean_{scoring}"] = np.asarray(losses).mean(axis=1)
    table["gain"] = stats["gain"]
    table["gain_se"] = stats["gain_se"]
    table["gain_lower"] = stats["gain_lower"]
    table["certified"] = np.asarray(stats["certified"], dtype=bool)
    table["reference"] = np.arange(len(candidates)) == reference
    n_rows = np.asarray(n_rows, dtype=float)
    counted = (~np.isnan(n_rows)).sum(axis=1)
    table["mean_n_rows"] = np.where(counted > 0, np.nansum(n_rows, axis=1) / np.maximum(counted, 1), np.nan)
    order = np.argsort(-table["mean_score"], kind="stable")
    rank = np.empty(len(candidates), dtype=int)
    rank[order] = np.arange(1, len(candidates) + 1)
    table["rank_score"] = rank
    return table
