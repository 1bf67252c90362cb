"""NumPy (and CuPy) references of the reductions and scans.

Each reference is fn(xp, x, **arguments) with torch's argument names (`dim`, `keepdim`,
`dtype`, `correction`, ...), xp being NumPy or CuPy. Floating sums, means, variances and
products are computed in float64 (complex128) and rounded to the result's dtype, so the
reference's own error is negligible beside the bound torch's result is held to
(`conformance.ops.reduction_bounds`); selections (min, max, sort, median, ...) are exact.
Result dtypes are NumPy's own (a sum of uint8 is uint64): where torch's differ, the registry
says so.
"""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt

# ---------------------------------------------------------------------------
# Helpers


def _axis(dim):
    """torch's `dim` as NumPy's `axis`: None, an int or a tuple."""
    return tuple(dim) if isinstance(dim, list) else dim


def _wide(dtype) -> np.dtype:
    """The dtype a floating reference computes in: float64, complex128 for complex values."""
    return np.dtype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)


def _to_host(xp, x) -> np.ndarray:
    return x if xp is np else xp.asnumpy(x)


def cast_first(xp, x, dtype: dt.DType | None):
    """The input converted to `dtype=` as torch does before it reduces (rounded to bfloat16 in
    its float32 carrier); unchanged without one."""
    if dtype is None:
        return x
    if dtype.native_numpy:
        with np.errstate(all="ignore"):
            return x.astype(dtype.numpy)
    return xp.asarray(dtype.carry(_to_host(xp, x)))


def _finish(xp, result, dtype) -> object:
    """A float64 reference result rounded to `dtype` (NumPy's result dtype), kept an array."""
    with np.errstate(all="ignore"):
        return xp.asarray(result).astype(dtype)


def _floating(x) -> bool:
    return x.dtype.kind in "fc"


def _accumulate(xp, name: str, x, dim, keepdim: bool, dtype: dt.DType | None, **fixed):
    """sum/prod/nansum/mean/nanmean: on the input cast to `dtype=`, floating values in float64
    (complex128), integers and bools exactly in NumPy's own accumulator."""
    x = cast_first(xp, x, dtype)
    function = getattr(xp, name)
    with np.errstate(all="ignore"):
        if not _floating(x):  # NumPy's accumulator: int64 (uint64) unless dtype= names one
            exact = {} if dtype is None else {"dtype": x.dtype}
            return xp.asarray(function(x, axis=_axis(dim), keepdims=keepdim, **exact, **fixed))
        result = function(x.astype(_wide(x.dtype)), axis=_axis(dim), keepdims=keepdim, **fixed)
    return _finish(xp, result, x.dtype)


# ---------------------------------------------------------------------------
# Sums, means, products, variances


def sum_(xp, x, dim=None, keepdim=False, dtype=None):
    return _accumulate(xp, "sum", x, dim, keepdim, dtype)


def nansum(xp, x, dim=None, keepdim=False, dtype=None):
    return _accumulate(xp, "nansum", x, dim, keepdim, dtype)


def prod(xp, x, dim=None, keepdim=False, dtype=None):
    return _accumulate(xp, "prod", x, dim, keepdim, dtype)


def mean(xp, x, dim=None, keepdim=False, dtype=None):
    """np.mean: integers and bools give float64 (NumPy's rule)."""
    x = cast_first(xp, x, dtype)
    with np.errstate(all="ignore"):
        result = xp.mean(x.astype(_wide(x.dtype)), axis=_axis(dim), keepdims=keepdim)
    return _finish(xp, result, x.dtype if _floating(x) else np.float64)


def nanmean(xp, x, dim=None, keepdim=False, dtype=None):
    x = cast_first(xp, x, dtype)
    with np.errstate(all="ignore"):
        result = xp.nanmean(x.astype(_wide(x.dtype)), axis=_axis(dim), keepdims=keepdim)
    return _finish(xp, result, x.dtype if _floating(x) else np.float64)


def _variance(xp, name: str, x, dim, keepdim: bool, correction):
    correction = 1 if correction is None else correction
    real = x.real.dtype if x.dtype.kind == "c" else (x.dtype if _floating(x) else np.dtype(np.float64))
    with np.errstate(all="ignore"):
        result = getattr(xp, name)(x.astype(_wide(x.dtype)), axis=_axis(dim), ddof=correction, keepdims=keepdim)
    return _finish(xp, result, real)


def var(xp, x, dim=None, keepdim=False, correction=None):
    """np.var with ddof = torch's correction (1 where it is not given, as torch's default)."""
    return _variance(xp, "var", x, dim, keepdim, correction)


def std(xp, x, dim=None, keepdim=False, correction=None):
    return _variance(xp, "std", x, dim, keepdim, correction)


