"""Warnings and errors raised by skw2s."""


class DegenerateDataWarning(UserWarning):
    """The data do not allow a meaningful result; a documented fallback was used.

    Raised, for example, when there are too few scores for a change point, when all
    scores are equal, when a pool has no hard-only points (the overlap score is then
    undefined), or when a weak model sees a single class.
    """


class CLIError(Exception):
    """A bad input: reported as one line, exit status 2.

    Raised only by the checks of what the user controls (the data file, its columns
    and rows, the options, the models and packages asked for). Any other exception
    during a run is a bug: ``skw2s run`` prints its traceback and exits with status 1.
    """


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
