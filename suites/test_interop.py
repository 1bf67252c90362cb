"""Interop: NumPy shared memory and copies, the dtype map, DLPack, CuPy, error and warning parity.

Sharing is proved by behaviour: a value written through one side is read back
through the other, and both sides start at the same address. Copy semantics are
compared with NumPy's own: `torch.as_tensor(a)` must share exactly when
`np.asarray(a)` would, and so on. Calls that can abort the interpreter
(`torch.from_dlpack` of a negative-stride array on torch 2.13) run in a subprocess.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import interop
from conformance.backends import NUMPY, torch_backend
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.isolation import run_isolated
from conformance.oracle import assert_conforms
from conformance.outcomes import ExpectedError, Outcome, capture

NATIVE = [dt.dtype(n) for n in dt.NATIVE_NUMPY]
SHAPES = cs.shapes(max_dims=4, max_elements=256)


def documented_error(error_type, match: str = "") -> Outcome:
    """The outcome torch documents: it raises `error_type` with a message matching `match`."""
    return Outcome(error=ExpectedError(error_type, match))


@st.composite
def numpy_inputs(draw, dtype: dt.DType, *, negative_strides: bool = False) -> ArrayInput:
    """An array input in a writable layout (stride-0 views are read-only in NumPy)."""
    shape = draw(SHAPES, label="shape")
    return draw(
        cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape, allow_negative_strides=negative_strides)),
        label="array",
    )


# ---------------------------------------------------------------------------
# torch.from_numpy and Tensor.numpy share memory


def _sharing_facts(source, view, dtype: dt.DType, write) -> dict:
    """What a sharing conversion must preserve: dtype, shape, strides, address, write-through."""
    facts = interop.layout_facts(view)
    size = int(np.prod(facts["shape"]))
    facts["same address"] = size == 0 or _address(source) == _address(view)
    facts["writes visible"] = size == 0 or write()
    return facts


def _address(obj) -> int:
    return interop.tensor_address(obj) if isinstance(obj, torch.Tensor) else interop.array_address(obj)


def _expected_sharing(array: np.ndarray) -> dict:
    return {**interop.layout_facts(array), "same address": True, "writes visible": True}


@pytest.mark.parametrize("dtype", NATIVE)
@given(data=st.data())
def test_from_numpy_shares_memory(dtype, data):
    """torch.from_numpy(a): same dtype, shape, strides and memory; writes through either side show."""
    inp = data.draw(numpy_inputs(dtype))
    array = NUMPY.build(inp)
    expected = _expected_sharing(array)
    outcome = capture(torch.from_numpy, array)
    if not outcome.raised:
        tensor = outcome.value
        direction = data.draw(st.sampled_from(["numpy writes", "torch writes"]), label="direction")
        write = (
            (lambda: interop.written_through_numpy(array, tensor, dtype))
            if direction == "numpy writes"
            else (lambda: interop.written_through_torch(tensor, array, dtype))
        )
        outcome = capture(_sharing_facts, array, tensor, dtype, write)
    assert_conforms(outcome, expected, Check("torch.from_numpy", {"array": inp}))


@pytest.mark.parametrize("dtype", [d for d in dt.ALL_DTYPES if d.native_numpy], ids=str)
@given(data=st.data())
def test_numpy_method_shares_memory(dtype, data):
    """Tensor.numpy() of a CPU tensor in any layout: the same memory, dtype, shape and strides."""
    shape = data.draw(SHAPES, label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="tensor")
    tensor = torch_backend("cpu").build(inp)
    expected = {**interop.layout_facts(tensor), "same address": True, "writes visible": True}
    outcome = capture(tensor.numpy)
    if not outcome.raised:
        array = outcome.value
        outcome = capture(
            _sharing_facts, tensor, array, dtype, lambda: interop.written_through_torch(tensor, array, dtype)
        )
    assert_conforms(outcome, expected, Check("Tensor.numpy", {"tensor": inp}))


# ---------------------------------------------------------------------------
# Copy semantics, compared with NumPy's for the same request


def _shares(result, source) -> bool:
    if isinstance(result, torch.Tensor):
        return result.numel() > 0 and interop.tensor_address(result) == _address(source)
    return bool(np.shares_memory(result, np.asarray(source) if isinstance(source, torch.Tensor) else source))


CONVERSIONS = {
    # torch call on a NumPy array a, and NumPy's own call with the same request
    "torch.tensor": (lambda a, d: torch.tensor(a), lambda a, d: np.array(a, copy=True)),
    "torch.as_tensor": (lambda a, d: torch.as_tensor(a), lambda a, d: np.asarray(a)),
    "torch.as_tensor(dtype=)": (
        lambda a, d: torch.as_tensor(a, dtype=d.torch),
        lambda a, d: np.asarray(a, dtype=d.numpy),
    ),
    "torch.asarray": (lambda a, d: torch.asarray(a), lambda a, d: np.asarray(a)),
    "torch.asarray(copy=True)": (lambda a, d: torch.asarray(a, copy=True), lambda a, d: np.asarray(a, copy=True)),
    "torch.asarray(copy=False)": (lambda a, d: torch.asarray(a, copy=False), lambda a, d: np.asarray(a, copy=False)),
    "torch.asarray(dtype=, copy=False)": (
        lambda a, d: torch.asarray(a, dtype=d.torch, copy=False),
        lambda a, d: np.asarray(a, dtype=d.numpy, copy=False),
    ),
}


@pytest.mark.parametrize("conversion", list(CONVERSIONS))
@given(data=st.data())
def test_numpy_to_torch_copy_semantics(conversion, data):
    """torch.tensor always copies; as_tensor/asarray share unless the dtype changes, honour copy=.

    The reference is NumPy's answer to the same request on the same array."""
    dtype = data.draw(st.sampled_from(NATIVE), label="dtype")
    target = data.draw(st.sampled_from(NATIVE), label="target dtype")
    shape = data.draw(cs.shapes(min_dims=1, min_side=1, max_dims=3, max_elements=64), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="array")
    array = NUMPY.build(inp)
    torch_call, numpy_call = CONVERSIONS[conversion]
    actual = capture(lambda: {"shares": _shares(torch_call(array, target), array)})
    expected = capture(lambda: {"shares": _shares(numpy_call(array, target), array)})
    assert_conforms(actual, expected, Check(conversion, {"array": inp, "dtype": target}))


