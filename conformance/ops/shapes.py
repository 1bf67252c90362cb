"""Shape ops of the catalog: forms, references, dtypes and (reshape, transpose) gradients.

Each op's `shapes` names the kind of arguments `strategies.shape_ops` draws for it. The
references are NumPy's (or CuPy's) own functions; where torch's function has another
contract than NumPy's nearest one (`Tensor.repeat` and `np.tile`, `chunk` and
`np.array_split`), the reference stays NumPy's and the difference is a known divergence
(`conformance/known_divergences/shapes.py`), so that it is stated and checked.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.ops import derivatives as d
from conformance.ops import references as ref
from conformance.ops.types import Form, Op, Operand, function, method, structural

# cat and stack take a sequence of tensors; the suites pass one to three of them
TENSORS = (Operand("t0"), Operand("t1"), Operand("t2"))


def attribute(name: str) -> Form:
    """`Tensor.name` read as an attribute (`Tensor.T`, `Tensor.mT`)."""
    return Form(f"Tensor.{name}", lambda self: getattr(self, name), "attribute", code=f"{{x}}.{name}")


def positional(name: str, *parameters: str) -> Form:
    """`Tensor.name(a, b)`: a method whose arguments go by position (their names differ from the
    function's, or it takes its sizes as one sequence: `x.view((2, 3))`, `x.permute((1, 0))`)."""
    return Form(
        f"Tensor.{name}",
        lambda self, **kw: getattr(self, name)(*(kw[p] for p in parameters if p in kw)),
        "method",
        code=f"{{x}}.{name}(" + ", ".join(f"{{{p}}}" for p in parameters) + ")",
    )


def sequence_function(name: str) -> Form:
    """`torch.name(tensors, dim)`: a function that takes a sequence of tensors."""
    return Form(f"torch.{name}", lambda *tensors, **kw: getattr(torch, name)(tensors, **kw), "function")


def sequence_call(form: Form, count: int, arguments) -> Form:
    """`form` of a sequence function for `count` tensors and these arguments, spelled for a
    reproducer (`torch.cat([t0, t1], dim=0)`)."""
    tensors = ", ".join(f"{{{position}}}" for position in range(count))
    keywords = "".join(f", {name}={{{name}}}" for name in arguments)
    return Form(form.label, form.call, form.kind, code=f"{form.label}([{tensors}]{keywords})")


# ---------------------------------------------------------------------------
# References: fn(xp, *arrays, **arguments), with torch's argument names


def view(xp, x, shape):
    """A reshape that must not copy: NumPy >= 2.1 raises where it would (`copy=False`)."""
    try:
        return xp.reshape(x, shape, copy=False)
    except TypeError:  # an array module without reshape's copy keyword
        result = xp.reshape(x, shape)
        if result.size and not xp.shares_memory(result, x):
            raise ValueError("the reshape needs a copy") from None
        return result


def flatten(xp, x, start_dim=0, end_dim=-1):
    """The dims start_dim..end_dim merged into one (a 0-d array becomes 1-d), as NumPy's reshape."""
    ndim = max(x.ndim, 1)
    start, end = (np.lib.array_utils.normalize_axis_index(d, ndim) for d in (start_dim, end_dim))
    if start > end:
        raise ValueError("start_dim comes after end_dim")
    shape = x.shape if x.ndim else (1,)
    return xp.reshape(x, (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :]))


def squeeze(xp, x, dim=None):
    return xp.squeeze(x, axis=dim)


def unsqueeze(xp, x, dim):
    return xp.expand_dims(x, dim)


def permute(xp, x, dims):
    return xp.transpose(x, dims)


def matrix_transpose(xp, x):
    """`.mT`: the last two dims swapped; undefined below two dims (NumPy 2's ndarray.mT)."""
    if x.ndim < 2:
        raise ValueError("matrix transpose with ndim < 2 is undefined")
    return xp.swapaxes(x, -1, -2)


def movedim(xp, x, source, destination):
    return xp.moveaxis(x, source, destination)


