"""torch's documented type promotion rules, written out in NumPy terms.

The promotion suite compares torch with NumPy 2 (NEP 50). Where torch's rules differ
by design, the registry of known divergences states what torch does with the model
below, which follows the rules of torch's documentation
(https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc):

- dtypes fall in categories: bool < integral < floating < complex;
- an operand of a higher category decides the category, whatever the sizes
  (int64 + float16 is float16, where NumPy gives float64);
- dimensioned tensors come first, then zero-dim tensors, then Python scalars; a
  lower-priority operand only counts if its category is higher, and then only its
  category and, for zero-dim tensors, its size (int8 + a 0-d int64 is int8);
- a Python float becomes the default dtype (float32), a Python complex the default
  complex dtype (complex64), a Python int int64;
- uint16, uint32 and uint64 do not promote with other integral or bool dtypes.

It never asks torch: `torch.result_type` is what the suite checks, not what it trusts.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from conformance import dtypes as dt
from conformance.dtypes import INT64_MAX

CATEGORY = {"bool": 0, "uint": 1, "int": 1, "float": 2, "complex": 3}
_INTEGER_ORDER = ("uint8", "int8", "int16", "int32", "int64")
_FLOAT_SIZE = {"float16": 16, "bfloat16": 16, "float32": 32, "float64": 64}
_COMPLEX_OF = {16: "complex64", 32: "complex64", 64: "complex128"}
_REAL_SIZE_OF_COMPLEX = {"complex64": 32, "complex128": 64}


class PromotionError(RuntimeError):
    """torch refuses to promote these dtypes (uint16/32/64 with other integral dtypes)."""


def category(name: str) -> int:
    return CATEGORY[dt.dtype(name).kind]


def _promote_integers(a: str, b: str) -> str:
    if a in dt.LIMITED_UNSIGNED_INTS or b in dt.LIMITED_UNSIGNED_INTS:
        raise PromotionError(
            f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {a} and {b}"
        )
    if "uint8" in (a, b):
        other = b if a == "uint8" else a
        return "int16" if other == "int8" else other
    return max(a, b, key=_INTEGER_ORDER.index)


def promote_types(a: str, b: str) -> str:
    """torch.promote_types, by the documented rules."""
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        high, low = (a, b) if ca > cb else (b, a)
        if category(high) == 3 and category(low) == 2:
            size = max(_REAL_SIZE_OF_COMPLEX[high], _FLOAT_SIZE[low])
            return _COMPLEX_OF[size]
        if (category(high) == 1 and high in dt.LIMITED_UNSIGNED_INTS) or (
            category(high) == 3 and low in dt.LIMITED_UNSIGNED_INTS
        ):
            raise PromotionError(
                f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {a} and {b}"
            )
        return high
    if ca == 1:
        return _promote_integers(a, b)
    if ca == 2:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return max(a, b, key=_FLOAT_SIZE.get)
    return max(a, b, key=_REAL_SIZE_OF_COMPLEX.get)


def _to_complex(name: str) -> str:
    """c10's toComplexType: float16 gives complex32, bfloat16 bcomplex32 (from torch 2.14, which
    has that dtype; complex64 before), float32 complex64."""
    bfloat16_complex = "bcomplex32" if "bcomplex32" in dt.HALF_COMPLEX else "complex64"
    return {"float16": "complex32", "bfloat16": bfloat16_complex, "float32": "complex64", "float64": "complex128"}.get(
        name, name
    )


def _combine_categories(higher: str | None, lower: str | None) -> str | None:
    """Combine the result of a higher-priority group with a lower one: the lower only
    lifts the category (c10's combine_categories)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if category(higher) == 3:
        return higher
    if category(lower) == 3:
        return _to_complex(higher) if category(higher) == 2 else lower
    if category(higher) == 2:
        return higher
    if category(higher) == 0 or category(lower) == 2:
        return promote_types(higher, lower)
    return higher


def _fold(names: Iterable[str]) -> str | None:
    result = None
    for name in names:
        result = name if result is None else promote_types(result, name)
    return result


def default_float() -> str:
    return dt.name_of(torch.get_default_dtype())


def default_complex() -> str:
    return "complex128" if default_float() == "float64" else "complex64"


def scalar_dtype(value: object) -> str:
    """The dtype torch gives a Python scalar operand (a "wrapped number"): an int in
    [2**63, 2**64) is a uint64 number (`torch.where(c, 2**63, 2**63)` is uint64)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint64" if value > INT64_MAX else "int64"
    if isinstance(value, float):
        return default_float()
    if isinstance(value, complex):
        return default_complex()
    raise TypeError(f"not a Python scalar: {value!r}")


def result_type(dimensioned: Iterable[str] = (), zero_dim: Iterable[str] = (), scalars: Iterable[object] = ()) -> str:
    """The dtype torch computes in for operands of these kinds (torch.result_type's rules)."""
    dim_result = _fold(dimensioned)
    zero_result = _fold(zero_dim)
    scalar_result = _fold(scalar_dtype(s) for s in scalars)
    result = _combine_categories(dim_result, _combine_categories(zero_result, scalar_result))
    if result is None:
        raise ValueError("no operands")
    return result
