"""The error bounds the floating results of the reductions and scans are compared under: how far
torch's result may stray from the float64 reference, whatever its order of operations (Higham's
gamma_n over the terms reduced), plus the rounding of either side's result to its dtype."""

from __future__ import annotations

import math

import numpy as np

from conformance import dtypes as dt
from conformance.tolerances import Tolerance


def reduced_axes(ndim: int, dim) -> tuple[int, ...]:
    """The dims a reduction over `dim` reduces (all for None; a 0-d input has none)."""
    if ndim == 0:
        return ()
    if dim is None or (isinstance(dim, tuple | list) and len(dim) == 0):
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted({d % ndim for d in dims}))


def accumulation_eps(dtype: dt.DType) -> float:
    """The eps of the type torch accumulates a floating sum in: float32 for float16 and bfloat16
    (and complex32's parts), float32 for float32, float64 for float64."""
    return dt.dtype("float64").eps if dtype.name in ("float64", "complex128") else dt.dtype("float32").eps


def gamma(n: int, eps: float) -> float:
    """Higham's gamma_n = n u / (1 - n u), u = eps / 2: the relative error bound of n floating
    operations, whatever their order."""
    nu = n * eps / 2
    return nu / (1 - nu) if nu < 1 else math.inf


def _computed_in(x: np.ndarray, dtype_name: str, arguments: dict) -> dt.DType:
    dtype = arguments.get("dtype")
    return dtype if isinstance(dtype, dt.DType) else dt.dtype(dtype_name)


def _largest_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else 0.0


def sum_bound(values: np.ndarray, dtype_name: str, arguments: dict, *, divide: bool = False) -> Tolerance | None:
    """A sum of n terms, in any order (torch sums in vectorised lanes, cascades and threads):
    |error| <= gamma_(n-1) sum|x| in the accumulation type (Higham, Accuracy and Stability,
    eq. 4.4, which holds for every order of summation), doubled to cover the reference's own
    float64 sum; plus the rounding of either side's result to its dtype (rtol eps). A mean's
    bound is the sum's divided by the count of its terms (NaNs left out, as nanmean leaves
    them). Exact for integers and bools."""
    computed = _computed_in(values, dtype_name, arguments)
    if not (computed.is_floating or computed.is_complex):
        return None
    axes = reduced_axes(values.ndim, arguments.get("dim"))
    n = math.prod(values.shape[a] for a in axes) if axes else 1
    magnitude = np.abs(computed.carry(values).astype(np.complex128 if computed.is_complex else np.float64))
    # NaNs left out: nansum and nanmean skip them (a NaN result of sum or mean is compared by
    # position), and nanmean divides by the count of the others
    with np.errstate(all="ignore"):
        sums = np.nansum(magnitude, axis=axes) if axes else np.nan_to_num(magnitude, nan=0.0)
        if divide and n:
            counts = np.sum(~np.isnan(magnitude), axis=axes) if axes else 1
            sums = sums / np.maximum(counts, 1)
    bound = 2 * gamma(max(n - 1, 1), accumulation_eps(computed)) * _largest_finite(np.asarray(sums))
    return Tolerance(computed.eps, bound)


def scan_bound(values: np.ndarray, dtype_name: str, arguments: dict) -> Tolerance | None:
    """A cumulative sum: each prefix obeys the sum's bound; the longest prefix's is the largest."""
    dim = arguments.get("dim")
    return sum_bound(values, dtype_name, {**arguments, "dim": dim if values.ndim else None})


