"""Invalid input that torch stops with a device-side assert on CUDA, each call made in the
isolated helper: the assert loses the CUDA context of the process that made the call, so the
other suites never make these calls (`runner.check_call`) and this suite shows that torch
still stops exactly so (`known_divergences/device_asserts.py`)."""

from __future__ import annotations

import pytest

from conformance import device_calls
from conformance.check import Check
from conformance.compare import Options
from conformance.isolation import run_isolated
from conformance.oracle import assert_conforms
from conformance.outcomes import capture


@pytest.mark.requires("cuda")
@pytest.mark.isolated
@pytest.mark.parametrize("label", list(device_calls.CALLS))
def test_device_side_assert(label, device):
    """torch's call in a subprocess against NumPy's refusal; the registry documents the assert."""
    actual = run_isolated(device_calls.torch_call, label, device)
    expected = capture(device_calls.reference_call, label)
    assert_conforms(actual, expected, Check(label, {}, device=device), Options(check_values=False, check_device=False))
