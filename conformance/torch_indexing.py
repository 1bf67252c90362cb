"""How torch reads an index key, replayed in NumPy: the model behind the indexing divergences.

torch's Python indexing (torch/csrc/autograd/python_variable_indexing.cpp, `applySlicing`)
walks the key part by part: an integer selects (the dim goes, the walk stays on it), a
slice or None keeps a dim, an Ellipsis skips as many dims as the other parts do not
count, a bool adds a dim of size 1 and indexes it; index tensors and masks are gathered
at the end by one advanced-indexing call, whose dim order follows NumPy's rule over the
tensors alone. `torch_getitem` and `torch_setitem` replay that in NumPy, refusing where
torch refuses, in torch's order; the known divergences of indexing model torch's results
with them.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.divergences import TORCH_RELEASE, release
from conformance.dtypes import INT64_MAX
from conformance.index_keys import IndexArray, IndexKey, is_integer
from conformance.inputs import ArrayInput
from conformance.outcomes import ExpectedError

# index tensors torch refuses: "tensors used as indices must be long, int, byte or bool tensors"
NARROW_INDEX_DTYPES = ("int8", "int16", "uint16", "uint32", "uint64")


class Refused(Exception):
    """torch refuses the call: the error it raises, as an `ExpectedError`, and a message of the
    kind torch writes (`error`), to tell whether NumPy's refusal corresponds to it."""

    def __init__(self, error_type: type[BaseException], match: str = "", message: str = ""):
        super().__init__(match)
        self.expected = ExpectedError(error_type, match)
        self.error = error_type(message or match)


def read_as_tuple(key: IndexKey) -> bool:
    """Whether torch reads a bare list key as a tuple of its items: a list of fewer than 32 items
    that holds a sequence (`treatSequenceAsTuple`, with a deprecation warning)."""
    part = key.parts[0] if key.bare else None
    return isinstance(part, IndexArray) and part.kind == "list" and part.ndim >= 2 and len(part.values) < 32


def torch_parts(key: IndexKey) -> list[Any]:
    """The parts torch indexes with (a bare nested list's rows, see `read_as_tuple`)."""
    if read_as_tuple(key):
        part = key.parts[0]
        return [IndexArray(ArrayInput(np.ascontiguousarray(row), part.dtype), "list") for row in part.values]
    return list(key.parts)


def reading(part: Any, python_key: bool = True) -> tuple[str, Any, int]:
    """How torch reads one part: (what, value, dims it stands for before an Ellipsis).

    Lists and NumPy arrays become int64 tensors (bool ones masks; uint8 NumPy arrays masks
    too); a 0-d integer tensor or array selects like an integer, a 0-d mask adds a dim like a
    bool. A mask tensor counts as its rank, but torch's `count_specified_dimensions` runs
    before lists and NumPy arrays are converted and counts each as one dim whatever its rank
    (the registry's `non-tensor-mask-counts-one-dim`): an Ellipsis then stands for the wrong
    number of dims, and a 0-d mask on a full key is "too many indices". The walk itself moves
    past a mask's rank, once it is a tensor."""
    if part is None:
        return "none", None, 0
    if part is Ellipsis:
        return "ellipsis", None, 0
    if isinstance(part, bool):
        return "bool", part, 0
    if isinstance(part, np.bool_):
        return "refused", Refused(IndexError, "only integers, slices"), 1
    if is_integer(part):
        return "int", int(part), 1
    if isinstance(part, slice):
        return "slice", part, 1
    name = part.dtype.name
    is_mask = name == "bool" or (name == "uint8" and part.kind != "list")
    counted = part.ndim if is_mask and part.kind == "tensor" else 1
    if part.ndim == 0 and (python_key or is_mask):
        return ("bool", bool(part.values), counted) if is_mask else ("int", int(part.values), counted)
    if is_mask:
        return "mask", part.values.astype(bool), counted
    if part.kind == "tensor" and name in NARROW_INDEX_DTYPES:
        return "narrow", part.values.astype(np.int64), counted
    return "index", part.values.astype(np.int64), counted


