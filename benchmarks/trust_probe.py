"""Probe (issue 16, item 2): the gold rows' trust score in place of the weak confidence.

Known-truth text pools (``known_truth.py``: movie-review snippets and plot sentences,
MiniLM weak model trained on 100 or 400 gold rows, mpnet strong features, pools of 1,000).
For each pool, the weak label's cross-fitted correctness on the gold rows (5 folds) is
predicted for every pool point by the share of right labels among its 25 nearest gold rows
(centred cosine on the strong features, ``known_truth.trust_knn``): the signal that
separates hard-only points best in ``known_truth.py`` (AUC 0.81 with 400 gold rows). That
trust ``t`` is fed to the default ``OverlapDetector`` as its confidence (probabilities
``((1 - t) / 2, (1 + t) / 2)``), the rest of the detector unchanged. Prints, per gold size
and true density, for seeds 0 and 1: the bootstrapped density, the hard-only fraction
found, overlap F1, hard-only F1 and the interval.

Usage::

    .venv/bin/python benchmarks/trust_probe.py     # about 1.5 minutes on 2 cores
"""
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from skw2s import HARD, OverlapDetector
from skw2s.metrics import detection_precision_recall

sys.path.insert(0, str(Path(__file__).parent))
import known_truth as kt  # noqa: E402
from _truth_bank import load_bank  # noqa: E402


def main():
    warnings.simplefilter("ignore")
    bank = load_bank(log=lambda m: None)
    c_weak = kt.C_WEAK["text"]
    for n_gold in (400, 100):
        for rho in (0.0, 0.4, 0.8):
            out = []
            for seed in (0, 1):
                d = kt.text_draw(bank, rho, seed)
                Xw_g, Xs_g, y_g, _ = (a[:n_gold] for a in d["gold"])
                _, Xs_p, _, g_p = d["pool"]
                cv = StratifiedKFold(5, shuffle=True, random_state=seed)
                oof = cross_val_predict(kt._pipe(c_weak), Xw_g, y_g, cv=cv, method="predict_proba")
                t = kt.trust_knn(Xs_g, (oof.argmax(1) == y_g).astype(int), Xs_p)
                fake = np.c_[(1 - t) / 2, (1 + t) / 2]  # confidence 2|p - 0.5| = trust
                det = OverlapDetector(random_state=seed).fit(Xs_p, weak_proba=fake)
                f = detection_precision_recall(det.labels_, g_p)[2]
                fh = detection_precision_recall(det.labels_, g_p, group=HARD)[2]
                out.append((det.overlap_density_, np.mean(det.labels_ == HARD), f, fh,
                            *det.overlap_density_interval_))
            o = np.array(out)
            print(f"gold{n_gold} rho={rho} true_hard={(1 - rho) / 2:.2f}: density {o[:, 0].round(2)} "
                  f"hard_frac {o[:, 1].round(2)} F1 {o[:, 2].round(2)} hardF1 {o[:, 3].round(2)} "
                  f"int {o[:, 4:].round(2).tolist()}", flush=True)


if __name__ == "__main__":
    main()
