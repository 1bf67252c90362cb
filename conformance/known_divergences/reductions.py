"""Known divergences of reductions and scans (suites/test_reductions.py): torch's result dtypes,
its reading of dims, its lower median, its refusals, and where its unspecified order of
summation decides a result."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import GivesDtype, KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences import reduction_accumulation, reduction_bugs
from conformance.known_divergences.reduction_checks import EMPTY_TUPLE_REDUCES_ALL as _EMPTY_TUPLE_REDUCES_ALL
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import effective as _effective
from conformance.known_divergences.reduction_checks import floating_values as _floating_values
from conformance.known_divergences.reduction_checks import gradient_of as _gradient_of
from conformance.known_divergences.reduction_checks import host as _host
from conformance.known_divergences.reduction_checks import is_forward as _is_forward
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import tag as _tag
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.normal import Expected, as_dtype
from conformance.ops import reduction_references as ref
from conformance.ops.reduction_results import nan_slots_in_order
from conformance.outcomes import ExpectedError, Outcome
from conformance.tolerances import Tolerance


def _reference(check: Check, values: np.ndarray | None = None, **changes) -> Any:
    """The op's NumPy reference on x (or on `values`) with some arguments changed, tagged as the
    suite tags it; an error of the reference as an outcome."""
    op, x, arguments = _reduction(check), _x(check), {**_arguments(check), **changes}
    result_dtype = arguments.get("dtype") or x.dtype
    try:
        with np.errstate(all="ignore"):
            result = op.reduce(np, x.values if values is None else values, **_host(arguments))
    except Exception as error:
        return _torch_refusal(check, error) or Outcome(error=error)
    return _tag(result, result_dtype)


# ---------------------------------------------------------------------------
# Refusals: dtypes torch has no kernel for; calls both sides refuse, with other error classes


def _refusal(check: Check):
    """The dtype refusal of the catalog entry that applies to this forward check, if any."""
    return _reduction(check).refusal(_x(check), _arguments(check)) if _is_forward(check) else None


@dataclass(frozen=True)
class Situation:
    """A call both sides refuse, torch with another exception class than NumPy: how each side
    says it (class and message), so that the registry expects torch's error there."""

    id: str
    summary: str
    example: str
    torch_error: type[BaseException]
    torch_match: str
    reference_error: type[BaseException] | tuple[type[BaseException], ...]
    reference_match: str
    # where torch checks this before anything else: the calls it refuses so whatever else is wrong
    first: Callable[[Check], bool] | None = None

    def matches(self, error: BaseException | None) -> bool:
        return isinstance(error, self.reference_error) and re.search(self.reference_match, str(error)) is not None

    def applies(self, check: Check) -> bool:
        """The reference refused the call this way, or torch refuses it so before anything else."""
        refused = check.reference is not None and check.reference.raised
        return refused and (self.matches(check.reference.error) or bool(self.first and self.first(check)))


# the reductions with no identity: over no elements they have no value
_NO_IDENTITY = ("amax", "amin", "max", "min", "argmax", "argmin", "median", "nanmedian")

