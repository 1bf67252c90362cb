"""Known divergences of indexing where torch reads a key otherwise than NumPy (suites/test_indexing.py):
slices, integers, index arrays, masks and Ellipses in x[key], x[key] = value and index_put. Each
entry's condition names the rule of torch's reading that departs from NumPy's."""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence
from conformance.index_keys import IndexArray, is_integer
from conformance.known_divergences.indexing_model import (
    INDEX_PUT,
    KEYED,
    SOURCE,
    WRITES_THROUGH,
    entry,
    key_of,
    selects_nothing,
)
from conformance.torch_indexing import NARROW_INDEX_DTYPES, read_as_tuple, reading, torch_parts, torch_selection


def _parts(check: Check) -> list[Any]:
    key = key_of(check)
    return torch_parts(key) if key else []


def _arrays(check: Check) -> list[IndexArray]:
    return [part for part in _parts(check) if isinstance(part, IndexArray)]


def _negative_step(check: Check) -> bool:
    return any(isinstance(p, slice) and p.step is not None and p.step < 0 for p in _parts(check))


def _narrow_index_tensor(check: Check) -> bool:
    return any(a.kind == "tensor" and a.dtype.name in NARROW_INDEX_DTYPES and a.ndim > 0 for a in _arrays(check))


def _uint8_index(check: Check) -> bool:
    return any(a.kind != "list" and a.dtype.name == "uint8" for a in _arrays(check))


def _integers_with_index_arrays(check: Check) -> bool:
    """An integer (or a 0-d integer index) next to index arrays: torch selects it first."""
    readings = [reading(part)[0] for part in _parts(check)]
    return "int" in readings and any(what in ("index", "mask", "narrow", "bool") for what in readings)


def _nested_list_key(check: Check) -> bool:
    key = key_of(check)
    return bool(key and read_as_tuple(key))


def _ellipsis_between_index_arrays(check: Check) -> bool:
    """An Ellipsis between two parts NumPy reads as advanced (index arrays and bools, and integers
    where the key has index arrays)."""
    parts = _parts(check)
    arrays = any(isinstance(part, IndexArray | bool | np.bool_) for part in parts)
    advanced = [
        i for i, p in enumerate(parts) if isinstance(p, IndexArray | bool | np.bool_) or (arrays and is_integer(p))
    ]
    return any(p is Ellipsis and advanced and advanced[0] < i < advanced[-1] for i, p in enumerate(parts))


def _several_ellipses(check: Check) -> bool:
    return sum(part is Ellipsis for part in _parts(check)) > 1


def _numpy_bool_key(check: Check) -> bool:
    return any(isinstance(part, np.bool_) for part in _parts(check))


def _selects_every_dim(check: Check) -> bool:
    """A key of integers only, one per dim: NumPy gives a scalar (a copy), torch a 0-d view."""
    parts = _parts(check)
    return len(parts) == len(check.inputs["x"].shape) and all(reading(part)[0] == "int" for part in parts)


def _zero_dim_index_selects(check: Check) -> bool:
    """A 0-d integer index (tensor or NumPy array), and no index array torch gathers: torch selects."""
    readings = [(reading(part)[0], part) for part in _parts(check)]
    zero_dim = any(what == "int" and isinstance(part, IndexArray) for what, part in readings)
    return zero_dim and not any(what in ("index", "mask", "narrow", "bool") for what, _ in readings)


def _unread_entry_out_of_range(check: Check) -> bool:
    """Index arrays (as torch reads them) that select nothing, one of whose entries is past its dim
    (NumPy also skips them where the arrays broadcast to nothing, 0-d ones aside: there the model
    agrees with NumPy's result)."""
    python_key = check.label not in INDEX_PUT
    shape = check.inputs["x"].shape
    if not selects_nothing(shape, key_of(check), python_key):
        return False
    view, rest = torch_selection(np.zeros(shape, dtype=np.int8), key_of(check), python_key)
    return any(
        isinstance(part, np.ndarray) and bool(np.any((part >= size) | (part < -size)))
        for part, size in zip(rest, view.shape, strict=False)
    )


