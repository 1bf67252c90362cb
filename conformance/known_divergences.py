"""The known divergences between torch and NumPy/CuPy, as data.

Each entry is a documented fact about torch: what differs, when (op, inputs,
device), a minimal example, why, and a link where one exists. The oracle checks
that torch still diverges exactly as documented; see `conformance.divergences`.

Conditions and models are small functions of the `Check` (the op's inputs and the
reference's outcome); they live here, next to the entry they belong to, never in
the suites.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from conformance import dtypes as dt
from conformance import ops, promotion
from conformance.backends import torch_backend
from conformance.divergences import (
    Check,
    Crashes,
    ExpectedError,
    GivesDtype,
    KnownDivergence,
    Raises,
    Returns,
    from_python,
    layout_of,
)
from conformance.inputs import ArrayInput
from conformance.layouts import significant_strides
from conformance.oracle import Expected, Outcome, Tolerance, as_dtype

CONSTRUCTORS = (
    "torch.tensor",
    "torch.as_tensor",
    "torch.asarray",
    "torch.zeros",
    "torch.ones",
    "torch.empty",
    "torch.full",
    "torch.eye",
    "torch.arange",
    "torch.linspace",
    "torch.logspace",
)


def _no_dtype_from_python(reference_dtype: str):
    def condition(check: Check) -> bool:
        return check.inputs.get("dtype") is None and from_python(check) and check.reference_dtype == reference_dtype

    return condition


def _dtype_arg(check: Check) -> dt.DType | None:
    value = check.inputs.get("dtype")
    return value if isinstance(value, dt.DType) else None


def _dtype_in(*names: str):
    return lambda check: _dtype_arg(check) is not None and _dtype_arg(check).name in names


def _range_args(check: Check) -> tuple[float, float, float]:
    args = check.inputs["args"]
    return (0, args[0], 1) if len(args) == 1 else tuple(args)


def _integral(value: float) -> bool:
    return float(value).is_integer()


def _rounds_to_zero(value: float, dtype_name: str) -> bool:
    """Whether a Python float becomes a zero in the given floating dtype."""
    if dtype_name == "bfloat16":
        return float(dt.round_to_bfloat16(np.float32(value))) == 0
    return float(np.asarray(value).astype(dt.dtype(dtype_name).numpy)) == 0


def _out_of_range(value: float, dtype: dt.DType) -> bool:
    """torch's Scalar conversion check: a float outside [min, max] of an integer dtype overflows."""
    info = np.iinfo(dtype.numpy)
    return value < int(info.min) or value > int(info.max)


def _arange_int64_fractional_end(check: Check) -> bool:
    dtype = _dtype_arg(check)
    fractional = dtype is not None and dtype.name == "int64" and not _integral(_range_args(check)[1])
    return fractional and not _arange_step_sign_disagrees(check)


def _arange_truncated_end(check: Check, reference: object) -> object:
    start, stop, step = _range_args(check)
    return np.arange(start, math.trunc(stop), step, dtype=np.int64)


def _arange_step_sign_disagrees(check: Check) -> bool:
    start, stop, step = _range_args(check)
    return (stop - start) * step < 0


def _kernel_runs(check: Check) -> bool:
    """linspace/logspace of fewer than 2 steps fill in a value without dispatching a kernel."""
    return check.op not in ("torch.linspace", "torch.logspace") or check.inputs["steps"] >= 2


def _kernel_with_dtype(*names: str):
    return lambda check: _dtype_in(*names)(check) and _kernel_runs(check)


def _integer_range_applies(check: Check) -> bool:
    dtype = _dtype_arg(check)
    if dtype is None or dtype.kind not in ("int", "uint"):
        return False
    return dtype.name in dt.INTS or not _kernel_runs(check)


def _integer_range(check: Check, reference: object) -> object:
    """torch's integer linspace/logspace: endpoints converted to the dtype (an endpoint outside
    its range overflows), the range computed in float64, each value truncated toward zero."""
    dtype = _dtype_arg(check)
    start, end, steps = check.inputs["start"], check.inputs["end"], check.inputs["steps"]
    overflow = Outcome(error=ExpectedError(RuntimeError, "cannot be converted to type"))
    base = check.inputs.get("base", 10.0)
    if steps == 0:
        return np.zeros(0, dtype=dtype.numpy)
    if steps == 1:  # no kernel: the single value (start, or base ** start) is converted
        value = start if check.op == "torch.linspace" else base**start
        return overflow if _out_of_range(value, dtype) else np.array([math.trunc(value)], dtype=dtype.numpy)
    if _out_of_range(start, dtype) or _out_of_range(end, dtype):
        return overflow
    exponents = np.linspace(math.trunc(start), math.trunc(end), steps)
    values = exponents if check.op == "torch.linspace" else np.power(base, exponents)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.trunc(values).astype(dtype.numpy)


# Machine epsilon and smallest subnormal of the dtypes whose ranges torch computes in their own precision.
_RANGE_EPSILON = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23}
_SMALLEST_SUBNORMAL = {"float16": 2.0**-24, "bfloat16": 2.0**-133, "float32": 2.0**-149}


