"""Reductions and scans: every reduction of the catalog (`conformance/ops/reductions.py`) against
NumPy (CuPy on CUDA).

Each entry runs in each of its forms over Hypothesis-drawn dtypes, shapes in three size tiers
(small, SIMD tails, past torch's parallel grain), every memory layout, values with NaN, signed
zeros, infinities, integer extremes and ties, and every spelling of its arguments (no dim, None,
an int of either sign, a tuple, keepdim, dtype=, correction, q, k, ...). The oracle compares
shapes, dtypes, values (floating results within the entry's error bound, the rest exactly) and
errors; where torch leaves a tie or an order open, both sides are put in a comparable form first
(`Reduction.canonical`). `out=` is checked in every writable layout, and gradients against finite
differences of the reference.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import gradients
from conformance.backends import tensor_to_numpy, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.inputs import ArrayInput
from conformance.layouts import Layout
from conformance.normal import as_dtype, is_cupy_array
from conformance.ops.reduction_types import Reduction, split_arguments, torch_argument
from conformance.ops.reductions import REDUCTIONS
from conformance.oracle import assert_conforms
from conformance.outcomes import capture
from conformance.runner import Ran, build_both, check_call
from conformance.tolerances import Tolerance, tolerance_for
from strategies import reductions as rs

CASES = [pytest.param(op, id=op.name) for op in REDUCTIONS]
OUT_CASES = [pytest.param(op, id=op.name) for op in REDUCTIONS if op.out]
GRADIENT_CASES = [pytest.param(op, id=op.name) for op in REDUCTIONS if op.differentiable]


def _tagged(value: Any, dtype: dt.DType) -> Any:
    """The reference's result stated in the dtype it stands for: float32 carriers of a bfloat16
    result rounded and tagged (item by item for a tuple)."""
    if isinstance(value, tuple):
        return tuple(_tagged(item, dtype) for item in value)
    if dtype.native_numpy:
        return value
    host = value.get() if is_cupy_array(value) else value
    array = np.asarray(host)
    return as_dtype(array, dtype) if array.dtype == dtype.numpy else value


def record(op: Reduction, form, x: ArrayInput, arguments: dict, device: str) -> Check:
    """The check of a reduction: x and its tensor arguments as inputs, the other arguments (dim,
    keepdim, dtype=, correction, k, q, ...) as the check's keyword arguments."""
    tensors, plain = split_arguments(arguments)
    return Check.of(op, form, {"x": x, **tensors}, device=device, arguments=plain)


def run_reduction(op: Reduction, form, x: ArrayInput, arguments: dict, device: str, *, out=None) -> Ran:
    """`form` on x with `arguments` against the op's reference, both sides built from the same
    inputs (tensor arguments too); `out`, where given, is torch's out= (its value is checked by
    the caller: the reference has none)."""
    tensors_in = {"x": x, **split_arguments(arguments)[0]}
    built = build_both(tensors_in, device)
    tensors = dict(zip(tensors_in, built.tensors, strict=True))
    arrays = dict(zip(tensors_in, built.arrays, strict=True))
    torch_arguments = {k: tensors[k] if k in tensors else torch_argument(v) for k, v in arguments.items()}
    reference_arguments = {k: arrays.get(k, v) for k, v in arguments.items()}
    result_dtype = arguments.get("dtype") or x.dtype

    def torch_call():
        if out is None:
            result = form.call(tensors["x"], **torch_arguments)
        else:
            returned = form.call(tensors["x"], **torch_arguments, out=out)
            _assert_returns_out(returned, out)
            result = out
        return op.canonical(result, x, arguments) if op.canonical else result

    def reference_call():
        return _tagged(op.reduce(built.xp, arrays["x"], **reference_arguments), result_dtype)

    options = op.comparison(x, arguments)
    return check_call(record(op, form, x, arguments, device), torch_call, reference_call, options=options)


