"""The gradient oracle: vector-Jacobian products computed without torch.

For an op f and an upstream gradient v, the gradient of sum(v * f(x, y, ...)) with
respect to each operand is computed in float64 NumPy, from the catalog's closed
form where it has one (elementwise partials, summed back over broadcast dims, or a
vjp), else by central finite differences of the op's NumPy reference. torch's
autograd is compared against this, never against itself or `gradcheck`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from conformance.ops import Op, sum_to_shape

DEFAULT_STEP = 1e-6


def _float64(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def closed_form_vjp(op: Op, upstream: np.ndarray, arrays: list[np.ndarray], arguments: dict) -> tuple[np.ndarray, ...]:
    """The catalog's closed form, in float64."""
    gradient = op.gradient
    arrays = [_float64(a) for a in arrays]
    upstream = _float64(upstream)
    if gradient.vjp is not None:
        return tuple(_float64(g) for g in gradient.vjp(upstream, *arrays, **arguments))
    broadcast = np.broadcast_arrays(*arrays)
    with np.errstate(all="ignore"):
        partials = gradient.derivatives(*broadcast)
        return tuple(sum_to_shape(upstream * partial, a.shape) for partial, a in zip(partials, arrays, strict=True))


def largest_term(op: Op, upstream: np.ndarray, arrays: list[np.ndarray], position: int) -> float:
    """The largest |v * d op / d operand| over the broadcast elements, before the sum back to the
    operand's shape; 0 where the op has no elementwise closed form.

    A broadcast operand's gradient sums these terms, so its rounding error scales with
    them, not with the sum, which cancellation can make arbitrarily small."""
    gradient = op.gradient
    if gradient is None or gradient.derivatives is None or gradient.vjp is not None:
        return 0.0
    broadcast = np.broadcast_arrays(*[_float64(a) for a in arrays])
    with np.errstate(all="ignore"):
        terms = np.abs(_float64(upstream) * gradient.derivatives(*broadcast)[position])
    finite = terms[np.isfinite(terms)]
    return float(finite.max()) if finite.size else 0.0


def finite_difference_vjp(
    function: Callable[..., np.ndarray],
    upstream: np.ndarray,
    arrays: list[np.ndarray],
    step: float = DEFAULT_STEP,
) -> tuple[np.ndarray, ...]:
    """Central differences of sum(upstream * function(*arrays)), one operand element at a time."""
    arrays = [_float64(a).copy() for a in arrays]
    upstream = _float64(upstream)

    def objective() -> float:
        with np.errstate(all="ignore"):
            return float(np.sum(upstream * function(*arrays)))

    gradients = []
    for array in arrays:
        gradient = np.zeros_like(array)
        flat, out = array.reshape(-1), gradient.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            scale = max(1.0, abs(original))
            flat[i] = original + step * scale
            forward = objective()
            flat[i] = original - step * scale
            backward = objective()
            flat[i] = original
            out[i] = (forward - backward) / (2 * step * scale)
        gradients.append(gradient)
    return tuple(gradients)


def vjp(op: Op, upstream: np.ndarray, arrays: list[np.ndarray], arguments: dict) -> tuple[np.ndarray, ...]:
    """The oracle's gradient of sum(upstream * op(*arrays)) with respect to each operand."""
    gradient = op.gradient
    if gradient is not None and (gradient.vjp is not None or gradient.derivatives is not None):
        return closed_form_vjp(op, upstream, arrays, arguments)
    return finite_difference_vjp(lambda *a: np.asarray(op.reference(np, *a, **arguments)), upstream, arrays)


def second_derivative_vjp(
    op: Op, upstream: np.ndarray, second: np.ndarray, arrays: list[np.ndarray], arguments: dict
) -> np.ndarray:
    """d/dx of sum(second * gradient_x), where gradient_x is the first operand's vjp: finite
    differences of the closed-form first derivative."""
    others = [_float64(a) for a in arrays[1:]]

    def first_gradient(x: np.ndarray) -> np.ndarray:
        return closed_form_vjp(op, upstream, [x, *others], arguments)[0]

    (result,) = finite_difference_vjp(first_gradient, second, [arrays[0]])
    return result
