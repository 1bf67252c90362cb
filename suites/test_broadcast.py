"""Broadcasting and elementwise semantics of the op catalog, in-place rules, broadcast views.

Every op of `conformance.ops` runs in every form (function, method, operator,
in-place) over Hypothesis-drawn mutually broadcastable shapes, memory layouts and
values (NaN, infinities, signed zeros, subnormals, integer extremes), against the
NumPy (or CuPy) reference. Type promotion across dtypes is in test_promotion.py.
"""

from __future__ import annotations

import math

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
from conformance.oracle import assert_conforms
from conformance.outcomes import ExpectedError, Outcome
from conformance.runner import build_both, check_call, check_op
from conformance.tolerances import Ulps
from strategies.operands import broadcast_shapes, inputs_for


def _form_cases(select_forms):
    """(op, form) parameters with ids like `operator.add`."""
    return [pytest.param(op, form, id=form.label) for op in ops.ELEMENTWISE for form in select_forms(op)]


FUNCTION_CASES = [
    pytest.param(op, group, id=f"{op.function_form.label}-{group}")
    for op in ops.ELEMENTWISE
    for group in dt.kernel_groups(op.dtypes)
]
OTHER_FORM_CASES = _form_cases(lambda op: [f for f in op.forms[1:] if not f.inplace])
INPLACE_CASES = _form_cases(lambda op: [f for f in op.forms if f.inplace])
MULTI_OPERAND_CASES = _form_cases(lambda op: op.forms[:1] if op.arity > 1 else [])


@pytest.mark.parametrize("op, dtype", FUNCTION_CASES)
@given(data=st.data())
def test_elementwise(op, dtype, device, data):
    """The function form, every dtype the op supports (by kernel group: `dtype` is a
    `dtypes.Group` whose members are drawn), broadcast shapes, every layout and value."""
    dtype = data.draw(cs.dtypes(dtype.members, device=device), label="dtype")
    inputs = data.draw(inputs_for(op, dtype, data.draw(broadcast_shapes(op.arity), label="shapes")))
    check_op(op, op.function_form, inputs, device, dtype=dtype)


@pytest.mark.parametrize("op, form", OTHER_FORM_CASES)
@given(data=st.data())
def test_elementwise_forms(op, form, device, data):
    """Method and operator forms: a bug can live in one form only."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    inputs = data.draw(inputs_for(op, dtype, data.draw(broadcast_shapes(op.arity), label="shapes")))
    check_op(op, form, inputs, device, dtype=dtype)


@pytest.mark.parametrize("op, form", MULTI_OPERAND_CASES)
@given(data=st.data())
def test_incompatible_shapes_raise(op, form, device, data):
    """Shapes that do not broadcast raise on both sides."""
    first, second = data.draw(cs.non_broadcastable_shapes(), label="shapes")
    shapes = (first, second) if op.arity == 2 else (first, second, second)
    dtype = dt.dtype("float32") if "float32" in op.dtypes else dt.dtype(op.dtypes[-1])
    inputs = data.draw(inputs_for(op, dtype, shapes))
    check_op(op, form, inputs, device, dtype=dtype)


# ---------------------------------------------------------------------------
# In-place forms


def _inplace_reference(op: ops.Op, xp, arrays, dtype: dt.DType | None = None):
    """NumPy's in-place rule (ufunc `out=` with casting='same_kind'): the result must have
    self's shape, and a dtype that casts to self's within its kind; self keeps its dtype."""
    result = op.reference(xp, *arrays, dtype=dtype)
    target = arrays[0]
    if np.shape(result) != target.shape:
        raise ValueError(f"non-broadcastable output operand with shape {target.shape} doesn't match {np.shape(result)}")
    result_dtype = np.asarray(result).dtype
    if not np.can_cast(result_dtype, target.dtype, casting="same_kind"):
        raise TypeError(f"Cannot cast ufunc output from {result_dtype} to {target.dtype} with casting rule 'same_kind'")
    target = target.copy()
    target[...] = result
    return target


@pytest.mark.parametrize("op, form", INPLACE_CASES)
@given(data=st.data())
def test_inplace(op, form, device, data):
    """In place: self keeps its shape and dtype, the other operands broadcast into it;
    a result that needs a bigger shape than self's raises on both sides."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    shapes = list(data.draw(broadcast_shapes(op.arity), label="shapes"))
    if data.draw(st.booleans(), label="self has the result's shape"):
        shapes[0] = np.broadcast_shapes(*shapes)
    inputs = data.draw(inputs_for(op, dtype, shapes, cs.writable_layouts))
    check_inplace(op, form, inputs, device, dtype)


