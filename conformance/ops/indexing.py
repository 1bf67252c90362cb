"""Indexing of the catalog: forms, references, dtypes and gradients.

`OPS` holds the entries the autograd suite differentiates (an int64 index, a bool mask) and
`KEY_OPS`, the entries of suites/test_indexing.py, which take any key: `x[key]`,
`x[key] = value` and `index_put` (with `accumulate`). Their values move exactly (ulps=0)."""

from __future__ import annotations

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.index_keys import IndexKey
from conformance.ops import derivatives as d
from conformance.ops import references as ref
from conformance.ops.types import Form, Op, Operand, X, structural

DIFFERENTIATED: tuple[Op, ...] = (
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


# ---------------------------------------------------------------------------
# x[key], x[key] = value and index_put over every key `strategies.indices` draws
# (`conformance.index_keys.IndexKey`). A key is an input of its own, not an operand array;
# index_put's `accumulate` is declared bool, so that type promotion leaves it out.


def _device(x: torch.Tensor) -> str:
    return str(x.device)


def _getitem(x: torch.Tensor, key: IndexKey) -> torch.Tensor:
    return x[key.for_torch(_device(x))]


def _setitem(x: torch.Tensor, key: IndexKey, value) -> torch.Tensor:
    x[key.for_torch(_device(x))] = value
    return x


def _index_put(name: str):
    def call(x: torch.Tensor, indices: IndexKey, values: torch.Tensor, accumulate: bool) -> torch.Tensor:
        key = indices.for_torch(_device(x))
        if name == "torch.index_put":
            return torch.index_put(x, key, values, accumulate=accumulate)
        return getattr(x, name.removeprefix("Tensor."))(key, values, accumulate=accumulate)

    return call


def _reference_value(xp, value):
    """A value as the reference is given it: NumPy arrays moved to the reference's module."""
    return xp.asarray(value) if isinstance(value, np.ndarray) and xp is not np else value


def getitem_reference(xp, x, key: IndexKey):
    return x[key.for_reference(xp)]


def setitem_reference(xp, x, key: IndexKey, value):
    result = x.copy()
    result[key.for_reference(xp)] = _reference_value(xp, value)
    return result


def index_put_reference(xp, x, indices: IndexKey, values, accumulate: bool, dtype: dt.DType | None = None):
    """x with values written at indices (NumPy's last write wins where they repeat), or added with
    `add.at`, which adds repeated positions one after another in index order; for a dtype NumPy
    lacks (bfloat16) each of those additions is rounded to it, as torch's kernel rounds them."""
    result = x.copy()
    key = indices.for_reference(xp)
    if not accumulate:
        result[key] = values
        return result
    # broadcast here: NumPy 2.4's add.at reads garbage where a multi-dim index broadcasts the values
    values = xp.broadcast_to(values, result[key].shape)
    if dtype is None or dtype.native_numpy:
        xp.add.at(result, key, values)
        return result
    host = np.asarray(result) if xp is np else xp.asnumpy(result)
    positions = np.arange(host.size).reshape(host.shape)[indices.for_reference(np)]
    addends = np.broadcast_to(np.asarray(values) if xp is np else xp.asnumpy(values), positions.shape)
    flat_positions, flat_addends = positions.reshape(-1), addends.reshape(-1)
    flat = host.reshape(-1)
    for rank in _occurrence_ranks(flat_positions, host.size):
        chosen = flat_positions[rank]
        flat[chosen] = dt.round_to(dtype.name, flat[chosen] + flat_addends[rank])
    result = flat.reshape(host.shape)
    return result if xp is np else xp.asarray(result)


def _occurrence_ranks(positions: np.ndarray, size: int) -> list[np.ndarray]:
    """The elements of `positions` grouped by occurrence: the first time each position appears,
    the second time, and so on (each group holds a position at most once, in index order)."""
    if positions.size == 0:
        return []
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first_of_group = np.repeat(starts, np.diff(np.r_[starts, positions.size]))
    ranks = np.empty(positions.size, dtype=np.int64)
    ranks[order] = np.arange(positions.size) - first_of_group
    return [np.flatnonzero(ranks == r) for r in range(int(ranks.max()) + 1)]


KEY_OPS: tuple[Op, ...] = (
    Op(
        "getitem",
        (Form("Tensor.__getitem__", _getitem, "operator"),),
        getitem_reference,
        dt.ALL,
        (X, Operand("key")),
        family="indexing",
        shapes="key",
        ulps=0,
    ),
    Op(
        "setitem",
        (Form("Tensor.__setitem__", _setitem, "inplace"),),
        setitem_reference,
        dt.ALL,
        (X, Operand("key"), Operand("value")),
        family="indexing",
        shapes="key",
        ulps=0,
    ),
    Op(
        "index_put",
        tuple(
            Form(name, _index_put(name), kind)
            for name, kind in (
                ("Tensor.index_put_", "inplace"),
                ("torch.index_put", "function"),
                ("Tensor.index_put", "method"),
            )
        ),
        index_put_reference,
        dt.ALL,
        (X, Operand("indices"), Operand("values"), Operand("accumulate", dtype="bool")),
        family="indexing",
        ref_takes_dtype=True,
        shapes="key",
        ulps=0,
    ),
)

OPS: tuple[Op, ...] = (*DIFFERENTIATED, *KEY_OPS)
