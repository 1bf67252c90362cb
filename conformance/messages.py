"""Divergences and how they read: one line naming what differed and on which call,
then both sides and the inputs, so the example Hypothesis shrinks to reads as a bug report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.normal import Normal, normalize
from conformance.outcomes import Outcome


class Divergence(AssertionError):
    """torch and the reference differ; `aspect` is what differed first.

    The oracle attaches the check's portable `example` (`conformance.example`) and its
    `reproducer` when it raises one, for the run record."""

    example: dict[str, Any] | None = None
    reproducer: str | None = None

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
    """A documented divergence did not happen: torch now agrees with the reference; `ids`
    names the entries. Carries the check's `example` and `reproducer` as `Divergence` does."""

    example: dict[str, Any] | None = None
    reproducer: str | None = None

    def __init__(self, message: str, ids: Sequence[str] = ()):
        super().__init__(message)
        self.ids = tuple(ids)


class DivergenceChanged(AssertionError):
    """On a torch newer than the registry knows, a documented divergence stopped happening or
    happens otherwise: the entries named in `ids` need a look (a range, a new entry)."""

    example: dict[str, Any] | None = None
    reproducer: str | None = None

    def __init__(self, message: str, ids: Sequence[str]):
        super().__init__(message)
        self.ids = tuple(ids)


def format_values(normal: Normal) -> str:
    if normal.kind == "array":
        text = np.array2string(np.asarray(normal.values), threshold=20, edgeitems=2, separator=", ", precision=8)
        text = " ".join(text.split())
        return f"{normal.source} {normal.dtype}{list(normal.shape)} {text}"
    if normal.kind == "scalar":
        return f"{normal.source} {normal.values!r}"
    if normal.kind == "sequence":
        return f"{normal.source} of {len(normal.items)}: " + "; ".join(format_values(i) for i in normal.items)
    if normal.kind == "mapping":
        return (
            "{" + ", ".join(f"{k}: {format_values(i)}" for k, i in zip(normal.values, normal.items, strict=True)) + "}"
        )
    return f"{normal.source} {normal.values!r}"


def describe_input(value: Any) -> str:
    if isinstance(value, ArrayInput):
        return value.describe()
    if isinstance(value, torch.dtype | np.dtype | dt.DType):
        return dt.name_of(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def format_input(value: Any) -> str:
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
        describe_input(v) if k.startswith("_") or k.isdigit() else f"{k}={describe_input(v)}" for k, v in inputs.items()
    )
    return f"{op}({args})"


def first_mismatches(mask: np.ndarray, actual: np.ndarray, expected: np.ndarray, limit: int = 4) -> list[str]:
    lines = []
    for index in np.argwhere(mask)[:limit]:
        key = tuple(int(i) for i in index)
        lines.append(f"at {list(key)}: torch {actual[key]!r}, reference {expected[key]!r}")
    return lines


def describe_side(outcome: Outcome) -> str:
    """One side of a divergence: its error, or its values."""
    return outcome.describe_error() if outcome.raised else format_values(normalize(outcome.value))
