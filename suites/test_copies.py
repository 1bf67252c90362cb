"""Copies and moves: clone, contiguous, detach, to, type_as, cpu/cuda, copy_, new_* and new_tensor.

Each call is given tensors of every dtype in every layout torch has (offset, stepped,
transposed, expanded) and compared with NumPy's (CuPy's on CUDA) counterpart, which
is named next to each call: values (exactly: a copy or a cast rounds once, to nearest,
or truncates and wraps as C does), dtype and device, memory format (the strides of
the result, as NumPy's order='K' or order='C' lays it out) and aliasing (a copy never
shares memory with its source; a call with nothing to do returns the source itself, as
NumPy's `astype(copy=False)` and `ascontiguousarray` do). Moves run from every device
under test to every other one.

Float-to-integer conversions are drawn within the target's range: C leaves other
values undefined, and torch and NumPy differ by platform there. Mixed operands and
Python data are in test_mixed_operands.py; NumPy shared memory in test_interop.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strategies as cs
from conformance import casts
from conformance import dtypes as dt
from conformance.backends import reference_backend, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.devices import devices_under_test
from conformance.inputs import ArrayInput
from conformance.layouts import significant_strides, strides_in_elements
from conformance.normal import as_dtype
from conformance.oracle import assert_conforms
from conformance.outcomes import capture
from conformance.runner import check_call
from conformance.tolerances import Tolerance
from strategies.chance import one_in
from strategies.python_data import nested_data

ALL = [dt.dtype(n) for n in dt.ALL]
# Exact: no two distinct values of a dtype lie within this relative distance of each other. It is not
# 0 because the oracle's bound rtol * |expected| is 0 * inf (NaN) where a complex magnitude overflows.
EXACTLY = Options(tolerance=Tolerance(rtol=5e-324, atol=0.0))
SHAPES = cs.shapes(max_dims=4, max_elements=256)


def _torch_facts(result: torch.Tensor, source: torch.Tensor) -> dict:
    """Whether a result is its source, and whether it shares its memory (not asked of empty results)."""
    shares = None if result.numel() == 0 else result.untyped_storage().data_ptr() == source.untyped_storage().data_ptr()
    return {"same object": result is source, "shares memory": shares}


def _reference_facts(result, source, xp) -> dict:
    shares = None if result.size == 0 else bool(xp.shares_memory(result, source))
    return {"same object": result is source, "shares memory": shares}


def _torch_strides(tensor: torch.Tensor):
    return significant_strides(tuple(tensor.shape), tensor.stride())


def _reference_strides(array):
    return significant_strides(array.shape, strides_in_elements(array))


def _host(xp, array) -> np.ndarray:
    return array if xp is np else xp.asnumpy(array)


def _convert(xp, array, source: dt.DType, target: dt.DType):
    """The reference's conversion: the array module's astype (order='K', a new array) between
    dtypes it has, `conformance.casts` (on the host) where bfloat16 is involved."""
    if source.native_numpy and target.native_numpy:
        real_part = source.is_complex and not target.is_complex and target.kind != "bool"
        with xp.errstate(over="ignore", invalid="ignore"):  # out-of-range values are drawn on purpose
            return (array.real if real_part else array).astype(target.numpy)
    return casts.convert(_host(xp, array), source, target)


def _from_python(xp, payload, target: dt.DType):
    """Python data as NumPy reads it into `target` (bfloat16: read exactly, then rounded once)."""
    if target.native_numpy:
        return xp.asarray(payload, dtype=target.numpy)
    exact = np.asarray(payload)
    return casts.convert(exact, dt.from_numpy(exact.dtype), target)


def _tagged(xp, array, dtype: dt.DType):
    """A reference array standing for `dtype` (a bfloat16 carrier tagged as bfloat16)."""
    return array if dtype.native_numpy else as_dtype(_host(xp, array), dtype)


def assert_copy_conforms(label, inputs, device, torch_call, reference_call, dtype, *, facts=True, strides=True):
    """Values (exactly), then strides and aliasing of `torch_call()` against `reference_call()`;
    both return (result, source)."""
    ran = check_call(
        Check(label, inputs, device=device),
        lambda: torch_call()[0],
        lambda: reference_call()[0],
        dtype=dtype,
        options=EXACTLY,
    )
    if ran.actual.raised:
        return
    (tensor, source), (array, array_source) = torch_call(), reference_call()
    if strides:
        assert_conforms(
            capture(lambda: _torch_strides(tensor)),
            capture(lambda: _reference_strides(array)),
            Check(f"{label} strides", inputs, device=device),
        )
    if facts:
        xp = reference_backend(device).xp
        assert_conforms(
            _torch_facts(tensor, source),
            _reference_facts(array, array_source, xp),
            Check(f"{label} aliasing", inputs, device=device),
        )


# ---------------------------------------------------------------------------
# clone, contiguous, detach, to(same dtype), type_as(self)


COPIES = {
    "Tensor.clone": (lambda t: t.clone(), lambda xp, a: xp.copy(a, order="K")),
    "Tensor.clone(contiguous_format)": (
        lambda t: t.clone(memory_format=torch.contiguous_format),
        lambda xp, a: xp.copy(a, order="C"),
    ),
    # np.asarray(order="C"): ascontiguousarray would make a 0-d array 1-d
    "Tensor.contiguous": (lambda t: t.contiguous(), lambda xp, a: xp.asarray(a, order="C")),
    "Tensor.detach": (lambda t: t.detach(), lambda xp, a: a.view()),
    "Tensor.to(own dtype)": (lambda t: t.to(t.dtype), lambda xp, a: a.astype(a.dtype, copy=False)),
    "Tensor.to(own dtype, copy=True)": (lambda t: t.to(t.dtype, copy=True), lambda xp, a: a.astype(a.dtype, copy=True)),
    "Tensor.to(own device)": (lambda t: t.to(t.device), lambda xp, a: xp.asarray(a)),
    "Tensor.type_as(self)": (lambda t: t.type_as(t), lambda xp, a: a.astype(a.dtype, copy=False)),
}


@pytest.mark.parametrize("op", list(COPIES))
@given(data=st.data())
def test_copy(op, device, data):
    """A copy (clone, contiguous of a non-contiguous tensor, to(copy=True)) has the source's
    values, lays them out as NumPy's copy does and shares no memory; detach is a view; a call
    with nothing to do (contiguous of a contiguous tensor, to its own dtype or device) returns
    the source itself."""
    dtype = data.draw(cs.dtypes(device=device), label="dtype")
    shape = data.draw(SHAPES, label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    torch_fn, reference_fn = COPIES[op]
    tensor, array = torch_backend(device).build(inp), reference_backend(device).build(inp)
    xp = reference_backend(device).xp
    assert_copy_conforms(
        op,
        {"input": inp},
        device,
        lambda: (torch_fn(tensor), tensor),
        lambda: (reference_fn(xp, array), array),
        dtype,
    )


def _channels_last(xp, array):
    """NumPy's copy of an NCHW array laid out as NHWC in memory (torch.channels_last)."""
    return xp.ascontiguousarray(array.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)


