"""
The paper's main figure: accuracy against the proportion of overlap points
==========================================================================

Shin, Cooper and Sala's central experiment, on the authors' synthetic setting
(20 easy + 20 hard features, noise variance 5): split the pseudolabelled pool into
overlap and non-overlap points, train the strong model on ``N`` points of which a
fraction ``q`` are overlap points, and watch test accuracy rise with ``q`` between the
weak model and the strong ceiling. We draw the curve twice: with the *true* overlap
points (what the authors did) and with the ones :class:`skw2s.OverlapDetector` finds.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s.datasets import make_overlap_classification
from skw2s.experiments import plot_overlap_curve, run_overlap_experiment

# 100 easy-only, 100 hard-only and 90 overlap points per split (overlap ratio .31),
# three equal splits (weak training, pool, test), as in the authors' notebook.
X, y, group, weak_cols = make_overlap_classification(
    300, 300, 270, noise=np.sqrt(5), random_state=0
)
X_weak = X.copy()
X_weak[:, 20:] = 0.0  # the weak model only sees the easy block
common = dict(
    weak_estimator=LogisticRegression(C=1.0),
    ceiling_estimator=LogisticRegression(C=1.0),
    strong_estimator=LogisticRegression(C=0.01),
    true_groups=group,
    n_seeds=10,
    random_state=0,
)
true_run = run_overlap_experiment(X_weak, X, y, use_true_groups=True, **common)
detected_run = run_overlap_experiment(X_weak, X, y, use_true_groups=False, **common)

fig, ax = plt.subplots(figsize=(6, 4.2))
plot_overlap_curve(true_run, ax=ax, label="true overlap", color="C0")
plot_overlap_curve(detected_run, ax=ax, label="detected overlap", color="C1", references=False)
ax.set_title("Synthetic data, overlap ratio .31, 10 seeds")
fig.tight_layout()

# %%
# Detection quality on the pool (against the known groups):
f1 = np.mean([r["f1"] for r in detected_run if r["kind"] == "weak"])
print(f"overlap detection F1 on the pools: {f1:.2f}")
