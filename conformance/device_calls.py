"""Invalid calls that torch stops with a device-side assert on CUDA, and NumPy's refusal of each.

`suites/test_device_asserts.py` makes each torch call in the isolated helper
(`conformance.isolation`), which ends itself once its device context is lost, so that
the entries of `known_divergences/device_asserts.py` are shown, not only assumed.
Each torch call synchronizes its device before it returns: the error is asynchronous.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch


def _synchronized(device: str, result: torch.Tensor) -> torch.Tensor:
    module = getattr(torch, torch.device(device).type, None)
    if module is not None and hasattr(module, "synchronize") and torch.device(device).type != "cpu":
        module.synchronize(device)
    return result.cpu()


def _getitem(device: str) -> torch.Tensor:
    x = torch.zeros(3, device=device)
    return _synchronized(device, x[torch.tensor([5], device=device)])


def _setitem(device: str) -> torch.Tensor:
    x = torch.zeros(3, device=device)
    x[torch.tensor([5], device=device)] = 1.0
    return _synchronized(device, x)


def _index_put(device: str) -> torch.Tensor:
    x = torch.zeros(3, device=device)
    return _synchronized(device, torch.index_put(x, (torch.tensor([5], device=device),), torch.ones(1, device=device)))


def _numpy_setitem() -> np.ndarray:
    x = np.zeros(3)
    x[np.array([5])] = 1.0
    return x


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


CALLS: dict[str, tuple[Callable[[str], Any], Callable[[], Any]]] = {
    "getitem-index-past-its-dim": (_getitem, lambda: np.zeros(3)[np.array([5])]),
    "setitem-index-past-its-dim": (_setitem, _numpy_setitem),
    "index_put-index-past-its-dim": (_index_put, _numpy_setitem),
    "bernoulli-p-above-one": (
        lambda d: _synchronized(d, torch.bernoulli(torch.tensor([1.5], device=d))),
        lambda: _rng().binomial(1, 1.5, 1),
    ),
    "bernoulli-p-nan": (
        lambda d: _synchronized(d, torch.bernoulli(torch.tensor([math.nan], device=d))),
        lambda: _rng().binomial(1, math.nan, 1),
    ),
    "multinomial-negative-weight": (
        lambda d: _synchronized(d, torch.multinomial(torch.tensor([1.0, -1.0], device=d), 1)),
        lambda: _rng().choice(2, 1, p=[2.0, -1.0]),
    ),
    "multinomial-zero-weights": (
        lambda d: _synchronized(d, torch.multinomial(torch.tensor([0.0, 0.0], device=d), 1)),
        lambda: _rng().choice(2, 1, p=[0.0, 0.0]),
    ),
}


def torch_call(label: str, device: str) -> Any:
    """torch's side of the call `label` on `device` (a module-level function: the helper runs it)."""
    return CALLS[label][0](device)


def reference_call(label: str) -> Any:
    return CALLS[label][1]()
