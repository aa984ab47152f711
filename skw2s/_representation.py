"""The pool a detection reads: ``X`` checked, then mapped to the strong-side representation.

One code path for :class:`~skw2s.OverlapDetector` and :class:`~skw2s.UCBSourceSelector`:
``X`` is a numeric feature matrix when there is no ``representation``, or raw input (texts...)
that flows to the representation and the weak estimator; :func:`represent` fits a clone of
the representation (a frozen one is only applied) or applies a fitted one, and checks its
output.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data

from ._sklearn_compat import num_samples as _num_samples
from ._utils import is_frozen


def validate_pool(estimator, X, y=None, *, representation, reset, where="representation"):
    """``(X, y)`` checked by ``validate_data`` on ``estimator`` (``n_features_in_``...).

    Without ``representation``, ``X`` must be a finite float matrix (``y``, when given
    with ``reset``, is checked alongside); non-numeric ``X`` gets a ``ValueError`` saying
    to set ``where`` (the parameter holding the representation). With one, ``X`` is left
    as it is (a single string refused) and only its length is checked against ``y``.
    """
    if representation is None:
        if sp.issparse(X):
            raise TypeError(
                f"{type(estimator).__name__} got sparse X and no representation: it compares rows "
                f"by cosine similarity on dense features. Set {where}= to a transformer mapping X "
                "to dense features (e.g. TruncatedSVD for TF-IDF rows), or pass X.toarray()."
            )
        kwargs = dict(dtype=[np.float64, np.float32], ensure_all_finite=True)
        try:
            if y is not None and reset:
                X, y = validate_data(estimator, X, y, reset=reset, **kwargs)
            else:
                X = validate_data(estimator, X, reset=reset, **kwargs)
        except ValueError as exc:
            if "could not convert" not in str(exc):
                raise
            raise ValueError(
                f"{type(estimator).__name__} got non-numeric X (texts?) and no representation: "
                f"set {where}= to a transformer mapping X to features, e.g. an HFEmbedder."
            ) from exc
        return X, y
    if isinstance(X, (str, bytes)):
        raise TypeError(
            "X must be a sequence of samples (a list of texts, an array); got a "
            "single string. Wrap it in a list: [text]."
        )
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    if y is not None and _num_samples(y) != _num_samples(X):
        raise ValueError(f"X has {_num_samples(X)} samples but y has {_num_samples(y)}.")
    return X, y


def _checked_output(Z):
    try:
        return check_array(Z, dtype=[np.float64, np.float32], ensure_all_finite=True)
    except ValueError as exc:
        raise ValueError(f"The output of representation is not usable: {exc}") from exc


def represent(representation, X, *, fit):
    """``(fitted, Z)``: the representation of ``X``.

    ``representation`` None: ``(None, X)``. ``fit=True``: a clone fitted on ``X`` (a frozen
    one is only applied) and its checked output. ``fit=False``: ``representation`` (already
    fitted) applied to ``X``.
    """
    if representation is None:
        return None, X
    if not fit:
        return representation, _checked_output(representation.transform(X))
    fitted = clone(representation)
    Z = fitted.transform(X) if is_frozen(representation) else fitted.fit_transform(X)
    return fitted, _checked_output(Z)
