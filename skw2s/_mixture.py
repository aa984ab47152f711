"""One group or two? A 1-D Gaussian-mixture model choice behind :class:`~skw2s.thresholds.MixtureThreshold`.

The question asked of a set of scores is "is there a distinct *low* group?". It is
answered in three steps, each standard:

1. **Model choice by BIC.** One group is described by a single Gaussian or by a
   uniform distribution over the scores' range (the two shapes a single group of
   scores commonly takes: a bump, or flat); two groups by a two- to four-component
   Gaussian mixture (EM as in scikit-learn's :class:`~sklearn.mixture.GaussianMixture`; the third
   and fourth components let a group with a tail, a spike of tied scores, or a pile-up of
   saturated scores be described without inventing a group). The mixture must have the lower BIC.
2. **Separation.** The mixture's density, evaluated on a grid, must dip between the
   low group's mode and the high group's mode to at most ``valley`` times the lower of
   the two modes (a bimodality condition; 0.7 by default: uniform random probabilities
   gave dips down to 0.78 by chance, real groups 0.14 or less). A skewed single group, which a mixture
   fits better than one Gaussian, has no such dip and stays one group.
3. **The cut.** The low group is the lowest component (or the lowest few, up to the first
   separated boundary); the threshold is the first score above the low group's
   mean whose posterior probability of belonging to the low group falls below 1/2.

EM starts from deterministic initialisations (contiguous chunks of the sorted scores,
and the densest narrow window of each half, which catches a spike of tied scores), so
the result needs no random state. At most ``max_points`` evenly spaced order statistics
of the scores are fitted (their quantile function, deterministic), so the cost is
bounded at any n; the posterior is then evaluated on every score.
"""

import numpy as np

SCALES = ("identity", "logit")

# Chunk boundaries (fractions of the sorted scores) that initialise EM.
_CUTS = (
    (0.02,), (0.05,), (0.1,), (0.25,), (0.5,), (0.75,), (0.9,), (0.95,),
    (0.02, 0.5), (0.05, 0.5), (0.1, 0.55), (0.33, 0.67), (0.25, 0.75), (0.5, 0.95),
)
_SPIKE_FRACTIONS = (0.005, 0.02)
#: Variance floor of a component, in units of the scores' variance.
_REG = 1e-6
#: Largest number of scores every EM start runs on (the best fits are then refined).
_SCREEN = 2000
_GRID = 2049
#: Scores whose posterior is evaluated at once when looking for the cut.
_POSTERIOR_CHUNK = 65536


def _parts_init(z, edges):
    parts = [z[a:b] for a, b in zip(edges[:-1], edges[1:]) if b - a >= 2]
    if not 2 <= len(parts) <= 4:
        return None
    n = z.size
    return [p.size / n for p in parts], [p.mean() for p in parts], [p.var() for p in parts]


def _initialisations(z):
    n = z.size
    for cuts in _CUTS:
        init = _parts_init(z, [0, *(int(c * n) for c in cuts), n])
        if init is not None:
            yield init
    half = n // 2
    for frac in _SPIKE_FRACTIONS:
        m = max(int(frac * n), 2)
        if half - m < 2:
            continue
        i = int(np.argmin(z[m:half] - z[: half - m]))  # densest window, lower half
        j = half + int(np.argmin(z[half + m :] - z[half : n - m]))  # upper half
        for edges in ([0, i, i + m, n], [i, i + m, n], [0, j, j + m, n],
                      [i, i + m, j, j + m, n]):
            init = _parts_init(z, edges)
            if init is not None:
                yield init


def _em(z, init, max_iter=200, tol=1e-4):
    """EM for a 1-D Gaussian mixture from given weights, means and variances.

    The iteration of scikit-learn's ``GaussianMixture(covariance_type="spherical",
    reg_covar=_REG)`` started from ``weights_init``/``means_init``/``precisions_init``
    (same E and M steps, variance floor and stopping rule on the mean log-likelihood),
    written for one dimension. From the same start it is about 8 times faster than
    scikit-learn at 200 scores, 11 times at 2,000 (the size every start is screened on)
    and 12 times at 20,000 (``benchmarks/mixture_em.py``; the fitted weights and means
    agree to 1e-13). That matters because the rule runs many starts per call and once
    per round in the source selector. ``tests/test_thresholds.py`` checks that both give
    the same fit.

    Returns the total log-likelihood of the final parameters and ``(w, m, v)``.
    """
    return _em_batch(z, [init], max_iter, tol)[0]


