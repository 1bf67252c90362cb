"""Value strategies: arrays of each dtype with its special values, or well-conditioned ones.

Elements come from `hypothesis.extra.numpy.from_dtype`, which already favours
boundaries; the specials of each dtype (NaN, +-inf, +-0.0, the smallest subnormal,
the largest finite value, integer min and max) are mixed in explicitly so that
every run reaches them. `well_conditioned=True` keeps floats finite, normal and of
moderate magnitude, for ops whose tolerance needs it; `min_value`/`max_value`
express an op's domain (log of positives, say).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.layouts import Layout
from strategies.layouts import layouts as layout_strategy

WELL_CONDITIONED_MAGNITUDE = (1e-2, 1e2)

# bfloat16's extremes, held in float32 (NumPy has no bfloat16).
_BFLOAT16_MAX = float(np.array(0x7F7F0000, dtype=np.uint32).view(np.float32))
_BFLOAT16_SMALLEST_SUBNORMAL = float(np.array(0x00010000, dtype=np.uint32).view(np.float32))


def _part_dtype(dtype: dt.DType) -> np.dtype:
    """The NumPy float dtype of one real component of `dtype`'s values."""
    if dtype.kind == "complex":
        return np.dtype(np.float32 if dtype.name == "complex64" else np.float64)
    return np.dtype(np.float32) if dtype.name == "bfloat16" else dtype.numpy


def float_specials(dtype: dt.DType) -> list[float]:
    """The special values of a floating dtype (of each part of a complex one)."""
    if dtype.name == "bfloat16":
        largest, tiny, subnormal = _BFLOAT16_MAX, float(np.finfo(np.float32).tiny), _BFLOAT16_SMALLEST_SUBNORMAL
    else:
        info = np.finfo(_part_dtype(dtype))
        largest, tiny, subnormal = float(info.max), float(info.tiny), float(info.smallest_subnormal)
    return [math.nan, math.inf, -math.inf, 0.0, -0.0, subnormal, -subnormal, tiny, largest, -largest]


def integer_specials(dtype: dt.DType) -> list[int]:
    """0, 1 and the extremes of a bool or integer dtype."""
    if dtype.kind == "bool":
        return [False, True]
    info = np.iinfo(dtype.numpy)
    return sorted({0, 1, int(info.max), int(info.min), int(info.max) - 1, int(info.min) + 1})


def _within(value: float, low: float | None, high: float | None) -> bool:
    return math.isnan(value) or ((low is None or value >= low) and (high is None or value <= high))


def _integer_elements(dtype: dt.DType, min_value, max_value, nonzero: bool) -> st.SearchStrategy:
    if dtype.kind == "bool":
        base = st.booleans()
        low = high = None
    else:
        low = None if min_value is None else math.ceil(min_value)
        high = None if max_value is None else math.floor(max_value)
        base = hnp.from_dtype(dtype.numpy, min_value=low, max_value=high)
    specials = [v for v in integer_specials(dtype) if _within(v, low, high) and (v or not nonzero)]
    strategy = st.one_of(base, st.sampled_from(specials)) if specials else base
    return strategy.filter(bool) if nonzero else strategy


def _representable(bound: float | None, part_dtype: np.dtype, *, up: bool) -> float | None:
    """A bound moved inward to the nearest value the dtype holds (Hypothesis insists on exact bounds)."""
    if bound is None:
        return None
    held = np.asarray(bound).astype(part_dtype)
    if up and held < bound:
        held = np.nextafter(held, part_dtype.type(np.inf))
    if not up and held > bound:
        held = np.nextafter(held, part_dtype.type(-np.inf))
    return float(held)


