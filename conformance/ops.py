"""The op catalog: one entry per op, and every suite parametrizes over it.

An `Op` says how torch spells the op (function, method, operator and in-place
forms, each checked on its own since a bug can live in one form only), what the
reference is (a NumPy function name, looked up in CuPy as well, or a function of
the array module), its arity, the dtypes both sides support, how to draw valid
inputs, its tolerance and, for differentiable ops, what the autograd suite needs.
Adding an op is adding an entry here; PyTorch's OpInfo is the model.

Every torch callable is looked up when it is called, so that a self-test can
plant a bug in `torch.add` or `Tensor.__sub__` and see the suite catch it.
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

    @property
    def inplace(self) -> bool:
        return self.kind == "inplace"

    def __str__(self) -> str:
        return self.label

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a form
        printer.text(self.label)


def function(name: str, *, module: str = "torch") -> Form:
    if module == "torch":
        return Form(f"torch.{name}", lambda *args, **kw: getattr(torch, name)(*args, **kw), "function")
    return Form(
        f"torch.{module}.{name}", lambda *args, **kw: getattr(getattr(torch, module), name)(*args, **kw), "function"
    )


def method(name: str) -> Form:
    return Form(f"Tensor.{name}", lambda self, *args, **kw: getattr(self, name)(*args, **kw), "method")


def inplace(name: str) -> Form:
    return Form(f"Tensor.{name}", lambda self, *args, **kw: getattr(self, name)(*args, **kw), "inplace")


def python_operator(name: str) -> Form:
    """`operator.add` calls `Tensor.__add__`; `operator.iadd` calls `Tensor.__iadd__` (in place)."""
    kind = "inplace" if name.startswith("i") and name not in ("invert",) else "operator"
    return Form(f"operator.{name}", lambda *args: getattr(operator, name)(*args), kind)


# How the values of each operand are drawn; keyword arguments of strategies.elements.
Domain = Callable[[int, dt.DType], dict]


def anything(position: int, dtype: dt.DType) -> dict:
    """Every value of the dtype, specials included."""
    return {}


def shift_counts(position: int, dtype: dt.DType) -> dict:
    """Shift counts within the bit width: C leaves other counts undefined, and NumPy and torch differ."""
    return {} if position == 0 else {"min_value": 0, "max_value": dtype.itemsize * 8 - 1}


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
    """One op of the catalog."""

    name: str
    arity: int
    forms: tuple[Form, ...]
    ref: str | Callable[..., Any]  # a NumPy/CuPy function name, or fn(xp, *arrays)
    dtypes: tuple[str, ...]
    domain: Domain = anything
    tolerance_scale: float = 1.0
    signed_zeros: bool = True
    # dtypes for which torch has no kernel (complex32 included, which torch's type promotion
    # can produce); the registry checks that it still raises so
    torch_lacks: tuple[str, ...] = ()
    # whether bool and integer inputs give a floating result (sqrt, true_divide, ...)
    integers_to_float: bool = False
    gradient: Gradient | None = None
    family: str = "elementwise"  # "arithmetic", "comparison", "bitwise", "logical", "unary", ...
    ref_takes_dtype: bool = False
    # how operands are drawn (strategies.operands): "broadcast" for elementwise ops, or
    # "reduction", "matmul", "gather", "mask", "reshape", "transpose"
    operands: str = "broadcast"

    @property
    def elementwise(self) -> bool:
        return self.operands == "broadcast"

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


def _forms(
    name: str, *, method_name: str | None = None, operators: tuple[str, ...] = (), inplace_name: str | None = ""
) -> tuple[Form, ...]:
    method_name = method_name or name
    forms = [function(name), method(method_name)]
    forms += [python_operator(o) for o in operators]
    if inplace_name is not None:
        forms.append(inplace(inplace_name or f"{method_name}_"))
    return tuple(forms)


ALL = dt.ALL
NUMERIC = (*dt.BOOL, *dt.UNSIGNED_INTS, *dt.SIGNED_INTS, *dt.FLOATS, *dt.COMPLEX)
REAL = (*dt.BOOL, *dt.UNSIGNED_INTS, *dt.SIGNED_INTS, *dt.FLOATS)
INTEGRAL = (*dt.BOOL, *dt.UNSIGNED_INTS, *dt.SIGNED_INTS)
FLOATING = (*dt.FLOATS, *dt.COMPLEX)
LIMITED = tuple(n for n in dt.UNSIGNED_INTS if n in dt.LIMITED_TORCH)


def _sigmoid(xp, x):
    """The logistic function, computed in float64 (NumPy has none) and returned in x's float dtype."""
    wide = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = 1 / (1 + xp.exp(-wide))
    return result.astype(x.dtype if x.dtype.kind in "fc" else np.float64)


