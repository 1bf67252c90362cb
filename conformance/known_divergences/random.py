"""Known divergences of random (suites/test_random.py): random distributions."""

from __future__ import annotations

from conformance.divergences import KnownDivergence

ENTRIES: list[KnownDivergence] = []
