"""Random distributions: rand, randn, randint, randperm, normal, uniform_, bernoulli, multinomial,
the random *_like constructors, and reproducibility under manual_seed and generators.

Each draw is checked for its dtype, shape and device (torch's documented defaults: float32
for rand and randn, int64 for randint, randperm and multinomial, the input's dtype for the
in-place forms), for its support exactly (every value), and for its distribution with a
statistical test computed in NumPy (`conformance.statistics`): Kolmogorov-Smirnov for
continuous distributions, chi-square for discrete ones, and z-tests of the moments the docs
promise. Each test rejects at p < ALPHA = 1e-8, so a distribution torch draws correctly is
reported as wrong with probability at most 1e-8 per test; every draw is made at a fixed
seed (a torch.Generator seeded with SEED, or manual_seed(SEED) inside fork_rng), so a given
example's outcome is the same on every run, and the ci profile's run is the same every time.
A run makes about 700 such tests (dev profile; ci: 1,400; thorough: 10,000): a false alarm
in fewer than 1 run in 100,000 (thorough: 1 in 10,000), and the example that raised it can be
replayed. Samples are N = 10,000 values.

Values of float16 and bfloat16 are rounded (or truncated) from float32 draws: the KS test
allows each value the dtype's spacing there (`statistics.ks_test`'s reach), and the moment
tests are made in float32 and float64 only, where rounding moves a mean by far less than a
standard error (bfloat16's truncation moves rand's mean by 0.8 of one at N = 10,000).
"""

from __future__ import annotations

import math
from itertools import permutations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import strategies as cs
from conformance import dtypes as dt
from conformance import statistics as stats
from conformance.backends import reference_backend, tensor_to_numpy, torch_backend
from conformance.check import Check
from conformance.compare import Options
from conformance.normal import as_dtype
from conformance.oracle import assert_conforms
from conformance.outcomes import ExpectedError, Outcome, capture
from conformance.runner import check_call

SEED = 20_261_130
N = 10_000
# shapes of N elements, 1-d to 4-d
SHAPES = [(N,), (100, 100), (10, 1000), (2, 50, 100), (5, 2, 10, 100), (1, N)]
FLOATS = dt.FLOATS
WIDE = ("float32", "float64")  # where the moment tests apply (see the module docstring)
SHAPE_ONLY = Options(check_values=False)


def generator(device: str, seed: int = SEED) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


def seeded(device: str, draw):
    """`draw()` after torch.manual_seed(SEED), the global RNG state restored afterwards."""
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(SEED)
        return draw()


def spacing(values: np.ndarray, dtype: dt.DType) -> np.ndarray:
    """The distance from each value to the next one of `dtype` (of its magnitude)."""
    magnitude = np.abs(np.asarray(values, dtype=np.float64))
    bits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[
        dtype.part.name if dtype.is_complex else dtype.name
    ]
    smallest = {"float16": 2.0**-24, "bfloat16": 2.0**-133, "float32": 2.0**-149, "float64": 2.0**-1074}
    key = dtype.part.name if dtype.is_complex else dtype.name
    _, exponent = np.frexp(np.where(magnitude > 0, magnitude, 1.0))
    return np.maximum(np.ldexp(1.0, exponent - bits), smallest[key])


def assert_result(label: str, outcome: Outcome, shape, dtype: dt.DType, device: str, inputs: dict) -> torch.Tensor:
    """The result's shape, dtype and device (values are random: not compared), or torch's error."""
    assert_conforms(
        outcome,
        as_dtype(np.zeros(shape, dtype=dtype.numpy), dtype),
        Check(label, inputs, device=device),
        SHAPE_ONLY,
    )
    return outcome.value


def assert_support(label: str, ok: np.ndarray, values: np.ndarray, what: str) -> None:
    assert bool(np.all(ok)), f"support: {label} gives values outside {what}: {np.asarray(values)[~ok][:5]}"


def assert_fits(label: str, result: stats.Result, context: str) -> None:
    assert not result.rejects(), f"distribution: {label} fails {result} (alpha {stats.ALPHA})  [{context}]"


def parts(values: np.ndarray) -> list[tuple[str, np.ndarray]]:
    return [("real", values.real), ("imaginary", values.imag)] if np.iscomplexobj(values) else [("", values)]


# ---------------------------------------------------------------------------
# Continuous uniform: rand, rand_like, uniform_


