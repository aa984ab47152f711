"""Which scores are a labeller at chance? A two-component binomial mixture, one component known.

Behind :class:`~skw2s.thresholds.ChanceThreshold`. Each score is a share ``s / n`` of
successes in ``n`` trials (the share of right weak labels among a point's ``n`` nearest
gold rows). Points where the labeller does no better than chance draw ``s`` from
Binomial(n, chance), a known rate; the others from Binomial(n, rate) with one unknown
``rate > chance``. EM fits the chance component's weight and that rate (the binomial
coefficient is the same in both components, so it cancels in the posteriors and in the
updates, and non-integer ``s`` are allowed), from a few deterministic starts, keeping the
highest likelihood. The cut is where the posterior of the chance component falls to 1/2,
which is a single score because the likelihood ratio is monotone in ``s``.
"""

import numpy as np

#: The free rate stays this far inside (chance, 1).
_EPS = 1e-9
#: Starting rates of the free component, as quantiles of the scores.
_START_QUANTILES = (0.5, 0.75, 0.9)


def _loglik_rows(s, n, rate):
    return s * np.log(rate) + (n - s) * np.log1p(-rate)


def fit_chance_mixture(shares, n_trials, chance, *, max_iter=1000, tol=1e-10):
    """``(weight, rate, loglik)``: the chance component's weight, the other component's
    rate (> ``chance``) and the log-likelihood (up to the binomial coefficients).

    EM runs on the distinct shares weighted by their counts (a point's share takes at
    most ``n_trials + 1`` values), the same sums as over every point."""
    values, counts = np.unique(np.asarray(shares, dtype=np.float64), return_counts=True)
    s, counts = values * n_trials, counts.astype(np.float64)
    n_points = counts.sum()
    lo, hi = chance + _EPS, 1.0 - _EPS
    l_chance = _loglik_rows(s, n_trials, chance)
    best = None
    for q in _START_QUANTILES:
        rate = float(np.clip(np.quantile(shares, q), lo + 0.01 * (hi - lo), hi))
        weight = 0.5
        previous = -np.inf
        for _ in range(max_iter):
            l0 = np.log(weight) + l_chance if weight > 0 else np.full(s.shape, -np.inf)
            l1 = np.log1p(-weight) + _loglik_rows(s, n_trials, rate) if weight < 1 else np.full(s.shape, -np.inf)
            top = np.maximum(l0, l1)
            norm = top + np.log(np.exp(l0 - top) + np.exp(l1 - top))
            loglik = float(counts @ norm)
            r = np.exp(l0 - norm)  # posterior of the chance component
            weight = float(counts @ r / n_points)
            free = counts * (1.0 - r)
            mass = float(free.sum())
            if mass > 0:
                rate = float(np.clip((free @ s) / (mass * n_trials), lo, hi))
            if loglik - previous <= tol * max(1.0, abs(loglik)):
                break
            previous = loglik
        if best is None or loglik > best[2]:
            best = (weight, rate, loglik)
    return best


def chance_cut(weight, rate, n_trials, chance):
    """The share at which the chance component's posterior falls to 1/2 (scores below it
    are more likely at chance); -inf when no score is, +inf when every score is."""
    if weight <= 0:
        return -np.inf
    if weight >= 1 or rate <= chance + 2 * _EPS:
        return np.inf
    # s log(rate / chance) + (n - s) log((1 - rate) / (1 - chance)) = log(weight / (1 - weight))
    slope = np.log(rate / chance) - np.log1p(-rate) + np.log1p(-chance)
    intercept = np.log(weight) - np.log1p(-weight) - n_trials * (np.log1p(-rate) - np.log1p(-chance))
    return float(intercept / slope / n_trials)
