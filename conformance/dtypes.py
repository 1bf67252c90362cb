"""The dtypes the suite knows, and how each one is represented on either side.

A `DType` pairs a torch dtype with the NumPy dtype that holds the same values.
NumPy has no bfloat16: its reference values are held in float32 arrays whose
values are exactly representable in bfloat16 (see `round_to_bfloat16`), and
results are rounded the same way, so that a reference "computed in float32 and
rounded" is what torch's bfloat16 ops are compared against.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch


@dataclass(frozen=True)
class DType:
    """One dtype of the suite: its name, its torch dtype and its NumPy carrier."""

    name: str
    torch: torch.dtype
    numpy: np.dtype  # the NumPy dtype that carries the values (float32 for bfloat16)
    kind: str  # "bool", "uint", "int", "float" or "complex"
    native_numpy: bool = True  # False where NumPy has no dtype of its own (bfloat16)

    @property
    def itemsize(self) -> int:
        return torch.empty((), dtype=self.torch).element_size()

    @property
    def part(self) -> np.dtype:
        """The NumPy float dtype that holds one real part of a floating or complex value (float32
        for bfloat16 and bcomplex32's parts)."""
        if self.kind == "complex":
            return np.dtype(np.float16 if self.name == "complex32" else np.zeros((), self.numpy).real.dtype)
        return np.dtype(np.float32) if self.name == "bfloat16" else self.numpy

    @property
    def largest(self) -> float | int:
        """The largest finite value (of each part, for complex dtypes)."""
        if self.kind in ("float", "complex"):
            return _float_facts(self.name)[0]
        return True if self.kind == "bool" else int(np.iinfo(self.numpy).max)

    @property
    def lowest(self) -> float | int:
        """The most negative finite value; False or 0 for bool and unsigned dtypes."""
        if self.kind in ("float", "complex"):
            return -_float_facts(self.name)[0]
        return False if self.kind == "bool" else int(np.iinfo(self.numpy).min)

    @property
    def smallest_normal(self) -> float:
        """The smallest positive normal value (of each part)."""
        return _float_facts(self.name)[1]

    @property
    def smallest_subnormal(self) -> float:
        """The smallest positive subnormal value (of each part)."""
        return _float_facts(self.name)[2]

    @property
    def eps(self) -> float:
        """The distance from 1.0 to the next value (of each part): twice the unit roundoff."""
        return _float_facts(self.name)[3]

    def carry(self, values: object) -> np.ndarray:
        """`values` converted to this dtype and held in its NumPy carrier: rounded to bfloat16
        (ties to even) or to complex32's float16 parts where NumPy has no such dtype. Values out
        of range become infinities, as in a C conversion."""
        source = np.asarray(values)
        if source.dtype == object and self.kind in ("float", "complex"):
            source = np.vectorize(_as_float, otypes=[np.float64])(source)  # Python ints past float64
        if self.name == "bfloat16" and source.dtype == np.float64:
            return round_to_bfloat16(source)  # rounded once, not through a float32 carrier
        if source.dtype.kind == "c" and self.kind not in ("complex", "bool"):
            source = source.real  # what a C conversion reads (astype too, with a ComplexWarning)
        with np.errstate(over="ignore", invalid="ignore"):
            carried = source.astype(self.numpy)
        return carried if self.native_numpy else round_to(self.name, carried)

    @property
    def is_floating(self) -> bool:
        return self.kind == "float"

    @property
    def is_complex(self) -> bool:
        return self.kind == "complex"

    @property
    def is_integral(self) -> bool:
        return self.kind in ("bool", "uint", "int")

    def __str__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a dtype
        printer.text(self.name)


def _dtype(name: str, kind: str, numpy_name: str | None = None) -> DType | None:
    torch_dtype = getattr(torch, name, None)
    if torch_dtype is None:  # an older torch without this dtype
        return None
    native = numpy_name is None
    return DType(name, torch_dtype, np.dtype(numpy_name or name), kind, native)


# Ordered from simplest to most elaborate: Hypothesis shrinks toward the first.
ALL_DTYPES: tuple[DType, ...] = tuple(
    d
    for d in (
        _dtype("bool", "bool"),
        _dtype("int64", "int"),
        _dtype("int32", "int"),
        _dtype("int16", "int"),
        _dtype("int8", "int"),
        _dtype("uint8", "uint"),
        _dtype("uint16", "uint"),
        _dtype("uint32", "uint"),
        _dtype("uint64", "uint"),
        _dtype("float32", "float"),
        _dtype("float64", "float"),
        _dtype("float16", "float"),
        _dtype("bfloat16", "float", numpy_name="float32"),
        _dtype("complex64", "complex"),
        _dtype("complex128", "complex"),
    )
    if d is not None
)

# Dtypes torch may return (complex32 from float16 with a complex operand, bcomplex32 from
# bfloat16 since torch 2.14) that the suite reads and compares but never draws: NumPy has no
# dtype for them either.
RESULT_ONLY: tuple[DType, ...] = tuple(
    d
    for d in (
        _dtype("complex32", "complex", numpy_name="complex64"),
        _dtype("bcomplex32", "complex", numpy_name="complex64"),
    )
    if d is not None
)

BY_NAME: dict[str, DType] = {d.name: d for d in (*ALL_DTYPES, *RESULT_ONLY)}
_BY_TORCH: dict[torch.dtype, DType] = {d.torch: d for d in (*ALL_DTYPES, *RESULT_ONLY)}
_BY_NUMPY: dict[np.dtype, DType] = {d.numpy: d for d in ALL_DTYPES if d.native_numpy}

# The range of 64-bit integers: the Python ints torch reads as int64, and as uint64 past it.
INT64_MIN, INT64_MAX, UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

# Dtype groups, by what they hold. Each is a tuple of names, in ALL's order.
BOOL = ("bool",)
SIGNED_INTS = ("int8", "int16", "int32", "int64")
UNSIGNED_INTS = tuple(n for n in ("uint8", "uint16", "uint32", "uint64") if n in BY_NAME)
# torch's "limited support" unsigned types: they exist and can be created, copied and
# converted, but most kernels are not implemented for them.
LIMITED_UNSIGNED_INTS = tuple(n for n in ("uint16", "uint32", "uint64") if n in BY_NAME)
INTEGERS = (*UNSIGNED_INTS, *SIGNED_INTS)  # bool excluded
INTEGRAL = (*BOOL, *INTEGERS)  # bool included
FULLY_SUPPORTED_INTS = ("uint8", *SIGNED_INTS)  # the integer types torch's kernels fully support
FLOATS = ("float16", "bfloat16", "float32", "float64")
# reduced-precision floats: torch computes in float32 ("opmath") and rounds back
REDUCED_FLOATS = ("float16", "bfloat16")
COMPLEX = ("complex64", "complex128")
# complex dtypes of float16 or bfloat16 parts, which torch's promotion may give (RESULT_ONLY)
HALF_COMPLEX = tuple(d.name for d in RESULT_ONLY)
NON_COMPLEX = (*INTEGRAL, *FLOATS)
ALL = tuple(d.name for d in ALL_DTYPES)
NATIVE_NUMPY = tuple(d.name for d in ALL_DTYPES if d.native_numpy)


class Group(NamedTuple):
    """Dtypes that torch's kernels treat alike (one dispatch branch, one accumulation type): a
    test parametrized by group draws its dtype from the group's members, so one test covers
    what one test per dtype would, with the examples shared among them."""

    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


KERNEL_GROUPS = (
    Group("bool", BOOL),
    Group("int", SIGNED_INTS),
    Group("uint", UNSIGNED_INTS),
    Group("float", ("float32", "float64")),
    Group("half", REDUCED_FLOATS),  # computed in float32 and rounded back
    Group("complex", COMPLEX),
)


def kernel_groups(names: tuple[str, ...] | list[str]) -> list[Group]:
    """`names` split into `KERNEL_GROUPS`, in their order; a group of one dtype is named after it."""
    groups = []
    for group in KERNEL_GROUPS:
        members = tuple(n for n in group.members if n in names)
        if members:
            groups.append(Group(members[0] if len(members) == 1 else group.name, members))
    return groups


def dtype(name: str | DType) -> DType:
    """The `DType` called `name`; a clear error for a name the suite does not know."""
    if isinstance(name, DType):
        return name
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ValueError(f"unknown dtype {name!r}; the suite knows {known}") from None


def from_torch(torch_dtype: torch.dtype) -> DType | None:
    """The suite's `DType` for a torch dtype, None for one it does not cover."""
    return _BY_TORCH.get(torch_dtype)


def from_numpy(numpy_dtype: np.dtype) -> DType | None:
    """The suite's `DType` for a native NumPy dtype, None for one it does not cover."""
    numpy_dtype = np.dtype(numpy_dtype)
    if not numpy_dtype.isnative:
        return None
    return _BY_NUMPY.get(numpy_dtype)


def name_of(dtype_like: object) -> str:
    """A printable name for a torch dtype, a NumPy dtype or a `DType`."""
    if isinstance(dtype_like, DType):
        return dtype_like.name
    if isinstance(dtype_like, torch.dtype):
        found = from_torch(dtype_like)
        return found.name if found else str(dtype_like).removeprefix("torch.")
    try:
        np_dtype = np.dtype(dtype_like)  # type: ignore[call-overload]
    except TypeError:
        return repr(dtype_like)
    found = from_numpy(np_dtype)
    return found.name if found else np_dtype.str


_BFLOAT16_BITS = {"largest": 0x7F7F, "smallest_normal": 0x0080, "smallest_subnormal": 0x0001, "eps": 0x3C00}


@functools.cache
def _as_float(number: object) -> float:
    """A Python number as a float64, an int past its range as an infinity of its sign (NumPy
    raises OverflowError converting one)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _float_facts(name: str) -> tuple[float, float, float, float]:
    """(largest, smallest normal, smallest subnormal, eps) of a floating dtype or of a complex
    dtype's parts; bfloat16's from its bit patterns, since NumPy has no finfo for it."""
    kind = dtype(name)
    if kind.kind not in ("float", "complex"):
        raise ValueError(f"{name} is not a floating or complex dtype")
    if name in ("bfloat16", "bcomplex32"):
        bits = np.array(list(_BFLOAT16_BITS.values()), dtype=np.uint16)
        return tuple(float(v) for v in bfloat16_from_bits(bits))  # type: ignore[return-value]
    info = np.finfo(kind.part)
    return float(info.max), float(info.tiny), float(info.smallest_subnormal), float(info.eps)


_BFLOAT16_SIGNIFICANT_BITS = 8  # the implicit one included
_BFLOAT16_MIN_QUANTUM = -133  # the exponent of the smallest subnormal


def _float64_to_bfloat16(values: np.ndarray) -> np.ndarray:
    """float64 values rounded once to bfloat16 (nearest, ties to even), held in float32: a
    conversion through float32 would round twice (a float32 tie need not be a bfloat16 one)."""
    _, exponent = np.frexp(values)
    quantum = np.maximum(exponent - _BFLOAT16_SIGNIFICANT_BITS, _BFLOAT16_MIN_QUANTUM)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.ldexp(np.rint(np.ldexp(values, -quantum)), quantum)
        rounded = np.where(np.abs(rounded) > _float_facts("bfloat16")[0], np.copysign(np.inf, values), rounded)
        return np.where(np.isfinite(values), rounded, values).astype(np.float32)


def round_to_bfloat16(values: np.ndarray) -> np.ndarray:
    """Round float32 (or float64) values to the nearest bfloat16 (ties to even), kept in float32.

    Done on the bits in NumPy, so the reference does not depend on torch's own
    conversion. NaNs stay NaN (quietened); infinities and signed zeros are kept.
    float64 values are rounded once from their exact value.
    """
    if np.asarray(values).dtype == np.float64:
        values = _float64_to_bfloat16(np.asarray(values))
    as_float = np.asarray(values, dtype=np.float32)
    bits = as_float.view(np.uint32).astype(np.uint64)
    rounding = np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))
    rounded = ((bits + rounding) >> np.uint64(16)) << np.uint64(16)
    rounded = rounded.astype(np.uint32).view(np.float32)
    nan = np.isnan(as_float)
    quiet = (as_float.view(np.uint32) | np.uint32(0x00400000)) & np.uint32(0xFFFF0000)
    return np.where(nan, quiet.view(np.float32), rounded).reshape(as_float.shape)


def round_to(dtype_name: str, values: np.ndarray) -> np.ndarray:
    """Values rounded to a dtype NumPy lacks, held in its carrier (bfloat16 in float32,
    complex32 and bcomplex32 in complex64: each part rounded to float16 or bfloat16)."""
    if dtype_name == "bfloat16":
        return round_to_bfloat16(values)
    if dtype_name in ("complex32", "bcomplex32"):
        values = np.array(values, dtype=np.complex64)
        round_part = round_to_bfloat16 if dtype_name == "bcomplex32" else (lambda part: part.astype(np.float16))
        with np.errstate(over="ignore"):
            values.real = round_part(values.real)
            values.imag = round_part(values.imag)
        return values
    raise ValueError(f"{dtype_name} has a NumPy dtype of its own")


def bfloat16_bits(values: np.ndarray) -> np.ndarray:
    """The uint16 bit patterns of float32 values that are exact bfloat16 values."""
    as_float = np.ascontiguousarray(values, dtype=np.float32)
    return (as_float.view(np.uint32) >> np.uint32(16)).astype(np.uint16)


def bfloat16_from_bits(bits: np.ndarray) -> np.ndarray:
    """float32 values from bfloat16 bit patterns (exact: bfloat16 is float32's top half)."""
    widened = np.ascontiguousarray(bits, dtype=np.uint16).astype(np.uint32) << np.uint32(16)
    return widened.view(np.float32)
