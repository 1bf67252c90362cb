"""Known divergences of linear algebra (suites/test_linalg.py): the dtypes torch has no
product kernels for, its refusal to mix dtypes, and functions whose contract is narrower
than NumPy's namesake (dot, vdot and outer take vectors only)."""

from __future__ import annotations

import itertools
import math

import numpy as np

from conformance import dtypes as dt
from conformance import ops
from conformance.backends import NUMPY, torch_backend
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.inputs import ArrayInput
from conformance.layouts import strides_in_elements
from conformance.ops.linalg import ProductBound, einsum_sizes, product_bound

SINCE = "2.3"  # the oldest torch the suite supports (pyproject.toml); checked on 2.13

_PRODUCTS = ("matmul", "mm", "dot", "vdot", "inner", "tensordot", "einsum")


def _labels(*names: str) -> tuple[str, ...]:
    return ops.labels(lambda op: op.name in names)


def _name(check: Check) -> str:
    return check.op.name if check.op is not None else ""


def _operands(check: Check) -> list:
    """The op's operands (an out= tensor among the inputs left out)."""
    names = check.op.operand_names if check.op is not None else ()
    return [check.inputs[name] for name in names if name in check.inputs]


def _dtypes(check: Check) -> set[str]:
    return {inp.dtype.name for inp in _operands(check)}


def _shapes(check: Check) -> list[tuple[int, ...]]:
    return [inp.shape for inp in _operands(check)]


def _reference_raised(check: Check) -> bool:
    return check.reference is not None and check.reference.raised


def _reference_size(check: Check) -> int | None:
    """The number of elements of the reference's result (None where it raised)."""
    if check.reference is None or check.reference.raised:
        return None
    return int(np.size(getattr(check.reference.value, "values", check.reference.value)))


# ---------------------------------------------------------------------------
# Where torch's product kernel runs (a kernel a dtype lacks raises only there)


def _reaches_product_kernel(check: Check) -> bool:
    """Whether the call reaches torch's product kernel rather than a shortcut: dot and vdot
    always; matmul of two vectors too (torch.dot); matmul and mm otherwise for a non-empty
    result and k > 0; tensordot and inner (inner of a 0-d operand multiplies) as
    `_tensordot_reaches_kernel` says; einsum of two operands where it sums at least two
    products into a non-empty result (bmm)."""
    name, shapes, size = _name(check), _shapes(check), _reference_size(check)
    if size is None:
        return False
    if name in ("dot", "vdot") or (name == "matmul" and all(len(shape) == 1 for shape in shapes)):
        return True
    if name in ("matmul", "mm"):
        return size > 0 and shapes[0][-1] > 0
    if name == "inner" and any(len(shape) == 0 for shape in shapes):
        return False
    if name in ("tensordot", "inner"):
        return _tensordot_reaches_kernel(check, size)
    if name == "einsum":
        return len(shapes) == 2 and _einsum_terms(check) >= 2 and size > 0
    return False


def _matrix_is_a_unit_stride_view(array: np.ndarray, free: list[int], contracted: list[int], left: bool) -> bool:
    """Whether tensordot's reshape of `array` to a matrix (free x contracted for the left operand,
    contracted x free for the right) is a view whose contracted axis has unit stride."""
    order = (*free, *contracted) if left else (*contracted, *free)
    csize = math.prod(array.shape[d] for d in contracted)
    size = math.prod(array.shape[d] for d in free)
    try:
        matrix = array.transpose(order).reshape((size, csize) if left else (csize, size), copy=False)
    except ValueError:  # the reshape copies
        return False
    return csize <= 1 or matrix.strides[1 if left else 0] == matrix.itemsize


