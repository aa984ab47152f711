"""The command line: bad inputs give one clear error line and a non-zero exit status."""

import subprocess
import sys


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
