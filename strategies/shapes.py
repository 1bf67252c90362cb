"""Shape strategies: bounded element counts, 0-d, zero-size and size-1 dims."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from strategies.cache import built_once
from strategies.chance import one_in

MAX_DIMS = 6
MAX_SIDE = 8
MAX_ELEMENTS = 4096
# one shape in this many is 0-d, one in this many of the others has a zero-size dim
RARE_SHAPE_ONE_IN = 8
# one side in this many is 1 (where the budget leaves room for more)
SIZE_ONE_ONE_IN = 4


@built_once
@st.composite
def shapes(
    draw: st.DrawFn,
    *,
    min_dims: int = 0,
    max_dims: int = MAX_DIMS,
    min_side: int = 0,
    max_side: int = MAX_SIDE,
    max_elements: int = MAX_ELEMENTS,
) -> tuple[int, ...]:
    """A shape of `min_dims`..`max_dims` dims whose element count stays <= `max_elements`.

    Sides are drawn one after another, each bounded by what the element budget has
    left, so no draw is rejected. The degenerate shapes are rare branches of their own
    (`strategies.chance.one_in`): one shape in eight is 0-d (where `min_dims` is 0), one in
    eight of the others has a zero-size dim (where `min_side` is 0), and one side in four is 1;
    the other sides are 2 or more. Drawn as plain integers, the rank and the sides would take
    their simplest value in a third of a short run's examples (Hypothesis favours it), and more
    than half of those examples would hold at most one element. Shrinks toward fewer dims and
    smaller sides within the branch a failure needs: a 1-d shape of two elements, or 0-d, or
    size-1 or zero-size dims.
    """
    if not 0 <= min_dims <= max_dims:
        raise ValueError(f"need 0 <= min_dims <= max_dims, got {min_dims}, {max_dims}")
    if min_side > max_side or min_side**min_dims > max_elements:
        raise ValueError(f"no shape of {min_dims} dims with sides >= {min_side} has <= {max_elements} elements")
    if max_dims == 0 or (min_dims == 0 and one_in(draw, RARE_SHAPE_ONE_IN, "0-d")):
        return ()
    ndim = draw(st.integers(max(min_dims, 1), max_dims), label="dims")
    least = max(min_side, 1) if max_side >= 1 and max_elements >= 1 else min_side
    shape: list[int] = []
    for position in range(ndim):
        used = math.prod(shape)
        remaining_dims = ndim - position - 1
        # Leave room for the dims still to draw at their smallest size.
        room = max_elements // max(used * least**remaining_dims, 1)
        high = max(least, min(max_side, room))
        if least == 1 and high >= 2:
            side = 1 if one_in(draw, SIZE_ONE_ONE_IN, "size-1 dim") else draw(st.integers(2, high), label="side")
        else:
            side = draw(st.integers(least, high), label="side")
        shape.append(side)
    if min_side == 0 and least > 0 and one_in(draw, RARE_SHAPE_ONE_IN, "a zero-size dim"):
        shape[draw(st.integers(0, ndim - 1), label="zero-size dim")] = 0
    return tuple(shape)


@functools.cache
def broadcastable_shapes(
    num_shapes: int = 2,
    *,
    min_dims: int = 0,
    max_dims: int = 4,
    min_side: int = 0,
    max_side: int = 5,
    max_elements: int = MAX_ELEMENTS,
) -> st.SearchStrategy[hnp.BroadcastableShapes]:
    """`num_shapes` mutually broadcastable shapes and their result shape.

    A target shape is drawn from `shapes` (its 0-d, zero-size and size-1 dims as rare branches),
    and each operand takes it with its leading dims dropped (one operand in three: rank
    extension) and each dim made 1 (one in three: a broadcast dim); the result is what NumPy
    broadcasts them to, within `max_elements`. Hypothesis' `mutually_broadcastable_shapes`
    draws the same space, but its simplest values dominate a short run: 64% of its results held
    at most one element (27% 0-d), and only 9% broadcast a leading dim of the first operand.
    """
    return _broadcastable(num_shapes, min_dims, max_dims, min_side, max_side, max_elements)


@st.composite
def _broadcastable(draw, num_shapes, min_dims, max_dims, min_side, max_side, max_elements) -> hnp.BroadcastableShapes:
    target = draw(
        shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side, max_elements=max_elements),
        label="broadcast shape",
    )
    inputs = []
    for _ in range(num_shapes):
        spare = len(target) - min_dims
        dropped = draw(st.integers(1, spare), label="dims dropped") if spare and one_in(draw, 3, "fewer dims") else 0
        inputs.append(tuple(1 if one_in(draw, 3, "broadcast dim") else n for n in target[dropped:]))
    return hnp.BroadcastableShapes(tuple(inputs), tuple(np.broadcast_shapes(*inputs)))


def prime_factors(n: int) -> list[int]:
    """The prime factors of n, with repeats: the sides a reshape target can regroup."""
    factors, k = [], 2
    while n > 1:
        while n % k == 0:
            factors.append(k)
            n //= k
        k += 1
    return factors


@built_once
@st.composite
def non_broadcastable_shapes(
    draw: st.DrawFn, *, max_dims: int = 4, max_side: int = 5
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that do not broadcast: one dim where both sides differ and neither is 1."""
    base = draw(shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=max_side, max_elements=256))
    axis = draw(st.integers(0, len(base) - 1))
    left = draw(st.integers(2, max_side + 1))
    # any other side of 2..max_side + 1, drawn without a filter (which rejected a third of the examples)
    right = draw(st.integers(2, max_side))
    right += right >= left
    first = list(base)
    second = list(base)
    first[axis], second[axis] = left, right
    drop = draw(st.integers(0, axis))  # rank extension on the other side keeps them incompatible
    return tuple(first), tuple(second[drop:])


