"""Warnings and errors raised by skw2s."""


class DegenerateDataWarning(UserWarning):
    """The data do not allow a meaningful result; a documented fallback was used.

    Raised, for example, when there are too few scores for a change point, when all
    scores are equal, when a pool has no hard-only points (the overlap score is then
    undefined), or when a weak model sees a single class.
    """


class DegenerateDataError(ValueError):
    """The data cannot support the fit: a ``ValueError`` raised for what the data hold,
    not for a wrong parameter.

    Raised, for example, when every chosen pseudolabel carries one class (no strong
    estimator can learn from it) or when a class has a single labelled row, too few for
    the cross-fitted folds of ``train_on="auto"``. The command line reports it as a bad
    input (one line, exit status 2); any other exception of a fit is a bug.
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