def check_inplace(
    op: ops.Op, form: ops.Form, inputs: dict[str, ArrayInput], device: str, dtype: dt.DType | None
) -> None:
    """`form` must write into self and return it; the reference is NumPy's in-place rule."""
    tensors, arrays, xp = build_both(inputs, device)

    def torch_call():
        result = form.call(*tensors)
        assert result is tensors[0] or result.data_ptr() == tensors[0].data_ptr(), (
            "the in-place form returned a new tensor"
        )
        return tensors[0]

    check_call(
        Check.of(op, form, inputs, device=device),
        torch_call,
        lambda: _inplace_reference(op, xp, arrays, dtype),
        dtype=dtype,
    )


CASTS = [("int64", "float32"), ("float32", "complex64"), ("bool", "int64"), ("int32", "float64"), ("uint8", "bool")]


@pytest.mark.parametrize("self_dtype, other_dtype", CASTS, ids=[f"{a}-{b}" for a, b in CASTS])
@given(data=st.data())
def test_inplace_cast_rules(self_dtype, other_dtype, device, data):
    """An in-place add whose result dtype does not cast into self's kind raises on both sides."""
    op = ops.op("add")
    shape = data.draw(cs.shapes(max_dims=3, max_elements=64), label="shape")
    inputs = {
        "x": data.draw(cs.array_inputs(dt.dtype(self_dtype), shape, layouts=cs.writable_layouts(shape)), label="x"),
        "y": data.draw(cs.array_inputs(dt.dtype(other_dtype), shape), label="y"),
    }
    check_inplace(op, next(f for f in op.forms if f.label == "Tensor.add_"), inputs, device, None)


# ---------------------------------------------------------------------------
# Broadcast views


def _shares_memory_with(view: torch.Tensor, base: torch.Tensor) -> bool:
    """Whether a tensor views its input's storage (torch's analogue of np.shares_memory)."""
    return view.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()


@st.composite
def _broadcast_target(draw):
    source = draw(cs.shapes(max_dims=3, max_side=4, max_elements=64), label="source shape")
    extra = draw(cs.shapes(max_dims=2, min_side=0, max_side=3, max_elements=16), label="leading dims")
    target = [n if n != 1 else draw(st.integers(0, 3), label="size for a 1") for n in source]
    return source, (*extra, *target)


BROADCAST_VIEWS = {
    "torch.broadcast_to": (
        lambda t, shape: torch.broadcast_to(t, shape),
        lambda xp, a, shape: xp.broadcast_to(a, shape),
    ),
    "Tensor.expand": (lambda t, shape: t.expand(shape), lambda xp, a, shape: xp.broadcast_to(a, shape)),
    "Tensor.expand_as": (
        lambda t, shape: t.expand_as(torch.empty(shape, device=t.device)),
        lambda xp, a, shape: xp.broadcast_to(a, shape),
    ),
    "torch.broadcast_tensors": (
        lambda t, shape: torch.broadcast_tensors(t, torch.empty(shape, device=t.device))[0],
        lambda xp, a, shape: xp.broadcast_arrays(a, xp.empty(shape))[0],
    ),
}


@pytest.mark.parametrize("op", list(BROADCAST_VIEWS))
@given(data=st.data())
def test_broadcast_views(op, device, data):
    """broadcast_to/expand/expand_as/broadcast_tensors: shape and values as NumPy's, a stride-0
    view of the input's memory (NumPy: np.shares_memory), and errors for shapes that do not fit."""
    source, target = data.draw(_broadcast_target())
    if data.draw(st.booleans(), label="incompatible target"):
        target = (*target[:-1], target[-1] + 2) if source and source[-1] > 1 else target
    dtype = data.draw(cs.dtypes(dt.NATIVE_NUMPY, device=device), label="dtype")
    inp = data.draw(cs.array_inputs(dtype, source), label="input")
    torch_fn, reference_fn = BROADCAST_VIEWS[op]
    inputs = {"input": inp, "shape": target}
    (tensor, _), (array, _), xp = build_both(inputs, device)
    outcome, expected = check_call(
        Check(op, inputs, device=device), lambda: torch_fn(tensor, target), lambda: reference_fn(xp, array, target)
    )
    if outcome.raised:
        return
    view = outcome.value
    assert _shares_memory_with(view, tensor) == bool(xp.shares_memory(expected.value, array)) or view.numel() == 0, (
        f"views: {op} does not share memory with its input as NumPy's result does  [{inp.describe()} -> {target}]"
    )
    for dim, (before, after) in enumerate(zip((1,) * (len(target) - len(source)) + tuple(source), target, strict=True)):
        if before == 1 and after > 1:
            assert view.stride()[dim] == 0, (
                f"views: {op} dim {dim} was broadcast from 1 to {after} but has stride {view.stride()[dim]}"
            )


