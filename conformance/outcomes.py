"""Outcomes: what a call did, a value or an error, captured on each side under its own guard."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch


class Crashed(Exception):
    """The call killed the interpreter it ran in (it ran in an isolated subprocess)."""

    def __init__(self, description: str, signal_name: str | None = None, output: str = ""):
        super().__init__(description)
        self.signal_name = signal_name
        self.output = output


class MalformedResult(Exception):
    """torch returned a tensor no array can hold (a negative size): the outcome the oracle
    compares, since such a result cannot be converted to NumPy."""


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
