"""Creation: constructors, dtype inference, *_like, ranges, attributes, random seeding.

Every check builds the same request for torch (on the device under test) and for
the reference (NumPy on the CPU, CuPy on CUDA) and hands both outcomes to the
oracle. Where torch differs by design (its float32 default, say) the registry of
known divergences says so, and the oracle checks that it differs exactly so.
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
from conformance.backends import NUMPY, reference_backend
from conformance.checks import check_call
from conformance.inputs import ArrayInput
from conformance.layouts import significant_strides, strides_in_elements
from conformance.oracle import as_dtype, assert_conforms, capture
from strategies.python_data import nested_data, python_scalars

ALL = [dt.dtype(n) for n in dt.ALL]
NUMPY_NATIVE = [dt.dtype(n) for n in dt.NATIVE_NUMPY]
FLOATS = [dt.dtype(n) for n in dt.FLOATS]
REAL = [dt.dtype(n) for n in dt.ALL if dt.dtype(n).kind != "complex"]


def _python_scalar(value: object) -> object:
    """A drawn NumPy carrier value as the Python scalar a user would pass."""
    return value.item() if isinstance(value, np.generic) else value


def _reference(dtype: dt.DType | None) -> object:
    """The reference's dtype argument: the carrier (float32 for bfloat16), or None."""
    return None if dtype is None else dtype.numpy


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
FROM_DATA = {"torch.tensor": torch.tensor, "torch.as_tensor": torch.as_tensor, "torch.asarray": torch.asarray}


@pytest.mark.parametrize("kinds", list(DATA_KINDS))
@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_from_python_data(op, kinds, device, data):
    """Nested lists/tuples and scalars: dtype inference, shape and values."""
    values = data.draw(nested_data(DATA_KINDS[kinds]), label="data")
    xp = reference_backend(device).xp
    check_call(
        op,
        lambda: FROM_DATA[op](values, device=device),
        lambda: xp.asarray(values),
        inputs={"data": values},
        device=device,
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
        op,
        lambda: FROM_DATA[op](values, dtype=dtype.torch, device=device),
        lambda: xp.asarray(values, dtype=dtype.numpy),
        inputs={"data": values, "dtype": dtype},
        device=device,
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
        op,
        lambda: ARRAY_CONSTRUCTORS[op](array, device),
        lambda: xp.array(array),
        inputs={"data": inp},
        device=device,
    )


