"""Known divergences of complex elementwise results (suites/test_broadcast.py): extremal
values, signed zeros, and torch's complex formulas (pow through exp and log, reciprocal)."""

from __future__ import annotations

import math

import numpy as np

from conformance import conditions, ops
from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.mixed_operand_models import ndarray_divided_by_tensor, pow_shortcut
from conformance.tolerances import Tolerance, tolerance_for


def _ndarray_divided_by_tensor(check: Check) -> bool:
    return check.label == "operator.truediv" and ndarray_divided_by_tensor(check)


def _as_complex128(values: object) -> np.ndarray:
    return dt.dtype("complex128").carry(values)


def _complex_extremal(check: Check) -> np.ndarray:
    """Result positions computed from a complex operand (a tensor, or a complex number or ndarray
    converted to the complex dtype the result is computed in; a real tensor or number converted
    to it too)
    with a NaN or infinite part, or a part whose square overflows (|part| >= sqrt(max)) or
    underflows (0 < |part| < sqrt(tiny)). For
    `ndarray / tensor`, the tensor's only: torch takes its reciprocal, and NumPy multiplies the
    array in (ndarray-divided-by-tensor models that product)."""
    shape = conditions.result_shape(check) or ()
    mask = np.zeros(shape, dtype=bool)
    computed = conditions.computed_dtype(check)
    tensors_only = _ndarray_divided_by_tensor(check)
    for value in check.inputs.values():
        if tensors_only and not isinstance(value, ArrayInput):
            continue
        if isinstance(value, ArrayInput):
            dtype, values = value.dtype, value.values
            if not dtype.is_complex and computed and dt.dtype(computed).is_complex:
                # a real tensor converted to the complex dtype the result is computed in:
                # pow(float32 -inf, 0j) is exp(0j * log(-inf + 0j)), nan+nanj (NumPy: 1)
                dtype, values = dt.dtype(computed), np.asarray(values, dtype=np.complex128)
        else:
            read = conditions.numpy_scalar_as_number(value) if isinstance(value, np.generic) else value
            complex_result = computed is not None and dt.dtype(computed).is_complex
            if not (np.iscomplexobj(read) or (complex_result and conditions.is_python_scalar(read))):
                continue  # (a np.complex64 is read as its real part)
            # a real number is converted to the complex dtype too: torch.pow(6.8e38, complex64 0j) is
            # pow(inf + 0j, 0j), nan+nanj (NumPy: 1)
            dtype = dt.dtype(computed if complex_result else "complex128")
            values = _as_complex128(read)
        if dtype.is_complex:
            parts = np.abs(np.stack([values.real, values.imag]))
            extremal = ~np.isfinite(parts) | (parts >= math.sqrt(dtype.largest))
            extremal |= (parts > 0) & (parts < math.sqrt(dtype.smallest_normal))
            mask |= np.broadcast_to(extremal.any(axis=0), shape)
    return mask


def _complex_formula(check: Check, reference: object) -> object:
    """The op's formula (conditions.COMPLEX_FORMULAS) on the operands, in the result's complex dtype."""
    dtype = dt.dtype(check.reference_dtype or check.operands[0].dtype.name)
    with np.errstate(all="ignore"):
        operands = [np.asarray(values).astype(dtype.numpy) for values in conditions.operand_values(check)]
        return conditions.complex_formula(check, operands)


def _product_underflows(check: Check) -> np.ndarray:
    """Result positions of a complex mul where a partial product (ac, bd, ad or bc) is not zero but
    rounds to zero in the result dtype."""
    shape = conditions.result_shape(check)
    computed = conditions.computed_dtype(check)
    dtype = dt.dtype(computed if computed in dt.COMPLEX else "complex128")
    x, y = (np.broadcast_to(_as_complex128(v), shape) for v in conditions.operand_values(check))
    mask = np.zeros(shape, dtype=bool)
    with np.errstate(all="ignore"):
        for p, q in ((x.real, y.real), (x.imag, y.imag), (x.real, y.imag), (x.imag, y.real)):
            product = np.abs(p * q)
            mask |= (product > 0) & (product < dtype.smallest_subnormal) | ((p * q == 0) & (p != 0) & (q != 0))
    return mask


def _complex_zero_base(check: Check) -> np.ndarray:
    base = conditions.operand_values(check)[0]
    return np.broadcast_to(base == 0, conditions.result_shape(check) or ())


def _complex_pow_log(check: Check) -> np.ndarray:
    """y * log x of a complex pow, in complex128, broadcast to the result: the argument torch passes to exp."""
    x, y = conditions.operand_values(check)
    with np.errstate(all="ignore"):
        exponent = _as_complex128(y) * np.log(_as_complex128(x))
    return np.broadcast_to(exponent, conditions.result_shape(check) or ())


