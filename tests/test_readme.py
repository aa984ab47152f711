"""Every code block of README.md keeps working.

Python blocks run in order in one namespace (later blocks use earlier names). Shell
blocks: each ``skw2s ...`` command runs (through :func:`skw2s.cli.main`, on a generated
pool in a temporary folder); a ``make`` line must name a target that ``make -n`` can
plan; a ``pip install`` line must name extras that ``pyproject.toml`` declares (running
pip or the make targets here would install packages or recurse into the suite).
"""

import csv
import pathlib
import re
import shlex
import subprocess

import warnings

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)


def test_readme_is_short_and_starts_with_install_and_the_recipe():
    lines = README.splitlines()
    assert len(lines) <= 150
    head = "\n".join(lines[:40])
    assert "pip install" in head and 'train_on="auto"' in head
    assert "make demo" in head and "make test" in head


def test_python_blocks_run():
    namespace = {}
    blocks = [code for lang, code in BLOCKS if lang == "python"]
    assert len(blocks) >= 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for code in blocks:
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["clf"].train_on_ == "overlap"  # what the comment says
    assert 0.2 < namespace["det"].overlap_density_ < 0.45
    trust = namespace["trust"]  # the gold rows' trust beats the weak confidence here
    assert trust.trust_.shape == (700,) and trust.validation_auc_ > trust.confidence_auc_


def _shell_lines():
    for lang, code in BLOCKS:
        if lang == "bash":
            for line in code.splitlines():
                line = line.split("#")[0].strip()
                if line:
                    yield line


def test_make_and_pip_lines_name_what_exists():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    seen = set()
    for line in _shell_lines():
        words = shlex.split(line)
        if words[0] == "make":
            subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, check=True, capture_output=True)
            seen.add("make")
        elif words[:2] == ["pip", "install"]:
            for spec in words[2:]:
                for extra in re.findall(r"\[(.*?)\]", spec):
                    assert set(extra.split(",")) <= set(extras), spec
            seen.add("pip")
    assert seen == {"make", "pip"}


def test_skw2s_commands_run(tmp_path, monkeypatch, capsys):
    from skw2s.cli import main

    commands = [shlex.split(line) for line in _shell_lines() if line.startswith("skw2s ")]
    assert commands
    rng = np.random.RandomState(0)
    for name, n in (("pool", 300), ("gold", 120)):
        y = rng.randint(2, size=n)
        p = 1 / (1 + np.exp(-2.0 * (2 * y - 1 + rng.normal(size=n))))
        with open(tmp_path / f"{name}.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text", "label", "neg", "pos", "emb_0", "emb_1", "emb_2"])
            for i in range(n):
                w.writerow([f"{name} {i}", ("neg", "pos")[y[i]], 1 - p[i], p[i],
                            2 * y[i] - 1 + rng.normal(), rng.normal(), rng.normal()])
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        assert main(argv[1:] + ["--no-progress"]) == 0, capsys.readouterr().err
    assert (tmp_path / "selection" / "selected.csv").exists()


@pytest.mark.parametrize("path", ["CHANGELOG.md", "CONTRIBUTING.md", "benchmarks/README.md"])
def test_files_the_readme_points_to_exist(path):
    assert path in README and (ROOT / path).exists()


def test_dist_check_finds_the_recipe_it_runs():
    """.ci/check_dist.sh runs the README's recipe from the installed wheel: its pattern must
    find the same block this file runs first."""
    script = (ROOT / ".ci" / "check_dist.sh").read_text(encoding="utf-8")
    pattern = re.search(r're\.search\(r"(.*?)", text, re\.S\)', script).group(1)
    block = re.search(pattern, README, re.S)
    assert block and block.group(1) == next(code for lang, code in BLOCKS if lang == "python")
