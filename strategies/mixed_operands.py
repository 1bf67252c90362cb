"""Operands of other kinds than tensors, as users mix them into tensor ops and constructors.

- `python_scalars_of_every_magnitude(dtype, kind)`: Python bools, ints, floats and complex
  numbers from small values to the dtype's edges and beyond its range, up to ints past 64 bits.
- `numpy_scalars(name)`: NumPy scalars (`np.int8(3)`, `np.float32(1.5)`, ...) of a NumPy dtype.
- `ndarrays(dtype, shape)`: NumPy arrays in every layout NumPy has (negative strides included).
- `zero_dim_inputs(dtypes)`: 0-d tensors of a drawn dtype.
- `deep_data(kinds)`: nested lists and tuples of any depth (up to 8), mixing Python scalars with
  NumPy scalars where asked.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from conformance import dtypes as dt
from conformance.backends import NUMPY
from conformance.dtypes import INT64_MAX, INT64_MIN, UINT64_MAX
from conformance.inputs import ArrayInput
from strategies.cache import built_once
from strategies.layouts import layouts
from strategies.python_data import python_scalars
from strategies.shapes import shapes
from strategies.values import array_inputs, elements

PYTHON_KINDS = ("bool", "int", "float", "complex")


def _int_edges(dtype: dt.DType) -> list[int]:
    """Ints at and just past the dtype's range, and at the 64-bit boundaries torch converts through."""
    edges = {0, 1, -1, INT64_MIN, INT64_MAX, INT64_MAX + 1, UINT64_MAX}
    if dtype.is_integral:
        low, high = int(dtype.lowest), int(dtype.largest)
        edges |= {low, high, low - 1, high + 1}
    return sorted(edges)


def python_ints(dtype: dt.DType, *, beyond_64_bits: bool = True) -> st.SearchStrategy[int]:
    """Python ints of every magnitude next to a tensor of `dtype`: inside its range (an integer
    dtype's), at its edges and just past them, anywhere in [-2**63, 2**64), and, where
    `beyond_64_bits`, past 64 bits (torch raises OverflowError there; NumPy computes with float
    tensors and raises with integer ones) and past float64's range (NumPy raises there too)."""
    inside = (
        st.integers(int(dtype.lowest), int(dtype.largest)) if dtype.kind in ("int", "uint") else st.integers(-100, 100)
    )
    edges = [v for v in _int_edges(dtype) if beyond_64_bits or INT64_MIN <= v <= UINT64_MAX]
    options = [inside, st.sampled_from(edges), st.integers(INT64_MIN, UINT64_MAX)]
    if beyond_64_bits:
        # past 64 bits, within float64's range (NumPy's float arrays compute) and past it (NumPy
        # raises OverflowError converting the int)
        options.append(
            st.integers(UINT64_MAX + 1, 2**200)
            | st.integers(-(2**200), INT64_MIN - 1)
            | st.integers(2**1024, 2**1100)
            | st.integers(-(2**1100), -(2**1024))
        )
    return st.one_of(*options)


def _float_edges(dtype: dt.DType) -> list[float]:
    """Floats at the edges of the tensor dtype's range (of each part) and past them."""
    part = dtype if dtype.kind in ("float", "complex") else dt.dtype("float32")  # integral: the default float
    largest, subnormal = part.largest, part.smallest_subnormal
    return [largest, -largest, largest * 2, -largest * 4, subnormal, -subnormal, subnormal / 4, part.smallest_normal]


def python_floats(dtype: dt.DType) -> st.SearchStrategy[float]:
    """Python floats of every magnitude: moderate ones, the tensor dtype's edges (its largest
    value, past it, its smallest subnormal, below it), and any float (NaN, infinities, signed zeros)."""
    return st.one_of(
        st.floats(-1e4, 1e4),
        st.sampled_from(_float_edges(dtype)),
        python_scalars(("float",)),
    )


def python_scalars_of_every_magnitude(
    dtype: dt.DType, kind: str, *, beyond_64_bits: bool = True
) -> st.SearchStrategy[object]:
    """A Python scalar of `kind` (bool, int, float, complex) to mix with a tensor of `dtype`."""
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return python_ints(dtype, beyond_64_bits=beyond_64_bits)
    if kind == "float":
        return python_floats(dtype)
    if kind == "complex":
        parts = python_floats(dtype)
        return st.builds(complex, parts, parts)
    raise ValueError(f"no Python scalar of kind {kind!r}")


def numpy_scalars(name: str) -> st.SearchStrategy[np.generic]:
    """NumPy scalars of the native NumPy dtype `name`, its special values included."""
    dtype = dt.dtype(name)
    if not dtype.native_numpy:
        raise ValueError(f"NumPy has no {name} scalar")
    return elements(dtype).map(dtype.numpy.type)


def ndarrays(dtype: dt.DType, shape: tuple[int, ...], **constraints) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of `dtype` (native to NumPy) and `shape`, in every layout NumPy has
    (negative strides and stride-0 dims included)."""
    return array_inputs(dtype, shape, layouts=layouts(shape, allow_negative_strides=True), **constraints).map(
        NUMPY.build
    )


def zero_dim_inputs(names: tuple[str, ...], **constraints) -> st.SearchStrategy[ArrayInput]:
    """0-d tensor inputs of one of `names`."""
    return st.sampled_from([dt.dtype(n) for n in names]).flatmap(lambda d: array_inputs(d, (), **constraints))


# ---------------------------------------------------------------------------
# Nested Python data


def _nest(flat: list, shape: tuple[int, ...], containers: list[type]) -> object:
    if not shape:
        return flat[0]
    step = math.prod(shape[1:])
    return containers[0](_nest(flat[i * step : (i + 1) * step], shape[1:], containers[1:]) for i in range(shape[0]))


@built_once
@st.composite
def deep_data(
    draw: st.DrawFn,
    scalars: st.SearchStrategy[object],
    *,
    min_dims: int = 1,
    max_dims: int = 8,
) -> object:
    """Rectangular nested lists/tuples of `scalars`, `min_dims` to `max_dims` deep (sides of
    1 to 3 below the fourth level, so the deepest stay small), each level a list or a tuple."""
    shape = draw(shapes(min_dims=min_dims, max_dims=max_dims, max_side=3, max_elements=64), label="shape")
    flat = draw(st.lists(scalars, min_size=math.prod(shape), max_size=math.prod(shape)), label="scalars")
    if not shape:
        return flat[0] if flat else draw(scalars)
    containers = draw(st.lists(st.sampled_from([list, tuple]), min_size=len(shape), max_size=len(shape)))
    return _nest(flat, shape, containers)
