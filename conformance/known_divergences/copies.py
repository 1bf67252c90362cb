"""Known divergences of copies, moves, mixed operands and Python data
(suites/test_copies.py, suites/test_mixed_operands.py)."""

from __future__ import annotations

import numpy as np

from conformance import casts, ops
from conformance import dtypes as dt
from conformance import mixed_operands as mixed
from conformance.backends import NUMPY
from conformance.check import Check
from conformance.conditions import layout_of
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences import creation
from conformance.layouts import significant_strides, strides_in_elements
from conformance.normal import as_dtype

# ---------------------------------------------------------------------------
# Copies


_SHORTHANDS = (
    "bool",
    "byte",
    "char",
    "short",
    "int",
    "long",
    "half",
    "bfloat16",
    "float",
    "double",
    "cfloat",
    "cdouble",
)
# the calls of suites/test_copies.py that copy their input into a new tensor (preserve_format)
COPYING = (
    "Tensor.clone",
    "Tensor.to(own dtype, copy=True)",
    "Tensor.to(dtype)",
    "Tensor.to(dtype=)",
    "Tensor.to(device, dtype)",
    "Tensor.to(other)",
    "Tensor.type_as",
    "Tensor.type(dtype)",
    *(f"Tensor.{name}()" for name in _SHORTHANDS),
)
_LIKE_STRIDES = next(entry for entry in creation.ENTRIES if entry.id == "like-stride-zero-layout").torch_gives


def _copies_expanded_input(check: Check) -> bool:
    """A copying call on an input with stride-0 dims (to another dtype, or clone/copy=True)."""
    inp = check.inputs.get("input")
    if not (layout_of(inp) and inp.layout.expanded):
        return False
    target = check.inputs.get("dtype")
    return target is None or target.name != inp.dtype.name or "copy=True" in check.label or "clone" in check.label


def _source_has_more_dims(check: Check) -> bool:
    """copy_'s src has leading dims beyond dst's, all of size 1, and broadcasts to dst otherwise."""
    destination, source = check.inputs["self"], check.inputs["src"]
    extra = len(source.shape) - len(destination.shape)
    if extra <= 0 or any(n != 1 for n in source.shape[:extra]):
        return False
    try:
        return np.broadcast_shapes(source.shape[extra:], destination.shape) == destination.shape
    except ValueError:
        return False


# the calls of suites/test_copies.py that convert their input to a dtype given as `dtype`
CONVERTING = (
    "Tensor.to",
    "Tensor.to(dtype)",
    "Tensor.to(dtype=)",
    "Tensor.to(device, dtype)",
    "Tensor.to(other)",
    "Tensor.type_as",
    "Tensor.type(dtype)",
    "Tensor.half()",
    "Tensor.bfloat16()",
)


def _conversion(check: Check) -> tuple[np.ndarray, dt.DType, dt.DType] | None:
    """(values, source dtype, target dtype) of a conversion: a to/type_as/shorthand call, copy_'s
    src into self, new_tensor's data (a tensor, or Python data as NumPy reads it exactly)."""
    inputs = check.inputs
    if check.label == "Tensor.copy_":
        return inputs["src"].values, inputs["src"].dtype, inputs["self"].dtype
    if check.label == "Tensor.new_tensor":
        data, target = inputs["data"], inputs["dtype"] or inputs["self"].dtype
        if isinstance(data, ArrayInput):
            return data.values, data.dtype, target
        exact = np.asarray(data)
        return (exact, dt.from_numpy(exact.dtype), target) if exact.dtype != object else None
    source, target = inputs.get("input"), inputs.get("dtype")
    if not (isinstance(source, ArrayInput) and isinstance(target, dt.DType)):
        return None
    return source.values, source.dtype, target


def _converts_through_float32(check: Check) -> bool:
    conversion = _conversion(check)
    return conversion is not None and casts.through_float32(conversion[1], conversion[2])


