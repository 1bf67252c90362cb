"""Known divergences of shape ops (suites/test_shapes.py): where torch's shape functions have
another contract than NumPy's, and where one library copies and the other views."""

from __future__ import annotations

import math

import numpy as np

from conformance import dtypes as dt
from conformance import ops, promotion
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome


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
    """A 0-d input with every dim argument 0 or -1 (and at least one dim named)."""
    names = _SCALAR_DIM_ARGUMENTS.get(check.op.name, ()) if check.op else ()
    if not check.operands or check.operands[0].shape != () or not names:
        return False
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
    """A (0,)-shaped operand among operands of other ranks, which NumPy refuses."""
    shapes = [inp.shape for inp in check.operands]
    return (0,) in shapes and any(len(shape) != 1 for shape in shapes)


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


def _expand_keeps_minus_one(check: Check, reference: object) -> object:
    """Tensor.expand: -1 keeps the size of an existing dim; a new leading dim may not be -1."""
    inp = check.operands[0]
    sizes = list(check.arguments["sizes"])
    new = len(sizes) - inp.values.ndim
    if new < 0 or any(n == -1 for n in sizes[:new]):
        return Outcome(error=ExpectedError(RuntimeError, ""))
    resolved = [inp.shape[i - new] if n == -1 else n for i, n in enumerate(sizes)]
    try:
        return as_dtype(np.broadcast_to(inp.values, resolved).copy(), inp.dtype)
    except ValueError:
        return Outcome(error=ExpectedError(RuntimeError, "expanded size"))


def _fewer_sizes_than_dims(check: Check) -> bool:
    return bool(check.operands) and len(check.arguments.get("sizes", ())) < len(check.operands[0].shape)


def _no_sizes(check: Check) -> bool:
    return "sizes" in check.arguments and len(check.arguments["sizes"]) == 0


def _shifts_and_dims_differ_in_length(check: Check) -> bool:
    shifts, dims = check.arguments.get("shifts"), check.arguments.get("dims")
    count = len(_as_tuple(dims)) if dims is not None else 0
    return isinstance(shifts, tuple) and len(shifts) != count


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
        id="zero-dim-takes-dim-0",
        ops=_labels(*_SCALAR_DIM_ARGUMENTS),
        summary="transpose, flip and movedim of a 0-d tensor take dim 0 and -1 (a no-op); NumPy raises AxisError",
        example="torch.tensor(5).transpose(0, -1)  # tensor(5); np.swapaxes(np.array(5), 0, -1)  # AxisError",
        reason="torch wraps the dims of a 0-d tensor as if it had one dim (maybe_wrap_dim with wrap_scalar), so "
        "0 and -1 name its only pseudo-dim; NumPy's 0-d arrays have no axis at all",
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
        reason="torch documents -1 as 'do not change this dim', not allowed for a new leading dim",
        torch_gives=Returns(_expand_keeps_minus_one, "-1 replaced by the input's size", where_reference_raises=True),
        when=lambda check: -1 in tuple(check.arguments.get("sizes", ())),
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html",
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
        when=lambda check: _fewer_sizes_than_dims(check) and not _no_sizes(check),
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.repeat.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="spread-sizes-need-one",
        ops=_labels("repeat", "expand"),
        summary="Tensor.repeat(*sizes) and Tensor.expand(*sizes) with no sizes at all raise TypeError; np.tile "
        "and np.broadcast_to take an empty tuple",
        example="torch.tensor(5).repeat()  # TypeError: missing 1 required positional argument; np.tile(np.array(5), ())",
        reason="their Python bindings take the sizes as varargs and require at least one (an empty tuple passed "
        "as one argument, x.repeat(()), is accepted)",
        torch_gives=Raises(TypeError, "missing 1 required positional argument"),
        when=_no_sizes,
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
]