def _em_batch(z, inits, max_iter=200, tol=1e-4):
    """:func:`_em` from each of ``inits`` at once.

    The starts run side by side on an (s, k, n) array, each stopping on its own
    criterion (a start that has converged is no longer updated), so every start ends
    where :func:`_em` alone would. Starts with fewer components than the largest are
    padded with inert components (zero weight: no responsibility, never updated into
    the fit), so one batch holds starts of 2, 3 and 4 components; the detector's
    bootstrap runs its three warm starts per resample this way, one batch instead of
    three (``benchmarks/mixture_em.py``). The responsibilities are held components x
    scores: the reductions over the k components run between rows, elementwise, instead
    of along a short last axis. Returns ``[(log-likelihood, (w, m, v)), ...]`` in the
    order of ``inits``, each with its own number of components.
    """
    sizes = [len(p[0]) for p in inits]
    k_max = max(sizes)
    real = np.arange(k_max) < np.array(sizes)[:, None]  # (s, k): not padding
    w, m, v = (np.zeros((len(inits), k_max)) for _ in range(3))
    for i, (wi, mi, vi) in enumerate(inits):
        k = sizes[i]
        w[i, :k], m[i, :k], v[i, :k] = wi, mi, vi
    w = w / w.sum(axis=1, keepdims=True)
    v = np.where(real, v + _REG, 1.0)
    padded = not real.all()
    n = z.size
    eps = 10 * np.finfo(float).eps
    log_2pi = np.log(2 * np.pi)

    def e_step(w, m, v, real):
        d = z - m[:, :, None]
        if padded:
            log_w = np.full(w.shape, -np.inf)
            np.log(w, out=log_w, where=real)
        else:
            log_w = np.log(w)
        logp = (log_w - 0.5 * (log_2pi + np.log(v)))[:, :, None] - 0.5 * (d * d) / v[:, :, None]
        top = logp.max(axis=1)
        logp -= top[:, None, :]
        np.exp(logp, out=logp)
        total = logp.sum(axis=1)
        logp /= total[:, None, :]
        return top + np.log(total), logp

    previous = np.full(len(w), -np.inf)
    active = slice(None)  # the starts still iterating: all, then an index array
    for _ in range(max_iter):
        norm, resp = e_step(w[active], m[active], v[active], real[active])
        nk = resp.sum(axis=2) + eps
        m_new = np.einsum("skn,n->sk", resp, z) / nk
        d = z - m_new[:, :, None]
        w[active] = nk / n
        m[active] = m_new
        v[active] = np.einsum("skn,skn->sk", resp, d * d) / nk + _REG
        lower = norm.sum(axis=1) / n  # the mean log-likelihood of each start
        going = np.abs(lower - previous[active]) >= tol
        previous[active] = lower
        if going.all():
            continue
        active = np.arange(len(w))[active][going]
        if not active.size:
            break
    ll = e_step(w, m, v, real)[0].sum(axis=1)
    return [(float(ll[i]), (w[i, :k], m[i, :k], v[i, :k])) for i, k in enumerate(sizes)]


def _one_group_bic(z):
    n = z.size
    gauss = n * (np.log(2 * np.pi * max(z.var(), _REG)) + 1) + 2 * np.log(n)
    uniform = 2 * n * np.log(z[-1] - z[0]) + 2 * np.log(n)
    return min(gauss, uniform)


def _merge(w, m, v):
    total = w.sum()
    mean = (w * m).sum() / total
    return mean, (w * (v + m**2)).sum() / total - mean**2