TENSOR_TO_NUMPY = {
    "np.asarray": lambda t: np.asarray(t),
    "np.array": lambda t: np.array(t),
    "np.asarray(copy=True)": lambda t: np.asarray(t, copy=True),
    "np.array(copy=False)": lambda t: np.array(t, copy=False),
    "np.asarray(dtype=float64)": lambda t: np.asarray(t, dtype=np.float64),
}


@pytest.mark.parametrize("conversion", list(TENSOR_TO_NUMPY))
@given(data=st.data())
def test_torch_to_numpy_copy_semantics(conversion, data):
    """np.asarray(t) shares, np.array(t) copies, copy= is honoured: as for an ndarray source."""
    dtype = data.draw(st.sampled_from(NATIVE), label="dtype")
    shape = data.draw(cs.shapes(min_dims=1, min_side=1, max_dims=3, max_elements=64), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="tensor")
    tensor = torch_backend("cpu").build(inp)
    array = NUMPY.build(inp)
    call = TENSOR_TO_NUMPY[conversion]
    actual = capture(lambda: {"dtype": dt.name_of(call(tensor).dtype), "shares": _shares(call(tensor), tensor)})
    expected = capture(lambda: {"dtype": dt.name_of(call(array).dtype), "shares": _shares(call(array), array)})
    assert_conforms(actual, expected, Check(conversion, {"tensor": inp}))


# ---------------------------------------------------------------------------
# The dtype map, both ways, and the dtypes torch does not take


UNSUPPORTED = {
    "longdouble": np.longdouble,
    "clongdouble": np.clongdouble,
    "object": object,
    "str": "U3",
    "bytes": "S3",
    "datetime64": "datetime64[s]",
    "timedelta64": "timedelta64[s]",
    "structured": [("a", "i4"), ("b", "f8")],
    **{f"{name} big-endian": np.dtype(name).newbyteorder(">") for name in ("int16", "int32", "float32", "float64")},
}


@pytest.mark.parametrize("dtype", NATIVE)
def test_dtype_map_both_ways(dtype):
    """Every NumPy dtype torch supports maps to its documented torch dtype, and back."""
    array = np.zeros((2, 3), dtype=dtype.numpy)
    tensor = torch.from_numpy(array)
    assert_conforms(
        capture(lambda: (dt.name_of(tensor.dtype), dt.name_of(tensor.numpy().dtype))),
        (dtype.name, dtype.name),
        Check("dtype map", {"dtype": dtype}),
    )


