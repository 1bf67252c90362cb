"""A pytest plugin for `benchmarks/bench.py`: where one run's time goes, per worker.

Loaded with `-p benchmarks.timing` and `CONFORMANCE_TIMING_DIR` set, each process (the
controller and every xdist worker) writes one JSON file there at the end of its session:

- the time of each test's call, and within it the time of every call of the function
  Hypothesis runs (`test.hypothesis.inner_test`, the documented hook for wrapping it): one
  call per example, shrinking included. The difference is Hypothesis' engine (choosing and
  replaying examples, its database);
- inside the examples, for checks that go through `conformance.runner`: building the
  inputs on both sides, the torch calls, the reference calls and the oracle; the rest of an
  example is drawing its inputs (`st.data()` draws run inside the test) and the suite's own
  code;
- collection, crash-isolation helper starts, the test count and the process's peak memory.

With `CONFORMANCE_BENCH_NO_SHRINK` set, the run's Hypothesis profile loses its shrink and
explain phases (`bench.py --no-shrink`).

Hypothesis' observability callbacks would say more, but they cost more than they measure.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

_DIR = os.environ.get("CONFORMANCE_TIMING_DIR")
_seconds: dict[str, float] = defaultdict(float)
_counts: Counter = Counter()


def _timed(key: str, fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _seconds[key] += time.perf_counter() - start
            _counts[key] += 1

    return wrapper


def _instrument() -> None:
    from conformance import isolation, runner

    runner.build_both = _timed("building inputs", runner.build_both)
    runner.assert_conforms = _timed("oracle", runner.assert_conforms)
    original_check_call = runner.check_call

    def check_call(check, torch_call, reference_call, **kwargs):
        return original_check_call(
            check, _timed("torch calls", torch_call), _timed("reference calls", reference_call), **kwargs
        )

    runner.check_call = check_call
    isolation._Helper._start = _timed("crash-isolation starts", isolation._Helper._start)


_session_start = time.perf_counter()


@pytest.hookimpl(trylast=True)  # after Hypothesis' plugin has loaded the run's profile
def pytest_configure(config: pytest.Config) -> None:
    if _DIR:
        _instrument()
    if os.environ.get("CONFORMANCE_BENCH_NO_SHRINK"):
        _without_shrinking()


def _without_shrinking() -> None:
    """The run's profile less its shrink and explain phases: where torch diverges, a run spends
    its time shrinking each failure, which says nothing about how fast the suites test."""
    from hypothesis import Phase, settings

    name = settings.get_current_profile_name()
    current = settings.get_profile(name)
    kept = [phase for phase in current.phases if phase not in (Phase.shrink, Phase.explain)]
    settings.register_profile(name, current, phases=kept)
    settings.load_profile(name)


def pytest_collection_finish(session: pytest.Session) -> None:
    _seconds["collection"] = time.perf_counter() - _session_start
    _counts["tests collected"] = len(session.items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    hypothesis = getattr(getattr(item, "obj", None), "hypothesis", None)
    if _DIR and hypothesis is not None and not getattr(hypothesis.inner_test, "_timed", False):
        hypothesis.inner_test = _timed("examples", hypothesis.inner_test)
        hypothesis.inner_test._timed = True
    start = time.perf_counter()
    yield
    _seconds["hypothesis tests" if hypothesis is not None else "other tests"] += time.perf_counter() - start


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.skipped):
        _counts[f"tests {report.outcome}"] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _DIR:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    facts = {
        "worker": worker,
        "seconds": dict(_seconds),
        "counts": dict(_counts),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "session_seconds": time.perf_counter() - _session_start,
    }
    path = Path(_DIR) / f"{worker}.json"
    path.write_text(json.dumps(facts, indent=1))
