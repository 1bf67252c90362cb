"""The registry of known divergences: confirmed only when torch behaves as documented, strict otherwise."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from conformance import divergences, known_divergences, ops, oracle, records
from conformance import dtypes as dt
from conformance.check import Check
from conformance.divergences import GivesDtype, KnownDivergence, Raises, Registry, Returns
from conformance.errors import builtin_class
from conformance.inputs import ArrayInput
from conformance.messages import Divergence, DivergenceChanged, DivergenceFixed
from conformance.oracle import assert_conforms
from conformance.outcomes import Outcome, capture
from conformance.runner import build_both, check_op
from conformance.tolerances import Tolerance


@pytest.fixture
def registry(monkeypatch):
    """An empty registry in place of the real one, for planted entries."""
    planted = Registry()
    monkeypatch.setattr(oracle, "REGISTRY", planted)
    records.drain()
    return planted


def entry(**overrides) -> KnownDivergence:
    fields = dict(
        id="planted",
        ops=("torch.planted",),
        summary="planted divergence",
        example="",
        reason="a self-test",
        torch_gives=GivesDtype("float32"),
    )
    fields.update(overrides)
    return KnownDivergence(**fields)


def test_documented_dtype_divergence_is_confirmed_and_recorded(registry):
    registry.add(entry())
    assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted"))
    assert ("known_divergence", "planted") in records.drain()


def test_documented_divergence_that_no_longer_happens_fails(registry):
    registry.add(entry())
    with pytest.raises(DivergenceFixed, match="no longer happens"):
        assert_conforms(torch.tensor([1.5], dtype=torch.float64), np.array([1.5]), Check("torch.planted"))


def test_divergence_other_than_documented_still_fails(registry):
    registry.add(entry())
    with pytest.raises(Divergence, match="documented as 'planted'"):
        assert_conforms(torch.tensor([2.5]), np.array([1.5]), Check("torch.planted"))


def test_entry_matches_only_its_op_and_condition(registry):
    registry.add(entry(when=lambda check: check.inputs.get("flag") is True))
    with pytest.raises(Divergence):
        assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.other"))
    with pytest.raises(Divergence):
        assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted", {"flag": False}))
    assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted", {"flag": True}))


def test_documented_error_must_match_type_and_message(registry):
    registry.add(entry(torch_gives=Raises(RuntimeError, "Dimension size must be non-negative")))
    assert_conforms(capture(lambda: torch.zeros(-1)), capture(lambda: np.zeros(1)), Check("torch.planted"))
    registry.replace(entry(torch_gives=Raises(TypeError, "something else")))
    with pytest.raises(Divergence, match="documented"):
        assert_conforms(capture(lambda: torch.zeros(-1)), capture(lambda: np.zeros(1)), Check("torch.planted"))


def test_model_entry_is_strict_only_where_the_model_differs(registry):
    registry.add(entry(torch_gives=Returns(lambda check, reference: np.trunc(reference))))
    assert_conforms(torch.tensor([1.0]), np.array([1.5], np.float32), Check("torch.planted"))  # confirmed
    assert_conforms(torch.tensor([2.0]), np.array([2.0], np.float32), Check("torch.planted"))  # model = reference
    with pytest.raises(DivergenceFixed):
        assert_conforms(torch.tensor([1.5]), np.array([1.5], np.float32), Check("torch.planted"))


def test_tolerance_entry_widens_only_its_condition(registry):
    registry.add(entry(torch_gives=None, tolerance=lambda check: Tolerance(1e-2, 0.0)))
    assert_conforms(torch.tensor([1.005]), np.array([1.0], np.float32), Check("torch.planted"))
    with pytest.raises(Divergence):
        assert_conforms(torch.tensor([1.05]), np.array([1.0], np.float32), Check("torch.planted"))


def test_entry_must_document_a_behaviour():
    with pytest.raises(ValueError, match="documents no behaviour"):
        entry(torch_gives=None)


def test_registry_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="twice"):
        Registry([entry(), entry()])


def test_every_real_entry_is_documented():
    for known in known_divergences.REGISTRY:
        assert known.summary and known.reason and known.example, known.id
        assert known.link.startswith("https://"), known.id
        assert known.ops, known.id


def _div_divisor_gradient(x: float, y: float, v: float) -> tuple[torch.Tensor, Check]:
    """torch's float16 gradient of x / y with respect to y, and the check the autograd suite makes of it."""
    half = dt.dtype("float16")
    inputs = {
        name: ArrayInput(np.array(value, dtype=np.float16), half) for name, value in zip("xy", (x, y), strict=True)
    }
    upstream = ArrayInput(np.array(v, dtype=np.float16), half)
    leaf = torch.tensor(y, dtype=torch.float16, requires_grad=True)
    (torch.tensor(x, dtype=torch.float16) / leaf).backward(torch.tensor(v, dtype=torch.float16))
    op = ops.op("true_divide")
    check = Check("d torch.true_divide / d y", inputs, op=op, form=op.function_form, gradient_of="y", upstream=upstream)
    return leaf.grad, check


