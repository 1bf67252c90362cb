"""The interop suite catches bugs planted in torch (and passes without them)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from planting import assert_plant_is_caught


def _dlpack_exports_a_copy(original):
    return lambda self, *args, **kwargs: original(self.clone(), *args, **kwargs)


def _asarray_copies(original):
    def planted(obj, *args, **kwargs):
        return original(np.array(obj) if isinstance(obj, np.ndarray) else obj, *args, **kwargs)

    return planted


def _from_numpy_int16_gives_int32(original):
    return lambda array: original(array.astype(np.int32) if array.dtype == np.int16 else array)


def _numpy_of_transposed_is_a_copy(original):
    def planted(self, *args, **kwargs):
        array = original(self, *args, **kwargs)
        return np.ascontiguousarray(array) if not self.is_contiguous() else array

    return planted


def _force_still_refuses_the_graph(original):
    def planted(self, *args, force=False, **kwargs):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad.")
        return original(self, *args, force=force, **kwargs)

    return planted


PLANTS = {
    "np.from_dlpack(tensor) copies": (
        torch.Tensor,
        "__dlpack__",
        _dlpack_exports_a_copy,
        "test_numpy_from_dlpack_of_tensor and float32",
    ),
    "torch.asarray(ndarray) copies where it could share": (
        torch,
        "asarray",
        _asarray_copies,
        "test_numpy_to_torch_copy_semantics and asarray and not True and not False and not dtype",
    ),
    "from_numpy of int16 gives int32": (
        torch,
        "from_numpy",
        _from_numpy_int16_gives_int32,
        "test_dtype_map_both_ways and int16",
    ),
    ".numpy() of a transposed tensor returns a contiguous copy": (
        torch.Tensor,
        "numpy",
        _numpy_of_transposed_is_a_copy,
        "test_numpy_method_shares_memory and float64",
    ),
    "numpy(force=True) keeps refusing a tensor in the graph": (
        torch.Tensor,
        "numpy",
        _force_still_refuses_the_graph,
        "test_numpy_of_a_tensor_that_requires_grad",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "interop", selection)
