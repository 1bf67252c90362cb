"""Known divergences of shape ops (suites/test_shapes.py): where torch's shape functions have
another contract than NumPy's, and where one library copies and the other views."""

from __future__ import annotations

import math

import numpy as np

from conformance import dtypes as dt
from conformance import ops, promotion
from conformance.backends import NUMPY
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.layouts import strides_in_elements
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, MalformedResult, Outcome


def _labels(*names: str) -> tuple[str, ...]:
    return ops.labels(lambda op: op.name in names)


def _memory_labels(*names: str) -> tuple[str, ...]:
    return tuple(f"memory of {label}" for label in _labels(*names))


def _as_tuple(dims) -> tuple[int, ...]:
    return tuple(dims) if isinstance(dims, list | tuple) else (dims,)


def _valid(dims, ndim: int) -> bool:
    """Whether `dims` are distinct dims of an array of `ndim` dims (0-d counting as one)."""
    n = max(ndim, 1)
    wrapped = [d % n for d in dims if -n <= d < n]
    return len(wrapped) == len(dims) and len(set(wrapped)) == len(wrapped)


# ---------------------------------------------------------------------------
# A 0-d tensor takes dim 0 and -1


_SCALAR_DIM_ARGUMENTS = {"transpose": ("dim0", "dim1"), "flip": ("dims",), "movedim": ("source", "destination")}


def _scalar_dims(check: Check) -> bool:
    """A 0-d input with every dim argument 0 or -1 (and at least one dim named), or .mT of one."""
    if check.op is None or not check.operands or check.operands[0].shape != ():
        return False
    if check.op.name == "mT":
        return True
    names = _SCALAR_DIM_ARGUMENTS.get(check.op.name, ())
    dims = [d for name in names for d in _as_tuple(check.arguments.get(name, ()))]
    return bool(dims) and all(d in (0, -1) for d in dims) and (check.op.name != "flip" or _valid(dims, 0))


def _unchanged(check: Check, reference: object) -> object:
    inp = check.operands[0]
    return as_dtype(inp.values.copy(), inp.dtype)


# ---------------------------------------------------------------------------
# squeeze(dim) of a dim whose size is not 1


def _squeezed_dims(check: Check) -> tuple[int, ...] | None:
    """The dims squeeze was given, wrapped; None where it was given none or invalid ones."""
    if "dim" not in check.arguments or not check.operands:
        return None
    shape = check.operands[0].shape
    dims = _as_tuple(check.arguments["dim"])
    if not _valid(dims, len(shape)):
        return None
    return tuple(d % max(len(shape), 1) for d in dims)


def _squeezes_a_wide_dim(check: Check) -> bool:
    dims, shape = _squeezed_dims(check), check.operands[0].shape if check.operands else ()
    return dims is not None and len(shape) > 0 and any(shape[d] != 1 for d in dims)


def _squeeze_unit_dims_only(check: Check, reference: object) -> object:
    inp = check.operands[0]
    unit = tuple(d for d in _squeezed_dims(check) if inp.shape[d] == 1)
    return as_dtype(np.squeeze(inp.values, axis=unit), inp.dtype)


# ---------------------------------------------------------------------------
# chunk: pieces of ceil(n / chunks), maybe fewer than asked


