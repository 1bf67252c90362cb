"""Value strategies: arrays of each dtype with its special values, or well-conditioned ones.

Elements come from `hypothesis.extra.numpy.from_dtype`, which already favours
boundaries; the specials of each dtype (NaN, +-inf, +-0.0, the smallest subnormal,
the largest finite value, integer min and max) are mixed in explicitly so that
every run reaches them. `well_conditioned=True` keeps floats finite, normal and of
moderate magnitude, for ops whose tolerance needs it; `min_value`/`max_value`
express an op's domain (log of positives, say).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.layouts import Layout
from strategies.cache import built_once
from strategies.layouts import layouts as layout_strategy

WELL_CONDITIONED_MAGNITUDE = (1e-2, 1e2)
# arrays of more elements than this (the SIMD width) draw NaN and infinities in a branch of their own
FINITE_BRANCH_PAST = 64


def float_specials(dtype: dt.DType) -> list[float]:
    """The special values of a floating dtype (of each part of a complex one)."""
    largest, subnormal, tiny = dtype.largest, dtype.smallest_subnormal, dtype.smallest_normal
    return [math.nan, math.inf, -math.inf, 0.0, -0.0, subnormal, -subnormal, tiny, largest, -largest]


def integer_specials(dtype: dt.DType) -> list[int]:
    """0, 1 and the extremes of a bool or integer dtype."""
    if dtype.kind == "bool":
        return [False, True]
    info = np.iinfo(dtype.numpy)
    return sorted({0, 1, int(info.max), int(info.min), int(info.max) - 1, int(info.min) + 1})


def _within(value: float, low: float | None, high: float | None) -> bool:
    return math.isnan(value) or ((low is None or value >= low) and (high is None or value <= high))


def _representable(bound: float | None, dtype: dt.DType, *, up: bool) -> float | None:
    """A bound moved inward to the nearest value the dtype holds (Hypothesis insists on exact
    bounds, and a bfloat16 value rounded from inside such bounds stays inside them)."""
    if bound is None:
        return None
    part = dtype.part
    held = np.asarray(bound).astype(part)
    if up and held < bound:
        held = np.nextafter(held, part.type(np.inf))
    if not up and held > bound:
        held = np.nextafter(held, part.type(-np.inf))
    if dtype.name == "bfloat16":
        bits = np.asarray(held, dtype=np.float32).view(np.uint32)
        truncated = bits & np.uint32(0xFFFF0000)  # toward zero, to a bfloat16 value
        if truncated != bits and (held > 0) == up:  # the other way: one bfloat16 step away from zero
            truncated = truncated + np.uint32(0x10000)
        held = truncated.view(np.float32)
    return float(held)


class Constraints(NamedTuple):
    """What an element may be (see `elements`); hashable, so strategies are built once per set."""

    allow_nan: bool = True
    allow_infinity: bool = True
    allow_subnormal: bool = True
    min_value: float | None = None
    max_value: float | None = None
    nonzero: bool = False
    well_conditioned: bool = False


@functools.cache
def _integer_elements(dtype: dt.DType, c: Constraints) -> st.SearchStrategy:
    """Values of a bool or integer dtype as Python bools and ints (an array converts them as it
    stores them; `from_dtype`'s map to the NumPy type would cost a span at every element)."""
    min_value, max_value, nonzero = c.min_value, c.max_value, c.nonzero
    if dtype.kind == "bool":
        return st.just(True) if nonzero else st.one_of(st.booleans(), st.sampled_from(integer_specials(dtype)))
    info = np.iinfo(dtype.numpy)
    low = int(info.min) if min_value is None else max(math.ceil(min_value), int(info.min))
    high = int(info.max) if max_value is None else min(math.floor(max_value), int(info.max))
    # nonzero as two ranges, not a filter: the strategy stays one Hypothesis can reuse as an
    # array's fill value
    ranges = [(low, min(high, -1)), (max(low, 1), high)] if nonzero else [(low, high)]
    parts = [st.integers(a, b) for a, b in ranges if a <= b]
    specials = [v for v in integer_specials(dtype) if low <= v <= high and (v or not nonzero)]
    if specials:
        parts.append(st.sampled_from(specials))
    return st.one_of(parts)


def _float_ranges(low, high, smallest, nonzero) -> list[tuple[float | None, float | None]]:
    """[low, high] less the open interval (-smallest, smallest); the whole of it where `smallest`
    is None."""
    if smallest is None:
        return [(low, high)]
    below = (low, -smallest if high is None else min(high, -smallest))
    above = (smallest if low is None else max(low, smallest), high)
    return [(a, b) for a, b in (below, above) if a is None or b is None or a <= b]


@functools.cache
def _part_elements(dtype: dt.DType, constraints: Constraints) -> st.SearchStrategy[float]:
    """One real part of `dtype`'s values, as Python floats its part's NumPy float dtype holds
    exactly (float32 for bfloat16, not yet rounded to it: `_round_bfloat16` does that). Built of
    ranges and sampled specials, without filter, so Hypothesis can reuse its values (an array's
    fill value), and without `from_dtype`'s map to the NumPy type: an array converts its
    elements as it stores them, and a map costs a span at every element drawn."""
    c = constraints
    width = dtype.part.itemsize * 8
    low = _representable(c.min_value, dtype, up=True)
    high = _representable(c.max_value, dtype, up=False)
    finite = not c.allow_infinity or c.well_conditioned
    if finite and (dtype.name == "bfloat16" or not c.allow_nan):
        # bfloat16: float32 values past its largest would round to infinity. float16 and float32:
        # Hypothesis' floats of a narrower width draw float64 values and reject those that
        # overflow the width; without bounds, up to two in three of the examples of a test that
        # draws finite float16 values were invalid. (Where NaN is allowed the range stays open:
        # only an unbounded strategy draws NaN, with its sign and payload.)
        low = -dtype.largest if low is None else max(low, -dtype.largest)
        high = dtype.largest if high is None else min(high, dtype.largest)
    if c.well_conditioned:
        smallest = _representable(WELL_CONDITIONED_MAGNITUDE[0], dtype, up=True)
        largest = _representable(WELL_CONDITIONED_MAGNITUDE[1], dtype, up=False)
        low = -largest if low is None else max(low, -largest)
        high = largest if high is None else min(high, largest)
        parts = [
            st.floats(a, b, allow_nan=False, allow_infinity=False, width=width)
            for a, b in _float_ranges(low, high, smallest, c.nonzero)
        ]
        if not c.nonzero and low <= 0 <= high:
            parts.append(st.just(0.0))
        return st.one_of(parts)
    smallest = (dtype.smallest_subnormal if c.allow_subnormal else dtype.smallest_normal) if c.nonzero else None
    parts = [
        st.floats(
            a,
            b,
            allow_nan=c.allow_nan and a is None and b is None,
            allow_infinity=None if c.allow_infinity else False,
            allow_subnormal=None if c.allow_subnormal else False,  # None: wherever the range holds them
            width=width,
        )
        for a, b in _float_ranges(low, high, smallest, c.nonzero)
    ]
    specials = [
        v
        for v in float_specials(dtype)
        if _within(v, low, high)
        and (c.allow_nan or not math.isnan(v))
        and (c.allow_infinity or not math.isinf(v))
        and (c.allow_subnormal or not 0 < abs(v) < dtype.smallest_normal)
        and (v != 0 or not c.nonzero)
    ]
    if specials:
        parts.append(st.sampled_from(specials))
    return st.one_of(parts)


def _round_bfloat16(values):
    """float32 values rounded to the nearest bfloat16, kept in float32 (a scalar as a float)."""
    rounded = dt.round_to_bfloat16(np.asarray(values, dtype=np.float32))
    return rounded if isinstance(values, np.ndarray) else float(rounded)


def elements(dtype: dt.DType, **constraints) -> st.SearchStrategy:
    """Scalars of `dtype`: NumPy carrier values, bfloat16 as float32 values it represents exactly.

    `constraints` are `Constraints`' fields: `allow_nan`, `allow_infinity`, `allow_subnormal`,
    `min_value`, `max_value` (an op's domain), `nonzero`, `well_conditioned` (finite, 0 or of
    magnitude in `WELL_CONDITIONED_MAGNITUDE`). For complex dtypes they apply to each part;
    `nonzero` to the real part.
    """
    return _elements(dtype, Constraints(**constraints))


@functools.cache
def _elements(dtype: dt.DType, c: Constraints) -> st.SearchStrategy:
    if dtype.is_integral:
        return (
            _integer_elements(dtype, c) if dtype.kind == "bool" else _integer_elements(dtype, c).map(dtype.numpy.type)
        )
    part = _part_elements(dtype, c)
    if dtype.is_complex:
        return st.builds(complex, part, _part_elements(dtype, c._replace(nonzero=False)))
    return part.map(_round_bfloat16) if dtype.name == "bfloat16" else part.map(dtype.numpy.type)


def arrays(dtype: dt.DType, shape, *, unique: bool = False, **constraints) -> st.SearchStrategy[np.ndarray]:
    """NumPy carrier arrays of `dtype` and `shape` (a tuple or a strategy of tuples) whose
    elements are `elements(dtype, **constraints)`; `unique` draws distinct elements (no ties,
    no constant slices).

    The elements are drawn as Hypothesis' `arrays` draws them: a fill value and a few
    elements drawn one by one, where the element strategy allows it (it draws every element
    otherwise, at many times the cost). So bfloat16 arrays are drawn as float32 and rounded
    as a whole, and complex ones as pairs of parts; where NaN or infinities are allowed, half
    of the complex arrays draw each part on its own by class (NaN, an infinity, a signed zero,
    a finite value, equally often), so that a NaN or an infinity in one part beside a finite
    other part, the combinations C99 specifies complex functions by, are common rather than
    one element in tens.

    Where the constraints allow NaN or infinities in a floating or complex dtype, an array of
    more than `FINITE_BRANCH_PAST` elements draws them in a branch of its own, the less simple
    one (about two draws in five); its other draws are finite (signed zeros, subnormals and the
    extremes still among them). With NaN and infinities among the elements of every draw, two
    thirds of 300-element float32 arrays held one, and a sum's or a scan's result was then NaN
    or infinite wherever a bug could have shown; a small array still draws them among its
    elements, as an elementwise op's NaN handling needs.
    """
    c = Constraints(**constraints)
    if isinstance(shape, tuple):
        return _finite_or_not(dtype, shape, unique, c)
    return shape.flatmap(lambda drawn: _finite_or_not(dtype, drawn, unique, c))


@functools.lru_cache(maxsize=4096)
def _finite_or_not(dtype: dt.DType, shape: tuple[int, ...], unique: bool, c: Constraints) -> st.SearchStrategy:
    if dtype.is_integral or not (c.allow_nan or c.allow_infinity) or math.prod(shape) <= FINITE_BRANCH_PAST:
        return _arrays(dtype, shape, unique, c)
    finite = _arrays(dtype, shape, unique, c._replace(allow_nan=False, allow_infinity=False))
    return st.one_of(finite, _arrays(dtype, shape, unique, c))


@functools.lru_cache(maxsize=4096)
def _arrays(dtype: dt.DType, shape: tuple[int, ...], unique: bool, c: Constraints) -> st.SearchStrategy:
    """`arrays` of a fixed shape, built once per shape and constraints."""
    if dtype.is_integral:
        fill = None if unique else _fill(_integer_elements, dtype, c)
        return hnp.arrays(dtype.numpy, shape, elements=_integer_elements(dtype, c), fill=fill, unique=unique)
    if dtype.is_complex and not (unique or c.nonzero):
        fill = _fill(_part_elements, dtype, c)
        pairs = hnp.arrays(dtype.part, (*shape, 2), elements=_part_elements(dtype, c), fill=fill)
        pairs = pairs.map(lambda parts: parts.view(dtype.numpy)[..., 0])
        classes = _part_classes(dtype, c)
        if classes is None:
            return pairs
        part = hnp.arrays(dtype.part, shape, elements=classes, fill=classes)
        return st.one_of(pairs, st.tuples(part, part).map(lambda parts: _complex_of(dtype, *parts)))
    if dtype.name == "bfloat16" and not unique:
        fill = _fill(_part_elements, dtype, c)
        return hnp.arrays(np.float32, shape, elements=_part_elements(dtype, c), fill=fill).map(_round_bfloat16)
    if dtype.name in ("float16", "float32", "float64"):
        fill = None if unique else _fill(_part_elements, dtype, c)
        return hnp.arrays(dtype.numpy, shape, elements=_part_elements(dtype, c), fill=fill, unique=unique)
    # distinct bfloat16 values (rounded one by one), distinct complex ones, complex ones with a
    # nonzero real part: one by one
    return hnp.arrays(dtype.numpy, shape, elements=_elements(dtype, c), unique=unique)


@functools.cache
def _part_classes(dtype: dt.DType, c: Constraints) -> st.SearchStrategy[float] | None:
    """One part of a complex value by its class, each class the constraints allow equally often:
    NaN, an infinity, a signed zero, a finite value (C99's Annex G specifies complex functions by
    the classes of the two parts). None where neither NaN nor infinities are allowed."""
    if c.well_conditioned or not (c.allow_nan or c.allow_infinity):
        return None
    classes = [st.just(math.nan)] if c.allow_nan else []
    infinities = [v for v in (math.inf, -math.inf) if c.allow_infinity and _within(v, c.min_value, c.max_value)]
    zeros = [v for v in (0.0, -0.0) if _within(v, c.min_value, c.max_value)]
    classes += [st.sampled_from(values) for values in (infinities, zeros) if values]
    classes.append(_part_elements(dtype, c._replace(allow_nan=False, allow_infinity=False)))
    return st.one_of(classes)


def _complex_of(dtype: dt.DType, real: np.ndarray, imag: np.ndarray) -> np.ndarray:
    values = np.empty(real.shape, dtype=dtype.numpy)
    values.real, values.imag = real, imag
    return values


@functools.cache
def _fill(strategy, dtype: dt.DType, c: Constraints) -> st.SearchStrategy:
    """The value Hypothesis' `arrays` repeats over the elements it does not draw one by one (most
    of a large array's): a nonzero one in most draws. As the element strategy itself (`arrays`'
    default), the fill is Hypothesis' simplest value, 0, in most of a short run's examples, so a
    SIMD-tier array is zeros but for a few dozen elements, and a kernel that drops or misreads its
    vector loop's tail (a scan, a sum) still gives the right result."""
    nonzero = strategy(dtype, c._replace(nonzero=True))
    return st.one_of(nonzero, strategy(dtype, c))


@built_once
def array_inputs(
    dtype: dt.DType | st.SearchStrategy[dt.DType],
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    *,
    layouts: st.SearchStrategy[Layout] | None = None,
    unique: bool = False,
    **constraints,
) -> st.SearchStrategy[ArrayInput]:
    """An `ArrayInput`: values of `dtype` and `shape` in a drawn memory layout.

    `layouts` defaults to every layout `strategies.layouts.layouts` draws (no
    negative strides); pass `st.just(CONTIGUOUS)` where the layout is not what a
    check is about. The strategy is built once per arguments (`strategies.cache.built_once`).
    """
    return _array_inputs(dtype, shape, layouts=layouts, unique=unique, **constraints)


@st.composite
def _array_inputs(
    draw: st.DrawFn,
    dtype: dt.DType | st.SearchStrategy[dt.DType],
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    *,
    layouts: st.SearchStrategy[Layout] | None = None,
    unique: bool = False,
    **constraints,
) -> ArrayInput:
    dtype = draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype
    shape = draw(shape) if isinstance(shape, st.SearchStrategy) else tuple(shape)
    layout = draw(layouts if layouts is not None else layout_strategy(shape))
    values = draw(arrays(dtype, shape, unique=unique, **constraints))
    return ArrayInput(layout.logical_values(values), dtype, layout)
