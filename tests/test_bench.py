"""Self-tests of the benchmark's timing plugin (`benchmarks/timing.py`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FAILING = """
from hypothesis import given, settings, strategies as st

@settings(database=None, max_examples=200)
@given(st.lists(st.integers(0, 1000), min_size=5))
def test_fails(xs):
    assert sum(xs) < 100
"""


def _falsifying(pytester, monkeypatch, *, no_shrink: bool) -> str:
    pytester.makepyfile(FAILING)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("CONFORMANCE_TIMING_DIR", raising=False)
    if no_shrink:
        monkeypatch.setenv("CONFORMANCE_BENCH_NO_SHRINK", "1")
    else:
        monkeypatch.delenv("CONFORMANCE_BENCH_NO_SHRINK", raising=False)
    result = pytester.runpytest_subprocess("-p", "benchmarks.timing", "-p", "no:cacheprovider", "-q")
    result.assert_outcomes(failed=1)
    found = re.search(r"xs=(\[[^\]]*\])", result.stdout.str())
    assert found, result.stdout.str()
    return found.group(1)


def test_failures_are_shrunk_by_default(pytester, monkeypatch):
    assert _falsifying(pytester, monkeypatch, no_shrink=False) == "[0, 0, 0, 0, 100]"


def test_no_shrink_reports_the_failure_as_drawn(pytester, monkeypatch):
    """With the bench's --no-shrink, a failure is reported as first drawn, not shrunk."""
    assert _falsifying(pytester, monkeypatch, no_shrink=True) != "[0, 0, 0, 0, 100]"
