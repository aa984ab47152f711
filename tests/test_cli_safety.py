"""The command line never loses a user's file, and says what it could not use (issue 24).

Each test here failed on 3cc44f0: ``skw2s select`` removed files it did not write,
threw the run away without matplotlib, trained on rows with no information (every
labelling function abstaining, ties) and on gold rows repeated in the pool, reported a
bug as a bad input, and printed numpy reprs in its errors; ``skw2s run`` replaced a
user's ``results.json``.
"""

import json
import sys

import numpy as np
import pytest

from _csv_files import digest as _digest
from _csv_files import read_csv as _read
from _csv_files import write_csv as _write
from skw2s.cli import main


def _task(tmp_path, n_pool=200, n_gold=100, seed=0):
    """Pool and gold CSVs: a weak probability column pair, votes, strong features as columns."""
    rng = np.random.RandomState(seed)
    n = n_pool + n_gold
    y = rng.randint(2, size=n)
    s = 2 * y - 1
    easy = s * 1.5 + rng.normal(size=n)
    hard = s * 1.5 + rng.normal(size=n)
    p1 = 1 / (1 + np.exp(-1.2 * easy))
    names = np.array(["neg", "pos"])
    header = ["text", "label", "neg", "pos", "lf1", "lf2", "emb_0", "emb_1", "emb_2"]
    rows = []
    for i in range(n):
        lf1 = "pos" if p1[i] > 0.7 else ("neg" if p1[i] < 0.3 else "ABSTAIN")
        lf2 = "pos" if easy[i] > 0.3 else ("neg" if easy[i] < -0.3 else "ABSTAIN")
        rows.append([f"text number {i}", names[y[i]], f"{1 - p1[i]:.6f}", f"{p1[i]:.6f}", lf1, lf2,
                     f"{easy[i]:.5f}", f"{hard[i]:.5f}", f"{rng.normal():.5f}"])
    pool = _write(tmp_path / "pool.csv", [h for h in header if h != "label"],
                  [[v for h, v in zip(header, r) if h != "label"] for r in rows[:n_pool]])
    gold = _write(tmp_path / "gold.csv", header, rows[n_pool:])
    return pool, gold


def _argv(pool, gold, out, *extra):
    argv = ["select", "--pool", pool, "--proba-columns", "neg", "pos", "--strong-prefix", "emb_",
            "--output", str(out), "--no-progress", *extra]
    return argv if gold is None else argv + ["--gold", gold]


def _one_line_error(capsys, argv, match):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("skw2s: error: ") and err.count("\n") == 1 and match in err, err
    return err


