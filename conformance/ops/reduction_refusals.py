"""The dtypes torch refuses for the reductions and scans of the catalog, and for which inputs it gets
as far as refusing (measured per op: a kernel torch lacks is not reached by no elements). The
catalog's entries (`conformance.ops.reductions`) take their `refuses` from here."""

from __future__ import annotations

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops.reduction_types import Refusal, always

# ---------------------------------------------------------------------------
# For which inputs torch gets as far as refusing


def _dims_named(x: ArrayInput, arguments: dict) -> tuple[int, ...] | None:
    """The dims a dim argument names (None where none is given, or dim=() which torch reads as none)."""
    dim = arguments.get("dim")
    if dim is None or dim == ():
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(d % max(x.values.ndim, 1) for d in dims)


def kernel_runs(x: ArrayInput, arguments: dict) -> bool:
    """A kernel torch lacks is reached only where some element reaches it: not for no elements."""
    return x.values.size > 0


def kernel_runs_but_for_0d_dims(x: ArrayInput, arguments: dict) -> bool:
    """The dim forms of max and min, and the scans, copy a 0-d input along dim 0 or -1."""
    return kernel_runs(x, arguments) and not (x.shape == () and arguments.get("dim") is not None)


def kernel_runs_but_over_one(x: ArrayInput, arguments: dict) -> bool:
    """argmax and argmin over a dim of size 1 (of a tensor with dims) are zeros, no kernel runs."""
    dims = _dims_named(x, arguments)
    over_one = bool(x.shape) and dims is not None and all(x.shape[d] == 1 for d in dims)
    return kernel_runs(x, arguments) and not over_one


def median_kernel_reached(x: ArrayInput, arguments: dict) -> bool:
    """median's dim form is refused even with no elements (but over a dim of size 0, which it
    refuses first with IndexError); its whole-tensor form only where some element reaches it."""
    dim = arguments.get("dim")
    if dim is None:
        return kernel_runs(x, arguments)
    shape = x.shape
    return not (shape and -len(shape) <= dim < len(shape) and shape[dim] == 0)


def not_0d(x: ArrayInput, arguments: dict) -> bool:
    """topk copies a 0-d input (along its default dim -1, too)."""
    return x.shape != ()


def whole_tensor_only(x: ArrayInput, arguments: dict) -> bool:
    """count_nonzero of the whole tensor has a kernel of its own (refused even for no elements);
    over dims it is a comparison and a sum, which torch has."""
    return _dims_named(x, arguments) is None


# ---------------------------------------------------------------------------
# The refusals

LIMITED = dt.LIMITED_UNSIGNED_INTS
INTEGRAL = dt.INTEGRAL
_NO_KERNEL = r"not implemented for"


def no_kernel(dtypes: tuple[str, ...], *, reached=kernel_runs, on: str = "computed", **fields) -> Refusal:
    """torch has no kernel for these dtypes ("... not implemented for 'UInt16'")."""
    return Refusal(dtypes, _NO_KERNEL, on=on, reached=reached, **fields)


# sums and products of uint16/32/64 inputs give int64, but dtype=uint16/32/64 asks for a kernel torch lacks
LIMITED_DTYPE_ARGUMENT = no_kernel(LIMITED, on="argument")
# nansum (and nanmean, through it) refuses complex inputs outright, and has no complex kernel
# for a floating input with dtype=complex64 (integers with it are a plain sum)
NANSUM_COMPLEX = (
    Refusal(dt.COMPLEX, r"nansum on CPU does not support complex inputs", on="input"),
    no_kernel(dt.COMPLEX, on="argument", from_inputs=dt.FLOATS),
)
# minimum/maximum, behind max(x, other) and min(x, other), refuse uint16/32/64 even with no elements
ELEMENTWISE_EXTREME = (
    no_kernel(LIMITED, reached=always, given="other"),
    Refusal(dt.COMPLEX, r"(maximum|minimum) not implemented for complex tensors", given="other"),
)
# max and min: over a dim, an explicit check refuses complex inputs; of the whole tensor, no kernel
EXTREME_REFUSALS = (
    *ELEMENTWISE_EXTREME,
    Refusal(dt.COMPLEX, r"(max|min)\(\): does not support complex input", given="dim"),
    no_kernel((*LIMITED, *dt.COMPLEX), reached=kernel_runs_but_for_0d_dims),
)
# cumsum and cumprod have no kernel that writes bool either
SCAN_DTYPE_ARGUMENT = no_kernel(("bool", *LIMITED), on="argument", reached=kernel_runs_but_for_0d_dims)
