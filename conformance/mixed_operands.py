"""Conditions and models of the known divergences of mixed operands (known_divergences/copies.py).

An operand of a binary op may be a tensor, a 0-d tensor, a Python number, a NumPy scalar or
an ndarray. What torch does with each is stated here as small functions of the `Check`:
which inputs are numbers, the dtype torch computes in, whether torch's conversion of a
number overflows, and models of torch's result (in place, and for NumPy scalars read as the
Python numbers they hold).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.compare import Options
from conformance.conditions import is_python_scalar, numpy_scalar_as_number, operand_values, promotion_groups
from conformance.divergences import Returns
from conformance.dtypes import INT64_MAX, INT64_MIN, UINT64_MAX
from conformance.errors import builtin_class
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome


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
    to: pow's number exponent (for an integral, float16 or bfloat16 result), where's number
    branches (for a result other than float16 and bfloat16, which it rounds) and clamp's bounds."""
    op, result = check.op, result_dtype(check)
    if op is None or result is None:
        return [], None
    free = free_values(check)
    if op.name == "pow":
        base, exponent = free[0][1], free[1][1]
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
        return [as_number(v) for _, v in free[1:] if as_number(v) is not None], result
    return [], None


def number_overflows(check: Check) -> bool:
    """A number that does not fit the dtype torch converts it to (but where clamp's bounds are
    refused first: clamp-uint64-number-bound)."""
    if clamp_number_bounds_refused(_read_as_numbers(check)):
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
    if clamp_number_bounds_refused(_read_as_numbers(check)):
        return False
    result = result_dtype(check)
    return result is not None and dt.dtype(result).is_complex and not clamp_scalar_overload_on_floating(check)


# ---------------------------------------------------------------------------
# Models: the call with its numbers read as Python numbers


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


def _read_as_numbers(check: Check) -> Check:
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


@dataclass(frozen=True)
class as_with_python_numbers:
    """A model: torch's documented result for the call with Python numbers in place of NumPy
    scalars (and of clamp's 0-d bounds), NumPy's reference run through every registry entry that
    documents that call; the comparison takes those entries' relaxations (tolerance, signs of
    zero, positions not promised) too. Where that result and the reference are both refusals,
    the model claims nothing (it returns the reference)."""

    own_id: str

    def _documenting(self, check: Check) -> tuple[Check, list]:
        """The call as torch reads it, with its reference outcome, and the other entries that document it."""
        from conformance.known_divergences import REGISTRY  # the registry holds the entries using this
        from conformance.runner import reference_outcome

        converted = _read_as_numbers(check)
        values = [v.values if isinstance(v, ArrayInput) else v for v in converted.inputs.values()]
        tensors = [v.dtype for v in converted.inputs.values() if isinstance(v, ArrayInput)]
        dtype = tensors[0] if tensors else None
        with np.errstate(all="ignore"):
            expected = reference_outcome(lambda: check.op.reference(np, *values, dtype=dtype), dtype)
        converted = replace(converted, reference=expected)
        return converted, [entry for entry in REGISTRY.find(converted) if entry.id != self.own_id]

    def __call__(self, check: Check, reference: object) -> object:
        converted, entries = self._documenting(check)
        documented: object = converted.reference
        for entry in entries:
            documented = entry.expectation(documented, converted)
        if isinstance(documented, Outcome):
            if _both_refuse_alike(documented, check):
                return check.reference
            return documented if documented.raised else documented.value
        return documented

    def relax(self, options: Options, check: Check) -> Options:
        converted, entries = self._documenting(check)
        for entry in entries:
            options = entry.relax(options, converted)
        return options


def _both_refuse_alike(documented: Outcome, check: Check) -> bool:
    """Whether a documented refusal and the reference's are of one class: then they agree, and a
    model has nothing to claim."""
    reference = check.reference
    if not (documented.raised and reference is not None and reference.raised):
        return False
    error = documented.error
    classes = error.error_type if isinstance(error, ExpectedError) else type(error)
    classes = classes if isinstance(classes, tuple) else (classes,)
    return builtin_class(reference.error) in {builtin_class(c("")) for c in classes}


# ---------------------------------------------------------------------------
# In place: torch's promotion, then a cast into self


def can_cast(source: str, target: str) -> bool:
    """c10's canCast: no complex to non-complex, no floating to integral, no non-bool to bool."""
    kinds = dt.dtype(source).kind, dt.dtype(target).kind
    if kinds[0] == "complex" and kinds[1] != "complex":
        return False
    if kinds[0] == "float" and kinds[1] in ("bool", "int", "uint"):
        return False
    return not (kinds[1] == "bool" and kinds[0] != "bool")


