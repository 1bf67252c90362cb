"""The one place a check runs both sides: build the same inputs for torch and for the
reference, call each under its own error capture, and hand both outcomes to the oracle.

`check_op` runs a catalog op in one of its forms; `check_call` runs any pair of calls
(a constructor, a conversion) as thunks; `build_both` gives a suite with a call of its
own (an in-place rule, a view check) the inputs built on either side. cupy.testing's
one test body run on both libraries is the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from conformance import dtypes as dt
from conformance import records
from conformance.backends import reference_backend, torch_backend
from conformance.check import Check
from conformance.compare import DEFAULTS, Options
from conformance.divergences import AssertsOnDevice, KnownDivergence
from conformance.inputs import ArrayInput
from conformance.known_divergences import REGISTRY
from conformance.messages import Divergence, DivergenceChanged, DivergenceFixed
from conformance.normal import as_dtype
from conformance.ops import Form, Op
from conformance.oracle import assert_conforms
from conformance.outcomes import Outcome, capture


class Built(NamedTuple):
    """The inputs of a check built on both sides, in input order (other values passed as they are)."""

    tensors: list[Any]
    arrays: list[Any]
    xp: Any  # the reference's array module: NumPy, or CuPy on CUDA


class Ran(NamedTuple):
    """Both sides' outcomes of a check that conformed."""

    actual: Outcome
    expected: Outcome


def build_both(inputs: Mapping[str, Any], device: str) -> Built:
    """Each `ArrayInput` built as a tensor on `device` and as an array of its reference."""
    torch_side, reference = torch_backend(device), reference_backend(device)

    def build(backend, value):
        return backend.build(value) if isinstance(value, ArrayInput) else value

    return Built(
        [build(torch_side, v) for v in inputs.values()],
        [build(reference, v) for v in inputs.values()],
        reference.xp,
    )


def reference_outcome(fn: Callable[[], Any], dtype: dt.DType | str | None = None) -> Outcome:
    """Run the reference; where `dtype` has no NumPy dtype of its own (bfloat16), the
    reference computes in its float32 carrier and the result is rounded and tagged."""
    outcome = capture(fn)
    if dtype is None or dt.dtype(dtype).native_numpy or outcome.raised:
        return outcome
    if np.asarray(outcome.value).dtype == dt.dtype(dtype).numpy:  # a bool result of a comparison stays bool
        outcome.value = as_dtype(outcome.value, dtype)
    return outcome


def check_call(
    check: Check,
    torch_call: Callable[[], Any],
    reference_call: Callable[[], Any],
    *,
    dtype: dt.DType | str | None = None,
    options: Options = DEFAULTS,
) -> Ran:
    """Run both calls, each under its own error capture, and assert that torch conforms.

    `dtype` names the result's dtype where the reference computes it in a carrier (bfloat16)."""
    __tracebackhide__ = True
    expected = reference_outcome(reference_call, dtype)
    asserting = device_asserts(replace(check, reference=expected))
    if asserting:  # the call would lose this process's device context: the reference's refusal is all we check
        for entry in asserting:
            records.observe("known_divergence", entry.id)
        return Ran(asserting[0].expectation(expected, check), expected)
    ran = Ran(capture(torch_call), expected)
    assert_conforms(ran.actual, ran.expected, check, options)
    return ran


def device_asserts(check: Check) -> list[KnownDivergence]:
    """The registry's entries by which torch would stop this call with a device-side assert
    (`divergences.AssertsOnDevice`): none on the CPU."""
    if check.device_type == "cpu":
        return []
    return [entry for entry in REGISTRY.find(check) if isinstance(entry.torch_gives, AssertsOnDevice)]


def check_op(
    op: Op,
    form: Form,
    inputs: Mapping[str, Any],
    device: str,
    *,
    dtype: dt.DType | None = None,
    arguments: Mapping[str, Any] | None = None,
    options: Options = DEFAULTS,
) -> Ran:
    """`form` on tensors against the op's reference on arrays, both built from `inputs`
    (named as the op's operands; Python scalars passed as they are) with `arguments`."""
    __tracebackhide__ = True
    arguments = dict(arguments or {})
    built = build_both(inputs, device)
    try:
        return check_call(
            Check.of(op, form, inputs, device=device, arguments=arguments),
            lambda: form.call(*built.tensors, **arguments),
            lambda: op.reference(built.xp, *built.arrays, dtype=dtype, **arguments),
            dtype=dtype,
            options=options,
        )
    except (Divergence, DivergenceFixed, DivergenceChanged) as error:
        # the recipe `conformance.replay` runs the example with again, where the example is all it needs
        if error.example is not None and options is DEFAULTS:
            error.example["replay"] = {"runner": "check_op", "dtype": dtype.name if dtype is not None else None}
        raise