def product_bound(values: np.ndarray, dtype_name: str, arguments: dict) -> Tolerance | None:
    """A product of n factors in any order: relative error <= gamma_(n-1) in the accumulation
    type (each product rounds once), doubled for the reference, plus the rounding of the result
    (eps). Positions whose partial products may leave the dtype's range are the registry's."""
    computed = _computed_in(values, dtype_name, arguments)
    if not (computed.is_floating or computed.is_complex):
        return None
    axes = reduced_axes(values.ndim, arguments.get("dim"))
    n = math.prod(values.shape[a] for a in axes) if axes else 1
    # a complex product rounds each of its parts' products and sums: sqrt(2) gamma_2 more per factor
    per_factor = 4 if computed.is_complex else 1
    return Tolerance(computed.eps + 2 * gamma(per_factor * max(n - 1, 1), accumulation_eps(computed)), 0.0)


def variance_bound(values: np.ndarray, dtype_name: str, arguments: dict, *, root: bool = False) -> Tolerance | None:
    """A variance sum|x - mean|^2 / (n - correction), computed by any stable algorithm (torch:
    Welford's; the reference: two passes in float64): the centred terms carry the mean's error
    and their own rounding, so |error| <= gamma_(2n+4) sum|x|^2 / max(n - correction, 1) (a bound
    over the uncentred squares, which holds where cancellation is heavy), doubled for the
    reference. A standard deviation's error is at most the square root of the variance's, since
    |sqrt(a) - sqrt(b)| <= sqrt(|a - b|)."""
    dtype = dt.dtype(dtype_name)
    if not (dtype.is_floating or dtype.is_complex):
        return None
    axes = reduced_axes(values.ndim, arguments.get("dim"))
    n = math.prod(values.shape[a] for a in axes) if axes else 1
    correction = arguments.get("correction", 1)
    with np.errstate(all="ignore"):
        squares = np.abs(values.astype(np.complex128 if dtype.is_complex else np.float64)) ** 2
        sums = squares.sum(axis=axes) if axes else squares
    denominator = max(n - float(correction), 1.0)
    bound = 2 * gamma(2 * n + 4, accumulation_eps(dtype)) * _largest_finite(np.asarray(sums)) / denominator
    real = dt.dtype("float32" if dtype.name == "complex64" else "float64" if dtype.is_complex else dtype_name)
    if root:
        return Tolerance(real.eps, math.sqrt(bound))
    return Tolerance(real.eps, bound)


def logsumexp_bound(values: np.ndarray, dtype_name: str, arguments: dict) -> Tolerance:
    """torch composes logsumexp of its own ops in the result's dtype (float16 and bfloat16 too):
    m = amax(x), exp(x - m), a sum, log, + m, each rounded to the dtype. Rounding x - m costs at
    most u |x - m| exp(x - m) <= u / e of the log, exp and the rounded sum u each, the log of a
    sum in [1, n] u log(n), and the final add u |result| (rtol eps): atol eps (2 + log n), plus
    the sum's own 2 gamma_n in the accumulation type. Measured: logsumexp of four float16 -1.0
    is 0.38672, 2 ulps (0.00049) from the correctly rounded 0.38623, by log(4) rounded to
    float16. Integers compute in float32."""
    dtype = dt.dtype(dtype_name)
    result = dtype if (dtype.is_floating or dtype.is_complex) else dt.dtype("float32")
    axes = reduced_axes(values.ndim, arguments.get("dim"))
    n = math.prod(values.shape[a] for a in axes) if axes else 1
    return Tolerance(
        result.eps, result.eps * (2 + math.log(max(n, 1))) + 2 * gamma(2 * n + 2, accumulation_eps(result))
    )


def quantile_bound(values: np.ndarray, dtype_name: str, arguments: dict) -> Tolerance | None:
    """Linear interpolation a + w (b - a) between two sorted neighbours, with the weight w
    computed from q (n - 1): a few roundings of the size of max(|a|, |b|), at most the largest
    finite |x| (4 eps of it), and the result's own rounding."""
    dtype = dt.dtype(dtype_name)
    if not dtype.is_floating:
        return None  # refused
    largest = _largest_finite(np.abs(values.astype(np.float64))) if values.size else 0.0
    return Tolerance(dtype.eps, 4 * dtype.eps * largest)
