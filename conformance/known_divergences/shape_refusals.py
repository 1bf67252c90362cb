"""Known divergences of the shape ops' refusals (suites/test_shapes.py): where both sides refuse
a call, torch raises IndexError for a dim out of range and RuntimeError for shape arguments that do
not fit, where NumPy raises AxisError and ValueError."""

from __future__ import annotations

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises
from conformance.known_divergences.shape_checks import SINCE, labels
from conformance.known_divergences.shape_contracts import (
    empty_roll_with_dims_out_of_range,
    expanded_shape,
    fewer_sizes_than_dims,
    legacy_empty,
    scalar_dims,
    shifts_and_dims_differ_in_length,
    squeezes_a_wide_dim,
    zero_dim_expand_keeps_minus_one,
)


def _reference_raised(check: Check, error: type[BaseException]) -> bool:
    return check.reference is not None and isinstance(check.reference.error, error)


def _returns_where_numpy_raises(check: Check) -> bool:
    """A call an entry below models as returning normally in torch, though NumPy raises."""
    name = check.op.name if check.op else ""
    return (
        scalar_dims(check)
        or (name == "squeeze" and squeezes_a_wide_dim(check))
        or (name == "cat" and legacy_empty(check))
        or (name == "expand" and expanded_shape(check) is not None)
    )


def _raises_otherwise(check: Check) -> bool:
    """A call an entry below models as raising an error of its own (torch checks it first)."""
    name = check.op.name if check.op else ""
    return (name == "roll" and shifts_and_dims_differ_in_length(check)) or (
        name == "repeat" and fewer_sizes_than_dims(check)
    )


def _refused_as(check: Check, error: type[BaseException]) -> bool:
    """NumPy raised `error` (and not an AxisError, unless that is asked) where torch raises too."""
    if _returns_where_numpy_raises(check) or _raises_otherwise(check) or not _reference_raised(check, error):
        return False
    return error is np.exceptions.AxisError or not _reference_raised(check, np.exceptions.AxisError)


# expand's refusals are the broadcast refusals conformance.errors already pairs with NumPy's
_SHAPE_OPS = (
    "reshape",
    "view",
    "flatten",
    "squeeze",
    "unsqueeze",
    "transpose",
    "permute",
    "T",
    "mT",
    "movedim",
    "cat",
    "stack",
    "split",
    "chunk",
    "flip",
    "roll",
    "tile",
    "repeat",
)

# torch's messages for the shape checks whose NumPy counterpart raises ValueError
_REFUSALS = (
    r"shape '\[.*\]' is invalid for input of size",
    r"cannot reshape tensor of 0 elements into shape",
    r"view size is not compatible with input tensor's size and stride",
    r"only one dimension can be inferred",
    r"expects at least a 1-dimensional tensor",
    r"tensor\.mT is only supported on matrices",
    r"zero-dimensional tensor \(at position \d+\) cannot be concatenated",
    r"Sizes of tensors must match",
    r"Tensors must have same number of dimensions",
    r"stack expects each tensor to be equal size",
    r"expected a non-empty list of Tensors",
    r"split_with_sizes expects split_sizes",
    r"split_size can only be 0 if dimension size is 0",
    r"split expects split_size be non-negative",
    r"chunk expects `chunks` to be greater than 0",
    r"appears multiple times in the list of dims",
    r"duplicate dims are not allowed",
    r"repeated dim",
    r"start_dim cannot come after end_dim",
    r"number of dims don't match in permute",
    r"the number of sizes provided \(\d+\) must be greater or equal",
    r"Invalid source or destination dims",
    r"movedim: Invalid",
)

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="dim-out-of-range-index-error",
        ops=labels(*_SHAPE_OPS),
        summary="a dim out of range raises IndexError in torch; NumPy raises AxisError, a ValueError and an IndexError",
        example="torch.ones(2).unsqueeze(3)  # IndexError: Dimension out of range; np.expand_dims(np.ones(2), 3)  # AxisError",
        reason="NumPy's AxisError derives from both ValueError and IndexError; torch's dim wrapping raises a plain "
        "IndexError (the error classes agree through IndexError, which the class comparison does not see)",
        torch_gives=Raises(
            IndexError, "Dimension out of range|Dimension specified as -?\\d+ but tensor has no dimensions"
        ),
        when=lambda check: _refused_as(check, np.exceptions.AxisError) and not empty_roll_with_dims_out_of_range(check),
        link="https://numpy.org/doc/stable/reference/generated/numpy.exceptions.AxisError.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="shape-refusal-runtime-error",
        ops=labels(*_SHAPE_OPS),
        summary="torch refuses shape arguments that do not fit (another element count, a view that needs a copy, "
        "repeated dims, sizes that do not add up, too few dims) with RuntimeError; NumPy with ValueError",
        example="torch.ones(2, 3).reshape(5)  # RuntimeError: shape '[5]' is invalid for input of size 6; "
        "np.reshape(np.ones((2, 3)), 5)  # ValueError",
        reason="torch reports invalid arguments found by its shape checks (TORCH_CHECK) as RuntimeError",
        torch_gives=Raises(RuntimeError, "|".join(_REFUSALS)),
        when=lambda check: _refused_as(check, ValueError) and not zero_dim_expand_keeps_minus_one(check),
        link="https://pytorch.org/docs/stable/generated/torch.reshape.html",
        since=SINCE,
    ),
]
