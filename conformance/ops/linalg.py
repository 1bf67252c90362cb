"""Linear algebra of the catalog: forms, references, dtypes and gradients."""

from __future__ import annotations

from conformance.ops import derivatives as d
from conformance.ops.types import BINARY, Op, function, method, python_operator, structural

OPS: tuple[Op, ...] = (
    structural(
        "matmul",
        (function("matmul"), method("matmul"), python_operator("matmul")),
        "matmul",
        "matmul",
        d.matmul_vjp,
        operands=BINARY,
        family="linalg",
    ),
)