def axes_of(ndim: int, dim) -> tuple[int, ...]:
    """The dims `dim` names, validated as NumPy validates an axis (out of range or repeated:
    ValueError); a 0-d array takes 0 and -1, as np.sum does; an empty tuple names none."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = max(ndim, 1)
    for d in dims:
        if not -n <= d < n:
            raise np.exceptions.AxisError(d, ndim)
    normal = tuple(d % n for d in dims)
    if len(set(normal)) != len(normal):
        raise ValueError("duplicate value in 'axis'")
    return tuple(sorted(normal)) if ndim else ()


def logsumexp(xp, x, dim, keepdim=False):
    """log(sum(exp(x))) over `dim`, computed as m + log(sum(exp(x - m))) in float64 with m the
    largest (real part), taken as 0 where it is infinite: the sum of no terms is -inf. NumPy
    has no logsumexp: its axis is read as np.sum reads it, and its floating result dtype is the
    input's, float64 for integers."""
    result_dtype = x.dtype if _floating(x) else np.dtype(np.float64)
    wide = x.astype(_wide(x.dtype))
    axes = axes_of(x.ndim, dim)
    real = wide.real if wide.dtype.kind == "c" else wide
    with np.errstate(all="ignore"):
        if not axes:  # log(exp(x)) of each element: x, a complex one's imaginary part on the principal branch
            largest = xp.where(xp.isfinite(real), real, 0.0)
            return _finish(xp, xp.log(xp.exp(wide - largest)) + largest, result_dtype)
        if any(x.shape[a] == 0 for a in axes):
            largest = xp.zeros([1 if d in axes else n for d, n in enumerate(x.shape)], dtype=np.float64)
        else:
            largest = xp.max(real, axis=axes, keepdims=True)
        largest = xp.where(xp.isfinite(largest), largest, 0.0)
        result = xp.log(xp.sum(xp.exp(wide - largest), axis=axes, keepdims=True)) + largest
    if not keepdim:
        result = result.reshape([n for d, n in enumerate(x.shape) if d not in axes])
    return _finish(xp, result, result_dtype)


# ---------------------------------------------------------------------------
# Selections: exact


def amax(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.amax(x, axis=_axis(dim), keepdims=keepdim))


def amin(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.amin(x, axis=_axis(dim), keepdims=keepdim))


def argmax(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.argmax(x, axis=dim, keepdims=keepdim))


def argmin(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.argmin(x, axis=dim, keepdims=keepdim))


def _extreme(xp, largest: bool, x, other=None, dim=None, keepdim=False):
    """torch.max/min in each form: of the whole tensor; (values, indices of the first extreme)
    over a dim; elementwise against `other`."""
    if other is not None:
        return (xp.maximum if largest else xp.minimum)(x, other)
    if dim is None:
        return xp.asarray(xp.amax(x) if largest else xp.amin(x))
    values = (xp.amax if largest else xp.amin)(x, axis=dim, keepdims=keepdim)
    indices = (xp.argmax if largest else xp.argmin)(x, axis=dim, keepdims=keepdim)
    return xp.asarray(values), xp.asarray(indices)


def max_(xp, x, other=None, dim=None, keepdim=False):
    """`other` second, where torch.max(x, other) takes it."""
    return _extreme(xp, True, x, other, dim, keepdim)


def min_(xp, x, other=None, dim=None, keepdim=False):
    return _extreme(xp, False, x, other, dim, keepdim)


def all_(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.all(x, axis=_axis(dim), keepdims=keepdim))


def any_(xp, x, dim=None, keepdim=False):
    return xp.asarray(xp.any(x, axis=_axis(dim), keepdims=keepdim))


def count_nonzero(xp, x, dim=None):
    """np.count_nonzero, as an int64 array (NumPy gives a Python int for the whole array)."""
    return xp.asarray(xp.count_nonzero(x, axis=_axis(dim)), dtype=np.int64)


def _median(xp, name: str, x, dim, keepdim):
    """np.median/nanmedian; over a dim, (values, values): the second item stands for the values
    torch's indices pick (torch promises a median's index, not which of equal values it is)."""
    floating = _floating(x)
    keep = keepdim and dim is not None
    with np.errstate(all="ignore"):
        # complex medians are refused but for no elements, where torch gives NaN + 0j: the real parts' NaN
        source = (x.real if x.dtype.kind == "c" else x).astype(np.float64) if floating else x
        values = getattr(xp, name)(source, axis=dim, keepdims=keep)
        empty = x.size == 0 or (dim is not None and x.ndim and x.shape[dim] == 0)
        if floating and not empty and x.dtype == np.float64:
            # NumPy's mean of the two middle values overflows for two values near the largest float64;
            # the lower plus half their difference does not where they are equal (where they differ,
            # torch's lower middle is the registry's)
            quantile = xp.nanquantile if name == "nanmedian" else xp.quantile
            lower = quantile(source, 0.5, axis=dim, keepdims=keep, method="lower")
            higher = quantile(source, 0.5, axis=dim, keepdims=keep, method="higher")
            values = xp.where(lower == higher, lower, values)
    values = xp.asarray(values).astype(x.dtype) if floating else xp.asarray(values)
    return values if dim is None else (values, values)


