"""Run a selection of a suite in-process, with and without a bug planted in torch."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def suite(name: str) -> str:
    return str(ROOT / "suites" / f"test_{name}.py")


def run(pytester, suite_name: str, selection: str, profile: str = "thorough"):
    """The selection of the suite with a fixed seed, so the outcome is repeatable; the thorough
    profile's budget by default, so that a narrow plant is met (`ci` where the plant is broad)."""
    return pytester.runpytest_inprocess(
        suite(suite_name),
        "-p",
        "no:cacheprovider",
        "-q",
        "--rootdir",
        str(ROOT),
        "--hypothesis-profile",
        profile,
        "--hypothesis-seed",
        "0",
        "-k",
        selection,
    )


def assert_plant_is_caught(
    pytester, monkeypatch, target, name: str, make, suite_name: str, selection: str, profile: str = "thorough"
) -> None:
    """The selection passes on torch as it is and fails once `target.name` is replaced by `make(original)`."""
    baseline = run(pytester, suite_name, selection, profile)
    outcomes = baseline.parseoutcomes()
    assert baseline.ret == 0 and outcomes.get("passed", 0) >= 1, f"the selection must pass unplanted: {outcomes}"
    monkeypatch.setattr(target, name, make(getattr(target, name)))
    planted = run(pytester, suite_name, selection, profile)
    assert planted.parseoutcomes().get("failed", 0) >= 1, planted.stdout.str()[-3000:]
