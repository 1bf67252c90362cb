"""Known divergences of reductions and scans (suites/test_reductions.py), in the order the
registry consults them: torch's refusals, its reading of dims, its selections (the lower median,
unique's NaNs, signed zeros), where its unspecified order of summation decides a result, its
bugs (those of its half-precision sums apart), and its result dtypes. The entries live in the `reduction_*` modules of this package."""

from __future__ import annotations

from conformance.known_divergences import (
    reduction_accumulation,
    reduction_bugs,
    reduction_dims,
    reduction_dtypes,
    reduction_half_sums,
    reduction_refusals,
    reduction_selections,
)

ENTRIES = [
    *reduction_refusals.ENTRIES,
    *reduction_dims.ENTRIES,
    *reduction_selections.ENTRIES,
    *reduction_accumulation.ENTRIES,
    reduction_dtypes.MEAN_READS_IN_FLOAT32,
    reduction_refusals.QUANTILE_OF_NO_ELEMENTS,
    # torch bugs, after the entries whose results they replace (dim=(), 0-d inputs)
    *reduction_bugs.ENTRIES,
    *reduction_half_sums.ENTRIES,
    # dtype models last: they restate the result the entries above model
    *reduction_dtypes.ENTRIES,
]
