"""The reference's dtype conversions: values of one dtype converted to another, rounded once;
and torch's conversions where they round twice.

NumPy's `astype` converts between its own dtypes by C's rules (round to nearest even
between floats, truncation toward zero from floats to integers, wrap-around between
integers, the real part of a complex number). NumPy has no bfloat16: a conversion to it
is computed here, rounded once from the exact source value (float64 and 64-bit integers
included), never through a float32 intermediate, which would round twice.

torch does take some conversions through float32 (c10::Half and c10::BFloat16 are built
from a float): `through_float32` says which, and `convert_through_float32` models them for
the registry (known divergence `narrowing-conversion-rounds-twice`).
"""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance.normal import as_dtype

_BFLOAT16_BITS = 8  # significant bits, the implicit one included
# the sources whose values float32 does not hold exactly, per target torch builds from a float
_ROUNDED_TWICE = {
    "float16": ("float64", "complex128"),
    "bfloat16": ("float64", "complex128", "int32", "int64", "uint32", "uint64"),
}


def _int_to_bfloat16(value: int) -> float:
    """An integer rounded once to bfloat16's 8 significant bits (ties to even), exactly."""
    magnitude = abs(int(value))
    shift = max(magnitude.bit_length() - _BFLOAT16_BITS, 0)
    if shift:
        quotient, remainder = divmod(magnitude, 1 << shift)
        half = 1 << (shift - 1)
        if remainder > half or (remainder == half and quotient % 2):
            quotient += 1
        magnitude = quotient << shift
    return float(-magnitude if value < 0 else magnitude)


def integers_to_bfloat16(values: np.ndarray) -> np.ndarray:
    """Integer values rounded once to bfloat16, held in float32."""
    flat = [_int_to_bfloat16(v) for v in np.asarray(values).reshape(-1).tolist()]
    return np.array(flat, dtype=np.float64).reshape(np.shape(values)).astype(np.float32)


def convert(values: np.ndarray, source: dt.DType, target: dt.DType) -> object:
    """`values` of dtype `source` (in its carrier) converted to `target`: an array of the
    target's NumPy dtype, or values tagged as bfloat16 (see `conformance.normal.as_dtype`)."""
    values = np.asarray(values)
    if target.name == "bfloat16":
        if source.is_complex:
            values, source = values.real, dt.dtype("float64")
        if source.kind in ("int", "uint"):
            return as_dtype(integers_to_bfloat16(values), target)
        if source.name == "float64":
            return as_dtype(dt.round_to_bfloat16(values), target)
        return as_dtype(values.astype(np.float32), target)
    with np.errstate(over="ignore", invalid="ignore"):
        if source.is_complex and not target.is_complex and target.kind != "bool":
            values = values.real  # C's conversion; NumPy's astype does the same, with a ComplexWarning
        return values.astype(target.numpy)


def through_float32(source: dt.DType, target: dt.DType) -> bool:
    """Whether torch converts `source` to `target` through float32, rounding twice where float32
    does not hold the source's values exactly (float64 to float16 and bfloat16, integers wider
    than float32's 24 significant bits to bfloat16)."""
    return source.name in _ROUNDED_TWICE.get(target.name, ())


def convert_through_float32(values: np.ndarray, source: dt.DType, target: dt.DType) -> object:
    """torch's conversion of `values` from `source` to `target`: rounded to float32 first, then
    to the target (the real part of a complex source)."""
    values = np.asarray(values)
    if source.is_complex:
        values = values.real
    with np.errstate(over="ignore", invalid="ignore"):
        narrowed = values.astype(np.float32)
    return convert(narrowed, dt.dtype("float32"), target)
