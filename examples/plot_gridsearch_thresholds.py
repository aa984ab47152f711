"""
=====================================================================
Cross-validating the overlap threshold of a weak-to-strong classifier
=====================================================================

A :class:`~skw2s.classifier.WeakToStrongClassifier` trains a strong model on the
pseudolabels of the points an :class:`~skw2s.OverlapDetector` finds as *overlap* points.
How strict should the overlap threshold be? Here ``GridSearchCV`` chooses it, together
with the strong model's regularisation, inside a Pipeline (a scaler in front of the
W2S classifier).

Two details matter:

* rows labelled ``-1`` are the unlabelled pool; every CV training fold keeps some
  labelled rows (for the weak model) and some unlabelled ones (the pool);
* the score must ignore the ``-1`` rows of each test fold. ``WeakToStrongClassifier``'s
  own ``score`` does (it is GridSearchCV's default here); we pass
  :data:`skw2s.metrics.labelled_accuracy_scorer` explicitly anyway, which also works
  with estimators whose ``score`` counts "-1" as a class (``SelfTrainingClassifier``).
"""

# %%
# Data with a known easy / hard / overlap structure
# -------------------------------------------------
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skw2s import OVERLAP, OverlapDetector
from skw2s.classifier import WeakToStrongClassifier
from skw2s.datasets import make_overlap_classification
from skw2s.metrics import labelled_accuracy_scorer
from skw2s.thresholds import QuantileThreshold

X, y, group, weak_cols = make_overlap_classification(
    500, 500, 400, noise=np.sqrt(5), random_state=0
)
X_test, y_test = X[1000:], y[1000:]
X, y, group = X[:1000], y[:1000], group[:1000]
y_semi = y.copy()
rng = np.random.RandomState(0)
y_semi[rng.rand(y.size) > 0.2] = -1  # 20 % labelled rows train the weak model
print(f"{np.sum(y_semi != -1)} labelled rows, {np.sum(y_semi == -1)} unlabelled rows")

# %%
# The W2S classifier in a Pipeline
# --------------------------------
# The weak model only sees the easy block of columns; the strong model sees all.
weak = make_pipeline(
    ColumnTransformer([("easy", "passthrough", weak_cols)]), LogisticRegression()
)
w2s = WeakToStrongClassifier(
    weak,
    LogisticRegression(),
    detector=OverlapDetector(),
    train_on="overlap",
    random_state=0,
)
model = make_pipeline(StandardScaler(), w2s)

# %%
# Grid search over nested parameters
# ----------------------------------
# ``"changepoint"`` is the paper's rule; fixed values and quantiles are alternatives.
param_grid = {
    "weaktostrongclassifier__detector__overlap_threshold": [
        "changepoint",
        QuantileThreshold(0.5),
        QuantileThreshold(0.8),
    ],
    "weaktostrongclassifier__strong_estimator__C": [0.01, 1.0],
}
# stratify the folds on the labelled / unlabelled status
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
search = GridSearchCV(model, param_grid, cv=list(cv.split(X, y_semi == -1)), scoring=labelled_accuracy_scorer, n_jobs=2)
search.fit(X, y_semi)
for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
    short = {k.split("__", 1)[1]: v for k, v in params.items()}
    print(f"{score:.3f}  {short}")
print("best:", search.best_params_)

# %%
# The chosen model on held-out data
# ---------------------------------
best = search.best_estimator_[-1]
print(f"detected overlap density of the pool: {best.overlap_density_:.2f} (true: {np.mean(group == OVERLAP):.2f})")
print(f"test accuracy of the strong model: {search.score(X_test, y_test):.3f}")
baseline = make_pipeline(StandardScaler(), WeakToStrongClassifier(weak, LogisticRegression())).fit(X, y_semi)
print(f"plain W2S (all pseudolabels):      {baseline.score(X_test, y_test):.3f}")

# %%
# Plot the cross-validated scores
# -------------------------------
import matplotlib.pyplot as plt

res = search.cv_results_
labels = [str(p["weaktostrongclassifier__detector__overlap_threshold"]) + f"\nC={p['weaktostrongclassifier__strong_estimator__C']}"
          for p in res["params"]]
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.bar(range(len(labels)), res["mean_test_score"], yerr=res["std_test_score"], color="C0", alpha=0.8)
ax.set_xticks(range(len(labels)), labels, fontsize="small")
ax.set_ylim(0.5, 1.0)
ax.set_ylabel("CV accuracy (labelled rows)")
ax.set_title("Overlap threshold x strong-model C")
fig.tight_layout()
plt.show()