def _endpoints(check: Check) -> tuple[float, float]:
    """start and end of a range op (arange, linspace, logspace)."""
    if check.op == "torch.arange":
        start, stop, _ = _range_args(check)
        return start, stop
    return check.inputs["start"], check.inputs["end"]


def _result_float_dtype(check: Check) -> str | None:
    """The floating dtype of a range's result (of each part, for complex): the dtype asked
    for, or torch's default where none is asked for and the result is not integral."""
    dtype = _dtype_arg(check)
    if dtype is None:
        if check.op == "torch.arange" and all(isinstance(v, int) for v in _range_args(check)):
            return None
        return dt.name_of(torch.get_default_dtype())
    return {"complex64": "float32", "complex128": "float64"}.get(dtype.name, dtype.name if dtype.is_floating else None)


def _range_step_bound(check: Check) -> Tolerance:
    """torch converts start and end (and the step) to the result dtype before it computes the
    range. Rounding them costs half an ulp of the largest endpoint each, and the step's
    relative rounding error, summed over the range, at most another: values stay within
    2·eps·max(|start|, |end|) of the exact ones. Where the step is subnormal its rounding
    error is absolute (half the smallest subnormal) and adds up over the n steps: n/2 + 2
    subnormals more. For logspace the bound holds for the exponent, which turns into a
    relative error of ln(base) times it."""
    name = _result_float_dtype(check)
    eps = _RANGE_EPSILON[name]
    smallest = _SMALLEST_SUBNORMAL[name]
    start, end = _endpoints(check)
    largest = max(abs(start), abs(end))
    steps = abs(end - start) / abs(_range_args(check)[2]) if check.op == "torch.arange" else check.inputs["steps"]
    if check.op == "torch.logspace":
        return Tolerance(math.log(check.inputs.get("base", 10.0)) * 2 * eps * largest + eps, 1e-5)
    return Tolerance(eps, 2 * eps * largest + (steps / 2 + 2) * smallest)


def _range_endpoint_rounds_to_zero(check: Check) -> bool:
    """Whether start (or, for linspace, end) is a zero once converted to the result's dtype."""
    dtype_name = _result_float_dtype(check)
    if dtype_name is None:
        return False
    endpoints = _range_args(check)[:1] if check.op == "torch.arange" else (check.inputs["start"], check.inputs["end"])
    return any(_rounds_to_zero(value, dtype_name) for value in endpoints)


def _full_fill_overflows(check: Check) -> bool:
    fill = check.inputs.get("fill_value")
    dtype = _dtype_arg(check) or dt.from_torch(torch.get_default_dtype())
    if not isinstance(fill, float | complex) or dtype.kind not in ("float", "complex"):
        return False
    largest = float(np.finfo(np.float32 if dtype.name in ("bfloat16", "complex64") else dtype.numpy).max)
    if dtype.name == "bfloat16":
        largest = float(np.array(0x7F7F0000, dtype=np.uint32).view(np.float32))
    parts = (fill.real, fill.imag) if isinstance(fill, complex) else (fill,)
    return any(math.isfinite(p) and abs(p) > largest for p in parts)


def _torch_like_strides(check: Check, reference: object) -> object:
    """The strides torch's *_like gives an input that is not dense (here: one with stride-0 dims).

    Dims are ranked by the input's strides, innermost first, by an insertion sort
    that leaves a dim in place whenever either stride compared is 0; the result is
    contiguous in that order.
    """
    inp = check.inputs["input"]
    shape = inp.shape
    strides = torch_backend(check.device).build(inp).stride()  # the input's, as torch laid it out

    def order(first: int, second: int) -> int:
        if strides[first] == 0 or strides[second] == 0:
            return 0
        if strides[first] != strides[second]:
            return 1 if strides[first] > strides[second] else -1
        return 1 if shape[first] > shape[second] else 0

    perm = list(range(len(shape) - 1, -1, -1))  # innermost first
    for position in range(1, len(perm)):
        moving = position
        for before in range(position - 1, -1, -1):
            comparison = order(perm[before], perm[moving])
            if comparison > 0:
                perm[before], perm[moving] = perm[moving], perm[before]
                moving = before
            elif comparison < 0:
                break
    result, size = [0] * len(shape), 1
    for dim in perm:
        result[dim] = size
        size *= max(shape[dim], 1)
    return significant_strides(shape, result)


# ---------------------------------------------------------------------------
# Elementwise ops of the catalog


def _catalog_op(check: Check) -> ops.Op | None:
    return ops.op_of_form(check.op)


def _operands(check: Check) -> list[ArrayInput]:
    return [value for value in check.inputs.values() if isinstance(value, ArrayInput)]


def _uniform(check: Check) -> bool:
    """All operands are arrays of one dtype: no promotion is involved."""
    values = [v for name, v in check.inputs.items() if name != "condition"]
    return all(isinstance(v, ArrayInput) for v in values) and len({v.dtype.name for v in values}) <= 1


