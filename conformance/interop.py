"""Helpers of the interop suite: memory addresses, write-through probes, isolated DLPack calls.

Whether two objects share memory is decided by behaviour, not by asking torch: a
value written through one side must be read back through the other (and the first
element's address must be the same). Calls that can abort the interpreter run in
`conformance.isolation`'s helper process, so they live here, importable by name.
"""

from __future__ import annotations

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.backends import NUMPY, tensor_to_numpy
from conformance.inputs import ArrayInput
from conformance.layouts import significant_strides, strides_in_elements


def array_address(array: np.ndarray) -> int:
    """The address of an array's first element."""
    return int(array.__array_interface__["data"][0])


def tensor_address(tensor: torch.Tensor) -> int:
    """The address of a tensor's first element."""
    return int(tensor.data_ptr())


def marker(dtype: dt.DType, current: object) -> object:
    """A value of `dtype` different from `current`, to write through one side."""
    if dtype.kind == "bool":
        return not bool(current)
    if dtype.kind in ("int", "uint"):
        return 7 if current != 7 else 9
    if dtype.kind == "complex":
        return 7.5 - 2.5j if current != 7.5 - 2.5j else 9.5 + 1.5j
    return 7.5 if current != 7.5 else 9.5


def first_index(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(0 for _ in shape)


def written_through_numpy(array: np.ndarray, tensor: torch.Tensor, dtype: dt.DType) -> bool:
    """Write a marker into the array's first element; does the tensor see it?"""
    index = first_index(array.shape)
    value = marker(dtype, array[index])
    array[index] = value
    return bool(tensor_to_numpy(tensor)[index] == np.asarray(value, dtype=array.dtype))


def written_through_torch(tensor: torch.Tensor, array: np.ndarray, dtype: dt.DType) -> bool:
    """Write a marker into the tensor's first element; does the array see it?"""
    index = first_index(tuple(tensor.shape))
    value = marker(dtype, array[index])
    tensor[index] = value
    return bool(array[index] == np.asarray(value, dtype=array.dtype))


def layout_facts(obj) -> dict:
    """dtype, shape and significant strides (in elements) of an array or tensor, comparable across sides."""
    if isinstance(obj, torch.Tensor):
        return {
            "dtype": dt.name_of(obj.dtype),
            "shape": tuple(obj.shape),
            "strides": significant_strides(tuple(obj.shape), obj.stride()),
        }
    return {
        "dtype": dt.name_of(obj.dtype),
        "shape": tuple(obj.shape),
        "strides": significant_strides(obj.shape, strides_in_elements(obj)),
    }


def from_dlpack_in_isolation(inp: ArrayInput) -> dict:
    """Build the NumPy array of `inp` (negative strides included) and import it with
    torch.from_dlpack; runs in the helper process, since torch may abort on it."""
    array = NUMPY.build(inp)
    tensor = torch.from_dlpack(array)
    return {
        **layout_facts(tensor),
        "values": tensor_to_numpy(tensor),
        "shares": array.size == 0 or tensor_address(tensor) == array_address(array),
    }


def numpy_from_dlpack_of_array(inp: ArrayInput) -> dict:
    """The same import done by NumPy (np.from_dlpack): the reference for the isolated call."""
    array = NUMPY.build(inp)
    imported = np.from_dlpack(array)
    return {
        **layout_facts(imported),
        "values": np.array(imported),
        "shares": array.size == 0 or array_address(imported) == array_address(array),
    }
