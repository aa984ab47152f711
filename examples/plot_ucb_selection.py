"""
Choosing the data source richest in overlap points with a UCB bandit
====================================================================

Three sources hold 10%, 25% and 45% of *overlap* points (points the weak model labels
well and that carry the hard pattern the strong model needs). We do not know which is
which: :class:`skw2s.selection.UCBSourceSelector` pulls batches, detects overlap
points in each and steers the next pulls towards the richest source. We run it offline
on a pooled matrix (``groups`` names the source of each row), compare it with uniform
random pulls, then drive it online with ``next_source`` / ``partial_fit``.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from skw2s import OVERLAP
from skw2s.datasets import make_overlap_classification
from skw2s import UCBSourceSelector

fractions = np.array([0.10, 0.25, 0.45])
X_all, y_all, group, weak_cols = make_overlap_classification(
    n_easy=3000, n_hard=3000, n_overlap=2000, random_state=0
)
rng = np.random.RandomState(0)
pools = {g: list(rng.permutation(np.flatnonzero(group == g))) for g in (0, 1, 2)}
rows, source = [], []
for k, f in enumerate(fractions):  # 1500 rows per source
    n_ov, n_rest = int(f * 1500), 1500 - int(f * 1500)
    for g, m in ((2, n_ov), (0, n_rest // 2), (1, n_rest - n_rest // 2)):
        rows += [pools[g].pop() for _ in range(m)]
        source += [k] * m
rows, source = np.array(rows), np.array(source)
X = X_all[rows]
# The weak model learns the easy block from rows outside the sources.
rest = np.concatenate([pools[0], pools[1], pools[2]]).astype(int)
weak = LogisticRegression().fit(X_all[rest][:, weak_cols], y_all[rest])
proba = weak.predict_proba(X[:, weak_cols])

# %%
# Offline: the bandit over the pooled matrix
# ------------------------------------------
ucb = UCBSourceSelector(n_rounds=50, random_state=0).fit(X, groups=source, weak_proba=proba)
rand = UCBSourceSelector(strategy="random", n_rounds=50, random_state=0).fit(
    X, groups=source, weak_proba=proba
)
print("batch size:", ucb.batch_size_)
print("estimated overlap densities:", ucb.source_overlap_density_.round(3))
print("pulls per source (UCB):", ucb.n_pulls_, " (random):", rand.n_pulls_)
for name, sel in (("UCB", ucb), ("random", rand)):
    collected = sel.selected_indices_
    print(f"{name:6s}: {collected.size} rows collected, true overlap share "
          f"{np.mean(group[rows][collected] == OVERLAP):.3f}")

fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
for name, sel in (("UCB", ucb), ("random", rand)):
    pulled = np.array([h["source"] for h in sel.history_])
    ax[0].plot(np.cumsum(fractions.max() - fractions[pulled]), label=name)
est = np.array([h["estimate"] for h in ucb.history_])
for k in range(3):
    ax[1].plot(est[:, k], label=f"source {k} (true {fractions[k]:.2f})")
    ax[1].axhline(fractions[k], color=f"C{k}", ls=":")
ax[0].set(xlabel="round", ylabel="cumulative regret", title="Regret")
ax[1].set(xlabel="round", ylabel="estimated overlap density", title="UCB estimates")
ax[0].legend()
ax[1].legend(fontsize=8)
fig.tight_layout()

# %%
# Online: ask which source to query, tell what came back
# ------------------------------------------------------
online = UCBSourceSelector(sources=["a", "b", "c"], n_rounds=50, random_state=0)
queues = {name: list(rng.permutation(np.flatnonzero(source == k)))
          for k, name in enumerate("abc")}
for _ in range(50):
    s = online.next_source()
    batch = [queues[s].pop() for _ in range(30)]
    online.partial_fit(X[batch], source=s, weak_proba=proba[batch])
print("online: best source", online.best_source_, "pulls", online.n_pulls_)
plt.show()