def _nan_to_num(xp, x, dtype: dt.DType | None = None):
    """nan_to_num with the infinities replaced by the extremes of the dtype the values stand
    for (a bfloat16's largest finite value is not float32's)."""
    if dtype is None or dtype.native_numpy or not dtype.is_floating:
        return xp.nan_to_num(x)
    largest = float(dt.bfloat16_from_bits(np.array([0x7F7F], dtype=np.uint16))[0])
    return xp.nan_to_num(x, posinf=largest, neginf=-largest)


def _power(xp, x, y):
    """x ** y by C99's pow: NumPy's loop takes a fast path for a broadcast (stride-0) exponent,
    computing x ** 0.5 as sqrt(x), which gives nan for -inf and -0.0 for -0.0 where pow gives
    inf and +0.0 (numpy#21213); the operands are materialised so that the loop sees no stride 0.
    A Python scalar stays weak (NEP 50): it is converted to the dtype NumPy would compute in."""
    dtype = xp.result_type(x, y)
    x, y = (xp.asarray(v, dtype=dtype) if isinstance(v, bool | int | float | complex) else v for v in (x, y))
    x, y = xp.broadcast_arrays(x, y)
    shape = x.shape
    flat = [xp.ascontiguousarray(v).reshape(-1) for v in (x, y)]
    return xp.power(*flat).reshape(shape)


def _clip(xp, x, low, high):
    return xp.clip(x, low, high)


def _where(xp, condition, x, y):
    return xp.where(condition, x, y)


BINARY = 2
UNARY = 1