def median(xp, x, dim=None, keepdim=False):
    return _median(xp, "median", x, dim, keepdim)


def nanmedian(xp, x, dim=None, keepdim=False):
    return _median(xp, "nanmedian", x, dim, keepdim)


def quantile(xp, x, q, dim=None, keepdim=False, interpolation="linear"):
    """np.quantile with `method` = torch's interpolation, computed in float64."""
    with np.errstate(all="ignore"):
        result = xp.quantile(
            x.astype(np.float64), xp.asarray(q, dtype=np.float64), axis=dim, keepdims=keepdim, method=interpolation
        )
    return _finish(xp, result, x.dtype)


def _sortable(x, dim) -> None:
    """A 0-d array has no dim to sort along: np.sort raises AxisError, and so do these."""
    if x.ndim == 0:
        raise np.exceptions.AxisError(dim, 0)
    axes_of(x.ndim, dim)


def _along(xp, x, dim):
    """x with `dim` moved last, and the function that moves it back."""
    _sortable(x, dim)
    return xp.moveaxis(x, dim, -1), lambda y: xp.moveaxis(y, -1, dim)


def stable_order(xp, x, dim: int, descending: bool):
    """The stable sort order of x along `dim` (NaN as the largest value, as torch and NumPy
    order it): ties keep their input order, descending too."""
    moved, back = _along(xp, x, dim)
    if not descending:
        return back(xp.argsort(moved, axis=-1, kind="stable"))
    n = moved.shape[-1]
    flipped = moved[..., ::-1]
    return back((n - 1 - xp.argsort(flipped, axis=-1, kind="stable"))[..., ::-1])


def _take(xp, x, order, dim):
    return xp.take_along_axis(x, order, axis=dim)


def sort(xp, x, dim=-1, descending=False, stable=False):
    """np.sort (stable, NaN largest): (values, indices) where torch promises the indices
    (stable=True), else (values, values) for the values torch's indices pick."""
    order = stable_order(xp, x, dim, descending)
    values = _take(xp, x, order, dim)
    return (values, order) if stable else (values, values)


def argsort(xp, x, dim=-1, descending=False, stable=False):
    """The stable order where torch promises it; else the sorted values its indices must pick."""
    order = stable_order(xp, x, dim, descending)
    return order if stable else _take(xp, x, order, dim)


def topk(xp, x, k, dim=-1, largest=True, sorted=True):
    """The k largest (smallest) values along `dim`, NaN the largest, in order: (values, values),
    the second standing for the values torch's indices pick (ties are not promised)."""
    _sortable(x, dim)
    size = x.shape[dim]
    if not 0 <= k <= size:  # as np.partition refuses a kth out of bounds
        raise ValueError(f"kth(={k}) out of bounds ({size})")
    order = stable_order(xp, x, dim, descending=largest)
    moved, back = _along(xp, order, dim)
    chosen = back(moved[..., :k])
    values = _take(xp, x, chosen, dim)
    return values, values


def unique(xp, x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """np.unique of the flattened input (NaNs as one value: NumPy's equal_nan=True), with
    torch's return structure: the values alone, or a tuple with the inverse (of x's shape)
    and/or the counts."""
    result = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True)
    values, inverse, counts = result
    items = [values]
    if return_inverse:
        items.append(inverse.reshape(x.shape).astype(np.int64))
    if return_counts:
        items.append(counts.astype(np.int64))
    return items[0] if len(items) == 1 else tuple(items)


def scan(name: str):
    """cumsum/cumprod along `dim`: floating values in float64, integers exactly (NumPy's result dtype)."""

    def reference(xp, x, dim, dtype=None):
        x = cast_first(xp, x, dtype)
        function = getattr(xp, name)
        with np.errstate(all="ignore"):
            if not _floating(x):
                return xp.asarray(function(x, axis=dim, **({} if dtype is None else {"dtype": x.dtype})))
            return _finish(xp, function(x.astype(_wide(x.dtype)), axis=dim), x.dtype)

    return reference


cumsum, cumprod = scan("cumsum"), scan("cumprod")
