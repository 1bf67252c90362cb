"""Known divergences of type promotion: torch's rules modelled by conformance.promotion (suites/test_promotion.py)."""

from __future__ import annotations

import math

import numpy as np

from conformance import conditions, ops, promotion
from conformance import dtypes as dt
from conformance import mixed_operands as mixed
from conformance.check import Check
from conformance.conditions import is_python_scalar
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome

# ---------------------------------------------------------------------------
# Type promotion


def _promotion_groups(check: Check) -> tuple[list[str], list[str], list[object]]:
    """The operands' dtypes by torch's priority: dimensioned tensors, zero-dim tensors, Python scalars."""
    dimensioned, zero_dim, scalars = [], [], []
    for value in check.promoted:
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
    return dt.dtype(dtype_name).carry(value.values if isinstance(value, ArrayInput) else value)


def _scalar_divided_by_tensor(check: Check) -> bool:
    first = next(iter(check.inputs.values()), None)
    return check.label == "operator.truediv" and is_python_scalar(first)


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
        # tensor * scalar: the scalar is read unrounded in float32 where the product is float16 or bfloat16
        opmath = "float32" if product_dtype in dt.REDUCED_FLOATS else product_dtype
        product = _as_carrier(_as_carrier(reciprocal, product_dtype), opmath) * _as_carrier(scalar, opmath)
        return as_dtype(product, product_dtype)


# maximum, minimum, fmax and fmin refuse a complex operand before they promote
# (TORCH_CHECK(!self.is_complex() && !other.is_complex(), "maximum not implemented for complex
# tensors.") in BinaryOps.cpp): complex64 with uint16 raises that, not the promotion error.
_COMPLEX_REFUSED_FIRST = ("maximum", "minimum", "fmax", "fmin")


def _promoted(check: Check) -> str | Outcome:
    """The dtype torch computes in (`conformance.promotion.result_type`; the default float for
    floating ops on integers), or the error torch's promotion raises."""
    op = check.op
    if mixed.python_int_past_64_bits(check):  # read as a 64-bit int first (python-int-past-64-bits)
        return Outcome(
            error=ExpectedError(OverflowError, "int too big to convert|can't convert negative int to unsigned")
        )
    if op.name in _COMPLEX_REFUSED_FIRST and any(
        isinstance(v, ArrayInput) and v.dtype.is_complex for v in check.inputs.values()
    ):
        return Outcome(error=ExpectedError((NotImplementedError, RuntimeError), "not implemented for"))
    try:
        common = promotion.result_type(*_promotion_groups(check))
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    computed = promotion.default_float() if op.integers_to_float and dt.dtype(common).is_integral else common
    if computed in op.torch_lacks:
        return Outcome(error=ExpectedError((NotImplementedError, RuntimeError), "not implemented for"))
    return computed


def _torch_promotion(check: Check, reference: object, unrounded: frozenset[str] = frozenset()) -> object:
    """torch's result under its promotion rules: every operand converted to the dtype torch
    computes in, then the op's NumPy reference in that dtype; the operands named in
    `unrounded` are read in float32 instead (see `_unrounded_operands`)."""
    computed = _promoted(check)
    if isinstance(computed, Outcome):
        return computed
    operands = []
    fixed = {operand.name for operand in check.op.operands if operand.dtype}
    for name, value in check.inputs.items():
        if name in fixed:
            operands.append(value.values)
        elif name in unrounded:
            operands.append(_as_carrier(value, "float32"))
        else:
            rounded = _as_carrier(value, computed)
            operands.append(_as_carrier(rounded, "float32") if unrounded else rounded)
    try:
        with np.errstate(all="ignore"):
            if dt.dtype(computed).is_complex and check.op.name in conditions.COMPLEX_FORMULAS:
                result = np.asarray(conditions.complex_formula(check, operands))
            else:
                result = np.asarray(check.op.reference(np, *operands, **check.arguments))
    except Exception as error:  # NumPy has no such loop either (bitwise ops on floats)
        return Outcome(error=error)
    return result if result.dtype == bool else as_dtype(result, computed)


