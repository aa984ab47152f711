"""Property-based fuzzing of ``skw2s select`` and ``skw2s run`` (issue 24).

Random CSV / TSV / JSONL / Parquet files (odd encodings, empty, header only, duplicated
or missing columns, NaN / inf / empty strings / huge fields / mixed types in any cell,
one class, a pool identical to the gold file), random option combinations, and output
folders already holding the user's files. Whatever comes in, every run must

* end with exit status 0 or 2, never a traceback (status 2: one error line);
* leave every input file byte for byte as it was;
* leave every file the user had in the output folder where it was, unchanged (also
  with ``--overwrite``); a refused run (status 2) leaves the folder as it found it.

The encoders are replaced by a deterministic hashing stand-in (``_fake_embed``): the
fuzz is about files, options and the output folder, and a real encoder would cost
seconds per case. ``make test`` runs a few derandomised examples per command
(``SKW2S_FUZZ_EXAMPLES``, default 8); ``make fuzz`` runs many more and prints how many
cases ran and how they ended.
"""

import collections
import contextlib
import csv
import hashlib
import io
import json
import math
import os
import pathlib
import random
import shutil
import tempfile
import types
from unittest import mock

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the fuzz suite needs hypothesis (pip install skw2s[test])")
st = pytest.importorskip("hypothesis.strategies")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from skw2s.cli import main  # noqa: E402

FUZZING = os.environ.get("SKW2S_FUZZ") == "1"
EXAMPLES = int(os.environ.get("SKW2S_FUZZ_EXAMPLES", "1200" if FUZZING else "8"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FUZZING, print_blob=True,
    suppress_health_check=list(HealthCheck),
)
#: How the cases ended, per command (printed at the end of the module: make fuzz).
OUTCOMES = collections.Counter()
#: The refusals' messages, shortened (printed with SKW2S_FUZZ_VERBOSE=1).
ERRORS = collections.Counter()

# Cell values that break naive readers.
NASTY = ["", " ", "nan", "NaN", "inf", "-inf", "null", "None", "0", "1", "1.0", "-1", "0.5", "2",
         "pos", "neg", "neu", "ABSTAIN", "é", "a,b", 'q"uote', "line\nbreak", "\t", "x" * 20000,
         "\u200b", "😀", "1e309", "-0.0"]
COLUMNS = ["text", "label", "neg", "pos", "lf", "emb_0", "emb_1", "extra", "group", "pseudolabel"]
# The user's files in an output folder: most with names no output takes, some that clash.
USER_FILES = ["notes.txt", "pool.xlsx", "summary.txt", "sub", "pool.csv.bak", "README"]
CLASHING_FILES = ["pool.csv", "selected.jsonl", "summary.json", "results.json", "groups_2d.png",
                  ".skw2s-outputs.json"]


class _Choices(random.Random):
    """The random stream of one case's choices; ``bad`` scales the odds of a bad choice."""

    bad = 1.0


def _rng(data, bad=1.0):
    """The random stream of one case's choices (file kinds, options), seeded by hypothesis:
    one stream per case, as hypothesis' own draws lean hard to their first choices."""
    rnd = _Choices(data.draw(st.integers(0, 2**64 - 1)))
    rnd.bad = bad
    return rnd


def mostly(rnd, good, bad, p_bad=0.06):
    """One of ``good`` most of the time, else one of ``bad``."""
    return rnd.choice(bad if bad and rnd.random() < p_bad * rnd.bad else good)


def _fake_embed(texts, side, args, cache_root):
    """Deterministic features of each text (a hash), in place of an encoder."""
    from skw2s._cli_models import layer_of as _layer

    _layer(getattr(args, f"{side}_layer"), getattr(args, f"{side}_model"), args.pooling, f"--{side}-layer")
    Z = np.array([[int(hashlib.sha256(f"{side}{j}{t}".encode()).hexdigest()[:8], 16) / 2**32 - 0.5
                   + 0.8 * ("good" in t) - 0.8 * ("bad" in t) for j in range(6)] for t in texts])
    return Z, 0.0, types.SimpleNamespace(layer=1, pooling_="mean", template=None)


NASTY_DRAWN = st.one_of(st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True),
                        st.integers(-3, 3), st.none())


