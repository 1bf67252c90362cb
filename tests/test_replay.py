"""`tensor-conformance replay` of divergences whose tests make their own calls: the test reruns
once on the recorded Hypothesis choice sequence (a table test simply reruns), and says whether it
still diverges; where that cannot be done, one line says why."""

from __future__ import annotations

import json

import hypothesis
import pytest
from handmade import make, write
from hypothesis.core import encode_failure
from recording import run_recorded

from conformance import record_facts
from conformance.cli import main

# torch.linspace adds 1 to a float result's last element above 2 where PLANT is set
CONFTEST = """
import os

import torch

pytest_plugins = ["conformance.plugin"]

if os.environ.get("PLANT"):
    _original = torch.linspace

    def _planted(*args, **keywords):
        result = _original(*args, **keywords)
        if result.is_floating_point() and result.numel() and result[-1] > 2:
            result = result.clone()
            result[-1] += 1
        return result

    torch.linspace = _planted
"""

# a constructor checked by check_call, not check_op: its example has no in-process recipe
SUITE = """
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

from conformance import dtypes as dt
from conformance.check import Check
from conformance.runner import check_call


def linspace(end, steps, device):
    float64 = dt.dtype("float64")
    check_call(
        Check("torch.linspace", {"start": 0.0, "end": end, "steps": steps, "dtype": float64}, device=device),
        lambda: torch.linspace(0.0, end, steps, dtype=torch.float64, device=device),
        lambda: np.linspace(0.0, end, steps),
        dtype=float64,
    )


@settings(max_examples=20, derandomize=True, database=None)
@given(end=st.integers(0, 10), steps=st.integers(2, 4))
def test_drawn(end, steps, device):
    linspace(float(end), steps, device)


def test_table(device):
    linspace(4.0, 3, device)
"""

DRAWN, TABLE = "test_replayed.py::test_drawn[cpu]", "test_replayed.py::test_table[cpu]"


def _replay(capsys, *argv: str) -> tuple[int, list[str], str]:
    capsys.readouterr()
    status = main(["replay", *argv])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def _divergence(path, nodeid: str) -> dict:
    (check,) = [c for c in json.loads(path.read_text())["checks"] if c["id"] == nodeid]
    (divergence,) = check["divergences"]
    return {**divergence, "drawn": check["drawn"]}


def test_a_test_making_its_own_calls_replays_on_its_recorded_example(pytester, monkeypatch, capsys):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_replayed=SUITE)
    planted = pytester.path / "planted.json"
    run_recorded(pytester, monkeypatch, planted, "-n", "2", plant=True)  # the choices travel back from workers
    drawn, table = _divergence(planted, DRAWN), _divergence(planted, TABLE)
    assert drawn["example"]["replay"] is None and drawn["drawn"] and not table["drawn"]
    assert drawn["choices"]["hypothesis"] == hypothesis.__version__ and drawn["choices"]["blob"]
    assert table["choices"] is None
    expected = "values: 1 of 2 element(s) differ"
    assert drawn["message"].startswith(expected) and "end=3.0, steps=2" in drawn["message"], "the shrunk example"

    # with the plant, both still diverge, on the recorded example
    status, lines, err = _replay(capsys, str(planted))
    assert (status, err) == (1, "")
    verdicts = sorted(lines[:2], key=lambda line: f" {DRAWN}:" not in line)  # (workers report in either order)
    assert verdicts[0].startswith(f"{drawn['id']} {DRAWN}: still diverges on cpu: {expected}")
    assert "end=3.0, steps=2" in verdicts[0]
    assert verdicts[1].startswith(f"{table['id']} {TABLE}: still diverges on cpu: values: 1 of 3 element(s) differ")
    assert lines[2].startswith("2 of 2 still diverge(s) on torch")

    # a record from a GPU runner, replayed with --device cpu: the cpu case of the same test runs
    data = json.loads(planted.read_text())
    on_gpu = DRAWN.replace("[cpu]", "[cuda:0]")
    next(c for c in data["checks"] if c["id"] == DRAWN).update(id=on_gpu, device="cuda:0")
    (pytester.path / "gpu.json").write_text(json.dumps(data))
    status, lines, _ = _replay(capsys, str(pytester.path / "gpu.json"), "--id", on_gpu, "--device", "cpu")
    assert status == 1 and lines[0].startswith(f"{drawn['id']} {on_gpu}: still diverges on cpu: {expected}")

    # without the plant, both conform; nothing was written to an example database
    monkeypatch.delenv("PLANT")
    status, lines, _ = _replay(capsys, str(planted))
    assert status == 0 and sorted(lines[:2]) == sorted(
        [f"{drawn['id']} {DRAWN}: fixed: conforms on cpu", f"{table['id']} {TABLE}: fixed: conforms on cpu"]
    )
    assert not (pytester.path / ".hypothesis" / "examples").exists()


