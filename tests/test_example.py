"""Portable examples: every value a check holds goes to JSON and back bit for bit."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from conformance import dtypes as dt
from conformance import example, ops
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.layouts import Layout


def _roundtrip(value):
    return example.decode(json.loads(json.dumps(example.encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        -0.0,
        float("inf"),
        float("-inf"),
        5e-324,
        0.1,
        complex(-0.0, -0.0),
        complex(float("inf"), -0.0),
        2**80,
        -(2**63),
        True,
        None,
        "text",
        (1, [2.5, None]),
        {"dim": -1},
        slice(1, None, 2),
        Ellipsis,
        torch.float16,
        np.dtype("uint8"),
        dt.dtype("bfloat16"),
        np.float32(-0.0),
        np.int64(-5),
    ],
    ids=repr,
)
def test_values_round_trip(value):
    back = _roundtrip(value)
    assert type(back) is type(value) and repr(back) == repr(value)


def test_nan_payload_and_signs_of_zero_survive_in_arrays():
    values = np.array([np.nan, -np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-45], dtype=np.float32)
    values[0] = np.frombuffer(bytes.fromhex("0100c07f"), np.float32)[0]  # a NaN with a payload
    for dtype in ("float32", "bfloat16"):
        inp = ArrayInput(dt.dtype(dtype).carry(values), dt.dtype(dtype), Layout(offset=2, flipped=(0,)))
        back = _roundtrip(inp)
        assert back.values.tobytes() == inp.values.tobytes() and back.dtype == inp.dtype and back.layout == inp.layout


def test_layouts_and_strides_are_recorded():
    inp = ArrayInput(np.arange(6, dtype=np.int16).reshape(2, 3), dt.dtype("int16"), Layout(perm=(1, 0)))
    data = example.encode(inp)
    assert data["shape"] == [2, 3] and data["strides"] == [1, 2] and data["layout"]["perm"] == [1, 0]
    assert _roundtrip(inp).layout == inp.layout


def test_a_check_round_trips_through_its_example():
    op = ops.op("add")
    form = next(f for f in op.forms if f.label == "operator.add")
    inp = ArrayInput(np.array([1.5, -0.0], np.float64), dt.dtype("float64"))
    check = Check.of(op, form, {"x": complex(-0.0, -0.0), "y": inp}, device="cpu", arguments={"alpha": 2})
    back = example.check_of(json.loads(json.dumps(example.portable(check))))
    assert (back.label, back.op, back.form, back.device) == (check.label, op, form, "cpu")
    assert (
        repr(back.inputs["x"]) == repr(check.inputs["x"]) and back.inputs["y"].values.tobytes() == inp.values.tobytes()
    )
    assert back.arguments == {"alpha": 2}


def test_foreign_values_are_not_portable():
    data = example.portable(Check("torch.thing", {"obj": object()}))
    assert not example.is_portable(data)
    with pytest.raises(example.ExampleError, match="no portable form"):
        example.check_of(data)
    with pytest.raises(example.ExampleError, match="no op 'nosuch'"):
        example.check_of({**example.portable(Check("x")), "op": "nosuch"})


def test_fingerprint_ignores_the_device_and_tells_values_apart():
    inp = ArrayInput(np.array([0.0]), dt.dtype("float64"))
    first = example.portable(Check("torch.neg", {"x": inp}, device="cpu"))
    second = example.portable(Check("torch.neg", {"x": inp}, device="cuda:0"))
    negative = example.portable(Check("torch.neg", {"x": ArrayInput(np.array([-0.0]), dt.dtype("float64"))}))
    assert example.fingerprint(first) == example.fingerprint(second) != example.fingerprint(negative)
