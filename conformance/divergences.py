"""The registry of known divergences: documented facts about torch, matched narrowly.

An entry says what differs, on which op and under which condition, shows a
minimal example, gives the reason and a link, and states exactly how torch
behaves instead (`torch_gives`). The oracle consults the registry when a check
diverges: a matching entry turns the divergence into a confirmed known one only
if torch behaves exactly as documented, and a matching entry whose divergence no
longer happens fails the check (strict-xfail semantics).

The entries themselves live in `conformance.known_divergences`, as data, with the
conditions they share in `conformance.conditions`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch
from packaging.version import Version

from conformance.check import Check
from conformance.compare import Options
from conformance.normal import as_dtype, normalize
from conformance.outcomes import Crashed, ExpectedError, Outcome, type_names
from conformance.tolerances import Tolerance


class Behaviour:
    """How torch behaves where it diverges: turns the reference into torch's documented result."""

    def expectation(self, expected: Any, check: Check) -> Any:
        raise NotImplementedError

    def relax(self, options: Options, check: Check) -> Options:
        """How far torch's values may stray from this behaviour's result (by default, as the entry says)."""
        return options


@dataclass(frozen=True)
class GivesDtype(Behaviour):
    """torch returns `dtype` where the reference returns another; values agree in `dtype`."""

    dtype: str

    def expectation(self, expected: Any, check: Check) -> Any:
        if isinstance(expected, Outcome):
            if expected.raised:
                return expected
            expected = expected.value
        normal = normalize(expected)
        if normal.kind == "sequence":
            return [as_dtype(item.values, self.dtype) for item in normal.items]
        return as_dtype(normal.values, self.dtype)

    def __str__(self) -> str:
        return f"torch gives {self.dtype}"


@dataclass(frozen=True)
class Raises(Behaviour):
    """torch raises `error` (a type, a message pattern) where the reference does not."""

    error: type[BaseException] | tuple[type[BaseException], ...]
    match: str = ""

    def expectation(self, expected: Any, check: Check) -> Any:
        return Outcome(error=ExpectedError(self.error, self.match))

    def __str__(self) -> str:
        return f"torch raises {type_names(self.error)}"


@dataclass(frozen=True)
class Crashes(Behaviour):
    """torch kills the interpreter with `signal_name` (checked in an isolated subprocess)."""

    signal_name: str

    def expectation(self, expected: Any, check: Check) -> Any:
        return Outcome(error=ExpectedError(Crashed, re.escape(self.signal_name)))

    def __str__(self) -> str:
        return f"torch aborts the interpreter ({self.signal_name})"


@dataclass(frozen=True)
class AssertsOnDevice(Behaviour):
    """torch reports the error with a device-side assert: the kernel stops, and a RuntimeError
    (torch's AcceleratorError) reaches the host at the next synchronization, after which the
    process's device context is unusable. The run therefore never makes such a call in its own
    processes (`runner.check_call` checks the reference alone there); the suite's isolated
    examples (`suites/test_device_asserts.py`) show each entry in a subprocess of its own."""

    assertion: str  # what the kernel asserts, in torch's words

    def expectation(self, expected: Any, check: Check) -> Any:
        return Outcome(error=ExpectedError(RuntimeError, "device-side assert triggered"))

    def __str__(self) -> str:
        return f"torch stops with a device-side assert ({self.assertion}), losing the device context"


@dataclass(frozen=True)
class Returns(Behaviour):
    """torch returns what `compute(check, reference_value)` computes in NumPy.

    `compute` models torch's documented behaviour; it may return an `Outcome`
    holding an `ExpectedError` where the model says torch raises.
    """

    compute: Callable[[Check, Any], Any]
    description: str = "torch returns a documented result"
    # whether the model also applies where the reference raised (torch returns where NumPy refuses):
    # True for any error, or the error class(es) of the refusal the entry documents
    where_reference_raises: bool | type[BaseException] | tuple[type[BaseException], ...] = False

    def expectation(self, expected: Any, check: Check) -> Any:
        if isinstance(expected, Outcome):
            if expected.raised:
                return self._computed(check, None) if self._models_refusal(expected.error) else expected
            expected = expected.value
        return self._computed(check, expected)

    def _computed(self, check: Check, reference: Any) -> Any:
        # the model recomputes NumPy on the drawn input, edge cases included (empty slices, casts
        # out of range): NumPy's warnings there are no verdict (the reference's own are recorded by
        # `outcomes.capture`)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            return self.compute(check, reference)

    def relax(self, options: Options, check: Check) -> Options:
        # a model composed of other entries' (conformance.mixed_operand_models.DocumentedAs)
        # carries their tolerances, signs of zero and skipped positions too
        relax = getattr(self.compute, "relax", None)
        return options if relax is None else relax(options, check)

    def _models_refusal(self, error: BaseException | None) -> bool:
        if isinstance(self.where_reference_raises, bool):
            return self.where_reference_raises
        return isinstance(error, self.where_reference_raises)

    def __str__(self) -> str:
        return self.description


