"""
Overlap detection on synthetic data with known ground truth
===========================================================

The paper's data model: each point carries an *easy* pattern (seen by the weak model),
a *hard* pattern (usable only by the strong model) or both (*overlap* points).
A weak logistic regression sees only the easy block; :class:`skw2s.OverlapDetector`
splits the pool from its confidence and from similarities on the full features,
and we compare the split with the truth.
"""

import time

import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import GROUP_NAMES, OVERLAP, OverlapDetector
from skw2s.datasets import make_overlap_classification

X_all, y_all, group_all, weak_cols = make_overlap_classification(
    n_easy=4000, n_hard=4000, n_overlap=3000, random_state=0
)
# The weak model learns from the gold labels of one half and only sees the easy block;
# the other half is the pool to analyse.
lab, pool = slice(0, 5500), slice(5500, None)
weak = LogisticRegression().fit(X_all[lab][:, weak_cols], y_all[lab])
X, group = X_all[pool], group_all[pool]

start = time.perf_counter()
detector = OverlapDetector().fit(X, weak_proba=weak.predict_proba(X[:, weak_cols]))
elapsed = time.perf_counter() - start

print(f"pool: {X.shape[0]} points, {X.shape[1]} features; detection took {elapsed:.3f} s")
print(f"confidence threshold {detector.confidence_threshold_:.3f}, "
      f"overlap threshold {detector.overlap_threshold_:.3f}")
print(f"overlap density: detected {detector.overlap_density_:.3f}, "
      f"true {np.mean(group == OVERLAP):.3f}")
print("\ntrue group -> detected group (counts)")
print("           " + "".join(f"{name:>9}" for name in GROUP_NAMES))
for code, name in enumerate(GROUP_NAMES):
    row = [np.sum((group == code) & (detector.labels_ == other)) for other in range(3)]
    print(f"{name:>10} " + "".join(f"{v:>9}" for v in row))
pred, true = detector.labels_ == OVERLAP, group == OVERLAP
precision, recall = np.sum(pred & true) / pred.sum(), np.sum(pred & true) / true.sum()
print(f"\noverlap precision {precision:.3f}, recall {recall:.3f}")

# %%
# The confidence histogram and its change point, and the overlap scores.
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:  # matplotlib is optional
    plt = None
if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    axes[0].hist(detector.confidence_, bins=60, color="0.6")
    axes[0].axvline(detector.confidence_threshold_, color="C3", label="change point")
    axes[0].set(xlabel="weak confidence", ylabel="points", title="hard-only: left of the line")
    axes[0].legend()
    s = detector.overlap_score_
    for code in (0, 2):
        axes[1].hist(s[(group == code) & ~np.isnan(s)], bins=60, alpha=0.6, label=f"true {GROUP_NAMES[code]}")
    axes[1].axvline(detector.overlap_threshold_, color="C3")
    axes[1].set(xlabel="overlap score (rms |cos| to hard points)", title="non-hard points")
    axes[1].legend()
    fig.tight_layout()
