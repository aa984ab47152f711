"""Which pseudolabelled rows should train the strong model? ``train_on="auto"`` beside the anchors.

Every recipe is :class:`skw2s.WeakToStrongClassifier` on the same split, the same weak
and strong probes; test accuracy and fit time of each:

* ``all``: every pseudolabel (plain W2S);
* ``nonhard``, ``overlap``: the default detector's groups (the paper's recipe);
* ``conf50``: ``("confident", 0.5)``, the weak side's most confident half of each class;
* ``cleanlab``: ``train_on="confident_learning"``, the practitioner's anchor: out-of-fold
  strong probabilities (5 folds) and ``cleanlab.filter.find_label_issues`` with its
  defaults, flagged rows dropped; no gold label;
* ``strong80``, ``strong60``: ``("strong", q)``, the rows whose out-of-fold strong
  probability of their pseudolabel is highest (per class);
* ``trust80``, ``trust60``: ``("trust", q)``, the rows the gold rows trust most (per
  class): :class:`skw2s.WeakLabelTrust`'s probability that the pseudolabel is right
  (neighbours in the detector's representation, mpnet);
* ``cut80``, ``cut60``: ``("cut", q)``, the rows whose 10 nearest pool rows (mpnet) most
  often share their pseudolabel (per class): the cut statistic of Lang, Vijayaraghavan and
  Sontag (2022); no gold label, no strong fit; not a candidate of auto;
* ``auto``: ``train_on="auto"`` (the candidates above but cut, certified on the gold rows);
* ``oracle``: the best of auto's candidates on the test texts (what choosing costs).

Settings (``--settings``):

* ``reviews-minilm``, ``reviews-vader``, ``tweets-minilm``, ``tweets-vader``: the real
  sentiment sets of ``benchmarks/_real_sets.py`` (5,000 texts each: movie reviews 2
  classes, tweets 3), 500 gold rows, a pool of 2,000, 1,400 test texts per split; strong =
  mpnet layer 9 + standardised logistic regression (C = 0.01); weak = MiniLM layer 4 +
  the same probe trained on the gold rows, or the VADER lexicon calibrated on them (both
  trained: auto cross-fits them, cv=5);
* ``reviews-minilm-fixed``, ``reviews-vader-fixed``, ``tweets-minilm-fixed``,
  ``tweets-vader-fixed``: the real splits above with a *fixed* weak labeller, as ``skw2s
  select --proba-columns`` gets one, passed as ``weak_proba``: the MiniLM probe trained on
  500 labelled texts outside the split's gold, pool and test rows, or the VADER lexicon's
  fixed formula (``VaderLabeller(calibration=None)``; on tweets it is right on 34% of the
  texts, at chance); auto validates directly on the 500 gold rows (nothing to cross-fit);
* ``synthetic``: :func:`skw2s.datasets.make_overlap_classification` (easy/hard/overlap
  1000/1000/300, noise sqrt 5), 300 gold rows, a pool of 2,300, 2,000 test rows;
* ``null-clean``: pools where no subset can raise the accuracy, for auto's false-pick
  rate: 10-dimensional Gaussian rows, the label the sign of a linear score, the weak side
  (``weak_proba``, fixed) right on every row with probability 0.9; 300 gold rows, pools
  of 2,000; every subset is a smaller sample of the same clean labels. Counted: how often
  auto picks a subset, and whether it ever costs accuracy. ``null-large``: the same with
  pools of 20,000 rows, where a subset's model differs from all rows' by little (gains
  near 0, the hard case for a false pick);
* ``null-trained``: a null pool with a *trained* weak model, where auto cross-fits and the
  trust candidates take part: the label is the sign of one column, the weak model a
  logistic regression on that column alone trained on the 300 gold rows (right on
  nearly every row), the strong one sees it among 8 columns; pools of 2,000;
* ``uniform-noise``: the same, the weak side wrong on 20% of the rows, chosen by a column
  the strong model does not see (noise the strong side sees as uniform): not a null
  pool, as the strong side's filters find the wrong rows.

Paired standard errors are over splits (the same split for every recipe).

Usage::

    python benchmarks/selection_anchors.py --splits 5
    python benchmarks/selection_anchors.py --settings null-clean null-even --splits 40
    python benchmarks/selection_anchors.py --from-jsonl benchmarks/out/selection_anchors.jsonl
    python benchmarks/selection_anchors.py --settings reviews-minilm --recipes cleanlab cut80   # a few recipes
    python benchmarks/selection_anchors.py --recipes cleanlab cut80 cut60 --auto-with cut80 cut60   # auto with cut
    python benchmarks/selection_anchors.py --recipes cleanlab --auto-cv 2   # auto with 2 folds: cost against power

Writes one JSON line per (setting, split) to ``benchmarks/out/selection_anchors.jsonl``
and prints Markdown tables.
"""

