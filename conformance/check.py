"""The record of one check: what the oracle compares and what the registry of known
divergences matches against.

A check of a catalog call carries the catalog objects themselves (its `Op` and
`Form`), so nothing downstream parses a label back or guesses input names: the
operands are named as the Op declares them. Other calls (constructors, conversions,
autograd bookkeeping) carry a label and their inputs named as torch's signature names
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.inputs import ArrayInput
from conformance.normal import normalize
from conformance.ops import Form, Op
from conformance.outcomes import Outcome


@dataclass(frozen=True)
class Check:
    """One comparison: the call (`label`, and `op`/`form` for a catalog call), its inputs,
    the device under test and, once it ran, the reference's outcome."""

    label: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    device: str = "cpu"
    # the call's other arguments, by keyword (a dim, an index), given to both sides as they are
    arguments: Mapping[str, Any] = field(default_factory=dict)
    op: Op | None = None
    form: Form | None = None
    reference: Outcome | None = None
    # a gradient check: the operand it differentiates with respect to, and the upstream gradient
    gradient_of: str | None = None
    upstream: ArrayInput | None = None

    @classmethod
    def of(cls, op: Op, form: Form | None = None, inputs: Mapping[str, Any] | None = None, **fields: Any) -> Check:
        """The check of a catalog call: labelled by its form (the op's function form by default)."""
        form = form or op.function_form
        return cls(form.label, dict(inputs or {}), op=op, form=form, **fields)

    @property
    def device_type(self) -> str:
        return self.device.split(":")[0]

    @property
    def operands(self) -> list[ArrayInput]:
        """The array operands, in call order."""
        return [value for value in self.inputs.values() if isinstance(value, ArrayInput)]

    @property
    def promoted(self) -> list[Any]:
        """The operands that take part in type promotion, in call order: every input but those
        the Op gives a dtype of their own (`where`'s bool condition)."""
        fixed = {operand.name for operand in self.op.operands if operand.dtype} if self.op else set()
        return [value for name, value in self.inputs.items() if name not in fixed]

    @property
    def reference_dtype(self) -> str | None:
        """The dtype of the reference's result, where it returned an array."""
        if self.reference is None or self.reference.raised:
            return None
        normal = normalize(self.reference.value)
        return normal.dtype if normal.kind == "array" else None
