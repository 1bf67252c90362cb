"""Comparison in NumPy space: the first difference between torch's outcome and the reference's.

In this order, stopping at the first difference:

1. error parity: both raised, or neither (a crash of the interpreter is never parity);
2. structure: a tensor against an array, a tuple against a tuple of the same length;
3. device, shape, dtype;
4. values: exact for bool and integers; for floating and complex dtypes NaN
   positions, infinity positions and signs, then
   ``|actual - expected| <= atol + rtol * |expected|`` (complex magnitudes), then
   signed zeros where both sides give a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance import errors, records
from conformance.messages import Divergence, first_mismatches
from conformance.normal import Normal, normalize
from conformance.outcomes import Crashed, ExpectedError, Outcome
from conformance.tolerances import Conditioned, Tolerance, Ulps, tolerance_for


def compare_floats(
    actual: np.ndarray,
    expected: np.ndarray,
    tolerance: Tolerance | Ulps | Conditioned,
    signed_zeros: bool,
    dtype: str = "",
) -> Divergence | None:
    """Floating or complex values: NaN and infinity positions and signed zeros part by part,
    then |actual - expected| <= atol + rtol * |expected| (complex magnitudes, as torch.testing),
    or <= n ulp(expected) in `dtype` for a bound in ulps, or a bound scaled by the op's condition."""
    is_complex = np.iscomplexobj(actual) or np.iscomplexobj(expected)
    wide = np.complex128 if is_complex else np.float64
    # a signalling NaN (Hypothesis draws NaNs of every payload) is quieted by the cast, which
    # NumPy reports as an invalid value; it is a NaN on both sides all the same
    with np.errstate(invalid="ignore"):
        a, e = np.asarray(actual, dtype=wide), np.asarray(expected, dtype=wide)
    parts = [("real", np.real), ("imaginary", np.imag)] if is_complex else [("", lambda x: x)]
    for name, get in parts:
        where = f" ({name} part)" if name else ""
        pa, pe = get(a), get(e)
        nan_a, nan_e = np.isnan(pa), np.isnan(pe)
        if not np.array_equal(nan_a, nan_e):
            mask = nan_a != nan_e
            return Divergence(
                "NaN positions",
                f"torch and the reference disagree on NaN at {int(mask.sum())} element(s){where}",
                first_mismatches(mask, a, e),
            )
        inf_a, inf_e = np.isinf(pa), np.isinf(pe)
        mask = (inf_a != inf_e) | (inf_e & (np.sign(np.where(inf_a, pa, 0)) != np.sign(np.where(inf_e, pe, 0))))
        if mask.any():
            return Divergence(
                "infinities",
                f"torch and the reference disagree on an infinity at {int(mask.sum())} element(s){where}",
                first_mismatches(mask, a, e),
            )
    finite = np.isfinite(e) if not is_complex else (np.isfinite(e.real) & np.isfinite(e.imag))
    with np.errstate(invalid="ignore", over="ignore"):
        # where a complex magnitude passes float64's largest value (parts near it), both sides and
        # the bound are halved, exactly, so that rtol * |expected| is neither inf nor 0 * inf
        scale = np.where(finite & ~np.isfinite(np.abs(np.where(finite, e, 0))), 0.5, 1.0) if is_complex else 1.0
        difference = np.where(finite, np.abs(a * scale - e * scale), 0.0)
        if isinstance(tolerance, Ulps | Conditioned):
            allowed = tolerance.allowed(np.where(finite, e * scale, 0), dtype)
        else:
            allowed = tolerance.atol * scale + tolerance.rtol * np.abs(np.where(finite, e * scale, 0))
    mask = finite & ~(difference <= allowed)
    if mask.any():
        worst = np.unravel_index(np.argmax(np.where(mask, difference, -1)), mask.shape)
        return Divergence(
            "values",
            f"{int(mask.sum())} of {mask.size} element(s) differ beyond {tolerance}; "
            f"worst at {[int(i) for i in worst]}: |diff| = {difference[tuple(worst)]:.6g}",
            first_mismatches(mask, a, e),
        )
    if signed_zeros:
        for name, get in parts:
            where = f" ({name} part)" if name else ""
            pa, pe = get(a), get(e)
            mask = (pa == 0) & (pe == 0) & (np.signbit(pa) != np.signbit(pe))
            if mask.any():
                return Divergence(
                    "signed zeros",
                    f"torch and the reference give zeros of opposite sign at {int(mask.sum())} element(s){where}",
                    first_mismatches(mask, a, e),
                )
    return None


@dataclass(frozen=True)
class Options:
    """How a comparison judges a result, beyond error parity, structure and shape."""

    # None: the op's bound in ulps, or its condition-scaled bound, else `tolerance_for` the dtype
    tolerance: Tolerance | Ulps | Conditioned | None = None
    check_dtype: bool = True
    check_values: bool = True  # False for results with unspecified values (torch.empty)
    check_device: bool = True  # a tensor result must live on the check's device
    signed_zeros: bool = True
    # positions of the result left out of the value comparison (a known divergence's extremal inputs)
    skip: np.ndarray | None = field(default=None, compare=False)


DEFAULTS = Options()


