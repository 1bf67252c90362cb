"""Models of torch's results for mixed operands: the documented result of a call whose NumPy
scalars torch reads as Python numbers (composed from the entries that document that call),
of an in-place form (out of place, then cast into self), and of particular ops' paths
(pow's shortcuts, integer powers, ndarray operands handed to NumPy). The conditions they go
with are in `conformance.mixed_operands`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.compare import Options
from conformance.conditions import integer_powers, operand_values
from conformance.divergences import Returns
from conformance.dtypes import INT64_MAX
from conformance.errors import builtin_class
from conformance.inputs import ArrayInput
from conformance.mixed_operands import (
    as_number,
    free_values,
    ndarray_compared_by_torch,
    number_operand,
    promotion_involved,
    read_as_numbers,
    result_dtype,
)
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome


@dataclass(frozen=True)
class DocumentedAs:
    """A model: torch's result for a call as the registry documents another call, which
    `convert` gives with its reference outcome (NumPy's reference for that call), run through
    every entry that documents it but `own_id`; the comparison takes those entries'
    relaxations (tolerance, signs of zero, positions not promised) too, so a model composed of
    entries promises no more than they do."""

    convert: Callable[[Check], Check]
    own_id: str | None = None

    def documenting(self, check: Check) -> tuple[Check, list]:
        """The other call, with its reference outcome, and the entries that document it."""
        from conformance.known_divergences import REGISTRY  # the registry holds the entries using this

        converted = self.convert(check)
        return converted, [entry for entry in REGISTRY.find(converted) if entry.id != self.own_id]

    def __call__(self, check: Check, reference: object) -> object:
        converted, entries = self.documenting(check)
        documented: object = converted.reference
        for entry in entries:
            documented = entry.expectation(documented, converted)
        if isinstance(documented, Outcome):
            return documented if documented.raised else documented.value
        return documented

    def relax(self, options: Options, check: Check) -> Options:
        converted, entries = self.documenting(check)
        for entry in entries:
            options = entry.relax(options, converted)
        return options


def _with_reference(check: Check, dtype: dt.DType | None) -> Check:
    """`check` with NumPy's reference outcome of its op on its inputs (in `dtype`'s carrier)."""
    from conformance.runner import reference_outcome

    values = [v.values if isinstance(v, ArrayInput) else v for v in check.inputs.values()]
    with np.errstate(all="ignore"):
        expected = reference_outcome(lambda: check.op.reference(np, *values, dtype=dtype), dtype)
    return replace(check, reference=expected)


def _numbers_call(check: Check) -> Check:
    converted = read_as_numbers(check)
    tensors = [v.dtype for v in converted.inputs.values() if isinstance(v, ArrayInput)]
    return _with_reference(converted, tensors[0] if tensors else None)


class as_with_python_numbers(DocumentedAs):
    """torch's documented result for the call with Python numbers in place of NumPy scalars (and
    of clamp's 0-d bounds). Where that result and the reference are both refusals, the model
    claims nothing (it returns the reference)."""

    def __init__(self, own_id: str):
        super().__init__(_numbers_call, own_id)

    def __call__(self, check: Check, reference: object) -> object:
        documented = super().__call__(check, reference)
        if isinstance(documented, Outcome) and _both_refuse_alike(documented, check):
            return check.reference
        return documented


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


@dataclass(frozen=True)
class inplace_result:
    """A model of an in-place form: the op computed as out of place (`out_of_place(check)` gives
    the model to use), then cast into self where c10's canCast allows it. Where torch and the
    reference both refuse the call, the model claims nothing. The out-of-place model's
    relaxations hold for the in-place result too (the same kernel computes it)."""

    out_of_place: Callable[[Check], Callable[[Check, object], object]]

    def __call__(self, check: Check, reference: object) -> object:
        result = self.out_of_place(check)(check, None)
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

    def relax(self, options: Options, check: Check) -> Options:
        relax = getattr(self.out_of_place(check), "relax", None)
        return options if relax is None else relax(options, check)


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
    bools as the base) where torch's promoted dtype has no pow kernel: torch answers without one;
    and torch.pow(1, tensor) with a complex result, where the ones torch fills differ from
    NumPy's complex power of 1 by an infinite or NaN exponent (nan+nanj)."""
    free = free_values(check)
    if check.op is None or check.op.name != "pow" or len(free) != 2:
        return False
    (_, base), (_, exponent) = free
    result = result_dtype(check)
    if result is None:
        return False
    base_number, exponent_number = as_number(base), as_number(exponent)
    one_base = base_number is not None and not isinstance(base_number, bool) and base_number == 1
    if one_base and dt.dtype(result).is_complex:
        return True
    if result not in (*check.op.torch_lacks, *dt.HALF_COMPLEX):
        return False
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
    exponent (integer-pow-negative-exponent covers two tensors of one signed dtype). Not where
    torch's parser declines a np.uint64 past int64 first (numpy-uint64-past-int64): read as
    int64, np.uint64(2**64 - 2) would pass for the negative exponent -2."""
    if not (number_operand(check) or promotion_involved(check)) or numpy_uint64_past_int64(check):
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
    return integer_powers(base, exponent, result)


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
    wide = dt.dtype("complex128" if dt.dtype(result).is_complex else "float64")
    values = dt.dtype(result).carry(base.values).astype(wide.numpy)
    with np.errstate(all="ignore"):
        return as_dtype(np.power(values, wide.carry(exponent)), result)


def pow_exponent_rounding_matters(check: Check) -> np.ndarray:
    """Where the result of pow by the exponent as a double and by the exponent rounded to the
    result dtype (NumPy's reading) differ: torch's CPU kernel gives the second on its vectorised
    path and the first on a scalar tail, so which one a position gets depends on the layout."""
    (_, base), (_, exponent) = free_values(check)
    result = dt.dtype(result_dtype(check))
    unrounded = np.asarray(pow_with_unrounded_exponent(check, None))
    values = result.carry(base.values)
    with np.errstate(all="ignore"):
        rounded = np.asarray(as_dtype(np.power(values, result.carry(np.asarray(exponent))), result.name))
    same = (unrounded == rounded) | (np.isnan(unrounded) & np.isnan(rounded))
    if result.is_complex:
        parts = [(unrounded.real, rounded.real), (unrounded.imag, rounded.imag)]
    else:
        parts = [(unrounded, rounded)]
    for a, b in parts:
        same &= np.signbit(a) == np.signbit(b)
    return ~same


def ndarray_operator_by_numpy(check: Check) -> bool:
    """`tensor op ndarray` under an operator that hands the call to NumPy (not ==, which torch
    computes, nor the ordered comparisons, which raise), with a tensor NumPy can read; and so
    `tensor op np.uint64` past int64's range, which torch's parser declines (numpy-uint64-past-int64)."""
    free = free_values(check)
    if check.form is None or check.form.kind != "operator" or len(free) != 2:
        return False
    (_, first), (_, second) = free
    wide_uint64 = isinstance(second, np.uint64) and int(second) > INT64_MAX
    return (
        isinstance(first, ArrayInput)
        and (isinstance(second, np.ndarray) or wide_uint64)
        and first.dtype.native_numpy
        and check.label
        not in ("operator.eq", "operator.ne", "operator.lt", "operator.le", "operator.gt", "operator.ge")
    )


def numpy_result(check: Check, reference: object) -> object:
    """NumPy's own result of the operator on the tensor read as an array, as `Tensor.__array_wrap__`
    wraps it. It is NumPy's call, not the op's reference (which may compute otherwise: pow's
    complex64 in complex128); and torch's wrapper turns a bool array into uint8 ("torch has no
    built-in bool tensor", a comment older than torch.bool): `torch.tensor([True]) +
    np.array([True])` is uint8."""
    (_, first), (_, second) = free_values(check)
    with np.errstate(all="ignore"):
        try:
            value = check.form.call(np.asarray(first.values), second)
        except Exception as error:
            return Outcome(error=ExpectedError(type(error), re.escape(str(error))))
    if isinstance(value, np.ndarray | np.generic) and np.asarray(value).dtype == np.bool_:
        return np.asarray(value).astype(np.uint8)
    return value


def _function_call(check: Check) -> Check:
    """An in-place call as the op's function form on the same operands, with its reference."""
    function = check.op.function_form
    converted = replace(check, label=function.label, form=function)
    return _with_reference(converted, next(iter(check.inputs.values())).dtype)


# The documented out-of-place result of an in-place call: the op's function form on the same
# operands, NumPy's reference run through every registry entry that documents that call.
out_of_place_documented = DocumentedAs(_function_call)


def ndarray_with_negative_strides_compared(check: Check) -> bool:
    return ndarray_compared_by_torch(check) and any(
        isinstance(v, np.ndarray) and any(stride < 0 for stride in v.strides) for _, v in free_values(check)
    )
