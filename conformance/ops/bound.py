"""A catalog op with its non-tensor arguments bound: a dim, a shape, an einsum equation.

The oracle and the registry see a check's tensors (`Check.inputs`) but not the other
arguments of the call. A shape op or a contraction is not defined without them: a
registry model that recomputes the reference (torch's type promotion of `cat`) must
concatenate along the same dim, and a condition (`chunk` sizes that differ from
`array_split`'s) must read the number of chunks. `bind` fixes the arguments into the
form and the reference, and keeps them on the op for the registry to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from conformance.ops.types import Form, Op


@dataclass(frozen=True)
class BoundOp(Op):
    """An op whose forms and reference take the tensors only; `arguments` are the rest of
    the call, and `unbound` the catalog entry it was made from."""

    arguments: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    unbound: Op | None = field(default=None, compare=False, hash=False)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(f"ops.op({self.name!r}) with {dict(self.arguments)!r}")


def bind(op: Op, form: Form, arguments: Mapping[str, Any]) -> tuple[BoundOp, Form]:
    """`op` and one of its forms with `arguments` fixed; the form keeps its label, so the
    registry's entries for the op apply to the bound call."""
    arguments = dict(arguments)

    def call(*tensors, **more):
        return form.call(*tensors, **arguments, **more)

    def reference(xp, *arrays, dtype=None, **more):
        return op.reference(xp, *arrays, dtype=dtype, **arguments, **more)

    bound_form = Form(form.label, call, form.kind)
    own = {f.name: getattr(op, f.name) for f in fields(Op)}
    own.update(forms=(bound_form,), ref=reference, ref_takes_dtype=True)
    return BoundOp(**own, arguments=arguments, unbound=op), bound_form


def arguments_of(check) -> Mapping[str, Any]:
    """The bound arguments of a check's op (empty for an op that was not bound)."""
    return check.op.arguments if isinstance(check.op, BoundOp) else {}