UNIFORM = {
    "torch.rand": lambda shape, dtype, device, low, high: torch.rand(
        shape, dtype=dtype, device=device, generator=generator(device)
    ),
    "torch.rand(*size)": lambda shape, dtype, device, low, high: seeded(
        device, lambda: torch.rand(*shape, dtype=dtype, device=device)
    ),
    "torch.rand_like": lambda shape, dtype, device, low, high: seeded(
        device, lambda: torch.rand_like(torch.empty(shape, dtype=dtype, device=device))
    ),
    "Tensor.uniform_": lambda shape, dtype, device, low, high: torch.empty(shape, dtype=dtype, device=device).uniform_(
        low, high, generator=generator(device)
    ),
}


@st.composite
def _bounds(draw, dtype: dt.DType) -> tuple[float, float]:
    """[low, high) of the dtype's values, of every magnitude the dtype holds comfortably."""
    scale = draw(st.sampled_from([1.0, 1e-3, 100.0, 1e4 if dtype.name != "float16" else 1e3]), label="scale")
    low = float(dtype.carry(draw(st.floats(-scale, scale), label="low")))
    width = float(draw(st.floats(scale / 100, 2 * scale), label="width"))
    high = float(dtype.carry(low + width))
    if not high > low:
        high = float(np.nextafter(np.float32(low), np.float32(np.inf)))
    return low, high


@pytest.mark.parametrize("op", list(UNIFORM))
@given(data=st.data())
def test_uniform(op, device, data):
    """Every value in [low, high) (both parts of a complex value); KS against U(low, high); mean
    (low + high) / 2 and variance (high - low)^2 / 12 (rand: low, high = 0, 1)."""
    names = FLOATS if op == "Tensor.uniform_" else (*FLOATS, *dt.COMPLEX)
    dtype = data.draw(cs.dtypes(names, device=device), label="dtype")
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    low, high = data.draw(_bounds(dtype), label="bounds") if op == "Tensor.uniform_" else (0.0, 1.0)
    inputs = {"size": shape, "dtype": dtype, "low": low, "high": high}
    outcome = capture(lambda: UNIFORM[op](shape, dtype.torch, device, low, high))
    values = tensor_to_numpy(assert_result(op, outcome, shape, dtype, device, inputs))
    context = f"{dtype.name}, [{low}, {high}), seed {SEED}"
    for part, x in parts(values):
        x = x.astype(np.float64)
        assert_support(f"{op} {part}", (x >= low) & (x < high), x, f"[{low}, {high})")
        width = high - low
        reach = 2 * spacing(np.maximum(np.abs(x), max(abs(low), abs(high))), dtype)
        cdf = lambda v, low=low, width=width: np.clip((v - low) / width, 0, 1)  # noqa: E731
        assert_fits(f"{op} {part}", stats.ks_test(x, cdf, reach), context)
        if dtype.name in WIDE or (dtype.is_complex and dtype.part.name in WIDE):
            assert_fits(f"{op} {part} mean", stats.mean_test(x, (low + high) / 2, width**2 / 12), context)
            assert_fits(f"{op} {part} variance", stats.variance_test(x, width**2 / 12, width**4 / 80), context)


# ---------------------------------------------------------------------------
# Normal: randn, randn_like, normal (every overload), normal_


def _normal_parameters(draw, shape, kind: str) -> tuple[object, object]:
    """A mean and a std as numbers, or as tensors of per-element values (from a NumPy generator
    at a drawn seed: N values are too many to draw one by one)."""
    mean = draw(st.floats(-1e3, 1e3), label="mean")
    std = draw(st.floats(1e-3, 1e3), label="std")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="parameter seed"))
    means = mean + rng.standard_normal(shape) * abs(mean) / 10
    stds = std * rng.uniform(0.5, 2.0, shape)
    return {"number": mean, "tensor": means}.get(kind.split("-")[0]), {"number": std, "tensor": stds}.get(
        kind.split("-")[1]
    )


