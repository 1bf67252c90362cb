"""Known divergences of linalg (suites/test_linalg.py)."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
