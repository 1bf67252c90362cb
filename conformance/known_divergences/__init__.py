"""The known divergences between torch and NumPy/CuPy, as data.

Each entry is a documented fact about torch: what differs, when (op, inputs,
device), a minimal example, why, and a link where one exists. The oracle checks
that torch still diverges exactly as documented; see `conformance.divergences`.

Conditions and models are small functions of the `Check` (the op's inputs and the
reference's outcome); they live next to the entry they belong to, never in the
suites. Entries are grouped by area; the order matters where several apply to one
check (their documented results compose in this order).
"""

from __future__ import annotations

from conformance.known_divergences import autograd, creation, elementwise, interop, promotion

ENTRIES = [*creation.ENTRIES, *elementwise.ENTRIES, *promotion.ENTRIES, *interop.ENTRIES, *autograd.ENTRIES]
