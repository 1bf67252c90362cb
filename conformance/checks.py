"""The one way a suite compares a torch call with its reference call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.oracle import Outcome, as_dtype, assert_conforms, capture


def reference_outcome(fn: Callable[[], Any], dtype: dt.DType | str | None = None) -> Outcome:
    """Run the reference; where `dtype` has no NumPy dtype of its own (bfloat16), the
    reference computes in its float32 carrier and the result is rounded and tagged."""
    outcome = capture(fn)
    if dtype is None or dt.dtype(dtype).native_numpy or outcome.raised:
        return outcome
    carrier = dt.dtype(dtype).numpy
    if np.asarray(outcome.value).dtype == carrier:  # a bool result of a comparison stays bool
        outcome.value = as_dtype(outcome.value, dtype)
    return outcome


def check_call(
    op: str,
    torch_call: Callable[[], Any],
    reference_call: Callable[[], Any],
    *,
    inputs: Mapping[str, Any],
    device: str,
    dtype: dt.DType | str | None = None,
    **options: Any,
) -> Outcome:
    """Run both calls, each under its own error capture, and assert that torch conforms.

    `dtype` names the result's dtype where the reference has to compute it in a
    carrier (bfloat16); `options` go to `assert_conforms`. Returns torch's outcome.
    """
    actual = capture(torch_call)
    expected = reference_outcome(reference_call, dtype)
    assert_conforms(actual, expected, op=op, inputs=inputs, device=device, **options)
    return actual