# --- what cannot be replayed: one line each, no traceback ----------------------------------------

BLOB = {"hypothesis": hypothesis.__version__, "blob": encode_failure([3, 2]).decode()}  # end=3, steps=2


def _refusal(capsys, tmp_path, nodeid: str = DRAWN, device: str = "cpu", argv=(), **fields) -> str:
    """What replay (with `argv`) says of a record of one divergence of `nodeid` (`fields` on its
    divergence; `drawn` on its check)."""
    drawn = fields.pop("drawn", True)
    divergence = {"id": "d0", "kind": "divergence", "message": "values: differ", "example": None, **fields}
    check = {"id": nodeid, "device": device, "drawn": drawn, "outcome": "divergence", "divergences": [divergence]}
    path = write(tmp_path / "record.json", make([check]))
    status, lines, err = _replay(capsys, str(path), *argv)
    assert (status, err, len(lines)) == (0, "", 2), lines
    return lines[0].removeprefix(f"d0 {nodeid}: ")


def test_no_recorded_choice_sequence(capsys, tmp_path):
    """As in a record made before choice sequences were kept."""
    assert _refusal(capsys, tmp_path) == (
        f"not replayable here: the record holds no Hypothesis choice sequence for it: pytest {DRAWN}"
    )


def test_another_hypothesis_version(capsys, tmp_path):
    said = _refusal(capsys, tmp_path, choices={**BLOB, "hypothesis": "6.1.0"})
    assert said == (
        f"not replayable here: its example was recorded by Hypothesis 6.1.0, this is {hypothesis.__version__} "
        "(a choice sequence is bound to its version): pip install hypothesis==6.1.0"
    )


def test_suite_file_not_here(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _refusal(capsys, tmp_path, choices=BLOB) == (
        f"not replayable here: its suite file test_replayed.py is not under {tmp_path}: replay from the recorded "
        "run's root"
    )


def test_recorded_device_absent(capsys, pytester):
    pytester.makepyfile(test_replayed=SUITE)
    said = _refusal(capsys, pytester.path, DRAWN.replace("cpu", "xpu:0"), "xpu:0", choices=BLOB)
    assert said.startswith("not replayable here: xpu:0 is not available here (")
    assert said.endswith("; --device cpu replays it on the CPU")


def test_test_no_longer_in_its_suite(capsys, pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_replayed=SUITE)
    gone = "test_replayed.py::test_gone[cpu]"
    assert _refusal(capsys, pytester.path, gone, drawn=False) == (
        f"not replayable here on cpu: its test is not in this suite: {gone}"
    )


def test_choice_sequence_that_no_longer_fits_its_test(capsys, pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_replayed=SUITE)
    said = _refusal(capsys, pytester.path, choices={**BLOB, "blob": encode_failure([]).decode()})
    assert said.startswith("not replayable here on cpu: its test no longer draws the recorded example (DidNotReproduce")


def test_a_rerun_past_its_timeout(capsys, pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_replayed=SUITE)
    said = _refusal(capsys, pytester.path, TABLE, drawn=False, argv=("--timeout", "0.5"))
    assert said == "the replay itself failed on cpu: its test ran past 0.5 s"


def test_the_choice_sequence_is_read_from_hypothesis_note():
    error = AssertionError("differs")
    error.add_note(
        "\nYou can reproduce this test case by temporarily adding @reproduce_failure('6.170.17', "
        "b'AXic02CAAg0HDgjDkQkACDgA3A==') as a decorator on your test function"
    )
    assert record_facts.choices(error) == {"hypothesis": "6.170.17", "blob": "AXic02CAAg0HDgjDkQkACDgA3A=="}
    assert record_facts.choices(AssertionError("no note")) is None


def test_a_malformed_choice_sequence_is_a_usage_error(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_replayed=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--conformance-reproduce=6.170.17", "--co")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--conformance-reproduce '6.170.17': give VERSION:BLOB*"])