def _chunk_sizes(check: Check) -> tuple[list[int], list[int]] | None:
    """(torch's, np.array_split's) piece sizes, where the call is valid."""
    chunks, dim = check.arguments.get("chunks"), check.arguments.get("dim", 0)
    shape = check.operands[0].shape if check.operands else ()
    if not shape or not isinstance(chunks, int) or chunks < 1 or not -len(shape) <= dim < len(shape):
        return None
    n = shape[dim]
    split_numpy = [n // chunks + 1] * (n % chunks) + [n // chunks] * (chunks - n % chunks)
    if n == 0:
        return split_numpy, split_numpy  # torch gives `chunks` empty pieces too
    size = math.ceil(n / chunks)
    return [min(size, n - start) for start in range(0, n, size)], split_numpy


def _chunk_sizes_differ(check: Check) -> bool:
    sizes = _chunk_sizes(check)
    return sizes is not None and sizes[0] != sizes[1]


def _chunks_of_rounded_up_size(check: Check, reference: object) -> object:
    inp = check.operands[0]
    torch_sizes, _ = _chunk_sizes(check)
    cuts = np.cumsum(torch_sizes)[:-1]
    return [as_dtype(piece, inp.dtype) for piece in np.split(inp.values, cuts, axis=check.arguments.get("dim", 0))]


# ---------------------------------------------------------------------------
# cat skips 1-d empty tensors


def _legacy_empty(check: Check) -> bool:
    """A (0,)-shaped operand among operands of other ranks, which NumPy refuses, or (0,)-shaped
    operands only (torch checks no dim against them)."""
    shapes = [inp.shape for inp in check.operands]
    return (0,) in shapes and (any(len(shape) != 1 for shape in shapes) or set(shapes) == {(0,)})


def _cat_without_legacy_empty(check: Check, reference: object) -> object:
    """torch.cat's result: the (0,)-shaped operands take part in type promotion only."""
    operands = check.operands
    try:
        dtype = promotion.result_type([inp.dtype.name for inp in operands], [], [])
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    kept = [inp for inp in operands if inp.shape != (0,)]
    carried = [inp.dtype.carry(inp.values) for inp in kept]
    if not kept:
        return as_dtype(np.empty((0,)), dtype)
    try:
        joined = np.concatenate([dt.dtype(dtype).carry(v) for v in carried], axis=check.arguments.get("dim", 0))
    except (ValueError, IndexError):
        return Outcome(error=ExpectedError((RuntimeError, IndexError), ""))
    return as_dtype(joined, dtype)


# ---------------------------------------------------------------------------
# expand(-1), repeat with fewer sizes than dims, roll's shifts and dims


def _expanded_shape(check: Check) -> tuple[int, ...] | None:
    """Tensor.expand's result shape with -1 resolved to the input's size, where torch documents
    a result: None where -1 stands for a new leading dim (torch raises), or the sizes do not fit."""
    if not check.operands or -1 not in tuple(check.arguments.get("sizes", ())):
        return None
    inp = check.operands[0]
    sizes = list(check.arguments["sizes"])
    new = len(sizes) - len(inp.shape)
    if new < 0 or any(n == -1 for n in sizes[:new]):
        return None
    resolved = tuple(inp.shape[i - new] if n == -1 else n for i, n in enumerate(sizes))
    try:
        np.broadcast_shapes(inp.shape, resolved)
    except ValueError:
        return None
    return resolved if np.broadcast_shapes(inp.shape, resolved) == resolved else None


def _expand_keeps_minus_one(check: Check, reference: object) -> object:
    inp = check.operands[0]
    return as_dtype(np.broadcast_to(inp.values, _expanded_shape(check)).copy(), inp.dtype)


def _zero_dim_expand_keeps_minus_one(check: Check) -> bool:
    """A 0-d tensor expanded with -1 among the sizes where torch's element count does not
    overflow: it multiplies the sizes as unsigned 64-bit numbers, left to right, so a 0 before
    any overflow hides the -1 (2**64 - 1 unsigned); a count past int64's largest overflows."""
    sizes = tuple(check.arguments.get("sizes", ()))
    if not check.operands or check.operands[0].shape != () or -1 not in sizes:
        return False
    count = 1
    for size in sizes:
        count *= size % 2**64
        if count >= 2**64:
            return False
    return count < 2**63


def _empty_roll_with_dims_out_of_range(check: Check) -> bool:
    dims = check.arguments.get("dims")
    if not check.operands or check.operands[0].values.size != 0 or dims is None:
        return False
    ndim = len(check.operands[0].shape)
    return any(not -max(ndim, 1) <= d < max(ndim, 1) for d in _as_tuple(dims))


def _unrolled(check: Check, reference: object) -> object:
    inp = check.operands[0]
    return as_dtype(np.array(inp.values, copy=True), inp.dtype)


def _fewer_sizes_than_dims(check: Check) -> bool:
    return bool(check.operands) and len(check.arguments.get("sizes", ())) < len(check.operands[0].shape)


def _shifts_and_dims_differ_in_length(check: Check) -> bool:
    shifts, dims = check.arguments.get("shifts"), check.arguments.get("dims")
    count = len(_as_tuple(dims)) if dims is not None else 0
    return isinstance(shifts, tuple) and len(shifts) != count


# ---------------------------------------------------------------------------
# torch.flip of uint16/32/64 on the CPU: only the memcpy path handles them


def _dense(shape: tuple[int, ...], strides: list[int]) -> bool:
    expected = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: strides[d]):
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def _iteration_order(shape: tuple[int, ...], operands: list[list[int]]) -> list[int]:
    """TensorIterator's order of dims, innermost first: an insertion sort on the operands'
    strides in turn (a stride 0 defers to the next operand, a tie to the smaller size)."""

    def should_swap(first: int, second: int) -> int:
        for strides in operands:
            a, b = strides[first], strides[second]
            if a == 0 or b == 0:
                continue
            if a != b:
                return 1 if a > b else -1
            if shape[first] > shape[second]:
                return 1
        return 0

    order = list(reversed(range(len(shape))))
    for i in range(1, len(shape)):
        later = i
        for earlier in range(i - 1, -1, -1):
            verdict = should_swap(order[earlier], order[later])
            if verdict > 0:
                order[earlier], order[later] = order[later], order[earlier]
                later = earlier
            elif verdict < 0:
                break
    return order


