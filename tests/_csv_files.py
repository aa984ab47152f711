"""CSV helpers of the command-line tests (``pythonpath = ["tests"]`` in pyproject.toml)."""

import csv
import hashlib


def write_csv(path, header, rows):
    """Write ``rows`` under ``header`` to ``path``; return the path as a string."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def read_csv(path):
    """The rows of a CSV file as dicts."""
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def digest(path):
    """SHA-256 of a file's bytes."""
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()
