"""The broadcast and promotion suites catch bugs planted in torch (and pass without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _sub_wrong_when_leading_one_broadcasts(original):
    def planted(self, other):
        result = original(self, other)
        broadcast_leading = (
            result.dim() >= 1 and result.shape[0] > 1 and (self.dim() < result.dim() or self.shape[0] == 1)
        )
        return result + 1 if isinstance(other, torch.Tensor) and broadcast_leading else result

    return planted


def _pow_keeps_int_dtype_for_float_exponent(original):
    def planted(base, exponent, *args, **kwargs):
        result = original(base, exponent, *args, **kwargs)
        if isinstance(base, torch.Tensor) and not base.dtype.is_floating_point and isinstance(exponent, float):
            return result.to(base.dtype)
        return result

    return planted


def _lt_returns_uint8(original):
    return lambda *args, **kwargs: original(*args, **kwargs).to(torch.uint8)


def _minimum_drops_nan(original):
    return lambda x, y, *args, **kwargs: torch.fmin(x, y, *args, **kwargs)


def _broadcast_tensors_copies(original):
    return lambda *tensors: tuple(t.clone() for t in original(*tensors))


def _sqrt_misreads_strided_input(original):
    def planted(x, *args, **kwargs):
        if x.dim() and not x.is_contiguous() and x.numel() > 1:
            strides, size = [], 1
            for n in reversed(x.shape):
                strides.insert(0, size)
                size *= n
            x = torch.as_strided(x, x.shape, strides, x.storage_offset())  # reads the wrong elements
        return original(x, *args, **kwargs)

    return planted


def _isnan_misses_complex_nan(original):
    def planted(x, *args, **kwargs):
        if isinstance(x, torch.Tensor) and x.is_complex():
            return original(x.real)  # a complex kernel that reads the real part alone
        return original(x, *args, **kwargs)

    return planted


def _mul_flips_zero_sign(original):
    def planted(x, y, *args, **kwargs):
        result = original(x, y, *args, **kwargs)
        if isinstance(result, torch.Tensor) and result.is_complex():
            real, imag = result.real, result.imag
            return torch.complex(real, torch.where(imag == 0, -imag, imag))
        return result

    return planted


def _add_one_ulp_off(original):
    def planted(x, y, *args, **kwargs):
        result = original(x, y, *args, **kwargs)
        if isinstance(result, torch.Tensor) and result.dtype == torch.float32 and result.numel() > 0:
            return torch.nextafter(result, torch.full_like(result, float("inf")))
        return result

    return planted


def _lt_compares_out_of_range_ints_exactly(original):
    def planted(x, y, *args, **kwargs):
        if isinstance(y, int) and isinstance(x, torch.Tensor) and not x.dtype.is_floating_point:
            return original(x.to(torch.int64), y)  # not torch's documented wrap to x's dtype
        return original(x, y, *args, **kwargs)

    return planted


PLANTS = {
    "isnan misses a complex NaN in the imaginary part": (
        torch,
        "isnan",
        _isnan_misses_complex_nan,
        "broadcast",
        "test_elementwise and torch.isnan-complex",
    ),
    "complex mul flips the sign of zero imaginary parts": (
        torch,
        "mul",
        _mul_flips_zero_sign,
        "broadcast",
        "test_elementwise and torch.mul-complex",
    ),
    "float32 add one ulp off (inside torch.testing's rtol)": (
        torch,
        "add",
        _add_one_ulp_off,
        "broadcast",
        "test_elementwise and torch.add-float-",
    ),
    "lt of an int tensor and an out-of-range Python int compares exactly": (
        torch,
        "lt",
        _lt_compares_out_of_range_ints_exactly,
        "promotion",
        "test_out_of_range_python_int and lt-int8",
    ),
    "a - b wrong only in operator form, leading size-1 dim broadcast": (
        torch.Tensor,
        "__sub__",
        _sub_wrong_when_leading_one_broadcasts,
        "broadcast",
        "test_elementwise_forms and operator.sub",
    ),
    "pow of an int tensor by a Python float keeps the int dtype": (
        torch,
        "pow",
        _pow_keeps_int_dtype_for_float_exponent,
        "promotion",
        "test_pow_integer_tensor_by_python_float",
    ),
    "lt returns uint8": (torch, "lt", _lt_returns_uint8, "broadcast", "test_elementwise and torch.lt-float-"),
    "minimum drops NaN": (torch, "minimum", _minimum_drops_nan, "broadcast", "test_special_values and minimum"),
    "broadcast_tensors returns copies": (
        torch,
        "broadcast_tensors",
        _broadcast_tensors_copies,
        "broadcast",
        "test_broadcast_views and broadcast_tensors",
    ),
    "sqrt misreads an input sliced with a step": (
        torch,
        "sqrt",
        _sqrt_misreads_strided_input,
        "broadcast",
        "test_elementwise and torch.sqrt-float-",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, suite_name, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, suite_name, selection)
