"""Source identifiers of :class:`~skw2s.UCBSourceSelector`, kept as the user gave them.

numpy would turn ``[1, "a"]`` into ``["1", "a"]``; here a mix of numbers and strings is
kept in an object array (so 1 stays 1 and differs from "1"), NaN is refused, and sources
sort numbers first, then strings.
"""

import numbers

import numpy as np


def is_nan(value):
    return isinstance(value, numbers.Real) and value != value


def _mixed(values):
    """Whether a sequence mixes numbers and strings (numpy would turn 1 into '1')."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        return False  # one numpy dtype: all numbers or all strings already
    kinds = {isinstance(v, str) for v in np.asarray(values, dtype=object).ravel().tolist()}
    return len(kinds) > 1


def as_ids(values):
    """``values`` as an array, object-typed when it mixes numbers and strings."""
    return np.asarray(values, dtype=object if _mixed(values) else None)


def unique_ids(values):
    """Distinct values in sorted order, kept as given (object arrays too)."""
    if values.dtype != object:
        return np.unique(values)
    seen = list(dict.fromkeys(values.tolist()))
    try:
        seen = sorted(seen)
    except TypeError:  # ints and strings: numbers first, then strings
        seen = sorted(seen, key=lambda v: (isinstance(v, str), v))
    out = np.empty(len(seen), dtype=object)
    out[:] = seen
    return out


def same_id(values, source):
    """Mask of ``values == source``; in an object array '1' and 1 differ."""
    if values.dtype != object:
        return values == source
    text = isinstance(source, str)
    return np.array([isinstance(v, str) == text and v == source for v in values.tolist()], dtype=bool)


def declare_sources(sources):
    """The declared ``sources``: a non-empty 1-D array of distinct ids."""
    src = as_ids(sources)
    if src.ndim != 1 or src.size == 0:
        raise ValueError(f"sources must be a non-empty 1-D array-like; got shape {src.shape}.")
    if np.unique(src).size != src.size:
        raise ValueError("sources must not contain duplicates.")
    return src


def check_groups(groups, n, sources):
    """Source of each of ``n`` rows, and the sources (declared, or those of ``groups``)."""
    groups = np.zeros(n, dtype=int) if groups is None else as_ids(groups)
    if groups.shape != (n,):
        raise ValueError(f"groups must have shape ({n},); got {groups.shape}.")
    if groups.dtype.kind == "f":
        has_nan = bool(np.isnan(groups).any())
    else:
        has_nan = groups.dtype == object and any(is_nan(g) for g in groups.tolist())
    if has_nan:
        raise ValueError("groups contains NaN: every row needs a source id.")
    if sources is None:
        return groups, unique_ids(groups)
    sources = declare_sources(sources)
    declared = set(sources.tolist())
    undeclared = [g for g in unique_ids(groups).tolist() if g not in declared]
    if undeclared:
        raise ValueError(f"Unknown source {undeclared[0]!r} in groups; declared: {sources.tolist()}.")
    return groups, sources
