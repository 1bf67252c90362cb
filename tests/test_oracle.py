"""The oracle catches every kind of divergence it claims to, and passes what conforms."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch

from conformance.check import Check
from conformance.compare import Options
from conformance.messages import Divergence
from conformance.normal import Expected, as_dtype
from conformance.oracle import assert_conforms
from conformance.outcomes import Crashed, Outcome, capture
from conformance.tolerances import Tolerance, Ulps, tolerance_for


def diverges(actual, expected, aspect: str, device: str = "cpu", **options) -> Divergence:
    with pytest.raises(Divergence) as caught:
        assert_conforms(actual, expected, Check("torch.planted", device=device), Options(**options))
    assert caught.value.aspect == aspect, caught.value
    return caught.value


def conforms(actual, expected, device: str = "cpu", **options) -> None:
    assert_conforms(actual, expected, Check("torch.planted", device=device), Options(**options))


# --- error parity ---------------------------------------------------------------------------


def test_error_parity_torch_raises_only():
    diverges(capture(lambda: torch.zeros(-1)), capture(lambda: np.zeros(3)), "error parity")


def test_error_parity_reference_raises_only():
    diverges(capture(lambda: torch.zeros(3)), capture(lambda: np.zeros(-1)), "error parity")


def test_error_parity_both_raise_conforms():
    conforms(capture(lambda: torch.zeros(-1)), capture(lambda: np.zeros(-1)))


def test_crash_is_always_a_divergence():
    diverges(
        Outcome(error=Crashed("killed the interpreter with SIGABRT", "SIGABRT")), capture(lambda: np.zeros(-1)), "crash"
    )


# --- shape, dtype, type ---------------------------------------------------------------------


def test_wrong_shape():
    diverges(torch.zeros(2, 3), np.zeros((3, 2)), "shape")


def test_wrong_dtype():
    diverges(torch.zeros(3, dtype=torch.int32), np.zeros(3, dtype=np.int64), "dtype")


def test_tensor_against_python_scalar():
    diverges(torch.tensor(1.0), 1.0, "type")


def test_python_scalar_type():
    diverges(1, 1.0, "type")


def test_sequence_length_and_items():
    zeros = np.zeros(1, np.float32)
    diverges((torch.zeros(1),), (zeros, zeros), "length")
    found = diverges((torch.zeros(1), torch.ones(1)), (zeros, zeros), "values")
    assert "item 1" in found.summary


def test_result_on_the_wrong_device():
    diverges(torch.zeros(2), np.zeros(2, dtype=np.float32), "device", device="cuda:0")
    conforms(torch.zeros(2), np.zeros(2, dtype=np.float32), device="cuda:0", check_device=False)


# --- values ---------------------------------------------------------------------------------


def test_integers_are_exact():
    diverges(torch.tensor([1, 2, 3]), np.array([1, 2, 4]), "values")
    conforms(torch.tensor([1, 2, 3]), np.array([1, 2, 3]))


def test_bools_are_exact():
    diverges(torch.tensor([True, False]), np.array([True, True]), "values")


def test_nan_positions():
    diverges(torch.tensor([1.0, math.nan]), np.array([1.0, 2.0], dtype=np.float32), "NaN positions")
    diverges(torch.tensor([1.0, 2.0]), np.array([1.0, math.nan], dtype=np.float32), "NaN positions")
    conforms(torch.tensor([1.0, math.nan]), np.array([1.0, math.nan], dtype=np.float32))


def test_infinities():
    diverges(torch.tensor([math.inf]), np.array([-math.inf], dtype=np.float32), "infinities")
    diverges(torch.tensor([3e38]), np.array([math.inf], dtype=np.float32), "infinities")
    conforms(torch.tensor([-math.inf]), np.array([-math.inf], dtype=np.float32))


def test_signed_zeros():
    diverges(torch.tensor([0.0]), np.array([-0.0], dtype=np.float32), "signed zeros")
    conforms(torch.tensor([0.0]), np.array([-0.0], dtype=np.float32), signed_zeros=False)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_tolerance_edge(dtype):
    """A value just inside atol + rtol*|expected| passes; twice as far fails."""
    tolerance = tolerance_for(dtype)
    expected = np.array([1000.0], dtype=np.float64)
    allowed = tolerance.atol + tolerance.rtol * 1000.0
    np_dtype = getattr(np, dtype)
    inside = torch.tensor(np.array([1000.0 + 0.5 * allowed]).astype(np_dtype))
    outside = torch.tensor(np.array([1000.0 + 2.5 * allowed]).astype(np_dtype))
    conforms(inside, expected.astype(np_dtype))
    diverges(outside, expected.astype(np_dtype), "values")


def test_tolerance_table_is_torch_testing_defaults():
    """The fallback table is read against torch.testing's own (its table of default precisions)."""
    from torch.testing._comparison import _DTYPE_PRECISIONS

    from conformance import dtypes as dt

    for name in (*dt.FLOATS, *dt.COMPLEX):
        rtol, atol = _DTYPE_PRECISIONS[dt.dtype(name).torch]
        assert tolerance_for(name) == Tolerance(rtol, atol), name
    assert tolerance_for("int32") == Tolerance(0.0, 0.0)


