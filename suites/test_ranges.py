"""Ranges: torch.arange, torch.linspace and torch.logspace (base 2) against the reference.

arange is drawn with integer, fractional-end and float arguments, in its one- and
three-argument forms, for no dtype and for every dtype the arguments are well
defined in; linspace and logspace with float endpoints in [-8, 8] and 0 to 50 steps,
for no dtype and every dtype. The oracle compares shape, dtype and values; where
torch differs by design (a step pointing away from the end, integer truncation,
kernels it lacks, ranges computed in the result's precision) the registry of known
divergences says so. Bad range arguments are checked in test_creation.py's error parity.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from conformance import dtypes as dt
from conformance.backends import reference_backend
from conformance.check import Check
from conformance.runner import check_call

ALL = [dt.dtype(n) for n in dt.ALL]
FLOATS = [dt.dtype(n) for n in dt.FLOATS]


def _reference(dtype: dt.DType | None) -> object:
    """The reference's dtype argument: the carrier (float32 for bfloat16), or None."""
    return None if dtype is None else dtype.numpy


def _torch(dtype: dt.DType | None) -> torch.dtype | None:
    return None if dtype is None else dtype.torch


# a nonzero integer step, either way: two ranges rather than a filter, which rejected the simplest
# example (0) and made a third of a short run's examples invalid
INTEGER_STEP = st.integers(1, 7) | st.integers(-7, -1)
ARANGE_ARGUMENTS = {
    # integers for every dtype
    "int": (st.integers(-40, 40), st.integers(-40, 40), INTEGER_STEP),
    # an integral start and step with a fractional end: NumPy's range is still well defined
    "fractional-end": (
        st.integers(-40, 40),
        st.floats(-40, 40, allow_subnormal=False),
        INTEGER_STEP,
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
        Check("torch.arange", {"args": positional, "dtype": dtype}, device=device),
        lambda: torch.arange(*positional, dtype=_torch(dtype), device=device),
        reference_call,
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
    """linspace, and logspace in base 2, over moderate exponents."""
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
        Check(
            op,
            {"start": start, "end": stop, "steps": steps, "dtype": dtype}
            | ({"base": 2.0} if op == "torch.logspace" else {}),
            device=device,
        ),
        torch_call,
        reference_call,
        dtype=dtype,
    )
