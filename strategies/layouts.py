"""Layout strategies: contiguous, permuted, stepped, offset, expanded (stride 0) and flipped views."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from conformance.layouts import CONTIGUOUS, Layout
from strategies.chance import one_in

# one layout in this many is contiguous; the others are views (contiguous where every part is simplest)
CONTIGUOUS_ONE_IN = 3


def _marked(draw: st.DrawFn, dims: list[int]) -> tuple[int, ...]:
    """A subset of `dims`: none in half the draws, else each dim in or out (one boolean each,
    which shrinks toward fewer)."""
    if not dims or not draw(st.booleans()):
        return ()
    return tuple(d for d in dims if draw(st.booleans()))


# the parts of a view, built once each rather than at every draw (a strategy built anew is
# validated anew, which cost more than the draw)
_integers = functools.cache(st.integers)


@functools.cache
def _steps(ndim: int, max_step: int) -> st.SearchStrategy[tuple[int, ...]]:
    return st.tuples(*[_integers(1, max_step)] * ndim)


@functools.cache
def _permutations(ndim: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(ndim))


@st.composite
def _layouts(
    draw: st.DrawFn,
    shape: tuple[int, ...],
    allow_expanded: bool,
    allow_negative_strides: bool,
    max_step: int,
    max_offset: int,
) -> Layout:
    if one_in(draw, CONTIGUOUS_ONE_IN, "contiguous"):
        return CONTIGUOUS
    ndim = len(shape)
    offset = draw(_integers(0, max_offset))
    steps = draw(_steps(ndim, max_step))
    perm = tuple(draw(_permutations(ndim))) if ndim > 1 else tuple(range(ndim))
    wide = [d for d, n in enumerate(shape) if n > 1]
    expanded = _marked(draw, wide) if allow_expanded else ()
    flip_candidates = [d for d in wide if d not in expanded]
    flipped = _marked(draw, flip_candidates) if allow_negative_strides else ()
    view = Layout(offset=offset, steps=steps, perm=perm, expanded=expanded, flipped=flipped)
    # a view with every part at its simplest is the contiguous layout, and is told as one
    return CONTIGUOUS if view.kind == CONTIGUOUS.kind else view


@functools.lru_cache(maxsize=4096)
def layouts(
    shape: tuple[int, ...],
    *,
    allow_expanded: bool = True,
    allow_negative_strides: bool = False,
    max_step: int = 3,
    max_offset: int = 3,
) -> st.SearchStrategy[Layout]:
    """A memory layout for a view of `shape`; shrinks toward the contiguous layout.

    One draw in three is contiguous (`strategies.chance.one_in`); the others combine an offset
    into the buffer, a step per dim, a permutation of the dims, stride-0 (expanded) dims where
    `allow_expanded`, and negative strides where `allow_negative_strides` (NumPy and CuPy only:
    torch builds those dims as a flipped copy), and are contiguous where every part is at its
    simplest, as in the simplest example. (As a `one_of` of the contiguous layout and a view,
    the contiguous branch, Hypothesis' simplest, took two thirds of a short run's examples.)
    """
    return _layouts(shape, allow_expanded, allow_negative_strides, max_step, max_offset)


@functools.lru_cache(maxsize=4096)
def writable_layouts(shape: tuple[int, ...], **options) -> st.SearchStrategy[Layout]:
    """Layouts that an in-place operation may write through (no stride-0 dims)."""
    return layouts(shape, allow_expanded=False, **options)
