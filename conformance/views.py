"""Which results are views of their inputs: decided by behaviour on torch's side, by the
reference's own `shares_memory` on the other.

torch is not asked (no `data_ptr` or storage comparison, which a wrong stride or offset
would still pass): a marker is written into the first element of each result piece, and
the inputs are read back; an input that changed shares memory with that piece. The
reference's side is NumPy's (or CuPy's) exact `shares_memory`. Both give, per input, one
fact over the result's non-empty pieces: "yes" (every piece shares memory with it), "no",
"partly", or None where there is no memory to share (an empty input, or empty pieces only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from conformance import dtypes as dt
from conformance.backends import tensor_to_numpy
from conformance.interop import marker


def _pieces(result: Any) -> list[Any]:
    return list(result) if isinstance(result, list | tuple) else [result]


def _verdict(shared: list[bool]) -> str | None:
    if not shared:
        return None
    if all(shared):
        return "yes"
    return "no" if not any(shared) else "partly"


def _key(name: str) -> str:
    return f"shares memory with {name}"


def _snapshot(tensor: torch.Tensor) -> bytes:
    return tensor_to_numpy(tensor).tobytes()


def torch_memory_facts(result: Any, inputs: Mapping[str, torch.Tensor]) -> dict[str, str | None]:
    """Per input tensor: does a write into each piece of torch's result show in it? (The
    pieces are written to: call this once their values have been compared.)"""
    shared: dict[str, list[bool]] = {name: [] for name in inputs}
    # each input read once before the writes and once after each write: what one piece's write
    # is compared with is what the input held just before it (the last piece's write included)
    before = {name: _snapshot(t) for name, t in inputs.items() if t.numel()}
    for piece in _pieces(result):
        if piece.numel() == 0:
            continue
        index = (0,) * piece.dim()
        current = tensor_to_numpy(piece)[index]
        with torch.no_grad():
            piece[index] = marker(dt.from_torch(piece.dtype), current)
        for name, snapshot in before.items():
            after = _snapshot(inputs[name])
            shared[name].append(after != snapshot)
            before[name] = after
    return {_key(name): _verdict(found) for name, found in shared.items()}


def reference_memory_facts(result: Any, inputs: Mapping[str, Any], xp) -> dict[str, str | None]:
    """Per input array: does each non-empty piece of the reference's result share memory with it?"""
    shared: dict[str, list[bool]] = {name: [] for name in inputs}
    for piece in _pieces(result):
        if piece.size == 0:
            continue
        for name, array in inputs.items():
            if array.size:
                shared[name].append(bool(xp.shares_memory(piece, array)))
    return {_key(name): _verdict(found) for name, found in shared.items()}