@pytest.mark.parametrize("name", list(UNSUPPORTED))
def test_unsupported_numpy_dtypes_raise(name):
    """Dtypes without a torch counterpart give a clear error naming the problem."""
    np_dtype = np.dtype(UNSUPPORTED[name])
    array = np.zeros(3, dtype=np_dtype)
    expected = (
        documented_error(ValueError, "byte order")
        if not np_dtype.isnative
        else documented_error(TypeError, "can't convert np.ndarray of type")
    )
    for op, call in (("torch.from_numpy", torch.from_numpy), ("torch.as_tensor", torch.as_tensor)):
        assert_conforms(capture(call, array), expected, Check(op, {"dtype": name}))


# ---------------------------------------------------------------------------
# Documented errors and warnings


def test_read_only_array_warns():
    """torch.from_numpy of a read-only array warns that writes would be undefined behaviour."""
    array = np.arange(4.0)
    array.setflags(write=False)
    outcome = capture(torch.from_numpy, array)
    assert_conforms(
        capture(lambda: any("not writable" in w for w in outcome.warnings)),
        True,
        Check("torch.from_numpy warning", {"array": "read-only float64[4]"}),
    )


@pytest.mark.parametrize("force", [False, True])
def test_numpy_of_a_tensor_that_requires_grad(force):
    """.numpy() refuses a tensor that requires grad; numpy(force=True) detaches and shares."""
    tensor = torch.arange(4.0, requires_grad=True)
    if not force:
        assert_conforms(capture(tensor.numpy), documented_error(RuntimeError, "requires grad"), Check("Tensor.numpy"))
        return
    array = tensor.numpy(force=True)
    assert_conforms(
        capture(
            lambda: {"values": array.copy(), "shares": interop.array_address(array) == interop.tensor_address(tensor)}
        ),
        {"values": np.arange(4.0, dtype=np.float32), "shares": True},
        Check("Tensor.numpy(force=True)"),
    )


@pytest.mark.requires("cuda")
@pytest.mark.parametrize("force", [False, True])
def test_numpy_of_a_cuda_tensor(force, device):
    """.numpy() of a CUDA tensor raises; numpy(force=True) copies it to the host."""
    tensor = torch.arange(4.0, device=device)
    if not force:
        assert_conforms(
            capture(tensor.numpy), documented_error(TypeError, "cuda"), Check("Tensor.numpy", device=device)
        )
        return
    assert_conforms(
        capture(lambda: tensor.numpy(force=True)), np.arange(4.0, dtype=np.float32), Check("Tensor.numpy(force=True)")
    )


@pytest.mark.parametrize("dtype", NATIVE)
@given(value=st.data())
def test_zero_dim_arrays_keep_their_dtype(dtype, value):
    """0-d NumPy arrays keep their dtype through torch.tensor and torch.as_tensor (NumPy scalars and
    Python scalars are the creation suite's: test_from_numpy_scalar, test_from_python_data)."""
    scalar = dtype.numpy.type(value.draw(cs.elements(dtype, allow_nan=False), label="value"))
    zero_dim = np.asarray(scalar)
    assert_conforms(capture(lambda: torch.tensor(zero_dim)), zero_dim.copy(), Check("torch.tensor", {"data": zero_dim}))
    assert_conforms(
        capture(lambda: torch.as_tensor(zero_dim)), zero_dim.copy(), Check("torch.as_tensor", {"data": zero_dim})
    )


# ---------------------------------------------------------------------------
# DLPack


@pytest.mark.parametrize("dtype", NATIVE)
@given(data=st.data())
def test_torch_from_dlpack_of_numpy(dtype, data):
    """torch.from_dlpack(ndarray): zero-copy with dtype, shape and strides, in every layout.

    Negative strides included: the call runs in a subprocess, since torch 2.13 aborts on them."""
    inp = data.draw(numpy_inputs(dtype, negative_strides=True))
    actual = run_isolated(interop.from_dlpack_in_isolation, inp)
    expected = capture(interop.numpy_from_dlpack_of_array, inp)
    assert_conforms(actual, expected, Check("torch.from_dlpack", {"array": inp}))