def _mask_miscounted(check: Check) -> bool:
    """A NumPy-array or list mask of a rank other than 1, which torch counts as one dim, in a key
    with an Ellipsis (which then stands for the wrong number of dims) or whose count by torch
    passes x's rank ("too many indices")."""
    parts = _parts(check)

    def miscounted(part: Any) -> bool:
        if not isinstance(part, IndexArray) or part.kind == "tensor" or part.ndim == 1:
            return False
        return part.dtype.name == "bool" or (part.dtype.name == "uint8" and part.kind == "ndarray")

    if not any(miscounted(part) for part in parts):
        return False
    counted = sum(reading(part)[2] for part in parts)
    return any(part is Ellipsis for part in parts) or counted > len(check.inputs["x"].shape)


ENTRIES: list[KnownDivergence] = [
    entry(
        "negative-slice-step",
        KEYED,
        _negative_step,
        summary="torch refuses a slice with a negative step (ValueError); NumPy reverses",
        example="torch.arange(4)[::-1]  # ValueError: step must be greater than zero; np.arange(4)[::-1]  # [3 2 1 0]",
        reason="torch has no negative strides, so a reversed view cannot exist; torch.flip makes a reversed copy",
        link="https://github.com/pytorch/pytorch/issues/59786",
    ),
    entry(
        "narrow-integer-index-tensors",
        KEYED,
        _narrow_index_tensor,
        summary="index tensors of int8, int16, uint16, uint32 or uint64 are refused (IndexError); NumPy takes "
        "every integer dtype",
        example="torch.arange(4)[torch.tensor([1], dtype=torch.int8)]  # IndexError: tensors used as indices "
        "must be long, int, byte or bool tensors",
        reason="torch's index kernels take int64 and int32 positions only (uint8 and bool are masks); a 0-d "
        "tensor of any integer dtype is read as a Python integer, and NumPy arrays are converted to int64",
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/IndexingUtils.h",
    ),
    entry(
        "uint8-index-is-a-mask",
        KEYED,
        _uint8_index,
        summary="a uint8 index tensor or NumPy array is read as a bool mask (with a deprecation warning), and "
        "assigning one value through it alone raises RuntimeError; NumPy reads positions",
        example="torch.arange(3)[torch.tensor([1, 0, 1], dtype=torch.uint8)]  # tensor([0, 2]); "
        "np.arange(3)[np.array([1, 0, 1], np.uint8)]  # [1 0 1]",
        reason="before bool tensors existed torch's masks were uint8 tensors; the reading is kept, deprecated, "
        "but the masked_fill_ that index_put_ calls for a single mask and a single value takes bool masks only",
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/IndexingUtils.h",
    ),
    entry(
        "integer-selects-before-index-arrays",
        KEYED,
        _integers_with_index_arrays,
        summary="an integer next to index arrays selects its dim first, so a slice between them does not move "
        "the broadcast dims to the front as NumPy does",
        example="torch.zeros(2, 3, 4)[0, :, [0, 1]].shape  # [3, 2]; np.zeros((2, 3, 4))[0, :, [0, 1]].shape  # (2, 3)",
        reason="torch applies integers as selects while it walks the key and gathers only the index tensors at "
        "the end; NumPy counts an integer among the advanced indices (a 0-d integer tensor too)",
        link="https://github.com/pytorch/pytorch/issues/157569",
    ),
    entry(
        "empty-ellipsis-does-not-separate",
        KEYED,
        _ellipsis_between_index_arrays,
        summary="an Ellipsis that stands for no dims does not separate index arrays: torch keeps their broadcast "
        "dims in place, NumPy moves them to the front",
        example="torch.ones(3, 4, 5)[:, [0, 1], ..., [0, 1]].shape  # [3, 2]; np.ones((3, 4, 5))[:, [0, 1], ..., "
        "[0, 1]].shape  # (2, 3)",
        reason="torch's walk moves past an Ellipsis of no dims, so the index tensors it records are adjacent; "
        "NumPy decides adjacency from the key as written (maintainers call it a bug that compatibility keeps)",
        link="https://github.com/pytorch/pytorch/issues/141563",
    ),
    entry(
        "nested-list-key-read-as-tuple",
        KEYED,
        _nested_list_key,
        summary="a bare list key holding lists (fewer than 32) is read as a tuple of keys (with a deprecation "
        "warning); NumPy reads it as one index array",
        example="torch.zeros(2, 3)[[[0, 1], [1, 0]]].shape  # [2]; np.zeros((2, 3))[[[0, 1], [1, 0]]].shape  # (2, 2, 3)",
        reason="torch keeps NumPy's pre-1.23 heuristic (treatSequenceAsTuple); its warning announces a change for "
        "torch 2.9 that torch 2.13 has not made",
        link=SOURCE,
    ),
    entry(
        "several-ellipses",
        KEYED,
        _several_ellipses,
        summary="torch accepts more than one Ellipsis (each skips the dims the other parts do not count); NumPy "
        "raises IndexError",
        example="torch.zeros(2, 3, 4)[..., 0, ...].shape  # [2, 3]; np.zeros((2, 3, 4))[..., 0, ...]  # IndexError",
        reason="torch's walk over the key moves past ndim - (counted parts) dims at every Ellipsis and never "
        "checks how many there are",
        link="https://github.com/pytorch/pytorch/issues/59787",
    ),
    entry(
        "numpy-bool-scalar-key",
        KEYED,
        _numpy_bool_key,
        summary="a NumPy bool scalar in a key is refused (IndexError); NumPy reads it as a 0-d mask",
        example="torch.zeros(2)[np.True_]  # IndexError: only integers, slices (`:`), ellipsis (`...`), None and "
        "long or byte Variables are valid indices (got numpy.bool)",
        reason="torch's key parser takes Python bools and objects with __index__; np.bool_ has no __index__",
        link=SOURCE,
    ),
    entry(
        "non-tensor-mask-counts-one-dim",
        KEYED,
        _mask_miscounted,
        summary="a bool mask given as a NumPy array or a list counts as one dim whatever its rank, so an Ellipsis "
        "in the key stands for the wrong dims (a wrong result or an IndexError) and a 0-d one on a full key is "
        "refused; a mask tensor counts as its rank, as in NumPy",
        example="x = torch.arange(24.).reshape(2, 3, 4); x[np.array(True), ..., 0].shape  # [1, 2, 4]; "
        "with x[torch.tensor(True), ..., 0] and in NumPy [1, 2, 3]; x[..., np.ones((3, 4), bool)]  # IndexError: "
        "The shape of the mask [3, 4] at index 0 does not match",
        reason="torch's Python indexing counts the dims a key specifies (count_specified_dimensions) before it "
        "converts lists and NumPy arrays to tensors, and counts every object that is not a tensor as one dim; the "
        "walk over the key then moves past the converted mask's rank. A torch bug (the C++ mirror of the count in "
        "ATen/TensorIndexing.h sees tensors only), seen in torch 2.13 and 2.14; the model replays it",
        link=SOURCE,
    ),
    entry(
        "out-of-range-entries-of-an-empty-selection",
        (*KEYED, *INDEX_PUT),
        _unread_entry_out_of_range,
        summary="an index entry past its dim goes unchecked where the selection is empty: torch returns an empty "
        "result or writes nothing; NumPy raises IndexError unless the index arrays broadcast to nothing (and even "
        "then for a 0-d one)",
        example="torch.zeros(0, 1)[:, torch.tensor([1])].shape  # [0, 1]; torch.zeros(3, 0)[torch.tensor([5])]"
        ".shape  # [1, 0]; np.zeros((0, 1))[:, [1]]  # IndexError: index 1 is out of bounds for axis 1 with size 1",
        reason="torch's index and index_put kernels check each entry's range as they read it, inside the loop "
        "over the result's elements, so an empty result reads none; only a nonempty index into a dim of size 0 is "
        "refused up front. A torch bug (seen in torch 2.13 and 2.14): NumPy checks every entry first",
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/IndexKernel.cpp",
    ),
    entry(
        "integer-key-gives-a-view",
        WRITES_THROUGH,
        _selects_every_dim,
        summary="x[i, j, ...] with an integer for every dim gives a 0-d view of x; NumPy gives a scalar, a copy",
        example="x = torch.zeros(2); x[0].fill_(1); x  # tensor([1., 0.]); with NumPy, a[0] is an np.float64",
        reason="torch has no scalar type: indexing returns a tensor, and basic indexing returns a view",
        link="https://pytorch.org/docs/stable/tensor_view.html",
    ),
    entry(
        "zero-dim-index-selects",
        WRITES_THROUGH,
        _zero_dim_index_selects,
        summary="a 0-d integer index tensor or array selects like an integer, so the result is a view of x; NumPy "
        "reads it as an index array and copies",
        example="x = torch.zeros(2, 2); x[torch.tensor(0)].fill_(1); x[0]  # tensor([1., 1.]); "
        "a = np.zeros((2, 2)); a[np.array(0)].fill(1); a[0]  # [0. 0.]",
        reason="torch reads a 0-d integer tensor (and a NumPy array, converted to one) as a Python integer while "
        "it walks the key",
        link=SOURCE,
    ),
]
