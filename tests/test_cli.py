"""The `tensor-conformance` command: report, replay, repro, corpus add, and bad input as one
line on stderr with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from handmade import check, make, write
from recording import CONFTEST, make_suite, run_recorded

from conformance import corpus, record
from conformance.cli import main

PLANT = CONFTEST.split("pytest_plugins")[1].split("\n", 1)[1]  # the planting code alone


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()  # what came before is not the command's
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def records(tmp_path):
    base = write(tmp_path / "base.json", make([check("add-float32", "pass"), check("mul-int8", "pass")]))
    now = write(tmp_path / "now.json", make([check("add-float32", "divergence"), check("mul-int8", "pass")]))
    return base, now


def test_report_exits_non_zero_on_regressions_as_configured(capsys, records, tmp_path):
    base, now = records
    status, out, _ = _run(capsys, "report", str(now), "--baseline", str(base))
    assert status == 1 and "### Regressions (1)" in out
    assert _run(capsys, "report", str(now), "--baseline", str(base), "--fail-on", "never")[0] == 0
    assert _run(capsys, "report", str(base), "--baseline", str(base))[0] == 0
    assert _run(capsys, "report", str(now), "--fail-on", "divergences")[0] == 1
    output = tmp_path / "out" / "report.html"
    status, out, err = _run(capsys, "report", str(now), "--baseline", str(base), "--format", "html", "-o", str(output))
    assert status == 1 and out == "" and output.read_text().startswith("<!DOCTYPE html>")
    assert err.strip() == f"tensor-conformance: regressions found (see {output})"


def test_every_subcommand_has_help(capsys):
    for command in (["report"], ["replay"], ["repro"], ["corpus"], ["corpus", "add"], ["divergences"]):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
        assert "usage: tensor-conformance" in capsys.readouterr().out


def _bad_inputs(tmp_path, records):
    base, _ = records
    truncated = tmp_path / "truncated.json"
    truncated.write_text(base.read_text()[:-40])
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": "something-else", "version": 1}))
    array = tmp_path / "array.json"
    array.write_text("[1, 2]")
    future = tmp_path / "future.json"
    future.write_text(json.dumps({**json.loads(base.read_text()), "version": 99}))
    malformed = tmp_path / "malformed.json"
    malformed.write_text(json.dumps({**json.loads(base.read_text()), "checks": [{"id": "x", "outcome": "great"}]}))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    return {
        "missing": (str(tmp_path / "nope.json"), "no such file"),
        "truncated": (str(truncated), "not valid JSON (truncated?)"),
        "foreign": (str(foreign), "not a tensor-conformance-record file (its format is 'something-else')"),
        "array": (str(array), "not a tensor-conformance-record file"),
        "version": (str(future), "record format version 99 is not supported"),
        "malformed": (str(malformed), "malformed record"),
        "binary": (str(binary), "not a record (not UTF-8 text)"),
        "directory": (str(tmp_path), "is a directory"),
    }


@pytest.mark.parametrize(
    "case", ["missing", "truncated", "foreign", "array", "version", "malformed", "binary", "directory"]
)
@pytest.mark.parametrize("command", ["report", "report-baseline", "replay", "repro", "corpus-add"])
def test_bad_input_is_one_line_and_nothing_written(capsys, tmp_path, records, case, command):
    path, message = _bad_inputs(tmp_path, records)[case]
    output = tmp_path / "written.md"
    corpus_path = tmp_path / "corpus.json"
    argv = {
        "report": ["report", path, "-o", str(output)],
        "report-baseline": ["report", str(records[1]), "--baseline", path, "-o", str(output)],
        "replay": ["replay", path],
        "repro": ["repro", path, "--id", "d0"],
        "corpus-add": ["corpus", "add", path, "--corpus", str(corpus_path)],
    }[command]
    status, out, err = _run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tensor-conformance: error: ") and message in err, err
    assert not output.exists() and not corpus_path.exists()


@pytest.mark.parametrize("command", ["replay", "repro", "corpus-add"])
def test_unknown_id_is_one_line(capsys, tmp_path, records, command):
    corpus_path = tmp_path / "corpus.json"
    argv = {
        "replay": ["replay", str(records[1]), "--id", "dnosuch"],
        "repro": ["repro", str(records[1]), "--id", "dnosuch"],
        "corpus-add": ["corpus", "add", str(records[1]), "--id", "dnosuch", "--corpus", str(corpus_path)],
    }[command]
    status, out, err = _run(capsys, *argv)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert "no divergence with id 'dnosuch' (the record holds 1)" in err and not corpus_path.exists()


def test_usage_errors_are_one_line(capsys):
    for argv in (["report"], ["nosuch"], ["report", "x.json", "--format", "pdf"], ["repro", "x.json"]):
        status, out, err = _run(capsys, *argv)
        assert (status, out) == (2, "") and err.count("\n") == 1, argv


# --- a real run with a bug planted in torch ----------------------------------------------------


def test_two_runs_diff_names_exactly_the_planted_bug(pytester, monkeypatch, capsys):
    make_suite(pytester)
    base, planted = pytester.path / "base.json", pytester.path / "planted.json"
    run_recorded(pytester, monkeypatch, base, "-n", "2")
    run_recorded(pytester, monkeypatch, planted, "-n", "2", plant=True)
    status, out, _ = _run(capsys, "report", str(planted), "--baseline", str(base), "--format", "json")
    data = json.loads(out)["baseline"]
    assert status == 1
    assert [(c["row"], c["before"], c["now"]) for c in data["regression"]] == [
        ("test_tiny.py::test_values[float32-maximum]", "pass", "divergence")
    ]
    assert not any(data[c] for c in ("fix", "changed", "new", "dropped"))

    # replay: still diverges with the plant, conforms without it
    (divergence_id,) = data["regression"][0]["divergences"]
    status, out, _ = _run(capsys, "replay", str(planted))
    assert (
        status == 0 and f"{divergence_id} test_tiny.py::test_values[float32-maximum-cpu]: fixed: conforms on cpu" in out
    )
    original = torch.maximum
    monkeypatch.setattr(torch, "maximum", lambda a, b: original(a, b) + (original(a, b) > 2))
    status, out, _ = _run(capsys, "replay", str(planted), "--id", divergence_id)
    assert status == 1 and ": still diverges on cpu: values: 1 of 3 element(s) differ" in out
    monkeypatch.undo()

    # repro: the snippet runs and, with the plant, shows the divergence
    status, snippet, _ = _run(capsys, "repro", str(planted), "--id", divergence_id)
    assert status == 0 and "torch.maximum(x, y)" in snippet
    clean = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, check=True).stdout
    assert clean.splitlines() == ["torch:     tensor([3., 1., -0.])", "reference: [ 3.  1. -0.]"]
    planted_run = subprocess.run(
        [sys.executable, "-c", f"import os\nimport torch\nos.environ['PLANT'] = '1'\n{PLANT}\n{snippet}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert planted_run.splitlines()[0] == "torch:     tensor([4., 1., -0.])"

    # corpus add: the divergence becomes an entry, once
    corpus_path = pytester.path / "corpus.json"
    status, out, _ = _run(capsys, "corpus", "add", str(planted), "--corpus", str(corpus_path))
    assert status == 0 and "1 entry added" in out
    (entry,) = corpus.load(corpus_path)["entries"]
    assert entry["verdict"] == "diverges" and entry["example"]["op"] == "maximum"
    assert entry["found"]["check"] == "test_tiny.py::test_values[float32-maximum-cpu]"
    status, out, _ = _run(capsys, "corpus", "add", str(planted), "--corpus", str(corpus_path))
    assert "already in the corpus" in out and len(corpus.load(corpus_path)["entries"]) == 1
    assert record.divergence_id("test_tiny.py::test_values[float32-maximum-cpu]") == divergence_id


def test_records_not_replayable_say_why(capsys, tmp_path):
    """A record of version 1 without the choice sequences (older than them) still loads; its
    divergences without an in-process recipe say why they cannot be replayed (tests/test_replay.py
    has the rest)."""
    data = make([check("add-float32", "divergence")])
    path = write(tmp_path / "r.json", data)
    status, out, _ = _run(capsys, "replay", str(path))
    why = "the record holds no Hypothesis choice sequence for it: pytest suites/test_demo.py::test_x[add-float32-cpu]"
    assert status == 0 and f"not replayable here: {why}" in out


def test_the_console_script_and_python_m_are_the_same_command():
    tomllib = pytest.importorskip("tomllib")
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"tensor-conformance": "conformance.cli:main"}
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "report", "--help"], capture_output=True, text=True, cwd=root
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: tensor-conformance report")
