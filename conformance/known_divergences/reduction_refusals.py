"""Known divergences of reductions and scans that torch refuses (suites/test_reductions.py): calls
both sides refuse, torch with another error class than NumPy (`SITUATIONS`), dtypes torch has
no kernel for, and a quantile of no elements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from conformance.check import Check
from conformance.divergences import KnownDivergence, Returns
from conformance.known_divergences.reduction_checks import arguments as _arguments
from conformance.known_divergences.reduction_checks import is_forward as _is_forward
from conformance.known_divergences.reduction_checks import labels as _labels
from conformance.known_divergences.reduction_checks import reads_every_dim as _reads_every_dim
from conformance.known_divergences.reduction_checks import reduction as _reduction
from conformance.known_divergences.reduction_checks import refusal as _refusal
from conformance.known_divergences.reduction_checks import x_of as _x
from conformance.known_divergences.reduction_checks import zero_dim_with_dims as _zero_dim_with_dims
from conformance.outcomes import ExpectedError, Outcome


@dataclass(frozen=True)
class Situation:
    """A call both sides refuse, torch with another exception class than NumPy: how each side
    says it (class and message), so that the registry expects torch's error there."""

    id: str
    summary: str
    example: str
    torch_error: type[BaseException]
    torch_match: str
    reference_error: type[BaseException] | tuple[type[BaseException], ...]
    reference_match: str
    # where torch checks this before anything else: the calls it refuses so whatever else is wrong
    first: Callable[[Check], bool] | None = None

    def matches(self, error: BaseException | None) -> bool:
        return isinstance(error, self.reference_error) and re.search(self.reference_match, str(error)) is not None

    def applies(self, check: Check) -> bool:
        """The reference refused the call this way, or torch refuses it so before anything else."""
        refused = check.reference is not None and check.reference.raised
        return refused and (self.matches(check.reference.error) or bool(self.first and self.first(check)))


# the reductions with no identity: over no elements they have no value
_NO_IDENTITY = ("amax", "amin", "max", "min", "argmax", "argmin", "median", "nanmedian")

SITUATIONS = (
    Situation(
        "dim-out-of-range-is-index-error",
        "a dim out of range raises IndexError in torch, AxisError (a ValueError first) in NumPy",
        "torch.sum(torch.ones(2), 1)  # IndexError: Dimension out of range; np.sum(np.ones(2), 1)  # AxisError",
        IndexError,
        r"Dimension out of range",
        np.exceptions.AxisError,
        r"out of bounds",
    ),
    Situation(
        "repeated-dim-is-runtime-error",
        "a dim repeated in a tuple raises RuntimeError in torch, ValueError in NumPy",
        "torch.sum(torch.ones(2, 2), (0, -2))  # RuntimeError: dim 0 appears multiple times; NumPy: ValueError",
        RuntimeError,
        r"appears multiple times in the list of dims",
        ValueError,
        r"duplicate value in 'axis'",
    ),
    Situation(
        "empty-reduction-error-class",
        "a reduction with no identity over no elements raises RuntimeError or IndexError in torch, ValueError in NumPy",
        "torch.amax(torch.ones(0))  # RuntimeError: Expected reduction dim to be specified; np.amax([])  # ValueError",
        (RuntimeError, IndexError),
        r"Expected reduction dim",
        ValueError,
        r"zero-size array to reduction operation|attempt to get arg(max|min) of an empty sequence",
        # torch checks for no elements before it checks the dims (amin(x[0], dim=(0, 0)))
        first=lambda check: _reduction(check).name in _NO_IDENTITY and _x(check).values.size == 0,
    ),
    Situation(
        "topk-k-out-of-range-is-runtime-error",
        "topk with k beyond the dim's size raises RuntimeError; NumPy's partition refuses such a kth with ValueError",
        "torch.topk(torch.ones(2), 3)  # RuntimeError: selected index k out of range; np.partition(np.ones(2), 2)  # ValueError",
        RuntimeError,
        r"selected index k out of range",
        ValueError,
        r"kth\(=-?\d+\) out of bounds",
    ),
    Situation(
        "quantile-q-out-of-range-is-runtime-error",
        "quantile with q outside [0, 1] raises RuntimeError in torch, ValueError in NumPy",
        "torch.quantile(torch.ones(2), 1.5)  # RuntimeError; np.quantile(np.ones(2), 1.5)  # ValueError",
        RuntimeError,
        r"q (values )?must be in the range \[0, 1\]",
        ValueError,
        r"Quantiles must be in the range \[0, 1\]",
    ),
    Situation(
        "quantile-of-nothing-is-runtime-error",
        "quantile of no elements raises RuntimeError in torch, IndexError in NumPy",
        "torch.quantile(torch.ones(0), 0.5)  # RuntimeError: input tensor must be non-empty; NumPy: IndexError",
        RuntimeError,
        r"must be non-empty",
        IndexError,
        r"out of bounds for axis",
        first=lambda check: _reduction(check).name == "quantile" and _x(check).values.size == 0,
    ),
)


