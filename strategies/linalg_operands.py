"""Operands and arguments of the linear-algebra ops (`conformance/ops/linalg.py`), by the op's
`shapes` kind.

`linalg_calls(op, dtype)` draws `(inputs, arguments)`. The inner (summed) dimension k comes
from the three tiers of `sized_shapes`: small (0 included), a SIMD tail (64j + t) and, for
products with a single result element, past torch's parallel grain. matmul's operands are
1-d or batched on either side, with batch shapes that broadcast (size-1 dims, rank
extension); every operand is drawn in every layout `strategies.layouts` knows. One draw in
twenty has operands that do not fit (both sides must raise).

Values are every finite value of the dtype up to a magnitude M = sqrt(largest / (4 k)), so
that a sum of k products cannot overflow and the error bound stays meaningful (zeros,
subnormals and the dtype's smallest values included); integers take their whole range
(products wrap). Complex parts of magnitude below sqrt(smallest normal) are drawn as zero:
torch's complex results from such parts are a documented divergence of their own
(`complex-extremal-values`). NaN and infinities are drawn by `special_values`.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops import Op
from strategies.cache import built_once
from strategies.chance import one_in
from strategies.layouts import layouts as all_layouts
from strategies.shapes import shapes, sized_shapes
from strategies.values import arrays

EINSUM_EQUATIONS = (
    "ij,jk->ik",
    "bij,bjk->bik",
    "...ij,...jk->...ik",
    "i,i->",
    "i,j->ij",
    "ij,ij->ij",
    "ij,kj->ik",
    "ii->i",
    "ij->ji",
    "ij->",
)


def magnitude(dtype: dt.DType, terms: int) -> float:
    """The largest |value| drawn for a sum of `terms` products in `dtype` (see the module)."""
    return math.sqrt(dtype.largest / (4 * max(terms, 1)))


@built_once
@st.composite
def operand_values(draw, dtype: dt.DType, shape: tuple[int, ...], terms: int, *, specials: bool = False) -> np.ndarray:
    """Values for an operand of a sum of `terms` products (see the module); with `specials`,
    NaN and infinities scattered among them (real floating dtypes)."""
    if dtype.kind in ("bool", "int", "uint"):
        return draw(arrays(dtype, shape))
    bound = magnitude(dtype, terms) / (math.sqrt(2) if dtype.is_complex else 1)
    values = draw(arrays(dtype, shape, min_value=-bound, max_value=bound, allow_nan=False, allow_infinity=False))
    if dtype.is_complex:
        tiny = math.sqrt(dtype.smallest_normal)
        real, imaginary = values.real.copy(), values.imag.copy()
        real[np.abs(real) < tiny] = 0
        imaginary[np.abs(imaginary) < tiny] = 0
        values = (real + 1j * imaginary).astype(dtype.numpy)
    if specials and values.size:
        count = draw(st.integers(1, min(4, values.size)), label="specials")
        flat = values.reshape(-1).copy()
        for _ in range(count):
            position = draw(st.integers(0, flat.size - 1), label="position")
            flat[position] = draw(st.sampled_from([math.nan, math.inf, -math.inf]), label="special")
        values = flat.reshape(shape)
    return values


def _inner(draw, *, large: bool) -> int:
    """k: small (0 to 6), a SIMD tail, or (with `large`) past the parallel grain."""
    return draw(sized_shapes(min_dims=1, max_dims=1, large=large), label="k")[0]


def _misfit(draw) -> bool:
    return one_in(draw, 20, "operands that do not fit")


def _broadcast_to(draw, batch: tuple[int, ...], label: str) -> tuple[int, ...]:
    """A batch shape that broadcasts to `batch`: one draw in three drops leading dims, and each
    remaining dim is kept or made 1."""
    dropped = (
        draw(st.integers(0, len(batch)), label=f"{label} dims dropped")
        if one_in(draw, 3, "leading dims dropped")
        else 0
    )
    return tuple(n if draw(st.booleans(), label=f"{label} keeps a dim") else 1 for n in batch[dropped:])


@built_once
@st.composite
def _matmul_shapes(draw, batched: bool) -> list[tuple[int, ...]]:
    """matmul's operands: (..., m, k) and (..., k, n), or a 1-d (k,) on either side; the batch
    dims broadcast (each operand drops leading ones or has 1s where the other is wider)."""
    k = _inner(draw, large=True)
    large = k > 4096
    m, n = (1, 1) if large else (draw(st.integers(0, 4), label="m"), draw(st.integers(0, 4), label="n"))
    batches = ((), ())
    if batched and not large and draw(st.integers(0, 3), label="batched") > 0:
        batch = draw(shapes(min_dims=1, max_dims=3, min_side=2, max_side=3), label="batch")
        batches = (_broadcast_to(draw, batch, "x"), _broadcast_to(draw, batch, "y"))
    vector = "neither"
    if batched:
        vector = draw(st.sampled_from(["neither", "neither", "left", "right", "both"]), label="vectors")
    left = (k,) if vector in ("left", "both") else (*batches[0], m, k)
    right = (k,) if vector in ("right", "both") else (*batches[1], k, n)
    if _misfit(draw):
        right = (k + 1,) if len(right) == 1 else (*right[:-2], k + 1, right[-1])
    return [left, right]


def _either_end(draw, dims: list[int], ndim: int) -> list[int]:
    """Each dim counted from the front or (negative) from the back."""
    return [d - ndim if draw(st.booleans(), label="from the back") else d for d in dims]


@built_once
@st.composite
def _shapes_and_arguments(draw, kind: str) -> tuple[list[tuple[int, ...]], dict]:
    if kind == "matmul":
        return draw(_matmul_shapes(batched=True)), {}
    if kind == "mm":
        shapes = draw(_matmul_shapes(batched=False))
        if _misfit(draw):
            shapes[0] = shapes[0][1:]  # a vector: mm takes matrices only
        return shapes, {}
    if kind in ("vectors", "outer"):
        k = _inner(draw, large=True)
        other = k if kind == "vectors" else draw(st.integers(0, 6), label="n")
        shapes = [(k,), (other,)]
        if _misfit(draw):
            # (each operand's misfit keeps its own length: np.outer flattens a (2, k) operand, and
            # beside the other k-vector that would be 2 k**2 elements)
            index = draw(st.integers(0, 1))
            n = shapes[index][0]
            shapes[index] = draw(st.sampled_from([(), (2, n), (n + 1,)]), label="misfit")
        return shapes, {}
    if kind == "inner":
        k = _inner(draw, large=False)
        lead = [draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3), label="lead") for _ in "xy"]
        shapes = [(*lead[0], k), (*lead[1], k)]
        if _misfit(draw):
            shapes[draw(st.integers(0, 1))] = ()  # a 0-d operand: inner multiplies
        return shapes, {}
    if kind == "tensordot":
        # up to three contracted dims, each count equally often (a list draw favours fewer); with
        # three, the two lists can pair them in more orders than ascending and descending
        count = draw(st.integers(0, 3), label="contracted dims")
        contracted = [draw(st.integers(0, 4), label="contracted size") for _ in range(count)]
        if contracted and draw(st.booleans(), label="a SIMD tail"):
            contracted[-1] = _inner(draw, large=False)
        free = [draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3), label="free") for _ in "xy"]
        if one_in(draw, 3, "dims as an int"):  # (lists, the larger space, twice as often)
            return [(*free[0], *contracted), (*contracted, *free[1])], {"dims": len(contracted)}
        # dims as two lists: the contracted dims of each operand, in any positions and order, each
        # counted from the front or (negative) from the back
        x = list(free[0]) + list(contracted)
        y = list(contracted) + list(free[1])
        order_x = draw(st.permutations(range(len(x))), label="x dims")
        order_y = draw(st.permutations(range(len(y))), label="y dims")
        x_shape = tuple(x[i] for i in order_x)
        y_shape = tuple(y[i] for i in order_y)
        dims_x = [order_x.index(len(free[0]) + j) for j in range(len(contracted))]
        dims_y = [order_y.index(j) for j in range(len(contracted))]
        return [x_shape, y_shape], {"dims": (_either_end(draw, dims_x, len(x)), _either_end(draw, dims_y, len(y)))}
    if kind == "einsum":
        equation = draw(st.sampled_from(EINSUM_EQUATIONS), label="equation")
        letters = sorted(set(equation.replace("...", "").replace(",", "").replace("->", "")))
        sizes = {letter: draw(st.integers(0, 4), label=letter) for letter in letters}
        contracted = [letter for letter in letters if letter not in equation.split("->")[1]]
        if contracted and draw(st.booleans(), label="a SIMD tail"):
            sizes[contracted[0]] = _inner(draw, large=False)
        batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3), label="batch")
        shapes = []
        for position, subscripts in enumerate(equation.split("->")[0].split(",")):
            shape = tuple(sizes[letter] for letter in subscripts.replace("...", ""))
            shapes.append((*batch.input_shapes[position], *shape) if "..." in subscripts else shape)
        return shapes, {"equation": equation}
    raise ValueError(f"no operand strategy for linear-algebra ops of kind {kind!r}")


@built_once
@st.composite
def linalg_calls(
    draw, op: Op, dtype: dt.DType, *, layouts=all_layouts, specials: bool = False
) -> tuple[dict[str, ArrayInput], dict]:
    """The operands (x, and y where the call takes two) and other arguments of one call of `op`."""
    shapes, arguments = draw(_shapes_and_arguments(op.shapes), label="shapes")
    terms = _terms(op, shapes, arguments)
    inputs = {}
    for operand, shape in zip(op.operands, shapes, strict=False):
        layout = draw(layouts(shape), label=f"{operand.name} layout")
        values = draw(operand_values(dtype, shape, terms, specials=specials), label=operand.name)
        inputs[operand.name] = ArrayInput(layout.logical_values(values), dtype, layout)
    return inputs, arguments


def _terms(op: Op, shapes, arguments) -> int:
    try:
        return op.terms(shapes, arguments)
    except (IndexError, KeyError, ValueError):  # operands that do not fit: any bound will do
        return max((n for shape in shapes for n in shape), default=1)
