"""Known divergences of reductions and scans that are torch bugs (suites/test_reductions.py):
wrong values, spurious refusals and wrong gradients on corners of the input space, each
confirmed with a minimal standalone example on torch 2.13.0 and 2.14.1 (CPU).

Each entry is matched narrowly (the op, the argument spelling and the input property that
triggers it) and states torch's result: a model where the wrong result follows a rule,
its error where it refuses, and the positions left uncompared where it reads memory it
should not (no model of that can be written).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.known_divergences.reduction_checks import (
    arguments,
    effective,
    gradient_label,
    is_forward,
    is_gradient,
    labels,
    reduction,
    refusal,
    tag,
    x_of,
)
from conformance.normal import as_dtype
from conformance.ops import reduction_bounds as bounds
from conformance.ops.reductions import REDUCTIONS

_MEDIANS = ("median", "nanmedian")


def _axis(check: Check) -> int | None:
    """The dim an op with an int `dim` runs along, as an axis of x; None where none is given,
    x is 0-d, or the dim is out of range (refused on both sides)."""
    dim, ndim = arguments(check).get("dim"), x_of(check).values.ndim
    if not isinstance(dim, int) or ndim == 0 or not -ndim <= dim < ndim:
        return None
    return dim % ndim


def _refused(check: Check) -> bool:
    return refusal(check) is not None


# ---------------------------------------------------------------------------
# median over a stride-0 dim


def _median_over_expanded_dim(check: Check) -> bool:
    """median/nanmedian over a dim of more than one element that the input holds with stride 0."""
    if not is_forward(check) or reduction(check).name not in _MEDIANS or _refused(check):
        return False
    axis, x = _axis(check), x_of(check)
    return axis is not None and axis in x.layout.expanded and x.shape[axis] > 1


# ---------------------------------------------------------------------------
# median of no elements, integral


def _integral_median_of_nothing(check: Check) -> bool:
    if not is_forward(check) or reduction(check).name not in _MEDIANS:
        return False
    x = x_of(check)
    return x.dtype.is_integral and x.values.size == 0 and arguments(check).get("dim") is None


def _nan_converted(check: Check, reference: object) -> Any:
    """NaN converted to x's dtype, 0-d: the conversion C leaves undefined, as this platform's
    CPU does it (NumPy's astype makes the same conversion: int32/int64 give their lowest value,
    narrower ints 0, uint64 2**63, bool True)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns of the invalid cast it is asked to model
        return np.asarray(np.nan).astype(x_of(check).dtype.numpy)


# ---------------------------------------------------------------------------
# topk of a 0-d tensor with k=0


def _topk_zero_of_0d(check: Check) -> bool:
    if not is_forward(check) or reduction(check).name != "topk" or x_of(check).shape != () or _refused(check):
        return False
    given = arguments(check)
    return given.get("k") == 0 and given.get("dim", -1) in (0, -1)


def _the_element(check: Check, reference: object) -> Any:
    """The 0-d input itself as the values, and (through the indices, 0) itself again."""
    x = x_of(check)
    value = tag(np.asarray(x.values).copy(), x.dtype)
    return value, value


# ---------------------------------------------------------------------------
# logsumexp with dim=()


def _logsumexp_empty_tuple_without_keepdim(check: Check) -> bool:
    if not is_forward(check) or reduction(check).name != "logsumexp":
        return False
    given, x = arguments(check), x_of(check)
    return given.get("dim") == () and not given.get("keepdim", False) and x.values.ndim >= 1 and x.values.size > 0


# ---------------------------------------------------------------------------
# var and std backward with dim=()


def _variance_gradient_over_empty_tuple(check: Check) -> bool:
    return is_gradient(check) and reduction(check).name in ("var", "std") and arguments(check).get("dim") == ()


