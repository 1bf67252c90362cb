"""Registry entries and error bounds that relax a comparison, each shown both ways: torch's real
result passes the check the suite makes (the entry admits it as documented), a result planted
beyond the entry's allowance fails, and where the entry's condition does not hold its relaxation
does not apply.

Entries are looked up in the registry by id. Each check runs through the runner and the oracle
the suites use, with torch's side replaced by a planted result where a divergence is planted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from conformance import dtypes as dt
from conformance import ops, oracle, records
from conformance.check import Check
from conformance.compare import Options
from conformance.divergences import KnownDivergence, Registry
from conformance.inputs import ArrayInput
from conformance.known_divergences import REGISTRY
from conformance.layouts import CONTIGUOUS, Layout
from conformance.messages import Divergence, DivergenceFixed
from conformance.normal import as_dtype
from conformance.ops import linalg as products
from conformance.ops import reduction_bounds as bounds
from conformance.ops.reduction_types import torch_argument
from conformance.ops.reductions import REDUCTIONS
from conformance.outcomes import capture
from conformance.runner import Ran, build_both, check_call, check_op

Plant = Callable[[Callable[[], Any]], Any]  # torch's real call -> the result torch is made to give


def known(entry_id: str) -> KnownDivergence:
    return next(entry for entry in REGISTRY if entry.id == entry_id)


def confirmed(entry_id: str) -> bool:
    """Whether the checks since the last drain confirmed the entry (torch diverged as it documents)."""
    return ("known_divergence", entry_id) in records.drain()


@pytest.fixture(autouse=True)
def _fresh_records():
    records.drain()


def _planted(call: Callable[[], Any], plant: Plant | None) -> Callable[[], Any]:
    return call if plant is None else (lambda: plant(call))


def reduce(
    name: str,
    values,
    dtype: str,
    arguments: dict | None = None,
    *,
    plant: Plant | None = None,
    reference: Callable[[np.ndarray], Any] | None = None,
    layout: Layout = CONTIGUOUS,
) -> Ran:
    """The reductions suite's check of `name` on x (as suites/test_reductions.py makes it: the
    catalog's reference, tagged with the result's dtype, and its error bound); torch's result
    replaced by `plant(call)` where given, the reference by `reference(x)` where given."""
    op = next(op for op in REDUCTIONS if op.name == name)
    form, arguments = op.function_form, dict(arguments or {})
    x = ArrayInput(np.asarray(values, dtype=dt.dtype(dtype).numpy), dt.dtype(dtype), layout)
    built = build_both({"x": x}, "cpu")
    result_dtype = arguments.get("dtype") or x.dtype

    def torch_call():
        result = form.call(built.tensors[0], **{k: torch_argument(v) for k, v in arguments.items()})
        return op.canonical(result, x, arguments) if op.canonical else result

    def reference_call():
        value = np.asarray(op.reduce(np, built.arrays[0], **arguments) if reference is None else reference(x.values))
        return as_dtype(value, result_dtype) if value.dtype == result_dtype.numpy else value

    return check_call(
        Check.of(op, form, {"x": x}, device="cpu", arguments=arguments),
        _planted(torch_call, plant),
        reference_call,
        options=Options(tolerance=op.tolerance(x, arguments)),
    )


def operands(x, y, dtype: str) -> dict[str, ArrayInput]:
    """x and y (float32 values) rounded to `dtype`."""
    kind = dt.dtype(dtype)
    return {n: ArrayInput(np.asarray(kind.carry(np.asarray(v, np.float32))), kind) for n, v in (("x", x), ("y", y))}


def product(name: str, x, y, dtype: str, *, plant: Plant | None = None, device: str = "cpu") -> Ran:
    """The linear-algebra suite's check of `name`: the float64 product of the exact values rounded
    once to `dtype`, within `product_bound`; computed on the CPU, judged as a check on `device`."""
    op = next(op for op in products.OPS if op.name == name)
    kind, inputs = dt.dtype(dtype), operands(x, y, dtype)
    built = build_both(inputs, "cpu")
    magnitudes = op.reference(np, *(np.abs(a).astype(np.float64) for a in built.arrays))
    terms = op.terms([a.shape for a in built.arrays], {})
    return check_call(
        Check.of(op, op.function_form, inputs, device=device),
        _planted(lambda: op.function_form.call(*built.tensors), plant),
        lambda: as_dtype(products.wide_reference(op, np, built.arrays, {}, kind), kind),
        options=Options(tolerance=products.product_bound(magnitudes, terms, kind), check_device=device == "cpu"),
    )


def filled(value: float) -> Plant:
    """torch's result with every element `value`."""
    return lambda call: torch.full_like(call(), value)