@pytest.mark.parametrize("v", [0.0, 0.001, 0.5])
def test_div_divisor_gradient_overflow_is_torch_behaviour(v):
    """The model (-v * ((x / y) / y) in float16) gives torch's result where x / y**2 overflows."""
    gradient, check = _div_divisor_gradient(16.0, 0.01563, v)
    reference = np.float16(-v * 16.0 / float(np.float16(0.01563)) ** 2)
    assert_conforms(capture(lambda: gradient), reference, check)


def test_div_divisor_gradient_other_than_documented_is_caught():
    _, check = _div_divisor_gradient(16.0, 0.01563, 0.001)
    wrong = torch.tensor(0.0, dtype=torch.float16)  # neither the maths (-65.5) nor torch's formula (-inf)
    with pytest.raises(Divergence):
        assert_conforms(capture(lambda: wrong), np.float16(-65.5), check)


def _complex_pow_case() -> tuple[dict, np.ndarray]:
    complex64 = dt.dtype("complex64")
    inputs = {
        "x": ArrayInput(np.array(1.0262504e7j, dtype=np.complex64), complex64),
        "y": ArrayInput(np.array(2 + 0j, dtype=np.complex64), complex64),
    }
    return inputs, np.power(inputs["x"].values, inputs["y"].values)


def test_complex_pow_through_exp_log_is_within_its_bound():
    """torch's exp(y log x) is 1.4e-6 off here (complex64's rtol is 1.3e-6); the entry's bound admits it."""
    inputs, reference = _complex_pow_case()
    actual = torch.pow(torch.tensor(inputs["x"].values), torch.tensor(inputs["y"].values))
    assert_conforms(capture(lambda: actual), reference, Check.of(ops.op("pow"), inputs=inputs))


def test_complex_pow_beyond_its_bound_is_caught():
    inputs, reference = _complex_pow_case()
    planted = torch.tensor(reference * np.complex64(1 + 2e-5))  # 2e-5 off: beyond 2 u |y log x| = 3.9e-6
    with pytest.raises(Divergence):
        assert_conforms(capture(lambda: planted), reference, Check.of(ops.op("pow"), inputs=inputs))


def test_complex_pow_overflow_is_skipped_and_the_rest_compared():
    """(65536j) ** 8 overflows complex64 (torch: inf+1.2e32j, NumPy: inf+nanj); the element beside it is still checked."""
    complex64 = dt.dtype("complex64")
    inputs = {
        "x": ArrayInput(np.array([65536j, 2 + 1j], dtype=np.complex64), complex64),
        "y": ArrayInput(np.array(8 + 0j, dtype=np.complex64), complex64),
    }
    with np.errstate(all="ignore"):
        reference = np.power(inputs["x"].values, inputs["y"].values)
    actual = torch.pow(torch.tensor(inputs["x"].values), torch.tensor(inputs["y"].values))
    assert_conforms(capture(lambda: actual), reference, Check.of(ops.op("pow"), inputs=inputs))
    planted = actual.clone()
    planted[1] *= 1.001
    with pytest.raises(Divergence):
        assert_conforms(capture(lambda: planted), reference, Check.of(ops.op("pow"), inputs=inputs))


@pytest.mark.parametrize(
    "base", [6.805646932770577e38, 2**70], ids=["float past float32", "int whose square overflows"]
)
def test_real_number_converted_to_complex_is_extremal(base):
    """torch.pow(6.8e38, complex64 0j) converts the base to complex64, inf + 0j, and gives nan+nanj
    (exp(0j * log(inf))), NumPy 1: complex-extremal-values leaves it out, as it does a real
    tensor converted to complex. A real number whose square does not overflow is compared."""
    pow_ = ops.op("pow")
    zero = {"y": ArrayInput(np.array(0j, dtype=np.complex64), dt.dtype("complex64"))}
    records.drain()
    check_op(pow_, pow_.function_form, {"x": base, **zero}, "cpu")
    assert ("known_divergence", "complex-extremal-values") in records.drain()
    planted = replace(pow_.function_form, call=lambda x, y: torch.pow(x, y) * 2)
    with pytest.raises(Divergence):
        check_op(pow_, planted, {"x": 3.0, **zero}, "cpu")


@pytest.mark.parametrize("name", ["pow", "mul", "remainder"])
@pytest.mark.parametrize("number", [2**2000, -(2**1100)], ids=["positive", "negative"])
@pytest.mark.parametrize("first", [True, False], ids=["number-first", "number-second"])
@pytest.mark.parametrize("dtype", ["complex64", "float32"])
def test_an_int_past_float64_is_compared(name, number, first, dtype):
    """An int past float64's range beside a tensor: torch and NumPy both raise OverflowError, and
    the registry's conditions, which convert operands to floating values, read it as an infinity
    (they raised OverflowError themselves before); a torch that computed a value is caught."""
    op = ops.op(name)
    tensor = ArrayInput(np.array([0, 2], dtype=dtype), dt.dtype(dtype))
    inputs = {"x": number, "y": tensor} if first else {"x": tensor, "y": number}
    form = op.function_form
    check_op(op, form, inputs, "cpu")
    planted = replace(form, call=lambda x, y: torch.ones(2, dtype=getattr(torch, dtype)))
    with pytest.raises(Divergence):
        check_op(op, planted, inputs, "cpu")