def _backward_with_one_element(check: Check, reference: object) -> Any:
    """torch's var_backward, (2 / (n - correction)) * v * (x - mean(x)), with n the number of
    elements over the dims named, which it counts as 1 for dim=(); std's backward feeds it
    v / (2 std) and gives 0 where std is 0. Computed in float64 in torch's order, in x's dtype."""
    x, given = x_of(check), arguments(check)
    correction = given.get("correction", 1)
    values = np.asarray(x.values, dtype=np.float64)
    upstream = np.asarray(check.upstream.values, dtype=np.float64).reshape(())
    with np.errstate(all="ignore"):
        factor = np.float64(2.0) / np.float64(1 - correction)
        centred = values - values.mean()
        if reduction(check).name == "var":
            gradient = factor * upstream * centred
        else:
            spread = np.std(values, ddof=correction)
            gradient = factor * (upstream / (2 * spread)) * centred
            gradient = np.zeros_like(values) if spread == 0 else gradient
    return as_dtype(gradient, x.dtype)


# ---------------------------------------------------------------------------
# var and std of complex values with no degrees of freedom


def _complex_variance_without_freedom(check: Check) -> bool:
    """var or std of a complex x (of one or more dims) whose reduced count does not exceed the
    correction: n - correction <= 0."""
    if not is_forward(check) or reduction(check).name not in ("var", "std") or _refused(check):
        return False
    x, given = x_of(check), effective(check)
    if not x.dtype.is_complex or not x.shape or check.reference is None or check.reference.raised:
        return False
    axes = bounds.reduced_axes(len(x.shape), given.get("dim"))
    count = math.prod(x.shape[a] for a in axes) if axes else 1
    return count - given.get("correction", 1) <= 0


def _variance_by_parts(check: Check, reference: object) -> Any:
    """torch's complex var: the real part's variance plus the imaginary part's, each m2 / (n -
    correction) (std: its square root), so a part with no spread over no degrees of freedom is
    0 / 0, NaN, where NumPy's |x - mean|^2 sum over 0 is inf."""
    x, given = x_of(check), effective(check)
    axes = bounds.reduced_axes(len(x.shape), given.get("dim"))
    keepdim = bool(given.get("keepdim", False))
    values = np.asarray(x.values).astype(np.complex128)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        parts = [
            np.var(p, axis=axes, ddof=given.get("correction", 1), keepdims=keepdim) for p in (values.real, values.imag)
        ]
        result = parts[0] + parts[1]
        if reduction(check).name == "std":
            result = np.sqrt(result)
    return as_dtype(np.asarray(result), "float32" if x.dtype.name == "complex64" else "float64")


# ---------------------------------------------------------------------------
# uint16/32/64 sorts past the parallel grain

_PARALLEL_SORT_GRAIN = 32768  # torch sorts a 1-d input of this many elements or more with a parallel kernel


def _parallel_sort_of_wide_unsigned(check: Check) -> bool:
    """An ascending sort (argsort) of a 1-d uint16/32/64 input of 32768 elements or more, not
    held with stride 0 (a constant input takes another path); unique of that many elements in
    any shape (it sorts the flattened input)."""
    if not is_forward(check) or reduction(check).name not in ("sort", "argsort", "unique"):
        return False
    x, given = x_of(check), arguments(check)
    if x.dtype.name not in dt.LIMITED_UNSIGNED_INTS or x.values.size < _PARALLEL_SORT_GRAIN:
        return False
    if reduction(check).name == "unique":
        return True
    return (
        x.values.ndim == 1
        and given.get("dim", -1) in (0, -1)
        and not given.get("descending", False)
        and 0 not in x.layout.expanded
    )


# ---------------------------------------------------------------------------
# nansum past the parallel grain

_PARALLEL_GRAIN = 32768  # at::internal::GRAIN_SIZE: TensorIterator splits a reduction of this many elements


