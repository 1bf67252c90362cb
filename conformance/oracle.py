"""The oracle: does torch's result conform to the reference's?

`assert_conforms(actual, expected, op=..., inputs=...)` compares in NumPy space, in
this order, and stops at the first difference:

1. error parity: both raised, or neither (a crash of the interpreter is never parity);
2. structure: a tensor against an array, a tuple against a tuple of the same length;
3. shape;
4. dtype;
5. values: exact for bool and integers; for floating and complex dtypes NaN
   positions, infinity positions and signs, signed zeros where both sides give a
   zero, then ``|actual - expected| <= atol + rtol * |expected|`` with the tolerance
   of `TOLERANCES` (complex numbers compare their real and imaginary parts).

A difference raises one `Divergence` (an AssertionError) whose first line says what
differed and on which call, followed by both sides and the inputs, so the example
Hypothesis shrinks to reads as a bug report.

Before raising, the oracle asks the registry of known divergences whether this
difference is documented for this op and these inputs. If it is, the result must
diverge from the reference *and* behave exactly as the entry documents; a
documented divergence that no longer happens fails with `DivergenceFixed`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt
from conformance import records
from conformance.backends import CupyBackend, tensor_to_numpy
from conformance.inputs import ArrayInput


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    def __str__(self) -> str:
        return f"rtol={self.rtol:g} atol={self.atol:g}"


EXACT = Tolerance(0.0, 0.0)

# torch.testing.assert_close's defaults, per dtype: the precision torch itself
# promises for its floating-point kernels. Ops whose results are only defined to
# a few ulps scale these through their catalog entry (`Op.tolerance`).
TOLERANCES: dict[str, Tolerance] = {
    "float16": Tolerance(1e-3, 1e-5),
    "bfloat16": Tolerance(1.6e-2, 1e-5),
    "float32": Tolerance(1.3e-6, 1e-5),
    "float64": Tolerance(1e-7, 1e-7),
    "complex64": Tolerance(1.3e-6, 1e-5),
    "complex128": Tolerance(1e-7, 1e-7),
}


def tolerance_for(dtype_name: str, scale: float = 1.0) -> Tolerance:
    """The tolerance for values of `dtype_name`, scaled; exact for bool and integers."""
    base = TOLERANCES.get(dtype_name, EXACT)
    return Tolerance(base.rtol * scale, base.atol * scale)


# ---------------------------------------------------------------------------
# Outcomes: a value or an error, captured on each side under its own guard.


class Crashed(Exception):
    """The call killed the interpreter it ran in (it ran in an isolated subprocess)."""

    def __init__(self, description: str, signal_name: str | None = None, output: str = ""):
        super().__init__(description)
        self.signal_name = signal_name
        self.output = output


class ExpectedError(Exception):
    """The documented error: an exception type and a message pattern."""

    def __init__(self, error_type: type[BaseException] | tuple[type[BaseException], ...], match: str = ""):
        super().__init__(f"{type_names(error_type)} matching {match!r}" if match else type_names(error_type))
        self.error_type = error_type
        self.match = match

    def matches(self, error: BaseException) -> bool:
        return isinstance(error, self.error_type) and re.search(self.match, str(error)) is not None


def type_names(error_type: type[BaseException] | tuple[type[BaseException], ...]) -> str:
    types = error_type if isinstance(error_type, tuple) else (error_type,)
    return " or ".join(t.__name__ for t in types)


@dataclass
class Outcome:
    """What a call did: returned `value`, or raised `error`."""

    value: Any = None
    error: BaseException | None = None
    warnings: tuple[str, ...] = ()

    @property
    def raised(self) -> bool:
        return self.error is not None

    def describe_error(self) -> str:
        if self.error is None:
            return "no error"
        message = str(self.error).strip().splitlines()
        first = message[0] if message else ""
        if len(first) > 160:
            first = first[:157] + "..."
        return f"{type(self.error).__name__}: {first}" if first else type(self.error).__name__


@contextlib.contextmanager
def recording_warnings() -> Iterator[list[str]]:
    """Record every warning raised inside the block, as messages.

    torch emits some warnings once per process (TORCH_WARN_ONCE: e.g. "The given
    NumPy array is not writable"), so whether a call warns would depend on which
    checks ran before it in the same worker; torch's warn-always switch is on for
    the block, so each call shows all of its warnings.
    """
    import warnings

    messages: list[str] = []
    was_always = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield messages
            finally:
                messages.extend(str(w.message) for w in caught)
    finally:
        torch.set_warn_always(was_always)


def capture(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """Call `fn`, returning its value or the exception it raised, and its warnings."""
    with recording_warnings() as messages:
        try:
            value = fn(*args, **kwargs)
        except Exception as error:
            outcome = Outcome(error=error)
        else:
            outcome = Outcome(value=value)
    outcome.warnings = tuple(messages)
    return outcome


@dataclass(frozen=True)
class Expected:
    """A reference value held in a carrier dtype but standing for another dtype.

    NumPy has no bfloat16: `Expected(values, "bfloat16")` says the float32 values
    (already rounded with `dtypes.round_to_bfloat16`) stand for a bfloat16 result.
    """

    values: Any
    dtype: str


def as_dtype(values: Any, dtype: str | dt.DType) -> Any:
    """The reference `values` stated in `dtype`: bfloat16 is rounded and tagged."""
    dtype = dt.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # rounding to a narrower dtype may overflow to inf
        if dtype.native_numpy:
            return np.asarray(values).astype(dtype.numpy)
        return Expected(dt.round_to(dtype.name, np.asarray(values, dtype=dtype.numpy)), dtype.name)


# ---------------------------------------------------------------------------
# Normal form: what both sides are converted to before comparing.


@dataclass
class _Normal:
    """A result in NumPy space: an array and the dtype name it stands for."""

    kind: str  # "array", "scalar", "sequence", "none", "other"
    values: Any = None
    dtype: str = ""
    items: list[_Normal] = field(default_factory=list)
    source: str = ""  # "tensor", "ndarray", "python int", ...
    device: str = ""  # where a tensor result lives

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.values))


def _is_cupy_array(value: Any) -> bool:
    return type(value).__module__.startswith("cupy") and hasattr(value, "__cuda_array_interface__")


def normalize(value: Any) -> _Normal:
    """Convert a result of either side to NumPy space without trusting the op under test."""
    if isinstance(value, Expected):
        return _Normal("array", np.asarray(value.values), value.dtype, source="ndarray")
    if isinstance(value, torch.Tensor):
        device = value.device.type if value.device.index is None else f"{value.device.type}:{value.device.index}"
        return _Normal("array", tensor_to_numpy(value), dt.name_of(value.dtype), source="tensor", device=device)
    if isinstance(value, torch.Size):
        return _Normal("sequence", items=[normalize(n) for n in value], source="torch.Size")
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        return _Normal("array", array, dt.name_of(array.dtype), source=type(value).__name__)
    if _is_cupy_array(value):
        array = CupyBackend().to_numpy(value)
        return _Normal("array", array, dt.name_of(array.dtype), source="cupy.ndarray")
    if isinstance(value, bool | int | float | complex):
        name = type(value).__name__
        return _Normal("scalar", np.asarray(value), f"python {name}", source=f"python {name}")
    if isinstance(value, list | tuple):
        return _Normal("sequence", items=[normalize(v) for v in value], source=type(value).__name__)
    if isinstance(value, Mapping):
        keys = list(value)
        return _Normal("mapping", values=keys, items=[normalize(value[k]) for k in keys], source="dict")
    if value is None:
        return _Normal("none", source="None")
    return _Normal("other", value, source=type(value).__name__)


# ---------------------------------------------------------------------------
# Divergences.


class Divergence(AssertionError):
    """torch and the reference differ; `aspect` is what differed first."""

    def __init__(self, aspect: str, summary: str, details: Sequence[str] = ()):
        self.aspect = aspect
        self.summary = summary
        self.details = list(details)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join([f"{self.aspect}: {self.summary}", *(f"  {line}" for line in self.details)])

    def add_details(self, lines: Sequence[str]) -> None:
        self.details.extend(lines)
        self.args = (self.render(),)


class DivergenceFixed(AssertionError):
    """A documented divergence did not happen: torch now agrees with the reference."""


def _format_values(normal: _Normal) -> str:
    if normal.kind == "array":
        text = np.array2string(np.asarray(normal.values), threshold=20, edgeitems=2, separator=", ", precision=8)
        text = " ".join(text.split())
        return f"{normal.source} {normal.dtype}{list(normal.shape)} {text}"
    if normal.kind == "scalar":
        return f"{normal.source} {normal.values!r}"
    if normal.kind == "sequence":
        return f"{normal.source} of {len(normal.items)}: " + "; ".join(_format_values(i) for i in normal.items)
    if normal.kind == "mapping":
        return (
            "{" + ", ".join(f"{k}: {_format_values(i)}" for k, i in zip(normal.values, normal.items, strict=True)) + "}"
        )
    return f"{normal.source} {normal.values!r}"


def _describe_input(value: Any) -> str:
    if isinstance(value, ArrayInput):
        return value.describe()
    if isinstance(value, torch.dtype | np.dtype | dt.DType):
        return dt.name_of(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _format_input(value: Any) -> str:
    if isinstance(value, ArrayInput):
        return repr(value)
    if isinstance(value, np.ndarray):
        return f"array({value.dtype}{list(value.shape)}) {np.array2string(value, threshold=20, edgeitems=2, separator=', ')}"
    text = repr(value)
    return text if len(text) <= 400 else text[:397] + "..."


def describe_call(op: str, inputs: Mapping[str, Any] | None) -> str:
    """`torch.add(int16[()], int8[3])`: the call, with each input's dtype and shape."""
    inputs = inputs or {}
    args = ", ".join(
        _describe_input(v) if k.startswith("_") or k.isdigit() else f"{k}={_describe_input(v)}"
        for k, v in inputs.items()
    )
    return f"{op}({args})"


def _first_mismatches(mask: np.ndarray, actual: np.ndarray, expected: np.ndarray, limit: int = 4) -> list[str]:
    lines = []
    for index in np.argwhere(mask)[:limit]:
        key = tuple(int(i) for i in index)
        lines.append(f"at {list(key)}: torch {actual[key]!r}, reference {expected[key]!r}")
    return lines


def _compare_floats(
    actual: np.ndarray, expected: np.ndarray, tolerance: Tolerance, signed_zeros: bool
) -> Divergence | None:
    """Floating or complex values: NaN and infinity positions and signed zeros part by part,
    then |actual - expected| <= atol + rtol * |expected| (complex magnitudes, as torch.testing)."""
    is_complex = np.iscomplexobj(actual) or np.iscomplexobj(expected)
    wide = np.complex128 if is_complex else np.float64
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
                _first_mismatches(mask, a, e),
            )
        inf_a, inf_e = np.isinf(pa), np.isinf(pe)
        mask = (inf_a != inf_e) | (inf_e & (np.sign(np.where(inf_a, pa, 0)) != np.sign(np.where(inf_e, pe, 0))))
        if mask.any():
            return Divergence(
                "infinities",
                f"torch and the reference disagree on an infinity at {int(mask.sum())} element(s){where}",
                _first_mismatches(mask, a, e),
            )
    finite = np.isfinite(e) if not is_complex else (np.isfinite(e.real) & np.isfinite(e.imag))
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.where(finite, np.abs(a - e), 0.0)
        allowed = tolerance.atol + tolerance.rtol * np.abs(np.where(finite, e, 0))
    mask = finite & ~(difference <= allowed)
    if mask.any():
        worst = np.unravel_index(np.argmax(np.where(mask, difference, -1)), mask.shape)
        return Divergence(
            "values",
            f"{int(mask.sum())} of {mask.size} element(s) differ beyond {tolerance}; "
            f"worst at {[int(i) for i in worst]}: |diff| = {difference[tuple(worst)]:.6g}",
            _first_mismatches(mask, a, e),
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
                    _first_mismatches(mask, a, e),
                )
    return None


