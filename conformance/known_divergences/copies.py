"""Known divergences of copies, moves and mixed operands (suites/test_copies.py)."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