@pytest.mark.parametrize("op", CASES)
@given(data=st.data())
def test_against_reference(op, device, data):
    """Every form, every dtype the entry lists, shapes in three size tiers, every layout, values
    with specials and ties, and every argument spelling, against the reference."""
    form = data.draw(st.sampled_from(op.forms), label="form")
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    shape = data.draw(rs.reduction_shapes(), label="shape")
    x = data.draw(rs.reduction_inputs(op, dtype, shape), label="x")
    arguments = data.draw(rs.reduction_arguments(op, shape, dtype), label="arguments")
    run_reduction(op, form, x, arguments, device)


@pytest.mark.parametrize("op", CASES)
@given(data=st.data())
def test_empty_and_single_element(op, device, data):
    """Inputs with no elements (the identity, NaN or an error, as NumPy gives) or one element
    (0-d, or all dims of size 1), over every argument spelling."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    shape = data.draw(rs.empty_or_single_shapes(), label="shape")
    x = data.draw(rs.reduction_inputs(op, dtype, shape), label="x")
    arguments = data.draw(rs.reduction_arguments(op, shape, dtype), label="arguments")
    run_reduction(op, op.function_form, x, arguments, device)


# lengths about the vector width (`strategies.shapes.SIMD_WIDTH`): a whole vector, one short,
# one over, two and a tail of one, three and a tail of eight
VECTOR_LENGTHS = (63, 64, 65, 129, 200)
# values whose sums are exact in float32, and whose products over 200 terms stay far inside its range
_CYCLE = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 0.25, 4.0, -0.5])
_REQUIRED = {"q": 0.5, "k": 2}  # the options an op cannot go without (quantile's q, topk's and kthvalue's k)


@pytest.mark.parametrize("dtype", [dt.dtype("float32"), dt.dtype("float64")], ids=str)
@pytest.mark.parametrize("op", CASES)
def test_vector_width_lengths(op, dtype, device):
    """Every reduction over the innermost dim at lengths about the vector width, in one row and
    in three, on nonzero values: a kernel's vector loop and its scalar tail are both compared,
    whatever a short run of the drawn tests happens to draw (their SIMD-tail draws hold NaN,
    zeros or the method form in some runs). float32 and float64, the dtypes whose vector loops
    the drawn tests' tails reach most often; the drawn tests cover every dtype."""
    for length in VECTOR_LENGTHS:
        for shape in ((length,), (3, length)):
            values = np.resize(_CYCLE, math.prod(shape)).reshape(shape).astype(dtype.numpy)
            arguments = {name: _REQUIRED[name] for name in op.options if name in _REQUIRED}
            if "int" in op.dims:
                arguments["dim"] = -1
            run_reduction(op, op.function_form, ArrayInput(values, dtype), arguments, device)


def _results(value: Any) -> list[torch.Tensor]:
    return list(value) if isinstance(value, tuple) else [value]


def _assert_returns_out(returned: Any, out: Any) -> None:
    """An out= call returns out itself (each tensor of a tuple), written in place."""
    got, wanted = _results(returned), _results(out)
    if len(got) != len(wanted) or any(
        g is not w and g.data_ptr() != w.data_ptr() for g, w in zip(got, wanted, strict=False)
    ):
        raise AssertionError("out=: torch returned a tensor other than out")