def _flip_reaches_dtype_kernel(check: Check) -> bool:
    """Whether torch.flip runs its dtype-dispatched CPU kernel (which lacks uint16/32/64): it does
    unless nothing is flipped (no flipped dim of size > 1 and stride != 0, or one element), or
    TensorIterator's innermost dim is contiguous in the output, the input and the input restrided
    with 0 on the flipped dims (the memcpy path). The output is empty_like(input): the input's
    strides where it is dense, dense strides in its dim order otherwise."""
    inp = check.operands[0] if check.operands else None
    dims = _as_tuple(check.arguments.get("dims", ()))
    if (
        inp is None
        or inp.dtype.name not in dt.LIMITED_UNSIGNED_INTS
        or not inp.shape
        or not _valid(dims, inp.values.ndim)
    ):
        return False
    shape = inp.shape
    strides = list(strides_in_elements(NUMPY.build(inp)))
    flipped = {d % len(shape) for d in dims if shape[d] > 1 and strides[d] != 0}
    if not flipped or math.prod(shape) <= 1:
        return False
    if _dense(shape, strides):
        output = strides
    else:
        output, size = [0] * len(shape), 1
        for d in _iteration_order(shape, [strides]):
            output[d], size = size, size * max(shape[d], 1)
    restrided = [0 if d in flipped else strides[d] for d in range(len(shape))]
    inner = next(d for d in _iteration_order(shape, [output, strides, restrided]) if shape[d] > 1)
    return not (inner not in flipped and output[inner] == 1 and strides[inner] == 1)


def _reference_raised(check: Check, error: type[BaseException]) -> bool:
    return check.reference is not None and isinstance(check.reference.error, error)


def _returns_where_numpy_raises(check: Check) -> bool:
    """A call an entry below models as returning normally in torch, though NumPy raises."""
    name = check.op.name if check.op else ""
    return (
        _scalar_dims(check)
        or (name == "squeeze" and _squeezes_a_wide_dim(check))
        or (name == "cat" and _legacy_empty(check))
        or (name == "expand" and _expanded_shape(check) is not None)
    )


def _raises_otherwise(check: Check) -> bool:
    """A call an entry below models as raising an error of its own (torch checks it first)."""
    name = check.op.name if check.op else ""
    return (name == "roll" and _shifts_and_dims_differ_in_length(check)) or (
        name == "repeat" and _fewer_sizes_than_dims(check)
    )


def _refused_as(check: Check, error: type[BaseException]) -> bool:
    """NumPy raised `error` (and not an AxisError, unless that is asked) where torch raises too."""
    if _returns_where_numpy_raises(check) or _raises_otherwise(check) or not _reference_raised(check, error):
        return False
    return error is np.exceptions.AxisError or not _reference_raised(check, np.exceptions.AxisError)


