"""Known divergences of gradients (suites/test_autograd.py): torch's backward formulas
computed in the tensor's dtype, against the derivative computed in float64."""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance import ops
from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.normal import as_dtype


def _gradient_of(op_name: str, operand: str) -> tuple[str, ...]:
    """The labels the autograd suite gives the gradient of `op_name`'s forms with respect to `operand`."""
    return tuple(f"d {label} / d {operand}" for label in ops.labels(lambda op: op.name == op_name, inplace=False))


def _div_quotient_over_divisor(check: Check) -> np.ndarray:
    """(x / y) / y, each division rounded to the dtype, broadcast to the result's shape."""
    x, y = check.operands
    with np.errstate(all="ignore"):
        quotient = x.dtype.carry(x.values.astype(np.float64) / y.values)
        return x.dtype.carry(quotient / y.values)


def _div_divisor_gradient_in_dtype(check: Check, reference: object) -> object:
    """torch's gradient of x / y with respect to y: -v * ((x / y) / y) in the dtype
    (div_tensor_other_backward), summed over y's broadcast dims."""
    (_, y), upstream = check.operands, check.upstream
    with np.errstate(all="ignore"):
        elementwise = y.dtype.carry(-np.asarray(upstream.values, np.float64) * _div_quotient_over_divisor(check))
        return as_dtype(ops.sum_to_shape(elementwise.astype(np.float64), y.shape), y.dtype)


def _div_intermediate_overflows(check: Check) -> bool:
    if check.upstream is None or len(check.operands) != 2 or check.operands[1].dtype.name not in dt.REDUCED_FLOATS:
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
