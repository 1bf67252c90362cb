"""Type promotion: every dtype pair, Python scalars, zero-dim tensors, overflow and casts.

torch promotes by category first (bool < integral < floating < complex) and lets
zero-dim tensors and Python scalars lift only the category; NumPy 2 (NEP 50) treats
Python scalars as weak but zero-dim arrays as full operands. Each difference is a
documented known divergence whose model (`conformance.promotion`) states torch's
rules; anything else fails.

bfloat16 is left out of the pairs: NumPy has no bfloat16, so it has no promotion
rule to compare with (its elementwise values are checked in test_broadcast.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import ops
from conformance.check import Check
from conformance.compare import Options
from conformance.inputs import ArrayInput
from conformance.runner import build_both, check_call, check_op

PAIR_DTYPES = [name for name in dt.NATIVE_NUMPY]
PROMOTION_OPS = [ops.op(name) for name in ("add", "mul", "true_divide", "maximum", "eq", "lt", "where", "bitwise_xor")]
TABLE_OPS = [ops.op(name) for name in ("add", "eq", "bitwise_xor", "true_divide", "where")]


def check_promotion(op: ops.Op, form: ops.Form, inputs: dict, device: str) -> None:
    """`form` on the inputs (tensors, Python scalars) against the op's reference, dtypes unrounded."""
    check_op(op, form, inputs, device)


def _ones(dtype: str, shape=(2,)) -> ArrayInput:
    kind = dt.dtype(dtype)
    return ArrayInput(np.ones(shape, dtype=kind.numpy), kind)


def _condition(shape=(2,)) -> ArrayInput:
    return ArrayInput(
        np.array([True, False]).reshape(shape) if shape == (2,) else np.ones(shape, bool), dt.dtype("bool")
    )


def _operands(op: ops.Op, *inputs: ArrayInput) -> dict:
    """The inputs named as the op's operands, a condition first where the op takes one."""
    given = iter(inputs)
    return {o.name: _condition() if o.dtype == "bool" else next(given) for o in op.operands}


TABLE = [
    pytest.param(op, left, right, id=f"{op.function_form.label}-{left}-{right}")
    for op in TABLE_OPS
    for left in PAIR_DTYPES
    for right in PAIR_DTYPES
]


@pytest.mark.parametrize("op, left, right", TABLE)
def test_promotion_table(op, left, right, device):
    """Every pair of dtypes, dimensioned tensors: the result dtype (and values of ones) as NumPy's."""
    check_promotion(op, op.function_form, _operands(op, _ones(left), _ones(right)), device)


@pytest.mark.parametrize("op", PROMOTION_OPS, ids=str)
@given(data=st.data())
def test_promotion_values(op, device, data):
    """Mixed dtypes with broadcast shapes and drawn values (finite, so the values compare cleanly)."""
    names = [n for n in op.dtypes if n in PAIR_DTYPES]
    left = data.draw(st.sampled_from(names), label="left dtype")
    right = data.draw(st.sampled_from(names), label="right dtype")
    shapes = data.draw(cs.broadcastable_shapes(2, max_elements=256), label="shapes").input_shapes
    inputs = [
        data.draw(
            cs.array_inputs(dt.dtype(name), shape, allow_nan=False, allow_infinity=False, allow_subnormal=False),
            label=f"operand {i}",
        )
        for i, (name, shape) in enumerate(zip((left, right), shapes, strict=True))
    ]
    given = iter(inputs)
    named = {
        o.name: data.draw(cs.array_inputs(dt.dtype(o.dtype), shapes[0]), label=o.name) if o.dtype else next(given)
        for o in op.operands
    }
    check_promotion(op, op.function_form, named, device)


SCALAR_KINDS = ["bool", "int", "float", "complex"]
_MODERATE = st.floats(-1e4, 1e4, allow_subnormal=False)
MODERATE_SCALARS = {
    "bool": st.booleans(),
    "int": st.integers(-1000, 1000),
    "float": _MODERATE,
    "complex": st.builds(complex, _MODERATE, _MODERATE),
}


def _operator_form(op: ops.Op) -> ops.Form:
    """The op's Python operator (`scalar + tensor` calls Tensor.__radd__), or its function."""
    return next((f for f in op.forms if f.kind == "operator"), op.function_form)


