"""Known divergences of reductions (suites/test_reductions.py)."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
