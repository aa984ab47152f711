"""The settings of the overlap detection, shared by the detector and the source selector.

:class:`~skw2s.OverlapDetector` and the per-round detection of
:class:`~skw2s.UCBSourceSelector` label points by the same rules. Both read them through
:func:`detection_settings`: a detector's public parameters checked once (a clear
``ValueError``/``TypeError`` naming the parameter) and resolved into the two threshold rules,
returned as a frozen :class:`DetectionSettings`. A caller that does not read some of the
parameters names them (``unused``): each must then keep its default (or None, or
``n_resamples=0``), so that no setting is silently accepted and ignored.
"""

import numbers
from dataclasses import dataclass

from ._partition import resolve_rules
from ._similarity import AGGREGATIONS, SIMILARITIES
from ._utils import check_bool, check_int
from ._weak import CONFIDENCE_METHODS


@dataclass(frozen=True)
class DetectionSettings:
    """A detector's checked settings (see :class:`~skw2s.OverlapDetector` for each)."""

    confidence: str
    confidence_rule: object  # a rule of skw2s.thresholds (Fixed/Mixture/RupturesThreshold)
    overlap_rule: object
    hard_inclusive: bool
    similarity: str
    aggregation: str
    center: bool
    representation: object
    n_resamples: int
    working_memory: float


#: Where the hard-only side comes from: the weak confidence, or the gold rows.
HARD_FROM = ("confidence", "gold")


def _check_params(params):
    if params["hard_from"] not in HARD_FROM:
        raise ValueError(f"hard_from must be one of {HARD_FROM}; got {params['hard_from']!r}.")
    check_int(params["n_neighbors"], "n_neighbors", min_value=1)
    if params["confidence"] not in CONFIDENCE_METHODS:
        raise ValueError(
            f"confidence must be one of {CONFIDENCE_METHODS}; got {params['confidence']!r}."
        )
    if params["similarity"] not in SIMILARITIES:
        raise ValueError(
            f"similarity must be one of {SIMILARITIES}; got {params['similarity']!r}."
        )
    if params["aggregation"] not in AGGREGATIONS:
        raise ValueError(
            f"aggregation must be one of {AGGREGATIONS}; got {params['aggregation']!r}."
        )
    for name in ("center", "hard_inclusive"):
        check_bool(params[name], name)
    check_int(params["n_resamples"], "n_resamples", min_value=0)
    memory = params["working_memory"]
    if not isinstance(memory, numbers.Real) or isinstance(memory, bool) or not memory > 0:
        raise ValueError(f"working_memory must be a positive number of MiB; got {memory!r}.")
    for name, method in (("weak_estimator", "predict_proba"), ("representation", "transform")):
        value = params[name]
        if value is not None and not hasattr(value, method):
            raise TypeError(
                f"{name} must be an estimator with {method}; got {type(value).__name__}."
            )


#: Values that turn a parameter off (besides its default and None).
_OFF = {"n_resamples": 0}


def _is_off(name, value, default):
    """Whether a parameter keeps its default, None, or its off value."""
    if value is default or value is None:
        return True
    if isinstance(value, str) and isinstance(default, str):
        return value == default
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value == _OFF.get(name) or (
            isinstance(default, numbers.Number) and value == default)
    return False


def detection_settings(detector, *, unused=None, user=None):
    """The checked :class:`DetectionSettings` of an :class:`~skw2s.OverlapDetector`.

    Parameters
    ----------
    detector : OverlapDetector
        Read through ``get_params(deep=False)`` only.
    unused : dict or None, default=None
        ``{parameter: why}`` for the parameters the caller does not read. A parameter
        there that is set (neither its default, nor None, nor ``n_resamples=0``) raises a ``ValueError``
        naming it, ``user`` and ``why``.
    user : str or None, default=None
        The caller, named in that error (e.g. ``"UCBSourceSelector(detection='full')"``).

    Returns
    -------
    settings : DetectionSettings
    """
    params = detector.get_params(deep=False)
    _check_params(params)
    defaults = type(detector)().get_params(deep=False)
    for name, why in (unused or {}).items():
        if not _is_off(name, params[name], defaults[name]):
            raise ValueError(
                f"{user} does not use the detector's {name} (got {params[name]!r}): {why} "
                f"Leave detector.{name} at its default ({defaults[name]!r})."
            )
    confidence_rule, overlap_rule = resolve_rules(params)
    return DetectionSettings(
        confidence=params["confidence"],
        confidence_rule=confidence_rule,
        overlap_rule=overlap_rule,
        hard_inclusive=bool(params["hard_inclusive"]),
        similarity=params["similarity"],
        aggregation=params["aggregation"],
        center=bool(params["center"]),
        representation=params["representation"],
        n_resamples=int(params["n_resamples"]),
        working_memory=params["working_memory"],
    )