def _tensordot_reaches_kernel(check: Check, size: int) -> bool:
    """tensordot (and inner, tensordot over the last dims) reshapes its operands to matrices and
    multiplies them (at::mm): the kernel runs for a non-empty result that sums k > 0 products;
    a one-element result takes torch.dot only where both reshapes are views of unit stride
    (another path, which every dtype has, otherwise). Contracted dims of size 1 on one side
    are summed first (a fresh, contiguous operand on the other side)."""
    x, y = (NUMPY.build(inp) for inp in _operands(check))
    if _name(check) == "inner":
        first, second = [x.ndim - 1], [y.ndim - 1]
    else:
        dims = check.arguments.get("dims", 2)
        first, second = (
            (list(range(x.ndim - dims, x.ndim)), list(range(dims))) if isinstance(dims, int) else map(list, dims)
        )
    first, second = [d % x.ndim for d in first], [d % y.ndim for d in second]
    # uint16/32/64 have no sum kernel either: summing a size-1 pair, or the one-element path, raises
    limited = _operands(check)[0].dtype.name in dt.LIMITED_UNSIGNED_INTS
    csize, summed = 1, False
    for d1, d2 in zip(first, second, strict=True):
        if y.shape[d2] == 1:
            summed = summed or x.size > 0  # the sum of an empty operand runs no kernel
            x = np.ascontiguousarray(x.sum(axis=d1, keepdims=True).astype(x.dtype))
        elif x.shape[d1] == 1:
            summed = summed or y.size > 0
            y = np.ascontiguousarray(y.sum(axis=d2, keepdims=True).astype(y.dtype))
        else:
            csize *= x.shape[d1]
    if limited and (summed or size == 1):
        return True
    if size == 0:
        return False
    if size > 1:
        return csize > 0
    free_x = [d for d in range(x.ndim) if d not in first]
    free_y = [d for d in range(y.ndim) if d not in second]
    return _matrix_is_a_unit_stride_view(x, free_x, first, True) and _matrix_is_a_unit_stride_view(
        y, free_y, second, False
    )


def _einsum_terms(check: Check) -> int:
    equation = check.arguments["equation"]
    output = equation.split("->")[1]
    return math.prod(n for letter, n in einsum_sizes(equation, _shapes(check)).items() if letter not in output)


def _sums_products(check: Check) -> bool:
    """Whether torch or NumPy may compute the result as a sum with an accumulator: every product
    function but outer, inner of a 0-d operand and einsum's permutations and diagonals."""
    name, shapes = _name(check), _shapes(check)
    if name in ("matmul", "mm", "dot", "vdot"):
        return True
    if name == "inner":
        return all(len(shape) > 0 for shape in shapes)
    if name == "tensordot":
        return True  # through at::mm, even where no dim is contracted (k = 1)
    if name == "einsum":
        inputs, output = check.arguments["equation"].split("->")
        return len(shapes) == 2 or bool(set(inputs) - set(output) - {".", ","})
    return False


def _lacks_kernel(check: Check, dtypes: tuple[str, ...]) -> bool:
    found = _dtypes(check)
    return len(found) == 1 and found <= set(dtypes) and _reaches_product_kernel(check)


# ---------------------------------------------------------------------------
# einsum that sums within one operand: torch.sum's int64


def _sums_one_operand(check: Check) -> bool:
    if _name(check) != "einsum" or len(_operands(check)) != 1 or not check.operands[0].dtype.is_integral:
        return False
    inputs, output = check.arguments["equation"].split("->")
    return bool(set(inputs) - set(output) - {"."})


def _einsum_in_int64(check: Check, reference: object) -> object:
    return np.einsum(check.arguments["equation"], check.operands[0].values.astype(np.int64))


# ---------------------------------------------------------------------------
# Shape refusals: torch's messages where NumPy raises ValueError

_REFUSALS = (
    r"mat1 and mat2 shapes cannot be multiplied",
    r"size mismatch",
    r"inconsistent tensor size",
    r"Expected size for first two dimensions of batch2 tensor",
    r"both arguments to matmul need to be at least 1D",
    r"self must be a matrix",
    r"mat2 must be a matrix",
    r"inner\(\) the last dimension must match",
    r"contracted dimensions need to match",
    r"einsum\(\)",
)


# ---------------------------------------------------------------------------
# bfloat16 products on the CPU: the blocked gemm flushes subnormals

_FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _bfloat16_subnormal_reach(check: Check) -> bool:
    """A bfloat16 product with a subnormal operand element, or two elements whose product is
    subnormal in float32 (the precision torch multiplies bfloat16 in), or a subnormal element
    that meets an infinite one in a term."""
    operands = _operands(check)
    if len(operands) != 2 or _dtypes(check) != {"bfloat16"} or _reference_raised(check):
        return False
    if any(bool(np.isinf(inp.values).any()) for inp in operands) and _flushed_subnormal_times_infinity(check).any():
        return True
    smallest = []
    for inp in operands:
        magnitudes = np.abs(inp.values[np.isfinite(inp.values)].astype(np.float64))
        nonzero = magnitudes[magnitudes > 0]
        if not nonzero.size:
            return False
        smallest.append(float(nonzero.min()))
    return min(smallest) < _FLOAT32_TINY or smallest[0] * smallest[1] < _FLOAT32_TINY


