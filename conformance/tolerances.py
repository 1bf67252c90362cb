"""How far a floating result may stray from the reference: rtol and atol per dtype.

Where no bound is stated, torch.testing.assert_close's defaults apply, per dtype: the
precision torch itself promises for its floating-point kernels. Integral and bool
results are compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    def __str__(self) -> str:
        return f"rtol={self.rtol:g} atol={self.atol:g}"

    def scaled(self, factor: float) -> Tolerance:
        return Tolerance(self.rtol * factor, self.atol * factor)


EXACT = Tolerance(0.0, 0.0)

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
