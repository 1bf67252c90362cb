"""Known divergences of shape ops whose contract differs from NumPy's (suites/test_shapes.py): a
0-d tensor takes dim 0 and -1, squeeze keeps wide dims, chunk rounds its pieces up, cat skips 1-d
empty tensors, expand takes -1, repeat needs every dim, roll's shifts must match its dims."""

from __future__ import annotations

import math

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.known_divergences.shape_checks import SINCE, as_tuple, labels, valid_dims
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, MalformedResult, Outcome

# ---------------------------------------------------------------------------
# A 0-d tensor takes dim 0 and -1


_SCALAR_DIM_ARGUMENTS = {"transpose": ("dim0", "dim1"), "flip": ("dims",), "movedim": ("source", "destination")}


def scalar_dims(check: Check) -> bool:
    """A 0-d input with every dim argument 0 or -1 (and at least one dim named), or .mT of one."""
    if check.op is None or not check.operands or check.operands[0].shape != ():
        return False
    if check.op.name == "mT":
        return True
    names = _SCALAR_DIM_ARGUMENTS.get(check.op.name, ())
    dims = [d for name in names for d in as_tuple(check.arguments.get(name, ()))]
    return bool(dims) and all(d in (0, -1) for d in dims) and (check.op.name != "flip" or valid_dims(dims, 0))


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
    dims = as_tuple(check.arguments["dim"])
    if not valid_dims(dims, len(shape)):
        return None
    return tuple(d % max(len(shape), 1) for d in dims)


def squeezes_a_wide_dim(check: Check) -> bool:
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


def legacy_empty(check: Check) -> bool:
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


def expanded_shape(check: Check) -> tuple[int, ...] | None:
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
    return as_dtype(np.broadcast_to(inp.values, expanded_shape(check)).copy(), inp.dtype)


def zero_dim_expand_keeps_minus_one(check: Check) -> bool:
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


def empty_roll_with_dims_out_of_range(check: Check) -> bool:
    dims = check.arguments.get("dims")
    if not check.operands or check.operands[0].values.size != 0 or dims is None:
        return False
    ndim = len(check.operands[0].shape)
    return any(not -max(ndim, 1) <= d < max(ndim, 1) for d in as_tuple(dims))


def _unrolled(check: Check, reference: object) -> object:
    inp = check.operands[0]
    return as_dtype(np.array(inp.values, copy=True), inp.dtype)


def fewer_sizes_than_dims(check: Check) -> bool:
    return bool(check.operands) and len(check.arguments.get("sizes", ())) < len(check.operands[0].shape)