def _split_ties(first_wins: np.ndarray, tie: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _reduced_back(v: np.ndarray, x: np.ndarray, dim) -> np.ndarray:
    """An upstream gradient of a reduction, broadcast back over the reduced dims of x."""
    if dim is None:
        return np.broadcast_to(v, x.shape)
    return np.broadcast_to(np.expand_dims(v, dim), x.shape)


def _amax_vjp(v, x, dim=None):
    """amax's gradient: the upstream value at the maxima, split evenly between ties (as torch documents)."""
    keep = np.amax(x, axis=dim, keepdims=True)
    hits = (x == keep).astype(np.float64)
    return (_reduced_back(v, x, dim) * hits / hits.sum(axis=dim, keepdims=True),)


def _var_vjp(v, x, dim=None, ddof=1):
    count = x.size if dim is None else x.shape[dim]
    centred = x - x.mean(axis=dim, keepdims=True)
    return (_reduced_back(v, x, dim) * 2 * centred / (count - ddof),)


def _std_vjp(v, x, dim=None, ddof=1):
    """std's gradient; where the std is 0 (not differentiable) torch's backward gives 0, and so does this."""
    std = np.std(x, axis=dim, ddof=ddof, keepdims=True)
    count = x.size if dim is None else x.shape[dim]
    centred = x - x.mean(axis=dim, keepdims=True)
    with np.errstate(all="ignore"):
        gradient = _reduced_back(v, x, dim) * centred / ((count - ddof) * std)
    return (np.where(std == 0, 0.0, gradient),)


def _matmul_vjp(v, a, b):
    return (sum_to_shape(v @ np.swapaxes(b, -1, -2), a.shape), sum_to_shape(np.swapaxes(a, -1, -2) @ v, b.shape))


def _gather_vjp(v, x, index):
    gradient = np.zeros_like(x, dtype=np.float64)
    np.add.at(gradient, index, v)  # repeated indices add up
    return (gradient,)


def _mask_vjp(v, x, mask):
    gradient = np.zeros_like(x, dtype=np.float64)
    gradient[mask] = v
    return (gradient,)


def _binary(
    name, ref, dtypes, *, operators=(), method_name=None, inplace_name="", family="arithmetic", **options
) -> Op:
    return Op(
        name,
        BINARY,
        _forms(name, method_name=method_name, operators=operators, inplace_name=inplace_name),
        ref,
        dtypes,
        family=family,
        **options,
    )


def _unary(name, ref, dtypes, *, operators=(), inplace_name="", family="unary", **options) -> Op:
    return Op(
        name, UNARY, _forms(name, operators=operators, inplace_name=inplace_name), ref, dtypes, family=family, **options
    )


def within(low: float | None = None, high: float | None = None, *, nonzero: bool = False) -> Domain:
    """Well-conditioned values (|x| in [0.01, 100] or 0) inside [low, high], for every operand."""

    def domain(position: int, dtype: dt.DType) -> dict:
        return {"well_conditioned": True, "min_value": low, "max_value": high, "nonzero": nonzero}

    return domain


def _d(fn, domain: Domain | None = None, *, second_order: bool = False):
    """A closed-form derivative of a unary op, as the catalog's gradient entry."""
    return Gradient(derivatives=lambda x: (fn(x),), domain=domain, second_order=second_order)


OPS: tuple[Op, ...] = (
    # arithmetic
    _binary(
        "add",
        "add",
        ALL,
        operators=("add", "iadd"),
        gradient=Gradient(lambda x, y: (np.ones_like(x), np.ones_like(y)), within()),
        torch_lacks=LIMITED,
    ),
    _binary(
        "sub",
        "subtract",
        ALL,
        operators=("sub", "isub"),
        gradient=Gradient(lambda x, y: (np.ones_like(x), -np.ones_like(y)), within()),
        torch_lacks=LIMITED,
    ),
    _binary(
        "mul",
        "multiply",
        ALL,
        operators=("mul", "imul"),
        gradient=Gradient(lambda x, y: (y, x), within(), second_order=True),
    ),
    _binary(
        "true_divide",
        "true_divide",
        ALL,
        operators=("truediv", "itruediv"),
        gradient=Gradient(lambda x, y: (1 / y, -x / y**2), within(nonzero=True)),
        integers_to_float=True,
        torch_lacks=("complex32",),
    ),
    _binary("floor_divide", "floor_divide", REAL, operators=("floordiv", "ifloordiv"), torch_lacks=("bool", *LIMITED)),
    _binary("remainder", "remainder", REAL, operators=("mod", "imod"), torch_lacks=("bool", *LIMITED)),
    _binary("fmod", "fmod", REAL, torch_lacks=("bool", *LIMITED)),
    _binary(
        "pow",
        _power,
        NUMERIC,
        operators=("pow", "ipow"),
        gradient=Gradient(lambda x, y: (y * x ** (y - 1), x**y * np.log(x)), within(0.1, 4), second_order=True),
        torch_lacks=("bool", *LIMITED),
    ),
    _binary(
        "maximum",
        "maximum",
        REAL,
        inplace_name=None,
        family="minmax",
        torch_lacks=(*LIMITED, *dt.COMPLEX, "complex32"),
        gradient=Gradient(lambda x, y: _split_ties(x > y, x == y), within()),
    ),
    _binary(
        "minimum",
        "minimum",
        REAL,
        inplace_name=None,
        family="minmax",
        torch_lacks=(*LIMITED, *dt.COMPLEX, "complex32"),
        gradient=Gradient(lambda x, y: _split_ties(x < y, x == y), within()),
    ),
    _binary("fmax", "fmax", REAL, inplace_name=None, family="minmax", torch_lacks=(*LIMITED, *dt.COMPLEX, "complex32")),
    _binary("fmin", "fmin", REAL, inplace_name=None, family="minmax", torch_lacks=(*LIMITED, *dt.COMPLEX, "complex32")),
    _binary(
        "atan2",
        "arctan2",
        REAL,
        family="transcendental",
        gradient=Gradient(lambda y, x: (x / (x**2 + y**2), -y / (x**2 + y**2)), within(nonzero=True)),
        integers_to_float=True,
    ),
    _binary(
        "hypot",
        "hypot",
        REAL,
        family="transcendental",
        gradient=Gradient(lambda x, y: (x / np.hypot(x, y), y / np.hypot(x, y)), within(nonzero=True)),
        torch_lacks=INTEGRAL,
    ),
    _binary("copysign", "copysign", REAL, family="sign", integers_to_float=True),
    # comparisons
    *(
        _binary(
            name,
            ref,
            ALL,
            operators=(name,),
            inplace_name=None,
            family="comparison",
            torch_lacks=(*LIMITED, *dt.COMPLEX, "complex32") if name in ("lt", "le", "gt", "ge") else (),
        )
        for name, ref in (
            ("eq", "equal"),
            ("ne", "not_equal"),
            ("lt", "less"),
            ("le", "less_equal"),
            ("gt", "greater"),
            ("ge", "greater_equal"),
        )
    ),
    # logical
    *(
        _binary(name, name, ALL, inplace_name=f"{name}_", family="logical", torch_lacks=LIMITED)
        for name in ("logical_and", "logical_or", "logical_xor")
    ),
    _unary("logical_not", "logical_not", ALL, family="logical", torch_lacks=LIMITED),
    # bitwise
    _binary("bitwise_and", "bitwise_and", INTEGRAL, operators=("and_", "iand"), family="bitwise"),
    _binary("bitwise_or", "bitwise_or", INTEGRAL, operators=("or_", "ior"), family="bitwise"),
    _binary("bitwise_xor", "bitwise_xor", INTEGRAL, operators=("xor", "ixor"), family="bitwise"),
    _unary("bitwise_not", "invert", INTEGRAL, operators=("invert",), family="bitwise", torch_lacks=LIMITED),
    _binary(
        "bitwise_left_shift",
        "left_shift",
        dt.UNSIGNED_INTS + dt.SIGNED_INTS,
        operators=("lshift", "ilshift"),
        domain=shift_counts,
        family="bitwise",
        torch_lacks=LIMITED,
    ),
    _binary(
        "bitwise_right_shift",
        "right_shift",
        dt.UNSIGNED_INTS + dt.SIGNED_INTS,
        operators=("rshift", "irshift"),
        domain=shift_counts,
        family="bitwise",
        torch_lacks=LIMITED,
    ),
    # selection and bounds
    Op(
        "where",
        3,
        (function("where"), Form("Tensor.where", lambda c, x, y: x.where(c, y), "method")),
        _where,
        ALL,
        family="selection",
    ),
    Op(
        "clamp",
        3,
        (function("clamp"), method("clamp"), function("clip"), inplace("clamp_")),
        _clip,
        REAL,
        family="minmax",
        torch_lacks=("bool", *LIMITED),
    ),
    # rounding and sign
    _unary("round", "round", REAL, family="rounding", torch_lacks=("bool",)),
    _unary("floor", "floor", REAL, family="rounding", torch_lacks=("bool",)),
    _unary("ceil", "ceil", REAL, family="rounding", torch_lacks=("bool",)),
    _unary("trunc", "trunc", REAL, family="rounding", torch_lacks=("bool",)),
    _unary("sign", "sign", REAL, family="sign", torch_lacks=LIMITED),
    _unary(
        "abs",
        "absolute",
        NUMERIC,
        operators=("abs",),
        family="sign",
        gradient=_d(np.sign, within(nonzero=True)),
        torch_lacks=("bool", *LIMITED),
    ),
    _unary(
        "neg",
        "negative",
        NUMERIC,
        operators=("neg",),
        family="sign",
        gradient=_d(lambda x: -np.ones_like(x), within()),
        torch_lacks=LIMITED,
    ),
    # powers, exponentials, logarithms
    _unary(
        "reciprocal",
        "reciprocal",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: -1 / x**2, within(nonzero=True)),
        integers_to_float=True,
        torch_lacks=("complex32",),
    ),
    _unary(
        "sqrt",
        "sqrt",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 0.5 / np.sqrt(x), within(0.01)),
        integers_to_float=True,
    ),
    _unary(
        "square",
        "square",
        NUMERIC,
        family="arithmetic",
        gradient=_d(lambda x: 2 * x, within(), second_order=True),
        torch_lacks=LIMITED,
    ),
    _unary(
        "exp",
        "exp",
        NUMERIC,
        family="transcendental",
        gradient=_d(np.exp, within(-10, 10), second_order=True),
        integers_to_float=True,
    ),
    _unary(
        "expm1", "expm1", NUMERIC, family="transcendental", gradient=_d(np.exp, within(-10, 10)), integers_to_float=True
    ),
    _unary(
        "log",
        "log",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / x, within(0.01), second_order=True),
        integers_to_float=True,
    ),
    _unary(
        "log1p",
        "log1p",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / (1 + x), within(-0.99)),
        integers_to_float=True,
    ),
    _unary(
        "log2",
        "log2",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / (x * np.log(2)), within(0.01)),
        integers_to_float=True,
    ),
    _unary(
        "log10",
        "log10",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / (x * np.log(10)), within(0.01)),
        integers_to_float=True,
    ),
    # trigonometric and hyperbolic
    _unary(
        "sin",
        "sin",
        NUMERIC,
        family="transcendental",
        gradient=_d(np.cos, within(), second_order=True),
        integers_to_float=True,
    ),
    _unary(
        "cos",
        "cos",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: -np.sin(x), within()),
        integers_to_float=True,
    ),
    _unary(
        "tan",
        "tan",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / np.cos(x) ** 2, within(-1.2, 1.2)),
        integers_to_float=True,
    ),
    _unary(
        "asin",
        "arcsin",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / np.sqrt(1 - x**2), within(-0.95, 0.95)),
        integers_to_float=True,
    ),
    _unary(
        "acos",
        "arccos",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: -1 / np.sqrt(1 - x**2), within(-0.95, 0.95)),
        integers_to_float=True,
    ),
    _unary(
        "atan",
        "arctan",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 / (1 + x**2), within()),
        integers_to_float=True,
    ),
    _unary(
        "sinh", "sinh", NUMERIC, family="transcendental", gradient=_d(np.cosh, within(-10, 10)), integers_to_float=True
    ),
    _unary(
        "cosh", "cosh", NUMERIC, family="transcendental", gradient=_d(np.sinh, within(-10, 10)), integers_to_float=True
    ),
    _unary(
        "tanh",
        "tanh",
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: 1 - np.tanh(x) ** 2, within(-4, 4), second_order=True),
        integers_to_float=True,
    ),
    _unary(
        "sigmoid",
        _sigmoid,
        NUMERIC,
        family="transcendental",
        gradient=_d(lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, within(-8, 8)),
        integers_to_float=True,
    ),
    # classification and cleaning
    _unary("isnan", "isnan", ALL, inplace_name=None, family="classification"),
    _unary("isinf", "isinf", ALL, inplace_name=None, family="classification"),
    _unary("isfinite", "isfinite", ALL, inplace_name=None, family="classification"),
    _unary("nan_to_num", _nan_to_num, NUMERIC, family="classification", ref_takes_dtype=True),
)


