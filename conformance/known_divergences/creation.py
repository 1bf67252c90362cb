"""Known divergences of constructors, ranges, *_like and dtype inference (suites/test_creation.py)."""

from __future__ import annotations

import math

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.backends import torch_backend
from conformance.check import Check
from conformance.conditions import any_flipped, from_python, layout_of
from conformance.divergences import GivesDtype, KnownDivergence, Raises, Returns
from conformance.layouts import significant_strides
from conformance.outcomes import ExpectedError, Outcome
from conformance.tolerances import Tolerance

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
    return check.label not in ("torch.linspace", "torch.logspace") or check.inputs["steps"] >= 2


def _kernel_with_dtype(*names: str):
    return lambda check: _dtype_in(*names)(check) and _kernel_runs(check)


def _integer_range_applies(check: Check) -> bool:
    dtype = _dtype_arg(check)
    if dtype is None or dtype.kind not in ("int", "uint"):
        return False
    return dtype.name in dt.FULLY_SUPPORTED_INTS or not _kernel_runs(check)


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
        value = start if check.label == "torch.linspace" else base**start
        return overflow if _out_of_range(value, dtype) else np.array([math.trunc(value)], dtype=dtype.numpy)
    if _out_of_range(start, dtype) or _out_of_range(end, dtype):
        return overflow
    with np.errstate(invalid="ignore", over="ignore"):
        return np.trunc(_integer_range_values(check)).astype(dtype.numpy)


def _integer_range_values(check: Check) -> np.ndarray:
    """The float64 values torch truncates: the range of the truncated endpoints (linspace), or
    base to the power of each (logspace)."""
    start, end, steps = check.inputs["start"], check.inputs["end"], check.inputs["steps"]
    exponents = np.linspace(math.trunc(start), math.trunc(end), steps)
    if check.label == "torch.linspace":
        return exponents
    with np.errstate(all="ignore"):
        return np.power(check.inputs.get("base", 10.0), exponents)


def _truncation_ambiguous(check: Check) -> np.ndarray:
    """Elements whose float64 value lies within rounding distance of an integer (an exact
    integer, where the range steps onto one): torch's start + step * i (its vectorised kernel:
    base + k * step) and NumPy's formula round differently in the last bit there, so the
    truncation may fall either side. The bound is 16 ulps of the largest magnitude involved
    (times 1 + |x ln base| for logspace's power). The first and last values are compared:
    torch computes them from start and end alone (its formula runs from both ends)."""
    steps = check.inputs["steps"]
    if steps <= 1 or _out_of_range(check.inputs["start"], _dtype_arg(check)):
        return np.zeros(max(steps, 0), dtype=bool)
    values = _integer_range_values(check)
    start, end = math.trunc(check.inputs["start"]), math.trunc(check.inputs["end"])
    scale = np.maximum(max(abs(start), abs(end)), np.abs(values))
    if check.label == "torch.logspace":
        exponents = np.linspace(start, end, steps)
        scale = np.abs(values) * (1 + np.abs(exponents * math.log(abs(check.inputs.get("base", 10.0)) or 1.0)))
    with np.errstate(invalid="ignore"):
        ambiguous = ~np.isfinite(values) | (np.abs(values - np.round(values)) <= 16 * 2.0**-52 * scale)
    ambiguous[[0, -1]] = False
    return ambiguous


# Machine epsilon and smallest subnormal of the dtypes whose ranges torch computes in their own precision.
_RANGE_EPSILON = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23}
_SMALLEST_SUBNORMAL = {"float16": 2.0**-24, "bfloat16": 2.0**-133, "float32": 2.0**-149}


def _endpoints(check: Check) -> tuple[float, float]:
    """start and end of a range op (arange, linspace, logspace)."""
    if check.label == "torch.arange":
        start, stop, _ = _range_args(check)
        return start, stop
    return check.inputs["start"], check.inputs["end"]


def _result_float_dtype(check: Check) -> str | None:
    """The floating dtype of a range's result (of each part, for complex): the dtype asked
    for, or torch's default where none is asked for and the result is not integral."""
    dtype = _dtype_arg(check)
    if dtype is None:
        if check.label == "torch.arange" and all(isinstance(v, int) for v in _range_args(check)):
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
    steps = abs(end - start) / abs(_range_args(check)[2]) if check.label == "torch.arange" else check.inputs["steps"]
    if check.label == "torch.logspace":
        return Tolerance(math.log(check.inputs.get("base", 10.0)) * 2 * eps * largest + eps, 1e-5)
    return Tolerance(eps, 2 * eps * largest + (steps / 2 + 2) * smallest)


def _range_endpoint_rounds_to_zero(check: Check) -> bool:
    """Whether start (or, for linspace, end) is a zero once converted to the result's dtype."""
    dtype_name = _result_float_dtype(check)
    if dtype_name is None:
        return False
    endpoints = (
        _range_args(check)[:1] if check.label == "torch.arange" else (check.inputs["start"], check.inputs["end"])
    )
    return any(_rounds_to_zero(value, dtype_name) for value in endpoints)


def _full_fill_overflows(check: Check) -> bool:
    fill = check.inputs.get("fill_value")
    dtype = _dtype_arg(check) or dt.from_torch(torch.get_default_dtype())
    if not isinstance(fill, float | complex) or dtype.kind not in ("float", "complex"):
        return False
    largest = dtype.largest
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
        when=any_flipped,
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
        until="2.14",  # torch 2.14 sizes an int64 range in float64 too: arange(0, 5.5, dtype=int64) has 6 elements
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
            "zero); NumPy >= 2.0 computes in float64 and floors. Where a value lands on an integer (or within "
            "rounding distance of one), torch's and the model's float64 formulas round differently in the last "
            "bit and truncation may fall either side: those elements are left out, every other one is exact"
        ),
        torch_gives=Returns(_integer_range, "the float64 range of the truncated endpoints, truncated"),
        when=_integer_range_applies,
        skip=_truncation_ambiguous,
        link="https://numpy.org/doc/stable/release/2.0.0-notes.html",
    ),
    KnownDivergence(
        id="range-in-result-precision",
        ops=("torch.arange", "torch.linspace", "torch.logspace"),
        summary="ranges are computed from endpoints rounded to the result dtype: values stray up to "
        "2·eps·max(|start|, |end|), and a value computed at zero may come out a zero of either sign",
        example="torch.linspace(0, 4.6114, 18, dtype=torch.float16)[7]  # 1.9004; NumPy rounds 1.8990 to 1.8984; "
        "torch.arange(-0.3, 1, 0.1, dtype=torch.float16)[3]  # -0.; np.arange(-0.3, 1, 0.1).astype(np.float16)[3]  # 0.",
        reason=(
            "torch converts the endpoints (and linspace's step) to the result dtype before computing "
            "(float16, bfloat16 and float32); NumPy computes in float64 and rounds once at the end. A value "
            "whose exact result is zero lands on either side of it (-0.3 + 3 * 0.1 is -1.5e-8 from float32 "
            "endpoints, 5.6e-17 in float64), so its zero's sign follows the rounding, not the range"
        ),
        when=lambda check: _result_float_dtype(check) in _RANGE_EPSILON,
        tolerance=_range_step_bound,
        signed_zeros=False,
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
]