@given(data=st.data())
@pytest.mark.parametrize("dtype", NUMPY_NATIVE)
def test_from_numpy(dtype, data):
    """`torch.from_numpy` (CPU only) keeps dtype, shape and values of every layout it accepts."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="array")
    array = NUMPY.build(inp)
    check_call(
        "torch.from_numpy", lambda: torch.from_numpy(array), lambda: np.array(array), inputs={"data": inp}, device="cpu"
    )


@pytest.mark.parametrize("dtype", NUMPY_NATIVE)
@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_from_numpy_scalar(op, dtype, device, data):
    """A NumPy scalar keeps its dtype (`torch.tensor(np.float64(1.5))` is float64)."""
    scalar = dtype.numpy.type(data.draw(cs.elements(dtype), label="value"))
    xp = reference_backend(device).xp
    check_call(
        op,
        lambda: FROM_DATA[op](scalar, device=device),
        lambda: xp.asarray(scalar),
        inputs={"data": scalar},
        device=device,
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
    "torch.zeros": (torch.zeros, "zeros"),
    "torch.ones": (torch.ones, "ones"),
    "torch.empty": (torch.empty, "empty"),
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
        op,
        lambda: torch_fn(*args, **kwargs, dtype=dtype.torch, device=device),
        lambda: getattr(xp, name)(shape, dtype=dtype.numpy),
        inputs={"size": shape, "form": form, "dtype": dtype},
        device=device,
        dtype=dtype,
        check_values=name != "empty",
    )


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_full(dtype, device, data):
    """full with a fill value of the dtype (its specials included)."""
    shape = data.draw(cs.shapes(), label="shape")
    fill = _python_scalar(data.draw(cs.elements(dtype), label="fill"))
    xp = reference_backend(device).xp
    check_call(
        "torch.full",
        lambda: torch.full(shape, fill, dtype=dtype.torch, device=device),
        lambda: xp.full(shape, fill, dtype=dtype.numpy),
        inputs={"size": shape, "fill_value": fill, "dtype": dtype},
        device=device,
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
        op,
        lambda: torch_fn(shape, device),
        lambda: reference_fn(xp, shape),
        inputs={"size": shape, "dtype": None},
        device=device,
        check_values=op != "torch.empty",
    )


@pytest.mark.parametrize("kind", ["bool", "int", "float", "complex"])
@given(data=st.data())
def test_full_infers_dtype(kind, device, data):
    """full without a dtype infers it from the Python fill value."""
    shape = data.draw(cs.shapes(max_elements=256), label="shape")
    fill = data.draw(python_scalars((kind,)), label="fill")
    xp = reference_backend(device).xp
    check_call(
        "torch.full",
        lambda: torch.full(shape, fill, device=device),
        lambda: xp.full(shape, fill),
        inputs={"size": shape, "fill_value": fill, "dtype": None},
        device=device,
    )


# ---------------------------------------------------------------------------
# eye, arange, linspace, logspace


@pytest.mark.parametrize("dtype", ALL)
@given(n=st.integers(0, 9), m=st.none() | st.integers(0, 9))
def test_eye(dtype, device, n, m):
    """eye, square and rectangular."""
    xp = reference_backend(device).xp
    check_call(
        "torch.eye",
        lambda: (
            torch.eye(n, dtype=dtype.torch, device=device)
            if m is None
            else torch.eye(n, m, dtype=dtype.torch, device=device)
        ),
        lambda: xp.eye(n, m, dtype=dtype.numpy),
        inputs={"n": n, "m": m, "dtype": dtype},
        device=device,
        dtype=dtype,
    )


ARANGE_ARGUMENTS = {
    # integers for every dtype
    "int": (st.integers(-40, 40), st.integers(-40, 40), st.integers(-7, 7).filter(bool)),
    # an integral start and step with a fractional end: NumPy's range is still well defined
    "fractional-end": (
        st.integers(-40, 40),
        st.floats(-40, 40, allow_subnormal=False),
        st.integers(-7, 7).filter(bool),
    ),
    # floats, for floating and complex dtypes: with an integer dtype NumPy's result is ill-defined (it casts the
    # first two values and repeats their difference: np.arange(-0.5, 2, 1, dtype=int) is [0, 0, 0])
    "float": (
        st.floats(-40, 40, allow_subnormal=False),
        st.floats(-40, 40, allow_subnormal=False),
        st.floats(0.05, 7) | st.floats(-7, -0.05),
    ),
}
NON_INTEGER_DTYPES = [None, *FLOATS, *(dt.dtype(n) for n in dt.COMPLEX)]
INTEGER_DTYPES = [None, *(d for d in ALL if d.is_integral)]


@pytest.mark.parametrize(
    "args, dtype",
    [
        *(pytest.param("int", d, id=f"int-{d}") for d in [None, *ALL]),
        *(pytest.param("fractional-end", d, id=f"fractional-end-{d}") for d in INTEGER_DTYPES),
        *(pytest.param("float", d, id=f"float-{d}") for d in NON_INTEGER_DTYPES),
    ],
)
@given(data=st.data())
def test_arange(args, dtype, device, data):
    """arange: positive and negative steps, empty ranges, one- and three-argument forms.

    The reference computes floating ranges in float64 and rounds once: NumPy's own
    float16/float32 arange repeats a rounded difference and drifts (np.arange(32.296875,
    0, -1, dtype=np.float16) ends at -0.1875 instead of 0.2969).
    """
    start, stop, step = (
        data.draw(s, label=n) for s, n in zip(ARANGE_ARGUMENTS[args], ("start", "stop", "step"), strict=True)
    )
    form = data.draw(st.sampled_from(["start, stop, step", "stop"]), label="form")
    if dtype is not None and dtype.kind in ("bool", "uint"):  # keep the range inside the dtype
        start, stop, step = abs(start), abs(stop), abs(step)
        if dtype.kind == "bool":
            start, stop, step = 0, min(stop, 2), 1
    positional = (stop,) if form == "stop" else (start, stop, step)
    wide = {"float": np.float64, "complex": np.complex128}.get(dtype.kind if dtype else "")
    xp = reference_backend(device).xp

    def reference_call():
        if wide is None:
            return xp.arange(*positional, dtype=_reference(dtype))
        return xp.arange(*positional, dtype=wide).astype(dtype.numpy)

    check_call(
        "torch.arange",
        lambda: torch.arange(*positional, dtype=_torch(dtype), device=device),
        reference_call,
        inputs={"args": positional, "dtype": dtype},
        device=device,
        dtype=dtype,
    )


@pytest.mark.parametrize("dtype", [None, *ALL], ids=str)
@pytest.mark.parametrize("op", ["torch.linspace", "torch.logspace"])
@given(
    start=st.floats(-8, 8, allow_subnormal=False),
    stop=st.floats(-8, 8, allow_subnormal=False),
    steps=st.integers(0, 50),
)
def test_linspace_logspace(op, dtype, device, start, stop, steps):
    """linspace and logspace (base 10 and 2) over moderate exponents."""
    xp = reference_backend(device).xp
    if op == "torch.linspace":

        def torch_call():
            return torch.linspace(start, stop, steps, dtype=_torch(dtype), device=device)

        def reference_call():
            return xp.linspace(start, stop, steps, dtype=_reference(dtype))

    else:

        def torch_call():
            return torch.logspace(start, stop, steps, base=2.0, dtype=_torch(dtype), device=device)

        def reference_call():
            return xp.logspace(start, stop, steps, base=2.0, dtype=_reference(dtype))

    check_call(
        op,
        torch_call,
        reference_call,
        inputs={"start": start, "end": stop, "steps": steps, "dtype": dtype}
        | ({"base": 2.0} if op == "torch.logspace" else {}),
        device=device,
        dtype=dtype,
    )


# ---------------------------------------------------------------------------
# *_like


LIKE = {
    "torch.zeros_like": (torch.zeros_like, lambda xp, a, dtype: xp.zeros_like(a, dtype=dtype)),
    "torch.ones_like": (torch.ones_like, lambda xp, a, dtype: xp.ones_like(a, dtype=dtype)),
    "torch.empty_like": (torch.empty_like, lambda xp, a, dtype: xp.empty_like(a, dtype=dtype)),
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
    tensor = _torch_input(inp, device)
    reference_input = ref.build(inp)
    outcome = check_call(
        op,
        lambda: torch_fn(tensor, dtype=_torch(target)),
        lambda: reference_fn(ref.xp, reference_input, result_dtype.numpy),
        inputs={"input": inp, "dtype": target},
        device=device,
        dtype=result_dtype,
        check_values=op != "torch.empty_like",
    )

    # preserve_format: a dense input's strides are kept, as NumPy's order="K" keeps them.
    def reference_strides():
        array = reference_fn(ref.xp, reference_input, result_dtype.numpy)
        return significant_strides(array.shape, strides_in_elements(array))

    assert_conforms(
        capture(lambda: significant_strides(tuple(outcome.value.shape), outcome.value.stride())),
        capture(reference_strides),
        op=f"{op} strides",
        inputs={"input": inp, "dtype": target},
        device=device,
    )


def _torch_input(inp: ArrayInput, device: str) -> torch.Tensor:
    from conformance.backends import torch_backend

    return torch_backend(device).build(inp)


@pytest.mark.parametrize("dtype", FLOATS + [dt.dtype(n) for n in dt.COMPLEX])
@given(data=st.data())
def test_rand_like(dtype, device, data):
    """rand_like: the input's shape and dtype, values in [0, 1)."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor = _torch_input(inp, device)
    result = torch.rand_like(tensor)
    assert_conforms(
        result,
        as_dtype(np.zeros(shape, dtype=dtype.numpy), dtype),
        op="torch.rand_like",
        inputs={"input": inp},
        device=device,
        check_values=False,
    )
    _assert_within(result, 0.0, 1.0, "torch.rand_like")


