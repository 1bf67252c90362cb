"""Known divergences of reductions that sum in float16 and bfloat16 (suites/test_reductions.py):
where torch's nanmean and nansum accumulate in a precision other than the one documented (the
half type itself for nansum's partial sums and nanmean's sum; mean's dtype= reading its input in
float32 is `reduction_dtypes.MEAN_READS_IN_FLOAT32`). Each is a torch bug confirmed with a
minimal example on torch 2.13.0 and 2.14.1 (CPU), stated as a model where the result follows a
rule and as an error bound where it depends on an order torch does not specify.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.backends import torch_backend
from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.known_divergences.reduction_checks import (
    arguments,
    effective,
    is_forward,
    reduction,
    refusal,
    x_of,
)
from conformance.normal import as_dtype
from conformance.ops import reduction_bounds as bounds
from conformance.ops.reductions import REDUCTIONS
from conformance.tolerances import Tolerance


def _refused(check: Check) -> bool:
    return refusal(check) is not None


def _op_labels(name: str) -> tuple[str, ...]:
    return tuple(form.label for op in REDUCTIONS if op.name == name for form in op.forms)


# ---------------------------------------------------------------------------
# nanmean of float16 and bfloat16


def _half_nanmean(check: Check) -> bool:
    if not is_forward(check) or reduction(check).name != "nanmean" or _refused(check):
        return False
    if check.reference is None or check.reference.raised:
        return False  # refused on both sides (a dim repeated or out of range), or a 0-d input's dim 0: one element
    computed = arguments(check).get("dtype") or x_of(check).dtype
    return computed.name in dt.REDUCED_FLOATS


def _sum_and_count(check: Check) -> tuple[np.ndarray, np.ndarray, dt.DType]:
    """The exact sum of the non-NaN values of x (cast to dtype= first) over the dims nanmean
    reduces, their count and the dtype computed in; a 0-d input reads dim 0 as every dim."""
    x, given = x_of(check), effective(check)
    computed = given.get("dtype") or x.dtype
    values = np.asarray(computed.carry(x.values), dtype=np.float64)
    dim = None if values.ndim == 0 else given.get("dim")
    keepdim = bool(given.get("keepdim", False)) and values.ndim > 0
    axis = tuple(dim) if isinstance(dim, list) else dim
    with np.errstate(all="ignore"):
        total = np.nansum(values, axis=axis, keepdims=keepdim)
        count = np.sum(~np.isnan(values), axis=axis, keepdims=keepdim)
    return np.asarray(total), np.asarray(count), computed


def _rounded_sum_over_count(check: Check, reference: object) -> Any:
    """torch's nanmean: nansum(x) / (number of non-NaN values), the sum rounded to the float16
    (bfloat16) result before it is divided, and the quotient rounded again."""
    total, count, computed = _sum_and_count(check)
    rounded = np.asarray(computed.carry(total), dtype=np.float64)
    with np.errstate(all="ignore"):
        return as_dtype(computed.carry(rounded / count), computed)


def _half_nan_sum_bound(check: Check, accumulation_eps: float) -> Tolerance:
    """The sum torch rounds is accumulated with `accumulation_eps` in an unspecified order (error
    up to gamma_(n-1) sum|x|, doubled for the reference, as `sum_bound`), so its rounding to
    float16 may land one ulp of the sum away from the model's: over the count for nanmean, plus
    the result's own rounding (rtol eps)."""
    x, given = x_of(check), effective(check)
    computed = given.get("dtype") or x.dtype
    magnitudes = np.abs(np.asarray(computed.carry(x.values), dtype=np.float64))
    magnitudes = np.where(np.isfinite(magnitudes), magnitudes, 0.0)
    axes = bounds.reduced_axes(magnitudes.ndim, given.get("dim"))
    n = math.prod(magnitudes.shape[a] for a in axes) if axes else 1
    with np.errstate(all="ignore"):
        per_element = np.asarray(magnitudes.sum(axis=axes) if axes else magnitudes).reshape(-1)
        if reduction(check).name == "nanmean":
            _, count, _ = _sum_and_count(check)
            per_element = per_element / np.maximum(np.asarray(count).reshape(-1), 1)
    largest = float(per_element[np.isfinite(per_element)].max(initial=0.0))
    accumulation = 2 * bounds.gamma(max(n - 1, 1), accumulation_eps)  # inf where n u >= 1: no bound holds
    return Tolerance(computed.eps, (accumulation + computed.eps) * largest if largest else 0.0)