def test_an_int_past_float64_converted_to_complex_is_extremal():
    """complex-extremal-values reads a Python int past float64's range converted to the complex
    dtype as an infinite part (converting it raised OverflowError)."""
    from conformance.known_divergences.complex import _complex_extremal

    zero = ArrayInput(np.array([0j, 1j], dtype=np.complex64), dt.dtype("complex64"))
    for base, extremal in ((2**2000, True), (-(2**1100), True), (3, False)):
        check = Check.of(ops.op("pow"), inputs={"x": base, "y": zero})
        assert _complex_extremal(check).tolist() == [extremal, extremal]


def _real_infinity_to_a_complex_zero_power(plant=None) -> None:
    inputs = {
        "x": ArrayInput(np.array([-np.inf, 2.0], dtype=np.float32), dt.dtype("float32")),
        "y": ArrayInput(np.array(0j, dtype=np.complex64), dt.dtype("complex64")),
    }
    pow_ = ops.op("pow")
    form = pow_.function_form if plant is None else replace(pow_.function_form, call=plant)
    check_op(pow_, form, inputs, "cpu", dtype=dt.dtype("float32"))


def test_real_tensor_converted_to_complex_is_extremal_where_infinite():
    """torch.pow(float32 [-inf, 2], complex64 0j): torch converts the base to complex64 and gives
    nan+nanj for -inf ** 0j (exp(0j * log(-inf + 0j))), NumPy 1: complex-extremal-values leaves
    that element out; the finite base beside it is still compared."""
    _real_infinity_to_a_complex_zero_power()
    with pytest.raises(Divergence, match="complex-extremal-values"):
        _real_infinity_to_a_complex_zero_power(plant=lambda x, y: torch.pow(x, y) * 2)


def _scalar_plus_complex(zero: complex, planted=None) -> None:
    """`(-0-0j) + tensor(zero)` through the operator form, optionally with torch's result replaced."""
    op = ops.op("add")
    form = next(form for form in op.forms if form.label == "operator.add")
    complex64 = dt.dtype("complex64")
    inputs = {"x": complex(-0.0, -0.0), "y": ArrayInput(np.array(zero, dtype=np.complex64), complex64)}
    if planted is not None:
        form = ops.Form(form.label, lambda x, y: planted, form.kind)
    check_op(op, form, inputs, "cpu")


@pytest.mark.parametrize("zero", [complex(-0.0, 0.0), complex(0.0, -0.0), complex(-0.0, -0.0)])
def test_scalar_plus_complex_tensor_follows_the_reflected_kernel(zero):
    """`scalar + tensor` is tensor + 1 * scalar in torch: the signs of zeros follow that order."""
    _scalar_plus_complex(zero)


def test_scalar_plus_complex_tensor_sign_flip_is_caught():
    """torch gives 0+0j for (-0-0j) + (-0+0j); a planted -0+0j (NumPy's sign, the unreflected formula's) is caught."""
    with pytest.raises(DivergenceFixed):  # the planted result is NumPy's: the entry's model no longer applies
        _scalar_plus_complex(complex(-0.0, 0.0), planted=torch.tensor(complex(-0.0, 0.0), dtype=torch.complex64))


# --- torch releases ---------------------------------------------------------------------------


def test_entry_outside_its_release_range_expects_conformance(registry):
    """An entry fixed before the running torch no longer applies: the divergence is plain again."""
    registry.add(entry(until="2.0"))
    with pytest.raises(Divergence):
        assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted"))
    registry.replace(entry(since="99.0"))
    with pytest.raises(Divergence):
        assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted"))
    registry.replace(entry(since="2.0", until="99.0"))
    assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted"))


def test_release_ranges_and_their_words():
    assert divergences.release("2.14.1+cu130") == (2, 14, 1)
    assert divergences.release("2.15.0.dev20261101") == (2, 15, 0)
    assert divergences.release("2.13") == (2, 13, 0)
    ranged = entry(since="2.13", until="2.14")
    assert ranged.holds_for((2, 13, 0)) and ranged.holds_for((2, 13, 9)) and not ranged.holds_for((2, 14, 1))
    assert ranged.versions == "torch >= 2.13, < 2.14" and entry().versions == "every torch"
    with pytest.raises(ValueError, match="holds for no release"):
        entry(since="2.14", until="2.13")


def test_documented_divergence_changed_on_a_newer_torch(registry, monkeypatch):
    """Beyond the releases the registry knows, a divergence that stops or changes is `changed`."""
    monkeypatch.setattr(divergences, "NEWEST_KNOWN", "2.0")
    registry.add(entry())
    with pytest.raises(DivergenceChanged, match="no longer happens") as stopped:
        assert_conforms(torch.tensor([1.5], dtype=torch.float64), np.array([1.5]), Check("torch.planted"))
    assert stopped.value.ids == ("planted",)
    with pytest.raises(DivergenceChanged, match="happens otherwise"):
        assert_conforms(torch.tensor([2.5]), np.array([1.5]), Check("torch.planted"))
    assert_conforms(torch.tensor([1.5]), np.array([1.5]), Check("torch.planted"))  # still as documented


