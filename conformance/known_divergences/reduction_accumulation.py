"""Known divergences of reductions and scans that follow from how torch computes them
(suites/test_reductions.py): partial sums and products that leave the range in an order torch does
not specify, products rounded at each step, scans that start from an identity, quantile ranks
and logsumexp computed in the input's dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from conformance import conditions
from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import effective as _effective
from conformance.known_divergences.reduction_checks import gradient_of
from conformance.known_divergences.reduction_checks import is_forward as _is_forward
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import refusal as _refusal
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.known_divergences.reduction_half_sums import half_nansum_on_strided_dims
from conformance.normal import as_dtype
from conformance.ops import reduction_bounds as bounds
from conformance.ops import reduction_references as ref
from conformance.tolerances import Tolerance

_ACCUMULATING = ("sum", "nansum", "mean", "nanmean", "cumsum", "var", "std")


def _accumulation_limits(check: Check) -> dt.DType:
    """The type torch accumulates in: float64 for float64, float32 otherwise, but float16 for a
    prod of float16 (its CPU kernel multiplies in float16: prod([300, 300, 0]) is nan) and the half
    type itself for nansum and nanmean of a half type in a layout that does not coalesce
    (`half-nansum-accumulates-in-half`: -65504 + -65504 + inf is nan there)."""
    computed = _arguments(check).get("dtype") or _x(check).dtype
    if computed.name == "float16" and _reduction(check).name == "prod":
        return computed
    if half_nansum_on_strided_dims(check):
        return computed
    wide = "float64" if computed.name in ("float64", "complex128") else "float32"
    return dt.dtype(wide)


def _reduce_like(check: Check, terms: np.ndarray, scan: bool) -> np.ndarray:
    """`terms` (float64, x's shape) summed over what the op reduces, shaped as its result."""
    arguments = _effective(check)
    kept = {k: arguments[k] for k in ("dim", "keepdim") if k in arguments}
    with np.errstate(all="ignore"):
        total = np.asarray(ref.cumsum(np, terms, kept["dim"]) if scan else ref.nansum(np, terms, **kept))
    return total.reshape(()) if terms.ndim == 0 else total  # torch keeps a 0-d input's result 0-d


def _partial_sums_may_overflow(check: Check) -> np.ndarray:
    """Result positions whose terms' magnitudes (squares, for var and std) add up past the largest
    value of the type torch accumulates in: some order of summation overflows there."""
    op, x = _reduction(check), _x(check)
    magnitude = np.abs(np.asarray(x.values, dtype=np.complex128 if x.dtype.is_complex else np.float64))
    magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0)
    if op.name in ("var", "std"):
        with np.errstate(over="ignore"):  # a square past float64 is inf: past any limit, as it should be
            magnitude = magnitude**2
    total = _reduce_like(check, magnitude, scan=op.name == "cumsum")
    return total > _accumulation_limits(check).largest


def _partial_products_leave_range(check: Check) -> np.ndarray:
    """Result positions where some order of multiplication overflows (the product of the factors
    above 1 passes the largest value) or underflows (that of the nonzero factors below 1 passes
    the smallest normal value) in the type torch accumulates in."""
    x = _x(check)
    magnitude = np.abs(np.asarray(x.values, dtype=np.complex128 if x.dtype.is_complex else np.float64))
    usable = np.isfinite(magnitude) & (magnitude > 0)
    with np.errstate(all="ignore"):
        logs = np.where(usable, np.log(np.where(usable, magnitude, 1.0)), 0.0)
    scan = _reduction(check).name == "cumprod"
    limits = _accumulation_limits(check)
    above = _reduce_like(check, np.maximum(logs, 0.0), scan)
    below = _reduce_like(check, np.minimum(logs, 0.0), scan)
    return (above > math.log(limits.largest)) | (below < math.log(limits.smallest_normal))


def _half_product(check: Check) -> bool:
    if not _is_forward(check) or _reduction(check).name != "prod":
        return False
    return (_arguments(check).get("dtype") or _x(check).dtype).name in dt.REDUCED_FLOATS


