"""Known divergence of torch.cat and torch.stack with out= (suites/test_shapes.py::test_join_out):
on the CPU, cat's serial kernel takes out's stride along the cat dim for the length of a slice. A
contiguous out may have any stride along a dim of size 1; there the kernel copies a prefix of out's
memory only, and leaves the rest of out as it was. stack(out=) runs cat's out= kernel, on out
viewed as the concatenation or on out itself. The model below follows ATen's path to that kernel
(TensorShape.cpp: stack_out, cat's meta function, cat_out_cpu; cpu/CatKernel.cpp)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.backends import torch_backend
from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.inputs import ArrayInput
from conformance.known_divergences.shape_checks import SINCE, labels
from conformance.normal import as_dtype

# at::internal::GRAIN_SIZE: cat_out_cpu takes its serial kernels below this many result elements
# (or with one thread)
GRAIN_SIZE = 32768

# c10's channels-last memory formats: the dims, innermost first
_CHANNELS_LAST = {4: (1, 3, 2, 0), 5: (1, 4, 3, 2, 0)}


@dataclass(frozen=True)
class Strided:
    """A tensor as ATen's cat sees it: shape, strides in elements, dtype."""

    shape: tuple[int, ...]
    strides: tuple[int, ...]
    dtype: str

    @classmethod
    def built(cls, inp: ArrayInput) -> Strided:
        """The tensor as the suite builds it (a size-1 dim's stride may differ from NumPy's)."""
        return cls(inp.shape, tuple(torch_backend("cpu").build(inp).stride()), inp.dtype.name)

    def is_contiguous(self, order: tuple[int, ...]) -> bool:
        """c10's contiguity in a memory format (its dims `order`, innermost first): the dims of
        size other than 1 are dense in that order; a size-1 dim's stride does not count."""
        if 0 in self.shape:
            return True
        expected = 1
        for d in order:
            if self.shape[d] != 1:
                if self.strides[d] != expected:
                    return False
                expected *= self.shape[d]
        return True

    def suggested_order(self) -> tuple[int, ...]:
        """suggest_memory_format's dim order: channels-last where c10's is_channels_last_strides_2d
        (3d) heuristic reads the strides so (they never decrease in the order C, W, (D,) H, N, a
        size-1 dim's counting as the smallest it could be, NCHW's ambiguous cases excluded)."""
        row_major = tuple(reversed(range(len(self.shape))))
        order = _CHANNELS_LAST.get(len(self.shape))
        if order is None or self.strides[1] == 0:
            return row_major
        smallest = 0
        for d in order:
            if self.shape[d] == 0 or self.strides[d] < smallest or (d == 0 and smallest == self.strides[1]):
                return row_major
            smallest = self.strides[d] * self.shape[d] if self.shape[d] > 1 else self.strides[d]
        return order


