"""The entries of the op catalog, one per op, and the names suites select them by.

A family factory per kind of entry (`binary`, `unary`, `floating`, `comparison`,
`structural`) keeps each entry to what is particular to its op.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from conformance import dtypes as dt
from conformance.ops import derivatives as d
from conformance.ops import indexing, linalg, reductions, shapes
from conformance.ops import references as ref
from conformance.ops.types import (
    BINARY,
    UNARY,
    Form,
    Gradient,
    Op,
    Operand,
    X,
    Y,
    forms,
    function,
    method,
    shift_counts,
    within,
)

LIMITED = dt.LIMITED_UNSIGNED_INTS
# what torch's ordered comparisons and min/max lack: complex (unordered) and the limited unsigned ints
UNORDERED = (*LIMITED, *dt.COMPLEX, *dt.HALF_COMPLEX)


def binary(name, reference, dtypes, *, operators=(), method_name=None, inplace_name="", **fields) -> Op:
    """An elementwise op of two operands, x and y, with its function, method, operator and in-place forms."""
    return Op(
        name,
        forms(name, method_name=method_name, operators=operators, inplace_name=inplace_name),
        reference,
        dtypes,
        BINARY,
        **{"family": "arithmetic", **fields},
    )


def unary(name, reference, dtypes, *, operators=(), inplace_name="", **fields) -> Op:
    """An elementwise op of one operand, x."""
    return Op(
        name,
        forms(name, operators=operators, inplace_name=inplace_name),
        reference,
        dtypes,
        UNARY,
        **{"family": "unary", **fields},
    )


def floating(name, reference, derivative, domain, *, second_order=False, ulps=None, condition=None) -> Op:
    """A transcendental op of every dtype, floating for integral inputs, with its derivative in
    closed form (`derivative(x)`) over the gradient domain `domain`."""
    return unary(
        name,
        reference,
        dt.ALL,
        family="transcendental",
        gradient=d.derivative(derivative, domain, second_order=second_order),
        integers_to_float=True,
        ulps=ulps,
        condition=condition,
    )


def comparison(name, reference) -> Op:
    ordered = name in ("lt", "le", "gt", "ge")
    return binary(
        name,
        reference,
        dt.ALL,
        operators=(name,),
        inplace_name=None,
        family="comparison",
        torch_lacks=UNORDERED if ordered else (),
    )


def minmax(name, *, gradient=None) -> Op:
    """maximum, minimum, fmax, fmin: exact (one of the operands)."""
    return binary(
        name,
        name,
        dt.NON_COMPLEX,
        inplace_name=None,
        family="minmax",
        torch_lacks=UNORDERED,
        gradient=gradient,
        ulps=0,
    )


ELEMENTWISE: tuple[Op, ...] = (
    # arithmetic
    binary(
        "add",
        "add",
        dt.ALL,
        operators=("add", "iadd"),
        gradient=Gradient(lambda x, y: (np.ones_like(x), np.ones_like(y)), within()),
        torch_lacks=LIMITED,
        ulps=0,
    ),
    binary(
        "sub",
        "subtract",
        dt.ALL,
        operators=("sub", "isub"),
        gradient=Gradient(lambda x, y: (np.ones_like(x), -np.ones_like(y)), within()),
        torch_lacks=LIMITED,
        ulps=0,
    ),
    binary(
        "mul",
        "multiply",
        dt.ALL,
        operators=("mul", "imul"),
        gradient=Gradient(lambda x, y: (y, x), within(), second_order=True),
        ulps=0,
    ),
    binary(
        "true_divide",
        "true_divide",
        dt.ALL,
        operators=("truediv", "itruediv"),
        gradient=Gradient(lambda x, y: (1 / y, -x / y**2), within(nonzero=True)),
        integers_to_float=True,
        torch_lacks=dt.HALF_COMPLEX,
        ulps=0,
    ),
    binary(
        "floor_divide",
        "floor_divide",
        dt.NON_COMPLEX,
        operators=("floordiv", "ifloordiv"),
        torch_lacks=("bool", *LIMITED),
    ),
    binary("remainder", "remainder", dt.NON_COMPLEX, operators=("mod", "imod"), torch_lacks=("bool", *LIMITED)),
    binary("fmod", "fmod", dt.NON_COMPLEX, ulps=0, torch_lacks=("bool", *LIMITED)),
    binary(
        "pow",
        ref.power,
        dt.ALL,
        operators=("pow", "ipow"),
        gradient=Gradient(lambda x, y: (y * x ** (y - 1), x**y * np.log(x)), within(0.1, 4), second_order=True),
        torch_lacks=("bool", *LIMITED),
    ),
    minmax("maximum", gradient=Gradient(lambda x, y: d.split_ties(x > y, x == y), within())),
    minmax("minimum", gradient=Gradient(lambda x, y: d.split_ties(x < y, x == y), within())),
    minmax("fmax"),
    minmax("fmin"),
    binary(
        "atan2",
        "arctan2",
        dt.NON_COMPLEX,
        family="transcendental",
        gradient=Gradient(lambda y, x: (x / (x**2 + y**2), -y / (x**2 + y**2)), within(nonzero=True)),
        integers_to_float=True,
    ),
    binary(
        "hypot",
        "hypot",
        dt.NON_COMPLEX,
        family="transcendental",
        gradient=Gradient(lambda x, y: (x / np.hypot(x, y), y / np.hypot(x, y)), within(nonzero=True)),
        torch_lacks=dt.INTEGRAL,
    ),
    binary("copysign", "copysign", dt.NON_COMPLEX, family="sign", integers_to_float=True, ulps=0),
    # comparisons
    comparison("eq", "equal"),
    comparison("ne", "not_equal"),
    comparison("lt", "less"),
    comparison("le", "less_equal"),
    comparison("gt", "greater"),
    comparison("ge", "greater_equal"),
    # logical
    *(
        binary(name, name, dt.ALL, inplace_name=f"{name}_", family="logical", torch_lacks=LIMITED)
        for name in ("logical_and", "logical_or", "logical_xor")
    ),
    unary("logical_not", "logical_not", dt.ALL, family="logical", torch_lacks=LIMITED),
    # bitwise
    binary("bitwise_and", "bitwise_and", dt.INTEGRAL, operators=("and_", "iand"), family="bitwise"),
    binary("bitwise_or", "bitwise_or", dt.INTEGRAL, operators=("or_", "ior"), family="bitwise"),
    binary("bitwise_xor", "bitwise_xor", dt.INTEGRAL, operators=("xor", "ixor"), family="bitwise"),
    unary("bitwise_not", "invert", dt.INTEGRAL, operators=("invert",), family="bitwise", torch_lacks=LIMITED),
    binary(
        "bitwise_left_shift",
        "left_shift",
        dt.INTEGERS,
        operators=("lshift", "ilshift"),
        domain=shift_counts,
        family="bitwise",
        torch_lacks=LIMITED,
    ),
    binary(
        "bitwise_right_shift",
        "right_shift",
        dt.INTEGERS,
        operators=("rshift", "irshift"),
        domain=shift_counts,
        family="bitwise",
        torch_lacks=LIMITED,
    ),
    # selection and bounds
    Op(
        "where",
        (
            function("where"),
            Form(
                "Tensor.where",
                lambda condition, x, y: x.where(condition, y),
                "method",
                code="{x}.where({condition}, {y})",
            ),
        ),
        ref.where,
        dt.ALL,
        (Operand("condition", dtype="bool"), X, Y),
        family="selection",
        ulps=0,
    ),
    Op(
        "clamp",
        (function("clamp"), method("clamp"), function("clip"), method("clamp_", kind="inplace")),
        ref.clip,
        dt.NON_COMPLEX,
        (X, Operand("min"), Operand("max")),
        family="minmax",
        ulps=0,
        torch_lacks=("bool", *LIMITED),
    ),
    # rounding and sign
    unary("round", "round", dt.NON_COMPLEX, family="rounding", torch_lacks=("bool",), ulps=0),
    unary("floor", "floor", dt.NON_COMPLEX, family="rounding", torch_lacks=("bool",), ulps=0),
    unary("ceil", "ceil", dt.NON_COMPLEX, family="rounding", torch_lacks=("bool",), ulps=0),
    unary("trunc", "trunc", dt.NON_COMPLEX, family="rounding", torch_lacks=("bool",), ulps=0),
    unary("sign", "sign", dt.NON_COMPLEX, family="sign", torch_lacks=LIMITED, ulps=0),
    unary(
        "abs",
        "absolute",
        dt.ALL,
        operators=("abs",),
        family="sign",
        gradient=d.derivative(np.sign, within(nonzero=True)),
        torch_lacks=("bool", *LIMITED),
        ulps=0,
    ),
    unary(
        "neg",
        "negative",
        dt.ALL,
        operators=("neg",),
        family="sign",
        gradient=d.derivative(lambda x: -np.ones_like(x), within()),
        torch_lacks=LIMITED,
        ulps=0,
    ),
    unary(
        "square",
        "square",
        dt.ALL,
        family="arithmetic",
        gradient=d.derivative(lambda x: 2 * x, within(), second_order=True),
        torch_lacks=LIMITED,
        ulps=0,
    ),
    # powers, exponentials, logarithms
    unary(
        "reciprocal",
        "reciprocal",
        dt.ALL,
        family="transcendental",
        gradient=d.derivative(lambda x: -1 / x**2, within(nonzero=True)),
        integers_to_float=True,
        torch_lacks=dt.HALF_COMPLEX,
        ulps=0,
    ),
    # correctly rounded by IEEE 754; torch's CPU float32/float64 sqrt is 1 ulp off (sqrt-within-one-ulp)
    floating("sqrt", "sqrt", lambda x: 0.5 / np.sqrt(x), within(0.01), ulps=0),
    floating("exp", "exp", np.exp, within(-10, 10), second_order=True),
    floating("expm1", "expm1", np.exp, within(-10, 10)),
    floating("log", "log", lambda x: 1 / x, within(0.01), second_order=True),
    floating("log1p", "log1p", lambda x: 1 / (1 + x), within(-0.99)),
    floating("log2", "log2", lambda x: 1 / (x * np.log(2)), within(0.01)),
    floating("log10", "log10", lambda x: 1 / (x * np.log(10)), within(0.01)),
    # trigonometric and hyperbolic
    floating("sin", "sin", np.cos, within(), second_order=True),
    floating("cos", "cos", lambda x: -np.sin(x), within()),
    floating("tan", "tan", lambda x: 1 / np.cos(x) ** 2, within(-1.2, 1.2)),
    floating("asin", "arcsin", lambda x: 1 / np.sqrt(1 - x**2), within(-0.95, 0.95)),
    floating("acos", "arccos", lambda x: -1 / np.sqrt(1 - x**2), within(-0.95, 0.95)),
    floating("atan", "arctan", lambda x: 1 / (1 + x**2), within()),
    floating("sinh", "sinh", np.cosh, within(-10, 10)),
    floating("cosh", "cosh", np.sinh, within(-10, 10)),
    floating("tanh", "tanh", lambda x: 1 - np.tanh(x) ** 2, within(-4, 4), second_order=True),
    # complex sigmoid has poles at (2k + 1) pi i; its condition there is |x (1 - f)| (measured on
    # 600,000 complex64 points, wide and within 1e-3 of a pole: torch's relative error is at most
    # 2.04 u (1 + kappa); the fallback rtol alone failed 98% of the points near a pole)
    floating(
        "sigmoid",
        ref.sigmoid,
        lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
        within(-8, 8),
        condition=lambda x, f: np.abs(x * (1 - f)),
    ),
    # classification and cleaning
    unary("isnan", "isnan", dt.ALL, inplace_name=None, family="classification"),
    unary("isinf", "isinf", dt.ALL, inplace_name=None, family="classification"),
    unary("isfinite", "isfinite", dt.ALL, inplace_name=None, family="classification"),
    unary("nan_to_num", ref.nan_to_num, dt.ALL, family="classification", ref_takes_dtype=True, ulps=0),
)


# Ops that are not elementwise, one module per area.
STRUCTURAL: tuple[Op, ...] = (*reductions.OPS, *linalg.OPS, *indexing.OPS, *shapes.OPS)


ALL_OPS: tuple[Op, ...] = (*ELEMENTWISE, *STRUCTURAL)
DIFFERENTIABLE: tuple[Op, ...] = tuple(op for op in ALL_OPS if op.gradient is not None)

BY_NAME: dict[str, Op] = {op.name: op for op in ALL_OPS}


def op(name: str) -> Op:
    """The catalog entry called `name`; a clear error for a name the catalog does not hold."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"no op {name!r} in the catalog") from None


def labels(select: Callable[[Op], bool] = lambda op: True, *, inplace: bool | None = None) -> tuple[str, ...]:
    """The form labels of the ops `select` picks: every form, only the in-place ones
    (`inplace=True`) or all but them (`inplace=False`). The `ops` of a known divergence."""
    return tuple(
        form.label for op in ALL_OPS if select(op) for form in op.forms if inplace is None or form.inplace == inplace
    )
