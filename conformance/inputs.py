"""What a strategy hands a check: values, their dtype and the layout to build them in."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from conformance.dtypes import DType
from conformance.layouts import CONTIGUOUS, Layout


@dataclass(frozen=True)
class ArrayInput:
    """Logical values (a contiguous NumPy array in the dtype's carrier), dtype and layout.

    Every backend builds the same logical values from one `ArrayInput`; the
    values already respect the layout (constant along expanded dims).
    """

    values: np.ndarray = field(compare=False)
    dtype: DType
    layout: Layout = CONTIGUOUS

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    def describe(self) -> str:
        """`float32[2, 3] (perm=(1, 0))`: what the input is, without its values."""
        shape = ", ".join(str(n) for n in self.shape)
        layout = "" if self.layout.is_contiguous else f" ({self.layout.kind})"
        return f"{self.dtype.name}[{shape}]{layout}"

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a drawn input
        printer.text(repr(self))

    def __repr__(self) -> str:
        values = np.array2string(self.values, threshold=24, edgeitems=2, separator=", ")
        return f"{self.describe()} {values}"