def _half_product_bound(check: Check) -> Tolerance:
    """gamma_(n-1) in the dtype's unit roundoff for the n - 1 products, and the result's rounding (eps)."""
    computed = _arguments(check).get("dtype") or _x(check).dtype
    values = np.asarray(_x(check).values)
    axes = bounds.reduced_axes(values.ndim, _effective(check).get("dim"))
    n = math.prod(values.shape[a] for a in axes) if axes else 1
    return Tolerance(computed.eps + bounds.gamma(max(n - 1, 1), computed.eps), 0.0)


def _floating_computation(check: Check) -> bool:
    if not _is_forward(check):
        return False
    computed = _arguments(check).get("dtype") or _x(check).dtype
    return computed.is_floating or computed.is_complex


def _masked(mask_of):
    def when(check: Check) -> bool:
        if not _floating_computation(check):
            return False
        try:
            return bool(np.any(mask_of(check)))
        except (ValueError, IndexError, TypeError):  # dims the op refuses: no result to mask
            return False

    return when


def _negative_zero_prefix(check: Check) -> bool:
    reference = check.reference
    if not _floating_computation(check) or reference is None or reference.raised or _x(check).shape == ():
        return False  # a 0-d input is copied, not scanned
    values = np.asarray(getattr(reference.value, "values", reference.value))
    if values.dtype.kind not in "fc":
        return False
    parts = (values.real, values.imag) if values.dtype.kind == "c" else (values,)
    return any(bool(((part == 0) & np.signbit(part)).any()) for part in parts)


def _positive_zero_start(check: Check, reference: object) -> Any:
    """NumPy's cumsum with its -0.0 results (prefixes of -0.0 only; each part of a complex one) as +0.0."""
    values = np.array(getattr(reference, "values", reference))
    if values.dtype.kind == "c":
        real, imag = values.real.copy(), values.imag.copy()
        real[(real == 0) & np.signbit(real)] = 0.0
        imag[(imag == 0) & np.signbit(imag)] = 0.0
        values = real + 1j * imag if values.ndim else np.asarray(complex(real, imag), dtype=values.dtype)
        values = values.astype(np.asarray(getattr(reference, "values", reference)).dtype)
    else:
        values[(values == 0) & np.signbit(values)] = 0.0
    dtype = getattr(reference, "dtype", None)
    return as_dtype(values, dtype) if isinstance(dtype, str) else values


def _complex_computation(check: Check) -> bool:
    if not _is_forward(check):
        return False
    return (_arguments(check).get("dtype") or _x(check).dtype).is_complex


def _non_finite_factors(check: Check) -> np.ndarray:
    """Result positions of a complex prod or cumprod with a factor (in the prefix, for cumprod)
    that has an infinite or NaN part."""
    values = np.asarray(_x(check).values)
    bad = (~np.isfinite(values.real) | ~np.isfinite(values.imag)).astype(np.float64)
    return _reduce_like(check, bad, scan=_reduction(check).name == "cumprod") > 0


def _running_products(check: Check) -> tuple[np.ndarray, dt.DType]:
    """The running textbook products of x along dim from 1 + 0j, in complex128 (dim last), and
    the result's dtype."""
    x, arguments = _x(check), _arguments(check)
    computed = arguments.get("dtype") or x.dtype
    values = np.asarray(computed.carry(x.values)).astype(np.complex128)
    moved = np.moveaxis(values, arguments["dim"], -1)
    running = np.ones(moved.shape[:-1], dtype=np.complex128)
    result = np.empty_like(moved)
    for position in range(moved.shape[-1]):
        running = conditions.complex_product(running, moved[..., position])
        result[..., position] = running
    return result, computed


def _textbook_cumprod(check: Check, reference: object) -> Any:
    """torch's CPU cumprod of complex values: a running product from 1 + 0j, each step by the
    textbook formula in complex128 (no C99 Annex G recovery), rounded to the result dtype."""
    result, computed = _running_products(check)
    return as_dtype(np.moveaxis(result, -1, _arguments(check)["dim"]), computed)


def _running_product_underflows(check: Check) -> bool:
    """Whether a running product has a part that is not zero but below the result dtype's
    smallest normal: torch's accumulator and the model's differ there on which parts are
    exactly zero."""
    result, computed = _running_products(check)
    parts = (np.abs(result.real), np.abs(result.imag))
    return any(bool(((part != 0) & (part < computed.smallest_normal)).any()) for part in parts)