@pytest.mark.parametrize("dtype", PAIR_DTYPES)
@pytest.mark.parametrize("op", [o for o in PROMOTION_OPS if o.name != "where"], ids=str)
@given(data=st.data())
def test_python_scalar_promotion(op, dtype, device, data):
    """A tensor with a Python scalar (either side): torch's category rules vs NumPy 2's weak scalars.
    The scalar's kind (bool, int, float, complex) is drawn: one test covers the four."""
    kind = data.draw(st.sampled_from(SCALAR_KINDS), label="scalar kind")
    kind_dtype = dt.dtype(dtype)
    if kind_dtype.kind in ("int", "uint") and kind == "int":  # in range: out-of-range ints have their own test
        info = np.iinfo(kind_dtype.numpy)
        scalar = data.draw(st.integers(max(int(info.min), -(2**63)), min(int(info.max), 2**63 - 1)), label="scalar")
    else:  # moderate, finite values: special values are the elementwise suite's
        scalar = data.draw(MODERATE_SCALARS[kind], label="scalar")
    shape = data.draw(cs.shapes(max_dims=3, max_elements=64), label="shape")
    tensor = data.draw(cs.array_inputs(kind_dtype, shape, allow_nan=False, allow_infinity=False), label="tensor")
    scalar_first = data.draw(st.booleans(), label="scalar first")
    form = _operator_form(op) if scalar_first else op.function_form
    inputs = {"x": scalar, "y": tensor} if scalar_first else {"x": tensor, "y": scalar}
    check_promotion(op, form, inputs, device)


# One value of each kind, exact in every dtype it can be cast to, that lifts an integral or bool
# tensor into its kind (a float with a fraction, a complex with an imaginary part).
TABLE_SCALARS = {"bool": True, "int": 3, "float": 2.5, "complex": 1.5 - 2j}


def _scalar_places(op: ops.Op) -> list[tuple[str, ...]]:
    """Where the scalar goes: either side of a binary op; for where, either branch or both."""
    if op.name == "where":
        return [("x",), ("y",), ("x", "y")]
    return [("x",), ("y",)]


@pytest.mark.parametrize("kind", SCALAR_KINDS)
@pytest.mark.parametrize("op", TABLE_OPS, ids=str)
def test_scalar_promotion_table(op, kind, device):
    """Every dtype with a Python scalar of each kind, on every side (torch.where: in either branch
    or both), on a tensor of ones: the result dtype and values as NumPy's, or torch's category rules
    (torch-type-promotion). A table, as test_promotion_table is for tensor pairs, so a short run
    meets every dtype and kind, where `test_python_scalar_promotion` draws them (and leaves out
    where, whose branches it does not spell)."""
    for dtype in PAIR_DTYPES:
        for places in _scalar_places(op):
            inputs = {
                o.name: _condition() if o.dtype == "bool" else TABLE_SCALARS[kind] if o.name in places else _ones(dtype)
                for o in op.operands
            }
            first_is_scalar = places == ("x",) and op.name != "where"
            form = _operator_form(op) if first_is_scalar else op.function_form
            check_promotion(op, form, inputs, device)


def _outside(dtype: str) -> st.SearchStrategy[int]:
    """Python ints within int64 but outside `dtype`'s range."""
    info = np.iinfo(dt.dtype(dtype).numpy)
    ranges = []
    if info.max < 2**63 - 1:
        ranges.append(st.integers(int(info.max) + 1, 2**63 - 1))
    if info.min > -(2**63):
        ranges.append(st.integers(-(2**63), int(info.min) - 1))
    return st.one_of(*ranges)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64"])
@given(data=st.data())
def test_pow_integer_tensor_by_python_float(dtype, device, data):
    """An integer tensor to a Python float power is floating (torch: the default float32).

    Exponents and bases are small and exact: pow with Python scalars takes special paths
    in torch (exponent 0.5, 2, -1, ...) whose extremes are not what this check is about."""
    op = ops.op("pow")
    exponent = data.draw(st.sampled_from([0.5, 1.5, 2.0, 2.5, 3.0]), label="exponent")
    shape = data.draw(cs.shapes(max_dims=2, max_elements=16), label="shape")
    base = data.draw(cs.array_inputs(dt.dtype(dtype), shape, min_value=0, max_value=20), label="base")
    check_promotion(op, op.function_form, {"x": base, "y": exponent}, device)


@pytest.mark.parametrize("dtype", [n for n in PAIR_DTYPES if dt.dtype(n).kind in ("int", "uint") and n != "int64"])
@pytest.mark.parametrize("op", [ops.op("add"), ops.op("eq"), ops.op("lt")], ids=str)
@given(data=st.data())
def test_out_of_range_python_int(op, dtype, device, data):
    """A Python int outside a small integer dtype's range, either side: NumPy 2 raises OverflowError
    for arithmetic and compares exactly; torch converts it to the dtype (it wraps)."""
    scalar = data.draw(_outside(dtype), label="scalar")
    tensor = data.draw(cs.array_inputs(dt.dtype(dtype), (3,)), label="tensor")
    scalar_first = data.draw(st.booleans(), label="scalar first")
    form = _operator_form(op) if scalar_first else op.function_form
    inputs = {"x": scalar, "y": tensor} if scalar_first else {"x": tensor, "y": scalar}
    check_promotion(op, form, inputs, device)