def _assert_within(result: torch.Tensor, low: float, high: float, op: str) -> None:
    """Every value (both parts of a complex one) lies in [low, high)."""
    from conformance.backends import tensor_to_numpy

    values = tensor_to_numpy(result)
    parts = [values.real, values.imag] if np.iscomplexobj(values) else [values]
    for part in parts:
        inside = (part >= low) & (part < high)
        assert inside.all(), f"values: {op} gives values outside [{low}, {high}): {part[~inside][:4]}"


# ---------------------------------------------------------------------------
# Attributes


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_attributes(dtype, device, data):
    """shape, ndim, dtype, numel vs size, device, is_contiguous vs flags, element_size vs itemsize, strides."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor = _torch_input(inp, device)
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
            capture(torch_fact),
            capture(reference_fact),
            op=f"Tensor.{name}",
            inputs={"input": inp},
            device=device,
        )


# ---------------------------------------------------------------------------
# Random constructors and seeding


RANDOM = {
    "torch.rand": (lambda size, dtype, device: torch.rand(size, dtype=dtype, device=device), (0.0, 1.0)),
    "torch.randn": (lambda size, dtype, device: torch.randn(size, dtype=dtype, device=device), None),
}


@pytest.mark.parametrize("dtype", [None, *FLOATS, *(dt.dtype(n) for n in dt.COMPLEX)], ids=str)
@pytest.mark.parametrize("op", list(RANDOM))
@given(shape=cs.shapes())
def test_random_floats(op, dtype, device, shape):
    """rand and randn: shape, dtype (float32 by default) and bounds."""
    torch_fn, bounds = RANDOM[op]
    result_dtype = dtype or dt.dtype("float32")  # torch documents float32 here; NumPy has no such constructor
    outcome = capture(lambda: torch_fn(shape, _torch(dtype), device))
    assert_conforms(
        outcome,
        as_dtype(np.zeros(shape, dtype=result_dtype.numpy), result_dtype),
        op=op,
        inputs={"size": shape, "dtype": dtype},
        device=device,
        check_values=False,
    )
    values = outcome.value
    if bounds:
        _assert_within(values, *bounds, op)
    else:
        from conformance.backends import tensor_to_numpy

        assert np.isfinite(tensor_to_numpy(values)).all(), f"values: {op} gives non-finite values"


@pytest.mark.parametrize("dtype", [None, *REAL], ids=str)
@given(data=st.data())
def test_randint(dtype, device, data):
    """randint: shape, dtype (int64 by default) and bounds [low, high), as NumPy's Generator.integers."""
    shape = data.draw(cs.shapes(), label="shape")
    result_dtype = dtype or dt.dtype("int64")
    if result_dtype.kind in ("int", "uint"):
        info = np.iinfo(result_dtype.numpy)
        low_bound, high_bound = max(int(info.min), -(2**31)), min(int(info.max), 2**31)
    else:  # bounds exactly representable in the dtype: torch converts low and high to it first
        low_bound, high_bound = {"bool": (0, 2), "bfloat16": (-256, 256)}.get(result_dtype.name, (-(2**11), 2**11))
    low = data.draw(st.integers(low_bound, high_bound - 1), label="low")
    high = data.draw(st.integers(low + 1, high_bound), label="high")
    outcome = check_call(
        "torch.randint",
        lambda: torch.randint(low, high, shape, dtype=_torch(dtype), device=device),
        # Generator.integers makes integers only; for bool and floats only the shape and dtype are compared
        lambda: (
            np.random.default_rng(0).integers(low, high, shape, dtype=result_dtype.numpy)
            if result_dtype.kind in ("int", "uint")
            else np.zeros(shape, dtype=result_dtype.numpy)
        ),
        inputs={"low": low, "high": high, "size": shape, "dtype": dtype},
        device=device,
        dtype=result_dtype,
        check_values=False,
    )
    if not outcome.raised:
        _assert_within(
            outcome.value.to(torch.float64) if dtype and dtype.kind == "bool" else outcome.value,
            low,
            high,
            "torch.randint",
        )


