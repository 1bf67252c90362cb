"""Backends build the same logical values in the same layout, and read results back faithfully."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance.backends import (
    NUMPY,
    BackendUnavailable,
    CupyBackend,
    TorchBackend,
    device_availability,
    reference_backend,
    storage_bytes,
    tensor_from_bytes,
    tensor_to_numpy,
)
from conformance.inputs import ArrayInput
from conformance.layouts import GUARD_VALUE, Layout, numpy_buffer

TORCH = TorchBackend("cpu")


@pytest.mark.parametrize("dtype", dt.ALL_DTYPES, ids=str)
@given(data=st.data())
def test_torch_and_numpy_hold_the_same_values_in_every_layout(dtype, data):
    shape = data.draw(cs.shapes(max_dims=4), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor, array = TORCH.build(inp), NUMPY.build(inp)
    np.testing.assert_array_equal(tensor_to_numpy(tensor), inp.values)
    np.testing.assert_array_equal(array, inp.values)
    assert tuple(tensor.shape) == array.shape == inp.shape
    if 0 not in shape:  # the same strides, counted in elements, where they mean something
        for n, torch_stride, numpy_stride in zip(shape, tensor.stride(), array.strides, strict=True):
            if n > 1:
                assert torch_stride == numpy_stride // array.itemsize


def test_layouts_are_views_not_copies():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    for layout, check in [
        (Layout(perm=(1, 0)), lambda t: t.stride() == (1, 3)),  # memory (4, 3), transposed
        (Layout(steps=(2, 3)), lambda t: t.stride() == (20, 3)),  # every 2nd row of 10, every 3rd column
        (Layout(expanded=(0,)), lambda t: t.stride()[0] == 0),
        (Layout(offset=3), lambda t: t.storage_offset() == 3),
    ]:
        inp = ArrayInput(layout.logical_values(values), dt.dtype("float32"), layout)
        tensor = TORCH.build(inp)
        assert check(tensor), (layout, tensor.stride())
        assert not tensor.is_contiguous() or layout.offset


def test_guard_values_surround_a_strided_view():
    values = np.arange(4, dtype=np.int32).reshape(2, 2)
    flat, view = numpy_buffer(values, Layout(offset=2, steps=(2, 2)), "int")
    assert (flat[:2] == GUARD_VALUE["int"]).all()
    np.testing.assert_array_equal(view, values)
    assert (np.count_nonzero(flat == GUARD_VALUE["int"])) == flat.size - 4


@pytest.mark.parametrize("name", ["int64", "uint16", "uint32", "uint64"])  # torch.flip lacks the unsigned ones
def test_negative_strides_are_flipped_copies_in_torch(name):
    values = (np.iinfo(name).max - np.arange(6, dtype=name)).reshape(2, 3)
    inp = ArrayInput(values, dt.dtype(name), Layout(flipped=(1,)))
    array = NUMPY.build(inp)
    assert array.strides[1] < 0
    np.testing.assert_array_equal(tensor_to_numpy(TORCH.build(inp)), values)


def test_bfloat16_bits_round_trip_without_torch_conversion():
    values = dt.round_to_bfloat16(np.array([1.0, -2.5, 3.14159, np.inf, -0.0, 1e-40], dtype=np.float32))
    tensor = tensor_from_bytes(values, dt.dtype("bfloat16"))
    assert tensor.dtype == torch.bfloat16
    np.testing.assert_array_equal(tensor_to_numpy(tensor), values)
    assert np.signbit(tensor_to_numpy(tensor)[4])


def test_round_to_bfloat16_ties_to_even_and_keeps_nan():
    ones = np.array([1 + 2**-8, 1 + 3 * 2**-8, np.nan], dtype=np.float32)
    rounded = dt.round_to_bfloat16(ones)
    assert rounded[0] == 1.0 and rounded[1] == 1 + 2**-6 and np.isnan(rounded[2])
    reference = torch.tensor(ones).to(torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(rounded[:2], reference[:2])


def test_conjugate_and_negative_views_are_resolved():
    base = torch.tensor([1 + 2j, 3 - 4j])
    np.testing.assert_array_equal(tensor_to_numpy(base.conj()), np.array([1 - 2j, 3 + 4j], np.complex64))
    np.testing.assert_array_equal(
        tensor_to_numpy(torch.tensor([1.0, -2.0])._neg_view()), np.array([-1.0, 2.0], np.float32)
    )


@pytest.mark.parametrize("name", ["complex32", "bcomplex32"])
def test_half_complex_results_are_read_part_by_part(name):
    """complex32 and bcomplex32 (torch 2.14) results, which NumPy cannot hold, are read as pairs of
    float16 or bfloat16 parts, exactly; a part read with the other half type is caught."""
    if name not in dt.HALF_COMPLEX:
        pytest.skip(f"this torch has no {name} (torch.{name} is missing)")
    values = np.array([1.5 - 2j, 1 + 2**-7 * 1j, -0.0 + np.inf * 1j], dtype=np.complex64)
    carried = dt.round_to(name, values)
    parts = carried.view(np.float32)  # built from the parts' bits, not by torch's conversion
    raw = parts.astype(np.float16) if name == "complex32" else dt.bfloat16_bits(parts)
    tensor = torch.frombuffer(bytearray(raw.tobytes()), dtype=dt.dtype(name).torch)
    read = tensor_to_numpy(tensor)
    np.testing.assert_array_equal(read, carried)
    assert np.signbit(read[2].real)
    other = "complex32" if name == "bcomplex32" else "bcomplex32"
    if other in dt.HALF_COMPLEX:  # 1 + 2**-7 has float16 parts but not bfloat16 ones
        assert not np.array_equal(dt.round_to(other, values), carried)


def test_storage_bytes_are_the_whole_storage():
    """A view's storage, read at once: every byte, the view's offset and gaps included."""
    base = torch.arange(12, dtype=torch.int16)
    view = base[3::2]
    assert storage_bytes(view) == np.arange(12, dtype="<i2").tobytes()
    assert storage_bytes(torch.empty(0)) == b""


def test_readback_does_not_use_numpy_method(monkeypatch):
    """A broken Tensor.numpy() must not hide itself: the oracle reads raw bytes instead."""
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, **kw: np.zeros(1))
    np.testing.assert_array_equal(tensor_to_numpy(torch.tensor([5, 6])), np.array([5, 6]))


def test_availability_reasons():
    assert device_availability("cpu")
    status = device_availability("nosuchdevice")
    assert not status and "not a torch device" in status.reason
    if not torch.cuda.is_available():
        status = device_availability("cuda:0")
        assert not status and "CUDA" in status.reason
    assert reference_backend("cpu") is NUMPY
    assert reference_backend("cuda:0") is NUMPY  # CuPy is no faithful oracle of values (see its docstring)
    with pytest.raises(RuntimeError):
        reference_backend("nosuchdevice")


def test_missing_cupy_is_a_clear_error():
    backend = CupyBackend(0)
    if backend.availability():
        pytest.skip("CuPy is present here")
    with pytest.raises(BackendUnavailable, match="cupy on cuda:0 is unavailable"):
        backend.require()


def test_unknown_dtype_name():
    with pytest.raises(ValueError, match="unknown dtype 'float128'"):
        dt.dtype("float128")


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("name", ["int8", "float16", "bfloat16", "float64"])
def test_carry_reads_a_complex_values_real_part_without_a_warning(name):
    """A complex value carried into a real dtype is its real part, as a C conversion reads it
    (NumPy's astype would warn); a carry that kept the imaginary part, or warned, fails."""
    carried = dt.dtype(name).carry(np.array([3 + 4j, -2 - 1j]))
    assert carried.tolist() == [3, -2]
    assert dt.dtype("bool").carry(np.array([1j, 0j])).tolist() == [True, False]  # nonzero, either part


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float64", "complex64", "complex128"])
def test_carry_turns_an_int_past_float64_into_an_infinity(name):
    """A Python int past float64's range carried into a floating dtype is an infinity of its sign,
    as the docstring promises (NumPy's astype raises OverflowError on one); ints inside stay exact."""
    carried = dt.dtype(name).carry(np.array([2**2000, -(2**1100), 3], dtype=object))
    assert np.asarray(carried).real.tolist() == [math.inf, -math.inf, 3]
    assert np.asarray(dt.dtype(name).carry(-(2**2000))).real == -math.inf