def inplace_result(out_of_place: Callable[[Check], Callable[[Check, object], object]]):
    """A model of an in-place form: the op computed as out of place (`out_of_place(check)` gives
    the model to use), then cast into self where c10's canCast allows it. Where torch and the
    reference both refuse the call, the model claims nothing."""

    def model(check: Check, reference: object) -> object:
        result = out_of_place(check)(check, None)
        self_input = next(iter(check.inputs.values()))
        if not isinstance(result, Outcome):
            values = np.asarray(getattr(result, "values", result))
            computed = result.dtype if hasattr(result, "values") else dt.name_of(values.dtype)
            if values.shape != self_input.shape:
                result = Outcome(error=ExpectedError(RuntimeError, "doesn't match the broadcast shape"))
            elif not can_cast(computed, self_input.dtype.name):
                result = Outcome(error=ExpectedError(RuntimeError, "can't be cast to the desired output type"))
            else:
                return as_dtype(values, self_input.dtype)
        return check.reference if _both_refuse_alike(result, check) else result

    return model


# ---------------------------------------------------------------------------
# Python data


def leaves(data: object) -> list[object]:
    """The scalars of nested lists/tuples, in order."""
    if isinstance(data, list | tuple):
        return [leaf for item in data for leaf in leaves(item)]
    return [data]


def numpy_scalars_in_data(check: Check) -> bool:
    """Nested lists/tuples holding NumPy scalars, without a dtype (a np.bool_ where the dtype is
    integral is refused: numpy-bool-in-integer-data)."""
    data = check.inputs.get("data")
    if not isinstance(data, list | tuple) or check.inputs.get("dtype") is not None:
        return False
    return any(isinstance(v, np.generic) for v in leaves(data))


def inferred_dtype(data: object) -> str:
    """torch's dtype inference for nested data: a NumPy scalar's own dtype, a Python number's
    default (bool, int64, float32, complex64); a sequence folds its items' dtypes left to right
    with promote_types (raising for uint16/32/64 with other integers) and stops at complex128;
    an empty one is the default float."""
    if isinstance(data, list | tuple):
        result = None
        for item in data:
            item_dtype = inferred_dtype(item)
            result = item_dtype if result is None else promotion.promote_types(result, item_dtype)
            if result == "complex128":
                break
        return result or promotion.default_float()
    if isinstance(data, np.generic):
        return dt.name_of(data.dtype)
    if isinstance(data, int) and not isinstance(data, bool):
        return "int64"  # (in data, an int past int64 overflows rather than making the tensor uint64)
    return promotion.scalar_dtype(data)


def data_by_torch_promotion(check: Check, reference: object) -> object:
    """torch's tensor of nested data with NumPy scalars: the dtype `inferred_dtype` gives it, and the
    values converted to it (a np.uint64 is read through a signed path where the dtype is integral)."""
    data = check.inputs["data"]
    try:
        dtype = inferred_dtype(data)
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    scalars = leaves(data)
    if any(isinstance(v, np.uint64) for v in scalars) and dt.dtype(dtype).is_integral:
        return Outcome(error=ExpectedError(TypeError, "an integer is required"))
    exact = [v.item() if isinstance(v, np.generic) else v for v in scalars]
    with np.errstate(all="ignore"):
        values = np.array(exact, dtype=object).astype(dt.dtype(dtype).numpy)
    return values.reshape(np.shape(np.asarray(data, dtype=object)))


def python_ints_past_int64_in_data(check: Check) -> bool:
    """Python data without a dtype whose ints leave int64's range, with no float or complex that
    would make the result floating."""
    data = check.inputs.get("data")
    if check.inputs.get("dtype") is not None or not isinstance(data, list | tuple | int):
        return False
    scalars = leaves(data)
    if any(isinstance(v, float | complex | np.generic) for v in scalars):
        return False
    return any(isinstance(v, int) and not isinstance(v, bool) and not INT64_MIN <= v <= INT64_MAX for v in scalars)


# ---------------------------------------------------------------------------
# Models of particular ops


class ReturnsUnlessRefused(Returns):
    """A model that yields to a refusal documented by an entry before it (torch meets that first)."""

    def expectation(self, expected: object, check: Check) -> object:
        if isinstance(expected, Outcome) and isinstance(expected.error, ExpectedError):
            return expected
        return super().expectation(expected, check)


