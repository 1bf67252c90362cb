"""Shape strategies: bounded element counts, 0-d, zero-size and size-1 dims."""

from __future__ import annotations

import functools
import math

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_DIMS = 6
MAX_SIDE = 8
MAX_ELEMENTS = 4096


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
    left, so no draw is rejected. Shrinks toward fewer dims and smaller sides
    (0-d first; zero-size dims where `min_side` is 0).
    """
    if not 0 <= min_dims <= max_dims:
        raise ValueError(f"need 0 <= min_dims <= max_dims, got {min_dims}, {max_dims}")
    if min_side > max_side or min_side**min_dims > max_elements:
        raise ValueError(f"no shape of {min_dims} dims with sides >= {min_side} has <= {max_elements} elements")
    ndim = draw(st.integers(min_dims, max_dims))
    shape: list[int] = []
    for position in range(ndim):
        used = math.prod(n for n in shape if n > 0)
        remaining_dims = ndim - position - 1
        # Leave room for the dims still to draw at their smallest non-zero size.
        room = max_elements // (used * max(min_side, 1) ** remaining_dims)
        side = draw(st.integers(min_side, max(min_side, min(max_side, room))))
        shape.append(side)
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

    Hypothesis' `mutually_broadcastable_shapes` draws rank extension and size-1 dims
    in any position; the result's element count is kept under `max_elements`.
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ).filter(lambda drawn: math.prod(drawn.result_shape) <= max_elements)


def prime_factors(n: int) -> list[int]:
    """The prime factors of n, with repeats: the sides a reshape target can regroup."""
    factors, k = [], 2
    while n > 1:
        while n % k == 0:
            factors.append(k)
            n //= k
        k += 1
    return factors


@st.composite
def non_broadcastable_shapes(
    draw: st.DrawFn, *, max_dims: int = 4, max_side: int = 5
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that do not broadcast: one dim where both sides differ and neither is 1."""
    base = draw(shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=max_side, max_elements=256))
    axis = draw(st.integers(0, len(base) - 1))
    left = draw(st.integers(2, max_side + 1))
    right = draw(st.integers(2, max_side + 1).filter(lambda n: n != left))
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


@st.composite
def sized_shapes(
    draw: st.DrawFn, *, min_dims: int = 0, max_dims: int = 4, max_side: int = MAX_SIDE, large: bool = True
) -> tuple[int, ...]:
    """Shapes in three tiers, so vectorised and multithreaded kernels are compared too.

    Seven draws in ten are small `shapes` (every rank, zero-size and size-1 dims); two in
    ten end in a dim of 64k + t elements (t in 1..63: a vector loop and its scalar tail);
    one in ten (where `large`) holds more than 32,768 elements, past torch's parallel grain,
    with up to `LARGE_ELEMENTS`. The tier draw shrinks toward the small tier.
    """
    tier = draw(st.integers(0, 9), label="size tier")
    if tier < 7 or (tier == 9 and not large):
        return draw(shapes(min_dims=min_dims, max_dims=max_dims, max_side=max_side))
    leading = draw(
        shapes(min_dims=max(min_dims - 1, 0), max_dims=max(max_dims - 1, 0), min_side=1, max_side=3, max_elements=4),
        label="leading dims",
    )
    if tier < 9:
        last = SIMD_WIDTH * draw(st.integers(1, 8)) + draw(st.integers(1, SIMD_WIDTH - 1), label="tail")
    else:
        outer = math.prod(leading)
        last = draw(st.integers(PARALLEL_GRAIN // outer + 1, LARGE_ELEMENTS // outer), label="large dim")
    return (*leading, last)
