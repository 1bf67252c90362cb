"""Reference functions of the catalog where NumPy's (or CuPy's) own function is not the
reference as it stands: each is fn(xp, *arrays, **arguments), xp being NumPy or CuPy."""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt


def sigmoid(xp, x):
    """The logistic function, computed in float64 (NumPy has none) and returned in x's float dtype."""
    wide = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = 1 / (1 + xp.exp(-wide))
    return result.astype(x.dtype if x.dtype.kind in "fc" else np.float64)


def nan_to_num(xp, x, dtype: dt.DType | None = None):
    """nan_to_num with the infinities replaced by the extremes of the dtype the values stand
    for (a bfloat16's largest finite value is not float32's)."""
    if dtype is None or dtype.native_numpy or not dtype.is_floating:
        return xp.nan_to_num(x)
    return xp.nan_to_num(x, posinf=dtype.largest, neginf=dtype.lowest)


def power(xp, x, y):
    """x ** y by C99's pow: NumPy's loop takes a fast path for a broadcast (stride-0) exponent,
    computing x ** 0.5 as sqrt(x), which gives nan for -inf and -0.0 for -0.0 where pow gives
    inf and +0.0 (numpy#21213); the operands are materialised so that the loop sees no stride 0.
    A Python scalar stays weak (NEP 50): it is converted to the dtype NumPy would compute in.
    Complex powers are computed in complex128 and rounded, and where that overflows from finite
    operands, again in NumPy's long double complex (where its exponent range is wider than
    double's: x86's 80-bit): NumPy's complex loops raise to an integer power by repeated
    multiplication, which overflows where the power does not ((4.3e9+0j) ** -4 is nan+nanj in
    complex64, not 2.9e-39; (3+5.8e12j) ** -25 is nan+nanj in complex128, not 0)."""
    dtype = xp.result_type(x, y)
    x, y = (xp.asarray(v, dtype=dtype) if isinstance(v, bool | int | float | complex) else v for v in (x, y))
    x, y = xp.broadcast_arrays(x, y)
    shape = x.shape
    flat = [xp.ascontiguousarray(v).reshape(-1) for v in (x, y)]
    if dtype.kind == "c":
        wide = [v.astype(xp.complex128) for v in flat]
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is computed again below
            result = xp.power(*wide)
        overflowed = xp.isnan(result) & xp.isfinite(wide[0]) & xp.isfinite(wide[1])
        if overflowed.any() and _widest_complex(xp) is not xp.complex128:
            redone = xp.power(*(v[overflowed].astype(_widest_complex(xp)) for v in wide))
            result[overflowed] = redone.astype(xp.complex128)
        return result.astype(dtype).reshape(shape)
    return xp.power(*flat).reshape(shape)


def _widest_complex(xp):
    """NumPy's long double complex where long double has a wider exponent range than double."""
    if xp is np and np.finfo(np.longdouble).maxexp > np.finfo(np.float64).maxexp:
        return np.clongdouble
    return xp.complex128


def clip(xp, x, low, high):
    return xp.clip(x, low, high)


def where(xp, condition, x, y):
    return xp.where(condition, x, y)


def reduce(name: str, **fixed):
    """The NumPy reduction `name` over `dim` (torch's name for NumPy's `axis`)."""

    def reference(xp, x, dim=None):
        return getattr(xp, name)(x, axis=dim, **fixed)

    return reference


def gather(xp, x, index):
    return x[index]


def masked(xp, x, mask):
    return x[mask]


def reshape(xp, x, shape):
    return xp.reshape(x, shape)


def transpose(xp, x, dim0, dim1):
    return xp.swapaxes(x, dim0, dim1)
