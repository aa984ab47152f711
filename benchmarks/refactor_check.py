"""Fingerprint of what the estimators compute, for checking that a refactor changes nothing.

Run it on two checkouts and compare the JSON files (identical = same labels, densities, UCB
pulls and estimates, classifier predictions on 6 generated pools x 5 detector settings, both
UCB detections, 3 train_on rules):

    PYTHONPATH=<old checkout> python benchmarks/refactor_check.py old.json
    PYTHONPATH=<new checkout> python benchmarks/refactor_check.py new.json
    diff old.json new.json && echo identical

Issue 17's refactor (d644b90 -> its merge): identical. The (k, n) EM of session 7
(11bd995 -> its commit): identical. About 30 s on 2 cores.
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
    for name, det in [("default", OverlapDetector(random_state=0)), ("center", OverlapDetector(center=True, random_state=0)),
                      ("paper", OverlapDetector.from_paper()), ("max", OverlapDetector(aggregation="max", random_state=0)),
                      ("cp", OverlapDetector(confidence_threshold="changepoint", overlap_threshold="changepoint", random_state=0))]:
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
# the mixture rule alone: thresholds of 300 score sets of five shapes, cold and warm started
from skw2s._mixture import find_low_group
rng = np.random.RandomState(1)
for t in range(300):
    n = int(rng.choice([20, 100, 500, 1000, 3000]))
    kind = t % 5
    x = [lambda: rng.uniform(size=n),
         lambda: np.concatenate([rng.normal(0, .1, n // 4), rng.normal(rng.uniform(.2, 1), .15, n - n // 4)]),
         lambda: rng.beta(rng.uniform(.3, 3), rng.uniform(.3, 3), n),
         lambda: np.abs(2 * rng.beta(2, 2, n) - 1),
         lambda: np.concatenate([np.full(n // 5, 0.01), rng.uniform(.3, 1, n - n // 5)])][kind]()
    cold, details = find_low_group(x)
    warm = find_low_group(x[rng.randint(0, n, n)], starts=details["starts"])[0] if "starts" in details else None
    out[f"mixture-{t}"] = [cold, warm]
json.dump(out, open(sys.argv[1], "w"), indent=0, sort_keys=True)
print(len(out), "records")