# ---------------------------------------------------------------- 1. the output folder
@pytest.mark.parametrize("names", [("summary.txt", "pool.xlsx"), ("notes.md",), ("groups_2d.jpeg",)])
def test_files_that_look_like_outputs_are_never_removed(tmp_path, capsys, names):
    pool, gold = _task(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for name in names:
        (out / name).write_text(f"the user's {name}")
    _one_line_error(capsys, _argv(pool, gold, out), "holds files skw2s did not write")
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # nothing touched
    assert main(_argv(pool, gold, out, "--overwrite")) == 0  # written beside them, which stay
    for name in names:
        assert (out / name).read_text() == f"the user's {name}"
    assert (out / "pool.csv").exists()
    assert main(_argv(pool, gold, out, "--overwrite")) == 0  # a re-run keeps them too
    for name in names:
        assert (out / name).read_text() == f"the user's {name}"


def test_a_users_file_with_an_outputs_name_is_refused_even_with_overwrite(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("my own summary")
    _one_line_error(capsys, _argv(pool, gold, out, "--overwrite"), "'summary.json' was not written by skw2s")
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text() == "my own summary"


def test_an_output_the_user_edited_is_the_users(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    out = tmp_path / "out"
    assert main(_argv(pool, gold, out)) == 0
    assert main(_argv(pool, gold, out)) == 0  # its own unchanged outputs: replaced freely
    with open(out / "selected.csv", "a") as fh:
        fh.write("my,hand,made,row\n")
    edited = _digest(out / "selected.csv")
    _one_line_error(capsys, _argv(pool, gold, out), "holds files skw2s did not write (selected.csv)")
    _one_line_error(capsys, _argv(pool, gold, out, "--overwrite"), "'selected.csv' was not written by skw2s")
    assert _digest(out / "selected.csv") == edited


def test_a_forged_or_broken_manifest_deletes_nothing(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    (out / "pool.tsv").write_text("mine too")
    # a manifest naming the user's files with wrong digests, and one reaching outside
    (out / ".skw2s-outputs.json").write_text(json.dumps(
        {"written_by": "skw2s", "files": {"keep.txt": "0" * 64, "pool.tsv": "0" * 64, "../pool.csv": "0" * 64}}))
    assert main(_argv(pool, gold, out, "--overwrite")) == 0
    assert (out / "keep.txt").read_text() == "mine" and (out / "pool.tsv").read_text() == "mine too"
    assert (tmp_path / "pool.csv").exists()
    (out / ".skw2s-outputs.json").write_text("not json")  # a user's file of that name: refused, kept
    _one_line_error(capsys, _argv(pool, gold, out, "--overwrite"), "'.skw2s-outputs.json' was not written")
    assert (out / ".skw2s-outputs.json").read_text() == "not json"


def test_run_never_replaces_a_users_results(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("my results")
    # refused before any data is read or model loaded
    _one_line_error(capsys, ["run", "--output", str(out)], "holds files skw2s did not write (results.json)")
    _one_line_error(capsys, ["run", "--output", str(out), "--overwrite"], "'results.json' was not written")
    assert (out / "results.json").read_text() == "my results"


# ---------------------------------------------------------------- 2. matplotlib optional
def test_without_matplotlib_everything_but_the_figures_is_written(tmp_path, capsys, monkeypatch):
    pool, gold = _task(tmp_path)
    out = tmp_path / "out"
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    assert main(_argv(pool, gold, out)) == 0
    printed = capsys.readouterr().out
    assert "no figures: matplotlib is not installed" in printed
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "pool.csv", "selected.csv", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["figures"] == []


# ---------------------------------------------------------------- 3. no-information rows
@pytest.mark.parametrize("with_gold", [True, False])
def test_rows_without_information_never_train(tmp_path, capsys, with_gold):
    pool, gold = _task(tmp_path)
    rows = _read(pool)
    rows[0]["lf1"], rows[0]["lf2"] = "pos", "neg"  # a tie
    rows[1]["lf1"], rows[1]["lf2"] = "ABSTAIN", "ABSTAIN"  # every function abstains
    pool = _write(tmp_path / "pool_ties.csv", list(rows[0]), [list(r.values()) for r in rows])
    out = tmp_path / "out"
    argv = ["select", "--pool", pool, "--vote-columns", "lf1", "lf2", "--abstain", "ABSTAIN",
            "--strong-prefix", "emb_", "--output", str(out), "--no-progress"]
    assert main(argv + (["--gold", gold] if with_gold else [])) == 0
    out_rows = _read(out / "pool.csv")
    ties = [r for r in out_rows if {r["lf1"], r["lf2"]} == {"pos", "neg"}]
    none = [r for r in out_rows if r["lf1"] == r["lf2"] == "ABSTAIN"]
    assert ties and none
    assert all(r["group"] == "tie" and r["selected"] == "False" and r["pseudolabel"] == "" for r in ties)
    assert all(r["group"] == "abstained" and r["selected"] == "False" for r in none)
    selected_texts = {r["text"] for r in _read(out / "selected.csv")}
    assert not selected_texts & {r["text"] for r in ties + none}
    report = json.loads((out / "summary.json").read_text())
    assert report["excluded"] == {"abstained": len(none), "tie": len(ties), "in-gold": 0}
    assert f"{len(ties)} rows: the weak probabilities tie" in capsys.readouterr().out


def test_gold_rows_repeated_in_the_pool_are_left_out(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    rows, gold_rows = _read(pool), _read(gold)
    for i in range(7):  # the gold texts, with stray spaces, pasted into the pool
        rows[i]["text"] = " " + gold_rows[i]["text"] + " "
    pool = _write(tmp_path / "pool_dup.csv", list(rows[0]), [list(r.values()) for r in rows])
    out = tmp_path / "out"
    assert main(_argv(pool, gold, out)) == 0
    out_rows = _read(out / "pool.csv")
    assert [r["group"] for r in out_rows[:7]] == ["in-gold"] * 7
    assert all(r["selected"] == "False" for r in out_rows[:7])
    assert json.loads((out / "summary.json").read_text())["excluded"]["in-gold"] == 7
    assert "7 rows: the same text is a gold row" in capsys.readouterr().out


def test_a_pool_with_no_information_is_a_bad_input(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    rows = _read(pool)
    for r in rows:
        r["lf1"] = r["lf2"] = "ABSTAIN"
    rows[0]["lf1"] = "pos"
    pool = _write(tmp_path / "pool_none.csv", list(rows[0]), [list(r.values()) for r in rows])
    _one_line_error(capsys, ["select", "--pool", pool, "--gold", gold, "--vote-columns", "lf1", "lf2",
                             "--abstain", "ABSTAIN", "--strong-prefix", "emb_", "--output",
                             str(tmp_path / "out")], "1 of 200 pool rows can train")


# ---------------------------------------------------------------- 7. errors
def test_a_bug_in_the_fit_is_not_reported_as_bad_input(tmp_path, capsys, monkeypatch):
    from skw2s import DegenerateDataError, WeakToStrongClassifier

    pool, gold = _task(tmp_path)

    def broken(self, *args, **kwargs):
        raise ValueError("an internal inconsistency")

    monkeypatch.setattr(WeakToStrongClassifier, "fit", broken)
    assert main(_argv(pool, gold, tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "internal error: this is a bug" in err

    def degenerate(self, *args, **kwargs):
        raise DegenerateDataError("a class has one labelled row\nmore detail")

    monkeypatch.setattr(WeakToStrongClassifier, "fit", degenerate)
    _one_line_error(capsys, _argv(pool, gold, tmp_path / "out"), "a class has one labelled row")
    assert not (tmp_path / "out").exists()


def test_float_votes_name_the_integer_gold_classes(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    code = {"neg": "0.0", "pos": "1.0", "ABSTAIN": ""}  # a float column with missing values
    rows = _read(pool)
    for r in rows:
        r["lf1"], r["lf2"] = code[r["lf1"]], code[r["lf2"]]
    pool = _write(tmp_path / "pool_f.csv", list(rows[0]), [list(r.values()) for r in rows])
    gold_rows = _read(gold)
    for r in gold_rows:
        r["label"] = {"neg": "0", "pos": "1"}[r["label"]]
    # the gold file's votes (read for the trust candidates) still in the old coding: refused,
    # naming the gold file
    mixed = _write(tmp_path / "gold_mixed.csv", list(gold_rows[0]), [list(r.values()) for r in gold_rows])
    argv = ["select", "--pool", pool, "--gold", mixed, "--vote-columns", "lf1", "lf2",
            "--strong-prefix", "emb_", "--output", str(tmp_path / "out"), "--no-progress"]
    err = _one_line_error(capsys, argv, "--vote-columns: vote 'ABSTAIN' is neither a class")
    assert f"--gold {mixed}: " in err
    for r in gold_rows:
        r["lf1"], r["lf2"] = code[r["lf1"]], code[r["lf2"]]
    gold = _write(tmp_path / "gold_f.csv", list(gold_rows[0]), [list(r.values()) for r in gold_rows])
    out = tmp_path / "out"
    assert main(["select", "--pool", pool, "--gold", gold, "--vote-columns", "lf1", "lf2",
                 "--strong-prefix", "emb_", "--output", str(out), "--no-progress"]) == 0
    report = json.loads((out / "summary.json").read_text())
    assert set(report["gold"]["classes"]) == {"0", "1"}
    assert report["gold"]["weak_columns"] is True  # the gold rows' votes feed the trust
    assert {r["pseudolabel"] for r in _read(out / "pool.csv")} - {""} == {"0", "1"}


def test_errors_show_values_as_the_user_wrote_them(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    rows = _read(gold)
    for r in rows:
        r["label"] = "pos"
    one = _write(tmp_path / "one.csv", list(rows[0]), [list(r.values()) for r in rows])
    err = _one_line_error(capsys, _argv(pool, one, tmp_path / "out"), "single class ('pos')")
    assert "np." not in err
    rows[0]["label"] = "neu"
    three = _write(tmp_path / "three.csv", list(rows[0]), [list(r.values()) for r in rows])
    err = _one_line_error(capsys, _argv(pool, three, tmp_path / "out"), "label 'neu' is not one of")
    assert "np." not in err


def test_same_random_state_same_outputs_bit_for_bit(tmp_path, capsys):
    pool, gold = _task(tmp_path)
    outputs = []
    for k in range(2):
        out = tmp_path / f"out{k}"
        assert main(_argv(pool, gold, out, "--random-state", "3")) == 0
        report = json.loads((out / "summary.json").read_text())
        report.pop("timing_s")
        report["parameters"].pop("output")
        outputs.append(((out / "pool.csv").read_bytes(), (out / "selected.csv").read_bytes(), report))
    assert outputs[0] == outputs[1]