@dataclass(frozen=True)
class KnownDivergence:
    """One documented difference between torch and the reference.

    `torch_gives` states what torch returns instead (a dtype, an error, a model of
    its result); `tolerance` and `signed_zeros` state how far torch's values may
    stray where the difference is one of precision. An entry with `torch_gives` is
    strict: where its documented result differs from the reference's and torch
    agrees with the reference after all, the oracle reports the divergence as fixed.
    """

    id: str
    ops: tuple[str, ...]
    summary: str  # what differs, in one line
    example: str  # a minimal example, as code
    reason: str  # why torch behaves so
    torch_gives: Behaviour | None = None
    when: Callable[[Check], bool] = lambda check: True
    tolerance: Callable[[Check], Tolerance] | None = None
    signed_zeros: bool | None = None
    # positions of the result that torch does not promise (e.g. extremal inputs), as a boolean mask
    skip: Callable[[Check], np.ndarray] | None = None
    link: str = ""
    device_types: tuple[str, ...] = ()  # () means every device
    # the torch releases it holds for: from `since` (None: every release the registry covers)
    # up to, not including, `until` (None: still so in the newest release the registry knows)
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        if self.torch_gives is None and self.tolerance is None and self.signed_zeros is None and self.skip is None:
            raise ValueError(f"known divergence {self.id!r} documents no behaviour")
        if self.since and self.until and release(self.since) >= release(self.until):
            raise ValueError(
                f"known divergence {self.id!r} holds for no release: since {self.since}, until {self.until}"
            )

    def holds_for(self, torch_release: tuple[int, ...]) -> bool:
        """Whether torch `torch_release` (major, minor, patch) is in the entry's range."""
        return (self.since is None or torch_release >= release(self.since)) and (
            self.until is None or torch_release < release(self.until)
        )

    @property
    def versions(self) -> str:
        """The entry's range, in words: `torch >= 2.14`, `torch < 2.14`, `every torch`."""
        parts = [f">= {self.since}" if self.since else "", f"< {self.until}" if self.until else ""]
        return "torch " + ", ".join(p for p in parts if p) if any(parts) else "every torch"

    def applies(self, check: Check, torch_release: tuple[int, ...] | None = None) -> bool:
        if check.label not in self.ops:
            return False
        if not self.holds_for(torch_release or TORCH_RELEASE):
            return False
        if self.device_types and check.device_type not in self.device_types:
            return False
        return bool(self.when(check))

    def expectation(self, expected: Any, check: Check) -> Any:
        return expected if self.torch_gives is None else self.torch_gives.expectation(expected, check)

    def compares_nothing(self, check: Check) -> bool:
        """Whether the entry leaves no value of the result compared (no model of torch's result
        can be written, as where torch reads other memory): it is met whether or not torch's
        values happened to agree this time, so a run's outcome does not hang on that luck."""
        return self.torch_gives is None and self.skip is not None and bool(np.all(self.skip(check)))

    def relax(self, options: Options, check: Check) -> Options:
        """The comparison options under which torch's documented behaviour conforms."""
        if self.torch_gives is not None:
            options = self.torch_gives.relax(options, check)
        if self.tolerance is not None:
            options = replace(options, tolerance=self.tolerance(check))
        if self.signed_zeros is not None:
            options = replace(options, signed_zeros=self.signed_zeros)
        if self.skip is not None:
            skip = self.skip(check)
            options = replace(options, skip=skip if options.skip is None else np.logical_or(options.skip, skip))
        return options


def release(version: str) -> tuple[int, ...]:
    """(major, minor, patch) of a torch version string: `2.14.1+cu128` -> (2, 14, 1); a
    pre-release or nightly counts as its release (`2.15.0.dev20261101` -> (2, 15, 0))."""
    return tuple(Version(version).release[:3]) + (0,) * (3 - len(Version(version).release[:3]))


# The newest torch release the registry has been checked against, entry by entry.
NEWEST_KNOWN = "2.14"
TORCH_RELEASE = release(torch.__version__)


class Registry:
    """The known divergences, looked up by the oracle."""

    def __init__(self, entries: Iterable[KnownDivergence] = ()):
        self.entries: list[KnownDivergence] = []
        self._by_label: dict[str, list[KnownDivergence]] = {}  # each op label's entries, in registry order
        for entry in entries:
            self.add(entry)

    def add(self, entry: KnownDivergence) -> None:
        if any(existing.id == entry.id for existing in self.entries):
            raise ValueError(f"known divergence {entry.id!r} is registered twice")
        self.entries.append(entry)
        for label in dict.fromkeys(entry.ops):
            self._by_label.setdefault(label, []).append(entry)

    def replace(self, entry: KnownDivergence) -> None:
        """Put `entry` in the place of the registered entry of the same id."""
        entries = [entry if existing.id == entry.id else existing for existing in self.entries]
        if entries == self.entries:
            raise ValueError(f"no known divergence {entry.id!r} is registered")
        self.entries, self._by_label = [], {}
        for each in entries:
            self.add(each)

    def find(self, check: Check, torch_release: tuple[int, ...] | None = None) -> list[KnownDivergence]:
        """Every entry that applies to `check` on torch `torch_release` (the running one by default),
        in registry order. Only the entries of the check's label are asked (the oracle asks for
        every check, and most entries name a few ops)."""
        return [entry for entry in self._by_label.get(check.label, ()) if entry.applies(check, torch_release)]

    def beyond_knowledge(self, torch_release: tuple[int, ...] | None = None) -> bool:
        """Whether `torch_release` (the running one by default) is newer than every release the
        registry was checked against: there a documented divergence may change without the
        registry saying so."""
        return (torch_release or TORCH_RELEASE)[:2] > release(NEWEST_KNOWN)[:2]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
