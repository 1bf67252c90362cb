"""Known divergences of shape ops (suites/test_shapes.py): where torch's shape functions have
another contract than NumPy's, and where one library copies and the other views. In the order the
registry consults them: torch.flip (`shape_flip`), the contracts (`shape_contracts`), the
refusals (`shape_refusals`)."""

from __future__ import annotations

from conformance.known_divergences import shape_contracts, shape_flip, shape_refusals

ENTRIES = [*shape_flip.ENTRIES, *shape_contracts.ENTRIES, *shape_refusals.ENTRIES]
