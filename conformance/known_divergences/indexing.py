"""Known divergences of indexing (suites/test_indexing.py): keys and values torch reads
otherwise than NumPy.

Every entry but the last two models torch's result with `conformance.torch_indexing`, which
replays torch's reading of a key in NumPy and refuses where torch refuses, in torch's order;
its condition names the rule of that reading that departs from NumPy's, and holds only where
the model's outcome is not one NumPy shares (both refusing with corresponding errors). The
last two concern elements an assignment writes more than once, whose values torch does not
specify: they leave those elements to the suite's own checks.

Two of them are torch bugs, registered as facts about the torch releases checked (each modelled
and confirmed by the suite, so a fix is reported): NumPy-array and list masks count as one dim
whatever their rank (`non-tensor-mask-counts-one-dim`), and index entries out of range go
unchecked where the selection is empty (`out-of-range-entries-of-an-empty-selection`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.errors import correspond
from conformance.index_keys import IndexArray, IndexKey, is_integer
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.outcomes import Outcome
from conformance.torch_indexing import (
    INT64_MAX,
    NARROW_INDEX_DTYPES,
    Refused,
    read_as_tuple,
    reading,
    selected_shape,
    torch_getitem,
    torch_parts,
    torch_selection,
    torch_setitem,
    written_positions,
)

GETITEM = ("Tensor.__getitem__",)
SETITEM = ("Tensor.__setitem__",)
WRITES_THROUGH = ("Tensor.__getitem__ write-through",)
INDEX_PUT = ("Tensor.index_put_", "torch.index_put", "Tensor.index_put")
KEYED = (*GETITEM, *SETITEM, *WRITES_THROUGH)
SOURCE = "https://github.com/pytorch/pytorch/blob/main/torch/csrc/autograd/python_variable_indexing.cpp"


# ---------------------------------------------------------------------------
# The model: torch's outcome of the check


def _modelled(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except Refused as refusal:
        return Outcome(error=refusal.expected)


def _key(check: Check) -> IndexKey | None:
    """The key of x[key] (the `indices` of index_put)."""
    key = check.inputs.get("key", check.inputs.get("indices"))
    return key if isinstance(key, IndexKey) else None


def _refusal(check: Check) -> Refused | None:
    """torch's refusal of the check, by the model; None where torch returns."""
    x, key = check.inputs["x"], _key(check)
    try:
        if check.label in SETITEM:
            torch_setitem(x.values, key, check.inputs["value"], x.dtype)
        elif check.label in INDEX_PUT:
            torch_setitem(x.values, key, check.inputs["values"], x.dtype, python_key=False)
        else:
            torch_getitem(x.values, key)
    except Refused as refusal:
        return refusal
    return None


def _torch_result(check: Check, reference: object = None) -> object:
    """torch's outcome: x[key], x after x[key] = value or index_put, or the base after a marker is
    written through x[key] (where the walk leaves no index arrays, the result is a view of x)."""
    x, key = check.inputs["x"], _key(check)
    if check.label in SETITEM:
        return _modelled(lambda: as_dtype(torch_setitem(x.values, key, check.inputs["value"], x.dtype), x.dtype))
    if check.label in INDEX_PUT:
        return _modelled(lambda: _index_put(check, reference))
    if check.label in WRITES_THROUGH:
        return _modelled(lambda: _written_through(check))
    return _modelled(lambda: as_dtype(np.asarray(torch_getitem(x.values, key)), x.dtype))


def _index_put(check: Check, reference: object) -> object:
    """index_put refuses as x[key] = values does (values of x's dtype); otherwise it agrees with
    the reference's result. Where the reference refuses and torch does not, the selection is
    empty (its entries are never read): x comes back unchanged, accumulated or not."""
    x, values, key = check.inputs["x"], check.inputs["values"], _key(check)
    written = torch_setitem(x.values, key, values, x.dtype, python_key=False)
    if reference is not None:
        return reference
    if _selects_nothing(x.shape, key, python_key=False):
        return as_dtype(written, x.dtype)
    return check.reference


def _written_through(check: Check) -> dict:
    x, key, marker = check.inputs["x"], check.inputs["key"], check.inputs["marker"]
    base = x.values.copy()
    view, rest = torch_selection(base, key)
    if rest is not None:
        torch_getitem(base, key)  # refuses where torch's index call refuses; its copy leaves x alone
    elif view.size:
        view[(0,) * view.ndim] = marker
    return {"base": as_dtype(base, x.dtype)}


