"""Reproducers: a standalone Python snippet (torch and NumPy only) for a check's divergence.

The snippet builds the exact inputs on both sides (dtype, shape, strides and storage
offset, from the very bytes the check used), makes both calls and prints both results,
so it runs as pasted into a bug report. Catalog calls are spelled out from their Form
and their reference; other calls carry their inputs and name the call.
"""

from __future__ import annotations

import base64
import inspect
import math
import textwrap
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.backends import storage_bytes, torch_backend
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.layouts import numpy_buffer

_INLINE_BYTES = 96  # larger buffers are written compressed


def literal(value: Any) -> str:
    """Python source that evaluates to `value` (floats that are not finite included)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, complex):
        return f"complex({literal(value.real)}, {literal(value.imag)})"
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({literal(value.item())})"
    if isinstance(value, np.ndarray):
        return f"np.array({literal(value.tolist())}, dtype=np.{value.dtype.name})"
    if isinstance(value, dt.DType):
        return f"torch.{value.name}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _bytes_source(raw: bytes) -> str:
    if len(raw) <= _INLINE_BYTES:
        return f"bytes.fromhex({raw.hex()!r})"
    packed = base64.b64encode(zlib.compress(raw, 9)).decode()
    return f"zlib.decompress(base64.b64decode({packed!r}))"


def _array_lines(name: str, inp: ArrayInput) -> tuple[list[str], list[str]]:
    """Lines that build `inp` as a tensor `name` and as an array `name_np`, byte for byte."""
    flat, view = numpy_buffer(inp.values, inp.layout, inp.dtype.kind)
    offset = (view.__array_interface__["data"][0] - flat.__array_interface__["data"][0]) // max(flat.itemsize, 1)
    carrier = np.dtype(flat.dtype).newbyteorder("<")
    numpy_lines = [
        f"{name}_np = np.lib.stride_tricks.as_strided(",
        f"    np.frombuffer({_bytes_source(flat.astype(carrier).tobytes())}, dtype={carrier.str!r}).copy()[{offset}:],",
        f"    shape={tuple(view.shape)!r}, strides={tuple(view.strides)!r})"
        + ("  # float32: NumPy has no bfloat16" if not inp.dtype.native_numpy else ""),
    ]
    tensor = torch_backend("cpu").build(inp)
    storage = storage_bytes(tensor)
    torch_lines = [
        f"{name} = torch.as_strided(",
        f"    torch.frombuffer(bytearray({_bytes_source(storage)}), dtype=torch.{inp.dtype.name}),",
        f"    {tuple(tensor.shape)!r}, {tuple(tensor.stride())!r}, {tensor.storage_offset()})",
    ]
    if inp.values.size <= 16:
        torch_lines.insert(
            0, f"# {name}: {inp.describe()} {np.array2string(inp.values, separator=', ')}".replace("\n", " ")
        )
    else:
        torch_lines.insert(0, f"# {name}: {inp.describe()}")
    return torch_lines, numpy_lines


def _call_text(template: str, names: list[str], values: Mapping[str, str]) -> str:
    return template.format(*names, **values)


def _torch_call(check: Check, names: list[str], arguments: Mapping[str, str]) -> str:
    form = check.form
    keywords = ", ".join(f"{k}={v}" for k, v in arguments.items())
    if form.code:
        return form.code.format(*names, **{**dict(zip(check.inputs, names, strict=True)), **arguments})
    name = form.label.split(".", 1)[1]
    args = ", ".join([*names, *([keywords] if keywords else [])])
    if form.kind in ("method", "inplace") and form.label.startswith("Tensor."):
        rest = ", ".join([*names[1:], *([keywords] if keywords else [])])
        return f"{names[0]}.{name}({rest})"
    module = "operator" if form.label.startswith("operator.") else "torch"
    return f"{module}.{name}({args})"


def _reference_lines(check: Check, names: list[str], arguments: Mapping[str, str]) -> tuple[list[str], str]:
    op = check.op
    operands = {operand.name for operand in op.operands}
    args = [
        f"{n}_np" if isinstance(check.inputs[key], ArrayInput) else n
        for key, n in zip(check.inputs, names, strict=True)
        if key != "out" or "out" in operands  # torch's out= is no operand of the reference
    ]
    keywords = [f"{k}={v}" for k, v in arguments.items()]
    if not callable(op.ref):
        return [], f"np.{op.ref}({', '.join(args + keywords)})"
    function = op.ref
    lines = []
    closure = inspect.getclosurevars(function).nonlocals
    lines += [f"{k} = {literal(v)}" for k, v in closure.items()]
    lines += textwrap.dedent(inspect.getsource(function)).splitlines()
    extra = ["dtype=None"] if op.ref_takes_dtype else []
    return lines, f"{function.__name__}(np, {', '.join(args + extra + keywords)})"


def reproducer(check: Check) -> str:
    """The snippet for `check`: imports, the inputs built on both sides, both calls, both results."""
    arguments = dict(check.arguments)
    lines = ["import base64, operator, zlib", "import numpy as np", "import torch", ""]
    names = []
    plain: dict[str, str] = {}
    for key, value in check.inputs.items():
        name = key if key.isidentifier() else f"arg{len(names)}"
        names.append(name)
        if isinstance(value, ArrayInput):
            torch_lines, numpy_lines = _array_lines(name, value)
            lines += [*torch_lines, *numpy_lines]
        else:
            plain[name] = literal(value)
            lines.append(f"{name} = {plain[name]}")
    shown = {k: literal(v) for k, v in arguments.items()}
    if check.op is not None and check.form is not None:
        reference_lines, reference_call = _reference_lines(check, names, shown)
        lines += ["", *reference_lines, "", f"print('torch:    ', {_torch_call(check, names, shown)})"]
        lines.append(f"print('reference:', {reference_call})")
    else:
        lines += ["", f"# the call: {check.label}({', '.join(names)}), against its NumPy counterpart"]
    if check.device != "cpu":
        lines.insert(4, f"# on {check.device}: move the tensors with .to({check.device!r})")
    return "\n".join(lines)