def _rounded_twice(check: Check, reference: object) -> object:
    """The conversion rounded to float32 first; copy_'s broadcast into self's shape."""
    values, source, target = _conversion(check)
    converted = casts.convert_through_float32(values, source, target)
    if check.label != "Tensor.copy_":
        return converted
    destination = check.inputs["self"]
    broadcast = np.broadcast_to(np.asarray(getattr(converted, "values", converted)), destination.shape)
    return {**reference, "self": as_dtype(broadcast, target)}


def _overlapping_destination(check: Check) -> bool:
    destination = check.inputs["self"]
    return bool(destination.layout.expanded) and destination.values.size > 0


# ---------------------------------------------------------------------------
# Mixed operands (conditions and models in conformance.mixed_operands)


def _binary(op: ops.Op) -> bool:
    return op.elementwise and sum(o.dtype is None for o in op.operands) >= 2


def _named(*names: str):
    return lambda op: op.name in names


BINARY = ops.labels(_binary)
# ops whose functions take tensors only, at either position (maximum & co: minmax-tensors-only)
TENSORS_ONLY = ("atan2", "hypot", "logical_and", "logical_or", "logical_xor")
MINMAX = ("maximum", "minimum", "fmax", "fmin")
# ops whose functions take a number second but not first (no Scalar-first overload)
NO_NUMBER_SELF = ("fmod", "copysign", "eq", "ne", "lt", "le", "gt", "ge", "clamp")
# Python operators that decline an ndarray on their left (truediv goes through reciprocal, eq
# and ne through NumPy); the ordered comparisons decline it on either side
DECLINE_NDARRAY_FIRST = ("add", "sub", "mul", "floordiv", "mod", "pow", "and_", "or_", "xor", "lshift", "rshift")
ORDERED = ("lt", "le", "gt", "ge")


def _bfloat16_with_ndarray(check: Check) -> bool:
    """A bfloat16 tensor and an ndarray under an operator that hands them to NumPy."""
    tensors = [v for _, v in mixed.free_values(check) if hasattr(v, "layout")]
    declined = mixed.ndarray_first(check) and check.label.removeprefix("operator.") in DECLINE_NDARRAY_FIRST
    return mixed.ndarray_operand(check) and any(t.dtype.name == "bfloat16" for t in tensors) and not declined


