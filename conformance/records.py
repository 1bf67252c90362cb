"""Observations a check makes for the report: known divergences confirmed, torch's errors.

The oracle calls `observe`; the pytest plugin drains the observations after each
test into the test report's `user_properties`, which travel back from xdist
workers and into JUnit XML.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_observations: list[tuple[str, str]] = []


def observe(kind: str, value: str) -> None:
    """Note that the running check saw `value` of `kind` (e.g. a known divergence id)."""
    with _lock:
        _observations.append((kind, value))


def drain() -> list[tuple[str, str]]:
    """The observations since the last drain, each (kind, value) once, in order."""
    with _lock:
        seen = list(dict.fromkeys(_observations))
        _observations.clear()
    return seen