MEMORY_FORMATS = {
    "Tensor.contiguous(channels_last)": lambda t: t.contiguous(memory_format=torch.channels_last),
    "Tensor.to(channels_last)": lambda t: t.to(memory_format=torch.channels_last),
    "Tensor.clone(channels_last)": lambda t: t.clone(memory_format=torch.channels_last),
}


@pytest.mark.parametrize("op", list(MEMORY_FORMATS))
@given(data=st.data())
def test_channels_last(op, device, data):
    """A 4-d tensor laid out channels-last: the values, NHWC strides (as NumPy's copy of the
    NHWC transpose), no shared memory unless the tensor already was channels-last."""
    dtype = data.draw(cs.dtypes(device=device), label="dtype")
    shape = data.draw(cs.shapes(min_dims=4, max_dims=4, max_side=4, max_elements=256), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor, array = torch_backend(device).build(inp), reference_backend(device).build(inp)
    xp = reference_backend(device).xp
    assert_copy_conforms(
        op,
        {"input": inp},
        device,
        lambda: (MEMORY_FORMATS[op](tensor), tensor),
        lambda: (_channels_last(xp, array), array),
        dtype,
        facts=False,
    )


# ---------------------------------------------------------------------------
# Conversions between dtypes


def _castable_range(source: dt.DType, target: dt.DType) -> dict:
    """Value bounds that keep a float-to-integer conversion defined: the target's range, moved
    inward to values the source holds (both parts of a complex source are bounded)."""
    if not (source.kind in ("float", "complex") and target.kind in ("int", "uint")):
        return {}
    part = np.dtype(np.float32) if source.name == "bfloat16" else source.part
    with np.errstate(over="ignore"):  # a range past float16's: its infinities, moved inward below
        low, high = np.asarray(target.lowest, dtype=part), np.asarray(target.largest, dtype=part)
    if float(high) > target.largest:
        high = np.nextafter(high, part.type(0))
    if float(low) < target.lowest:
        low = np.nextafter(low, part.type(0))
    return {"min_value": float(low), "max_value": float(high), "allow_nan": False, "allow_infinity": False}


SHORTHANDS = {
    "bool": "bool",
    "uint8": "byte",
    "int8": "char",
    "int16": "short",
    "int32": "int",
    "int64": "long",
    "float16": "half",
    "bfloat16": "bfloat16",
    "float32": "float",
    "float64": "double",
    "complex64": "cfloat",
    "complex128": "cdouble",
}
CONVERSIONS = {
    "Tensor.to(dtype)": lambda t, target: t.to(target.torch),
    "Tensor.to(dtype=)": lambda t, target: t.to(dtype=target.torch),
    "Tensor.to(device, dtype)": lambda t, target: t.to(t.device, target.torch),
    "Tensor.to(other)": lambda t, target: t.to(torch.empty(0, dtype=target.torch, device=t.device)),
    "Tensor.type_as": lambda t, target: t.type_as(torch.empty(0, dtype=target.torch, device=t.device)),
    "Tensor.type(dtype)": lambda t, target: t.type(target.torch),
    "Tensor.<dtype>()": lambda t, target: getattr(t, SHORTHANDS[target.name])(),
}


@pytest.mark.parametrize("form", list(CONVERSIONS))
@pytest.mark.filterwarnings("ignore:Casting complex values to real discards the imaginary part:UserWarning")
@given(data=st.data())
def test_conversion(form, device, data):
    """to(dtype) and its spellings, from every dtype to every dtype: values converted as NumPy's
    astype converts them (bfloat16 rounded once), the layout of order='K', no shared memory;
    to the source's own dtype, the source itself."""
    source = data.draw(cs.dtypes(device=device), label="source dtype")
    targets = [d.name for d in ALL if form != "Tensor.<dtype>()" or d.name in SHORTHANDS]
    target = data.draw(cs.dtypes(targets, device=device), label="target dtype")
    shape = data.draw(SHAPES, label="shape")
    inp = data.draw(cs.array_inputs(source, shape, **_castable_range(source, target)), label="input")
    tensor, array = torch_backend(device).build(inp), reference_backend(device).build(inp)
    xp = reference_backend(device).xp

    def reference():
        if source.name == target.name:
            return array.astype(array.dtype, copy=False), array
        return _convert(xp, array, source, target), array

    both_native = source.native_numpy and target.native_numpy
    label = form.replace("<dtype>", SHORTHANDS.get(target.name, target.name))
    assert_copy_conforms(
        label,
        {"input": inp, "dtype": target},
        device,
        lambda: (CONVERSIONS[form](tensor, target), tensor),
        reference,
        target,
        strides=both_native,
        facts=both_native or source.name == target.name,
    )


# Values whose conversion rounds differently when taken through float32 first: the exact value
# lies just past a midpoint of the target's values, and float32 rounds it onto the midpoint.
DOUBLE_ROUNDING = {
    "float64-to-float16": (
        "float64",
        "float16",
        [1 + 2**-11 + 2**-40, -(1 + 2**-11 + 2**-40), 2**-14 * (1 + 2**-11 + 2**-39)],
    ),
    "float64-to-bfloat16": (
        "float64",
        "bfloat16",
        [1 + 2**-8 + 2**-40, -(3 + 3 * 2**-8 + 2**-41), 2.0**100 * (1 + 2**-8 + 2**-30)],
    ),
    "complex128-to-float16": (
        "complex128",
        "float16",
        [complex(1 + 2**-11 + 2**-40, 1), complex(-(1 + 2**-11 + 2**-40), 0)],
    ),
    "int64-to-bfloat16": ("int64", "bfloat16", [2**30 + 2**22 + 1, -(2**40 + 2**32 + 1), 2**62 + 2**54 + 1]),
    "int32-to-bfloat16": ("int32", "bfloat16", [2**30 + 2**22 + 1, -(2**24 + 2**16 + 1)]),
    "uint64-to-bfloat16": ("uint64", "bfloat16", [2**63 + 2**55 + 1, 2**30 + 2**22 + 1]),
    "complex128-to-complex64": ("complex128", "complex64", [complex(1 + 2**-24 + 2**-60, -(1 + 2**-24 + 2**-70))]),
}


@pytest.mark.parametrize("case", list(DOUBLE_ROUNDING))
def test_conversion_rounds_once(case, device):
    """A narrowing conversion rounds the exact value once (IEEE 754), spelled out on values that
    a conversion through float32 would round twice; both the short and the vectorised paths.
    Where torch goes through float32, the registry's model of that (narrowing-conversion-rounds-twice)
    is what these values hold it to."""
    source_name, target_name, values = DOUBLE_ROUNDING[case]
    source, target = dt.dtype(source_name), dt.dtype(target_name)
    for length in (1, 64):
        inp = ArrayInput(np.resize(np.array(values, dtype=source.numpy), len(values) * length), source)
        tensor = torch_backend(device).build(inp)
        check_call(
            Check("Tensor.to", {"input": inp, "dtype": target}, device=device),
            lambda tensor=tensor: tensor.to(target.torch),
            lambda inp=inp: casts.convert(inp.values, source, target),
            dtype=target,
            options=EXACTLY,
        )


# ---------------------------------------------------------------------------
# Moves between devices


MOVES = {
    "Tensor.to(device)": lambda t, target: t.to(target),
    "Tensor.to(device=)": lambda t, target: t.to(device=target),
    "Tensor.to(device, non_blocking=True)": lambda t, target: t.to(target, non_blocking=True),
    "Tensor.to(other)": lambda t, target: t.to(torch.empty(0, dtype=t.dtype, device=target)),
    "Tensor.cpu": lambda t, target: t.cpu(),
    "Tensor.cuda": lambda t, target: t.cuda(torch.device(target).index or 0),
}


@pytest.mark.parametrize("op", list(MOVES))
@given(data=st.data())
def test_move(op, device, data):
    """From `device` to every device under test: the values on the target device, the source
    itself where source and target are one device, otherwise a copy that shares nothing."""
    targets = [d for d in devices_under_test() if op != "Tensor.cpu" or d == "cpu"]
    targets = [d for d in targets if op != "Tensor.cuda" or d.startswith("cuda")]
    if not targets:
        pytest.skip(f"{op} needs a target device that is not under test here")
    target = data.draw(st.sampled_from(targets), label="target device")
    dtype = data.draw(cs.dtypes(device=device), label="dtype")
    shape = data.draw(SHAPES, label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor = torch_backend(device).build(inp)
    source_array, target_array = reference_backend(device).build(inp), reference_backend(target).build(inp)
    same = torch.device(target) == tensor.device
    moved = MOVES[op](tensor, target)
    if "non_blocking" in op and torch.cuda.is_available():
        torch.cuda.synchronize()  # a non-blocking copy is complete only once the stream is synchronised
    check_call(
        Check(op, {"input": inp, "target": target}, device=target),
        lambda: moved,
        lambda: target_array,
        dtype=dtype,
        options=EXACTLY,
    )
    shares = None if moved.numel() == 0 or not same else moved.data_ptr() == tensor.data_ptr()
    assert_conforms(
        {"same object": moved is tensor, "shares memory": shares},
        {"same object": same, "shares memory": None if moved.numel() == 0 or not same else True},
        Check(f"{op} aliasing", {"input": inp, "target": target, "source": source_array.shape}, device=target),
    )


# ---------------------------------------------------------------------------
# copy_


@st.composite
def _copy_shapes(draw):
    """A destination shape, and a source shape that broadcasts to it (or, one draw in five,
    one that does not, or has more dims)."""
    destination = draw(cs.shapes(max_dims=4, max_side=5, max_elements=256), label="destination shape")
    if one_in(draw, 5, "a source shape of any kind"):
        source = draw(cs.shapes(max_dims=5, max_side=5, max_elements=256), label="source shape (any)")
    else:
        source = draw(
            hnp.broadcastable_shapes(destination, max_dims=len(destination), max_side=5), label="source shape"
        )
    return destination, source


@given(data=st.data())
def test_copy_into(device, data):
    """dst.copy_(src) as np.copyto(dst, src, casting='unsafe'): src of any dtype, layout and
    (on a GPU) device broadcasts into dst, converted to dst's dtype; dst keeps its layout and is
    returned itself. Shapes that do not fit raise on both sides, and so does a dst with
    stride-0 dims (torch refuses overlapping writes; NumPy's broadcast views are read-only)."""
    destination_dtype = data.draw(cs.dtypes(device=device), label="dst dtype")
    source_dtype = data.draw(cs.dtypes(device=device), label="src dtype")
    source_device = data.draw(st.sampled_from(devices_under_test()), label="src device")
    destination_shape, source_shape = data.draw(_copy_shapes())
    destination = data.draw(cs.array_inputs(destination_dtype, destination_shape), label="dst")
    source = data.draw(
        cs.array_inputs(source_dtype, source_shape, **_castable_range(source_dtype, destination_dtype)), label="src"
    )
    inputs = {"self": destination, "src": source}
    dst, src = torch_backend(device).build(destination), torch_backend(source_device).build(source)
    reference = reference_backend(device)
    dst_array, src_array = reference.build(destination), reference.build(source)
    strides_before = _torch_strides(dst)

    def torch_call():
        result = dst.copy_(src)
        return {"returns self": result is dst, "strides kept": _torch_strides(dst) == strides_before, "self": dst}

    def reference_call():
        target = dst_array
        if destination.layout.expanded:  # NumPy's broadcast views are read-only: write only where nothing overlaps
            if dst_array.size:
                raise ValueError("more than one element of the destination refers to one memory location")
            target = dst_array.copy()
        converted = _convert(reference.xp, src_array, source_dtype, destination_dtype)
        reference.xp.copyto(target, reference.xp.asarray(getattr(converted, "values", converted)), casting="unsafe")
        return {"returns self": True, "strides kept": True, "self": _tagged(reference.xp, target, destination_dtype)}

    check_call(
        Check("Tensor.copy_", {**inputs, "src device": source_device}, device=device),
        torch_call,
        reference_call,
        dtype=destination_dtype,
        options=EXACTLY,
    )


# ---------------------------------------------------------------------------
# new_zeros, new_ones, new_full, new_empty, new_tensor


NEW = {
    "Tensor.new_zeros": (lambda t, size, **kw: t.new_zeros(size, **kw), lambda xp, size, d: xp.zeros(size, dtype=d)),
    "Tensor.new_ones": (lambda t, size, **kw: t.new_ones(size, **kw), lambda xp, size, d: xp.ones(size, dtype=d)),
    "Tensor.new_empty": (lambda t, size, **kw: t.new_empty(size, **kw), lambda xp, size, d: xp.empty(size, dtype=d)),
}


@pytest.mark.parametrize("op", [*NEW, "Tensor.new_full"])
@given(data=st.data())
def test_new_filled(op, device, data):
    """new_zeros/new_ones/new_full/new_empty take self's dtype and device unless given a
    dtype; the result is contiguous and shares nothing with self (new_empty: shape and dtype only)."""
    dtype = data.draw(cs.dtypes(device=device), label="self dtype")
    inp = data.draw(cs.array_inputs(dtype, data.draw(SHAPES, label="self shape")), label="self")
    target = data.draw(st.none() | st.sampled_from(ALL), label="dtype")
    size = data.draw(SHAPES, label="size")
    result_dtype = target or dtype
    kwargs = {} if target is None else {"dtype": target.torch}
    tensor = torch_backend(device).build(inp)
    xp = reference_backend(device).xp
    if op == "Tensor.new_full":
        fill = data.draw(cs.elements(result_dtype), label="fill")
        fill = fill.item() if isinstance(fill, np.generic) else fill
        torch_fn = lambda: tensor.new_full(size, fill, **kwargs)  # noqa: E731
        reference_fn = lambda: xp.full(size, fill, dtype=result_dtype.numpy)  # noqa: E731
    else:
        make, make_reference = NEW[op]
        torch_fn = lambda: make(tensor, size, **kwargs)  # noqa: E731
        reference_fn = lambda: make_reference(xp, size, result_dtype.numpy)  # noqa: E731
    ran = check_call(
        Check(op, {"self": inp, "size": size, "dtype": target}, device=device),
        torch_fn,
        reference_fn,
        dtype=result_dtype,
        options=Options(tolerance=EXACTLY.tolerance, check_values=op != "Tensor.new_empty"),
    )
    if not ran.actual.raised:
        result = ran.actual.value
        assert_conforms(
            {
                "contiguous": result.is_contiguous(),
                "shares self's memory": _torch_facts(result, tensor)["shares memory"],
            },
            {"contiguous": True, "shares self's memory": None if result.numel() == 0 else False},
            Check(f"{op} layout", {"self": inp, "size": size}, device=device),
        )


_DATA_KINDS = {"bool": ("bool",), "uint": ("bool", "int"), "int": ("bool", "int"), "float": ("bool", "int", "float")}


@given(data=st.data())
def test_new_tensor(device, data):
    """new_tensor(data) copies Python data or a tensor into self's dtype and device (or the dtype
    given), as np.array(data, dtype) does; a tensor's memory is never shared."""
    dtype = data.draw(cs.dtypes(device=device), label="self dtype")
    inp = data.draw(cs.array_inputs(dtype, data.draw(SHAPES, label="self shape")), label="self")
    target = data.draw(st.none() | st.sampled_from(ALL), label="dtype")
    result_dtype = target or dtype
    kwargs = {} if target is None else {"dtype": target.torch}
    tensor = torch_backend(device).build(inp)
    xp = reference_backend(device).xp
    if data.draw(st.booleans(), label="from a tensor"):
        source = data.draw(
            cs.array_inputs(dtype, data.draw(SHAPES, label="shape"), **_castable_range(dtype, result_dtype)),
            label="data",
        )
        payload, array = torch_backend(device).build(source), reference_backend(device).build(source)
        reference = lambda: _convert(xp, array, dtype, result_dtype)  # noqa: E731
        inputs = {"self": inp, "data": source, "dtype": target}
    else:
        int_range = (-(2**63), 2**63 - 1)
        if result_dtype.kind in ("int", "uint"):  # in range: out-of-range Python ints are test_mixed_operands'
            int_range = (max(int(result_dtype.lowest), -(2**63)), min(int(result_dtype.largest), 2**63 - 1))
        kinds = _DATA_KINDS.get(result_dtype.kind, ("bool", "int", "float", "complex"))
        payload = data.draw(nested_data(kinds, int_range=int_range), label="data")
        reference = lambda: _from_python(xp, payload, result_dtype)  # noqa: E731
        inputs = {"self": inp, "data": payload, "dtype": target}
    ran = check_call(
        Check("Tensor.new_tensor", inputs, device=device),
        lambda: tensor.new_tensor(payload, **kwargs),
        reference,
        dtype=result_dtype,
        options=EXACTLY,
    )
    if not ran.actual.raised and isinstance(payload, torch.Tensor) and payload.numel():
        assert_conforms(
            {"shares memory with data": _torch_facts(ran.actual.value, payload)["shares memory"]},
            {"shares memory with data": False},
            Check("Tensor.new_tensor aliasing", inputs, device=device),
        )


def test_shares_memory_helper_sees_views_and_copies():
    """The aliasing facts tell a view from a copy (a self-check of the helper the suite leans on)."""
    base = torch.arange(6.0).reshape(2, 3)
    assert _torch_facts(base.t(), base) == {"same object": False, "shares memory": True}
    assert _torch_facts(base.clone(), base) == {"same object": False, "shares memory": False}
    assert math.isclose(float(base.sum()), 15.0)