def _centred_scale(v, x, dim=None, ddof=1) -> float:
    """var/std's backward forms x - mean: its rounding error is relative to |x|, not to the difference."""
    count = x.size if dim is None else x.shape[dim]
    return float(np.max(np.abs(v), initial=0.0) * 2 * np.max(np.abs(x), initial=0.0) / max(count - ddof, 1))


def _structural(
    name, forms, ref, operands, vjp, *, arity=1, dtypes=dt.FLOATS + dt.COMPLEX, family="reduction", scale=None
):
    gradient = Gradient(vjp=vjp, domain=within(), scale=scale)
    return Op(name, arity, forms, ref, dtypes, family=family, operands=operands, gradient=gradient)


# Ops that are not elementwise, for the autograd suite (and the reductions and indexing suites to come).
STRUCTURAL: tuple[Op, ...] = (
    _structural(
        "sum",
        (function("sum"), method("sum")),
        lambda xp, x, dim=None: xp.sum(x, axis=dim),
        "reduction",
        lambda v, x, dim=None: (_reduced_back(v, x, dim),),
    ),
    _structural(
        "mean",
        (function("mean"), method("mean")),
        lambda xp, x, dim=None: xp.mean(x, axis=dim),
        "reduction",
        lambda v, x, dim=None: (_reduced_back(v, x, dim) / (x.size if dim is None else x.shape[dim]),),
    ),
    _structural(
        "var",
        (Form("torch.var", lambda x, dim=None: torch.var(x, dim=dim, correction=1), "function"),),
        lambda xp, x, dim=None: xp.var(x, axis=dim, ddof=1),
        "reduction",
        _var_vjp,
        dtypes=dt.FLOATS,
        scale=_centred_scale,
    ),
    _structural(
        "std",
        (Form("torch.std", lambda x, dim=None: torch.std(x, dim=dim, correction=1), "function"),),
        lambda xp, x, dim=None: xp.std(x, axis=dim, ddof=1),
        "reduction",
        _std_vjp,
        dtypes=dt.FLOATS,
        scale=_centred_scale,
    ),
    _structural(
        "amax",
        (function("amax"), method("amax")),
        lambda xp, x, dim=None: xp.amax(x, axis=dim),
        "reduction",
        _amax_vjp,
        dtypes=dt.FLOATS,
    ),
    _structural(
        "matmul",
        (function("matmul"), method("matmul"), python_operator("matmul")),
        "matmul",
        "matmul",
        _matmul_vjp,
        arity=2,
        family="linalg",
    ),
    _structural(
        "index",
        (Form("Tensor.__getitem__[int array]", lambda x, index: x[torch.as_tensor(index)], "operator"),),
        lambda xp, x, index: x[index],
        "gather",
        _gather_vjp,
        family="indexing",
    ),
    _structural(
        "mask",
        (Form("Tensor.__getitem__[bool mask]", lambda x, mask: x[torch.as_tensor(mask)], "operator"),),
        lambda xp, x, mask: x[mask],
        "mask",
        _mask_vjp,
        family="indexing",
    ),
    _structural(
        "reshape",
        (function("reshape"), method("reshape")),
        lambda xp, x, shape: xp.reshape(x, shape),
        "reshape",
        lambda v, x, shape: (np.reshape(v, x.shape),),
        family="shape",
    ),
    _structural(
        "transpose",
        (function("transpose"), method("transpose")),
        lambda xp, x, dim0, dim1: xp.swapaxes(x, dim0, dim1),
        "transpose",
        lambda v, x, dim0, dim1: (np.swapaxes(v, dim0, dim1),),
        family="shape",
    ),
)

ELEMENTWISE: tuple[Op, ...] = OPS
DIFFERENTIABLE: tuple[Op, ...] = tuple(op for op in (*OPS, *STRUCTURAL) if op.gradient is not None)
OPS = (*OPS, *STRUCTURAL)

BY_NAME: dict[str, Op] = {op.name: op for op in OPS}
_BY_LABEL: dict[str, Op] = {form.label: op for op in OPS for form in op.forms}
_FORMS: dict[str, Form] = {form.label: form for op in OPS for form in op.forms}


def op(name: str) -> Op:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"no op {name!r} in the catalog") from None


def op_of_form(label: str) -> Op | None:
    """The catalog op a form label (`torch.add`, `operator.iadd`) belongs to."""
    return _BY_LABEL.get(label)


def form_of(label: str) -> Form | None:
    """The catalog form with this label."""
    return _FORMS.get(label)


def labels(select: Callable[[Op], bool] = lambda op: True, *, inplace: bool = True) -> tuple[str, ...]:
    """Every form label of the ops `select` picks (in-place forms too, unless `inplace` is
    False): the `ops` of a known divergence."""
    return tuple(form.label for op in OPS if select(op) for form in op.forms if inplace or not form.inplace)
