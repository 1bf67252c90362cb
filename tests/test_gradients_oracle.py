"""The gradient oracle: closed forms agree with finite differences, and a wrong derivative is caught."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import gradients, ops
from conformance.compare import assert_all_close
from conformance.inputs import ArrayInput
from conformance.messages import Divergence
from conformance.tolerances import Tolerance
from strategies.operands import operands

FLOAT64 = dt.dtype("float64")


def _agree(op, inputs, arguments, upstream):
    arrays = [inp.values for inp in inputs.values()]
    closed = gradients.closed_form_vjp(op, upstream, arrays, arguments)
    differences = gradients.finite_difference_vjp(
        lambda *a: np.asarray(op.reference(np, *a, **arguments)), upstream, arrays
    )
    for c, d in zip(closed, differences, strict=True):
        largest = float(np.max(np.abs(c), initial=1.0))
        assert_all_close(d, c, Tolerance(1e-5, 1e-5 * largest), f"{op.name}: finite differences vs closed form")


@pytest.mark.parametrize(
    "op", [op for op in ops.DIFFERENTIABLE if op.name not in ("maximum", "minimum", "amax")], ids=str
)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_closed_forms_agree_with_finite_differences(op, data):
    """Every closed form of the catalog, checked against central differences of its own reference."""
    inputs, arguments = data.draw(operands(op, FLOAT64, for_gradient=True, max_elements=16), label="operands")
    shape = np.shape(np.asarray(op.reference(np, *[i.values for i in inputs.values()], **arguments)))
    upstream = data.draw(cs.arrays(FLOAT64, shape, well_conditioned=True, min_value=-1, max_value=1), label="upstream")
    _agree(op, inputs, arguments, np.asarray(upstream))


def test_a_wrong_derivative_is_caught():
    """A catalog entry with its derivative off by a factor disagrees with finite differences."""
    wrong = replace(ops.op("exp"), gradient=ops.Gradient(lambda x: (2 * np.exp(x),)))
    x = np.array([0.5, 1.0, -2.0])
    with pytest.raises(Divergence, match="finite differences"):
        _agree(wrong, {"x": ArrayInput(x, FLOAT64)}, {}, np.ones(3))


def test_finite_differences_of_a_known_function():
    (gradient,) = gradients.finite_difference_vjp(lambda x: x**3, np.array([1.0, 2.0]), [np.array([2.0, -1.0])])
    np.testing.assert_allclose(gradient, [12.0, 6.0], rtol=1e-7)


def test_broadcast_gradients_are_summed_back():
    add = ops.op("add")
    upstream = np.ones((2, 3))
    gx, gy = gradients.vjp(add, upstream, [np.zeros((1, 3)), np.zeros((2, 1))], {})
    np.testing.assert_array_equal(gx, np.full((1, 3), 2.0))
    np.testing.assert_array_equal(gy, np.full((2, 1), 3.0))


def test_repeated_indices_add_up():
    index = ops.op("index")
    (g,) = gradients.vjp(index, np.array([1.0, 2.0, 4.0]), [np.zeros(3)], {"index": np.array([0, 0, 2])})
    np.testing.assert_array_equal(g, [3.0, 0.0, 4.0])


def test_largest_term_is_taken_before_the_broadcast_sum():
    """The terms a broadcast operand's gradient sums can cancel: the scale of their rounding
    error is the largest term, which the summed gradient alone does not show."""
    pow_op = ops.op("pow")
    x, y, upstream = np.array([3.0, 2.9375]), np.array(3.0), np.array([1.0, -1.0])
    summed = gradients.closed_form_vjp(pow_op, upstream, [x, y], {})[1]
    terms = upstream * x**y * np.log(x)
    assert gradients.largest_term(pow_op, upstream, [x, y], 1) == pytest.approx(np.abs(terms).max())
    assert gradients.largest_term(pow_op, upstream, [x, y], 1) > 5 * abs(float(summed))
    # an operand that is not broadcast sums nothing: its largest term is its largest gradient element
    own = gradients.closed_form_vjp(pow_op, upstream, [x, y], {})[0]
    assert gradients.largest_term(pow_op, upstream, [x, y], 0) == pytest.approx(np.abs(own).max())


def test_largest_term_without_an_elementwise_closed_form_is_zero():
    assert gradients.largest_term(ops.op("sum"), np.ones(()), [np.ones(3)], 0) == 0.0
