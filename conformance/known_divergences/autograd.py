"""Known divergences of gradients (suites/test_autograd.py): torch's backward formulas
computed in the tensor's dtype, against the derivative computed in float64."""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance import ops
from conformance.divergences import Check, KnownDivergence, Returns
from conformance.oracle import as_dtype


def _gradient_of(op_name: str, operand: str) -> tuple[str, ...]:
    """The labels the autograd suite gives the gradient of `op_name`'s forms with respect to `operand`."""
    return tuple(f"d {label} / d {operand}" for label in ops.labels(lambda op: op.name == op_name, inplace=False))


def _rounded(dtype: dt.DType, values) -> np.ndarray:
    """Values rounded to `dtype` and held in its carrier (each step of a formula torch runs in the dtype)."""
    with np.errstate(all="ignore"):
        carried = np.asarray(values, dtype=np.float64).astype(dtype.numpy)
    return carried if dtype.native_numpy else dt.round_to(dtype.name, carried)


def _div_quotient_over_divisor(check: Check) -> np.ndarray:
    """(x / y) / y, each division rounded to the dtype, broadcast to the result's shape."""
    x, y = check.inputs["x"], check.inputs["y"]
    with np.errstate(all="ignore"):
        quotient = _rounded(x.dtype, x.values.astype(np.float64) / y.values)
        return _rounded(x.dtype, quotient / y.values)


def _div_divisor_gradient_in_dtype(check: Check, reference: object) -> object:
    """torch's gradient of x / y with respect to y: -v * ((x / y) / y) in the dtype
    (div_tensor_other_backward), summed over y's broadcast dims."""
    y, upstream = check.inputs["y"], check.inputs["upstream"]
    with np.errstate(all="ignore"):
        elementwise = _rounded(y.dtype, -np.asarray(upstream.values, np.float64) * _div_quotient_over_divisor(check))
        return as_dtype(ops.sum_to_shape(elementwise.astype(np.float64), y.shape), y.dtype)


def _div_intermediate_overflows(check: Check) -> bool:
    x, y = check.inputs.get("x"), check.inputs.get("y")
    if x is None or y is None or "upstream" not in check.inputs or y.dtype.name not in dt.REDUCED_FLOATS:
        return False
    return bool(np.isinf(_div_quotient_over_divisor(check)).any())


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="div-divisor-gradient-overflows",
        ops=_gradient_of("true_divide", "y"),
        summary=(
            "the float16/bfloat16 gradient of x / y with respect to y is -v * ((x / y) / y) computed in the dtype, "
            "so it is inf (or nan where v is 0) wherever x / y² overflows, even where v * x / y² does not"
        ),
        example=(
            "x, y = torch.tensor(16., dtype=torch.float16), torch.tensor(0.01563, dtype=torch.float16, "
            "requires_grad=True); (x / y).backward(torch.tensor(0.001, dtype=torch.float16)); "
            "y.grad  # -inf (float64: -65.5)"
        ),
        reason=(
            "torch's backward formulas run in the tensor's dtype; div_tensor_other_backward computes "
            "-grad * ((self / other) / other), whose intermediate exceeds float16's range before the upstream "
            "gradient scales it down"
        ),
        torch_gives=Returns(_div_divisor_gradient_in_dtype, "-v * ((x / y) / y) rounded to the dtype at each step"),
        when=_div_intermediate_overflows,
        link="https://github.com/pytorch/pytorch/blob/main/tools/autograd/derivatives.yaml",
    ),
]