NORMAL = {
    "torch.randn": (
        "number-number",
        lambda shape, dtype, device, mean, std: torch.randn(
            shape, dtype=dtype, device=device, generator=generator(device)
        ),
    ),
    "torch.randn_like": (
        "number-number",
        lambda shape, dtype, device, mean, std: seeded(
            device, lambda: torch.randn_like(torch.empty(shape, dtype=dtype, device=device))
        ),
    ),
    "torch.normal(mean, std, size)": (
        "number-number",
        lambda shape, dtype, device, mean, std: torch.normal(
            mean, std, shape, dtype=dtype, device=device, generator=generator(device)
        ),
    ),
    "torch.normal(Tensor, Tensor)": (
        "tensor-tensor",
        lambda shape, dtype, device, mean, std: torch.normal(
            torch.as_tensor(mean, dtype=dtype, device=device),
            torch.as_tensor(std, dtype=dtype, device=device),
            generator=generator(device),
        ),
    ),
    "torch.normal(Tensor, std)": (
        "tensor-number",
        lambda shape, dtype, device, mean, std: torch.normal(
            torch.as_tensor(mean, dtype=dtype, device=device), std, generator=generator(device)
        ),
    ),
    "torch.normal(mean, Tensor)": (
        "number-tensor",
        lambda shape, dtype, device, mean, std: torch.normal(
            mean, torch.as_tensor(std, dtype=dtype, device=device), generator=generator(device)
        ),
    ),
    "Tensor.normal_": (
        "number-number",
        lambda shape, dtype, device, mean, std: torch.empty(shape, dtype=dtype, device=device).normal_(
            mean, std, generator=generator(device)
        ),
    ),
}


@pytest.mark.parametrize("op", list(NORMAL))
@given(data=st.data())
def test_normal(op, device, data):
    """(x - mean) / std is N(0, 1) by a KS test, with mean 0 and variance 1 (fourth moment 3);
    randn's complex values have parts N(0, 1/2) (unit variance in all)."""
    kind, draw_values = NORMAL[op]
    plain = op in ("torch.randn", "torch.randn_like")
    names = (*FLOATS, *dt.COMPLEX) if plain else FLOATS  # complex normal_ and normal: test_complex_normal
    dtype = data.draw(cs.dtypes(names, device=device), label="dtype")
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    mean, std = (0.0, 1.0) if plain else _normal_parameters(data.draw, shape, kind)
    # a tensor of parameters holds them rounded to its dtype: the values torch draws from
    mean, std = (v if np.isscalar(v) else np.asarray(dtype.carry(v), dtype=np.float64) for v in (mean, std))
    inputs = {"size": shape, "dtype": dtype, "mean": kind.split("-")[0], "std": kind.split("-")[1]}
    outcome = capture(lambda: draw_values(shape, dtype.torch, device, mean, std))
    values = tensor_to_numpy(assert_result(op, outcome, shape, dtype, device, inputs))
    context = f"{dtype.name}, {kind}, seed {SEED}"
    for part, x in parts(values):
        scale = math.sqrt(0.5) if dtype.is_complex else 1.0  # a complex normal's parts each carry half the variance
        x = x.astype(np.float64)
        assert_support(f"{op} {part}", np.isfinite(x), x, "the finite values")
        mean_part = 0.0 if part == "imaginary" else np.asarray(mean, dtype=np.float64)
        z = (x - mean_part) / (np.asarray(std, dtype=np.float64) * scale)
        reach = 2 * (spacing(x, dtype) + spacing(mean_part, dtype)) / (np.asarray(std, dtype=np.float64) * scale)
        assert_fits(f"{op} {part}", stats.ks_test(z, stats.normal_cdf, reach), context)
        if (dtype.part.name if dtype.is_complex else dtype.name) in WIDE:
            assert_fits(f"{op} {part} mean", stats.mean_test(z, 0.0, 1.0), context)
            assert_fits(f"{op} {part} variance", stats.variance_test(z, 1.0, 3.0), context)


COMPLEX_NORMAL = {
    "Tensor.normal_": lambda dtype, device, mean, std: torch.empty(N, dtype=dtype, device=device).normal_(
        mean, std, generator=generator(device)
    ),
    "torch.normal(mean, std, size)": lambda dtype, device, mean, std: torch.normal(
        mean, std, (N,), dtype=dtype, device=device, generator=generator(device)
    ),
}
IMAGINARY_MEAN = "the mean of the imaginary part's law"


def law_mean(x: np.ndarray, candidates: tuple[float, ...], scale: float) -> float | None:
    """The first of `candidates` that a KS test accepts as the mean of x's law N(mean, scale^2);
    None where it rejects every one (each rejection of the right mean has probability ALPHA)."""
    for candidate in candidates:
        if not stats.ks_test((x - candidate) / scale, stats.normal_cdf).rejects():
            return candidate
    return None


