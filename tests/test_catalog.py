"""References of the op catalog where NumPy itself strays from the maths it documents."""

from __future__ import annotations

import numpy as np
import pytest

from conformance import ops


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pow_reference_is_c99_pow_with_a_broadcast_exponent(dtype):
    """NumPy computes x ** 0.5 as sqrt(x) where the exponent is broadcast (stride 0); C99's
    pow(-inf, 0.5) is inf and pow(-0.0, 0.5) is +0.0, which the reference must give."""
    base, exponent = np.array([-np.inf, -0.0, 4.0], dtype=dtype), np.array(0.5, dtype=dtype)
    result = ops.op("pow").reference(np, base, exponent)
    assert result.dtype == dtype and result.shape == (3,)
    assert result[0] == np.inf and result[1] == 0.0 and not np.signbit(result[1]) and result[2] == 2.0


def test_pow_reference_keeps_python_scalars_weak():
    """A Python scalar exponent or base takes the array's dtype (NEP 50), as np.power does."""
    half = np.array([2.0, 3.0], dtype=np.float16)
    assert ops.op("pow").reference(np, half, 2).dtype == np.float16
    assert ops.op("pow").reference(np, 2.0, half).dtype == np.float16
    with pytest.raises(OverflowError):
        ops.op("pow").reference(np, np.array([2], dtype=np.int8), 300)


def test_pow_reference_broadcasts_like_numpy():
    base, exponent = np.arange(1.0, 3.0).reshape(1, 2), np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(ops.op("pow").reference(np, base, exponent), np.power(base, exponent))


def test_complex64_power_reference_does_not_overflow_where_the_power_does_not():
    """(4.3e9+0j) ** -4 is 2.9e-39 in complex64; NumPy's complex64 loop gives nan+nanj (x**4
    overflows first): the reference computes in complex128 and rounds."""
    from conformance.ops.references import power

    x = np.array([np.complex64(4.2949673e9)])
    result = power(np, x, -4)
    assert result.dtype == np.complex64
    np.testing.assert_allclose(result, [2.9387358e-39 + 0j], rtol=1e-6)


@pytest.mark.skipif(
    np.finfo(np.longdouble).maxexp <= np.finfo(np.float64).maxexp, reason="long double is no wider than double here"
)
def test_complex128_power_reference_does_not_overflow_where_the_power_does_not():
    """(3+5.8e12j) ** -25 underflows to 0 in complex128; NumPy's complex128 loop gives nan+nanj
    (x**25 overflows first): the reference computes in long double complex and rounds."""
    from conformance.ops.references import power

    x, exponent = np.array([3 + 5832019017728j]), np.array([-25, -1])
    with np.errstate(all="ignore"):
        assert np.isnan(np.power(x, exponent)[0])  # what the reference would give on NumPy alone
    result = power(np, x, exponent)
    assert result.dtype == np.complex128
    assert np.isfinite(result).all() and abs(result[0]) < 1e-300
    np.testing.assert_allclose(result[1], 8.82030071e-26 - 1.71467205e-13j, rtol=1e-8)
