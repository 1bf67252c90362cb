"""Memory layouts: one recipe that builds the same logical values on every backend.

A `Layout` describes how a view is cut out of a flat buffer: an offset into it, a
step per dimension, a permutation of the dimensions, dimensions broadcast with
stride 0, and (NumPy and CuPy only) dimensions read backwards. NumPy writes the
logical values through that view into the flat buffer; the other backends copy
the flat buffer's bytes and cut the same view out of their copy, so both sides
hold identical values in an identical layout without either side writing
through an operation under test.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

# A value that fills the buffer around a strided or offset view. An operation
# that reads outside its view, or misreads a step, picks this up and diverges.
GUARD_VALUE = {"bool": True, "uint": 77, "int": 77, "float": 77.5, "complex": 77.5 - 3j}


@dataclass(frozen=True)
class Layout:
    """How a view of a given logical shape sits in memory."""

    offset: int = 0  # elements skipped at the start of the buffer
    steps: tuple[int, ...] = ()  # per memory dimension; () means all 1
    perm: tuple[int, ...] = ()  # view = memory.permute(perm); () means identity
    expanded: tuple[int, ...] = ()  # logical dims realised with stride 0
    flipped: tuple[int, ...] = ()  # logical dims with a negative stride (NumPy, CuPy)

    @property
    def is_contiguous(self) -> bool:
        return self == CONTIGUOUS

    @property
    def kind(self) -> str:
        """A short description, used in test messages and ids."""
        parts = []
        if self.offset:
            parts.append(f"offset={self.offset}")
        if any(s != 1 for s in self.steps):
            parts.append(f"steps={self.steps}")
        if self.perm and self.perm != tuple(range(len(self.perm))):
            parts.append(f"perm={self.perm}")
        if self.expanded:
            parts.append(f"expanded={self.expanded}")
        if self.flipped:
            parts.append(f"flipped={self.flipped}")
        return "contiguous" if not parts else ",".join(parts)

    def __str__(self) -> str:
        return self.kind

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a drawn layout
        printer.text(f"Layout({self.kind})")

    def source_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape that holds distinct values: expanded dims have size 1."""
        return tuple(1 if d in self.expanded else n for d, n in enumerate(shape))

    def logical_values(self, values: np.ndarray) -> np.ndarray:
        """The values this layout can represent: constant along expanded dims."""
        if not self.expanded:
            return values
        index = tuple(slice(0, 1) if d in self.expanded else slice(None) for d in range(values.ndim))
        return np.broadcast_to(values[index], values.shape).copy()

    def _memory_plan(self, shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]:
        return _memory_plan(self, tuple(shape))

    def _plan(self, shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]:
        ndim = len(shape)
        perm = self.perm or tuple(range(ndim))
        steps = self.steps or (1,) * ndim
        if sorted(perm) != list(range(ndim)) or len(steps) != ndim:
            raise ValueError(f"layout {self.kind} does not fit a shape of {ndim} dims")
        source = self.source_shape(shape)
        inverse = tuple(int(i) for i in np.argsort(perm))
        memory = tuple(source[inverse[j]] for j in range(ndim))
        padded = tuple((m - 1) * s + 1 if m > 0 else 0 for m, s in zip(memory, steps, strict=True))
        return perm, steps, padded, self.offset + math.prod(padded)

    def buffer_size(self, shape: tuple[int, ...]) -> int:
        """How many elements the flat buffer behind this layout holds."""
        return self._memory_plan(shape)[3]

    def view(self, flat, shape: tuple[int, ...], ops: ViewOps):
        """Cut the view of logical `shape` out of `flat` with a backend's view ops."""
        perm, steps, padded, _ = self._memory_plan(shape)
        memory = ops.reshape(flat[self.offset : self.offset + math.prod(padded)], padded)
        if memory.ndim:  # indexing a 0-d array with () would give a scalar, not a view
            memory = memory[tuple(slice(None, None, s) for s in steps)]
        view = ops.permute(memory, perm)
        if self.flipped:
            view = ops.flip(view, self.flipped)
        if self.expanded:
            view = ops.expand(view, shape)
        return view


CONTIGUOUS = Layout()


@functools.lru_cache(maxsize=4096)
def _memory_plan(
    layout: Layout, shape: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]:
    """`Layout._plan`, worked out once per layout and shape: building one input asks for it
    several times (layouts are immutable)."""
    return layout._plan(shape)


def significant_strides(shape, strides) -> tuple[int | None, ...] | None:
    """Strides where they mean something: None for an empty array, None for dims of size 1."""
    if 0 in tuple(shape):
        return None
    return tuple(None if n == 1 else int(s) for n, s in zip(shape, strides, strict=True))


def strides_in_elements(array) -> tuple[int, ...]:
    """A NumPy (or CuPy) array's strides counted in elements rather than bytes."""
    return tuple(s // array.itemsize for s in array.strides)


class ViewOps:
    """The handful of view operations a backend lends the layout recipe."""

    def reshape(self, x, shape):
        return x.reshape(shape)

    def permute(self, x, perm):
        return x.transpose(perm)

    def flip(self, x, dims):
        return x[tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(x.ndim))]

    def expand(self, x, shape):
        raise NotImplementedError


def numpy_buffer(values: np.ndarray, layout: Layout, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """A flat NumPy buffer holding `values` in `layout`, and the NumPy view onto it.

    The buffer's other elements hold `GUARD_VALUE`. The view is writable unless the
    layout expands a dimension (NumPy's broadcast views are read-only).
    """
    shape = values.shape
    flat = np.full(layout.buffer_size(shape), GUARD_VALUE[kind], dtype=values.dtype)
    pre_expand = Layout(layout.offset, layout.steps, layout.perm, (), layout.flipped)
    source = pre_expand.view(flat, layout.source_shape(shape), NUMPY_VIEW_OPS)
    index = tuple(slice(0, 1) if d in layout.expanded else slice(None) for d in range(values.ndim))
    source[...] = values[index]
    return flat, layout.view(flat, shape, NUMPY_VIEW_OPS)


class _NumpyViewOps(ViewOps):
    def expand(self, x, shape):
        return np.broadcast_to(x, shape)


NUMPY_VIEW_OPS = _NumpyViewOps()