# --- bounds in ulps ---------------------------------------------------------------------------


def _one_ulp_off(values: np.ndarray) -> np.ndarray:
    return np.nextafter(values, np.asarray(np.inf, dtype=values.dtype))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_one_ulp_error_in_an_exact_op_is_caught(dtype):
    """A planted 1-ulp error in an op IEEE 754 requires correctly rounded: inside torch.testing's rtol,
    caught at 0 ulps."""
    np_dtype = np.dtype(dtype)
    expected = np.array([1000.0, 3.0, 1e-3], dtype=np_dtype)
    wrong = torch.from_numpy(_one_ulp_off(expected))
    conforms(wrong, expected)  # the fallback rtol lets it through
    found = diverges(wrong, expected, "values", tolerance=Ulps(0))
    assert "0 ulp" in found.summary
    conforms(wrong, expected, tolerance=Ulps(1))


def test_ulps_of_bfloat16_are_its_own_not_its_carriers():
    """One bfloat16 ulp at 1.0 is 2**-7: a float32-carrier ulp would be 2**-23."""
    from conformance import dtypes as dt
    from conformance.tolerances import ulp

    bfloat16 = dt.dtype("bfloat16")
    assert ulp(np.array([1.0, 0.0, 3e38]), bfloat16).tolist() == [2.0**-7, bfloat16.smallest_subnormal, 2.0**120]
    one_more = torch.tensor([1.0 + 2.0**-7], dtype=torch.bfloat16)
    diverges(one_more, Expected(np.array([1.0], np.float32), "bfloat16"), "values", tolerance=Ulps(0))
    conforms(one_more, Expected(np.array([1.0], np.float32), "bfloat16"), tolerance=Ulps(1))


def test_exact_ops_of_the_catalog_state_zero_ulps_and_the_oracle_applies_it():
    """add is correctly rounded: a 1-ulp plant in float32 torch.add is caught through the catalog."""
    from conformance import ops
    from conformance.check import Check

    assert ops.op("add").ulps == 0 and ops.op("exp").ulps is None
    expected = np.array([0.1 + 0.2], dtype=np.float32)
    with pytest.raises(Divergence, match="0 ulp"):
        assert_conforms(torch.from_numpy(_one_ulp_off(expected)), expected, Check.of(ops.op("add")))


def test_complex_special_values_part_by_part_and_values_by_magnitude():
    found = diverges(torch.tensor([complex(1, math.nan)]), np.array([1 + 0j], dtype=np.complex64), "NaN positions")
    assert "imaginary" in found.summary
    diverges(torch.tensor([complex(0.0, -0.0)]), np.array([0j], dtype=np.complex64), "signed zeros")
    diverges(torch.tensor([1 + 1j]), np.array([1 + 2j], dtype=np.complex64), "values")
    # torch.testing's rule for complex: |a - e| <= atol + rtol * |e|, so a small part may carry the large one's error
    conforms(torch.tensor([0.50002 - 31.07j]), np.array([0.5 - 31.07j], dtype=np.complex64))


def test_complex_values_whose_magnitude_overflows():
    """Parts near float64's largest value: |e| is inf, yet rtol * |e| must bound neither nothing
    (0 * inf) nor everything (rtol * inf)."""
    big = np.array([1.5e308 + 1.5e308j, -1.7e308 + 1e-300j])
    exact = Options(tolerance=Tolerance(rtol=0.0, atol=0.0))
    conforms(torch.from_numpy(big.copy()), big, **vars(exact))
    one_ulp = big.copy()
    one_ulp[0] = complex(np.nextafter(1.5e308, 0), 1.5e308)
    diverges(torch.from_numpy(one_ulp), big, "values", **vars(exact))
    loose = Options(tolerance=Tolerance(rtol=1e-3, atol=0.0))
    conforms(torch.from_numpy(one_ulp), big, **vars(loose))
    diverges(torch.from_numpy(big * [0.5, 1]), big, "values", **vars(loose))


def test_bfloat16_reference_in_float32_carrier():
    values = np.array([1.0, 1.00390625, 3.14159], dtype=np.float32)
    actual = torch.tensor([1.0, 1.00390625, 3.14159]).to(torch.bfloat16)
    conforms(actual, as_dtype(values, "bfloat16"))
    diverges(actual, Expected(np.array([1.0, 1.0, 3.140625], np.float32) * 2, "bfloat16"), "values")
    diverges(actual.float(), as_dtype(values, "bfloat16"), "dtype")


