"""Known divergences of indexing (suites/test_indexing.py): keys torch reads otherwise than NumPy.

torch's Python indexing (torch/csrc/autograd/python_variable_indexing.cpp, `applySlicing`)
walks the key part by part over the tensor: an integer selects (the dim goes, the walk
stays), a slice or None keeps a dim, an Ellipsis skips as many dims as the parts do not
count, and index tensors are gathered at the end by one advanced-indexing call.
`torch_selection` replays that walk in NumPy, so each entry below models torch's result
by the same rules; an entry's condition says which rule departs from NumPy's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.index_keys import IndexArray, IndexKey, is_integer
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome

GETITEM = ("Tensor.__getitem__",)
SETITEM = ("Tensor.__setitem__",)
KEYED = (*GETITEM, *SETITEM)
WRITES_THROUGH = ("Tensor.__getitem__ write-through",)
INDEX_PUT = ("Tensor.index_put_", "torch.index_put", "Tensor.index_put")

# index tensors torch refuses: "tensors used as indices must be long, int, byte or bool tensors"
NARROW_INDEX_DTYPES = ("int8", "int16", "uint16", "uint32", "uint64")
SOURCE = "https://github.com/pytorch/pytorch/blob/main/torch/csrc/autograd/python_variable_indexing.cpp"


class Refused(Exception):
    """torch refuses the key: the error it raises, as an `ExpectedError`."""

    def __init__(self, error_type: type[BaseException], match: str = ""):
        super().__init__(match)
        self.expected = ExpectedError(error_type, match)


# ---------------------------------------------------------------------------
# How torch reads a key


def torch_parts(key: IndexKey) -> list[Any]:
    """The parts torch indexes with: a bare list of fewer than 32 items that holds a sequence is
    read as a tuple of its items (`treatSequenceAsTuple`, with a deprecation warning)."""
    part = key.parts[0] if key.parts else None
    if key.bare and isinstance(part, IndexArray) and part.kind == "list" and part.ndim >= 2 and len(part.values) < 32:
        return [IndexArray(ArrayInput(np.ascontiguousarray(row), part.dtype), "list") for row in part.values]
    return list(key.parts)


def _reading(part: Any) -> tuple[str, Any, int]:
    """How torch reads one part: (what, value, dims it stands for before an Ellipsis).

    Lists and NumPy arrays become long tensors (bool and uint8 ones masks); a 0-d integer
    tensor or array selects like an integer, a 0-d mask adds a dim like a bool. A mask stands
    for its rank, as in NumPy: torch's `count_specified_dimensions` counts a NumPy-array or list
    mask as one dim whatever its rank, which misplaces the parts after an Ellipsis. That is a
    bug, not modelled here, so the suite reports it."""
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
    counted = part.ndim if is_mask else 1
    if part.ndim == 0:
        if is_mask:
            return "bool", bool(part.values), counted
        return "int", int(part.values), counted
    if is_mask:
        return "mask", part.values.astype(bool), counted
    if part.kind == "tensor" and name in NARROW_INDEX_DTYPES:
        return "narrow", part.values.astype(np.int64), counted
    return "index", part.values.astype(np.int64), counted


def torch_selection(array: np.ndarray, key: IndexKey) -> tuple[np.ndarray, tuple | None]:
    """torch's walk over `key`, replayed in NumPy: the view the basic parts select (a view of
    `array`) and the advanced key torch then applies to it (None where there is none).
    Raises `Refused` where torch raises."""
    readings = [_reading(part) for part in torch_parts(key)]
    specified = sum(counted for _, _, counted in readings)
    if specified > array.ndim:
        raise Refused(IndexError, "too many indices")
    result = array
    dim = 0
    advanced: dict[int, np.ndarray] = {}
    narrow = False
    for what, value, _ in readings:
        if what == "refused":
            raise value
        if what in ("int", "slice") and dim >= result.ndim:
            raise Refused(IndexError, "")
        if what == "int":
            size = result.shape[dim]
            if not -size <= value < size:
                raise Refused(IndexError, "out of bounds")
            result = result[(slice(None),) * dim + (value, Ellipsis)]  # a 0-d view, never a scalar
        elif what == "slice":
            if value.step is not None and value.step <= 0:
                raise Refused(ValueError, "step must be greater than zero" if value.step < 0 else "")
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
            if result.shape[dim : dim + value.ndim] != value.shape:
                raise Refused(IndexError, "shape of the mask")
            for offset, positions in enumerate(np.nonzero(value)):
                advanced[dim + offset] = positions
            dim += value.ndim
        else:
            narrow = narrow or what == "narrow"
            if dim >= result.ndim:
                raise Refused(IndexError, "")
            advanced[dim] = value
            dim += 1
    if not advanced:
        return result, None
    if narrow:
        raise Refused(IndexError, "tensors used as indices must be long, int, byte or bool tensors")
    rest = tuple(advanced.get(d, slice(None)) for d in range(max(advanced) + 1))
    return result, rest


def torch_getitem(array: np.ndarray, key: IndexKey) -> np.ndarray:
    """x[key] as torch reads the key, in NumPy."""
    view, rest = torch_selection(array, key)
    if rest is None:
        return view
    try:
        return view[rest]
    except IndexError as error:
        raise Refused(IndexError, "") from error


def torch_setitem(array: np.ndarray, key: IndexKey, value: Any) -> np.ndarray:
    """A copy of `array` after x[key] = value as torch reads the key, in NumPy; x[False] = value
    writes nothing and checks nothing."""
    array = array.copy()
    if key.bare and key.parts[0] is False:
        return array
    view, rest = torch_selection(array, key)
    if rest is not None:
        _check_broadcast(value, _selected_shape(view, rest))
    try:
        view[... if rest is None else rest] = value
    except (IndexError, ValueError) as error:
        raise Refused(type(error), "") from error
    return array


def _selected_shape(view: np.ndarray, rest: tuple) -> tuple[int, ...]:
    try:
        return view[rest].shape
    except IndexError as error:
        raise Refused(IndexError, "") from error


def _check_broadcast(value: Any, target: tuple[int, ...]) -> None:
    """torch's index_put checks that the value (its leading 1s dropped) broadcasts to the selection,
    an empty one too; NumPy skips that check where an index array selects nothing."""
    shape = list(np.shape(value))
    while shape and shape[0] == 1:
        shape.pop(0)
    try:
        fits = np.broadcast_shapes(tuple(shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise Refused(RuntimeError, "shape mismatch")


def _value(check: Check) -> Any:
    value = check.inputs["value"]
    return value.values if isinstance(value, ArrayInput) else value


def _modelled(compute) -> Any:
    """A model's result, or the Outcome of torch's refusal."""
    try:
        return compute()
    except Refused as refusal:
        return Outcome(error=refusal.expected)


def _torch_indexing(check: Check, reference: object) -> object:
    """torch's result by its reading of the key: x[key], x after x[key] = value, or the base
    after a write through x[key]."""
    x = check.inputs["x"]
    if check.label in WRITES_THROUGH:
        return _torch_writes_through(check, reference)
    if check.label in SETITEM:
        return _modelled(lambda: as_dtype(torch_setitem(x.values, check.inputs["key"], _value(check)), x.dtype))
    return _modelled(lambda: as_dtype(np.asarray(torch_getitem(x.values, check.inputs["key"])), x.dtype))


def _torch_writes_through(check: Check, reference: object) -> object:
    """The base after a marker is written into the first element of torch's x[key]: a view of x
    wherever the key has no index arrays left after the walk (a 0-d result included)."""
    x, key, marker = check.inputs["x"], check.inputs["key"], check.inputs["marker"]

    def compute():
        base = x.values.copy()
        view, rest = torch_selection(base, key)
        if rest is None and view.size:
            view[(0,) * view.ndim] = marker
        return {"base": as_dtype(base, x.dtype)}

    return _modelled(compute)


# ---------------------------------------------------------------------------
# Conditions


def _key(check: Check) -> IndexKey | None:
    key = check.inputs.get("key")
    return key if isinstance(key, IndexKey) else None


def _parts(check: Check) -> list[Any]:
    key = _key(check)
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
    readings = [_reading(part)[0] for part in _parts(check)]
    return "int" in readings and any(what in ("index", "mask", "narrow", "bool") for what in readings)


def _nested_list_key(check: Check) -> bool:
    key = _key(check)
    return bool(key and key.bare and torch_parts(key) != list(key.parts))


def _several_ellipses(check: Check) -> bool:
    return sum(part is Ellipsis for part in _parts(check)) > 1


def _selects_every_dim(check: Check) -> bool:
    """A key of integers only, one per dim: NumPy gives a scalar (a copy), torch a 0-d view."""
    x, parts = check.inputs["x"], _parts(check)
    return len(parts) == x.values.ndim and all(_reading(part)[0] == "int" for part in parts)


def _zero_dim_index_selects(check: Check) -> bool:
    """A 0-d integer index (tensor or NumPy array), and no index array torch gathers: torch selects."""
    readings = [(_reading(part)[0], part) for part in _parts(check)]
    zero_dim = any(what == "int" and isinstance(part, IndexArray) for what, part in readings)
    return zero_dim and not any(what in ("index", "mask", "narrow", "bool") for what, _ in readings)


def _empty_advanced_assignment(check: Check) -> bool:
    """An assignment whose index arrays (as torch reads them) select nothing."""
    x, key = check.inputs["x"], _key(check)
    try:
        view, rest = torch_selection(np.zeros(x.shape), key)
        return rest is not None and math.prod(_selected_shape(view, rest)) == 0
    except Refused:
        return False


def _bare_false_assignment(check: Check) -> bool:
    key = _key(check)
    return bool(key and key.bare and key.parts[0] is False)


def _numpy_bool_key(check: Check) -> bool:
    return any(isinstance(part, np.bool_) for part in _parts(check))


def _numpy_scalar_value(check: Check) -> bool:
    """A NumPy scalar that is neither an integer nor a Python float or complex (np.float64 and
    np.complex128 subclass those): torch's setitem takes only Python numbers and tensors."""
    value = check.inputs.get("value")
    return isinstance(value, np.generic) and not isinstance(value, np.integer | float | complex)


