"""Normal form: what both sides' results are converted to before they are compared.

A result of either side (a tensor, an ndarray, a CuPy array, a Python scalar, a
sequence, a mapping) becomes a `Normal`: NumPy values and the name of the dtype they
stand for. Tensors are read back as raw bytes (`backends.tensor_to_numpy`), never
through the conversions the suites check. NumPy has no bfloat16: a reference value
held in a float32 carrier is tagged with the dtype it stands for (`Expected`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.backends import CupyBackend, tensor_to_numpy


@dataclass(frozen=True)
class Expected:
    """A reference value held in a carrier dtype but standing for another dtype.

    NumPy has no bfloat16: `Expected(values, "bfloat16")` says the float32 values
    (already rounded with `dtypes.round_to_bfloat16`) stand for a bfloat16 result.
    """

    values: Any
    dtype: str


def as_dtype(values: Any, dtype: str | dt.DType) -> Any:
    """The reference `values` stated in `dtype`: converted, or rounded and tagged where NumPy lacks it."""
    dtype = dt.dtype(dtype)
    carried = dtype.carry(values)
    return carried if dtype.native_numpy else Expected(carried, dtype.name)


@dataclass
class Normal:
    """A result in NumPy space: an array and the dtype name it stands for."""

    kind: str  # "array", "scalar", "sequence", "none", "other"
    values: Any = None
    dtype: str = ""
    items: list[Normal] = field(default_factory=list)
    source: str = ""  # "tensor", "ndarray", "python int", ...
    device: str = ""  # where a tensor result lives

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.values))


def is_cupy_array(value: Any) -> bool:
    return type(value).__module__.startswith("cupy") and hasattr(value, "__cuda_array_interface__")


def normalize(value: Any) -> Normal:
    """Convert a result of either side to NumPy space without trusting the op under test."""
    if isinstance(value, Expected):
        return Normal("array", np.asarray(value.values), value.dtype, source="ndarray")
    if isinstance(value, torch.Tensor):
        device = value.device.type if value.device.index is None else f"{value.device.type}:{value.device.index}"
        return Normal("array", tensor_to_numpy(value), dt.name_of(value.dtype), source="tensor", device=device)
    if isinstance(value, torch.Size):
        return Normal("sequence", items=[normalize(n) for n in value], source="torch.Size")
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        return Normal("array", array, dt.name_of(array.dtype), source=type(value).__name__)
    if is_cupy_array(value):
        array = CupyBackend().to_numpy(value)
        return Normal("array", array, dt.name_of(array.dtype), source="cupy.ndarray")
    if isinstance(value, bool | int | float | complex):
        name = type(value).__name__
        return Normal("scalar", np.asarray(value), f"python {name}", source=f"python {name}")
    if isinstance(value, list | tuple):
        return Normal("sequence", items=[normalize(v) for v in value], source=type(value).__name__)
    if isinstance(value, Mapping):
        keys = list(value)
        return Normal("mapping", values=keys, items=[normalize(value[k]) for k in keys], source="dict")
    if value is None:
        return Normal("none", source="None")
    return Normal("other", value, source=type(value).__name__)
