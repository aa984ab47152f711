"""VADER as a weak labeller: the fixed score-to-probability formula against the calibrated one.

For the two sentiment datasets (movie reviews, binary; tweets, 3 classes) and several
random splits: ``VaderLabeller(calibration=None)`` (the fixed formula) and
``VaderLabeller()`` (a logistic regression fitted on ``--n-weak`` gold-labelled texts, as
``skw2s run --weak-model vader`` does) are scored on the other texts: accuracy, log loss
and expected calibration error (10 equal-width bins of the top probability).

Usage::

    python benchmarks/vader_mapping.py [--seeds 5] [--n-weak 500]
"""

import argparse
import time

import numpy as np
from sklearn.metrics import log_loss

from skw2s.datasets import load_movie_reviews, load_tweets
from skw2s.weak_labellers import VaderLabeller, vader_scores

ORDER = {"movie-reviews": ["rotten", "fresh"], "tweets": ["negative", "neutral", "positive"]}


def ece(proba, y, bins=10):
    conf, pred = proba.max(axis=1), proba.argmax(axis=1)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if m.any():
            total += m.mean() * abs(np.mean(pred[m] == y[m]) - conf[m].mean())
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-weak", type=int, default=500)
    opts = parser.parse_args(argv)
    started = time.perf_counter()
    print("| dataset | mapping | accuracy | log loss | ECE | majority class |")
    print("|---|---|---|---|---|---|")
    for name, loader in (("movie-reviews", load_movie_reviews), ("tweets", load_tweets)):
        bunch = loader()
        texts = np.asarray(bunch.data, dtype=object)
        labels = bunch.target_names[bunch.target]
        vader_scores(texts[:1])  # load the lexicon once
        rows = {"fixed": [], "calibrated": []}
        for seed in range(opts.seeds):
            order = np.random.RandomState(seed).permutation(len(texts))
            tr, te = order[:opts.n_weak], order[opts.n_weak:]
            for mapping, lab in (("fixed", VaderLabeller(calibration=None, labels=ORDER[name])),
                                 ("calibrated", VaderLabeller())):
                lab.fit(texts[tr], labels[tr])
                P = lab.predict_proba(texts[te])
                y = np.searchsorted(lab.classes_, labels[te])
                clipped = np.clip(P, 1e-6, 1)  # the fixed 3-class shares hold exact zeros
                clipped /= clipped.sum(axis=1, keepdims=True)
                rows[mapping].append((np.mean(P.argmax(1) == y), log_loss(y, clipped), ece(P, y)))
        majority = np.bincount(bunch.target).max() / len(texts)
        for mapping, vals in rows.items():
            m = np.mean(vals, axis=0)
            print(f"| {name} | {mapping} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} | {majority:.3f} |")
    print(f"\n{opts.seeds} splits, {opts.n_weak} gold labels to calibrate; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