def _differs(check: Check) -> bool:
    """Whether the model's outcome is one NumPy does not share: a value, or a refusal that does
    not correspond to the reference's (`conformance.errors`)."""
    reference = check.reference
    if reference is None or not reference.raised:
        return True
    refusal = _refusal(check)
    return refusal is None or not correspond(refusal.error, reference.error)


def _where(condition: Callable[[Check], bool]) -> Callable[[Check], bool]:
    return lambda check: bool(condition(check)) and _differs(check)


TORCH_READS_THE_KEY = Returns(_torch_result, "the key as torch reads it", where_reference_raises=True)


# ---------------------------------------------------------------------------
# Conditions: which rule of torch's reading is at work


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
    readings = [reading(part)[0] for part in _parts(check)]
    return "int" in readings and any(what in ("index", "mask", "narrow", "bool") for what in readings)


def _nested_list_key(check: Check) -> bool:
    key = _key(check)
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


def _value(check: Check) -> Any:
    return check.inputs.get("value", check.inputs.get("values"))


def _value_not_assignable(check: Check) -> bool:
    """A NumPy array, a list, or a NumPy scalar that is neither an integer nor a Python float or
    complex (np.float64 and np.complex128 subclass those)."""
    value = _value(check)
    if isinstance(value, np.ndarray | list):
        return True
    return isinstance(value, np.generic) and not isinstance(value, np.integer | float | complex)


def _integer_past_int64(check: Check) -> bool:
    value = _value(check)
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and int(value) > INT64_MAX


def _numpy_integer_into_uint64(check: Check) -> bool:
    return check.inputs["x"].dtype.name == "uint64" and isinstance(_value(check), np.integer)


def _shape_refused(check: Check) -> bool:
    """An assignment whose value does not broadcast to the selection (torch's RuntimeError)."""
    refusal = _refusal(check)
    return refusal is not None and type(refusal.error) is RuntimeError


def _refused_otherwise(check: Check) -> bool:
    """Both sides refuse the call (torch, by the model, with an error of another class)."""
    return check.reference is not None and check.reference.raised and _refusal(check) is not None


def _single_element_assignment(check: Check) -> bool:
    """A value with dims written to one element NumPy selects with integers or 0-d integer arrays
    (its scalar path)."""
    x, key, value = check.inputs["x"], _key(check), check.inputs["value"]

    def integer(part: Any) -> bool:
        return is_integer(part) or (isinstance(part, IndexArray) and part.ndim == 0 and not part.is_mask)

    selects_element = len(key.parts) == len(x.shape) and all(integer(part) for part in key.parts)
    return selects_element and isinstance(value, ArrayInput) and value.values.ndim > 0


def _full_mask_assignment(check: Check) -> bool:
    """A value of two dims or more written through one mask of x's rank (a bool on a 0-d x): the key
    NumPy assigns through its boolean path, which takes 0-d and 1-d values only."""
    x, key, value = check.inputs["x"], _key(check), check.inputs["value"]
    if len(key.parts) != 1 or not (isinstance(value, ArrayInput) and value.values.ndim >= 2):
        return False
    part = key.parts[0]
    full_mask = isinstance(part, IndexArray) and part.is_mask and part.ndim == len(x.shape)
    return full_mask or (isinstance(part, bool) and not x.shape)


def _selects_nothing(shape: tuple[int, ...], key: IndexKey | None, python_key: bool = True) -> bool:
    """Whether the key's index arrays (as torch reads them) select nothing from a tensor of `shape`."""
    try:
        view, rest = torch_selection(np.zeros(shape, dtype=np.int8), key, python_key)
        return rest is not None and math.prod(selected_shape(view, rest)) == 0
    except Refused:
        return False


def _empty_advanced_assignment(check: Check) -> bool:
    """An assignment whose index arrays (as torch reads them) select nothing."""
    return _selects_nothing(check.inputs["x"].shape, _key(check))


