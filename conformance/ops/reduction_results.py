"""What torch promises of a reduction's result, where it leaves ties or order open: each
`canonical` form turns torch's result into one the reference can give (the values its indices
pick, values put in order, unique's NaN slots in order), failing where torch breaks a promise
(indices out of range, not a permutation)."""

from __future__ import annotations

import numpy as np
import torch

from conformance.backends import tensor_to_numpy
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.ops import reduction_references as ref


def _check_indices(indices: np.ndarray, size: int, permutation: bool, axis: int) -> None:
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        raise AssertionError(f"indices out of range [0, {size}): {indices.min()}..{indices.max()}")
    if permutation and indices.size:
        along = np.moveaxis(np.sort(indices, axis=axis), axis, -1)
        if not (along == np.arange(size)).all():
            raise AssertionError("indices along the sorted dim are not a permutation")


def picked(x: ArrayInput, indices: torch.Tensor, dim: int | None, keepdim: bool, permutation: bool = False):
    """The values of x that torch's `indices` pick along `dim` (taken in NumPy), in x's dtype;
    indices out of range, or not a permutation where one is promised, fail the check."""
    index = tensor_to_numpy(indices).astype(np.int64)
    values = np.asarray(x.values)
    if values.ndim == 0:  # torch takes a 0-d tensor as one element along dim 0 or -1
        _check_indices(index.reshape(-1), 1, permutation, 0)
        return as_dtype(np.broadcast_to(values, index.shape).copy(), x.dtype)
    axis = dim % values.ndim
    if not keepdim and index.ndim < values.ndim:
        index = np.expand_dims(index, axis)
    _check_indices(index, values.shape[axis], permutation, axis)
    taken = np.take_along_axis(values, index, axis=axis)
    if not keepdim and taken.ndim > index.ndim - 1 and taken.shape != tuple(indices.shape):
        taken = taken.reshape(tuple(indices.shape))
    return as_dtype(taken, x.dtype)


def indices_pick(result, x: ArrayInput, arguments: dict):
    """(values, indices) -> (values, the values the indices pick): median's index is not promised."""
    if arguments.get("dim") is None:
        return result
    values, indices = result
    return values, picked(x, indices, arguments["dim"], bool(arguments.get("keepdim", False)))


def sorted_or_picked(result, x: ArrayInput, arguments: dict):
    """sort: indices are promised only where stable=True; else they must pick the sorted values."""
    if arguments.get("stable"):
        return result
    values, indices = result
    return values, picked(x, indices, arguments.get("dim", -1), True, permutation=True)


def argsort_picked(result, x: ArrayInput, arguments: dict):
    if arguments.get("stable"):
        return result
    return picked(x, result, arguments.get("dim", -1), True, permutation=True)


def topk_picked(result, x: ArrayInput, arguments: dict):
    """topk: ties are not promised; with sorted=False neither is the order, so both sides'
    values are put in order (NaN the largest) along the dim."""
    values, indices = result
    dim = arguments.get("dim", -1)
    chosen = picked(x, indices, dim, True)
    if arguments.get("sorted", True):
        return values, chosen
    largest = arguments.get("largest", True)
    ordered = _in_order(tensor_to_numpy(values), dim, largest)
    return as_dtype(ordered, x.dtype), as_dtype(_in_order(_carried(chosen), dim, largest), x.dtype)


def _carried(value) -> np.ndarray:
    return np.asarray(getattr(value, "values", value))


def _in_order(values: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    if values.ndim == 0 or values.size == 0:
        return values
    order = ref.stable_order(np, values, dim, descending)
    return np.take_along_axis(values, order, axis=dim)


def nan_slots_in_order(values: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """unique keeps every NaN as a value of its own, and which of those slots a NaN element's
    inverse points to is not promised (it follows an unstable sort): the inverse renumbered so
    that the NaN elements, in x's order, point to the NaN slots in order. An inverse with other
    than one NaN element per NaN slot is left as it is, for the comparison to show."""
    values = np.asarray(values)
    if values.dtype.kind not in "fc":
        return inverse
    slots = np.flatnonzero(np.isnan(values))
    flat = np.array(inverse, dtype=np.int64).reshape(-1)
    at_nan = np.isin(flat, slots)
    if slots.size == 0 or int(at_nan.sum()) != slots.size:
        return inverse
    flat[at_nan] = slots
    return flat.reshape(np.shape(inverse))


def unique_in_order(result, x: ArrayInput, arguments: dict):
    """unique with sorted=False: the order of the values is not promised; they are put in order,
    the counts with them and the inverse renumbered. NaN elements' inverse, either way, points to
    the NaN slots in order (`nan_slots_in_order`)."""
    items = list(result) if isinstance(result, tuple) else [result]
    values = tensor_to_numpy(items[0])
    if arguments.get("sorted", True):
        if arguments.get("return_inverse"):
            items[1] = nan_slots_in_order(values, tensor_to_numpy(items[1]))
        return tuple(items) if isinstance(result, tuple) else result
    order = ref.stable_order(np, values, 0, False)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    canonical = [as_dtype(values[order], x.dtype)]
    position = 1
    if arguments.get("return_inverse"):
        canonical.append(nan_slots_in_order(values[order], rank[tensor_to_numpy(items[position])]))
        position += 1
    if arguments.get("return_counts"):
        canonical.append(tensor_to_numpy(items[position])[order])
    return canonical[0] if len(canonical) == 1 else tuple(canonical)
