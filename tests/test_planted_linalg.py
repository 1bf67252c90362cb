"""The linear-algebra suite catches bugs planted in torch's products (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _matmul_ignores_a_size_one_batch(original):
    """Where a batch dim of size 1 meets a wider one, every batch takes the other operand's first."""

    def planted(x, y, *args, **kwargs):
        result = original(x, y, *args, **kwargs)
        if x.dim() >= 3 and y.dim() >= 3 and x.shape[-3] == 1 and y.shape[-3] > 1:
            return original(x, y[..., :1, :, :], *args, **kwargs).expand_as(result)
        return result

    return planted


def _float32_matmul_in_bfloat16(original):
    def planted(x, y, *args, **kwargs):
        if x.dtype == torch.float32 and y.dtype == torch.float32:
            return original(x.bfloat16(), y.bfloat16(), *args, **kwargs).float()
        return original(x, y, *args, **kwargs)

    return planted


def _vdot_without_conjugation(original):
    return lambda x, y, *args, **kwargs: torch.dot(x, y, *args, **kwargs)


def _int64_mm_through_float64(original):
    def planted(x, y, *args, **kwargs):
        if x.dtype == torch.int64 and y.dtype == torch.int64:
            return original(x.double(), y.double(), *args, **kwargs).to(torch.int64)
        return original(x, y, *args, **kwargs)

    return planted


def _matmul_misreads_a_strided_operand(original):
    """A non-contiguous operand read as if its elements were packed (a stride bug)."""

    def planted(self, other, *args, **kwargs):
        if other.dim() and not other.is_contiguous() and other.numel() > 1:
            strides, size = [], 1
            for n in reversed(other.shape):
                strides.insert(0, size)
                size *= n
            other = torch.as_strided(other, other.shape, strides, other.storage_offset())
        return original(self, other, *args, **kwargs)

    return planted


def _tensordot_pairs_dims_in_sorted_order(original):
    def planted(x, y, dims=2, *args, **kwargs):
        if not isinstance(dims, int):
            dims = (sorted(dims[0]), sorted(dims[1]))
        return original(x, y, dims, *args, **kwargs)

    return planted


def _dot_ignores_out(original):
    def planted(x, y, *args, out=None, **kwargs):
        return original(x, y, *args, **kwargs)

    return planted


def _mm_loses_nan(original):
    def planted(x, y, *args, **kwargs):
        result = original(x, y, *args, **kwargs)
        return torch.nan_to_num(result, nan=0.0) if result.is_floating_point() else result

    return planted


PLANTS = {
    "matmul ignores a size-1 batch broadcast": (
        torch,
        "matmul",
        _matmul_ignores_a_size_one_batch,
        "(test_product or test_out) and matmul",
    ),
    "float32 matmul computed in bfloat16": (
        torch,
        "matmul",
        _float32_matmul_in_bfloat16,
        "(test_product or test_out) and matmul",
    ),
    "vdot does not conjugate": (torch, "vdot", _vdot_without_conjugation, "test_product and torch.vdot"),
    "int64 mm computed through float64": (torch, "mm", _int64_mm_through_float64, "test_product and torch.mm"),
    "Tensor.matmul misreads a strided operand": (
        torch.Tensor,
        "matmul",
        _matmul_misreads_a_strided_operand,
        "test_product and Tensor.matmul",
    ),
    "tensordot pairs its dims in sorted order": (
        torch,
        "tensordot",
        _tensordot_pairs_dims_in_sorted_order,
        "test_product and torch.tensordot",
    ),
    "dot ignores out=": (torch, "dot", _dot_ignores_out, "test_out and dot"),
    "mm turns NaN into 0": (torch, "mm", _mm_loses_nan, "test_special_values and mm"),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "linalg", selection)


@pytest.mark.parametrize("profile", ["dev", "ci"])
@pytest.mark.parametrize(
    "plant, selection",
    [
        ("int64 mm computed through float64", "test_every_dtype_pair and mm-"),
        ("float32 matmul computed in bfloat16", "test_every_dtype_pair and matmul-"),
    ],
)
def test_a_product_in_another_dtype_fails_every_dtype_pair(pytester, monkeypatch, plant, selection, profile):
    """A dtype paired with itself in `test_every_dtype_pair` holds values that need its whole
    width (int64's extremes, whose products wrap; float32 values with their last significand
    bit set): a product computed through float64, or in bfloat16, fails it under any profile,
    where `test_product` meets the dtype in only some of a short run's draws."""
    target, name, make, _ = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "linalg", selection, profile)
