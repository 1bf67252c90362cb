"""Known divergences of type promotion: torch's rules modelled by conformance.promotion (suites/test_promotion.py)."""

from __future__ import annotations

import math

import numpy as np

from conformance import dtypes as dt
from conformance import ops, promotion
from conformance.divergences import (
    Check,
    ExpectedError,
    KnownDivergence,
    Raises,
    Returns,
)
from conformance.inputs import ArrayInput
from conformance.known_divergences.elementwise import _catalog_op, _operands
from conformance.oracle import Outcome, as_dtype

# ---------------------------------------------------------------------------
# Type promotion


def _promotion_groups(check: Check) -> tuple[list[str], list[str], list[object]]:
    """The operands' dtypes by torch's priority: dimensioned tensors, zero-dim tensors, Python scalars."""
    dimensioned, zero_dim, scalars = [], [], []
    for name, value in check.inputs.items():
        if name == "condition":
            continue
        if isinstance(value, ArrayInput):
            (zero_dim if value.shape == () else dimensioned).append(value.dtype.name)
        elif isinstance(value, dt.DType):
            dimensioned.append(value.name)
        elif isinstance(value, bool | int | float | complex):
            scalars.append(value)
    return dimensioned, zero_dim, scalars


def _promotion_involved(check: Check) -> bool:
    dimensioned, zero_dim, scalars = _promotion_groups(check)
    return bool(scalars) or len(set(dimensioned + zero_dim)) > 1


def _as_carrier(value: object, dtype_name: str) -> np.ndarray:
    """An operand converted to a dtype, as torch converts it (rounded, for bfloat16 and complex32)."""
    array = value.values if isinstance(value, ArrayInput) else np.asarray(value)
    dtype = dt.dtype(dtype_name)
    with np.errstate(all="ignore"):
        converted = np.asarray(array).astype(dtype.numpy)
    return converted if dtype.native_numpy else dt.round_to(dtype.name, converted)


def _scalar_divided_by_tensor(check: Check) -> bool:
    first = next(iter(check.inputs.values()), None)
    return check.op == "operator.truediv" and isinstance(first, bool | int | float | complex)


def _reciprocal_times_scalar(check: Check, reference: object) -> object:
    """`scalar / tensor` as torch's Tensor.__rtruediv__ computes it: tensor.reciprocal() (in the
    tensor's floating dtype, the default float for integers; a complex zero's reciprocal being
    inf+nanj), then times the scalar under torch's promotion rules."""
    scalar, tensor = check.inputs.values()
    own = tensor.dtype.name
    reciprocal_dtype = promotion.default_float() if dt.dtype(own).is_integral else own
    if reciprocal_dtype in ops.op("reciprocal").torch_lacks:
        return Outcome(error=ExpectedError((NotImplementedError, RuntimeError), "not implemented for"))
    values = _as_carrier(tensor, reciprocal_dtype)
    with np.errstate(all="ignore"):
        reciprocal = np.reciprocal(values)
        if np.iscomplexobj(values):
            reciprocal = np.where(values == 0, complex(math.inf, math.nan), reciprocal)
        reciprocal = _as_carrier(reciprocal, reciprocal_dtype)
        product_dtype = promotion.result_type([reciprocal_dtype], [], [scalar])
        opmath = _OPMATH.get(product_dtype, product_dtype)  # the scalar stays unrounded in float16's opmath
        product = _as_carrier(_as_carrier(reciprocal, product_dtype), opmath) * _as_carrier(scalar, opmath)
        return as_dtype(product, product_dtype)


def _torch_promotion(check: Check, reference: object) -> object:
    """torch's result under its promotion rules: every operand converted to the dtype torch
    computes in (`conformance.promotion.result_type`; the default float for floating ops
    on integers), then the op's NumPy reference in that dtype."""
    op = _catalog_op(check)
    try:
        common = promotion.result_type(*_promotion_groups(check))
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    computed = promotion.default_float() if op.integers_to_float and dt.dtype(common).is_integral else common
    if computed in op.torch_lacks:
        return Outcome(error=ExpectedError((NotImplementedError, RuntimeError), "not implemented for"))
    # With a Python scalar, reduced-precision arithmetic runs in float32 ("opmath") with the scalar
    # unrounded; comparisons round the scalar to the dtype
    arithmetic = op.family != "comparison"
    opmath = _OPMATH.get(computed, computed) if _promotion_groups(check)[2] and arithmetic else computed
    operands = [
        value.values
        if name == "condition"
        else _as_carrier(_as_carrier(value, computed) if isinstance(value, ArrayInput) else value, opmath)
        for name, value in check.inputs.items()
    ]
    try:
        with np.errstate(all="ignore"):
            result = np.asarray(op.reference(np, *operands))
    except Exception as error:  # NumPy has no such loop either (bitwise ops on floats)
        return Outcome(error=error)
    return result if result.dtype == bool else as_dtype(result, computed)


