"""The shape-op suite catches bugs planted in torch's shape functions (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _reshape_copies(original):
    return lambda x, shape, *args, **kwargs: original(x, shape, *args, **kwargs).clone()


def _view_copies_where_it_must_raise(original):
    def planted(self, *shape):
        try:
            return original(self, *shape)
        except RuntimeError:
            return self.reshape(*shape)

    return planted


def _flip_drops_negative_dims(original):
    def planted(x, dims, *args, **kwargs):
        dims = [dims] if isinstance(dims, int) else list(dims)
        return original(x, [d for d in dims if d >= 0], *args, **kwargs)

    return planted


def _cat_keeps_the_first_dtype(original):
    def planted(tensors, *args, **kwargs):
        tensors = list(tensors)
        return original([t.to(tensors[0].dtype) for t in tensors], *args, **kwargs)

    return planted


def _squeeze_without_dims_squeezes_one(original):
    def planted(x, *args, **kwargs):
        if not args and "dim" not in kwargs and 1 in x.shape:
            return original(x, list(x.shape).index(1))
        return original(x, *args, **kwargs)

    return planted


def _split_copies(original):
    return lambda *args, **kwargs: tuple(piece.clone() for piece in original(*args, **kwargs))


def _permute_copies(original):
    return lambda self, *args, **kwargs: original(self, *args, **kwargs).contiguous().clone()


def _movedim_pairs_destinations_backwards(original):
    def planted(x, source, destination):
        if isinstance(destination, tuple | list):
            destination = tuple(reversed(destination))
        return original(x, source, destination)

    return planted


def _cat_returns_a_new_tensor_for_a_strided_out(original):
    def planted(tensors, *args, out=None, **kwargs):
        if out is None or not out.is_contiguous():
            return original(tensors, *args, **kwargs)
        return original(tensors, *args, out=out, **kwargs)

    return planted


PLANTS = {
    "reshape returns a copy where a view is due": (
        torch,
        "reshape",
        _reshape_copies,
        "test_shape_op and torch.reshape",
    ),
    "view of a non-contiguous tensor copies instead of raising": (
        torch.Tensor,
        "view",
        _view_copies_where_it_must_raise,
        "test_view_needs_compatible_strides",
    ),
    "flip drops negative dims": (torch, "flip", _flip_drops_negative_dims, "test_shape_op and torch.flip"),
    "cat keeps the first tensor's dtype": (
        torch,
        "cat",
        _cat_keeps_the_first_dtype,
        "test_join_every_dtype_pair and cat",
    ),
    "squeeze without dims squeezes only the first size-1 dim": (
        torch,
        "squeeze",
        _squeeze_without_dims_squeezes_one,
        "test_shape_op and torch.squeeze",
    ),
    "split returns copies": (torch, "split", _split_copies, "test_shape_op and torch.split"),
    "Tensor.permute returns a contiguous copy": (
        torch.Tensor,
        "permute",
        _permute_copies,
        "test_shape_op and Tensor.permute",
    ),
    "movedim pairs several destinations backwards": (
        torch,
        "movedim",
        _movedim_pairs_destinations_backwards,
        "test_shape_op and torch.movedim",
    ),
    "cat with a strided out= returns a new tensor": (
        torch,
        "cat",
        _cat_returns_a_new_tensor_for_a_strided_out,
        "test_join_out and cat",
    ),
}


# Plants that only some calls meet (squeeze without dims, of a shape with two or more size-1
# dims) take the thorough profile's budget; the others change most calls of their function, and
# the ci profile's 30 examples meet them.
THOROUGH = {"squeeze without dims squeezes only the first size-1 dim"}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    profile = "thorough" if plant in THOROUGH else "ci"
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "shapes", selection, profile=profile)
