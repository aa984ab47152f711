"""Progress of a long fit, for the command line: a context in which fits report their steps.

``WeakToStrongClassifier(train_on="auto")`` reports each validation split done with
:func:`report`; nothing is reported outside a :func:`reporting` context, so the estimators
keep scikit-learn's plain ``fit`` signature and their ``verbose`` lines. ``skw2s select``
draws a tqdm bar from these reports (:func:`bar`).
"""

import contextlib
import contextvars
import importlib.util

_CALLBACK = contextvars.ContextVar("skw2s_progress", default=None)


@contextlib.contextmanager
def reporting(callback):
    """Within the block, :func:`report` calls ``callback(done, total)``."""
    token = _CALLBACK.set(callback)
    try:
        yield
    finally:
        _CALLBACK.reset(token)


def report(done, total):
    """``done`` of ``total`` steps are finished (nothing happens outside :func:`reporting`)."""
    callback = _CALLBACK.get()
    if callback is not None:
        callback(done, total)


def can_draw():
    """Whether :func:`bar` can draw (tqdm is installed; it comes with the ``hf`` extra)."""
    return importlib.util.find_spec("tqdm") is not None


@contextlib.contextmanager
def bar(description, unit):
    """A :func:`reporting` context drawing a tqdm bar on stderr (see :func:`can_draw`)."""
    from tqdm.auto import tqdm

    progress = tqdm(total=None, desc=description, unit=unit, leave=True)

    def update(done, total):
        if progress.total != total:
            progress.total = total
        progress.update(done - progress.n)

    try:
        with reporting(update):
            yield progress
    finally:
        progress.close()
