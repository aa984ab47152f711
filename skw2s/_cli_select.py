"""``skw2s select``: a user's own unlabelled pool in, a training set for the strong model out.

The workflow is :class:`~skw2s.WeakToStrongClassifier` with ``train_on="auto"`` (the rows
that train the strong model chosen by cross-fitted validation on the gold rows) and its
:class:`~skw2s.OverlapDetector` (centred strong features, bootstrapped density), fitted on
the gold rows and the pool together; this module reads the inputs, checks them (each
failure a :class:`~skw2s.exceptions.CLIError`: one line, exit status 2, nothing written),
embeds the texts (the cache of ``skw2s run``), and writes the outputs through temporary
names moved into place.
"""

import contextlib
import json
import pathlib
import re
import time

import numpy as np

from . import _progress
from ._constants import GROUP_NAMES
from .exceptions import CLIError, DegenerateDataError, _first_line

#: Figures ``skw2s select`` writes (with matplotlib).
FIGURES = ("confidence_histogram.png", "groups_2d.png")
#: Largest gap from 1 of a row of --proba-columns.
PROBA_TOLERANCE = 1e-3
#: Columns ``skw2s select`` adds to the pool's (``weak_proba_<class>`` too).
NEW_COLUMNS = ("pseudolabel", "confidence", "overlap_score", "group", "selected")
#: ``group`` of the pool rows that train nothing, by why: every labelling function
#: abstained, the weak probabilities tie at the top, the text is also a gold row's.
EXCLUDED = {"abstained": "every labelling function abstains",
            "tie": "the weak probabilities tie at the top",
            "in-gold": "the same text is a gold row"}


def output_names(pool_path):
    """The files ``skw2s select`` writes for a pool file (the figures need matplotlib)."""
    from ._data_files import data_format

    ext = data_format(pool_path)
    return (f"pool{ext}", f"selected{ext}", "summary.json") + FIGURES