SEEDED = {
    "torch.rand": lambda device: torch.rand(5, 3, device=device),
    "torch.randn": lambda device: torch.randn(7, device=device),
    "torch.randint": lambda device: torch.randint(0, 1000, (4, 4), device=device),
    "torch.randperm": lambda device: torch.randperm(20, device=device),
    "torch.rand_like": lambda device: torch.rand_like(torch.zeros(6, device=device)),
    "Tensor.uniform_": lambda device: torch.empty(8, device=device).uniform_(-2, 2),
}


@pytest.mark.parametrize("op", list(SEEDED))
@given(seed=st.integers(0, 2**63 - 1))
def test_manual_seed_reproducible(op, device, seed):
    """The same `torch.manual_seed` gives the same values on each device, another seed others."""
    from conformance.backends import tensor_to_numpy

    draws = []
    for s in (seed, seed, seed ^ 0x5DEECE66D):
        torch.manual_seed(s)
        draws.append(tensor_to_numpy(SEEDED[op](device)))
    assert np.array_equal(draws[0], draws[1]), f"values: {op} differs after the same manual_seed({seed}) on {device}"
    assert not np.array_equal(draws[0], draws[2]), f"values: {op} gives the same values for two seeds on {device}"


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
    check_call(case, lambda: torch_call(device), lambda: reference_call(xp), inputs={}, device=device)