def torch_refusal(check: Check, error: BaseException | None) -> Outcome | None:
    """torch's documented error where the reference raised `error`: the situation's, or the
    op's dtype refusal (torch may check the dtype first), or either."""
    situations = [s for s in SITUATIONS if s.matches(error) or (s.first and _is_forward(check) and s.first(check))]
    refusal = _reduction(check).refusal(_x(check), _arguments(check)) if _reduction(check) else None
    classes: list[type[BaseException]] = []
    patterns: list[str] = []
    for situation in situations:
        classes += list(situation.torch_error) if isinstance(situation.torch_error, tuple) else [situation.torch_error]
        patterns.append(situation.torch_match)
    if refusal is not None:
        classes += [RuntimeError, NotImplementedError]
        patterns.append(refusal.match)
    if not classes:
        return None
    return Outcome(error=ExpectedError(tuple(classes), "|".join(patterns)))


def refused(check: Check, reference: object) -> Outcome:
    return Outcome(error=ExpectedError((RuntimeError, NotImplementedError), _refusal(check).match))


def _refused_where_computed(check: Check) -> bool:
    """A dtype refusal where the reference computes a result (where it raises too, the situation's
    entry expects either error; where torch reads dim=() or a 0-d input its own way, that entry's
    model says which error torch raises first)."""
    return (
        _refusal(check) is not None
        and check.reference is not None
        and not check.reference.raised
        and not _reads_every_dim(check)
        and not _zero_dim_with_dims(check)
        and not (_reduction(check).name == "quantile" and _x(check).values.size == 0)  # its own entry's
    )


def _situation_entry(situation: Situation) -> KnownDivergence:
    return KnownDivergence(
        id=situation.id,
        ops=_labels(),
        summary=situation.summary,
        example=situation.example,
        reason="both sides refuse the call; torch's class for it differs from NumPy's, and conformance.errors "
        "has no general row for the pair",
        torch_gives=Returns(
            lambda check, reference: torch_refusal(check, check.reference.error),
            f"torch raises {situation.torch_match!r} (or the op's dtype refusal)",
            where_reference_raises=situation.reference_error,
        ),
        when=lambda check: _is_forward(check) and situation.applies(check),
        link="https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/WrapDimUtils.h",
    )


ENTRIES: list[KnownDivergence] = [
    *(_situation_entry(situation) for situation in SITUATIONS),
    KnownDivergence(
        id="reduction-dtype-refused",
        ops=_labels(),
        summary="torch has no kernel for some reduction/dtype pairs NumPy computes (each entry's `refuses`)",
        example=(
            "torch.mean(torch.tensor([1, 2]))  # RuntimeError: mean(): could not infer output dtype; "
            "torch.sort(torch.tensor([1j]))  # RuntimeError; np.mean([1, 2]) == 1.5"
        ),
        reason=(
            "torch computes the mean, variance and quantiles of floating and complex tensors only, orders no "
            "complex values (sort, topk, max, argmax, median, unique), and has few kernels for uint16/32/64"
        ),
        torch_gives=Returns(refused, "the op's refusal, with its message"),
        when=_refused_where_computed,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
]

QUANTILE_OF_NO_ELEMENTS = KnownDivergence(
    id="quantile-refuses-no-elements",
    ops=_labels(("quantile",)),
    summary="quantile refuses an input with no elements even where its result has none (NumPy returns it empty)",
    example="torch.quantile(torch.ones(2, 0), 0.5, dim=0)  # RuntimeError: input tensor must be non-empty; "
    "np.quantile(np.ones((2, 0)), 0.5, axis=0)  # array([])",
    reason="torch checks that the input has elements before it looks at dim",
    torch_gives=Returns(
        lambda check, reference: Outcome(error=ExpectedError(RuntimeError, r"must be non-empty")),
        "RuntimeError: quantile() input tensor must be non-empty",
    ),
    when=lambda check: (
        _is_forward(check) and _x(check).values.size == 0 and check.reference is not None and not check.reference.raised
    ),
    link="https://pytorch.org/docs/stable/generated/torch.quantile.html",
)