# expand's refusals are the broadcast refusals conformance.errors already pairs with NumPy's
_SHAPE_OPS = (
    "reshape",
    "view",
    "flatten",
    "squeeze",
    "unsqueeze",
    "transpose",
    "permute",
    "T",
    "mT",
    "movedim",
    "cat",
    "stack",
    "split",
    "chunk",
    "flip",
    "roll",
    "tile",
    "repeat",
)

# torch's messages for the shape checks whose NumPy counterpart raises ValueError
_REFUSALS = (
    r"shape '\[.*\]' is invalid for input of size",
    r"cannot reshape tensor of 0 elements into shape",
    r"view size is not compatible with input tensor's size and stride",
    r"only one dimension can be inferred",
    r"expects at least a 1-dimensional tensor",
    r"tensor\.mT is only supported on matrices",
    r"zero-dimensional tensor \(at position \d+\) cannot be concatenated",
    r"Sizes of tensors must match",
    r"Tensors must have same number of dimensions",
    r"stack expects each tensor to be equal size",
    r"expected a non-empty list of Tensors",
    r"split_with_sizes expects split_sizes",
    r"split_size can only be 0 if dimension size is 0",
    r"split expects split_size be non-negative",
    r"chunk expects `chunks` to be greater than 0",
    r"appears multiple times in the list of dims",
    r"duplicate dims are not allowed",
    r"repeated dim",
    r"start_dim cannot come after end_dim",
    r"number of dims don't match in permute",
    r"the number of sizes provided \(\d+\) must be greater or equal",
    r"Invalid source or destination dims",
    r"movedim: Invalid",
)

