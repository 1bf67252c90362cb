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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from conformance.check import Check
from conformance.compare import Options
from conformance.normal import as_dtype, normalize
from conformance.outcomes import Crashed, ExpectedError, Outcome, type_names
from conformance.tolerances import Tolerance


class Behaviour:
    """How torch behaves where it diverges: turns the reference into torch's documented result."""

    def expectation(self, expected: Any, check: Check) -> Any:
        raise NotImplementedError


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
class Returns(Behaviour):
    """torch returns what `compute(check, reference_value)` computes in NumPy.

    `compute` models torch's documented behaviour; it may return an `Outcome`
    holding an `ExpectedError` where the model says torch raises.
    """

    compute: Callable[[Check, Any], Any]
    description: str = "torch returns a documented result"
    # whether the model also applies where the reference raised (torch returns where NumPy refuses)
    where_reference_raises: bool = False

    def expectation(self, expected: Any, check: Check) -> Any:
        if isinstance(expected, Outcome):
            if expected.raised:
                return self.compute(check, None) if self.where_reference_raises else expected
            expected = expected.value
        return self.compute(check, expected)

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

    def __post_init__(self) -> None:
        if self.torch_gives is None and self.tolerance is None and self.signed_zeros is None and self.skip is None:
            raise ValueError(f"known divergence {self.id!r} documents no behaviour")

    def applies(self, check: Check) -> bool:
        if check.label not in self.ops:
            return False
        if self.device_types and check.device_type not in self.device_types:
            return False
        return bool(self.when(check))

    def expectation(self, expected: Any, check: Check) -> Any:
        return expected if self.torch_gives is None else self.torch_gives.expectation(expected, check)

    def relax(self, options: Options, check: Check) -> Options:
        """The comparison options under which torch's documented behaviour conforms."""
        if self.tolerance is not None:
            options = replace(options, tolerance=self.tolerance(check))
        if self.signed_zeros is not None:
            options = replace(options, signed_zeros=self.signed_zeros)
        if self.skip is not None:
            skip = self.skip(check)
            options = replace(options, skip=skip if options.skip is None else np.logical_or(options.skip, skip))
        return options


class Registry:
    """The known divergences, looked up by the oracle."""

    def __init__(self, entries: Iterable[KnownDivergence] = ()):
        self.entries: list[KnownDivergence] = []
        for entry in entries:
            self.add(entry)

    def add(self, entry: KnownDivergence) -> None:
        if any(existing.id == entry.id for existing in self.entries):
            raise ValueError(f"known divergence {entry.id!r} is registered twice")
        self.entries.append(entry)

    def find(self, check: Check) -> list[KnownDivergence]:
        """Every entry that applies to `check`, in registry order."""
        return [entry for entry in self.entries if entry.applies(check)]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
