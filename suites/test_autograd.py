"""Autograd: gradients against an independent oracle, accumulation, zeroing, grad modes.

Gradients of every differentiable op of the catalog are compared with
`conformance.gradients`: closed forms and central finite differences of the NumPy
reference, in float64 on the host, on every device under test. Complex gradients
are out of scope (see the README).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import gradients, ops
from conformance.backends import tensor_to_numpy, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.oracle import assert_conforms
from conformance.outcomes import ExpectedError, Outcome, capture
from conformance.tolerances import Tolerance, tolerance_for
from strategies.operands import operands

GRAD_DTYPES = ("float32", "float64", "float16", "bfloat16")

CASES = [
    pytest.param(op, dt.dtype(name), id=f"{op.name}-{name}")
    for op in ops.DIFFERENTIABLE
    for name in GRAD_DTYPES
    if name in op.dtypes
]


def _leaves(inputs: dict[str, ArrayInput], device: str) -> dict[str, torch.Tensor]:
    """The operands as tensors that require grad (the `where` condition excepted), in their layouts."""
    tensors = {}
    for name, inp in inputs.items():
        tensor = torch_backend(device).build(inp)
        tensors[name] = tensor.requires_grad_() if inp.dtype.is_floating else tensor
    return tensors


def _upstream(data, shape: tuple[int, ...], dtype: dt.DType) -> ArrayInput:
    """A random upstream gradient of well-conditioned values of `dtype`."""
    # |v| <= 1: the gradient is linear in v, and float16 gradients (exp(10) = 22026) then stay finite
    values = cs.arrays(dtype, shape, well_conditioned=True, min_value=-1, max_value=1)
    return ArrayInput(data.draw(values, label="upstream gradient"), dtype)


def _expected(op: ops.Op, upstream: np.ndarray, inputs: dict[str, ArrayInput], arguments: dict, dtype: dt.DType):
    arrays = [inp.values for inp in inputs.values()]
    return [as_dtype(g, dtype) for g in gradients.vjp(op, upstream, arrays, arguments)]


@pytest.mark.parametrize("op, dtype", CASES)
@given(data=st.data())
def test_gradient(op, dtype, device, data):
    """The gradient of sum(v * op(...)) for a random upstream v, via backward or via autograd.grad
    (drawn: one test covers both, a bug in either fails it), against the closed form (or finite
    differences) computed in float64 by NumPy; broadcast operands' gradients are summed over the
    broadcast dims."""
    inputs, arguments = data.draw(operands(op, dtype, for_gradient=True, max_elements=256), label="operands")
    form = data.draw(st.sampled_from([f for f in op.forms if not f.inplace]), label="form")
    method = data.draw(st.sampled_from(["backward", "autograd.grad"]), label="method")
    leaves = _leaves(inputs, device)
    output = form.call(*leaves.values(), **arguments)
    upstream = _upstream(data, tuple(output.shape), dtype)
    upstream_tensor = torch_backend(device).build(upstream)
    expected = _expected(op, upstream.values, inputs, arguments, dtype)
    if method == "backward":
        output.backward(upstream_tensor)
        actual = [t.grad for t in leaves.values()]
    else:
        actual = list(
            torch.autograd.grad(output, list(leaves.values()), grad_outputs=upstream_tensor, allow_unused=True)
        )
    for position, (name, got, want) in enumerate(zip(leaves, actual, expected, strict=True)):
        assert_conforms(
            capture(lambda got=got: got),
            want,
            Check(
                f"d {form.label} / d {name}",
                {**inputs, **arguments},
                device=device,
                op=op,
                form=form,
                gradient_of=name,
                upstream=upstream,
            ),
            Options(
                tolerance=gradient_tolerance(op, want, dtype, upstream, inputs, arguments, position),
                signed_zeros=False,  # the sign of a zero gradient follows the backward formula, not the maths
            ),
        )


# float16/bfloat16 backward passes run in the dtype and re-use rounded forward results
# (tanh's and sigmoid's gradients are computed from their outputs), so each of a few
# intermediates costs an ulp: measured up to 8 ulps of the upstream gradient on the CPU
# (expm1, float16) when taken of the gradient alone; taken of max(|gradient|, |upstream|),
# 4 times torch.testing's tolerance covers them.
REDUCED_PRECISION_SCALE = 4.0


def gradient_tolerance(op, expected, dtype: dt.DType, upstream, inputs, arguments, position: int = 0) -> Tolerance:
    """The dtype's tolerance, with the relative part also taken of the largest term the
    gradient of the operand at `position` sums (or of the op's own scale of the terms its
    backward combines, where the catalog gives one).

    A backward pass sums products (over broadcast dims, a matmul's inner dim, a
    reduction), so an element's rounding error scales with the magnitude of the terms
    summed, not with its own value, which cancellation can make arbitrarily small."""
    base = tolerance_for(dtype.name).scaled(REDUCED_PRECISION_SCALE if dtype.name in dt.REDUCED_FLOATS else 1.0)
    values = np.asarray(expected.values if hasattr(expected, "values") else expected, dtype=np.float64)
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 0.0
    arrays = [np.asarray(inp.values, dtype=np.float64) for inp in inputs.values()]
    upstream_values = np.asarray(upstream.values, np.float64)
    largest = max(largest, gradients.largest_term(op, upstream_values, arrays, position))
    if dtype.name in dt.REDUCED_FLOATS:  # the backward re-uses forward results rounded to the dtype
        largest = max(largest, float(np.max(np.abs(upstream_values), initial=0.0)))
    if op.gradient.scale is not None:
        largest = max(largest, op.gradient.scale(upstream_values, *arrays, **arguments))
    return Tolerance(base.rtol, base.atol + base.rtol * largest)


SECOND_ORDER = [op for op in ops.DIFFERENTIABLE if op.gradient.second_order]


@pytest.mark.parametrize("dtype", [dt.dtype("float64"), dt.dtype("float32")], ids=str)
@pytest.mark.parametrize("op", SECOND_ORDER, ids=str)
@given(data=st.data())
def test_second_derivative(op, dtype, device, data):
    """create_graph=True, then the gradient of <w, dL/dx>, against finite differences of the
    closed-form first derivative."""
    inputs, arguments = data.draw(operands(op, dtype, for_gradient=True, max_elements=32), label="operands")
    leaves = _leaves(inputs, device)
    first = next(iter(leaves.values()))
    output = op.function_form.call(*leaves.values(), **arguments)
    upstream = _upstream(data, tuple(output.shape), dtype)
    second = _upstream(data, tuple(first.shape), dtype)
    (gradient,) = torch.autograd.grad(output, first, torch_backend(device).build(upstream), create_graph=True)
    (actual,) = torch.autograd.grad(gradient, first, torch_backend(device).build(second), allow_unused=True)
    if actual is None:  # the first derivative does not depend on x (mul): the second is zero
        actual = torch.zeros_like(first)
    arrays = [inp.values for inp in inputs.values()]
    expected = gradients.second_derivative_vjp(op, upstream.values, second.values, arrays, arguments)
    assert_conforms(
        capture(lambda: actual),
        as_dtype(expected, dtype),
        Check(
            f"d2 {op.function_form.label} / dx2",
            {**inputs, "second": second},
            device=device,
            op=op,
            gradient_of="x",
            upstream=upstream,
        ),
        # finite differences of the first derivative carry ~1e-9 relative error, which float64
        # would notice: 1e-6 of the largest element there; float32's own rounding dominates
        Options(tolerance=_second_order_tolerance(expected, dtype, upstream.values, second.values), signed_zeros=False),
    )


def _second_order_tolerance(expected: np.ndarray, dtype: dt.DType, upstream, second) -> Tolerance:
    """The relative part is taken of max(|d2|, |v| |w|): the double backward multiplies v and w by
    derivative terms computed from rounded forward results (tanh's from 1 - tanh(x)^2, which
    cancels where tanh saturates), so its error follows |v| |w|, not the possibly small result."""
    largest = float(np.max(np.abs(expected[np.isfinite(expected)]), initial=0.0))
    largest = max(largest, float(np.max(np.abs(upstream), initial=0.0) * np.max(np.abs(second), initial=0.0)))
    base = Tolerance(1e-6, 1e-6) if dtype.name == "float64" else tolerance_for(dtype.name)
    return Tolerance(base.rtol, base.atol + base.rtol * largest)


BINARY_GRADIENT_OPS = [op for op in ops.DIFFERENTIABLE if op.elementwise and op.arity == 2]


@pytest.mark.parametrize("op", BINARY_GRADIENT_OPS, ids=str)
@given(data=st.data())
def test_input_used_twice(op, device, data):
    """op(x, x): the gradients from both uses add up in x.grad."""
    dtype = dt.dtype("float64")
    shape = data.draw(cs.shapes(max_dims=3, max_elements=64), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, **op.gradient.domain(0, dtype)), label="x")
    x = torch_backend(device).build(inp).requires_grad_()
    output = op.function_form.call(x, x)
    upstream = _upstream(data, tuple(output.shape), dtype)
    output.backward(torch_backend(device).build(upstream))
    partials = gradients.vjp(op, upstream.values, [inp.values, inp.values], {})
    assert_conforms(
        capture(lambda: x.grad),
        partials[0] + partials[1],
        Check(f"d {op.name}(x, x) / dx", {"x": inp}, device=device),
        Options(signed_zeros=False),
    )


@pytest.mark.parametrize("dtype", [d for d in dt.ALL_DTYPES if d.is_integral], ids=str)
def test_integer_tensors_cannot_require_grad(dtype, device):
    """Only floating and complex tensors can require gradients (documented error)."""
    tensor = torch.zeros(2, dtype=dtype.torch, device=device)
    assert_conforms(
        capture(tensor.requires_grad_),
        Outcome(error=ExpectedError(RuntimeError, "only Tensors of floating point")),
        Check("Tensor.requires_grad_", {"dtype": dtype}, device=device),
    )


# ---------------------------------------------------------------------------
# Accumulation and zeroing


def _grad(tensor: torch.Tensor) -> np.ndarray | None:
    return None if tensor.grad is None else tensor_to_numpy(tensor.grad)


@pytest.mark.parametrize("graphs", ["fresh graphs", "retain_graph"])
@given(data=st.data(), calls=st.integers(1, 4))
def test_backward_accumulates(graphs, calls, device, data):
    """k backward calls leave the sum of the k gradients in .grad; autograd.grad leaves .grad alone."""
    dtype = dt.dtype(data.draw(st.sampled_from(["float32", "float64"]), label="dtype"))
    shape = data.draw(cs.shapes(max_dims=3, max_elements=64), label="shape")
    inp = data.draw(cs.array_inputs(dtype, shape, well_conditioned=True), label="x")
    x = torch_backend(device).build(inp).requires_grad_()
    weights = [data.draw(cs.arrays(dtype, shape, well_conditioned=True), label=f"weight {i}") for i in range(calls)]
    output = (x * x).sum() if graphs == "retain_graph" else None
    for weight in weights:
        w = torch_backend(device).build(ArrayInput(weight, dtype))
        if graphs == "retain_graph":
            (output * 0 + (x * w).sum()).backward(retain_graph=True)
        else:
            (x * w).sum().backward()
    torch.autograd.grad((x * x).sum(), x)  # must not touch x.grad
    expected = sum(np.asarray(w, np.float64) for w in weights)
    assert_conforms(
        capture(lambda: x.grad),
        as_dtype(expected, dtype),
        Check("Tensor.grad after backward", {"x": inp}, device=device),
        Options(signed_zeros=False),
    )


ZEROING = {
    "grad.zero_()": lambda params, model, optimizer: [p.grad.zero_() for p in params],
    "grad = None": lambda params, model, optimizer: [setattr(p, "grad", None) for p in params],
    "Module.zero_grad(set_to_none=True)": lambda params, model, optimizer: model.zero_grad(set_to_none=True),
    "Module.zero_grad(set_to_none=False)": lambda params, model, optimizer: model.zero_grad(set_to_none=False),
    "Optimizer.zero_grad(set_to_none=True)": lambda params, model, optimizer: optimizer.zero_grad(set_to_none=True),
    "Optimizer.zero_grad(set_to_none=False)": lambda params, model, optimizer: optimizer.zero_grad(set_to_none=False),
}


@pytest.mark.parametrize("zeroing", list(ZEROING))
@given(data=st.data())
def test_zeroing(zeroing, device, data):
    """After zeroing, .grad is None or zeros as documented, and the next backward sees one gradient."""
    model = torch.nn.Linear(3, 2, dtype=torch.float64).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    params = list(model.parameters())
    inputs = np.asarray(data.draw(cs.arrays(dt.dtype("float64"), (4, 3), well_conditioned=True), label="inputs"))
    x = torch_backend(device).build(ArrayInput(inputs, dt.dtype("float64")))
    model(x).sum().backward()
    ZEROING[zeroing](params, model, optimizer)
    to_none = zeroing == "grad = None" or zeroing.endswith("(set_to_none=True)")
    after = [_grad(p) for p in params]
    expected_after = [None if to_none else np.zeros(tuple(p.shape)) for p in params]
    assert_conforms(
        capture(lambda: after), expected_after, Check(f"{zeroing}: .grad", device=device), Options(check_device=False)
    )
    model(x).sum().backward()
    # d/dW sum(x W^T + b) = column sums of x, once per output; d/db = number of rows
    expected = [np.tile(inputs.sum(axis=0), (2, 1)), np.full(2, float(inputs.shape[0]))]
    assert_conforms(
        capture(lambda: [_grad(p) for p in params]),
        expected,
        Check(f"{zeroing}: next backward", device=device),
        Options(check_device=False),
    )


def test_backward_through_a_freed_graph(device):
    """A second backward through a freed graph raises; retain_graph=True allows it."""
    x = torch.ones(3, dtype=torch.float64, device=device, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    assert_conforms(
        capture(y.backward),
        Outcome(error=ExpectedError(RuntimeError, "backward through the graph a second time")),
        Check("Tensor.backward (freed graph)", device=device),
    )
    z = (x.exp() * x).sum()
    z.backward(retain_graph=True)
    z.backward()
    assert_conforms(
        capture(lambda: x.grad), 3 * 2 * np.e * np.ones(3), Check("x.grad after retained backward", device=device)
    )


def test_grad_of_a_non_leaf(device):
    """.grad of a non-leaf is None, with the documented warning, unless retain_grad() was called."""
    x = torch.ones(3, dtype=torch.float64, device=device, requires_grad=True)
    y = x * 2
    y.sum().backward()
    outcome = capture(lambda: y.grad)
    assert_conforms(
        capture(lambda: (outcome.value, any("is not a leaf Tensor" in w for w in outcome.warnings))),
        (None, True),
        Check("non-leaf .grad", device=device),
    )
    z = x * 2
    z.retain_grad()
    z.sum().backward()
    assert_conforms(capture(lambda: z.grad), np.ones(3), Check("retained non-leaf .grad", device=device))


# ---------------------------------------------------------------------------
# Grad modes


def _tracks(device: str) -> dict:
    x = torch.ones(2, device=device, requires_grad=True)
    y = x * 2
    return {"requires_grad": y.requires_grad, "has grad_fn": y.grad_fn is not None}


TRACKING = {"requires_grad": True, "has grad_fn": True}
NOT_TRACKING = {"requires_grad": False, "has grad_fn": False}


def _under(context_factory, device):
    with context_factory():
        return _tracks(device)


MODES = {
    "no_grad": (lambda: torch.no_grad(), NOT_TRACKING),
    "enable_grad": (lambda: torch.enable_grad(), TRACKING),
    "set_grad_enabled(False)": (lambda: torch.set_grad_enabled(False), NOT_TRACKING),
    "set_grad_enabled(True)": (lambda: torch.set_grad_enabled(True), TRACKING),
    "inference_mode": (lambda: torch.inference_mode(), NOT_TRACKING),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_grad_mode_context_managers(mode, device):
    """Inside each mode, results do (not) require grad or carry a grad_fn; leaving restores the mode."""
    factory, expected = MODES[mode]
    assert_conforms(capture(_under, factory, device), expected, Check(f"torch.{mode}", device=device))
    assert_conforms(capture(_tracks, device), TRACKING, Check(f"after torch.{mode}", device=device))


def test_grad_modes_nest(device):
    """enable_grad inside no_grad re-enables; each exit restores the enclosing mode."""
    with torch.no_grad():
        inner_enabled = _under(torch.enable_grad, device)
        inner_disabled = _tracks(device)
        with torch.set_grad_enabled(True):
            with torch.no_grad():
                deepest = _tracks(device)
            middle = _tracks(device)
    assert_conforms(
        capture(lambda: [inner_enabled, inner_disabled, deepest, middle, _tracks(device)]),
        [TRACKING, NOT_TRACKING, NOT_TRACKING, TRACKING, TRACKING],
        Check("nested grad modes", device=device),
    )


def test_grad_modes_as_functions_and_decorators(device):
    """set_grad_enabled as a function, no_grad and enable_grad as decorators."""

    @torch.no_grad()
    def without():
        return _tracks(device)

    @torch.enable_grad()
    def within():
        return _tracks(device)

    previous = torch.is_grad_enabled()
    try:
        torch.set_grad_enabled(False)
        as_function = _tracks(device)
        with_decorator = within()
    finally:
        torch.set_grad_enabled(previous)
    assert_conforms(
        capture(lambda: [without(), as_function, with_decorator, _tracks(device)]),
        [NOT_TRACKING, NOT_TRACKING, TRACKING, TRACKING],
        Check("grad mode functions and decorators", device=device),
    )


def test_grad_mode_is_thread_local(device):
    """A worker thread does not inherit no_grad from the thread that started it."""
    seen = {}
    with torch.no_grad():
        worker = threading.Thread(target=lambda: seen.update(_tracks(device)))
        worker.start()
        worker.join()
        here = _tracks(device)
    assert_conforms(
        capture(lambda: [seen, here]), [TRACKING, NOT_TRACKING], Check("thread-local grad mode", device=device)
    )


def test_inference_tensors_cannot_join_autograd(device):
    """A tensor made under inference_mode cannot be saved for backward later (documented error)."""
    with torch.inference_mode():
        made = torch.ones(3, device=device)
    x = torch.ones(3, device=device, requires_grad=True)
    assert_conforms(
        capture(lambda: (x * made).sum().backward() or (made * x).exp_()),
        Outcome(error=ExpectedError(RuntimeError, "Inference tensors")),
        Check("inference tensor in autograd", device=device),
    )


def test_in_place_update_of_a_leaf(device):
    """In place on a leaf that requires grad raises outside no_grad and works inside it (manual SGD)."""
    w = torch.ones(3, dtype=torch.float64, device=device, requires_grad=True)
    assert_conforms(
        capture(lambda: w.sub_(1.0)),
        Outcome(error=ExpectedError(RuntimeError, "leaf Variable that requires grad")),
        Check("leaf.sub_ outside no_grad", device=device),
    )
    (w * 3).sum().backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
    assert_conforms(
        capture(lambda: (w.detach(), w.requires_grad, w.is_leaf)),
        (np.full(3, -0.5), True, True),
        Check("manual SGD step", device=device),
    )


def test_detach_shares_memory_and_leaves_the_graph(device):
    x = torch.arange(4.0, device=device, requires_grad=True)
    y = x * 2
    d = y.detach()
    d[0] = 42.0
    assert_conforms(
        capture(
            lambda: {
                "shares": d.data_ptr() == y.data_ptr(),
                "requires_grad": d.requires_grad,
                "grad_fn": d.grad_fn is None,
                "seen": float(y[0]),
            }
        ),
        {"shares": True, "requires_grad": False, "grad_fn": True, "seen": 42.0},
        Check("Tensor.detach", device=device),
    )


@given(flags=st.lists(st.booleans(), min_size=2, max_size=4))
def test_requires_grad_propagates(flags, device):
    """An op's result requires grad exactly when one of its inputs does; requires_grad_(False) leaves the graph."""
    tensors = [torch.ones(2, device=device, requires_grad=flag) for flag in flags]
    result = tensors[0]
    for t in tensors[1:]:
        result = result * t
    dropped = torch.ones(2, device=device, requires_grad=True).requires_grad_(False)
    assert_conforms(
        capture(lambda: [result.requires_grad, (dropped * 2).requires_grad, (dropped * 2).grad_fn is None]),
        [any(flags), False, True],
        Check("requires_grad propagation", device=device),
    )


