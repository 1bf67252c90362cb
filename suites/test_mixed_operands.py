"""Mixed operands and Python data: tensors next to Python scalars, NumPy scalars, ndarrays and
0-d tensors of another dtype, on either side of every binary op of the catalog; nested Python
data of every depth and ints of every magnitude as the input of tensor/as_tensor/asarray.

Every op of `conformance.ops.ELEMENTWISE` with two or more operands (where and clamp
included) runs in its function, method and operator forms (in-place forms in their own
test), with one or more operands replaced by another kind of operand, against NumPy's (or
CuPy's) result for the same operands. Python scalars range over every magnitude (see
`strategies.mixed_operands`): inside the tensor dtype's range, at its edges and past
them, up to ints beyond 64 bits, floats past the dtype's largest value, NaN and the
infinities. torch's type promotion of scalars and 0-d tensors is a documented divergence
(`torch-type-promotion`); the others found here are in `known_divergences/mixed_operand_*.py`,
`known_divergences/mixed_operands.py` and `known_divergences/python_data.py`.

Python ints beyond 64 bits are drawn next to floating and complex tensors only: with
integral tensors (or where's two number branches) both sides raise OverflowError, but the
registry's promotion model cannot convert such ints to an integer dtype (a shared change
to torch-type-promotion would lift this).
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
from conformance.backends import reference_backend
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.runner import build_both, check_call, check_op
from strategies.mixed_operands import (
    PYTHON_KINDS,
    deep_data,
    ndarrays,
    numpy_scalars,
    python_ints,
    python_scalars_of_every_magnitude,
)
from strategies.operands import broadcast_shapes, inputs_for
from strategies.python_data import python_scalars

# Ops with two or more operands that take part in promotion (where's condition does not).
MIXABLE = [op for op in ops.ELEMENTWISE if sum(o.dtype is None for o in op.operands) >= 2]
OP_CASES = [pytest.param(op, id=op.name) for op in MIXABLE]
SHAPES = 256  # at most this many elements per result


def _free(op: ops.Op) -> list[str]:
    """The operands that may be of another kind (all but those with a dtype of their own)."""
    return [o.name for o in op.operands if o.dtype is None]


def _usable_forms(op: ops.Op, tensors: set[str], *, inplace: bool = False) -> list[ops.Form]:
    """The forms that can be called with tensors in the operand positions `tensors`: a method
    or in-place form needs its self (the first free operand) to be a tensor."""
    self_name = _free(op)[0]
    usable = []
    for form in op.forms:
        if form.inplace != inplace:
            continue
        if form.kind in ("method", "inplace") and self_name not in tensors:
            continue
        usable.append(form)
    return usable


def _scalar_constraints(op: ops.Op, position: int, dtype: dt.DType) -> dict:
    """The op's value domain at `position` (shift counts within the bit width), as bounds."""
    domain = op.domain(position, dtype)
    return {k: v for k, v in domain.items() if k in ("min_value", "max_value") and v is not None}


def _bounded(strategy: st.SearchStrategy, bounds: dict) -> st.SearchStrategy:
    if not bounds:
        return strategy
    low, high = bounds.get("min_value", -np.inf), bounds.get("max_value", np.inf)
    return st.integers(int(low), int(high)) if np.isfinite(high) else strategy.filter(lambda v: low <= v <= high)


@st.composite
def mixed_case(draw, op: ops.Op, device: str, other, *, inplace: bool = False, tensor_dtypes=None):
    """(form, inputs, dtype): the op's operands with at least one free operand replaced by
    `other(dtype, shape, position)`'s draw, at least one left a tensor (where may replace both
    of x and y: its condition is a tensor), and a form that can take them."""
    dtype = draw(cs.dtypes(tensor_dtypes or op.dtypes, device=device), label="tensor dtype")
    shapes = draw(broadcast_shapes(op.arity, max_elements=SHAPES), label="shapes")
    layouts = cs.writable_layouts if inplace else cs.layouts
    inputs = draw(inputs_for(op, dtype, shapes, layouts), label="tensors")
    free = _free(op)
    keep_one = op.name != "where" or inplace
    replaceable = free[1:] if inplace else free  # (in place, self stays a tensor)
    most = len(free) - 1 if inplace else len(free) - keep_one
    # one operand of the other kind beside tensors in half the draws (the common call, where a
    # number's kind decides the result's dtype next to the tensor's), any subset in the others
    choices = st.sampled_from(replaceable).map(lambda name: [name]) | st.lists(
        st.sampled_from(replaceable), min_size=1, max_size=most, unique=True
    )
    replaced = draw(choices, label="operands of the other kind")
    names = [o.name for o in op.operands]
    for name in replaced:
        position = names.index(name)
        # a dtype the other operand meets: the tensor's, or none where only numbers are left (where)
        meets = dtype if len(replaced) < len(free) else None
        inputs[name] = draw(other(meets, shapes[position], position), label=name)
    forms = _usable_forms(op, set(names) - set(replaced), inplace=inplace)
    form = draw(st.sampled_from(forms), label="form")
    # the dtype whose NumPy carrier the reference computes in: the drawn tensor's, or where every
    # free operand was replaced (where's branches), the one dtype of the tensors left, if any
    left = {inputs[name].dtype for name in free if isinstance(inputs[name], ArrayInput)}
    if dtype not in left:
        dtype = next(iter(left)) if len(left) == 1 else None
    return form, inputs, dtype