@pytest.mark.parametrize("op", list(COMPLEX_NORMAL))
@pytest.mark.parametrize("dtype", [dt.dtype(n) for n in dt.COMPLEX], ids=str)
def test_complex_normal(op, dtype, device):
    """normal_(mean, std) and normal(mean, std, size) of a complex dtype: a complex normal of mean
    `mean` (a real number: mean + 0j) and variance std^2, its parts N(mean, std^2 / 2) and
    N(0, std^2 / 2). Which mean the imaginary part's law has (0, or the mean given) is compared
    as a result, so that the registry documents torch's answer."""
    mean, std = 3.0, 2.0
    values = tensor_to_numpy(COMPLEX_NORMAL[op](dtype.torch, device, mean, std))
    context = f"{dtype.name}, mean {mean}, std {std}, seed {SEED}"
    scale = std * math.sqrt(0.5)
    z = (values.real.astype(np.float64) - mean) / scale
    assert_fits(f"{op} real", stats.ks_test(z, stats.normal_cdf), context)
    assert_fits(f"{op} real mean", stats.mean_test(z, 0.0, 1.0), context)
    assert_fits(f"{op} real variance", stats.variance_test(z, 1.0, 3.0), context)
    imaginary = values.imag.astype(np.float64)
    check_call(
        Check(f"{op} imaginary part", {"dtype": dtype, "mean": mean, "std": std}, device=device),
        lambda: {IMAGINARY_MEAN: law_mean(imaginary, (0.0, mean), scale)},
        lambda: {IMAGINARY_MEAN: 0.0},
        options=Options(check_device=False),
    )
    z = (imaginary - imaginary.mean()) / scale
    assert_fits(f"{op} imaginary variance", stats.variance_test(z, 1.0, 3.0), context)


# ---------------------------------------------------------------------------
# Discrete uniform: randint, randint_like, random_


RANDINT = {
    "torch.randint": lambda shape, dtype, device, low, high: torch.randint(
        low, high, shape, dtype=dtype, device=device, generator=generator(device)
    ),
    "torch.randint(high)": lambda shape, dtype, device, low, high: torch.randint(
        high, shape, dtype=dtype, device=device, generator=generator(device)
    ),
    "torch.randint_like": lambda shape, dtype, device, low, high: seeded(
        device, lambda: torch.randint_like(torch.empty(shape, dtype=dtype, device=device), low, high)
    ),
    "Tensor.random_": lambda shape, dtype, device, low, high: torch.empty(shape, dtype=dtype, device=device).random_(
        low, high, generator=generator(device)
    ),
}


def _integer_range(dtype: dt.DType) -> tuple[int, int]:
    """The bounds randint may be given for `dtype`: its range (within int32's, which keeps the
    chi-square bins fine), or the integers a floating dtype holds exactly."""
    if dtype.kind in ("int", "uint"):
        return max(int(dtype.lowest), -(2**31)), min(int(dtype.largest), 2**31)
    return {"bool": (0, 2), "bfloat16": (-256, 256), "float16": (-2048, 2048)}.get(dtype.name, (-(2**24), 2**24))


