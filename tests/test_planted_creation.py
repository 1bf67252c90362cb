"""The creation suite itself catches bugs planted in torch (and passes without them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch
from planting import assert_plant_is_caught, suite


def _zeros_like_ignoring_dtype(original):
    def planted(tensor, *args, dtype=None, **kwargs):
        return original(tensor, *args, **kwargs)  # the dtype argument is dropped

    return planted


def _arange_one_too_many(original):
    def planted(*args, **kwargs):
        result = original(*args, **kwargs)
        positional = [a for a in args if isinstance(a, int | float)]
        if len(positional) == 3 and positional[2] < 0 and result.numel() > 0:
            return torch.cat([result, result[-1:] + positional[2]])
        return result

    return planted


def _zeros_off_by_one_for_int8(original):
    def planted(*args, dtype=None, **kwargs):
        result = original(*args, dtype=dtype, **kwargs)
        return result + 1 if dtype == torch.int8 else result

    return planted


def _tensor_default_float64(original):
    def planted(data, *args, **kwargs):
        result = original(data, *args, **kwargs)
        return result.double() if result.dtype == torch.float32 and "dtype" not in kwargs else result

    return planted


def _tensor_off_by_one_for_int16(original):
    def planted(*args, **kwargs):
        result = original(*args, **kwargs)
        return result + 1 if result.dtype == torch.int16 else result

    return planted


PLANTS = {
    "zeros_like ignores dtype": (
        "creation",
        "zeros_like",
        _zeros_like_ignoring_dtype,
        "test_like and zeros_like and (float32 or int64)",
    ),
    "arange one too many for negative steps": ("ranges", "arange", _arange_one_too_many, "test_arange and int-int64"),
    "zeros gives ones for int8": ("creation", "zeros", _zeros_off_by_one_for_int8, "test_filled and zeros and int8"),
    "tensor defaults to float64 (the documented divergence would be fixed)": (
        "creation",
        "tensor",
        _tensor_default_float64,
        "test_from_python_data and torch.tensor and float-cpu",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    suite_name, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, torch, name, make, suite_name, selection)


def _import_before_planting(monkeypatch, suite_name: str) -> None:
    """Import the suite as pytest's default (prepend) import mode names it, so that the in-process
    runs reuse this module rather than importing it afresh once the plant is in place."""
    path = Path(suite(suite_name))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, path.stem, module)
    spec.loader.exec_module(module)


def test_plant_is_caught_in_a_suite_imported_before_it(pytester, monkeypatch):
    """The suite looks torch.tensor up when a check runs: a suite that captured it at import (as
    `{"torch.tensor": torch.tensor}` did) would keep calling the original and miss this plant."""
    _import_before_planting(monkeypatch, "creation")
    assert_plant_is_caught(
        pytester,
        monkeypatch,
        torch,
        "tensor",
        _tensor_off_by_one_for_int16,
        "creation",
        "test_from_python_data_with_dtype and torch.tensor and int16",
    )