def _lacks_kernel(check: Check) -> bool:
    op = _catalog_op(check)
    return op is not None and _uniform(check) and any(inp.dtype.name in op.torch_lacks for inp in _operands(check))


def _integers_to_default_float(check: Check) -> bool:
    op = _catalog_op(check)
    return (
        op is not None
        and op.integers_to_float
        and _uniform(check)
        and all(inp.dtype.is_integral for inp in _operands(check))
        and not _lacks_kernel(check)
    )


def _computed_in_default_float(check: Check, reference: object) -> object:
    """The op's NumPy reference on the inputs converted to torch's default dtype (float32), in it."""
    op = _catalog_op(check)
    default = dt.dtype(dt.name_of(torch.get_default_dtype())).numpy
    converted = [np.asarray(inp.values).astype(default) for inp in _operands(check)]
    with np.errstate(all="ignore"):
        return np.asarray(op.reference(np, *converted)).astype(default)


def _keep_tag(reference: object, values: np.ndarray) -> object:
    """`values` in place of the reference's, keeping a bfloat16 tag where there is one."""
    return Expected(values, reference.dtype) if isinstance(reference, Expected) else values


def _reference_values(reference: object) -> np.ndarray:
    return np.asarray(reference.values if isinstance(reference, Expected) else reference)


def _result_shape(check: Check) -> tuple[int, ...] | None:
    """The shape of an elementwise result; None where the operands do not broadcast, or an
    in-place form's result would not fit into self."""
    try:
        shape = np.broadcast_shapes(*(inp.shape for inp in _operands(check)))
    except ValueError:
        return None
    form = ops.form_of(check.op)
    if form is not None and form.inplace and shape != _operands(check)[0].shape:
        return None
    return shape


def _nonempty_result(check: Check) -> bool:
    shape = _result_shape(check)
    return shape is not None and math.prod(shape) > 0


def _float_operand_with(predicate) -> Callable[[Check], bool]:
    return lambda check: (
        any(inp.dtype.is_floating and bool(predicate(inp.values).any()) for inp in _operands(check))
        and _nonempty_result(check)
    )


