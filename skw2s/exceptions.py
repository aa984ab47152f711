"""Warnings and errors raised by skw2s."""


class DegenerateDataWarning(UserWarning):
    """The data do not allow a meaningful result; a documented fallback was used.

    Raised, for example, when there are too few scores for a change point, when all
    scores are equal, when a pool has no hard-only points (the overlap score is then
    undefined), or when a weak model sees a single class.
    """
