"""Reductions and scans of the catalog: forms, references, dtypes, the arguments each takes,
what torch promises of its result, and gradients.

A `Reduction` is an `Op` that also says which arguments its forms take (how `dim` may be
given, keepdim, `dtype=`, `out=`, and options such as `correction` or `k`), which dtypes torch
refuses and with what message, the error bound its floating result is held to, and how a
result whose tie-breaking torch leaves open is compared (`canonical`). `strategies.reductions`
draws the arguments from these fields and `suites/test_reductions.py` runs every entry; the
entries with a `gradient` (those whose forms take `dim=None` or an int) are also in the
autograd suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.ops import derivatives as d
from conformance.ops import reduction_references as ref
from conformance.ops import reduction_results as results
from conformance.ops.types import UNARY, Form, Gradient, Op, function, method, within
from conformance.tolerances import EXACT, Tolerance

# How `dim` may be given: left out, None, an int, a tuple of ints; "other" is torch.max(x, other).
EVERY_DIM = ("absent", "none", "int", "tuple")


def _dims_named(x: ArrayInput, arguments: dict) -> tuple[int, ...] | None:
    """The dims a dim argument names (None where none is given, or dim=() which torch reads as none)."""
    dim = arguments.get("dim")
    if dim is None or dim == ():
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(d % max(x.values.ndim, 1) for d in dims)


def always(x: ArrayInput, arguments: dict) -> bool:
    """An explicit check of the dtype: torch refuses whatever the input holds."""
    return True


def kernel_runs(x: ArrayInput, arguments: dict) -> bool:
    """A kernel torch lacks is reached only where some element reaches it: not for no elements."""
    return x.values.size > 0


def kernel_runs_but_for_0d_dims(x: ArrayInput, arguments: dict) -> bool:
    """The dim forms of max and min, and the scans, copy a 0-d input along dim 0 or -1."""
    return kernel_runs(x, arguments) and not (x.shape == () and arguments.get("dim") is not None)


def kernel_runs_but_over_one(x: ArrayInput, arguments: dict) -> bool:
    """argmax and argmin over a dim of size 1 (of a tensor with dims) are zeros, no kernel runs."""
    dims = _dims_named(x, arguments)
    over_one = bool(x.shape) and dims is not None and all(x.shape[d] == 1 for d in dims)
    return kernel_runs(x, arguments) and not over_one


def median_kernel_reached(x: ArrayInput, arguments: dict) -> bool:
    """median's dim form is refused even with no elements (but over a dim of size 0, which it
    refuses first with IndexError); its whole-tensor form only where some element reaches it."""
    dim = arguments.get("dim")
    if dim is None:
        return kernel_runs(x, arguments)
    shape = x.shape
    return not (shape and -len(shape) <= dim < len(shape) and shape[dim] == 0)


def not_0d(x: ArrayInput, arguments: dict) -> bool:
    """topk copies a 0-d input (along its default dim -1, too)."""
    return x.shape != ()


def whole_tensor_only(x: ArrayInput, arguments: dict) -> bool:
    """count_nonzero of the whole tensor has a kernel of its own (refused even for no elements);
    over dims it is a comparison and a sum, which torch has."""
    return _dims_named(x, arguments) is None


@dataclass(frozen=True)
class Refusal:
    """Dtypes for which torch refuses the op, and the message it raises with. `on` says whose
    dtype: "computed" (the `dtype=` argument where one is given, else the input's: mean of ints
    is refused, mean of ints with dtype=float32 is not), "input" (nanmean refuses integer inputs
    whatever dtype= says) or "argument" (sum takes uint16 inputs, not dtype=uint16). `reached`
    says for which inputs torch gets as far as refusing (measured per op: a kernel torch lacks is
    not reached by no elements)."""

    dtypes: tuple[str, ...]
    match: str
    on: str = "computed"
    reached: Callable[[ArrayInput, dict], bool] = always
    # the input dtypes it concerns, where not every one (nansum of integers with dtype=complex64
    # is a sum, which torch has; of floats, a nansum it has no complex kernel for)
    from_inputs: tuple[str, ...] = ()
    # the argument that selects the overload it concerns (max's `other`: the elementwise kernel)
    given: str | None = None

    def applies(self, x: ArrayInput, arguments: dict) -> bool:
        argument = arguments.get("dtype")
        if self.on == "input":
            named = x.dtype.name in self.dtypes
        elif self.on == "argument":
            named = argument is not None and argument.name in self.dtypes
        else:
            named = (argument or x.dtype).name in self.dtypes
        if not named or (self.from_inputs and x.dtype.name not in self.from_inputs):
            return False
        if self.given and self.given not in arguments:
            return False
        return self.reached(x, arguments)


def split_arguments(arguments: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A draw's arguments split as a check records them: the tensor ones (`other`, a tensor `q`)
    join x among the inputs, built on both sides; the rest (dim, keepdim, dtype=, correction, k,
    ...) are the check's keyword arguments, which messages and reproducers show by name."""
    tensors = {name: value for name, value in arguments.items() if isinstance(value, ArrayInput)}
    plain = {name: value for name, value in arguments.items() if name not in tensors}
    return tensors, plain