def _complex_pow_exponent(check: Check) -> float:
    """The largest finite |y * log x|."""
    size = np.abs(_complex_pow_log(check))
    finite = size[np.isfinite(size)]
    return float(finite.max()) if finite.size else 0.0


def _complex_pow_dtype(check: Check) -> tuple[str, float]:
    """The result's complex dtype (the one torch computes in) and the unit roundoff of its parts."""
    computed = conditions.computed_dtype(check)
    dtype = computed if computed in ("complex64", "complex128") else "complex64"
    return dtype, dt.dtype(dtype).eps / 2


def _complex_pow_tolerance(check: Check) -> Tolerance:
    """exp(y * log x) turns the rounding of y * log x (a unit roundoff u of |y * log x|, twice: the
    log and the product) into a relative error of the result: rtol grows by 2 u |y log x|."""
    dtype, roundoff = _complex_pow_dtype(check)
    base = tolerance_for(dtype)
    return Tolerance(base.rtol + 2 * roundoff * _complex_pow_exponent(check), base.atol)


def _complex_pow_overflows(check: Check) -> np.ndarray:
    """Result positions whose magnitude exp(Re(y log x)) reaches the dtype's largest value (within
    the tolerance's relative error): there the parts are exp's in torch and products with inf*0 = nan
    in NumPy, and neither is the rounded exact result."""
    dtype, _ = _complex_pow_dtype(check)
    largest = math.log(dt.dtype(dtype).largest)
    with np.errstate(invalid="ignore"):
        return np.real(_complex_pow_log(check)) >= largest - 2 * _complex_pow_tolerance(check).rtol


