"""The known divergences between torch and NumPy, as data, and the registry of them.

Each entry is a documented fact about torch: what differs, when (op, inputs,
device), a minimal example, why, and a link where one exists. The oracle checks
that torch still diverges exactly as documented; see `conformance.divergences`.

Conditions and models are small functions of the `Check` (its Op, operands, device
and the reference's outcome): those of one area live next to its entries, those
shared in `conformance.conditions`, never in the suites. Entries are grouped by area;
the order matters where several apply to one check (their documented results
compose in this order).
"""

from __future__ import annotations

from conformance.divergences import Registry
from conformance.known_divergences import (
    autograd,
    complex,
    copies,
    creation,
    cuda_kernels,
    device_asserts,
    elementwise,
    indexing,
    interop,
    linalg,
    mixed_operands,
    promotion,
    random,
    reductions,
    shapes,
)

ENTRIES = [
    *creation.ENTRIES,
    *elementwise.ENTRIES,
    *complex.ENTRIES,
    *promotion.ENTRIES,
    *elementwise.AFTER_PROMOTION,
    *interop.ENTRIES,
    *autograd.ENTRIES,
    *reductions.ENTRIES,
    *indexing.ENTRIES,
    *shapes.ENTRIES,
    *linalg.ENTRIES,
    *copies.ENTRIES,
    *mixed_operands.ENTRIES,
    *random.ENTRIES,
    *device_asserts.ENTRIES,
    *cuda_kernels.ENTRIES,
]
REGISTRY = Registry(ENTRIES)
