"""The random suite catches bugs planted in torch's samplers (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _randperm_repeats_an_element(original):
    def planted(n, *args, **kwargs):
        result = original(n, *args, **kwargs)
        if result.numel() >= 2:
            result[-1] = result[0]  # one value twice, another missing
        return result

    return planted


def _bernoulli_draws_at_one_half(original):
    def planted(self, p=0.5, *args, **kwargs):
        return original(self, 0.5, *args, **kwargs) if isinstance(p, float) else original(self, p, *args, **kwargs)

    return planted


def _randn_too_wide(original):
    return lambda *args, **kwargs: original(*args, **kwargs) * 1.05


def _rand_scaled(original):
    def planted(*args, **kwargs):
        return original(*args, **kwargs) * 0.9  # a wrong divisor for the random bits: [0, 0.9), still in [0, 1)

    return planted


def _multinomial_ignores_weights(original):
    def planted(input, *args, **kwargs):
        return original(torch.ones_like(input), *args, **kwargs)

    return planted


def _randint_includes_high(original):
    def planted(*args, **kwargs):
        numbers = [a for a in args if isinstance(a, int)]
        if len(numbers) == 2:  # randint(low, high, size): draw from [low, high]
            return original(numbers[0], numbers[1] + 1, *args[2:], **kwargs)
        return original(*args, **kwargs)

    return planted


def _randint_ignores_generator(original):
    def planted(*args, generator=None, **kwargs):
        return original(*args, **kwargs)

    return planted


def _normal_ignores_std(original):
    def planted(self, mean=0.0, std=1.0, *args, **kwargs):
        return original(self, mean, 1.0, *args, **kwargs)

    return planted


PLANTS = {
    "randperm repeats an element": (
        torch,
        "randperm",
        _randperm_repeats_an_element,
        "test_randperm_is_a_permutation",
    ),
    "bernoulli_(p=0.3) draws at 0.5": (
        torch.Tensor,
        "bernoulli_",
        _bernoulli_draws_at_one_half,
        "test_bernoulli and bernoulli_-p",
    ),
    "randn's variance is 1.1": (torch, "randn", _randn_too_wide, "test_normal and torch.randn and not like"),
    "rand draws from [0, 0.9)": (torch, "rand", _rand_scaled, "test_uniform and torch.rand-cpu"),
    "multinomial ignores the weights": (torch, "multinomial", _multinomial_ignores_weights, "test_multinomial"),
    "randint draws high too": (torch, "randint", _randint_includes_high, "test_randint and torch.randint-cpu"),
    "randint ignores its generator": (
        torch,
        "randint",
        _randint_ignores_generator,
        "test_generator_reproducible and torch.randint",
    ),
    "normal_ ignores std": (torch.Tensor, "normal_", _normal_ignores_std, "test_normal and Tensor.normal_"),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "random", selection)