# torch's CPU kernels run vectorised loops over the innermost dim, in vectors of up to 64
# elements (int8 on AVX-512), and split work between threads above an internal grain of
# 32,768 elements (at::internal::GRAIN_SIZE).
SIMD_WIDTH = 64
PARALLEL_GRAIN = 32_768
LARGE_ELEMENTS = 2 * PARALLEL_GRAIN + SIMD_WIDTH + 1


@built_once
@st.composite
def sized_shapes(
    draw: st.DrawFn, *, min_dims: int = 0, max_dims: int = 4, max_side: int = MAX_SIDE, large: bool = True
) -> tuple[int, ...]:
    """Shapes in three tiers, so vectorised and multithreaded kernels are compared too.

    Seven draws in ten are small `shapes` (every rank, zero-size and size-1 dims); two in
    ten end in a dim of 64k + t elements (t in 1..63: a vector loop and its scalar tail);
    one in ten (where `large`) holds more than 32,768 elements, past torch's parallel grain,
    with up to `LARGE_ELEMENTS`. Half the long shapes are that dim alone (where `min_dims`
    allows), the others have up to 4 elements in small leading dims. The tier draw shrinks
    toward the small tier.
    """
    tier = draw(st.integers(0, 9), label="size tier")
    if tier < 7 or (tier == 9 and not large):
        return draw(shapes(min_dims=min_dims, max_dims=max_dims, max_side=max_side))
    leading = ()
    if max_dims > 1 and (min_dims > 1 or not one_in(draw, 2, "the long dim alone")):
        leading = draw(
            shapes(
                min_dims=max(min_dims - 1, 1), max_dims=max(max_dims - 1, 1), min_side=1, max_side=3, max_elements=4
            ),
            label="leading dims",
        )
    if tier < 9:
        last = SIMD_WIDTH * draw(st.integers(1, 8)) + draw(st.integers(1, SIMD_WIDTH - 1), label="tail")
    else:
        outer = math.prod(leading)
        last = draw(st.integers(PARALLEL_GRAIN // outer + 1, LARGE_ELEMENTS // outer), label="large dim")
    return (*leading, last)
