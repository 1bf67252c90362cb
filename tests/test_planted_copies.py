"""The copies suite catches bugs planted in torch (and passes without them)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from planting import assert_plant_is_caught


def _called_by_a_suite() -> bool:
    """Whether the planted function's caller is a suite module: the harness reads results with
    contiguous() and clone() too, and a plant must not corrupt the reading of them."""
    return sys._getframe(2).f_globals.get("__name__", "").startswith("test_")


def _contiguous_returns_self(original):
    def planted(self, *args, **kwargs):
        return self if _called_by_a_suite() else original(self, *args, **kwargs)

    return planted


def _copy_ignores_broadcast_source(original):
    def planted(self, src, *args, **kwargs):
        if isinstance(src, torch.Tensor) and tuple(src.shape) != tuple(self.shape):
            return self  # the source would have to be broadcast: nothing is copied
        return original(self, src, *args, **kwargs)

    return planted


def _clone_shares_memory(original):
    def planted(self, *args, **kwargs):
        return self.detach() if not kwargs and _called_by_a_suite() else original(self, *args, **kwargs)

    return planted


def _copy_true_returns_self(original):
    def planted(self, *args, copy=False, **kwargs):
        result = original(self, *args, **kwargs)
        return result  # copy=True is dropped: a no-op conversion returns self

    return planted


def _type_as_keeps_own_dtype(original):
    return lambda self, other: self


def _new_zeros_ignores_dtype(original):
    def planted(self, size, *args, dtype=None, **kwargs):
        return original(self, size, *args, **kwargs)

    return planted


PLANTS = {
    "contiguous() of a non-contiguous tensor returns it unchanged": (
        torch.Tensor,
        "contiguous",
        _contiguous_returns_self,
        "copies",
        "test_copy and Tensor.contiguous and not channels_last",
    ),
    "copy_ ignores a source that must be broadcast": (
        torch.Tensor,
        "copy_",
        _copy_ignores_broadcast_source,
        "copies",
        "test_copy_into",
    ),
    "clone returns a view of its source": (
        torch.Tensor,
        "clone",
        _clone_shares_memory,
        "copies",
        "test_copy and Tensor.clone-cpu",
    ),
    "to(copy=True) returns self": (
        torch.Tensor,
        "to",
        _copy_true_returns_self,
        "copies",
        "test_copy and True",
    ),
    "type_as keeps self's dtype": (
        torch.Tensor,
        "type_as",
        _type_as_keeps_own_dtype,
        "copies",
        "test_conversion and type_as",
    ),
    "new_zeros ignores dtype=": (
        torch.Tensor,
        "new_zeros",
        _new_zeros_ignores_dtype,
        "copies",
        "test_new_filled and new_zeros",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, suite_name, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, suite_name, selection)


def test_numpy_reference_of_copies_is_independent_of_torch():
    """The copy suite's reference for a conversion is NumPy's astype (a sanity check of the premise
    that NumPy rounds float64 to float16 once)."""
    value = 1 + 2**-11 + 2**-40
    assert float(np.array([value]).astype(np.float16)[0]) == 1 + 2**-10
