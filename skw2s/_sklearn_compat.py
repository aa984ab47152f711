"""The one place skw2s touches scikit-learn helpers outside its stable public API.

Tested range: scikit-learn 1.6 to 1.9 (``make test SKLEARN=scikit-learn==1.6.1`` runs the
suite against the oldest). ``_safe_indexing`` is listed in scikit-learn's API reference
(developer utilities) and re-exported by ``sklearn.utils``; the other helpers are
written here on top of public API, so that a scikit-learn release renaming its private
functions cannot break skw2s.
"""

import numbers

import sklearn
from sklearn.utils import _safe_indexing as safe_indexing  # noqa: F401 (documented utility)

__all__ = ["check_method_params", "num_samples", "raise_for_params", "routing_enabled", "safe_indexing"]


def num_samples(X):
    """Number of samples of an array-like, a sparse matrix, a DataFrame or a list."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) >= 1 and isinstance(shape[0], numbers.Integral):
        return int(shape[0])
    if hasattr(X, "__len__") and not isinstance(X, (str, bytes)):
        return len(X)
    raise TypeError(f"Expected a sequence or array-like of samples; got {type(X).__name__}.")


def routing_enabled():
    """Whether metadata routing is on (``sklearn.set_config(enable_metadata_routing=True)``)."""
    return bool(sklearn.get_config().get("enable_metadata_routing", False))


def raise_for_params(params, owner, method):
    """Refuse extra metadata when routing is off, naming the call (scikit-learn's message)."""
    if params and not routing_enabled():
        raise ValueError(
            f"Passing extra keyword arguments to {type(owner).__name__}.{method} is only "
            "supported if enable_metadata_routing=True, which you can set using "
            f"`sklearn.set_config`. Got: {sorted(params)}."
        )


def check_method_params(X, params, indices=None):
    """Metadata restricted to the rows ``indices``: sample-aligned values are indexed,
    the rest (scalars, other shapes) passed unchanged."""
    n = num_samples(X)
    out = {}
    for key, value in (params or {}).items():
        try:
            aligned = (
                indices is not None
                and not isinstance(value, (str, bytes, numbers.Number))
                and num_samples(value) == n
            )
        except TypeError:
            aligned = False
        out[key] = safe_indexing(value, indices) if aligned else value
    return out
