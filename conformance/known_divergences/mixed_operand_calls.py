"""The calls that the known divergences of mixed operands name (suites/test_mixed_operands.py):
the binary elementwise ops, ops by name, and the groups of ops and operators that take numbers
or ndarrays at some positions only."""

from __future__ import annotations

from conformance import mixed_operands as mixed
from conformance import ops
from conformance.check import Check


def binary(op: ops.Op) -> bool:
    """An elementwise op of two or more tensor operands."""
    return op.elementwise and sum(o.dtype is None for o in op.operands) >= 2


def named(*names: str):
    """Picks the ops of these names (for `ops.labels`)."""
    return lambda op: op.name in names


# ops whose functions take tensors only, at either position (maximum & co: minmax-tensors-only)
TENSORS_ONLY = ("atan2", "hypot", "logical_and", "logical_or", "logical_xor")
MINMAX = ("maximum", "minimum", "fmax", "fmin")
# ops whose functions take a number second but not first (no Scalar-first overload)
NO_NUMBER_SELF = ("fmod", "copysign", "eq", "ne", "lt", "le", "gt", "ge", "clamp")
# Python operators that decline an ndarray on their left (truediv goes through reciprocal, eq
# and ne through NumPy); the ordered comparisons decline it on either side
DECLINE_NDARRAY_FIRST = ("add", "sub", "mul", "floordiv", "mod", "pow", "and_", "or_", "xor", "lshift", "rshift")
ORDERED = ("lt", "le", "gt", "ge")


def bfloat16_with_ndarray(check: Check) -> bool:
    """A bfloat16 tensor and an ndarray under an operator that hands them to NumPy."""
    tensors = [v for _, v in mixed.free_values(check) if hasattr(v, "layout")]
    declined = mixed.ndarray_first(check) and check.label.removeprefix("operator.") in DECLINE_NDARRAY_FIRST
    return mixed.ndarray_operand(check) and any(t.dtype.name == "bfloat16" for t in tensors) and not declined