import argparse
import json
import pathlib
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE / "out" / "selection_anchors.jsonl"
RECIPES = {"all": "all", "nonhard": "nonhard", "overlap": "overlap", "conf50": ("confident", 0.5),
           "cleanlab": "confident_learning", "strong80": ("strong", 0.8), "strong60": ("strong", 0.6),
           "trust80": ("trust", 0.8), "trust60": ("trust", 0.6), "cut80": ("cut", 0.8), "cut60": ("cut", 0.6)}
NAME = {str(v): k for k, v in RECIPES.items()}
REAL = ("reviews-minilm", "reviews-vader", "tweets-minilm", "tweets-vader")
#: The real sets with a fixed weak side (``weak_proba``): auto validates directly there.
FIXED = ("reviews-minilm-fixed", "reviews-vader-fixed", "tweets-minilm-fixed", "tweets-vader-fixed")
SETTINGS = REAL + ("synthetic", "null-clean", "null-large", "null-trained", "uniform-noise") + FIXED
#: The fixed VADER formula's class order (negative, [neutral,] positive) per set.
VADER_ORDER = {"movie-reviews": ["rotten", "fresh"], "tweets": ["negative", "neutral", "positive"]}


def _probe(C=0.01):
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


def _side(values, est=None):
    from skw2s._cli_models import Rows as _Rows

    lookup = FunctionTransformer(_Rows(values))
    return lookup if est is None else make_pipeline(lookup, est)


#: The recipes of ``--recipes`` (None: every one of RECIPES).
ONLY = None
#: auto's folds of the gold rows (``--auto-cv``; 5, the default of WeakToStrongClassifier).
AUTO_CV = 5


