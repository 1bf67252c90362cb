"""Known divergences of shapes (suites/test_shapes.py)."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
