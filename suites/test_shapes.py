"""Shape ops: reshape, view, flatten, squeeze, unsqueeze, transpose, permute, T, mT, movedim,
cat, stack, split, chunk, flip, roll, tile, repeat, expand.

Every form of every shape op of the catalog (`conformance/ops/shapes.py`) runs on inputs
drawn in every layout and size tier, with its other arguments drawn over what torch
accepts (negative dims, dims as ints and tuples, omitted arguments), against NumPy's (or
CuPy's) function: shapes, values, dtypes and errors. Then which results are views: a write
through torch's result must show in its input exactly where NumPy's result shares memory
with NumPy's input (`conformance.views`); where the two libraries promise differently
(torch.flip copies, np.flip views) the registry says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance.check import Check
from conformance.compare import DEFAULTS, Options
from conformance.inputs import ArrayInput
from conformance.layouts import Layout
from conformance.normal import as_dtype, is_cupy_array
from conformance.ops import Form, Op
from conformance.ops import shapes as catalog
from conformance.oracle import assert_conforms
from conformance.outcomes import MalformedResult
from conformance.runner import Ran, build_both, check_call
from conformance.tolerances import EXACT
from conformance.views import reference_memory_facts, torch_memory_facts
from strategies.shape_ops import shape_op_calls

CASES = [pytest.param(op, form, id=form.label) for op in catalog.OPS for form in op.forms]
JOINS = [op for op in catalog.OPS if op.shapes in ("cat", "stack")]


def _spelled(op: Op, form: Form, inputs: Mapping[str, Any], arguments: Mapping[str, Any]) -> Form:
    """The form as a reproducer spells this call (cat and stack list their tensors)."""
    return catalog.sequence_call(form, len(inputs), arguments) if op.shapes in ("cat", "stack") else form


def run_shape_op(
    op: Op, form: Form, inputs: dict[str, ArrayInput], arguments: dict, device: str, dtype: dt.DType | None
) -> tuple[Ran, Any, Any]:
    """`form` against the op's reference on the same inputs; returns both outcomes, the inputs
    as built on both sides and the reference's raw result (before a bfloat16 tag).

    Shape ops move values without computing: real floating results are compared exactly
    (NaN payloads aside). Complex ones within the default tolerance: the oracle's relative
    term multiplies by |expected|, which is inf for finite parts near the largest value, and
    0 * inf is NaN, so an exact bound is not expressible there."""
    __tracebackhide__ = True
    form = _spelled(op, form, inputs, arguments)
    built = build_both(inputs, device)
    raw: dict[str, Any] = {}

    def reference():
        raw["value"] = op.reference(built.xp, *built.arrays, dtype=dtype, **arguments)
        return _tagged(raw["value"], dtype)

    exact = dtype is not None and dtype.is_floating

    def call():
        result = form.call(*built.tensors, **arguments)
        for piece in result if isinstance(result, tuple | list) else [result]:
            if min(piece.shape, default=0) < 0:
                raise MalformedResult(f"torch returned a tensor of shape {list(piece.shape)}: a negative size")
        return result

    ran = check_call(
        Check.of(op, form, inputs, device=device, arguments=arguments),
        call,
        reference,
        options=Options(tolerance=EXACT) if exact else DEFAULTS,
    )
    return ran, built, raw.get("value")


def _tagged(result: Any, dtype: dt.DType | None) -> Any:
    """Reference values in a carrier (bfloat16 in float32) tagged with the dtype they stand
    for, piece by piece for the sequences split and chunk return."""
    if dtype is None or dtype.native_numpy:
        return result
    if isinstance(result, list | tuple):
        return [as_dtype(_host(piece), dtype) for piece in result]
    return as_dtype(_host(result), dtype)


def _host(array: Any) -> Any:
    return array.get() if is_cupy_array(array) else array


def check_memory(op: Op, form: Form, inputs: dict, arguments: dict, device: str, built, actual, expected) -> None:
    """torch's result shares memory with each input exactly where the reference's does."""
    __tracebackhide__ = True
    form = _spelled(op, form, inputs, arguments)
    assert_conforms(
        torch_memory_facts(actual, dict(zip(inputs, built.tensors, strict=True))),
        reference_memory_facts(expected, dict(zip(inputs, built.arrays, strict=True)), built.xp),
        Check(f"memory of {form.label}", inputs, device=device, arguments=arguments, op=op, form=form),
    )


@pytest.mark.parametrize("op, form", CASES)
@given(data=st.data())
def test_shape_op(op, form, device, data):
    """Shape, values, dtype and errors against NumPy's function; then views: a write through
    torch's result reaches its input exactly where NumPy's result shares its input's memory."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    inputs, arguments = data.draw(shape_op_calls(op, dtype), label="call")
    ran, built, expected = run_shape_op(op, form, inputs, arguments, device, dtype)
    if not ran.actual.raised and not ran.expected.raised:
        check_memory(op, form, inputs, arguments, device, built, ran.actual.value, expected)