@pytest.mark.parametrize("op", OUT_CASES)
@given(data=st.data())
def test_out(op, device, data):
    """out= in every writable layout (permuted, stepped, offset): torch writes the result into
    out, returns out itself, and out then holds the reference's values. out takes the shape and
    dtype of the result torch returns without it; a dim is given, since the out= overloads of
    sum and prod require one. Shapes in the small and SIMD-tail tiers: a kernel writing out=
    through its vector loop and tail is compared too."""
    dtype = data.draw(cs.dtypes(op.dtypes, device=device), label="dtype")
    shape = data.draw(rs.reduction_shapes(large=False), label="shape")
    x = data.draw(rs.reduction_inputs(op, dtype, shape), label="x")
    kinds = tuple(kind for kind in op.dims if kind != "absent") or op.dims
    arguments = data.draw(rs.reduction_arguments(op, shape, dtype, dim_kinds=kinds), label="arguments")
    tensors_in = {"x": x, **split_arguments(arguments)[0]}
    tensors = dict(zip(tensors_in, build_both(tensors_in, device).tensors, strict=True))
    plain = capture(
        lambda: op.function_form.call(
            tensors["x"], **{k: tensors[k] if k in tensors else torch_argument(v) for k, v in arguments.items()}
        )
    )
    if plain.raised:
        return  # errors are test_against_reference's
    outs = []
    for position, result in enumerate(_results(plain.value)):
        out_dtype = dt.from_torch(result.dtype)
        out_shape = tuple(result.shape)
        prefill = data.draw(
            cs.array_inputs(out_dtype, out_shape, layouts=cs.writable_layouts(out_shape)), label=f"out {position}"
        )
        outs.append(torch_backend(device).build(prefill))
    out = tuple(outs) if isinstance(plain.value, tuple) else outs[0]
    run_reduction(op, op.function_form, x, arguments, device, out=out)


def _in_reference_order(upstream: np.ndarray, torch_values: np.ndarray, reference_values: np.ndarray, dim: int):
    """The upstream gradient of results torch gives in an order of its own (topk, sorted=False),
    moved along `dim` to where the reference has the same (distinct) values."""
    if torch_values.shape != reference_values.shape:
        return upstream  # the comparison shows it
    moved = [np.moveaxis(np.asarray(a), dim, -1) for a in (upstream, torch_values, reference_values)]
    torch_order = np.argsort(moved[1], axis=-1, kind="stable")
    reference_order = np.argsort(moved[2], axis=-1, kind="stable")
    placed = np.empty_like(moved[0])
    np.put_along_axis(placed, reference_order, np.take_along_axis(moved[0], torch_order, -1), -1)
    return np.moveaxis(placed, -1, dim)


@pytest.mark.parametrize("op", GRADIENT_CASES)
@given(data=st.data())
def test_gradient(op, device, data):
    """The gradient of sum(v * op(x)) (of the values, where the op also returns indices) over
    every argument spelling, against central finite differences of the NumPy reference in float64,
    on distinct values a quarter apart at least (so that no difference crosses a tie)."""
    dtype = data.draw(cs.dtypes(("float32", "float64"), device=device), label="dtype")
    shape = data.draw(cs.shapes(max_dims=3, max_side=4, max_elements=24), label="shape")
    x = ArrayInput(data.draw(rs.distinct_values(dtype, shape)), dtype)
    kinds = tuple(kind for kind in op.dims if kind != "other")  # max(x, other) is elementwise: the autograd suite's
    arguments = data.draw(rs.reduction_arguments(op, shape, dtype, dim_kinds=kinds), label="arguments")
    arguments.pop("dtype", None)  # the gradient of a cast is the cast back: not this op's
    tensors_in = {"x": x, **split_arguments(arguments)[0]}
    built = build_both(tensors_in, device)
    tensors = dict(zip(tensors_in, built.tensors, strict=True))
    leaf = tensors["x"].detach().requires_grad_()
    torch_arguments = {k: tensors[k] if k in tensors else torch_argument(v) for k, v in arguments.items()}
    forward = capture(lambda: op.function_form.call(leaf, **torch_arguments))
    if forward.raised:
        return  # errors are test_against_reference's
    output = _results(forward.value)[0]
    if not bool(torch.isfinite(output).all()):
        return  # a variance with correction >= n, a product that overflows: no gradient to compare
    upstream = ArrayInput(
        data.draw(cs.arrays(dtype, tuple(output.shape), well_conditioned=True, min_value=-1, max_value=1)), dtype
    )
    host_arguments = {k: v.values if isinstance(v, ArrayInput) else v for k, v in arguments.items()}

    def values_of(array: np.ndarray) -> np.ndarray:
        result = op.reduce(np, array, **host_arguments)
        return np.asarray(result[0] if isinstance(result, tuple) else result, dtype=np.float64)

    reference_upstream = upstream.values
    if arguments.get("sorted") is False and output.ndim:  # topk: the order of its values is not promised
        reference_order = capture(lambda: values_of(x.values))
        if not reference_order.raised:
            reference_upstream = _in_reference_order(
                upstream.values, tensor_to_numpy(output.detach()), reference_order.value, arguments.get("dim", -1)
            )
    differences = capture(lambda: gradients.finite_difference_vjp(values_of, reference_upstream, [x.values]))
    if differences.raised:
        return  # the reference refuses the call (torch reads a 0-d input's dim 0): test_against_reference's
    (expected,) = differences.value
    n = max(math.prod(shape), 1)
    base = tolerance_for(dtype.name)
    finite = np.abs(expected[np.isfinite(expected)])  # NumPy's dim=() of a variance may be NaN: the registry's
    scale = float(np.max(finite, initial=0.0)) + float(np.max(np.abs(x.values), initial=0.0))
    # the backward sums or multiplies up to n terms of the size of the gradient and of v x
    tolerance = Tolerance(base.rtol * n, base.atol + base.rtol * n * scale)

    def backward():
        (gradient,) = torch.autograd.grad(output, leaf, torch_backend(device).build(upstream), allow_unused=True)
        return torch.zeros_like(leaf) if gradient is None else gradient

    assert_conforms(
        capture(backward),
        as_dtype(expected, dtype),
        Check(
            f"d {op.function_form.label} / d x",
            tensors_in,
            device=device,
            arguments=split_arguments(arguments)[1],
            op=op,
            form=op.function_form,
            gradient_of="x",
            upstream=upstream,
        ),
        Options(tolerance=tolerance, signed_zeros=False),
    )


