"""The models of the command line, shared by ``skw2s run`` (:mod:`skw2s._cli_run`) and
``skw2s select`` (:mod:`skw2s._cli_select`): layers, packaged models and their embedding,
the logistic probe, the detector, and ``WeakToStrongClassifier(train_on="auto")`` built
on the rows of precomputed inputs. Resolving and loading a model are input checks
(:class:`~skw2s.exceptions.CLIError`)."""

import pathlib
import time

import numpy as np

from ._packaged import packaged_layer, packaged_model
from .exceptions import CLIError, _first_line


def layer_of(value, model_name, pooling="auto", option="--weak-layer"):
    if value == "auto":
        return packaged_layer(model_name, pooling)
    if value == "middle":
        return value
    try:
        return int(value)
    except ValueError:
        raise CLIError(f"{option}: a layer must be an integer, 'middle' or 'auto'; got {value!r}") from None


def check_vader(classes):
    if classes.size not in (2, 3):
        raise CLIError(f"--weak-model vader labels sentiment into 2 or 3 classes; the data have {classes.size}")
    from .weak_labellers import _analyzer

    try:
        _analyzer()
    except ImportError as exc:
        raise CLIError(_first_line(exc)) from None


def _resolve_model(name, cache_root):
    """``(path, model_kwargs)`` of ``--weak-model`` / ``--strong-model``; CLIError when unavailable."""
    try:
        return packaged_model(name, cache_root)
    except (ValueError, ImportError, OSError) as exc:
        raise CLIError(_first_line(exc)) from exc


def _embedder(name, layer, args, cache_root, option):
    """The HFEmbedder of ``--weak-model`` or ``--strong-model`` (``option``), loaded.

    A model that is not installed or cannot be loaded is a CLIError.
    """
    from .embedding import HFEmbedder

    path, model_kwargs = _resolve_model(name, cache_root)
    pooling = getattr(args, "pooling", "auto")
    template = getattr(args, "template", None)
    if template is not None:  # typed on a command line: \n and \t stand for newline and tab
        template = template.replace("\\n", "\n").replace("\\t", "\t")
    embedder = HFEmbedder(
        path,
        layer=layer,
        pooling=pooling,
        template=template,
        model_kwargs=model_kwargs,
        max_length=args.max_length,
        batch_size=args.batch_size,
        cache=str(pathlib.Path(cache_root) / "embeddings"),
        progress_bar=not args.no_progress,
    )
    try:  # loads the model (and checks the layer and the token limit)
        return embedder.fit()
    except (ValueError, OSError, ImportError) as exc:
        raise CLIError(f"{option} {name}: {_first_line(exc)}") from exc


def embed(texts, side, args, cache_root):
    """Embed texts with the weak or strong (possibly packaged) model; cached on disk per text.

    Returns ``(Z, seconds, embedder)``. Resolving and loading the model are input
    checks (:class:`~skw2s.exceptions.CLIError`); embedding is not.
    """
    name = getattr(args, f"{side}_model")
    layer = layer_of(getattr(args, f"{side}_layer"), name, getattr(args, "pooling", "auto"), f"--{side}-layer")
    start = time.perf_counter()
    embedder = _embedder(name, layer, args, cache_root, f"--{side}-model")
    Z = embedder.transform(texts)
    return Z, time.perf_counter() - start, embedder


def probe(C):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


def detector(args, **params):
    """The commands' (unfitted) detector: the --thresholds rule on centred embeddings."""
    from .detection import OverlapDetector

    # Real embeddings share a large common direction: centre them before cosines.
    return OverlapDetector(center=True, confidence_threshold=args.thresholds, overlap_threshold=args.thresholds,
                           **params)


class Rows:
    """Rows of a feature matrix or a list of texts, looked up by the index column of
    ``X``: lets the weak and strong sides of :class:`~skw2s.WeakToStrongClassifier` read
    different inputs (weak features or texts, strong features) of the same rows. It is
    shared, not copied, by ``clone``."""

    def __init__(self, values):
        self.values = values

    def __call__(self, X):
        idx = np.asarray(X, dtype=np.int64).ravel()
        if isinstance(self.values, np.ndarray):
            return self.values[idx]
        return [self.values[i] for i in idx]

    def __deepcopy__(self, memo):
        return self


def auto_classifier(weak, strong_values, args, *, classes=None, random_state=0, n_resamples=50, verbose=0):
    """``WeakToStrongClassifier(train_on="auto")`` of both commands.

    ``X`` is then an index column: ``weak`` reads its rows' weak inputs (a pipeline
    starting with :class:`Rows`), ``strong_values`` are the strong features of every row
    (the strong probe and the detector's representation read them by index)."""
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from .classifier import WeakToStrongClassifier

    strong_side = FunctionTransformer(Rows(strong_values))
    return WeakToStrongClassifier(
        weak, make_pipeline(clone(strong_side), probe(args.C)), train_on="auto",
        detector=detector(args, representation=strong_side, n_resamples=n_resamples, random_state=random_state),
        classes=classes, n_jobs=getattr(args, "n_jobs", None), random_state=random_state, verbose=verbose,
    )
