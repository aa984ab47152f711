"""VADER's per-text cache: ``train_on="auto"`` with VADER as the weak side, with and without it.

``weak_labellers.vader_scores`` keeps each distinct text's scores (VADER takes about 70 us a
text, in Python), and auto scores the same texts in each fold of the gold rows (the weak
side refitted, the pool pseudolabelled, the trust's gold rows cross-fitted). The first split
of ``selection_anchors.py``'s movie reviews with VADER (500 gold rows, a pool of 2,000),
auto fitted with the cache emptied before the fit, and with the cache bypassed, alternated
``--repeats`` times in one process (benchmarks/README.md, "A fixed weak side").

Usage::

    python benchmarks/vader_cache.py [--repeats 2]
"""

import argparse
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    import selection_anchors as sa

    from skw2s import weak_labellers

    split = next(sa.real_splits("reviews-vader", 1))
    sa.fit_on_split(split, "all")  # warm: imports, the lexicon
    cached = weak_labellers._text_scores
    times = {"without the cache": [], "with the cache": []}
    chosen = set()
    try:
        for _ in range(args.repeats):
            for name, scores in (("without the cache", cached.__wrapped__), ("with the cache", cached)):
                weak_labellers._text_scores = scores
                cached.cache_clear()
                t0 = time.perf_counter()
                clf = sa.fit_on_split(split, "auto")
                times[name].append(time.perf_counter() - t0)
                chosen.add(str(clf.train_on_))
    finally:
        weak_labellers._text_scores = cached
    for name, values in times.items():
        print(f"{name}: " + " / ".join(f"{v:.2f} s" for v in values))
    ratio = np.median(times["without the cache"]) / np.median(times["with the cache"])
    print(f"ratio of the medians: {ratio:.2f}x; auto chose {' or '.join(sorted(chosen))}")


if __name__ == "__main__":
    main()
