"""Known divergences of the dtypes reductions compute in and return (suites/test_reductions.py):
mean with dtype=float16/bfloat16 reads its input in float32; sums of unsigned integers, all/any
of uint8 and logsumexp of integers give other dtypes than NumPy's."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import GivesDtype, KnownDivergence, Returns
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import effective as _effective
from conformance.known_divergences.reduction_checks import is_forward as _is_forward
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import refusal as _refusal
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.known_divergences.reduction_refusals import torch_refusal as _torch_refusal
from conformance.normal import as_dtype
from conformance.ops import reduction_bounds as bounds
from conformance.ops import reduction_references as ref
from conformance.outcomes import Outcome
from conformance.tolerances import Tolerance

_SUMS = ("sum", "nansum", "prod", "cumsum", "cumprod")


def _unsigned_sum(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.kind == "uint" and _arguments(check).get("dtype") is None


def _uint8_truth(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.name == "uint8"


def _integral_logsumexp(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.is_integral


def _mean_in_a_reduced_dtype(check: Check) -> bool:
    """mean with dtype=float16/bfloat16 of an input of another dtype (floating, integral or bool):
    torch reads it in float32 where NumPy rounds it to dtype= first."""
    if not _is_forward(check) or _reduction(check).name != "mean" or _refusal(check) is not None:
        return False
    target, x = _arguments(check).get("dtype"), _x(check)
    return target is not None and target.name in dt.REDUCED_FLOATS and target != x.dtype


def _mean_in_float32(check: Check, reference: object) -> Any:
    """The mean of x read in float32 (not rounded to dtype= first), rounded to dtype=."""
    x, arguments = _x(check), _effective(check)
    kept = {k: arguments[k] for k in ("dim", "keepdim") if k in arguments}
    wide = dt.dtype("float32").carry(x.values).astype(np.float64)
    if wide.ndim == 0 and kept.get("dim") not in (None, ()):
        # a 0-d input's dim 0 is one element, averaged as one (a sum from +0.0: -0.0 gives +0.0)
        wide, kept = wide.reshape(1), {"dim": 0}
    try:
        return as_dtype(np.asarray(ref.mean(np, wide, **kept)), arguments["dtype"])
    except Exception as error:
        return _torch_refusal(check, error) or Outcome(error=error)


def _float32_mean_bound(check: Check) -> Tolerance:
    """The mean's bound (`sum_bound`, divided by n) over the values as torch reads them, in
    float32: the catalog's bound reads them in dtype=, where they overflow and count for nothing."""
    x, arguments = _x(check), _effective(check)
    wide = dt.dtype("float32").carry(x.values).astype(np.float64)
    bound = bounds.sum_bound(wide, "float32", {k: v for k, v in arguments.items() if k != "dtype"}, divide=True)
    return Tolerance(arguments["dtype"].eps, bound.atol)


def _overflow_within_the_bound(check: Check) -> np.ndarray:
    """Positions whose float32 mean (the model's, exact but for the bound) lies within the bound
    of dtype='s overflow threshold: torch's float32 sum, in its own order, may round either way
    there, to inf or to a finite value (torch.mean(int64 [-2**63, -195584, 2**63 - 2],
    dtype=float16) is 0.: the float32 sum absorbs -195584; the exact mean -65536 is -inf)."""
    x, arguments = _x(check), _effective(check)
    kept = {k: arguments[k] for k in ("dim", "keepdim") if k in arguments}
    target = arguments["dtype"]
    wide = dt.dtype("float32").carry(x.values).astype(np.float64)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Mean of empty slice": NaN, no position to skip
        try:
            mean = wide if wide.ndim == 0 else np.asarray(ref.mean(np, wide, **kept))
        except (ValueError, IndexError, TypeError):  # a refused call (a repeated dim): no position to skip
            return np.asarray(False)
    threshold = target.largest + target.largest * target.eps / (2 * (2 - target.eps))  # rounds to inf from here
    bound = _float32_mean_bound(check).atol
    return np.asarray((np.abs(mean) - bound < threshold) & (threshold <= np.abs(mean) + bound))


MEAN_READS_IN_FLOAT32 = KnownDivergence(
    id="mean-dtype-reads-in-float32",
    ops=_labels(("mean",)),
    summary="mean with dtype=float16/bfloat16 reads the input in float32, not converted to dtype= first as "
    "NumPy (and torch's documentation) do: the values are not rounded to dtype= before they are summed (where "
    "they cancel, the means differ by far more than dtype='s rounding), values that overflow dtype= still average "
    "to a finite mean, and values that underflow to zero in it keep their sign",
    example="torch.mean(torch.tensor([2049, 1]), dtype=torch.float16)  # 1025.; np.mean(np.int64([2049, 1]), "
    "dtype=np.float16)  # 1024. (2049 is 2048. in float16); "
    "torch.mean(torch.tensor([70000., -70000.]), dtype=torch.float16)  # 0.; "
    "np.mean(np.float32([70000, -70000]), dtype=np.float16)  # nan; "
    "torch.mean(torch.tensor(-1e-38), dtype=torch.float16)  # -0.; np.mean(np.float32(-1e-38), dtype=np.float16)  # 0.",
    reason="torch's mean accumulates float16 and bfloat16 results in float32 from the input converted to float32 "
    "and rounds only the mean to dtype=; sum with dtype= converts to dtype= first",
    torch_gives=Returns(_mean_in_float32, "the mean of the input in float32, rounded to dtype="),
    tolerance=_float32_mean_bound,
    skip=_overflow_within_the_bound,
    when=_mean_in_a_reduced_dtype,
    link="https://pytorch.org/docs/stable/generated/torch.mean.html",
)

# the result dtypes (last in the registry's reductions: they restate the results the entries before them model)
ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="unsigned-sums-give-int64",
        ops=_labels(_SUMS),
        summary="sums and products of unsigned integers give int64 in torch, uint64 in NumPy",
        example="torch.sum(torch.tensor([200], dtype=torch.uint8)).dtype  # int64; np.sum(np.uint8([200])).dtype  # uint64",
        reason="torch accumulates every integral input in int64 unless dtype= says otherwise; NumPy keeps the sign",
        torch_gives=GivesDtype("int64"),
        when=_unsigned_sum,
        link="https://pytorch.org/docs/stable/generated/torch.sum.html",
    ),
    KnownDivergence(
        id="all-any-of-uint8-give-uint8",
        ops=_labels(("all", "any")),
        summary="all/any of a uint8 tensor give uint8 (0 or 1), not bool",
        example="torch.all(torch.tensor([1, 2], dtype=torch.uint8))  # tensor(1, dtype=torch.uint8)",
        reason="torch documents it: 'For uint8 the dtype of output is uint8 itself' (kept for compatibility)",
        torch_gives=GivesDtype("uint8"),
        when=_uint8_truth,
        link="https://pytorch.org/docs/stable/generated/torch.all.html",
    ),
    KnownDivergence(
        id="logsumexp-of-integers-gives-float32",
        ops=_labels(("logsumexp",)),
        summary="logsumexp of integers and bools computes in torch's default dtype (float32); NumPy's would be float64",
        example="torch.logsumexp(torch.tensor([1, 2]), 0).dtype  # float32",
        reason="torch promotes integral inputs of floating ops to the default dtype",
        torch_gives=GivesDtype("float32"),
        when=_integral_logsumexp,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
]
