"""Probe (issue 16, item 2): can the gold rows say which non-hard points carry the hard pattern?

The paper's overlap side (similarity to the detected hard-only points) reads text pools
backwards (``known_truth.py``: rms |cos| to the TRUE hard set, AUC 0.44). This probe tries a
label-aware alternative on the known-truth text pools (movie-review snippets and plot
sentences; MiniLM weak model on 100 or 400 gold rows; mpnet strong features; pools of 1,000):

* **residual probe**: a logistic regression on the gold rows' strong features (standardised,
  C = 0.01) with the weak model's cross-fitted logit as one extra, nearly unpenalised column
  (scaled by 30), so that the strong weights learn what the weak model does not explain, the
  hard pattern; a pool point's margin ``|w . z + b|`` (weak column left out) is its score;
* **plain probe**: the same without the weak column (margin of a strong model on gold labels);
* for the hard-only side, the 25-NN trust score (``known_truth.trust_knn``) and weak confidence.

Prints ROC AUCs against the true groups, per gold size, true density and seed (0, 1):
"hard pattern" = overlap or hard-only against easy-only; "overlap vs easy" among the true
non-hard points; "hard vs rest" for the hard-only side.

Usage::

    .venv/bin/python benchmarks/residual_probe.py     # about 1 minute on 2 cores
"""
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).parent))
import known_truth as kt  # noqa: E402
from _truth_bank import load_bank  # noqa: E402

WEAK_COLUMN_SCALE = 30.0


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def main():
    warnings.simplefilter("ignore")
    bank = load_bank(log=lambda m: None)
    c_weak = kt.C_WEAK["text"]
    print("| gold | true density | seed | hard pattern: residual / plain | overlap vs easy: residual "
          "| hard vs rest: 25-NN trust / weak confidence |")
    print("|---|---|---|---|---|---|")
    for n_gold in (400, 100):
        for rho in (0.0, 0.2, 0.4, 0.8):
            for seed in (0, 1):
                d = kt.text_draw(bank, rho, seed)
                Xw_g, Xs_g, y_g, _ = (a[:n_gold] for a in d["gold"])
                Xw_p, Xs_p, _, g_p = d["pool"]
                p_pool = kt._pipe(c_weak).fit(Xw_g, y_g).predict_proba(Xw_p)[:, 1]
                cv = StratifiedKFold(5, shuffle=True, random_state=seed)
                oof = cross_val_predict(kt._pipe(c_weak), Xw_g, y_g, cv=cv, method="predict_proba")[:, 1]
                trust = kt.trust_knn(Xs_g, ((oof > 0.5) == y_g).astype(int), Xs_p)
                sc = StandardScaler().fit(Xs_g)
                A = np.hstack([sc.transform(Xs_g), WEAK_COLUMN_SCALE * _logit(oof)[:, None]])
                lr = LogisticRegression(C=kt.C_STRONG, max_iter=3000).fit(A, y_g)
                residual = np.abs(sc.transform(Xs_p) @ lr.coef_[0][:-1] + lr.intercept_[0])
                plain = np.abs(kt._pipe(kt.C_STRONG).fit(Xs_g, y_g).predict_proba(Xs_p)[:, 1] - 0.5)
                has_hard, nonhard = g_p != kt.EASY, g_p != kt.HARD
                print(f"| {n_gold} | {rho} | {seed} | {kt._auc(has_hard, residual):.2f} / "
                      f"{kt._auc(has_hard, plain):.2f} | {kt._auc((g_p == kt.OVERLAP)[nonhard], residual[nonhard]):.2f} "
                      f"| {kt._auc(g_p == kt.HARD, -trust):.2f} / {kt._auc(g_p == kt.HARD, -np.abs(p_pool - 0.5)):.2f} |",
                      flush=True)


if __name__ == "__main__":
    main()