def shifts_and_dims_differ_in_length(check: Check) -> bool:
    shifts, dims = check.arguments.get("shifts"), check.arguments.get("dims")
    count = len(as_tuple(dims)) if dims is not None else 0
    return isinstance(shifts, tuple) and len(shifts) != count


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="zero-dim-takes-dim-0",
        ops=labels(*_SCALAR_DIM_ARGUMENTS, "mT"),
        summary="transpose, flip and movedim of a 0-d tensor take dim 0 and -1, and .mT takes a 0-d tensor "
        "(each a no-op); NumPy raises",
        example="torch.tensor(5).transpose(0, -1)  # tensor(5); np.swapaxes(np.array(5), 0, -1)  # AxisError",
        reason="torch wraps the dims of a 0-d tensor as if it had one dim (maybe_wrap_dim with wrap_scalar), so "
        "0 and -1 name its only pseudo-dim (.mT of a 0-d tensor is the identity, with a deprecation warning); "
        "NumPy's 0-d arrays have no axis at all",
        torch_gives=Returns(_unchanged, "the input unchanged", where_reference_raises=True),
        when=scalar_dims,
        link="https://github.com/pytorch/pytorch/blob/main/c10/core/WrapDimMinimal.h",
        since=SINCE,
    ),
    KnownDivergence(
        id="squeeze-keeps-wide-dims",
        ops=labels("squeeze"),
        summary="squeeze(dim) leaves a named dim whose size is not 1 in place; np.squeeze raises",
        example="torch.zeros(2, 1).squeeze(0).shape  # (2, 1); np.squeeze(np.zeros((2, 1)), 0)  # ValueError",
        reason="torch documents that squeeze(input, dim) leaves the tensor unchanged along a dim of size other "
        "than 1, and squeezes the size-1 dims among several; NumPy refuses to squeeze a dim that is not 1",
        torch_gives=Returns(_squeeze_unit_dims_only, "only the size-1 dims among those named squeezed", True),
        when=squeezes_a_wide_dim,
        link="https://pytorch.org/docs/stable/generated/torch.squeeze.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="chunk-sizes-round-up",
        ops=labels("chunk"),
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
        ops=labels("cat"),
        summary="cat skips 1-d tensors of shape (0,) among tensors of other ranks (they take part in type "
        "promotion only); np.concatenate refuses arrays of different ranks",
        example="torch.cat([torch.ones(2, 3), torch.ones(0)], dim=1).shape  # (2, 3); np.concatenate(...)  # ValueError",
        reason="torch keeps accepting the empty (0,) tensors that older releases used as placeholders "
        "(legacy behaviour, documented: non-empty tensors must have the same shape, 1-d empty ones are allowed)",
        torch_gives=Returns(_cat_without_legacy_empty, "the other tensors concatenated", where_reference_raises=True),
        when=legacy_empty,
        link="https://pytorch.org/docs/stable/generated/torch.cat.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="expand-minus-one",
        ops=labels("expand"),
        summary="Tensor.expand takes -1 for a size it keeps; np.broadcast_to rejects negative sizes",
        example="torch.ones(2, 1).expand(-1, 3).shape  # (2, 3); np.broadcast_to(np.ones((2, 1)), (-1, 3))  # ValueError",
        reason="torch documents -1 as 'do not change this dim', not allowed for a new leading dim (there torch "
        "raises, as NumPy does for any negative size)",
        torch_gives=Returns(_expand_keeps_minus_one, "-1 replaced by the input's size", where_reference_raises=True),
        when=lambda check: expanded_shape(check) is not None,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="expand-zero-dim-negative-size",
        ops=labels("expand"),
        summary="a 0-d tensor expanded with -1 among its sizes (a new dim, which torch must refuse) returns a tensor "
        "of negative size where a 0 comes before the element count overflows",
        example="torch.tensor(1.).expand(-1, 0).shape  # torch.Size([-1, 0]); torch.tensor(1.).expand(-1, 3)  "
        "# RuntimeError: numel: integer multiplication overflow; np.broadcast_to(1., (-1, 0))  # ValueError",
        reason="expand of a 0-d tensor skips the check that refuses -1 for a new leading dim (tensors of one or "
        "more dims get it); the element count multiplies the sizes as unsigned 64-bit numbers, so -1 becomes "
        "2**64 - 1 and overflows unless a 0 comes first. The result cannot be read (its size is negative)",
        torch_gives=Raises(MalformedResult, "a negative size"),
        when=zero_dim_expand_keeps_minus_one,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="roll-of-empty-skips-dim-check",
        ops=labels("roll"),
        summary="roll of a tensor with no elements returns it without checking dims; NumPy refuses an axis out of range",
        example="torch.roll(torch.ones(0), 1, dims=7)  # tensor([]); np.roll(np.ones(0), 1, axis=7)  # AxisError",
        reason="torch.roll returns a clone of an empty input before it wraps dims (torch.roll of a non-empty "
        "tensor raises IndexError: Dimension out of range)",
        torch_gives=Returns(_unrolled, "a copy of the empty input", where_reference_raises=True),
        when=empty_roll_with_dims_out_of_range,
        link="https://pytorch.org/docs/stable/generated/torch.roll.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="repeat-needs-every-dim",
        ops=labels("repeat"),
        summary="Tensor.repeat with fewer sizes than dims raises; np.tile pads the sizes with leading 1s",
        example="torch.ones(2, 3).repeat(2)  # RuntimeError; np.tile(np.ones((2, 3)), 2).shape  # (2, 6)",
        reason="torch documents that repeat's sizes must be at least as many as the tensor's dims (more add "
        "leading dims, as np.tile does)",
        torch_gives=Raises(RuntimeError, "Number of dimensions of repeat dims can not be smaller"),
        when=fewer_sizes_than_dims,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.repeat.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="roll-shifts-match-dims",
        ops=labels("roll"),
        summary="roll with a tuple of shifts needs as many dims; np.roll broadcasts shifts against axes (and "
        "rolls the flattened array by each shift in turn without axes)",
        example="torch.arange(6).roll((1, 2))  # RuntimeError; np.roll(np.arange(6), (1, 2))  # rolled by 3",
        reason="torch documents that shifts and dims must be tuples of the same size",
        torch_gives=Raises(RuntimeError, "shifts and dimensions must align"),
        when=shifts_and_dims_differ_in_length,
        link="https://pytorch.org/docs/stable/generated/torch.roll.html",
        since=SINCE,
    ),
]