def _ones(check: Check, dtype: str) -> object:
    shape = np.broadcast_shapes(*(np.shape(v) for v in operand_values(check)))
    return as_dtype(np.ones(shape, dtype=dt.dtype(dtype).numpy), dtype)


def pow_shortcut(check: Check) -> bool:
    """torch.pow(1, tensor), torch.pow(tensor, 0) and torch.pow(tensor, 1) (Python numbers, not
    bools as the base) where torch's promoted dtype has no pow kernel: torch answers without one."""
    free = free_values(check)
    if check.op is None or check.op.name != "pow" or len(free) != 2:
        return False
    (_, base), (_, exponent) = free
    result = result_dtype(check)
    if result is None or result not in (*check.op.torch_lacks, *dt.HALF_COMPLEX):
        return False
    base_number, exponent_number = as_number(base), as_number(exponent)
    one_base = base_number is not None and not isinstance(base_number, bool) and base_number == 1
    return one_base or (isinstance(base, ArrayInput) and exponent_number is not None and exponent_number in (0, 1))


def pow_shortcut_result(check: Check, reference: object) -> object:
    """Ones (a base of 1, an exponent of 0), or the base converted (an exponent of 1), in torch's
    promoted dtype."""
    (_, base), (_, exponent) = free_values(check)
    result = result_dtype(check)
    exponent = as_number(exponent)
    if isinstance(base, ArrayInput) and exponent == 1 and not isinstance(exponent, complex):
        return as_dtype(base.values, result)
    return _ones(check, result)


def integer_pow_negative_exponent(check: Check) -> bool:
    """An integral pow (by torch's promotion) of number or mixed-dtype operands with a negative
    exponent (integer-pow-negative-exponent covers two tensors of one signed dtype)."""
    if not (number_operand(check) or promotion_involved(check)):
        return False
    result = result_dtype(check)
    if result is None or not dt.dtype(result).is_integral:
        return False
    if result in dt.LIMITED_UNSIGNED_INTS and as_number(free_values(check)[1][1]) is None:
        return False  # no kernel: a number exponent's sign is checked before, a tensor's is not
    base, exponent = operand_values(check)
    if as_number(free_values(check)[1][1]) is not None:  # a number exponent's sign is checked first, even for no values
        return bool(np.asarray(exponent, dtype=object) < 0)
    # a tensor exponent is converted to the result dtype first: uint32 4294967294 in int32 is -2
    converted = np.asarray(exponent).astype(dt.dtype(result).numpy)
    return np.size(base) > 0 and np.size(exponent) > 0 and bool((converted < 0).any())


def integer_pow_by_torch(check: Check, reference: object) -> object:
    """torch's integer pow with negative exponents: 1 for base 1, +-1 for base -1, 0 otherwise; a
    number exponent that is negative is refused (torch checks Scalar exponents first)."""
    free = free_values(check)
    exponent_value = as_number(free[1][1])
    if exponent_value is not None and exponent_value < 0 and isinstance(free[0][1], ArrayInput):
        return Outcome(error=ExpectedError(RuntimeError, "Integers to negative integer powers are not allowed"))
    result = dt.dtype(result_dtype(check)).numpy
    base, exponent = (np.asarray(v).astype(result) for v in operand_values(check))
    base, exponent = np.broadcast_arrays(base, exponent)
    with np.errstate(all="ignore"):
        powers = np.power(base, np.maximum(exponent, 0)).astype(result)
    odd = (exponent % 2) != 0
    negative = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(result)
    return np.where(exponent < 0, negative, powers)


def ndarray_divided_by_tensor(check: Check) -> bool:
    free = free_values(check)
    return len(free) == 2 and isinstance(free[0][1], np.ndarray) and isinstance(free[1][1], ArrayInput)


def reciprocal_times_ndarray(check: Check, reference: object) -> object:
    """`ndarray / tensor` as Tensor.__rtruediv__ computes it: tensor.reciprocal() (in the tensor's
    floating dtype, the default float for integers; a complex zero's reciprocal is inf+nanj), then
    that tensor times the ndarray, which NumPy computes."""
    array, tensor = (v for _, v in free_values(check))
    own = tensor.dtype.name
    reciprocal_dtype = promotion.default_float() if tensor.dtype.is_integral else own
    values = dt.dtype(reciprocal_dtype).carry(tensor.values)
    with np.errstate(all="ignore"):
        reciprocal = np.reciprocal(values)
        if np.iscomplexobj(values):
            reciprocal = np.where(values == 0, complex(math.inf, math.nan), reciprocal)
        return np.multiply(dt.dtype(reciprocal_dtype).carry(reciprocal), array)


