"""Run records: one record under xdist with every outcome, the shrunk example of a divergence,
the environment, and a valid record of what finished when the run is interrupted or killed."""

from __future__ import annotations

import json

import hypothesis
import pytest
from recording import PLANTED, make_suite, outcomes, run_recorded

from conformance import example, record


def test_one_record_from_all_workers(pytester, monkeypatch):
    make_suite(pytester)
    path = pytester.path / "records" / "run.json"
    result = run_recorded(pytester, monkeypatch, path, "-n", "2", "--conformance-label", "cpu-job", plant=True)
    result.stdout.fnmatch_lines(["created: 2/2 workers"])
    assert outcomes(path) == PLANTED
    data = json.loads(path.read_text())
    assert (data["format"], data["version"]) == (record.FORMAT, record.VERSION)
    assert data["complete"] and data["status"] == "finished" and data["not_run"] == 0
    assert data["summary"] == {"pass": 3, "known": 1, "divergence": 1, "changed": 0, "skip": 1, "error": 1}
    environment = data["environment"]
    for key in (
        "torch",
        "torch_git",
        "torch_debug",
        "build_config",
        "cuda",
        "rocm",
        "cudnn",
        "gpus",
        "numpy",
        "cupy",
        "hypothesis",
        "python",
        "platform",
        "devices",
        "profile",
        "seed",
        "registry",
    ):
        assert key in environment, key
    assert environment["label"] == "cpu-job" and environment["devices"] == ["cpu"]
    assert set(environment["registry"]) == {"newest_known", "entries", "digest"}

    checks = {c["id"].split("::")[-1]: c for c in data["checks"]}
    diverging = checks["test_values[float32-maximum-cpu]"]
    assert (diverging["suite"], diverging["test"], diverging["op"], diverging["form"]) == (
        "tiny",
        "test_values",
        "maximum",
        None,
    )
    assert (diverging["dtype"], diverging["device"]) == ("float32", "cpu")
    assert diverging["row"].endswith("test_values[float32-maximum]")
    (divergence,) = diverging["divergences"]
    assert divergence["id"] == record.divergence_id(diverging["id"])
    assert divergence["message"].startswith("values: 1 of 3 element(s) differ")
    assert "reproducer" not in divergence["message"] and "torch.maximum(x, y)" in divergence["reproducer"]
    shrunk = example.inputs(divergence["example"])["x"]
    assert shrunk.values.tolist() == [3.0, 1.0, -0.0], "the shrunk example: the smallest float above 2"
    assert divergence["example"]["replay"] == {"runner": "check_op", "dtype": "float32"}
    # the choice sequence of the shrunk example, which replay reruns a test on, travels back from a worker
    assert diverging["drawn"] and divergence["choices"]["hypothesis"] == hypothesis.__version__
    assert divergence["choices"]["blob"] and checks["test_known[cpu]"]["drawn"] is False
    assert checks["test_known[cpu]"]["known"] == ["default-float32"]
    assert checks["test_skipped[cpu]"]["reason"] == "nothing to check here"
    assert checks["test_error[cpu]"]["error"] == "RuntimeError: the harness broke"


def test_record_without_xdist_is_the_same(pytester, monkeypatch):
    make_suite(pytester)
    path = pytester.path / "run.json"
    run_recorded(pytester, monkeypatch, path, "-p", "no:xdist", plant=True)
    assert outcomes(path) == PLANTED


INTERRUPTED = """
import time

def test_first():
    pass

def test_second():
    time.sleep(2.5)  # past the record's rewrite interval: the first two are on disk

def test_third():
    {stop}

def test_fourth():
    pass
"""


def test_interrupted_run_leaves_a_valid_incomplete_record(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["conformance.plugin"]')
    pytester.makepyfile(test_stop=INTERRUPTED.format(stop="raise KeyboardInterrupt"))
    path = pytester.path / "run.json"
    result = run_recorded(pytester, monkeypatch, path)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    data = json.loads(path.read_text())
    assert not data["complete"] and data["status"] == "interrupted"
    assert outcomes(path) == {"test_first": "pass", "test_second": "pass"}
    assert data["not_run"] == 2


def test_killed_run_leaves_the_last_valid_record(pytester, monkeypatch):
    """A run killed outright (no chance to finish) leaves the last record written while it ran."""
    pytester.makeconftest('pytest_plugins = ["conformance.plugin"]')
    pytester.makepyfile(test_stop=INTERRUPTED.format(stop="import os, signal; os.kill(os.getpid(), signal.SIGKILL)"))
    path = pytester.path / "run.json"
    run_recorded(pytester, monkeypatch, path)
    data = json.loads(path.read_text())
    assert not data["complete"] and data["status"] == "running"
    assert outcomes(path) == {"test_first": "pass", "test_second": "pass"}
    assert not list(pytester.path.glob(".run.json.*")), "no temporary file is left behind"


def test_crashed_worker_is_an_error_and_the_record_incomplete(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["conformance.plugin"]')
    pytester.makepyfile(test_crash="import os\n\ndef test_fine():\n    pass\n\ndef test_crash():\n    os._exit(3)\n")
    path = pytester.path / "run.json"
    run_recorded(pytester, monkeypatch, path, "-n", "2")
    data = json.loads(path.read_text())
    assert outcomes(path) == {"test_fine": "pass", "test_crash": "error"}
    assert not data["complete"] and data["status"] == "incomplete"
    crashed = next(c for c in data["checks"] if c["id"].endswith("test_crash"))
    assert "crashed" in crashed["error"]


def test_record_path_that_is_a_directory_is_a_usage_error(pytester, monkeypatch):
    make_suite(pytester)
    result = run_recorded(pytester, monkeypatch, pytester.path, "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--conformance-record * is a directory*"])


def test_shards_split_the_checks_and_their_records_merge(pytester, monkeypatch):
    from conformance.report import load, merge

    make_suite(pytester)
    paths = [pytester.path / f"shard{k}.json" for k in (1, 2, 3)]
    for k, path in enumerate(paths, start=1):
        run_recorded(
            pytester, monkeypatch, path, "-p", "no:xdist", f"--conformance-shard={k}/3", "--conformance-label=job"
        )
    shards = [set(outcomes(path)) for path in paths]
    assert sum(len(s) for s in shards) == len(set().union(*shards)) == len(PLANTED)
    matrix = merge([(str(p), load(p)) for p in paths])
    assert [c.name for c in matrix.columns] == ["job / cpu"] and len(matrix.rows) == len(PLANTED)


def test_a_bad_shard_is_a_usage_error(pytester, monkeypatch):
    make_suite(pytester)
    result = run_recorded(pytester, monkeypatch, pytester.path / "r.json", "--conformance-shard=4/3", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--conformance-shard '4/3': give K/N with 1 <= K <= N*"])


def test_a_changed_documented_divergence_is_recorded_as_changed(pytester, monkeypatch):
    from test_plugin import CHANGED

    pytester.makeconftest('pytest_plugins = ["conformance.plugin"]')
    pytester.makepyfile(test_changed=CHANGED)
    for mode in ("fail", "report"):
        path = pytester.path / f"{mode}.json"
        run_recorded(pytester, monkeypatch, path, f"--known-changes={mode}")
        (entry,) = json.loads(path.read_text())["checks"]
        assert (entry["outcome"], entry["entries"]) == ("changed", ["planted"]), mode
        (divergence,) = entry["divergences"]
        assert divergence["kind"] == "changed" and divergence["example"]["label"] == "torch.planted"
        assert divergence["message"].startswith("changed: documented divergence 'planted' no longer happens")