@pytest.mark.parametrize("dtype", [d for d in dt.ALL_DTYPES], ids=str)
@given(data=st.data())
def test_numpy_from_dlpack_of_tensor(dtype, data):
    """np.from_dlpack(tensor): zero-copy with dtype, shape and strides; NumPy refuses dtypes it lacks."""
    shape = data.draw(SHAPES, label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="tensor")
    tensor = torch_backend("cpu").build(inp)
    expected = (
        {**interop.layout_facts(tensor), "same address": True, "writes visible": True}
        if dtype.native_numpy
        else documented_error(RuntimeError, "Unsupported dtype")
    )
    outcome = capture(np.from_dlpack, tensor)
    if not outcome.raised:
        array = outcome.value
        outcome = capture(
            _sharing_facts, tensor, array, dtype, lambda: interop.written_through_numpy(array, tensor, dtype)
        )
    assert_conforms(outcome, expected, Check("np.from_dlpack", {"tensor": inp}))


def test_dlpack_refuses_tensors_that_require_grad():
    tensor = torch.ones(3, requires_grad=True)
    assert_conforms(
        capture(np.from_dlpack, tensor), documented_error(BufferError, "require gradient"), Check("np.from_dlpack")
    )
    assert_conforms(
        capture(tensor.__dlpack__), documented_error(BufferError, "require gradient"), Check("Tensor.__dlpack__")
    )


def test_dlpack_device(device):
    """__dlpack_device__: (kDLCPU=1, 0) on the CPU, (kDLCUDA=2, index) on CUDA, as NumPy/CuPy report."""
    tensor = torch.ones(2, device=device)
    parsed = torch.device(device)
    expected = (1, 0) if parsed.type == "cpu" else (2, parsed.index or 0) if parsed.type == "cuda" else None
    if expected is None:
        pytest.skip(f"no DLPack device code documented here for {device}")
    assert_conforms(
        capture(lambda: tuple(int(v) for v in tensor.__dlpack_device__())),
        expected,
        Check("Tensor.__dlpack_device__", device=device),
    )
    if parsed.type == "cpu":
        assert_conforms(
            tuple(int(v) for v in np.ones(2).__dlpack_device__()), expected, Check("ndarray.__dlpack_device__")
        )


def test_from_dlpack_of_a_read_only_array():
    """NumPy keeps a read-only array read-only through DLPack; torch must say so too."""
    array = np.arange(4.0)
    array.setflags(write=False)
    reference = np.from_dlpack(array)
    outcome = capture(torch.from_dlpack, array)
    assert_conforms(
        capture(lambda: {"writable": "not writable" not in " ".join(outcome.warnings)}),
        {"writable": bool(reference.flags.writeable)},
        Check("torch.from_dlpack read-only", {"array": "read-only float64[4]"}),
    )


# ---------------------------------------------------------------------------
# CuPy on CUDA


@pytest.mark.cupy
@pytest.mark.requires("cuda")
@pytest.mark.parametrize("route", ["cupy.asarray", "cupy.from_dlpack", "torch.as_tensor", "torch.from_dlpack"])
@given(data=st.data())
def test_cupy_shares_memory(route, device, data):
    """CuPy and torch share device memory both ways (CUDA array interface and DLPack), and a
    write on one side is seen on the other once the stream is synchronized."""
    import cupy

    dtype = data.draw(st.sampled_from(NATIVE), label="dtype")
    shape = data.draw(cs.shapes(min_dims=1, min_side=1, max_dims=3, max_elements=64), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="input")
    index = interop.first_index(shape)
    tensor = torch_backend(device).build(inp)
    with cupy.cuda.Device(torch.device(device).index or 0):
        if route.startswith("cupy"):
            array = cupy.asarray(tensor) if route == "cupy.asarray" else cupy.from_dlpack(tensor)
            source, view = tensor, array
        else:
            array = cupy.asarray(inp.values)
            view = torch.as_tensor(array, device=device) if route == "torch.as_tensor" else torch.from_dlpack(array)
            source = array
        value = interop.marker(dtype, inp.values[index])
        source[index] = value
        torch.cuda.synchronize(device)
        cupy.cuda.get_current_stream().synchronize()
        seen = view[index].item() if isinstance(view, torch.Tensor) else view[index].get().item()
    assert_conforms(
        capture(lambda: {"seen": np.asarray(seen, dtype=dtype.numpy)}),
        {"seen": np.asarray(value, dtype=dtype.numpy)},
        Check(route, {"input": inp}, device=device),
    )
