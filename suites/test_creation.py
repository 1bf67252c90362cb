"""Constructors: dtype inference, explicit dtypes, fills, *_like, attributes, error parity.

torch.tensor, torch.as_tensor and torch.asarray are given nested Python lists and
tuples and bare Python scalars (with and without a dtype), NumPy arrays of every
layout (negative strides included) and NumPy scalars; torch.from_numpy is given
NumPy arrays. zeros, ones and empty are given the size as a tuple, as varargs, as a
torch.Size and as size=; full a fill value of the dtype (its specials included) or,
without a dtype, a Python scalar to infer it from; zeros, ones, empty and eye are
also called without a dtype, and eye with square and rectangular shapes. The *_like
constructors and the tensor attributes are given tensors of every layout torch has
(offset, strided, transposed, expanded).

Every check builds the same request for torch (on the device under test) and for
the reference (NumPy on the CPU, CuPy on CUDA) and hands both outcomes to the
oracle. Where torch differs by design (its float32 default, say) the registry of
known divergences says so, and the oracle checks that it differs exactly so. Error
parity covers bad arguments of zeros, ones, empty, full, eye, tensor, arange,
linspace and randint; the ranges themselves are checked in test_ranges.py, random
constructors and seeding in test_random_constructors.py.
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
from conformance.backends import NUMPY, reference_backend, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.layouts import significant_strides, strides_in_elements
from conformance.oracle import assert_conforms
from conformance.outcomes import capture
from conformance.runner import check_call
from strategies.python_data import nested_data, python_scalars

ALL = [dt.dtype(n) for n in dt.ALL]
NUMPY_NATIVE = [dt.dtype(n) for n in dt.NATIVE_NUMPY]


def _python_scalar(value: object) -> object:
    """A drawn NumPy carrier value as the Python scalar a user would pass."""
    return value.item() if isinstance(value, np.generic) else value


def _torch(dtype: dt.DType | None) -> torch.dtype | None:
    return None if dtype is None else dtype.torch


# ---------------------------------------------------------------------------
# torch.tensor, torch.as_tensor, torch.asarray from Python data


DATA_KINDS = {
    "bool": ("bool",),
    "int": ("int",),
    "float": ("float",),
    "complex": ("complex",),
    "bool+int": ("bool", "int"),
    "int+float": ("int", "float"),
    "float+complex": ("float", "complex"),
    "all": ("bool", "int", "float", "complex"),
}
# Each torch callable is looked up when the check runs, so that a patched torch (a self-test's plant) is checked.
FROM_DATA = {
    "torch.tensor": lambda data, **kwargs: torch.tensor(data, **kwargs),
    "torch.as_tensor": lambda data, **kwargs: torch.as_tensor(data, **kwargs),
    "torch.asarray": lambda data, **kwargs: torch.asarray(data, **kwargs),
}


@pytest.mark.parametrize("kinds", list(DATA_KINDS))
@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_from_python_data(op, kinds, device, data):
    """Nested lists/tuples and scalars: dtype inference, shape and values."""
    values = data.draw(nested_data(DATA_KINDS[kinds]), label="data")
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"data": values}, device=device),
        lambda: FROM_DATA[op](values, device=device),
        lambda: xp.asarray(values),
    )


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_from_python_data_with_dtype(op, dtype, device, data):
    """An explicit dtype: values are converted to it as NumPy converts them."""
    kinds = {"bool": ("bool",), "uint": ("bool", "int"), "int": ("bool", "int"), "float": ("bool", "int", "float")}
    int_range = (-(2**63), 2**63 - 1)
    if dtype.kind in ("int", "uint"):  # in range of the dtype: out-of-range is checked in test_error_parity
        info = np.iinfo(dtype.numpy)
        int_range = (int(info.min), min(int(info.max), 2**63 - 1))
    values = data.draw(nested_data(kinds.get(dtype.kind, DATA_KINDS["all"]), int_range=int_range), label="data")
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"data": values, "dtype": dtype}, device=device),
        lambda: FROM_DATA[op](values, dtype=dtype.torch, device=device),
        lambda: xp.asarray(values, dtype=dtype.numpy),
        dtype=dtype,
    )


# ---------------------------------------------------------------------------
# From NumPy arrays and NumPy scalars


ARRAY_CONSTRUCTORS = {
    "torch.tensor": lambda array, device: torch.tensor(array, device=device),
    "torch.as_tensor": lambda array, device: torch.as_tensor(array, device=device),
    "torch.asarray": lambda array, device: torch.asarray(array, device=device),
}


@pytest.mark.parametrize("dtype", NUMPY_NATIVE)
@pytest.mark.parametrize("op", list(ARRAY_CONSTRUCTORS))
@given(data=st.data())
def test_from_numpy_array(op, dtype, device, data):
    """A NumPy array of every layout (negative strides included) keeps dtype, shape and values."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(
        cs.array_inputs(dtype, shape, layouts=cs.layouts(shape, allow_negative_strides=True)), label="array"
    )
    array = NUMPY.build(inp)
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"data": inp}, device=device), lambda: ARRAY_CONSTRUCTORS[op](array, device), lambda: xp.array(array)
    )