def cells(draw, column, i, nasty, rnd, y, p):
    """A value for ``column`` in row ``i``: sensible, or (in a nasty table) sometimes not."""
    if nasty and rnd.random() < 0.05:  # (never in a table of a usable-inputs case)
        return rnd.choice(NASTY) if rnd.random() < 0.5 else draw(NASTY_DRAWN)
    return {
        "text": f"{'good' if y else 'bad'} text {i} " + rnd.choice(["", "fine", "plain words"]),
        "label": ("neg", "pos")[y],
        "neg": round(1 - p, 6), "pos": round(p, 6),
        "lf": rnd.choice([("neg", "pos")[y], ("neg", "pos")[y], ("neg", "pos")[1 - y], "-1"]),
        "emb_0": round(rnd.gauss(0, 1) + 1.5 * y, 4), "emb_1": round(rnd.gauss(0, 1), 4),
    }.get(column, rnd.choice(["x", "y", "1"]))


def tables(draw, want_label, rnd):
    base = ["text", "neg", "pos", "lf", "emb_0", "emb_1"] + (["label"] if want_label else [])
    if rnd.random() < 1 - 0.1 * rnd.bad:  # mostly a usable table, sometimes with extra or duplicated columns
        columns = base + (rnd.sample(COLUMNS, rnd.randint(1, 3)) if rnd.random() < 0.25 * rnd.bad else [])
    else:
        columns = rnd.sample(COLUMNS, rnd.randint(0, 6)) + rnd.sample(COLUMNS, rnd.randint(0, 2))
    n = mostly(rnd, [30, 40, 60], [0, 1, 3, 12], 0.15)
    nasty = rnd.random() < 0.2 * rnd.bad
    rows = []
    for i in range(n):  # one class per row, which the text, probabilities and features follow
        y = rnd.randint(0, 1)
        p = min(max(rnd.gauss(0.3 + 0.4 * y, 0.15), 0.01), 0.99)
        rows.append([cells(draw, c, i, nasty, rnd, y, p) for c in columns])
    return columns, rows


def _text_cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return str(v)


def _write_table(path, fmt, columns, rows, encoding):
    if fmt in (".csv", ".tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t" if fmt == ".tsv" else ",")
        w.writerow(columns)
        w.writerows([[_text_cell(v) for v in r] for r in rows])
        path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    elif fmt == ".jsonl":
        lines = [json.dumps(dict(zip(columns, r))) for r in rows]  # duplicated columns collapse
        path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    else:
        import pandas as pd

        names = list(dict.fromkeys(columns))
        frame = pd.DataFrame([dict(zip(columns, r)) for r in rows], columns=names)
        try:
            frame.to_parquet(path)
        except Exception:  # mixed types in a column: as text
            frame.astype(str).to_parquet(path)


@st.composite
def data_files(draw, folder, stem, want_label, rnd):
    """A data file of a random format and content; its path (or a path that is not a file)."""
    kind = mostly(rnd, ["table"], ["empty", "header", "garbage", "missing", "folder"], 0.08)
    fmt = mostly(rnd, [".csv", ".tsv", ".jsonl", ".parquet"], [], 0)
    path = folder / f"{stem}{fmt}"
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
        return path
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(draw(st.binary(min_size=1, max_size=200)))
    else:
        columns, rows = tables(draw, want_label, rnd)
        encoding = mostly(rnd, ["utf-8"], ["latin-1", "utf-16"], 0.08) if fmt != ".parquet" else "utf-8"
        _write_table(path, fmt, columns, [] if kind == "header" else rows, encoding)
    return path


def _snapshot(folder):
    """{relative path: sha256 or 'dir'} of everything under ``folder``."""
    out = {}
    if folder.exists():
        for p in sorted(folder.rglob("*")):
            out[str(p.relative_to(folder))] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@st.composite