# ---------------------------------------------------------------------------
# Python scalars


_CATEGORY = {"bool": 0, "int": 1, "uint": 1, "float": 2, "complex": 3}


def _scalar_kinds(dtype: dt.DType | None) -> st.SearchStrategy[str]:
    """A Python number's kind: in half the draws one of a higher category than the tensor's
    (an int beside bool, a float beside integers, ...), where promotion lifts the result's
    dtype and a bug in it shows; any kind in the others."""
    above = [k for k in PYTHON_KINDS if dtype is not None and _CATEGORY[k] > _CATEGORY[dtype.kind]]
    return st.sampled_from(above) | st.sampled_from(PYTHON_KINDS) if above else st.sampled_from(PYTHON_KINDS)


def _python_scalar(op: ops.Op):
    def other(dtype: dt.DType | None, shape, position: int):
        beyond = dtype is not None and dtype.kind in ("float", "complex")  # see the module docstring
        kinds = _scalar_kinds(dtype)
        dtype = dtype or dt.dtype("int64")
        scalar = kinds.flatmap(lambda kind: python_scalars_of_every_magnitude(dtype, kind, beyond_64_bits=beyond))
        return _bounded(scalar, _scalar_constraints(op, position, dtype))

    return other


@pytest.mark.parametrize("op", OP_CASES)
@given(data=st.data())
def test_python_scalar_operand(op, device, data):
    """A Python bool, int, float or complex number of every magnitude on either side (torch.where:
    in either branch or both); its kind crosses the tensor's category in half the draws."""
    form, inputs, dtype = data.draw(mixed_case(op, device, _python_scalar(op)))
    check_op(op, form, inputs, device, dtype=dtype)


# ---------------------------------------------------------------------------
# NumPy scalars


def _numpy_scalar(names):
    return lambda dtype, shape, position: st.sampled_from(names).flatmap(numpy_scalars)


# NumPy scalars that torch reads as the Python number they hold; np.bool_ and np.complex64 it
# misreads (test_numpy_scalar_misread), so they are drawn there, where each has its own test id.
MISREAD = ("bool", "complex64")
READ = tuple(name for name in dt.NATIVE_NUMPY if name not in MISREAD)


@pytest.mark.parametrize("op", OP_CASES)
@given(data=st.data())
def test_numpy_scalar_operand(op, device, data):
    """A NumPy scalar (np.int8(3), np.float32(1.5), ...) of any dtype but bool and complex64 on
    either side: torch reads it as the Python number it holds."""
    form, inputs, dtype = data.draw(mixed_case(op, device, _numpy_scalar(READ)))
    check_op(op, form, inputs, device, dtype=dtype)


@pytest.mark.parametrize("name", MISREAD)
@given(data=st.data())
def test_numpy_scalar_misread(name, device, data):
    """np.bool_ and np.complex64 operands, on either side of every binary op."""
    op = data.draw(st.sampled_from(MIXABLE), label="op")
    form, inputs, dtype = data.draw(mixed_case(op, device, _numpy_scalar((name,))))
    check_op(op, form, inputs, device, dtype=dtype)


# ---------------------------------------------------------------------------
# ndarrays and 0-d tensors of another dtype


def _ndarray(device: str):
    def other(dtype: dt.DType, shape, position: int):
        return cs.dtypes(dt.NATIVE_NUMPY, device=device).flatmap(lambda d: ndarrays(d, shape))

    return other


@pytest.mark.parametrize("op", OP_CASES)
@given(data=st.data())
def test_ndarray_operand(op, device, data):
    """A NumPy array (0-d included, of any dtype and layout) on either side."""
    form, inputs, dtype = data.draw(mixed_case(op, device, _ndarray(device)))
    check_op(op, form, inputs, device, dtype=dtype)


def _zero_dim(device: str):
    def other(dtype: dt.DType, shape, position: int):
        return cs.dtypes(device=device).flatmap(lambda d: cs.array_inputs(d, ()))

    return other


@pytest.mark.parametrize("op", OP_CASES)
@given(data=st.data())
def test_zero_dim_operand(op, device, data):
    """A 0-d tensor of any dtype on either side of a dimensioned one."""
    form, inputs, dtype = data.draw(mixed_case(op, device, _zero_dim(device)))
    check_op(op, form, inputs, device, dtype=dtype)


# ---------------------------------------------------------------------------
# In place


INPLACE_OPS = [op for op in MIXABLE if any(f.inplace for f in op.forms)]
OTHER_KINDS = {
    "python": lambda op, device: _python_scalar(op),
    "numpy": lambda op, device: lambda dtype, shape, position: st.sampled_from(dt.NATIVE_NUMPY).flatmap(numpy_scalars),
    "ndarray": lambda op, device: _ndarray(device),
    "zero-dim": lambda op, device: _zero_dim(device),
}