def run_split(setting, split, X, y, gold, pool, test, weak, strong, detector, weak_proba=None, log=print):
    """Every recipe on one split; a dict of test accuracies, times and auto's choice."""
    from sklearn.base import clone

    from skw2s import WeakToStrongClassifier

    rows = np.concatenate([gold, pool])
    Xf = X[rows]
    yf = y[rows].astype(object)
    yf[gold.size:] = -1
    Xt, yt = X[test], y[test]
    kw = {} if weak_proba is None else {"weak_proba": weak_proba[rows]}
    out = {"setting": setting, "split": split, "acc": {}, "seconds": {}}

    def fit(train_on):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv = AUTO_CV if train_on == "auto" else 5
            clf = WeakToStrongClassifier(weak, strong, detector=clone(detector), train_on=train_on, cv=cv,
                                         random_state=split).fit(Xf, yf, **kw)
        return clf, time.perf_counter() - t0

    for name, rule in RECIPES.items():
        if ONLY is not None and name not in ONLY and name != "all":
            continue
        clf, sec = fit(rule)
        out["acc"][name] = float(np.mean(clf.predict(Xt) == yt))
        out["seconds"][name] = round(sec, 3)
        out.setdefault("n_rows", {})[name] = int(clf.train_indices_.size)
        if name == "all":
            if weak_proba is None:
                P = clf.weak_estimator_.predict_proba(Xt)
                out["weak"] = float(np.mean(clf.classes_[np.argmax(P, axis=1)] == yt))
            out["pseudolabel_accuracy"] = float(np.mean(clf.pseudolabels_ == y[pool]))
    # the practitioner's recipe, written as a user would (scikit-learn + cleanlab): its
    # time is the cost unit of auto
    from cleanlab.filter import find_label_issues
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    t0 = time.perf_counter()
    if weak_proba is None:
        w = clone(weak).fit(X[gold], y[gold])
        pseudo = w.classes_[np.argmax(w.predict_proba(X[pool]), axis=1)]
    else:
        pseudo = np.unique(y)[np.argmax(weak_proba[pool], axis=1)]
    classes, codes = np.unique(pseudo, return_inverse=True)
    oof = cross_val_predict(clone(strong), X[pool], pseudo, method="predict_proba",
                            cv=StratifiedKFold(5, shuffle=True, random_state=split))
    keep = ~find_label_issues(codes, oof, n_jobs=1)
    model = clone(strong).fit(X[pool][keep], pseudo[keep])
    out["seconds"]["cleanlab_recipe"] = round(time.perf_counter() - t0, 3)
    out["acc"]["cleanlab_recipe"] = float(np.mean(model.predict(Xt) == yt))
    auto, sec = fit("auto")
    out["acc"]["auto"] = float(np.mean(auto.predict(Xt) == yt))
    out["seconds"]["auto"] = round(sec, 3)
    out["choice"] = NAME[str(auto.train_on_)]
    s = auto.validation_scores_
    out["validation"] = {NAME[str(c)]: {"acc_gain": float(a), "gain": float(g), "lower": None if np.isnan(lo) else float(lo)}
                         for c, a, g, lo in zip(s["train_on"], s["accuracy_gain"], s["gain"], s["gain_lower"])}
    if all(k in out["acc"] for k in out["validation"]):  # every candidate fitted (no --recipes)
        out["acc"]["oracle"] = max(out["acc"][k] for k in out["validation"])  # the best of auto's candidates
    ceiling = clone(strong).fit(X[pool], y[pool])
    out["ceiling"] = float(np.mean(ceiling.predict(Xt) == yt))
    log(json.dumps(out))
    return out


def real_splits(setting, splits):
    """The splits of a real ``setting``: per split a dict of the row-index features ``X``,
    labels ``y``, ``gold``/``pool``/``test`` rows, the ``weak`` and ``strong`` sides, the
    ``detector`` and the ``split`` number (also used by ``trust_weights.py`` and
    ``cleanlab_variants.py``: the same splits everywhere)."""
    from _real_sets import load_set

    from skw2s import OverlapDetector
    from skw2s.weak_labellers import VaderLabeller

    data = load_set("movie-reviews" if setting.startswith("reviews") else "tweets", log=lambda *a: None)
    y = data["classes"][data["y"]]
    n = y.size
    X = np.arange(n, dtype=float)[:, None]
    strong = _side(data["mpnet"], _probe())
    weak = _side(data["texts"], VaderLabeller()) if setting.endswith("vader") else _side(data["minilm"], _probe())
    detector = OverlapDetector(center=True, representation=_side(data["mpnet"]), n_resamples=0)
    for split in range(splits):
        rng = np.random.RandomState(1000 + split)
        perm = rng.permutation(n)
        gold, pool, test = np.sort(perm[:500]), np.sort(perm[500:2500]), np.sort(perm[2500:3900])
        yield dict(X=X, y=y, gold=gold, pool=pool, test=test, weak=weak, strong=strong, detector=detector,
                   split=split)


def fit_on_split(s, train_on):
    """``WeakToStrongClassifier`` with ``train_on`` fitted on split ``s`` of :func:`real_splits`
    (gold rows labelled, pool rows -1), warnings silenced."""
    from sklearn.base import clone

    from skw2s import WeakToStrongClassifier

    rows = np.concatenate([s["gold"], s["pool"]])
    y_fit = s["y"][rows].astype(object)
    y_fit[s["gold"].size:] = -1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WeakToStrongClassifier(s["weak"], s["strong"], detector=clone(s["detector"]), train_on=train_on,
                                      random_state=s["split"]).fit(s["X"][rows], y_fit)


