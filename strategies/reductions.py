"""Strategies for the reductions and scans: their inputs, and the arguments each catalog entry
says it takes (`dim` in every spelling, `keepdim`, `dtype=`, `correction`, `q`, `k`, ...).

`reduction_arguments(op, shape, dtype)` draws a dict of keyword arguments; an argument left
out of the dict is left out of the call (torch's default), which is its own case: `sum(x)` and
`sum(x, dim=None)` are different overloads. Tensor arguments (`q` as a tensor, `other`) are
`ArrayInput`s, built on both sides by the suite.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops.reduction_types import Reduction
from strategies.cache import built_once
from strategies.chance import one_in
from strategies.layouts import layouts as layout_strategy
from strategies.shapes import shapes, sized_shapes
from strategies.values import array_inputs

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
# one draw in this many spells a dim out of range, or repeats a dim of a tuple (both sides raise)
INVALID_ONE_IN = 16


def _rare(draw, label: str) -> bool:
    return one_in(draw, INVALID_ONE_IN, label)


@built_once
@st.composite
def int_dims(draw, ndim: int) -> int:
    """A dim of a tensor of `ndim` dims, as either sign spells it (a 0-d tensor takes 0 and -1 in
    torch); one draw in 16 is out of range. Counted from the innermost dim, so the innermost is
    the simplest (Hypothesis draws it in about half the examples): the dim torch's kernels
    vectorise along, and the one where `sized_shapes` puts its SIMD tail or its long dim."""
    n = max(ndim, 1)
    if _rare(draw, "dim out of range"):
        return draw(st.sampled_from([n, -n - 1]))
    dim = n - 1 - draw(st.integers(0, n - 1), label="dims in from the innermost")
    return dim - n if draw(st.booleans(), label="negative") else dim


@built_once
@st.composite
def tuple_dims(draw, ndim: int) -> tuple[int, ...]:
    """Distinct dims in any order, each spelled positive or negative; the empty tuple (which
    torch's sum reads as every dim, NumPy's as none) shrinks first; one draw in 16 repeats a dim."""
    n = max(ndim, 1)
    chosen = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n), label="dims")
    spelled = [d - n if draw(st.booleans()) else d for d in chosen]
    if spelled and _rare(draw, "a dim repeated"):
        spelled.append(spelled[0])
    return tuple(draw(st.permutations(spelled)))


@built_once
@st.composite
def _broadcast_partner(draw, dtype: dt.DType, shape: tuple[int, ...]) -> ArrayInput:
    """`other` of torch.max(x, other): a tensor of the same dtype whose shape broadcasts with x's."""
    kept = draw(st.integers(0, len(shape)), label="trailing dims of other")
    partner = tuple(1 if draw(st.booleans()) else n for n in shape[len(shape) - kept :])
    return draw(array_inputs(dtype, partner, layouts=layout_strategy(partner)), label="other")


@built_once
@st.composite
def dim_arguments(draw, op: Reduction, shape: tuple[int, ...], dtype: dt.DType, kinds: tuple[str, ...] = ()) -> dict:
    """`dim` as the op takes it (left out, None, an int, a tuple; `other` for max/min), and
    `keepdim` (left out, False or True) where a dim is given and the op takes one."""
    kind = draw(st.sampled_from(kinds or op.dims), label="dim given as")
    ndim = len(shape)
    if kind == "absent":
        return {}
    if kind == "other":
        return {"other": draw(_broadcast_partner(dtype, shape))}
    dim = {"none": st.none(), "int": int_dims(ndim), "tuple": tuple_dims(ndim)}[kind]
    arguments = {"dim": draw(dim, label="dim")}
    if op.keepdim:
        keepdim = draw(st.sampled_from(["absent", False, True]), label="keepdim")
        if keepdim != "absent":
            arguments["keepdim"] = keepdim
    return arguments


def castable_dtypes(source: dt.DType, names: tuple[str, ...]) -> list[dt.DType]:
    """The dtypes among `names` that `source` casts to within its kind (NumPy's 'same_kind', which
    its reductions' dtype= requires): torch also casts a float input to an integer dtype=, and
    converts NaN and out-of-range values as C leaves undefined; those casts are the promotion
    suite's subject."""
    return [dt.dtype(n) for n in names if np.can_cast(source.numpy, dt.dtype(n).numpy, "same_kind")]


def _size_along(shape: tuple[int, ...], dim) -> int:
    if not shape:
        return 1
    dim = -1 if dim is None else dim
    return shape[dim] if -len(shape) <= dim < len(shape) else 1


@built_once
@st.composite
def _q(draw, shape, dtype: dt.DType, arguments: dict):
    """quantile's q: a float in [0, 1], or (for float32 and float64 inputs) a 1-d tensor of them in
    the input's dtype; one draw in 16 out of [0, 1] (both sides raise). No q tensor for the dtypes
    quantile refuses: torch refuses the input's dtype whatever q is, and a q of another dtype than
    x's would be read as type promotion, which is the promotion suite's subject."""
    if _rare(draw, "q out of range"):
        return draw(st.sampled_from([-0.25, 1.5]))
    if dtype.name in ("float32", "float64") and draw(st.booleans(), label="q as a tensor"):
        count = draw(st.integers(0, 4), label="number of q")
        values = np.array(draw(st.lists(st.floats(0, 1, width=32), min_size=count, max_size=count)), dtype.numpy)
        return ArrayInput(values, dtype)
    return draw(st.floats(0, 1), label="q")


