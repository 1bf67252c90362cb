"""Known divergences of the elementwise ops of the catalog (suites/test_broadcast.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from conformance import dtypes as dt
from conformance import ops
from conformance.divergences import (
    Check,
    GivesDtype,
    KnownDivergence,
    Raises,
    Returns,
)
from conformance.inputs import ArrayInput
from conformance.oracle import Expected, Tolerance, tolerance_for

# ---------------------------------------------------------------------------
# Elementwise ops of the catalog


def _catalog_op(check: Check) -> ops.Op | None:
    return ops.op_of_form(check.op)


def _operands(check: Check) -> list[ArrayInput]:
    return [value for value in check.inputs.values() if isinstance(value, ArrayInput)]


def _uniform(check: Check) -> bool:
    """All operands are arrays of one dtype: no promotion is involved."""
    values = [v for name, v in check.inputs.items() if name != "condition"]
    return all(isinstance(v, ArrayInput) for v in values) and len({v.dtype.name for v in values}) <= 1


def _lacks_kernel(check: Check) -> bool:
    op = _catalog_op(check)
    return op is not None and _uniform(check) and any(inp.dtype.name in op.torch_lacks for inp in _operands(check))


def _integers_to_default_float(check: Check) -> bool:
    op = _catalog_op(check)
    return (
        op is not None
        and op.integers_to_float
        and _uniform(check)
        and all(inp.dtype.is_integral for inp in _operands(check))
        and not _lacks_kernel(check)
    )


def _computed_in_default_float(check: Check, reference: object) -> object:
    """The op's NumPy reference on the inputs converted to torch's default dtype (float32), in it."""
    op = _catalog_op(check)
    default = dt.dtype(dt.name_of(torch.get_default_dtype())).numpy
    converted = [np.asarray(inp.values).astype(default) for inp in _operands(check)]
    with np.errstate(all="ignore"):
        return np.asarray(op.reference(np, *converted)).astype(default)


def _keep_tag(reference: object, values: np.ndarray) -> object:
    """`values` in place of the reference's, keeping a bfloat16 tag where there is one."""
    return Expected(values, reference.dtype) if isinstance(reference, Expected) else values


def _reference_values(reference: object) -> np.ndarray:
    return np.asarray(reference.values if isinstance(reference, Expected) else reference)


def _result_shape(check: Check) -> tuple[int, ...] | None:
    """The shape of an elementwise result; None where the operands do not broadcast, or an
    in-place form's result would not fit into self."""
    try:
        shape = np.broadcast_shapes(*(inp.shape for inp in _operands(check)))
    except ValueError:
        return None
    form = ops.form_of(check.op)
    if form is not None and form.inplace and shape != _operands(check)[0].shape:
        return None
    return shape


def _nonempty_result(check: Check) -> bool:
    shape = _result_shape(check)
    return shape is not None and math.prod(shape) > 0


def _float_operand_with(predicate) -> Callable[[Check], bool]:
    return lambda check: (
        any(inp.dtype.is_floating and bool(predicate(inp.values).any()) for inp in _operands(check))
        and _nonempty_result(check)
    )