def test_every_real_entry_has_a_sound_release_range():
    for known in known_divergences.REGISTRY:
        assert known.since is None or divergences.release(known.since) <= divergences.release(divergences.NEWEST_KNOWN)
        assert known.until is None or divergences.release(known.until) <= divergences.release(divergences.NEWEST_KNOWN)


# --- integer ranges: exact but where a value lands on an integer -------------------------------


def _integer_linspace(values=None) -> None:
    """torch.linspace(-10.5, 0, 7, dtype=int64) against NumPy's (floored) range; torch's result
    replaced by `values` where given. torch: [-10, -8, -6, -5, -3, -1, 0]; NumPy: [-11, -9, -7, -6, -4, -2, 0]."""
    inputs = {"start": -10.5, "end": 0.0, "steps": 7, "dtype": dt.dtype("int64")}
    check = Check("torch.linspace", inputs)
    actual = torch.linspace(-10.5, 0.0, 7, dtype=torch.int64) if values is None else torch.tensor(values)
    reference = np.linspace(-10.5, 0.0, 7, dtype=np.int64)
    assert_conforms(capture(lambda: actual), reference, check)


def test_integer_range_truncation_is_torch_behaviour():
    _integer_linspace()


@pytest.mark.parametrize(
    "values",
    [
        [-10, -8, -6, -5, -3, -2, 0],  # one off at -1.67: not near an integer, so compared exactly
        [-9, -8, -6, -5, -3, -1, 0],  # the first value, computed from start alone
    ],
)
def test_integer_range_off_by_one_is_caught(values):
    with pytest.raises(Divergence):
        _integer_linspace(values)


def _float16_arange(actual=None) -> None:
    """torch.arange(-0.3, 1, 0.1, dtype=float16): its fourth value is -0. in torch (from float32
    endpoints, -0.3 + 3 * 0.1 is -1.5e-8), +0. in NumPy's float64 range rounded once."""
    args, float16 = (-0.3, 1.0, 0.1), dt.dtype("float16")
    check = Check("torch.arange", {"args": args, "dtype": float16})
    result = torch.arange(*args, dtype=torch.float16) if actual is None else actual
    assert_conforms(capture(lambda: result), np.arange(*args).astype(np.float16), check)


def test_range_zero_of_either_sign_is_documented():
    torch_result = torch.arange(-0.3, 1.0, 0.1, dtype=torch.float16)
    assert torch.signbit(torch_result[3]) and torch_result[3] == 0
    _float16_arange()
    with pytest.raises(Divergence, match="documented as 'range-in-result-precision'"):
        _float16_arange(torch_result + 0.01)  # a value off by more than the bound is still caught


# --- shape ops: results torch should refuse ------------------------------------------------------


def _shape_check(name: str, values: np.ndarray, **arguments) -> Check:
    op = ops.op(name)
    inputs = {"x": ArrayInput(values, dt.dtype("float32"))}
    return Check.of(op, op.forms[0], inputs, arguments=arguments)


def test_zero_dim_expand_to_a_negative_size_is_documented():
    from conformance.outcomes import MalformedResult

    check = _shape_check("expand", np.array(1.0, np.float32), sizes=(-1, 0))
    reference = capture(lambda: np.broadcast_to(np.float32(1.0), (-1, 0)))
    negative = MalformedResult("torch returned a tensor of shape [-1, 0]: a negative size")
    assert_conforms(Outcome(error=negative), reference, check)
    with pytest.raises(Divergence):  # a readable tensor is neither the documented result nor a refusal
        assert_conforms(capture(lambda: torch.ones(1, 0)), reference, check)


def test_roll_of_empty_with_dims_out_of_range_is_documented():
    check = _shape_check("roll", np.ones(0, np.float32), shifts=1, dims=7)
    reference = capture(lambda: np.roll(np.ones(0, np.float32), 1, axis=7))
    assert_conforms(capture(lambda: torch.roll(torch.ones(0), 1, dims=7)), reference, check)
    with pytest.raises(DivergenceFixed):
        assert_conforms(Outcome(error=IndexError("Dimension out of range")), reference, check)


# --- sqrt: 1 ulp on the CPU for float32 and float64, exact elsewhere ------------------------------


def _sqrt_check(values: np.ndarray) -> tuple[Check, np.ndarray]:
    check = Check.of(ops.op("sqrt"), inputs={"x": ArrayInput(values, dt.dtype(values.dtype.name))})
    return check, np.sqrt(values.astype(np.float64)).astype(values.dtype)


