"""Shape ops of the catalog: forms, references, dtypes and gradients."""

from __future__ import annotations

from conformance.ops import derivatives as d
from conformance.ops import references as ref
from conformance.ops.types import Op, function, method, structural

OPS: tuple[Op, ...] = (
    structural(
        "reshape", (function("reshape"), method("reshape")), ref.reshape, "reshape", d.reshape_vjp, family="shape"
    ),
    structural(
        "transpose",
        (function("transpose"), method("transpose")),
        ref.transpose,
        "transpose",
        d.transpose_vjp,
        family="shape",
    ),
)
