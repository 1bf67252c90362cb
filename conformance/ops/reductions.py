"""Reductions of the catalog: forms, references, dtypes and gradients."""

from __future__ import annotations

import torch

from conformance import dtypes as dt
from conformance.ops import derivatives as d
from conformance.ops import references as ref
from conformance.ops.types import Form, Op, function, method, structural

OPS: tuple[Op, ...] = (
    structural("sum", (function("sum"), method("sum")), ref.reduce("sum"), "reduction", d.sum_vjp),
    structural("mean", (function("mean"), method("mean")), ref.reduce("mean"), "reduction", d.mean_vjp),
    structural(
        "var",
        (Form("torch.var", lambda x, dim=None: torch.var(x, dim=dim, correction=1), "function"),),
        ref.reduce("var", ddof=1),
        "reduction",
        d.var_vjp,
        dtypes=dt.FLOATS,
        scale=d.centred_scale,
    ),
    structural(
        "std",
        (Form("torch.std", lambda x, dim=None: torch.std(x, dim=dim, correction=1), "function"),),
        ref.reduce("std", ddof=1),
        "reduction",
        d.std_vjp,
        dtypes=dt.FLOATS,
        scale=d.centred_scale,
    ),
    structural(
        "amax", (function("amax"), method("amax")), ref.reduce("amax"), "reduction", d.amax_vjp, dtypes=dt.FLOATS
    ),
)