def test_sqrt_one_ulp_off_is_torch_behaviour():
    """torch's float32 sqrt is 1 ulp off for some values (torch.sqrt(6438.0) is 80.237144 on one
    CPU, below the correctly rounded 80.23715): which ones depends on the CPU, as the vector math
    library picks its code by it (17% of float32 values on one AVX512 machine, 0.7% on another,
    where 6438.0 came out right). The first value off among fixed ones is accepted beside 2.0."""
    values = np.geomspace(1e-30, 1e30, 20_000, dtype=np.float32)
    off = torch.sqrt(torch.from_numpy(values)).numpy() != np.sqrt(values.astype(np.float64)).astype(np.float32)
    assert off.any()  # the documented fact still holds on this torch and CPU
    x = np.array([values[off][0], 2.0], np.float32)
    check, reference = _sqrt_check(x)
    actual = torch.sqrt(torch.from_numpy(x))
    assert actual[0].item() != float(reference[0])
    assert_conforms(capture(lambda: actual), reference, check)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_sqrt_beyond_its_bound_is_caught(dtype):
    """Two ulps off in float32 (beyond the entry's 1), one ulp off in float16 (correctly rounded there)."""
    check, reference = _sqrt_check(np.array([6438.0, 2.0], dtype))
    planted = reference.copy()
    steps = 2 if dtype == "float32" else 1
    for _ in range(steps):
        planted[1] = np.nextafter(planted[1], np.inf, dtype=planted.dtype)
    with pytest.raises(Divergence):
        assert_conforms(capture(lambda: torch.from_numpy(planted)), reference, check)


def _numpy_int_over_complex(planted=None):
    op = ops.op("true_divide")
    form = next(f for f in op.forms if f.label == "operator.truediv")
    if planted is not None:
        form = replace(form, call=planted)
    y = ArrayInput(np.array([1e-45 + 0j, 1e-45j, 3 + 4j], dtype=np.complex64), dt.dtype("complex64"))
    check_op(op, form, {"x": np.int64(1), "y": y}, "cpu")


def test_numpy_scalar_read_as_a_number_takes_that_calls_relaxations():
    """`np.int64(1) / y` is documented as `1 / y` (numpy-scalar-operand), and so are the positions
    `1 / y` does not promise (complex-extremal-values: a subnormal divisor gives nan in torch)."""
    _numpy_int_over_complex()


def test_numpy_scalar_read_as_a_number_still_compares_the_other_positions():
    def planted(x, y):
        result = x / y
        result[2] += 1e-3  # a finite, well-conditioned position
        return result

    with pytest.raises(Divergence, match="values"):
        _numpy_int_over_complex(planted)


@pytest.mark.parametrize("label", ["torch.pow", "operator.ipow", "Tensor.pow_"])
@pytest.mark.parametrize("exponent", [1e-50, 4294967295, np.uint32(4294967295)])
def test_pow_exponent_read_either_way_by_position(label, exponent):
    """torch's CPU pow of 33 float32 zeros by a number reads the exponent in float32 for the
    first 32 (vectorised, as NumPy) and as a double for the last: both are documented, in place
    too (its model is the out-of-place one's, with its relaxations); the other positions are
    compared, and a planted error there is caught."""
    op = ops.op("pow")
    form = next(f for f in op.forms if f.label == label)
    values = np.zeros(33, dtype=np.float32)
    values[0] = values[32] = -0.0
    values[5] = 2.0  # 2.0 ** y is the same under either reading (1.0 for 1e-50, inf for the ints)
    x = ArrayInput(values, dt.dtype("float32"))
    check_op(op, form, {"x": x, "y": exponent}, "cpu")

    def planted(x, y):
        result = form.call(x, y)
        result[5] = 0.5
        return result

    with pytest.raises(Divergence):
        check_op(op, replace(form, call=planted), {"x": x, "y": exponent}, "cpu")


@pytest.mark.parametrize(
    "low, high",
    [(2**64, 1j), (np.complex128(0j), np.uint64(2**64 - 2))],
    ids=["python-int", "numpy-uint64"],
)
def test_clamp_int_past_64_bits_is_refused_before_a_complex_bound_is_read(low, high):
    """torch.clamp(x, 2**64, 1j) raises OverflowError, and torch.clamp(x, np.complex128(0j),
    np.uint64(2**64 - 2)) TypeError (the parser refuses the integer first), not the complex bound's
    RuntimeError; a torch that clamped instead is a divergence."""
    op = ops.op("clamp")
    x = ArrayInput(np.array(0.0, dtype=np.float16), dt.dtype("float16"))
    inputs = {"x": x, "min": low, "max": high}
    check_op(op, op.forms[0], inputs, "cpu")
    planted = replace(op.forms[0], call=lambda x, low, high: torch.clamp(x, 3.0))
    with pytest.raises(Divergence, match="error parity"):
        check_op(op, planted, inputs, "cpu")