def torch_selection(array: np.ndarray, key: IndexKey, python_key: bool = True) -> tuple[np.ndarray, tuple | None]:
    """torch's walk over `key`, replayed in NumPy: the view of `array` the basic parts select, and
    the advanced key torch then applies to it (None where there is none). Raises `Refused` for
    the refusals of the walk, in torch's order (the advanced call's own are left to its caller).
    Not a `python_key` (index_put's tuple of tensors): a 0-d index tensor is an index, not a select."""
    readings = [reading(part, python_key) for part in torch_parts(key)]
    specified = sum(counted for _, _, counted in readings)
    if specified > array.ndim:
        raise Refused(IndexError, "")  # "too many indices", or a later IndexError where torch miscounts
    result, dim = array, 0
    advanced: dict[int, np.ndarray] = {}
    masks: list[tuple[int, np.ndarray]] = []
    past_the_dims = False
    for what, value, _ in readings:
        if what == "refused":
            raise value
        if what == "slice" and value.step is not None and value.step <= 0:  # (applySlice checks it first)
            raise Refused(ValueError, "^step must be greater than zero$" if value.step < 0 else "")
        if what in ("int", "slice", "index", "narrow") and dim >= result.ndim:
            raise Refused(IndexError, "")
        if what == "int":
            if not -result.shape[dim] <= value < result.shape[dim]:
                raise Refused(IndexError, "out of bounds")
            result = result[(slice(None),) * dim + (value, Ellipsis)]  # a 0-d view, never a scalar
        elif what == "slice":
            result = result[(slice(None),) * dim + (value,)]
            dim += 1
        elif what == "ellipsis":
            dim += array.ndim - specified
        elif what in ("none", "bool"):
            if dim > result.ndim:
                raise Refused(IndexError, "")
            result = np.expand_dims(result, dim)
            if what == "bool":
                advanced[dim] = np.zeros(1 if value else 0, dtype=np.int64)
            dim += 1
        elif what == "mask":
            if dim + value.ndim > result.ndim:  # a list or NumPy mask counted as one dim: the walk
                past_the_dims = True  # moves on (a later slice's step is checked first), index() refuses
            else:
                masks.append((dim, value))  # its shape is checked once the walk is done
                for offset, positions in enumerate(np.nonzero(value)):
                    advanced[dim + offset] = positions
            dim += value.ndim
        else:
            advanced[dim] = value
            dim += 1
    if past_the_dims:
        raise Refused(IndexError, "")  # a mask's shape or a dim out of range, by where it stands
    # index() checks the index tensors' dtypes (checkIndexTensorTypes) before it expands masks
    if advanced and any(what == "narrow" for what, _, _ in readings):
        raise Refused(IndexError, "tensors used as indices must be long, int, byte or bool tensors")
    if any(result.shape[at : at + mask.ndim] != mask.shape for at, mask in masks):
        raise Refused(IndexError, "shape of the mask")
    if not advanced:
        return result, None
    return result, tuple(advanced.get(d, slice(None)) for d in range(max(advanced) + 1))


def selected_shape(view: np.ndarray, rest: tuple) -> tuple[int, ...]:
    """The shape the advanced key selects, whether or not its entries are in range (torch checks
    the shapes before it reads the entries)."""
    arrays = [part for part in rest if isinstance(part, np.ndarray)]
    try:
        selects = math.prod(np.broadcast_shapes(*(part.shape for part in arrays))) > 0
    except ValueError as error:
        raise Refused(IndexError, "shape mismatch") from error
    shape = list(view.shape)
    probe = []
    for dim, part in enumerate(rest):
        if isinstance(part, np.ndarray):
            if shape[dim] == 0 and selects:
                raise Refused(IndexError, "out of bounds for dimension with size 0")
            shape[dim] = max(shape[dim], 1)
            part = np.zeros_like(part)
        probe.append(part)
    try:
        return np.empty(shape, dtype=np.int8)[tuple(probe)].shape
    except IndexError as error:
        raise Refused(IndexError, "shape mismatch") from error


def torch_getitem(array: np.ndarray, key: IndexKey) -> np.ndarray:
    """x[key] as torch reads the key, in NumPy. torch's index kernel checks each entry's range as
    it reads it, so where the selection is empty no entry is checked (the registry's
    `out-of-range-entries-of-an-empty-selection`)."""
    view, rest = torch_selection(array, key)
    if rest is None:
        return view
    shape = selected_shape(view, rest)
    if math.prod(shape) == 0:
        return np.empty(shape, dtype=array.dtype)  # no entry is read, none is checked
    try:
        return view[rest]
    except IndexError as error:
        raise Refused(IndexError, "out of bounds") from error


# from torch 2.14, setitem reads an integer value for a uint64 tensor as unsigned: Python ints up to
# 2**64 - 1 pass, NumPy integer scalars are refused (the registry's `numpy-integer-into-uint64`)
UINT64_VALUES_READ_UNSIGNED = release("2.14") <= TORCH_RELEASE