@given(data=st.data())
@pytest.mark.parametrize("dtype", NUMPY_NATIVE)
def test_from_numpy(dtype, data):
    """`torch.from_numpy` (CPU only) keeps dtype, shape and values of every layout it accepts."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="array")
    array = NUMPY.build(inp)
    check_call(
        Check("torch.from_numpy", {"data": inp}, device="cpu"), lambda: torch.from_numpy(array), lambda: np.array(array)
    )


@pytest.mark.parametrize("dtype", NUMPY_NATIVE)
@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_from_numpy_scalar(op, dtype, device, data):
    """A NumPy scalar keeps its dtype (`torch.tensor(np.float64(1.5))` is float64)."""
    scalar = dtype.numpy.type(data.draw(cs.elements(dtype), label="value"))
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"data": scalar}, device=device),
        lambda: FROM_DATA[op](scalar, device=device),
        lambda: xp.asarray(scalar),
    )


# ---------------------------------------------------------------------------
# zeros, ones, full, empty


SIZE_FORMS = {
    "tuple": lambda shape: ((tuple(shape),), {}),
    "varargs": lambda shape: (tuple(shape), {}),
    "torch.Size": lambda shape: ((torch.Size(shape),), {}),
    "size=": lambda shape: ((), {"size": tuple(shape)}),
}
FILLED = {
    "torch.zeros": (lambda *size, **kwargs: torch.zeros(*size, **kwargs), "zeros"),
    "torch.ones": (lambda *size, **kwargs: torch.ones(*size, **kwargs), "ones"),
    "torch.empty": (lambda *size, **kwargs: torch.empty(*size, **kwargs), "empty"),
}


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("op", list(FILLED))
@given(data=st.data())
def test_filled(op, dtype, device, data):
    """zeros/ones/empty with an explicit dtype, in every way of giving the size (empty: shape and dtype only)."""
    shape = data.draw(cs.shapes(), label="shape")
    form = data.draw(st.sampled_from(list(SIZE_FORMS)), label="size form")
    args, kwargs = SIZE_FORMS[form](shape)
    if form == "varargs" and not shape:
        args = ((),)
    torch_fn, name = FILLED[op]
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"size": shape, "form": form, "dtype": dtype}, device=device),
        lambda: torch_fn(*args, **kwargs, dtype=dtype.torch, device=device),
        lambda: getattr(xp, name)(shape, dtype=dtype.numpy),
        dtype=dtype,
        options=Options(check_values=name != "empty"),
    )


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_full(dtype, device, data):
    """full with a fill value of the dtype (its specials included)."""
    shape = data.draw(cs.shapes(), label="shape")
    fill = _python_scalar(data.draw(cs.elements(dtype), label="fill"))
    xp = reference_backend(device).xp
    check_call(
        Check("torch.full", {"size": shape, "fill_value": fill, "dtype": dtype}, device=device),
        lambda: torch.full(shape, fill, dtype=dtype.torch, device=device),
        lambda: xp.full(shape, fill, dtype=dtype.numpy),
        dtype=dtype,
    )


DEFAULTED = {
    "torch.zeros": (lambda shape, device: torch.zeros(shape, device=device), lambda xp, shape: xp.zeros(shape)),
    "torch.ones": (lambda shape, device: torch.ones(shape, device=device), lambda xp, shape: xp.ones(shape)),
    "torch.empty": (lambda shape, device: torch.empty(shape, device=device), lambda xp, shape: xp.empty(shape)),
    "torch.eye": (
        lambda shape, device: torch.eye(len(shape), device=device),
        lambda xp, shape: xp.eye(len(shape)),
    ),
}


@pytest.mark.parametrize("op", list(DEFAULTED))
@given(shape=cs.shapes(max_elements=256))
def test_default_dtype(op, device, shape):
    """No dtype given: the constructors' default dtype and values."""
    torch_fn, reference_fn = DEFAULTED[op]
    xp = reference_backend(device).xp
    check_call(
        Check(op, {"size": shape, "dtype": None}, device=device),
        lambda: torch_fn(shape, device),
        lambda: reference_fn(xp, shape),
        options=Options(check_values=op != "torch.empty"),
    )