def arguments_of(check) -> dict[str, Any]:
    """Every argument of a reduction's check (its keyword arguments and its tensor inputs other
    than `x`), as the draw gave them."""
    return {**dict(check.arguments), **{name: v for name, v in check.inputs.items() if name != "x"}}


@dataclass(frozen=True)
class Reduction(Op):
    """An `Op` that reduces or scans one input, with what its arguments and results need."""

    dims: tuple[str, ...] = EVERY_DIM
    keepdim: bool = True
    # the dtypes `dtype=` is drawn from (those the input casts to within its kind); () for none
    dtype_argument: tuple[str, ...] = ()
    out: bool = True
    # further keyword arguments, drawn by name in strategies.reductions ("correction", "k", ...)
    options: tuple[str, ...] = ()
    # the error bound of a floating result, bound(values, dtype name, arguments); None: exact
    accuracy: Callable[[np.ndarray, str, dict], Tolerance] | None = None
    # torch's result in a comparable form, canonical(result, x, arguments), where torch leaves
    # tie-breaking or order open; the reference returns that form
    canonical: Callable[[Any, ArrayInput, dict], Any] | None = None
    refuses: tuple[Refusal, ...] = ()
    # whether torch defines a gradient (compared with finite differences of the reference)
    differentiable: bool = False
    # whether the result drops the dims it runs over (sum, argmax); False where it keeps the
    # input's shape along them (cumsum, sort, topk)
    reduces: bool = True
    # the dim an op runs along where none is given (sort, topk: -1); None: every dim
    default_dim: int | None = None

    def reduce(self, xp, x, **arguments):
        """The reference on x with torch's arguments, `dtype=` included (which `Op.reference`
        keeps for the dtype its arrays stand for)."""
        return self.ref(xp, x, **arguments)

    def tolerance(self, x: ArrayInput, arguments: dict) -> Tolerance | None:
        """The bound of a floating result; exact (None: integers compared as integers) otherwise."""
        if self.accuracy is None:
            return None if x.dtype.is_integral else EXACT
        return self.accuracy(np.asarray(x.values), x.dtype.name, arguments)

    def refusal(self, x: ArrayInput, arguments: dict) -> Refusal | None:
        """The refusal that applies to the input x with these arguments, if any."""
        return next(
            (refusal for refusal in self.refuses if refusal.applies(x, arguments)),
            None,
        )


# ---------------------------------------------------------------------------
# Gradients the autograd suite checks (forms that take dim=None or an int; amin's ties would
# fail its finite-difference self-test, so amin's gradient is checked here only, on distinct values)


def _gradient(vjp, scale=None) -> Gradient:
    return Gradient(vjp=vjp, domain=within(), scale=scale)


