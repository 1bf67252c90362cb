"""The reference's dtype conversions: values of one dtype converted to another, rounded once.

NumPy's `astype` converts between its own dtypes by C's rules (round to nearest even
between floats, truncation toward zero from floats to integers, wrap-around between
integers, the real part of a complex number). NumPy has no bfloat16: a conversion to it
is computed here, rounded once from the exact source value (float64 and 64-bit integers
included), never through a float32 intermediate, which would round twice.
"""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance.normal import as_dtype

_BFLOAT16_BITS = 8  # significant bits, the implicit one included
_BFLOAT16_MIN_EXPONENT = -133  # the exponent of the smallest subnormal's quantum


def float64_to_bfloat16(values: np.ndarray) -> np.ndarray:
    """float64 values rounded once to bfloat16 (nearest, ties to even), held in float32."""
    x = np.asarray(values, dtype=np.float64)
    _, exponent = np.frexp(x)
    quantum = np.maximum(exponent - _BFLOAT16_BITS, _BFLOAT16_MIN_EXPONENT)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.ldexp(np.rint(np.ldexp(x, -quantum)), quantum)
        rounded = np.where(np.abs(rounded) > dt.dtype("bfloat16").largest, np.copysign(np.inf, x), rounded)
        return np.where(np.isfinite(x), rounded, x).astype(np.float32)


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
            return as_dtype(float64_to_bfloat16(values), target)
        return as_dtype(values.astype(np.float32), target)
    with np.errstate(over="ignore", invalid="ignore"):
        if source.is_complex and not target.is_complex and target.kind != "bool":
            values = values.real  # C's conversion; NumPy's astype does the same, with a ComplexWarning
        return values.astype(target.numpy)