def negative_zeros(call: Callable[[], Any]) -> Any:
    """torch's result with its zeros -0.0."""
    result = call()
    return torch.where(result == 0, -torch.zeros_like(result), result)


def only(monkeypatch, *entry_ids: str) -> None:
    """The oracle consults these entries alone (none, for no ids)."""
    monkeypatch.setattr(oracle, "REGISTRY", Registry([known(entry_id) for entry_id in entry_ids]))


# ---------------------------------------------------------------------------
# bfloat16-gemm-flushes-subnormals

GEMM = "bfloat16-gemm-flushes-subnormals"
SUBNORMAL = 9.1835e-41  # a float32 (and bfloat16) subnormal
TINY = float(np.finfo(np.float32).tiny)


def _subnormal_rows(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The entry's example: rows of subnormals times 2; exact 129 * 2 * SUBNORMAL = 2.37e-38."""
    return np.full((rows, 129), SUBNORMAL, np.float32), np.full((129, 4), 2.0, np.float32)


def _gemm_allowance(x, y, dtype: str = "bfloat16", device: str = "cpu") -> tuple[bool, float, float]:
    """Whether the entry applies to mm(x, y), the largest of its bounds, and the exact product's [0, 0]."""
    op, kind, inputs = ops.op("mm"), dt.dtype(dtype), operands(x, y, dtype)
    exact = np.asarray(products.wide_reference(op, np, [i.values for i in inputs.values()], {}, kind))
    check = Check.of(op, op.function_form, inputs, device=device, reference=capture(lambda: as_dtype(exact, kind)))
    entry = known(GEMM)
    return entry.applies(check), float(np.max(entry.tolerance(check).atol)), float(exact[0, 0])


@pytest.mark.parametrize("rows", [7, 8, 16])
def test_gemm_real_product_of_subnormals_passes(rows):
    """Whether torch flushes (8 rows or more take oneDNN's gemm on this CPU: 0.0) or not (2.37e-38)."""
    product("mm", *_subnormal_rows(rows), "bfloat16")


def test_gemm_flushed_product_passes_and_is_the_entry():
    """A result with the subnormal terms flushed (0.0 for exact 2.37e-38) is what the entry admits:
    the oracle records it as this entry."""
    product("mm", *_subnormal_rows(8), "bfloat16", plant=filled(0.0))
    assert confirmed(GEMM)


def test_gemm_flushed_float32_products_pass():
    """Products of normal elements that are subnormal in float32 (1e-19 * 1e-19) are flushed too."""
    x, y = np.full((8, 129), 1e-19, np.float32), np.full((129, 4), 1e-19, np.float32)
    product("mm", x, y, "bfloat16")
    product("mm", x, y, "bfloat16", plant=filled(0.0))


def test_gemm_result_beyond_the_subnormal_terms_fails():
    applies, allowance, exact = _gemm_allowance(*_subnormal_rows(8))
    assert applies
    product("mm", *_subnormal_rows(8), "bfloat16", plant=filled(exact + 0.9 * allowance))
    for wrong in (exact + 2 * allowance, exact - 2 * allowance):
        with pytest.raises(Divergence, match="values"):
            product("mm", *_subnormal_rows(8), "bfloat16", plant=filled(wrong))


def test_gemm_normal_terms_keep_their_bound():
    """Beside subnormal elements, a normal term's error is held to the product bound: 2 ulps off 2.0 fails."""
    x, y = _subnormal_rows(8)
    x[:, 0] = 1.0
    product("mm", x, y, "bfloat16")
    with pytest.raises(Divergence, match="values"):
        product("mm", x, y, "bfloat16", plant=lambda call: call() + 2**-5)


def test_gemm_float32_flush_fails():
    """float32 products keep subnormals: a flushed float32 result is not the entry's."""
    x, y = _subnormal_rows(8)
    assert not _gemm_allowance(x, y, "float32")[0]
    product("mm", x, y, "float32")
    with pytest.raises(Divergence, match="values"):
        product("mm", x, y, "float32", plant=filled(0.0))


def test_gemm_without_subnormals_keeps_the_product_bound():
    """bfloat16 operands whose elements and float32 products are all normal: an error the entry's
    bound would admit (its terms * tiny) but the product bound does not fails."""
    x, y = np.full((8, 129), 1e-18, np.float32), np.full((129, 4), 1e-18, np.float32)
    applies, allowance, exact = _gemm_allowance(x, y)
    assert not applies
    wrong = exact + 129 * TINY  # 2 bfloat16 ulps of 1.29e-34; the product bound is 1.03e-36
    assert abs(float(torch.tensor(wrong, dtype=torch.bfloat16)) - exact) < allowance
    product("mm", x, y, "bfloat16")
    with pytest.raises(Divergence, match="values"):
        product("mm", x, y, "bfloat16", plant=filled(wrong))


def test_gemm_flush_on_cuda_fails():
    """The entry is the CPU's: a flushed product on a CUDA check is a divergence."""
    assert not _gemm_allowance(*_subnormal_rows(8), device="cuda:0")[0]
    with pytest.raises(Divergence, match="values"):
        product("mm", *_subnormal_rows(8), "bfloat16", device="cuda:0", plant=filled(0.0))


# ---------------------------------------------------------------------------
# Signs of zero sums: compared (torch 2.13/2.14 and NumPy 2.4 both give +0.0 for -0.0 terms)

SMALLEST = float(np.finfo(np.float32).smallest_subnormal)

ONLY_NEGATIVE_ZEROS = [
    ([-0.0, -0.0, -0.0], "float32", {}),
    (-0.0, "float32", {}),  # 0-d
    ([[-0.0, -0.0], [1.0, 2.0]], "float32", {"dim": 1}),  # one row of -0.0 terms
    ([-1e-300, -1e-300], "float64", {"dtype": dt.dtype("float32")}),  # -0.0 once cast by dtype=
]
BESIDE_OTHER_TERMS = [
    ([-0.0, 0.0], "float32", {}),  # a +0.0 term: +0.0 in every order
    ([-0.0, 1.0, -1.0], "float32", {}),  # terms that cancel: +0.0
    ([[-0.0, 0.0], [0.0, -0.0]], "float32", {"dim": 1}),  # every row holds a +0.0
    ([-1e-300, 1e-300], "float64", {"dtype": dt.dtype("float32")}),  # -0.0 and +0.0 once cast by dtype=
]
NAN_AS_ZERO = [([-0.0, float("nan")], "float32", {})]  # nansum reads NaN as a +0.0 term


@pytest.mark.parametrize(
    "name, values, dtype, arguments",
    [
        (name, *case)
        for name in ("sum", "nansum", "mean", "nanmean")
        for case in ONLY_NEGATIVE_ZEROS + BESIDE_OTHER_TERMS
    ]
    + [(name, *case) for name in ("nansum", "nanmean") for case in NAN_AS_ZERO],
)
def test_sign_of_a_zero_sum_is_compared(name, values, dtype, arguments):
    """torch's sums start at +0.0 and so does NumPy's add.reduce: a -0.0 result is a divergence of
    signed zeros, whatever the terms (no entry relaxes the sign of a sum)."""
    reduce(name, values, dtype, arguments)
    with pytest.raises(Divergence, match="signed zeros"):
        reduce(name, values, dtype, arguments, plant=negative_zeros)


@pytest.mark.parametrize(
    "name, arguments", [("sum", {}), ("nansum", {}), ("mean", {}), ("nanmean", {}), ("quantile", {"q": 0.5})]
)
@pytest.mark.parametrize("wrong", [SMALLEST, -SMALLEST])
def test_nonzero_result_of_negative_zeros_fails(name, arguments, wrong):
    with pytest.raises(Divergence, match="values"):
        reduce(name, [-0.0, -0.0], "float32", arguments, plant=filled(wrong))


def test_quantile_of_a_negative_zero_is_documented():
    """torch.quantile(tensor([-0.]), 0.) is +0.0 (lerp), NumPy's -0.0: quantile-computes-in-input-dtype
    documents it; a NaN there is still a divergence."""
    reduce("quantile", [-0.0], "float32", {"q": 0.0})
    assert confirmed("quantile-computes-in-input-dtype")
    with pytest.raises(Divergence):
        reduce("quantile", [-0.0], "float32", {"q": 0.0}, plant=filled(float("nan")))


# ---------------------------------------------------------------------------
# mean-dtype-reads-in-float32

MEAN_IN_FLOAT32 = "mean-dtype-reads-in-float32"


@pytest.mark.parametrize("dtype, values", [("float16", [2049, -2047]), ("bfloat16", [257, -255])])
def test_half_mean_of_integers_from_float32_passes(dtype, values):
    """2049 is 2048 in float16 (257 is 256 in bfloat16): NumPy's mean of the cast values is 0.5,
    torch's of the float32 values 1.0."""
    ran = reduce("mean", values, "int64", {"dtype": dt.dtype(dtype)})
    assert float(ran.actual.value) == 1.0
    assert confirmed(MEAN_IN_FLOAT32)


@pytest.mark.parametrize("dtype, values", [("float16", [2049, -2047]), ("bfloat16", [257, -255])])
def test_half_mean_of_integers_beyond_the_model_fails(dtype, values):
    arguments = {"dtype": dt.dtype(dtype)}
    with pytest.raises(Divergence, match=f"documented as '{MEAN_IN_FLOAT32}'"):
        reduce("mean", values, "int64", arguments, plant=lambda call: call() + 0.5)  # 1.5
    with pytest.raises(DivergenceFixed):  # the mean of the cast values, as NumPy's and the docs'
        reduce("mean", values, "int64", arguments, plant=lambda call: call() - 0.5)


def test_half_mean_of_cancelling_floats_reads_them_in_float32():
    """One 1.8140844e16 and 29 times -3.4410922e14 (float32), dtype=bfloat16: rounded to bfloat16
    first (NumPy), each term moves by up to 2**-9 of itself and the mean, 2.72e14, by 0.7% (2.74e14);
    torch's mean of the float32 values rounds to 2.7158e14. The entry's model is that mean; a torch
    that rounded first is reported as the entry fixed, one off by a bfloat16 ulp beyond the model
    as a divergence."""
    values = np.full(30, -3.4410922e14, dtype=np.float32)
    values[0] = 1.8140844e16
    arguments = {"dtype": dt.dtype("bfloat16")}
    ran = reduce("mean", values, "float32", arguments)
    assert float(ran.actual.value) == 271579372060672.0
    assert confirmed(MEAN_IN_FLOAT32)
    with pytest.raises(DivergenceFixed, match=MEAN_IN_FLOAT32):
        rounded_first = torch.from_numpy(values).bfloat16().float()
        reduce("mean", values, "float32", arguments, plant=lambda call: rounded_first.mean().bfloat16())
    with pytest.raises(Divergence, match=f"documented as '{MEAN_IN_FLOAT32}'"):
        reduce("mean", values, "float32", arguments, plant=lambda call: call() * (1 + 2**-6))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_mean_of_a_value_that_underflows_keeps_its_sign(dtype):
    """-1e-38 (0-d float32) is -0.0 in float16 and -1e-38 in bfloat16: NumPy's mean of the cast
    value starts from +0.0 and gives +0.0 in float16; torch's mean reads it in float32 and rounds
    -1e-38 to dtype=, keeping the sign (float16) or the value (bfloat16)."""
    arguments = {"dtype": dt.dtype(dtype)}
    ran = reduce("mean", np.float32(-1.1754944e-38), "float32", arguments)
    assert np.signbit(float(ran.actual.value))
    if dtype == "float16":
        assert confirmed(MEAN_IN_FLOAT32)
        with pytest.raises(DivergenceFixed, match=MEAN_IN_FLOAT32):  # NumPy's +0.0
            reduce("mean", np.float32(-1.1754944e-38), "float32", arguments, plant=lambda call: call().abs())


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("arguments", [{}, {"dim": 0}, {"dim": -1, "keepdim": True}])
def test_half_mean_of_a_negative_zero_is_positive_zero(dtype, arguments):
    """A 0-d -0.0 (float32), with or without dim 0: torch's float32 sum starts from +0.0 and the
    mean is +0.0, as NumPy's mean of one element; a torch that kept -0.0 is a divergence."""
    arguments = {**arguments, "dtype": dt.dtype(dtype)}
    ran = reduce("mean", np.float32(-0.0), "float32", arguments)
    assert not np.signbit(float(ran.actual.value))
    with pytest.raises(Divergence, match="signed zeros"):
        reduce("mean", np.float32(-0.0), "float32", arguments, plant=lambda call: -call())


def test_half_mean_near_overflow_is_not_compared_but_far_from_it_is():
    """The float32 mean of [-2**63, -195584, 2**63 - 2] is -65536 exactly, -inf in float16, but
    torch's float32 sum absorbs -195584 (0.): within the sum's bound of the overflow threshold
    the result is not compared. Far from it (the overflowing [7e4, 7e4]) a wrong value fails."""
    arguments = {"dtype": dt.dtype("float16")}
    reduce("mean", [-(2**63), -195584, 2**63 - 2], "int64", arguments)
    reduce("mean", [70000.0, 70000.0], "float32", arguments)
    with pytest.raises(Divergence, match="infinities"):
        reduce("mean", [70000.0, 70000.0], "float32", arguments, plant=lambda call: call().clamp(max=1.0))


def test_half_mean_refused_for_repeated_dims_conforms():
    """torch.mean(uint16 [65535], dim=(0, 0), dtype=float16): both sides refuse the repeated dim;
    the entry's positions near overflow are none where the mean is refused (they raised). A torch
    that averaged instead is caught."""
    arguments = {"dim": (0, 0), "dtype": dt.dtype("float16")}
    reduce("mean", [65535], "uint16", arguments)
    with pytest.raises(Divergence, match="error parity"):
        reduce("mean", [65535], "uint16", arguments, plant=lambda call: torch.tensor(65535.0).half())


def test_sum_with_half_dtype_converts_first():
    """sum's dtype= converts the integers to float16 first (2048 - 2047 = 1): the float32 sum
    (2049 - 2047 = 2) is a divergence there."""
    arguments = {"dtype": dt.dtype("float16")}
    reduce("sum", [2049, -2047], "int64", arguments)
    with pytest.raises(Divergence, match="values"):
        reduce("sum", [2049, -2047], "int64", arguments, plant=lambda call: call() + 1)


def test_half_mean_of_half_values_is_not_relaxed():
    """mean of float16 values (no dtype=, no integers): the mean from float32 integers is wrong."""
    reduce("mean", [2048, -2047], "float16")
    with pytest.raises(Divergence, match="values"):
        reduce("mean", [2048, -2047], "float16", plant=lambda call: call() + 0.5)


def test_mean_of_integers_without_dtype_is_refused():
    """Without dtype=, torch refuses the mean of integers: a mean computed from float32 is a divergence."""
    reduce("mean", [2049, -2047], "int64")
    with pytest.raises(Divergence, match="documented as 'reduction-dtype-refused'"):
        reduce("mean", [2049, -2047], "int64", plant=lambda call: torch.tensor(1.0))


# ---------------------------------------------------------------------------
# clamp-uint64-number-bound

CLAMP = "clamp-uint64-number-bound"
UINT64_NUMBER = 2**63


def clamp(values, dtype: str, low, high, *, result: str | None = None, torch_gives=None) -> Ran:
    """The mixed-operands suite's check of torch.clamp(x, low, high), with Python number bounds;
    torch's call replaced by `torch_gives(x, low, high)` where given."""
    op = ops.op("clamp")
    form = op.function_form if torch_gives is None else ops.Form(op.function_form.label, torch_gives, "function")
    x = ArrayInput(np.array(values, dtype=dt.dtype(dtype).numpy), dt.dtype(dtype))
    return check_op(op, form, {"x": x, "min": low, "max": high}, "cpu", dtype=dt.dtype(result or dtype))


def _ignores_the_uint64_bound(x, low, high):
    """clamp without the refusal, and without the bound in [2**63, 2**64)."""
    kept = [b if not (isinstance(b, int) and b >= UINT64_NUMBER) else None for b in (low, high)]
    return _clips_as_numpy(x, *kept)


def _clips_as_numpy(x, low, high):
    return torch.from_numpy(np.clip(x.numpy(), low, high))


def _refuses(x, low, high):
    raise RuntimeError(
        "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote Long and UInt64"
    )


@pytest.mark.parametrize("dtype, low", [("uint64", 3), ("int64", -1), ("uint8", True)])
def test_clamp_uint64_number_bound_refusal_passes(dtype, low):
    clamp([5, 0], dtype, low, UINT64_NUMBER)
    assert confirmed(CLAMP)


def test_clamp_ignoring_the_uint64_bound_fails():
    """uint64 values past 2**63 that the bound must clamp: a torch that computes without the bound
    gives 2**64 - 1 where NumPy gives 2**63."""
    values = [2**64 - 1, 0, 5]
    clamp(values, "uint64", 3, UINT64_NUMBER)
    with pytest.raises(Divergence, match="values"):
        clamp(values, "uint64", 3, UINT64_NUMBER, torch_gives=_ignores_the_uint64_bound)
    with pytest.raises(DivergenceFixed):  # computed with both bounds, as NumPy: no longer refused
        clamp(values, "uint64", 3, UINT64_NUMBER, torch_gives=_clips_as_numpy)


@pytest.mark.parametrize(
    "dtype, low, high, result",
    [
        ("int64", 3.0, UINT64_NUMBER, "float32"),  # a float bound: the bounds promote to float
        ("int64", 3, 2**62, "int64"),  # no uint64 number
    ],
)
def test_clamp_refusal_outside_the_entry_fails(dtype, low, high, result):
    clamp([5, 0], dtype, low, high, result=result)
    with pytest.raises(Divergence, match="error parity"):
        clamp([5, 0], dtype, low, high, result=result, torch_gives=_refuses)


# ---------------------------------------------------------------------------
# sum_bound leaves NaNs out (nanmean)


def _with_nans() -> np.ndarray:
    """float32[1, 391] of standard normal values, 5 of them NaN: a mean near 0.01 (cancellation)."""
    rng = np.random.default_rng(13)
    values = rng.standard_normal((1, 391)).astype(np.float32)
    values[0, rng.choice(391, 5, replace=False)] = np.nan
    return values


@pytest.mark.parametrize("arguments", [{"dim": 1}, {}])
def test_nanmean_bound_with_nans(arguments):
    """The bound reads the other terms (a NaN had collapsed it to rtol alone): torch's result and
    one off by half the bound pass, one off by 100 times the bound fails."""
    values = _with_nans()
    bound = bounds.sum_bound(values, "float32", arguments, divide=True)
    assert np.isfinite(bound.atol) and bound.atol > 0
    reduce("nanmean", values, "float32", arguments)
    reduce("nanmean", values, "float32", arguments, plant=lambda call: call() + 0.5 * bound.atol)
    with pytest.raises(Divergence, match="values"):
        reduce("nanmean", values, "float32", arguments, plant=lambda call: call() + 100 * bound.atol)
    with pytest.raises(Divergence, match="NaN positions"):
        reduce("nanmean", values, "float32", arguments, plant=lambda call: call() * np.nan)


def test_mean_with_nans_compares_the_other_rows():
    """mean (not nanmean) of a row with a NaN is NaN; the row beside it keeps its bound."""
    values = np.concatenate([_with_nans(), np.nan_to_num(_with_nans(), nan=0.5)])
    reduce("mean", values, "float32", {"dim": 1})
    with pytest.raises(Divergence, match="values"):
        reduce("mean", values, "float32", {"dim": 1}, plant=lambda call: call() + torch.tensor([0.0, 1e-3]))


# ---------------------------------------------------------------------------
# half-nansum-accumulates-in-half

HALF_NANSUM = "half-nansum-accumulates-in-half"
NOT_COALESCING = Layout(steps=(1, 2), perm=(1, 0))  # torch holds x[2, 150] with strides (2, 3)
TENTHS = np.full((2, 150), 0.1, dtype=np.float16)


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_half_nansum_in_a_layout_that_does_not_coalesce_passes(name):
    """torch's float16 nansum of 300 tenths held with strides (2, 3) is 30.3125 (exact: 29.99):
    added in float16, within gamma_299 in float16's precision."""
    reduce(name, TENTHS, "float16", layout=NOT_COALESCING)
    assert confirmed(HALF_NANSUM)


def test_half_nansum_beyond_its_bound_fails():
    with pytest.raises(Divergence, match=f"documented as '{HALF_NANSUM}'"):
        reduce("nansum", TENTHS, "float16", layout=NOT_COALESCING, plant=lambda call: call() * 1.5)


INFINITIES_AND_TWO_LOWEST = np.full((2, 5, 2), np.inf, dtype=np.float16)
INFINITIES_AND_TWO_LOWEST[1, 3] = -65504.0


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_half_nansum_in_half_may_overflow_to_nan(name):
    """18 infinities and -65504 twice, held with strides (15, 3, 2): torch adds in float16 there,
    where -65504 + -65504 is -inf and the sum nan (the reference's is inf): its partial sums
    overflow in the half type, not in float32 (`partial-sums-overflow` skips the position). Held
    contiguously torch adds in float32, so a nan there is a divergence."""
    reduce(name, INFINITIES_AND_TWO_LOWEST, "float16", layout=Layout(steps=(1, 1, 2)))
    assert confirmed("partial-sums-overflow")
    reduce(name, INFINITIES_AND_TWO_LOWEST, "float16")
    with pytest.raises(Divergence, match="NaN"):
        reduce(name, INFINITIES_AND_TWO_LOWEST, "float16", plant=filled(float("nan")))


@pytest.mark.parametrize("layout", [CONTIGUOUS, Layout(perm=(1, 0))], ids=["contiguous", "transposed"])
def test_half_nansum_in_a_coalescing_layout_is_not_relaxed(layout):
    """Held contiguously (or transposed: one dim once coalesced), torch adds in float32: its strided result is
    a divergence there."""
    reduce("nansum", TENTHS, "float16", layout=layout)
    with pytest.raises(Divergence, match="values"):
        reduce("nansum", TENTHS, "float16", layout=layout, plant=filled(30.3125))


def test_gemm_flush_meeting_an_infinity_skips_only_that_position():
    """A flushed subnormal times an infinity is NaN (0 * inf) where the exact term is infinite:
    that position is not compared, the others are."""
    x = np.full((8, 3), 1.0, dtype=np.float32)
    x[0, :] = SUBNORMAL  # row 0 subnormal: flushed from 8 rows on
    y = np.full((3, 2), 2.0, dtype=np.float32)
    y[1, 0] = np.inf  # column 0 meets it
    product("mm", x, y, "bfloat16")
    product(
        "mm",
        x,
        y,
        "bfloat16",
        plant=lambda call: call().index_put_(
            (torch.tensor(0), torch.tensor(0)), torch.tensor(float("nan"), dtype=torch.bfloat16)
        ),
    )
    with pytest.raises(Divergence):
        product("mm", x, y, "bfloat16", plant=lambda call: call() * 2)


@pytest.mark.parametrize("name", ["var", "std"])
def test_complex_variance_without_freedom(name):
    """var/std of [0j, 1j] with correction=2: torch's NaN (the real part's 0 / 0) is the entry's;
    NumPy's inf from torch would be the divergence fixed; with a degree of freedom nothing is relaxed."""
    values = np.array([0j, 1j], np.complex64)
    reduce(name, values, "complex64", {"correction": 2})
    assert confirmed("complex-variance-without-freedom-is-nan")
    with pytest.raises(DivergenceFixed):
        reduce(name, values, "complex64", {"correction": 2}, plant=filled(float("inf")))
    with pytest.raises(Divergence):
        reduce(name, values, "complex64", {"correction": 1}, plant=filled(float("nan")))


def test_quantile_of_a_zero_dim_negative_zero_over_dim_0_is_positive():
    """torch.quantile(tensor(-0.), q=0., dim=0) is +0.0 (lerp), documented by zero-dim-tensor-takes-dim-0
    (NumPy refuses the axis); a -0.0 there is a divergence."""
    reduce("quantile", np.array(-0.0, np.float32), "float32", {"dim": 0, "q": 0.0})
    with pytest.raises(Divergence, match="signed zeros"):
        reduce("quantile", np.array(-0.0, np.float32), "float32", {"dim": 0, "q": 0.0}, plant=negative_zeros)