def test_complex_cumprod_underflowing_is_documented_and_its_values_compared():
    """A long complex cumprod underflows: torch's zero parts take signs the model does not predict
    (not compared), its values still are."""
    from conformance.ops.reductions import REDUCTIONS
    from conformance.runner import check_call

    op = next(o for o in REDUCTIONS if o.name == "cumprod")
    x = ArrayInput(np.full((2, 100), np.complex64(-0.01 - 0.01j)), dt.dtype("complex64"))
    tensor, array = build_both({"x": x}, "cpu").tensors[0], np.asarray(x.values)
    check = Check.of(op, op.function_form, {"x": x}, device="cpu", arguments={"dim": 1})
    check_call(
        check,
        lambda: torch.cumprod(tensor, 1),
        lambda: np.cumprod(array, axis=1),
        options=oracle.Options(tolerance=op.tolerance(x, {"dim": 1})),
    )

    def planted():
        result = torch.cumprod(tensor, 1)
        result[0, 1] *= 2
        return result

    with pytest.raises(Divergence, match="values"):
        check_call(
            check,
            planted,
            lambda: np.cumprod(array, axis=1),
            options=oracle.Options(tolerance=op.tolerance(x, {"dim": 1})),
        )


def test_minmax_zeros_meet_after_conversion_to_the_computed_dtype():
    """clamp(float64 -6.8e-94 (0-d), bfloat16 0., bfloat16[1] 0.) computes in bfloat16, where x is
    -0.0 meeting the +0.0 bounds: torch's -0.0 there is minmax-signed-zeros' (before, the entry
    read x as no zero and the sign was a divergence)."""
    op = ops.op("clamp")
    x = ArrayInput(np.array(-6.81023021e-94), dt.dtype("float64"))
    low = ArrayInput(np.array(0.0, np.float32), dt.dtype("bfloat16"))
    high = ArrayInput(np.array([0.0], np.float32), dt.dtype("bfloat16"))
    inputs = {"x": x, "min": low, "max": high}
    records.drain()
    check_op(op, op.forms[0], inputs, "cpu")
    assert ("known_divergence", "minmax-signed-zeros") in records.drain()


@pytest.mark.parametrize(
    "shape, mask",
    [((0, 0), np.array([[0]], np.uint8)), ((2, 2), np.array([[[0]]], np.uint8)), ((2, 2), np.zeros((1, 1, 1), bool))],
    ids=["2-d mask", "3-d uint8 mask past the dims", "3-d bool mask past the dims"],
)
def test_negative_slice_step_is_refused_before_a_dim_out_of_range(shape, mask):
    """torch checks a slice's step before its dim: x[uint8 ndarray [[0]], ::-1] on a 2-d x is
    ValueError (step), not the IndexError of the dim the mask used up; a NumPy mask with more dims
    than x has left (counted as one) is refused only once the walk is done, so a later slice's
    step comes first there too. With a positive step both are IndexError (the model walks so)."""
    from conformance.index_keys import IndexArray, IndexKey
    from conformance.torch_indexing import Refused, torch_getitem

    part = IndexArray(ArrayInput(mask, dt.dtype(mask.dtype.name)), "ndarray")
    for step, error in ((-1, ValueError), (1, IndexError)):
        with pytest.raises(Refused) as refused:
            torch_getitem(np.zeros(shape, bool), IndexKey((part, slice(None, None, step))))
        assert builtin_class(refused.value.error) is error
        with pytest.raises(error, match="step must be greater than zero" if step < 0 else None):
            torch.zeros(shape, dtype=torch.bool)[mask, ::step]


@pytest.mark.parametrize("exponent", [2**63, 2**64 - 1], ids=["2**63", "2**64-1"])
def test_pow_reads_an_integer_exponent_as_int64_before_its_kernel(exponent):
    """torch.pow(uint64 tensor, 2**63) is refused (the exponent read as int64), in every form, where
    NumPy computes: number-overflows-result-dtype, not the no-kernel refusal torch meets later. A
    torch that computed as NumPy does is caught."""
    op = ops.op("pow")
    x = ArrayInput(np.ones(2, np.uint64), dt.dtype("uint64"))
    for form in op.forms:
        records.drain()
        check_op(op, form, {"x": x, "y": exponent}, "cpu")
        assert ("known_divergence", "number-overflows-result-dtype") in records.drain(), form.label
    from conformance.runner import check_call

    check = Check.of(op, op.function_form, {"x": x, "y": exponent}, device="cpu")
    with pytest.raises(DivergenceFixed, match="number-overflows-result-dtype"):
        check_call(check, lambda: torch.ones(2, dtype=torch.uint64), lambda: np.power(np.ones(2, np.uint64), exponent))


def _bool_operator_check(ndarray: np.ndarray) -> Check:
    op = ops.op("add")
    form = next(f for f in op.forms if f.label == "operator.add")
    return Check.of(op, form, {"x": ArrayInput(np.array([True]), dt.dtype("bool")), "y": ndarray}, device="cpu")


@pytest.mark.parametrize("ndarray", [np.array(False), np.array([True])], ids=["0-d", "1-d"])
def test_bool_result_of_an_ndarray_operator_is_wrapped_as_uint8(ndarray):
    """NumPy computes `tensor + ndarray`, and torch's __array_wrap__ turns its bool result into uint8."""
    check = _bool_operator_check(ndarray)
    expected = capture(lambda: np.add(np.array([True]), ndarray))
    assert_conforms(capture(lambda: torch.tensor([True]) + ndarray), expected, check)
    with pytest.raises(DivergenceFixed, match="ndarray-operator-by-numpy"):  # a bool result, as NumPy's, is caught
        assert_conforms(Outcome(value=torch.tensor([True])), expected, check)


