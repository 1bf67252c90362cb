"""Linear algebra: matmul (and `@`), mm, dot, vdot, outer, inner, tensordot, einsum.

Every form of every op of `conformance/ops/linalg.py` runs on operands drawn in every layout,
with matmul's batch broadcasting and 1-d operands on either side, inner dimensions across the
SIMD tails and torch's parallel grain, against NumPy's (or CuPy's) function computed on the
exact values in float64 (complex128) and rounded once to the dtype. Floating results must lie
within the error bound of a sum of k products (`conformance.ops.linalg.product_bound`, which
states it); integer results are exact, wrapping around as C's unsigned arithmetic does. Then
every ordered pair of dtypes, NaN and infinities, and out= in every writable layout.
"""

from __future__ import annotations

import math
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
from conformance.normal import as_dtype, is_cupy_array
from conformance.ops import Form, Op
from conformance.ops import linalg as catalog
from conformance.runner import Ran, build_both, check_call
from strategies.linalg_operands import linalg_calls

CASES = [pytest.param(op, form, id=form.label) for op in catalog.OPS for form in op.forms]
WITH_OUT = [pytest.param(op, id=str(op)) for op in catalog.OPS if op.name != "einsum"]
FLOATS = [dt.dtype(name) for name in dt.FLOATS]


def _host(value: Any) -> Any:
    return value.get() if is_cupy_array(value) else value


def _spelled(op: Op, form: Form, inputs: dict) -> Form:
    return catalog.einsum_call(form, len(inputs)) if op.name == "einsum" else form


def _options(op: Op, xp, arrays, arguments: dict, dtype: dt.DType) -> Options:
    """The product bound for floating and complex results (see `product_bound`); exact otherwise.
    Operands that do not fit have no bound to state: both sides must raise."""
    if not (dtype.is_floating or dtype.is_complex):
        return DEFAULTS
    try:
        with np.errstate(all="ignore"):  # inf * 0 where infinities are drawn: no bound there anyway
            magnitudes = op.reference(xp, *(xp.abs(a).astype(np.float64) for a in arrays), **arguments)
        terms = op.terms([tuple(a.shape) for a in arrays], arguments)
    except (ValueError, IndexError, KeyError, TypeError, RuntimeError):
        return DEFAULTS
    return Options(tolerance=catalog.product_bound(_host(magnitudes), terms, dtype))


def run_product(
    op: Op, form: Form, inputs: dict[str, ArrayInput], arguments: dict, device: str, dtype: dt.DType, *, out=None
) -> Ran:
    """`form` against the op's reference on the exact values, rounded once to `dtype`; with
    `out` (an ArrayInput), torch writes into it and must return it."""
    __tracebackhide__ = True
    spelled = _spelled(op, form, inputs)
    everything = {**inputs, "out": out} if out is not None else inputs
    built = build_both(everything, device)
    arrays = built.arrays[: len(inputs)]

    def torch_call():
        if out is None:
            return spelled.call(*built.tensors, **arguments)
        target = built.tensors[-1]
        result = spelled.call(*built.tensors[:-1], out=target, **arguments)
        assert result is target, f"{form.label}(out=) returned a new tensor, not out"
        return target

    def reference():
        result = _host(catalog.wide_reference(op, built.xp, arrays, arguments, dtype))
        return as_dtype(result, dtype) if dtype.is_floating or dtype.is_complex else result

    if out is not None:
        code = (spelled.code or f"{form.label}(" + ", ".join(f"{{{n}}}" for n in inputs) + ")").rstrip(")")
        spelled = Form(spelled.label, spelled.call, spelled.kind, code=code + ", out={out})")
    return check_call(
        Check.of(op, spelled, everything, device=device, arguments=arguments),
        torch_call,
        reference,
        options=_options(op, built.xp, arrays, arguments, dtype),
    )


