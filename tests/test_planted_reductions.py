"""The reductions suite catches bugs planted in torch's reductions and scans (and passes without them)."""

from __future__ import annotations

import pytest
import torch
from planting import assert_plant_is_caught


def _cumprod_restarts_per_row(original):
    """A scan along a dim other than the innermost restarts at each row: nothing accumulates across rows."""

    def planted(x, dim, *args, **kwargs):
        result = original(x, dim, *args, **kwargs)
        if x.dim() >= 2 and dim % x.dim() != x.dim() - 1:
            return x.to(result.dtype).clone()
        return result

    return planted


def _all_of_nothing_is_false(original):
    def planted(x, *args, **kwargs):
        result = original(x, *args, **kwargs)
        if x.numel() == 0 and not args and "dim" not in kwargs:
            return torch.zeros_like(result)
        return result

    return planted


def _amin_reduces_the_last_dims(original):
    """amin over a tuple of dims reduces the last len(dims) dims instead of the ones named."""

    def planted(x, dim=None, *args, **kwargs):
        if isinstance(dim, tuple) and 1 < len(dim) < x.dim():
            dim = tuple(range(x.dim() - len(dim), x.dim()))
        return original(x, dim, *args, **kwargs) if dim is not None else original(x, *args, **kwargs)

    return planted


def _float16_sum_accumulates_in_float16(original):
    def planted(x, *args, **kwargs):
        if x.dtype == torch.float16 and not args and not kwargs and x.numel() <= 4096:
            total = torch.zeros((), dtype=torch.float16)
            for value in x.reshape(-1):
                total = total + value  # rounded to float16 at every step
            return total
        return original(x, *args, **kwargs)

    return planted


def _argmax_takes_the_last_tie(original):
    def planted(x, dim=None, keepdim=False):
        if dim is None:
            flipped = torch.flip(x.reshape(-1), (0,))
            return x.numel() - 1 - original(flipped)
        size = x.shape[dim]
        return size - 1 - original(torch.flip(x, (dim,)), dim, keepdim)

    return planted


def _stable_descending_sort_reverses_ties(original):
    def planted(x, *args, descending=False, stable=False, **kwargs):
        if stable and descending:
            dim = args[0] if args else kwargs.pop("dim", -1)
            values, indices = original(x, dim, stable=True)
            return torch.return_types.sort((torch.flip(values, (dim,)), torch.flip(indices, (dim,))))
        return original(x, *args, descending=descending, stable=stable, **kwargs)

    return planted


def _var_ignores_correction(original):
    def planted(x, *args, correction=None, **kwargs):
        return original(x, *args, **kwargs)

    return planted


def _nansum_propagates_nan(original):
    return lambda *args, **kwargs: torch.sum(*args, **kwargs)


def _topk_ignores_largest(original):
    def planted(x, k, *args, largest=True, **kwargs):
        return original(x, k, *args, **kwargs)

    return planted


def _logsumexp_without_shift(original):
    def planted(x, dim, keepdim=False, **kwargs):
        return torch.log(torch.sum(torch.exp(x), dim, keepdim=keepdim))

    return planted


def _mean_divides_by_the_first_dim(original):
    def planted(x, dim=None, keepdim=False, **kwargs):
        if isinstance(dim, tuple) and len(dim) > 1:
            return torch.sum(x, dim, keepdim=keepdim, **kwargs) / x.shape[dim[0]]
        return original(x, dim, keepdim=keepdim, **kwargs)

    return planted


def _max_drops_keepdim(original):
    def planted(x, *args, keepdim=False, **kwargs):
        return original(x, *args, **kwargs)

    return planted