def _compare_arrays(actual: Normal, expected: Normal, options: Options) -> Divergence | None:
    if actual.shape != expected.shape:
        return Divergence("shape", f"torch gives {list(actual.shape)}, the reference gives {list(expected.shape)}")
    if not options.check_values:
        return None
    a, e = np.asarray(actual.values), np.asarray(expected.values)
    tolerance = options.tolerance
    if options.skip is not None:
        keep = ~np.broadcast_to(options.skip, a.shape)
        a, e = a[keep], e[keep]
        if isinstance(tolerance, Conditioned | Tolerance):
            tolerance = tolerance.subset(keep)
    if a.dtype.kind in "biu" and e.dtype.kind in "biu" and tolerance is None:
        mask = np.asarray(a != e)
        if mask.any():
            return Divergence(
                "values",
                f"{int(mask.sum())} of {a.size} element(s) differ (exact comparison)",
                first_mismatches(mask, a, e),
            )
        return None
    tolerance = tolerance or tolerance_for(actual.dtype)
    if isinstance(tolerance, Conditioned) and actual.dtype not in dt.FLOATS + dt.COMPLEX:
        tolerance = tolerance_for(actual.dtype)
    if isinstance(tolerance, Ulps) and (a.dtype.kind == "c" or actual.dtype not in dt.FLOATS):
        tolerance = tolerance_for(actual.dtype)  # a bound in ulps is stated for real floating results
    return compare_floats(a, e, tolerance, options.signed_zeros, actual.dtype)


def compare(actual: Any, expected: Any, options: Options = DEFAULTS, device: str | None = None) -> Divergence | None:
    """The first difference between two results (values or `Outcome`s), or None; a tensor
    result must live on `device` where one is given and `options.check_device` holds."""
    actual_outcome = actual if isinstance(actual, Outcome) else Outcome(value=actual)
    expected_outcome = expected if isinstance(expected, Outcome) else Outcome(value=expected)
    if isinstance(expected_outcome.error, ExpectedError):
        documented = expected_outcome.error
        if not actual_outcome.raised:
            return Divergence("error parity", f"torch returned normally; documented: it raises {documented}")
        if not documented.matches(actual_outcome.error):
            return Divergence("error", f"torch raised {actual_outcome.describe_error()}; documented: {documented}")
        return None
    if isinstance(actual_outcome.error, ExpectedError) and expected_outcome.raised:
        return None  # a documented refusal against the reference's refusal (the registry's strictness test)
    if isinstance(actual_outcome.error, Crashed):
        return Divergence("crash", f"torch {actual_outcome.error}")
    if actual_outcome.raised != expected_outcome.raised:
        if actual_outcome.raised:
            return Divergence(
                "error parity", f"torch raised {actual_outcome.describe_error()}; the reference returned normally"
            )
        return Divergence(
            "error parity", f"the reference raised {expected_outcome.describe_error()}; torch returned normally"
        )
    if actual_outcome.raised:
        if not errors.correspond(actual_outcome.error, expected_outcome.error):
            return Divergence(
                "error class",
                f"torch raised {actual_outcome.describe_error()}; the reference raised "
                f"{expected_outcome.describe_error()} (no documented correspondence in conformance.errors)",
            )
        records.observe("torch_error", actual_outcome.describe_error())
        return None
    required = device if options.check_device else None
    return _compare_normal(normalize(actual_outcome.value), normalize(expected_outcome.value), options, required)


def _compare_normal(a: Normal, e: Normal, options: Options, device: str | None) -> Divergence | None:
    if a.kind != e.kind:
        return Divergence("type", f"torch gives {a.source}, the reference {e.source}")
    if a.kind == "mapping":
        if a.values != e.values:
            return Divergence("keys", f"torch gives {a.values}, the reference {e.values}")
        for key, x, y in zip(a.values, a.items, e.items, strict=True):
            found = _compare_normal(x, y, options, device)
            if found:
                found.summary = f"{key}: {found.summary}"
                found.args = (found.render(),)
                return found
        return None
    if a.kind == "sequence":
        if len(a.items) != len(e.items):
            return Divergence("length", f"torch gives {len(a.items)} item(s), the reference {len(e.items)}")
        for position, (x, y) in enumerate(zip(a.items, e.items, strict=True)):
            found = _compare_normal(x, y, options, device)
            if found:
                found.summary = f"item {position}: {found.summary}"
                found.args = (found.render(),)
                return found
        return None
    if a.kind == "none":
        return None
    if a.kind == "other":
        if a.values == e.values:
            return None
        return Divergence("values", f"torch gives {a.values!r}, the reference {e.values!r}")
    if a.kind == "scalar" and a.dtype != e.dtype:
        return Divergence("type", f"torch gives a {a.dtype}, the reference a {e.dtype}")
    if a.device and device and a.device != device:
        return Divergence("device", f"torch's result lives on {a.device}, not on {device} as asked")
    if a.kind == "array" and options.check_dtype and a.dtype != e.dtype:
        if a.shape != e.shape:
            return Divergence("shape", f"torch gives {list(a.shape)}, the reference gives {list(e.shape)}")
        return Divergence("dtype", f"torch gives {a.dtype}, the reference gives {e.dtype}")
    return _compare_arrays(a, e, options)


def assert_all_close(actual: np.ndarray, expected: np.ndarray, tolerance: Tolerance, what: str) -> None:
    """NumPy-space closeness of two float arrays, for checks that are not op calls (gradients)."""
    __tracebackhide__ = True
    found = compare_floats(np.asarray(actual), np.asarray(expected), tolerance, signed_zeros=False)
    if found:
        found.summary = f"{found.summary}  [{what}]"
        found.args = (found.render(),)
        raise found
