"""
Your own pool: which rows should the strong model learn from?
=============================================================

A pool of unlabelled rows, a few hundred gold-labelled ones and a weak model: the
recommended recipe, :class:`skw2s.WeakToStrongClassifier` with ``train_on="auto"``, says
which pool rows (with the weak model's labels) should train the strong model, and the
:class:`skw2s.OverlapDetector` says how much overlap the pool holds. The choice is made by
cross-fitted validation on the gold rows; the strong model never trains on a gold label.
``skw2s select`` does the same from files of texts (see the command-line page).

Here the data are generated with known groups, so that the choice can be checked against a
held-out test set.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skw2s import GROUP_NAMES, OVERLAP, OverlapDetector, WeakToStrongClassifier
from skw2s.datasets import make_overlap_classification

X, y, group, weak_cols = make_overlap_classification(1500, 1200, 800, noise=1.5, random_state=0)
gold, pool, test = slice(0, 300), slice(300, 2500), slice(2500, None)
y_fit = y[:2500].copy()
y_fit[pool] = -1  # the pool is unlabelled

# The weak model sees only the easy block; the strong model sees every feature.
weak = make_pipeline(FunctionTransformer(lambda Z: Z[:, weak_cols]), LogisticRegression())
clf = WeakToStrongClassifier(weak, LogisticRegression(C=0.1), train_on="auto",
                             detector=OverlapDetector(random_state=0), random_state=0)
clf.fit(X[:2500], y_fit)

det = clf.detector_
lo, hi = det.overlap_density_interval_
print(f"pool: {det.labels_.size} rows; detected groups: "
      + ", ".join(f"{name} {np.sum(det.labels_ == g)}" for g, name in enumerate(GROUP_NAMES)))
print(f"overlap density {det.overlap_density_:.3f} (95% interval [{lo:.2f}, {hi:.2f}]); "
      f"true {np.mean(group[pool] == OVERLAP):.3f}")
print(f"train_on='auto' chose {clf.train_on_!r}: {clf.train_indices_.size} pool rows")

# Against plain W2S (every pool row), on the held-out test rows:
plain = WeakToStrongClassifier(weak, LogisticRegression(C=0.1)).fit(X[:2500], y_fit)
print(f"test accuracy: all pool rows {plain.score(X[test], y[test]):.3f}, "
      f"chosen rows {clf.score(X[test], y[test]):.3f}")

# %%
# Every candidate's validation score: its gain on the gold rows over the reference, the
# confident-learning filter (the decrease of the out-of-fold Brier score), with the
# simultaneous 95% lower bound that train_on="auto" certifies a candidate with (it must
# clear 0; the reference itself has no bound).
scores = clf.validation_scores_
names = [str(c) for c in scores["train_on"]]
gain, lower = np.asarray(scores["gain"]), np.asarray(scores["gain_lower"])
colors = ["C2" if c == clf.train_on_ else "0.6" for c in scores["train_on"]]
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(names, gain, color=colors)
ax.scatter(np.where(np.isnan(lower), gain, lower), names, marker="|", s=200, color="k",
           label="lower bound")
ax.axvline(0, color="k", lw=0.8)
ax.set(xlabel="gain over the confident-learning filter (out-of-fold Brier score, gold rows)",
       title="train_on='auto': the candidates (chosen in green)")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
