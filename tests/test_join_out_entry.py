"""cat-out-size-one-dim-stride, shown both ways: torch.cat/torch.stack into a contiguous out= whose
size-1 cat dim has an odd stride leave the end of out unwritten, and the check the shapes suite
makes (test_join_out) passes on that as the entry documents; a result planted beyond it (one more
element unwritten, or a wrong value where torch writes) fails, the entry stays out of calls where
torch writes every element, and a torch that writes them all is reported as a fix."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable

import numpy as np
import pytest
import torch

from conformance import dtypes as dt
from conformance import ops, oracle, records
from conformance.check import Check
from conformance.divergences import Registry
from conformance.inputs import ArrayInput
from conformance.known_divergences import REGISTRY, shape_join_out
from conformance.layouts import Layout
from conformance.messages import Divergence, DivergenceFixed
from conformance.ops import Form
from conformance.ops import shapes as catalog
from conformance.runner import build_both, check_call

ENTRY = "cat-out-size-one-dim-stride"
# The failing example test_join_out drew: out float32[1, 1, 1] with steps=(1, 2, 1) has strides
# (2, 2, 1) in torch (contiguous: its dims are all of size 1), so cat along dim 1 copies
# 1 // 2 = 0 slices and leaves out as it was.
FIRST = ((1, 1, 1), Layout(steps=(1, 2, 1)))
# out float32[3, 1, 2] with steps=(1, 2, 1) has strides (2, 4, 1): along dim 1 the kernel copies
# 6 // 4 = 1 slice of 4 elements and leaves the last 2.
PARTIAL = ((3, 1, 2), Layout(steps=(1, 2, 1)))
# stack of (3, 2) tensors along the new last dim runs cat on them unsqueezed, into out
# float32[3, 2, 1]; with steps=(1, 2, 1), perm=(0, 2, 1) its strides are (2, 1, 4): 2 left.
STACKED = ((3, 2), Layout(steps=(1, 2, 1), perm=(0, 2, 1)))

Plant = Callable[[torch.Tensor], None]  # what is done to out after torch's call


@pytest.fixture(autouse=True)
def _fresh_records():
    records.drain()


def confirmed() -> bool:
    return ("known_divergence", ENTRY) in records.drain()


def join_out(
    name: str,
    shape: tuple[int, ...],
    out_layout: Layout,
    dim: int,
    *,
    dtype: str = "float32",
    plant: Plant | None = None,
) -> Check:
    """test_join_out's check of torch.cat/torch.stack of one tensor (1, 2, ... as values) into an
    out of -1s in `out_layout`; `plant` changes out after torch's call."""
    op, kind = ops.op(name), dt.dtype(dtype)
    inputs = {"t0": ArrayInput(kind.carry(np.arange(1, np.prod(shape) + 1).reshape(shape)), kind)}
    count = 1
    result = np.shape(op.reference(np, *(i.values for i in inputs.values()), dim=dim))
    out = ArrayInput(kind.carry(np.full(result, -1)), kind, out_layout)
    form = op.function_form

    def call(*tensors, **kw):
        written = form.call(*tensors[:count], out=tensors[count], **kw)
        if plant is not None:
            plant(written)
        return written

    spelled = catalog.sequence_call(form, count, {"dim": dim, "out": None})
    out_form = Form(form.label, call, form.kind, code=spelled.code)
    built = build_both({**inputs, "out": out}, "cpu")
    check = Check.of(op, out_form, {**inputs, "out": out}, device="cpu", arguments={"dim": dim})
    check_call(
        check,
        lambda: out_form.call(*built.tensors, dim=dim),
        lambda: op.reference(built.xp, *built.arrays[:count], dtype=kind, dim=dim),
        dtype=kind,
    )
    return check


def _unwritten(name, shape, out_layout, dim, dtype="float32") -> np.ndarray | None:
    """The registry's model: the positions of out torch leaves as they were (None: none)."""
    op, kind = ops.op(name), dt.dtype(dtype)
    inputs = {"t0": ArrayInput(kind.carry(np.ones(shape)), kind)}
    result = np.shape(op.reference(np, *(i.values for i in inputs.values()), dim=dim))
    out = ArrayInput(kind.carry(np.zeros(result)), kind, out_layout)
    return shape_join_out.unwritten(Check.of(op, op.function_form, {**inputs, "out": out}, arguments={"dim": dim}))


