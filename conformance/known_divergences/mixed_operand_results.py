"""Known divergences of mixed operands (numbers, NumPy scalars, 0-d tensors, ndarrays) where
torch computes by its own documented rules (suites/test_mixed_operands.py): each entry models
torch's result. The conditions and models live in `conformance.mixed_operands`."""

from __future__ import annotations

from conformance import mixed_operand_models as models
from conformance import mixed_operands as mixed
from conformance import ops
from conformance.divergences import KnownDivergence, Returns
from conformance.known_divergences.mixed_operand_calls import bfloat16_with_ndarray, binary, named

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="numpy-scalar-operand",
        ops=ops.labels(binary, inplace=False),
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
        torch_gives=models.ReturnsUnlessRefused(
            models.as_with_python_numbers("numpy-scalar-operand"),
            "torch's documented result with Python numbers",
            where_reference_raises=True,
        ),
        when=mixed.numpy_scalar_operand,
        link="https://numpy.org/neps/nep-0050-scalar-promotion.html",
    ),
    KnownDivergence(
        id="clamp-zero-dim-bound-as-number",
        ops=ops.labels(named("clamp")),
        summary="clamp with a number bound reads a 0-d tensor bound as a number too (weak in promotion, checked for overflow)",
        example="torch.clamp(torch.ones(2, dtype=torch.int8), torch.tensor(2.5, dtype=torch.float64), 3).dtype  # float32",
        reason="torch.clamp(Tensor, Scalar?, Scalar?) is the overload that matches, and the parser converts a 0-d tensor to a Scalar",
        torch_gives=Returns(
            models.as_with_python_numbers("clamp-zero-dim-bound-as-number"),
            "torch's documented result with the bound as a Python number",
            where_reference_raises=True,
        ),
        when=mixed.zero_dim_clamp_bound,
        link="https://pytorch.org/docs/stable/generated/torch.clamp.html",
    ),
    KnownDivergence(
        id="pow-shortcuts",
        ops=ops.labels(named("pow")),
        summary=(
            "torch.pow(1, t), pow(t, 0) and pow(t, 1) answer without a kernel, even for dtypes pow has none for; "
            "pow(1, t) gives ones for a complex result too, where NumPy's complex power of 1 by an infinite or NaN "
            "exponent is nan+nanj"
        ),
        example=(
            "torch.pow(1, torch.ones(2, dtype=torch.uint16))  # tensor([1, 1], dtype=torch.uint16); "
            "torch.pow(2, ...)  # NotImplementedError; torch.pow(1+0j, torch.tensor(float('-inf')))  # 1+0j, "
            "np.power(np.complex64(1), np.complex64(-np.inf))  # nan+nanj"
        ),
        reason=(
            "pow with a Scalar base of 1, or a Scalar exponent of 0 or 1, fills ones or copies the base before it "
            "dispatches (pow(1, y) is 1 for every y, as C99 defines the real pow); a tensor base of 1 goes through "
            "the complex power, as NumPy's does"
        ),
        torch_gives=Returns(
            models.pow_shortcut_result, "ones, or the base, in torch's promoted dtype", where_reference_raises=True
        ),
        when=models.pow_shortcut,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="ndarray-equality-by-torch",
        ops=("operator.eq",),
        summary="`==` converts an ndarray operand to a tensor: torch's promotion applies (uint16 with bool raises)",
        example="torch.ones(2, dtype=torch.uint16) == np.ones(2, bool)  # RuntimeError: Promotion for uint16, uint32, uint64 types is not supported",
        reason="Tensor.__eq__ accepts array-likes and converts them, where the other operators hand the call to NumPy",
        torch_gives=models.ReturnsUnlessRefused(
            models.as_with_python_numbers("ndarray-equality-by-torch"),
            "torch's documented result with the array as a tensor",
            where_reference_raises=True,
        ),
        when=mixed.ndarray_compared_by_torch,
        link="https://github.com/pytorch/pytorch/issues/46829",
    ),
    KnownDivergence(
        id="pow-number-exponent-unrounded",
        ops=ops.labels(named("pow"), inplace=False),
        summary="pow(tensor, number) with a float32/complex64 result reads the exponent as a double on the CPU's scalar "
        "path, rounded to float32 (as NumPy) on its vectorised path",
        example=(
            "torch.zeros(1) ** 1e-50  # tensor([0.]); np.zeros(1, np.float32) ** 1e-50  # [1.] (1e-50 rounds to 0); "
            "torch.tensor(-0.) ** -2147483647  # -inf (NumPy: the exponent rounds to even -2**31, +inf); "
            "(torch.zeros(33) ** 1e-50)[[0, 32]]  # tensor([1., 0.])"
        ),
        reason="pow(Tensor, Scalar) keeps a floating exponent in double precision for float32 and complex64 results "
        "(NEP 50 converts a Python float to the array's float32), but the CPU kernel's vectorised loop, which takes "
        "32 float32 elements at a time, rounds it to float32; the scalar loop takes the rest. Positions where the two "
        "readings give different results are not compared (which loop takes a position depends on the layout)",
        torch_gives=Returns(
            models.pow_with_unrounded_exponent, "pow with the exponent unrounded, rounded once to the result dtype"
        ),
        skip=models.pow_exponent_rounding_matters,
        when=models.pow_float32_number_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="integer-pow-negative-exponent-mixed",
        ops=ops.labels(named("pow")),
        summary=(
            "integral pow with number or mixed-dtype operands: a negative tensor exponent gives 0, 1 or -1, a "
            "negative number exponent raises RuntimeError; NumPy raises ValueError for both"
        ),
        example="torch.pow(2, torch.tensor([-1]))  # tensor([0]); torch.tensor([2]) ** -1  # RuntimeError; np.power(2, np.array([-1]))  # ValueError",
        reason="torch computes integer powers in integer arithmetic (see integer-pow-negative-exponent) and checks a Scalar exponent's sign first",
        torch_gives=Returns(
            models.integer_pow_by_torch, "1 for base 1, +-1 for base -1, 0 otherwise", where_reference_raises=True
        ),
        when=models.integer_pow_negative_exponent,
        link="https://pytorch.org/docs/stable/generated/torch.pow.html",
    ),
    KnownDivergence(
        id="ndarray-operator-by-numpy",
        ops=ops.labels(binary, inplace=False),
        summary=(
            "`tensor op ndarray` (and `tensor op np.uint64` past int64's range) is computed by NumPy (the tensor "
            "read through __array__), by NumPy's rules, not torch's"
        ),
        example="torch.ones(2, dtype=torch.float16) + np.ones(2, np.int32)  # tensor float64 (torch's promotion: float16)",
        reason=(
            "Tensor's operators decline an ndarray, and ndarray's reflected operator computes with the tensor "
            "as an array, wrapping the result as a tensor (Tensor.__array_wrap__, which turns a bool array into "
            "uint8); torch's own promotion and refusals do not apply"
        ),
        torch_gives=Returns(
            models.numpy_result, "NumPy's result, as a tensor (a bool one as uint8)", where_reference_raises=True
        ),
        when=models.ndarray_operator_by_numpy,
        link="https://github.com/pytorch/pytorch/issues/59237",
    ),
    KnownDivergence(
        id="ndarray-divided-by-tensor",
        ops=("operator.truediv",),
        summary="`ndarray / tensor` is computed as tensor.reciprocal() * ndarray (by NumPy): the reciprocal's dtype decides",
        example="(np.array([True]) / torch.tensor([True])).dtype  # torch.float32; np.array([True]) / np.array([True])  # float64",
        reason="Tensor.__rtruediv__ is self.reciprocal() * other, and the product with an ndarray falls back to NumPy",
        torch_gives=Returns(models.reciprocal_times_ndarray, "NumPy's product of the reciprocal tensor and the array"),
        when=lambda check: models.ndarray_divided_by_tensor(check) and not bfloat16_with_ndarray(check),
        link="https://github.com/pytorch/pytorch/blob/main/torch/_tensor.py",
    ),
    KnownDivergence(
        id="inplace-torch-type-promotion",
        ops=ops.labels(binary, inplace=True),
        summary=(
            "in place, torch computes in its promoted dtype (torch-type-promotion) and casts into self: a Python "
            "int past self's range wraps, where NumPy 2 raises"
        ),
        example="x = torch.ones(2, dtype=torch.int8); x += 1000  # [-23, -23]; a = np.ones(2, np.int8); a += 1000  # OverflowError",
        reason=(
            "torch's in-place ops promote their operands as the out-of-place ops do and cast the result into self "
            "where c10's canCast allows it (no complex to real, floating to integral, or non-bool to bool)"
        ),
        torch_gives=models.ReturnsUnlessRefused(
            models.inplace_result(lambda check: models.out_of_place_documented),
            "the out-of-place result, cast into self",
            where_reference_raises=True,
        ),
        when=lambda check: (
            check.op is not None and mixed.promotion_involved(check) and not mixed.python_int_past_64_bits(check)
        ),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
]
