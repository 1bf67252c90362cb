"""A tiny suite with a bug planted in torch, run with a record: what the record, report,
replay and corpus self-tests read."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# torch.maximum adds 1 to every float result above 2 where PLANT is set: the planted bug
CONFTEST = """
import os

import torch

pytest_plugins = ["conformance.plugin"]

if os.environ.get("PLANT"):
    _original = torch.maximum

    def _planted(a, b, *rest, **keywords):
        result = _original(a, b, *rest, **keywords)
        if result.is_floating_point():
            result = result.clone()
            result[result > 2] += 1
        return result

    torch.maximum = _planted
"""

SUITE = """
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from conformance import dtypes as dt
from conformance import ops
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.runner import check_call, check_op


@pytest.mark.parametrize("op", [ops.op("add"), ops.op("maximum")], ids=str)
@pytest.mark.parametrize("dtype", [dt.dtype("float32"), dt.dtype("int16")])
@settings(max_examples=20, derandomize=True, database=None)
@given(x=st.floats(-10, 10, width=32))
def test_values(op, dtype, device, x):
    inp = ArrayInput(dtype.carry(np.array([x, 1.0, -0.0])), dtype)
    check_op(op, op.function_form, {"x": inp, "y": inp}, device, dtype=dtype)


def test_skipped(device):
    pytest.skip("nothing to check here")


def test_known(device):
    check_call(Check("torch.zeros", {"size": (2,)}, device=device), lambda: torch.zeros(2), lambda: np.zeros(2))


def test_error(device):
    raise RuntimeError("the harness broke")
"""

# what each check of SUITE gives, planted and not
UNPLANTED = {
    "test_values[float32-add-cpu]": "pass",
    "test_values[float32-maximum-cpu]": "pass",
    "test_values[int16-add-cpu]": "pass",
    "test_values[int16-maximum-cpu]": "pass",
    "test_skipped[cpu]": "skip",
    "test_known[cpu]": "known",
    "test_error[cpu]": "error",
}
PLANTED = {**UNPLANTED, "test_values[float32-maximum-cpu]": "divergence"}


def make_suite(pytester) -> Path:
    pytester.makeconftest(CONFTEST)
    return pytester.makepyfile(test_tiny=SUITE)


def run_recorded(pytester, monkeypatch, record: Path, *args: str, plant: bool = False):
    """The tiny suite with a record, in a subprocess; `plant` plants the bug."""
    if plant:
        monkeypatch.setenv("PLANT", "1")
    else:
        monkeypatch.delenv("PLANT", raising=False)
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", f"--conformance-record={record}", "--devices=cpu", *args
    )


def outcomes(record: Path) -> dict[str, str]:
    data = json.loads(Path(record).read_text())
    return {check["id"].split("::")[-1]: check["outcome"] for check in data["checks"]}