def _value_kind(kind: type):
    return lambda check: isinstance(check.inputs.get("value"), kind)


def _limited_unsigned_put(check: Check) -> bool:
    """An advanced assignment into uint16/32/64: index_put and masked_fill have no kernel."""
    x, key = check.inputs.get("x"), _key(check)
    return bool(x is not None and key and x.dtype.name in dt.LIMITED_UNSIGNED_INTS and key.advanced)


def _repeated_positions(check: Check) -> np.ndarray:
    """Positions of x that the assignment writes more than once (the elements it leaves unspecified)."""
    x, key = check.inputs["x"], check.inputs.get("key") or check.inputs.get("indices")
    positions = np.arange(math.prod(x.shape)).reshape(x.shape)
    try:
        written = np.asarray(torch_getitem(positions, key)).reshape(-1)
    except Refused:
        return np.zeros(x.shape, dtype=bool)
    counts = np.bincount(written, minlength=positions.size)
    return (counts > 1).reshape(x.shape)


def _writes_repeatedly(check: Check) -> bool:
    accumulate = bool(check.inputs.get("accumulate", False))
    return not accumulate and bool(_repeated_positions(check).any())


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="negative-slice-step",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="torch refuses a slice with a negative step (ValueError); NumPy reverses",
        example="torch.arange(4)[::-1]  # ValueError: step must be greater than zero; np.arange(4)[::-1]  # [3 2 1 0]",
        reason="torch has no negative strides, so a reversed view cannot exist; torch.flip makes a reversed copy",
        torch_gives=Raises(ValueError, "^step must be greater than zero$"),
        when=_negative_step,
        link="https://github.com/pytorch/pytorch/issues/59786",
    ),
    KnownDivergence(
        id="narrow-integer-index-tensors",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="index tensors of int8, int16, uint16, uint32 or uint64 are refused (IndexError); NumPy "
        "takes every integer dtype",
        example="torch.arange(4)[torch.tensor([1], dtype=torch.int8)]  # IndexError: tensors used as indices "
        "must be long, int, byte or bool tensors",
        reason="torch's index kernels take int64 and int32 positions only (uint8 and bool are masks); a 0-d "
        "tensor of any integer dtype is read as a Python integer, and NumPy arrays are converted to int64 first",
        torch_gives=Returns(_torch_indexing, "IndexError for the index tensor, after any error of the parts before it"),
        when=_narrow_index_tensor,
        link=SOURCE,
    ),
    KnownDivergence(
        id="uint8-index-is-a-mask",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="a uint8 index tensor or NumPy array is read as a bool mask (with a deprecation warning); "
        "NumPy reads positions",
        example="torch.arange(3)[torch.tensor([1, 0, 1], dtype=torch.uint8)]  # tensor([0, 2]); "
        "np.arange(3)[np.array([1, 0, 1], np.uint8)]  # [1 0 1]",
        reason="before bool tensors existed torch's masks were uint8 tensors; the reading is kept, deprecated",
        torch_gives=Returns(_torch_indexing, "x indexed with the uint8 values != 0 as a mask"),
        when=_uint8_index,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/IndexingUtils.h",
    ),
    KnownDivergence(
        id="integer-selects-before-index-arrays",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="an integer next to index arrays selects its dim first, so a slice between them does not "
        "move the broadcast dims to the front as NumPy does",
        example="torch.zeros(2, 3, 4)[0, :, [0, 1]].shape  # [3, 2]; np.zeros((2, 3, 4))[0, :, [0, 1]].shape  # (2, 3)",
        reason="torch applies integers as selects while it walks the key and gathers only the index tensors "
        "at the end; NumPy counts an integer among the advanced indices (a 0-d integer tensor too)",
        torch_gives=Returns(_torch_indexing, "the key's integers applied first, then its index arrays"),
        when=_integers_with_index_arrays,
        link="https://github.com/pytorch/pytorch/issues/157569",
    ),
    KnownDivergence(
        id="nested-list-key-read-as-tuple",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="a bare list key holding lists (fewer than 32) is read as a tuple of keys (with a deprecation "
        "warning); NumPy reads it as one index array",
        example="torch.zeros(2, 3)[[[0, 1], [1, 0]]].shape  # [2]; np.zeros((2, 3))[[[0, 1], [1, 0]]].shape  # (2, 2, 3)",
        reason="torch keeps NumPy's pre-1.23 heuristic (treatSequenceAsTuple); the warning announces a change "
        "that torch 2.13 has not made",
        torch_gives=Returns(_torch_indexing, "x[tuple(key)]"),
        when=_nested_list_key,
        link=SOURCE,
    ),
    KnownDivergence(
        id="several-ellipses",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="torch accepts more than one Ellipsis (each skips the dims the other parts do not count); "
        "NumPy raises IndexError",
        example="torch.zeros(2, 3, 4)[..., 0, ...].shape  # [2, 3]; np.zeros((2, 3, 4))[..., 0, ...]  # IndexError",
        reason="torch's walk over the key moves past ndim - (counted parts) dims at every Ellipsis and never "
        "checks how many there are",
        torch_gives=Returns(
            _torch_indexing, "every Ellipsis skipping the dims the parts leave", where_reference_raises=True
        ),
        when=_several_ellipses,
        link="https://github.com/pytorch/pytorch/issues/59787",
    ),
    KnownDivergence(
        id="numpy-bool-scalar-key",
        ops=(*KEYED, *WRITES_THROUGH),
        summary="a NumPy bool scalar in a key is refused (IndexError); NumPy reads it as a 0-d mask",
        example="torch.zeros(2)[np.True_]  # IndexError: only integers, slices (`:`), ellipsis (`...`), None and "
        "long or byte Variables are valid indices (got numpy.bool)",
        reason="torch's key parser takes Python bools and objects with __index__; np.bool_ has no __index__",
        torch_gives=Raises(IndexError, "only integers, slices"),
        when=_numpy_bool_key,
        link=SOURCE,
    ),
    KnownDivergence(
        id="integer-key-gives-a-view",
        ops=WRITES_THROUGH,
        summary="x[i, j, ...] with an integer for every dim gives a 0-d view of x; NumPy gives a scalar, a copy",
        example="x = torch.zeros(2); y = x[0]; y.fill_(1); x  # tensor([1., 0.]); with NumPy, a[0] is an np.float64",
        reason="torch has no scalar type: indexing always returns a tensor, and basic indexing returns a view",
        torch_gives=Returns(_torch_indexing, "a write through the 0-d result reaches x"),
        when=_selects_every_dim,
        link="https://pytorch.org/docs/stable/tensor_view.html",
    ),
    KnownDivergence(
        id="zero-dim-index-selects",
        ops=WRITES_THROUGH,
        summary="a 0-d integer index tensor or array selects like an integer: the result is a view of x; NumPy "
        "reads it as an index array and copies",
        example="x = torch.zeros(2, 2); x[torch.tensor(0)].fill_(1); x[0]  # tensor([1., 1.]); "
        "a = np.zeros((2, 2)); a[np.array(0)].fill(1); a[0]  # [0. 0.]",
        reason="torch reads a 0-d integer tensor (and a NumPy array converted to one) as a Python integer "
        "while it walks the key",
        torch_gives=Returns(_torch_indexing, "a write through the result reaches x"),
        when=_zero_dim_index_selects,
        link=SOURCE,
    ),
    KnownDivergence(
        id="assignment-of-numpy-arrays-and-lists",
        ops=SETITEM,
        summary="x[key] = value refuses a NumPy array or a list (TypeError); NumPy converts them",
        example="torch.zeros(3)[:] = np.ones(3)  # TypeError: can't assign a numpy.ndarray to a torch.FloatTensor",
        reason="torch's setitem converts Python numbers and takes tensors; anything else is refused (valueToTensor)",
        torch_gives=Raises(TypeError, "^can't assign a (numpy.ndarray|list) to a torch"),
        when=lambda check: _value_kind(np.ndarray)(check) or _value_kind(list)(check),
        link=SOURCE,
    ),
    KnownDivergence(
        id="assignment-of-numpy-scalars",
        ops=SETITEM,
        summary="x[key] = value refuses NumPy bool, float16, float32 and complex64 scalars (TypeError); it takes "
        "NumPy integers, np.float64 and np.complex128",
        example="torch.zeros(3)[0] = np.float32(1)  # TypeError: can't assign a numpy.float32 to a torch.FloatTensor",
        reason="torch's setitem takes Python ints, floats and complex numbers and objects with __index__; "
        "np.float64 and np.complex128 subclass float and complex, the other NumPy scalars do not",
        torch_gives=Raises(TypeError, "^can't assign a numpy\\.(bool|float16|float32|complex64) to a torch"),
        when=_numpy_scalar_value,
        link=SOURCE,
    ),
    KnownDivergence(
        id="assignment-to-false-checks-nothing",
        ops=SETITEM,
        summary="x[False] = value writes nothing and checks nothing; NumPy checks that value broadcasts to the "
        "empty selection",
        example="torch.zeros(2)[False] = torch.ones(3)  # no error; np.zeros(2)[False] = np.ones(3)  # ValueError",
        reason="torch's setitem returns at once for a bare False key (python_variable_indexing.cpp)",
        torch_gives=Returns(_torch_indexing, "x unchanged", where_reference_raises=True),
        when=_bare_false_assignment,
        link=SOURCE,
    ),
    KnownDivergence(
        id="empty-advanced-assignment-checks-the-value",
        ops=SETITEM,
        summary="x[key] = value checks that value broadcasts to the selection where index arrays select "
        "nothing; NumPy skips the check there",
        example="torch.zeros(3)[torch.tensor([], dtype=torch.long)] = torch.zeros(2, 0)  # RuntimeError: shape "
        "mismatch; np.zeros(3)[[]] = np.zeros((2, 0))  # no error",
        reason="torch's index_put expands the value to the indexing result's shape before it writes, whatever "
        "its size; NumPy's advanced assignment returns early when the index selects no element",
        torch_gives=Returns(_torch_indexing, "RuntimeError where the value does not broadcast to the selection"),
        when=_empty_advanced_assignment,
        link="https://numpy.org/doc/stable/user/basics.indexing.html#assigning-values-to-indexed-arrays",
    ),
    KnownDivergence(
        id="index-put-lacks-limited-unsigned",
        ops=(*SETITEM, *INDEX_PUT),
        summary="advanced assignment into uint16, uint32 or uint64 raises NotImplementedError",
        example='torch.zeros(3, dtype=torch.uint16)[[0]] = 1  # NotImplementedError: "index_put" not implemented '
        "for 'UInt16'",
        reason="torch's limited-support unsigned dtypes have no index_put or masked_fill kernel",
        torch_gives=Raises(NotImplementedError, "not implemented for 'UInt(16|32|64)'"),
        when=_limited_unsigned_put,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="repeated-index-assignment-on-cuda",
        ops=(*SETITEM, *INDEX_PUT),
        summary="where an assignment writes one element more than once, CUDA leaves unspecified which value "
        "stays; NumPy keeps the last",
        example="x = torch.zeros(1, device='cuda'); x[[0, 0]] = torch.tensor([1., 2.], device='cuda')  # 1. or 2.",
        reason="CUDA's index_put writes in parallel without ordering (torch documents index_put_ with repeated "
        "indices as undefined): no model of the value can be written, so those elements are compared only "
        "for holding one of the values written there (the suite checks that apart)",
        when=_writes_repeatedly,
        skip=_repeated_positions,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.index_put_.html",
        device_types=("cuda",),
    ),
]