def _float_part(
    dtype: dt.DType, *, allow_nan, allow_infinity, allow_subnormal, min_value, max_value, nonzero, well_conditioned
) -> st.SearchStrategy[float]:
    part_dtype = _part_dtype(dtype)
    min_value, max_value = (
        _representable(min_value, part_dtype, up=True),
        _representable(max_value, part_dtype, up=False),
    )
    if well_conditioned:
        smallest, largest = WELL_CONDITIONED_MAGNITUDE
        low = -largest if min_value is None else max(min_value, -largest)
        high = largest if max_value is None else min(max_value, largest)
        part = hnp.from_dtype(
            part_dtype, min_value=low, max_value=high, allow_nan=False, allow_infinity=False, allow_subnormal=False
        )
        part = part.filter(lambda x: abs(x) >= smallest or x == 0)
    else:
        tiny = float(np.finfo(part_dtype).tiny)
        part = hnp.from_dtype(
            part_dtype,
            min_value=min_value,
            max_value=max_value,
            allow_nan=allow_nan,
            allow_infinity=None if allow_infinity else False,
            allow_subnormal=allow_subnormal,
        )
        specials = [
            v
            for v in float_specials(dtype)
            if _within(v, min_value, max_value)
            and (allow_nan or not math.isnan(v))
            and (allow_infinity or not math.isinf(v))
            and (allow_subnormal or not 0 < abs(v) < tiny)
        ]
        part = st.one_of(part, st.sampled_from(specials)) if specials else part
    if dtype.name == "bfloat16":
        # Round to bfloat16 and keep the constraints the rounding may break.
        part = part.map(lambda x: float(dt.round_to_bfloat16(np.float32(x)))).filter(
            lambda x: (
                _within(x, min_value, max_value)
                and (allow_infinity or not math.isinf(x))
                and (not well_conditioned or math.isfinite(x))
            )
        )
    return part.filter(lambda x: x != 0) if nonzero else part


def elements(
    dtype: dt.DType,
    *,
    allow_nan: bool = True,
    allow_infinity: bool = True,
    allow_subnormal: bool = True,
    min_value: float | None = None,
    max_value: float | None = None,
    nonzero: bool = False,
    well_conditioned: bool = False,
) -> st.SearchStrategy:
    """Scalars of `dtype`: NumPy carrier values, bfloat16 as float32 values it represents exactly.

    For complex dtypes the constraints apply to each part; `nonzero` to the real part.
    """
    if dtype.is_integral:
        return _integer_elements(dtype, min_value, max_value, nonzero)
    options = dict(
        allow_nan=allow_nan,
        allow_infinity=allow_infinity,
        allow_subnormal=allow_subnormal,
        min_value=min_value,
        max_value=max_value,
        well_conditioned=well_conditioned,
    )
    if dtype.is_complex:
        return st.builds(
            complex, _float_part(dtype, nonzero=nonzero, **options), _float_part(dtype, nonzero=False, **options)
        )
    return _float_part(dtype, nonzero=nonzero, **options)


def arrays(dtype: dt.DType, shape, *, unique: bool = False, **constraints) -> st.SearchStrategy[np.ndarray]:
    """NumPy carrier arrays of `dtype` and `shape` (a tuple or a strategy of tuples); `unique`
    draws distinct elements (no ties, no constant slices)."""
    return hnp.arrays(dtype.numpy, shape, elements=elements(dtype, **constraints), unique=unique)


@st.composite
def array_inputs(
    draw: st.DrawFn,
    dtype: dt.DType | st.SearchStrategy[dt.DType],
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    *,
    layouts: st.SearchStrategy[Layout] | None = None,
    unique: bool = False,
    **constraints,
) -> ArrayInput:
    """An `ArrayInput`: values of `dtype` and `shape` in a drawn memory layout.

    `layouts` defaults to every layout `strategies.layouts.layouts` draws (no
    negative strides); pass `st.just(CONTIGUOUS)` where the layout is not what a
    check is about.
    """
    dtype = draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype
    shape = draw(shape) if isinstance(shape, st.SearchStrategy) else tuple(shape)
    layout = draw(layouts if layouts is not None else layout_strategy(shape))
    values = draw(arrays(dtype, shape, unique=unique, **constraints))
    return ArrayInput(layout.logical_values(values), dtype, layout)