def _sign_with_nan_as_zero(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    values[np.isnan(values)] = 0
    return _keep_tag(reference, values)


def _remainder_zeros_take_dividend_sign(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    dividend = np.broadcast_to(_operands(check)[0].values, values.shape)
    zeros = values == 0
    values[zeros] = np.copysign(0.0, dividend[zeros])
    return _keep_tag(reference, values)


def _integer_pow_with_negative_exponents(check: Check, reference: object) -> object:
    base, exponent = (inp.values for inp in _operands(check))
    base, exponent = np.broadcast_arrays(base, exponent)
    dtype = _operands(check)[0].dtype.numpy
    with np.errstate(all="ignore"):
        result = np.power(base, np.maximum(exponent, 0)).astype(dtype)
    odd = (exponent % 2) != 0
    negative = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(dtype)
    return np.where(exponent < 0, negative, result)


def _negative_exponent(check: Check) -> bool:
    operands = _operands(check)
    return (
        len(operands) == 2
        and operands[0].dtype.kind == "int"
        and bool((operands[1].values < 0).any())
        and _nonempty_result(check)
    )


def _complex_extremal(check: Check) -> np.ndarray:
    """Result positions computed from a complex input with a NaN or infinite part, or a part
    whose square overflows (|part| >= sqrt(max)) or underflows (0 < |part| < sqrt(tiny))."""
    shape = _result_shape(check) or ()
    mask = np.zeros(shape, dtype=bool)
    for inp in _operands(check):
        if inp.dtype.is_complex:
            info = np.finfo(inp.values.real.dtype)
            parts = np.abs(np.stack([inp.values.real, inp.values.imag]))
            extremal = ~np.isfinite(parts) | (parts >= math.sqrt(float(info.max)))
            extremal |= (parts > 0) & (parts < math.sqrt(float(info.tiny)))
            mask |= np.broadcast_to(extremal.any(axis=0), shape)
    return mask


def _complex_zero_base(check: Check) -> np.ndarray:
    base = _operands(check)[0]
    return np.broadcast_to(base.values == 0, _result_shape(check) or ())


def _quotient_overflows(check: Check) -> np.ndarray:
    """Result positions of a floating fmod/remainder whose quotient x / y overflows the dtype."""
    shape = _result_shape(check) or ()
    dividend, divisor = _operands(check)
    if not dividend.dtype.is_floating:
        return np.zeros(shape, dtype=bool)
    largest = float(np.finfo(np.float32 if dividend.dtype.name == "bfloat16" else dividend.dtype.numpy).max)
    with np.errstate(all="ignore"):
        quotient = np.abs(dividend.values.astype(np.float64) / divisor.values.astype(np.float64))
        finite = np.isfinite(dividend.values) & np.isfinite(divisor.values) & (divisor.values != 0)
    return np.broadcast_to(finite & (quotient > largest), shape)


def _exp_overflow_band(check: Check) -> np.ndarray:
    """Positions of a real sinh/cosh input x with ln(max) < |x| <= ln(2 max), in the precision
    torch computes in (float64 for float64, float32 otherwise): exp(|x|) overflows there, while
    sinh and cosh, about half of it, do not."""
    (inp,) = _operands(check)
    if inp.dtype.is_complex:
        return np.zeros(inp.shape, dtype=bool)
    largest = float(np.finfo(np.float64 if inp.dtype.name == "float64" else np.float32).max)
    magnitude = np.abs(inp.values.astype(np.float64))
    return (magnitude > math.log(largest)) & (magnitude <= math.log(2) + math.log(largest))


def _any_complex(check: Check) -> bool:
    """Whether an operand is complex: a complex array, or a Python complex scalar."""
    return any(inp.dtype.is_complex for inp in _operands(check)) or any(
        isinstance(v, complex) for v in check.inputs.values()
    )


def _complex_reciprocal_of_zero(check: Check, reference: object) -> object:
    values = _reference_values(reference).copy()
    values[np.broadcast_to(_operands(check)[0].values == 0, values.shape)] = complex(math.inf, math.nan)
    return values


def _zeros_of_both_signs(check: Check) -> bool:
    """Whether a -0.0 meets a +0.0 (or an integral zero, which converts to +0.0)."""
    negative = any(
        inp.dtype.kind == "float" and bool((np.signbit(inp.values) & (inp.values == 0)).any())
        for inp in _operands(check)
    )
    positive = any(bool(((inp.values == 0) & ~np.signbit(np.real(inp.values))).any()) for inp in _operands(check))
    return negative and positive


def _integer_divisor_has_zero(check: Check) -> bool:
    operands = _operands(check)
    return (
        len(operands) == 2
        and all(inp.dtype.kind in ("int", "uint") for inp in operands)
        and bool((operands[1].values == 0).any())
        and _nonempty_result(check)
        and not _lacks_kernel(check)
    )


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
        id="default-float32",
        ops=CONSTRUCTORS,
        summary="without a dtype, torch makes float32 where NumPy makes float64",
        example="torch.tensor([1.5]).dtype  # torch.float32; np.asarray([1.5]).dtype  # float64",
        reason="torch's default floating dtype is float32 (torch.get_default_dtype()); NumPy's is float64",
        torch_gives=GivesDtype("float32"),
        when=lambda check: torch.get_default_dtype() == torch.float32 and _no_dtype_from_python("float64")(check),
        link="https://pytorch.org/docs/stable/generated/torch.set_default_dtype.html",
    ),
    KnownDivergence(
        id="default-complex64",
        ops=CONSTRUCTORS,
        summary="without a dtype, torch makes complex64 from Python complex numbers where NumPy makes complex128",
        example="torch.tensor([1j]).dtype  # torch.complex64; np.asarray([1j]).dtype  # complex128",
        reason="torch's default complex dtype follows its default float dtype: complex64 for float32",
        torch_gives=GivesDtype("complex64"),
        when=lambda check: torch.get_default_dtype() == torch.float32 and _no_dtype_from_python("complex128")(check),
        link="https://pytorch.org/docs/stable/generated/torch.set_default_dtype.html",
    ),
    KnownDivergence(
        id="negative-strides-rejected",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray", "torch.from_numpy"),
        summary="torch refuses NumPy arrays with negative strides, even where it copies them (torch.tensor)",
        example="torch.as_tensor(np.arange(3)[::-1])  # ValueError: At least one stride ... is negative",
        reason="torch tensors cannot have negative strides, and these calls share memory instead of copying",
        torch_gives=Raises(ValueError, "stride.*negative"),
        when=lambda check: any(layout_of(value).flipped for value in check.inputs.values() if layout_of(value)),
        link="https://github.com/pytorch/pytorch/issues/92680",
    ),
    KnownDivergence(
        id="arange-step-sign",
        ops=("torch.arange",),
        summary="arange raises where the step points away from the end; NumPy returns an empty array",
        example="torch.arange(10, 0, 1)  # RuntimeError; np.arange(10, 0, 1)  # array([], dtype=int64)",
        reason="torch checks that the step's sign agrees with end - start before sizing the result",
        torch_gives=Raises(RuntimeError, "inconsistent with step sign"),
        when=_arange_step_sign_disagrees,
        link="https://pytorch.org/docs/stable/generated/torch.arange.html",
    ),
    KnownDivergence(
        id="arange-int64-truncates-end",
        ops=("torch.arange",),
        summary="with dtype=int64, arange truncates a fractional end before sizing the range (other int dtypes do not)",
        example="torch.arange(0, 5.5, dtype=torch.int64)  # 5 elements; np.arange(0, 5.5, dtype=np.int64)  # 6",
        reason=(
            "for int64, torch converts the Scalar arguments to int64 first; for the other integer dtypes it "
            "sizes the range in float64, as NumPy does"
        ),
        torch_gives=Returns(_arange_truncated_end, "the range up to the truncated end"),
        when=_arange_int64_fractional_end,
        link="https://pytorch.org/docs/stable/generated/torch.arange.html",
    ),
    KnownDivergence(
        id="unsigned-limited-support",
        ops=("torch.arange", "torch.linspace", "torch.logspace", "torch.eye"),
        summary="uint16, uint32 and uint64 have no arange, linspace, logspace or eye kernels",
        example="torch.eye(2, dtype=torch.uint32)  # NotImplementedError: \"eye\" not implemented for 'UInt32'",
        reason="torch's uint16/32/64 are 'limited support' dtypes: creation by copy and conversion, few kernels",
        torch_gives=Raises(NotImplementedError, "not implemented for 'UInt(16|32|64)'"),
        when=_kernel_with_dtype("uint16", "uint32", "uint64"),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="arange-no-bool-or-complex",
        ops=("torch.arange",),
        summary="arange has no bool or complex kernel; NumPy makes such ranges",
        example="torch.arange(2, dtype=torch.bool)  # NotImplementedError; np.arange(2, dtype=bool)  # [False, True]",
        reason="torch dispatches arange for real numeric dtypes only",
        torch_gives=Raises(NotImplementedError, "not implemented for '(Bool|ComplexFloat|ComplexDouble)'"),
        when=_dtype_in("bool", "complex64", "complex128"),
        link="https://pytorch.org/docs/stable/generated/torch.arange.html",
    ),
    KnownDivergence(
        id="linspace-no-bool",
        ops=("torch.linspace", "torch.logspace"),
        summary="linspace and logspace have no bool kernel; NumPy casts the float range to bool",
        example="torch.linspace(0, 1, 3, dtype=torch.bool)  # NotImplementedError; np.linspace(0, 1, 3, dtype=bool)",
        reason="torch dispatches linspace/logspace for numeric dtypes only",
        torch_gives=Raises(NotImplementedError, "not implemented for 'Bool'"),
        when=_kernel_with_dtype("bool"),
        link="https://pytorch.org/docs/stable/generated/torch.linspace.html",
    ),
    KnownDivergence(
        id="integer-range-truncates",
        ops=("torch.linspace", "torch.logspace"),
        summary="integer linspace/logspace truncate the endpoints first and round toward zero; NumPy 2 floors",
        example="torch.linspace(-10, 0, 4, dtype=torch.int64)  # [-10, -6, -3, 0]; NumPy gives [-10, -7, -4, 0]",
        reason=(
            "torch converts start and end to the integer dtype, steps in float64 and casts each value (toward "
            "zero); NumPy >= 2.0 computes in float64 and floors. torch's vectorised kernel truncates its base "
            "value once more, so it may stray from the truncation model by 1"
        ),
        torch_gives=Returns(_integer_range, "the float64 range of the truncated endpoints, truncated"),
        when=_integer_range_applies,
        tolerance=lambda check: Tolerance(0.0, 1.0),
        link="https://numpy.org/doc/stable/release/2.0.0-notes.html",
    ),
    KnownDivergence(
        id="range-in-result-precision",
        ops=("torch.arange", "torch.linspace", "torch.logspace"),
        summary="ranges are computed from endpoints rounded to the result dtype: values stray up to 2·eps·max(|start|, |end|)",
        example="torch.linspace(0, 4.6114, 18, dtype=torch.float16)[7]  # 1.9004; NumPy rounds 1.8990 to 1.8984",
        reason=(
            "torch converts the endpoints (and linspace's step) to the result dtype before computing "
            "(float16, bfloat16 and float32); NumPy computes in float64 and rounds once at the end"
        ),
        when=lambda check: _result_float_dtype(check) in _RANGE_EPSILON,
        tolerance=_range_step_bound,
        link="https://pytorch.org/docs/stable/generated/torch.linspace.html",
    ),
    KnownDivergence(
        id="range-signed-zero-endpoints",
        ops=("torch.linspace", "torch.arange"),
        summary="where an endpoint is (or rounds to) a zero, the zeros of linspace/arange may carry the other sign",
        example="torch.linspace(0.0, -0.0, 2)  # [0., 0.]; np.linspace(0.0, -0.0, 2)  # [0., -0.]",
        reason="NumPy stores start and stop themselves; torch computes them, e.g. as end - step * 0",
        when=_range_endpoint_rounds_to_zero,
        signed_zeros=False,
        link="https://pytorch.org/docs/stable/generated/torch.linspace.html",
    ),
    KnownDivergence(
        id="like-stride-zero-layout",
        ops=tuple(f"torch.{name}_like strides" for name in ("zeros", "ones", "empty", "full")),
        summary="*_like of an input with stride-0 dims orders the result's dims differently from NumPy's order='K'",
        example=(
            "torch.zeros_like(torch.zeros(2, 1).expand(2, 2).t()).stride()  # (2, 1); "
            "np.zeros_like(np.broadcast_to(np.zeros((2, 1)), (2, 2)).T).strides  # (8, 16)"
        ),
        reason=(
            "torch's preserve_format copies the strides of dense inputs only; for others it ranks dims by "
            "stride but never moves a stride-0 dim, where NumPy ranks stride-0 dims innermost"
        ),
        torch_gives=Returns(_torch_like_strides, "torch's stride ranking that leaves stride-0 dims in place"),
        when=lambda check: bool(layout_of(check.inputs.get("input")) and check.inputs["input"].layout.expanded),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-memory-format",
    ),
    KnownDivergence(
        id="numpy-uint64-scalar",
        ops=("torch.tensor", "torch.as_tensor"),
        summary="torch.tensor and torch.as_tensor cannot read a NumPy uint64 scalar (torch.asarray and 0-d arrays work)",
        example="torch.tensor(np.uint64(5))  # TypeError: an integer is required",
        reason="torch's scalar conversion takes NumPy integer scalars through a signed 64-bit path",
        torch_gives=Raises(TypeError, "an integer is required"),
        when=lambda check: isinstance(check.inputs.get("data"), np.uint64),
        link="https://pytorch.org/docs/stable/generated/torch.tensor.html",
    ),
    KnownDivergence(
        id="full-fill-out-of-range",
        ops=("torch.full",),
        summary="torch.full raises for a finite fill value beyond the dtype's largest; NumPy rounds it (to inf)",
        example="torch.full((1,), 3.5e38)  # RuntimeError: value cannot be converted to type float without overflow",
        reason="torch checks the Scalar fill value against the result dtype's range before filling",
        torch_gives=Raises(RuntimeError, "cannot be converted to type .* without overflow"),
        when=_full_fill_overflows,
        link="https://pytorch.org/docs/stable/generated/torch.full.html",
    ),
    KnownDivergence(
        id="no-kernel-for-dtype",
        ops=ops.labels(lambda op: bool(op.torch_lacks)),
        summary="torch has no kernel for some op/dtype pairs NumPy computes (see each op's torch_lacks in the catalog)",
        example="torch.hypot(torch.tensor([3]), torch.tensor([4]))  # NotImplementedError; np.hypot(3, 4) == 5.0",
        reason=(
            "torch dispatches each kernel for a list of dtypes; uint16/32/64 are 'limited support' dtypes, and "
            "bool, integer and complex inputs are left out of several ops"
        ),
        torch_gives=Raises((NotImplementedError, RuntimeError), "not implemented for|not supported"),
        when=_lacks_kernel,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
    KnownDivergence(
        id="integers-to-default-float",
        ops=ops.labels(lambda op: op.integers_to_float, inplace=False),
        summary="bool/integer inputs of floating ops give torch's default float32; NumPy picks float16/32/64 by size",
        example="torch.sqrt(torch.tensor([4])).dtype  # float32; np.sqrt(np.array([4])).dtype  # float64",
        reason="torch promotes integral inputs of floating ops to the default dtype; NumPy to the smallest "
        "float that holds the integer type (int8 -> float16, int16 -> float32, int32/int64 -> float64)",
        torch_gives=Returns(_computed_in_default_float, "the op computed on the inputs converted to float32"),
        when=_integers_to_default_float,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="minmax-signed-zeros",
        ops=ops.labels(lambda op: op.family == "minmax"),
        summary="maximum/minimum/fmax/fmin/clamp may return either zero where +0.0 and -0.0 meet",
        example="torch.minimum(torch.tensor(0.0), torch.tensor(-0.0))  # 0.; np.minimum(0.0, -0.0)  # -0.",
        reason="torch compares with < and > (which see +0.0 == -0.0) and keeps the first operand; NumPy orders -0.0 below +0.0",
        when=_zeros_of_both_signs,
        signed_zeros=False,
        link="https://pytorch.org/docs/stable/generated/torch.minimum.html",
    ),
    KnownDivergence(
        id="integer-division-by-zero",
        ops=ops.labels(lambda op: op.name in ("floor_divide", "remainder", "fmod")),
        summary="integer division by zero raises in torch; NumPy returns 0 and warns",
        example="torch.tensor([1]) // torch.tensor([0])  # RuntimeError: ZeroDivisionError; NumPy gives 0",
        reason="torch's CPU integer division kernels check for zero divisors and raise",
        torch_gives=Raises(RuntimeError, "ZeroDivisionError"),
        when=_integer_divisor_has_zero,
        link="https://pytorch.org/docs/stable/generated/torch.floor_divide.html",
    ),
    KnownDivergence(
        id="integer-pow-negative-exponent",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary="integer pow with a negative exponent returns 0, 1 or -1 in torch; NumPy raises ValueError",
        example="torch.tensor([2]) ** torch.tensor([-1])  # tensor([0]); NumPy: Integers to negative integer powers are not allowed",
        reason="torch computes integer powers in integer arithmetic (1/x**n truncated toward zero); NumPy refuses them",
        torch_gives=Returns(
            _integer_pow_with_negative_exponents,
            "1 for base 1, +-1 for base -1, 0 otherwise",
            where_reference_raises=True,
        ),
        when=_negative_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="sign-of-nan-is-zero",
        ops=ops.labels(lambda op: op.name == "sign"),
        summary="torch.sign(nan) is 0; NumPy's sign of NaN is NaN",
        example="torch.sign(torch.tensor(float('nan')))  # tensor(0.); np.sign(np.nan)  # nan",
        reason="torch computes sign as (0 < x) - (x < 0), and both comparisons are False for NaN",
        torch_gives=Returns(_sign_with_nan_as_zero, "NumPy's sign with NaN mapped to 0"),
        when=_float_operand_with(np.isnan),
        link="https://pytorch.org/docs/stable/generated/torch.sign.html",
    ),
    KnownDivergence(
        id="sign-of-bool",
        ops=ops.labels(lambda op: op.name == "sign"),
        summary="torch.sign of a bool tensor returns it unchanged; NumPy has no sign for bool and raises",
        example="torch.sign(torch.tensor([True, False]))  # tensor([True, False]); np.sign(np.array([True]))  # TypeError",
        reason="torch's sign kernel covers bool (the sign of True is 1, that is True); NumPy's ufunc has no bool loop",
        torch_gives=Returns(
            lambda check, reference: _operands(check)[0].values.copy(), "the input itself", where_reference_raises=True
        ),
        when=lambda check: _operands(check)[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.sign.html",
    ),
    KnownDivergence(
        id="square-of-bool-is-int64",
        ops=ops.labels(lambda op: op.name == "square", inplace=False),
        summary="torch.square of a bool tensor gives int64; NumPy gives int8",
        example="torch.square(torch.tensor([True])).dtype  # torch.int64; np.square(np.array([True])).dtype  # int8",
        reason="torch computes square as pow(x, 2), and pow promotes bool with the Python int 2 to int64",
        torch_gives=GivesDtype("int64"),
        when=lambda check: _operands(check)[0].dtype.name == "bool",
        link="https://pytorch.org/docs/stable/generated/torch.square.html",
    ),
    KnownDivergence(
        id="remainder-zero-sign",
        ops=ops.labels(lambda op: op.name == "remainder"),
        summary="a zero remainder carries the dividend's sign in torch, the divisor's in NumPy",
        example="torch.remainder(torch.tensor(0.0), -1.0)  # 0.; np.remainder(0.0, -1.0)  # -0.",
        reason="torch computes a - b * floor(a / b), whose zeros follow a; NumPy copies the divisor's sign onto zeros",
        torch_gives=Returns(_remainder_zeros_take_dividend_sign, "NumPy's remainder with zeros signed as the dividend"),
        when=lambda check: all(inp.dtype.is_floating for inp in _operands(check)) and _nonempty_result(check),
        link="https://pytorch.org/docs/stable/generated/torch.remainder.html",
    ),
    KnownDivergence(
        id="complex-extremal-values",
        ops=ops.labels(),
        summary="complex results from extremal inputs (a NaN or infinite part, or one whose square overflows or "
        "underflows) are not C99-conforming",
        example="torch.log1p(torch.tensor(1e-38 + 1e-45j))  # nan+nanj; NumPy: 0+1e-45j",
        reason=(
            "torch does not follow C99 Annex G for complex extremal values; its notes on numerical accuracy "
            "say results with such inputs are not guaranteed. The suite compares every other element"
        ),
        when=lambda check: (
            _any_complex(check) and _result_shape(check) is not None and bool(_complex_extremal(check).any())
        ),
        skip=_complex_extremal,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-signed-zeros",
        ops=ops.labels(),
        summary="the signs of zero parts of complex results differ (torch.neg gives 0+0j for every complex zero)",
        example="torch.neg(torch.tensor(0j))  # 0.+0.j; np.negative(0j)  # -0.-0.j",
        reason="torch computes several complex ops with other formulas than NumPy's (neg as 0 - z, for one), "
        "and the sign of a zero part follows the formula",
        when=_any_complex,
        signed_zeros=False,
        link="https://github.com/pytorch/pytorch/issues/154501",
    ),
    KnownDivergence(
        id="complex-pow-zero-base",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary="complex pow with a zero base is computed as exp(y * log 0): 0**0 is nan+nanj (NumPy: 1)",
        example="torch.pow(torch.tensor(0j), torch.tensor(0j))  # nan+nanj; np.power(0j, 0j)  # 1+0j",
        reason="torch evaluates complex powers through exp and log without special-casing a zero base",
        when=lambda check: _any_complex(check) and _nonempty_result(check) and bool(_complex_zero_base(check).any()),
        skip=_complex_zero_base,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-reciprocal-of-zero",
        ops=ops.labels(lambda op: op.name == "reciprocal"),
        summary="the complex reciprocal of zero is inf+nanj in torch, nan+nanj in NumPy",
        example="torch.reciprocal(torch.tensor(0j))  # inf+nanj; np.reciprocal(0j)  # nan+nanj",
        reason="torch divides 1 by the complex zero with its own division routine",
        torch_gives=Returns(_complex_reciprocal_of_zero, "NumPy's reciprocal with zeros mapped to inf+nanj"),
        when=lambda check: _any_complex(check) and bool((_operands(check)[0].values == 0).any()),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="inplace-abs-of-complex",
        ops=("Tensor.abs_",),
        summary="in-place abs of a complex tensor raises in torch; NumPy stores |z| back as a complex number",
        example="torch.tensor([3 + 4j]).abs_()  # RuntimeError; np.abs(a, out=a) gives [5+0j]",
        reason="torch refuses in-place ops whose result dtype (real) differs from self's (complex) for abs",
        torch_gives=Raises(RuntimeError, "In-place abs is not supported for complex tensors"),
        when=lambda check: _any_complex(check),
        link="https://pytorch.org/docs/stable/generated/torch.abs.html",
    ),
    KnownDivergence(
        id="inplace-integers-to-float",
        ops=tuple(label for label in ops.labels(lambda op: op.integers_to_float) if ops.form_of(label).inplace),
        summary="in-place floating ops on an integer tensor raise in torch; NumPy's integer reciprocal stays in place",
        example="torch.tensor([2], dtype=torch.uint8).reciprocal_()  # RuntimeError; np.reciprocal(a, out=a) works",
        reason="torch's result is floating (see integers-to-default-float) and cannot be cast back into an integer self",
        torch_gives=Raises(RuntimeError, "can't be cast to the desired output type"),
        when=lambda check: all(inp.dtype.is_integral for inp in _operands(check)) and _result_shape(check) is not None,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="vectorized-fmod-large-quotient",
        ops=ops.labels(lambda op: op.name in ("fmod", "remainder")),
        summary="floating fmod/remainder give NaN on torch's vectorised CPU path where |x / y| overflows",
        example="torch.fmod(torch.full((16,), 1.0), 1e-45)  # nan x16; torch.fmod(torch.tensor(1.0), 1e-45)  # 0.",
        reason=(
            "the vectorised kernel calls Sleef's fmod, whose result is undefined once |x / y| is huge; the scalar "
            "path (short tensors, tails) is exact. Which elements take which path depends on the length, so the "
            "suite leaves these elements out of the comparison"
        ),
        when=lambda check: _nonempty_result(check) and bool(_quotient_overflows(check).any()),
        skip=_quotient_overflows,
        link="https://github.com/pytorch/pytorch/issues/193753",
        device_types=("cpu",),
    ),
    KnownDivergence(
        id="vectorized-sinh-cosh-early-overflow",
        ops=ops.labels(lambda op: op.name in ("sinh", "cosh")),
        summary="sinh/cosh overflow to inf on torch's vectorised CPU path for ln(max) < |x| <= ln(2 max)",
        example="torch.sinh(torch.full((32,), 89.0))  # inf x32; torch.sinh(torch.tensor(89.0))  # 2.2448e+38",
        reason=(
            "the vectorised kernel evaluates exp(|x|), which overflows before sinh and cosh (about half of it) do; "
            "the scalar path (short tensors, tails) is exact, so the suite leaves these elements out"
        ),
        when=lambda check: _nonempty_result(check) and bool(_exp_overflow_band(check).any()),
        skip=_exp_overflow_band,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
        device_types=("cpu",),
    ),
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
    KnownDivergence(
        id="array-protocol-without-copy-keyword",
        ops=("np.array(copy=False)",),
        summary="np.array(tensor, copy=False) raises, though the tensor's memory could be shared",
        example="np.array(torch.ones(2), copy=False)  # ValueError: Unable to avoid copy (and a DeprecationWarning)",
        reason="torch's Tensor.__array__ takes no `copy` keyword (NumPy 2's protocol), so NumPy cannot ask it not to copy",
        torch_gives=Raises(ValueError, "Unable to avoid copy"),
        link="https://numpy.org/devdocs/numpy_2_0_migration_guide.html#adapting-to-changes-in-the-copy-keyword",
    ),
    KnownDivergence(
        id="from-dlpack-ignores-read-only",
        ops=("torch.from_dlpack read-only",),
        summary="torch.from_dlpack of a read-only NumPy array gives a writable tensor, silently",
        example="a = np.arange(4.0); a.setflags(write=False); torch.from_dlpack(a)[0] = 1  # writes; no warning",
        reason="torch does not carry DLPack's read-only flag into the tensor (torch.from_numpy warns in the same case)",
        torch_gives=Returns(lambda check, reference: {"writable": True}, "a writable tensor, no warning"),
        link="https://pytorch.org/docs/stable/dlpack.html",
    ),
    KnownDivergence(
        id="from-dlpack-negative-strides-abort",
        ops=("torch.from_dlpack",),
        summary="torch.from_dlpack of a NumPy array with a negative stride aborts the interpreter (SIGABRT)",
        example="torch.from_dlpack(np.arange(6.0)[::-1])  # terminate called after throwing an instance of 'c10::Error'",
        reason="the storage size computation throws through a noexcept function, so C++ terminates the process",
        torch_gives=Crashes("SIGABRT"),
        when=lambda check: (
            any(layout_of(v).flipped for v in check.inputs.values() if layout_of(v))
            and math.prod(check.inputs["array"].shape) > 0
        ),
        link="https://github.com/pytorch/pytorch/issues/188023",
        device_types=("cpu",),
    ),
]
