"""Error parity by class: where both sides refuse a call, they must refuse it the same way.

Both sides must raise the same exception class, or a pair this table allows: torch raises
RuntimeError (or NotImplementedError) for refusals NumPy spells as ValueError, TypeError,
OverflowError or ZeroDivisionError. Each row names the situation by torch's message, so a
pair is allowed for that situation alone; any other pair is a divergence, to be documented
in the registry (per op, with its evidence) like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Correspondence:
    """torch's `torch_class` whose message matches `torch_message` corresponds to NumPy's `reference_class`."""

    situation: str
    torch_class: type[BaseException]
    torch_message: str
    reference_class: type[BaseException] | tuple[type[BaseException], ...]

    def allows(self, torch_error: BaseException, reference_error: BaseException) -> bool:
        return (
            isinstance(torch_error, self.torch_class)
            and isinstance(reference_error, self.reference_class)
            and re.search(self.torch_message, str(torch_error)) is not None
        )


CORRESPONDENCES: tuple[Correspondence, ...] = (
    Correspondence(
        "shapes that do not broadcast (elementwise operands, in-place self, broadcast views)",
        RuntimeError,
        r"must match the size of tensor|doesn't match the broadcast shape|expanded size of the tensor"
        r"|Attempting to broadcast a dimension",
        ValueError,
    ),
    Correspondence(
        "no kernel for a dtype: torch refuses before it looks at the values (NumPy: no loop for the types, "
        "an output it cannot cast to, or a Python int out of the dtype's range)",
        NotImplementedError,
        r"not implemented for '",
        (TypeError, OverflowError),
    ),
    Correspondence(
        "uint16/32/64 mixed with other integer dtypes: torch has no promotion rule (NumPy: no loop for the types)",
        RuntimeError,
        r"Promotion for uint16, uint32, uint64 types is not supported",
        TypeError,
    ),
    Correspondence(
        "an in-place result whose dtype cannot be cast into self's",
        RuntimeError,
        r"can't be cast to the desired output type",
        TypeError,
    ),
    Correspondence(
        "bool subtraction and negation (NumPy: boolean subtract and negative are not supported)",
        RuntimeError,
        r"the `-` operator, (with two bool tensors|on a bool tensor) is not supported",
        TypeError,
    ),
    Correspondence(
        "a negative dimension in a shape",
        RuntimeError,
        r"negative dimension|must be non-negative|n must be greater or equal to 0",
        ValueError,
    ),
    Correspondence(
        "a constructor's argument out of its domain: an unknown device, an empty or infinite range, bounds "
        "beyond the dtype",
        RuntimeError,
        r"Expected one of .* device type|unsupported range|expects 'from' to be less than 'to'|is out of bounds for",
        ValueError,
    ),
    Correspondence("a range with a zero step", RuntimeError, r"step must be nonzero", ZeroDivisionError),
    Correspondence(
        "a Python number out of the dtype's range in a constructor",
        RuntimeError,
        r"cannot be converted to type .* without overflow",
        OverflowError,
    ),
    Correspondence(
        "a Python int beyond 64 bits in a constructor", ValueError, r"Overflow when unpacking long", OverflowError
    ),
    Correspondence("ragged nested sequences", TypeError, r"not a sequence", ValueError),
    Correspondence(
        "a size -1 in a new leading dim of expand (torch's message is an overflow of the size it computes)",
        RuntimeError,
        r"numel: integer multiplication overflow",
        ValueError,
    ),
)


_GENERIC = (Exception, BaseException)


def builtin_class(error: BaseException) -> type[BaseException]:
    """The Python exception class an error is: NumPy's UFuncTypeError is a TypeError, torch's
    LinAlgError a RuntimeError."""
    return next(cls for cls in type(error).__mro__ if cls.__module__ == "builtins")


def correspond(torch_error: BaseException, reference_error: BaseException) -> bool:
    """Whether two refusals of one call agree: the same class, or a documented pair. A class
    derived from more than one (NumPy's AxisError is a ValueError and an IndexError) agrees with
    each; a bare Exception agrees with nothing but an Exception."""
    torch_class, reference_class = builtin_class(torch_error), builtin_class(reference_error)
    if torch_class is reference_class:
        return True
    if torch_class not in _GENERIC and isinstance(reference_error, torch_class):
        return True
    if reference_class not in _GENERIC and isinstance(torch_error, reference_class):
        return True
    return any(row.allows(torch_error, reference_error) for row in CORRESPONDENCES)