def test_registry_finds_by_label_in_registry_order_and_replaces_by_id():
    first, second = entry(id="a", ops=("torch.x", "torch.y")), entry(id="b", ops=("torch.y",))
    registry = Registry([first, second])
    assert registry.find(Check("torch.y")) == [first, second]
    assert registry.find(Check("torch.x")) == [first] and registry.find(Check("torch.z")) == []
    narrowed = entry(id="a", ops=("torch.x",))
    registry.replace(narrowed)
    assert registry.find(Check("torch.y")) == [second] and registry.find(Check("torch.x")) == [narrowed]
    with pytest.raises(ValueError, match="no known divergence 'c'"):
        registry.replace(entry(id="c"))


def _operator_check(name: str, x: ArrayInput, y: object) -> Check:
    op = ops.op(name)
    form = next(f for f in op.forms if f.kind == "operator")
    return Check.of(op, form, {"x": x, "y": y}, device="cpu")


def test_an_ndarray_operator_is_numpys_own_call_not_the_ops_reference():
    """int16 -1 ** complex64 array(1+28j) is NumPy's complex64 power (imaginary part -0.0), where
    pow's reference computes in complex128 (+0.0): the sign NumPy's own call gives is compared."""
    x, y = ArrayInput(np.array(-1, dtype=np.int16), dt.dtype("int16")), np.array(1 + 28j, dtype=np.complex64)
    check = _operator_check("pow", x, y)
    expected = capture(lambda: ops.op("pow").reference(np, np.asarray(x.values), y))
    actual = capture(lambda: torch.tensor(np.int16(-1)) ** y)
    assert_conforms(actual, expected, check, oracle.Options(tolerance=Tolerance(1e-5, 1e-30)))
    flipped = torch.complex(actual.value.real, torch.zeros_like(actual.value.real))  # +0.0, the reference's
    with pytest.raises(DivergenceFixed, match="ndarray-operator-by-numpy"):
        assert_conforms(Outcome(value=flipped), expected, check, oracle.Options(tolerance=Tolerance(1e-5, 1e-30)))


def test_an_operator_with_a_wide_uint64_is_numpys_own_call():
    """float16 -0.0 % np.uint64(2**64 - 2) falls back to NumPy (+0.0, the divisor's sign), not to
    torch's remainder kernel (remainder-zero-sign: the dividend's); -0.0 there is caught."""
    x, y = ArrayInput(np.array(-0.0, dtype=np.float16), dt.dtype("float16")), np.uint64(2**64 - 2)
    check = _operator_check("remainder", x, y)
    expected = capture(lambda: np.remainder(np.float16(-0.0), y))
    assert_conforms(capture(lambda: torch.tensor(np.float16(-0.0)) % y), expected, check)
    with pytest.raises(Divergence, match="signed zeros"):
        assert_conforms(Outcome(value=torch.tensor(-0.0, dtype=torch.float64)), expected, check)


def test_an_in_place_pow_by_a_wide_uint64_is_refused_by_the_parser_not_the_negative_exponent():
    """int64 0-d x.pow_(np.uint64(2**64 - 2)) raises TypeError (torch's parser declines the
    np.uint64 first), as NumPy's in-place rule refuses its float64 result: integer pow's
    negative-exponent model (which would read the number as int64 -2) does not apply. A torch
    that read it as -2 and returned 0 is caught."""
    op = ops.op("pow")
    form = next(f for f in op.forms if f.label == "Tensor.pow_")
    x, y = ArrayInput(np.array(0, dtype=np.int64), dt.dtype("int64")), np.uint64(2**64 - 2)
    check = Check.of(op, form, {"x": x, "y": y}, device="cpu")
    assert "integer-pow-negative-exponent-mixed" not in {e.id for e in known_divergences.REGISTRY.find(check)}
    expected = capture(lambda: np.power(np.zeros((), np.int64), y, out=np.zeros((), np.int64), casting="same_kind"))
    assert expected.raised
    assert_conforms(capture(lambda: torch.tensor(0).pow_(y)), expected, check)
    with pytest.raises(Divergence, match="error parity"):
        assert_conforms(capture(lambda: torch.tensor(0).pow_(torch.tensor(-2))), expected, check)


@pytest.mark.filterwarnings("ignore:__array_wrap__ must accept context:DeprecationWarning")  # torch's, NumPy 2
def test_an_ndarray_divided_by_an_extremal_complex_tensor_is_not_compared_there():
    """np.array([True, True]) / complex64 [2.7146e-41, 2]: torch takes the tensor's reciprocal
    (inf+nanj for the subnormal, complex-extremal-values) and NumPy multiplies the array in, nan+nanj,
    where NumPy's division gives inf+nanj. That position is not compared; the other still is."""
    op = ops.op("true_divide")
    form = next(f for f in op.forms if f.label == "operator.truediv")
    x = np.array([True, True])
    y = ArrayInput(np.array([2.7146e-41, 2], dtype=np.complex64), dt.dtype("complex64"))
    check = Check.of(op, form, {"x": x, "y": y}, device="cpu")
    tensor = build_both({"y": y}, "cpu").tensors[0]
    expected = capture(lambda: op.reference(np, x, np.asarray(y.values)))
    actual = capture(lambda: x / tensor)
    assert np.isnan(actual.value[0].real) and np.isinf(expected.value[0].real)
    assert_conforms(actual, expected, check)
    planted = actual.value.clone()
    planted[1] = 0.25
    with pytest.raises(Divergence):
        assert_conforms(Outcome(value=planted), expected, check)