@built_once
@st.composite
def _k(draw, shape, dtype, arguments: dict) -> int:
    """topk's k: 0 to the size of the dim; one draw in 16 one past it (both sides raise)."""
    size = _size_along(shape, arguments.get("dim"))
    if _rare(draw, "k out of range"):
        return size + 1
    return draw(st.integers(0, size), label="k")


def _flag(shape, dtype, arguments):
    return st.booleans()


OPTIONS = {
    # torch's correction: an int or a float, 0 (population), 1 (sample, the default) or more than n
    "correction": lambda shape, dtype, arguments: st.one_of(st.integers(0, 3), st.sampled_from([0.5, 1.5])),
    "q": _q,
    "interpolation": lambda shape, dtype, arguments: st.sampled_from(INTERPOLATIONS),
    "k": _k,
    "largest": _flag,
    "sorted": _flag,
    "descending": _flag,
    "stable": _flag,
    "return_inverse": _flag,
    "return_counts": _flag,
}


@built_once
@st.composite
def reduction_arguments(
    draw, op: Reduction, shape: tuple[int, ...], dtype: dt.DType, *, dim_kinds: tuple[str, ...] = ()
) -> dict:
    """Every argument of `op` for an input of `shape` and `dtype`: the dims (of `dim_kinds`, by
    default every spelling the op takes), keepdim, `dtype=` (left out half the time) and each of
    its options, each left out or given."""
    arguments = draw(dim_arguments(op, shape, dtype, dim_kinds))
    if op.dtype_argument and draw(st.booleans(), label="dtype= given"):
        castable = castable_dtypes(dtype, op.dtype_argument)
        if castable:
            arguments["dtype"] = draw(st.sampled_from(castable), label="dtype=")
    for name in op.options:
        required = name in ("q", "k")
        if required or draw(st.booleans(), label=f"{name} given"):
            arguments[name] = draw(OPTIONS[name](shape, dtype, arguments), label=name)
    return arguments


def tie_values(dtype: dt.DType, domain: dict) -> list:
    """A handful of values that repeat: ties for argmax, sort's stability, unique's counts and a
    median's middle, with NaN, signed zeros and infinities (and integer extremes) among them."""
    if dtype.kind == "bool":
        return [False, True]
    if dtype.is_integral:
        info = np.iinfo(dtype.numpy)
        return sorted({0, 1, 2, int(info.max), int(info.min)} | ({-1} if dtype.kind == "int" else set()))
    reals = [0.0, 1.0, -1.0, 2.0, 0.5]
    if not domain.get("well_conditioned"):
        reals += [-0.0, math.nan, math.inf, -math.inf]
    if dtype.is_complex:
        return [complex(a, b) for a in reals[:4] for b in reals[:3]]
    return reals


@built_once
@st.composite
def reduction_inputs(draw, op: Reduction, dtype: dt.DType, shape: tuple[int, ...], *, layouts=None) -> ArrayInput:
    """The input x: one draw in four from a few repeating values (`tie_values`), the others from
    every value of the dtype (specials included) within the op's domain; in every layout, negative
    strides on the reference's side included (but for uint16/32/64, which the harness cannot flip
    on torch's side)."""
    # torch builds a negative-stride view as a flipped copy, and torch.flip has no uint16/32/64 kernel
    flips = dtype.name not in dt.LIMITED_UNSIGNED_INTS
    layouts = layouts or layout_strategy(shape, allow_negative_strides=flips)
    domain = op.domain(0, dtype)
    if one_in(draw, 4, "tied values"):
        layout = draw(layouts, label="layout")
        elements = st.sampled_from(tie_values(dtype, domain))
        values = draw(hnp.arrays(dtype.numpy, shape, elements=elements), label="tied values")
        return ArrayInput(layout.logical_values(values), dtype, layout)
    return draw(array_inputs(dtype, shape, layouts=layouts, **domain), label="x")


def reduction_shapes(*, large: bool = True) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes of up to 4 dims in the three size tiers of `sized_shapes` (small, SIMD tails, past
    the parallel grain), zero-size and size-1 dims among the small."""
    return sized_shapes(max_dims=4, large=large)


def empty_or_single_shapes() -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with no elements (a zero-size dim among others) or exactly one (0-d, or all 1s)."""
    single = st.integers(0, 3).map(lambda ndim: (1,) * ndim)
    return st.one_of(_empty_shapes(), single)


@built_once
@st.composite
def _empty_shapes(draw) -> tuple[int, ...]:
    """1 to 3 dims, one of them of size zero, the others of 1 to 3."""
    shape = list(draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=3, max_elements=16), label="shape"))
    shape[draw(st.integers(0, len(shape) - 1), label="zero-size dim")] = 0
    return tuple(shape)


@built_once
@st.composite
def distinct_values(draw, dtype: dt.DType, shape: tuple[int, ...]) -> np.ndarray:
    """Distinct multiples of 1/4 in [-8, 8] (exact in every floating dtype): finite differences of
    a selection (max, median, sort) with a step of 1e-6 never cross a tie."""
    size = math.prod(shape)
    quarters = draw(st.lists(st.integers(-32, 32), min_size=size, max_size=size, unique=True), label="values")
    return (np.array(quarters, dtype=np.float64) / 4).astype(dtype.numpy).reshape(shape)
