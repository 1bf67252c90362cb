"""Known divergences of random (suites/test_random.py): random distributions and their arguments."""

from __future__ import annotations

import numpy as np

from conformance.divergences import KnownDivergence, Raises, Returns

# The bad-argument cases of suites/test_random.py where torch refuses with RuntimeError what
# NumPy's Generator refuses with ValueError, and the message torch gives for each.
_PARAMETER_ERRORS = {
    "normal-negative-std": "normal expects std >= 0.0",
    "normal-negative-std-tensor": "normal expects all elements of std >= 0.0",
    "normal_-negative-std": "normal expects std >= 0.0",
    "uniform_-reversed-bounds": r"uniform_ expects to return a \[from, to\) range",
    "bernoulli-p-above-one": "Expected p_in >= 0 && p_in <= 1",
    "bernoulli-p-nan": "Expected p_in >= 0 && p_in <= 1",
    "bernoulli_-p-negative": r"bernoulli_ expects p to be in \[0, 1\]",
    "multinomial-negative-weight": "probability tensor contains either `inf`, `nan` or element < 0",
    "multinomial-zero-weights": r"invalid multinomial distribution \(sum of probabilities <= 0\)",
    "multinomial-more-samples-than-categories": "cannot sample n_sample > prob_dist.size\\(-1\\) samples without replacement",
}

ENTRIES: list[KnownDivergence] = [
    *(
        KnownDivergence(
            id=f"random-parameter-error-{case}",
            ops=(case,),
            summary="torch refuses an invalid distribution parameter with RuntimeError; NumPy's Generator with ValueError",
            example="torch.normal(0.0, -1.0, (3,))  # RuntimeError: normal expects std >= 0.0; np.random.default_rng().normal(0, -1, 3)  # ValueError",
            reason="torch checks distribution parameters with TORCH_CHECK, which raises RuntimeError",
            torch_gives=Raises(RuntimeError, message),
            link="https://pytorch.org/docs/stable/generated/torch.normal.html",
        )
        for case, message in _PARAMETER_ERRORS.items()
    ),
    KnownDivergence(
        id="multinomial-draws-zero-weight-categories",
        ops=("multinomial-more-samples-than-positive-weights",),
        summary=(
            "multinomial without replacement draws categories of weight 0 once the others are used up; NumPy "
            "refuses (Fewer non-zero entries in p than size)"
        ),
        example="torch.multinomial(torch.tensor([1.0, 0.0]), 2)  # tensor([0, 1]); np.random.default_rng().choice(2, 2, replace=False, p=[1, 0])  # ValueError",
        reason=(
            "the docs require num_samples to be at most the number of non-zero weights without replacement, but "
            "torch does not check it"
        ),
        torch_gives=Returns(
            lambda check, reference: np.zeros(2, dtype=np.int64),
            "two indices (values not compared)",
            where_reference_raises=True,
        ),
        link="https://pytorch.org/docs/stable/generated/torch.multinomial.html",
    ),
    KnownDivergence(
        id="randperm-negative-n",
        ops=("randperm-negative-n",),
        summary="randperm(-1) raises RuntimeError; NumPy's permutation(-1) returns an empty array",
        example="torch.randperm(-1)  # RuntimeError: Trying to create tensor with negative dimension -1; np.random.default_rng().permutation(-1)  # []",
        reason="torch sizes the result by n, and a negative size is refused; NumPy permutes range(n), which is empty",
        torch_gives=Raises(RuntimeError, "negative dimension"),
        link="https://pytorch.org/docs/stable/generated/torch.randperm.html",
    ),
    KnownDivergence(
        id="complex-normal-mean-on-both-parts",
        ops=("Tensor.normal_ imaginary part", "torch.normal(mean, std, size) imaginary part"),
        summary=(
            "normal_(mean, std) and normal(mean, std, size) of a complex dtype draw both parts around `mean`: "
            "mean + mean*1j, not the complex normal of mean `mean` (mean + 0j)"
        ),
        example=(
            "torch.empty(10**5, dtype=torch.complex64).normal_(3.0, 2.0).imag.mean()  # about 3.0 (0.0 for a "
            "complex normal of mean 3); torch.normal(torch.full((10**5,), 3 + 0j), 2.0).imag.mean()  # about 0.0"
        ),
        reason=(
            "for a complex tensor torch draws normal_(mean, std / sqrt(2)) into view_as_real(self), so the real "
            "mean reaches both parts; the overloads with a mean tensor add the complex mean itself"
        ),
        torch_gives=Returns(
            lambda check, reference: {"the mean of the imaginary part's law": check.inputs["mean"]},
            "the imaginary part's law has mean `mean`",
        ),
        when=lambda check: check.inputs["mean"] != 0,
        link="https://pytorch.org/docs/stable/generated/torch.Tensor.normal_.html",
    ),
]