def _unread_entry_out_of_range(check: Check) -> bool:
    """Index arrays (as torch reads them) that select nothing, one of whose entries is past its dim
    (NumPy also skips them where the arrays broadcast to nothing, 0-d ones aside: there the model
    agrees with NumPy's result)."""
    python_key = check.label not in INDEX_PUT
    shape = check.inputs["x"].shape
    if not _selects_nothing(shape, _key(check), python_key):
        return False
    view, rest = torch_selection(np.zeros(shape, dtype=np.int8), _key(check), python_key)
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


def _bare_bool_assignment(check: Check) -> bool:
    key = _key(check)
    return bool(key and key.bare and isinstance(key.parts[0], bool))


def _limited_unsigned_put(check: Check) -> bool:
    """An advanced assignment into uint16/32/64: index_put and masked_fill have no kernel."""
    key = _key(check)
    return check.inputs["x"].dtype.name in dt.LIMITED_UNSIGNED_INTS and bool(key and key.advanced)


def repeated_positions(check: Check) -> np.ndarray:
    """Positions of x that the assignment writes more than once: the elements torch leaves unspecified."""
    x = check.inputs["x"]
    written = written_positions(x.shape, _key(check))
    if written is None:
        return np.zeros(x.shape, dtype=bool)
    counts = np.bincount(written.reshape(-1), minlength=math.prod(x.shape))
    return (counts > 1).reshape(x.shape)


def _writes_repeatedly(check: Check) -> bool:
    return not check.inputs.get("accumulate", False) and bool(repeated_positions(check).any())


def _accumulates_floats_repeatedly(check: Check) -> bool:
    floating = check.inputs["x"].dtype.kind in ("float", "complex")
    return floating and bool(check.inputs.get("accumulate", False)) and bool(repeated_positions(check).any())


def _entry(id: str, ops: tuple[str, ...], condition: Callable[[Check], bool], **fields) -> KnownDivergence:
    return KnownDivergence(id=id, ops=ops, torch_gives=TORCH_READS_THE_KEY, when=_where(condition), **fields)


