"""Figures of the command line (matplotlib is optional: without it no figure is drawn)."""

import numpy as np

#: Bins of the confidence histogram over [0, 1].
HISTOGRAM_BINS = 40


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend, or None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def confidence_counts(confidence):
    """``(counts, edges)`` of the weak confidences over [0, 1], :data:`HISTOGRAM_BINS` bins."""
    counts, edges = np.histogram(np.asarray(confidence, dtype=float), bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return counts, edges


def write_confidence_histogram(path, counts, edges, threshold, where, plt):
    """The weak confidences of a pool, with the hard-only threshold when there is one.

    ``where`` names the pool in the title (e.g. ``"pool of seed 0"``); ``plt`` is
    :func:`pyplot`'s module (the caller checks that matplotlib is there)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    edges = np.asarray(edges, dtype=float)
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="0.6")
    if threshold is not None and np.isfinite(threshold):
        ax.axvline(threshold, color="C3", label=f"threshold {threshold:.3f}")
        ax.set_title(f"hard-only points lie left of the threshold ({where})")
        ax.legend()
    else:  # the detector found one group of confidences: no hard-only point
        ax.set_title(f"one group of confidences: no hard-only point ({where})")
    ax.set(xlabel="weak-model confidence", ylabel="rows")
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
