"""skw2s: weak-to-strong generalization through the data-centric lens, for scikit-learn.

The public API is re-exported here. Importing :mod:`skw2s` never imports torch,
transformers or matplotlib; :class:`HFEmbedder` imports them when it first needs them.
"""

from ._constants import EASY, GROUP_NAMES, HARD, OVERLAP
from .classifier import WeakToStrongClassifier
from .detection import OverlapDetector, OverlapResampler
from .embedding import HFEmbedder
from .exceptions import DegenerateDataError, DegenerateDataWarning
from .selection import UCBSourceSelector
from .trust import WeakLabelTrust
from . import datasets, experiments, metrics, selection, thresholds, weak_labellers

__version__ = "0.1.0.dev0"

__all__ = [
    "EASY",
    "GROUP_NAMES",
    "HARD",
    "OVERLAP",
    "DegenerateDataError",
    "DegenerateDataWarning",
    "HFEmbedder",
    "OverlapDetector",
    "OverlapResampler",
    "UCBSourceSelector",
    "WeakLabelTrust",
    "WeakToStrongClassifier",
    "datasets",
    "experiments",
    "metrics",
    "selection",
    "thresholds",
    "weak_labellers",
    "__version__",
]