def integer_bins(values: np.ndarray, low: int, high: int, bins: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the integers in [low, high), one bin per integer where there are at most `bins`,
    else `bins` bins of consecutive integers; and each bin's probability under the uniform law."""
    span = high - low
    if span <= bins:
        counts = np.bincount((values.ravel() - low).astype(np.int64), minlength=span)
        return counts, np.full(span, 1 / span)
    edges = low + (np.arange(bins + 1) * span) // bins
    counts = np.histogram(values.ravel(), bins=edges.astype(np.float64) - 0.5)[0]
    return counts, np.diff(edges) / span


@pytest.mark.parametrize("op", list(RANDINT))
@given(data=st.data())
def test_randint(op, device, data):
    """Integers in [low, high) exactly (int64 by default); uniform over them by a chi-square
    test (one category per integer, or 100 bins of them)."""
    dtype = data.draw(st.none() | cs.dtypes([n for n in dt.ALL if n not in dt.COMPLEX], device=device), label="dtype")
    if op in ("torch.randint_like", "Tensor.random_") and dtype is None:
        dtype = dt.dtype("int64")
    result_dtype = dtype or dt.dtype("int64")
    bottom, top = _integer_range(result_dtype)
    low = 0 if op == "torch.randint(high)" else data.draw(st.integers(bottom, top - 1), label="low")
    high = data.draw(st.integers(max(low + 1, 1), top), label="high")
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    inputs = {"low": low, "high": high, "size": shape, "dtype": dtype}
    outcome = capture(lambda: RANDINT[op](shape, None if dtype is None else dtype.torch, device, low, high))
    values = tensor_to_numpy(assert_result(op, outcome, shape, result_dtype, device, inputs)).astype(np.float64)
    assert_support(
        op, (values >= low) & (values < high) & (values == np.round(values)), values, f"the integers in [{low}, {high})"
    )
    counts, probabilities = integer_bins(values, low, high)
    assert_fits(op, stats.chi_square_test(counts, probabilities), f"{result_dtype.name}, [{low}, {high}), seed {SEED}")


# ---------------------------------------------------------------------------
# randperm


PERMUTATION_DTYPES = ("int64", "int32", "int16", "uint8", "int8", "float32", "float64", "float16", "bfloat16")


@given(data=st.data())
def test_randperm_is_a_permutation(device, data):
    """randperm(n) holds each of 0..n-1 exactly once (int64 by default, or the dtype asked for,
    n within what it holds exactly)."""
    dtype = data.draw(st.none() | cs.dtypes(PERMUTATION_DTYPES, device=device), label="dtype")
    result_dtype = dtype or dt.dtype("int64")
    largest = {"uint8": 256, "int8": 128, "float16": 2048, "bfloat16": 256}.get(result_dtype.name, 5000)
    n = data.draw(st.integers(0, largest), label="n")
    kwargs = {} if dtype is None else {"dtype": dtype.torch}
    outcome = capture(lambda: torch.randperm(n, device=device, generator=generator(device), **kwargs))
    values = tensor_to_numpy(
        assert_result("torch.randperm", outcome, (n,), result_dtype, device, {"n": n, "dtype": dtype})
    )
    check_call(
        Check("torch.randperm sorted", {"n": n, "dtype": dtype}, device="cpu"),
        lambda: np.sort(values.astype(np.float64)),
        lambda: np.arange(n, dtype=np.float64),
        options=Options(check_device=False),
    )


@pytest.mark.parametrize("n", [4, 50, 1000])
def test_randperm_is_uniform(n, device):
    """Every ordering equally likely: for n = 4 the 24 orderings of 2,400 permutations by a
    chi-square test; for larger n the position of 0 and the first value, in 20 bins each."""
    g = generator(device)
    draws = 2400 if n == 4 else 1000
    rows = np.stack([tensor_to_numpy(torch.randperm(n, device=device, generator=g)) for _ in range(draws)])
    context = f"randperm({n}) x {draws}, seed {SEED}"
    if n == 4:
        index = {p: i for i, p in enumerate(permutations(range(4)))}
        counts = np.bincount([index[tuple(r)] for r in rows], minlength=24)
        assert_fits("torch.randperm orderings", stats.chi_square_test(counts, np.full(24, 1 / 24)), context)
        return
    bins = min(n, 20)
    for what, values in (("position of 0", np.argmax(rows == 0, axis=1)), ("first value", rows[:, 0])):
        counts = np.bincount(values * bins // n, minlength=bins)
        edges = (np.arange(bins + 1) * n + bins - 1) // bins
        assert_fits(f"torch.randperm {what}", stats.chi_square_test(counts, np.diff(edges) / n), context)


# ---------------------------------------------------------------------------
# bernoulli


BERNOULLI = {
    "torch.bernoulli": lambda p, dtype, device: torch.bernoulli(
        torch.as_tensor(p, dtype=dtype, device=device), generator=generator(device)
    ),
    "torch.bernoulli-p": lambda p, dtype, device: torch.bernoulli(
        torch.empty(np.shape(p), dtype=dtype, device=device),
        p=float(np.asarray(p).flat[0]),
        generator=generator(device),
    ),
    "Tensor.bernoulli_-p": lambda p, dtype, device: torch.empty(np.shape(p), dtype=dtype, device=device).bernoulli_(
        float(np.asarray(p).flat[0]), generator=generator(device)
    ),
    "Tensor.bernoulli_-tensor": lambda p, dtype, device: torch.empty(
        np.shape(p), dtype=dtype, device=device
    ).bernoulli_(torch.as_tensor(p, dtype=torch.float64, device=device), generator=generator(device)),
}
# a probability of 0, 1, or one that expects at least 10 draws of either value at N (the
# chi-square approximation asks for 5, and rounding p to float16 or bfloat16 moves it by 0.4%)
PROBABILITIES = st.sampled_from([0.0, 1.0]) | st.floats(1e-3, 1 - 1e-3)


@pytest.mark.parametrize("op", list(BERNOULLI))
@given(data=st.data())
def test_bernoulli(op, device, data):
    """Values 0 and 1 only, in the input's dtype; P(1) = p by a chi-square test (one p), or the
    count of ones against the sum of the p's by a z-test (one p per element)."""
    number = op in ("torch.bernoulli-p", "Tensor.bernoulli_-p")
    names = FLOATS if op == "torch.bernoulli" else [n for n in dt.ALL if n not in dt.COMPLEX]
    dtype = data.draw(cs.dtypes(names, device=device), label="dtype")
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    if number or data.draw(st.booleans(), label="one p"):
        p = np.full(shape, data.draw(PROBABILITIES, label="p"))
    else:
        rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="p seed"))
        p = rng.uniform(0, 1, shape)
    if op == "torch.bernoulli":  # the probabilities as the dtype holds them
        p = np.asarray(getattr(as_dtype(p, dtype), "values", as_dtype(p, dtype)), dtype=np.float64)
    inputs = {"p": "one" if np.all(p == p.flat[0]) else "per element", "dtype": dtype, "size": shape}
    outcome = capture(lambda: BERNOULLI[op](p, dtype.torch, device))
    if dtype.name in dt.LIMITED_UNSIGNED_INTS:  # limited support: no bernoulli kernel (no-kernel-for-dtype)
        refusal = Outcome(error=ExpectedError(NotImplementedError, "not implemented for 'UInt"))
        assert_conforms(outcome, refusal, Check(op, inputs, device=device))
        return
    values = tensor_to_numpy(assert_result(op, outcome, shape, dtype, device, inputs)).astype(np.float64)
    assert_support(op, (values == 0) | (values == 1), values, "{0, 1}")
    assert_support(op, (values == 1) | (p < 1), values, "1 where p = 1")
    assert_support(op, (values == 0) | (p > 0), values, "0 where p = 0")
    context = f"{dtype.name}, p {inputs['p']} (first {p.flat[0]:.6g}), seed {SEED}"
    if np.all(p == p.flat[0]):
        if 0 < p.flat[0] < 1:
            ones = int(values.sum())
            result = stats.chi_square_test([values.size - ones, ones], [1 - p.flat[0], p.flat[0]])
            assert_fits(op, result, context)
    else:
        assert_fits(op, stats.mean_test(values - p, 0.0, float(np.mean(p * (1 - p)))), context)


