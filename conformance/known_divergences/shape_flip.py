"""Known divergences of torch.flip (suites/test_shapes.py): it copies where np.flip views, and on
the CPU only its memcpy path handles uint16/32/64, which the model of its kernel path decides."""

from __future__ import annotations

import math

from conformance import dtypes as dt
from conformance.backends import torch_backend
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises, Returns
from conformance.known_divergences.shape_checks import SINCE, as_tuple, labels, memory_labels, valid_dims


def _dense(shape: tuple[int, ...], strides: list[int]) -> bool:
    expected = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: strides[d]):
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def _iteration_order(shape: tuple[int, ...], operands: list[list[int]]) -> list[int]:
    """TensorIterator's order of dims, innermost first: an insertion sort on the operands'
    strides in turn (a stride 0 defers to the next operand, a tie to the smaller size)."""

    def should_swap(first: int, second: int) -> int:
        for strides in operands:
            a, b = strides[first], strides[second]
            if a == 0 or b == 0:
                continue
            if a != b:
                return 1 if a > b else -1
            if shape[first] > shape[second]:
                return 1
        return 0

    order = list(reversed(range(len(shape))))
    for i in range(1, len(shape)):
        later = i
        for earlier in range(i - 1, -1, -1):
            verdict = should_swap(order[earlier], order[later])
            if verdict > 0:
                order[earlier], order[later] = order[later], order[earlier]
                later = earlier
            elif verdict < 0:
                break
    return order


def _flip_reaches_dtype_kernel(check: Check) -> bool:
    """Whether torch.flip runs its dtype-dispatched CPU kernel (which lacks uint16/32/64): it does
    unless nothing is flipped (no flipped dim of size > 1 and stride != 0, or one element), or
    TensorIterator's innermost dim is contiguous in the output, the input and the input restrided
    with 0 on the flipped dims (the memcpy path). The output is empty_like(input): the input's
    strides where it is dense, dense strides in its dim order otherwise."""
    inp = check.operands[0] if check.operands else None
    dims = as_tuple(check.arguments.get("dims", ()))
    if (
        inp is None
        or inp.dtype.name not in dt.LIMITED_UNSIGNED_INTS
        or not inp.shape
        or not valid_dims(dims, inp.values.ndim)
    ):
        return False
    shape = inp.shape
    # the strides the suite built the tensor with: a size-1 dim's may differ from NumPy's (the
    # suite's torch tensor keeps the memory stride where NumPy's broadcast_to gives 0), and they
    # decide TensorIterator's order of dims
    strides = list(torch_backend("cpu").build(inp).stride())
    flipped = {d % len(shape) for d in dims if shape[d] > 1 and strides[d] != 0}
    if not flipped or math.prod(shape) <= 1:
        return False
    if _dense(shape, strides):
        output = strides
    else:
        output, size = [0] * len(shape), 1
        for d in _iteration_order(shape, [strides]):
            output[d], size = size, size * max(shape[d], 1)
    restrided = [0 if d in flipped else strides[d] for d in range(len(shape))]
    inner = next(d for d in _iteration_order(shape, [output, strides, restrided]) if shape[d] > 1)
    return not (inner not in flipped and output[inner] == 1 and strides[inner] == 1)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="flip-copies",
        ops=memory_labels("flip"),
        summary="torch.flip returns a copy; np.flip returns a view with negative strides",
        example="x = torch.arange(3); y = torch.flip(x, [0]); y[0] = 9; x  # unchanged (NumPy: a = np.arange(3); np.flip(a)[0] = 9 changes a)",
        reason="torch has no negative strides, so a reversed tensor cannot be a view of its input; the documentation "
        "says torch.flip makes a copy of the input's data, unlike np.flip, which is constant-time",
        torch_gives=Returns(lambda check, reference: {k: v and "no" for k, v in reference.items()}, "a copy"),
        link="https://pytorch.org/docs/stable/generated/torch.flip.html",
        since=SINCE,
    ),
    KnownDivergence(
        id="flip-of-limited-unsigned",
        ops=labels("flip"),
        summary="torch.flip of a uint16/32/64 tensor on the CPU raises unless the flip takes the memcpy path "
        "(the innermost dim unflipped and contiguous in input and output)",
        example='torch.arange(4).to(torch.uint16).flip(0)  # NotImplementedError: "flip_cpu" not implemented '
        "for 'UInt16'; torch.ones(2, 3, dtype=torch.uint16).flip(0)  # works",
        reason="uint16/32/64 are limited-support dtypes: the CPU flip kernel dispatches over the fully supported "
        "dtypes only, and a dtype-blind memcpy fast path serves the layouts that allow it",
        torch_gives=Raises(NotImplementedError, "\"flip_cpu\" not implemented for 'UInt(16|32|64)'"),
        when=_flip_reaches_dtype_kernel,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/IndexKernel.cpp",
        device_types=("cpu",),
        since=SINCE,
        until="2.14",  # 2.14 flips uint16/32/64 in every layout (checked on 2.14.1)
    ),
]