def _half_nanmean_bound(check: Check) -> Tolerance:
    computed = effective(check).get("dtype") or x_of(check).dtype
    return _half_nan_sum_bound(check, bounds.accumulation_eps(computed))


def half_nansum_on_strided_dims(check: Check) -> bool:
    """nansum or nanmean of a float16/bfloat16 x (no dtype= cast) that torch holds in a layout
    whose dims do not coalesce into one (some such layouts take the kernel's outer loop)."""
    if not is_forward(check) or reduction(check).name not in ("nansum", "nanmean") or _refused(check):
        return False
    if check.reference is None or check.reference.raised:
        return False
    x, given = x_of(check), effective(check)
    if x.dtype.name not in dt.REDUCED_FLOATS or given.get("dtype") not in (None, x.dtype):
        return False
    built = torch_backend("cpu").build(x)
    dims = sorted((abs(stride), size) for size, stride in zip(built.shape, built.stride(), strict=True) if size > 1)
    coalesced = 1 if dims else 0
    for (stride, size), (next_stride, _) in itertools.pairwise(dims):
        coalesced += next_stride != stride * size
    return coalesced >= 2


def _half_nansum_bound(check: Check) -> Tolerance:
    return _half_nan_sum_bound(check, x_of(check).dtype.eps)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="half-nanmean-rounds-the-sum",
        ops=_op_labels("nanmean"),
        summary="nanmean of float16/bfloat16 rounds the sum to float16 (bfloat16) before it divides, so it "
        "overflows where the mean does not (and is off by up to an ulp more)",
        example="torch.nanmean(torch.tensor([65504., 65504.], dtype=torch.float16))  # inf (mean: 65504.); "
        "torch.nanmean(torch.tensor([2048., 1., 2.], dtype=torch.float16))  # 684. (mean: 683.5)",
        reason="nanmean is nansum(x) / count: nansum's result is in the input's dtype, where mean keeps its float32 "
        "accumulator until it has divided",
        torch_gives=Returns(_rounded_sum_over_count, "round(round(nansum) / count) in the result's dtype"),
        tolerance=_half_nanmean_bound,
        when=_half_nanmean,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/ReduceOps.cpp",
    ),
    KnownDivergence(
        id="half-nansum-accumulates-in-half",
        ops=(*_op_labels("nansum"), *_op_labels("nanmean")),
        summary="nansum (and nanmean) of float16/bfloat16 in some strided layouts adds in float16 (bfloat16) "
        "itself, so its error grows with the count (sum adds in float32 there)",
        example="x = torch.full((3000,), 0.75, dtype=torch.bfloat16).as_strided((2, 500), (2, 3)); "
        "torch.nansum(x)  # 512.; torch.sum(x)  # 752.; exact: 750.",
        reason="on the CPU, a reduction over a layout that does not coalesce into one dim (no unit-stride dim, or "
        "a short one beside a long strided one) may take the kernel's outer loop, where "
        "nansum's partial sums are kept in the input's dtype (sum's and mean's in float32): each addition rounds "
        "to 8 (11) significant bits, so the bound is gamma_(n-1) in the half type's own precision, which bounds "
        "nothing past 256 (2,048) terms (measured: 512 for 750 over 1,000 bfloat16 terms of 0.75; 27.4 for 25.8 "
        "over 258 terms of 0.1, where sum gives 25.9)",
        tolerance=_half_nansum_bound,
        when=half_nansum_on_strided_dims,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/SumKernel.cpp",
    ),
]