def wide_numpy_uint64(check: Check) -> bool:
    """A np.uint64 operand past int64's range."""
    return any(isinstance(v, np.uint64) and int(v) > INT64_MAX for _, v in free_values(check))


def numpy_uint64_past_int64(check: Check) -> bool:
    """A np.uint64 operand past int64's range, which torch's argument parser declines: the
    functions and methods (in place too) raise, and so do `np.uint64 op tensor` and the ordered
    comparisons. The other operators fall back: `tensor op np.uint64` to NumPy, `np.uint64 /
    tensor` to the tensor's reciprocal times the number, `==`/`!=` to identity, `op=` to `op`."""
    if not wide_numpy_uint64(check):
        return False
    if not check.label.startswith("operator."):
        return True
    if check.form.inplace or check.label in ("operator.eq", "operator.ne"):
        return False
    if any(isinstance(v, ArrayInput) and not v.dtype.native_numpy for _, v in free_values(check)):
        return True  # NumPy cannot read the tensor (bfloat16)
    if check.label == "operator.truediv":
        return False
    first = free_values(check)[0][1]
    wide_first = isinstance(first, np.uint64) and int(first) > INT64_MAX
    return wide_first or check.label in ("operator.lt", "operator.le", "operator.gt", "operator.ge")


def pow_float32_number_exponent(check: Check) -> bool:
    """pow(tensor, float or complex number, or int past 2**24) with a float32 or complex64 result."""
    free = free_values(check)
    if check.op is None or check.op.name != "pow" or len(free) != 2:
        return False
    (_, base), (_, exponent) = free
    # (an int exponent past 2**24 too, which float32 would round)
    wide_int = isinstance(exponent, int) and not isinstance(exponent, bool) and abs(exponent) > 2**24
    return (
        isinstance(base, ArrayInput)
        and (isinstance(exponent, float | complex) or wide_int)
        and result_dtype(check) in ("float32", "complex64")
    )


def pow_with_unrounded_exponent(check: Check, reference: object) -> object:
    """pow of the base in the result dtype by the exponent as given (a double), rounded once."""
    (_, base), (_, exponent) = free_values(check)
    result = result_dtype(check)
    wide = np.complex128 if dt.dtype(result).is_complex else np.float64
    values = dt.dtype(result).carry(base.values).astype(wide)
    with np.errstate(all="ignore"):
        return as_dtype(np.power(values, wide(exponent)), result)


def ndarray_operator_by_numpy(check: Check) -> bool:
    """`tensor op ndarray` under an operator that hands the call to NumPy (not ==, which torch
    computes, nor the ordered comparisons, which raise), with a tensor NumPy can read."""
    free = free_values(check)
    if check.form is None or check.form.kind != "operator" or len(free) != 2:
        return False
    (_, first), (_, second) = free
    return (
        isinstance(first, ArrayInput)
        and isinstance(second, np.ndarray)
        and first.dtype.native_numpy
        and check.label
        not in ("operator.eq", "operator.ne", "operator.lt", "operator.le", "operator.gt", "operator.ge")
    )


def numpy_result(check: Check, reference: object) -> object:
    """The reference itself: NumPy computed torch's result."""
    return check.reference if check.reference.raised else check.reference.value


def out_of_place_documented(check: Check, reference: object) -> object:
    """The documented out-of-place result of an in-place call: the op's function form on the same
    operands, NumPy's reference run through every registry entry that documents that call."""
    from conformance.known_divergences import REGISTRY
    from conformance.runner import reference_outcome

    function = check.op.function_form
    values = [v.values if isinstance(v, ArrayInput) else v for v in check.inputs.values()]
    dtype = next(iter(check.inputs.values())).dtype
    with np.errstate(all="ignore"):
        expected = reference_outcome(lambda: check.op.reference(np, *values, dtype=dtype), dtype)
    converted = replace(check, label=function.label, form=function, reference=expected)
    documented: object = expected
    for entry in REGISTRY.find(converted):
        documented = entry.expectation(documented, converted)
    if isinstance(documented, Outcome):
        return documented if documented.raised else documented.value
    return documented


def ndarray_with_negative_strides_compared(check: Check) -> bool:
    return ndarray_compared_by_torch(check) and any(
        isinstance(v, np.ndarray) and any(stride < 0 for stride in v.strides) for _, v in free_values(check)
    )
