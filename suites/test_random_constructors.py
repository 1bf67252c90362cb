"""Random constructors and seeding: rand, randn, randint, rand_like, torch.manual_seed.

Random values cannot be compared with a reference's, so the oracle compares shape
and dtype only (with torch's documented defaults: float32 for rand and randn, int64
for randint), and the values are checked for their bounds: [0, 1) for rand and
rand_like (both parts of a complex value), finite for randn, [low, high) for
randint. Seeding is checked on each device for rand, randn, randint, randperm,
rand_like and Tensor.uniform_: the same `torch.manual_seed` gives the same values,
another seed different ones. Bad randint arguments are checked in test_creation.py's
error parity.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance.backends import tensor_to_numpy, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.normal import as_dtype
from conformance.oracle import assert_conforms
from conformance.outcomes import capture
from conformance.runner import check_call

FLOATS = [dt.dtype(n) for n in dt.FLOATS]
REAL = [dt.dtype(n) for n in dt.ALL if dt.dtype(n).kind != "complex"]


def _torch(dtype: dt.DType | None) -> torch.dtype | None:
    return None if dtype is None else dtype.torch


def _assert_within(result: torch.Tensor, low: float, high: float, op: str) -> None:
    """Every value (both parts of a complex one) lies in [low, high)."""
    values = tensor_to_numpy(result)
    parts = [values.real, values.imag] if np.iscomplexobj(values) else [values]
    for part in parts:
        inside = (part >= low) & (part < high)
        assert inside.all(), f"values: {op} gives values outside [{low}, {high}): {part[~inside][:4]}"


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
        Check(op, {"size": shape, "dtype": dtype}, device=device),
        Options(check_values=False),
    )
    values = outcome.value
    if bounds:
        _assert_within(values, *bounds, op)
    else:
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
    outcome, _ = check_call(
        Check("torch.randint", {"low": low, "high": high, "size": shape, "dtype": dtype}, device=device),
        lambda: torch.randint(low, high, shape, dtype=_torch(dtype), device=device),
        # Generator.integers makes integers only; for bool and floats only the shape and dtype are compared
        lambda: (
            np.random.default_rng(0).integers(low, high, shape, dtype=result_dtype.numpy)
            if result_dtype.kind in ("int", "uint")
            else np.zeros(shape, dtype=result_dtype.numpy)
        ),
        dtype=result_dtype,
        options=Options(check_values=False),
    )
    if not outcome.raised:
        _assert_within(
            outcome.value.to(torch.float64) if dtype and dtype.kind == "bool" else outcome.value,
            low,
            high,
            "torch.randint",
        )


@pytest.mark.parametrize("dtype", FLOATS + [dt.dtype(n) for n in dt.COMPLEX])
@given(data=st.data())
def test_rand_like(dtype, device, data):
    """rand_like: the input's shape and dtype, values in [0, 1)."""
    shape = data.draw(cs.shapes(), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape), label="input")
    tensor = torch_backend(device).build(inp)
    result = torch.rand_like(tensor)
    assert_conforms(
        result,
        as_dtype(np.zeros(shape, dtype=dtype.numpy), dtype),
        Check("torch.rand_like", {"input": inp}, device=device),
        Options(check_values=False),
    )
    _assert_within(result, 0.0, 1.0, "torch.rand_like")


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
    draws = []
    for s in (seed, seed, seed ^ 0x5DEECE66D):
        torch.manual_seed(s)
        draws.append(tensor_to_numpy(SEEDED[op](device)))
    assert np.array_equal(draws[0], draws[1]), f"values: {op} differs after the same manual_seed({seed}) on {device}"
    assert not np.array_equal(draws[0], draws[2]), f"values: {op} gives the same values for two seeds on {device}"