@dataclass(frozen=True)
class Options:
    """What a comparison checks, beyond error parity, structure, shape and dtype."""

    tolerance: Tolerance | None = None  # None: `tolerance_for` the result's dtype, scaled
    tolerance_scale: float = 1.0
    check_dtype: bool = True
    check_values: bool = True  # False for results with unspecified values (torch.empty)
    signed_zeros: bool = True
    device: str | None = None  # where a tensor result must live; None: anywhere
    # positions of the result left out of the value comparison (a known divergence's extremal inputs)
    skip: np.ndarray | None = field(default=None, compare=False)


def _compare_arrays(actual: _Normal, expected: _Normal, options: Options) -> Divergence | None:
    if actual.shape != expected.shape:
        return Divergence("shape", f"torch gives {list(actual.shape)}, the reference gives {list(expected.shape)}")
    if not options.check_values:
        return None
    a, e = np.asarray(actual.values), np.asarray(expected.values)
    if options.skip is not None:
        keep = ~np.broadcast_to(options.skip, a.shape)
        a, e = a[keep], e[keep]
    if a.dtype.kind in "biu" and e.dtype.kind in "biu" and options.tolerance is None:
        mask = np.asarray(a != e)
        if mask.any():
            return Divergence(
                "values",
                f"{int(mask.sum())} of {a.size} element(s) differ (exact comparison)",
                _first_mismatches(mask, a, e),
            )
        return None
    tolerance = options.tolerance or tolerance_for(actual.dtype, options.tolerance_scale)
    return _compare_floats(a, e, tolerance, options.signed_zeros)


