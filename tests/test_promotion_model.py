"""The model of torch's promotion rules reproduces the examples of torch's documentation.

The model (conformance.promotion) is what known divergences state torch does; it is
checked here against the documented examples, not against torch itself. The precision
at which torch reads operands (known divergence float32-scalar-operand) is checked
against torch's measured results, and wrong precisions are shown to be caught.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from conformance import dtypes as dt
from conformance import ops
from conformance.check import Check
from conformance.divergences import TORCH_RELEASE, release
from conformance.inputs import ArrayInput
from conformance.messages import Divergence, DivergenceFixed
from conformance.promotion import PromotionError, promote_types, result_type
from conformance.runner import build_both, check_call, check_op

# From https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc
DOCUMENTED = [
    ((["int32"], [], [5]), "int32"),  # int_tensor + 5
    ((["int32"], ["int64"], []), "int32"),  # int_tensor + long_zerodim
    ((["int64", "int32"], [], []), "int64"),  # long_tensor + int_tensor
    ((["bool", "int64"], [], []), "int64"),  # bool_tensor + long_tensor
    ((["bool", "uint8"], [], []), "uint8"),  # bool_tensor + uint_tensor
    ((["float32", "float64"], [], []), "float64"),  # float_tensor + double_tensor
    ((["complex64", "complex128"], [], []), "complex128"),
    ((["bool", "int32"], [], []), "int32"),  # bool_tensor + int_tensor
    ((["int64", "float32"], [], []), "float32"),  # torch.add(long_tensor, float_tensor)
    ((["int32"], [], [5.5]), "float32"),  # int_tensor + 5.5 (default dtype)
    ((["float32"], ["float64"], []), "float32"),  # 0-d double does not lift a float tensor
    ((["int32"], ["float64"], []), "float64"),  # ... but lifts an integer one, with its size
    ((["float32"], [], [1j]), "complex64"),
    ((["float64"], [], [1j]), "complex128"),
    ((["int8", "uint8"], [], []), "int16"),
]


@pytest.mark.parametrize("groups, expected", DOCUMENTED)
def test_documented_examples(groups, expected):
    assert result_type(*groups) == expected


def test_limited_unsigned_types_do_not_promote():
    with pytest.raises(PromotionError):
        promote_types("uint16", "int32")
    with pytest.raises(PromotionError):
        promote_types("uint32", "complex64")
    assert promote_types("uint64", "float32") == "float32"
    assert promote_types("uint16", "uint16") == "uint16"


def test_float16_with_complex_is_complex32():
    assert result_type(["float16"], [], [1j]) == "complex32"
    # torch 2.14 added bcomplex32 (bfloat16 parts); before, bfloat16 with a complex number was complex64
    assert result_type(["bfloat16"], [], [1j]) == ("bcomplex32" if release("2.14") <= TORCH_RELEASE else "complex64")
    assert promote_types("float16", "bfloat16") == "float32"


# --- operands read unrounded in float32 (known divergence float32-scalar-operand) -----------


def _input(values, dtype: str) -> ArrayInput:
    return ArrayInput(np.asarray(values, dtype=dt.dtype(dtype).numpy), dt.dtype(dtype))


def _conforms(label: str, torch_fn, numpy_fn, **inputs) -> None:
    """torch's call against NumPy's on the same inputs, through the real registry, on the CPU."""
    tensors, arrays, _ = build_both(inputs, "cpu")
    op, form = next((op, form) for op in ops.ELEMENTWISE for form in op.forms if form.label == label)
    check_call(Check.of(op, form, inputs), lambda: torch_fn(*tensors), lambda: numpy_fn(*arrays))


HALF_ZEROS, HALF_HALVES = _input([0.0, 0.0, 0.0], "float16"), _input([0.5, 0.5, 0.5], "float16")
UNROUNDED_CASES = [  # torch 2.13's CPU results, each confirmed by the model
    ("torch.mul", torch.mul, np.multiply, {"x": HALF_ZEROS, "y": _input(65534, "uint16")}),  # [0, 0, 0]
    ("torch.mul", torch.mul, np.multiply, {"x": _input(65534, "uint16"), "y": HALF_ZEROS}),  # first: [nan]*3
    ("torch.mul", torch.mul, np.multiply, {"x": HALF_HALVES, "y": _input([65534], "int32")}),  # [32768]*3
    ("Tensor.mul", torch.Tensor.mul, np.multiply, {"x": HALF_HALVES, "y": 65534.0}),
    ("operator.mul", lambda a, b: a * b, np.multiply, {"y": 65534.0, "x": HALF_HALVES}),  # tensor.__rmul__
    ("torch.true_divide", torch.true_divide, np.true_divide, {"x": HALF_HALVES, "y": _input(1e-5, "float64")}),
    ("torch.add", torch.add, np.add, {"x": _input([-2048.0], "float16"), "y": 2048.5}),  # rounded first: [0]
    ("torch.add", torch.add, np.add, {"x": _input([-256.0], "bfloat16"), "y": _input(256.5, "float32")}),
]


@pytest.mark.parametrize("label, torch_fn, numpy_fn, inputs", UNROUNDED_CASES)
def test_model_of_operands_read_in_float32_matches_torch(label, torch_fn, numpy_fn, inputs):
    _conforms(label, torch_fn, numpy_fn, **inputs)


def _mul_rounding_every_operand(x, y):
    """mul as torch computed it before pytorch#98820: the scalar rounded to float16 first."""
    result = torch.result_type(x, y)
    return torch.mul(x.to(result), y.to(result) if isinstance(y, torch.Tensor) else torch.tensor(y).to(result))


def _add_reading_scalar_in_float32(x, y):
    return (x.float() + y).to(torch.result_type(x, y))


@pytest.mark.parametrize(
    "label, planted, numpy_fn, inputs",
    [
        ("torch.mul", _mul_rounding_every_operand, np.multiply, {"x": HALF_ZEROS, "y": _input(65534, "uint16")}),
        ("torch.mul", _mul_rounding_every_operand, np.multiply, {"x": HALF_HALVES, "y": 65534.0}),
        ("torch.add", _add_reading_scalar_in_float32, np.add, {"x": _input([-2048.0], "float16"), "y": 2048.5}),
    ],
)
def test_operand_read_at_the_wrong_precision_is_caught(label, planted, numpy_fn, inputs):
    """Caught as a divergence, or as a documented divergence that no longer happens (where the
    planted precision is NumPy's)."""
    with pytest.raises((Divergence, DivergenceFixed)):
        _conforms(label, planted, numpy_fn, **inputs)


def test_python_int_past_int64_is_a_uint64_number():
    """torch wraps an int in [2**63, 2**64) as a uint64 number: where's two such branches make a
    uint64 result (as NumPy's), and a torch that made them int64 is caught."""
    assert result_type(scalars=[2**63, 2**64 - 1]) == "uint64"
    assert result_type(["int8"], [], [2**63]) == "int8"  # a tensor of the category decides
    with pytest.raises(PromotionError):
        result_type(scalars=[2**63, 1])  # uint64 does not promote with int64

    where = ops.op("where")
    condition = ArrayInput(np.array([True, False]), dt.dtype("bool"))
    inputs = {"condition": condition, "x": 2**63, "y": 2**64 - 1}
    check_op(where, where.forms[0], inputs, "cpu")

    planted = replace(where.forms[0], call=lambda c, x, y: torch.where(c, torch.tensor(0), torch.tensor(-1)))
    with pytest.raises(Divergence, match="dtype: torch gives int64"):
        check_op(where, planted, inputs, "cpu")
