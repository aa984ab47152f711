"""Files for timing ``skw2s select`` (issue 18): a pool of 10,000 movie-review snippets without
their labels and 500 gold-labelled ones (``pool.csv``, ``gold.csv`` in the current folder).

Usage (benchmarks/README.md, "skw2s select on 10,000 texts")::

    python benchmarks/select_pool_files.py
    time .venv/bin/skw2s select --pool pool.csv --gold gold.csv --output cold --cache-dir /tmp/cold-cache --no-progress
    time .venv/bin/skw2s select --pool pool.csv --gold gold.csv --output warm --cache-dir /tmp/cold-cache --no-progress
"""
import numpy as np, pandas as pd
from skw2s.datasets import load_movie_reviews
reviews = load_movie_reviews()
order = np.random.RandomState(1).permutation(len(reviews.data))
labels = reviews.target_names[reviews.target]
pd.DataFrame({"text": [reviews.data[i] for i in order[:10000]]}).to_csv("pool.csv", index=False)
pd.DataFrame({"text": [reviews.data[i] for i in order[10000:10500]], "label": labels[order[10000:10500]]}).to_csv("gold.csv", index=False)
