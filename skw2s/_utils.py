"""Small private helpers shared by the estimators: parameter and input checks, label masks.

One check per kind of mistake, with one error type each: a value of the wrong type raises
TypeError, a value of the right type out of range raises ValueError; the message names the
parameter and what was expected. Imports nothing of skw2s (light, and no import cycle).
"""

import numbers

import numpy as np
from sklearn.frozen import FrozenEstimator


def is_unlabelled(y):
    """Boolean mask of the rows equal to -1 (scikit-learn's semi-supervised marker).

    Works for numeric arrays and for object arrays mixing string labels with -1.
    """
    y = np.asarray(y)
    if y.dtype.kind in "iuf":
        return y == -1
    if y.dtype.kind in "USb":
        return np.zeros(y.shape, dtype=bool)
    return np.array(
        [isinstance(v, numbers.Number) and not isinstance(v, bool) and v == -1 for v in y.ravel().tolist()],
        dtype=bool,
    ).reshape(y.shape)


def labelled_targets(y):
    """The labels of the rows of ``y`` that are not -1, and their positions.

    The labels go through :func:`as_label_array`: an object array of strings mixed with
    the -1 marker gives a ``str`` array (so that ``classes_`` are plain strings).
    """
    y = np.asarray(y)
    rows = np.flatnonzero(~is_unlabelled(y))
    return as_label_array(y[rows]), rows


def as_label_array(values):
    """``values`` as an array of labels scikit-learn compares as expected.

    An object array whose items are all strings becomes a ``str`` array, one whose
    items are all numbers a numeric array (scikit-learn reads an object array of
    numbers as an "unknown" target); anything else (a mix of strings and numbers, say)
    is returned unchanged, for scikit-learn to judge.
    """
    values = np.asarray(values)
    if values.dtype != object or values.size == 0:
        return values
    items = values.ravel().tolist()
    if all(isinstance(v, str) for v in items):
        return np.asarray(items, dtype=str).reshape(values.shape)
    if all(isinstance(v, numbers.Number) for v in items):
        return np.asarray(items).reshape(values.shape)
    return values


def is_frozen(estimator):
    """Whether ``estimator`` is a :class:`sklearn.frozen.FrozenEstimator` (used as is)."""
    return isinstance(estimator, FrozenEstimator)


def is_int(value):
    """Whether ``value`` is an integer (Python or NumPy), bools excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value, name, *, min_value=None, allow_none=False):
    """Return ``value`` as an int, or raise: TypeError if not an integer, ValueError if too small.

    Parameters
    ----------
    value : object
        The value to check. Bools and floats (even ``2.0``) are not integers.
    name : str
        The parameter's name, for the message.
    min_value : int or None, default=None
        Smallest allowed value.
    allow_none : bool, default=False
        Accept None (returned as is).

    Examples
    --------
    >>> from skw2s._utils import check_int
    >>> check_int(3, "batch_size", min_value=1)
    3
    >>> check_int(1.5, "batch_size", min_value=1)
    Traceback (most recent call last):
    ...
    TypeError: batch_size must be an int >= 1; got 1.5.
    >>> check_int(0, "batch_size", min_value=1, allow_none=True)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be an int >= 1 or None; got 0.
    """
    if value is None and allow_none:
        return None
    expected = "an int" + (f" >= {min_value}" if min_value is not None else "")
    expected += " or None" if allow_none else ""
    if not is_int(value):
        raise TypeError(f"{name} must be {expected}; got {value!r}.")
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be {expected}; got {value!r}.")
    return int(value)


def check_bool(value, name, *, allow_none=False):
    """Return ``value`` as a bool, or raise TypeError if it is not one (``np.bool_`` counts).

    Integers such as 0 and 1 are not bools. With ``allow_none``, None is returned as is.

    Examples
    --------
    >>> from skw2s._utils import check_bool
    >>> check_bool(True, "normalize")
    True
    >>> check_bool("yes", "normalize")
    Traceback (most recent call last):
    ...
    TypeError: normalize must be a bool; got 'yes'.
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, (bool, np.bool_)):
        expected = "a bool or None" if allow_none else "a bool"
        raise TypeError(f"{name} must be {expected}; got {value!r}.")
    return bool(value)


def check_texts(X, name="X"):
    """Return the texts of ``X`` as a list of str, or raise TypeError/ValueError.

    ``X`` is a sequence of str: a list, a 1-D array (or a one-column 2-D array), a pandas
    Series or a one-column DataFrame. The mistakes: a single string, a sparse matrix, a
    numeric array or an element that is not a str (TypeError); a DataFrame with several
    columns or an array of another shape (ValueError). Shared by every estimator that
    takes texts (:class:`~skw2s.HFEmbedder`, :mod:`skw2s.weak_labellers`), so the same
    mistake gives the same error everywhere.

    Examples
    --------
    >>> from skw2s._utils import check_texts
    >>> check_texts(("a film", "a mess"))
    ['a film', 'a mess']
    >>> check_texts("a film")
    Traceback (most recent call last):
    ...
    TypeError: X must be a sequence of texts, got a single string; wrap it in a list.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of texts, got a single string; wrap it in a list.")
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} is a DataFrame with {X.shape[1]} columns; expected one column of texts "
                "(select it first, e.g. with a ColumnTransformer)."
            )
        X = X.iloc[:, 0]
    if hasattr(X, "tocsr") or hasattr(X, "todense"):
        raise TypeError(f"{name} is a sparse matrix; expected a sequence of texts.")
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != 1:
            raise ValueError(
                f"{name} is an array of shape {X.shape}; expected a 1-D sequence of texts "
                "(or a single column)."
            )
        if X.dtype.kind in "biufcmM":
            raise TypeError(f"{name} is a numeric array (dtype {X.dtype}); expected texts.")
    try:
        texts = X.tolist() if hasattr(X, "tolist") else list(X)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of texts, got {type(X).__name__}.") from None
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(
                f"{name} must hold texts (str); element {i} is {type(t).__name__} ({t!r})."
            )
    return texts


def record_warnings(log, category, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, the messages of its warnings of ``category`` appended to
    ``log`` (each one: ``"always"``, repeats are counted, not merged by the warnings
    registry), every other warning passed on to the caller as it was raised.

    The one way skw2s records the warnings of a step it reports itself (the selector's
    rounds, ``skw2s select``'s fit)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", category)
        result = fn(*args, **kwargs)
    for w in caught:
        if issubclass(w.category, category):
            log.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    return result
