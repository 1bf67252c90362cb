"""Known divergences of the elementwise ops of the catalog (suites/test_broadcast.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from conformance import conditions, ops
from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import GivesDtype, KnownDivergence, Raises, Returns
from conformance.tolerances import Ulps


def _integers_to_default_float(check: Check) -> bool:
    op = check.op
    return (
        op is not None
        and op.integers_to_float
        and conditions.uniform(check)
        and all(inp.dtype.is_integral for inp in check.operands)
        and not conditions.lacks_kernel(check)
    )


def _computed_in_default_float(check: Check, reference: object) -> object:
    """The op's NumPy reference on the inputs converted to torch's default dtype (float32), in it."""
    op = check.op
    default = dt.dtype(dt.name_of(torch.get_default_dtype())).numpy
    converted = [np.asarray(inp.values).astype(default) for inp in check.operands]
    with np.errstate(all="ignore"):
        return np.asarray(op.reference(np, *converted)).astype(default)


def _float_operand_with(predicate) -> Callable[[Check], bool]:
    return lambda check: (
        any(inp.dtype.is_floating and bool(predicate(inp.values).any()) for inp in check.operands)
        and conditions.nonempty_result(check)
    )


def _sign_with_nan_as_zero(check: Check, reference: object) -> object:
    values = conditions.reference_values(reference).copy()
    values[np.isnan(values)] = 0
    return conditions.keep_tag(reference, values)


def _remainder_zeros_take_dividend_sign(check: Check, reference: object) -> object:
    values = conditions.reference_values(reference).copy()
    dividend = np.broadcast_to(_as_float64(conditions.operand_values(check)[0]), values.shape)
    zeros = values == 0
    values[zeros] = np.copysign(0.0, dividend[zeros])
    return conditions.keep_tag(reference, values)


def _integer_pow_with_negative_exponents(check: Check, reference: object) -> object:
    base, exponent = (inp.values for inp in check.operands)
    return conditions.integer_powers(base, exponent, check.operands[0].dtype.numpy)


def _negative_exponent(check: Check) -> bool:
    operands = check.operands
    return (
        len(operands) == 2
        and operands[0].dtype.kind == "int"
        and operands[1].dtype.is_integral  # an integer result: a floating or complex exponent promotes
        and bool((operands[1].values < 0).any())
        and conditions.nonempty_result(check)
    )


def _as_float64(values: np.ndarray) -> np.ndarray:
    """An operand of a floating result in float64 (a np.complex64 number as torch reads it: its real
    part; a Python int past 64 bits rounded)."""
    return np.real(values).astype(np.float64)


def _quotient_overflows(check: Check) -> np.ndarray:
    """Result positions of a floating fmod/remainder whose quotient x / y overflows the dtype it is
    computed in (operands of any kind: tensors, ndarrays, numbers)."""
    shape = conditions.result_shape(check) or ()
    computed = conditions.computed_dtype(check)
    if computed is None or not dt.dtype(computed).is_floating:
        return np.zeros(shape, dtype=bool)
    largest = dt.dtype("float32" if computed == "bfloat16" else computed).largest
    dividend, divisor = (_as_float64(values) for values in conditions.operand_values(check))
    with np.errstate(all="ignore"):
        quotient = np.abs(dividend / divisor)
        finite = np.isfinite(dividend) & np.isfinite(divisor) & (divisor != 0)
    return np.broadcast_to(finite & (quotient > largest), shape)


def _exp_overflow_band(check: Check) -> np.ndarray:
    """Positions of a real sinh/cosh input x with ln(max) < |x| <= ln(2 max), in the precision
    torch computes in (float64 for float64, float32 otherwise): exp(|x|) overflows there, while
    sinh and cosh, about half of it, do not."""
    (inp,) = check.operands
    if inp.dtype.is_complex:
        return np.zeros(inp.shape, dtype=bool)
    largest = dt.dtype("float64" if inp.dtype.name == "float64" else "float32").largest
    magnitude = np.abs(inp.values.astype(np.float64))
    return (magnitude > math.log(largest)) & (magnitude <= math.log(2) + math.log(largest))


def _zeros_meet(check: Check) -> np.ndarray:
    """Result positions where a -0.0 meets a +0.0 (an integral zero converts to +0.0) among the
    operands, Python scalars included, as converted to the dtype torch computes in (a tiny value
    becomes a zero there)."""
    shape = conditions.result_shape(check)
    if shape is None:
        return np.zeros((), dtype=bool)
    computed = conditions.computed_dtype(check)
    floating = computed is not None and dt.dtype(computed).kind in ("float", "complex")
    negative = np.zeros(shape, dtype=bool)
    positive = np.zeros(shape, dtype=bool)
    for values in conditions.operand_values(check):
        if values.dtype == object:  # a Python int past 64 bits: no zero
            continue
        if floating:
            with np.errstate(all="ignore"):
                values = dt.dtype(computed).carry(values)
        values = np.broadcast_to(np.real(values), shape)
        zero = values == 0
        negative |= zero & np.signbit(values)
        positive |= zero & ~np.signbit(values)
    return negative & positive


def _floating_result(check: Check) -> bool:
    computed = conditions.computed_dtype(check)
    return computed is not None and dt.dtype(computed).is_floating


def _integer_divisor_has_zero(check: Check) -> bool:
    """Two integer tensors of one dtype (integer-division-by-zero-scalar covers numbers and mixed
    dtypes, which torch may refuse to promote first), the divisor holding a zero."""
    operands = check.operands
    return (
        len(operands) == 2
        and conditions.uniform(check)
        and all(inp.dtype.kind in ("int", "uint") for inp in operands)
        and bool((operands[1].values == 0).any())
        and conditions.nonempty_result(check)
        and not conditions.lacks_kernel(check)
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
        when=conditions.lacks_kernel,
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
        summary="maximum/minimum/fmax/fmin/clamp may return either zero at the elements where +0.0 and -0.0 meet",
        example="torch.minimum(torch.tensor(0.0), torch.tensor(-0.0))  # 0.; np.minimum(0.0, -0.0)  # -0.",
        reason=(
            "torch compares with < and > (which see +0.0 == -0.0): its scalar loop keeps the first operand, its "
            "vectorised loop (40 or more elements) either one; NumPy's own result there also depends on its loop "
            "(np.fmax(0.0, -0.0) is 0.0 for one element, -0.0 for 40). No model of either can be written, so the "
            "suite leaves out exactly those elements and compares every other"
        ),
        when=lambda check: bool(_zeros_meet(check).any()),
        skip=_zeros_meet,
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
            lambda check, reference: check.operands[0].values.copy(), "the input itself", where_reference_raises=True
        ),
        when=lambda check: check.operands[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.sign.html",
    ),
    KnownDivergence(
        id="square-of-bool-is-int64",
        ops=ops.labels(lambda op: op.name == "square", inplace=False),
        summary="torch.square of a bool tensor gives int64; NumPy gives int8",
        example="torch.square(torch.tensor([True])).dtype  # torch.int64; np.square(np.array([True])).dtype  # int8",
        reason="torch computes square as pow(x, 2), and pow promotes bool with the Python int 2 to int64",
        torch_gives=GivesDtype("int64"),
        when=lambda check: check.operands[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.square.html",
    ),
    KnownDivergence(
        id="inplace-integers-to-float",
        ops=ops.labels(lambda op: op.integers_to_float, inplace=True),
        summary="in-place floating ops on an integer tensor raise in torch; NumPy's integer reciprocal stays in place",
        example="torch.tensor([2], dtype=torch.uint8).reciprocal_()  # RuntimeError; np.reciprocal(a, out=a) works",
        reason="torch's result is floating (see integers-to-default-float) and cannot be cast back into an integer self",
        torch_gives=Raises(RuntimeError, "can't be cast to the desired output type"),
        when=lambda check: (
            all(inp.dtype.is_integral for inp in check.operands) and conditions.result_shape(check) is not None
        ),
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
        when=lambda check: conditions.nonempty_result(check) and bool(_quotient_overflows(check).any()),
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
        when=lambda check: conditions.nonempty_result(check) and bool(_exp_overflow_band(check).any()),
        skip=_exp_overflow_band,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
        device_types=("cpu",),
    ),
    KnownDivergence(
        id="sqrt-within-one-ulp",
        ops=ops.labels(lambda op: op.name == "sqrt"),
        summary="float32 and float64 sqrt on the CPU is within 1 ulp, not correctly rounded as IEEE 754 requires",
        example="torch.sqrt(torch.tensor(6438.0))  # 80.237144 on some CPUs; np.sqrt(np.float32(6438.0))  # 80.23715 "
        "(the correctly rounded square root, 80.2371485...)",
        reason=(
            "torch's CPU sqrt of float32 and float64 goes through a vector math library (Intel MKL's VML in x86 "
            "builds) whose accuracy is 1 ulp; measured on 2,000,000 values of each (exponents 1e-30 to 1e30, "
            "torch 2.13.0 and 2.14.1, AVX512): 17% of float32 and 1.3% of float64 results are 1 ulp off, none "
            "further; the library picks its code by the CPU, and on another AVX512 CPU 0.7% and 0.8% were off (6438.0 "
            "not among them); float16 and bfloat16 (computed in float32, rounded once) are correctly rounded. The bound is "
            "1 ulp there, 0 everywhere else; which results are off is the library's, so nothing is modelled"
        ),
        when=lambda check: (
            check.reference_dtype in ("float32", "float64")
            and all(operand.dtype.is_floating for operand in check.operands)
        ),
        tolerance=lambda check: Ulps(1),
        link="https://www.intel.com/content/www/us/en/docs/onemkl/developer-reference-c/2024-2/vm-mathematical-functions.html",
        device_types=("cpu",),
    ),
]

# Models that adjust torch's result in whatever dtype it is computed in: they follow
# torch-type-promotion (known_divergences/promotion.py), whose model recomputes the result.
AFTER_PROMOTION: list[KnownDivergence] = [
    KnownDivergence(
        id="remainder-zero-sign",
        ops=ops.labels(lambda op: op.name == "remainder"),
        summary="a zero remainder carries the dividend's sign in torch, the divisor's in NumPy",
        example="torch.remainder(torch.tensor(0.0), -1.0)  # 0.; np.remainder(0.0, -1.0)  # -0.",
        reason="torch computes a - b * floor(a / b), whose zeros follow a; NumPy copies the divisor's sign onto zeros",
        torch_gives=Returns(_remainder_zeros_take_dividend_sign, "NumPy's remainder with zeros signed as the dividend"),
        when=lambda check: _floating_result(check) and conditions.nonempty_result(check),
        link="https://pytorch.org/docs/stable/generated/torch.remainder.html",
    ),
]
