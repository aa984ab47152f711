"""Fingerprint of what the estimators compute, for checking that a refactor changes nothing.

Run it on two checkouts and compare the JSON files (identical = same labels, densities, UCB
pulls and estimates, classifier predictions on 6 generated pools x 5 detector settings, both
UCB detections, 3 train_on rules):

    PYTHONPATH=<old checkout> python benchmarks/refactor_check.py old.json
    PYTHONPATH=<new checkout> python benchmarks/refactor_check.py new.json
    diff old.json new.json && echo identical

Issue 17's refactor (d644b90 -> its merge): identical. About 30 s on 2 cores.
"""
import sys, warnings, json, hashlib
import numpy as np
warnings.simplefilter("ignore")
from sklearn.linear_model import LogisticRegression
from skw2s import OverlapDetector, UCBSourceSelector, WeakToStrongClassifier
from skw2s.datasets import make_overlap_classification
out = {}
for seed in range(6):
    X, y, g, wc = make_overlap_classification(500 + 100 * seed, 400, 300 + 50 * seed, random_state=seed)
    P = LogisticRegression().fit(X[:, wc], y).predict_proba(X[:, wc])
    for name, det in [("default", OverlapDetector()), ("center", OverlapDetector(center=True)),
                      ("paper", OverlapDetector.from_paper()), ("max", OverlapDetector(aggregation="max")),
                      ("cp", OverlapDetector(confidence_threshold="changepoint", overlap_threshold="changepoint"))]:
        d = det.fit(X, weak_proba=P)
        out[f"{seed}-{name}"] = [hashlib.md5(d.labels_.tobytes()).hexdigest()[:8], round(float(d.overlap_density_), 6)]
    groups = np.arange(len(y)) % 3
    for det_mode in ("incremental", "full"):
        sel = UCBSourceSelector(n_rounds=12, detection=det_mode, random_state=seed).fit(X, groups=groups, weak_proba=P)
        out[f"{seed}-ucb-{det_mode}"] = [list(map(int, sel.n_pulls_)), hashlib.md5(np.asarray(sel.selected_labels_).tobytes()).hexdigest()[:8],
                                         [round(float(v), 6) for v in np.ravel(sel.source_overlap_density_)]]
    y_semi = np.where(np.random.RandomState(seed).rand(len(y)) < 0.3, y, -1)
    for t in ("all", "nonhard", "overlap"):
        clf = WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on=t).fit(X, y_semi)
        out[f"{seed}-clf-{t}"] = hashlib.md5(clf.predict(X).tobytes()).hexdigest()[:8]
json.dump(out, open(sys.argv[1], "w"), indent=0, sort_keys=True)
print(len(out), "records")