SITUATIONS = (
    Situation(
        "dim-out-of-range-is-index-error",
        "a dim out of range raises IndexError in torch, AxisError (a ValueError first) in NumPy",
        "torch.sum(torch.ones(2), 1)  # IndexError: Dimension out of range; np.sum(np.ones(2), 1)  # AxisError",
        IndexError,
        r"Dimension out of range",
        np.exceptions.AxisError,
        r"out of bounds",
    ),
    Situation(
        "repeated-dim-is-runtime-error",
        "a dim repeated in a tuple raises RuntimeError in torch, ValueError in NumPy",
        "torch.sum(torch.ones(2, 2), (0, -2))  # RuntimeError: dim 0 appears multiple times; NumPy: ValueError",
        RuntimeError,
        r"appears multiple times in the list of dims",
        ValueError,
        r"duplicate value in 'axis'",
    ),
    Situation(
        "empty-reduction-error-class",
        "a reduction with no identity over no elements raises RuntimeError or IndexError in torch, ValueError in NumPy",
        "torch.amax(torch.ones(0))  # RuntimeError: Expected reduction dim to be specified; np.amax([])  # ValueError",
        (RuntimeError, IndexError),
        r"Expected reduction dim",
        ValueError,
        r"zero-size array to reduction operation|attempt to get arg(max|min) of an empty sequence",
        # torch checks for no elements before it checks the dims (amin(x[0], dim=(0, 0)))
        first=lambda check: _reduction(check).name in _NO_IDENTITY and _x(check).values.size == 0,
    ),
    Situation(
        "topk-k-out-of-range-is-runtime-error",
        "topk with k beyond the dim's size raises RuntimeError; NumPy's partition refuses such a kth with ValueError",
        "torch.topk(torch.ones(2), 3)  # RuntimeError: selected index k out of range; np.partition(np.ones(2), 2)  # ValueError",
        RuntimeError,
        r"selected index k out of range",
        ValueError,
        r"kth\(=-?\d+\) out of bounds",
    ),
    Situation(
        "quantile-q-out-of-range-is-runtime-error",
        "quantile with q outside [0, 1] raises RuntimeError in torch, ValueError in NumPy",
        "torch.quantile(torch.ones(2), 1.5)  # RuntimeError; np.quantile(np.ones(2), 1.5)  # ValueError",
        RuntimeError,
        r"q (values )?must be in the range \[0, 1\]",
        ValueError,
        r"Quantiles must be in the range \[0, 1\]",
    ),
    Situation(
        "quantile-of-nothing-is-runtime-error",
        "quantile of no elements raises RuntimeError in torch, IndexError in NumPy",
        "torch.quantile(torch.ones(0), 0.5)  # RuntimeError: input tensor must be non-empty; NumPy: IndexError",
        RuntimeError,
        r"must be non-empty",
        IndexError,
        r"out of bounds for axis",
        first=lambda check: _reduction(check).name == "quantile" and _x(check).values.size == 0,
    ),
)


def _torch_refusal(check: Check, error: BaseException | None) -> Outcome | None:
    """torch's documented error where the reference raised `error`: the situation's, or the
    op's dtype refusal (torch may check the dtype first), or either."""
    situations = [s for s in SITUATIONS if s.matches(error) or (s.first and _is_forward(check) and s.first(check))]
    refusal = _reduction(check).refusal(_x(check), _arguments(check)) if _reduction(check) else None
    classes: list[type[BaseException]] = []
    patterns: list[str] = []
    for situation in situations:
        classes += list(situation.torch_error) if isinstance(situation.torch_error, tuple) else [situation.torch_error]
        patterns.append(situation.torch_match)
    if refusal is not None:
        classes += [RuntimeError, NotImplementedError]
        patterns.append(refusal.match)
    if not classes:
        return None
    return Outcome(error=ExpectedError(tuple(classes), "|".join(patterns)))


def _refused(check: Check, reference: object) -> Outcome:
    return Outcome(error=ExpectedError((RuntimeError, NotImplementedError), _refusal(check).match))


def _refused_where_computed(check: Check) -> bool:
    """A dtype refusal where the reference computes a result (where it raises too, the situation's
    entry expects either error; where torch reads dim=() or a 0-d input its own way, that entry's
    model says which error torch raises first)."""
    return (
        _refusal(check) is not None
        and check.reference is not None
        and not check.reference.raised
        and not _reads_every_dim(check)
        and not _zero_dim_with_dims(check)
        and not (_reduction(check).name == "quantile" and _x(check).values.size == 0)  # its own entry's
    )


def _situation_entry(situation: Situation) -> KnownDivergence:
    return KnownDivergence(
        id=situation.id,
        ops=_labels(),
        summary=situation.summary,
        example=situation.example,
        reason="both sides refuse the call; torch's class for it differs from NumPy's, and conformance.errors "
        "has no general row for the pair",
        torch_gives=Returns(
            lambda check, reference: _torch_refusal(check, check.reference.error),
            f"torch raises {situation.torch_match!r} (or the op's dtype refusal)",
            where_reference_raises=situation.reference_error,
        ),
        when=lambda check: _is_forward(check) and situation.applies(check),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/WrapDimUtils.h",
    )


_SUMS = ("sum", "nansum", "prod", "cumsum", "cumprod")


