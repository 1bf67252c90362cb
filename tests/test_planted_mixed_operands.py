"""The mixed-operands suite catches bugs planted in torch (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _where_ignores_scalar_promotion(original):
    def planted(condition, *args, **kwargs):
        result = original(condition, *args, **kwargs)
        tensors = [a for a in args if isinstance(a, torch.Tensor) and a.dim()]
        if len(args) == 2 and any(isinstance(a, float) for a in args) and tensors:
            return result.to(tensors[0].dtype)  # a float branch no longer lifts an integer tensor
        return result

    return planted


def _tensor_wraps_ints_past_int32(original):
    def planted(data, *args, **kwargs):
        result = original(data, *args, **kwargs)
        return result.to(torch.int32).to(torch.int64) if result.dtype == torch.int64 else result

    return planted


PLANTS = {
    "where with a float branch keeps an integer tensor's dtype": (
        torch,
        "where",
        _where_ignores_scalar_promotion,
        "mixed_operands",
        "test_python_scalar_operand and where",
    ),
    "tensor() wraps Python ints past int32": (
        torch,
        "tensor",
        _tensor_wraps_ints_past_int32,
        "mixed_operands",
        "test_python_ints_of_every_magnitude and torch.tensor",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, suite_name, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, suite_name, selection)


@pytest.mark.parametrize("profile", ["dev", "ci"])
def test_where_keeping_the_tensors_dtype_fails_the_scalar_promotion_table(pytester, monkeypatch, profile):
    """The promotion suite's table of every dtype with each kind of Python scalar, in either
    branch of where, fails the where plant under any profile, where `test_python_scalar_operand`
    meets an integral tensor beside a float branch in only some of a short run's draws."""
    target, name, make, _, _ = PLANTS["where with a float branch keeps an integer tensor's dtype"]
    assert_plant_is_caught(
        pytester, monkeypatch, target, name, make, "promotion", "test_scalar_promotion_table and where-", profile
    )
