"""How far a floating result may stray from the reference.

An op states its bound in ulps of the result dtype (`Op.ulps`): 0 where IEEE 754
requires the result correctly rounded or exact (`+ - * /`, sqrt, fma; neg, abs,
copysign, floor, ceil, trunc, round-half-even, fmod, min/max, exact conversions), a
measured bound elsewhere. The reference is computed in a wider precision and rounded
once, so it is itself correctly rounded in nearly every case, and the bound is torch's
error alone. An op with no stated bound falls back to torch.testing.assert_close's
defaults per dtype (`TOLERANCES`). Integral and bool results are compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from conformance import dtypes as dt


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    def __str__(self) -> str:
        return f"rtol={self.rtol:g} atol={self.atol:g}"

    def scaled(self, factor: float) -> Tolerance:
        return Tolerance(self.rtol * factor, self.atol * factor)

    def subset(self, keep: np.ndarray) -> Tolerance:
        """The tolerance of the positions `keep` selects (a bound held element by element too)."""

        def part(value):
            return np.broadcast_to(value, keep.shape)[keep] if np.ndim(value) else value

        return replace(self, rtol=part(self.rtol), atol=part(self.atol))


EXACT = Tolerance(0.0, 0.0)


@dataclass(frozen=True)
class Ulps:
    """A bound in units in the last place of the result dtype: |torch - reference| <= n ulp(reference)."""

    n: float

    def __str__(self) -> str:
        return f"{self.n:g} ulp(s)"

    def allowed(self, expected: np.ndarray, dtype_name: str) -> np.ndarray:
        return self.n * ulp(expected, dt.dtype(dtype_name))


@dataclass(frozen=True)
class Conditioned:
    """A bound that grows where the op is ill-conditioned: |torch - reference| <= atol +
    (rtol + n u kappa) |reference|, with rtol and atol the dtype's (`tolerance_for`), u the
    dtype's unit roundoff and kappa the op's relative condition number at each element
    (`Op.condition`). A backward-stable computation is exact for an input within a few u
    of the true one, so its relative error is a few u times kappa: near a pole the bound
    widens by exactly what the function's sensitivity explains, and nowhere else."""

    n: float
    kappa: np.ndarray

    def __str__(self) -> str:
        worst = float(np.max(self.kappa)) if np.size(self.kappa) else 0.0
        return f"the dtype's rtol/atol + {self.n:g} u kappa (kappa up to {worst:.3g})"

    def subset(self, keep: np.ndarray) -> Conditioned:
        return Conditioned(self.n, np.broadcast_to(self.kappa, keep.shape)[keep])

    def allowed(self, expected: np.ndarray, dtype_name: str) -> np.ndarray:
        base = tolerance_for(dtype_name)
        roundoff = dt.dtype(dtype_name).eps / 2
        return base.atol + (base.rtol + self.n * roundoff * self.kappa) * np.abs(expected)


def ulp(values: np.ndarray, dtype: dt.DType) -> np.ndarray:
    """The spacing of `dtype`'s values at each |value| (the spacing above it at a power of two),
    down to the smallest subnormal; bfloat16's from its own precision, not its float32 carrier's."""
    magnitude = np.abs(np.asarray(values, dtype=np.float64))
    _, exponent = np.frexp(magnitude)  # magnitude = m * 2**exponent, 0.5 <= m < 1
    spacing = np.ldexp(dtype.eps, exponent - 1)
    return np.where(magnitude == 0, dtype.smallest_subnormal, np.maximum(spacing, dtype.smallest_subnormal))


TOLERANCES: dict[str, Tolerance] = {
    "float16": Tolerance(1e-3, 1e-5),
    "bfloat16": Tolerance(1.6e-2, 1e-5),
    "float32": Tolerance(1.3e-6, 1e-5),
    "float64": Tolerance(1e-7, 1e-7),
    "complex64": Tolerance(1.3e-6, 1e-5),
    "complex128": Tolerance(1e-7, 1e-7),
}


def tolerance_for(dtype_name: str) -> Tolerance:
    """The tolerance for values of `dtype_name`; exact for bool and integers."""
    return TOLERANCES.get(dtype_name, EXACT)
