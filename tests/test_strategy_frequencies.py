"""How often the strategies draw their edge cases in runs as short as the profiles' (10 examples
under dev, 30 under ci), where Hypothesis gives each choice's simplest value far more than its
share. A strategy that reaches a case (test_strategies.py) can still draw it so rarely, or so
often, that a dev run misses what the others would catch; each bound below is shown to fail
for the way the strategy was first written."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strategies as cs
from conformance import dtypes as dt
from conformance.layouts import CONTIGUOUS
from strategies.chance import one_in
from strategies.reductions import int_dims

# The bounds leave room around the measured shares: Hypothesis adds the numbers it finds in the
# modules a run imports to what it draws, so a share moves by a few points with what else the
# run collected (the broadcast leading-dim share measured 9% alone and 11% under CI's run of
# every self-test). Measured alone: 0-d shapes 11%, at most one element 26%, contiguous layouts
# about a third; each bound still fails the old spelling (the `planted` strategies).
RUNS = 60
FLOAT32 = dt.dtype("float32")


def share(strategy: st.SearchStrategy, condition, *, examples: int = 10, runs: int = RUNS) -> float:
    """The share of examples, over `runs` seeded runs of `examples` examples each, whose draw
    from `strategy` meets `condition`. A value drawn before it (not used) keeps the example from
    being the strategy's first choice, as in a suite's test, which draws a dtype first."""
    met = total = 0

    for run in range(runs):

        @seed(run)
        @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.integers(0, 10**6), strategy)
        def count(_, drawn):
            nonlocal met, total
            total += 1
            met += bool(condition(drawn))

        count()
    return met / total


@st.composite
def _flag(draw, n: int) -> bool:
    return one_in(draw, n, "flag")


@st.composite
def _flag_at_zero(draw, n: int) -> bool:
    """The way rare branches were written before `one_in`: the simplest value takes the branch."""
    return draw(st.integers(0, n - 1)) == 0


@pytest.mark.parametrize("examples", [10, 30])
def test_one_in_comes_about_as_often_as_asked(examples):
    rate = share(_flag(16), bool, examples=examples)
    assert 1 / 48 <= rate <= 2 / 16, rate
    planted = share(_flag_at_zero(16), bool, examples=examples)
    assert planted > 2 / 16, planted  # the old spelling fired a quarter of the time or more


def test_one_in_is_false_in_the_simplest_example():
    """The simplest example (every run's first, and where shrinking heads) takes the common
    branch; the old spelling took the rare one there."""
    assert find(_flag(16), lambda value: True) is False
    assert find(_flag_at_zero(16), lambda value: True) is True


def test_one_in_refuses_a_certainty():
    with pytest.raises(ValueError, match="n >= 2"):
        share(_flag(1), bool, runs=1)


def _size(shape) -> int:
    return math.prod(shape)


def test_shapes_are_mostly_neither_0d_nor_empty_nor_single_elements():
    """A fifth of the examples at most are 0-d, as many empty, a third at most of one element or
    none; drawn as plain integers, a third were 0-d and more than half held at most one
    element."""
    strategy = cs.shapes(max_dims=4, max_elements=256)
    assert share(strategy, lambda s: s == ()) <= 0.2
    assert share(strategy, lambda s: 0 in s) <= 0.2
    assert share(strategy, lambda s: _size(s) <= 1) <= 0.35
    assert share(strategy, lambda s: s == ()) >= 0.03
    assert share(strategy, lambda s: 0 in s) >= 0.03
    assert share(strategy, lambda s: 1 in s) >= 0.2
    assert share(strategy, lambda s: s.count(1) >= 2) >= 0.03

    planted = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=8)
    assert share(planted, lambda s: _size(s) <= 1) > 0.3


@st.composite
def _shape_and_layout(draw, layouts):
    shape = draw(st.sampled_from([(5,), (3, 4), (2, 3, 4)]))
    return draw(layouts(shape))


def test_layouts_are_mostly_views():
    """Two draws in three or so are views that are not contiguous; as a `one_of` of the
    contiguous layout and a view, the contiguous layout took two thirds of the examples of a
    suite's test."""
    strategy = _shape_and_layout(cs.layouts)
    assert 0.15 <= share(strategy, lambda layout: layout == CONTIGUOUS) <= 0.55
    assert share(strategy, lambda layout: layout != CONTIGUOUS and layout.kind == "contiguous") == 0

    from strategies.layouts import _layouts

    def planted(shape):
        return st.one_of(st.just(CONTIGUOUS), _layouts(shape, True, False, 3, 3))

    assert share(_shape_and_layout(planted), lambda layout: layout == CONTIGUOUS) > 0.6


def _mostly_zero(array: np.ndarray) -> bool:
    return (array == 0).mean() > 0.5


def _holds_nonfinite(array: np.ndarray) -> bool:
    return not np.isfinite(array).all()


@pytest.mark.parametrize("name", ["float32", "complex64", "bfloat16", "int64"])
def test_long_arrays_are_mostly_neither_zeros_nor_nonfinite(name):
    """A SIMD-tier array repeats a fill value over most elements: a nonzero one in most draws,
    and NaN or infinities in a branch of their own. With the element strategy as the fill and
    the specials among the elements, 300-element float32 arrays were mostly zeros in about two
    draws in five, and held a NaN or an infinity in two in three. A complex array holds one if
    either part does: 50% measured (28% for float32), where complex64 in the old spelling held
    one in 80% of the draws."""
    dtype = dt.dtype(name)
    strategy = cs.arrays(dtype, (300,))
    assert share(strategy, _mostly_zero) <= 0.3
    if not dtype.is_integral:
        assert 0.1 <= share(strategy, _holds_nonfinite) <= (0.6 if dtype.is_complex else 0.4)
    if name == "float32":
        planted = hnp.arrays(np.float32, (300,), elements=cs.elements(dtype))
        assert share(planted, _mostly_zero) > 0.3 or share(planted, _holds_nonfinite) > 0.5


def test_reduction_dims_are_mostly_the_innermost():
    """A reduction's int dim is the innermost (where `sized_shapes` puts its long dim) in about
    half the examples, either sign, out of range in few."""
    strategy = int_dims(3)
    assert share(strategy, lambda dim: dim in (2, -1)) >= 0.35
    assert share(strategy, lambda dim: dim == -1) >= 0.1
    assert share(strategy, lambda dim: not -3 <= dim < 3) <= 0.12
    planted = st.integers(-3, 2)
    assert share(planted, lambda dim: dim in (2, -1)) < 0.35


def test_sized_shapes_draw_a_long_innermost_dim_often():
    """A quarter of the examples or more end in a dim past the vector width (and half of those
    are that dim alone)."""
    from strategies.shapes import SIMD_WIDTH

    strategy = cs.sized_shapes()
    assert share(strategy, lambda s: len(s) > 0 and s[-1] > SIMD_WIDTH) >= 0.2
    assert share(strategy, lambda s: len(s) == 1 and s[0] > SIMD_WIDTH) >= 0.07


def test_squeeze_inputs_hold_several_size_one_dims():
    """squeeze's input has two or more size-1 dims in a fifth of the examples or more (the
    dims it removes), with no dims given (squeeze removes them all) in about one in six (one in
    nine with size-1 dims only made of the drawn shape's, not inserted too); another shape op's
    input, drawn without that, in under two thirds as many."""
    from conformance.ops import shapes as catalog
    from strategies.shape_ops import shape_op_calls

    def input_shape(call):
        inputs, _ = call
        return inputs["x"].values.shape

    by_name = {op.name: op for op in catalog.OPS}
    squeeze = share(shape_op_calls(by_name["squeeze"], FLOAT32), lambda call: input_shape(call).count(1) >= 2)
    assert squeeze >= 0.2
    every_one = share(
        shape_op_calls(by_name["squeeze"], FLOAT32), lambda call: not call[1] and input_shape(call).count(1) >= 2
    )
    assert every_one >= 0.16
    flatten = share(shape_op_calls(by_name["flatten"], FLOAT32), lambda call: input_shape(call).count(1) >= 2)
    assert flatten < squeeze / 1.5


def test_small_arrays_hold_nan_among_their_elements():
    """A small array (up to the SIMD width) draws NaN and infinities among its elements in every
    draw, as an elementwise op's handling of them needs: a complex NaN in the imaginary part
    beside a real part that is not NaN comes in over a fifth of the examples (27% measured; 16%
    where every complex array drew its parts as pairs with a shared fill, under a tenth where every
    array drew them in a branch of its own), a NaN or an infinity in a float32 array of 8 in half
    or more (a third)."""
    strategy = cs.arrays(dt.dtype("complex64"), (4,))
    assert share(strategy, lambda a: (np.isnan(a.imag) & ~np.isnan(a.real)).any()) >= 0.22
    assert share(cs.arrays(dt.dtype("float32"), (8,)), _holds_nonfinite) >= 0.5


def _broadcasts_a_leading_dim(drawn) -> bool:
    """The first operand broadcasts along the result's first dim of more than one element."""
    result, first = drawn.result_shape, drawn.input_shapes[0]
    return len(result) >= 1 and result[0] > 1 and (len(first) < len(result) or first[0] == 1)


def test_broadcastable_shapes_are_mostly_neither_degenerate_nor_alike():
    """Mutually broadcastable shapes: the result holds at most one element in under two draws in
    five (Hypothesis' `mutually_broadcastable_shapes`: three in five), and the first operand
    broadcasts a leading dim in one draw in nine or more (there: 9 to 11%, with the constants
    Hypothesis picks up from the modules imported, so no bound tells the two apart)."""
    strategy = cs.broadcastable_shapes(2)
    assert share(strategy, lambda b: math.prod(b.result_shape) <= 1) <= 0.4
    assert share(strategy, _broadcasts_a_leading_dim) >= 0.11
    assert share(strategy, lambda b: np.broadcast_shapes(*b.input_shapes) != b.result_shape) == 0
    # the old spelling: Hypothesis' strategy with broadcastable_shapes' bounds
    planted = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=5)
    assert share(planted, lambda b: math.prod(b.result_shape) <= 1) > 0.5