def test_clamp_with_a_nan_bound_fills_nan_before_converting_the_other():
    """torch.clamp(float16 0., np.int64(-2**63), float16 0-d nan) is nan: with two number bounds
    (the 0-d one read as a number), one NaN, torch fills NaN and converts neither, so -2**63 does
    not overflow float16 there (it does beside a bound of 1.). A torch that refused, or that
    clamped to a number, is caught."""
    op = ops.op("clamp")
    x = ArrayInput(np.array(0.0, dtype=np.float16), dt.dtype("float16"))
    nan = ArrayInput(np.array(np.nan, dtype=np.float16), dt.dtype("float16"))
    inputs = {"x": x, "min": np.int64(-(2**63)), "max": nan}
    check_op(op, op.forms[0], inputs, "cpu")

    def refuses(x, low, high):
        raise RuntimeError("value cannot be converted to type c10::Half without overflow")

    for planted, match in [(refuses, "error parity"), (lambda x, low, high: torch.zeros_like(x), "NaN")]:
        with pytest.raises(Divergence, match=match):
            check_op(op, replace(op.forms[0], call=planted), inputs, "cpu")


def _pow_of_number_one(planted=None) -> None:
    """`torch.pow(1+0j, y)` for infinite, NaN and finite exponents y, optionally with torch's
    result replaced."""
    op = ops.op("pow")
    form = op.function_form
    inputs = {"x": 1 + 0j, "y": ArrayInput(np.array([-np.inf, np.nan, 2.0], dtype=np.float32), dt.dtype("float32"))}
    if planted is not None:
        form = ops.Form(form.label, lambda x, y: planted, form.kind)
    check_op(op, form, inputs, "cpu")


def test_pow_of_number_one_gives_ones():
    """torch fills ones where NumPy's complex power gives nan+nanj for the infinite and NaN exponents."""
    _pow_of_number_one()


def test_pow_of_number_one_other_than_ones_is_caught():
    """A torch that computed 1 ** -inf as NumPy does (nan+nanj) is reported as the entry fixed;
    one that gave 2 for the finite exponent diverges from both."""
    with np.errstate(all="ignore"):
        numpy_like = torch.tensor(np.power(np.complex64(1), np.array([-np.inf, np.nan, 2.0], dtype=np.complex64)))
    with pytest.raises(DivergenceFixed, match="pow-shortcuts"):
        _pow_of_number_one(numpy_like)
    with pytest.raises(Divergence, match="pow-shortcuts"):
        _pow_of_number_one(torch.tensor([1, 1, 2], dtype=torch.complex64))


def _median_over_an_expanded_dim() -> tuple[Check, object]:
    from conformance.layouts import Layout
    from conformance.ops.reductions import REDUCTIONS

    op = next(o for o in REDUCTIONS if o.name == "median")
    x = ArrayInput(np.array([[3.0] * 3, [1.0] * 3], np.float32), dt.dtype("float32"), Layout(expanded=(1,)))
    check = Check.of(op, op.function_form, {"x": x}, device="cpu", arguments={"dim": 1})
    return check, capture(lambda: np.median(np.array([[3.0] * 3, [1.0] * 3], np.float32), axis=1))


def test_an_entry_that_compares_nothing_is_met_even_where_torch_happened_to_agree():
    """median over a stride-0 dim reads other memory (median-over-expanded-dim-reads-garbage: no
    value compared): where the garbage happens to equal NumPy's values the check is still met by
    the entry, so two runs of the same example record the same outcome. An entry that leaves some
    positions compared (minmax-signed-zeros) is met only where torch differs there."""
    check, expected = _median_over_an_expanded_dim()
    records.drain()
    assert_conforms(expected, expected, check)
    assert ("known_divergence", "median-over-expanded-dim-reads-garbage") in records.drain()
    clamp = ops.op("clamp")
    x = ArrayInput(np.array([1.0, -0.0], np.float32), dt.dtype("float32"))
    bound = ArrayInput(np.array([0.0, 0.0], np.float32), dt.dtype("float32"))
    inputs = {"x": x, "min": bound, "max": ArrayInput(np.array([2.0, 2.0], np.float32), dt.dtype("float32"))}
    clamp_check = Check.of(clamp, clamp.forms[0], inputs, device="cpu")
    signed_zeros = next(e for e in known_divergences.ENTRIES if e.id == "minmax-signed-zeros")
    assert signed_zeros.applies(clamp_check) and not signed_zeros.compares_nothing(clamp_check)