# ---------------------------------------------------------------------------
# multinomial


@st.composite
def _weights(draw) -> np.ndarray:
    """Category weights 0..10 (integers, so that the least likely category still expects 30 or
    more of N draws among 30 categories), at least one of them positive."""
    k = draw(st.integers(1, 30), label="categories")
    weights = draw(st.lists(st.integers(0, 10), min_size=k, max_size=k), label="weights")
    if not any(weights):
        weights[draw(st.integers(0, k - 1), label="positive category")] = 1
    return np.array(weights, dtype=np.float64)


@given(data=st.data())
def test_multinomial(device, data):
    """Indices in [0, k), never a category of weight 0, distinct within a row without
    replacement; with replacement the counts follow the weights (chi-square), without it the
    first draw of each row does."""
    dtype = data.draw(cs.dtypes(FLOATS, device=device), label="dtype")
    weights = data.draw(_weights(), label="weights")
    replacement = data.draw(st.booleans(), label="replacement")
    positive = int((weights > 0).sum())
    samples = data.draw(st.integers(1, 20 if replacement else positive), label="num_samples")
    rows = N if not replacement else max(1, N // samples)
    probs = torch.as_tensor(np.tile(weights, (rows, 1)), dtype=dtype.torch, device=device)
    inputs = {"weights": weights, "num_samples": samples, "replacement": replacement, "dtype": dtype}
    outcome = capture(lambda: torch.multinomial(probs, samples, replacement, generator=generator(device)))
    label = "torch.multinomial"
    values = tensor_to_numpy(assert_result(label, outcome, (rows, samples), dt.dtype("int64"), device, inputs))
    assert_support(label, (values >= 0) & (values < weights.size), values, f"[0, {weights.size})")
    assert_support(label, weights[values] > 0, values, "the categories of positive weight")
    if not replacement:
        distinct = np.array([len(set(row)) == samples for row in values])
        assert distinct.all(), f"support: {label} repeats a category without replacement: {values[~distinct][:2]}"
    drawn = values.ravel() if replacement else values[:, 0]
    counts = np.bincount(drawn, minlength=weights.size)
    context = f"{dtype.name}, weights {weights.tolist()}, seed {SEED}"
    assert_fits(label, stats.chi_square_test(counts, weights), context)


# ---------------------------------------------------------------------------
# The random *_like constructors, for every input dtype


LIKE = {
    "torch.rand_like": lambda t, **kw: torch.rand_like(t, **kw),
    "torch.randn_like": lambda t, **kw: torch.randn_like(t, **kw),
    "torch.randint_like": lambda t, **kw: torch.randint_like(t, 0, 2, **kw),
}
FLOATING = (*FLOATS, *dt.COMPLEX)


def _like_expected(op: str, dtype: dt.DType, shape) -> Outcome:
    """torch's documented rule: the input's dtype unless one is given; rand and randn draw
    floating or complex values only, randint real values only (randn refuses only where there
    is something to draw: an empty tensor is returned as it is; rand and randint check their
    bounds for the dtype first)."""
    if math.prod(shape) == 0 and op == "torch.randn_like":
        return Outcome(value=as_dtype(np.zeros(shape, dtype=dtype.numpy), dtype))
    if op != "torch.randint_like" and dtype.name not in FLOATING:
        return Outcome(error=ExpectedError(NotImplementedError, "not implemented for"))
    if op == "torch.randint_like" and dtype.is_complex:
        return Outcome(
            error=ExpectedError(RuntimeError, "check_random_bounds handles only integral, floating-point and boolean")
        )
    return Outcome(value=as_dtype(np.zeros(shape, dtype=dtype.numpy), dtype))


@pytest.mark.parametrize("op", list(LIKE))
@given(data=st.data())
def test_random_like(op, device, data):
    """rand_like/randn_like/randint_like of a tensor of every dtype and layout, with and without
    dtype=: the shape, the dtype (the input's, or the one asked for) and the device, or the
    refusal the dtype calls for."""
    source = data.draw(cs.dtypes(device=device), label="input dtype")
    shape = data.draw(cs.shapes(max_elements=256), label="shape")
    inp = data.draw(cs.array_inputs(source, shape), label="input")
    target = data.draw(st.none() | cs.dtypes(device=device), label="dtype")
    tensor = torch_backend(device).build(inp)
    kwargs = {} if target is None else {"dtype": target.torch}
    assert_conforms(
        capture(lambda: seeded(device, lambda: LIKE[op](tensor, **kwargs))),
        _like_expected(op, target or source, shape),
        Check(op, {"input": inp, "dtype": target}, device=device),
        SHAPE_ONLY,
    )


# ---------------------------------------------------------------------------
# Reproducibility


DRAWS = {
    "torch.rand": lambda g, d: torch.rand(64, device=d, generator=g),
    "torch.randn": lambda g, d: torch.randn(64, device=d, generator=g),
    "torch.randint": lambda g, d: torch.randint(0, 1000, (64,), device=d, generator=g),
    "torch.randperm": lambda g, d: torch.randperm(64, device=d, generator=g),
    "torch.normal": lambda g, d: torch.normal(torch.zeros(64, device=d), torch.ones(64, device=d), generator=g),
    "Tensor.uniform_": lambda g, d: torch.empty(64, device=d).uniform_(-2, 2, generator=g),
    "torch.bernoulli": lambda g, d: torch.bernoulli(torch.full((64,), 0.5, device=d), generator=g),
    "torch.multinomial": lambda g, d: torch.multinomial(torch.ones(64, device=d), 32, generator=g),
}


@pytest.mark.parametrize("op", list(DRAWS))
@given(seed=st.integers(0, 2**63 - 1))
def test_generator_reproducible(op, device, seed):
    """A generator's seed fixes the values: the same seed gives the same values, another seed
    others, get_state/set_state replays a draw, and drawing with a generator leaves the global
    RNG alone (the next global draw is the one manual_seed promised)."""
    draw = DRAWS[op]
    first = tensor_to_numpy(draw(generator(device, seed), device))
    again = generator(device, seed)
    state = again.get_state()
    second = tensor_to_numpy(draw(again, device))
    again.set_state(state)
    replay = tensor_to_numpy(draw(again, device))
    other = tensor_to_numpy(draw(generator(device, seed ^ 0x5DEECE66D), device))
    assert np.array_equal(first, second), f"values: {op} differs for one generator seed ({seed}) on {device}"
    assert np.array_equal(first, replay), f"values: {op} differs after Generator.set_state on {device}"
    assert not np.array_equal(first, other), f"values: {op} gives the same values for two generator seeds on {device}"

    def global_then(use_generator: bool):
        torch.manual_seed(seed)
        if use_generator:
            draw(generator(device, seed ^ 1), device)
        return tensor_to_numpy(draw(None, device))

    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        plain, after = global_then(False), global_then(True)
    assert np.array_equal(plain, after), f"values: drawing {op} with a generator moved the global RNG on {device}"


# ---------------------------------------------------------------------------
# Bad arguments, against NumPy's Generator


BAD_ARGUMENTS = {
    "normal-negative-std": (
        lambda d: torch.normal(0.0, -1.0, (3,), device=d),
        lambda rng: rng.normal(0.0, -1.0, 3),
    ),
    "normal-negative-std-tensor": (
        lambda d: torch.normal(torch.zeros(3, device=d), torch.tensor([1.0, -1.0, 1.0], device=d)),
        lambda rng: rng.normal(np.zeros(3), [1.0, -1.0, 1.0]),
    ),
    "normal_-negative-std": (lambda d: torch.empty(3, device=d).normal_(0, -1), lambda rng: rng.normal(0, -1, 3)),
    "uniform_-reversed-bounds": (lambda d: torch.empty(3, device=d).uniform_(2, 1), lambda rng: rng.uniform(2, 1, 3)),
    "bernoulli-p-above-one": (
        lambda d: torch.bernoulli(torch.tensor([1.5], device=d)),
        lambda rng: rng.binomial(1, 1.5, 1),
    ),
    "bernoulli-p-nan": (
        lambda d: torch.bernoulli(torch.tensor([math.nan], device=d)),
        lambda rng: rng.binomial(1, math.nan, 1),
    ),
    "bernoulli_-p-negative": (
        lambda d: torch.empty(3, device=d).bernoulli_(-0.1),
        lambda rng: rng.binomial(1, -0.1, 3),
    ),
    "multinomial-negative-weight": (
        lambda d: torch.multinomial(torch.tensor([1.0, -1.0], device=d), 1),
        lambda rng: rng.choice(2, 1, p=[2.0, -1.0]),
    ),
    "multinomial-zero-weights": (
        lambda d: torch.multinomial(torch.tensor([0.0, 0.0], device=d), 1),
        lambda rng: rng.choice(2, 1, p=[0.0, 0.0]),
    ),
    "multinomial-more-samples-than-categories": (
        lambda d: torch.multinomial(torch.tensor([1.0, 1.0], device=d), 3),
        lambda rng: rng.choice(2, 3, replace=False, p=[0.5, 0.5]),
    ),
    "multinomial-more-samples-than-positive-weights": (
        lambda d: torch.multinomial(torch.tensor([1.0, 0.0], device=d), 2),
        lambda rng: rng.choice(2, 2, replace=False, p=[1.0, 0.0]),
    ),
    "randperm-negative-n": (lambda d: torch.randperm(-1, device=d), lambda rng: rng.permutation(-1)),
}


@pytest.mark.parametrize("case", list(BAD_ARGUMENTS))
def test_bad_arguments(case, device):
    """Invalid distribution parameters: both sides refuse them (torch's error is recorded)."""
    torch_call, reference_call = BAD_ARGUMENTS[case]
    check_call(
        Check(case, {}, device=device),
        lambda: torch_call(device),
        lambda: reference_call(np.random.default_rng(SEED)),
        options=Options(check_values=False, check_device=False),
    )


def test_reference_backend_is_used():
    """The NumPy reference of this suite's statistics runs on the host, whatever the device."""
    assert reference_backend("cpu").xp is np