def _pairs_dims_unsorted(call) -> bool:
    """tensordot's dims lists pair its dims otherwise than the same lists sorted would."""
    dims = call[1]["dims"]
    if isinstance(dims, int):
        return False
    ndims = [inp.values.ndim for inp in call[0].values()]

    def pairs(x_dims, y_dims) -> set[tuple[int, int]]:
        return {(a % ndims[0], b % ndims[1]) for a, b in zip(x_dims, y_dims, strict=True)}

    return pairs(*dims) != pairs(sorted(dims[0]), sorted(dims[1]))


def test_tensordot_pairs_its_dims_out_of_order_often():
    """tensordot's dims, given as lists, pair the dims in an order the sorted lists would not in
    over a tenth of the examples (16% measured; 6% with at most two contracted dims drawn as a
    list, which favours fewer, and dims as an int half the time)."""
    from conformance.ops.linalg import OPS
    from strategies.linalg_operands import linalg_calls

    op = next(o for o in OPS if o.name == "tensordot")
    assert share(linalg_calls(op, FLOAT32), _pairs_dims_unsorted) >= 0.11


def _flips_a_dim_longer_than_one(call) -> bool:
    """flip's dims name a dim of more than one element (a flip that changes something)."""
    inputs, arguments = call
    shape = inputs["x"].values.shape
    return any(shape[d] > 1 for d in arguments["dims"])


@st.composite
def _dims_as_a_list(draw, ndim: int) -> tuple[int, ...]:
    """The old spelling of `_dims`: a unique list, which stops after each element with some
    chance, so a short run gave few dims or none."""
    chosen = draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim))
    return tuple(d - ndim if draw(st.booleans()) else d for d in chosen) if ndim else ()


def test_dims_lists_mostly_name_several_dims(monkeypatch):
    """flip's dims (with the dtype drawn first, as the suite does) name a dim longer than one in
    half the examples or more (59% measured; 39% with dims drawn as a list element by element,
    which gave no dims at all in half the examples)."""
    import strategies.shape_ops as shape_ops
    from conformance.ops import shapes as catalog

    flip = next(op for op in catalog.OPS if op.name == "flip")

    @st.composite
    def calls(draw):
        return draw(shape_ops.shape_op_calls(flip, draw(cs.dtypes(flip.dtypes, device="cpu"))))

    assert share(calls(), _flips_a_dim_longer_than_one) >= 0.5
    # the cached strategies look `_dims` up at every draw
    monkeypatch.setattr(shape_ops, "_dims", lambda draw, ndim, **_: draw(_dims_as_a_list(ndim)))
    assert share(calls(), _flips_a_dim_longer_than_one) < 0.5