def _label(value):
    """A label or vote as text, as the user wrote it; a number with an integer value
    loses its decimal zeros (``1.0`` and ``"1.0"`` are ``"1"``), so that a float column
    of votes names the classes of an integer column of labels."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+\.0*", text):
        return str(int(float(text)))
    return text


# ---------------------------------------------------------------------- inputs


def _check_output_folder(args):
    """Refuse an output folder the run may not write into (see :mod:`skw2s._output_folder`)."""
    from ._output_folder import check_output_folder

    inputs = [(f"--{o.replace('_', '-')}", getattr(args, o))
              for o in ("pool", "gold", "strong_features", "gold_strong_features")]
    check_output_folder(pathlib.Path(args.output), output_names(args.pool), overwrite=args.overwrite,
                        inputs=inputs)


def _texts(rows, column, path):
    from ._data_files import check_texts

    return check_texts([r.get(column) for r in rows], column, where=f"{path}: ")


def _numbers(rows, columns, path, what):
    """The ``columns`` of ``rows`` as a finite float matrix (CLIError naming ``what``)."""
    try:
        M = np.array([[float(r.get(c)) for c in columns] for r in rows], dtype=float)
    except (TypeError, ValueError):
        raise CLIError(f"{path}: {what} must hold numbers in every row") from None
    if not np.isfinite(M).all():
        raise CLIError(f"{path}: {what} must not hold NaN or infinite values")
    return M


def _proba(rows, columns, path):
    """The weak probabilities of ``--proba-columns``: numbers >= 0, each row summing to 1."""
    P = _numbers(rows, columns, path, "--proba-columns")
    if (P < 0).any():
        raise CLIError(f"{path}: --proba-columns must hold probabilities >= 0")
    bad = np.flatnonzero(np.abs(P.sum(axis=1) - 1) > PROBA_TOLERANCE)
    if bad.size:
        raise CLIError(f"{path}: the --proba-columns of row {bad[0] + 1} sum to {P[bad[0]].sum():.4g}, not 1 "
                       f"({bad.size} of {len(P)} rows do not)")
    return P


def _votes_to_proba(pool_rows, columns, abstain, gold_classes):
    """Weak probabilities from labelling-function votes (``--vote-columns``): a vote is a
    class name or ``--abstain``; the majority-vote label model of
    :func:`skw2s.weak_labellers.majority_vote_proba`. Returns ``(P_pool, classes,
    abstained)``, ``abstained`` the rows on which every function abstains."""
    from ._data_files import is_missing
    from .weak_labellers import majority_vote_proba

    abstain = _label(abstain)

    def votes(rows):  # a missing vote (empty cell, null) is an abstention
        return [[abstain if is_missing(r.get(c)) else _label(r.get(c)) for c in columns] for r in rows]

    pool_votes = votes(pool_rows)
    seen = sorted({v for row in pool_votes for v in row if v != abstain})
    classes = list(gold_classes) if gold_classes is not None else seen
    unknown = sorted(set(seen) - set(classes))
    if unknown:
        raise CLIError(f"--vote-columns: vote {unknown[0]!r} is neither a class of the gold labels "
                       f"({', '.join(classes)}) nor the abstain value {abstain!r} (--abstain)")
    if len(classes) < 2:
        raise CLIError(f"--vote-columns: the votes name fewer than two classes ({', '.join(classes) or 'none'}); "
                       f"is --abstain {abstain!r} the value your labelling functions use?")
    code = {c: i for i, c in enumerate(classes)}
    codes = np.array([[code.get(v, -1) for v in row] for row in pool_votes], dtype=int)
    P = majority_vote_proba(codes, n_classes=len(classes), abstain=-1)
    return P, classes, (codes == -1).all(axis=1)


def _exclusions(data, abstained, gold_texts_all):
    """Why each pool row trains nothing ("" for the rows that can train): see
    :data:`EXCLUDED`. A tie is an exact tie of the top weak probabilities (no
    information on which class; the first would win silently)."""
    n = data["n_pool"]
    reason = np.full(n, "", dtype=object)
    P = data["pool_proba"]
    if P is not None:
        top = P.max(axis=1, keepdims=True)
        reason[(np.abs(P - top) <= 1e-12).sum(axis=1) > 1] = "tie"
    if abstained is not None:
        reason[abstained] = "abstained"
    pool_texts = data["pool_text_values"]
    if gold_texts_all is not None and pool_texts is not None:
        gold = {str(t).strip() for t in gold_texts_all if t is not None}
        reason[[str(t).strip() in gold if t is not None else False for t in pool_texts]] = "in-gold"
    return reason


def _features(path, n, option):
    p = pathlib.Path(path)
    if not p.exists():
        raise CLIError(f"{option} {path}: file not found")
    try:
        Z = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CLIError(f"{option} {path}: not a readable .npy array ({_first_line(exc) or 'empty file'})") from None
    if not isinstance(Z, np.ndarray):  # an .npz archive
        raise CLIError(f"{option} {path}: expected one array saved with numpy.save (.npy), not an .npz archive")
    real = np.issubdtype(Z.dtype, np.integer) or np.issubdtype(Z.dtype, np.floating)
    if Z.ndim != 2 or Z.shape[0] != n or Z.shape[1] < 1 or not real:
        raise CLIError(f"{option} {path}: expected a real-valued array of shape ({n}, n_features); "
                       f"got {Z.dtype} {Z.shape}")
    if not np.isfinite(Z).all():
        raise CLIError(f"{option} {path}: holds NaN or infinite values")
    return np.asarray(Z, dtype=np.float64)


def read_inputs(args):
    """Everything ``skw2s select`` reads, checked: a dict (CLIError on bad input)."""
    from ._data_files import _read_rows, check_classes, check_labels, require_columns

    pool_rows, pool_cols = _read_rows(args.pool, args.encoding, "--pool")
    if not pool_rows:
        raise CLIError(f"--pool {args.pool}: the pool has no rows")
    if args.proba_columns and args.vote_columns:
        raise CLIError("--proba-columns and --vote-columns exclude each other: pass one of them")
    proba_cols = args.proba_columns or []
    vote_cols = args.vote_columns or []
    given = proba_cols + vote_cols  # the weak side comes from columns of the files
    need_text = not (given and (args.strong_features or args.strong_prefix))
    require_columns(args.pool, pool_cols, ([args.text_column] if need_text else []) + given)
    out = {"pool_rows": pool_rows, "pool_columns": pool_cols, "n_pool": len(pool_rows)}
    out["pool_texts"] = _texts(pool_rows, args.text_column, args.pool) if need_text else None
    out["pool_text_values"] = ([r.get(args.text_column) for r in pool_rows]
                               if args.text_column in pool_cols else None)
    gold_text_values = None
    out["pool_proba"] = _proba(pool_rows, proba_cols, args.pool) if proba_cols else None
    out["classes"] = proba_cols or None
    out["gold_texts"], out["gold_y"], out["gold_proba"] = None, None, None
    if args.gold is not None:
        gold_rows, gold_cols = _read_rows(args.gold, args.encoding, "--gold")
        if not gold_rows:
            raise CLIError(f"--gold {args.gold}: the gold file has no rows")
        require_columns(args.gold, gold_cols, ([args.text_column] if need_text else []) + [args.label_column])
        labels = [r.get(args.label_column) for r in gold_rows]
        check_labels(labels, args.label_column, where=f"--gold {args.gold}: ")
        y = [_label(lab) for lab in labels]
        if proba_cols:  # each gold label names a column (1.0 names the column "1")
            column_of = {_label(c): c for c in proba_cols}
            unknown = sorted({lab for lab in y if lab not in column_of})
            if unknown:
                raise CLIError(f"--gold {args.gold}: label {unknown[0]!r} is not one of the --proba-columns "
                               f"({', '.join(proba_cols)}): name each column after its class")
            y = [column_of[lab] for lab in y]
        y = np.asarray(y, dtype=object)
        check_classes(y, args.label_column, where=f"--gold {args.gold}: ")
        out["gold_y"] = y
        out["gold_texts"] = _texts(gold_rows, args.text_column, args.gold) if need_text else None
        if args.text_column in gold_cols:
            gold_text_values = [r.get(args.text_column) for r in gold_rows]
    elif not given:
        raise CLIError("without --gold the weak model has nothing to learn from: pass --gold "
                       "(gold-labelled rows), --proba-columns (your weak model's probabilities) or "
                       "--vote-columns (your labelling functions' votes)")
    abstained = None
    if vote_cols:
        gold_classes = None if out["gold_y"] is None else sorted(set(out["gold_y"].tolist()))
        out["pool_proba"], out["classes"], abstained = _votes_to_proba(
            pool_rows, vote_cols, args.abstain, gold_classes)
    n_gold = 0 if out["gold_y"] is None else out["gold_y"].size
    out["n_gold"] = n_gold
    out["gold_weak"] = None
    if given and n_gold:
        # With a fixed weak side the gold rows score the candidates, and only the trust
        # candidates read their weak probabilities (where the weak labeller errs): from the
        # gold file's own weak columns when it has them, else NaN rows (unknown; the
        # classifier then leaves the trust candidates out).
        present = [c for c in given if c in gold_cols]
        if present and len(present) < len(given):
            missing = [c for c in given if c not in gold_cols]
            raise CLIError(f"--gold {args.gold}: the gold file has some of the weak columns ({', '.join(present)}) "
                           f"but not {', '.join(missing)}: give all of them (the trust candidates of "
                           "train_on='auto' read them) or none")
        if present and proba_cols:
            out["gold_proba"] = _proba(gold_rows, proba_cols, args.gold)
        elif present:
            try:
                out["gold_proba"] = _votes_to_proba(gold_rows, vote_cols, args.abstain, out["classes"])[0]
            except CLIError as exc:  # the same checks as the pool's votes, naming the gold file
                raise CLIError(f"--gold {args.gold}: {exc}") from None
        else:
            out["gold_proba"] = np.full((n_gold, len(out["classes"])), np.nan)
        out["gold_weak"] = bool(present)
    if args.gold_strong_features and not args.strong_features:
        raise CLIError("--gold-strong-features goes with --strong-features (the pool's): pass both")
    clash = [c for c in pool_cols if c in NEW_COLUMNS or str(c).startswith("weak_proba_")]
    if clash:
        raise CLIError(f"--pool {args.pool}: column {clash[0]!r} has the name of an output column of skw2s "
                       "select; rename it")
    if args.strong_prefix:
        if args.strong_features:
            raise CLIError("--strong-features and --strong-prefix exclude each other: pass one of them")
        taken = set(given) | {args.text_column, args.label_column}
        cols = [c for c in pool_cols if str(c).startswith(args.strong_prefix) and c not in taken]
        if not cols:
            raise CLIError(f"--strong-prefix {args.strong_prefix!r}: no column of {args.pool} starts with it")
        out["pool_strong"] = _numbers(pool_rows, cols, args.pool, "the --strong-prefix columns")
        out["gold_strong"] = None
        if n_gold:
            require_columns(args.gold, gold_cols, cols)
            out["gold_strong"] = _numbers(gold_rows, cols, args.gold, "the --strong-prefix columns")
    elif args.strong_features:
        out["pool_strong"] = _features(args.strong_features, out["n_pool"], "--strong-features")
        out["gold_strong"] = None
        if n_gold:
            if not args.gold_strong_features:
                raise CLIError("--strong-features with --gold needs --gold-strong-features (the gold rows' "
                               "strong features, to validate the choice of training rows)")
            out["gold_strong"] = _features(args.gold_strong_features, n_gold, "--gold-strong-features")
            if out["gold_strong"].shape[1] != out["pool_strong"].shape[1]:
                raise CLIError("--gold-strong-features and --strong-features have different numbers of columns")
    out["excluded"] = _exclusions(out, abstained, gold_text_values)
    out["keep"] = np.flatnonzero(out["excluded"] == "")
    if out["keep"].size < 2:
        counts = ", ".join(f"{k} {EXCLUDED[r]}" for r, k in zip(*np.unique(
            out["excluded"][out["excluded"] != ""].astype(str), return_counts=True)))
        raise CLIError(f"--pool {args.pool}: {out['keep'].size} of {out['n_pool']} pool rows can train the "
                       f"strong model ({counts}): a pool needs at least two")
    if out["pool_proba"] is not None:
        pseudo = np.unique(np.argmax(out["pool_proba"][out["keep"]], axis=1))
        if pseudo.size < 2:
            raise CLIError(f"--pool {args.pool}: the weak side gives every pool row the class "
                           f"{str(out['classes'][pseudo[0]])!r}: the strong model cannot learn from one class")
    return out


# ---------------------------------------------------------------------- the fit
def fit_selection(data, args, cache_root):
    """Embed (unless given), fit ``WeakToStrongClassifier(train_on="auto")``; return it and
    what was embedded: ``(clf, Xs, info)``, ``Xs`` the strong features of gold then pool rows."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from ._cli_models import Rows, auto_classifier, check_vader, embed, layer_of, probe
    from ._utils import record_warnings

    n_gold, n_pool = data["n_gold"], data["n_pool"]
    texts = None  # gold rows first, then the pool: the row order of X below
    if data["pool_texts"] is not None:
        texts = (data["gold_texts"] or []) + data["pool_texts"]
    info = {"timing_s": {}}
    for side in ("weak", "strong"):
        name = getattr(args, f"{side}_model")
        if name != "vader" and not (side == "strong" and data.get("pool_strong") is not None) and not (
                side == "weak" and data["pool_proba"] is not None):
            layer_of(getattr(args, f"{side}_layer"), name, args.pooling, f"--{side}-layer")
    if args.strong_model == "vader":
        raise CLIError("--strong-model vader: the VADER lexicon gives no features; it can only be the weak model")
    weak_proba = None
    if data["pool_proba"] is not None:
        weak = None
        pool_proba = data["pool_proba"][data["keep"]]  # the rows that can train (X below)
        weak_proba = pool_proba if not n_gold else np.vstack([data["gold_proba"], pool_proba])
        info["weak"] = ({"name": "--proba-columns", "columns": list(args.proba_columns)} if args.proba_columns
                        else {"name": "--vote-columns", "columns": list(args.vote_columns),
                              "abstain": args.abstain, "label_model": "majority vote"})
    elif args.weak_model == "vader":
        from .weak_labellers import VaderLabeller

        check_vader(np.unique(data["gold_y"]))
        weak = make_pipeline(FunctionTransformer(Rows(texts)), VaderLabeller())
        info["weak"] = {"name": "vader", "kind": "lexicon labeller (VADER), logistic calibration on the gold rows"}
    else:
        print(f"embedding with the weak encoder ({args.weak_model}) ...", flush=True)
        Xw, tw, emb = embed(texts, "weak", args, cache_root)
        info["timing_s"]["embed_weak"] = round(tw, 1)
        weak = make_pipeline(FunctionTransformer(Rows(Xw)), probe(args.C))
        info["weak"] = {"name": args.weak_model, "layer": emb.layer, "dim": int(Xw.shape[1])}
    if data.get("pool_strong") is not None:
        Xs = data["pool_strong"] if not n_gold else np.vstack([data["gold_strong"], data["pool_strong"]])
        info["strong"] = {"name": "--strong-prefix" if args.strong_prefix else "--strong-features",
                          "dim": int(Xs.shape[1])}
    else:
        print(f"embedding with the strong encoder ({args.strong_model}) ...", flush=True)
        Xs, ts, emb = embed(texts, "strong", args, cache_root)
        info["timing_s"]["embed_strong"] = round(ts, 1)
        info["strong"] = {"name": args.strong_model, "layer": emb.layer, "dim": int(Xs.shape[1])}
    # progress of the fit: a bar over the validation splits (tqdm), else a line per split
    bar_drawn = not args.no_progress and _progress.can_draw()
    clf = auto_classifier(weak, Xs, args, classes=data["classes"], random_state=args.random_state,
                          verbose=0 if args.no_progress or bar_drawn else 1)
    # X is the index column: gold rows 0 .. n_gold - 1, then the pool rows that can train
    # (pool row j is n_gold + j); the excluded pool rows are not in the fit.
    keep = data["keep"]
    y = np.full(n_gold + keep.size, -1, dtype=object)
    if n_gold:
        y[:n_gold] = data["gold_y"]
    X = np.concatenate([np.arange(n_gold), n_gold + keep]).astype(float)[:, None]
    excluded = n_pool - keep.size
    print(f"choosing the training rows (train_on='auto', {n_gold} gold rows, {keep.size} pool rows"
          + (f", {excluded} excluded" if excluded else "") + ") ...", flush=True)
    if data.get("gold_weak") is False:
        print("  the gold file has no weak columns: the trust candidates (where the weak labeller errs, "
              "learnt from the gold rows' weak labels) are left out; add them to the gold file to use them",
              flush=True)
    start = time.perf_counter()
    # The fit's warnings (degenerate splits, the validation's notes) go to summary.json and,
    # shortened, to the terminal summary; any other kind reaches the user as raised.
    caught = []
    try:
        with _progress.bar("validating", "split") if bar_drawn else contextlib.nullcontext():
            record_warnings(caught, UserWarning, clf.fit, X, y, weak_proba=weak_proba)
    except DegenerateDataError as exc:  # what the data hold (e.g. a class with one gold row);
        raise CLIError(_first_line(exc)) from None  # any other error is a bug
    info["timing_s"]["fit"] = round(time.perf_counter() - start, 1)
    info["warnings"] = list(dict.fromkeys(caught))
    return clf, Xs, info