def probe_main(doc, run, table, name, argv=None):
    """The command line of a probe on the real splits (``trust_weights.py``,
    ``cleanlab_variants.py``): ``run(settings, splits, log)`` yields records, written to
    ``benchmarks/out/<name>.jsonl``; ``table(records)`` prints them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(REAL), choices=REAL)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--from-jsonl", default=None)
    args = parser.parse_args(argv)
    if args.from_jsonl:
        print(table([json.loads(line) for line in open(args.from_jsonl)]))
        return
    out = HERE / "out" / f"{name}.jsonl"
    out.parent.mkdir(exist_ok=True)
    with open(out, "w") as fh:
        def log(line):
            print(line, flush=True)
            fh.write(line + "\n")

        records = list(run(args.settings, args.splits, log))
    print(table(records))


def with_stored(records, stored_path=HERE / "results" / "selection_anchors_trust.jsonl"):
    """``{setting: (records, stored accuracies)}``: a probe's records grouped by setting, each
    beside the ``acc`` of the same split in a stored run of this script."""
    stored = {(r["setting"], r["split"]): r["acc"] for r in map(json.loads, open(stored_path))}
    by = {}
    for r in records:
        rs, accs = by.setdefault(r["setting"], ([], []))
        rs.append(r)
        accs.append(stored[(r["setting"], r["split"])])
    return by


def probe_table(records, header, names, check, against, extra=lambda rs, name: []):
    """A probe's Markdown table: per setting and per ``names`` entry one line of extra
    cells (``extra(records, name)``), its mean accuracy and its paired differences with the
    stored recipes ``against`` (:func:`with_stored`). ``check``: ``(record key, stored
    recipe)`` the probe recomputed; a setting where it differs from the stored run is
    marked. ``header``: the column names before ``accuracy``."""
    key, recipe = check
    lines = ["| " + " | ".join(header + ["accuracy"] + [f"- {a}" for a in against.values()]) + " |",
             "|" + "---|" * (len(header) + 1 + len(against))]
    for setting, (rs, ref) in with_stored(records).items():
        same = all(abs(r[key] - a[recipe]) < 1e-12 for r, a in zip(rs, ref))
        for name in names:
            cells = ([f"{setting}{'' if same else f' ({against.get(recipe, recipe)} differs!)'}", name]
                     + extra(rs, name) + [f"{np.mean([r[name] for r in rs]):.3f}"]
                     + [points([r[name] - a[k] for r, a in zip(rs, ref)]) for k in against])
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def points(values):
    """Mean ± se over splits of accuracy differences, in points."""
    v = 100 * np.asarray(values)
    return f"{v.mean():+.2f} ± {v.std(ddof=1) / np.sqrt(v.size):.2f}"


def real(setting, splits, log):
    for s in real_splits(setting, splits):
        yield run_split(setting, s["split"], s["X"], s["y"], s["gold"], s["pool"], s["test"], s["weak"],
                        s["strong"], s["detector"], log=log)


def real_fixed(setting, splits, log):
    """A real set with a fixed weak labeller, as ``skw2s select --proba-columns`` gets one,
    passed as ``weak_proba`` (nothing learnt from the gold rows): the VADER lexicon's fixed
    score-to-probability formula (``calibration=None``), or the MiniLM probe trained on 500
    labelled texts of the split that are neither gold, pool nor test rows (someone else's
    classifier); the splits, strong side and detector of :func:`real_splits`."""
    from _real_sets import load_set

    from skw2s.weak_labellers import VaderLabeller

    name = "movie-reviews" if setting.startswith("reviews") else "tweets"
    data = load_set(name, log=lambda *a: None)
    if "vader" in setting:
        vader = VaderLabeller(calibration=None, labels=VADER_ORDER[name]).fit(data["texts"])
        P = vader.predict_proba(data["texts"])  # columns: the sorted classes, as weak_proba reads them
    for s in real_splits(setting.replace("-fixed", ""), splits):
        if "minilm" in setting:
            used = np.concatenate([s["gold"], s["pool"], s["test"]])
            rest = np.setdiff1d(np.arange(s["y"].size), used)  # 1,100 texts
            other = np.sort(np.random.RandomState(2000 + s["split"]).choice(rest, 500, replace=False))
            probe = _probe().fit(data["minilm"][other], s["y"][other])
            P = probe.predict_proba(data["minilm"])
            assert np.array_equal(probe.classes_, np.unique(s["y"]))
        yield run_split(setting, s["split"], s["X"], s["y"], s["gold"], s["pool"], s["test"], None,
                        s["strong"], s["detector"], weak_proba=P, log=log)


def synthetic(splits, log):
    from skw2s import OverlapDetector
    from skw2s.datasets import make_overlap_classification

    for split in range(splits):
        X, y, g, cols = make_overlap_classification(1870, 1870, 560, noise=5 ** 0.5, random_state=split)
        idx = np.random.RandomState(split).permutation(y.size)
        weak = make_pipeline(FunctionTransformer(lambda Z, c=cols: Z[:, c]), LogisticRegression())
        yield run_split("synthetic", split, X, y, idx[:300], idx[300:2600], idx[2600:4300], weak,
                        LogisticRegression(C=0.01), OverlapDetector(n_resamples=0), log=log)


def null(kind, splits, log):
    from skw2s import OverlapDetector

    n_pool = 20000 if kind == "large" else 2000
    for split in range(splits):
        rng = np.random.RandomState(split)
        X = rng.randn(n_pool + 2300, 10)
        y = (X[:, :5].sum(axis=1) > 0).astype(int)
        label = y.copy()
        if kind == "even":  # wrong where a column the strong model never sees is high
            label = np.where(X[:, 9] > 0.84, 1 - y, y)
        P = np.where(label[:, None] == np.arange(2), 0.9, 0.1)
        strong = make_pipeline(FunctionTransformer(lambda Z: Z[:, :8]), LogisticRegression())
        idx = np.arange(y.size)
        name = {"clean": "null-clean", "large": "null-large", "even": "uniform-noise"}[kind]
        yield run_split(name, split, X, y, idx[:300], idx[300:300 + n_pool], idx[300 + n_pool:], None, strong,
                        OverlapDetector(n_resamples=0), weak_proba=P, log=log)


def null_trained(splits, log):
    from skw2s import OverlapDetector

    for split in range(splits):
        rng = np.random.RandomState(split)
        X = rng.randn(2000 + 2300, 10)
        y = (X[:, 0] > 0).astype(int)
        weak = make_pipeline(FunctionTransformer(lambda Z: Z[:, :1]), LogisticRegression(C=100))
        strong = make_pipeline(FunctionTransformer(lambda Z: Z[:, :8]), LogisticRegression())
        idx = np.arange(y.size)
        yield run_split("null-trained", split, X, y, idx[:300], idx[300:2300], idx[2300:], weak, strong,
                        OverlapDetector(n_resamples=0), log=log)


def _ms(values, digits=3):
    a = np.asarray(values, dtype=float)
    return f"{a.mean():.{digits}f}" if a.size < 2 else f"{a.mean():.{digits}f} ± {a.std(ddof=1) / np.sqrt(a.size):.{digits}f}"


def tables(records):
    by = {}
    for r in records:
        by.setdefault(r["setting"], []).append(r)
    cols = [c for c in list(RECIPES) + ["auto", "oracle"] if all(c in r["acc"] for r in records)]
    lines = ["| setting | splits | weak | " + " | ".join(cols) + " | ceiling |",
             "|---|---|---|" + "---|" * len(cols) + "---|"]
    for name, rs in by.items():
        weak = _ms([r["weak"] for r in rs]) if all("weak" in r for r in rs) else "-"
        lines.append(f"| {name} | {len(rs)} | {weak} | "
                     + " | ".join(_ms([r["acc"][c] for r in rs]) for c in cols)
                     + f" | {_ms([r['ceiling'] for r in rs])} |")
    lines += ["", "Differences, paired over splits (mean ± se, accuracy points):", "",
              "| setting | auto - all | cleanlab - all | auto - cleanlab | oracle - auto | auto chose | "
              "auto s / cleanlab recipe s (median) |", "|---|---|---|---|---|---|---|"]
    for name, rs in by.items():
        d = lambda a, b: [100 * (r["acc"][a] - r["acc"][b]) for r in rs]  # noqa: E731
        chose = {}
        for r in rs:
            chose[r["choice"]] = chose.get(r["choice"], 0) + 1
        ratio = np.median([r["seconds"]["auto"] / r["seconds"]["cleanlab_recipe"] for r in rs])
        oracle = _ms(d('oracle', 'auto'), 2) if all("oracle" in r["acc"] for r in rs) else "-"
        lines.append(f"| {name} | {_ms(d('auto', 'all'), 2)} | {_ms(d('cleanlab', 'all'), 2)} | "
                     f"{_ms(d('auto', 'cleanlab'), 2)} | {oracle} | "
                     + ", ".join(f"{k} x{v}" for k, v in chose.items()) + f" | {ratio:.1f} |")
    nulls = [r for r in records if r["setting"] in ("null-clean", "null-large", "null-trained")]
    if nulls:
        picked = sum(r["n_rows"][r["choice"]] != r["n_rows"]["all"] for r in nulls)  # fewer rows than all
        lost = sum(r["acc"]["auto"] < r["acc"]["all"] - 0.005 for r in nulls)
        lines += ["", f"Null pools: auto trained on fewer rows than all in {picked} of {len(nulls)} fits "
                      f"({100 * picked / len(nulls):.1f}%); it cost more than half a point of accuracy in {lost}."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS[:5]), choices=SETTINGS)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--from-jsonl", default=None)
    parser.add_argument("--recipes", nargs="+", default=None, choices=list(RECIPES),
                        help="fit only these recipes (and all, cleanlab's recipe and auto); default: every one")
    parser.add_argument("--auto-cv", type=int, default=5,
                        help="a design probe: auto with this many folds of the gold rows (cost against power)")
    parser.add_argument("--auto-with", nargs="+", default=(), choices=list(RECIPES),
                        help="a design probe: auto with these recipes added to its candidates")
    args = parser.parse_args(argv)
    global ONLY, AUTO_CV
    ONLY, AUTO_CV = args.recipes, args.auto_cv
    if args.auto_with:  # the candidates are a module constant of skw2s: extended for this run
        import skw2s._training_rows as rows_module
        import skw2s.classifier as classifier_module

        extra = tuple(RECIPES[name] for name in args.auto_with if RECIPES[name] not in rows_module.AUTO_CANDIDATES)
        rows_module.AUTO_CANDIDATES = classifier_module.AUTO_CANDIDATES = rows_module.AUTO_CANDIDATES + extra
    if args.from_jsonl:
        records = [json.loads(line) for line in open(args.from_jsonl)]
        print(tables(records))
        return
    OUT.parent.mkdir(exist_ok=True)
    records = []
    with open(OUT, "a") as fh:
        def log(line):
            print(line, flush=True)
            fh.write(line + "\n")
            fh.flush()

        for setting in args.settings:
            t0 = time.perf_counter()
            if setting in REAL:
                gen = real(setting, args.splits, log)
            elif setting in FIXED:
                gen = real_fixed(setting, args.splits, log)
            elif setting == "synthetic":
                gen = synthetic(args.splits, log)
            elif setting == "null-trained":
                gen = null_trained(args.splits, log)
            else:
                gen = null({"null-clean": "clean", "null-large": "large"}.get(setting, "even"), args.splits, log)
            records += list(gen)
            print(f"# {setting}: {time.perf_counter() - t0:.0f} s", flush=True)
    print(tables(records))


if __name__ == "__main__":
    main()