def output_folders(draw, root, rnd):
    out = root / "out"
    kind = mostly(rnd, ["new", "new", "new", "empty", "user", "user", "nested-new"], ["file"], 0.03)
    if kind == "empty":
        out.mkdir()
    elif kind == "file":
        out.write_text("I am a file")
    elif kind == "nested-new":
        out = root / "a" / "b" / "out"
    elif kind == "user":
        out.mkdir()
        names = rnd.sample(USER_FILES, rnd.randint(1, 3))
        for name in names + (rnd.sample(CLASHING_FILES, 1) if rnd.random() < 0.2 else []):
            if name == "sub":
                (out / name).mkdir()
                (out / name / "inner.txt").write_text("mine")
            else:
                (out / name).write_bytes(draw(st.binary(max_size=50)))
    return out


def _run(argv):
    """``main(argv)`` with its stdout and stderr captured."""
    err, printed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(printed), \
            mock.patch("skw2s._cli_run.embed", _fake_embed), mock.patch("skw2s._cli_models.embed", _fake_embed):
        code = main(argv)
    return code, err.getvalue()


def _check(command, argv, inputs, out, before_inputs, before_out):
    code, err = _run(argv)
    OUTCOMES[(command, code)] += 1
    if code == 2:
        message = err.strip().splitlines()[-1][14:] if err.strip() else ""
        ERRORS[(command, message.split("/skw2s-fuzz-")[0][:40] + " .. " + message[-50:])] += 1
    assert code in (0, 2), f"exit {code}: {err[-3000:]}"
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith("skw2s: ") for line in lines), err[-2000:]
    if code == 2:
        assert lines and lines[-1].startswith("skw2s: error: ") and sum(
            line.startswith("skw2s: error: ") for line in lines) == 1, err
    assert {p: _digest(p) for p in inputs} == before_inputs  # no input modified
    after = _snapshot(out) if out.is_dir() else None
    if before_out is not None:
        for name, digest in before_out.items():  # every file of the user's is still there, unchanged
            assert after is not None and after.get(name) == digest, (name, err)
    if code == 2:  # a refused run leaves the folder as it found it
        assert after == before_out or (before_out is None and after is None) or (
            before_out is None and out.is_file()), err


def _digest(p):
    p = pathlib.Path(p)
    if p.is_dir():
        return "dir"
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None


