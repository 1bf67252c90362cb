"""The autograd suite catches bugs planted in torch's autograd (and passes without them)."""

from __future__ import annotations

import contextlib

import pytest
import torch
from planting import assert_plant_is_caught


def _exp_gradient_doubled(original):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = original(x)
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return 2 * grad * result

    return lambda x, *args, **kwargs: Exp.apply(x)


def _grad_also_accumulates(original):
    def planted(outputs, inputs, *args, **kwargs):
        results = original(outputs, inputs, *args, **kwargs)
        for tensor, gradient in zip([inputs] if isinstance(inputs, torch.Tensor) else inputs, results, strict=False):
            if gradient is not None:
                tensor.grad = gradient.detach().clone() if tensor.grad is None else tensor.grad + gradient.detach()
        return results

    return planted


def _enable_grad_does_nothing(original):
    class Planted(contextlib.ContextDecorator):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    return Planted


def _requires_grad_false_is_ignored(original):
    def planted(self, requires_grad=True):
        return original(self, requires_grad) if requires_grad else self

    return planted


def _gather_gradient_overwrites(original):
    class Gather(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, index):
            ctx.save_for_backward(index)
            ctx.shape = x.shape
            return original(x.detach(), index)

        @staticmethod
        def backward(ctx, grad):
            (index,) = ctx.saved_tensors
            result = torch.zeros(ctx.shape, dtype=grad.dtype, device=grad.device)
            result[index] = grad  # repeated indices overwrite instead of adding up
            return result, None

    def planted(self, key):
        if isinstance(key, torch.Tensor) and key.dtype == torch.int64 and self.requires_grad:
            return Gather.apply(self, key)
        return original(self, key)

    return planted


PLANTS = {
    "exp's gradient off by a factor": (torch, "exp", _exp_gradient_doubled, "test_gradient and exp-float64"),
    "autograd.grad also accumulates into .grad": (
        torch.autograd,
        "grad",
        _grad_also_accumulates,
        "test_backward_accumulates",
    ),
    "enable_grad inside no_grad does not re-enable": (
        torch,
        "enable_grad",
        _enable_grad_does_nothing,
        "test_grad_modes_nest or test_grad_mode_context_managers",
    ),
    "requires_grad_(False) leaves the tensor in the graph": (
        torch.Tensor,
        "requires_grad_",
        _requires_grad_false_is_ignored,
        "test_requires_grad_propagates",
    ),
    "x[idx]'s gradient does not add up repeated indices": (
        torch.Tensor,
        "__getitem__",
        _gather_gradient_overwrites,
        "test_gradient and index-float64",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "autograd", selection)