# ---------------------------------------------------------------------------
# cat and stack: every dtype pair, and out=


def _pair_inputs(op: Op, first: dt.DType, second: dt.DType) -> dict[str, ArrayInput]:
    """Two small tensors of 0s and 1s (exact in every dtype), of shapes cat and stack accept."""
    values = np.array([[0, 1, 1], [1, 0, 1]])
    shapes_ = [(2, 3), (1, 3) if op.shapes == "cat" else (2, 3)]
    return {
        name: ArrayInput(first_or_second.carry(values[: shape[0]]), first_or_second)
        for name, first_or_second, shape in zip(("t0", "t1"), (first, second), shapes_, strict=True)
    }


@pytest.mark.parametrize("op", JOINS, ids=str)
def test_join_every_dtype_pair(op, device):
    """cat and stack of two tensors, every ordered pair of dtypes: torch's type promotion
    (the registry's `torch-type-promotion` model) where NumPy's differs. Along dim 0: the
    promotion model recomputes the reference without the call's other arguments."""
    form = op.function_form
    for first in cs.supported_dtypes(device=device):
        for second in cs.supported_dtypes(device=device):
            inputs = _pair_inputs(op, first, second)
            run_shape_op(op, form, inputs, {"dim": 0}, device, first if first == second else None)


@st.composite
def _out_calls(draw, op: Op, device: str):
    dtype = draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    inputs, arguments = draw(shape_op_calls(op, dtype), label="call")
    try:
        shape = np.shape(op.reference(np, *(i.values for i in inputs.values()), **arguments))
    except Exception:  # the call raises: out= has no shape to take
        assume(False)
    out = draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="out")
    return dtype, inputs, arguments, out


@pytest.mark.parametrize("op, form", [pytest.param(op, op.function_form, id=str(op)) for op in JOINS])
@given(data=st.data())
def test_join_out(op, form, device, data):
    """cat/stack with out= of the result's shape and dtype in every writable layout (permuted,
    stepped, offset): the values land in out, and out is what is returned."""
    dtype, inputs, arguments, out = data.draw(_out_calls(op, device))
    count = len(inputs)
    spelled = catalog.sequence_call(form, count, {**arguments, "out": None})

    def call(*tensors, **kw):
        result = form.call(*tensors[:count], out=tensors[count], **kw)
        assert result is tensors[count], f"{form.label}(out=) returned a new tensor, not out"
        return tensors[count]

    out_form = Form(form.label, call, form.kind, code=spelled.code)
    built = build_both({**inputs, "out": out}, device)
    check_call(
        Check.of(op, out_form, {**inputs, "out": out}, device=device, arguments=arguments),
        lambda: out_form.call(*built.tensors, **arguments),
        lambda: op.reference(built.xp, *built.arrays[:count], dtype=dtype, **arguments),
        dtype=dtype,
    )


# ---------------------------------------------------------------------------
# view: spelled out


FLOAT32 = dt.dtype("float32")
VIEWS = {
    "a contiguous tensor merges its dims": ((2, 3), Layout(), (6,)),
    "a transposed tensor cannot merge its dims": ((2, 3), Layout(perm=(1, 0)), (6,)),
    "a transposed tensor splits a dim": ((4, 3), Layout(perm=(1, 0)), (3, 2, 2)),
    "a stepped last dim cannot merge": ((2, 3), Layout(steps=(1, 2)), (6,)),
    "a stepped first dim merges with nothing": ((2, 3), Layout(steps=(2, 1)), (2, 3, 1)),
    "an expanded dim cannot merge": ((2, 3), Layout(expanded=(0,)), (6,)),
    "an expanded dim splits": ((4, 3), Layout(expanded=(0,)), (2, 2, 3)),
}


@pytest.mark.parametrize("case", list(VIEWS))
def test_view_needs_compatible_strides(case, device):
    """Tensor.view raises exactly where NumPy's reshape would copy (np.reshape(copy=False)
    raises), and otherwise shares memory with its input."""
    shape, layout, target = VIEWS[case]
    values = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    op = next(op for op in catalog.OPS if op.name == "view")
    inputs = {"x": ArrayInput(layout.logical_values(values), FLOAT32, layout)}
    arguments = {"shape": target}
    ran, built, expected = run_shape_op(op, op.function_form, inputs, arguments, device, FLOAT32)
    if not ran.actual.raised:
        check_memory(op, op.function_form, inputs, arguments, device, built, ran.actual.value, expected)