def std_scale(v, x, dim=None, ddof=1) -> float:
    """std's backward forms v (x - mean) / ((n - ddof) std): x - mean carries the rounding of the
    mean, relative to |x|, so its terms are of size |v| |x| / ((n - ddof) std), far above the
    gradient where the spread is small beside |x|. Measured on torch 2.13.0 (CPU): the gradient of
    torch.std of float32 [47.96625, 47.96875] is [-0.706026, 0.708185], where the exact one is
    +-0.707107, an error of 1.08e-3; centred_scale's term (2 |x| / (n - ddof) = 96, times float32's
    rtol 1.3e-6: 1.2e-4) would call that a divergence, this one (|x| / std = 27134: 0.035) does not.
    The error is the function's condition there (the gradient of std is ill-conditioned where the
    spread is small), not torch's. Slices with std 0 (no gradient: torch gives 0) are left out."""
    count = x.size if dim is None else x.shape[dim]
    with np.errstate(all="ignore"):
        spread = np.std(x, axis=dim, ddof=ddof, keepdims=True)
        terms = np.abs(d.reduced_back(v, x, dim)) * np.abs(x) / (max(count - ddof, 1) * spread)
    terms = terms[np.isfinite(terms)]
    return max(float(terms.max()) if terms.size else 0.0, d.centred_scale(v, x, dim, ddof))


# ---------------------------------------------------------------------------
# Dtypes and refusals

LIMITED = dt.LIMITED_UNSIGNED_INTS
INTEGRAL = dt.INTEGRAL
NOT_FLOATING = (*dt.INTEGRAL,)
FLOATING = (*dt.FLOATS, *dt.COMPLEX)
_NO_KERNEL = r"not implemented for"


def no_kernel(dtypes: tuple[str, ...], *, reached=kernel_runs, on: str = "computed", **fields) -> Refusal:
    """torch has no kernel for these dtypes ("... not implemented for 'UInt16'")."""
    return Refusal(dtypes, _NO_KERNEL, on=on, reached=reached, **fields)


# sums and products of uint16/32/64 inputs give int64, but dtype=uint16/32/64 asks for a kernel torch lacks
_LIMITED_DTYPE_ARGUMENT = no_kernel(LIMITED, on="argument")
# nansum (and nanmean, through it) refuses complex inputs outright, and has no complex kernel
# for a floating input with dtype=complex64 (integers with it are a plain sum)
_NANSUM_COMPLEX = (
    Refusal(dt.COMPLEX, r"nansum on CPU does not support complex inputs", on="input"),
    no_kernel(dt.COMPLEX, on="argument", from_inputs=dt.FLOATS),
)
# minimum/maximum, behind max(x, other) and min(x, other), refuse uint16/32/64 even with no elements
_ELEMENTWISE_EXTREME = (
    no_kernel(LIMITED, reached=always, given="other"),
    Refusal(dt.COMPLEX, r"(maximum|minimum) not implemented for complex tensors", given="other"),
)
# max and min: over a dim, an explicit check refuses complex inputs; of the whole tensor, no kernel
_EXTREME_REFUSALS = (
    *_ELEMENTWISE_EXTREME,
    Refusal(dt.COMPLEX, r"(max|min)\(\): does not support complex input", given="dim"),
    no_kernel((*LIMITED, *dt.COMPLEX), reached=kernel_runs_but_for_0d_dims),
)
# cumsum and cumprod have no kernel that writes bool either
_SCAN_DTYPE_ARGUMENT = no_kernel(("bool", *LIMITED), on="argument", reached=kernel_runs_but_for_0d_dims)


def _complex_well_conditioned(position: int, dtype: dt.DType) -> dict:
    """Complex values of moderate magnitude: the registry's complex-extremal-values entry marks the
    elements of an elementwise result computed from extremal inputs, and a reduction has no such
    elements (it mixes them); complex extremal arithmetic is the elementwise suite's subject, and
    each part of a complex sum is a real sum, which the floating dtypes check with every value."""
    return {"well_conditioned": True} if dtype.is_complex else {}