def _inplace_reference(op: ops.Op, xp, arrays, dtype: dt.DType):
    """NumPy's in-place rule (ufunc out= with casting='same_kind'): the result must have self's
    shape and a dtype that casts to self's within its kind; self keeps its dtype."""
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


@pytest.mark.parametrize("kind", list(OTHER_KINDS))
@given(data=st.data())
def test_inplace_mixed_operand(kind, device, data):
    """In place, the other operand of another kind: the form returns self, written as NumPy's
    in-place rule writes it (`x += 1000` into int8 raises in NumPy 2: see the registry)."""
    op = data.draw(st.sampled_from(INPLACE_OPS), label="op")
    form, inputs, dtype = data.draw(mixed_case(op, device, OTHER_KINDS[kind](op, device), inplace=True))
    tensors, arrays, xp = build_both(inputs, device)
    self_tensor = tensors[0]
    returned = []

    def torch_call():
        returned.append(form.call(*tensors))
        return self_tensor

    ran = check_call(
        Check.of(op, form, inputs, device=device),
        torch_call,
        lambda: _inplace_reference(op, xp, arrays, dtype),
        dtype=dtype,
    )
    if not ran.actual.raised:
        check_call(
            Check(f"{form.label} returns self", inputs, device=device),
            lambda: returned[0] is self_tensor,
            lambda: True,
        )


# ---------------------------------------------------------------------------
# Python data: ints of every magnitude, every depth, NumPy scalars inside lists


FROM_DATA = {
    "torch.tensor": lambda data, **kwargs: torch.tensor(data, **kwargs),
    "torch.as_tensor": lambda data, **kwargs: torch.as_tensor(data, **kwargs),
    "torch.asarray": lambda data, **kwargs: torch.asarray(data, **kwargs),
}


def _numeric_asarray(xp, data):
    """NumPy's array of `data`. Where NumPy can hold its ints only as Python objects (beyond 64
    bits), no numeric dtype of NumPy's holds them either: the reference is the dtype NumPy infers
    for the data's kinds, which for ints alone is none (OverflowError), and otherwise floating
    or complex values converted by NumPy."""
    array = np.asarray(data)
    if array.dtype != object:
        return xp.asarray(data)
    kinds = _kinds(data)
    if kinds <= {"bool", "int"}:
        raise OverflowError("Python int too large for any integer dtype")
    return xp.asarray(data, dtype=np.complex128 if "complex" in kinds else np.float64)


def _kinds(data) -> set[str]:
    if isinstance(data, list | tuple):
        return set().union(*(_kinds(item) for item in data)) if data else set()
    return {type(data).__name__}


@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_python_ints_of_every_magnitude(op, device, data):
    """Nested ints from small ones to past 64 bits, alone or mixed with bools, floats or complex
    numbers, without a dtype: the inferred dtype and the values."""
    mixed_with = data.draw(st.sampled_from([(), ("bool",), ("float",), ("complex",)]), label="mixed with")
    scalars = st.one_of(python_ints(dt.dtype("int64")), *(python_scalars((k,)) for k in mixed_with))
    values = data.draw(deep_data(scalars, min_dims=0, max_dims=3), label="data")
    xp = _reference_xp(device)
    check_call(
        Check(op, {"data": values}, device=device),
        lambda: FROM_DATA[op](values, device=device),
        lambda: _numeric_asarray(xp, values),
    )


KIND_MIXES = [("bool",), ("int",), ("float",), ("complex",), ("bool", "int"), ("int", "float"), PYTHON_KINDS]


@pytest.mark.parametrize("op", list(FROM_DATA))
@given(data=st.data())
def test_deep_python_data(op, device, data):
    """Lists and tuples 5 to 8 deep (test_creation.py draws up to 4), of each mix of kinds."""
    kinds = data.draw(st.sampled_from(KIND_MIXES), label="kinds")
    values = data.draw(deep_data(python_scalars(kinds), min_dims=5, max_dims=8), label="data")
    xp = _reference_xp(device)
    check_call(
        Check(op, {"data": values}, device=device),
        lambda: FROM_DATA[op](values, device=device),
        lambda: xp.asarray(values),
    )


@pytest.mark.parametrize("name", dt.NATIVE_NUMPY)
@given(data=st.data())
def test_numpy_scalars_in_python_data(name, device, data):
    """Lists mixing NumPy scalars of one dtype with Python scalars: the inferred dtype and values."""
    op = data.draw(st.sampled_from(list(FROM_DATA)), label="op")
    kinds = data.draw(st.sampled_from(KIND_MIXES), label="Python kinds")
    scalars = st.one_of(numpy_scalars(name), python_scalars(kinds))
    values = data.draw(deep_data(scalars, min_dims=1, max_dims=3), label="data")
    xp = _reference_xp(device)
    check_call(
        Check(op, {"data": values}, device=device),
        lambda: FROM_DATA[op](values, device=device),
        lambda: xp.asarray(values),
    )


def _reference_xp(device: str):
    return reference_backend(device).xp
