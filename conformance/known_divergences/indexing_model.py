"""The model behind the known divergences of indexing: torch's outcome of an indexing check (x[key],
x[key] = value, index_put, a write through x[key]) as `conformance.torch_indexing` replays it, and
the entries that return it where it is not an outcome NumPy shares."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.errors import correspond
from conformance.index_keys import IndexKey
from conformance.normal import as_dtype
from conformance.outcomes import Outcome
from conformance.torch_indexing import Refused, selected_shape, torch_getitem, torch_selection, torch_setitem

GETITEM = ("Tensor.__getitem__",)
SETITEM = ("Tensor.__setitem__",)
WRITES_THROUGH = ("Tensor.__getitem__ write-through",)
INDEX_PUT = ("Tensor.index_put_", "torch.index_put", "Tensor.index_put")
KEYED = (*GETITEM, *SETITEM, *WRITES_THROUGH)
SOURCE = "https://github.com/pytorch/pytorch/blob/main/torch/csrc/autograd/python_variable_indexing.cpp"


def _modelled(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except Refused as refusal:
        return Outcome(error=refusal.expected)


def key_of(check: Check) -> IndexKey | None:
    """The key of x[key] (the `indices` of index_put)."""
    key = check.inputs.get("key", check.inputs.get("indices"))
    return key if isinstance(key, IndexKey) else None


def torch_refusal(check: Check) -> Refused | None:
    """torch's refusal of the check, by the model; None where torch returns."""
    x, key = check.inputs["x"], key_of(check)
    try:
        if check.label in SETITEM:
            torch_setitem(x.values, key, check.inputs["value"], x.dtype)
        elif check.label in INDEX_PUT:
            torch_setitem(x.values, key, check.inputs["values"], x.dtype, python_key=False)
        else:
            torch_getitem(x.values, key)
    except Refused as refusal:
        return refusal
    return None


def _torch_result(check: Check, reference: object = None) -> object:
    """torch's outcome: x[key], x after x[key] = value or index_put, or the base after a marker is
    written through x[key] (where the walk leaves no index arrays, the result is a view of x)."""
    x, key = check.inputs["x"], key_of(check)
    if check.label in SETITEM:
        return _modelled(lambda: as_dtype(torch_setitem(x.values, key, check.inputs["value"], x.dtype), x.dtype))
    if check.label in INDEX_PUT:
        return _modelled(lambda: _index_put(check, reference))
    if check.label in WRITES_THROUGH:
        return _modelled(lambda: _written_through(check))
    return _modelled(lambda: as_dtype(np.asarray(torch_getitem(x.values, key)), x.dtype))


def _index_put(check: Check, reference: object) -> object:
    """index_put refuses as x[key] = values does (values of x's dtype); otherwise it agrees with
    the reference's result. Where the reference refuses and torch does not, the selection is
    empty (its entries are never read): x comes back unchanged, accumulated or not."""
    x, values, key = check.inputs["x"], check.inputs["values"], key_of(check)
    written = torch_setitem(x.values, key, values, x.dtype, python_key=False)
    if reference is not None:
        return reference
    if selects_nothing(x.shape, key, python_key=False):
        return as_dtype(written, x.dtype)
    return check.reference


def _written_through(check: Check) -> dict:
    x, key, marker = check.inputs["x"], check.inputs["key"], check.inputs["marker"]
    base = x.values.copy()
    view, rest = torch_selection(base, key)
    if rest is not None:
        torch_getitem(base, key)  # refuses where torch's index call refuses; its copy leaves x alone
    elif view.size:
        view[(0,) * view.ndim] = marker
    return {"base": as_dtype(base, x.dtype)}


def _differs(check: Check) -> bool:
    """Whether the model's outcome is one NumPy does not share: a value, or a refusal that does
    not correspond to the reference's (`conformance.errors`)."""
    reference = check.reference
    if reference is None or not reference.raised:
        return True
    refusal = torch_refusal(check)
    return refusal is None or not correspond(refusal.error, reference.error)


def _where(condition: Callable[[Check], bool]) -> Callable[[Check], bool]:
    return lambda check: bool(condition(check)) and _differs(check)


TORCH_READS_THE_KEY = Returns(_torch_result, "the key as torch reads it", where_reference_raises=True)


def selects_nothing(shape: tuple[int, ...], key: IndexKey | None, python_key: bool = True) -> bool:
    """Whether the key's index arrays (as torch reads them) select nothing from a tensor of `shape`."""
    try:
        view, rest = torch_selection(np.zeros(shape, dtype=np.int8), key, python_key)
        return rest is not None and math.prod(selected_shape(view, rest)) == 0
    except Refused:
        return False


def entry(id: str, ops: tuple[str, ...], condition: Callable[[Check], bool], **fields) -> KnownDivergence:
    """An entry whose torch result is the model's, where `condition` (a rule of torch's reading) holds
    and the model's outcome is not one NumPy shares."""
    return KnownDivergence(id=id, ops=ops, torch_gives=TORCH_READS_THE_KEY, when=_where(condition), **fields)
