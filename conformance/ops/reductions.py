"""Reductions and scans of the catalog: forms, references, dtypes, the arguments each takes,
what torch promises of its result, and gradients.

Each entry is a `Reduction` (`conformance.ops.reduction_types`) with the dtypes torch refuses
(`conformance.ops.reduction_refusals`). `strategies.reductions` draws the arguments from these
fields and `suites/test_reductions.py` runs every entry; the entries with a `gradient` (those
whose forms take `dim=None` or an int) are also in the autograd suite.
"""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance.ops import derivatives as d
from conformance.ops import reduction_bounds as bounds
from conformance.ops import reduction_references as ref
from conformance.ops import reduction_results as results
from conformance.ops.reduction_refusals import (
    EXTREME_REFUSALS,
    INTEGRAL,
    LIMITED,
    LIMITED_DTYPE_ARGUMENT,
    NANSUM_COMPLEX,
    SCAN_DTYPE_ARGUMENT,
    always,
    kernel_runs_but_over_one,
    median_kernel_reached,
    no_kernel,
    not_0d,
    whole_tensor_only,
)
from conformance.ops.reduction_types import Reduction, Refusal
from conformance.ops.types import UNARY, Gradient, Op, function, method, within

# ---------------------------------------------------------------------------
# Gradients the autograd suite checks (forms that take dim=None or an int; amin's ties would
# fail its finite-difference self-test, so amin's gradient is checked here only, on distinct values)


def _gradient(vjp, scale=None) -> Gradient:
    return Gradient(vjp=vjp, domain=within(), scale=scale)


def std_scale(v, x, dim=None, ddof=1) -> float:
    """std's backward forms v (x - mean) / ((n - ddof) std): x - mean carries the rounding of the
    mean, relative to |x|, so its terms are of size |v| |x| / ((n - ddof) std), far above the
    gradient where the spread is small beside |x|. Measured on torch 2.13.0 (CPU): the gradient of
    torch.std of float32 [47.96625, 47.96875] is [-0.706026, 0.708185], where the exact one is
    +-0.707107, an error of 1.08e-3; centred_scale's term (2 |x| / (n - ddof) = 96, times float32's
    rtol 1.3e-6: 1.2e-4) would call that a divergence, this one (|x| / std = 27134: 0.035) does not.
    The error is the function's condition there (the gradient of std is ill-conditioned where the
    spread is small), not torch's. Slices with std 0 (no gradient: torch gives 0) are left out."""
    count = x.size if dim is None else x.shape[dim]
    with np.errstate(all="ignore"):
        spread = np.std(x, axis=dim, ddof=ddof, keepdims=True)
        terms = np.abs(d.reduced_back(v, x, dim)) * np.abs(x) / (max(count - ddof, 1) * spread)
    terms = terms[np.isfinite(terms)]
    return max(float(terms.max()) if terms.size else 0.0, d.centred_scale(v, x, dim, ddof))


def _complex_well_conditioned(position: int, dtype: dt.DType) -> dict:
    """Complex values of moderate magnitude: the registry's complex-extremal-values entry marks the
    elements of an elementwise result computed from extremal inputs, and a reduction has no such
    elements (it mixes them); complex extremal arithmetic is the elementwise suite's subject, and
    each part of a complex sum is a real sum, which the floating dtypes check with every value."""
    return {"well_conditioned": True} if dtype.is_complex else {}


def reduction(name: str, reference, dtypes=dt.ALL, *, method_name: str | None = None, gradient=None, **fields):
    """A `Reduction` with its function and method forms."""
    forms = (function(name), method(method_name or name))
    return Reduction(
        name,
        forms,
        reference,
        dtypes,
        UNARY,
        family="reduction",
        shapes="reduction",
        gradient=gradient,
        domain=_complex_well_conditioned,
        **fields,
    )


_SUM_DTYPES = dt.ALL  # dtype= of sum/prod/cumsum/cumprod: any dtype the input casts to within its kind
_MEAN_DTYPES = (*dt.FLOATS, *dt.COMPLEX)

