"""Known divergences of indexing (suites/test_indexing.py)."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
