"""The registry's models of which torch kernel a call reaches (flip of uint16/32/64, products of
bool and uint16/32/64, cat's serial kernel with out=) agree with torch over drawn shapes and
layouts, both ways: where the model says the kernel runs torch raises (or leaves part of out
unwritten), and nowhere else."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import event, given, settings
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import ops
from conformance.backends import NUMPY, tensor_to_numpy, torch_backend
from conformance.check import Check
from conformance.inputs import ArrayInput
from conformance.known_divergences import linalg as linalg_entries
from conformance.known_divergences import shape_flip, shape_join_out
from conformance.layouts import Layout, strides_in_elements
from conformance.outcomes import capture

LACKING = [dt.dtype(name) for name in ("bool", *dt.LIMITED_UNSIGNED_INTS)]


def _raises(call) -> bool:
    return capture(call).raised


@st.composite
def _input(draw, dtype: dt.DType, shape) -> ArrayInput:
    values = np.ones(shape, dtype=dtype.numpy)
    layout = draw(cs.layouts(shape, max_step=2, max_offset=2))
    return ArrayInput(layout.logical_values(values), dtype, layout)


@pytest.mark.parametrize("dtype", [d for d in LACKING if d.name != "bool"], ids=str)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_flip_model(dtype, data):
    shape = data.draw(cs.shapes(min_dims=1, max_dims=4, max_side=4, max_elements=64), label="shape")
    inp = data.draw(_input(dtype, shape), label="x")
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True), label="dims")
    op = ops.op("flip")
    check = Check.of(op, op.function_form, {"x": inp}, arguments={"dims": tuple(dims)})
    tensor = torch_backend("cpu").build(inp)
    assert shape_flip._flip_reaches_dtype_kernel(check) == _raises(lambda: torch.flip(tensor, dims))


@pytest.mark.parametrize(
    "shape, layout",
    [
        ((2, 2, 2, 1), Layout(perm=(2, 1, 3, 0), expanded=(2,))),
        ((1, 2, 2, 2), Layout(perm=(2, 0, 3, 1), expanded=(2,))),
    ],
    ids=str,
)
def test_flip_model_reads_the_strides_torch_was_built_with(shape, layout):
    """An expanded layout with a size-1 dim: NumPy's broadcast view gives that dim stride 0, the
    suite's tensor keeps its memory stride, and TensorIterator orders dims by the tensor's strides.
    Over every set of dims, the model says torch raises exactly where it does."""
    dtype = dt.dtype("uint64")
    inp = ArrayInput(layout.logical_values(np.ones(shape, dtype=dtype.numpy)), dtype, layout)
    tensor = torch_backend("cpu").build(inp)
    assert tensor.stride() != strides_in_elements(NUMPY.build(inp))  # the case this test is about
    op = ops.op("flip")
    for dims in itertools.chain.from_iterable(itertools.combinations(range(len(shape)), k) for k in range(5)):
        check = Check.of(op, op.function_form, {"x": inp}, arguments={"dims": dims})
        assert shape_flip._flip_reaches_dtype_kernel(check) == _raises(lambda dims=dims: torch.flip(tensor, dims)), dims


@st.composite
def _unit_dims_restrided(draw, shape: tuple[int, ...]) -> Layout:
    """A layout c10 reads as contiguous whose size-1 dims have strides of their own: the wide dims
    in row-major order, the size-1 dims anywhere among them in memory, and stepped."""
    wide = iter(d for d in range(len(shape)) if shape[d] > 1)
    units = [d for d in range(len(shape)) if shape[d] <= 1]
    slots = draw(st.permutations([True] * (len(shape) - len(units)) + [False] * len(units)), label="slots")
    ordered_units = iter(draw(st.permutations(units), label="size-1 dims"))
    order = [next(wide) if is_wide else next(ordered_units) for is_wide in slots]  # memory dim j holds order[j]
    steps = tuple(1 if shape[d] > 1 else draw(st.integers(1, 5), label="step") for d in order)
    return Layout(offset=draw(st.integers(0, 1)), steps=steps, perm=tuple(int(i) for i in np.argsort(order)))


@st.composite
def _join_out_call(draw, name: str):
    """cat or stack of 1-3 small tensors (many size-1 dims, in any layout) into an out of the
    result's shape in any writable layout, out holding values the inputs do not. Half the draws
    give the result one slice along dim, and half the outs are contiguous with free strides on
    their size-1 dims: where the serial kernel misreads the slice length."""
    dtype = draw(st.sampled_from([dt.dtype(n) for n in ("float32", "bfloat16", "float64", "int32")]), label="dtype")
    stack = name == "stack"
    base = draw(cs.shapes(min_dims=0 if stack else 1, max_dims=3, min_side=1, max_side=3), label="shape")
    ndim, count = len(base), draw(st.integers(1, 3), label="tensors")
    dim = draw(st.integers(-ndim - stack, ndim + stack - 1), label="dim")
    one_slice = draw(st.booleans(), label="one slice along dim")
    count = 1 if one_slice and stack else count
    shapes = [list(base) for _ in range(count)]
    if not stack:
        lengths = [draw(st.integers(0, 2), label="length along dim") for _ in shapes]
        if one_slice:
            chosen = draw(st.integers(0, count - 1), label="the slice")
            lengths = [int(k == chosen) for k in range(count)]
        for shape, length in zip(shapes, lengths, strict=True):
            shape[dim] = length
    inputs = {}
    for k, shape in enumerate(map(tuple, shapes)):
        values = dtype.carry(np.arange(1, math.prod(shape) + 1).reshape(shape) + 10 * k)
        layout = draw(st.just(Layout()) | cs.layouts(shape, max_step=2, max_offset=1), label=f"t{k}")
        inputs[f"t{k}"] = ArrayInput(layout.logical_values(values), dtype, layout)
    result = np.shape(ops.op(name).reference(np, *(inp.values for inp in inputs.values()), dim=dim))
    layouts = cs.writable_layouts(result, max_step=3, max_offset=1) | _unit_dims_restrided(result)
    out = ArrayInput(
        dtype.carry(-np.arange(1, math.prod(result) + 1).reshape(result)), dtype, draw(layouts, label="out")
    )
    return inputs, out, dim


@pytest.mark.parametrize("name", ["cat", "stack"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_join_out_model(name, data):
    """cat-out-size-one-dim-stride: torch.cat/torch.stack(out=) leave out's elements as they were
    exactly where the registry's model of cat_out_cpu's serial kernel says so, and write the
    concatenation everywhere else."""
    inputs, out, dim = data.draw(_join_out_call(name))
    build = torch_backend("cpu").build
    out_tensor = build(out)
    getattr(torch, name)([build(inp) for inp in inputs.values()], dim=dim, out=out_tensor)
    op = ops.op(name)
    expected = np.array(op.reference(np, *(inp.values for inp in inputs.values()), dim=dim))
    mask = shape_join_out.unwritten(Check.of(op, op.function_form, {**inputs, "out": out}, arguments={"dim": dim}))
    event("out partly written" if mask is not None else "out written")
    if mask is not None:
        expected[mask] = out.values[mask]
    assert np.array_equal(tensor_to_numpy(out_tensor), expected), (out.layout, tuple(out_tensor.stride()))


@st.composite
def _contraction(draw, name: str):
    contracted = draw(st.lists(st.integers(0, 3), min_size=1 if name == "inner" else 0, max_size=2), label="k")
    free = [draw(st.lists(st.integers(0, 2), max_size=2), label="free") for _ in "xy"]
    if name == "inner":
        shapes = [(*free[0], *contracted[:1]), (*free[1], *contracted[:1])]
        return shapes, {}
    return [(*free[0], *contracted), (*contracted, *free[1])], {"dims": len(contracted)}


@pytest.mark.parametrize("name", ["inner", "tensordot"])
@pytest.mark.parametrize("dtype", LACKING, ids=str)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_product_kernel_model(name, dtype, data):
    shapes, arguments = data.draw(_contraction(name), label="shapes")
    inputs = {n: data.draw(_input(dtype, shape), label=n) for n, shape in zip("xy", shapes, strict=True)}
    op = ops.op(name)
    tensors = [torch_backend("cpu").build(inp) for inp in inputs.values()]
    reference = capture(lambda: op.reference(np, *(inp.values for inp in inputs.values()), **arguments))
    check = Check.of(op, op.function_form, inputs, arguments=arguments, reference=reference)
    expected = linalg_entries._reaches_product_kernel(check)
    assert expected == _raises(lambda: op.function_form.call(*tensors, **arguments)), (shapes, arguments)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_channels_last_heuristic_model(data):
    """to-channels-last-by-stride-heuristic: Tensor.to(channels_last) returns self exactly where
    the registry's model of torch's stride heuristic says so (a channels-last contiguous tensor
    of size-1 dims only is copied)."""
    from conformance.known_divergences import copies

    shape = data.draw(cs.shapes(min_dims=4, max_dims=4, min_side=1, max_side=3, max_elements=36), label="shape")
    inp = data.draw(_input(dt.dtype("float32"), shape), label="input")
    tensor = torch_backend("cpu").build(inp)
    strides = tuple(tensor.stride())
    kept = tensor.to(memory_format=torch.channels_last).data_ptr() == tensor.data_ptr()
    assert kept == copies._strides_like_channels_last(shape, strides), (shape, strides)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_matmul_folded_out_model(data):
    """matmul-folded-out-not-viewable: matmul with out= raises exactly where the registry's model
    of ATen's should_fold and of out's fold says so, over drawn ranks, shapes and layouts."""
    x_dims, y_dims = data.draw(st.integers(1, 4), label="x dims"), data.draw(st.integers(1, 4), label="y dims")
    batch = data.draw(st.lists(st.integers(1, 3), max_size=2), label="batch")
    m, k, n = (data.draw(st.integers(lo, 3), label=name) for lo, name in ((1, "m"), (0, "k"), (1, "n")))
    x_shape = (*batch, m, k)[-x_dims:] if x_dims >= 2 else (k,)
    y_shape = (*batch, k, n)[-y_dims:] if y_dims >= 2 else (k,)
    result = np.matmul(np.zeros(x_shape), np.zeros(y_shape)).shape
    x, y = (data.draw(_input(dt.dtype("float32"), s), label=name) for s, name in ((x_shape, "x"), (y_shape, "y")))
    out = data.draw(cs.array_inputs(dt.dtype("float32"), result, layouts=cs.writable_layouts(result)), label="out")
    build = torch_backend("cpu").build
    op = ops.op("matmul")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resizing an out of another shape is deprecated
        raised = _raises(lambda: torch.matmul(build(x), build(y), out=build(out)))
    check = Check.of(op, op.function_form, {"x": x, "y": y, "out": out}, device="cpu")
    assert raised == linalg_entries._folded_out_not_viewable(check), (x_shape, y_shape, out.layout)
