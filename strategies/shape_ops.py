"""Operands and arguments of the shape ops (`conformance/ops/shapes.py`), by the op's `shapes` kind.

`shape_op_calls(op, dtype)` draws `(inputs, arguments)`: the input tensors in every layout
`strategies.layouts` knows (permuted, stepped, offset, stride 0), of sizes in the three
tiers of `sized_shapes` (small, SIMD tails, past the parallel grain), and the op's other
arguments over everything torch's signature accepts: negative dims, dims given as an int
or a tuple, omitted optional arguments, empty dim lists, zero sizes. A few draws in each
kind are invalid on purpose (a dim out of range, sizes that do not add up, a target shape
of another size), so that error parity is checked too.

Negative strides are left out: torch cannot hold them, so the harness builds such a layout
as a flipped copy on torch's side, and which results are views of it would no longer be the
layout's question.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops import Op
from strategies.cache import built_once
from strategies.chance import one_in
from strategies.layouts import layouts as all_layouts
from strategies.shapes import prime_factors, sized_shapes
from strategies.values import array_inputs

# Results stay under this many elements: tile, repeat and expand multiply the input's size.
MAX_RESULT = 1 << 17

# split and chunk into at most this many pieces: a bug in the pieces shows in the first ones and
# in the last, and each piece is compared on its own (a dim past the parallel grain split into
# single elements would take seconds)
MAX_PIECES = 64


def _dim(draw, ndim: int, *, extra: int = 0, label: str = "dim") -> int:
    """A dim of an array of `ndim` dims (0-d counts as one, as torch wraps it), as a positive or
    negative index; with `extra`, that many more positions (unsqueeze, stack insert a dim).
    One draw in twenty is out of range by one, on either side."""
    n = max(ndim, 1) + extra
    if one_in(draw, 20, f"{label} out of range"):
        return draw(st.sampled_from([n, -n - 1]), label=label)
    return draw(st.integers(-n, n - 1), label=label)


def _dims(draw, ndim: int, *, min_size: int = 0, label: str = "dims") -> tuple[int, ...]:
    """Distinct dims, each written positive or negative at random, in any order. How many is
    drawn first, as the number left out, so the simplest example names every dim: a list drawn
    element by element stops after each one with some chance, and a short run gave no dims at
    all in half its examples (flip then changes nothing)."""
    count = ndim - draw(st.integers(0, ndim - min(min_size, ndim)), label=f"how many {label} left out")
    chosen = draw(st.permutations(range(ndim)), label=label)[:count]
    return tuple(d - ndim if draw(st.booleans(), label="negative") else d for d in chosen)


@built_once
@st.composite
def reshape_targets(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Another shape of as many elements (its sides regrouped, with 1s and maybe one -1);
    one draw in ten has another element count (both sides must raise)."""
    size = math.prod(shape)
    if one_in(draw, 10, "target of another size"):
        return (size + draw(st.integers(1, 3)),)
    if size == 0:
        return draw(st.sampled_from([(0,), (0, *shape[1:]), shape[::-1], (2, 0, -1) if len(shape) else (0,)]))
    factors = draw(st.permutations(prime_factors(size)))
    groups = draw(st.integers(0, len(factors)), label="groups")
    cuts = sorted(draw(st.lists(st.integers(1, max(len(factors) - 1, 1)), max_size=max(groups - 1, 0), unique=True)))
    target, start = [], 0
    for cut in [*cuts, len(factors)] if factors else []:
        target.append(math.prod(factors[start:cut]))
        start = cut
    target = [n for n in target if n > 1] if len(target) > 1 else target
    for _ in range(draw(st.integers(0, 2), label="ones")):
        target.insert(draw(st.integers(0, len(target))), 1)
    if target and draw(st.booleans(), label="one -1"):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