def _bound_with_flushed_subnormals(check: Check) -> ProductBound:
    """The product bound (`ops.linalg.product_bound`), plus what flushing can take away: every
    term with a subnormal operand element (S less the sum over normal elements only) and, per
    term, one float32 subnormal product."""
    op, arguments = check.op, check.arguments
    arrays = [np.abs(inp.values.astype(np.float64)) for inp in _operands(check)]
    normal = [np.where(a >= _FLOAT32_TINY, a, 0.0) for a in arrays]
    with np.errstate(all="ignore"):
        magnitudes = np.asarray(op.reference(np, *arrays, **arguments), dtype=np.float64)
        flushable = magnitudes - np.asarray(op.reference(np, *normal, **arguments), dtype=np.float64)
    terms = op.terms([a.shape for a in arrays], arguments)
    bound = product_bound(magnitudes, terms, dt.dtype("bfloat16"))
    return ProductBound(rtol=0.0, atol=bound.atol + flushable + terms * _FLOAT32_TINY, terms=terms)


def _flushed_subnormal_times_infinity(check: Check) -> np.ndarray:
    """Result positions with a term that multiplies an infinite element by a subnormal one: flushed,
    that term is 0 * inf, NaN, where the exact product is infinite."""
    op, arguments = check.op, check.arguments
    arrays = [inp.values.astype(np.float64) for inp in _operands(check)]
    infinite = [np.isinf(a).astype(np.float64) for a in arrays]
    subnormal = [((a != 0) & (np.abs(a) < _FLOAT32_TINY)).astype(np.float64) for a in arrays]
    with np.errstate(all="ignore"):
        meets = np.asarray(op.reference(np, infinite[0], subnormal[1], **arguments), dtype=np.float64)
        meets = meets + np.asarray(op.reference(np, subnormal[0], infinite[1], **arguments), dtype=np.float64)
    return meets > 0


# ---------------------------------------------------------------------------
# matmul folds a batch into rows, and needs out= to fold alike (first in the registry: a
# missing kernel, met first where the fold runs mm, is documented by the entries after it)


