"""Data files of the command line: reading CSV, TSV, JSONL and Parquet tables, checking an
output folder. Shared by ``skw2s run`` (:mod:`skw2s.cli`) and ``skw2s select``
(:mod:`skw2s._cli_select`); the output folder is :mod:`skw2s._output_folder`'s. Every problem with a file is a :class:`~skw2s.exceptions.CLIError`."""

import codecs
import io
import json
import pathlib

import numpy as np

from .exceptions import CLIError, _first_line


def _read_text(p, path, encoding):
    """The whole (decompressed) file decoded, or a CLIError naming the first undecodable byte."""
    try:
        with _opener(p)(p, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:  # unreadable, or not the gzip / bz2 file it is named
        raise CLIError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    # utf-8-sig: a byte-order mark is not part of the first column name.
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        where = " of the decompressed data" if p.suffix in (".gz", ".bz2") else ""
        raise CLIError(
            f"{path} is not {encoding} text: byte 0x{data[exc.start]:02x} at byte offset {exc.start}{where} "
            "cannot be decoded; pass its encoding with --encoding (e.g. --encoding latin-1)"
        ) from None


def _read_rows(path, encoding="utf-8", option="--data"):
    """``(rows, columns)`` of a CSV, TSV, JSONL or Parquet file (rows as dicts); CLIError
    for a missing, unreadable or unsupported file."""
    p = pathlib.Path(path)
    if not p.exists():
        raise CLIError(f"data file not found: {path}")
    if p.is_dir():
        raise CLIError(f"{option} {path} is a folder, not a file")
    suffix = data_format(path)
    if suffix == ".csv" or suffix == ".tsv":
        import csv

        text = _read_text(p, path, encoding)
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""),
                                    delimiter="\t" if suffix == ".tsv" else ",")
            rows = list(reader)
            columns = reader.fieldnames or []
        except csv.Error as exc:
            raise CLIError(f"{path} is not a readable CSV file: {exc}") from None
    elif suffix == ".jsonl":
        rows = []
        for i, line in enumerate(io.StringIO(_read_text(p, path, encoding)), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise CLIError(f"{path}: line {i} is not valid JSON ({exc.msg})") from None
        if not all(isinstance(r, dict) for r in rows):
            raise CLIError(f"{path}: every line must be a JSON object (one row)")
        columns = list(dict.fromkeys(k for r in rows for k in r))
    else:
        try:
            import pandas as pd

            frame = pd.read_parquet(p)
        except ImportError as exc:
            raise CLIError(f"reading Parquet needs pandas and pyarrow ({exc})") from None
        except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise CLIError(f"{path} is not a readable Parquet file: {_first_line(exc)}") from None
        rows = frame.to_dict("records")
        columns = list(frame.columns)
    return rows, columns


def data_format(path):
    """``.csv``, ``.tsv``, ``.jsonl`` or ``.parquet``: the format of a data file by its name
    (``.gz`` / ``.bz2`` compressed text formats too); CLIError otherwise."""
    p = pathlib.Path(path)
    suffix = ("".join(p.suffixes[-2:]) if p.suffix in (".gz", ".bz2") else p.suffix).lower()
    for name, prefixes in ((".csv", (".csv",)), (".tsv", (".tsv",)),
                           (".jsonl", (".jsonl", ".ndjson", ".json"))):
        if suffix.startswith(prefixes):
            return name
    if suffix == ".parquet":
        return ".parquet"
    raise CLIError(f"unsupported data format {p.suffix!r}: use .csv, .tsv, .jsonl or .parquet")


def require_columns(path, columns, wanted):
    for col in wanted:
        if col not in columns:
            raise CLIError(
                f"column {col!r} not found in {path}; columns are: {', '.join(map(str, columns)) or 'none'}"
            )


def _opener(p):
    if p.suffix == ".gz":
        import gzip

        return gzip.open
    if p.suffix == ".bz2":
        import bz2

        return bz2.open
    return open


def is_missing(value):
    """None, NaN or a blank string: a cell with no value."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and not value.strip()
    )


# The checks both commands make of a labelled table (``run --data``, ``select --gold`` and
# ``--pool``): ``where`` prefixes the message (e.g. ``"--gold data.csv: "``), ``hint`` ends it.
def check_texts(texts, column, where="", hint=""):
    """``texts`` as strings; a CLIError naming the first empty one (rows counted from 1)."""
    empty = [i for i, t in enumerate(texts) if is_missing(t)]
    if empty:
        raise CLIError(f"{where}row {empty[0] + 1} has an empty text in column {column!r} "
                       f"({len(empty)} of {len(texts)} rows do){hint}")
    return [str(t) for t in texts]


def check_labels(labels, column, where="", hint=""):
    """A CLIError naming the first missing label."""
    missing = [i for i, lab in enumerate(labels) if is_missing(lab)]
    if missing:
        raise CLIError(f"{where}column {column!r} has missing labels in {len(missing)} of {len(labels)} "
                       f"rows (first: row {missing[0] + 1}){hint}")


def check_classes(y, column, where=""):
    """A CLIError when the labels ``y`` hold fewer than two classes."""
    classes = sorted(set(np.asarray(y).tolist()))
    if len(classes) < 2:
        raise CLIError(f"{where}column {column!r} has a single class ({str(classes[0])!r}): "
                       "need at least two")