# Where the result is float16 or bfloat16, these ops read one operand as a float32 constant:
# on the CPU, a single-element second operand of mul/div/floor_divide (a Python scalar, a 0-d or
# one-element tensor; PR pytorch#98820); on CUDA, a Python scalar of add/sub/mul/div (kernels
# "with scalars" read a CPU scalar in float32). Every other operand is rounded first.
_UNROUNDED_SECOND_OPERAND_CPU = frozenset({"mul", "true_divide", "floor_divide"})
_UNROUNDED_PYTHON_SCALAR = frozenset({"add", "sub", "mul", "true_divide"})


def _unrounded_operands(check: Check) -> frozenset[str]:
    """The operands torch reads unrounded, in float32, rather than rounded to the result dtype."""
    op = check.op
    if op is None or op.arity != 2 or len(check.inputs) != 2 or _scalar_divided_by_tensor(check):
        return frozenset()
    computed = _promoted(check)
    if not isinstance(computed, str) or computed not in dt.REDUCED_FLOATS:
        return frozenset()
    first, second = check.inputs
    if check.device_type == "cpu":
        if op.name not in _UNROUNDED_SECOND_OPERAND_CPU:
            return frozenset()
        if check.label == "operator.mul" and is_python_scalar(check.inputs[first]):
            second = first  # `scalar * tensor` is tensor.__rmul__(scalar): the scalar is the kernel's second operand
        value = check.inputs[second]
        single = is_python_scalar(value) or (isinstance(value, ArrayInput) and value.values.size == 1)
        return frozenset({second}) if single and _changes_when_rounded(value, computed) else frozenset()
    if op.name not in _UNROUNDED_PYTHON_SCALAR:
        return frozenset()
    return frozenset(name for name in (first, second) if is_python_scalar(check.inputs[name]))


def _changes_when_rounded(value: object, dtype: str) -> bool:
    """Whether reading `value` in float32 can differ from rounding it to `dtype` (not when it is `dtype`)."""
    return not (isinstance(value, ArrayInput) and value.dtype.name == dtype)


def _torch_promotion_unrounded(check: Check, reference: object) -> object:
    return _torch_promotion(check, reference, _unrounded_operands(check))


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
        # NumPy 2 refuses a Python int out of the array dtype's range (OverflowError), bitwise ops of
        # uint64 with signed ints (TypeError) and a negative integer power in its own promoted dtype
        # (ValueError: uint8 ** int64(-1)); torch wraps the int (-1 is 255 in uint8) and promotes by
        # its own rules. Where torch's dtype refuses too, the model gives that refusal.
        torch_gives=Returns(
            _torch_promotion,
            "the op computed in torch's promoted dtype",
            where_reference_raises=(OverflowError, TypeError, ValueError),
        ),
        when=lambda check: check.op is not None and _promotion_involved(check) and not _scalar_divided_by_tensor(check),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="float32-scalar-operand",
        ops=ops.labels(lambda op: op.name in _UNROUNDED_SECOND_OPERAND_CPU | _UNROUNDED_PYTHON_SCALAR, inplace=False),
        summary=(
            "with a float16/bfloat16 result, mul/div/floor_divide on the CPU read a single-element second operand "
            "unrounded in float32 (on CUDA: a Python scalar of add/sub/mul/div); other operands are rounded first"
        ),
        example=(
            "torch.zeros(3, dtype=torch.float16) * torch.tensor(65534)  # [0., 0., 0.] (65534 is inf in float16); "
            "torch.tensor(65534) * torch.zeros(3, dtype=torch.float16)  # [nan, nan, nan]"
        ),
        reason=(
            "the CPU kernels of mul and div take a scalar second operand in their float32 compute type to avoid "
            "overflow (pytorch#98691, fixed for that position only); NumPy 2 computes a float16 result from "
            "float16-rounded operands, or promotes where a 0-d array is wider"
        ),
        torch_gives=Returns(_torch_promotion_unrounded, "the op with that operand read in float32"),
        when=lambda check: bool(_unrounded_operands(check)),
        link="https://github.com/pytorch/pytorch/pull/98820",
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
        when=lambda check: any(inp.dtype.name == "bool" for inp in check.operands),
        link="https://pytorch.org/docs/stable/generated/torch.sub.html",
    ),
]