def _view_strides(shape: tuple[int, ...], strides: tuple[int, ...], target: tuple[int, ...]) -> tuple[int, ...] | None:
    """ATen's computeStride (TensorUtils.cpp) for a tensor with elements: the strides of its view
    as `target`, or None where it has none (view would raise)."""
    if not shape:
        return (1,) * len(target)
    view = [0] * len(target)
    view_d = len(target) - 1
    chunk_base_stride, tensor_numel, view_numel = strides[-1], 1, 1
    for tensor_d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[tensor_d]
        if tensor_d == 0 or (shape[tensor_d - 1] != 1 and strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or target[view_d] == 1):
                view[view_d] = view_numel * chunk_base_stride
                view_numel *= target[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride, tensor_numel, view_numel = strides[tensor_d - 1], 1, 1
    return tuple(view) if view_d == -1 else None


def _stack_as_cat(tensors: list[Strided], out: Strided, dim: int) -> tuple[list[Strided], Strided, int] | None:
    """The cat_out call torch.stack(out=) makes (stack_out): the tensors into out viewed as their
    concatenation along dim where that view exists, else the tensors unsqueezed into out."""
    ndim = len(tensors[0].shape)
    if any(t.shape != tensors[0].shape for t in tensors) or not -(ndim + 1) <= dim <= ndim:
        return None
    dim %= ndim + 1
    if dim < ndim:
        joined = list(tensors[0].shape)
        joined[dim] *= len(tensors)
        strides = _view_strides(out.shape, out.strides, tuple(joined))
        if strides is not None:
            return tensors, Strided(tuple(joined), strides, out.dtype), dim
    unsqueezed = [
        Strided(
            (*t.shape[:dim], 1, *t.shape[dim:]),
            (*t.strides[:dim], t.shape[dim] * t.strides[dim] if dim < ndim else 1, *t.strides[dim:]),
            t.dtype,
        )
        for t in tensors
    ]
    return unsqueezed, out, dim


def serial_cat_prefix(tensors: list[Strided], out: Strided, dim: int, threads: int) -> int | None:
    """How many elements of out's memory, from its first, cat_out_cpu writes where it runs
    cat_serial_kernel (None where it takes another path, all of which write every element).

    The kernel runs for floating dtypes along a dim other than 0 (0 is a memcpy in the row-major
    format) when no tensor is a skipped (0,) one, every tensor and out are contiguous in the
    tensors' memory format, all have out's dtype, and the result is small (or one thread). It
    copies outer = numel // (out.size(dim) * out.stride(dim)) slices of out.size(dim) *
    out.stride(dim) elements: all of them where that stride is the product of the later sizes."""
    numel = math.prod(out.shape)
    if numel == 0 or any(t.shape == (0,) for t in tensors) or not tensors:
        return None
    ndim = len(tensors[0].shape)
    if not -ndim <= dim < ndim or len(out.shape) != ndim:
        return None
    dim %= ndim
    orders = {t.suggested_order() for t in tensors}
    order = orders.pop() if len(orders) == 1 else tuple(reversed(range(ndim)))
    row_major = order == tuple(reversed(range(ndim)))
    if not (numel < GRAIN_SIZE or threads == 1):
        return None
    if not (out.is_contiguous(order) and all(t.is_contiguous(order) for t in tensors)):
        return None
    if any(t.dtype != out.dtype for t in tensors) or (row_major and dim == 0) or not dt.dtype(out.dtype).is_floating:
        return None
    slice_length = out.shape[dim] * out.strides[dim]
    if slice_length <= 0:
        return None  # a stride of 0: the kernel divides by zero (not modelled)
    return numel // slice_length * slice_length


def unwritten(check: Check) -> np.ndarray | None:
    """The positions of out that torch.cat/torch.stack(out=) leaves as they were (see
    `serial_cat_prefix`), as a boolean mask of out's shape; None where it writes them all."""
    out = check.inputs.get("out")
    if check.op is None or check.op.name not in ("cat", "stack") or not isinstance(out, ArrayInput):
        return None
    tensors = [
        Strided.built(inp) for name, inp in check.inputs.items() if name != "out" and isinstance(inp, ArrayInput)
    ]
    out_strided, dim = Strided.built(out), check.arguments.get("dim", 0)
    if not tensors or not isinstance(dim, int):
        return None
    call = (tensors, out_strided, dim) if check.op.name == "cat" else _stack_as_cat(tensors, out_strided, dim)
    prefix = None if call is None else serial_cat_prefix(*call, threads=torch.get_num_threads())
    if prefix is None:
        return None
    offsets = sum(
        (np.arange(n) * s).reshape([n if i == d else 1 for i in range(len(out.shape))])
        for d, (n, s) in enumerate(zip(out.shape, out_strided.strides, strict=True))
    )
    mask = np.broadcast_to(offsets >= prefix, out.shape)
    return mask if mask.any() else None


def _out_partly_written(check: Check, reference: object) -> object:
    """The reference where torch writes out, out's values before the call where it does not."""
    out = check.inputs["out"]
    values = np.array(getattr(reference, "values", reference), copy=True)
    mask = unwritten(check)
    values[mask] = out.values[mask]
    return as_dtype(values, out.dtype)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="cat-out-size-one-dim-stride",
        ops=labels("cat", "stack"),
        summary="torch.cat (and torch.stack) into a contiguous out= whose cat dim has size 1 and a stride other "
        "than the product of the later sizes leaves the end of out unwritten on the CPU (floating dtypes, dim > 0)",
        example="out = torch.zeros(3, 3)[:1, :2].t()  # shape (2, 1), strides (1, 3): contiguous; "
        "torch.cat([torch.ones(2, 1)], dim=1, out=out)  # out stays [[0.], [0.]]; NumPy's out=: [[1.], [1.]]",
        reason="cat_out_cpu takes cat_serial_kernel for contiguous floating tensors; the kernel copies numel // "
        "(out.size(dim) * out.stride(dim)) slices of out.size(dim) * out.stride(dim) elements, reading the slice "
        "length from a stride that contiguity leaves free where the size is 1, so it copies a prefix of out's memory "
        "only (nothing where the stride exceeds the element count); torch.stack(out=) runs the same path",
        torch_gives=Returns(_out_partly_written, "out's memory written up to the serial kernel's last whole slice"),
        when=lambda check: unwritten(check) is not None,
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/cpu/CatKernel.cpp",
        device_types=("cpu",),
        since=SINCE,
    ),
]