@pytest.mark.parametrize("op", [ops.op("add"), ops.op("eq"), ops.op("mul")], ids=str)
@given(data=st.data())
def test_zero_dim_promotion(op, device, data):
    """A dimensioned tensor with a zero-dim tensor: torch lets the 0-d operand lift only the category."""
    left = data.draw(st.sampled_from(PAIR_DTYPES), label="dimensioned dtype")
    right = data.draw(st.sampled_from(PAIR_DTYPES), label="zero-dim dtype")
    bounded = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)
    inputs = {
        "x": data.draw(cs.array_inputs(dt.dtype(left), (3,), **bounded), label="x"),
        "y": data.draw(cs.array_inputs(dt.dtype(right), (), **bounded), label="y (0-d)"),
    }
    check_promotion(op, op.function_form, inputs, device)


# ---------------------------------------------------------------------------
# Overflow, casts, bool arithmetic


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
@given(data=st.data())
def test_integer_overflow_wraps(dtype, device, data):
    """Integer arithmetic wraps around on both sides (two's complement)."""
    info = np.iinfo(np.dtype(dtype))
    values = st.sampled_from([int(info.max), int(info.min), int(info.max) - 1, 1, -1 if info.min < 0 else 2])
    x = ArrayInput(
        np.array(data.draw(st.lists(values, min_size=4, max_size=4), label="x"), dtype=dtype), dt.dtype(dtype)
    )
    y = ArrayInput(
        np.array(data.draw(st.lists(values, min_size=4, max_size=4), label="y"), dtype=dtype), dt.dtype(dtype)
    )
    for name in ("add", "sub", "mul"):
        op = ops.op(name)
        with np.errstate(over="ignore"):
            check_promotion(op, op.function_form, {"x": x, "y": y}, device)


def _representable_range(source, target) -> tuple[float, float]:
    """The floats of `source` that lie in `target`'s integer range (its extremes may round out of it)."""
    info = np.iinfo(target)
    largest = float(np.finfo(source).max)
    high = np.asarray(min(float(info.max), largest), dtype=source)
    low = np.asarray(max(float(info.min), -largest), dtype=source)
    if float(high) > info.max:
        high = np.nextafter(high, np.asarray(0, dtype=source))
    if float(low) < info.min:
        low = np.nextafter(low, np.asarray(0, dtype=source))
    return float(low), float(high)


CASTS = [
    (a, b) for a in ("float16", "float32", "float64") for b in ("int8", "int16", "int32", "int64", "uint8", "bool")
]


@pytest.mark.parametrize("source, target", CASTS, ids=[f"{a}-to-{b}" for a, b in CASTS])
@given(data=st.data())
def test_float_to_int_casts(source, target, device, data):
    """Tensor.to(int dtype) of in-range floats truncates toward zero, as NumPy's astype."""
    target_dtype, source_dtype = dt.dtype(target), dt.dtype(source)
    low, high = (0, 1) if target == "bool" else _representable_range(source_dtype.numpy, target_dtype.numpy)
    shape = data.draw(cs.shapes(max_dims=3, max_elements=64), label="shape")
    inp = data.draw(
        cs.array_inputs(dt.dtype(source), shape, min_value=low, max_value=high, allow_nan=False), label="input"
    )
    inputs = {"input": inp, "dtype": target_dtype}
    (tensor, _), (array, _), _ = build_both(inputs, device)
    check_call(
        Check("Tensor.to", inputs, device=device),
        lambda: tensor.to(target_dtype.torch),
        lambda: array.astype(target_dtype.numpy),
    )


BOOL_ARITHMETIC = ["add", "mul", "sub", "maximum", "bitwise_xor"]


@pytest.mark.parametrize("name", BOOL_ARITHMETIC)
def test_bool_arithmetic(name, device):
    """bool with bool: add is or, mul is and; sub raises on both sides."""
    op = ops.op(name)
    x = ArrayInput(np.array([True, True, False, False]), dt.dtype("bool"))
    y = ArrayInput(np.array([True, False, True, False]), dt.dtype("bool"))
    check_promotion(op, op.function_form, {"x": x, "y": y}, device)
    check_promotion(op, op.function_form, {"x": x, "y": True}, device)
    check_promotion(op, op.function_form, {"x": x, "y": 2}, device)


def test_promote_types():
    """torch.promote_types against NumPy's result_type, pair by pair."""
    for left in PAIR_DTYPES:
        for right in PAIR_DTYPES:
            a, b = dt.dtype(left), dt.dtype(right)
            check_call(
                Check("torch.promote_types", {"x": a, "y": b}),
                lambda a=a, b=b: torch.ones(1, dtype=torch.promote_types(a.torch, b.torch)),
                lambda a=a, b=b: np.ones(1, dtype=np.result_type(a.numpy, b.numpy)),
                options=Options(check_device=False),
            )
