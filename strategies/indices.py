"""Index-key strategies: basic keys (integers, slices, None, Ellipsis), advanced keys (index
arrays of every integer dtype and bool masks, carried as tensors, NumPy arrays or lists,
mixed with basic parts), out-of-range keys, and the values an assignment writes.

Every strategy takes the shape of the indexed tensor and draws keys NumPy accepts for it,
plus, on purpose, keys that torch refuses or reads otherwise (negative slice steps, index
tensors of the narrow integer dtypes, uint8 arrays, nested lists, NumPy bools, a second
Ellipsis) so that the registry's documented divergences are exercised; out-of-range keys
are drawn by `out_of_range_keys`, and where a dim has size 0 by the others. Index arrays
hold at most 12 entries in at most 3 dims: the size that reaches torch's kernels is the
indexed tensor's (`strategies.shapes.sized_shapes`), and small index arrays repeat and
broadcast as often as large ones would. Keys shrink toward fewer parts, plain slices,
int64 tensors and small values.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance import dtypes as dt
from conformance.index_keys import KINDS, IndexArray, IndexKey
from conformance.inputs import ArrayInput
from conformance.layouts import CONTIGUOUS
from strategies.cache import built_once
from strategies.chance import one_in
from strategies.layouts import layouts
from strategies.values import elements

# Dtypes of index arrays, int64 first (where shrinking heads): every integer dtype and bool.
INDEX_DTYPES = ("int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64", "bool")
MAX_INDEX_ELEMENTS = 12


def integers(size: int, *, in_range: bool = True) -> st.SearchStrategy:
    """An integer index for a dim of `size`: in [-size, size) (negative too), or just outside
    it where not `in_range`; a Python int, or a NumPy integer scalar of a dtype that holds it."""
    if in_range:
        if size == 0:
            raise ValueError("a dim of size 0 has no integer index in range")
        base = st.integers(-size, size - 1)
    else:
        base = st.sampled_from([size, -size - 1]) | st.integers(size, size + 3) | st.integers(-size - 4, -size - 1)

    def numpy_scalar(value: int) -> st.SearchStrategy:
        fitting = [name for name in ("int64", "int32", "int16", "int8", "uint8", "uint64") if _holds(name, value)]
        return st.sampled_from(fitting).map(lambda name: np.dtype(name).type(value))

    return base.flatmap(lambda value: st.just(value) | numpy_scalar(value))


def _holds(dtype_name: str, value: int) -> bool:
    info = np.iinfo(np.dtype(dtype_name))
    return int(info.min) <= value <= int(info.max)


def slices(size: int) -> st.SearchStrategy[slice]:
    """A slice for a dim of `size`: start and stop anywhere in [-size - 2, size + 2] or None (out of
    bounds too: both sides clip them), a step of either sign or None. Negative steps are in:
    torch refuses them, a documented divergence whose error the suite checks."""
    bound = st.none() | st.integers(-size - 2, size + 2)
    step = st.none() | st.integers(1, max(size, 1) + 1) | st.integers(-max(size, 1) - 1, -1)
    return st.builds(slice, bound, bound, step)


def _carriers(kinds: tuple[str, ...], *, list_allowed: bool) -> list[str]:
    """The carriers an index array can take: a 0-d list would be a Python scalar and an empty one
    reads as an int64 index, so those come as tensors where only lists are asked for."""
    allowed = [k for k in kinds if k != "list" or list_allowed]
    return allowed or ["tensor"]


@built_once
@st.composite
def index_arrays(
    draw: st.DrawFn,
    size: int,
    shape: tuple[int, ...],
    *,
    dtypes: tuple[str, ...] = INDEX_DTYPES[:-1],
    kinds: tuple[str, ...] = KINDS,
    in_range: bool = True,
) -> IndexArray:
    """Integer positions into a dim of `size`, of the given array `shape`: negative entries and
    repeats (drawn from a small pool now and then), carried as a tensor (in any layout), a NumPy
    array or a list; the values a dtype cannot hold (negatives in an unsigned dtype, 300 in int8)
    are kept out, or out of range on purpose where not `in_range`."""
    dtype = dt.dtype(draw(st.sampled_from(dtypes), label="index dtype"))
    kind = draw(st.sampled_from(_carriers(kinds, list_allowed=bool(shape))), label="index kind")
    info = np.iinfo(dtype.numpy)
    low = max(-size, int(info.min))
    high = min(size - 1, int(info.max))
    if not in_range or low > high:
        outside = [v for v in (size, size + 1, -size - 1) if int(info.min) <= v <= int(info.max)]
        values = st.sampled_from(outside)
        entries = hnp.arrays(np.int64, shape, elements=values)
    elif draw(st.booleans(), label="repeated entries"):
        pool = draw(st.lists(st.integers(low, high), min_size=1, max_size=3), label="pool")
        entries = hnp.arrays(np.int64, shape, elements=st.sampled_from(pool))
    else:
        entries = hnp.arrays(np.int64, shape, elements=st.integers(low, high))
    values = draw(entries, label="index values").astype(dtype.numpy)
    if kind == "list" and values.size == 0:
        # an empty list has no shape or dtype of its own: both sides read [] as an empty int64 index
        values, dtype = np.zeros(0, dtype=np.int64), dt.dtype("int64")
    layout = draw(layouts(shape), label="index layout") if kind == "tensor" else CONTIGUOUS
    return IndexArray(ArrayInput(layout.logical_values(values), dtype, layout), kind)


@built_once
@st.composite
def masks(draw: st.DrawFn, shape: tuple[int, ...], *, kinds: tuple[str, ...] = KINDS) -> IndexArray:
    """A bool mask of `shape` (the dims it selects from), as a tensor, a NumPy array or a list."""
    # an empty list would read as an empty int64 index, not as a mask
    kind = draw(st.sampled_from(_carriers(kinds, list_allowed=bool(shape) and math.prod(shape) > 0)), label="mask kind")
    values = draw(hnp.arrays(np.bool_, shape, elements=st.booleans()), label="mask values")
    layout = draw(layouts(shape), label="mask layout") if kind == "tensor" else CONTIGUOUS
    return IndexArray(ArrayInput(layout.logical_values(values), dt.dtype("bool"), layout), kind)


def _array_shapes(count: int) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """Shapes of `count` index arrays: mutually broadcastable (0-d to 3-d), or now and then
    drawn independently (they may not broadcast: both sides raise)."""
    broadcast = hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3, max_side=3).map(
        lambda drawn: drawn.input_shapes
    )
    independent = st.tuples(*[hnp.array_shapes(min_dims=0, max_dims=2, max_side=3) for _ in range(count)])
    return st.one_of(broadcast, independent).filter(lambda s: all(math.prod(x) <= MAX_INDEX_ELEMENTS for x in s))


BASIC = ("slice", "int", "none", "ellipsis")
ADVANCED = ("array", "mask", "bool")


@built_once
@st.composite
def _plan(draw: st.DrawFn, ndim: int, choices: tuple[str, ...]) -> list[list]:
    """Which kind of part comes where, as [kind, dims consumed] in key order. Trailing dims may be
    left to the implicit full slice; an Ellipsis (its dims filled in later) stands for the dims no
    other part consumes; a second Ellipsis comes now and then (torch accepts it, NumPy refuses)."""
    plan: list[list] = []
    remaining = ndim
    while True:
        kinds = [c for c in choices if remaining > 0 or c in ("none", "ellipsis", "bool", "mask")]
        if any(kind == "ellipsis" for kind, _ in plan) and draw(st.integers(0, 9), label="second ellipsis"):
            kinds = [c for c in kinds if c != "ellipsis"]
        if not kinds or not draw(st.booleans(), label="another part"):
            return plan
        kind = draw(st.sampled_from(kinds), label="part")
        consumed = {"mask": None, "none": 0, "bool": 0, "ellipsis": 0}.get(kind, 1)
        if consumed is None:
            consumed = draw(st.integers(0, remaining), label="mask dims")
        plan.append([kind, consumed])
        remaining -= consumed


@built_once
@st.composite
def keys(
    draw: st.DrawFn,
    shape: tuple[int, ...],
    *,
    advanced: bool = True,
    kinds: tuple[str, ...] = KINDS,
    index_dtypes: tuple[str, ...] = INDEX_DTYPES[:-1],
) -> IndexKey:
    """A key for a tensor of `shape`: basic parts (integers, negative too, slices of either step
    sign, None, Ellipsis) and, where `advanced`, index arrays, masks and Python bools in any
    order, several arrays broadcast together; at least one advanced part where `advanced`."""
    choices = (*BASIC, *ADVANCED) if advanced else BASIC
    plan = draw(_plan(len(shape), choices), label="plan")
    free = len(shape) - sum(n for _, n in plan)
    if advanced and not any(kind in ADVANCED for kind, _ in plan):
        position = draw(st.integers(0, len(plan)), label="array position")
        plan.insert(position, ["array", 1] if free > 0 else ["bool", 0])
        free -= plan[position][1]
    for entry in plan:
        if entry[0] == "ellipsis":
            entry[1] = free  # the first Ellipsis stands for every dim no other part consumes
            break
    array_count = sum(kind == "array" for kind, _ in plan)
    array_shapes = list(draw(_array_shapes(array_count), label="array shapes")) if array_count else []
    parts: list = []
    dim = 0
    for kind, consumed in plan:
        size = shape[dim] if consumed == 1 else 0
        if kind == "slice":
            parts.append(draw(slices(size), label="slice"))
        elif kind == "int":
            parts.append(draw(integers(size, in_range=size > 0), label="integer"))
        elif kind == "none":
            parts.append(None)
        elif kind == "ellipsis":
            parts.append(Ellipsis)
        elif kind == "bool":
            value = draw(st.booleans(), label="bool")
            parts.append(np.bool_(value) if one_in(draw, 4, "NumPy bool") else value)
        elif kind == "mask":
            parts.append(draw(masks(tuple(shape[dim : dim + consumed]), kinds=kinds), label="mask"))
        else:
            parts.append(
                draw(
                    index_arrays(size, array_shapes.pop(0), dtypes=index_dtypes, kinds=kinds, in_range=size > 0),
                    label="index array",
                )
            )
        dim += consumed
    bare = len(parts) == 1 and draw(st.booleans(), label="bare")
    return IndexKey(tuple(parts), bare)


def basic_keys(shape: tuple[int, ...]) -> st.SearchStrategy[IndexKey]:
    """Basic keys: Hypothesis' own `basic_indices` (every rank, ints, slices, None, one Ellipsis)
    or `keys(advanced=False)`, which adds NumPy integer scalars, slice bounds past either end,
    zero-size dims and, now and then, a second Ellipsis."""
    return st.one_of(
        hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True).map(IndexKey.of),
        keys(shape, advanced=False),
    )


def advanced_keys(shape: tuple[int, ...], **options) -> st.SearchStrategy[IndexKey]:
    """Keys with at least one index array, mask or Python bool (see `keys`)."""
    return keys(shape, advanced=True, **options)


@built_once
@st.composite
def out_of_range_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> IndexKey:
    """A key with one integer or one index array entry past its dim (both sides raise IndexError),
    or with more indexing parts than the tensor has dims."""
    if not shape or one_in(draw, 5, "too many indices"):
        extra = draw(st.integers(1, 2), label="extra indices")
        return IndexKey((slice(None),) * (len(shape) + extra), False)
    key = list(draw(basic_keys(shape).filter(lambda k: Ellipsis not in k.parts and not k.bare), label="base").parts)
    dims = [
        i for i, part in enumerate(key) if isinstance(part, slice | int | np.integer) and not isinstance(part, bool)
    ]
    dims = dims[: len(shape)]
    if not dims:
        key = [slice(None)] * len(shape)
        dims = list(range(len(shape)))
    position = draw(st.sampled_from(dims), label="position")
    axis = sum(1 for part in key[:position] if part is not None)
    size = shape[axis]
    if draw(st.booleans(), label="as an index array"):
        key[position] = draw(
            index_arrays(size, (draw(st.integers(1, 3), label="length"),), dtypes=("int64", "int32"), in_range=False),
            label="index array",
        )
    else:
        key[position] = draw(integers(size, in_range=False), label="integer")
    return IndexKey(tuple(key), False)


def own_value_mask(inp: ArrayInput, kind: str = "tensor") -> IndexArray:
    """The mask `x > 0` of an input's own values (the real part for complex values; x != 0 for bool),
    as the key of `x[x > 0]`; an empty or 0-d mask is a tensor where a list is asked for (see
    `_carriers`)."""
    values = inp.values
    if inp.dtype.kind == "complex":
        values = values.real
    mask = values.astype(bool) if inp.dtype.kind == "bool" else np.asarray(values > 0)
    kind = _carriers((kind,), list_allowed=mask.size > 0 and mask.ndim > 0)[0]
    return IndexArray(ArrayInput(mask, dt.dtype("bool")), kind)


@built_once
@st.composite
def broadcastable_to(draw: st.DrawFn, target: tuple[int, ...], *, leading_ones: bool = True) -> tuple[int, ...]:
    """A shape that broadcasts to `target`: fewer leading dims, size-1 dims, or, where
    `leading_ones`, an extra leading 1 (an assignment accepts it on both sides)."""
    drop = draw(st.integers(0, len(target)), label="dims dropped")
    shape = [1 if one_in(draw, 4, "size 1") else n for n in target[drop:]]
    leading = draw(st.integers(0, 1), label="leading ones") if drop == 0 and leading_ones else 0
    return (*([1] * leading), *shape)


@built_once
@st.composite
def assigned_values(draw: st.DrawFn, dtype: dt.DType, target: tuple[int, ...] | None) -> object:
    """What `x[key] = value` writes: a tensor of x's dtype in a shape that broadcasts to the
    selection's `target` shape (or, now and then, one that does not: both sides raise), a Python
    scalar, a NumPy scalar, a NumPy array or a list (torch refuses the last two, and NumPy scalars
    of some types: documented divergences). Values are x's dtype's (specials included), so both
    sides write them without rounding."""
    kind = draw(st.sampled_from(["tensor", "python scalar", "numpy scalar", "ndarray", "list"]), label="value kind")
    scalar = draw(elements(dtype), label="value")
    if kind == "python scalar":
        return {"bool": bool, "uint": int, "int": int, "float": float, "complex": complex}[dtype.kind](scalar)
    if kind == "numpy scalar":
        return np.asarray(scalar, dtype=dtype.numpy)[()]
    if target is None or one_in(draw, 10, "incompatible shape"):
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), label="value shape")
    else:
        shape = draw(broadcastable_to(target), label="value shape")
    values = draw(hnp.arrays(dtype.numpy, shape, elements=elements(dtype)), label="values")
    if kind == "tensor":
        layout = draw(layouts(shape), label="value layout")
        return ArrayInput(layout.logical_values(values), dtype, layout)
    return values if kind == "ndarray" else values.tolist()


@built_once
@st.composite
def index_put_indices(draw: st.DrawFn, shape: tuple[int, ...]) -> IndexKey:
    """The `indices` of index_put: a tuple of index tensors (int64, int32) or bool masks for the
    leading dims, broadcast together, repeated entries frequent. The narrow integer dtypes, uint8,
    NumPy arrays and lists are left to x[key] = value, which reads its key as index_put does."""
    count = draw(st.integers(1, max(1, len(shape))), label="index tensors") if shape else 0
    plan = [draw(st.sampled_from(["array", "mask"]), label="part") for _ in range(count)]
    array_shapes = list(draw(_array_shapes(plan.count("array")), label="array shapes")) if "array" in plan else []
    parts, dim = [], 0
    for kind in plan:
        if dim >= len(shape):
            break
        if kind == "mask":
            consumed = draw(st.integers(1, len(shape) - dim), label="mask dims")
            parts.append(draw(masks(tuple(shape[dim : dim + consumed]), kinds=("tensor",)), label="mask"))
            dim += consumed
        else:
            size = shape[dim]
            parts.append(
                draw(
                    index_arrays(
                        size, array_shapes.pop(0), dtypes=("int64", "int32"), kinds=("tensor",), in_range=size > 0
                    ),
                    label="index tensor",
                )
            )
            dim += 1
    return IndexKey(tuple(parts), False)