def compare(actual: Any, expected: Any, options: Options = Options()) -> Divergence | None:
    """The first difference between two results (values or `Outcome`s), or None."""
    actual_outcome = actual if isinstance(actual, Outcome) else Outcome(value=actual)
    expected_outcome = expected if isinstance(expected, Outcome) else Outcome(value=expected)
    if isinstance(expected_outcome.error, ExpectedError):
        documented = expected_outcome.error
        if not actual_outcome.raised:
            return Divergence("error parity", f"torch returned normally; documented: it raises {documented}")
        if not documented.matches(actual_outcome.error):
            return Divergence("error", f"torch raised {actual_outcome.describe_error()}; documented: {documented}")
        return None
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
        records.observe("torch_error", actual_outcome.describe_error())
        return None
    return _compare_normal(normalize(actual_outcome.value), normalize(expected_outcome.value), options)


def _compare_normal(a: _Normal, e: _Normal, options: Options) -> Divergence | None:
    if a.kind != e.kind:
        return Divergence("type", f"torch gives {a.source}, the reference {e.source}")
    if a.kind == "mapping":
        if a.values != e.values:
            return Divergence("keys", f"torch gives {a.values}, the reference {e.values}")
        for key, x, y in zip(a.values, a.items, e.items, strict=True):
            found = _compare_normal(x, y, options)
            if found:
                found.summary = f"{key}: {found.summary}"
                found.args = (found.render(),)
                return found
        return None
    if a.kind == "sequence":
        if len(a.items) != len(e.items):
            return Divergence("length", f"torch gives {len(a.items)} item(s), the reference {len(e.items)}")
        for position, (x, y) in enumerate(zip(a.items, e.items, strict=True)):
            found = _compare_normal(x, y, options)
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
    if a.device and options.device and a.device != options.device:
        return Divergence("device", f"torch's result lives on {a.device}, not on {options.device} as asked")
    if a.kind == "array" and options.check_dtype and a.dtype != e.dtype:
        if a.shape != e.shape:
            return Divergence("shape", f"torch gives {list(a.shape)}, the reference gives {list(e.shape)}")
        return Divergence("dtype", f"torch gives {a.dtype}, the reference gives {e.dtype}")
    return _compare_arrays(a, e, options)


