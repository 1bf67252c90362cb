"""Linear algebra of the catalog: forms, references, dtypes, matmul's gradient, and the error
bound the linalg suite compares floating results within.

Every op here is a sum of products: each result element sums `terms(shapes, arguments)`
products of one element of each operand (outer: one). The references are NumPy's (or CuPy's)
own functions, which the suite runs in float64 (complex128) on the operands' values and
rounds once to the dtype; integers are computed modulo 2**64 and wrapped to the dtype.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.ops import derivatives as d
from conformance.ops.types import BINARY, Form, Gradient, Op, Operand, function, method, python_operator, within
from conformance.tolerances import Tolerance


@dataclass(frozen=True)
class Contraction(Op):
    """A linear-algebra op: `terms(shapes, arguments)` is the number of products each result
    element sums (the inner dimension k of the error bound)."""

    terms: Callable[[Sequence[tuple[int, ...]], dict], int] = lambda shapes, arguments: 1


# ---------------------------------------------------------------------------
# References: fn(xp, *arrays, **arguments)


def mm(xp, x, y):
    """torch.mm's contract, in NumPy's matmul: two matrices, no batch, no vectors."""
    if x.ndim != 2 or y.ndim != 2:
        raise ValueError(f"mm takes two matrices, not {x.ndim}-d and {y.ndim}-d arrays")
    return xp.matmul(x, y)


def inner(xp, x, y):
    """np.inner, but a*b where either operand is 0-d, as both libraries document it: NumPy's own
    0-d path scales through BLAS and gives +0.0 for 0 * -0.0 once the other operand has two or
    more elements (np.inner(np.array(0.), -np.zeros(2)) is [0., 0.]; np.multiply gives -0.0)."""
    if x.ndim == 0 or y.ndim == 0:
        return xp.multiply(x, y)
    return xp.inner(x, y)


def tensordot(xp, x, y, dims=2):
    return xp.tensordot(x, y, axes=dims)


def einsum(xp, *arrays, equation):
    return xp.einsum(equation, *arrays)


def _torch_einsum(*tensors, equation):
    return torch.einsum(equation, *tensors)


# ---------------------------------------------------------------------------
# How many products each result element sums


def _last(shapes, arguments) -> int:
    return shapes[0][-1] if shapes[0] else 1


def _tensordot_terms(shapes, arguments) -> int:
    dims = arguments.get("dims", 2)
    if isinstance(dims, int):
        return math.prod(shapes[0][len(shapes[0]) - dims :]) if dims else 1
    return math.prod(shapes[0][axis] for axis in dims[0])


def einsum_sizes(equation: str, shapes) -> dict[str, int]:
    """The size of each subscript letter (the ellipsis left out)."""
    sizes: dict[str, int] = {}
    for subscripts, shape in zip(equation.split("->")[0].split(","), shapes, strict=True):
        letters = subscripts.replace("...", "")
        if "..." in subscripts:
            before = subscripts.index("...")
            letter_dims = [*range(before), *range(len(shape) - (len(letters) - before), len(shape))]
        else:
            letter_dims = list(range(len(letters)))
        for letter, dim in zip(letters, letter_dims, strict=True):
            sizes[letter] = shape[dim]
    return sizes


def _einsum_terms(shapes, arguments) -> int:
    equation = arguments["equation"]
    output = equation.split("->")[1]
    return math.prod(n for letter, n in einsum_sizes(equation, shapes).items() if letter not in output)


def einsum_call(form: Form, count: int) -> Form:
    """torch.einsum for `count` operands, spelled for a reproducer."""
    tensors = "".join(f", {{{position}}}" for position in range(count))
    return Form(form.label, form.call, form.kind, code=f"torch.einsum({{equation}}{tensors})")


def contraction(name, forms, reference, shapes, terms, **fields) -> Contraction:
    return Contraction(
        name,
        forms,
        reference,
        dt.ALL,
        fields.pop("operands", BINARY),
        family="linalg",
        shapes=shapes,
        terms=terms,
        **fields,
    )


OPS: tuple[Op, ...] = (
    contraction(
        "matmul",
        (function("matmul"), method("matmul"), python_operator("matmul")),
        "matmul",
        "matmul",
        _last,
        gradient=Gradient(vjp=d.matmul_vjp, domain=within()),
    ),
    contraction("mm", (function("mm"), method("mm")), mm, "mm", _last),
    contraction("dot", (function("dot"), method("dot")), "dot", "vectors", _last),
    contraction("vdot", (function("vdot"), method("vdot")), "vdot", "vectors", _last),
    contraction("outer", (function("outer"), method("outer")), "outer", "outer", lambda shapes, arguments: 1),
    contraction("inner", (function("inner"), method("inner")), inner, "inner", _last),
    contraction("tensordot", (function("tensordot"),), tensordot, "tensordot", _tensordot_terms),
    contraction(
        "einsum",
        (Form("torch.einsum", _torch_einsum, "function"),),
        einsum,
        "einsum",
        _einsum_terms,
        operands=(Operand("x"), Operand("y")),
    ),
)


# ---------------------------------------------------------------------------
# The error bound of a sum of products


@dataclass(frozen=True, eq=False)
class ProductBound(Tolerance):
    """|torch - reference| <= the bound, element by element (held as `atol`, `rtol` 0)."""

    terms: int = 0

    def __str__(self) -> str:
        largest = float(np.max(self.atol, initial=0.0))
        return f"the error bound of a sum of {self.terms} product(s) (largest {largest:.3g})"


def product_bound(magnitudes: np.ndarray, terms: int, dtype: dt.DType) -> ProductBound:
    """How far torch's sum of products may stray from the float64 reference rounded to `dtype`.

    A sum of k products computed in floating point with unit roundoff u errs by at most
    gamma_k * S, where S = sum |a_i| |b_i| over the element's terms and gamma_k = k u / (1 - k u)
    (Higham, Accuracy and Stability of Numerical Algorithms, 3.1); a complex product adds a
    factor sqrt(2) (Higham 3.6), taken as 2 here, real and imaginary parts summing separately.
    The bound allows, for each element:

        c * (gamma_{k + k_ref}(u_sum) + 2 u) * S  +  (k + 1) * eta

    - u_sum, the unit roundoff torch sums in: float32's for float16 and bfloat16 (torch's
      "opmath": their products are exact in float32, and their sums accumulate there), the
      dtype's own u (half its eps) otherwise;
    - k_ref = k for float64 and complex128, whose reference sums in that same precision, and
      0 below it (the float64 reference is then exact to well under one unit of the dtype);
    - 2 u: torch rounding its result to the dtype, and the reference rounded to the dtype;
    - c = 1 for real dtypes, 2 for complex ones;
    - eta, the smallest subnormal of the dtype: products that underflow lose up to half of it
      each (absolute error, which no relative bound covers).

    A kernel that accumulated float16 or bfloat16 sums in their own precision (as cuBLAS may
    where torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction is set) errs by up
    to gamma_k(u) S instead, which this bound does not allow for.

    `magnitudes` is S, the op's reference on |a| and |b| in float64. Integral results are
    exact (computed modulo 2**64 and wrapped) and need no bound.
    """
    u = dtype.eps / 2
    u_sum = dt.dtype("float32").eps / 2 if dtype.name in dt.REDUCED_FLOATS else u
    reference_terms = terms if dtype.name in ("float64", "complex128") else 0
    c = 2.0 if dtype.is_complex else 1.0
    n = terms + reference_terms
    gamma = n * u_sum / (1 - n * u_sum)
    bound = c * (gamma + 2 * u) * np.asarray(magnitudes, dtype=np.float64) + (terms + 1) * dtype.smallest_subnormal
    return ProductBound(rtol=0.0, atol=bound, terms=terms)


def wide_reference(op: Op, xp, arrays: Sequence[Any], arguments: dict, dtype: dt.DType) -> Any:
    """The op's reference on the operands' exact values: float64 (complex128) for floating
    dtypes, modulo 2**64 for integers (wrapped to the dtype after), as the arrays are for bool."""
    with np.errstate(all="ignore"):  # NaN and infinities are drawn on purpose
        if dtype.kind in ("int", "uint"):
            return op.reference(xp, *(a.astype(np.uint64) for a in arrays), **arguments).astype(dtype.numpy)
        if dtype.is_floating or dtype.is_complex:
            wide = np.complex128 if dtype.is_complex else np.float64
            return op.reference(xp, *(a.astype(wide) for a in arrays), **arguments)
        return op.reference(xp, *arrays, **arguments)