@given(shapes=st.lists(cs.shapes(max_dims=4, max_side=5), min_size=1, max_size=4))
def test_broadcast_shapes(shapes):
    """torch.broadcast_shapes against np.broadcast_shapes, errors included."""
    check_call(
        Check("torch.broadcast_shapes", {"shapes": shapes}),
        lambda: tuple(torch.broadcast_shapes(*shapes)),
        lambda: tuple(np.broadcast_shapes(*shapes)),
    )


# ---------------------------------------------------------------------------
# Special values, spelled out


NAN, INF = math.nan, math.inf
DIVIDES_BY_ZERO = Outcome(error=ExpectedError(RuntimeError, "ZeroDivisionError"))

# case: (op, operands, torch's result as IEEE 754 and torch's documentation state it)
SPECIALS = {
    "maximum propagates NaN": ("maximum", ([NAN, 1.0], [1.0, NAN]), [NAN, NAN]),
    "minimum propagates NaN": ("minimum", ([NAN, -1.0], [1.0, NAN]), [NAN, NAN]),
    "fmax ignores one NaN": ("fmax", ([NAN, 1.0, NAN], [1.0, NAN, NAN]), [1.0, 1.0, NAN]),
    "fmin ignores one NaN": ("fmin", ([NAN, 1.0, NAN], [1.0, NAN, NAN]), [1.0, 1.0, NAN]),
    "sign of NaN and zeros": ("sign", ([NAN, -0.0, 0.0, -INF],), [0.0, 0.0, 0.0, -1.0]),  # sign-of-nan-is-zero
    # either zero, as documented by minmax-signed-zeros: the values are checked, not the signs
    "maximum of signed zeros": ("maximum", ([0.0, -0.0], [-0.0, 0.0]), [0.0, 0.0]),
    "float division by zero": ("true_divide", ([1.0, -1.0, 0.0, -0.0], [0.0, 0.0, 0.0, -0.0]), [INF, -INF, NAN, NAN]),
    "round half to even": ("round", ([0.5, 1.5, 2.5, -0.5, -1.5, -2.5],), [0.0, 2.0, 2.0, -0.0, -2.0, -2.0]),
    "floor of negative zero": ("floor", ([-0.0, -0.5, 0.5],), [-0.0, -1.0, 0.0]),
    "remainder takes the divisor's sign": (
        "remainder",
        ([5.0, -5.0, 5.0, -5.0], [3.0, 3.0, -3.0, -3.0]),
        [2.0, 1.0, -1.0, -2.0],
    ),
    "fmod takes the dividend's sign": (
        "fmod",
        ([5.0, -5.0, 5.0, -5.0], [3.0, 3.0, -3.0, -3.0]),
        [2.0, -2.0, 2.0, -2.0],
    ),
    "integer floor division rounds down": ("floor_divide", ([7, -7, 7, -7], [2, 2, -2, -2]), [3, -4, -4, 3]),
    "integer division by zero": ("floor_divide", ([1, 0, -1], [0, 0, 0]), DIVIDES_BY_ZERO),
    "integer remainder by zero": ("remainder", ([1, 0, -1], [0, 0, 0]), DIVIDES_BY_ZERO),
    "integer overflow wraps around": ("add", ([127, -128], [1, -1]), [-128, 127]),
    "clamp propagates NaN": ("clamp", ([NAN, 2.0], [0.0, 0.0], [1.0, 1.0]), [NAN, 1.0]),
    "sqrt of negatives": ("sqrt", ([-1.0, -0.0, -INF],), [NAN, -0.0, NAN]),
    "log of zero and negatives": ("log", ([0.0, -0.0, -1.0],), [-INF, -INF, NAN]),
}


@pytest.mark.parametrize("case", list(SPECIALS))
def test_special_values(case, device):
    """NaN propagation, signed zeros, infinities, division by zero, rounding: spelled out, against
    NumPy and against the literal result each row states (so a bug NumPy shares is caught too)."""
    name, operands, literal = SPECIALS[case]
    op = ops.op(name)
    dtype = dt.dtype("int8" if isinstance(operands[0][0], int) else "float32")
    inputs = {
        operand.name: ArrayInput(np.asarray(values, dtype=dtype.numpy), dtype)
        for operand, values in zip(op.operands, operands, strict=True)
    }
    actual, _ = check_op(op, op.function_form, inputs, device, dtype=dtype)
    expected = literal if isinstance(literal, Outcome) else np.asarray(literal, dtype=dtype.numpy)
    assert_conforms(
        actual,
        expected,
        Check(f"{op.function_form.label} (literal)", inputs, device=device),
        Options(tolerance=Ulps(0), signed_zeros=case != "maximum of signed zeros"),
    )