@contextlib.contextmanager
def _workdir():
    root = pathlib.Path(tempfile.mkdtemp(prefix="skw2s-fuzz-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@SETTINGS
@given(data=st.data())
def test_fuzz_select(data):
    _fuzz_select(data, bad=1.0)


@SETTINGS
@given(data=st.data())
def test_fuzz_select_usable_inputs(data):
    """Usable files and options (a run that writes), folders holding the user's files."""
    _fuzz_select(data, bad=0.0)


def _fuzz_select(data, bad):
    with _workdir() as root:
        rnd = _rng(data, bad)
        pool = data.draw(data_files(root, "pool", False, rnd))
        gold_kind = mostly(rnd, ["file", "file", "file", "none"], ["same-as-pool"])
        if not bad and gold_kind == "none":
            gold_kind = "file"
        gold = {"file": lambda: data.draw(data_files(root, "gold", True, rnd)),
                "none": lambda: None, "same-as-pool": lambda: pool}[gold_kind]()
        out = data.draw(output_folders(root, rnd))
        argv = ["select", "--pool", str(pool), "--output", str(out), "--no-progress"]
        if gold is not None:
            argv += ["--gold", str(gold)]
        weak = mostly(rnd, ["proba", "proba", "votes", "model", "vader"], ["both"])
        if weak in ("proba", "both"):
            argv += ["--proba-columns", *mostly(rnd, [["neg", "pos"], ["pos", "neg"]],
                                                 [["pos"], ["neg", "pos", "extra"]])]
        if weak in ("votes", "both"):
            argv += ["--vote-columns", *mostly(rnd, [["lf"]], [["lf", "label"], ["missing"]])]
            if rnd.random() < 0.3:
                argv += ["--abstain", mostly(rnd, ["-1", "ABSTAIN"], ["", "pos"])]
        if weak == "vader":
            argv += ["--weak-model", "vader"]
        strong = mostly(rnd, ["prefix", "prefix", "model"], ["npy"], 0.25)
        inputs = [p for p in (pool, gold) if p is not None]
        if strong == "prefix":
            argv += ["--strong-prefix", mostly(rnd, ["emb_", "emb_0"], ["nope", "t"])]
        elif strong == "npy":
            shape = data.draw(st.sampled_from([(40, 3), (12, 2), (30, 1), (3, 0), (0,)]))
            np.save(root / "z.npy", np.random.RandomState(0).normal(size=shape))
            argv += ["--strong-features", str(root / "z.npy")]
            if gold is not None and rnd.random() < 0.7:
                np.save(root / "zg.npy", np.random.RandomState(1).normal(size=(30, 3)))
                argv += ["--gold-strong-features", str(root / "zg.npy")]
                inputs.append(root / "zg.npy")
            inputs.append(root / "z.npy")
        for option, good, bad in (("--thresholds", ["auto", "changepoint"], []),
                                  ("--C", ["0.01", "1"], ["0", "-1", "1e-300", "nan"]),
                                  ("--random-state", ["0", "7"], []), ("--text-column", ["text"], ["extra", "nope"]),
                                  ("--label-column", ["label"], ["lf", "nope"]),
                                  ("--encoding", ["utf-8", "latin-1"], ["nope"])):
            if rnd.random() < 0.25:
                argv += [option, mostly(rnd, good, bad)]
        if rnd.random() < (0.8 if out.is_dir() and any(out.iterdir()) else 0.3):
            argv.append("--overwrite")
        before_inputs = {p: _digest(p) for p in inputs}
        before_out = _snapshot(out) if out.is_dir() else None
        _check("select", argv, inputs, out, before_inputs, before_out)


@SETTINGS
@given(data=st.data())
def test_fuzz_run(data):
    with _workdir() as root:
        rnd = _rng(data)
        table = data.draw(data_files(root, "data", True, rnd))
        out = data.draw(output_folders(root, rnd))
        argv = ["run", "--data", str(table), "--output", str(out), "--no-progress",
                "--seeds", mostly(rnd, ["1", "2"], ["0", "-1"]),
                "--n-samples", mostly(rnd, ["0", "30"], ["1", "-5", "100000"]),
                "--n-weak", mostly(rnd, ["10", "12"], ["2", "1", "500"]),
                "--test-size", mostly(rnd, ["0.3", "0.25"], ["0", "1.5", "0.99"])]
        if rnd.random() < 0.3:
            argv += ["--weak-model", "vader"]
        for option, good, bad in (("--thresholds", ["auto", "changepoint"], []),
                                  ("--text-column", ["text"], ["extra", "emb_0"]),
                                  ("--label-column", ["label"], ["lf", "nope", "neg"]),
                                  ("--encoding", ["utf-8", "latin-1"], ["nope"]),
                                  ("--weak-layer", ["auto", "2", "middle"], ["x", "99", "-100"]),
                                  ("--C", ["0.01", "10"], ["0", "inf"])):
            if rnd.random() < 0.25:
                argv += [option, mostly(rnd, good, bad)]
        if rnd.random() < 0.5:
            argv.append("--dropna")
        if rnd.random() < (0.8 if out.is_dir() and any(out.iterdir()) else 0.3):
            argv.append("--overwrite")
        before_inputs = {table: _digest(table)}
        before_out = _snapshot(out) if out.is_dir() else None
        _check("run", argv, [table], out, before_inputs, before_out)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if OUTCOMES:
        total = sum(OUTCOMES.values())
        shown = ", ".join(f"{c} exit {k}: {n}" for (c, k), n in sorted(OUTCOMES.items()))
        print(f"\nfuzz: {total} generated cases ({shown}); every one ended with exit 0 or 2 and one line, "
              "no traceback, no input modified, no user file removed or changed")
        if os.environ.get("SKW2S_FUZZ_VERBOSE") == "1":
            for (command, message), n in ERRORS.most_common(40):
                print(f"  {command} {n:5d}  {message}")
