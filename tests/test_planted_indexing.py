"""The indexing suite catches bugs planted in torch's indexing (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _index_tensors(key) -> list[torch.Tensor]:
    parts = key if isinstance(key, tuple) else (key,)
    return [part for part in parts if isinstance(part, torch.Tensor)]


def _is_basic(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return all(part is None or part is Ellipsis or isinstance(part, int | slice) for part in parts)


def _getitem_drops_repeated_indices(original):
    """x[idx] with an int64 index tensor returns each selected element once."""

    def planted(self, key):
        if isinstance(key, torch.Tensor) and key.dtype == torch.int64 and key.dim() == 1 and self.dim() > 0:
            seen, kept = set(), []
            for position in key.tolist():
                if position % max(self.shape[0], 1) not in seen:
                    seen.add(position % max(self.shape[0], 1))
                    kept.append(position)
            key = torch.tensor(kept, dtype=torch.int64, device=key.device)
        return original(self, key)

    return planted


def _negative_start_off_by_one(original):
    """A slice with a negative start starts one element early."""

    def shift(part):
        if isinstance(part, slice) and part.start is not None and part.start < 0:
            return slice(part.start - 1, part.stop, part.step)
        return part

    def planted(self, key):
        key = tuple(shift(part) for part in key) if isinstance(key, tuple) else shift(key)
        return original(self, key)

    return planted


def _basic_indexing_copies(original):
    """Basic indexing returns a copy where it must return a view."""

    def planted(self, key):
        result = original(self, key)
        return result.clone() if _is_basic(key) else result

    return planted


def _mask_selects_in_memory_order(original):
    """x[mask] of a permuted tensor gives the elements in memory order, not in index order."""

    def planted(self, key):
        if isinstance(key, torch.Tensor) and key.dtype == torch.bool and key.shape == self.shape and self.dim() > 1:
            order = sorted(range(self.dim()), key=lambda d: -self.stride(d))
            return original(self.permute(order), key.permute(order))
        return original(self, key)

    return planted


def _out_of_range_integer_wraps(original):
    """An integer past the end wraps around instead of raising."""

    def planted(self, key):
        if isinstance(key, int) and not isinstance(key, bool) and self.dim() > 0 and self.shape[0]:
            key %= self.shape[0]
        return original(self, key)

    return planted


def _mask_fill_writes_first_only(original):
    """x[mask] = scalar writes the first selected element only."""

    def planted(self, key, value):
        if isinstance(key, torch.Tensor) and key.dtype == torch.bool and isinstance(value, int | float) and key.any():
            first = tuple(int(i) for i in key.nonzero()[0])
            key = torch.zeros_like(key)
            key[first] = True
        return original(self, key, value)

    return planted


def _index_put_adds_repeats_once(original):
    """index_put_(accumulate=True) reads, adds and writes back: a repeated position adds once."""

    def planted(self, indices, values, accumulate=False):
        if accumulate:
            return original(self, indices, self[indices] + values, False)
        return original(self, indices, values, accumulate)

    return planted


PLANTS = {
    "x[idx] returns each repeated element once": (
        torch.Tensor,
        "__getitem__",
        _getitem_drops_repeated_indices,
        "test_spelled_out and repeated or test_advanced_indexing and tensors",
    ),
    "a negative-start slice off by one": (
        torch.Tensor,
        "__getitem__",
        _negative_start_off_by_one,
        "test_basic_indexing or test_spelled_out and negative-start",
    ),
    "basic indexing returns a copy": (
        torch.Tensor,
        "__getitem__",
        _basic_indexing_copies,
        "test_views_and_copies and basic",
    ),
    "x[mask] in memory order": (
        torch.Tensor,
        "__getitem__",
        _mask_selects_in_memory_order,
        "test_mask_of_own_values and tensors",
    ),
    "an integer past the end wraps around": (
        torch.Tensor,
        "__getitem__",
        _out_of_range_integer_wraps,
        "test_spelled_out and integer and past",
    ),
    "x[mask] = scalar writes the first element only": (
        torch.Tensor,
        "__setitem__",
        _mask_fill_writes_first_only,
        "test_setitem and tensors or test_assignment_spelled_out and mask",
    ),
    "index_put_(accumulate=True) adds a repeated position once": (
        torch.Tensor,
        "index_put_",
        _index_put_adds_repeats_once,
        "test_index_put_spelled_out and Tensor.index_put_ and accumulate",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "indexing", selection)
