"""Indexing and assignment: x[key], views and copies, x[key] = value and index_put against NumPy.

Keys come from `strategies.indices`: integers (negative too, Python and NumPy), slices of
every start, stop and step (negative steps, which torch refuses), None, Ellipsis, Python
bools, index arrays of every integer dtype and bool masks, carried as tensors (in any
layout), NumPy arrays or lists, 0-d to 3-d, broadcast together and mixed with slices.
The indexed tensor comes in every dtype and layout, in sizes that cross the SIMD widths
and the parallel grain (`strategies.shapes.sized_shapes`) where its size reaches a
kernel (index, masked select, index_put). Whether a result shares memory is decided by
writing through it and reading the base back, never by asking torch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance.backends import tensor_to_numpy
from conformance.check import Check
from conformance.compare import DEFAULTS, Options
from conformance.index_keys import IndexArray, IndexKey
from conformance.inputs import ArrayInput
from conformance.interop import marker
from conformance.normal import as_dtype
from conformance.ops.indexing import KEY_OPS
from conformance.oracle import assert_conforms
from conformance.outcomes import capture
from conformance.runner import build_both, check_call, check_op
from conformance.tolerances import EXACT
from conformance.torch_indexing import written_positions
from strategies import indices

GETITEM, SETITEM, INDEX_PUT = KEY_OPS


def _exactly(dtype: dt.DType) -> Options:
    """Indexing moves values: they come out exactly (the catalog's ops say so with ulps=0). Complex
    values keep the default tolerance: rtol * |expected| is inf or NaN where |expected| overflows."""
    return DEFAULTS if dtype.is_complex else Options(tolerance=EXACT)


# how a key carries its index arrays: each carrier is its own case, since torch converts each its own way
CARRIERS = {"tensors": ("tensor",), "NumPy arrays": ("ndarray",), "lists": ("list",)}
SMALL = cs.shapes(max_dims=5, max_side=5, max_elements=256)
SIZED = cs.sized_shapes(max_dims=4)


@st.composite
def _indexed(draw, device: str, shapes: st.SearchStrategy, layouts=cs.layouts) -> ArrayInput:
    """The indexed tensor: any dtype, a shape from `shapes`, a layout from `layouts`."""
    dtype = draw(cs.dtypes(dt.ALL, device=device), label="dtype")
    shape = draw(shapes, label="shape")
    return draw(cs.array_inputs(dtype, shape, layouts=layouts(shape)), label="x")


# ---------------------------------------------------------------------------
# x[key]


@given(data=st.data())
def test_basic_indexing(device, data):
    """Integers, slices (every start, stop and step), None and Ellipsis over every rank."""
    x = data.draw(_indexed(device, SMALL))
    key = data.draw(indices.basic_keys(x.shape), label="key")
    check_op(GETITEM, GETITEM.forms[0], {"x": x, "key": key}, device, dtype=x.dtype)


@pytest.mark.parametrize("carrier", CARRIERS)
@given(data=st.data())
def test_advanced_indexing(carrier, device, data):
    """Index arrays of every integer dtype and masks (carried as tensors, NumPy arrays or lists),
    negative and repeated entries, broadcast together and mixed with basic parts (the result's
    dim order)."""
    x = data.draw(_indexed(device, SIZED))
    key = data.draw(indices.advanced_keys(x.shape, kinds=CARRIERS[carrier]), label="key")
    check_op(GETITEM, GETITEM.forms[0], {"x": x, "key": key}, device, dtype=x.dtype)


@pytest.mark.parametrize("carrier", CARRIERS)
@given(data=st.data())
def test_mask_of_own_values(carrier, device, data):
    """x[x > 0] (the real part for complex values)."""
    x = data.draw(_indexed(device, SIZED))
    key = IndexKey((indices.own_value_mask(x, CARRIERS[carrier][0]),), bare=True)
    check_op(GETITEM, GETITEM.forms[0], {"x": x, "key": key}, device, dtype=x.dtype)


@pytest.mark.parametrize("op", [GETITEM, SETITEM], ids=str)
@given(data=st.data())
def test_out_of_range_keys_raise(op, device, data):
    """An integer or index entry past its dim, or more indices than dims, raises on both sides."""
    x = data.draw(_indexed(device, SMALL, cs.writable_layouts))
    key = data.draw(indices.out_of_range_keys(x.shape), label="key")
    inputs = {"x": x, "key": key} if op is GETITEM else {"x": x, "key": key, "value": x.dtype.numpy.type(0).item()}
    check_op(op, op.forms[0], inputs, device, dtype=x.dtype)


# ---------------------------------------------------------------------------
# Views and copies

WRITES_THROUGH = "Tensor.__getitem__ write-through"


def _keys_of(family: str, shape: tuple[int, ...]) -> st.SearchStrategy[IndexKey]:
    """Basic keys, or advanced keys whose index arrays come by the carrier `family` names."""
    return indices.basic_keys(shape) if family == "basic" else indices.advanced_keys(shape, kinds=CARRIERS[family])


KEY_FAMILIES = ["basic", *CARRIERS]


@pytest.mark.parametrize("family", KEY_FAMILIES)
@given(data=st.data())
def test_views_and_copies(family, device, data):
    """A marker written into the first element of x[key] reaches x (at the element NumPy's view
    reaches) where the key is basic, and leaves x alone where it is advanced (a copy), on both
    sides. Layouts without stride-0 dims: NumPy's broadcast views are read-only."""
    x = data.draw(_indexed(device, SMALL, cs.writable_layouts))
    key = data.draw(_keys_of(family, x.shape), label="key")
    (tensor, _), (array, _), xp = build_both({"x": x, "key": key}, device)
    first = _first_value(_result_of(lambda: array[key.for_reference(xp)]))
    if first is None:
        first = _first_value(_result_of(lambda: tensor[key.for_torch(device)]))
    value = marker(x.dtype, first)
    inputs = {"x": x, "key": key, "marker": value}

    def torch_writes():
        result = tensor[key.for_torch(device)]
        if result.numel():
            result[(0,) * result.dim()] = value
        return {"base": tensor}

    def reference_writes():
        result = array[key.for_reference(xp)]
        if isinstance(result, xp.ndarray) and result.size:
            result[(0,) * result.ndim] = value
        return {"base": as_dtype(xp.asnumpy(array) if xp is not np else array.copy(), x.dtype)}

    check_call(Check(WRITES_THROUGH, inputs, device=device), torch_writes, reference_writes, options=_exactly(x.dtype))


def _result_of(call):
    """What the call returns, None where it raises (its warnings recorded, not shown)."""
    outcome = capture(call)
    return None if outcome.raised else outcome.value


def _first_value(result) -> object | None:
    """The first element of a result (as a Python value), None where there is none."""
    if result is None:
        return None
    values = tensor_to_numpy(result) if isinstance(result, torch.Tensor) else np.asarray(result)
    return values.reshape(-1)[0].item() if values.size else None


# ---------------------------------------------------------------------------
# x[key] = value


def _selection_shape(shape: tuple[int, ...], key: IndexKey) -> tuple[int, ...] | None:
    """The shape NumPy selects with `key`, None where NumPy refuses the key."""
    try:
        return tuple(np.empty(shape, dtype=np.int8)[key.for_reference(np)].shape)
    except Exception:
        return None


@pytest.mark.parametrize("family", KEY_FAMILIES)
@given(data=st.data())
def test_setitem(family, device, data):
    """x[key] = value: basic and advanced keys, values that broadcast (or do not), Python and NumPy
    scalars, NumPy arrays and lists; where a key repeats a position, that element holds one of the
    values written there."""
    x = data.draw(_indexed(device, SIZED, cs.writable_layouts))
    key = data.draw(_keys_of(family, x.shape), label="key")
    value = data.draw(indices.assigned_values(x.dtype, _selection_shape(x.shape, key)), label="value")
    inputs = {"x": x, "key": key, "value": value}
    ran = check_op(SETITEM, SETITEM.forms[0], inputs, device, dtype=x.dtype)
    assert_repeats_hold_written_values(SETITEM.forms[0].label, inputs, ran.actual, device)


INDEX_PUT_FORMS = [pytest.param(form, id=form.label) for form in INDEX_PUT.forms]


@pytest.mark.parametrize("form", INDEX_PUT_FORMS)
@given(data=st.data())
def test_index_put(form, device, data):
    """index_put with accumulate=True against np.add.at (repeated positions add up, in index
    order), and with accumulate=False against NumPy's assignment; in place, x itself is returned."""
    layouts = cs.writable_layouts if form.inplace else cs.layouts
    x = data.draw(_indexed(device, cs.sized_shapes(min_dims=1, max_dims=3), layouts))
    key = data.draw(indices.index_put_indices(x.shape), label="indices")
    target = _selection_shape(x.shape, key)
    values_shape = data.draw(
        indices.broadcastable_to(target, leading_ones=False) if target is not None else cs.shapes(max_dims=2),
        label="values shape",
    )
    values = data.draw(cs.array_inputs(x.dtype, values_shape), label="values")
    accumulate = data.draw(st.booleans(), label="accumulate")
    check_index_put(form, {"x": x, "indices": key, "values": values, "accumulate": accumulate}, device)


def check_index_put(form, inputs: dict, device: str) -> None:
    """`form` against the reference; in place, it must return x itself; without accumulate, a
    repeated position holds one of the values written there."""
    x, key, accumulate = inputs["x"], inputs["indices"], inputs["accumulate"]
    (tensor, _, values_tensor, _), (array, _, values_array, _), xp = build_both(inputs, device)

    def torch_call():
        result = form.call(tensor, key, values_tensor, accumulate)
        if form.inplace:
            assert result is tensor, f"{form.label} returned a new tensor, not self"
        return result

    ran = check_call(
        Check(form.label, inputs, device=device, op=INDEX_PUT, form=form),
        torch_call,
        lambda: INDEX_PUT.reference(xp, array, key, values_array, accumulate, dtype=x.dtype),
        dtype=x.dtype,
    )
    if accumulate:
        assert_sums_within_reordering(form.label, inputs, ran, device)
    else:
        assert_repeats_hold_written_values(form.label, inputs, ran.actual, device)


def assert_repeats_hold_written_values(label: str, inputs: dict, outcome, device: str) -> None:
    """Where an assignment writes a position more than once, torch keeps one of the values written
    there (which one is unspecified: the registry's `repeated-index-assignment`)."""
    if outcome.raised:
        return
    x, key = inputs["x"], inputs.get("key", inputs.get("indices"))
    value = inputs.get("value", inputs.get("values"))
    value = value.values if isinstance(value, ArrayInput) else np.asarray(value)
    written = written_positions(x.shape, key)
    if written is None or written.size == 0:
        return  # nothing written, nothing repeated (x[False] = value takes a value of any shape)
    shape = list(value.shape)
    while len(shape) > written.ndim and shape[0] == 1:
        shape.pop(0)
    candidates = np.broadcast_to(value.reshape(shape), written.shape).reshape(-1)
    written = written.reshape(-1)
    result = tensor_to_numpy(outcome.value).reshape(-1)
    held = []
    for position in np.flatnonzero(np.bincount(written, minlength=result.size) > 1):
        options, got = candidates[written == position], result[position]
        held.append(bool(np.any((options == got) | (_is_nan(options) & _is_nan(got)))))
    assert_conforms(
        {"holds a value written there": all(held)},
        {"holds a value written there": True},
        Check(f"{label} repeated positions", inputs, device=device),
    )


def assert_sums_within_reordering(label: str, inputs: dict, ran, device: str) -> None:
    """Where index_put(accumulate=True) adds several values into one floating element, the order of
    the additions is unspecified (the registry's `accumulation-order`): each such element must lie
    within 2 m (u sum|terms| + the smallest subnormal) of NumPy's sum in index order (m additions, u
    the dtype's unit roundoff), the error bound of any two orders. Elements whose terms could overflow in some order are left out."""
    x = inputs["x"]
    if ran.actual.raised or x.dtype.kind not in ("float", "complex"):
        return
    written = written_positions(x.shape, inputs["indices"])
    if written is None:
        return
    values = np.broadcast_to(inputs["values"].values, written.shape).reshape(-1)
    written = written.reshape(-1)
    start = x.values.reshape(-1)
    actual = tensor_to_numpy(ran.actual.value).reshape(-1)
    expected = np.asarray(getattr(ran.expected.value, "values", ran.expected.value)).reshape(-1)
    unit = x.dtype.eps / 2
    outside = []
    for position in np.flatnonzero(np.bincount(written, minlength=start.size) > 1):
        terms = np.concatenate([start[position : position + 1], values[written == position]])
        for part in (np.real, np.imag) if x.dtype.kind == "complex" else (np.real,):
            parts = np.asarray(part(terms), dtype=np.float64)
            with np.errstate(over="ignore"):
                magnitude = np.abs(parts[np.isfinite(parts)]).sum()
            if magnitude >= x.dtype.largest / 2:
                continue
            a, e = float(part(actual[position])), float(part(expected[position]))
            additions = len(terms) - 1  # each rounds by u relatively, or by half a subnormal below the normals
            bound = 2 * additions * (unit * magnitude + x.dtype.smallest_subnormal)
            within = a == e or (np.isnan(a) and np.isnan(e)) or abs(a - e) <= bound
            if not within:
                outside.append(int(position))
    assert_conforms(
        {"elements outside the reordering bound": outside},
        {"elements outside the reordering bound": []},
        Check(f"{label} accumulated sums", inputs, device=device),
    )


def _is_nan(values) -> np.ndarray:
    values = np.asarray(values)
    return np.isnan(values) if values.dtype.kind in "fc" else np.zeros(values.shape, dtype=bool)


# ---------------------------------------------------------------------------
# Spelled out: one key per rule, each divergence confirmed on every run


def _array(values, dtype: str = "int64", kind: str = "tensor") -> IndexArray:
    return IndexArray(ArrayInput(np.asarray(values, dtype=dt.dtype(dtype).numpy), dt.dtype(dtype)), kind)


SPELLED_OUT = {
    "negative step": ((4,), IndexKey((slice(None, None, -1),), True)),
    "negative start, positive step": ((5,), IndexKey((slice(-3, None, 2),), True)),
    "negative integer": ((3, 4), IndexKey((-1, -2))),
    "None and Ellipsis": ((2, 3), IndexKey((None, Ellipsis, None, 1))),
    "repeated entries": ((3,), IndexKey((_array([0, 0, 2, -1, 0]),), True)),
    "integer between a slice and an index array": ((2, 3, 4), IndexKey((0, slice(None), _array([0, 1])))),
    "index arrays apart, moved to the front": ((2, 3, 4), IndexKey((_array([0, 1]), slice(None), _array([1, 2])))),
    "an empty Ellipsis between index arrays": (
        (3, 4, 5),
        IndexKey((slice(None), _array([0, 1]), Ellipsis, _array([0, 1]))),
    ),
    "nested list": ((2, 3), IndexKey((_array([[0, 1], [1, 0]], kind="list"),), True)),
    "several ellipses": ((2, 3, 4), IndexKey((Ellipsis, 0, Ellipsis))),
    "uint8 index tensor": ((3,), IndexKey((_array([1, 0, 1], "uint8"),), True)),
    "int16 index tensor": ((3,), IndexKey((_array([1, 0], "int16"),), True)),
    "int16 NumPy array": ((3,), IndexKey((_array([1, 0], "int16", "ndarray"),), True)),
    "bool mask of two dims": ((2, 3, 4), IndexKey((_array(np.eye(2, 3, dtype=bool), "bool"),))),
    "True and False": ((2,), IndexKey((True, slice(None), False))),
    "empty list": ((2, 3), IndexKey((_array(np.zeros(0, np.int64), kind="list"),), True)),
    "0-d tensor, empty key": ((), IndexKey(())),
    "integer past the end": ((3,), IndexKey((3,), True)),
    "negative integer past the start": ((2, 3), IndexKey((slice(None), -4))),
    "index entry past the end": ((3,), IndexKey((_array([0, 3]),), True)),
    "index entry past the end, nothing selected": ((0, 1), IndexKey((slice(None), _array([1])))),
    "NumPy mask of two dims after an Ellipsis": (
        (2, 3, 4),
        IndexKey((Ellipsis, _array(np.ones((3, 4), dtype=bool), "bool", "ndarray"))),
    ),
    "list mask of two dims before an Ellipsis": (
        (2, 3, 4),
        IndexKey((_array(np.eye(2, 3, dtype=bool), "bool", "list"), Ellipsis, 0)),
    ),
    "NumPy 0-d mask before an Ellipsis": ((2, 3, 4), IndexKey((_array(True, "bool", "ndarray"), Ellipsis, 0))),
    "0-d tensor mask before an Ellipsis": ((2, 3, 4), IndexKey((_array(True, "bool"), Ellipsis, 0))),
    "index entry past the end, broadcast with an empty one (no divergence)": (
        (3, 2),
        IndexKey((_array([5]), _array(np.zeros((0, 1), np.int64)))),
    ),
}


@pytest.mark.parametrize("case", list(SPELLED_OUT))
def test_spelled_out(case, device):
    """One key per rule of NumPy's indexing, on a tensor holding 0, 1, 2, ...: each documented
    divergence is confirmed on every run, and an undocumented one fails here first."""
    shape, key = SPELLED_OUT[case]
    x = ArrayInput(np.arange(math.prod(shape), dtype=np.float32).reshape(shape), dt.dtype("float32"))
    check_op(GETITEM, GETITEM.forms[0], {"x": x, "key": key}, device, dtype=x.dtype)


def _float32(values) -> ArrayInput:
    return ArrayInput(np.asarray(values, dtype=np.float32), dt.dtype("float32"))


ASSIGNMENTS = {
    "a repeated position holds a written value": (
        _float32([0, 0, 0]),
        IndexKey((_array([0, 0, 1]),), True),
        _float32([1, 2, 3]),
    ),
    "a mask and a Python scalar": (
        _float32(np.arange(6).reshape(2, 3)),
        IndexKey((_array(np.arange(6).reshape(2, 3) % 2 == 0, "bool"),), True),
        5.0,
    ),
    "a slice and a broadcast row": (
        _float32(np.zeros((3, 4))),
        IndexKey((slice(1, None), slice(None))),
        _float32([1, 2, 3, 4]),
    ),
    "a negative start": (_float32(np.zeros(5)), IndexKey((slice(-3, None),), True), _float32([1, 2, 3])),
    "a NumPy integer into uint64": (
        ArrayInput(np.zeros(2, dtype=np.uint64), dt.dtype("uint64")),
        IndexKey((0,), True),
        np.uint64(5),
    ),
    "an entry past the end, nothing selected": (
        _float32(np.zeros((0, 1))),
        IndexKey((slice(None), _array([1]))),
        1.0,
    ),
}


@pytest.mark.parametrize("case", list(ASSIGNMENTS))
def test_assignment_spelled_out(case, device):
    """x[key] = value, one rule per case."""
    x, key, value = ASSIGNMENTS[case]
    inputs = {"x": x, "key": key, "value": value}
    ran = check_op(SETITEM, SETITEM.forms[0], inputs, device, dtype=x.dtype)
    assert_repeats_hold_written_values(SETITEM.forms[0].label, inputs, ran.actual, device)


@pytest.mark.parametrize("form", INDEX_PUT_FORMS)
@pytest.mark.parametrize("accumulate", [True, False], ids=["accumulate", "write"])
def test_index_put_spelled_out(form, accumulate, device):
    """Repeated positions: with accumulate, each adds (np.add.at); without, one of them stays."""
    inputs = {
        "x": _float32(np.zeros((3, 2))),
        "indices": IndexKey((_array([0, 0, 2, 0]),)),
        "values": _float32(np.arange(8).reshape(4, 2)),
        "accumulate": accumulate,
    }
    check_index_put(form, inputs, device)