def _side(outcome: Outcome) -> str:
    return outcome.describe_error() if outcome.raised else _format_values(normalize(outcome.value))


def assert_conforms(
    actual: Any,
    expected: Any,
    *,
    op: str,
    inputs: Mapping[str, Any] | None = None,
    device: str = "cpu",
    tolerance: Tolerance | None = None,
    tolerance_scale: float = 1.0,
    check_dtype: bool = True,
    check_values: bool = True,
    check_device: bool = True,
    signed_zeros: bool = True,
) -> None:
    """Raise a `Divergence` where torch's result does not conform to the reference's.

    `actual` and `expected` are results or `Outcome`s (see `capture`). `op` names
    the call under test (`torch.add`, `Tensor.__add__`); `inputs` are shown in the
    message and matched against the registry of known divergences. A tensor result
    must live on `device` unless `check_device` is False.
    """
    from conformance import divergences

    actual_outcome = actual if isinstance(actual, Outcome) else Outcome(value=actual)
    expected_outcome = expected if isinstance(expected, Outcome) else Outcome(value=expected)
    options = Options(
        tolerance, tolerance_scale, check_dtype, check_values, signed_zeros, device if check_device else None
    )
    found = compare(actual_outcome, expected_outcome, options)
    check = divergences.Check(op=op, inputs=dict(inputs or {}), device=device, reference=expected_outcome)
    known = divergences.REGISTRY.find(check)
    if known:
        documented, documented_options = expected_outcome, options
        for entry in known:
            documented = entry.expectation(documented, check)
            documented_options = entry.relax(documented_options, check)
        # strict where torch's documented result differs from the reference's, by the entries' own measure
        strict = (
            any(e.torch_gives for e in known) and compare(documented, expected_outcome, documented_options) is not None
        )
        if found is None:
            if strict:
                ids = ", ".join(repr(e.id) for e in known if e.torch_gives)
                raise DivergenceFixed(
                    f"fixed: documented divergence {ids} no longer happens  [{describe_call(op, inputs)}]\n"
                    f"  documented: {'; '.join(e.summary for e in known)}\n"
                    f"  torch now agrees with the reference; remove the entry from the registry"
                )
            return
        mismatch = compare(actual_outcome, documented, documented_options)
        if mismatch is None:
            for entry in known:
                records.observe("known_divergence", entry.id)
            return
        found.add_details(
            [
                f"documented as {', '.join(repr(e.id) for e in known)} ({'; '.join(e.summary for e in known)}), "
                f"but torch differs from that too: {mismatch.render()}"
            ]
        )
    if found is None:
        return
    found.summary = f"{found.summary}  [{describe_call(op, inputs)}]"
    lines = [f"torch:     {_side(actual_outcome)}", f"reference: {_side(expected_outcome)}"]
    if isinstance(actual_outcome.error, Crashed) and actual_outcome.error.output:
        lines.append("crash output: " + actual_outcome.error.output.strip().splitlines()[0][:200])
    if inputs:
        lines.append("inputs: " + ", ".join(f"{k}={_format_input(v)}" for k, v in inputs.items()))
    if device != "cpu":
        lines.append(f"device: {device}")
    found.details = [*lines, *found.details]
    found.args = (found.render(),)
    raise found


def assert_all_close(actual: np.ndarray, expected: np.ndarray, tolerance: Tolerance, what: str) -> None:
    """NumPy-space closeness of two float arrays, for checks that are not op calls (gradients)."""
    found = _compare_floats(np.asarray(actual), np.asarray(expected), tolerance, signed_zeros=False)
    if found:
        found.summary = f"{found.summary}  [{what}]"
        found.args = (found.render(),)
        raise found


__all__ = [
    "EXACT",
    "TOLERANCES",
    "Crashed",
    "Divergence",
    "DivergenceFixed",
    "Expected",
    "Options",
    "Outcome",
    "Tolerance",
    "as_dtype",
    "assert_all_close",
    "assert_conforms",
    "capture",
    "compare",
    "describe_call",
    "tolerance_for",
]