def find_low_group(x, *, valley=0.7, max_points=20000, starts=None):
    """Threshold separating a distinct low group of the 1-D scores ``x``, or None.

    Returns ``(threshold, details)``: ``threshold`` is a value of ``x`` (the low group
    is ``x < threshold``) or None when the scores form one group; ``details`` holds the
    BIC of both models, the valley ratio, the fitted components and ``starts``: the
    best fit of each number of components, on the scores' scale.

    ``starts`` (the ``starts`` of an earlier call) replaces the deterministic
    initialisations by those fits: one EM run per number of components instead of
    about 25. The detector's bootstrap warm-starts each resample from the fit on the
    whole pool this way (the usual way of bootstrapping a mixture: every resample
    started at the original estimate).
    """
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    details = {"bic_one": np.nan, "bic_two": np.nan, "valley_ratio": np.nan}
    if n < 8 or x[0] == x[-1]:
        return None, details
    sub = x if n <= max_points else x[np.round(np.linspace(0, n - 1, max_points)).astype(int)]
    mu, sd = sub.mean(), sub.std()
    if not sd > 0:
        return None, details
    z = (sub - mu) / sd
    # Every start is screened on at most _SCREEN order statistics; the best
    # k-component fits (k = 2, 3, 4) are then refined on all the fitted scores.
    screen = z if z.size <= _SCREEN else z[np.round(np.linspace(0, z.size - 1, _SCREEN)).astype(int)]
    if starts:
        inits = [(np.asarray(w), (np.asarray(m) - mu) / sd, np.asarray(v) / sd**2)
                 for w, m, v in starts.values()]
    else:
        inits = _initialisations(screen)
    by_k = {}
    for init in inits:
        by_k.setdefault(len(init[0]), []).append(init)
    best = {}
    if starts:  # one start per number of components: one batch
        for fit in _em_batch(screen, [group[0] for group in by_k.values()]):
            best[fit[1][0].size] = fit
    else:  # the many cold starts of each number of components, at once (no padding)
        for k, group in by_k.items():
            best[k] = max(_em_batch(screen, group), key=lambda fit: fit[0])
    refined = _em_batch(z, [(w, m, v - _REG) for _, (w, m, v) in best.values()])
    fits = [(-2 * ll + (3 * params[0].size - 1) * np.log(z.size), params) for ll, params in refined]
    details["starts"] = {int(p[0].size): (p[0], mu + sd * p[1], sd**2 * np.maximum(p[2] - _REG, _REG))
                         for _, p in fits}
    bic_two, (w, m, v) = min(fits, key=lambda f: f[0])
    details.update(bic_one=float(_one_group_bic(z)), bic_two=float(bic_two))
    order = np.argsort(m)
    w, m, v = w[order], m[order], v[order]
    details["components"] = {"weight": w.tolist(), "mean": (mu + sd * m).tolist(),
                             "std": (sd * np.sqrt(v)).tolist()}
    if not bic_two < details["bic_one"]:
        return None, details
    grid = np.linspace(m[0], m[-1], _GRID)
    dens = (w * np.exp(-0.5 * (grid[:, None] - m) ** 2 / v) / np.sqrt(2 * np.pi * v)).sum(axis=1)
    for b in range(1, w.size):
        low_side, high_side = grid <= m[b - 1], grid >= m[b]
        i_low = np.flatnonzero(low_side)[np.argmax(dens[low_side])]
        i_high = np.flatnonzero(high_side)[np.argmax(dens[high_side])]
        ratio = dens[i_low : i_high + 1].min() / min(dens[i_low], dens[i_high])
        details["valley_ratio"] = float(ratio)
        if ratio <= valley:
            break
    else:
        return None, details
    low_mean, _ = _merge(w[:b], m[:b], v[:b])
    # The first sorted score above the low group's mean that the low group no longer
    # explains: the posterior is evaluated in chunks from that mean upwards, stopping at
    # the first hit (bounded memory at any n; usually one chunk).
    start = max(int(np.searchsorted(x, mu + sd * low_mean, side="right")) - 1, 0)
    for lo in range(start, n, _POSTERIOR_CHUNK):
        zs = (x[lo : lo + _POSTERIOR_CHUNK] - mu) / sd
        logp = np.log(w) - 0.5 * (np.log(2 * np.pi * v) + (zs[:, None] - m) ** 2 / v)
        post = np.exp(logp - logp.max(axis=1, keepdims=True))
        post_low = post[:, :b].sum(axis=1) / post.sum(axis=1)
        above = np.flatnonzero((zs > low_mean) & (post_low < 0.5))
        if above.size:
            first = lo + int(above[0])
            return (None if first == 0 else float(x[first])), details
    return None, details
