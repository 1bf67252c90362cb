"""Known divergences of assignment through a key (suites/test_indexing.py): the values torch takes
in x[key] = value and index_put, the shapes it broadcasts, the order it checks in, and the
elements it writes more than once, whose values it does not specify."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence
from conformance.index_keys import IndexArray, is_integer
from conformance.inputs import ArrayInput
from conformance.known_divergences.indexing_model import (
    INDEX_PUT,
    KEYED,
    SETITEM,
    SOURCE,
    entry,
    key_of,
    selects_nothing,
    torch_refusal,
)
from conformance.torch_indexing import INT64_MAX, written_positions


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
    refusal = torch_refusal(check)
    return refusal is not None and type(refusal.error) is RuntimeError


def _refused_otherwise(check: Check) -> bool:
    """Both sides refuse the call (torch, by the model, with an error of another class)."""
    return check.reference is not None and check.reference.raised and torch_refusal(check) is not None


def _single_element_assignment(check: Check) -> bool:
    """A value with dims written to one element NumPy selects with integers or 0-d integer arrays
    (its scalar path)."""
    x, key, value = check.inputs["x"], key_of(check), check.inputs["value"]

    def integer(part: Any) -> bool:
        return is_integer(part) or (isinstance(part, IndexArray) and part.ndim == 0 and not part.is_mask)

    selects_element = len(key.parts) == len(x.shape) and all(integer(part) for part in key.parts)
    return selects_element and isinstance(value, ArrayInput) and value.values.ndim > 0


def _full_mask_assignment(check: Check) -> bool:
    """A value of two dims or more written through one mask of x's rank (a bool on a 0-d x): the key
    NumPy assigns through its boolean path, which takes 0-d and 1-d values only."""
    x, key, value = check.inputs["x"], key_of(check), check.inputs["value"]
    if len(key.parts) != 1 or not (isinstance(value, ArrayInput) and value.values.ndim >= 2):
        return False
    part = key.parts[0]
    full_mask = isinstance(part, IndexArray) and part.is_mask and part.ndim == len(x.shape)
    return full_mask or (isinstance(part, bool) and not x.shape)


def _empty_advanced_assignment(check: Check) -> bool:
    """An assignment whose index arrays (as torch reads them) select nothing."""
    return selects_nothing(check.inputs["x"].shape, key_of(check))


def _bare_bool_assignment(check: Check) -> bool:
    key = key_of(check)
    return bool(key and key.bare and isinstance(key.parts[0], bool))


def _limited_unsigned_put(check: Check) -> bool:
    """An advanced assignment into uint16/32/64: index_put and masked_fill have no kernel."""
    key = key_of(check)
    return check.inputs["x"].dtype.name in dt.LIMITED_UNSIGNED_INTS and bool(key and key.advanced)


def repeated_positions(check: Check) -> np.ndarray:
    """Positions of x that the assignment writes more than once: the elements torch leaves unspecified."""
    x = check.inputs["x"]
    written = written_positions(x.shape, key_of(check))
    if written is None:
        return np.zeros(x.shape, dtype=bool)
    counts = np.bincount(written.reshape(-1), minlength=math.prod(x.shape))
    return (counts > 1).reshape(x.shape)


def _writes_repeatedly(check: Check) -> bool:
    return not check.inputs.get("accumulate", False) and bool(repeated_positions(check).any())


def _accumulates_floats_repeatedly(check: Check) -> bool:
    floating = check.inputs["x"].dtype.kind in ("float", "complex")
    return floating and bool(check.inputs.get("accumulate", False)) and bool(repeated_positions(check).any())


ENTRIES: list[KnownDivergence] = [
    entry(
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
    entry(
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
    entry(
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
    entry(
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
    entry(
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
    entry(
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
    entry(
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
    entry(
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
    entry(
        "assignment-to-a-bare-bool",
        SETITEM,
        _bare_bool_assignment,
        summary="x[False] = value writes nothing and checks nothing; x[True] = value writes through a new leading "
        "dim without index_put",
        example="torch.zeros(2)[False] = torch.ones(3)  # no error; np.zeros(2)[False] = np.ones(3)  # ValueError",
        reason="torch's setitem handles a bare bool key before it reads any other key (python_variable_indexing.cpp)",
        link=SOURCE,
    ),
    entry(
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