def test_empty_results_skip_values_only():
    conforms(torch.empty(2, 3), np.zeros((2, 3), np.float32), check_values=False)
    diverges(torch.empty(2, 3), np.zeros((3, 2), np.float32), "shape", check_values=False)


# --- the message ----------------------------------------------------------------------------


def test_message_names_aspect_call_sides_and_inputs():
    from conformance import dtypes as dt
    from conformance.inputs import ArrayInput

    inp = ArrayInput(np.array([1, 2], dtype=np.int16), dt.dtype("int16"))
    with pytest.raises(Divergence) as caught:
        assert_conforms(
            torch.tensor([1, 2], dtype=torch.int8), np.array([1, 2], np.int16), Check("torch.add", {"x": inp})
        )
    lines = str(caught.value).splitlines()
    assert lines[0] == "dtype: torch gives int8, the reference gives int16  [torch.add(x=int16[2])]"
    assert lines[1].startswith("  torch:     tensor int8[2]")
    assert lines[2].startswith("  reference: ndarray int16[2]")
    assert lines[3] == "  inputs: x=int16[2] [1, 2]"


def test_capture_sees_warnings_torch_emits_once_per_process():
    """A warning torch gives once per process is still seen by every capture, whatever ran before."""
    array = np.arange(4.0)
    array.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.from_numpy(array)  # uses up torch's once-per-process warning, if nothing did before
    for _ in range(2):
        outcome = capture(torch.from_numpy, array)
        assert any("not writable" in w for w in outcome.warnings), outcome.warnings
    assert not torch.is_warn_always_enabled()


def test_capture_of_a_call_without_warnings():
    outcome = capture(torch.zeros, 2)
    assert outcome.warnings == ()


# --- the reproducer ---------------------------------------------------------------------------


def _reproducer_of(divergence: Divergence) -> str:
    text = str(divergence)
    assert "\n  reproducer:\n" in text
    return textwrap.dedent(text.split("\n  reproducer:\n", 1)[1])


def test_reproducer_runs_as_pasted_and_shows_the_divergence(monkeypatch):
    """torch.sign(nan) is 0 (a real divergence, documented in the registry): with the registry
    emptied, the message ends with a snippet that rebuilds the strided input byte for byte and
    prints both results, torch's 0 and NumPy's nan."""
    from conformance import dtypes as dt
    from conformance import ops, oracle
    from conformance.divergences import Registry
    from conformance.inputs import ArrayInput
    from conformance.layouts import Layout
    from conformance.runner import check_op

    monkeypatch.setattr(oracle, "REGISTRY", Registry())
    values = np.array([[math.nan, 1.0], [-2.0, math.nan]], dtype=np.float32)
    inp = ArrayInput(values, dt.dtype("float32"), Layout(offset=1, steps=(2, 1), perm=(1, 0)))
    op = ops.op("sign")
    with pytest.raises(Divergence) as caught:
        check_op(op, op.function_form, {"x": inp}, "cpu", dtype=dt.dtype("float32"))
    snippet = _reproducer_of(caught.value)
    assert "torch" in snippet and "numpy" in snippet and "conformance" not in snippet
    ran = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, cwd="/", timeout=120)
    assert ran.returncode == 0, ran.stderr
    torch_line, reference_line = (line for line in ran.stdout.splitlines() if line.startswith(("torch:", "reference:")))
    assert "nan" not in torch_line and "nan" in reference_line, ran.stdout


# --- error classes ----------------------------------------------------------------------------


def test_a_changed_error_class_is_caught():
    """Both raise, but a TypeError became a RuntimeError (or an IndexError a ValueError): a divergence."""

    def raises(error):
        def call():
            raise error

        return capture(call)

    diverges(raises(RuntimeError("bad")), raises(TypeError("bad")), "error class")
    diverges(
        raises(ValueError("index 9 is out of bounds")), raises(IndexError("index 9 is out of bounds")), "error class"
    )
    conforms(raises(IndexError("x")), raises(IndexError("y")))
    conforms(raises(IndexError("x")), raises(np.exceptions.AxisError(3, 1)))  # AxisError is an IndexError too

    class Unusual(Exception):  # an error class of torch's own, derived from Exception alone
        pass

    diverges(raises(Unusual("x")), raises(ValueError("y")), "error class")
    diverges(raises(RuntimeError("x")), raises(Unusual("y")), "error class")