def _unsigned_sum(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.kind == "uint" and _arguments(check).get("dtype") is None


def _uint8_truth(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.name == "uint8"


def _integral_logsumexp(check: Check) -> bool:
    return _is_forward(check) and _x(check).dtype.is_integral


# ---------------------------------------------------------------------------
# dim=() and 0-d inputs


def _empty_dim_tuple(check: Check) -> bool:
    return _reduction(check) is not None and _arguments(check).get("dim", None) == ()


def _reads_every_dim(check: Check) -> bool:
    return _empty_dim_tuple(check) and _reduction(check).name in _EMPTY_TUPLE_REDUCES_ALL


def _over_every_dim(check: Check, reference: object) -> Any:
    """The reduction over every dim (dim=None, keepdim kept); where that is refused (amax of
    nothing) torch raises, as it does without a dim."""
    result = _reference(check, dim=None)
    if isinstance(result, Outcome):
        return result
    if _refusal(check) is not None:
        return _refused(check, reference)
    if check.gradient_of is not None:
        return _gradient_of(
            check, lambda array: _reduction(check).reduce(np, array, **_host({**_arguments(check), "dim": None}))
        )
    return result


def _dim_of(check: Check):
    """The dim the op runs along: as given, else the op's default (sort's -1; None for every dim)."""
    return _arguments(check).get("dim", _reduction(check).default_dim)


def _zero_dim_with_dims(check: Check) -> bool:
    if not _is_forward(check) or _x(check).shape != ():
        return False
    dim = _dim_of(check)
    return dim is not None and dim != ()


def _as_one_element(check: Check, reference: object) -> Any:
    """The op on x as a 1-element 1-d array along dim 0 (dims 0 and -1 read as 0, others kept, so
    that they are refused), with keepdim off; results of a shape-keeping op (cumsum, sort) back
    to 0-d."""
    op, arguments = _reduction(check), _arguments(check)
    dim = _dim_of(check)
    read = 0 if dim in (0, -1) else dim
    if isinstance(dim, tuple):
        read = tuple(0 if d in (0, -1) else d for d in dim)
    changes = {"dim": read}
    if "keepdim" in arguments:
        changes["keepdim"] = False
    result = _reference(check, _x(check).values.reshape(1), **changes)
    if isinstance(result, Outcome):
        return result  # refused as a 1-element dim too (k out of range): the situation's error, or the dtype's
    if _refusal(check) is not None:
        return _refused(check, reference)
    if op.reduces:
        return result

    def zero_dim(item):
        if isinstance(item, Expected):
            return Expected(np.asarray(item.values).reshape(()), item.dtype) if np.shape(item.values) == (1,) else item
        array = np.asarray(item)
        return array.reshape(()) if array.shape == (1,) else array

    return tuple(zero_dim(item) for item in result) if isinstance(result, tuple) else zero_dim(result)


# ---------------------------------------------------------------------------
# median: the lower of the two middle values


def _lower_median(check: Check, values: np.ndarray | None = None) -> Any:
    """torch's median: the lower middle value (np.quantile's 'lower'; nanmedian ignoring NaN), in
    x's dtype (of `values` as given, for finite differences), with the same structure as the
    reference's ((values, values) over a dim)."""
    op, x, arguments = _reduction(check), _x(check), _arguments(check)
    given = values is not None
    values = np.asarray(values if given else x.values)
    dim, keepdim = arguments.get("dim"), bool(arguments.get("keepdim", False)) and arguments.get("dim") is not None
    zero_dim = values.ndim == 0 and dim in (0, -1)
    if zero_dim:  # torch reads a 0-d input's dim 0 as a one-element dim, and keeps the result 0-d
        values, dim, keepdim = values.reshape(1), 0, False
    function = np.nanquantile if op.name == "nanmedian" else np.quantile
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, as torch gives
        lower = function(values, 0.5, axis=dim, keepdims=keepdim, method="lower")
    lower = np.asarray(lower).reshape(()) if zero_dim else np.asarray(lower)
    lower = lower if given else _tag(lower.astype(x.dtype.numpy), x.dtype)
    return lower if dim is None else (lower, lower)


def _middles_differ(check: Check) -> bool:
    """Integer inputs (NumPy's median is a float64 mean), or a reduced row with an even number of
    (non-NaN, for nanmedian) values whose two middle values differ, or whose lower middle value
    is -0.0 (torch selects it; NumPy's mean of it is +0.0)."""
    op, x = _reduction(check), _x(check)
    if x.dtype.is_complex:  # refused, but for no elements without a dim: NaN on both sides
        return False
    if x.dtype.is_integral:  # but the median of no elements at all, whose garbage value no model states
        return x.values.size > 0 or _arguments(check).get("dim") is not None
    dim = _arguments(check).get("dim")
    values = np.asarray(x.values, dtype=np.float64)
    if values.size == 0:
        return False
    if dim is None or values.ndim == 0:
        rows = values.reshape(1, -1)
    else:
        axis = dim % values.ndim
        rows = np.moveaxis(values, axis, -1).reshape(-1, values.shape[axis])
    for row in rows:
        if op.name == "median" and np.isnan(row).any():
            continue
        row = np.sort(row[~np.isnan(row)])
        if row.size == 0:
            continue
        lower = row[(row.size - 1) // 2]
        if (row.size % 2 == 0 and lower != row[row.size // 2]) or (lower == 0 and np.signbit(lower)):
            return True
    return False


def _median_applies(check: Check) -> bool:
    if _reduction(check) is None or not isinstance(check.inputs.get("x"), ArrayInput):
        return False
    dim = _arguments(check).get("dim")
    if _x(check).shape == () and dim not in (None, 0, -1):
        return False  # a dim a 0-d tensor does not have: refused on both sides
    if _over_empty_dim(check):
        return False  # refused by torch: median-refuses-empty-dim
    return _refusal(check) is None and _middles_differ(check)


def _over_empty_dim(check: Check) -> bool:
    """median/nanmedian over a dim (in range) of size 0."""
    dim, shape = _arguments(check).get("dim"), _x(check).shape
    if not isinstance(dim, int) or not shape or not -len(shape) <= dim < len(shape):
        return False
    return shape[dim] == 0


def _torch_median(check: Check, reference: object) -> Any:
    if check.gradient_of is not None:
        return _gradient_of(check, lambda array: _lower_median(check, array))
    return _lower_median(check)


# ---------------------------------------------------------------------------
# unique: NaNs


def _several_nans(check: Check) -> bool:
    values = _floating_values(_x(check)) if _is_forward(check) else None
    return values is not None and int(np.isnan(values).sum()) >= 2


def _unique_nans_apart(check: Check, reference: object) -> Any:
    """np.unique with equal_nan=False: every NaN its own value, with its own inverse index (the
    NaN elements, in x's order, pointing to the NaN slots in order, as the suite reads torch's)."""
    x, arguments = _x(check), _arguments(check)
    values, inverse, counts = np.unique(x.values.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
    items = [_tag(values, x.dtype)]
    if arguments.get("return_inverse"):
        items.append(nan_slots_in_order(values, inverse.reshape(x.shape).astype(np.int64)))
    if arguments.get("return_counts"):
        items.append(counts.astype(np.int64))
    return items[0] if len(items) == 1 else tuple(items)


# ---------------------------------------------------------------------------
# Signed zeros of selections; order of summation


_SELECTIONS = ("amax", "amin", "max", "min", "median", "nanmedian", "quantile", "sort", "argsort", "topk", "unique")


def _zeros_of_both_signs(check: Check) -> bool:
    """Floating inputs (x, and max's other) hold both +0.0 and -0.0 between them, and the op does
    not promise their order (a stable sort does)."""
    if not _is_forward(check) or _arguments(check).get("stable"):
        return False
    inputs = [v for v in (check.inputs["x"], _arguments(check).get("other")) if isinstance(v, ArrayInput)]
    zeros = [np.asarray(inp.values)[np.asarray(inp.values) == 0] for inp in inputs if inp.dtype.is_floating]
    signs = {bool(sign) for values in zeros for sign in np.signbit(values)}
    return signs == {True, False}


def _mean_overflows_when_cast(check: Check) -> bool:
    """mean with dtype=float16/bfloat16 of an input with finite values that cast to inf there."""
    if not _is_forward(check) or _reduction(check).name != "mean" or _refusal(check) is not None:
        return False
    target, x = _arguments(check).get("dtype"), _x(check)
    if target is None or target.name not in dt.REDUCED_FLOATS or target == x.dtype:
        return False
    values = np.asarray(x.values)
    return bool((np.isfinite(values) & np.isinf(target.carry(values).astype(np.float64))).any())


def _mean_in_float32(check: Check, reference: object) -> Any:
    """The mean of x read in float32 (not rounded to dtype= first), rounded to dtype=."""
    x, arguments = _x(check), _effective(check)
    kept = {k: arguments[k] for k in ("dim", "keepdim") if k in arguments}
    wide = dt.dtype("float32").carry(x.values).astype(np.float64)
    if wide.ndim == 0 and kept.get("dim") not in (None, ()):  # a 0-d input's dim 0: one element
        return as_dtype(wide, arguments["dtype"])
    try:
        return as_dtype(np.asarray(ref.mean(np, wide, **kept)), arguments["dtype"])
    except Exception as error:
        return _torch_refusal(check, error) or Outcome(error=error)


def _float32_mean_bound(check: Check) -> Tolerance:
    """The mean's bound (`sum_bound`, divided by n) over the values as torch reads them, in
    float32: the catalog's bound reads them in dtype=, where they overflow and count for nothing."""
    x, arguments = _x(check), _effective(check)
    wide = dt.dtype("float32").carry(x.values).astype(np.float64)
    bound = ref.sum_bound(wide, "float32", {k: v for k, v in arguments.items() if k != "dtype"}, divide=True)
    return Tolerance(arguments["dtype"].eps, bound.atol)


ENTRIES: list[KnownDivergence] = [
    *(_situation_entry(situation) for situation in SITUATIONS),
    KnownDivergence(
        id="reduction-dtype-refused",
        ops=_labels(),
        summary="torch has no kernel for some reduction/dtype pairs NumPy computes (each entry's `refuses`)",
        example=(
            "torch.mean(torch.tensor([1, 2]))  # RuntimeError: mean(): could not infer output dtype; "
            "torch.sort(torch.tensor([1j]))  # RuntimeError; np.mean([1, 2]) == 1.5"
        ),
        reason=(
            "torch computes the mean, variance and quantiles of floating and complex tensors only, orders no "
            "complex values (sort, topk, max, argmax, median, unique), and has few kernels for uint16/32/64"
        ),
        torch_gives=Returns(_refused, "the op's refusal, with its message"),
        when=_refused_where_computed,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="empty-dim-tuple-reduces-every-dim",
        # var and std are not among the gradients: their backward reads dim=() otherwise
        # (variance-backward-empty-dim-tuple-counts-one)
        ops=_labels(_EMPTY_TUPLE_REDUCES_ALL)
        + _labels(tuple(n for n in _EMPTY_TUPLE_REDUCES_ALL if n not in ("var", "std")), gradients_too=True),
        summary="dim=() reduces every dim in sum, nansum, mean, nanmean, var, std, amax, amin, count_nonzero and "
        "logsumexp (NumPy's axis=() reduces none)",
        example="torch.sum(torch.ones(2, 3), dim=()).shape  # torch.Size([]); np.sum(np.ones((2, 3)), axis=()).shape  # (2, 3)",
        reason=(
            "torch reads an empty dim list as 'no dim given', its legacy meaning for these ops (all and any "
            "reduce none, as NumPy does)"
        ),
        torch_gives=Returns(_over_every_dim, "the reduction over every dim (keepdim kept)"),
        when=lambda check: _empty_dim_tuple(check) and isinstance(check.inputs.get("x"), ArrayInput),
        link="https://github.com/pytorch/pytorch/issues/29137",
    ),
    KnownDivergence(
        id="zero-dim-tensor-takes-dim-0",
        ops=_labels(),
        summary="a 0-d tensor takes dim 0 and -1 as a one-element dim (mean, var, median, sort, cumsum...); "
        "NumPy refuses an axis of a 0-d array there, or (cumsum) returns a 1-d array",
        example="torch.mean(torch.tensor(5.), 0)  # tensor(5.); np.mean(np.array(5.), 0)  # AxisError",
        reason="torch wraps dims of a 0-d tensor as if it had one dim of size 1, and keeps the result 0-d",
        torch_gives=Returns(
            _as_one_element, "the op on x as a one-element dim, the result 0-d", where_reference_raises=True
        ),
        when=_zero_dim_with_dims,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-tensor",
    ),
    KnownDivergence(
        id="median-lower-middle",
        ops=_labels(("median", "nanmedian"), gradients_too=True),
        summary="median of an even count is the lower of the two middle values (NumPy: their mean), in the input's dtype",
        example="torch.median(torch.tensor([1., 2., 3., 4.]))  # tensor(2.); np.median([1., 2., 3., 4.])  # 2.5",
        reason="torch documents it: 'the median is not unique for input tensors with an even number of elements... "
        "the lower of the two medians is returned'; its gradient flows to that element",
        torch_gives=Returns(_torch_median, "the lower middle value (np.quantile, method='lower')"),
        when=_median_applies,
        link="https://pytorch.org/docs/stable/generated/torch.median.html",
    ),
    KnownDivergence(
        id="median-refuses-empty-dim",
        ops=_labels(("median", "nanmedian")),
        summary="median/nanmedian over a dim of size 0 raise IndexError; NumPy gives NaN for each empty slice",
        example="torch.median(torch.ones(2, 0), 1)  # IndexError: median(): Expected reduction dim 1 to have "
        "non-zero size; np.median(np.ones((2, 0)), 1)  # array([nan, nan])",
        reason="a median has no identity: torch refuses a reduction of no elements, as it does for amax",
        torch_gives=Raises(IndexError, r"Expected reduction dim -?\d+ to have non-zero size"),
        when=lambda check: (
            _is_forward(check) and _reduction(check).name in ("median", "nanmedian") and _over_empty_dim(check)
        ),
        link="https://pytorch.org/docs/stable/generated/torch.median.html",
    ),
    KnownDivergence(
        id="unique-nans-are-distinct",
        ops=_labels(("unique",)),
        summary="torch.unique keeps every NaN as a value of its own; NumPy 2's unique merges them (equal_nan=True)",
        example="torch.unique(torch.tensor([nan, nan]))  # tensor([nan, nan]); np.unique([nan, nan])  # array([nan])",
        reason="NaN != NaN: torch's unique compares with ==, NumPy 2 merges NaNs by default",
        torch_gives=Returns(_unique_nans_apart, "np.unique(..., equal_nan=False)"),
        when=_several_nans,
        link="https://numpy.org/doc/stable/reference/generated/numpy.unique.html",
    ),
    KnownDivergence(
        id="selection-signed-zeros",
        ops=_labels(_SELECTIONS),
        summary="max, min, median, quantile, unstable sorts, topk and unique may give either zero where +0.0 and -0.0 meet",
        example="torch.amax(torch.tensor([0., -0.]))  # tensor(0.); np.amax([0., -0.])  # -0.0",
        reason=(
            "+0.0 == -0.0, so which of them a selection keeps follows the order torch compares in (vectorised "
            "lanes, partitions, threads), which it does not specify; no model of that order can be written"
        ),
        when=_zeros_of_both_signs,
        signed_zeros=False,
        link="https://pytorch.org/docs/stable/generated/torch.amax.html",
    ),
    *reduction_accumulation.ENTRIES,
    KnownDivergence(
        id="mean-dtype-reads-in-float32",
        ops=_labels(("mean",)),
        summary="mean with dtype=float16/bfloat16 reads the input in float32, not cast to dtype= first as NumPy "
        "(and torch's documentation) do: values that overflow the dtype still average to a finite mean",
        example="torch.mean(torch.tensor([70000., -70000.]), dtype=torch.float16)  # 0.; "
        "np.mean(np.float32([70000, -70000]), dtype=np.float16)  # nan",
        reason="torch's mean accumulates float16 and bfloat16 results in float32 from the input as it is; "
        "sum with dtype= casts first",
        torch_gives=Returns(_mean_in_float32, "the mean of the input in float32, rounded to dtype="),
        tolerance=_float32_mean_bound,
        when=_mean_overflows_when_cast,
        link="https://pytorch.org/docs/stable/generated/torch.mean.html",
    ),
    KnownDivergence(
        id="quantile-refuses-no-elements",
        ops=_labels(("quantile",)),
        summary="quantile refuses an input with no elements even where its result has none (NumPy returns it empty)",
        example="torch.quantile(torch.ones(2, 0), 0.5, dim=0)  # RuntimeError: input tensor must be non-empty; "
        "np.quantile(np.ones((2, 0)), 0.5, axis=0)  # array([])",
        reason="torch checks that the input has elements before it looks at dim",
        torch_gives=Returns(
            lambda check, reference: Outcome(error=ExpectedError(RuntimeError, r"must be non-empty")),
            "RuntimeError: quantile() input tensor must be non-empty",
        ),
        when=lambda check: (
            _is_forward(check)
            and _x(check).values.size == 0
            and check.reference is not None
            and not check.reference.raised
        ),
        link="https://pytorch.org/docs/stable/generated/torch.quantile.html",
    ),
    # torch bugs, after the entries whose results they replace (dim=(), 0-d inputs)
    *reduction_bugs.ENTRIES,
    # dtype models last: they restate the result the entries above model
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
