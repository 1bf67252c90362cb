"""Known divergences of copies and conversions (suites/test_copies.py): the layout of a copy,
conversions that round twice, copy_'s shapes; and, after them, the copies area's entries of
mixed operands and Python data (suites/test_mixed_operands.py), which live in
`mixed_operand_results`, `mixed_operand_refusals` and `python_data`."""

from __future__ import annotations

import numpy as np

from conformance import casts
from conformance import dtypes as dt
from conformance import mixed_operands as mixed
from conformance.backends import NUMPY
from conformance.check import Check
from conformance.conditions import layout_of
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences import creation, mixed_operand_refusals, mixed_operand_results, python_data
from conformance.layouts import significant_strides, strides_in_elements
from conformance.normal import as_dtype

_SHORTHANDS = (
    "bool",
    "byte",
    "char",
    "short",
    "int",
    "long",
    "half",
    "bfloat16",
    "float",
    "double",
    "cfloat",
    "cdouble",
)
# the calls of suites/test_copies.py that copy their input into a new tensor (preserve_format)
COPYING = (
    "Tensor.clone",
    "Tensor.to(own dtype, copy=True)",
    "Tensor.to(dtype)",
    "Tensor.to(dtype=)",
    "Tensor.to(device, dtype)",
    "Tensor.to(other)",
    "Tensor.type_as",
    "Tensor.type(dtype)",
    *(f"Tensor.{name}()" for name in _SHORTHANDS),
)
_LIKE_STRIDES = next(entry for entry in creation.ENTRIES if entry.id == "like-stride-zero-layout").torch_gives


def _copies_expanded_input(check: Check) -> bool:
    """A copying call on an input with stride-0 dims (to another dtype, or clone/copy=True)."""
    inp = check.inputs.get("input")
    if not (layout_of(inp) and inp.layout.expanded):
        return False
    target = check.inputs.get("dtype")
    return target is None or target.name != inp.dtype.name or "copy=True" in check.label or "clone" in check.label


def _source_has_more_dims(check: Check) -> bool:
    """copy_'s src has leading dims beyond dst's, all of size 1, and broadcasts to dst otherwise."""
    destination, source = check.inputs["self"], check.inputs["src"]
    extra = len(source.shape) - len(destination.shape)
    if extra <= 0 or any(n != 1 for n in source.shape[:extra]):
        return False
    try:
        return np.broadcast_shapes(source.shape[extra:], destination.shape) == destination.shape
    except ValueError:
        return False


# the calls of suites/test_copies.py that convert their input to a dtype given as `dtype`
CONVERTING = (
    "Tensor.to",
    "Tensor.to(dtype)",
    "Tensor.to(dtype=)",
    "Tensor.to(device, dtype)",
    "Tensor.to(other)",
    "Tensor.type_as",
    "Tensor.type(dtype)",
    "Tensor.half()",
    "Tensor.bfloat16()",
)


def _conversion(check: Check) -> tuple[np.ndarray, dt.DType, dt.DType] | None:
    """(values, source dtype, target dtype) of a conversion: a to/type_as/shorthand call, copy_'s
    src into self, new_tensor's data (a tensor, or Python data as NumPy reads it exactly)."""
    inputs = check.inputs
    if check.label == "Tensor.copy_":
        return inputs["src"].values, inputs["src"].dtype, inputs["self"].dtype
    if check.label == "Tensor.new_tensor":
        data, target = inputs["data"], inputs["dtype"] or inputs["self"].dtype
        if isinstance(data, ArrayInput):
            return data.values, data.dtype, target
        exact = np.asarray(data)
        return (exact, dt.from_numpy(exact.dtype), target) if exact.dtype != object else None
    source, target = inputs.get("input"), inputs.get("dtype")
    if not (isinstance(source, ArrayInput) and isinstance(target, dt.DType)):
        return None
    return source.values, source.dtype, target