@built_once
@st.composite
def _arguments(draw, kind: str, shape: tuple[int, ...]) -> dict:
    ndim = len(shape)
    size = math.prod(shape)
    if kind == "none":
        return {}
    if kind == "reshape":
        return {"shape": draw(reshape_targets(shape), label="shape")}
    if kind == "flatten":
        chosen = {}
        if draw(st.booleans(), label="start_dim given"):
            chosen["start_dim"] = _dim(draw, ndim, label="start_dim")
        if draw(st.booleans(), label="end_dim given"):
            chosen["end_dim"] = _dim(draw, ndim, label="end_dim")
        return chosen
    if kind == "squeeze":
        how = draw(st.sampled_from(["all", "one", "several"]), label="squeeze dims")
        if how == "all":
            return {}
        if how == "one":
            return {"dim": _dim(draw, ndim)}
        return {"dim": _dims(draw, ndim)}
    if kind == "unsqueeze":
        return {"dim": _dim(draw, ndim, extra=1)}
    if kind == "transpose":
        return {"dim0": _dim(draw, ndim, label="dim0"), "dim1": _dim(draw, ndim, label="dim1")}
    if kind == "permute":
        order = draw(st.permutations(range(ndim)), label="order")
        return {"dims": tuple(d - ndim if draw(st.booleans(), label="negative") else d for d in order)}
    if kind == "movedim":
        source = _dims(draw, ndim, label="source")
        destination = _dims(draw, ndim, min_size=len(source), label="destination")[: len(source)]
        if len(source) == 1 and draw(st.booleans(), label="as ints"):
            return {"source": source[0], "destination": destination[0]}
        return {"source": source, "destination": destination}
    if kind == "split":
        dim = _dim(draw, ndim)
        n = shape[dim] if -ndim <= dim < ndim else 0
        if draw(st.booleans(), label="a size for every piece"):
            pieces = draw(st.lists(st.integers(0, max(n, 1)), max_size=4), label="sizes")
            if pieces and draw(st.integers(0, 4), label="sizes that do not add up") > 0:
                pieces[-1] = max(n - sum(pieces[:-1]), 0)
            return {"split_size_or_sections": pieces or [n], "dim": dim}
        smallest = 0 if n == 0 else -(-n // MAX_PIECES)  # at most MAX_PIECES pieces
        return {"split_size_or_sections": draw(st.integers(smallest, n + 2), label="size"), "dim": dim}
    if kind == "chunk":
        dim = _dim(draw, ndim)
        n = shape[dim] if -ndim <= dim < ndim else 0
        chunks = st.integers(1, min(n, MAX_PIECES))
        if n <= MAX_PIECES:  # more chunks than elements gives n pieces: that many stay within the bound
            chunks |= st.integers(n + 1, n + 3)
        return {"chunks": draw(chunks if n else st.integers(1, 3), label="chunks"), "dim": dim}
    if kind == "flip":
        return {"dims": _dims(draw, ndim)}
    if kind == "roll":
        how = draw(st.sampled_from(["flattened", "one dim", "several dims"]), label="roll dims")
        shift = st.integers(-2 * max(shape, default=1) - 1, 2 * max(shape, default=1) + 1)
        if how == "flattened":
            return {"shifts": draw(shift, label="shifts")}
        if how == "one dim":
            return {"shifts": draw(shift, label="shifts"), "dims": _dim(draw, ndim)}
        dims = _dims(draw, ndim, min_size=1) if ndim else (0,)
        count = len(dims) + one_in(draw, 10, "one shift more than dims")
        return {"shifts": tuple(draw(shift, label="shift") for _ in range(count)), "dims": dims}
    room = max(2, MAX_RESULT // max(size, 1))
    if kind in ("tile", "repeat"):
        low = 0 if kind == "tile" else max(ndim - one_in(draw, 10, "fewer sizes"), 0)
        count = draw(st.integers(low, ndim + 2), label="how many")
        reps = []
        for _ in range(count):
            reps.append(draw(st.integers(0, min(3, room // max(math.prod(reps), 1))), label="rep"))
        return {"dims" if kind == "tile" else "sizes": tuple(reps)}
    if kind == "expand":
        sizes = []
        for n in shape:
            if n == 1:
                sizes.append(draw(st.sampled_from([-1, 0, 1, 2, 3]), label="size for a 1"))
            else:
                sizes.append(draw(st.sampled_from([n, -1]), label="same size"))
        leading = draw(st.lists(st.integers(0, 3), max_size=2), label="new leading sizes")
        if leading and one_in(draw, 20, "-1 for a new dim"):
            leading[0] = -1
        grown = [n if s == -1 else s for s, n in zip(sizes, shape, strict=True)]
        if math.prod(max(n, 1) for n in (*leading, *grown)) > MAX_RESULT:
            leading = []
        return {"sizes": (*leading, *sizes)}
    raise ValueError(f"no argument strategy for shape ops of kind {kind!r}")


@built_once
@st.composite
def _joined(draw, op: Op, dtype: dt.DType, layouts) -> tuple[dict[str, ArrayInput], dict]:
    """cat and stack: one to three tensors that fit along a drawn dim (cat: a legacy empty
    1-d tensor among them, one draw in eight; stack: one shape for all)."""
    count = draw(st.integers(1, len(op.operands)), label="tensors")
    base = draw(sized_shapes(min_dims=0 if op.shapes == "stack" else 1, max_dims=3, large=False), label="shape")
    ndim = len(base)
    if op.shapes == "stack":
        dim = _dim(draw, ndim, extra=1)
        shapes_ = [base] * count
    else:
        dim = _dim(draw, ndim)
        axis = dim % ndim if -ndim <= dim < ndim else None
        shapes_ = []
        for _ in range(count):
            shape = list(base)
            if axis is not None and draw(st.booleans(), label="another length along dim"):
                shape[axis] = draw(st.integers(0, 4), label="length")
            shapes_.append(tuple(shape))
        if one_in(draw, 8, "legacy empty tensor"):
            shapes_[draw(st.integers(0, count - 1))] = (0,)
    inputs = {
        operand.name: draw(array_inputs(dtype, shape, layouts=layouts(shape)), label=operand.name)
        for operand, shape in zip(op.operands, shapes_, strict=False)
    }
    return inputs, {"dim": dim}


@built_once
@st.composite
def shape_op_calls(draw, op: Op, dtype: dt.DType, *, layouts=all_layouts) -> tuple[dict[str, ArrayInput], dict]:
    """The tensors and the other arguments of one call of the shape op `op` on values of `dtype`.

    The input's shape comes from `sized_shapes` (0 to 4 dims: below two, mT raises on both
    sides); squeeze's has each dim made 1 in about two draws in five and zero to three more
    size-1 dims inserted anywhere (the dims it removes: without dims given it removes every one,
    so a shape of few dims, common in a short run, still holds several; otherwise a shape has
    two size-1 dims in one draw in twelve or so). `layouts(shape)` gives its layout."""
    if op.shapes in ("cat", "stack"):
        return draw(_joined(op, dtype, layouts))
    shape = draw(sized_shapes(max_dims=4), label="shape")
    if op.shapes == "squeeze":
        shape = [1 if one_in(draw, 2, "made size 1") else n for n in shape]
        for _ in range(draw(st.integers(0, 3), label="size-1 dims inserted")):
            shape.insert(draw(st.integers(0, len(shape)), label="at"), 1)
        shape = tuple(shape)
    inputs = {"x": draw(array_inputs(dtype, shape, layouts=layouts(shape)), label="x")}
    return inputs, draw(_arguments(op.shapes, shape), label="arguments")
