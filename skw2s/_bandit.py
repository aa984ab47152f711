"""The bandit of :class:`skw2s.UCBSourceSelector`: UCB indices, tie breaking, the oracle.

The per-round overlap detection it feeds on lives in :mod:`skw2s._online_detection`."""

import numpy as np

STRATEGIES = ("ucb", "random", "oracle")
BONUSES = ("standard", "authors")


def ucb_index(estimates, pulls, points, horizon, c, bonus):
    """UCB index of every source; ``inf`` for a source never pulled.

    ``"standard"``: ``o_k + c * sqrt(2 ln T / n_k)``; with ``c="auto"`` the constant is
    ``1 / sqrt(mean batch size of k)``, i.e. ``sqrt(2 ln T / m_k)`` with ``m_k`` the
    points seen from k. ``"authors"``: ``o_k + c * sqrt(2 ln T) / n_k`` (``"auto"`` = 1).
    """
    estimates = np.asarray(estimates, dtype=float)
    pulls = np.asarray(pulls, dtype=float)
    points = np.asarray(points, dtype=float)
    out = np.full(estimates.shape, np.inf)
    seen = pulls > 0
    log_t = np.log(max(float(horizon), 1.0))
    if bonus == "authors":
        const = 1.0 if c == "auto" else float(c)
        out[seen] = estimates[seen] + const * np.sqrt(2.0 * log_t) / pulls[seen]
    else:
        if c == "auto":
            width = np.sqrt(2.0 * log_t / np.maximum(points[seen], 1.0))
        else:
            width = float(c) * np.sqrt(2.0 * log_t / pulls[seen])
        out[seen] = estimates[seen] + width
    return out


def argmax_random_tie(values, candidates, rng):
    """Position (among ``candidates``) of the largest value; ties drawn with ``rng``."""
    vals = values[candidates]
    best = vals.max()
    if np.isinf(best):
        tied = candidates[vals == best]
    else:
        tied = candidates[vals >= best - 1e-12 * max(1.0, abs(best))]
    return int(tied[0]) if tied.size == 1 else int(rng.choice(tied))


def oracle_values(sel):
    o = sel.oracle_densities
    if o is None:
        return None
    if isinstance(o, dict):
        missing = [s for s in sel.sources_.tolist() if s not in o]
        if missing:
            raise ValueError(f"oracle_densities has no density for source(s) {missing}.")
        return np.array([float(o[s]) for s in sel.sources_.tolist()])
    arr = np.asarray(o, dtype=float)
    if arr.shape != (sel.sources_.size,):
        raise ValueError(
            f"oracle_densities must have one density per source ({sel.sources_.size}); "
            f"got shape {arr.shape}."
        )
    return arr
