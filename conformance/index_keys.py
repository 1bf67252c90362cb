"""Index keys: what goes between the brackets of `x[key]`, described once and built for either side.

A key is a sequence of parts: Python ints (and NumPy integer scalars), slices, None,
Ellipsis, Python (and NumPy) bools, and index arrays. An `IndexArray` holds its values and dtype
as an `ArrayInput` (so an index tensor can have any layout) and says how the key
carries it: a tensor (on the device under test; an array of the reference's module on
the other side), a NumPy array, or a Python list. torch and NumPy read the same key
from the same description; nothing on the reference side passes through torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.backends import NUMPY, torch_backend
from conformance.inputs import ArrayInput

KINDS = ("tensor", "ndarray", "list")


@dataclass(frozen=True)
class IndexArray:
    """An index array: integer positions or a bool mask, carried as a tensor, a NumPy array or a list."""

    input: ArrayInput
    kind: str = "tensor"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown index array kind {self.kind!r}; one of {KINDS}")
        if self.kind == "list" and self.values.ndim == 0:
            raise ValueError("a list index needs at least one dim (a 0-d list is a Python scalar)")

    @property
    def values(self) -> np.ndarray:
        return self.input.values

    @property
    def dtype(self) -> dt.DType:
        return self.input.dtype

    @property
    def ndim(self) -> int:
        return self.values.ndim

    @property
    def is_mask(self) -> bool:
        return self.dtype.kind == "bool"

    def for_torch(self, device: str) -> Any:
        if self.kind == "tensor":
            return torch_backend(device).build(self.input)
        if self.kind == "ndarray":
            return NUMPY.build(self.input)
        return self.values.tolist()

    def for_reference(self, xp) -> Any:
        if self.kind == "list":
            return self.values.tolist()
        array = NUMPY.build(self.input)
        return array if xp is np else xp.asarray(array)

    def __repr__(self) -> str:
        values = np.array2string(self.values, threshold=12, edgeitems=2, separator=", ")
        values = " ".join(values.split())
        if self.kind == "list":
            return values
        layout = "" if self.input.layout.is_contiguous else f", {self.input.layout.kind}"
        return f"{self.kind}({self.dtype.name}{layout}, {values})"


Part = int | np.integer | slice | None | EllipsisType | bool | np.bool_ | IndexArray


def _part_repr(part: Part) -> str:
    if part is Ellipsis:
        return "..."
    if isinstance(part, slice):
        text = ":".join("" if v is None else str(v) for v in (part.start, part.stop))
        return text if part.step is None else f"{text}:{part.step}"
    if isinstance(part, np.integer):
        return f"np.{type(part).__name__}({int(part)})"
    return repr(part)


def _build(part: Part, build_array) -> Any:
    return build_array(part) if isinstance(part, IndexArray) else part


@dataclass(frozen=True)
class IndexKey:
    """The key of `x[key]`: its parts, and whether it is written bare (`x[i]`) or as a tuple (`x[i,]`)."""

    parts: tuple[Part, ...]
    bare: bool = False

    def __post_init__(self) -> None:
        if self.bare and len(self.parts) != 1:
            raise ValueError("a bare key has exactly one part")

    @classmethod
    def of(cls, key: Any) -> IndexKey:
        """The key NumPy's own syntax spells: a tuple, or a single part written bare."""
        return cls(tuple(key), False) if isinstance(key, tuple) else cls((key,), True)

    def _assemble(self, parts: list[Any]) -> Any:
        return parts[0] if self.bare else tuple(parts)

    def for_torch(self, device: str) -> Any:
        """The key as torch is given it: index tensors on `device`."""
        return self._assemble([_build(p, lambda a: a.for_torch(device)) for p in self.parts])

    def for_reference(self, xp) -> Any:
        """The key as the reference (NumPy or CuPy) is given it."""
        return self._assemble([_build(p, lambda a: a.for_reference(xp)) for p in self.parts])

    @property
    def advanced(self) -> bool:
        """Whether NumPy reads the key as advanced indexing (an array or a bool among its parts)."""
        return any(isinstance(p, IndexArray | bool | np.bool_) for p in self.parts)

    def __repr__(self) -> str:
        inner = ", ".join(_part_repr(p) for p in self.parts)
        return f"[{inner}]" if self.bare or len(self.parts) != 1 else f"[{inner},]"

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a drawn key
        printer.text(f"key{self!r}")


def is_integer(part: object) -> bool:
    """A Python int or NumPy integer scalar (not a bool: NumPy reads a bool as a 0-d mask)."""
    return isinstance(part, int | np.integer) and not isinstance(part, bool | np.bool_)