ENTRIES: list[KnownDivergence] = [
    _entry(
        "negative-slice-step",
        KEYED,
        _negative_step,
        summary="torch refuses a slice with a negative step (ValueError); NumPy reverses",
        example="torch.arange(4)[::-1]  # ValueError: step must be greater than zero; np.arange(4)[::-1]  # [3 2 1 0]",
        reason="torch has no negative strides, so a reversed view cannot exist; torch.flip makes a reversed copy",
        link="https://github.com/pytorch/pytorch/issues/59786",
    ),
    _entry(
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
    _entry(
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
    _entry(
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
    _entry(
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
    _entry(
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
    _entry(
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
    _entry(
        "numpy-bool-scalar-key",
        KEYED,
        _numpy_bool_key,
        summary="a NumPy bool scalar in a key is refused (IndexError); NumPy reads it as a 0-d mask",
        example="torch.zeros(2)[np.True_]  # IndexError: only integers, slices (`:`), ellipsis (`...`), None and "
        "long or byte Variables are valid indices (got numpy.bool)",
        reason="torch's key parser takes Python bools and objects with __index__; np.bool_ has no __index__",
        link=SOURCE,
    ),
    _entry(
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
    _entry(
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
    _entry(
        "integer-key-gives-a-view",
        WRITES_THROUGH,
        _selects_every_dim,
        summary="x[i, j, ...] with an integer for every dim gives a 0-d view of x; NumPy gives a scalar, a copy",
        example="x = torch.zeros(2); x[0].fill_(1); x  # tensor([1., 0.]); with NumPy, a[0] is an np.float64",
        reason="torch has no scalar type: indexing returns a tensor, and basic indexing returns a view",
        link="https://pytorch.org/docs/stable/tensor_view.html",
    ),
    _entry(
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
    _entry(
        "assignment-of-numpy-arrays-lists-and-scalars",
        SETITEM,
        _value_not_assignable,
        summary="x[key] = value refuses NumPy arrays, lists and NumPy bool, float16, float32 and complex64 scalars "
        "(TypeError); NumPy converts them",
        example="torch.zeros(3)[:] = np.ones(3)  # TypeError: can't assign a numpy.ndarray to a torch.FloatTensor; "
        "torch.zeros(3)[0] = np.float32(1)  # TypeError",
        reason="torch's setitem takes tensors, Python numbers and objects with __index__ (valueToTensor), before "
        "it reads the key; np.float64 and np.complex128 subclass float and complex, the other NumPy scalars do not",
        link=SOURCE,
    ),
    _entry(
        "assignment-of-integers-past-int64",
        SETITEM,
        _integer_past_int64,
        summary="x[key] = value refuses an integer above 2**63 - 1 (ValueError), into uint64 too; NumPy writes it",
        example="torch.zeros(2, dtype=torch.uint64)[0] = 2**64 - 2  # ValueError: Overflow when unpacking long long",
        reason="torch's setitem reads a Python or NumPy integer as a C long long before it converts it to the "
        "tensor's dtype (uint64 is one of the dtypes torch supports in part); torch 2.14 reads a Python int for a "
        "uint64 tensor as unsigned",
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
        until="2.14",
    ),
    _entry(
        "numpy-integer-into-uint64",
        SETITEM,
        _numpy_integer_into_uint64,
        summary="x[key] = value refuses a NumPy integer scalar of any integer type into a uint64 tensor (TypeError), "
        "before it reads the key; NumPy writes it, as torch 2.13 did",
        example="torch.zeros(2, dtype=torch.uint64)[0] = np.uint64(5)  # TypeError: an integer is required; "
        "x[0] = 5 writes",
        reason="torch 2.14's setitem reads an integer value for a uint64 tensor as unsigned, by a conversion that "
        "takes Python ints only (the one torch.tensor(np.uint64(5)) fails in too); torch 2.13 read NumPy integers "
        "through __index__ as C long longs",
        link=SOURCE,
        since="2.14",
    ),
    _entry(
        "assignment-shape-refused-as-runtime-error",
        (*SETITEM, *INDEX_PUT),
        _shape_refused,
        summary="a value that does not broadcast to the selection raises RuntimeError (NumPy: ValueError), checked "
        "before the entries' range",
        example="torch.zeros(3)[[0, 1]] = torch.ones(3)  # RuntimeError: shape mismatch: value tensor of shape [3] "
        "cannot be broadcast to indexing result of shape [2]",
        reason="torch expands the value to the selection (copy_ or index_put) and reports a failed expand as "
        "RuntimeError, as its other broadcasting errors",
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/TensorAdvancedIndexing.cpp",
    ),
    _entry(
        "single-element-assignment-broadcasts",
        SETITEM,
        _single_element_assignment,
        summary="a value with dims (of one element, or with leading 1s) is written to an element selected by "
        "integers; NumPy refuses it (ValueError: setting an array element with a sequence)",
        example="x = torch.zeros(3); x[0] = torch.ones(1, 1)  # writes 1.; np.zeros(3)[0] = np.ones((1, 1))  # ValueError",
        reason="torch writes through a 0-d view with copy_, which broadcasts (leading 1s dropped); NumPy assigns "
        "to an element selected by integers as a scalar, and NumPy 2 converts no array with dims to a scalar",
        link="https://numpy.org/doc/stable/release/2.0.0-notes.html",
    ),
    _entry(
        "mask-assignment-broadcasts",
        SETITEM,
        _full_mask_assignment,
        summary="x[mask] = value with a mask of x's rank broadcasts a value of two dims or more (leading 1s); "
        "NumPy's boolean assignment refuses it (TypeError)",
        example="torch.zeros(2, 3)[torch.ones(2, 3, dtype=torch.bool)] = torch.ones(1, 1)  # writes 1.; "
        "np.zeros((2, 3))[np.ones((2, 3), bool)] = np.ones((1, 1))  # TypeError",
        reason="torch writes through index_put, which broadcasts the value like any other; NumPy assigns through "
        "a full-rank mask by a path of its own that takes a 0-d or 1-d value only",
        link="https://numpy.org/doc/stable/user/basics.indexing.html#boolean-array-indexing",
    ),
    _entry(
        "refusal-order",
        (*KEYED, *INDEX_PUT),
        _refused_otherwise,
        summary="where a call is wrong in more than one way, torch reports the first fault it checks, which can "
        "be of another error class than the one NumPy reports",
        example="torch.zeros(0)[torch.tensor([0])] = torch.zeros(2)  # IndexError: index is out of bounds for "
        "dimension with size 0; np.zeros(0)[[0]] = np.zeros(2)  # ValueError: shape mismatch",
        reason="torch checks the value's type, then walks the key (its steps, integers and masks), then the index "
        "arrays against a dim of size 0, the value's shape, the dtype's kernel, and the entries' range last; "
        "NumPy checks the value's shape before the index arrays' entries",
        link=SOURCE,
    ),
    _entry(
        "empty-advanced-assignment-checks-the-value",
        SETITEM,
        _empty_advanced_assignment,
        summary="x[key] = value checks that value broadcasts to the selection where index arrays select nothing; "
        "NumPy skips the check there",
        example="torch.zeros(3)[torch.tensor([], dtype=torch.long)] = torch.zeros(2, 0)  # RuntimeError: shape "
        "mismatch; np.zeros(3)[[]] = np.zeros((2, 0))  # no error",
        reason="torch's index_put expands the value to the indexing result's shape before it writes, whatever its "
        "size; NumPy's advanced assignment returns early when the index selects no element",
        link="https://numpy.org/doc/stable/user/basics.indexing.html#assigning-values-to-indexed-arrays",
    ),
    _entry(
        "assignment-to-a-bare-bool",
        SETITEM,
        _bare_bool_assignment,
        summary="x[False] = value writes nothing and checks nothing; x[True] = value writes through a new leading "
        "dim without index_put",
        example="torch.zeros(2)[False] = torch.ones(3)  # no error; np.zeros(2)[False] = np.ones(3)  # ValueError",
        reason="torch's setitem handles a bare bool key before it reads any other key (python_variable_indexing.cpp)",
        link=SOURCE,
    ),
    _entry(
        "index-put-lacks-limited-unsigned",
        (*SETITEM, *INDEX_PUT),
        _limited_unsigned_put,
        summary="advanced assignment into uint16, uint32 or uint64 raises NotImplementedError, after the shapes "
        "are checked and before the entries are",
        example='torch.zeros(3, dtype=torch.uint16)[[0]] = 1  # NotImplementedError: "index_put" not implemented '
        "for 'UInt16'",
        reason="torch's limited-support unsigned dtypes have no index_put or masked_fill kernel",
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="repeated-index-assignment",
        ops=(*SETITEM, *INDEX_PUT),
        summary="where an assignment (accumulate=False) writes one element more than once, torch leaves unspecified "
        "which value stays; NumPy keeps the last",
        example="x = torch.zeros(3, 1000); x[torch.tensor([1, 1, 1, 1])] = torch.arange(4.).reshape(4, 1)"
        "  # x[1] holds 1.0 on a CPU; NumPy gives 3.0",
        reason="torch promises nothing about which value stays: index_put_'s documentation calls repeated indices "
        "with accumulate=False undefined, and torch.use_deterministic_algorithms lists index_put(accumulate=False) "
        "among the ops that are nondeterministic unless it is on. On a CPU the writes run in the order "
        "TensorIterator picks from the memory layout and split between threads: the first value stays in the "
        "example (1000-wide rows), the last one on narrow rows or in deterministic mode; on CUDA the writes of one "
        "element race, so which one stays can change from run to run. No model of the value can be written, so "
        "those elements are not compared with NumPy's; the suite checks apart what a whole-element copy guarantees "
        "on a CPU: each holds one of the values written there (on CUDA that check stands as a test, not a promise)",
        when=_writes_repeatedly,
        skip=repeated_positions,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.index_put_.html",
    ),
    KnownDivergence(
        id="accumulation-order",
        ops=INDEX_PUT,
        summary="index_put(accumulate=True) adds the values of a repeated position in an unspecified order, so a "
        "floating sum may round otherwise than np.add.at's, which adds in index order",
        example="x = torch.zeros(1); v = torch.tensor([[3., 3.], [-1e8, 1.]]).T; "
        "x.index_put_((torch.zeros(2, 2, dtype=torch.long),), v, accumulate=True)  # -99999992.; "
        "np.add.at gives -1e8",
        reason="torch adds in an order of its own: on a CPU the one TensorIterator picks from the memory layouts, "
        "split between threads (documented as nondeterministic unless torch.use_deterministic_algorithms is on), "
        "on CUDA its kernel's. No model of the rounded sum can be written, so those elements are not compared "
        "with NumPy's; the suite checks apart that each is within the error of some order of the additions",
        when=_accumulates_floats_repeatedly,
        skip=repeated_positions,
        link="https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html",
    ),
]