def test_documented_error_pairs_are_allowed_for_their_situation_only():
    torch_broadcast = capture(lambda: torch.zeros(2) + torch.zeros(3))
    numpy_broadcast = capture(lambda: np.zeros(2) + np.zeros(3))
    conforms(torch_broadcast, numpy_broadcast)  # RuntimeError and ValueError: the broadcast row
    other_runtime_error = capture(lambda: torch.zeros(2).view(3))  # a RuntimeError of another situation
    diverges(other_runtime_error, numpy_broadcast, "error class")
    numpy_no_loop = capture(lambda: np.bitwise_xor(np.zeros(2), np.zeros(2)))  # UFuncTypeError, a TypeError
    conforms(capture(lambda: torch.zeros(2).bitwise_xor(torch.zeros(2))), numpy_no_loop)


# --- bounds scaled by the op's condition ---------------------------------------------------------


def _sigmoid_check(z: complex) -> tuple[Check, np.ndarray]:
    from conformance import dtypes as dt
    from conformance import ops
    from conformance.inputs import ArrayInput

    x = np.array([z, 0.5 + 0.25j], dtype=np.complex64)  # an ill-conditioned point beside a well-conditioned one
    reference = (1 / (1 + np.exp(-x.astype(np.complex128)))).astype(np.complex64)
    check = Check.of(ops.op("sigmoid"), inputs={"x": ArrayInput(x, dt.dtype("complex64"))})
    return check, reference


def test_ill_conditioned_point_is_judged_by_the_condition():
    """Near sigmoid's pole at pi i, torch's complex64 result is 169 u off (kappa = 3140); conforms."""
    check, reference = _sigmoid_check(1e-3 + np.pi * 1j)
    actual = torch.sigmoid(torch.from_numpy(np.asarray(check.inputs["x"].values)))
    assert_conforms(capture(lambda: actual), reference, check)


def test_condition_does_not_excuse_a_well_conditioned_point():
    check, reference = _sigmoid_check(1e-3 + np.pi * 1j)
    planted = torch.from_numpy(reference.copy())
    planted[1] *= 1 + 1e-4  # beyond the dtype's rtol and atol where kappa is 0.3
    with pytest.raises(Divergence, match="kappa"):
        assert_conforms(capture(lambda: planted), reference, check)


def test_condition_bounds_the_ill_conditioned_point_too():
    check, reference = _sigmoid_check(1e-3 + np.pi * 1j)
    planted = torch.from_numpy(reference.copy())
    planted[0] *= 1 + 1e-2  # 168,000 u: beyond 4 u (1 + kappa) + rtol
    with pytest.raises(Divergence, match="values"):
        assert_conforms(capture(lambda: planted), reference, check)


def _reduction(name: str):
    from conformance.ops.reductions import REDUCTIONS

    return next(op for op in REDUCTIONS if op.name == name)


@pytest.mark.parametrize(
    "name, values, torch_gives, reference_gives, caught",
    [
        # rounding swallows -6e-8 beside 65504: 0.0, exactly -6e-8 (a sign within the bound)
        ("sum", [-65504.0, 65504.0, -6e-8], 0.0, -0.0, False),
        ("nanmean", [-65504.0, 65504.0, -6e-8], 0.0, -0.0, False),
        # an exact sum of negative zeros is -0.0: a +0.0 is a wrong sign
        ("sum", [-0.0, -0.0], 0.0, -0.0, True),
        # a product's sign is exact even where its magnitude rounds
        ("prod", [-1e-30, 1e-30], 0.0, -0.0, True),
    ],
)
def test_reduction_zero_signs_compared_where_the_bound_is_exact(name, values, torch_gives, reference_gives, caught):
    """A reduction's zero is held to its sign where its bound allows no absolute error, and to
    nothing more than its value where the bound allows a tiny result of either sign."""
    from conformance import dtypes as dt
    from conformance.inputs import ArrayInput

    op = _reduction(name)
    x = ArrayInput(np.array(values, dtype=np.float32), dt.dtype("float32"))
    options = op.comparison(x, {})
    actual, expected = torch.tensor(torch_gives), np.float32(reference_gives)
    if caught:
        with pytest.raises(Divergence, match="signed zeros"):
            assert_conforms(actual, expected, Check("torch.planted"), options)
    else:
        assert_conforms(actual, expected, Check("torch.planted"), options)


def test_a_signalling_nan_compares_as_nan_without_a_warning():
    """float32 signalling NaNs (Hypothesis draws every payload) are NaN on both sides; the cast
    to float64 that compares them raises no RuntimeWarning."""
    signalling = np.array([0x7F800001, 0x3F800000], dtype=np.uint32).view(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_conforms(torch.from_numpy(signalling.copy()), signalling.copy(), Check("torch.planted"))
        with pytest.raises(Divergence, match="NaN positions"):
            assert_conforms(torch.tensor([1.0, 1.0]), signalling.copy(), Check("torch.planted"))
