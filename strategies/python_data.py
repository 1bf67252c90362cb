"""Nested Python data (lists and tuples of scalars), as users hand it to `torch.tensor`."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from conformance.dtypes import INT64_MAX, INT64_MIN
from strategies.cache import built_once
from strategies.shapes import shapes


def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    edges = sorted({low, high, *(v for v in (0, 1, -1) if low <= v <= high)})
    return st.one_of(st.integers(low, high), st.sampled_from(edges))


def python_scalars(
    kinds: tuple[str, ...] = ("bool", "int", "float", "complex"),
    *,
    int_range: tuple[int, int] = (INT64_MIN, INT64_MAX),
) -> st.SearchStrategy:
    """Python scalars of the named kinds: ints in `int_range` (its ends included),
    floats with NaN, infinities, signed zeros and the smallest subnormal, complex numbers."""
    scalars = {
        "bool": st.booleans(),
        "int": _ints(*int_range),
        "float": st.one_of(st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 5e-324])),
        "complex": st.complex_numbers(),
    }
    return st.one_of(*(scalars[kind] for kind in kinds))


def _nest(flat: list, shape: tuple[int, ...], containers: list[type]) -> object:
    if not shape:
        return flat[0]
    step = math.prod(shape[1:])
    container = containers[0]
    return container(_nest(flat[i * step : (i + 1) * step], shape[1:], containers[1:]) for i in range(shape[0]))


@built_once
@st.composite
def nested_data(
    draw: st.DrawFn,
    kinds: tuple[str, ...] = ("bool", "int", "float", "complex"),
    *,
    max_dims: int = 4,
    int_range: tuple[int, int] = (INT64_MIN, INT64_MAX),
) -> object:
    """A scalar, or nested lists/tuples of scalars of `kinds`, rectangular (up to `max_dims` deep)."""
    shape = draw(shapes(max_dims=max_dims, max_side=4, max_elements=64))
    flat = draw(
        st.lists(python_scalars(kinds, int_range=int_range), min_size=math.prod(shape), max_size=math.prod(shape))
    )
    containers = draw(st.lists(st.sampled_from([list, tuple]), min_size=len(shape), max_size=len(shape)))
    if not shape:
        return draw(python_scalars(kinds, int_range=int_range))
    return _nest(flat, shape, containers)
