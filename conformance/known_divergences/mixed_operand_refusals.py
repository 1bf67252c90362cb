"""Known divergences of mixed operands that torch refuses where NumPy computes, or refuses with
another error class (suites/test_mixed_operands.py). Where both sides raise alike they agree.

The entries come in the reverse of the order torch meets the refusals, so that where several
apply to one check the last one's result stands: a number that overflows its dtype or a dtype
it cannot promote (dispatch), a Python int past 64 bits (conversion), no overload (parsing).
"""

from __future__ import annotations

from conformance import mixed_operand_models as models
from conformance import mixed_operands as mixed
from conformance import ops
from conformance.divergences import KnownDivergence, Raises
from conformance.known_divergences.mixed_operand_calls import (
    DECLINE_NDARRAY_FIRST,
    MINMAX,
    NO_NUMBER_SELF,
    ORDERED,
    TENSORS_ONLY,
    bfloat16_with_ndarray,
    binary,
    named,
)

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="number-overflows-result-dtype",
        ops=ops.labels(named("pow", "where", "clamp")),
        summary=(
            "pow's number exponent, where's number branches and clamp's number bounds must fit the result dtype; "
            "NumPy computes (overflowing to inf) or promotes"
        ),
        example=(
            "torch.ones(2, dtype=torch.float16) ** 70000.0  # RuntimeError: value cannot be converted to type "
            "c10::Half without overflow; np.ones(2, np.float16) ** 70000.0  # [1., 1.]"
        ),
        reason=(
            "these ops convert the number to the result dtype with c10's overflow check (pow only for integral, "
            "float16 and bfloat16 results, and an integral base's integer exponent to int64 first, to refuse a "
            "negative one, before it looks for a kernel: torch.pow(uint64 tensor, 2**63) is refused where NumPy "
            "computes; where not for float16 and bfloat16 results, which it rounds); clamp "
            "with two number bounds, one of them NaN, fills the result with NaN before it converts either"
        ),
        torch_gives=Raises(RuntimeError, "value cannot be converted to type .* without overflow"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.number_overflows),
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="uint64-python-int",
        ops=ops.labels(lambda op: binary(op) and op.name not in (*TENSORS_ONLY, *MINMAX)),
        summary=(
            "a Python int in [2**63, 2**64) is a uint64 number: next to bool tensors (or where's other int branch) "
            "torch refuses to promote it"
        ),
        example="torch.tensor([True]) + 2**63  # RuntimeError: Promotion for uint16, uint32, uint64 types is not supported",
        reason=(
            "torch types a Python int past int64's range as uint64, and has no promotion of uint64 with bool or "
            "int64; NumPy raises OverflowError (no int64 holds it)"
        ),
        torch_gives=Raises(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.uint64_python_int_refused),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="integer-division-by-zero-scalar",
        ops=ops.labels(named("floor_divide", "remainder", "fmod")),
        summary="integer division by zero raises in torch with a number operand or mixed dtypes too; NumPy returns 0 and warns",
        example="torch.tensor([1]) // 0  # RuntimeError: ZeroDivisionError; np.array([1]) // 0  # [0]",
        reason="torch's integer division kernels check for zero divisors (see integer-division-by-zero)",
        torch_gives=Raises(RuntimeError, "ZeroDivisionError"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.integer_zero_divisor),
        link="https://pytorch.org/docs/stable/generated/torch.floor_divide.html",
    ),
    KnownDivergence(
        id="bool-number-subtraction",
        ops=ops.labels(named("sub")),
        summary="subtraction with a Python bool operand raises as with a bool tensor; NumPy computes (or raises TypeError)",
        example="torch.tensor([1]) - True  # RuntimeError: Subtraction, the `-` operator, with a bool tensor is not supported",
        reason="torch wraps the bool in a bool tensor, and forbids `-` on bool tensors",
        torch_gives=Raises(RuntimeError, "Subtraction, the `-` operator, with .*bool"),
        when=mixed.unless_reference_raises(
            RuntimeError, lambda check: any(isinstance(v, bool) for _, v in mixed.free_values(check))
        ),
        link="https://pytorch.org/docs/stable/generated/torch.sub.html",
    ),
    KnownDivergence(
        id="no-complex32-kernel",
        ops=ops.labels(named("pow", "logical_and", "logical_or", "logical_xor")),
        summary="pow and logical_and/or/xor have no complex32 kernel: float16 with a complex operand raises; NumPy computes",
        example="torch.ones(2, dtype=torch.float16) ** 1j  # NotImplementedError: \"pow\" not implemented for 'ComplexHalf'",
        reason="torch promotes float16 with a complex number or 0-d tensor to complex32, for which these ops have no kernel",
        torch_gives=Raises(NotImplementedError, "not implemented for 'ComplexHalf'"),
        when=lambda check: (
            mixed.reference_computes(check)
            and mixed.result_dtype(check) == "complex32"
            and not models.pow_shortcut(check)  # pow-shortcuts: torch.pow(1, t) needs no kernel
        ),
        link="https://pytorch.org/docs/stable/complex_numbers.html",
    ),
    KnownDivergence(
        id="no-bcomplex32-kernel",
        ops=ops.labels(named("add", "sub", "mul", "true_divide", "pow", "logical_and", "logical_or", "logical_xor")),
        summary=(
            "add, sub, mul, true_divide (a number divided by a tensor too: it multiplies by the reciprocal), pow "
            "and logical_and/or/xor have no bcomplex32 kernel: bfloat16 with a complex operand raises; NumPy "
            "computes (in complex64)"
        ),
        example="torch.ones(2, dtype=torch.bfloat16) + 1j  # NotImplementedError: \"add_stub\" not implemented for 'BComplex32'",
        reason=(
            "torch 2.14 added bcomplex32 (bfloat16 parts) and promotes bfloat16 with a complex number or 0-d "
            "tensor to it, as float16 to complex32, before these ops have kernels for it (torch.where does)"
        ),
        torch_gives=Raises(NotImplementedError, "not implemented for 'BComplex32'"),
        when=lambda check: mixed.reference_computes(check) and mixed.result_dtype(check) == "bcomplex32",
        link="https://pytorch.org/docs/stable/complex_numbers.html",
        since="2.14",
    ),
    KnownDivergence(
        id="clamp-complex",
        ops=ops.labels(named("clamp")),
        summary="clamp of operands that promote to a complex dtype raises; NumPy clips complex values",
        example="torch.clamp(torch.ones(2), 0j)  # NotImplementedError: clamp is not supported for complex types",
        reason="complex numbers are not ordered; torch refuses them where NumPy orders them lexicographically",
        torch_gives=Raises(
            NotImplementedError, "clamp is not supported for complex types|not implemented for 'Complex"
        ),
        when=lambda check: mixed.reference_computes(check) and mixed.clamp_complex(check),
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="clamp-uint64-number-bound",
        ops=ops.labels(named("clamp")),
        summary=(
            "clamp of a bool or integer tensor with a Python int bound in [2**63, 2**64) (a uint64 number) raises "
            "where the other bound is a bool, an int of int64's range or a complex number, or self is bool"
        ),
        example=(
            "torch.clamp(torch.tensor([0], dtype=torch.int8), -1, 2**63)  "
            "# RuntimeError: Promotion for uint16, uint32, uint64 types is not supported, attempted to promote Long and UInt64"
        ),
        reason=(
            "clamp's Scalar overload promotes its two bounds with each other before it looks at self, and torch has "
            "no promotion of uint64 with bool, int64 or complex; NumPy clips with the Python ints as they are (or raises "
            "OverflowError for the int that no dtype of the call holds)"
        ),
        torch_gives=Raises(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.clamp_number_bounds_refused),
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="python-int-past-64-bits",
        ops=ops.labels(lambda op: binary(op) and op.name not in (*TENSORS_ONLY, *MINMAX)),
        summary="a Python int operand outside [-2**63, 2**64) raises OverflowError; NumPy computes with floating arrays",
        example="torch.ones(2) + 2**64  # OverflowError: int too big to convert; np.ones(2) + 2**64  # [1.8e19, 1.8e19]",
        reason="torch converts a Python int operand to a 64-bit integer (int64, or uint64 past int64's range) before it promotes",
        torch_gives=Raises(OverflowError, "int too big to convert|can't convert negative int to unsigned"),
        when=mixed.unless_reference_raises(OverflowError, mixed.python_int_past_64_bits),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="numpy-uint64-past-int64",
        ops=ops.labels(binary),
        summary=(
            "a np.uint64 operand past int64's range raises TypeError in torch's functions and methods (in place "
            "too), on an operator's left (but /, == and !=) and in ordered comparisons"
        ),
        example="torch.ones(2).mul(np.uint64(2**63))  # TypeError: an integer is required; torch.ones(2) * np.uint64(2**63)  # NumPy's float64 array",
        reason="torch's argument parser reads NumPy integer scalars through a signed 64-bit path (see numpy-uint64-scalar)",
        torch_gives=Raises(
            TypeError,
            "an integer is required|unsupported operand|must be Tensor, not numpy.uint64|not supported between"
            "|unsupported ScalarType",
        ),
        when=mixed.unless_reference_raises(TypeError, models.numpy_uint64_past_int64),
        link="https://pytorch.org/docs/stable/generated/torch.tensor.html",
    ),
    KnownDivergence(
        id="number-as-first-argument",
        ops=tuple(f"torch.{name}" for name in (*NO_NUMBER_SELF, "clip")),
        summary="torch.fmod/copysign/eq/ne/lt/le/gt/ge/clamp take a number second but not first; NumPy's take it anywhere",
        example="torch.eq(2, torch.ones(2))  # TypeError: eq() received an invalid combination of arguments; np.equal(2, np.ones(2))",
        reason=(
            "their Scalar overloads take the number as `other` only (add, sub, mul, div, remainder, pow and the "
            "bitwise ops take it first too)"
        ),
        torch_gives=Raises(TypeError, "invalid combination of arguments|must be Tensor"),
        when=mixed.unless_reference_raises(TypeError, mixed.number_self),
        link="https://pytorch.org/docs/stable/generated/torch.eq.html",
    ),
    KnownDivergence(
        id="tensors-only-operands",
        ops=ops.labels(named(*TENSORS_ONLY)),
        summary="torch.atan2/hypot/logical_and/logical_or/logical_xor take tensors only; NumPy's take numbers",
        example="torch.atan2(torch.ones(2), 2.0)  # TypeError: argument 'other' must be Tensor, not float; np.arctan2(np.ones(2), 2.0)",
        reason="these functions have no Scalar overload in torch",
        torch_gives=Raises(TypeError, "must be Tensor"),
        when=mixed.unless_reference_raises(TypeError, mixed.number_operand),
        link="https://pytorch.org/docs/stable/generated/torch.atan2.html",
    ),
    KnownDivergence(
        id="clamp-number-and-tensor-bounds",
        ops=ops.labels(named("clamp")),
        summary="clamp with one number bound and one dimensioned tensor bound raises TypeError; NumPy's clip takes both",
        example="torch.clamp(torch.ones(2), 0, torch.ones(2))  # TypeError: clamp() received an invalid combination of arguments",
        reason="clamp's overloads take two Scalar bounds or two Tensor bounds (a 0-d tensor converts to a Scalar)",
        torch_gives=Raises(TypeError, "invalid combination of arguments"),
        when=mixed.unless_reference_raises(TypeError, mixed.clamp_bounds_mixed),
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="ndarray-operand-rejected",
        ops=tuple(label for label in ops.labels(binary) if not label.startswith("operator.")),
        summary="torch's functions and methods take no NumPy arrays: an ndarray operand raises TypeError",
        example="torch.add(torch.ones(2), np.ones(2))  # TypeError: argument 'other' must be Tensor, not numpy.ndarray",
        reason="torch's argument parser accepts tensors (and numbers) only; torch.as_tensor converts arrays",
        torch_gives=Raises(TypeError, "must be Tensor, not numpy.ndarray|invalid combination of arguments"),
        when=mixed.unless_reference_raises(
            TypeError,
            mixed.ndarray_operand,
        ),
        link="https://github.com/pytorch/pytorch/issues/59237",
    ),
    KnownDivergence(
        id="ndarray-equality-negative-strides",
        ops=("operator.eq",),
        summary="`tensor == ndarray` raises ValueError for an array with negative strides (torch converts it to a tensor)",
        example="torch.ones(2) == np.ones(2)[::-1]  # ValueError: At least one stride in the given numpy array is negative",
        reason="== converts the array with torch.as_tensor (see ndarray-equality-by-torch), which refuses negative strides",
        torch_gives=Raises(ValueError, "stride.*negative"),
        when=mixed.unless_reference_raises(ValueError, models.ndarray_with_negative_strides_compared),
        link="https://github.com/pytorch/pytorch/issues/92680",
    ),
    KnownDivergence(
        id="ndarray-first-operand",
        ops=tuple(f"operator.{name}" for name in DECLINE_NDARRAY_FIRST),
        summary="`ndarray op tensor` raises TypeError for most operators (`tensor op ndarray` is computed by NumPy)",
        example="np.ones(2) + torch.ones(2)  # TypeError: unsupported operand type(s); torch.ones(2) + np.ones(2)  # tensor float64",
        reason=(
            "Tensor sets __array_priority__, so ndarray's operators defer to the tensor's reflected operator, which "
            "declines an ndarray; `tensor op ndarray` falls back to NumPy, which reads the tensor through __array__"
        ),
        torch_gives=Raises(TypeError, "unsupported operand|Concatenation operation"),
        when=mixed.unless_reference_raises(TypeError, mixed.ndarray_first),
        link="https://github.com/pytorch/pytorch/issues/46829",
    ),
    KnownDivergence(
        id="ndarray-ordered-comparison",
        ops=tuple(f"operator.{name}" for name in ORDERED),
        summary="`<`, `<=`, `>`, `>=` between a tensor and an ndarray raise TypeError, in either order",
        example="torch.ones(2) < np.ones(2)  # TypeError: '<' not supported between instances of 'Tensor' and 'numpy.ndarray'",
        reason="both sides' rich comparisons decline the other (see ndarray-first-operand), and Python has no fallback for ordering",
        torch_gives=Raises(TypeError, "not supported between instances"),
        when=mixed.unless_reference_raises(TypeError, mixed.ndarray_operand),
        link="https://github.com/pytorch/pytorch/issues/46829",
    ),
    KnownDivergence(
        id="bfloat16-tensor-with-ndarray",
        ops=tuple(f"operator.{name}" for name in (*DECLINE_NDARRAY_FIRST, "truediv")),
        summary="a bfloat16 tensor with an ndarray under an operator NumPy computes raises TypeError: NumPy cannot read bfloat16",
        example="torch.ones(2, dtype=torch.bfloat16) + np.ones(2)  # TypeError: Got unsupported ScalarType BFloat16",
        reason="the operator falls back to NumPy (see ndarray-first-operand), which reads the tensor through Tensor.__array__",
        torch_gives=Raises(TypeError, "unsupported ScalarType BFloat16|unsupported operand"),
        when=mixed.unless_reference_raises(TypeError, bfloat16_with_ndarray),
        link="https://github.com/pytorch/pytorch/issues/59237",
    ),
]
