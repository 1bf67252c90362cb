"""Conditions of the known divergences of mixed operands (known_divergences/mixed_operand_*.py).

An operand of a binary op may be a tensor, a 0-d tensor, a Python number, a NumPy scalar or
an ndarray. What torch does with each is stated here as small functions of the `Check`:
which inputs are numbers, the dtype torch computes in, whether torch's conversion of a
number overflows, which calls it refuses, and how it reads NumPy scalars (as the Python
numbers they hold). The models of torch's results are in `conformance.mixed_operand_models`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.conditions import is_python_scalar, numpy_scalar_as_number, operand_values, promotion_groups
from conformance.dtypes import INT64_MAX, INT64_MIN, UINT64_MAX
from conformance.errors import builtin_class
from conformance.inputs import ArrayInput


def free_values(check: Check) -> list[tuple[str, object]]:
    """The inputs that take part in promotion, by name, in call order (not where's condition)."""
    fixed = {operand.name for operand in check.op.operands if operand.dtype} if check.op else set()
    return [(name, value) for name, value in check.inputs.items() if name not in fixed]


def is_number(value: object) -> bool:
    """A Python scalar or a NumPy scalar: an operand torch reads as a number, not a tensor."""
    return is_python_scalar(value) or isinstance(value, np.generic)


def as_number(value: object) -> object:
    """The Python number torch reads an operand as: a Python scalar itself, a NumPy scalar as
    `conditions.numpy_scalar_as_number` reads it, None for anything else."""
    if is_python_scalar(value):
        return value
    if isinstance(value, np.generic):
        return numpy_scalar_as_number(value)
    return None


def number_operand(check: Check) -> bool:
    return any(is_number(v) for _, v in free_values(check))


def number_self(check: Check) -> bool:
    """The first operand (the one a method is called on) is a number."""
    free = free_values(check)
    return bool(free) and is_number(free[0][1])


def ndarray_operand(check: Check) -> bool:
    return any(isinstance(v, np.ndarray) for _, v in free_values(check))


def ndarray_first(check: Check) -> bool:
    free = free_values(check)
    return bool(free) and isinstance(free[0][1], np.ndarray)


def python_int_past_64_bits(check: Check) -> bool:
    return any(
        isinstance(v, int) and not isinstance(v, bool) and not INT64_MIN <= v <= UINT64_MAX
        for _, v in free_values(check)
    )


def unless_reference_raises(error_class: type[BaseException], condition: Callable[[Check], bool]):
    """`condition`, where the reference did not refuse the call with `error_class` too: where both
    sides raise that class they agree, and an entry documenting torch's refusal has nothing to add."""

    def applies(check: Check) -> bool:
        reference = check.reference
        if reference is not None and reference.raised and builtin_class(reference.error) is error_class:
            return False
        return bool(condition(check))

    return applies


def reference_computes(check: Check) -> bool:
    return check.reference is not None and not check.reference.raised


# ---------------------------------------------------------------------------
# The dtype torch computes in


def groups(check: Check) -> tuple[list[str], list[str], list[object]]:
    """Operands as torch's promotion groups them: dimensioned tensors, 0-d tensors, Python scalars."""
    return promotion_groups(check)


def result_dtype(check: Check) -> str | None:
    try:
        return promotion.result_type(*groups(check))
    except (promotion.PromotionError, ValueError):
        return None


def promotion_involved(check: Check) -> bool:
    dimensioned, zero_dim, scalars = groups(check)
    return bool(scalars) or len(set(dimensioned + zero_dim)) > 1


def uint64_python_int_refused(check: Check) -> bool:
    """A Python int in [2**63, 2**64) is a uint64 number to torch; where it decides the result's
    dtype (next to bool tensors, or to where's other int branch) torch refuses to promote it."""
    dimensioned, zero_dim, scalars = groups(check)
    wide = [s for s in scalars if isinstance(s, int) and not isinstance(s, bool) and s > INT64_MAX]
    if not wide or check.op.name == "sub":
        return False  # (sub refuses bool operands before it promotes)
    if not dimensioned and not zero_dim and any(isinstance(s, complex) for s in scalars):
        return True  # numbers only (where's branches): a complex one does not promote with uint64
    if any(isinstance(s, float | complex) for s in scalars):
        return False
    if check.label == "operator.truediv" and number_self(check):
        return False  # number / tensor is tensor.reciprocal() * number: a floating tensor decides
    tensors = [*dimensioned, *zero_dim]
    if tensors and promotion.category(promotion.result_type(dimensioned, zero_dim)) > 0:
        return False  # an integral or floating tensor decides; the int is converted to it
    others = [*tensors, *(promotion.scalar_dtype(s) for s in scalars if s not in wide)]
    try:
        for other in others:
            promotion.promote_types(other, "uint64")
    except promotion.PromotionError:
        return True
    return False


def clamp_number_bounds_refused(check: Check) -> bool:
    """clamp of a bool or integer tensor with number bounds, one a Python int in [2**63, 2**64)
    (a uint64 number): torch promotes the two bounds with each other first, and then with a bool
    self, and has no promotion of uint64 with bool, int64 or complex. So the call is refused
    where the other bound is a bool, an int of int64's range or a complex number, or self is
    bool."""
    if check.op is None or check.op.name != "clamp":
        return False
    (_, self_input), *bounds = free_values(check)
    if not isinstance(self_input, ArrayInput) or not self_input.dtype.is_integral:
        return False
    numbers = [b for _, b in bounds if b is not None]
    if not numbers or not all(is_python_scalar(b) for b in numbers):
        return False
    wide = [isinstance(b, int) and not isinstance(b, bool) and INT64_MAX < b <= UINT64_MAX for b in numbers]
    if not any(wide):
        return False
    others = [b for b, w in zip(numbers, wide, strict=True) if not w]
    refused = [isinstance(b, complex) or (isinstance(b, int) and INT64_MIN <= b <= INT64_MAX) for b in others]
    return self_input.dtype.kind == "bool" or any(refused)


# ---------------------------------------------------------------------------
# Numbers that do not fit the dtype torch converts them to


def overflows(value: object, dtype_name: str) -> bool:
    """c10's check of a number converted to `dtype_name`: a finite float past the largest
    value, an int outside the range (unsigned types also take -max..-1, which wrap)."""
    dtype = dt.dtype(dtype_name)
    if dtype.kind == "bool":
        return False
    parts = (value.real, value.imag) if isinstance(value, complex) else (value,)
    for part in parts:
        if dtype.kind in ("float", "complex"):
            if isinstance(part, float) and math.isfinite(part) and abs(part) > dtype.largest:
                return True
            if isinstance(part, int) and abs(part) > dtype.largest:
                return True
        elif isinstance(part, int):
            low = -int(dtype.largest) if dtype.kind == "uint" else int(dtype.lowest)
            if not low <= part <= int(dtype.largest):
                return True
    return False


def checked_numbers(check: Check) -> tuple[list[object], str | None]:
    """The Python numbers torch converts with an overflow check, and the dtype it converts them
    to: pow's number exponent (for an integral, float16 or bfloat16 result; as int64 first for an
    integral one), where's number branches (for a result other than float16 and bfloat16, which
    it rounds) and clamp's bounds."""
    op, result = check.op, result_dtype(check)
    if op is None or result is None:
        return [], None
    free = free_values(check)
    if op.name == "pow":
        base, exponent = free[0][1], free[1][1]
        number = as_number(exponent)
        if (
            dt.dtype(result).is_integral
            and isinstance(number, int)
            and not isinstance(number, bool)
            and number > INT64_MAX
        ):
            # pow reads an integral base's integer exponent as int64 (to refuse a negative one) before it looks
            # for a kernel: a Python int in [2**63, 2**64) is refused, for uint64 too, where NumPy computes
            return ([number] if isinstance(base, ArrayInput) else []), "int64"
        # (where pow has no kernel for the result, torch refuses that before it converts the exponent)
        checked = result in (*dt.INTEGRAL, *dt.REDUCED_FLOATS, *dt.HALF_COMPLEX) and result not in op.torch_lacks
        if dt.dtype(result).is_integral and isinstance(as_number(exponent), int) and as_number(exponent) < 0:
            checked = False  # torch refuses a negative integer power before it converts the exponent
        exponent = as_number(exponent)
        return ([exponent] if isinstance(base, ArrayInput) and exponent is not None and checked else []), result
    if op.name == "where":
        numbers = [as_number(v) for _, v in free if as_number(v) is not None] if result not in dt.REDUCED_FLOATS else []
        return numbers, result
    if op.name == "clamp" and result not in op.torch_lacks:  # (no kernel is refused first)
        bounds = [as_number(v) for _, v in free_values(read_as_numbers(check))[1:]]
        if len(bounds) == 2 and None not in bounds and any(isinstance(b, float) and math.isnan(b) for b in bounds):
            return [], result  # two number bounds, one NaN: torch fills the result with NaN, converting neither
        return [as_number(v) for _, v in free[1:] if as_number(v) is not None], result
    return [], None


def number_overflows(check: Check) -> bool:
    """A number that does not fit the dtype torch converts it to (but where clamp's bounds are
    refused first: clamp-uint64-number-bound)."""
    if clamp_number_bounds_refused(read_as_numbers(check)):
        return False
    numbers, target = checked_numbers(check)
    return not python_int_past_64_bits(check) and any(overflows(n, target) for n in numbers)


# ---------------------------------------------------------------------------
# Other refusals


def integer_zero_divisor(check: Check) -> bool:
    """An integral floor_divide/remainder/fmod of a non-empty result whose divisor holds a zero
    once converted to the dtype torch computes in (uint8 // -256 divides by zero),
    with a number operand or operands of two dtypes (integer-division-by-zero covers two tensors
    of one dtype)."""
    if any(np.size(v) == 0 for v in operand_values(check)):
        return False
    if check.op is None or len(check.inputs) != 2 or not (number_operand(check) or promotion_involved(check)):
        return False
    result = result_dtype(check)
    if result is None or not dt.dtype(result).is_integral or result in check.op.torch_lacks:
        return False
    divisor = np.asarray(operand_values(check)[1])
    if divisor.dtype == object:  # a Python int past 64 bits: refused before it is divided by
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        converted = divisor.astype(dt.dtype(result).numpy)  # wrapped into the dtype torch divides in
    return divisor.size > 0 and bool((converted == 0).any())


def clamp_bounds_mixed(check: Check) -> bool:
    """clamp with one number bound and one dimensioned tensor bound: no overload takes them."""
    bounds = [v for _, v in free_values(check)[1:]]
    return any(is_number(b) for b in bounds) and any(isinstance(b, ArrayInput) and b.shape for b in bounds)


def clamp_scalar_overload_on_floating(check: Check) -> bool:
    """clamp of a floating tensor with a number bound and no dimensioned tensor bound: torch's
    Scalar overload, which keeps self's dtype (the bounds take no part in promotion)."""
    free = free_values(check)
    if check.op is None or check.op.name != "clamp" or not free:
        return False
    self_value, bounds = free[0][1], [v for _, v in free[1:]]
    return (
        isinstance(self_value, ArrayInput)
        and self_value.dtype.is_floating
        and any(is_number(b) for b in bounds)
        and not any(isinstance(b, ArrayInput) and b.shape for b in bounds)
    )


def clamp_complex(check: Check) -> bool:
    """clamp of a complex self (refused before any promotion), or whose operands promote to a complex
    dtype, but for a floating self under the Scalar overload (clamp-complex-number-bound-on-floating)
    and where the promotion of number bounds refuses first (clamp-uint64-number-bound)."""
    free = free_values(check)
    if free and isinstance(free[0][1], ArrayInput) and free[0][1].dtype.is_complex:
        return True
    if clamp_number_bounds_refused(read_as_numbers(check)):
        return False
    result = result_dtype(check)
    return result is not None and dt.dtype(result).is_complex and not clamp_scalar_overload_on_floating(check)


# ---------------------------------------------------------------------------
# NumPy scalars (and clamp's 0-d bounds) read as Python numbers


def _numpy_scalar_read_faithfully(value: np.generic) -> bool:
    """The NumPy scalars torch reads as the Python number they hold: not np.bool_ (read as a
    float) nor np.complex64 (its imaginary part dropped), nor a uint64 past int64 (declined)."""
    if isinstance(value, np.bool_ | np.complex64):
        return False
    return not (isinstance(value, np.uint64) and int(value) > INT64_MAX)


def numpy_scalar_operand(check: Check) -> bool:
    numbers = [v for _, v in free_values(check) if isinstance(v, np.generic)]
    return bool(numbers) and all(_numpy_scalar_read_faithfully(v) for v in numbers)


def zero_dim_clamp_bound(check: Check) -> bool:
    """clamp with a number bound and a 0-d tensor bound: torch's Scalar overload reads the 0-d
    tensor as a number too."""
    if check.op is None or check.op.name != "clamp":
        return False
    bounds = [v for _, v in free_values(check)[1:]]
    return any(is_number(b) for b in bounds) and any(isinstance(b, ArrayInput) and not b.shape for b in bounds)


def ndarray_compared_by_torch(check: Check) -> bool:
    """`==` between a tensor and an ndarray (either side): torch converts the array to a tensor."""
    return check.label == "operator.eq" and ndarray_operand(check)


def read_as_numbers(check: Check) -> Check:
    """The check with its NumPy scalars (and clamp's 0-d bounds) replaced by Python numbers, and
    the ndarrays `==` compares replaced by tensors of their dtype."""
    inputs = dict(check.inputs)
    if ndarray_compared_by_torch(check):
        for name, value in free_values(check):
            if isinstance(value, np.ndarray):
                inputs[name] = ArrayInput(np.array(value, copy=True, order="C"), dt.from_numpy(value.dtype))
    for name, value in free_values(check):
        if isinstance(value, np.generic):
            number = numpy_scalar_as_number(value)
            inputs[name] = value.item() if number is None else number
    if zero_dim_clamp_bound(check):
        for name, value in free_values(check)[1:]:
            if isinstance(value, ArrayInput) and not value.shape:
                inputs[name] = value.values[()].item()
    return replace(check, inputs=inputs, reference=None)