def _converts_through_float32(check: Check) -> bool:
    conversion = _conversion(check)
    return conversion is not None and casts.through_float32(conversion[1], conversion[2])


def _rounded_twice(check: Check, reference: object) -> object:
    """The conversion rounded to float32 first; copy_'s broadcast into self's shape."""
    values, source, target = _conversion(check)
    converted = casts.convert_through_float32(values, source, target)
    if check.label != "Tensor.copy_":
        return converted
    destination = check.inputs["self"]
    broadcast = np.broadcast_to(np.asarray(getattr(converted, "values", converted)), destination.shape)
    return {**reference, "self": as_dtype(broadcast, target)}


def _overlapping_destination(check: Check) -> bool:
    destination = check.inputs["self"]
    return bool(destination.layout.expanded) and destination.values.size > 0


def _strides_like_channels_last(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """c10's is_channels_last_strides_2d_s4, the heuristic behind suggest_memory_format: the
    strides, taken in the order C, W, H, N, never decrease (a size-1 dim's stride counts as
    the smallest it could be), with NCHW's ambiguous cases ruled out."""
    smallest = 0
    if strides[1] == 0:
        return False
    for d in (1, 3, 2, 0):
        if shape[d] == 0 or strides[d] < smallest:
            return False
        if d == 0 and smallest == strides[1]:
            return False
        smallest = strides[d] * shape[d] if shape[d] > 1 else strides[d]
    return True


def _channels_last_contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    expected = 1
    for d in (1, 3, 2, 0):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def _input_strides(check: Check) -> tuple[int, ...]:
    return strides_in_elements(NUMPY.build(check.inputs["input"]))


def _to_keeps_a_channels_last_lookalike(check: Check) -> bool:
    """A 4-d input whose strides torch's heuristic reads as channels-last, though it is not
    laid out so."""
    inp = check.inputs.get("input")
    if not isinstance(inp, ArrayInput) or len(inp.shape) != 4:
        return False
    strides = _input_strides(check)
    return _strides_like_channels_last(inp.shape, strides) and not _channels_last_contiguous(inp.shape, strides)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="copy-stride-zero-layout",
        ops=tuple(f"{label} strides" for label in COPYING),
        summary="a copy (clone, to) of a tensor with stride-0 dims orders its dims differently from NumPy's order='K'",
        example=(
            "torch.zeros(2, 1).expand(2, 2).t().clone().stride()  # (2, 1); "
            "np.copy(np.broadcast_to(np.zeros((2, 1)), (2, 2)).T, order='K').strides  # (8, 16)"
        ),
        reason=(
            "a copy is laid out as empty_like(preserve_format) lays it out, which keeps a stride-0 dim in place "
            "where NumPy ranks it innermost (see like-stride-zero-layout)"
        ),
        torch_gives=Returns(lambda check, reference: _LIKE_STRIDES.compute(check, reference), "empty_like's strides"),
        when=_copies_expanded_input,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-memory-format",
    ),
    KnownDivergence(
        id="to-channels-last-by-stride-heuristic",
        ops=("Tensor.to(channels_last) strides",),
        summary=(
            "Tensor.to(memory_format=torch.channels_last) returns the tensor itself, not a channels-last copy, where "
            "torch's stride heuristic already reads it as channels-last (size-1 dims make it guess)"
        ),
        example=(
            "x = torch.zeros(12).as_strided((1, 1, 1, 2), (6, 1, 6, 2)); "
            "x.to(memory_format=torch.channels_last).stride()  # (6, 1, 6, 2), x itself; "
            "x.contiguous(memory_format=torch.channels_last).stride()  # (2, 1, 2, 1)"
        ),
        reason=(
            "to() skips the copy where self.suggest_memory_format() equals the requested format, and "
            "suggest_memory_format answers from is_channels_last_strides_2d, which ignores the strides of size-1 "
            "dims and checks only that the others increase in the order C, W, H, N, not that they are dense; "
            "contiguous() and clone() check is_contiguous(channels_last) and copy"
        ),
        torch_gives=Returns(
            lambda check, reference: significant_strides(check.inputs["input"].shape, _input_strides(check)),
            "the input's own strides",
        ),
        when=_to_keeps_a_channels_last_lookalike,
        link="https://github.com/pytorch/pytorch/blob/main/c10/core/MemoryFormat.h",
    ),
    KnownDivergence(
        id="narrowing-conversion-rounds-twice",
        ops=(*CONVERTING, "Tensor.copy_", "Tensor.new_tensor"),
        summary=(
            "float64 (and complex128's real part) to float16 or bfloat16, and int32/int64/uint32/uint64 to "
            "bfloat16, round through float32: twice, where NumPy (IEEE 754) rounds the exact value once"
        ),
        example=(
            "torch.tensor([1 + 2**-8 + 2**-40], dtype=torch.float64).to(torch.bfloat16)  # 1.0 (exactly: 1.0078125); "
            "torch.tensor([1 + 2**-11 + 2**-40], dtype=torch.float64).half()  # 1.0; "
            "np.float64(1 + 2**-11 + 2**-40).astype(np.float16)  # 1.001; "
            "torch.tensor([2**30 + 2**22 + 1]).bfloat16()  # 2**30 (exactly: 2**30 + 2**23)"
        ),
        reason=(
            "c10::Half and c10::BFloat16 are constructed from a float: a double or a wide integer is converted "
            "to float (rounded to 24 bits) and then to the 11 or 8 bits of the target, so a value just past a "
            "midpoint of the target's values that float32 rounds onto the midpoint then rounds to even"
        ),
        torch_gives=Returns(_rounded_twice, "the values rounded to float32 first, then to the target dtype"),
        when=_converts_through_float32,
        link="https://github.com/pytorch/pytorch/blob/main/c10/util/BFloat16.h",
    ),
    KnownDivergence(
        id="copy-source-with-more-dims",
        ops=("Tensor.copy_",),
        summary="copy_ refuses a source with more dims than self, even leading size-1 dims; np.copyto drops them",
        example="torch.zeros(3).copy_(torch.ones(1, 3))  # RuntimeError; np.copyto(np.zeros(3), np.ones((1, 3)))  # works",
        reason=(
            "copy_ is an in-place op: the broadcast of self and src must have self's shape, and broadcasting "
            "prepends dims to self; NumPy's copyto strips leading size-1 dims of the source first"
        ),
        torch_gives=Raises(RuntimeError, "doesn't match the broadcast shape"),
        when=lambda check: mixed.reference_computes(check) and _source_has_more_dims(check),
        link="https://pytorch.org/docs/stable/notes/broadcasting.html#in-place-semantics",
    ),
    KnownDivergence(
        id="copy-into-overlapping-destination",
        ops=("Tensor.copy_",),
        summary="copy_ into a tensor with stride-0 dims raises RuntimeError (NumPy: its broadcast views are read-only, ValueError)",
        example=(
            "torch.zeros(3).expand(2, 3).copy_(torch.ones(2, 3))  # RuntimeError: unsupported operation: more than one "
            "element of the written-to tensor refers to a single memory location"
        ),
        reason="torch refuses writes through internally overlapping memory; NumPy refuses any write to a read-only view",
        torch_gives=Raises(
            RuntimeError, "more than one element of the written-to tensor refers to a single memory location"
        ),
        when=mixed.unless_reference_raises(RuntimeError, _overlapping_destination),
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.copy_.html",
    ),
    # Mixed operands. Order matters where several entries apply to one check: the last one's result
    # stands. The models come first, then torch's refusals, then those of Python data.
    *mixed_operand_results.ENTRIES,
    *mixed_operand_refusals.ENTRIES,
    *python_data.ENTRIES,
]