def _complex_running_product(check: Check) -> bool:
    if not (_complex_computation(check) and _reduction(check).name == "cumprod" and _x(check).shape != ()):
        return False
    values = np.asarray(_x(check).values)
    zero_parts = bool(((values.real == 0) | (values.imag == 0)).any())
    try:
        if _refusal(check) is not None:
            return False
        return zero_parts or bool(_non_finite_factors(check).any()) or _running_product_underflows(check)
    except (ValueError, IndexError, TypeError):
        return False


def _complex_product_with_zero_parts(check: Check) -> bool:
    """A complex prod whose result has a zero part, where a factor has a zero part."""
    if not _complex_computation(check) or _reduction(check).name != "prod" or _refusal(check) is not None:
        return False
    if check.reference is None or check.reference.raised:
        return False
    values = np.asarray(_x(check).values)
    return bool(((values.real == 0) | (values.imag == 0)).any())


def _underflowed_imaginary_parts(check: Check) -> bool:
    """complex logsumexp whose exact result (in complex128) has a nonzero imaginary part that rounds
    to zero in the result's dtype: its sign there is that of whichever intermediate underflowed."""
    if not _is_forward(check) or _reduction(check).name != "logsumexp" or not _x(check).dtype.is_complex:
        return False
    if check.reference is None or check.reference.raised:
        return False
    x, given = _x(check), _effective(check)
    try:
        with np.errstate(all="ignore"):
            exact = np.asarray(ref.logsumexp(np, x.values.astype(np.complex128), **given))
    except (ValueError, IndexError, TypeError):
        return False
    smallest = x.dtype.smallest_subnormal
    return bool(((exact.imag != 0) & (np.abs(exact.imag) <= smallest / 2)).any())


def _quantile_computed(check: Check) -> bool:
    if _reduction(check) is None or _reduction(check).name != "quantile":
        return False
    if _x(check).dtype.name not in ("float32", "float64"):
        return False
    if check.gradient_of is None and (not _is_forward(check) or _refusal(check) is not None):
        return False
    return check.reference is not None and not check.reference.raised


def _lerp(low: np.ndarray, high: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """torch.lerp as its CPU kernel computes it: from the nearer end (the sign of a zero follows)."""
    return np.where(weight < 0.5, low + weight * (high - low), high - (high - low) * (1 - weight))


def _quantile_in_dtype(check: Check, values: np.ndarray) -> np.ndarray:
    """torch's quantile of `values` (float64 arrays holding x's values): q rounded to x's dtype
    (a Python float q too), each slice sorted, its rank q (n - 1) computed in x's dtype, the values
    at floor and ceil of the rank interpolated with torch.lerp as `interpolation` says (nearest:
    the rank rounded half to even); a slice with a NaN gives NaN. Shaped as np.quantile shapes it."""
    given = _arguments(check)
    q = given["q"]
    computed = _x(check).dtype.numpy
    q_values = np.asarray(q.values if hasattr(q, "values") else q, dtype=computed)
    dim, keepdim, method = given.get("dim"), bool(given.get("keepdim", False)), given.get("interpolation", "linear")
    data = np.asarray(values, dtype=np.float64)
    if data.ndim == 0:  # a 0-d input's dim 0: one element
        data, dim, keepdim = data.reshape(1), None, False
    rows = data.reshape(-1) if dim is None else np.moveaxis(data, dim, -1)
    ordered = np.sort(rows, axis=-1)[..., None, :]  # NaN last; a dim for the q values
    count = rows.shape[-1]
    rank = (np.atleast_1d(q_values) * computed.type(count - 1)).astype(np.float64)
    below, above = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)

    def at(index: np.ndarray) -> np.ndarray:
        return np.take_along_axis(ordered, np.broadcast_to(index[:, None], (*ordered.shape[:-2], index.size, 1)), -1)[
            ..., 0
        ]

    low, high = at(below), at(above)
    with np.errstate(all="ignore"):
        picked = {
            "linear": lambda: _lerp(low, high, rank - below),
            "lower": lambda: low,
            "higher": lambda: high,
            "midpoint": lambda: _lerp(low, high, np.full_like(rank, 0.5)),
            "nearest": lambda: at(np.round(rank).astype(np.int64)),
        }[method]()
    picked = np.where(np.isnan(rows).any(axis=-1)[..., None], np.nan, picked)
    picked = np.moveaxis(picked, -1, 0)  # the q dim first, as np.quantile puts it
    if keepdim:
        kept = (
            [1] * data.ndim
            if dim is None
            else [1 if d == dim % data.ndim else size for d, size in enumerate(data.shape)]
        )
        picked = picked.reshape((picked.shape[0], *kept))
    return picked[0] if q_values.ndim == 0 else picked