def _sign_with_nan_as_zero(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    values[np.isnan(values)] = 0
    return _keep_tag(reference, values)


def _remainder_zeros_take_dividend_sign(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    dividend = np.broadcast_to(_operands(check)[0].values, values.shape)
    zeros = values == 0
    values[zeros] = np.copysign(0.0, dividend[zeros])
    return _keep_tag(reference, values)


def _integer_pow_with_negative_exponents(check: Check, reference: object) -> object:
    base, exponent = (inp.values for inp in _operands(check))
    base, exponent = np.broadcast_arrays(base, exponent)
    dtype = _operands(check)[0].dtype.numpy
    with np.errstate(all="ignore"):
        result = np.power(base, np.maximum(exponent, 0)).astype(dtype)
    odd = (exponent % 2) != 0
    negative = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(dtype)
    return np.where(exponent < 0, negative, result)


def _negative_exponent(check: Check) -> bool:
    operands = _operands(check)
    return (
        len(operands) == 2
        and operands[0].dtype.kind == "int"
        and bool((operands[1].values < 0).any())
        and _nonempty_result(check)
    )


def _complex_extremal(check: Check) -> np.ndarray:
    """Result positions computed from a complex input with a NaN or infinite part, or a part
    whose square overflows (|part| >= sqrt(max)) or underflows (0 < |part| < sqrt(tiny))."""
    shape = _result_shape(check) or ()
    mask = np.zeros(shape, dtype=bool)
    for inp in _operands(check):
        if inp.dtype.is_complex:
            info = np.finfo(inp.values.real.dtype)
            parts = np.abs(np.stack([inp.values.real, inp.values.imag]))
            extremal = ~np.isfinite(parts) | (parts >= math.sqrt(float(info.max)))
            extremal |= (parts > 0) & (parts < math.sqrt(float(info.tiny)))
            mask |= np.broadcast_to(extremal.any(axis=0), shape)
    return mask


def _complex_zero_base(check: Check) -> np.ndarray:
    base = _operands(check)[0]
    return np.broadcast_to(base.values == 0, _result_shape(check) or ())


def _quotient_overflows(check: Check) -> np.ndarray:
    """Result positions of a floating fmod/remainder whose quotient x / y overflows the dtype."""
    shape = _result_shape(check) or ()
    dividend, divisor = _operands(check)
    if not dividend.dtype.is_floating:
        return np.zeros(shape, dtype=bool)
    largest = float(np.finfo(np.float32 if dividend.dtype.name == "bfloat16" else dividend.dtype.numpy).max)
    with np.errstate(all="ignore"):
        quotient = np.abs(dividend.values.astype(np.float64) / divisor.values.astype(np.float64))
        finite = np.isfinite(dividend.values) & np.isfinite(divisor.values) & (divisor.values != 0)
    return np.broadcast_to(finite & (quotient > largest), shape)


def _exp_overflow_band(check: Check) -> np.ndarray:
    """Positions of a real sinh/cosh input x with ln(max) < |x| <= ln(2 max), in the precision
    torch computes in (float64 for float64, float32 otherwise): exp(|x|) overflows there, while
    sinh and cosh, about half of it, do not."""
    (inp,) = _operands(check)
    if inp.dtype.is_complex:
        return np.zeros(inp.shape, dtype=bool)
    largest = float(np.finfo(np.float64 if inp.dtype.name == "float64" else np.float32).max)
    magnitude = np.abs(inp.values.astype(np.float64))
    return (magnitude > math.log(largest)) & (magnitude <= math.log(2) + math.log(largest))


def _any_complex(check: Check) -> bool:
    """Whether an operand is complex: a complex array, or a Python complex scalar."""
    return any(inp.dtype.is_complex for inp in _operands(check)) or any(
        isinstance(v, complex) for v in check.inputs.values()
    )


def _complex_pow_log(check: Check) -> np.ndarray:
    """y * log x of a complex pow, in complex128, broadcast to the result: the argument torch passes to exp."""
    x, y = (v.values if isinstance(v, ArrayInput) else np.asarray(v) for v in check.inputs.values())
    with np.errstate(all="ignore"):
        exponent = np.asarray(y, np.complex128) * np.log(np.asarray(x, np.complex128))
    return np.broadcast_to(exponent, _result_shape(check) or ())


def _complex_pow_exponent(check: Check) -> float:
    """The largest finite |y * log x|."""
    size = np.abs(_complex_pow_log(check))
    finite = size[np.isfinite(size)]
    return float(finite.max()) if finite.size else 0.0


def _complex_pow_dtype(check: Check) -> tuple[str, float]:
    """The result's complex dtype and the unit roundoff of its parts."""
    dtype = check.reference_dtype if check.reference_dtype in ("complex64", "complex128") else "complex64"
    return dtype, float(np.finfo(np.dtype(dtype)).eps) / 2


def _complex_pow_tolerance(check: Check) -> Tolerance:
    """exp(y * log x) turns the rounding of y * log x (a unit roundoff u of |y * log x|, twice: the
    log and the product) into a relative error of the result: rtol grows by 2 u |y log x|."""
    dtype, roundoff = _complex_pow_dtype(check)
    base = tolerance_for(dtype)
    return Tolerance(base.rtol + 2 * roundoff * _complex_pow_exponent(check), base.atol)


def _complex_pow_overflows(check: Check) -> np.ndarray:
    """Result positions whose magnitude exp(Re(y log x)) reaches the dtype's largest value (within
    the tolerance's relative error): there the parts are exp's in torch and products with inf*0 = nan
    in NumPy, and neither is the rounded exact result."""
    dtype, _ = _complex_pow_dtype(check)
    largest = math.log(float(np.finfo(np.dtype(dtype)).max))
    with np.errstate(invalid="ignore"):
        return np.real(_complex_pow_log(check)) >= largest - 2 * _complex_pow_tolerance(check).rtol


def _complex_reciprocal_of_zero(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    values[np.broadcast_to(_operands(check)[0].values == 0, values.shape)] = complex(math.inf, math.nan)
    return values


def _zeros_of_both_signs(check: Check) -> bool:
    """Whether a -0.0 meets a +0.0 (or an integral zero, which converts to +0.0)."""
    negative = any(
        inp.dtype.kind == "float" and bool((np.signbit(inp.values) & (inp.values == 0)).any())
        for inp in _operands(check)
    )
    positive = any(bool(((inp.values == 0) & ~np.signbit(np.real(inp.values))).any()) for inp in _operands(check))
    return negative and positive


def _integer_divisor_has_zero(check: Check) -> bool:
    operands = _operands(check)
    return (
        len(operands) == 2
        and all(inp.dtype.kind in ("int", "uint") for inp in operands)
        and bool((operands[1].values == 0).any())
        and _nonempty_result(check)
        and not _lacks_kernel(check)
    )


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="no-kernel-for-dtype",
        ops=ops.labels(lambda op: bool(op.torch_lacks)),
        summary="torch has no kernel for some op/dtype pairs NumPy computes (see each op's torch_lacks in the catalog)",
        example="torch.hypot(torch.tensor([3]), torch.tensor([4]))  # NotImplementedError; np.hypot(3, 4) == 5.0",
        reason=(
            "torch dispatches each kernel for a list of dtypes; uint16/32/64 are 'limited support' dtypes, and "
            "bool, integer and complex inputs are left out of several ops"
        ),
        torch_gives=Raises((NotImplementedError, RuntimeError), "not implemented for|not supported"),
        when=_lacks_kernel,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="integers-to-default-float",
        ops=ops.labels(lambda op: op.integers_to_float, inplace=False),
        summary="bool/integer inputs of floating ops give torch's default float32; NumPy picks float16/32/64 by size",
        example="torch.sqrt(torch.tensor([4])).dtype  # float32; np.sqrt(np.array([4])).dtype  # float64",
        reason="torch promotes integral inputs of floating ops to the default dtype; NumPy to the smallest "
        "float that holds the integer type (int8 -> float16, int16 -> float32, int32/int64 -> float64)",
        torch_gives=Returns(_computed_in_default_float, "the op computed on the inputs converted to float32"),
        when=_integers_to_default_float,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="minmax-signed-zeros",
        ops=ops.labels(lambda op: op.family == "minmax"),
        summary="maximum/minimum/fmax/fmin/clamp may return either zero where +0.0 and -0.0 meet",
        example="torch.minimum(torch.tensor(0.0), torch.tensor(-0.0))  # 0.; np.minimum(0.0, -0.0)  # -0.",
        reason="torch compares with < and > (which see +0.0 == -0.0) and keeps the first operand; NumPy orders -0.0 below +0.0",
        when=_zeros_of_both_signs,
        signed_zeros=False,
        link="https://pytorch.org/docs/stable/generated/torch.minimum.html",
    ),
    KnownDivergence(
        id="integer-division-by-zero",
        ops=ops.labels(lambda op: op.name in ("floor_divide", "remainder", "fmod")),
        summary="integer division by zero raises in torch; NumPy returns 0 and warns",
        example="torch.tensor([1]) // torch.tensor([0])  # RuntimeError: ZeroDivisionError; NumPy gives 0",
        reason="torch's CPU integer division kernels check for zero divisors and raise",
        torch_gives=Raises(RuntimeError, "ZeroDivisionError"),
        when=_integer_divisor_has_zero,
        link="https://pytorch.org/docs/stable/generated/torch.floor_divide.html",
    ),
    KnownDivergence(
        id="integer-pow-negative-exponent",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary="integer pow with a negative exponent returns 0, 1 or -1 in torch; NumPy raises ValueError",
        example="torch.tensor([2]) ** torch.tensor([-1])  # tensor([0]); NumPy: Integers to negative integer powers are not allowed",
        reason="torch computes integer powers in integer arithmetic (1/x**n truncated toward zero); NumPy refuses them",
        torch_gives=Returns(
            _integer_pow_with_negative_exponents,
            "1 for base 1, +-1 for base -1, 0 otherwise",
            where_reference_raises=True,
        ),
        when=_negative_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="sign-of-nan-is-zero",
        ops=ops.labels(lambda op: op.name == "sign"),
        summary="torch.sign(nan) is 0; NumPy's sign of NaN is NaN",
        example="torch.sign(torch.tensor(float('nan')))  # tensor(0.); np.sign(np.nan)  # nan",
        reason="torch computes sign as (0 < x) - (x < 0), and both comparisons are False for NaN",
        torch_gives=Returns(_sign_with_nan_as_zero, "NumPy's sign with NaN mapped to 0"),
        when=_float_operand_with(np.isnan),
        link="https://pytorch.org/docs/stable/generated/torch.sign.html",
    ),
    KnownDivergence(
        id="sign-of-bool",
        ops=ops.labels(lambda op: op.name == "sign"),
        summary="torch.sign of a bool tensor returns it unchanged; NumPy has no sign for bool and raises",
        example="torch.sign(torch.tensor([True, False]))  # tensor([True, False]); np.sign(np.array([True]))  # TypeError",
        reason="torch's sign kernel covers bool (the sign of True is 1, that is True); NumPy's ufunc has no bool loop",
        torch_gives=Returns(
            lambda check, reference: _operands(check)[0].values.copy(), "the input itself", where_reference_raises=True
        ),
        when=lambda check: _operands(check)[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.sign.html",
    ),
    KnownDivergence(
        id="square-of-bool-is-int64",
        ops=ops.labels(lambda op: op.name == "square", inplace=False),
        summary="torch.square of a bool tensor gives int64; NumPy gives int8",
        example="torch.square(torch.tensor([True])).dtype  # torch.int64; np.square(np.array([True])).dtype  # int8",
        reason="torch computes square as pow(x, 2), and pow promotes bool with the Python int 2 to int64",
        torch_gives=GivesDtype("int64"),
        when=lambda check: _operands(check)[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.square.html",
    ),
    KnownDivergence(
        id="remainder-zero-sign",
        ops=ops.labels(lambda op: op.name == "remainder"),
        summary="a zero remainder carries the dividend's sign in torch, the divisor's in NumPy",
        example="torch.remainder(torch.tensor(0.0), -1.0)  # 0.; np.remainder(0.0, -1.0)  # -0.",
        reason="torch computes a - b * floor(a / b), whose zeros follow a; NumPy copies the divisor's sign onto zeros",
        torch_gives=Returns(_remainder_zeros_take_dividend_sign, "NumPy's remainder with zeros signed as the dividend"),
        when=lambda check: all(inp.dtype.is_floating for inp in _operands(check)) and _nonempty_result(check),
        link="https://pytorch.org/docs/stable/generated/torch.remainder.html",
    ),
    KnownDivergence(
        id="complex-extremal-values",
        ops=ops.labels(),
        summary="complex results from extremal inputs (a NaN or infinite part, or one whose square overflows or "
        "underflows) are not C99-conforming",
        example="torch.log1p(torch.tensor(1e-38 + 1e-45j))  # nan+nanj; NumPy: 0+1e-45j",
        reason=(
            "torch does not follow C99 Annex G for complex extremal values; its notes on numerical accuracy "
            "say results with such inputs are not guaranteed. The suite compares every other element"
        ),
        when=lambda check: (
            _any_complex(check) and _result_shape(check) is not None and bool(_complex_extremal(check).any())
        ),
        skip=_complex_extremal,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-signed-zeros",
        ops=ops.labels(),
        summary="the signs of zero parts of complex results differ (torch.neg gives 0+0j for every complex zero)",
        example="torch.neg(torch.tensor(0j))  # 0.+0.j; np.negative(0j)  # -0.-0.j",
        reason="torch computes several complex ops with other formulas than NumPy's (neg as 0 - z, for one), "
        "and the sign of a zero part follows the formula",
        when=_any_complex,
        signed_zeros=False,
        link="https://github.com/pytorch/pytorch/issues/154501",
    ),
    KnownDivergence(
        id="complex-pow-zero-base",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary="complex pow with a zero base is computed as exp(y * log 0): 0**0 is nan+nanj (NumPy: 1)",
        example="torch.pow(torch.tensor(0j), torch.tensor(0j))  # nan+nanj; np.power(0j, 0j)  # 1+0j",
        reason="torch evaluates complex powers through exp and log without special-casing a zero base",
        when=lambda check: _any_complex(check) and _nonempty_result(check) and bool(_complex_zero_base(check).any()),
        skip=_complex_zero_base,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-pow-through-exp-log",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary=(
            "complex pow is computed as exp(y * log x): its relative error grows with |y * log x| "
            "(NumPy multiplies out small integer powers), and the parts of an overflowing result differ"
        ),
        example=(
            "torch.pow(torch.tensor(1.0262504e7j), torch.tensor(2+0j))  # -1.0531884e14-9.2e6j; "
            "np.power(np.complex64(1.0262504e7j), np.complex64(2))  # -1.0531899e14+0j (relative error 1.4e-6)"
        ),
        reason=(
            "torch evaluates complex powers through exp and log, so the rounding of y * log x (a unit roundoff "
            "of its size) becomes a relative error of the result; complex64's default rtol is 1.3e-6. Where the "
            "result overflows (torch.pow(65536j, 8+0j): inf+1.2e32j, NumPy inf+nanj) the elements are not compared"
        ),
        tolerance=_complex_pow_tolerance,
        skip=_complex_pow_overflows,
        when=lambda check: _any_complex(check) and _nonempty_result(check) and _complex_pow_exponent(check) > 1,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html",
    ),
    KnownDivergence(
        id="complex-reciprocal-of-zero",
        ops=ops.labels(lambda op: op.name == "reciprocal"),
        summary="the complex reciprocal of zero is inf+nanj in torch, nan+nanj in NumPy",
        example="torch.reciprocal(torch.tensor(0j))  # inf+nanj; np.reciprocal(0j)  # nan+nanj",
        reason="torch divides 1 by the complex zero with its own division routine",
        torch_gives=Returns(_complex_reciprocal_of_zero, "NumPy's reciprocal with zeros mapped to inf+nanj"),
        when=lambda check: _any_complex(check) and bool((_operands(check)[0].values == 0).any()),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="inplace-abs-of-complex",
        ops=("Tensor.abs_",),
        summary="in-place abs of a complex tensor raises in torch; NumPy stores |z| back as a complex number",
        example="torch.tensor([3 + 4j]).abs_()  # RuntimeError; np.abs(a, out=a) gives [5+0j]",
        reason="torch refuses in-place ops whose result dtype (real) differs from self's (complex) for abs",
        torch_gives=Raises(RuntimeError, "In-place abs is not supported for complex tensors"),
        when=lambda check: _any_complex(check),
        link="https://pytorch.org/docs/stable/generated/torch.abs.html",
    ),
    KnownDivergence(
        id="inplace-integers-to-float",
        ops=tuple(label for label in ops.labels(lambda op: op.integers_to_float) if ops.form_of(label).inplace),
        summary="in-place floating ops on an integer tensor raise in torch; NumPy's integer reciprocal stays in place",
        example="torch.tensor([2], dtype=torch.uint8).reciprocal_()  # RuntimeError; np.reciprocal(a, out=a) works",
        reason="torch's result is floating (see integers-to-default-float) and cannot be cast back into an integer self",
        torch_gives=Raises(RuntimeError, "can't be cast to the desired output type"),
        when=lambda check: all(inp.dtype.is_integral for inp in _operands(check)) and _result_shape(check) is not None,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="vectorized-fmod-large-quotient",
        ops=ops.labels(lambda op: op.name in ("fmod", "remainder")),
        summary="floating fmod/remainder give NaN on torch's vectorised CPU path where |x / y| overflows",
        example="torch.fmod(torch.full((16,), 1.0), 1e-45)  # nan x16; torch.fmod(torch.tensor(1.0), 1e-45)  # 0.",
        reason=(
            "the vectorised kernel calls Sleef's fmod, whose result is undefined once |x / y| is huge; the scalar "
            "path (short tensors, tails) is exact. Which elements take which path depends on the length, so the "
            "suite leaves these elements out of the comparison"
        ),
        when=lambda check: _nonempty_result(check) and bool(_quotient_overflows(check).any()),
        skip=_quotient_overflows,
        link="https://github.com/pytorch/pytorch/issues/193753",
        device_types=("cpu",),
    ),
    KnownDivergence(
        id="vectorized-sinh-cosh-early-overflow",
        ops=ops.labels(lambda op: op.name in ("sinh", "cosh")),
        summary="sinh/cosh overflow to inf on torch's vectorised CPU path for ln(max) < |x| <= ln(2 max)",
        example="torch.sinh(torch.full((32,), 89.0))  # inf x32; torch.sinh(torch.tensor(89.0))  # 2.2448e+38",
        reason=(
            "the vectorised kernel evaluates exp(|x|), which overflows before sinh and cosh (about half of it) do; "
            "the scalar path (short tensors, tails) is exact, so the suite leaves these elements out"
        ),
        when=lambda check: _nonempty_result(check) and bool(_exp_overflow_band(check).any()),
        skip=_exp_overflow_band,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
        device_types=("cpu",),
    ),
]
