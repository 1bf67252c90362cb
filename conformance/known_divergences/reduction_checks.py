"""Reading a reduction's check, for the registry entries of reductions and scans: its op, its
input x, its arguments (keyword and tensor ones alike), and NumPy results tagged as the suite
tags them."""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance import gradients
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.ops.reduction_types import Reduction, arguments_of
from conformance.ops.reductions import REDUCTIONS

# the reductions that read dim=() as every dim (all and any read it as none, as NumPy does)
EMPTY_TUPLE_REDUCES_ALL = (
    "sum",
    "nansum",
    "mean",
    "nanmean",
    "var",
    "std",
    "amax",
    "amin",
    "count_nonzero",
    "logsumexp",
)


def labels(names: tuple[str, ...] | None = None, *, gradients_too: bool = False) -> tuple[str, ...]:
    """The form labels of the named reductions (all, for None), and their gradients' labels."""
    chosen = [op for op in REDUCTIONS if names is None or op.name in names]
    found = [form.label for op in chosen for form in op.forms]
    if gradients_too:
        found += [gradient_label(op) for op in chosen if op.differentiable]
    return tuple(found)


def gradient_label(op: Reduction) -> str:
    """The label of the suite's gradient check of `op`."""
    return f"d {op.function_form.label} / d x"


def reduction(check: Check) -> Reduction | None:
    return check.op if isinstance(check.op, Reduction) else None


def x_of(check: Check) -> ArrayInput:
    return check.inputs["x"]


def arguments(check: Check) -> dict[str, Any]:
    return arguments_of(check)


def is_forward(check: Check) -> bool:
    return reduction(check) is not None and check.gradient_of is None and isinstance(check.inputs.get("x"), ArrayInput)


def is_gradient(check: Check) -> bool:
    return reduction(check) is not None and check.gradient_of is not None and check.upstream is not None


def host(given: dict) -> dict:
    """The arguments as the NumPy reference takes them (tensor arguments as their values)."""
    return {k: v.values if isinstance(v, ArrayInput) else v for k, v in given.items()}


def tag(value: Any, dtype: dt.DType) -> Any:
    """A NumPy result in the dtype it stands for (float32 carriers of bfloat16 rounded and tagged)."""
    if isinstance(value, tuple):
        return tuple(tag(item, dtype) for item in value)
    array = np.asarray(value)
    return as_dtype(array, dtype) if not dtype.native_numpy and array.dtype == dtype.numpy else array


def gradient_of(check: Check, function) -> Any:
    """The gradient of sum(v * function(x)) by central differences in float64, in x's dtype."""
    x = x_of(check)

    def values_of(array: np.ndarray) -> np.ndarray:
        result = function(array)
        return np.asarray(result[0] if isinstance(result, tuple) else result, dtype=np.float64)

    (gradient,) = gradients.finite_difference_vjp(values_of, check.upstream.values, [x.values])
    return as_dtype(gradient, x.dtype)


def floating_values(inp: ArrayInput) -> np.ndarray | None:
    return inp.values if (inp.dtype.is_floating or inp.dtype.is_complex) else None


def effective(check: Check) -> dict:
    """The arguments, with dim=() read as every dim where torch reads it so."""
    given = dict(arguments(check))
    if given.get("dim") == () and reduction(check).name in EMPTY_TUPLE_REDUCES_ALL:
        given["dim"] = None
    return given


def empty_dim_tuple(check: Check) -> bool:
    """A reduction given dim=()."""
    return reduction(check) is not None and arguments(check).get("dim", None) == ()


def reads_every_dim(check: Check) -> bool:
    """dim=() given to a reduction that reads it as every dim."""
    return empty_dim_tuple(check) and reduction(check).name in EMPTY_TUPLE_REDUCES_ALL


def dim_of(check: Check):
    """The dim the op runs along: as given, else the op's default (sort's -1; None for every dim)."""
    return arguments(check).get("dim", reduction(check).default_dim)


def zero_dim_with_dims(check: Check) -> bool:
    """A forward check of a 0-d x along a dim (given, or the op's default)."""
    if not is_forward(check) or x_of(check).shape != ():
        return False
    dim = dim_of(check)
    return dim is not None and dim != ()


def refusal(check: Check):
    """The catalog entry's dtype refusal that applies to this forward check, if any."""
    return reduction(check).refusal(x_of(check), arguments(check)) if is_forward(check) else None