def _torch_quantile(check: Check, reference: object) -> Any:
    x = _x(check)
    if check.gradient_of is not None:
        return gradient_of(check, lambda array: _quantile_in_dtype(check, array))
    return as_dtype(_quantile_in_dtype(check, np.asarray(x.values, dtype=np.float64)), x.dtype)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="partial-sums-overflow",
        ops=_labels(_ACCUMULATING),
        summary="where the magnitudes of a sum's terms add up past the largest float, torch's partial sums may overflow",
        example="torch.sum(torch.tensor([3e38, 3e38, -3e38]))  # inf; the exact sum, 3e38, is finite",
        reason=(
            "torch sums in float32 (float64 for float64) in an order it does not specify (vectorised lanes, "
            "cascades, threads); whether a partial sum overflows depends on that order, so no model can be "
            "written: those result elements are not compared"
        ),
        skip=_partial_sums_may_overflow,
        when=_masked(_partial_sums_may_overflow),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html",
    ),
    KnownDivergence(
        id="partial-products-leave-range",
        ops=_labels(("prod", "cumprod")),
        summary="where some order of its factors overflows or underflows, a product's value depends on torch's order",
        example="torch.prod(torch.tensor([1e-30, 1e-30, 1e30, 1e30]))  # 0.; the exact product is 1",
        reason=(
            "torch multiplies in float32 (float64 for float64) in an order it does not specify; a partial product "
            "may leave the range where the whole does not, so no model can be written: those elements are not compared"
        ),
        skip=_partial_products_leave_range,
        when=_masked(_partial_products_leave_range),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html",
    ),
    KnownDivergence(
        id="half-prod-multiplies-in-half",
        ops=_labels(("prod",)),
        summary="prod of float16/bfloat16 rounds each partial product to float16/bfloat16 (cumprod and sum "
        "accumulate in float32): its error grows with the number of factors",
        example="torch.prod(torch.full((8,), 1.7, dtype=torch.bfloat16))  # 71.; in float32, rounded once: 70.79 "
        "(70.5 in bfloat16)",
        reason="the CPU prod kernel multiplies in the input's dtype: each of the n - 1 products rounds, so the "
        "relative error is bounded by gamma_(n-1) in the dtype's own unit roundoff (Higham, eq. 3.4)",
        tolerance=_half_product_bound,
        when=_half_product,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/ReduceOpsKernel.cpp",
    ),
    KnownDivergence(
        id="cumsum-starts-at-positive-zero",
        ops=_labels(("cumsum",)),
        summary="cumsum of a prefix of -0.0 gives +0.0 (NumPy keeps -0.0)",
        example="torch.cumsum(torch.tensor([-0.]), 0)  # tensor([0.]); np.cumsum([-0.])  # array([-0.])",
        reason="torch's scan starts its accumulator at +0.0, and +0.0 + -0.0 is +0.0",
        torch_gives=Returns(_positive_zero_start, "NumPy's cumsum with -0.0 as +0.0"),
        when=_negative_zero_prefix,
        link="https://pytorch.org/docs/stable/generated/torch.cumsum.html",
    ),
    KnownDivergence(
        id="complex-cumprod-from-one",
        ops=_labels(("cumprod",)),
        summary="complex cumprod multiplies from 1 + 0j by the textbook formula, so a factor with an infinite or "
        "NaN part gives other parts than NumPy's (which starts from the first factor), and zero parts may take "
        "the other sign (their signs are not compared)",
        example="torch.cumprod(torch.tensor([complex(nan, 0)]), 0)  # nan+nanj; np.cumprod([complex(nan, 0)])  # nan+0j; "
        "torch.cumprod(torch.tensor([complex(-0., -1.)]), 0)  # 0.-1.j; NumPy: -0.-1.j",
        reason="the CPU scan keeps a running product initialised to 1 and multiplies complex values as "
        "(ac - bd) + (ad + bc)i, where 0 * nan is nan and 1 * -0 - 0 * -1 is +0 (the model matched torch's "
        "values and signs of zeros exactly on 3,000 arrays of zeros of both signs, infinities and NaN, but not the "
        "signs of parts that cancel exactly or underflow in long products, so signs of zero parts are not compared)",
        torch_gives=Returns(_textbook_cumprod, "running textbook products from 1 + 0j"),
        # the model's parts that cancel exactly, or underflow, are zeros whose signs torch's own
        # arithmetic need not give (cumprod of -0.01-0.01j: -0 where the model gives +0)
        signed_zeros=False,
        when=_complex_running_product,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/ReduceOpsKernel.cpp",
    ),
    KnownDivergence(
        id="complex-prod-of-non-finite-factors",
        ops=_labels(("prod",)),
        summary="a complex product with an infinite or NaN part among its factors has other parts than NumPy's",
        example="torch.prod(torch.tensor([1.0, nan]), dtype=torch.complex64)  # nan+nanj; NumPy: nan+0j",
        reason=(
            "torch multiplies from the identity 1 + 0j by the textbook formula, in vectorised lanes in an order it "
            "does not specify, and which parts become NaN follows that order: no model can be written, those "
            "result elements are not compared"
        ),
        skip=_non_finite_factors,
        when=lambda check: _complex_computation(check) and _masked(_non_finite_factors)(check),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/ReduceOpsKernel.cpp",
    ),
    KnownDivergence(
        id="complex-logsumexp-underflowed-zero-signs",
        ops=_labels(("logsumexp",)),
        summary="complex logsumexp may give +0.0 where an imaginary part below the smallest subnormal rounds to "
        "-0.0 (or the reverse)",
        example="torch.logsumexp(torch.tensor([0j, 98+0j, -6-1j]), 0)  # 98.+0.j; computed in complex128 and "
        "rounded: 98.-0.j (the imaginary part is -5.7e-46)",
        reason="torch composes logsumexp of ops in the result's dtype, where exp(x - max) of a far smaller term "
        "underflows to a zero whose sign the following additions decide; the reference rounds the exact value "
        "once: the signs of those zeros are not compared (their values are, within the bound)",
        signed_zeros=False,
        when=_underflowed_imaginary_parts,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/ReduceOps.cpp",
    ),
    KnownDivergence(
        id="quantile-computes-in-input-dtype",
        ops=_labels(("quantile",), gradients_too=True),
        summary="quantile rounds q to the input's dtype and computes its rank q (n - 1) there (float32: lower, "
        "higher, nearest and midpoint may pick other neighbours than NumPy's float64 rank), and interpolates "
        "with lerp, from the nearer end (a zero result's sign may differ)",
        example="torch.quantile(torch.tensor([0., 0.25]), 1e-100, interpolation='higher')  # tensor(0.) "
        "(q is 0 in float32); np.quantile(np.float32([0, 0.25]), 1e-100, method='higher')  # 0.25; "
        "torch.quantile(torch.tensor([-0.], dtype=torch.float64), 0.)  # tensor(0.); NumPy: -0.0",
        reason="torch converts q to a tensor of the input's dtype, computes the ranks there and interpolates the "
        "neighbours with torch.lerp (low + w (high - low) for w < 0.5, high - (high - low) (1 - w) otherwise)",
        torch_gives=Returns(_torch_quantile, "torch's quantile: q and its rank in x's dtype, lerp"),
        when=_quantile_computed,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/Sorting.cpp",
    ),
    KnownDivergence(
        id="complex-prod-zero-signs",
        ops=_labels(("prod",)),
        summary="a complex prod with zero parts among its factors may give zero parts of the other sign than NumPy's",
        example="torch.prod(torch.full((65,), -0.), dtype=torch.complex64)  # -0.+0.j; "
        "np.prod(np.full(65, -0.), dtype=np.complex64)  # 0.-0.j (with 9 factors, both 0.+0.j)",
        reason="torch multiplies from 1 + 0j by the textbook formula (ac - bd) + (ad + bc)i in vectorised lanes, "
        "in an order it does not specify, and the signs of the zeros that formula makes follow that order: no "
        "model can be written, the signs of zeros are not compared (the values are)",
        signed_zeros=False,
        when=_complex_product_with_zero_parts,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/ReduceOpsKernel.cpp",
    ),
]