SINCE = "2.3"  # the oldest torch the suite supports (pyproject.toml); checked on 2.13

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="flip-copies",
        ops=_memory_labels("flip"),
        summary="torch.flip returns a copy; np.flip returns a view with negative strides",
        example="x = torch.arange(3); y = torch.flip(x, [0]); y[0] = 9; x  # unchanged (NumPy: a = np.arange(3); np.flip(a)[0] = 9 changes a)",
        reason="torch has no negative strides, so a reversed tensor cannot be a view of its input; the documentation "
        "says torch.flip makes a copy of the input's data, unlike np.flip, which is constant-time",
        torch_gives=Returns(lambda check, reference: {k: v and "no" for k, v in reference.items()}, "a copy"),
        link="https://pytorch.org/docs/stable/generated/torch.flip.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="flip-of-limited-unsigned",
        ops=_labels("flip"),
        summary="torch.flip of a uint16/32/64 tensor on the CPU raises unless the flip takes the memcpy path "
        "(the innermost dim unflipped and contiguous in input and output)",
        example='torch.arange(4).to(torch.uint16).flip(0)  # NotImplementedError: "flip_cpu" not implemented '
        "for 'UInt16'; torch.ones(2, 3, dtype=torch.uint16).flip(0)  # works",
        reason="uint16/32/64 are limited-support dtypes: the CPU flip kernel dispatches over the fully supported "
        "dtypes only, and a dtype-blind memcpy fast path serves the layouts that allow it",
        torch_gives=Raises(NotImplementedError, "\"flip_cpu\" not implemented for 'UInt(16|32|64)'"),
        when=_flip_reaches_dtype_kernel,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/IndexKernel.cpp",
        device_types=("cpu",),
        since=SINCE,
        until="2.14",  # 2.14 flips uint16/32/64 in every layout (checked on 2.14.1)
    ),
    KnownDivergence(
        id="zero-dim-takes-dim-0",
        ops=_labels(*_SCALAR_DIM_ARGUMENTS, "mT"),
        summary="transpose, flip and movedim of a 0-d tensor take dim 0 and -1, and .mT takes a 0-d tensor "
        "(each a no-op); NumPy raises",
        example="torch.tensor(5).transpose(0, -1)  # tensor(5); np.swapaxes(np.array(5), 0, -1)  # AxisError",
        reason="torch wraps the dims of a 0-d tensor as if it had one dim (maybe_wrap_dim with wrap_scalar), so "
        "0 and -1 name its only pseudo-dim (.mT of a 0-d tensor is the identity, with a deprecation warning); "
        "NumPy's 0-d arrays have no axis at all",
        torch_gives=Returns(_unchanged, "the input unchanged", where_reference_raises=True),
        when=_scalar_dims,
        link="https://github.com/pytorch/pytorch/blob/main/c10/core/WrapDimMinimal.h",
        since=SINCE,
    ),
    KnownDivergence(
        id="squeeze-keeps-wide-dims",
        ops=_labels("squeeze"),
        summary="squeeze(dim) leaves a named dim whose size is not 1 in place; np.squeeze raises",
        example="torch.zeros(2, 1).squeeze(0).shape  # (2, 1); np.squeeze(np.zeros((2, 1)), 0)  # ValueError",
        reason="torch documents that squeeze(input, dim) leaves the tensor unchanged along a dim of size other "
        "than 1, and squeezes the size-1 dims among several; NumPy refuses to squeeze a dim that is not 1",
        torch_gives=Returns(_squeeze_unit_dims_only, "only the size-1 dims among those named squeezed", True),
        when=_squeezes_a_wide_dim,
        link="https://pytorch.org/docs/stable/generated/torch.squeeze.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="chunk-sizes-round-up",
        ops=_labels("chunk"),
        summary="chunk(n) gives pieces of ceil(size / n), so fewer than n where they run out; np.array_split "
        "gives n pieces whose sizes differ by one at most",
        example="[len(c) for c in torch.arange(6).chunk(4)]  # [2, 2, 2]; np.array_split(np.arange(6), 4)  # sizes [2, 2, 1, 1]",
        reason="torch documents that every chunk has the same size, ceil(size / chunks), but the last, and that "
        "fewer chunks than asked may be returned",
        torch_gives=Returns(_chunks_of_rounded_up_size, "pieces of ceil(size / chunks)"),
        when=_chunk_sizes_differ,
        link="https://pytorch.org/docs/stable/generated/torch.chunk.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="cat-skips-1d-empty",
        ops=_labels("cat"),
        summary="cat skips 1-d tensors of shape (0,) among tensors of other ranks (they take part in type "
        "promotion only); np.concatenate refuses arrays of different ranks",
        example="torch.cat([torch.ones(2, 3), torch.ones(0)], dim=1).shape  # (2, 3); np.concatenate(...)  # ValueError",
        reason="torch keeps accepting the empty (0,) tensors that older releases used as placeholders "
        "(legacy behaviour, documented: non-empty tensors must have the same shape, 1-d empty ones are allowed)",
        torch_gives=Returns(_cat_without_legacy_empty, "the other tensors concatenated", where_reference_raises=True),
        when=_legacy_empty,
        link="https://pytorch.org/docs/stable/generated/torch.cat.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="expand-minus-one",
        ops=_labels("expand"),
        summary="Tensor.expand takes -1 for a size it keeps; np.broadcast_to rejects negative sizes",
        example="torch.ones(2, 1).expand(-1, 3).shape  # (2, 3); np.broadcast_to(np.ones((2, 1)), (-1, 3))  # ValueError",
        reason="torch documents -1 as 'do not change this dim', not allowed for a new leading dim (there torch "
        "raises, as NumPy does for any negative size)",
        torch_gives=Returns(_expand_keeps_minus_one, "-1 replaced by the input's size", where_reference_raises=True),
        when=lambda check: _expanded_shape(check) is not None,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="expand-zero-dim-negative-size",
        ops=_labels("expand"),
        summary="a 0-d tensor expanded with -1 among its sizes (a new dim, which torch must refuse) returns a tensor "
        "of negative size where a 0 comes before the element count overflows",
        example="torch.tensor(1.).expand(-1, 0).shape  # torch.Size([-1, 0]); torch.tensor(1.).expand(-1, 3)  "
        "# RuntimeError: numel: integer multiplication overflow; np.broadcast_to(1., (-1, 0))  # ValueError",
        reason="expand of a 0-d tensor skips the check that refuses -1 for a new leading dim (tensors of one or "
        "more dims get it); the element count multiplies the sizes as unsigned 64-bit numbers, so -1 becomes "
        "2**64 - 1 and overflows unless a 0 comes first. The result cannot be read (its size is negative)",
        torch_gives=Raises(MalformedResult, "a negative size"),
        when=_zero_dim_expand_keeps_minus_one,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="roll-of-empty-skips-dim-check",
        ops=_labels("roll"),
        summary="roll of a tensor with no elements returns it without checking dims; NumPy refuses an axis out of range",
        example="torch.roll(torch.ones(0), 1, dims=7)  # tensor([]); np.roll(np.ones(0), 1, axis=7)  # AxisError",
        reason="torch.roll returns a clone of an empty input before it wraps dims (torch.roll of a non-empty "
        "tensor raises IndexError: Dimension out of range)",
        torch_gives=Returns(_unrolled, "a copy of the empty input", where_reference_raises=True),
        when=_empty_roll_with_dims_out_of_range,
        link="https://pytorch.org/docs/stable/generated/torch.roll.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="repeat-needs-every-dim",
        ops=_labels("repeat"),
        summary="Tensor.repeat with fewer sizes than dims raises; np.tile pads the sizes with leading 1s",
        example="torch.ones(2, 3).repeat(2)  # RuntimeError; np.tile(np.ones((2, 3)), 2).shape  # (2, 6)",
        reason="torch documents that repeat's sizes must be at least as many as the tensor's dims (more add "
        "leading dims, as np.tile does)",
        torch_gives=Raises(RuntimeError, "Number of dimensions of repeat dims can not be smaller"),
        when=_fewer_sizes_than_dims,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.repeat.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="roll-shifts-match-dims",
        ops=_labels("roll"),
        summary="roll with a tuple of shifts needs as many dims; np.roll broadcasts shifts against axes (and "
        "rolls the flattened array by each shift in turn without axes)",
        example="torch.arange(6).roll((1, 2))  # RuntimeError; np.roll(np.arange(6), (1, 2))  # rolled by 3",
        reason="torch documents that shifts and dims must be tuples of the same size",
        torch_gives=Raises(RuntimeError, "shifts and dimensions must align"),
        when=_shifts_and_dims_differ_in_length,
        link="https://pytorch.org/docs/stable/generated/torch.roll.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="dim-out-of-range-index-error",
        ops=_labels(*_SHAPE_OPS),
        summary="a dim out of range raises IndexError in torch; NumPy raises AxisError, a ValueError and an IndexError",
        example="torch.ones(2).unsqueeze(3)  # IndexError: Dimension out of range; np.expand_dims(np.ones(2), 3)  # AxisError",
        reason="NumPy's AxisError derives from both ValueError and IndexError; torch's dim wrapping raises a plain "
        "IndexError (the error classes agree through IndexError, which the class comparison does not see)",
        torch_gives=Raises(
            IndexError, "Dimension out of range|Dimension specified as -?\\d+ but tensor has no dimensions"
        ),
        when=lambda check: (
            _refused_as(check, np.exceptions.AxisError) and not _empty_roll_with_dims_out_of_range(check)
        ),
        link="https://numpy.org/doc/stable/reference/generated/numpy.exceptions.AxisError.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="shape-refusal-runtime-error",
        ops=_labels(*_SHAPE_OPS),
        summary="torch refuses shape arguments that do not fit (another element count, a view that needs a copy, "
        "repeated dims, sizes that do not add up, too few dims) with RuntimeError; NumPy with ValueError",
        example="torch.ones(2, 3).reshape(5)  # RuntimeError: shape '[5]' is invalid for input of size 6; "
        "np.reshape(np.ones((2, 3)), 5)  # ValueError",
        reason="torch reports invalid arguments found by its shape checks (TORCH_CHECK) as RuntimeError",
        torch_gives=Raises(RuntimeError, "|".join(_REFUSALS)),
        when=lambda check: _refused_as(check, ValueError) and not _zero_dim_expand_keeps_minus_one(check),
        link="https://pytorch.org/docs/stable/generated/torch.reshape.html",
        since=SINCE,
    ),
]