def check_assignable(value: Any, dtype: dt.DType) -> None:
    """torch's setitem takes tensors, Python numbers and objects with __index__ (NumPy integers),
    integers read as int64 (as unsigned for a uint64 tensor from torch 2.14, which refuses NumPy
    integers there); np.float64 and np.complex128 pass as Python float and complex. Anything else
    is refused."""
    unsigned = dtype.name == "uint64" and UINT64_VALUES_READ_UNSIGNED
    if unsigned and isinstance(value, np.integer):
        raise Refused(TypeError, "^an integer is required$")
    limit = 2**64 - 1 if unsigned else INT64_MAX
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and int(value) > limit:
        raise Refused(ValueError, "^Overflow when unpacking long long$")
    if isinstance(value, ArrayInput | bool | int | float | complex | np.integer):
        return
    name = f"numpy.{type(value).__name__}" if isinstance(value, np.ndarray | np.generic) else type(value).__name__
    raise Refused(TypeError, f"^can't assign a {re.escape(name)} to a torch")


def check_broadcast(value: Any, target: tuple[int, ...], advanced: bool) -> None:
    """torch checks that the value (its leading 1s dropped) broadcasts to the selection, an empty
    one too, and raises RuntimeError: index_put's "shape mismatch", or expand's own messages."""
    shape = list(np.shape(value))
    while shape and shape[0] == 1:
        shape.pop(0)
    try:
        fits = np.broadcast_shapes(tuple(shape), target) == target
    except ValueError:
        fits = False
    if fits:
        return
    if advanced:
        raise Refused(RuntimeError, "^shape mismatch: value tensor", "shape mismatch: value tensor")
    if len(shape) > len(target):
        raise Refused(RuntimeError, "^expand.*the number of sizes provided", "expand(): the number of sizes provided")
    raise Refused(RuntimeError, "^The expanded size of the tensor", "The expanded size of the tensor")


def torch_setitem(
    array: np.ndarray, key: IndexKey, value: Any, dtype: dt.DType, *, python_key: bool = True
) -> np.ndarray:
    """A copy of `array` after x[key] = value as torch does it, in NumPy, refusing in torch's
    order: the value, the key's walk, the shapes, the dtype's kernel, the entries' range (only
    where the selection has elements, as for `torch_getitem`). A bare
    False writes nothing and checks nothing; a bare True writes through a new leading dim."""
    check_assignable(value, dtype)
    values = value.values if isinstance(value, ArrayInput) else value
    array = array.copy()
    if key.bare and key.parts[0] is False:
        return array
    if key.bare and key.parts[0] is True:
        view, rest = array[None], None
    else:
        view, rest = torch_selection(array, key, python_key)
    target = view.shape if rest is None else selected_shape(view, rest)
    check_broadcast(values, target, rest is not None)
    if rest is None:
        view[...] = values
        return array
    if np.size(values) == 1 and _single_uint8_mask(key, python_key):
        # one mask and one value: index_put_ fills through masked_fill_, which takes bool masks only
        raise Refused(RuntimeError, "^masked_fill_ only supports boolean masks")
    if dtype.name in dt.LIMITED_UNSIGNED_INTS:
        raise Refused(NotImplementedError, "not implemented for 'UInt(16|32|64)'")
    if math.prod(target) == 0:
        return array  # no entry is read, none is checked
    try:
        view[rest] = values
    except IndexError as error:
        raise Refused(IndexError, "out of bounds") from error
    return array


def _single_uint8_mask(key: IndexKey, python_key: bool) -> bool:
    """Whether the only index tensor torch gathers with is a uint8 mask of one dim or more."""
    gathered = [
        part for part in torch_parts(key) if reading(part, python_key)[0] in ("index", "narrow", "mask", "bool")
    ]
    return (
        len(gathered) == 1
        and isinstance(gathered[0], IndexArray)
        and gathered[0].dtype.name == "uint8"
        and gathered[0].kind != "list"  # a list of small ints is positions, whatever dtype drew them
        and gathered[0].ndim > 0
    )


def written_positions(shape: tuple[int, ...], key: IndexKey) -> np.ndarray | None:
    """The flat position of x that each element of x[key] reads (as torch reads the key), None
    where torch refuses the key."""
    try:
        return np.asarray(torch_getitem(np.arange(int(np.prod(shape))).reshape(shape), key))
    except Refused:
        return None
