"""The census' verdicts: a bug caught in some of a randomized profile's runs is not caught."""

from __future__ import annotations

import itertools

import pytest

from benchmarks import census


def _runs(monkeypatch, outcomes):
    """Replace the census' pytest run by `outcomes` in turn (True caught, False missed, None
    an error), counting the calls."""
    calls = []
    results = itertools.cycle(outcomes)

    def fake(profile, plant, suite, workers="0"):
        calls.append(profile)
        caught = next(results)
        if caught is None:
            return {"caught": None, "error": "pytest exit status 4", "wall_s": 1.0, "output": ""}
        return {"caught": caught, "test": "suites/x.py::test_x[cpu]", "seconds": 2.0, "wall_s": 3.0}

    monkeypatch.setattr(census, "run", fake)
    return calls


def test_a_bug_missed_in_one_run_of_three_is_not_caught(monkeypatch):
    calls = _runs(monkeypatch, [True, False, True])
    result = census.measure("dev", "bug", "suite", "0", 3)
    assert len(calls) == 3 and result["caught"] is False
    assert census._cell(result) == "caught in 2 of 3 runs (first by `test_x[cpu]` in 2 s)"


def test_a_bug_caught_in_every_run_is_caught(monkeypatch):
    _runs(monkeypatch, [True])
    result = census.measure("dev", "bug", "suite", "0", 2)
    assert result["caught"] is True and census._cell(result).startswith("caught in 2 of 2 runs")


def test_a_derandomized_profile_runs_once(monkeypatch):
    calls = _runs(monkeypatch, [False])
    result = census.measure("ci", "bug", "suite", "0", 5)
    assert calls == ["ci"] and census._cell(result) == "MISSED (3 s)"


def test_an_error_in_any_run_is_reported(monkeypatch):
    _runs(monkeypatch, [True, None])
    result = census.measure("dev", "bug", "suite", "0", 2)
    assert result["caught"] is None and census._cell(result) == "error (pytest exit status 4)"


def test_repeat_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        census.main(["--repeat", "0"])
    assert "--repeat needs at least 1 run" in capsys.readouterr().err