# ---------------------------------------------------------------------------
# Cases spelled out: identities, NaN, ties, stability, restarts


NAN, INF = math.nan, math.inf

SPECIALS = {
    "all of an empty tensor is True": ("all", [], "float32", {}),
    "any of an empty tensor is False": ("any", [], "float32", {}),
    "sum of an empty tensor is 0": ("sum", [], "float32", {}),
    "prod of an empty tensor is 1": ("prod", [], "float32", {}),
    "amax of an empty dim raises": ("amax", [[]], "float32", {"dim": 1}),
    "logsumexp of an empty dim is -inf": ("logsumexp", [[], []], "float32", {"dim": 1}),
    "cumprod runs along the whole dim": ("cumprod", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float64", {"dim": 0}),
    "cumprod of rows": ("cumprod", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float64", {"dim": 1}),
    "cumsum of int8 gives int64": ("cumsum", [100, 100, 100], "int8", {"dim": 0}),
    "sum of bools counts": ("sum", [True, True, False], "bool", {}),
    "amin over two dims": ("amin", [[[1, 9], [5, 2]], [[7, 3], [0, 8]]], "int32", {"dim": (0, 1)}),
    "amin over two negative dims": ("amin", [[[1, 9], [5, 2]], [[7, 3], [0, 8]]], "int32", {"dim": (-1, -3)}),
    "amax propagates NaN": ("amax", [1.0, NAN, 3.0], "float32", {}),
    "max over a dim: first NaN": ("max", [[1.0, NAN, 3.0, NAN]], "float32", {"dim": 1}),
    "argmax of ties is the first": ("argmax", [1, 3, 3, 2], "int64", {}),
    "argmin of ties is the first": ("argmin", [[2, 1, 1], [0, 0, 5]], "int16", {"dim": 1}),
    "argmax of NaN is the first NaN": ("argmax", [1.0, NAN, INF, NAN], "float64", {}),
    "var with correction 0": ("var", [1.0, 2.0, 4.0], "float64", {"correction": 0}),
    "var with correction 2": ("var", [1.0, 2.0, 4.0], "float64", {"correction": 2}),
    "std with correction beyond n": ("std", [1.0, 2.0], "float64", {"correction": 3}),
    "nansum skips NaN": ("nansum", [1.0, NAN, 2.0], "float32", {}),
    "nanmean skips NaN": ("nanmean", [[1.0, NAN], [NAN, NAN]], "float32", {"dim": 1}),
    "logsumexp of infinities": ("logsumexp", [[INF, 1.0], [-INF, -INF]], "float32", {"dim": 1}),
    "stable sort keeps ties in order": ("sort", [2, 1, 2, 1, 2], "int64", {"stable": True}),
    "stable descending sort keeps ties in order": (
        "sort",
        [2, 1, 2, 1, 2],
        "int64",
        {"stable": True, "descending": True},
    ),
    "sort puts NaN last": ("sort", [NAN, 1.0, -INF, NAN, 0.0], "float32", {"stable": True}),
    "descending sort puts NaN first": ("sort", [NAN, 1.0, -INF, NAN], "float32", {"stable": True, "descending": True}),
    "stable argsort": ("argsort", [[3, 1, 3], [1, 1, 1]], "int32", {"stable": True, "dim": 1}),
    "topk takes NaN as the largest": ("topk", [1.0, NAN, 3.0], "float32", {"k": 2}),
    "topk smallest": ("topk", [5, 1, 4, 2], "int64", {"k": 2, "largest": False}),
    "unique counts and inverse": (
        "unique",
        [[3, 1], [1, 2]],
        "int64",
        {"return_inverse": True, "return_counts": True},
    ),
    "median of an odd count": ("median", [3.0, 1.0, 2.0], "float32", {}),
    "median of an even count is the lower middle": ("median", [4.0, 1.0, 3.0, 2.0], "float32", {}),
    "float16 sums accumulate in float32": ("sum", [2048.0] + [1.0] * 64, "float16", {}),
    "logsumexp of large values": ("logsumexp", [100.0, 100.0], "float32", {"dim": 0}),
    "mean over two dims": ("mean", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float64", {"dim": (0, 1)}),
    "max over a dim with keepdim": ("max", [[1.0, 5.0], [7.0, 2.0]], "float32", {"dim": 1, "keepdim": True}),
    "quantile interpolates": ("quantile", [1.0, 2.0, 4.0, 8.0], "float64", {"q": 0.4}),
    "count_nonzero over a dim": ("count_nonzero", [[0, 1, 2], [0, 0, 3]], "int64", {"dim": 0}),
    # the torch bugs of the registry (known_divergences/reduction_bugs.py), each met on every run
    "median over an expanded dim": ("median", [[3.0, 3.0, 3.0], [1.0, 1.0, 1.0]], "float32", {"dim": 1}, (1,)),
    "median of no integers": ("median", [], "int64", {}),
    "median over an empty dim": ("nanmedian", np.zeros((2, 0)), "float32", {"dim": 1}),
    "topk of a 0-d tensor with k=0": ("topk", 1.0, "float32", {"k": 0}),
    "logsumexp over dim=()": ("logsumexp", [1.0, 2.0], "float32", {"dim": ()}),
    "sort of 32768 uint16": ("sort", np.zeros(32768), "uint16", {}),
    "nanmean of float16 rounds the sum": ("nanmean", [65504.0, 65504.0], "float16", {}),
    "parallel nansum of opposite infinities": ("nansum", [INF] + [-INF] * 32768, "float32", {}),
}


@pytest.mark.parametrize("case", list(SPECIALS))
def test_special_values(case, device):
    """Identities of empty inputs, NaN propagation, ties, stability, scans across rows, and the
    registry's torch bugs: spelled out (a fifth item names the dims held with stride 0)."""
    name, values, dtype_name, arguments, *expanded = SPECIALS[case]
    op = next(op for op in REDUCTIONS if op.name == name)
    dtype = dt.dtype(dtype_name)
    x = ArrayInput(np.asarray(values, dtype=dtype.numpy), dtype, Layout(expanded=expanded[0] if expanded else ()))
    run_reduction(op, op.function_form, x, arguments, device)
