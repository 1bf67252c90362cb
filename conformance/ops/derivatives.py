"""Closed-form derivatives of the catalog's ops, in float64 NumPy: the gradient oracle's
formulas (each is itself checked against finite differences in the self-tests)."""

from __future__ import annotations

import numpy as np

from conformance.ops.types import Domain, Gradient


def derivative(fn, domain: Domain | None = None, *, second_order: bool = False) -> Gradient:
    """A unary op's gradient entry from its derivative in closed form."""
    return Gradient(derivatives=lambda x: (fn(x),), domain=domain, second_order=second_order)


def split_ties(first_wins: np.ndarray, tie: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """maximum/minimum's partials: 1 for the operand that wins, 1/2 each at a tie (torch's
    subgradient, from its derivatives.yaml)."""
    first = np.where(tie, 0.5, first_wins.astype(np.float64))
    return first, 1.0 - first


def sum_to_shape(gradient: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient over the dims that broadcasting added or stretched, back to `shape`."""
    extra = gradient.ndim - len(shape)
    gradient = gradient.sum(axis=tuple(range(extra))) if extra else gradient
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and gradient.shape[i] != 1)
    return gradient.sum(axis=stretched, keepdims=True) if stretched else gradient


def reduced_back(v: np.ndarray, x: np.ndarray, dim) -> np.ndarray:
    """An upstream gradient of a reduction, broadcast back over the reduced dims of x."""
    if dim is None:
        return np.broadcast_to(v, x.shape)
    return np.broadcast_to(np.expand_dims(v, dim), x.shape)


def _count(x: np.ndarray, dim) -> int:
    return x.size if dim is None else x.shape[dim]


def sum_vjp(v, x, dim=None):
    return (reduced_back(v, x, dim),)


def mean_vjp(v, x, dim=None):
    return (reduced_back(v, x, dim) / _count(x, dim),)


def amax_vjp(v, x, dim=None):
    """amax's gradient: the upstream value at the maxima, split evenly between ties (as torch documents)."""
    keep = np.amax(x, axis=dim, keepdims=True)
    hits = (x == keep).astype(np.float64)
    return (reduced_back(v, x, dim) * hits / hits.sum(axis=dim, keepdims=True),)


def var_vjp(v, x, dim=None, ddof=1):
    centred = x - x.mean(axis=dim, keepdims=True)
    return (reduced_back(v, x, dim) * 2 * centred / (_count(x, dim) - ddof),)


def std_vjp(v, x, dim=None, ddof=1):
    """std's gradient; where the std is 0 (not differentiable) torch's backward gives 0, and so does this."""
    std = np.std(x, axis=dim, ddof=ddof, keepdims=True)
    centred = x - x.mean(axis=dim, keepdims=True)
    with np.errstate(all="ignore"):
        gradient = reduced_back(v, x, dim) * centred / ((_count(x, dim) - ddof) * std)
    return (np.where(std == 0, 0.0, gradient),)


def centred_scale(v, x, dim=None, ddof=1) -> float:
    """var/std's backward forms x - mean: its rounding error is relative to |x|, not to the difference."""
    return float(np.max(np.abs(v), initial=0.0) * 2 * np.max(np.abs(x), initial=0.0) / max(_count(x, dim) - ddof, 1))


def matmul_vjp(v, a, b):
    return (sum_to_shape(v @ np.swapaxes(b, -1, -2), a.shape), sum_to_shape(np.swapaxes(a, -1, -2) @ v, b.shape))


def gather_vjp(v, x, index):
    gradient = np.zeros_like(x, dtype=np.float64)
    np.add.at(gradient, index, v)  # repeated indices add up
    return (gradient,)


def mask_vjp(v, x, mask):
    gradient = np.zeros_like(x, dtype=np.float64)
    gradient[mask] = v
    return (gradient,)


def reshape_vjp(v, x, shape):
    return (np.reshape(v, x.shape),)


def transpose_vjp(v, x, dim0, dim1):
    return (np.swapaxes(v, dim0, dim1),)