def _flattens(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """Whether dims of these sizes and strides view as one dim (size-1 dims aside)."""
    kept = [(n, s) for n, s in zip(shape, strides, strict=True) if n != 1]
    return all(outer == inner * size for (_, outer), (size, inner) in itertools.pairwise(kept))


def _folds(x: ArrayInput, y: ArrayInput) -> bool:
    """ATen's should_fold (LinearAlgebra.cpp) for a call with out= and no gradient: the larger
    operand (y transposed where it is the larger) is 3-d or wider, the other a vector or matrix,
    x not a matrix, and the larger one's leading dims view as rows without a copy."""
    x_larger = len(x.shape) >= len(y.shape)
    big = x if x_larger else y
    # the strides the suite built the tensor with (a size-1 dim's may differ from NumPy's)
    shape, strides = list(big.shape), list(torch_backend("cpu").build(big).stride())
    if not x_larger:  # y.mT
        shape[-2:], strides[-2:] = shape[:-3:-1], strides[:-3:-1]
    other = len(y.shape) if x_larger else len(x.shape)
    if not (len(shape) >= 3 and other <= 2) or len(x.shape) == 2:
        return False
    if 0 in shape:
        return True
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _folded_out_not_viewable(check: Check) -> bool:
    """matmul that folds its batch into the rows of one mm or mv (`_folds`), into a non-empty
    out= whose batch and row dims (those it folds) do not view as one dim: out.reshape copies."""
    out = check.inputs.get("out")
    operands = _operands(check)
    if _name(check) != "matmul" or out is None or len(operands) != 2 or _reference_raised(check):
        return False
    x, y = operands
    if 0 in out.shape or not _folds(x, y):
        return False
    shape, strides = out.shape, strides_in_elements(NUMPY.build(out))
    folded = len(shape) - (1 if len(x.shape) >= 3 and len(y.shape) == 2 else 0)
    return not _flattens(shape[:folded], strides[:folded])


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="matmul-folded-out-not-viewable",
        ops=_labels("matmul"),
        summary="matmul of a 3-d (or wider) tensor and a matrix or vector raises RuntimeError into an out= whose "
        "batch and row dims do not view as one dim (permuted, or a batch dim stepped); NumPy writes into any out",
        example="torch.matmul(torch.zeros(2, 2, 3), torch.zeros(3, 4), out=torch.empty(2, 2, 4).permute(1, 0, 2))  "
        "# RuntimeError: The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1",
        reason="matmul folds x's batch into the rows of one mm and writes through out viewed the same way; where "
        "out's strides do not allow that view the fold fails with a size mismatch, though out has the right shape",
        torch_gives=Raises(RuntimeError, "must match the size of tensor|doesn.t match the broadcast shape"),
        when=_folded_out_not_viewable,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/LinearAlgebra.cpp",
        since=SINCE,
    ),
    KnownDivergence(
        id="bfloat16-gemm-flushes-subnormals",
        ops=_labels(*_PRODUCTS),
        summary="bfloat16 products on the CPU may treat subnormal elements and subnormal float32 products as "
        "zero: the blocked gemm torch takes for all but the smallest shapes flushes them",
        example="a = torch.full((8, 129), 9.1835e-41, dtype=torch.bfloat16); "
        "(a @ torch.full((129, 4), 2.0, dtype=torch.bfloat16))[0, 0]  # 0.0; exact: 2.3694e-38; "
        "a[:4] @ ... gives 2.3694e-38",
        reason="torch hands bfloat16 matrix products of 8 rows or more to a blocked gemm (oneDNN's) that runs "
        "with denormals flushed (FTZ/DAZ); smaller ones take a reference loop that keeps them; which path a call "
        "takes depends on its shapes and the CPU, so the bound allows either: the subnormal terms' sum, and one "
        "float32 subnormal per term; a position where a subnormal meets an infinity is not compared (flushed, "
        "that term is 0 * inf: NaN; torch.dot of 32,768 or more elements takes that path too)",
        tolerance=_bound_with_flushed_subnormals,
        skip=_flushed_subnormal_times_infinity,
        when=_bfloat16_subnormal_reach,
        device_types=("cpu",),
        link="https://oneapi-src.github.io/oneDNN/dev_guide_attributes_fpmath_mode.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="products-need-one-dtype",
        ops=_labels(*_PRODUCTS),
        summary="matmul, mm, dot, vdot, inner, tensordot and einsum refuse operands of different dtypes; "
        "NumPy promotes them",
        example="torch.ones(2, 2, dtype=torch.int32) @ torch.ones(2, 2)  # RuntimeError: expected m1 and m2 to "
        "have the same dtype; np.ones((2, 2), np.int32) @ np.ones((2, 2))  # float64",
        reason="torch's product kernels (BLAS, bmm, dot) take one dtype, and these functions do not apply type "
        "promotion first (outer, a broadcast multiplication, does)",
        # einsum hands mixed operands to bmm, which checks the first one's dtype first
        torch_gives=Raises(
            (RuntimeError, NotImplementedError), 'same dtype|expected scalar type|"bmm" not implemented for'
        ),
        when=lambda check: len(_dtypes(check)) > 1,
        link="https://github.com/pytorch/pytorch/issues/43064",
        since=SINCE,
    ),
    KnownDivergence(
        id="no-product-kernel-for-dtype",
        ops=_labels(*_PRODUCTS),
        summary="torch has no CPU product kernel for bool and uint16/32/64: matmul, mm, dot, vdot, inner, "
        "tensordot and einsum raise wherever the kernel runs (not for an empty result or k = 0)",
        example="torch.ones(2, 2, dtype=torch.bool) @ torch.ones(2, 2, dtype=torch.bool)  # NotImplementedError: "
        "\"addmm_impl_cpu_\" not implemented for 'Bool'; NumPy: logical or of ands",
        reason="the CPU BLAS and native gemm/dot/bmm kernels dispatch over the integer, floating and complex "
        "dtypes; bool and the limited-support unsigned dtypes are left out (NumPy's bool matmul is a logical "
        "product, its uint64 one wraps)",
        torch_gives=Raises((NotImplementedError, RuntimeError), "not implemented for '(Bool|UInt16|UInt32|UInt64)'"),
        when=lambda check: _lacks_kernel(check, ("bool", *dt.LIMITED_UNSIGNED_INTS)),
        link="https://github.com/pytorch/pytorch/issues/44969",
        device_types=("cpu",),
        since=SINCE,
    ),
    KnownDivergence(
        id="no-integer-product-kernel-on-cuda",
        ops=_labels(*_PRODUCTS),
        summary="on CUDA, torch has no product kernel for integer or bool operands: matmul, mm, dot, vdot, "
        "inner, tensordot and einsum raise wherever the kernel runs",
        example="torch.ones(2, 2, dtype=torch.int64, device='cuda') @ torch.ones(2, 2, dtype=torch.int64, "
        "device='cuda')  # RuntimeError: \"addmm_cuda\" not implemented for 'Long'",
        reason="cuBLAS has no integer gemm that torch uses for these functions (torch._int_mm is the int8 "
        "exception); the CUDA dot and bmm kernels dispatch over floating and complex dtypes",
        torch_gives=Raises((NotImplementedError, RuntimeError), "not implemented for"),
        when=lambda check: _lacks_kernel(check, dt.INTEGRAL),
        link="https://github.com/pytorch/pytorch/issues/44428",
        device_types=("cuda",),
        since=SINCE,
    ),
    KnownDivergence(
        id="dot-vdot-outer-take-vectors",
        ops=_labels("dot", "vdot", "outer"),
        summary="torch.dot, vdot and outer take 1-d tensors only; np.dot multiplies 0-d and matrices, np.vdot "
        "and np.outer flatten their operands",
        example="torch.dot(torch.ones(2, 2), torch.ones(2, 2))  # RuntimeError: 1D tensors expected; "
        "np.dot(np.ones((2, 2)), np.ones((2, 2)))  # a matrix product",
        reason="torch documents that, unlike NumPy's dot, torch.dot only supports two 1-d tensors with the same "
        "number of elements; vdot and outer are documented for vectors too",
        # an out= of another shape is resized first: an out on a buffer torch cannot grow refuses that
        torch_gives=Raises(RuntimeError, "1D tensors expected|Expected 1-D argument|storage that is not resizable"),
        when=lambda check: any(len(shape) != 1 for shape in _shapes(check)),
        link="https://pytorch.org/docs/stable/generated/torch.dot.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="einsum-sums-integers-in-int64",
        ops=_labels("einsum"),
        summary='einsum that sums within a single bool or integer operand ("ij->") returns int64; NumPy keeps '
        "the operand's dtype (bool: a logical or)",
        example="torch.einsum('ij->', torch.ones(2, 2, dtype=torch.int8)).dtype  # int64; "
        "np.einsum('ij->', np.ones((2, 2), np.int8)).dtype  # int8",
        reason="torch computes the sum with torch.sum, which accumulates bool and integer inputs in int64",
        torch_gives=Returns(_einsum_in_int64, "the sum in int64"),
        when=_sums_one_operand,
        link="https://pytorch.org/docs/stable/generated/torch.sum.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="product-refusal-runtime-error",
        ops=_labels(*_PRODUCTS),
        summary="torch refuses operands whose shapes do not fit a product with RuntimeError; NumPy with ValueError",
        example="torch.ones(2, 3) @ torch.ones(2, 3)  # RuntimeError: mat1 and mat2 shapes cannot be multiplied; "
        "np.ones((2, 3)) @ np.ones((2, 3))  # ValueError",
        reason="torch reports the shape checks of its product functions (TORCH_CHECK) as RuntimeError",
        torch_gives=Raises(RuntimeError, "|".join(_REFUSALS)),
        when=lambda check: (
            _reference_raised(check)
            and isinstance(check.reference.error, ValueError)
            and len(_dtypes(check)) == 1
            and not (_name(check) in ("dot", "vdot") and any(len(shape) != 1 for shape in _shapes(check)))
        ),
        link="https://pytorch.org/docs/stable/generated/torch.matmul.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="product-zero-signs",
        ops=_labels(*_PRODUCTS),
        summary="a sum of products whose exact value is a tiny negative number (or -0.0) may come out +0.0: "
        "products that underflow to -0.0 added to an accumulator that starts at +0.0",
        example="torch.tensor([-1e-30]) @ torch.tensor([[1e-30]])  # tensor([0.]); the exact -1e-60 rounds to "
        "-0.0 in float32 (np.float32(-1e-30) * np.float32(1e-30) is -0.0)",
        reason="the sign of a zero sum depends on whether a kernel's accumulator starts at +0.0 (IEEE 754: "
        "+0 + -0 = +0) or at the first product, which torch does not document and which differs between its "
        "kernels (BLAS, its own gemm, bmm, dot) and dtypes, so no one model of torch's result holds; only the "
        "signs of zeros are left uncompared, and only for results that sum over a contracted dim",
        signed_zeros=False,
        when=_sums_products,
        link="https://pytorch.org/docs/stable/notes/numerical_accuracy.html",
        since=SINCE,
    ),
]
