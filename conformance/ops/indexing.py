"""Indexing of the catalog: forms, references, dtypes and gradients."""

from __future__ import annotations

import torch

from conformance.ops import derivatives as d
from conformance.ops import references as ref
from conformance.ops.types import Form, Op, structural

OPS: tuple[Op, ...] = (
    structural(
        "index",
        (Form("Tensor.__getitem__[int array]", lambda x, index: x[torch.as_tensor(index)], "operator"),),
        ref.gather,
        "gather",
        d.gather_vjp,
        family="indexing",
    ),
    structural(
        "mask",
        (Form("Tensor.__getitem__[bool mask]", lambda x, mask: x[torch.as_tensor(mask)], "operator"),),
        ref.masked,
        "mask",
        d.mask_vjp,
        family="indexing",
    ),
)