def _complex_reciprocal_of_zero(check: Check, reference: object) -> object:
    values = conditions.reference_values(reference).copy()
    values[np.broadcast_to(check.operands[0].values == 0, values.shape)] = complex(math.inf, math.nan)
    return values


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="complex-add-sub-alpha",
        ops=ops.labels(lambda op: op.name in conditions.COMPLEX_FORMULAS),
        summary=(
            "complex add and sub compute x + alpha * y with alpha = +-1 as a complex product: an infinite part turns "
            "another part into NaN (inf * 0), and the signs of zero parts follow the formula"
        ),
        example=(
            "a = torch.tensor([complex(0, float('inf'))]); a + a  # nan+infj (NumPy: 0+infj); "
            "torch.tensor([-0j]) - torch.tensor([0j])  # 0j (NumPy: -0-0j)"
        ),
        reason=(
            "torch computes add and sub as x + alpha * y (alpha = 1 or -1, torch's `alpha` argument) and multiplies "
            "alpha in as a complex number, (c * alpha - d * 0) + (c * 0 + d * alpha)i, where NumPy adds the parts"
        ),
        torch_gives=Returns(_complex_formula, "the op's textbook formula in the result dtype"),
        when=lambda check: (
            conditions.any_complex(check) and conditions.uniform(check) and conditions.nonempty_result(check)
        ),
        link="https://github.com/pytorch/pytorch/issues/154501",
    ),
    KnownDivergence(
        id="complex-product-underflow-signs",
        ops=ops.labels(lambda op: op.name == "mul"),
        summary="the sign of a zero part of a complex product may differ where a partial product underflows to zero",
        example="torch.tensor([5e-324 + 0j]) * -0.5j  # imaginary part's sign of zero is the compiler's (NumPy: -0.)",
        reason=(
            "(ac - bd) + (ad + bc)i: where the compiler fuses a product and a sum into one rounding (FMA), an "
            "underflowing product keeps its sign through the sum; where it does not, the product is a zero first. "
            "Which kernels are fused depends on the build and the vector path, so the suite leaves out exactly "
            "those elements"
        ),
        when=lambda check: (
            conditions.any_complex(check)
            and conditions.nonempty_result(check)
            and len(check.inputs) == 2
            and bool(_product_underflows(check).any())
        ),
        skip=_product_underflows,
        link="https://github.com/pytorch/pytorch/issues/154501",
    ),
    KnownDivergence(
        id="complex-extremal-values",
        # scalar / tensor and ndarray / tensor are computed through the tensor's reciprocal (see
        # scalar-divided-by-tensor and ndarray-divided-by-tensor)
        ops=(
            *ops.labels(lambda op: op.name in ("mul", "square", "reciprocal", "log1p", "pow", "sigmoid")),
            "operator.truediv",
        ),
        summary=(
            "complex mul, square, reciprocal, log1p, pow and sigmoid of extremal inputs (a NaN or infinite part, or one whose "
            "square overflows or underflows) are not C99-conforming"
        ),
        example="torch.log1p(torch.tensor(1e-38 + 1e-45j))  # nan+nanj; NumPy: 0+1e-45j",
        reason=(
            "torch computes these through intermediate squares, reciprocals, logs and exps that overflow, underflow "
            "or meet inf * 0 where C99 Annex G's algorithms do not; its notes on numerical accuracy say results with "
            "such inputs are not guaranteed, and its result there follows no formula the suite can model. Every "
            "other element is compared, and every other complex op is held to NumPy at extremal values too"
        ),
        when=lambda check: (
            conditions.any_complex(check)
            and (
                check.label != "operator.truediv"
                or conditions.is_python_scalar(next(iter(check.inputs.values())))
                or _ndarray_divided_by_tensor(check)
            )
            and conditions.result_shape(check) is not None
            and not pow_shortcut(check)  # torch computes no complex power there (pow-shortcuts)
            and bool(_complex_extremal(check).any())
        ),
        skip=_complex_extremal,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-signed-zeros",
        ops=ops.labels(lambda op: op.family == "transcendental" or op.name in ("neg", "true_divide", "pow")),
        summary=(
            "the signs of zero parts of complex results of neg, true_divide, pow and the transcendental ops differ "
            "(add, sub, mul and square are held to theirs)"
        ),
        example=(
            "torch.reciprocal(torch.tensor(-2.5j))  # -0.+0.4j; np.reciprocal(-2.5j)  # 0.+0.4j; "
            "torch.acos(torch.tensor(0j, dtype=torch.complex128))  # imaginary +0. (NumPy, C99 cacos: -0.)"
        ),
        reason=(
            "torch divides with its own complex division routine, computes pow through exp(y log x) and its complex "
            "transcendental functions with formulas other than C99 Annex G's; the sign of a zero part follows them. Its vectorised neg computes 0 - z (zeros "
            "come out +0) and its scalar loop -z, so which elements are which depends on the length and the CPU's "
            "vector width. Every other complex op's zeros are compared with their signs"
        ),
        when=conditions.any_complex,
        signed_zeros=False,
        link="https://github.com/pytorch/pytorch/issues/154501",
    ),
    KnownDivergence(
        id="complex-pow-zero-base",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary="complex pow with a zero base is computed as exp(y * log 0): 0**0 is nan+nanj (NumPy: 1)",
        example="torch.pow(torch.tensor(0j), torch.tensor(0j))  # nan+nanj; np.power(0j, 0j)  # 1+0j",
        reason="torch evaluates complex powers through exp and log without special-casing a zero base",
        when=lambda check: (
            conditions.any_complex(check)
            and conditions.nonempty_result(check)
            and bool(_complex_zero_base(check).any())
        ),
        skip=_complex_zero_base,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="complex-pow-through-exp-log",
        ops=ops.labels(lambda op: op.name == "pow"),
        summary=(
            "complex pow is computed as exp(y * log x): its relative error grows with |y * log x| "
            "(NumPy multiplies out small integer powers), and the parts of an overflowing result differ"
        ),
        example=(
            "torch.pow(torch.tensor(1.0262504e7j), torch.tensor(2+0j))  # -1.0531884e14-9.2e6j; "
            "np.power(np.complex64(1.0262504e7j), np.complex64(2))  # -1.0531899e14+0j (relative error 1.4e-6)"
        ),
        reason=(
            "torch evaluates complex powers through exp and log, so the rounding of y * log x (a unit roundoff "
            "of its size) becomes a relative error of the result; complex64's default rtol is 1.3e-6. Where the "
            "result overflows (torch.pow(65536j, 8+0j): inf+1.2e32j, NumPy inf+nanj) the elements are not compared"
        ),
        tolerance=_complex_pow_tolerance,
        skip=_complex_pow_overflows,
        when=lambda check: (
            conditions.any_complex(check) and conditions.nonempty_result(check) and _complex_pow_exponent(check) > 1
        ),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html",
    ),
    KnownDivergence(
        id="complex-reciprocal-of-zero",
        ops=ops.labels(lambda op: op.name == "reciprocal"),
        summary="the complex reciprocal of zero is inf+nanj in torch, nan+nanj in NumPy",
        example="torch.reciprocal(torch.tensor(0j))  # inf+nanj; np.reciprocal(0j)  # nan+nanj",
        reason="torch divides 1 by the complex zero with its own division routine",
        torch_gives=Returns(_complex_reciprocal_of_zero, "NumPy's reciprocal with zeros mapped to inf+nanj"),
        when=lambda check: conditions.any_complex(check) and bool((check.operands[0].values == 0).any()),
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html#extremal-values",
    ),
    KnownDivergence(
        id="inplace-abs-of-complex",
        ops=("Tensor.abs_",),
        summary="in-place abs of a complex tensor raises in torch; NumPy stores |z| back as a complex number",
        example="torch.tensor([3 + 4j]).abs_()  # RuntimeError; np.abs(a, out=a) gives [5+0j]",
        reason="torch refuses in-place ops whose result dtype (real) differs from self's (complex) for abs",
        torch_gives=Raises(RuntimeError, "In-place abs is not supported for complex tensors"),
        when=lambda check: conditions.any_complex(check),
        link="https://pytorch.org/docs/stable/generated/torch.abs.html",
    ),
]