@pytest.mark.parametrize("kind", ["bool", "int", "float", "complex"])
@given(data=st.data())
def test_full_infers_dtype(kind, device, data):
    """full without a dtype infers it from the Python fill value."""
    shape = data.draw(cs.shapes(max_elements=256), label="shape")
    fill = data.draw(python_scalars((kind,)), label="fill")
    xp = reference_backend(device).xp
    check_call(
        Check("torch.full", {"size": shape, "fill_value": fill, "dtype": None}, device=device),
        lambda: torch.full(shape, fill, device=device),
        lambda: xp.full(shape, fill),
    )


# ---------------------------------------------------------------------------
# eye


@pytest.mark.parametrize("dtype", ALL)
@given(n=st.integers(0, 9), m=st.none() | st.integers(0, 9))
def test_eye(dtype, device, n, m):
    """eye, square and rectangular."""
    xp = reference_backend(device).xp
    check_call(
        Check("torch.eye", {"n": n, "m": m, "dtype": dtype}, device=device),
        lambda: (
            torch.eye(n, dtype=dtype.torch, device=device)
            if m is None
            else torch.eye(n, m, dtype=dtype.torch, device=device)
        ),
        lambda: xp.eye(n, m, dtype=dtype.numpy),
        dtype=dtype,
    )


# ---------------------------------------------------------------------------
# *_like


LIKE = {
    "torch.zeros_like": (
        lambda t, dtype=None: torch.zeros_like(t, dtype=dtype),
        lambda xp, a, dtype: xp.zeros_like(a, dtype=dtype),
    ),
    "torch.ones_like": (
        lambda t, dtype=None: torch.ones_like(t, dtype=dtype),
        lambda xp, a, dtype: xp.ones_like(a, dtype=dtype),
    ),
    "torch.empty_like": (
        lambda t, dtype=None: torch.empty_like(t, dtype=dtype),
        lambda xp, a, dtype: xp.empty_like(a, dtype=dtype),
    ),
    "torch.full_like": (
        lambda t, dtype=None: torch.full_like(t, 3, dtype=dtype),
        lambda xp, a, dtype: xp.full_like(a, 3, dtype=dtype),
    ),
}


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("op", list(LIKE))
@given(data=st.data())
def test_like(op, dtype, device, data):
    """*_like of a tensor of every layout: shape, dtype (kept, or the one asked for), values, strides."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    target = data.draw(st.none() | st.sampled_from(ALL), label="dtype")
    result_dtype = target or dtype
    torch_fn, reference_fn = LIKE[op]
    ref = reference_backend(device)
    tensor = torch_backend(device).build(inp)
    reference_input = ref.build(inp)
    outcome, _ = check_call(
        Check(op, {"input": inp, "dtype": target}, device=device),
        lambda: torch_fn(tensor, dtype=_torch(target)),
        lambda: reference_fn(ref.xp, reference_input, result_dtype.numpy),
        dtype=result_dtype,
        options=Options(check_values=op != "torch.empty_like"),
    )

    # preserve_format: a dense input's strides are kept, as NumPy's order="K" keeps them.
    def reference_strides():
        array = reference_fn(ref.xp, reference_input, result_dtype.numpy)
        return significant_strides(array.shape, strides_in_elements(array))

    assert_conforms(
        capture(lambda: significant_strides(tuple(outcome.value.shape), outcome.value.stride())),
        capture(reference_strides),
        Check(f"{op} strides", {"input": inp, "dtype": target}, device=device),
    )


# ---------------------------------------------------------------------------
# Attributes


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_attributes(dtype, device, data):
    """shape, ndim, dtype, numel vs size, device, is_contiguous vs flags, element_size vs itemsize, strides."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor = torch_backend(device).build(inp)
    array = reference_backend(device).build(inp) if dtype.native_numpy else NUMPY.build(inp)
    itemsize = dtype.itemsize

    def strides_in_bytes(shape, strides, itemsize):
        return significant_strides(shape, [s * itemsize for s in strides])

    facts = {
        "shape": (lambda: tuple(tensor.shape), lambda: tuple(array.shape)),
        "ndim": (lambda: tensor.ndim, lambda: array.ndim),
        "dim()": (lambda: tensor.dim(), lambda: array.ndim),
        "numel()": (lambda: tensor.numel(), lambda: int(array.size)),
        "element_size()": (lambda: tensor.element_size(), lambda: itemsize),
        "itemsize": (lambda: tensor.itemsize, lambda: itemsize),
        "nbytes": (lambda: tensor.nbytes, lambda: int(array.size) * itemsize),
        "stride() in bytes": (
            lambda: strides_in_bytes(tuple(tensor.shape), tensor.stride(), tensor.element_size()),
            lambda: strides_in_bytes(array.shape, strides_in_elements(array), itemsize),
        ),
        "is_contiguous()": (lambda: tensor.is_contiguous(), lambda: bool(array.flags.c_contiguous)),
        "device type": (lambda: tensor.device.type, lambda: torch.device(device).type),
        "dtype": (lambda: dt.name_of(tensor.dtype), lambda: dtype.name),
    }
    for name, (torch_fact, reference_fact) in facts.items():
        assert_conforms(
            capture(torch_fact), capture(reference_fact), Check(f"Tensor.{name}", {"input": inp}, device=device)
        )


