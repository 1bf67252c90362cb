"""Known divergences of shape ops (suites/test_shapes.py): where torch's shape functions have
another contract than NumPy's, where one library copies and the other views, and where torch
leaves part of an out= unwritten. In the order the registry consults them: torch.flip
(`shape_flip`), the contracts (`shape_contracts`), the refusals (`shape_refusals`), cat and stack
with out= (`shape_join_out`)."""

from __future__ import annotations

from conformance.known_divergences import shape_contracts, shape_flip, shape_join_out, shape_refusals

ENTRIES = [*shape_flip.ENTRIES, *shape_contracts.ENTRIES, *shape_refusals.ENTRIES, *shape_join_out.ENTRIES]
