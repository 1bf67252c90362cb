"""Each strategy reaches its whole space (hypothesis.find), and stays inside its bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

import strategies as cs
from conformance import dtypes as dt
from conformance.devices import devices_under_test
from strategies.cache import built_once
from strategies.python_data import nested_data

FIND = settings(max_examples=3000, database=None)


def reaches(strategy, condition):
    return find(strategy, condition, settings=FIND)


# --- shapes ---------------------------------------------------------------------------------


def test_shapes_reach_scalars_zero_size_size_one_and_six_dims():
    reaches(cs.shapes(), lambda s: s == ())
    reaches(cs.shapes(), lambda s: 0 in s)
    reaches(cs.shapes(), lambda s: 1 in s and len(s) >= 2)
    reaches(cs.shapes(), lambda s: len(s) == 6)


@given(cs.shapes(max_elements=500))
def test_shapes_respect_the_element_budget(shape):
    assert math.prod(shape) <= 500 and len(shape) <= 6


def test_broadcastable_shapes_reach_rank_extension_and_size_one():
    reaches(cs.broadcastable_shapes(), lambda b: len(b.input_shapes[0]) != len(b.input_shapes[1]))
    reaches(
        cs.broadcastable_shapes(),
        lambda b: any(1 in s for s in b.input_shapes) and 0 not in b.result_shape and len(b.result_shape) >= 2,
    )
    reaches(cs.broadcastable_shapes(), lambda b: 0 in b.result_shape)


@given(cs.broadcastable_shapes(3))
def test_broadcastable_shapes_do_broadcast(drawn):
    assert np.broadcast_shapes(*drawn.input_shapes) == drawn.result_shape


@given(cs.non_broadcastable_shapes())
def test_non_broadcastable_shapes_do_not(pair):
    with pytest.raises(ValueError):
        np.broadcast_shapes(*pair)


# --- values ---------------------------------------------------------------------------------

FLOATING = [d for d in dt.ALL_DTYPES if d.is_floating]


@pytest.mark.parametrize("dtype", FLOATING, ids=str)
def test_float_elements_reach_every_special(dtype):
    elements = cs.elements(dtype)
    reaches(elements, lambda x: math.isnan(x))
    reaches(elements, lambda x: x == math.inf)
    reaches(elements, lambda x: x == -math.inf)
    reaches(elements, lambda x: x == 0 and math.copysign(1, x) < 0)
    tiny = float(np.finfo(np.float32 if dtype.name == "bfloat16" else dtype.numpy).tiny)
    reaches(elements, lambda x: 0 < abs(x) < tiny)


@pytest.mark.parametrize("dtype", [d for d in dt.ALL_DTYPES if d.kind in ("int", "uint")], ids=str)
def test_integer_elements_reach_min_and_max(dtype):
    info = np.iinfo(dtype.numpy)
    reaches(cs.elements(dtype), lambda x: x == info.min)
    reaches(cs.elements(dtype), lambda x: x == info.max)


def test_complex_elements_reach_nan_parts():
    reaches(cs.elements(dt.dtype("complex64")), lambda z: math.isnan(z.imag) and not math.isnan(z.real))


@pytest.mark.parametrize("dtype", FLOATING, ids=str)
@given(data=st.data())
def test_well_conditioned_values_are_finite_and_moderate(dtype, data):
    x = data.draw(cs.elements(dtype, well_conditioned=True))
    assert math.isfinite(x) and (x == 0 or 1e-2 <= abs(x) <= 1e2 * 1.01)


@given(st.data())
def test_domain_bounds_hold(data):
    x = data.draw(cs.elements(dt.dtype("float32"), min_value=0.0, allow_nan=False, nonzero=True))
    assert x > 0


@given(cs.elements(dt.dtype("bfloat16")))
def test_bfloat16_values_are_representable(x):
    if not math.isnan(x):
        assert float(dt.round_to_bfloat16(np.float32(x))) == x


# Arrays are drawn apart from scalar elements (a reusable element strategy, bfloat16 rounded and
# complex pairs viewed as a whole array): they keep every constraint and reach every special.
ARRAY_DTYPES = [dt.dtype(name) for name in ("bfloat16", "complex64", "complex128", "float16", "int8", "uint16")]


@pytest.mark.parametrize("dtype", [d for d in ARRAY_DTYPES if d.is_floating], ids=str)
def test_arrays_reach_every_special(dtype):
    def holds(special):
        return lambda a: any(special(v) for part in _parts(a) for v in part.ravel().tolist())

    arrays = cs.arrays(dtype, (3,))
    reaches(arrays, holds(math.isnan))
    reaches(arrays, holds(lambda v: v == -math.inf))
    reaches(arrays, holds(lambda v: v == 0 and math.copysign(1, v) < 0))
    reaches(arrays, holds(lambda v: 0 < abs(v) < dtype.smallest_normal))
    reaches(arrays, holds(lambda v: v == dtype.largest))


def test_complex_arrays_reach_a_nan_part_beside_a_number():
    reaches(
        cs.arrays(dt.dtype("complex64"), (2,)),
        lambda a: any(math.isnan(z.imag) and not math.isnan(z.real) for z in a.tolist()),
    )


def _parts(array):
    return (array.real, array.imag) if array.dtype.kind == "c" else (array,)


@pytest.mark.parametrize("dtype", ARRAY_DTYPES, ids=str)
@settings(max_examples=60)
@given(data=st.data())
def test_arrays_keep_their_constraints(dtype, data):
    low = data.draw(st.none() | st.floats(-300, 300), label="low")
    well_conditioned = data.draw(st.booleans(), label="well conditioned")
    nonzero = data.draw(st.booleans(), label="nonzero")
    if dtype.kind == "uint":
        low = None if low is None else abs(low)
    array = data.draw(
        cs.arrays(dtype, (40,), min_value=low, allow_infinity=False, nonzero=nonzero, well_conditioned=well_conditioned)
    )
    assert array.dtype == dtype.numpy and array.shape == (40,)
    for part in _parts(array)[:1] if nonzero else _parts(array):
        finite = part[~np.isnan(part)] if part.dtype.kind == "f" else part
        assert np.isfinite(finite).all()
        if low is not None:
            assert (finite >= low).all()
        if nonzero:
            assert (finite != 0).all()
        if well_conditioned and dtype.is_floating:
            assert ((finite == 0) | ((np.abs(finite) >= 1e-2) & (np.abs(finite) <= 1e2))).all()
    if dtype.name == "bfloat16":
        assert (dt.round_to_bfloat16(array) == array)[~np.isnan(array)].all()


# --- layouts --------------------------------------------------------------------------------


def test_layouts_reach_every_kind():
    shape = (3, 4)
    reaches(cs.layouts(shape), lambda layout: layout.is_contiguous)
    reaches(cs.layouts(shape), lambda layout: layout.perm == (1, 0))
    reaches(cs.layouts(shape), lambda layout: any(s > 1 for s in layout.steps))
    reaches(cs.layouts(shape), lambda layout: layout.offset > 0)
    reaches(cs.layouts(shape), lambda layout: bool(layout.expanded))
    reaches(cs.layouts(shape, allow_negative_strides=True), lambda layout: bool(layout.flipped))


@given(cs.layouts((3, 4)))
def test_layouts_have_no_negative_strides_unless_asked(layout):
    assert not layout.flipped


@given(cs.writable_layouts((3, 4)))
def test_writable_layouts_never_expand(layout):
    assert not layout.expanded


@given(cs.array_inputs(dt.dtype("int32"), (3, 4)))
def test_array_inputs_are_constant_along_expanded_dims(inp):
    for dim in inp.layout.expanded:
        assert (np.diff(inp.values, axis=dim) == 0).all()


def test_sized_shapes_reach_simd_tails_and_the_parallel_grain():
    """Shapes past a multiple of the vector width, and past torch's parallel grain, are drawn
    (a bug in a vectorised loop, its tail, or the threaded path is then reachable)."""
    from strategies.shapes import LARGE_ELEMENTS, PARALLEL_GRAIN, SIMD_WIDTH

    reaches(cs.sized_shapes(), lambda s: len(s) > 0 and s[-1] > SIMD_WIDTH and s[-1] % SIMD_WIDTH != 0)
    reaches(cs.sized_shapes(), lambda s: math.prod(s) > PARALLEL_GRAIN)
    reaches(cs.sized_shapes(), lambda s: s == ())
    for shape in (find(cs.sized_shapes(), lambda s: math.prod(s) > PARALLEL_GRAIN, settings=FIND),):
        assert math.prod(shape) <= LARGE_ELEMENTS
    with pytest.raises(NoSuchExample):
        find(cs.sized_shapes(large=False), lambda s: math.prod(s) > PARALLEL_GRAIN, settings=FIND)


# --- dtypes, devices, Python data -----------------------------------------------------------


def test_dtypes_reach_every_dtype():
    for dtype in dt.ALL_DTYPES:
        reaches(cs.dtypes(), lambda d, dtype=dtype: d == dtype)


def test_dtype_support_per_backend_and_device():
    assert dt.dtype("bfloat16") not in cs.supported_dtypes(need_numpy=True)
    assert dt.dtype("float64") not in cs.supported_dtypes(device="mps")
    with pytest.raises(ValueError, match="cannot draw dtypes for nosuch"):
        cs.dtypes(device="nosuch")


def test_devices_start_with_cpu():
    assert devices_under_test()[0] == "cpu"
    reaches(cs.devices(), lambda d: d == "cpu")


def test_nested_data_reaches_tuples_scalars_and_mixed_kinds():
    reaches(nested_data(), lambda d: isinstance(d, tuple) and len(d) > 0)
    reaches(nested_data(), lambda d: isinstance(d, complex))
    reaches(nested_data(("int", "float")), lambda d: isinstance(d, list) and {type(x) for x in d} == {int, float})


@settings(max_examples=300, database=None)
@given(data=st.data())
def test_outer_stays_bounded_in_memory(data):
    """outer's operands, misfits included, never make NumPy's outer (which flattens them) hold more
    than a few million elements: a (2, k) misfit beside a k-vector was 2 k**2 elements, past the
    parallel grain tens of GB."""
    from conformance.ops.linalg import OPS
    from strategies.linalg_operands import linalg_calls

    op = next(o for o in OPS if o.name == "outer")
    inputs, _ = data.draw(linalg_calls(op, dt.dtype("float32")))
    assert math.prod(max(np.size(inp.values), 1) for inp in inputs.values()) <= 4_000_000


def _tensordot_dims(call) -> tuple[list[int], list[int]] | None:
    dims = call[1]["dims"]
    return None if isinstance(dims, int) else dims


def test_tensordot_dims_reach_three_contracted_dims_negative_dims_and_an_int():
    """tensordot's dims lists reach three contracted dims and negative dims, and an int still comes
    (how often the lists pair the dims out of order: test_strategy_frequencies.py)."""
    from conformance.ops.linalg import OPS
    from strategies.linalg_operands import linalg_calls

    op = next(o for o in OPS if o.name == "tensordot")
    calls = linalg_calls(op, dt.dtype("float32"))
    reaches(calls, lambda call: _tensordot_dims(call) is not None and len(_tensordot_dims(call)[0]) == 3)
    reaches(calls, lambda call: _tensordot_dims(call) is not None and any(d < 0 for d in _tensordot_dims(call)[1]))
    reaches(calls, lambda call: isinstance(call[1]["dims"], int) and call[1]["dims"] > 0)


def _pieces(call) -> int:
    """How many pieces a split or chunk call cuts its input into (1 where it raises)."""
    inputs, arguments = call
    x = next(iter(inputs.values())).values
    dim = arguments["dim"]
    if x.ndim == 0 or not -x.ndim <= dim < x.ndim or x.shape[dim] == 0:
        return 1
    n = x.shape[dim]
    if "chunks" in arguments:
        return -(-n // -(-n // arguments["chunks"]))
    size = arguments["split_size_or_sections"]
    return len(size) if isinstance(size, list) else (-(-n // size) if size else 1)


@pytest.mark.parametrize("name", ["split", "chunk"])
def test_split_and_chunk_stay_within_max_pieces(name):
    """split and chunk never cut a dim into more than MAX_PIECES pieces: chunks past the dim's
    length gives one piece per element, so a dim past the parallel grain once gave 50,000 pieces
    (each compared on its own, seconds per example)."""
    from conformance.ops.shapes import OPS
    from strategies.shape_ops import MAX_PIECES, shape_op_calls

    op = next(o for o in OPS if o.name == name)
    reaches(shape_op_calls(op, dt.dtype("int8")), lambda call: _pieces(call) > 1)
    with pytest.raises(NoSuchExample):
        find(
            shape_op_calls(op, dt.dtype("int8")),
            lambda call: _pieces(call) > MAX_PIECES,
            settings=settings(max_examples=1000, database=None),
        )


def test_chunk_reaches_more_chunks_than_elements():
    from conformance.ops.shapes import OPS
    from strategies.shape_ops import shape_op_calls

    op = next(o for o in OPS if o.name == "chunk")

    def more_chunks(call):
        inputs, arguments = call
        x = next(iter(inputs.values())).values
        return (
            x.ndim > 0 and -x.ndim <= arguments["dim"] < x.ndim and arguments["chunks"] > x.shape[arguments["dim"]] > 0
        )

    reaches(shape_op_calls(op, dt.dtype("int8")), more_chunks)


# --- strategies built once ------------------------------------------------------------------


def test_strategies_are_built_once_per_hashable_arguments():
    """The same arguments give the same strategy object (validated once); other arguments, or
    arguments that cannot be hashed, give a strategy of their own that draws as before."""
    assert cs.shapes(max_dims=2) is cs.shapes(max_dims=2)
    assert cs.shapes(max_dims=2) is not cs.shapes(max_dims=3)
    assert cs.dtypes(("float32",)) is cs.dtypes(("float32",))
    unhashable = cs.dtypes(["float32"])
    assert unhashable is not cs.dtypes(["float32"])
    assert find(unhashable, lambda d: True, settings=FIND) == dt.dtype("float32")


def test_built_once_lets_other_type_errors_through():
    @built_once
    def broken(n):
        raise TypeError(f"no strategy for {n}")

    with pytest.raises(TypeError, match="no strategy for 3"):
        broken(3)


@pytest.mark.parametrize("larger", [True, False])
def test_non_broadcastable_sides_fall_on_either_side(larger):
    """The second shape's side at the incompatible dim is drawn around the first's, without a
    filter: it reaches values above and below it (and never equals it: the test above)."""

    def differs(pair):
        first, second = pair
        offset = len(first) - len(second)
        sides = [(a, b) for a, b in zip(first[offset:], second, strict=True) if a != b and 1 not in (a, b)]
        return bool(sides) and (sides[0][1] > sides[0][0]) == larger

    reaches(cs.non_broadcastable_shapes(), differs)


@pytest.mark.parametrize("name", ["float16", "float32"])
def test_finite_values_reach_the_largest_finite(name):
    """Finite float16/float32 values are bounded to the dtype's range (no draw past it rejected),
    and the bounds themselves are reached: the range is not narrowed."""
    dtype = dt.dtype(name)
    finite = cs.elements(dtype, allow_nan=False, allow_infinity=False)
    reaches(finite, lambda x: x == dtype.largest)
    reaches(finite, lambda x: x == -dtype.largest)
    reaches(finite, lambda x: 0 < abs(x) < dtype.smallest_normal)


@pytest.mark.parametrize("name", ["int8", "uint64", "float32"])
def test_python_ints_reach_past_64_bits_and_past_float64_on_both_sides(name):
    """Ints next to a tensor reach past 64 bits within float64's range (NumPy computes with float
    tensors) and past float64's range (NumPy raises too), of both signs."""
    from strategies.mixed_operands import python_ints

    ints = python_ints(dt.dtype(name))
    reaches(ints, lambda n: 2**64 <= n < 2**1024)
    reaches(ints, lambda n: -(2**1024) < n < -(2**63))
    reaches(ints, lambda n: n > 2**1024)
    reaches(ints, lambda n: n < -(2**1024))