def reduction(name: str, reference, dtypes=dt.ALL, *, method_name: str | None = None, gradient=None, **fields):
    """A `Reduction` with its function and method forms."""
    forms = (function(name), method(method_name or name))
    return Reduction(
        name,
        forms,
        reference,
        dtypes,
        UNARY,
        family="reduction",
        shapes="reduction",
        gradient=gradient,
        domain=_complex_well_conditioned,
        **fields,
    )


_SUM_DTYPES = dt.ALL  # dtype= of sum/prod/cumsum/cumprod: any dtype the input casts to within its kind
_MEAN_DTYPES = (*dt.FLOATS, *dt.COMPLEX)

OPS: tuple[Op, ...] = (
    reduction(
        "sum",
        ref.sum_,
        gradient=_gradient(d.sum_vjp),
        dtype_argument=_SUM_DTYPES,
        accuracy=ref.sum_bound,
        refuses=(_LIMITED_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "mean",
        ref.mean,
        gradient=_gradient(d.mean_vjp),
        dtype_argument=_MEAN_DTYPES,
        accuracy=lambda values, dtype, arguments: ref.sum_bound(values, dtype, arguments, divide=True),
        refuses=(Refusal(INTEGRAL, r"mean\(\): could not infer output dtype"),),
        differentiable=True,
    ),
    reduction(
        "var",
        ref.var,
        gradient=_gradient(d.var_vjp, d.centred_scale),
        options=("correction",),
        accuracy=ref.variance_bound,
        refuses=(Refusal(INTEGRAL, r"std and var only support floating point and complex dtypes"),),
        differentiable=True,
    ),
    reduction(
        "std",
        ref.std,
        gradient=_gradient(d.std_vjp, std_scale),
        options=("correction",),
        accuracy=lambda values, dtype, arguments: ref.variance_bound(values, dtype, arguments, root=True),
        refuses=(Refusal(INTEGRAL, r"std and var only support floating point and complex dtypes"),),
        differentiable=True,
    ),
    reduction(
        "amax",
        ref.amax,
        gradient=_gradient(d.amax_vjp),
        refuses=(no_kernel((*LIMITED, *dt.COMPLEX)),),
        differentiable=True,
    ),
    reduction(
        "amin",
        ref.amin,
        refuses=(no_kernel((*LIMITED, *dt.COMPLEX)),),
        differentiable=True,
    ),
    reduction(
        "nansum",
        ref.nansum,
        gradient=_gradient(d.sum_vjp),
        dtype_argument=_SUM_DTYPES,
        accuracy=ref.sum_bound,
        refuses=(_LIMITED_DTYPE_ARGUMENT, *_NANSUM_COMPLEX),
        differentiable=True,
    ),
    reduction(
        "nanmean",
        ref.nanmean,
        gradient=_gradient(d.mean_vjp),
        dtype_argument=_MEAN_DTYPES,
        accuracy=lambda values, dtype, arguments: ref.sum_bound(values, dtype, arguments, divide=True),
        refuses=(
            Refusal(INTEGRAL, r"nanmean\(\): expected input to have floating point or complex dtype", on="input"),
            *_NANSUM_COMPLEX,
        ),
        differentiable=True,
    ),
    reduction(
        "prod",
        ref.prod,
        dims=("absent", "int"),
        dtype_argument=_SUM_DTYPES,
        accuracy=ref.product_bound,
        refuses=(_LIMITED_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "logsumexp",
        ref.logsumexp,
        dims=("int", "tuple"),
        accuracy=ref.logsumexp_bound,
        differentiable=True,
    ),
    reduction(
        "max",
        ref.max_,
        dims=("absent", "int", "other"),
        refuses=_EXTREME_REFUSALS,
        differentiable=True,
    ),
    reduction(
        "min",
        ref.min_,
        dims=("absent", "int", "other"),
        refuses=_EXTREME_REFUSALS,
        differentiable=True,
    ),
    reduction(
        "argmax",
        ref.argmax,
        dims=("absent", "none", "int"),
        refuses=(
            no_kernel(LIMITED, reached=kernel_runs_but_over_one),
            Refusal(("bool",), r"argmax\(\): does not support bool input"),
            Refusal(dt.COMPLEX, r"argmax\(\): does not support complex input"),
        ),
    ),
    reduction(
        "argmin",
        ref.argmin,
        dims=("absent", "none", "int"),
        refuses=(
            no_kernel(LIMITED, reached=kernel_runs_but_over_one),
            Refusal(("bool",), r"argmin\(\): does not support bool input"),
            Refusal(dt.COMPLEX, r"argmin\(\): does not support complex input"),
        ),
    ),
    reduction("all", ref.all_),
    reduction("any", ref.any_),
    reduction(
        "count_nonzero",
        ref.count_nonzero,
        keepdim=False,
        out=False,
        refuses=(no_kernel(LIMITED, reached=whole_tensor_only),),
    ),
    reduction(
        "cumsum",
        ref.cumsum,
        reduces=False,
        dims=("int",),
        keepdim=False,
        dtype_argument=_SUM_DTYPES,
        accuracy=ref.scan_bound,
        refuses=(_SCAN_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "cumprod",
        ref.cumprod,
        reduces=False,
        dims=("int",),
        keepdim=False,
        dtype_argument=_SUM_DTYPES,
        accuracy=ref.product_bound,
        refuses=(_SCAN_DTYPE_ARGUMENT,),
        differentiable=True,
    ),
    reduction(
        "median",
        ref.median,
        dims=("absent", "int"),
        canonical=results.indices_pick,
        refuses=(no_kernel(("bool", *LIMITED, *dt.COMPLEX), reached=median_kernel_reached),),
        differentiable=True,
    ),
    reduction(
        "nanmedian",
        ref.nanmedian,
        dims=("absent", "int"),
        canonical=results.indices_pick,
        refuses=(no_kernel(("bool", *LIMITED, *dt.COMPLEX), reached=median_kernel_reached),),
        differentiable=True,
    ),
    reduction(
        "quantile",
        ref.quantile,
        dims=("absent", "none", "int"),
        options=("q", "interpolation"),
        accuracy=ref.quantile_bound,
        refuses=(
            Refusal(
                tuple(n for n in dt.ALL if n not in ("float32", "float64")),
                r"quantile\(\) input tensor must be either float or double dtype",
            ),
        ),
        differentiable=True,
    ),
    reduction(
        "sort",
        ref.sort,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        options=("descending", "stable"),
        canonical=results.sorted_or_picked,
        refuses=(Refusal(dt.COMPLEX, r"Sort does not support complex dtypes on CPU"),),
        differentiable=True,
    ),
    reduction(
        "argsort",
        ref.argsort,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        out=False,
        options=("descending", "stable"),
        canonical=results.argsort_picked,
        refuses=(Refusal(dt.COMPLEX, r"Sort does not support complex dtypes on CPU"),),
    ),
    reduction(
        "topk",
        ref.topk,
        reduces=False,
        default_dim=-1,
        dims=("absent", "int"),
        keepdim=False,
        options=("k", "largest", "sorted"),
        canonical=results.topk_picked,
        refuses=(
            no_kernel(LIMITED, reached=not_0d),
            Refusal(("bool",), r"topk does not support bool dtypes on CPU"),
            Refusal(dt.COMPLEX, r"topk does not support complex dtypes on CPU"),
        ),
        differentiable=True,
    ),
    reduction(
        "unique",
        ref.unique,
        dims=("absent", "none"),
        keepdim=False,
        out=False,
        options=("sorted", "return_inverse", "return_counts"),
        canonical=results.unique_in_order,
        refuses=(no_kernel(dt.COMPLEX, reached=always),),
    ),
)

REDUCTIONS: tuple[Reduction, ...] = tuple(op for op in OPS if isinstance(op, Reduction))


def torch_argument(value: Any) -> Any:
    """An argument as torch takes it: a `DType` as torch's dtype."""
    return value.torch if isinstance(value, dt.DType) else value


def form_of(op: Reduction, label: str) -> Form:
    return next(form for form in op.forms if form.label == label)