def _median_takes_the_upper_middle(original):
    def planted(x, *args, **kwargs):
        if args or kwargs or x.numel() % 2 or not x.dtype.is_floating_point or x.isnan().any():
            return original(x, *args, **kwargs)
        return torch.sort(x.reshape(-1)).values[x.numel() // 2]

    return planted


def _cumsum_drops_the_vector_tail(original):
    """The vector loop of a scan longer than 64 leaves its scalar tail unaccumulated."""

    def planted(x, dim, *args, **kwargs):
        result = original(x, dim, *args, **kwargs)
        size = x.shape[dim] if x.dim() else 1
        if size > 64 and size % 64:
            cut = size - size % 64
            body = result.narrow(dim, cut - 1, 1)
            tail = result.narrow(dim, cut, size - cut)
            tail.copy_(body.expand_as(tail))
        return result

    return planted


def _sum_misreads_strided_input(original):
    def planted(x, *args, **kwargs):
        if x.dim() and not x.is_contiguous() and x.numel() > 1:
            strides, size = [], 1
            for n in reversed(x.shape):
                strides.insert(0, size)
                size *= n
            x = torch.as_strided(x, x.shape, strides, x.storage_offset())  # reads the wrong elements
        return original(x, *args, **kwargs)

    return planted


def _sum_out_is_not_written(original):
    def planted(x, *args, out=None, **kwargs):
        result = original(x, *args, **kwargs)
        return result if out is None else out  # out comes back untouched

    return planted


def _cumsum_gradient_not_reversed(original):
    class CumSum(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, dim):
            ctx.dim = dim
            return original(x, dim)

        @staticmethod
        def backward(ctx, grad):
            return original(grad, ctx.dim), None  # a forward scan of the gradient, where a reversed one is due

    def planted(x, dim, *args, **kwargs):
        if x.requires_grad and not args and not kwargs:
            return CumSum.apply(x, dim)
        return original(x, dim, *args, **kwargs)

    return planted


SPECIAL = "test_special_values and "
PLANTS = {
    "cumprod restarts per row": (torch, "cumprod", _cumprod_restarts_per_row, SPECIAL + "cumprod"),
    "all() of an empty tensor is False": (torch, "all", _all_of_nothing_is_false, SPECIAL + "all-of-an-empty"),
    "amin(dim=(0, 1)) reduces the wrong dims": (torch, "amin", _amin_reduces_the_last_dims, SPECIAL + "amin"),
    "float16 sum accumulates in float16": (torch, "sum", _float16_sum_accumulates_in_float16, SPECIAL + "float16"),
    "argmax returns the last tie": (torch, "argmax", _argmax_takes_the_last_tie, SPECIAL + "argmax"),
    "stable descending sort reverses ties": (
        torch,
        "sort",
        _stable_descending_sort_reverses_ties,
        SPECIAL + "stable-descending",
    ),
    "var ignores correction": (torch, "var", _var_ignores_correction, SPECIAL + "var-with"),
    "nansum propagates NaN": (torch, "nansum", _nansum_propagates_nan, SPECIAL + "nansum"),
    "topk ignores largest=False": (torch, "topk", _topk_ignores_largest, SPECIAL + "topk-smallest"),
    "logsumexp without the max shift overflows": (torch, "logsumexp", _logsumexp_without_shift, SPECIAL + "large"),
    "mean over two dims divides by one": (torch, "mean", _mean_divides_by_the_first_dim, SPECIAL + "mean-over"),
    "max over a dim drops keepdim": (torch, "max", _max_drops_keepdim, SPECIAL + "keepdim"),
    "median takes the upper middle": (torch, "median", _median_takes_the_upper_middle, SPECIAL + "even-count"),
    "cumsum leaves the vector loop's tail out": (
        torch,
        "cumsum",
        _cumsum_drops_the_vector_tail,
        "test_against_reference and cumsum and not cumprod",
    ),
    "sum misreads a strided input": (
        torch,
        "sum",
        _sum_misreads_strided_input,
        "test_against_reference and sum and not nan and not log and not cum",
    ),
    "sum leaves out= unwritten": (
        torch,
        "sum",
        _sum_out_is_not_written,
        "test_out and sum and not nan and not log and not cum",
    ),
    "cumsum's gradient runs forward": (
        torch,
        "cumsum",
        _cumsum_gradient_not_reversed,
        "test_gradient and cumsum and not cumprod",
    ),
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_planted_bug_fails_the_suite(pytester, monkeypatch, plant):
    target, name, make, selection = PLANTS[plant]
    assert_plant_is_caught(pytester, monkeypatch, target, name, make, "reductions", selection)


@pytest.mark.parametrize("profile", ["dev", "ci"])
def test_cumsum_tail_fails_the_vector_width_lengths(pytester, monkeypatch, profile):
    """`test_vector_width_lengths` scans 65, 129 and 200 nonzero values: a dropped tail fails it
    under any profile, where the drawn tests meet a SIMD tail of nonzero finite values in only
    some of a short run's draws."""
    target, name, make, _ = PLANTS["cumsum leaves the vector loop's tail out"]
    assert_plant_is_caught(
        pytester, monkeypatch, target, name, make, "reductions", "test_vector_width_lengths and cumsum-", profile
    )
