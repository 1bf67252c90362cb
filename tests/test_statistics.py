"""The goodness-of-fit tests accept the right distribution and reject a wrong one, and their
special functions agree with closed forms (NumPy's Generator draws the samples, at fixed seeds)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conformance import statistics as stats

N = 10_000


def _rng(seed: int = 12345) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_chi2_sf_matches_closed_forms():
    for x in (0.0, 0.5, 3.0, 10.0, 60.0):
        assert math.isclose(stats.chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-12, abs_tol=1e-300)
        assert math.isclose(stats.chi2_sf(x, 1), math.erfc(math.sqrt(x / 2)), rel_tol=1e-10, abs_tol=1e-300)
    # df = 4: Q = exp(-x/2) (1 + x/2)
    for x in (1.0, 9.0, 40.0):
        assert math.isclose(stats.chi2_sf(x, 4), math.exp(-x / 2) * (1 + x / 2), rel_tol=1e-10)


def test_kolmogorov_sf_known_quantiles():
    # the classical critical values: P(K > 1.358) = 0.05, P(K > 1.628) = 0.01
    assert math.isclose(stats.kolmogorov_sf(1.3581), 0.05, rel_tol=2e-3)
    assert math.isclose(stats.kolmogorov_sf(1.6276), 0.01, rel_tol=2e-3)
    assert stats.kolmogorov_sf(0.1) == 1.0 and stats.kolmogorov_sf(4.0) < 1e-12


def test_normal_cdf_tails():
    assert math.isclose(float(stats.normal_cdf(0.0)), 0.5)
    assert math.isclose(float(stats.normal_cdf(-8.0)), 6.22096057427178e-16, rel_tol=1e-9)
    assert math.isclose(float(stats.normal_cdf(1.959963984540054)), 0.975, rel_tol=1e-12)


def test_ks_accepts_the_right_distribution_and_rejects_a_wrong_one():
    uniform = _rng().random(N)
    assert not stats.ks_test(uniform, lambda x: np.clip(x, 0, 1)).rejects()
    assert stats.ks_test(uniform**1.1, lambda x: np.clip(x, 0, 1)).rejects()
    normal = _rng(7).standard_normal(N)
    assert not stats.ks_test(normal, stats.normal_cdf).rejects()
    # KS is weak against a wider spread (10% wider: p = 4e-7 at N); the variance test carries that
    assert stats.ks_test(normal * 1.2, stats.normal_cdf).rejects()
    assert stats.variance_test(normal * 1.1, 1.0, 3.0).rejects()
    assert stats.ks_test(normal + 0.1, stats.normal_cdf).rejects()


def test_ks_reach_forgives_rounding_only():
    """Values rounded to bfloat16 (8 significant bits) pass with the rounding's reach, and a
    shifted distribution still fails with it."""
    normal = _rng(3).standard_normal(N)
    mantissa, exponent = np.frexp(normal)
    rounded = np.ldexp(np.round(mantissa * 256) / 256, exponent)
    reach = np.abs(rounded) * 2.0**-8
    assert not stats.ks_test(rounded, stats.normal_cdf, reach).rejects()
    assert stats.ks_test(rounded + 0.1, stats.normal_cdf, reach).rejects()


def test_chi_square_accepts_and_rejects():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    counts = np.bincount(_rng().choice(4, size=N, p=p), minlength=4)
    assert not stats.chi_square_test(counts, p).rejects()
    assert stats.chi_square_test(counts, [0.25, 0.25, 0.25, 0.25]).rejects()
    bernoulli = np.bincount((_rng(5).random(N) < 0.3).astype(int), minlength=2)
    assert not stats.chi_square_test(bernoulli, [0.7, 0.3]).rejects()
    assert stats.chi_square_test(bernoulli, [0.5, 0.5]).rejects()


def test_chi_square_rejects_an_impossible_category_and_refuses_thin_bins():
    assert stats.chi_square_test([5, 1], [1.0, 0.0]).rejects()
    with pytest.raises(ValueError, match="expected counts"):
        stats.chi_square_test([1, 1, 1], [0.3, 0.3, 0.4])


def test_moment_tests_accept_and_reject():
    uniform = _rng(11).random(N)
    assert not stats.mean_test(uniform, 0.5, 1 / 12).rejects()
    assert stats.mean_test(uniform, 0.53, 1 / 12).rejects()
    assert not stats.variance_test(uniform, 1 / 12, 1 / 80).rejects()
    assert stats.variance_test(uniform * 1.1, 1 / 12, 1 / 80).rejects()
    assert stats.mean_test(np.zeros(5), 0.0, 0.0).pvalue == 1.0
    assert stats.mean_test(np.ones(5), 0.0, 0.0).rejects()


@pytest.mark.parametrize("seed", range(20))
def test_false_alarms_are_rare_at_the_suites_alpha(seed):
    """Twenty seeds of the right distribution: none is rejected at ALPHA (each would be with
    probability ALPHA), while their p-values spread over (0, 1) as they should."""
    sample = _rng(1000 + seed).random(2000)
    result = stats.ks_test(sample, lambda x: np.clip(x, 0, 1))
    assert not result.rejects() and 0 < result.pvalue <= 1
