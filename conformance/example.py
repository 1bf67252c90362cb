"""Portable examples: a check's call and inputs as JSON, exact to the bit, and back.

The oracle attaches one to every divergence it raises (the example Hypothesis reports
last is the shrunk one), the plugin writes it into the run record, and `replay`, `repro`
and the regression corpus rebuild the check from it without Hypothesis. Never pickle:
every value is tagged with its type, arrays carry their bytes as hex (little-endian,
in the dtype's NumPy carrier), floats their `float.hex()`, so NaN payloads, infinities
and signed zeros survive. The format is described in `docs/record-format.md`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.layouts import Layout, numpy_buffer


class ExampleError(ValueError):
    """A portable example that cannot be read back (a foreign value, an unknown dtype or op)."""


def _float(value: float) -> dict[str, Any]:
    return {"type": "float", "hex": float(value).hex(), "repr": repr(float(value))}


def _read_float(data: Mapping[str, Any]) -> float:
    return float.fromhex(data["hex"])


def _hex_bytes(array: np.ndarray) -> str:
    carrier = array.dtype.newbyteorder("<")
    return np.ascontiguousarray(array).astype(carrier).tobytes().hex()


def _preview(values: np.ndarray) -> str:
    return " ".join(np.array2string(values, threshold=24, edgeitems=3, separator=", ", floatmode="unique").split())


def encode_layout(layout: Layout) -> dict[str, Any]:
    return {
        "offset": layout.offset,
        "steps": list(layout.steps),
        "perm": list(layout.perm),
        "expanded": list(layout.expanded),
        "flipped": list(layout.flipped),
    }


def decode_layout(data: Mapping[str, Any]) -> Layout:
    return Layout(
        int(data.get("offset", 0)),
        tuple(int(s) for s in data.get("steps", ())),
        tuple(int(p) for p in data.get("perm", ())),
        tuple(int(e) for e in data.get("expanded", ())),
        tuple(int(f) for f in data.get("flipped", ())),
    )


def _strides(inp: ArrayInput) -> list[int] | None:
    """The strides (in elements) of the view the layout cuts, as NumPy builds it."""
    try:
        _, view = numpy_buffer(inp.values, inp.layout, inp.dtype.kind)
    except Exception:
        return None
    return [s // max(view.itemsize, 1) for s in view.strides]


def encode(value: Any) -> dict[str, Any]:
    """`value` as tagged JSON; what has no portable form is kept as its repr (`opaque`)."""
    if isinstance(value, ArrayInput):
        return {
            "type": "array",
            "dtype": value.dtype.name,
            "shape": list(value.shape),
            "layout": encode_layout(value.layout),
            "layout_kind": value.layout.kind,
            "strides": _strides(value),
            "carrier": value.values.dtype.newbyteorder("<").str,
            "hex": _hex_bytes(value.values),
            "preview": _preview(value.values),
        }
    if value is None:
        return {"type": "none"}
    if value is Ellipsis:
        return {"type": "ellipsis"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, complex):
        return {"type": "complex", "real": _float(value.real), "imag": _float(value.imag), "repr": repr(value)}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, dt.DType):
        return {"type": "dtype", "name": value.name}
    if isinstance(value, torch.dtype):
        return {"type": "torch.dtype", "name": str(value).removeprefix("torch.")}
    if isinstance(value, np.dtype):
        return {"type": "numpy.dtype", "name": value.str}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return {
            "type": "ndarray",
            "carrier": value.dtype.newbyteorder("<").str,
            "shape": list(value.shape),
            "hex": _hex_bytes(value),
            "preview": _preview(value),
        }
    if isinstance(value, np.generic) and np.dtype(value.dtype).kind in "biufc":
        return {
            "type": "numpy.scalar",
            "carrier": value.dtype.newbyteorder("<").str,
            "hex": _hex_bytes(np.asarray(value)),
            "repr": repr(value),
        }
    if isinstance(value, slice):
        return {"type": "slice", "start": encode(value.start), "stop": encode(value.stop), "step": encode(value.step)}
    if isinstance(value, tuple | list):
        return {"type": type(value).__name__, "items": [encode(v) for v in value]}
    if isinstance(value, Mapping):
        return {"type": "dict", "items": [[encode(k), encode(v)] for k, v in value.items()]}
    return {"type": "opaque", "repr": repr(value)[:400]}


def _array(data: Mapping[str, Any]) -> np.ndarray:
    carrier = np.dtype(data["carrier"])
    flat = np.frombuffer(bytes.fromhex(data["hex"]), dtype=carrier)
    return flat.astype(carrier.newbyteorder("=")).reshape(tuple(data["shape"]))


def decode(data: Mapping[str, Any]) -> Any:
    """The value `encode` wrote; an `ExampleError` for an opaque or foreign one."""
    try:
        kind = data["type"]
        if kind == "array":
            dtype = dt.dtype(data["dtype"])
            return ArrayInput(_array(data), dtype, decode_layout(data["layout"]))
        if kind == "none":
            return None
        if kind == "ellipsis":
            return Ellipsis
        if kind == "bool":
            return bool(data["value"])
        if kind == "int":
            return int(data["value"])
        if kind == "float":
            return _read_float(data)
        if kind == "complex":
            return complex(_read_float(data["real"]), _read_float(data["imag"]))
        if kind == "str":
            return str(data["value"])
        if kind == "dtype":
            return dt.dtype(data["name"])
        if kind == "torch.dtype":
            return getattr(torch, data["name"])
        if kind == "numpy.dtype":
            return np.dtype(data["name"])
        if kind == "ndarray":
            return _array(data)
        if kind == "numpy.scalar":
            return _array({**data, "shape": []})[()]
        if kind == "slice":
            return slice(decode(data["start"]), decode(data["stop"]), decode(data["step"]))
        if kind in ("list", "tuple"):
            items = [decode(v) for v in data["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {decode(k): decode(v) for k, v in data["items"]}
    except ExampleError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ExampleError(
            f"unreadable {data.get('type', 'value') if isinstance(data, Mapping) else 'value'}: {error}"
        ) from None
    if kind == "opaque":
        raise ExampleError(f"a value with no portable form: {data.get('repr', '?')}")
    raise ExampleError(f"unknown value type {kind!r}")


def portable(check: Check) -> dict[str, Any]:
    """The example of `check`: its call, inputs (in call order), arguments and device."""
    return {
        "label": check.label,
        "op": check.op.name if check.op is not None else None,
        "form": check.form.label if check.form is not None else None,
        "device": check.device,
        "inputs": [[name, encode(value)] for name, value in check.inputs.items()],
        "arguments": [[name, encode(value)] for name, value in check.arguments.items()],
        "gradient_of": check.gradient_of,
        "upstream": encode(check.upstream) if check.upstream is not None else None,
        # how to run it again outside its test (set by the runner that ran it), or None
        "replay": None,
    }


def is_portable(example: Mapping[str, Any]) -> bool:
    """Whether every value of `example` can be read back."""
    try:
        inputs(example)
        arguments(example)
    except ExampleError:
        return False
    return True


def inputs(example: Mapping[str, Any]) -> dict[str, Any]:
    return {name: decode(value) for name, value in example.get("inputs", [])}


def arguments(example: Mapping[str, Any]) -> dict[str, Any]:
    return {name: decode(value) for name, value in example.get("arguments", [])}


def check_of(example: Mapping[str, Any], device: str | None = None) -> Check:
    """The `Check` the example describes (its Op and Form looked up in the catalog), on
    `device` where given, else on the device it was recorded on."""
    from conformance import ops

    op = form = None
    if example.get("op"):
        try:
            op = ops.op(example["op"])
        except ValueError as error:
            raise ExampleError(str(error)) from None
        form = next((f for f in op.forms if f.label == example.get("form")), None)
        if form is None and example.get("form"):
            raise ExampleError(f"op {op.name!r} has no form {example['form']!r} in this catalog")
    upstream = decode(example["upstream"]) if example.get("upstream") else None
    return Check(
        example["label"],
        inputs(example),
        device=device or example.get("device", "cpu"),
        arguments=arguments(example),
        op=op,
        form=form,
        gradient_of=example.get("gradient_of"),
        upstream=upstream,
    )


def fingerprint(example: Mapping[str, Any]) -> str:
    """A short digest of the call and its exact inputs (the device and replay recipe aside):
    equal for the same example found twice."""
    key = {k: example.get(k) for k in ("label", "op", "form", "inputs", "arguments", "gradient_of", "upstream")}
    for side in ("inputs", "arguments"):
        key[side] = [[n, {k: v for k, v in value.items() if k != "preview"}] for n, value in key[side] or []]
    text = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def describe(example: Mapping[str, Any]) -> str:
    """`operator.add(x=complex(-0.0, -0.0), y=complex64[] ...)`: one line for people."""

    def short(value: Mapping[str, Any]) -> str:
        kind = value.get("type")
        if kind == "array":
            return f"{value['dtype']}{value['shape']} {value.get('preview', '')}"
        if kind == "float":
            text = value.get("repr", "?")
            return text if math.isfinite(float.fromhex(value["hex"])) else f"float({text!r})"
        if kind in ("int", "bool", "str"):
            return repr(value["value"]) if kind == "str" else str(value["value"])
        if kind == "complex":
            return value.get("repr", "complex")
        if kind in ("dtype", "torch.dtype", "numpy.dtype"):
            return str(value["name"])
        return value.get("repr", kind or "?")

    parts = [f"{n}={short(v)}" for n, v in [*example.get("inputs", []), *example.get("arguments", [])]]
    return f"{example.get('label', '?')}({', '.join(parts)})"