# ---------------------------------------------------------------------------
# End to end: the tutorial's manual linear regression


@pytest.mark.parametrize("optimizer", ["manual", "torch.optim.SGD"])
@given(
    slope=st.floats(-3, 3),
    intercept=st.floats(-3, 3),
    noise=st.floats(0, 0.5),
    rate=st.floats(0.2, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_linear_regression_converges(optimizer, slope, intercept, noise, rate, seed, device):
    """y = slope x + intercept + noise, fitted by gradient descent (parameters updated under no_grad,
    gradients zeroed every step) converges to numpy.linalg.lstsq's solution within 1e-4."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, 64)
    y = slope * x + intercept + noise * rng.standard_normal(64)
    solution, *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    xs, ys = (torch.tensor(v, dtype=torch.float64, device=device) for v in (x, y))
    w = torch.zeros((), dtype=torch.float64, device=device, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, device=device, requires_grad=True)
    sgd = torch.optim.SGD([w, b], lr=rate) if optimizer != "manual" else None
    # the loss's Hessian has eigenvalues 2 mean(x^2) ~ 0.69 and 2: rates in [0.2, 0.9] are stable
    # and contract the error by at least 0.86 a step, so 600 steps reach the solution to 1e-30
    for _ in range(600):
        loss = ((w * xs + b - ys) ** 2).mean()
        loss.backward()
        if sgd is None:
            with torch.no_grad():
                w -= rate * w.grad
                b -= rate * b.grad
            w.grad.zero_()
            b.grad.zero_()
        else:
            sgd.step()
            sgd.zero_grad()
    assert_conforms(
        capture(lambda: np.array([w.item(), b.item()])),
        solution,
        Check(
            f"linear regression ({optimizer})",
            {"slope": slope, "intercept": intercept, "noise": noise, "rate": rate},
            device=device,
        ),
        # a parameter whose solution is zero ends as either zero, by the order of its updates
        # (slope -1.1e-308, intercept 0, no noise: torch +0.0, lstsq -0.0); the sign means nothing here
        Options(tolerance=Tolerance(0, 1e-4), signed_zeros=False),
    )
