"""Known divergences of mixed operands that torch reads in ways of its own
(suites/test_mixed_operands.py): NumPy scalars torch misreads, ndarrays under `!=` and the
in-place operators, and NumPy bools inside Python data. Conditions live in
`conformance.mixed_operands`, models in `conformance.mixed_operand_models` and
`conformance.python_data`; the entries that read operands faithfully are in
mixed_operand_results.py and mixed_operand_refusals.py.

Every entry here was confirmed with the standalone example it gives on torch 2.13.0 and 2.14.1
(`since`); older releases were not checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from conformance import dtypes as dt
from conformance import mixed_operand_models as models
from conformance import mixed_operands as mixed
from conformance import ops, promotion, python_data
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.normal import as_dtype
from conformance.outcomes import ExpectedError, Outcome


def numpy_scalar_operand_of(name: str) -> Callable[[Check], bool]:
    """Checks with a NumPy scalar operand of dtype `name`, every NumPy scalar operand one that
    torch reads (no np.uint64 past int64's range, which it declines)."""
    scalar_type = dt.dtype(name).numpy.type

    def applies(check: Check) -> bool:
        numbers = [v for _, v in mixed.free_values(check) if isinstance(v, np.generic)]
        return any(isinstance(v, scalar_type) for v in numbers) and not models.wide_numpy_uint64(check)

    return applies


def self_unmodified_unless_refused(check: Check, reference: object) -> object:
    """Self as it was, where NumPy computes the out-of-place `self op ndarray`; NumPy's refusal
    (an operator it has no loop for, a bfloat16 self it cannot read) where it does not."""
    self_input = next(iter(check.inputs.values()))
    arrays = [v.values if isinstance(v, ArrayInput) else v for v in check.inputs.values()]
    if not self_input.dtype.native_numpy:
        return Outcome(error=TypeError(f"Got unsupported ScalarType {self_input.dtype.name}"))
    try:
        with np.errstate(all="ignore"):
            check.op.reference(np, *arrays)
    except Exception as error:  # NumPy's refusal is the operator's
        return Outcome(error=error)
    return as_dtype(self_input.values.copy(), self_input.dtype)


def _identity_comparison(check: Check, reference: object) -> bool:
    return check.label == "operator.ne"


def _declined_by_inplace_operator(check: Check) -> bool:
    """An operand Tensor's in-place operators decline: an ndarray, a np.uint64 past int64's range."""
    return mixed.ndarray_operand(check) or models.wide_numpy_uint64(check)


def _complex_bound(value: object) -> complex | None:
    """A clamp bound torch reads as a complex number: a Python complex (np.complex128 included),
    or a complex 0-d tensor read as a number under the Scalar overload."""
    if isinstance(value, complex):
        return complex(value)
    if isinstance(value, ArrayInput) and not value.shape and value.dtype.is_complex:
        return complex(value.values[()].item())
    return None


def clamp_complex_bound_on_floating(check: Check) -> bool:
    """clamp of a floating tensor under the Scalar overload with a complex bound (and no dimensioned
    tensor bound, which no overload takes next to a number: clamp-number-and-tensor-bounds)."""
    return mixed.clamp_scalar_overload_on_floating(check) and any(
        _complex_bound(v) is not None for _, v in mixed.free_values(check)[1:]
    )


def clamp_with_real_bounds(check: Check, reference: object) -> object:
    """A complex bound with a zero imaginary part read as its real part (torch's documented result
    for that Python float); one with another imaginary part (NaN included) refused."""
    if mixed.python_int_past_64_bits(check):  # the argument parser refuses it before any bound is read
        return Outcome(
            error=ExpectedError(OverflowError, "int too big to convert|can't convert negative int to unsigned")
        )
    if models.numpy_uint64_past_int64(check):  # so it does a np.uint64 past int64 (numpy-uint64-past-int64)
        return Outcome(error=ExpectedError(TypeError, "an integer is required"))
    inputs = dict(check.inputs)
    for name, value in mixed.free_values(check)[1:]:
        number = _complex_bound(value)
        if number is None:
            continue
        if number.imag != 0 or math.isnan(number.imag):
            return Outcome(
                error=ExpectedError(RuntimeError, "value cannot be converted to type double without overflow")
            )
        inputs[name] = number.real
    model = models.as_with_python_numbers("clamp-complex-number-bound-on-floating")
    return model(replace(check, inputs=inputs), reference)


def numpy_bool_in_integer_data(check: Check) -> bool:
    """Nested data without a dtype holding a np.bool_, whose dtype torch infers as integral."""
    data = check.inputs.get("data")
    if not isinstance(data, list | tuple) or check.inputs.get("dtype") is not None:
        return False
    if not any(isinstance(v, np.bool_) for v in python_data.leaves(data)):
        return False
    try:
        return dt.dtype(python_data.inferred_dtype(data)).kind in ("int", "uint")
    except promotion.PromotionError:  # torch refuses the promotion first
        return False


# the in-place operators, which fall back to the out-of-place operator where Tensor declines
_INPLACE_OPERATORS = tuple(
    label for label in ops.labels(lambda op: op.elementwise, inplace=True) if label.startswith("operator.")
)
_PARSER_LINK = "https://github.com/pytorch/pytorch/blob/main/torch/csrc/utils/python_arg_parser.cpp"
_BINARY = ops.labels(lambda op: op.elementwise and sum(o.dtype is None for o in op.operands) >= 2, inplace=False)

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="numpy-bool-scalar-read-as-float",
        ops=_BINARY,
        summary="torch reads a np.bool_ operand as the Python float 0.0 or 1.0: a bool or integer tensor's result is floating",
        example=(
            "torch.tensor([True, False]) + np.True_  # tensor([2., 1.]) float32; "
            "np.array([True, False]) + np.True_  # [True, True] bool"
        ),
        reason=(
            "np.bool_ subclasses no Python number, and torch's argument parser reads such a NumPy scalar through "
            "its __float__; torch then behaves as documented for that Python float (in place: `x += np.False_` on a "
            "bool tensor raises, the float result cannot be cast into it)"
        ),
        torch_gives=models.ReturnsUnlessRefused(
            models.as_with_python_numbers("numpy-bool-scalar-read-as-float"),
            "torch's documented result with the np.bool_ as a Python float",
            where_reference_raises=True,
        ),
        when=numpy_scalar_operand_of("bool"),
        link=_PARSER_LINK,
        since="2.13",
    ),
    KnownDivergence(
        id="numpy-complex64-scalar-real-part",
        ops=_BINARY,
        summary="torch reads a np.complex64 operand as the Python float of its real part: the imaginary part is lost",
        example=(
            "torch.ones(2, dtype=torch.complex64) + np.complex64(1 + 2j)  # tensor([2.+0.j, 2.+0.j]); "
            "torch.ones(2) + np.complex64(1 + 2j)  # tensor([2., 2.]) float32; np.complex128 is read whole"
        ),
        reason=(
            "np.complex64 subclasses no Python number (np.complex128 subclasses complex), and torch's argument "
            "parser reads such a NumPy scalar through its __float__, which drops the imaginary part (with a "
            "ComplexWarning); torch then behaves as documented for that Python float"
        ),
        torch_gives=models.ReturnsUnlessRefused(
            models.as_with_python_numbers("numpy-complex64-scalar-real-part"),
            "torch's documented result with the np.complex64 as the Python float of its real part",
            where_reference_raises=True,
        ),
        when=numpy_scalar_operand_of("complex64"),
        link=_PARSER_LINK,
        since="2.13",
    ),
    KnownDivergence(
        id="equality-by-identity",
        ops=("operator.eq", "operator.ne"),
        summary=(
            "`!=` between a tensor and an ndarray, and `==`/`!=` with a np.uint64 past int64's range, return the "
            "Python bool of an identity comparison (False for ==, True for !=), in either order"
        ),
        example=(
            "torch.tensor([1, 2]) != np.array([1, 2])  # True; torch.zeros(2) == np.uint64(2**64 - 2)  # False; "
            "torch.tensor([1, 2]) == np.array([1, 2])  # tensor([True, True])"
        ),
        reason=(
            "both operands' rich comparisons return NotImplemented for the other (Tensor.__ne__ for an ndarray, "
            "Tensor.__eq__/__ne__ for a np.uint64 its parser declines), and Python falls back to comparing "
            "identities; Tensor.__eq__ converts an ndarray instead (see ndarray-equality-by-torch)"
        ),
        torch_gives=Returns(
            _identity_comparison, "the Python bool of `x is y` (or `x is not y`)", where_reference_raises=True
        ),
        when=lambda check: (
            models.wide_numpy_uint64(check) or (check.label == "operator.ne" and mixed.ndarray_operand(check))
        ),
        link="https://docs.python.org/3/reference/datamodel.html#object.__ne__",
        since="2.13",
    ),
    KnownDivergence(
        id="numpy-uint64-divided-by-tensor",
        ops=("operator.truediv",),
        summary="`np.uint64 / tensor` for a np.uint64 past int64's range is computed as tensor.reciprocal() * number by NumPy",
        example="np.uint64(2**64 - 2) / torch.zeros(2, dtype=torch.bool)  # array([inf, inf]) (NumPy's float64)",
        reason=(
            "Tensor.__rtruediv__ is self.reciprocal() * other, and the product with a np.uint64 torch's parser "
            "declines falls back to NumPy (see ndarray-divided-by-tensor)"
        ),
        torch_gives=Returns(models.reciprocal_times_ndarray, "NumPy's product of the reciprocal tensor and the number"),
        when=lambda check: (
            models.wide_numpy_uint64(check)
            and isinstance(mixed.free_values(check)[0][1], np.uint64)
            and mixed.free_values(check)[1][1].dtype.native_numpy
        ),
        link="https://github.com/pytorch/pytorch/blob/main/torch/_tensor.py",
        since="2.13",
    ),
    KnownDivergence(
        id="inplace-operator-fallback-rebinds",
        ops=_INPLACE_OPERATORS,
        summary=(
            "`t op= ndarray` (or a np.uint64 past int64's range) leaves t unmodified: the name is rebound to "
            "NumPy's out-of-place result, or the operator raises as the out-of-place one does"
        ),
        example="t = u = torch.ones(2); t += np.ones(2)  # t: tensor([2., 2.], float64), a new tensor; u: tensor([1., 1.])",
        reason=(
            "Tensor's in-place operators decline an ndarray (and a np.uint64 its parser declines), so Python falls "
            "back to `t op ndarray`, which NumPy computes (see ndarray-operator-by-numpy), and binds the result "
            "to the name"
        ),
        torch_gives=Returns(self_unmodified_unless_refused, "self unmodified", where_reference_raises=True),
        when=_declined_by_inplace_operator,
        link="https://docs.python.org/3/reference/datamodel.html#object.__iadd__",
        since="2.13",
    ),
    KnownDivergence(
        id="inplace-operator-fallback-returns-new-tensor",
        ops=tuple(f"{label} returns self" for label in _INPLACE_OPERATORS),
        summary="`t op= ndarray` returns a new object, not t (see inplace-operator-fallback-rebinds)",
        example="t = torch.ones(2); (t.__iadd__(np.ones(2)) is NotImplemented, operator.iadd(t, np.ones(2)) is t)  # (True, False)",
        reason="Python's fallback for a declined in-place operator is the out-of-place operator, whose result is new",
        torch_gives=Returns(lambda check, reference: False, "False: a new tensor"),
        when=_declined_by_inplace_operator,
        link="https://docs.python.org/3/reference/datamodel.html#object.__iadd__",
        since="2.13",
    ),
    KnownDivergence(
        id="clamp-complex-number-bound-on-floating",
        ops=ops.labels(lambda op: op.name == "clamp"),
        summary=(
            "clamp of a floating tensor with complex number bounds keeps self's dtype: a bound with a zero "
            "imaginary part clamps as its real part, another raises RuntimeError; NumPy clips in complex"
        ),
        example=(
            "torch.clamp(torch.ones(2), 2 + 0j)  # tensor([2., 2.]) float32; torch.clamp(torch.ones(2), 0.5j)  # "
            "RuntimeError: value cannot be converted to type double without overflow; "
            "np.clip(np.ones(2, np.float32), 2 + 0j, None)  # complex128 [2.+0.j, 2.+0.j]"
        ),
        reason=(
            "clamp(Tensor, Scalar?, Scalar?) promotes only a non-floating self (a complex result is then refused: "
            "clamp-complex); a floating self keeps its dtype, and each bound is converted to it through a double, "
            "which c10 refuses for a complex number with an imaginary part"
        ),
        torch_gives=Returns(
            clamp_with_real_bounds, "clamp with the bounds' real parts, or RuntimeError", where_reference_raises=True
        ),
        when=clamp_complex_bound_on_floating,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/TensorCompare.cpp",
        since="2.13",
    ),
    KnownDivergence(
        id="numpy-bool-in-integer-data",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray"),
        summary="nested data holding a np.bool_ whose inferred dtype is integral raises TypeError; NumPy makes an integer array",
        example=(
            "torch.tensor([np.False_, 0])  # TypeError: 'numpy.bool' object cannot be interpreted as an integer; "
            "torch.tensor([np.True_, 2.5])  # tensor([1.0, 2.5]); np.asarray([np.False_, 0])  # int64 [0, 0]"
        ),
        reason=(
            "torch fills an integral tensor through each element's __index__, which np.bool_ no longer has in "
            "NumPy 2; a floating, complex or bool dtype reads it through __float__, __complex__ or as a bool"
        ),
        torch_gives=Raises(TypeError, "'numpy.bool' object cannot be interpreted as an integer"),
        when=mixed.unless_reference_raises(TypeError, numpy_bool_in_integer_data),
        link="https://numpy.org/doc/stable/release/2.0.0-notes.html",
        since="2.13",
    ),
]