# Order matters where several entries apply to one check: the last one's result stands. The models
# come first, then torch's refusals in the reverse of the order torch meets them: a number that
# overflows its dtype or a dtype it cannot promote (dispatch), a Python int past 64 bits
# (conversion), no overload (parsing). A refusal is documented where NumPy computes, or refuses
# with another error class; where both sides raise alike they agree.
def _strides_like_channels_last(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """c10's is_channels_last_strides_2d_s4, the heuristic behind suggest_memory_format: the
    strides, taken in the order C, W, H, N, never decrease (a size-1 dim's stride counts as
    the smallest it could be), with NCHW's ambiguous cases ruled out."""
    smallest = 0
    if strides[1] == 0:
        return False
    for d in (1, 3, 2, 0):
        if shape[d] == 0 or strides[d] < smallest:
            return False
        if d == 0 and smallest == strides[1]:
            return False
        smallest = strides[d] * shape[d] if shape[d] > 1 else strides[d]
    return True


def _channels_last_contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    expected = 1
    for d in (1, 3, 2, 0):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def _input_strides(check: Check) -> tuple[int, ...]:
    return strides_in_elements(NUMPY.build(check.inputs["input"]))


def _to_keeps_a_channels_last_lookalike(check: Check) -> bool:
    """A 4-d input whose strides torch's heuristic reads as channels-last, though it is not
    laid out so."""
    inp = check.inputs.get("input")
    if not isinstance(inp, ArrayInput) or len(inp.shape) != 4:
        return False
    strides = _input_strides(check)
    return _strides_like_channels_last(inp.shape, strides) and not _channels_last_contiguous(inp.shape, strides)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="copy-stride-zero-layout",
        ops=tuple(f"{label} strides" for label in COPYING),
        summary="a copy (clone, to) of a tensor with stride-0 dims orders its dims differently from NumPy's order='K'",
        example=(
            "torch.zeros(2, 1).expand(2, 2).t().clone().stride()  # (2, 1); "
            "np.copy(np.broadcast_to(np.zeros((2, 1)), (2, 2)).T, order='K').strides  # (8, 16)"
        ),
        reason=(
            "a copy is laid out as empty_like(preserve_format) lays it out, which keeps a stride-0 dim in place "
            "where NumPy ranks it innermost (see like-stride-zero-layout)"
        ),
        torch_gives=Returns(lambda check, reference: _LIKE_STRIDES.compute(check, reference), "empty_like's strides"),
        when=_copies_expanded_input,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-memory-format",
    ),
    KnownDivergence(
        id="to-channels-last-by-stride-heuristic",
        ops=("Tensor.to(channels_last) strides",),
        summary=(
            "Tensor.to(memory_format=torch.channels_last) returns the tensor itself, not a channels-last copy, where "
            "torch's stride heuristic already reads it as channels-last (size-1 dims make it guess)"
        ),
        example=(
            "x = torch.zeros(12).as_strided((1, 1, 1, 2), (6, 1, 6, 2)); "
            "x.to(memory_format=torch.channels_last).stride()  # (6, 1, 6, 2), x itself; "
            "x.contiguous(memory_format=torch.channels_last).stride()  # (2, 1, 2, 1)"
        ),
        reason=(
            "to() skips the copy where self.suggest_memory_format() equals the requested format, and "
            "suggest_memory_format answers from is_channels_last_strides_2d, which ignores the strides of size-1 "
            "dims and checks only that the others increase in the order C, W, H, N, not that they are dense; "
            "contiguous() and clone() check is_contiguous(channels_last) and copy"
        ),
        torch_gives=Returns(
            lambda check, reference: significant_strides(check.inputs["input"].shape, _input_strides(check)),
            "the input's own strides",
        ),
        when=_to_keeps_a_channels_last_lookalike,
        link="https://github.com/pytorch/pytorch/blob/main/c10/core/MemoryFormat.h",
    ),
    KnownDivergence(
        id="narrowing-conversion-rounds-twice",
        ops=(*CONVERTING, "Tensor.copy_", "Tensor.new_tensor"),
        summary=(
            "float64 (and complex128's real part) to float16 or bfloat16, and int32/int64/uint32/uint64 to "
            "bfloat16, round through float32: twice, where NumPy (IEEE 754) rounds the exact value once"
        ),
        example=(
            "torch.tensor([1 + 2**-8 + 2**-40], dtype=torch.float64).to(torch.bfloat16)  # 1.0 (exactly: 1.0078125); "
            "torch.tensor([1 + 2**-11 + 2**-40], dtype=torch.float64).half()  # 1.0; "
            "np.float64(1 + 2**-11 + 2**-40).astype(np.float16)  # 1.001; "
            "torch.tensor([2**30 + 2**22 + 1]).bfloat16()  # 2**30 (exactly: 2**30 + 2**23)"
        ),
        reason=(
            "c10::Half and c10::BFloat16 are constructed from a float: a double or a wide integer is converted "
            "to float (rounded to 24 bits) and then to the 11 or 8 bits of the target, so a value just past a "
            "midpoint of the target's values that float32 rounds onto the midpoint then rounds to even"
        ),
        torch_gives=Returns(_rounded_twice, "the values rounded to float32 first, then to the target dtype"),
        when=_converts_through_float32,
        link="https://github.com/pytorch/pytorch/blob/main/c10/util/BFloat16.h",
    ),
    KnownDivergence(
        id="copy-source-with-more-dims",
        ops=("Tensor.copy_",),
        summary="copy_ refuses a source with more dims than self, even leading size-1 dims; np.copyto drops them",
        example="torch.zeros(3).copy_(torch.ones(1, 3))  # RuntimeError; np.copyto(np.zeros(3), np.ones((1, 3)))  # works",
        reason=(
            "copy_ is an in-place op: the broadcast of self and src must have self's shape, and broadcasting "
            "prepends dims to self; NumPy's copyto strips leading size-1 dims of the source first"
        ),
        torch_gives=Raises(RuntimeError, "doesn't match the broadcast shape"),
        when=lambda check: mixed.reference_computes(check) and _source_has_more_dims(check),
        link="https://pytorch.org/docs/stable/notes/broadcasting.html#in-place-semantics",
    ),
    KnownDivergence(
        id="copy-into-overlapping-destination",
        ops=("Tensor.copy_",),
        summary="copy_ into a tensor with stride-0 dims raises RuntimeError (NumPy: its broadcast views are read-only, ValueError)",
        example=(
            "torch.zeros(3).expand(2, 3).copy_(torch.ones(2, 3))  # RuntimeError: unsupported operation: more than one "
            "element of the written-to tensor refers to a single memory location"
        ),
        reason="torch refuses writes through internally overlapping memory; NumPy refuses any write to a read-only view",
        torch_gives=Raises(
            RuntimeError, "more than one element of the written-to tensor refers to a single memory location"
        ),
        when=mixed.unless_reference_raises(RuntimeError, _overlapping_destination),
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.copy_.html",
    ),
    KnownDivergence(
        id="numpy-scalar-operand",
        ops=ops.labels(_binary, inplace=False),
        summary=(
            "torch reads a NumPy scalar operand as the Python number it holds (weak in promotion); NumPy 2 "
            "promotes with its dtype"
        ),
        example=(
            "(torch.ones(2, dtype=torch.int8) + np.int64(1000)).tolist()  # [-23, -23] int8; "
            "np.ones(2, np.int8) + np.int64(1000)  # [1001, 1001] int64"
        ),
        reason=(
            "torch's argument parser takes NumPy scalars as Scalars, like Python numbers, which NEP 50 makes "
            "strong in NumPy 2; torch then behaves as documented for that Python number"
        ),
        torch_gives=mixed.ReturnsUnlessRefused(
            mixed.as_with_python_numbers("numpy-scalar-operand"),
            "torch's documented result with Python numbers",
            where_reference_raises=True,
        ),
        when=mixed.numpy_scalar_operand,
        link="https://numpy.org/neps/nep-0050-scalar-promotion.html",
    ),
    KnownDivergence(
        id="clamp-zero-dim-bound-as-number",
        ops=ops.labels(_named("clamp")),
        summary="clamp with a number bound reads a 0-d tensor bound as a number too (weak in promotion, checked for overflow)",
        example="torch.clamp(torch.ones(2, dtype=torch.int8), torch.tensor(2.5, dtype=torch.float64), 3).dtype  # float32",
        reason="torch.clamp(Tensor, Scalar?, Scalar?) is the overload that matches, and the parser converts a 0-d tensor to a Scalar",
        torch_gives=Returns(
            mixed.as_with_python_numbers("clamp-zero-dim-bound-as-number"),
            "torch's documented result with the bound as a Python number",
            where_reference_raises=True,
        ),
        when=mixed.zero_dim_clamp_bound,
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="pow-shortcuts",
        ops=ops.labels(_named("pow")),
        summary="torch.pow(1, t), pow(t, 0) and pow(t, 1) answer without a kernel, even for dtypes pow has none for",
        example="torch.pow(1, torch.ones(2, dtype=torch.uint16))  # tensor([1, 1], dtype=torch.uint16); torch.pow(2, ...)  # NotImplementedError",
        reason="pow with a Scalar base of 1, or a Scalar exponent of 0 or 1, fills ones or copies the base before it dispatches",
        torch_gives=Returns(
            mixed.pow_shortcut_result, "ones, or the base, in torch's promoted dtype", where_reference_raises=True
        ),
        when=mixed.pow_shortcut,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="ndarray-equality-by-torch",
        ops=("operator.eq",),
        summary="`==` converts an ndarray operand to a tensor: torch's promotion applies (uint16 with bool raises)",
        example="torch.ones(2, dtype=torch.uint16) == np.ones(2, bool)  # RuntimeError: Promotion for uint16, uint32, uint64 types is not supported",
        reason="Tensor.__eq__ accepts array-likes and converts them, where the other operators hand the call to NumPy",
        torch_gives=mixed.ReturnsUnlessRefused(
            mixed.as_with_python_numbers("ndarray-equality-by-torch"),
            "torch's documented result with the array as a tensor",
            where_reference_raises=True,
        ),
        when=mixed.ndarray_compared_by_torch,
        link="https://github.com/pytorch/pytorch/issues/46829",
    ),
    KnownDivergence(
        id="pow-number-exponent-unrounded",
        ops=ops.labels(_named("pow"), inplace=False),
        summary="pow(tensor, number) with a float32/complex64 result reads the exponent as a double; NumPy rounds it to float32 first",
        example=(
            "torch.zeros(1) ** 1e-50  # tensor([0.]); np.zeros(1, np.float32) ** 1e-50  # [1.] (1e-50 rounds to 0); "
            "torch.tensor(-0.) ** -2147483647  # -inf (NumPy: the exponent rounds to even -2**31, +inf)"
        ),
        reason="pow(Tensor, Scalar) keeps a floating exponent in double precision for float32 and complex64 results (NEP 50 converts a Python float to the array's float32)",
        torch_gives=Returns(
            mixed.pow_with_unrounded_exponent, "pow with the exponent unrounded, rounded once to the result dtype"
        ),
        when=mixed.pow_float32_number_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="integer-pow-negative-exponent-mixed",
        ops=ops.labels(_named("pow")),
        summary=(
            "integral pow with number or mixed-dtype operands: a negative tensor exponent gives 0, 1 or -1, a "
            "negative number exponent raises RuntimeError; NumPy raises ValueError for both"
        ),
        example="torch.pow(2, torch.tensor([-1]))  # tensor([0]); torch.tensor([2]) ** -1  # RuntimeError; np.power(2, np.array([-1]))  # ValueError",
        reason="torch computes integer powers in integer arithmetic (see integer-pow-negative-exponent) and checks a Scalar exponent's sign first",
        torch_gives=Returns(
            mixed.integer_pow_by_torch, "1 for base 1, +-1 for base -1, 0 otherwise", where_reference_raises=True
        ),
        when=mixed.integer_pow_negative_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="ndarray-operator-by-numpy",
        ops=ops.labels(_binary, inplace=False),
        summary="`tensor op ndarray` is computed by NumPy (the tensor read through __array__), by NumPy's rules, not torch's",
        example="torch.ones(2, dtype=torch.float16) + np.ones(2, np.int32)  # tensor float64 (torch's promotion: float16)",
        reason=(
            "Tensor's operators decline an ndarray, and ndarray's reflected operator computes with the tensor "
            "as an array, wrapping the result as a tensor; torch's own promotion and refusals do not apply"
        ),
        torch_gives=Returns(mixed.numpy_result, "NumPy's result, as a tensor", where_reference_raises=True),
        when=mixed.ndarray_operator_by_numpy,
        link="https://github.com/pytorch/pytorch/issues/59237",
    ),
    KnownDivergence(
        id="ndarray-divided-by-tensor",
        ops=("operator.truediv",),
        summary="`ndarray / tensor` is computed as tensor.reciprocal() * ndarray (by NumPy): the reciprocal's dtype decides",
        example="(np.array([True]) / torch.tensor([True])).dtype  # torch.float32; np.array([True]) / np.array([True])  # float64",
        reason="Tensor.__rtruediv__ is self.reciprocal() * other, and the product with an ndarray falls back to NumPy",
        torch_gives=Returns(mixed.reciprocal_times_ndarray, "NumPy's product of the reciprocal tensor and the array"),
        when=lambda check: mixed.ndarray_divided_by_tensor(check) and not _bfloat16_with_ndarray(check),
        link="https://github.com/pytorch/pytorch/blob/main/torch/_tensor.py",
    ),
    KnownDivergence(
        id="inplace-torch-type-promotion",
        ops=ops.labels(_binary, inplace=True),
        summary=(
            "in place, torch computes in its promoted dtype (torch-type-promotion) and casts into self: a Python "
            "int past self's range wraps, where NumPy 2 raises"
        ),
        example="x = torch.ones(2, dtype=torch.int8); x += 1000  # [-23, -23]; a = np.ones(2, np.int8); a += 1000  # OverflowError",
        reason=(
            "torch's in-place ops promote their operands as the out-of-place ops do and cast the result into self "
            "where c10's canCast allows it (no complex to real, floating to integral, or non-bool to bool)"
        ),
        torch_gives=mixed.ReturnsUnlessRefused(
            mixed.inplace_result(lambda check: mixed.out_of_place_documented),
            "the out-of-place result, cast into self",
            where_reference_raises=True,
        ),
        when=lambda check: (
            check.op is not None and mixed.promotion_involved(check) and not mixed.python_int_past_64_bits(check)
        ),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="number-overflows-result-dtype",
        ops=ops.labels(_named("pow", "where", "clamp")),
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
            "float16 and bfloat16 results; where not for float16 and bfloat16 results, which it rounds)"
        ),
        torch_gives=Raises(RuntimeError, "value cannot be converted to type .* without overflow"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.number_overflows),
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="uint64-python-int",
        ops=ops.labels(lambda op: _binary(op) and op.name not in (*TENSORS_ONLY, *MINMAX)),
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
        ops=ops.labels(_named("floor_divide", "remainder", "fmod")),
        summary="integer division by zero raises in torch with a number operand or mixed dtypes too; NumPy returns 0 and warns",
        example="torch.tensor([1]) // 0  # RuntimeError: ZeroDivisionError; np.array([1]) // 0  # [0]",
        reason="torch's integer division kernels check for zero divisors (see integer-division-by-zero)",
        torch_gives=Raises(RuntimeError, "ZeroDivisionError"),
        when=mixed.unless_reference_raises(RuntimeError, mixed.integer_zero_divisor),
        link="https://pytorch.org/docs/stable/generated/torch.floor_divide.html",
    ),
    KnownDivergence(
        id="bool-number-subtraction",
        ops=ops.labels(_named("sub")),
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
        ops=ops.labels(_named("pow", "logical_and", "logical_or", "logical_xor")),
        summary="pow and logical_and/or/xor have no complex32 kernel: float16 with a complex operand raises; NumPy computes",
        example="torch.ones(2, dtype=torch.float16) ** 1j  # NotImplementedError: \"pow\" not implemented for 'ComplexHalf'",
        reason="torch promotes float16 with a complex number or 0-d tensor to complex32, for which these ops have no kernel",
        torch_gives=Raises(NotImplementedError, "not implemented for 'ComplexHalf'"),
        when=lambda check: mixed.reference_computes(check) and mixed.result_dtype(check) == "complex32",
        link="https://pytorch.org/docs/stable/complex_numbers.html",
    ),
    KnownDivergence(
        id="clamp-complex",
        ops=ops.labels(_named("clamp")),
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
        ops=ops.labels(_named("clamp")),
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
        ops=ops.labels(lambda op: _binary(op) and op.name not in (*TENSORS_ONLY, *MINMAX)),
        summary="a Python int operand outside [-2**63, 2**64) raises OverflowError; NumPy computes with floating arrays",
        example="torch.ones(2) + 2**64  # OverflowError: int too big to convert; np.ones(2) + 2**64  # [1.8e19, 1.8e19]",
        reason="torch converts a Python int operand to a 64-bit integer (int64, or uint64 past int64's range) before it promotes",
        torch_gives=Raises(OverflowError, "int too big to convert|can't convert negative int to unsigned"),
        when=mixed.unless_reference_raises(OverflowError, mixed.python_int_past_64_bits),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
    KnownDivergence(
        id="numpy-uint64-past-int64",
        ops=ops.labels(_binary),
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
        when=mixed.unless_reference_raises(TypeError, mixed.numpy_uint64_past_int64),
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
        ops=ops.labels(_named(*TENSORS_ONLY)),
        summary="torch.atan2/hypot/logical_and/logical_or/logical_xor take tensors only; NumPy's take numbers",
        example="torch.atan2(torch.ones(2), 2.0)  # TypeError: argument 'other' must be Tensor, not float; np.arctan2(np.ones(2), 2.0)",
        reason="these functions have no Scalar overload in torch",
        torch_gives=Raises(TypeError, "must be Tensor"),
        when=mixed.unless_reference_raises(TypeError, mixed.number_operand),
        link="https://pytorch.org/docs/stable/generated/torch.atan2.html",
    ),
    KnownDivergence(
        id="clamp-number-and-tensor-bounds",
        ops=ops.labels(_named("clamp")),
        summary="clamp with one number bound and one dimensioned tensor bound raises TypeError; NumPy's clip takes both",
        example="torch.clamp(torch.ones(2), 0, torch.ones(2))  # TypeError: clamp() received an invalid combination of arguments",
        reason="clamp's overloads take two Scalar bounds or two Tensor bounds (a 0-d tensor converts to a Scalar)",
        torch_gives=Raises(TypeError, "invalid combination of arguments"),
        when=mixed.unless_reference_raises(TypeError, mixed.clamp_bounds_mixed),
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="ndarray-operand-rejected",
        ops=tuple(label for label in ops.labels(_binary) if not label.startswith("operator.")),
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
        when=mixed.unless_reference_raises(ValueError, mixed.ndarray_with_negative_strides_compared),
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
        when=mixed.unless_reference_raises(TypeError, _bfloat16_with_ndarray),
        link="https://github.com/pytorch/pytorch/issues/59237",
    ),
    KnownDivergence(
        id="python-ints-past-int64-in-data",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray"),
        summary="Python data with ints past int64's range raises ValueError; NumPy makes uint64 (or float64 mixed with negatives)",
        example="torch.tensor([2**63])  # ValueError: Overflow when unpacking long long; np.asarray([2**63])  # uint64",
        reason="torch infers int64 for Python ints and has no wider integer dtype to fall back to",
        torch_gives=Raises(ValueError, "Overflow when unpacking long"),
        when=mixed.unless_reference_raises(ValueError, mixed.python_ints_past_int64_in_data),
        link="https://pytorch.org/docs/stable/generated/torch.tensor.html",
    ),
    KnownDivergence(
        id="numpy-scalars-in-data",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray"),
        summary=(
            "nested data holding NumPy scalars takes torch's promotion of the elements' dtypes (category first, "
            "Python floats as float32); NumPy's array coercion reads Python floats as float64"
        ),
        example="torch.tensor([np.float16(1.5), 2]).dtype  # float16; np.asarray([np.float16(1.5), 2]).dtype  # float64",
        reason=(
            "torch infers a list's dtype element by element: a NumPy scalar has its dtype, a Python number the "
            "default dtype of its kind, and the dtypes promote as tensors' do"
        ),
        torch_gives=Returns(
            mixed.data_by_torch_promotion, "the elements converted to torch's promotion of their dtypes"
        ),
        when=mixed.numpy_scalars_in_data,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
]
