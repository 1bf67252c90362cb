"""Known divergences of how reductions and scans read dims (suites/test_reductions.py): dim=() as
every dim, and dim 0 or -1 of a 0-d tensor as a one-element dim."""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences.reduction_checks import EMPTY_TUPLE_REDUCES_ALL as _EMPTY_TUPLE_REDUCES_ALL
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import dim_of as _dim_of
from conformance.known_divergences.reduction_checks import empty_dim_tuple as _empty_dim_tuple
from conformance.known_divergences.reduction_checks import gradient_of as _gradient_of
from conformance.known_divergences.reduction_checks import host as _host
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import refusal as _refusal
from conformance.known_divergences.reduction_checks import tag as _tag
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.known_divergences.reduction_checks import zero_dim_with_dims as _zero_dim_with_dims
from conformance.known_divergences.reduction_refusals import refused as _refused
from conformance.known_divergences.reduction_refusals import torch_refusal as _torch_refusal
from conformance.normal import Expected
from conformance.outcomes import Outcome


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
    if op.name in ("quantile", "nanquantile") and not isinstance(result, Expected | tuple):
        # torch interpolates with lerp, low + w (high - low): a -0.0 element comes out +0.0
        return np.asarray(result) + np.zeros((), dtype=np.asarray(result).dtype)
    if op.reduces:
        return result

    def zero_dim(item):
        if isinstance(item, Expected):
            return Expected(np.asarray(item.values).reshape(()), item.dtype) if np.shape(item.values) == (1,) else item
        array = np.asarray(item)
        return array.reshape(()) if array.shape == (1,) else array

    return tuple(zero_dim(item) for item in result) if isinstance(result, tuple) else zero_dim(result)


ENTRIES: list[KnownDivergence] = [
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
]
