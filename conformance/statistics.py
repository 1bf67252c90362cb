"""Goodness-of-fit tests in NumPy, for the random-distribution suite: no SciPy.

Each test returns a `Result` (statistic, p-value) and `Result.rejects(alpha)` says whether the
sample contradicts the stated distribution at false-alarm rate `alpha` (the chance that a
sample of the right distribution is rejected). The suite runs each test at a fixed seed, so
its outcome is deterministic, and at `ALPHA` = 1e-8: a run of the random suite makes about
700 tests (dev profile), 1,400 (ci) or 10,000 (thorough), so a correct torch fails a run with
probability below 1e-5, 2e-5 and 1e-4.

- `ks_test`: one-sample Kolmogorov-Smirnov against a continuous CDF, with Stephens' finite-n
  correction of the asymptotic Kolmogorov distribution. Values rounded to a dtype are
  compared with the CDF's band F(x - h) .. F(x + h), h the rounding's reach at x, so that
  rounding never counts against the sample (the test stays conservative).
- `chi_square_test`: Pearson's test of category counts against probabilities; the p-value is
  the regularized upper incomplete gamma function, computed here.
- `mean_test`, `variance_test`: z-tests of the sample mean and the sample variance against the
  moments a distribution promises (the variance test needs the fourth central moment).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ALPHA = 1e-8


@dataclass(frozen=True)
class Result:
    name: str
    statistic: float
    pvalue: float

    def rejects(self, alpha: float = ALPHA) -> bool:
        return self.pvalue < alpha

    def __str__(self) -> str:
        return f"{self.name}: statistic {self.statistic:.6g}, p = {self.pvalue:.3g}"


# ---------------------------------------------------------------------------
# Special functions


_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x: np.ndarray | float) -> np.ndarray:
    """The standard normal CDF, Phi(x) = erfc(-x / sqrt 2) / 2 (accurate in both tails)."""
    return 0.5 * np.asarray(_erfc(-np.asarray(x, dtype=np.float64) / math.sqrt(2)), dtype=np.float64)


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for Kolmogorov's limit distribution: 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)."""
    if x <= 0.2:
        return 1.0  # the series converges slowly here, and the answer is 1 to 1e-20
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-2.0 * k * k * x * x)
        total += term if k % 2 else -term
        if term < 1e-300:
            break
    return min(max(2.0 * total, 0.0), 1.0)


def regularized_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a): a series for x < a + 1, else a continued fraction
    (modified Lentz), as in Numerical Recipes' gammq."""
    if x < 0 or a <= 0:
        raise ValueError("Q(a, x) needs a > 0 and x >= 0")
    if x == 0:
        return 1.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return min(1.0, h * math.exp(log_prefactor))


def chi2_sf(statistic: float, df: int) -> float:
    """P(X > statistic) for a chi-square variable with `df` degrees of freedom."""
    return regularized_gamma_q(df / 2.0, max(statistic, 0.0) / 2.0)


# ---------------------------------------------------------------------------
# Tests


def ks_test(samples: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray], reach: np.ndarray | float = 0.0) -> Result:
    """One-sample two-sided Kolmogorov-Smirnov test of `samples` against a continuous `cdf`.

    `reach` (a number, or one per sample) is how far rounding may have moved each value: the
    empirical CDF is compared with F(x + reach) from above and with F(x - reach) from below."""
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    n = x.size
    if n == 0:
        raise ValueError("no samples")
    order = np.argsort(np.asarray(samples, dtype=np.float64).ravel(), kind="stable")
    reach = np.broadcast_to(np.asarray(reach, dtype=np.float64), np.shape(samples)).ravel()[order]
    upper, lower = np.asarray(cdf(x + reach)), np.asarray(cdf(x - reach))
    ranks = np.arange(1, n + 1)
    d_plus = np.max(ranks / n - upper)
    d_minus = np.max(lower - (ranks - 1) / n)
    statistic = float(max(d_plus, d_minus, 0.0))
    root = math.sqrt(n)
    return Result("Kolmogorov-Smirnov", statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic))


def chi_square_test(observed: np.ndarray, probabilities: np.ndarray, *, min_expected: float = 5.0) -> Result:
    """Pearson's chi-square test of category counts against category probabilities (which are
    normalised here). Categories of probability 0 must stay empty; the others need an expected
    count of at least `min_expected`, the usual condition for the chi-square approximation."""
    observed = np.asarray(observed, dtype=np.float64).ravel()
    probabilities = np.asarray(probabilities, dtype=np.float64).ravel()
    probabilities = probabilities / probabilities.sum()
    total = observed.sum()
    impossible = probabilities == 0
    if observed[impossible].any():
        return Result("chi-square (a category of probability 0 was drawn)", math.inf, 0.0)
    expected = total * probabilities[~impossible]
    if expected.size and expected.min() < min_expected:
        raise ValueError(f"expected counts below {min_expected}: merge categories or draw more samples")
    statistic = float(np.sum((observed[~impossible] - expected) ** 2 / expected))
    df = int((~impossible).sum()) - 1
    return Result("chi-square", statistic, chi2_sf(statistic, df) if df > 0 else 1.0)


def mean_test(samples: np.ndarray, mean: float, variance: float) -> Result:
    """z-test of the sample mean against `mean`, for a distribution of known `variance`."""
    x = np.asarray(samples, dtype=np.float64).ravel()
    if variance == 0:
        same = bool(np.all(x == mean))
        return Result("mean (degenerate)", 0.0 if same else math.inf, 1.0 if same else 0.0)
    z = (x.mean() - mean) / math.sqrt(variance / x.size)
    return Result("mean", float(z), math.erfc(abs(z) / math.sqrt(2)))


def variance_test(samples: np.ndarray, variance: float, fourth_central: float) -> Result:
    """z-test of the unbiased sample variance against `variance`; its own variance is
    (mu4 - (n - 3) / (n - 1) sigma^4) / n, mu4 the fourth central moment."""
    x = np.asarray(samples, dtype=np.float64).ravel()
    n = x.size
    spread = (fourth_central - (n - 3) / (n - 1) * variance**2) / n
    if spread <= 0:
        raise ValueError("the fourth central moment must exceed the variance squared")
    z = (x.var(ddof=1) - variance) / math.sqrt(spread)
    return Result("variance", float(z), math.erfc(abs(z) / math.sqrt(2)))
