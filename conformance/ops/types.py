"""The types of the op catalog: how torch spells an op (`Form`), what it takes (`Operand`),
how its values are drawn (`Domain`), its gradient (`Gradient`) and the entry itself (`Op`).

Every torch callable is looked up when it is called, so that a self-test can plant a
bug in `torch.add` or `Tensor.__sub__` and see the suite catch it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt


@dataclass(frozen=True)
class Form:
    """One way torch spells an op: `torch.add`, `Tensor.add`, `operator.add`, `Tensor.add_`."""

    label: str
    call: Callable[..., Any]
    kind: str  # "function", "method", "operator", "inplace"
    # how a reproducer spells the call, where the label does not say it: a format string over
    # the operands (by position, or by name) and the arguments, e.g. "{x}[torch.as_tensor({index})]"
    code: str | None = None

    @property
    def inplace(self) -> bool:
        return self.kind == "inplace"

    def __str__(self) -> str:
        return self.label

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a form
        printer.text(self.label)


def function(name: str) -> Form:
    """`torch.name`, looked up at each call."""
    return Form(f"torch.{name}", lambda *args, **kw: getattr(torch, name)(*args, **kw), "function")


def method(name: str, *, kind: str = "method") -> Form:
    """`Tensor.name`, looked up on the tensor at each call; `kind="inplace"` for `add_` and the like."""
    return Form(f"Tensor.{name}", lambda self, *args, **kw: getattr(self, name)(*args, **kw), kind)


def python_operator(name: str) -> Form:
    """`operator.add` calls `Tensor.__add__`; `operator.iadd` calls `Tensor.__iadd__` (in place)."""
    kind = "inplace" if name.startswith("i") and name != "invert" else "operator"
    return Form(f"operator.{name}", lambda *args: getattr(operator, name)(*args), kind)


def forms(
    name: str, *, method_name: str | None = None, operators: tuple[str, ...] = (), inplace_name: str | None = ""
) -> tuple[Form, ...]:
    """The usual forms of an op: `torch.name`, `Tensor.name`, the operators, and `Tensor.name_`
    (another in-place name with `inplace_name`, none with None)."""
    method_name = method_name or name
    found = [function(name), method(method_name)]
    found += [python_operator(o) for o in operators]
    if inplace_name is not None:
        found.append(method(inplace_name or f"{method_name}_", kind="inplace"))
    return tuple(found)


# How the values of each operand are drawn: keyword arguments of strategies.elements,
# given the operand's position and dtype.
Domain = Callable[[int, dt.DType], dict]


def anything(position: int, dtype: dt.DType) -> dict:
    """Every value of the dtype, specials included."""
    return {}


def shift_counts(position: int, dtype: dt.DType) -> dict:
    """Shift counts within the bit width: C leaves other counts undefined, and NumPy and torch differ."""
    return {} if position == 0 else {"min_value": 0, "max_value": dtype.itemsize * 8 - 1}


def within(low: float | None = None, high: float | None = None, *, nonzero: bool = False) -> Domain:
    """Well-conditioned values (|x| in [0.01, 100] or 0) inside [low, high], for every operand."""

    def domain(position: int, dtype: dt.DType) -> dict:
        return {"well_conditioned": True, "min_value": low, "max_value": high, "nonzero": nonzero}

    return domain


@dataclass(frozen=True)
class Operand:
    """One array operand of an op: its name (as torch's signature names it) and, where it is
    not the dtype under test, its own dtype (`where`'s condition is bool)."""

    name: str
    dtype: str | None = None

    def dtype_for(self, under_test: dt.DType) -> dt.DType:
        return under_test if self.dtype is None else dt.dtype(self.dtype)


X, Y = Operand("x"), Operand("y")
UNARY = (X,)
BINARY = (X, Y)


@dataclass(frozen=True)
class Gradient:
    """What the autograd suite needs of a differentiable op.

    `derivatives(*arrays)` gives the partial derivative with respect to each
    operand of an elementwise op in closed form (NumPy, float64); None where only
    finite differences are used. `domain` keeps inputs away from non-differentiable
    points and from values where the derivative is ill-conditioned (tanh saturating).
    """

    derivatives: Callable[..., tuple[np.ndarray, ...]] | None = None
    domain: Domain | None = None
    # for ops that are not elementwise: the vector-Jacobian product in closed form,
    # vjp(upstream, *arrays, **arguments) -> one gradient per operand (NumPy, float64)
    vjp: Callable[..., tuple[np.ndarray, ...]] | None = None
    second_order: bool = False  # whether the second-derivative check covers this op
    # the size of the terms the backward formula combines, where it exceeds the gradient's own
    # (var: x - mean cancels), as scale(upstream, *arrays, **arguments) -> float
    scale: Callable[..., float] | None = None


@dataclass(frozen=True)
class Op:
    """One op of the catalog; see `conformance.ops` for what each field drives."""

    name: str
    forms: tuple[Form, ...]
    ref: str | Callable[..., Any]  # a NumPy function name, or fn(xp, *arrays, **arguments)
    dtypes: tuple[str, ...]
    operands: tuple[Operand, ...] = BINARY
    domain: Domain = anything
    # the bound on torch's real floating results, in ulps of the result dtype (0: correctly
    # rounded or exact, as IEEE 754 requires); None: torch.testing's rtol/atol (tolerances.py)
    ulps: float | None = None
    # the op's relative condition number |x f'(x) / f(x)| at each element, as condition(x, f)
    # on x and the reference f(x) (float64 or complex128); where given, results outside a
    # bound in ulps are judged by it (tolerances.Conditioned), so that an ill-conditioned
    # point (near a pole) is not a false alarm and a well-conditioned one is not excused
    condition: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    # dtypes for which torch has no kernel (complex32 included, which torch's type promotion
    # can produce); the registry checks that it still raises so
    torch_lacks: tuple[str, ...] = ()
    # whether bool and integer inputs give a floating result (sqrt, true_divide, ...)
    integers_to_float: bool = False
    gradient: Gradient | None = None
    family: str = "elementwise"  # "arithmetic", "comparison", "bitwise", "logical", "unary", ...
    # whether a callable `ref` takes `dtype=`, the dtype its arrays stand for (bfloat16 in float32)
    ref_takes_dtype: bool = False
    # how operand shapes and arguments are drawn (strategies.operands): "broadcast" for
    # elementwise ops, or "reduction", "matmul", "gather", "mask", "reshape", "transpose"
    shapes: str = "broadcast"

    @property
    def arity(self) -> int:
        return len(self.operands)

    @property
    def operand_names(self) -> tuple[str, ...]:
        return tuple(operand.name for operand in self.operands)

    @property
    def elementwise(self) -> bool:
        return self.shapes == "broadcast"

    def reference(self, xp, *arrays, dtype: dt.DType | None = None, **arguments):
        """Run the reference on `arrays` with the array module `xp` (NumPy or CuPy).

        `dtype` is the dtype the arrays stand for, which a callable reference may need
        where the carrier differs (bfloat16 values held in float32 arrays); `arguments`
        are the op's non-tensor arguments (a dim, an index)."""
        if callable(self.ref):
            if self.ref_takes_dtype:
                return self.ref(xp, *arrays, dtype=dtype, **arguments)
            return self.ref(xp, *arrays, **arguments)
        return getattr(xp, self.ref)(*arrays, **arguments)

    @property
    def function_form(self) -> Form:
        return self.forms[0]

    def __str__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints an op
        printer.text(f"ops.op({self.name!r})")


def structural(
    name,
    forms_,
    reference,
    shapes,
    vjp,
    *,
    operands=UNARY,
    dtypes=dt.FLOATS + dt.COMPLEX,
    family="reduction",
    scale=None,
) -> Op:
    """An op that is not elementwise: its operand shapes and arguments are drawn as `shapes` says,
    and its gradient is a vector-Jacobian product in closed form."""
    gradient = Gradient(vjp=vjp, domain=within(), scale=scale)
    return Op(name, forms_, reference, dtypes, operands, family=family, shapes=shapes, gradient=gradient)
