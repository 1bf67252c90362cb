"""The `Reduction` type of the catalog: an `Op` that reduces or scans one input and also says
which arguments its forms take (how `dim` may be given, keepdim, `dtype=`, `out=`, and options
such as `correction` or `k`), which dtypes torch refuses and with what message (`Refusal`), the
error bound its floating result is held to, and how a result whose tie-breaking torch leaves open
is compared (`canonical`); and how a reduction check's arguments are split and read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from conformance import dtypes as dt
from conformance.compare import Options
from conformance.inputs import ArrayInput
from conformance.ops.types import Op
from conformance.tolerances import EXACT, Tolerance

# How `dim` may be given: left out, None, an int, a tuple of ints; "other" is torch.max(x, other).
EVERY_DIM = ("absent", "none", "int", "tuple")


def always(x: ArrayInput, arguments: dict) -> bool:
    """An explicit check of the dtype: torch refuses whatever the input holds."""
    return True


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

    def comparison(self, x: ArrayInput, arguments: dict) -> Options:
        """How the result is compared: within `tolerance`, and a zero's sign only where that bound
        allows no rounding error in absolute terms. A sum's or a mean's bound (gamma_n times the
        sum of |x|) is nonzero wherever a term is; torch may then give a tiny value of either sign,
        and so a zero of either sign: the sum of -65504, 65504 and -6e-8 is -6e-8 exactly, and
        0.0 in float32, whose rounding swallows the small term first. Exact results and products
        (a bound relative to the result) keep their zeros' signs compared."""
        tolerance = self.tolerance(x, arguments)
        rounds = isinstance(tolerance, Tolerance) and bool(np.any(np.asarray(tolerance.atol) > 0))
        return Options(tolerance=tolerance, signed_zeros=not rounds)

    def refusal(self, x: ArrayInput, arguments: dict) -> Refusal | None:
        """The refusal that applies to the input x with these arguments, if any."""
        return next(
            (refusal for refusal in self.refuses if refusal.applies(x, arguments)),
            None,
        )


def torch_argument(value: Any) -> Any:
    """An argument as torch takes it: a `DType` as torch's dtype."""
    return value.torch if isinstance(value, dt.DType) else value