def cat(xp, *arrays, dim=0):
    return xp.concatenate(arrays, axis=dim)


def stack(xp, *arrays, dim=0):
    return xp.stack(arrays, axis=dim)


def split(xp, x, split_size_or_sections, dim=0):
    """torch.split's contract in NumPy's np.split: an int is the size of each piece (the last
    one smaller), a list the sizes of the pieces, which must add up to the dim's size."""
    size = x.shape[np.lib.array_utils.normalize_axis_index(dim, x.ndim)] if x.ndim else None
    if size is None:
        raise ValueError("split of a 0-d array")
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and size > 0):
            raise ValueError(f"split size {step} for a dim of {size}")
        cuts = list(range(step, size, step)) if step else []
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size or any(n < 0 for n in sizes):
            raise ValueError(f"split sizes {sizes} do not add up to {size}")
        cuts = list(np.cumsum(sizes)[:-1])
    return list(xp.split(x, cuts, axis=dim))


def chunk(xp, x, chunks, dim=0):
    if x.ndim == 0:
        raise ValueError("chunk of a 0-d array")
    return list(xp.array_split(x, chunks, axis=dim))


def flip(xp, x, dims):
    return xp.flip(x, axis=dims)


def roll(xp, x, shifts, dims=None):
    return xp.roll(x, shifts, axis=dims)


def tile(xp, x, dims):
    return xp.tile(x, dims)


def repeat(xp, x, sizes):
    return xp.tile(x, sizes)


def expand(xp, x, sizes):
    return xp.broadcast_to(x, sizes)


def shape_op(name, forms, reference, kind, **fields) -> Op:
    """A shape op: every dtype, no gradient (reshape and transpose have theirs in the autograd suite)."""
    return Op(
        name, forms, reference, dt.ALL, fields.pop("operands", (Operand("x"),)), family="shape", shapes=kind, **fields
    )


OPS: tuple[Op, ...] = (
    structural(
        "reshape",
        (function("reshape"), method("reshape")),
        ref.reshape,
        "reshape",
        d.reshape_vjp,
        family="shape",
        dtypes=dt.ALL,
    ),
    structural(
        "transpose",
        (function("transpose"), method("transpose")),
        ref.transpose,
        "transpose",
        d.transpose_vjp,
        family="shape",
        dtypes=dt.ALL,
    ),
    shape_op("view", (positional("view", "shape"),), view, "reshape"),
    shape_op("flatten", (function("flatten"), method("flatten")), flatten, "flatten"),
    shape_op("squeeze", (function("squeeze"), method("squeeze")), squeeze, "squeeze"),
    shape_op("unsqueeze", (function("unsqueeze"), method("unsqueeze")), unsqueeze, "unsqueeze"),
    shape_op("permute", (function("permute"), positional("permute", "dims")), permute, "permute"),
    shape_op("T", (attribute("T"),), lambda xp, x: x.T, "none"),
    shape_op("mT", (attribute("mT"),), matrix_transpose, "none"),
    shape_op("movedim", (function("movedim"), function("moveaxis"), method("movedim")), movedim, "movedim"),
    shape_op(
        "cat",
        (sequence_function("cat"), sequence_function("concat"), sequence_function("concatenate")),
        cat,
        "cat",
        operands=TENSORS,
    ),
    shape_op("stack", (sequence_function("stack"),), stack, "stack", operands=TENSORS),
    shape_op("split", (function("split"), positional("split", "split_size_or_sections", "dim")), split, "split"),
    shape_op("chunk", (function("chunk"), method("chunk")), chunk, "chunk"),
    shape_op("flip", (function("flip"), method("flip")), flip, "flip"),
    shape_op("roll", (function("roll"), method("roll")), roll, "roll"),
    shape_op("tile", (function("tile"), method("tile")), tile, "tile"),
    shape_op("repeat", (positional("repeat", "sizes"),), repeat, "repeat"),
    shape_op("expand", (positional("expand", "sizes"),), expand, "expand"),
)