@pytest.mark.parametrize("op, form", CASES)
@given(data=st.data())
def test_product(op, form, device, data):
    """Shape, dtype, errors and values (within the product bound, exact for integers) against
    NumPy's function on the exact values, every dtype, every layout, every size tier."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    inputs, arguments = data.draw(linalg_calls(op, dtype), label="call")
    run_product(op, form, inputs, arguments, device, dtype)


@pytest.mark.parametrize("op", [pytest.param(op, id=str(op)) for op in catalog.OPS])
@given(data=st.data())
def test_special_values(op, device, data):
    """NaN and infinities among finite values: NaN where a term is NaN, inf * 0, or inf - inf,
    an infinity of the right sign elsewhere a term is infinite (no finite sum can overflow)."""
    dtype = data.draw(cs.dtypes(dt.FLOATS, device=device), label="dtype")
    inputs, arguments = data.draw(linalg_calls(op, dtype, specials=True), label="call")
    run_product(op, op.function_form, inputs, arguments, device, dtype)


# ---------------------------------------------------------------------------
# Every dtype pair

_PAIR_CALLS = {
    "matmul": ([(2, 3), (3, 2)], {}),
    "mm": ([(2, 3), (3, 2)], {}),
    "dot": ([(3,), (3,)], {}),
    "vdot": ([(3,), (3,)], {}),
    "outer": ([(2,), (3,)], {}),
    "inner": ([(2, 3), (2, 3)], {}),
    "tensordot": ([(2, 3), (3, 2)], {"dims": 1}),
    "einsum": ([(2, 3), (3, 2)], {"equation": "ij,jk->ik"}),
}


def _pair_values(dtype: dt.DType, shape: tuple[int, ...], *, same: bool) -> np.ndarray:
    """Small values exact in every dtype (0, 1, 2) for a pair of dtypes; for a dtype paired with
    itself, values that need its whole width, so that a product computed in another dtype
    differs: an integer dtype's 0, 1 and extremes in turn (its products and sums wrap, and
    integer arithmetic wraps alike in any order, so torch and NumPy agree bit for bit there too;
    a product computed through float64 does not), a floating dtype's 0, 1 and 2 times a value
    with its first, middle and last significand bits set (a product computed in a narrower
    dtype, bfloat16 or TF32 for float32, float32 for float64, loses the last ones beyond the
    product bound), the imaginary part too for a complex dtype."""
    count = int(np.prod(shape))
    small = (np.arange(count) % (2 if dtype.kind == "bool" else 3)).reshape(shape)
    if same and dtype.kind in ("int", "uint"):
        edges = cs.integer_specials(dtype)
        return np.array([edges[i % len(edges)] for i in range(count)], dtype=dtype.numpy).reshape(shape)
    if same and dtype.kind in ("float", "complex"):
        bits = round(-math.log2(dtype.eps))
        wide = 1 + 2.0**-1 + 2.0 ** -(bits // 2) + 2.0**-bits
        values = small * wide
        if dtype.is_complex:
            values = values + 1j * wide * (np.arange(count) % 2).reshape(shape)
        return dtype.carry(values)
    return dtype.carry(small)


@pytest.mark.parametrize("op", [pytest.param(op, id=str(op)) for op in catalog.OPS])
def test_every_dtype_pair(op, device):
    """Every ordered pair of dtypes, on small values exact in all of them (0, 1, 2), and an
    integer dtype with itself on its extremes too (`_pair_values`): NumPy promotes; torch's
    products refuse to mix dtypes (outer promotes by torch's rules)."""
    shapes, arguments = _PAIR_CALLS[op.name]
    for first in cs.supported_dtypes(device=device):
        for second in cs.supported_dtypes(device=device):
            inputs = {}
            for operand, dtype, shape in zip(op.operands, (first, second), shapes, strict=True):
                values = _pair_values(dtype, shape, same=first == second)
                inputs[operand.name] = ArrayInput(values, dtype)
            spelled = _spelled(op, op.function_form, inputs)
            built = build_both(inputs, device)
            check_call(
                Check.of(op, spelled, inputs, device=device, arguments=arguments),
                lambda spelled=spelled, built=built: spelled.call(*built.tensors, **arguments),
                lambda built=built: op.reference(built.xp, *built.arrays, **arguments),
                dtype=first if first == second else None,
            )


# ---------------------------------------------------------------------------
# out=


@st.composite
def _out_calls(draw, op: Op, device: str):
    dtype = draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    inputs, arguments = draw(linalg_calls(op, dtype), label="call")
    try:
        shape = np.shape(catalog.wide_reference(op, np, [i.values for i in inputs.values()], arguments, dtype))
    except Exception:  # the call raises: out= has no shape to take
        assume(False)
    out = draw(cs.array_inputs(dtype, shape, layouts=cs.writable_layouts(shape)), label="out")
    return dtype, inputs, arguments, out


@pytest.mark.parametrize("op", WITH_OUT)
@given(data=st.data())
def test_out(op, device, data):
    """out= of the result's shape and dtype in every writable layout (permuted, stepped, offset):
    the values land in out, and out is what is returned."""
    dtype, inputs, arguments, out = data.draw(_out_calls(op, device))
    run_product(op, op.function_form, inputs, arguments, device, dtype, out=out)