# ---------------------------------------------------------------------- outputs
def _finite(value):
    value = float(value)
    return value if np.isfinite(value) else None


def _jsonable(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def pool_table(clf, data):
    """Per pool row: the new columns (pseudolabel, weak probabilities, confidence, overlap
    score, group, selected), in the pool's order. An excluded row (see :data:`EXCLUDED`)
    has no pseudolabel, probabilities, confidence or score, and its reason as group."""
    n_gold, n_pool, keep = data["n_gold"], data["n_pool"], data["keep"]
    det = clf.detector_
    selected = np.zeros(n_pool, dtype=bool)
    selected[keep[clf.train_indices_ - n_gold]] = True  # fit rows n_gold.. are the kept pool rows

    def spread(values):  # values of the kept rows, None for the excluded ones
        full = [None] * n_pool
        for j, v in zip(keep.tolist(), values):
            full[j] = v
        return full

    cols = {"pseudolabel": spread(str(c) for c in clf.pseudolabels_)}
    for j, c in enumerate(clf.classes_):
        cols[f"weak_proba_{c}"] = spread(clf.pseudolabel_proba_[:, j].round(6).tolist())
    cols["confidence"] = spread(det.confidence_.round(6).tolist())
    cols["overlap_score"] = spread(None if not np.isfinite(v) else round(float(v), 6) for v in det.overlap_score_)
    group = list(data["excluded"])
    for j, g in zip(keep.tolist(), det.labels_):
        group[j] = GROUP_NAMES[g]
    cols["group"] = group
    cols["selected"] = selected.tolist()
    return cols, selected


def _write_table(path, fmt, rows, columns):
    if fmt in (".csv", ".tsv"):
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, delimiter="\t" if fmt == ".tsv" else ",",
                                    extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    else:  # .jsonl (Parquet keeps the pool's own table: _write_parquet_like_pool)
        with open(path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({c: _jsonable(r.get(c)) for c in columns}, ensure_ascii=False) + "\n")


def summary(clf, data, info, args, selected):
    det = clf.detector_
    lo, hi = det.overlap_density_interval_
    counts = {}
    for g, name in enumerate(GROUP_NAMES):
        rows = det.labels_ == g
        counts[name] = {"n": int(rows.sum()),
                        "by_pseudolabel": {str(c): int(np.sum(clf.pseudolabels_[rows] == c)) for c in clf.classes_}}
    scores = clf.validation_scores_
    validation = None
    if scores:
        validation = [{"train_on": _jsonable(t), "mean_score": _finite(m), "accuracy_gain": _finite(a),
                       "gain": _finite(g), "gain_se": _finite(se), "gain_lower": _finite(lo),
                       "certified": bool(ok), "mean_n_rows": _finite(r)}
                      for t, m, a, g, se, lo, ok, r in zip(
                          scores["train_on"], scores["mean_score"], scores["accuracy_gain"], scores["gain"],
                          scores["gain_se"], scores["gain_lower"], scores["certified"], scores["mean_n_rows"])]
    from . import __version__

    return {
        "pool": {"path": str(args.pool), "n_rows": data["n_pool"]},
        "gold": {"path": None if args.gold is None else str(args.gold), "n_rows": data["n_gold"],
                 "classes": None if data["gold_y"] is None else
                 {str(c): int(k) for c, k in zip(*np.unique(data["gold_y"], return_counts=True))},
                 # the gold file's weak columns (a fixed weak side): the trust candidates read them
                 "weak_columns": data.get("gold_weak")},
        "models": {"weak": info["weak"], "strong": info["strong"], "probe_C": args.C},
        "groups": counts,
        "excluded": {reason: int(np.sum(data["excluded"] == reason)) for reason in EXCLUDED},
        "overlap_density": _finite(det.overlap_density_),
        "overlap_density_interval": [_finite(lo), _finite(hi)],  # null without the bootstrap
        "selected": {"train_on": _jsonable(clf.train_on_), "n_rows": int(selected.sum()),
                     "why": _why(clf, validation)},
        "validation": validation,
        "warnings": info["warnings"],
        "figures": info.get("figures", []),
        "timing_s": info["timing_s"],
        "versions": {"skw2s": __version__, "numpy": np.__version__},
        "parameters": {k: (str(v) if isinstance(v, pathlib.Path) else v) for k, v in vars(args).items()
                       if k not in ("func",)},
    }


def _why(clf, validation):
    if not validation:
        return ("no gold row to validate on: the reference, the confident-learning filter (rows the strong "
                "side's view flags as mislabelled dropped; no gold label needed)")
    if not any(v["certified"] for v in validation):
        return ("train_on='auto': the gold rows certified no candidate as better than the reference, "
                "the confident-learning filter (rows the strong side's view flags as mislabelled dropped)")
    return ("train_on='auto': of the candidates the gold rows certified as better than the confident-learning "
            "filter (simultaneous 95% lower bounds of the gains), the one with the largest gain")


def write_figures(clf, Xs, data, folder):
    """The confidence histogram and the groups in a 2-D projection of the strong space;
    the names written ([] without matplotlib: the figures are optional)."""
    from sklearn.decomposition import PCA

    from ._figures import confidence_counts, pyplot, write_confidence_histogram

    plt = pyplot()
    if plt is None:
        return []
    det = clf.detector_
    counts, edges = confidence_counts(det.confidence_)
    write_confidence_histogram(folder / "confidence_histogram.png", counts, edges, det.confidence_threshold_,
                               "your pool", plt)
    Z = Xs[data["n_gold"] + data["keep"]]
    P = PCA(2, random_state=0).fit_transform(Z - Z.mean(axis=0)) if Z.shape[1] >= 2 else np.c_[Z, np.zeros(len(Z))]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for g, name in enumerate(GROUP_NAMES):
        rows = det.labels_ == g
        if rows.any():
            ax.scatter(P[rows, 0], P[rows, 1], s=6, alpha=0.6, label=f"{name} ({rows.sum()})",
                       color=("C0", "C3", "C2")[g])
    ax.set(xlabel="PC 1", ylabel="PC 2", title="Detected groups, strong features (PCA)")
    ax.legend(markerscale=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "groups_2d.png", dpi=110)
    plt.close(fig)
    return list(FIGURES)


def _write_parquet_like_pool(path, pool_path, cols, keep=None, drop=()):
    """The pool's own Parquet table (column types kept) with the new columns, rows ``keep``."""
    import pandas as pd

    frame = pd.read_parquet(pool_path)
    for name, values in cols.items():
        frame[name] = values
    frame = frame.drop(columns=list(drop))
    if keep is not None:
        frame = frame[keep].reset_index(drop=True)
    frame.to_parquet(path)


def write_outputs(clf, Xs, data, info, args):
    """Write every output to a temporary folder inside ``--output``, then move them into
    place (:mod:`skw2s._output_folder`: an interrupted run leaves no half-written file,
    and no file skw2s did not write is replaced or removed)."""
    from ._data_files import data_format
    from ._output_folder import commit, staged

    out_dir = pathlib.Path(args.output)
    fmt = ext = data_format(args.pool)
    cols, selected = pool_table(clf, data)
    columns = list(data["pool_columns"]) + list(cols)
    dropped = ("confidence", "overlap_score", "group", "selected")  # not in selected.<ext>
    sel_columns = [c for c in columns if c not in dropped]
    with staged(out_dir) as tmp:
        info["figures"] = write_figures(clf, Xs, data, tmp)
        report = summary(clf, data, info, args, selected)
        if fmt == ".parquet":
            _write_parquet_like_pool(tmp / "pool.parquet", args.pool, cols)
            _write_parquet_like_pool(tmp / "selected.parquet", args.pool, cols, keep=selected, drop=dropped)
        else:
            rows = [dict(r, **{c: v[i] for c, v in cols.items()}) for i, r in enumerate(data["pool_rows"])]
            _write_table(tmp / f"pool{ext}", fmt, rows, columns)
            _write_table(tmp / f"selected{ext}", fmt, [r for r, s in zip(rows, selected) if s], sel_columns)
        with open(tmp / "summary.json", "w") as fh:
            json.dump(report, fh, indent=2, default=_jsonable, allow_nan=False)
        commit(tmp, out_dir, overwrite=args.overwrite)
    return report


_SHOWN = {"easy": "easy-only", "hard": "hard-only", "overlap": "overlap"}


def _num(value, spec):
    return "n/a" if value is None else format(value, spec)


def print_report(report, out_dir):
    """The terminal summary: one screen."""
    g = report["groups"]
    lo, hi = report["overlap_density_interval"]
    density = report["overlap_density"]
    print(f"\npool: {report['pool']['n_rows']} rows; gold: {report['gold']['n_rows']} rows")
    print("groups: " + ", ".join(f"{_SHOWN[name]} {g[name]['n']}" for name in GROUP_NAMES))
    print(f"overlap density: {_num(density, '.3f')}  (95% bootstrap interval [{_num(lo, '.2f')}, {_num(hi, '.2f')}])")
    if lo is not None and hi - lo > 0.3:
        print("  a wide interval: the weak confidences do not settle how much of the pool is overlap")
    elif lo is not None and density is not None and not lo - 1e-9 <= density <= hi + 1e-9:
        print("  the mean lies outside the interval: a few resamples read the pool very differently "
              "from the rest (the density is not settled)")
    sel = report["selected"]
    rule = tuple(sel["train_on"]) if isinstance(sel["train_on"], list) else sel["train_on"]
    print(f"selected: {sel['n_rows']} of {report['pool']['n_rows']} rows, train_on={rule!r}")
    print(f"  ({sel['why']})")
    if report["validation"]:
        print("  candidate              gold accuracy   Brier gain over the reference (lower bound)   certified   rows")
    for v in report["validation"] or []:
        name = str(tuple(v["train_on"]) if isinstance(v["train_on"], list) else v["train_on"])
        print(f"  {name:22s} {_num(v['mean_score'], '13.3f')}   {_num(v['gain'], '+.3f')} "
              f"({_num(v['gain_lower'], '+.3f'):>6s})          {'yes' if v['certified'] else 'no ':3s}"
              f"         {_num(v['mean_n_rows'], '6.0f')}")
    notes = {}
    for w in report["warnings"]:
        text = w.split("train_on='auto' validation: ")[-1]
        notes.setdefault(text[:50], text if len(text) <= 110 else text[:107] + "...")
    for w in list(notes.values())[:3]:
        print(f"  note: {w}")
    excluded = {r: k for r, k in report["excluded"].items() if k}
    if excluded:
        print("excluded from training (not in selected, group says why): "
              + "; ".join(f"{k} rows: {EXCLUDED[r]}" for r, k in excluded.items()))
    figures = ("and 2 figures" if report["figures"] else
               "(no figures: matplotlib is not installed; pip install matplotlib)")
    print(f"wrote pool, selected, summary.json (every note in full) {figures} to {out_dir}/")


def select(args):
    """``skw2s select``: the whole command; returns the exit status."""
    from ._packaged import default_cache_dir

    out_dir = pathlib.Path(args.output)
    _check_output_folder(args)
    data = read_inputs(args)
    cache_root = pathlib.Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    print(f"skw2s select: {data['n_pool']} pool rows from {args.pool}"
          + (f", {data['n_gold']} gold rows from {args.gold}" if data["n_gold"] else ""), flush=True)
    clf, Xs, info = fit_selection(data, args, cache_root)
    report = write_outputs(clf, Xs, data, info, args)
    print_report(report, out_dir)
    return 0

