"""Known divergences of the reductions that select elements (suites/test_reductions.py): median's
lower middle value and its refusal of an empty dim, unique's NaNs, and the zero a selection keeps
where +0.0 and -0.0 meet."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import floating_values as _floating_values
from conformance.known_divergences.reduction_checks import gradient_of as _gradient_of
from conformance.known_divergences.reduction_checks import is_forward as _is_forward
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import refusal as _refusal
from conformance.known_divergences.reduction_checks import tag as _tag
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.ops.reduction_results import nan_slots_in_order

# ---------------------------------------------------------------------------
# median: the lower of the two middle values


def _lower_median(check: Check, values: np.ndarray | None = None) -> Any:
    """torch's median: the lower middle value (np.quantile's 'lower'; nanmedian ignoring NaN), in
    x's dtype (of `values` as given, for finite differences), with the same structure as the
    reference's ((values, values) over a dim)."""
    op, x, arguments = _reduction(check), _x(check), _arguments(check)
    given = values is not None
    values = np.asarray(values if given else x.values)
    dim, keepdim = arguments.get("dim"), bool(arguments.get("keepdim", False)) and arguments.get("dim") is not None
    zero_dim = values.ndim == 0 and dim in (0, -1)
    if zero_dim:  # torch reads a 0-d input's dim 0 as a one-element dim, and keeps the result 0-d
        values, dim, keepdim = values.reshape(1), 0, False
    function = np.nanquantile if op.name == "nanmedian" else np.quantile
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, as torch gives
        lower = function(values, 0.5, axis=dim, keepdims=keepdim, method="lower")
    lower = np.asarray(lower).reshape(()) if zero_dim else np.asarray(lower)
    lower = lower if given else _tag(lower.astype(x.dtype.numpy), x.dtype)
    return lower if dim is None else (lower, lower)


