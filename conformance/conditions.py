"""Conditions and models shared by the known divergences: small typed functions of a `Check`.

An entry's `when` is a predicate over the check (its Op, Form, operands, device and the
reference's outcome); an entry's model reads the same record. What more than one area
of the registry needs lives here, so that entries read as data and no area imports
another's private helpers.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.dtypes import INT64_MAX
from conformance.inputs import ArrayInput
from conformance.normal import Expected

PYTHON_SCALAR = bool | int | float | complex
_PYTHON_KINDS = {"bool", "int", "float", "complex"}


def is_python_scalar(value: object) -> bool:
    return isinstance(value, PYTHON_SCALAR)


def layout_of(value: object):
    """The layout of an array input, None for other inputs."""
    return value.layout if isinstance(value, ArrayInput) else None


def any_flipped(check: Check) -> bool:
    """Whether an array input has a negative-stride (flipped) layout."""
    return any(layout_of(value).flipped for value in check.inputs.values() if layout_of(value))


def scalar_kinds(data: object) -> set[str]:
    """The Python scalar kinds in nested lists/tuples (bool is its own kind, not an int).

    Anything else (a NumPy array or scalar, a tensor) is named by its type.
    """
    if isinstance(data, list | tuple):
        found: set[str] = set()
        for item in data:
            found |= scalar_kinds(item)
        return found
    for kind, python_type in (("bool", bool), ("int", int), ("float", float), ("complex", complex)):
        if type(data) is python_type:
            return {kind}
    return {type(data).__name__}


def from_python(check: Check) -> bool:
    """Whether every data input is Python scalars or lists/tuples of them (no NumPy, no tensors)."""
    for value in check.inputs.values():
        if value is None or isinstance(value, str | dt.DType):
            continue
        if not scalar_kinds(value) <= _PYTHON_KINDS:
            return False
    return True


# ---------------------------------------------------------------------------
# Catalog calls


def uniform(check: Check) -> bool:
    """All operands that take part in promotion are arrays of one dtype: no promotion is involved."""
    values = check.promoted
    return all(isinstance(v, ArrayInput) for v in values) and len({v.dtype.name for v in values}) <= 1


def lacks_kernel(check: Check) -> bool:
    """A catalog op on operands of one dtype for which torch has no kernel."""
    return (
        check.op is not None
        and uniform(check)
        and any(inp.dtype.name in check.op.torch_lacks for inp in check.operands)
    )


def any_complex(check: Check) -> bool:
    """Whether an operand is complex: a complex array, or a Python complex scalar."""
    return any(inp.dtype.is_complex for inp in check.operands) or any(
        isinstance(v, complex) for v in check.inputs.values()
    )


def _operand_shape(value: object) -> tuple[int, ...] | None:
    """The shape of an operand of any kind (a number's is ()); None for an input that is no operand."""
    if isinstance(value, ArrayInput):
        return value.shape
    if isinstance(value, np.ndarray | np.generic) or is_python_scalar(value):
        return np.shape(value)
    return None


def result_shape(check: Check) -> tuple[int, ...] | None:
    """The shape of an elementwise result, from operands of every kind (tensors, ndarrays,
    numbers); None where the operands do not broadcast, or an in-place form's result would not
    fit into self."""
    shapes = [shape for shape in map(_operand_shape, check.inputs.values()) if shape is not None]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return None
    if check.form is not None and check.form.inplace and shape != check.operands[0].shape:
        return None
    return shape


def nonempty_result(check: Check) -> bool:
    shape = result_shape(check)
    return shape is not None and math.prod(shape) > 0


def numpy_scalar_as_number(value: np.generic) -> object | None:
    """The Python number torch reads a NumPy scalar operand as: the value it holds, but a np.bool_
    as a float (0.0 or 1.0) and a np.complex64 as the float of its real part; None for a np.uint64
    past int64's range, which torch declines (see known_divergences/mixed_operands.py)."""
    if isinstance(value, np.bool_):
        return float(value)
    if isinstance(value, np.complex64):
        return float(value.real)
    if isinstance(value, np.uint64) and int(value) > INT64_MAX:
        return None
    return value.item()


def promotion_groups(check: Check) -> tuple[list[str], list[str], list[object]]:
    """The operands that take part in promotion as torch groups them: the dtypes of dimensioned
    tensors, of 0-d tensors, and the Python numbers (NumPy scalars read as torch reads them)."""
    dimensioned: list[str] = []
    zero_dim: list[str] = []
    scalars: list[object] = []
    for value in check.promoted:
        if isinstance(value, ArrayInput):
            (zero_dim if value.shape == () else dimensioned).append(value.dtype.name)
        elif is_python_scalar(value):
            scalars.append(value)
        elif isinstance(value, np.generic) and numpy_scalar_as_number(value) is not None:
            scalars.append(numpy_scalar_as_number(value))
    return dimensioned, zero_dim, scalars


def computed_dtype(check: Check) -> str | None:
    """The dtype an elementwise result is computed in: torch's promotion of the operands, or the
    reference's where an ndarray operand hands the call to NumPy; None where neither is known."""
    if any(isinstance(value, np.ndarray) for value in check.promoted):
        return check.reference_dtype
    try:
        return promotion.result_type(*promotion_groups(check))
    except (promotion.PromotionError, ValueError):
        return None


def operand_values(check: Check) -> list[np.ndarray]:
    """Every input of the call, as NumPy values in call order (Python scalars as 0-d arrays; an
    int past float64's range, which torch refuses (python-int-past-64-bits), as an infinity of
    its sign, so that the registry's conditions can still read the call)."""
    return [v.values if isinstance(v, ArrayInput) else _number_values(v) for v in check.inputs.values()]


def _number_values(value: object) -> np.ndarray:
    values = np.asarray(value)
    if values.dtype == object and isinstance(value, int) and abs(value) > sys.float_info.max:
        return dt.dtype("float64").carry(values)
    return values


# ---------------------------------------------------------------------------
# Models: torch's documented result, computed from the reference's


def reference_values(reference: object) -> np.ndarray:
    """The reference's values, whether tagged with a dtype NumPy lacks or not."""
    return np.asarray(reference.values if isinstance(reference, Expected) else reference)


def keep_tag(reference: object, values: np.ndarray) -> object:
    """`values` in place of the reference's, keeping a bfloat16 tag where there is one."""
    return Expected(values, reference.dtype) if isinstance(reference, Expected) else values


def complex_product(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * y by the textbook formula (ac - bd) + (ad + bc)i in the operands' dtype: no C99 Annex G
    recovery of infinities (inf * 0 gives NaN), signs of zeros as the formula gives them."""
    x, y = np.broadcast_arrays(x, y)
    a, b, c, d = x.real, x.imag, y.real, y.imag
    out = np.empty(x.shape, dtype=np.result_type(x, y))
    with np.errstate(all="ignore"):
        out.real = a * c - b * d
        out.imag = a * d + b * c
    return out


def _plus_times(alpha: float):
    def formula(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        scaled = complex_product(np.asarray(y), np.asarray(alpha, dtype=np.result_type(x, y)))
        x, scaled = np.broadcast_arrays(x, scaled)
        out = np.empty(x.shape, dtype=scaled.dtype)
        with np.errstate(all="ignore"):
            out.real = x.real + scaled.real
            out.imag = x.imag + scaled.imag
        return out

    return formula


# How torch computes complex add and sub, where the formula differs from NumPy's (C99 Annex G):
# x + alpha * y with alpha = 1 or -1 multiplied as a complex number. Checked against torch on
# every pair of extremal values (zeros of both signs, infinities, NaN), 0-d to 70 elements.
COMPLEX_FORMULAS = {
    "add": _plus_times(1.0),
    "sub": _plus_times(-1.0),
}


def complex_formula(check: Check, operands: list[np.ndarray]) -> np.ndarray:
    """The op's COMPLEX_FORMULAS entry on `operands` (the check's, converted), in the order
    torch's kernel takes them: `scalar + tensor` is tensor.__radd__(scalar), which computes
    tensor + alpha * scalar, so the alpha product falls on the scalar (`scalar - tensor` is
    torch.rsub, scalar - alpha * tensor, in the written order)."""
    values = list(check.inputs.values())
    if check.label == "operator.add" and is_python_scalar(values[0]) and not is_python_scalar(values[1]):
        operands = operands[::-1]
    return COMPLEX_FORMULAS[check.op.name](*operands)


def integer_powers(base: np.ndarray, exponent: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """torch's integral pow in `dtype`: x ** y for y >= 0 (wrapping), and for a negative y 1 where
    x is 1, +-1 by y's parity where x is -1, 0 elsewhere (where NumPy refuses the power)."""
    base, exponent = np.broadcast_arrays(base, exponent)
    with np.errstate(all="ignore"):
        powers = np.power(base, np.maximum(exponent, 0)).astype(dtype)
    odd = (exponent % 2) != 0
    negative = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(dtype)
    return np.where(exponent < 0, negative, powers)
