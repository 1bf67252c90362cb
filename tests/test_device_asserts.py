"""Device-side asserts: a call torch would stop with one is never made in the run's processes,
the helper that made one ends itself, and a lost device context fails the test that lost it;
and the CUDA entries apply on CUDA alone."""

from __future__ import annotations

import numpy as np
import pytest

from conformance import device_calls, devices, isolation, ops, records
from conformance import dtypes as dt
from conformance.check import Check
from conformance.compare import Options
from conformance.inputs import ArrayInput
from conformance.messages import Divergence
from conformance.oracle import assert_conforms
from conformance.outcomes import Outcome, capture
from conformance.runner import check_call

OUT_OF_BOUNDS = "index 5 is out of bounds for axis 0 with size 3"
NO_VALUES = Options(check_values=False, check_device=False)


def _refuses():
    raise IndexError(OUT_OF_BOUNDS)


def _must_not_run():
    raise AssertionError("the torch call was made")


def test_a_call_documented_to_assert_on_cuda_is_not_made():
    records.drain()
    ran = check_call(Check("getitem-index-past-its-dim", {}, device="cuda:0"), _must_not_run, _refuses)
    assert ran.actual.raised and ran.expected.raised
    assert ("known_divergence", "cuda-index-out-of-bounds-asserts") in records.drain()


@pytest.mark.parametrize(
    "device, reference",
    [
        ("cpu", _refuses),  # on the CPU torch raises at once
        ("cuda:0", lambda: 0.0),  # the reference accepts the key: nothing to assert
        ("cuda:0", lambda: (_ for _ in ()).throw(IndexError("too many indices for array"))),  # not past a dim
    ],
    ids=["cpu", "accepted", "other-refusal"],
)
def test_the_call_is_made_everywhere_else(device, reference):
    with pytest.raises(AssertionError, match="the torch call was made"):
        check_call(Check("getitem-index-past-its-dim", {}, device=device), _must_not_run, reference)


def test_the_documented_assert_conforms_and_a_return_is_caught():
    check = Check("getitem-index-past-its-dim", {}, device="cuda:0")
    expected = capture(_refuses)
    asserted = Outcome(error=RuntimeError("CUDA error: device-side assert triggered"))
    assert_conforms(asserted, expected, check, NO_VALUES)
    with pytest.raises(Divergence, match="device-side assert"):
        assert_conforms(Outcome(error=RuntimeError("CUDA error: an illegal memory access")), expected, check, NO_VALUES)
    with pytest.raises(Divergence, match="error parity"):
        assert_conforms(Outcome(value=0.0), expected, check, NO_VALUES)  # returning is caught


@pytest.mark.parametrize("label", list(device_calls.CALLS))
def test_each_isolated_call_is_refused_on_both_sides_of_the_cpu(label):
    """On the CPU torch refuses each call at once, as NumPy does: the calls are the invalid ones."""
    actual = isolation.run_isolated(device_calls.torch_call, label, "cpu")
    assert actual.raised, f"{label}: torch returned {actual.value!r}"
    assert capture(device_calls.reference_call, label).raised


def test_a_helper_whose_device_context_is_lost_ends_itself(monkeypatch):
    sent = []

    class Connection:
        def __init__(self):
            self.requests = [(sum, ([1, 2],), {}), (sum, ([3],), {})]

        def recv(self):
            if not self.requests:
                raise EOFError
            return self.requests.pop(0)

        def send(self, reply):
            sent.append(reply)

    monkeypatch.setattr(isolation, "_device_lost", lambda: True)
    isolation._serve(Connection())
    assert len(sent) == 1 and sent[0][0] == "value" and sent[0][-1] is True  # the second request is not served


def test_a_lost_device_fails_the_test_that_lost_it_and_skips_the_rest():
    devices.forget_lost()

    def asserts(device):
        raise RuntimeError("CUDA error: device-side assert triggered")

    try:
        devices.synchronize_after("cuda:0", "test_x[cuda:0]", synchronize=lambda device: None)
        assert devices.lost_to("cuda:0") is None
        with pytest.raises(RuntimeError, match=r"cuda:0 failed to synchronize after this test .*device-side assert"):
            devices.synchronize_after("cuda:0", "test_x[cuda:0]", synchronize=asserts)
        assert devices.lost_to("cuda:0") == "test_x[cuda:0]"
        assert devices.lost_to("cpu") is None
    finally:
        devices.forget_lost()


def _uint_mul_check(device: str, dtype: str = "uint16") -> Check:
    inputs = {name: ArrayInput(np.array([1, 2], dtype=dtype), dt.dtype(dtype)) for name in "xy"}
    return Check.of(ops.op("mul"), inputs=inputs, device=device)


def test_a_missing_cuda_kernel_is_documented_only_on_cuda():
    expected = Outcome(value=np.array([1, 4], dtype=np.uint16))
    missing = Outcome(error=NotImplementedError("\"mul_cuda\" not implemented for 'UInt16'"))
    assert_conforms(missing, expected, _uint_mul_check("cuda:0"))
    with pytest.raises(Divergence, match="error parity"):
        assert_conforms(missing, expected, _uint_mul_check("cpu"))
    with pytest.raises(Divergence, match="not implemented for"):  # a wrong value is no missing kernel
        assert_conforms(Outcome(value=np.array([1, 5], dtype=np.uint16)), expected, _uint_mul_check("cuda:0"))