_OPMATH = {"float16": "float32", "bfloat16": "float32"}


def _torch_promote_types(check: Check, reference: object) -> object:
    try:
        common = promotion.result_type(*_promotion_groups(check))
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    return np.ones(1, dtype=dt.dtype(common).numpy)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="torch-type-promotion",
        ops=ops.labels(inplace=False),
        summary="torch promotes by category first and lets 0-d tensors and Python scalars lift only the category",
        example=(
            "(torch.ones(1, dtype=torch.int64) + torch.ones(1, dtype=torch.float16)).dtype  # float16 (NumPy: float64); "
            "(torch.ones(1, dtype=torch.int8) + torch.tensor(1000)).tolist()  # [-23] (NumPy 2: int64 [1001])"
        ),
        reason=(
            "torch's rules (categories bool < integral < floating < complex; dimensioned tensors before 0-d tensors "
            "before Python scalars; Python floats take the default dtype) differ from NEP 50, where only Python "
            "scalars are weak; torch computes in the promoted dtype, so values wrap or round there too"
        ),
        torch_gives=Returns(_torch_promotion, "the op computed in torch's promoted dtype", where_reference_raises=True),
        when=lambda check: (
            _catalog_op(check) is not None and _promotion_involved(check) and not _scalar_divided_by_tensor(check)
        ),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="torch-promote-types",
        ops=("torch.promote_types",),
        summary="torch.promote_types ranks categories before sizes, and refuses uint16/32/64 with other integers",
        example="torch.promote_types(torch.int64, torch.float16)  # float16; np.result_type(np.int64, np.float16)  # float64",
        reason="the same category-first rules as torch's type promotion of tensors",
        torch_gives=Returns(_torch_promote_types, "torch's documented promotion lattice"),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="scalar-divided-by-tensor",
        ops=("operator.truediv",),
        summary="`scalar / tensor` is computed as tensor.reciprocal() * scalar, so it over/underflows and rounds differently",
        example="0.0 / torch.tensor([1e-40])  # nan (reciprocal 1e40 overflows to inf); NumPy: 0.0",
        reason="torch's Tensor.__rtruediv__ is defined as self.reciprocal() * other",
        torch_gives=Returns(_reciprocal_times_scalar, "reciprocal(tensor) * scalar in the promoted dtype"),
        when=_scalar_divided_by_tensor,
        link="https://github.com/pytorch/pytorch/blob/main/torch/_tensor.py",
    ),
    KnownDivergence(
        id="minmax-tensors-only",
        ops=ops.labels(lambda op: op.name in ("maximum", "minimum", "fmax", "fmin")),
        summary="torch.maximum/minimum/fmax/fmin take tensors only; NumPy's take Python scalars",
        example="torch.maximum(torch.tensor([1]), 2)  # TypeError: argument 'other' must be Tensor; np.maximum([1], 2)",
        reason="these functions have no Scalar overload in torch (torch.clamp is the one that takes numbers)",
        torch_gives=Raises(TypeError, "must be Tensor"),
        when=lambda check: any(isinstance(v, bool | int | float | complex) for v in check.inputs.values()),
        link="https://pytorch.org/docs/stable/generated/torch.maximum.html",
    ),
    KnownDivergence(
        id="bool-subtraction",
        ops=ops.labels(lambda op: op.name == "sub"),
        summary="subtraction with a bool tensor raises in torch, even with an int scalar; NumPy computes bool - int",
        example="torch.tensor([True]) - 2  # RuntimeError; np.array([True]) - 2  # array([-1])",
        reason="torch forbids `-` on bool tensors outright, pointing to ~ or logical_not() for masks",
        torch_gives=Raises(RuntimeError, "Subtraction, the `-` operator, with .*bool"),
        when=lambda check: any(inp.dtype.name == "bool" for inp in _operands(check)),
        link="https://pytorch.org/docs/stable/generated/torch.sub.html",
    ),
]