def test_the_failing_example_is_torch_behaviour():
    """torch leaves out as it was (-1) where NumPy writes 1; the check passes as the entry."""
    assert _unwritten("cat", (1, 1, 1), FIRST[1], 1).all()
    join_out("cat", *FIRST, 1)
    assert confirmed()


@pytest.mark.parametrize(
    "name, shape, layout, dim",
    [("cat", *PARTIAL, 1), ("stack", *STACKED, 2), ("stack", *STACKED, -1)],
)
def test_a_partly_written_out_is_torch_behaviour(name, shape, layout, dim):
    """torch writes a prefix of out's memory, 4 of 6 elements; the check passes as the entry."""
    mask = _unwritten(name, shape, layout, dim)
    assert mask is not None and mask.sum() == 2
    join_out(name, shape, layout, dim)
    assert confirmed()


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float64"])
def test_every_floating_dtype_takes_the_serial_kernel(dtype):
    join_out("cat", *FIRST, 1, dtype=dtype)
    assert confirmed()


def test_one_more_unwritten_element_fails():
    """Where torch leaves 3 of 6 elements, a torch that also skipped a written one diverges."""
    shape, layout = PARTIAL
    mask = _unwritten("cat", shape, layout, 1)
    first_written = tuple(np.argwhere(~mask)[0])

    def also_skip(out):
        out[first_written] = -1

    with pytest.raises(Divergence, match="values"):
        join_out("cat", shape, layout, 1, plant=also_skip)


def test_a_wrong_value_where_torch_writes_fails():
    def off_by_one(out):
        out[(0, 0, 0)] += 1

    with pytest.raises(Divergence, match="values"):
        join_out("cat", *PARTIAL, 1, plant=off_by_one)


@pytest.mark.parametrize(
    "why, name, shape, layout, dim, dtype",
    [
        ("dim 0 is a memcpy", "cat", (1, 1, 1), Layout(steps=(2, 1, 1)), 0, "float32"),
        ("integers take TensorIterator's copy", "cat", (1, 1, 1), Layout(steps=(1, 2, 1)), 1, "int32"),
        ("complex types take TensorIterator's copy", "cat", (1, 1, 1), Layout(steps=(1, 2, 1)), 1, "complex64"),
        ("the stride is the product of the later sizes", "cat", (2, 1, 3), Layout(), 1, "float32"),
        ("stack views out as the concatenation (3, 2)", "stack", (3, 2), PARTIAL[1], 1, "float32"),
    ],
)
def test_where_torch_writes_every_element_nothing_is_left_out(why, name, shape, layout, dim, dtype):
    """The entry does not apply, and a torch that left out unwritten there would fail."""
    assert _unwritten(name, shape, layout, dim, dtype=dtype) is None, why
    join_out(name, shape, layout, dim, dtype=dtype)
    assert not confirmed()

    def untouched(out):
        out.fill_(-1)

    with pytest.raises(Divergence, match="values"):
        join_out(name, shape, layout, dim, dtype=dtype, plant=untouched)


def test_a_torch_that_writes_every_element_is_reported_fixed():
    def fixed(out):
        out.fill_(1)

    with pytest.raises(DivergenceFixed, match=ENTRY):
        join_out("cat", *FIRST, 1, plant=fixed)


def test_the_entry_is_registered_for_the_cpu_only():
    entry = next(e for e in REGISTRY if e.id == ENTRY)
    assert entry.device_types == ("cpu",)
    assert set(entry.ops) >= {"torch.cat", "torch.stack"}


def test_the_reproducer_prints_what_lands_in_out_against_the_reference(monkeypatch):
    """With the registry emptied the failing example is a divergence whose reproducer runs as
    pasted: torch's out keeps its -1, NumPy's concatenation of t0 alone (out is no operand) is 1."""
    monkeypatch.setattr(oracle, "REGISTRY", Registry())
    with pytest.raises(Divergence) as caught:
        join_out("cat", *FIRST, 1)
    snippet = textwrap.dedent(str(caught.value).split("\n  reproducer:\n", 1)[1])
    ran = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, cwd="/", timeout=120)
    assert ran.returncode == 0, ran.stderr
    lines = dict(line.split(":", 1) for line in ran.stdout.splitlines() if line.startswith(("torch:", "reference:")))
    assert lines["torch"].strip() == "tensor([[[-1.]]])" and lines["reference"].strip() == "[[[1.]]]", ran.stdout