# ---------------------------------------------------------------------------
# Error parity for bad arguments


BAD_ARGUMENTS = {
    "zeros-negative-size": (lambda d: torch.zeros(-1, device=d), lambda xp: xp.zeros(-1)),
    "zeros-negative-dim": (lambda d: torch.zeros((2, -3), device=d), lambda xp: xp.zeros((2, -3))),
    "ones-negative-size": (lambda d: torch.ones(-2, device=d), lambda xp: xp.ones(-2)),
    "empty-negative-size": (lambda d: torch.empty(-2, device=d), lambda xp: xp.empty(-2)),
    "full-negative-size": (lambda d: torch.full((-1,), 1.0, device=d), lambda xp: xp.full((-1,), 1.0)),
    "eye-negative-n": (lambda d: torch.eye(-1, device=d), lambda xp: xp.eye(-1)),
    "linspace-negative-steps": (lambda d: torch.linspace(0, 1, -1, device=d), lambda xp: xp.linspace(0, 1, -1)),
    "arange-zero-step": (lambda d: torch.arange(0, 10, 0, device=d), lambda xp: xp.arange(0, 10, 0)),
    "arange-nan-bound": (lambda d: torch.arange(0, math.nan, device=d), lambda xp: xp.arange(0, math.nan)),
    "arange-inf-bound": (lambda d: torch.arange(0, math.inf, device=d), lambda xp: xp.arange(0, math.inf)),
    "dtype-not-a-dtype": (lambda d: torch.zeros(2, dtype="float33", device=d), lambda xp: xp.zeros(2, dtype="float33")),
    "ragged-nested-list": (lambda d: torch.tensor([[1, 2], [3]], device=d), lambda xp: xp.array([[1, 2], [3]])),
    "ragged-nested-depth": (lambda d: torch.tensor([[1, 2], 3], device=d), lambda xp: xp.array([[1, 2], 3])),
    "string-data": (lambda d: torch.tensor(["a", "b"], device=d), lambda xp: xp.array(["a", "b"], dtype=float)),
    "int-out-of-range-for-dtype": (
        lambda d: torch.tensor([300], dtype=torch.uint8, device=d),
        lambda xp: xp.array([300], dtype=np.uint8),
    ),
    "full-out-of-range-fill": (
        lambda d: torch.full((2,), 300, dtype=torch.int8, device=d),
        lambda xp: xp.full((2,), 300, dtype=np.int8),
    ),
    "int-beyond-int64": (lambda d: torch.tensor([2**64], device=d), lambda xp: xp.array([2**64], dtype=np.int64)),
    "randint-empty-range": (
        lambda d: torch.randint(5, 5, (3,), device=d),
        lambda xp: np.random.default_rng(0).integers(5, 5, 3),
    ),
    "randint-high-beyond-dtype": (
        lambda d: torch.randint(0, 300, (3,), dtype=torch.uint8, device=d),
        lambda xp: np.random.default_rng(0).integers(0, 300, 3, dtype=np.uint8),
    ),
    "unknown-device": (lambda d: torch.zeros(2, device="nosuchdevice"), lambda xp: xp.zeros(2, device="nosuchdevice")),
}


@pytest.mark.parametrize("case", list(BAD_ARGUMENTS))
def test_error_parity(case, device):
    """Bad arguments raise on both sides (torch's error is recorded in the report)."""
    torch_call, reference_call = BAD_ARGUMENTS[case]
    xp = reference_backend(device).xp
    check_call(Check(case, {}, device=device), lambda: torch_call(device), lambda: reference_call(xp))
