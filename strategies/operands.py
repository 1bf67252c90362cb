"""Operands of a catalog op: the arrays it takes, drawn as its entry says, and its other arguments.

`operands(op, dtype)` draws `(inputs, arguments)`: `inputs` maps operand names
(as the Op declares them: x, y; `condition` for where) to `ArrayInput`s, `arguments` holds the op's
non-tensor arguments (a dim, an index, a shape). Elementwise ops get mutually
broadcastable shapes; the others get the shapes their `Op.shapes` kind needs.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import strategies as st

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops import Op
from strategies.cache import built_once
from strategies.layouts import layouts as all_layouts
from strategies.layouts import writable_layouts
from strategies.shapes import broadcastable_shapes, prime_factors, shapes
from strategies.values import array_inputs

MAX_ELEMENTS = 1024


def _constraints(op: Op, position: int, dtype: dt.DType, for_gradient: bool) -> dict:
    domain = op.gradient.domain if for_gradient and op.gradient and op.gradient.domain else op.domain
    return domain(position, dtype)


@built_once
@st.composite
def inputs_for(
    draw, op: Op, dtype: dt.DType, shapes_, layouts=all_layouts, for_gradient: bool = False
) -> dict[str, ArrayInput]:
    """The op's operands, named as it declares them, of the given shapes and valued as its
    (gradient) domain says; an operand with a dtype of its own (`where`'s condition) has it."""
    inputs = {}
    for position, (operand, shape) in enumerate(zip(op.operands, shapes_, strict=True)):
        operand_dtype = operand.dtype_for(dtype)
        name = operand.name
        inputs[name] = draw(
            array_inputs(
                operand_dtype,
                shape,
                layouts=layouts(shape),
                **_constraints(op, position, operand_dtype, for_gradient),
            ),
            label=name,
        )
    return inputs


@functools.cache
def broadcast_shapes(arity: int, max_elements: int = MAX_ELEMENTS) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """Shapes of an elementwise op's operands: one shape, or mutually broadcastable ones."""
    if arity == 1:
        return shapes(max_elements=max_elements).map(lambda shape: (shape,))
    return broadcastable_shapes(arity, max_elements=max_elements).map(lambda drawn: drawn.input_shapes)


@built_once
@st.composite
def _reshape_target(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Another shape with as many elements: the dims regrouped, maybe with 1s and one -1."""
    size = math.prod(shape)
    if size == 0:
        return draw(st.sampled_from([(0,), (0, *shape[1:]), shape[::-1]]))
    factors = [p for n in shape for p in prime_factors(n)]
    order = draw(st.permutations(factors)) if factors else []
    groups = draw(st.integers(1, max(1, len(order))))
    cuts = (
        sorted(draw(st.lists(st.integers(1, max(1, len(order) - 1)), max_size=groups - 1, unique=True)))
        if len(order) > 1
        else []
    )
    target, start = [], 0
    for cut in [*cuts, len(order)]:
        target.append(math.prod(order[start:cut]))
        start = cut
    target = [n for n in target if n > 0] or [1]
    if draw(st.booleans()):
        target.insert(draw(st.integers(0, len(target))), 1)
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


@built_once
@st.composite
def operands(
    draw,
    op: Op,
    dtype: dt.DType,
    *,
    for_gradient: bool = False,
    layouts=all_layouts,
    max_elements: int = MAX_ELEMENTS,
) -> tuple[dict[str, ArrayInput], dict]:
    """The operands and non-tensor arguments of `op` for values of `dtype`.

    `for_gradient` draws from the op's gradient domain (away from non-differentiable
    points); `layouts` gives the layout strategy for a shape."""
    kind = op.shapes
    if kind == "broadcast":
        shapes_ = draw(broadcast_shapes(op.arity, max_elements), label="shapes")
        return draw(inputs_for(op, dtype, shapes_, layouts, for_gradient)), {}
    if kind == "matmul":
        m, k, n = (draw(st.integers(1, 6), label=name) for name in "mkn")
        batch = draw(shapes(max_dims=2, min_side=1, max_side=3, max_elements=6), label="batch")
        left_batch = tuple(draw(st.sampled_from([b, 1])) for b in batch)
        shapes_ = ((*left_batch, m, k), (*batch, k, n))
        return draw(inputs_for(op, dtype, shapes_, layouts, for_gradient)), {}
    spread = op.name in ("var", "std")  # a variance needs two distinct values: std is not differentiable at 0
    shape = draw(
        shapes(min_dims=1, min_side=2 if spread else 1, max_dims=4, max_side=6, max_elements=256), label="shape"
    )
    if spread:
        inputs = {
            "x": draw(
                array_inputs(
                    dtype,
                    shape,
                    layouts=writable_layouts(shape),
                    unique=True,
                    **_constraints(op, 0, dtype, for_gradient),
                ),
                label="x",
            )
        }
    else:
        inputs = draw(inputs_for(op, dtype, (shape,), layouts, for_gradient))
    if kind == "reduction":
        return inputs, {"dim": draw(st.none() | st.integers(0, len(shape) - 1), label="dim")}
    if kind == "gather":
        index = draw(
            st.lists(st.integers(-shape[0], shape[0] - 1), max_size=2 * shape[0] + 2).map(np.array), label="index"
        )
        return inputs, {"index": index.astype(np.int64)}
    if kind == "mask":
        mask = draw(st.lists(st.booleans(), min_size=math.prod(shape), max_size=math.prod(shape)), label="mask")
        return inputs, {"mask": np.array(mask, dtype=bool).reshape(shape)}
    if kind == "reshape":
        return inputs, {"shape": draw(_reshape_target(shape), label="target shape")}
    if kind == "transpose":
        dims = st.integers(-len(shape), len(shape) - 1)
        return inputs, {"dim0": draw(dims, label="dim0"), "dim1": draw(dims, label="dim1")}
    raise ValueError(f"no operand strategy for {kind!r} (op {op.name})")