def _opposite_infinities(check: Check) -> np.ndarray:
    """Result positions whose reduced slice holds both +inf and -inf (NaN by IEEE 754), shaped as
    the result (a 0-d input's, 0-d)."""
    x, given = x_of(check), effective(check)
    computed = given.get("dtype") or x.dtype
    values = np.asarray(computed.carry(x.values), dtype=np.float64)
    if values.ndim == 0:
        return np.asarray(False)
    dim = given.get("dim")
    axis = tuple(dim) if isinstance(dim, list) else dim
    keepdim = bool(given.get("keepdim", False))
    positive = np.any(values == np.inf, axis=axis, keepdims=keepdim)
    negative = np.any(values == -np.inf, axis=axis, keepdims=keepdim)
    return np.asarray(positive & negative)


def _parallel_nansum_of_infinities(check: Check) -> bool:
    if not is_forward(check) or reduction(check).name not in ("nansum", "nanmean") or _refused(check):
        return False
    x = x_of(check)
    if not (x.dtype.is_floating and x.values.size >= _PARALLEL_GRAIN):
        return False
    if check.reference is None or check.reference.raised:
        return False
    return bool(_opposite_infinities(check).any())


def _op_labels(name: str) -> tuple[str, ...]:
    return tuple(form.label for op in REDUCTIONS if op.name == name for form in op.forms)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="median-over-expanded-dim-reads-garbage",
        ops=labels(_MEDIANS),
        summary="median/nanmedian over a dim of an expanded (stride-0) tensor return values and indices read "
        "from outside the tensor",
        example="torch.median(torch.tensor([3., 1., 2.]).reshape(3, 1).expand(3, 4), 1).values  "
        "# tensor([1.0000e+00, 4.5748e-41, 4.5748e-41]); of .contiguous(): tensor([3., 1., 2.])",
        reason="the CPU kernel walks the reduced dim with its stride and does not handle a stride of 0 (a copy "
        "of the input is right); what it reads there is other memory, so no model of the result can be "
        "written: its values and indices are not compared (its shape and dtype are)",
        skip=lambda check: np.True_,
        when=_median_over_expanded_dim,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/Sorting.cpp",
    ),
    KnownDivergence(
        id="integral-median-of-nothing-is-nan-converted",
        ops=labels(_MEDIANS),
        summary="median/nanmedian of an integer or bool tensor with no elements return NaN converted to its dtype "
        "(int64: -2**63, bool: True); NumPy returns NaN (float64)",
        example="torch.median(torch.tensor([], dtype=torch.int64))  # tensor(-9223372036854775808); "
        "np.median(np.array([], dtype=np.int64))  # nan",
        reason="torch fills the result of no elements with NaN and converts it to the input's dtype, a conversion "
        "C leaves undefined; the model is this CPU's conversion",
        torch_gives=Returns(_nan_converted, "NaN converted to x's dtype (0-d)"),
        when=_integral_median_of_nothing,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/Sorting.cpp",
    ),
    KnownDivergence(
        id="topk-of-0d-with-k-0-returns-the-element",
        ops=_op_labels("topk"),
        summary="topk of a 0-d tensor with k=0 returns the element (0-d) and index 0, as for k=1, not an empty result",
        example="torch.topk(torch.tensor(1.), 0)  # values=tensor(1.), indices=tensor(0); "
        "torch.topk(torch.tensor([1.]), 0)  # values=tensor([]), indices=tensor([])",
        reason="topk copies a 0-d input to its result before it looks at k (a 0-d result cannot hold no elements)",
        torch_gives=Returns(_the_element, "the element and index 0, 0-d", where_reference_raises=True),
        when=_topk_zero_of_0d,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/TensorCompare.cpp",
    ),
    KnownDivergence(
        id="logsumexp-empty-dim-tuple-raises",
        ops=_op_labels("logsumexp"),
        summary="logsumexp(x, dim=()) of a tensor with dims and elements raises unless keepdim=True",
        example="torch.logsumexp(torch.ones(2, 3), dim=())  # RuntimeError: output with shape [] doesn't match "
        "the broadcast shape [1, 1]; with keepdim=True: tensor([[2.7918]])",
        reason="logsumexp reads dim=() as every dim for its result (shape []) but adds back the max it subtracted "
        "with keepdim's shape ([1, 1]) in place into that result",
        torch_gives=Raises(RuntimeError, r"output with shape \[\] doesn't match the broadcast shape"),
        when=_logsumexp_empty_tuple_without_keepdim,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/ReduceOps.cpp",
    ),
    KnownDivergence(
        id="variance-backward-empty-dim-tuple-counts-one",
        ops=tuple(gradient_label(op) for op in REDUCTIONS if op.name in ("var", "std")),
        summary="the gradient of var/std with dim=() divides by 1 - correction, as if the reduction had one element "
        "(the forward reduces every dim): with the default correction it is inf",
        example="x = torch.tensor([1., 2., 4.], requires_grad=True); torch.var(x, dim=()).backward(); "
        "x.grad  # tensor([-inf, -inf, inf]); with dim=None: tensor([-1.3333, -0.3333, 1.6667])",
        reason="var_backward counts the elements over the dims named, 1 for none, where the forward reads dim=() as "
        "every dim",
        torch_gives=Returns(_backward_with_one_element, "(2 / (1 - correction)) v (x - mean), v / (2 std) for std"),
        when=_variance_gradient_over_empty_tuple,
        link="https://github.com/pytorch/pytorch/blob/main/torch/csrc/autograd/FunctionsManual.cpp",
    ),
    KnownDivergence(
        id="complex-variance-without-freedom-is-nan",
        ops=(*_op_labels("var"), *_op_labels("std")),
        summary="var and std of complex values with no degrees of freedom (n - correction <= 0) are NaN where a "
        "part has no spread; NumPy gives inf",
        example="torch.var(torch.tensor([0j, 1j]), correction=2)  # nan; np.var(np.array([0j, 1j]), ddof=2)  # inf",
        reason="torch computes a complex variance as the real part's variance plus the imaginary part's, each "
        "m2 / (n - correction): the part with no spread is 0 / 0; NumPy divides the sum of |x - mean|^2 once",
        torch_gives=Returns(_variance_by_parts, "the parts' variances, added"),
        when=_complex_variance_without_freedom,
        link="https://pytorch.org/docs/stable/generated/torch.var.html",
    ),
    KnownDivergence(
        id="wide-unsigned-parallel-sort-refused",
        ops=labels(("sort", "argsort", "unique")),
        summary="an ascending sort/argsort of a 1-d uint16/32/64 tensor of 32768 elements or more, and unique of "
        "that many, raise NotImplementedError (fewer elements, or descending, sort)",
        example="torch.sort(torch.zeros(32768, dtype=torch.uint16))  # NotImplementedError: "
        "\"parallel_sort1d_kernel\" not implemented for 'UInt16'; torch.sort(torch.zeros(32767, dtype=torch.uint16))  # ok",
        reason="past the parallel grain the CPU sorts a 1-d input with a parallel kernel that is not instantiated "
        "for the unsigned types added in torch 2.3",
        torch_gives=Raises(NotImplementedError, r"\"parallel_sort1d_kernel\" not implemented for"),
        when=_parallel_sort_of_wide_unsigned,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/SortingKernel.cpp",
    ),
    KnownDivergence(
        id="parallel-nansum-drops-nan-partial-sums",
        ops=_op_labels("nansum") + _op_labels("nanmean"),
        summary="nansum (nanmean) of 32768 elements or more, split across threads, drops a thread's partial sum "
        "that became NaN from +inf and -inf: the result is +-inf or finite where it is NaN",
        example="x = torch.full((40000,), -float('inf')); x[0] = float('inf'); torch.nansum(x)  # -inf; "
        "with torch.set_num_threads(1), or 32767 elements: nan; np.nansum: nan",
        reason="the per-thread partial sums are combined with nansum's own rule, which reads a NaN as 0, so a NaN "
        "the sum made (inf + -inf) is dropped like a NaN of the input; which partial sums hold both infinities "
        "depends on the number of threads, so no model can be written: those positions are not compared",
        skip=_opposite_infinities,
        when=_parallel_nansum_of_infinities,
        device_types=("cpu",),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/SumKernel.cpp",
    ),
]