def _middles_differ(check: Check) -> bool:
    """Integer inputs (NumPy's median is a float64 mean), or a reduced row with an even number of
    (non-NaN, for nanmedian) values whose two middle values differ, or whose lower middle value
    is -0.0 (torch selects it; NumPy's mean of it is +0.0)."""
    op, x = _reduction(check), _x(check)
    if x.dtype.is_complex:  # refused, but for no elements without a dim: NaN on both sides
        return False
    if x.dtype.is_integral:  # but the median of no elements at all, whose garbage value no model states
        return x.values.size > 0 or _arguments(check).get("dim") is not None
    dim = _arguments(check).get("dim")
    values = np.asarray(x.values, dtype=np.float64)
    if values.size == 0:
        return False
    if dim is None or values.ndim == 0:
        rows = values.reshape(1, -1)
    else:
        axis = dim % values.ndim
        rows = np.moveaxis(values, axis, -1).reshape(-1, values.shape[axis])
    for row in rows:
        if op.name == "median" and np.isnan(row).any():
            continue
        row = np.sort(row[~np.isnan(row)])
        if row.size == 0:
            continue
        lower = row[(row.size - 1) // 2]
        if (row.size % 2 == 0 and lower != row[row.size // 2]) or (lower == 0 and np.signbit(lower)):
            return True
    return False


def _median_applies(check: Check) -> bool:
    if _reduction(check) is None or not isinstance(check.inputs.get("x"), ArrayInput):
        return False
    dim = _arguments(check).get("dim")
    if _x(check).shape == () and dim not in (None, 0, -1):
        return False  # a dim a 0-d tensor does not have: refused on both sides
    if _over_empty_dim(check):
        return False  # refused by torch: median-refuses-empty-dim
    return _refusal(check) is None and _middles_differ(check)


def _over_empty_dim(check: Check) -> bool:
    """median/nanmedian over a dim (in range) of size 0."""
    dim, shape = _arguments(check).get("dim"), _x(check).shape
    if not isinstance(dim, int) or not shape or not -len(shape) <= dim < len(shape):
        return False
    return shape[dim] == 0


def _torch_median(check: Check, reference: object) -> Any:
    if check.gradient_of is not None:
        return _gradient_of(check, lambda array: _lower_median(check, array))
    return _lower_median(check)


# ---------------------------------------------------------------------------
# unique: NaNs


def _several_nans(check: Check) -> bool:
    values = _floating_values(_x(check)) if _is_forward(check) else None
    return values is not None and int(np.isnan(values).sum()) >= 2


def _unique_nans_apart(check: Check, reference: object) -> Any:
    """np.unique with equal_nan=False: every NaN its own value, with its own inverse index (the
    NaN elements, in x's order, pointing to the NaN slots in order, as the suite reads torch's)."""
    x, arguments = _x(check), _arguments(check)
    values, inverse, counts = np.unique(x.values.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
    items = [_tag(values, x.dtype)]
    if arguments.get("return_inverse"):
        items.append(nan_slots_in_order(values, inverse.reshape(x.shape).astype(np.int64)))
    if arguments.get("return_counts"):
        items.append(counts.astype(np.int64))
    return items[0] if len(items) == 1 else tuple(items)


# ---------------------------------------------------------------------------
# signed zeros of selections


_SELECTIONS = ("amax", "amin", "max", "min", "median", "nanmedian", "quantile", "sort", "argsort", "topk", "unique")


def _zeros_of_both_signs(check: Check) -> bool:
    """Floating inputs (x, and max's other) hold both +0.0 and -0.0 between them, and the op does
    not promise their order (a stable sort does)."""
    if not _is_forward(check) or _arguments(check).get("stable"):
        return False
    inputs = [v for v in (check.inputs["x"], _arguments(check).get("other")) if isinstance(v, ArrayInput)]
    zeros = [np.asarray(inp.values)[np.asarray(inp.values) == 0] for inp in inputs if inp.dtype.is_floating]
    signs = {bool(sign) for values in zeros for sign in np.signbit(values)}
    return signs == {True, False}


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="median-lower-middle",
        ops=_labels(("median", "nanmedian"), gradients_too=True),
        summary="median of an even count is the lower of the two middle values (NumPy: their mean), in the input's dtype",
        example="torch.median(torch.tensor([1., 2., 3., 4.]))  # tensor(2.); np.median([1., 2., 3., 4.])  # 2.5",
        reason="torch documents it: 'the median is not unique for input tensors with an even number of elements... "
        "the lower of the two medians is returned'; its gradient flows to that element",
        torch_gives=Returns(_torch_median, "the lower middle value (np.quantile, method='lower')"),
        when=_median_applies,
        link="https://pytorch.org/docs/stable/generated/torch.median.html",
    ),
    KnownDivergence(
        id="median-refuses-empty-dim",
        ops=_labels(("median", "nanmedian")),
        summary="median/nanmedian over a dim of size 0 raise IndexError; NumPy gives NaN for each empty slice",
        example="torch.median(torch.ones(2, 0), 1)  # IndexError: median(): Expected reduction dim 1 to have "
        "non-zero size; np.median(np.ones((2, 0)), 1)  # array([nan, nan])",
        reason="a median has no identity: torch refuses a reduction of no elements, as it does for amax",
        torch_gives=Raises(IndexError, r"Expected reduction dim -?\d+ to have non-zero size"),
        when=lambda check: (
            _is_forward(check) and _reduction(check).name in ("median", "nanmedian") and _over_empty_dim(check)
        ),
        link="https://pytorch.org/docs/stable/generated/torch.median.html",
    ),
    KnownDivergence(
        id="unique-nans-are-distinct",
        ops=_labels(("unique",)),
        summary="torch.unique keeps every NaN as a value of its own; NumPy 2's unique merges them (equal_nan=True)",
        example="torch.unique(torch.tensor([nan, nan]))  # tensor([nan, nan]); np.unique([nan, nan])  # array([nan])",
        reason="NaN != NaN: torch's unique compares with ==, NumPy 2 merges NaNs by default",
        torch_gives=Returns(_unique_nans_apart, "np.unique(..., equal_nan=False)"),
        when=_several_nans,
        link="https://numpy.org/doc/stable/reference/generated/numpy.unique.html",
    ),
    KnownDivergence(
        id="selection-signed-zeros",
        ops=_labels(_SELECTIONS),
        summary="max, min, median, quantile, unstable sorts, topk and unique may give either zero where +0.0 and -0.0 meet",
        example="torch.amax(torch.tensor([0., -0.]))  # tensor(0.); np.amax([0., -0.])  # -0.0",
        reason=(
            "+0.0 == -0.0, so which of them a selection keeps follows the order torch compares in (vectorised "
            "lanes, partitions, threads), which it does not specify; no model of that order can be written"
        ),
        when=_zeros_of_both_signs,
        signed_zeros=False,
        link="https://pytorch.org/docs/stable/generated/torch.amax.html",
    ),
]