OPS: tuple[Op, ...] = (
    reduction(
        "sum",
        ref.sum_,
        gradient=_gradient(d.sum_vjp),
        dtype_argument=_SUM_DTYPES,
        accuracy=bounds.sum_bound,
        refuses=(LIMITED_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "mean",
        ref.mean,
        gradient=_gradient(d.mean_vjp),
        dtype_argument=_MEAN_DTYPES,
        accuracy=lambda values, dtype, arguments: bounds.sum_bound(values, dtype, arguments, divide=True),
        refuses=(Refusal(INTEGRAL, r"mean\(\): could not infer output dtype"),),
        differentiable=True,
    ),
    reduction(
        "var",
        ref.var,
        gradient=_gradient(d.var_vjp, d.centred_scale),
        options=("correction",),
        accuracy=bounds.variance_bound,
        refuses=(Refusal(INTEGRAL, r"std and var only support floating point and complex dtypes"),),
        differentiable=True,
    ),
    reduction(
        "std",
        ref.std,
        gradient=_gradient(d.std_vjp, std_scale),
        options=("correction",),
        accuracy=lambda values, dtype, arguments: bounds.variance_bound(values, dtype, arguments, root=True),
        refuses=(Refusal(INTEGRAL, r"std and var only support floating point and complex dtypes"),),
        differentiable=True,
    ),
    reduction(
        "amax",
        ref.amax,
        gradient=_gradient(d.amax_vjp),
        refuses=(no_kernel((*LIMITED, *dt.COMPLEX)),),
        differentiable=True,
    ),
    reduction(
        "amin",
        ref.amin,
        refuses=(no_kernel((*LIMITED, *dt.COMPLEX)),),
        differentiable=True,
    ),
    reduction(
        "nansum",
        ref.nansum,
        gradient=_gradient(d.sum_vjp),
        dtype_argument=_SUM_DTYPES,
        accuracy=bounds.sum_bound,
        refuses=(LIMITED_DTYPE_ARGUMENT, *NANSUM_COMPLEX),
        differentiable=True,
    ),
    reduction(
        "nanmean",
        ref.nanmean,
        gradient=_gradient(d.mean_vjp),
        dtype_argument=_MEAN_DTYPES,
        accuracy=lambda values, dtype, arguments: bounds.sum_bound(values, dtype, arguments, divide=True),
        refuses=(
            Refusal(INTEGRAL, r"nanmean\(\): expected input to have floating point or complex dtype", on="input"),
            *NANSUM_COMPLEX,
        ),
        differentiable=True,
    ),
    reduction(
        "prod",
        ref.prod,
        dims=("absent", "int"),
        dtype_argument=_SUM_DTYPES,
        accuracy=bounds.product_bound,
        refuses=(LIMITED_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "logsumexp",
        ref.logsumexp,
        dims=("int", "tuple"),
        accuracy=bounds.logsumexp_bound,
        differentiable=True,
    ),
    reduction(
        "max",
        ref.max_,
        dims=("absent", "int", "other"),
        refuses=EXTREME_REFUSALS,
        differentiable=True,
    ),
    reduction(
        "min",
        ref.min_,
        dims=("absent", "int", "other"),
        refuses=EXTREME_REFUSALS,
        differentiable=True,
    ),
    reduction(
        "argmax",
        ref.argmax,
        dims=("absent", "none", "int"),
        refuses=(
            no_kernel(LIMITED, reached=kernel_runs_but_over_one),
            Refusal(("bool",), r"argmax\(\): does not support bool input"),
            Refusal(dt.COMPLEX, r"argmax\(\): does not support complex input"),
        ),
    ),
    reduction(
        "argmin",
        ref.argmin,
        dims=("absent", "none", "int"),
        refuses=(
            no_kernel(LIMITED, reached=kernel_runs_but_over_one),
            Refusal(("bool",), r"argmin\(\): does not support bool input"),
            Refusal(dt.COMPLEX, r"argmin\(\): does not support complex input"),
        ),
    ),
    reduction("all", ref.all_),
    reduction("any", ref.any_),
    reduction(
        "count_nonzero",
        ref.count_nonzero,
        keepdim=False,
        out=False,
        refuses=(no_kernel(LIMITED, reached=whole_tensor_only),),
    ),
    reduction(
        "cumsum",
        ref.cumsum,
        reduces=False,
        dims=("int",),
        keepdim=False,
        dtype_argument=_SUM_DTYPES,
        accuracy=bounds.scan_bound,
        refuses=(SCAN_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "cumprod",
        ref.cumprod,
        reduces=False,
        dims=("int",),
        keepdim=False,
        dtype_argument=_SUM_DTYPES,
        accuracy=bounds.product_bound,
        refuses=(SCAN_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "median",
        ref.median,
        dims=("absent", "int"),
        canonical=results.indices_pick,
        refuses=(no_kernel(("bool", *LIMITED, *dt.COMPLEX), reached=median_kernel_reached),),
        differentiable=True,
    ),
    reduction(
        "nanmedian",
        ref.nanmedian,
        dims=("absent", "int"),
        canonical=results.indices_pick,
        refuses=(no_kernel(("bool", *LIMITED, *dt.COMPLEX), reached=median_kernel_reached),),
        differentiable=True,
    ),
    reduction(
        "quantile",
        ref.quantile,
        dims=("absent", "none", "int"),
        options=("q", "interpolation"),
        accuracy=bounds.quantile_bound,
        refuses=(
            Refusal(
                tuple(n for n in dt.ALL if n not in ("float32", "float64")),
                r"quantile\(\) input tensor must be either float or double dtype",
            ),
        ),
        differentiable=True,
    ),
    reduction(
        "sort",
        ref.sort,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        options=("descending", "stable"),
        canonical=results.sorted_or_picked,
        refuses=(Refusal(dt.COMPLEX, r"Sort does not support complex dtypes on CPU"),),
        differentiable=True,
    ),
    reduction(
        "argsort",
        ref.argsort,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        out=False,
        options=("descending", "stable"),
        canonical=results.argsort_picked,
        refuses=(Refusal(dt.COMPLEX, r"Sort does not support complex dtypes on CPU"),),
    ),
    reduction(
        "topk",
        ref.topk,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        options=("k", "largest", "sorted"),
        canonical=results.topk_picked,
        refuses=(
            no_kernel(LIMITED, reached=not_0d),
            Refusal(("bool",), r"topk does not support bool dtypes on CPU"),
            Refusal(dt.COMPLEX, r"topk does not support complex dtypes on CPU"),
        ),
        differentiable=True,
    ),
    reduction(
        "unique",
        ref.unique,
        dims=("absent", "none"),
        keepdim=False,
        out=False,
        options=("sorted", "return_inverse", "return_counts"),
        canonical=results.unique_in_order,
        refuses=(no_kernel(dt.COMPLEX, reached=always),),
    ),
)

REDUCTIONS: tuple[Reduction, ...] = tuple(op for op in OPS if isinstance(op, Reduction))
