"""Backend adapters: NumPy (the reference on every device), CuPy (the other side of the CUDA
interop checks), torch on a device.

Each adapter says whether it can run here and why not, builds an array from an
`ArrayInput` (values, dtype, layout), and converts a result back to NumPy.

The torch adapter never converts through the paths the suites check
(`Tensor.numpy()`, `__array__`, `torch.from_numpy`, DLPack, `torch.tensor`):
inputs are made from raw bytes with `torch.frombuffer`, and results are read back
as raw bytes from a contiguous CPU copy, reinterpreted by NumPy. bfloat16 bits
are widened to float32 by NumPy, not by torch.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib
import warnings
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import torch

from conformance import dtypes as dt
from conformance.inputs import ArrayInput
from conformance.layouts import Layout, ViewOps, numpy_buffer


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.available


class BackendUnavailable(RuntimeError):
    """A backend the run needs is not present; the message says why."""


class Backend:
    """Common interface of the adapters."""

    name: str = "backend"
    device: str = "cpu"

    def availability(self) -> Availability:
        raise NotImplementedError

    def require(self) -> None:
        """Raise `BackendUnavailable` with the reason where this backend cannot run."""
        status = self.availability()
        if not status:
            raise BackendUnavailable(f"{self.name} on {self.device} is unavailable: {status.reason}")

    def supports(self, dtype: dt.DType) -> Availability:
        return Availability(True)

    def build(self, inp: ArrayInput):
        """An array of this backend holding `inp`'s values in `inp`'s layout."""
        raise NotImplementedError

    def to_numpy(self, x) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.name} on {self.device}>"


class NumpyBackend(Backend):
    """NumPy: the reference on the CPU."""

    name = "numpy"
    xp: ModuleType = np

    def availability(self) -> Availability:
        return Availability(True)

    def supports(self, dtype: dt.DType) -> Availability:
        if not dtype.native_numpy:
            return Availability(False, f"NumPy has no {dtype.name}; its reference is computed in float32 and rounded")
        return Availability(True)

    def build(self, inp: ArrayInput) -> np.ndarray:
        _, view = numpy_buffer(inp.values, inp.layout, inp.dtype.kind)
        return view

    def to_numpy(self, x) -> np.ndarray:
        return np.array(x, copy=True)


def _cupy() -> ModuleType | None:
    try:
        return importlib.import_module("cupy")
    except Exception:  # ImportError, or a CuPy that finds no CUDA runtime
        return None


@functools.cache
def cupy_availability(index: int = 0) -> Availability:
    cupy = _cupy()
    if cupy is None:
        return Availability(False, "CuPy is not installed (pip install 'tensor-conformance[cuda12]' or '[cuda13]')")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:
        return Availability(False, f"CuPy finds no CUDA device: {error}")
    if index >= count:
        return Availability(False, f"CuPy sees {count} CUDA device(s), not cuda:{index}")
    return Availability(True)


class CupyBackend(Backend):
    """CuPy on a CUDA device: what torch shares memory with in the CUDA interop checks (the CUDA
    array interface, DLPack). It is not the reference of values: see `reference_backend`."""

    name = "cupy"

    def __init__(self, index: int = 0):
        self.index = index
        self.device = f"cuda:{index}"

    @property
    def xp(self) -> ModuleType:
        self.require()
        return _cupy()  # type: ignore[return-value]

    def availability(self) -> Availability:
        return cupy_availability(self.index)

    def supports(self, dtype: dt.DType) -> Availability:
        return NumpyBackend().supports(dtype)

    def to_numpy(self, x) -> np.ndarray:
        return self.xp.asnumpy(x)


_FLIPPED_AS = {torch.uint16: torch.int16, torch.uint32: torch.int32, torch.uint64: torch.int64}


class _TorchViewOps(ViewOps):
    def permute(self, x, perm):
        return x.permute(perm)

    def flip(self, x, dims):
        # torch has no negative strides: the flipped view is a copy with the same values. torch.flip
        # has no kernel for uint16/32/64: their bits are flipped as the signed ints of their width.
        same_width = _FLIPPED_AS.get(x.dtype)
        if same_width is None:
            return torch.flip(x, dims)
        return torch.flip(x.view(same_width), dims).view(x.dtype)

    def expand(self, x, shape):
        return x.expand(shape)


TORCH_VIEW_OPS = _TorchViewOps()


def device_availability(device: str) -> Availability:
    """Whether torch can run on `device` here, and why not."""
    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError) as error:
        return Availability(False, f"{device!r} is not a torch device: {error}")
    kind, index = parsed.type, parsed.index or 0
    if kind == "cpu":
        return Availability(True)
    if kind == "cuda":
        if not torch.cuda.is_available():
            why = "this torch is a CPU build" if torch.version.cuda is None else "torch.cuda.is_available() is False"
            return Availability(False, f"no CUDA device: {why}")
        count = torch.cuda.device_count()
        if index >= count:
            return Availability(False, f"torch sees {count} CUDA device(s), not cuda:{index}")
        return Availability(True)
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            return Availability(False, "no MPS device: torch.backends.mps.is_available() is False")
        return Availability(True)
    module = getattr(torch, kind, None)
    is_available = getattr(module, "is_available", None)
    if callable(is_available):
        if not is_available():
            return Availability(False, f"no {kind} device: torch.{kind}.is_available() is False")
        return Availability(True)
    try:
        probe = torch.zeros(1, device=parsed)
    except Exception as error:  # a private backend that is not loaded, for one
        return Availability(False, f"torch cannot allocate on {device}: {error}")
    try:
        probe.to("cpu")
    except Exception:  # the meta device: tensors of shapes and dtypes, no values
        return Availability(
            False, f"{device} holds no data (its tensors cannot be read back), so nothing can be compared"
        )
    return Availability(True)


class TorchBackend(Backend):
    """torch on one device: the system under test."""

    name = "torch"

    def __init__(self, device: str = "cpu"):
        self.device = str(device)

    def availability(self) -> Availability:
        return device_availability(self.device)

    def build(self, inp: ArrayInput) -> torch.Tensor:
        flat, _ = numpy_buffer(inp.values, inp.layout, inp.dtype.kind)
        tensor = tensor_from_bytes(flat, inp.dtype).to(self.device)
        return inp.layout.view(tensor, inp.shape, TORCH_VIEW_OPS)

    def to_numpy(self, x) -> np.ndarray:
        return tensor_to_numpy(x)


def tensor_from_bytes(flat: np.ndarray, dtype: dt.DType) -> torch.Tensor:
    """A 1-d CPU tensor of `dtype` holding the bytes of NumPy's `flat` carrier array."""
    if flat.size == 0:
        return torch.empty(0, dtype=dtype.torch)
    raw = dt.bfloat16_bits(flat) if dtype.name == "bfloat16" else np.ascontiguousarray(flat, dtype=dtype.numpy)
    return torch.frombuffer(bytearray(raw.tobytes()), dtype=dtype.torch)


def storage_bytes(tensor: torch.Tensor) -> bytes:
    """The raw bytes of a CPU tensor's whole storage, read at once (iterating an untyped
    storage reads it a byte at a time, through Python)."""
    storage = tensor.untyped_storage()
    return ctypes.string_at(storage.data_ptr(), storage.nbytes()) if storage.nbytes() else b""


def tensor_to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """A NumPy copy of a tensor's values, read as raw bytes from a contiguous CPU copy."""
    dtype = dt.from_torch(tensor.dtype)
    if dtype is None:
        raise TypeError(f"the suite cannot read tensors of {tensor.dtype}")
    experimental = dtype.name in ("complex32", "bcomplex32")
    # (catching warnings costs more than the copy of a small tensor: only where torch warns)
    with warnings.catch_warnings() if experimental else contextlib.nullcontext():
        if experimental:  # complex32 results are read deliberately; torch warns that the dtype is experimental
            warnings.filterwarnings("ignore", message="(ComplexHalf|BComplex32) support is experimental")
        tensor = tensor.detach().resolve_conj().resolve_neg().to("cpu").contiguous()
    # how the bytes are read: bfloat16 as its bits, complex32 as pairs of float16, bcomplex32 of bfloat16 bits
    storage = {"bfloat16": np.uint16, "complex32": np.float16, "bcomplex32": np.uint16}.get(dtype.name, dtype.numpy)
    nbytes = tensor.numel() * tensor.element_size()
    if nbytes == 0:
        raw = np.empty(0, dtype=storage)
    else:
        buffer = (ctypes.c_char * nbytes).from_address(tensor.data_ptr())
        raw = np.frombuffer(buffer, dtype=storage).copy()
    if dtype.name == "bfloat16":
        raw = dt.bfloat16_from_bits(raw)
    elif dtype.name == "bcomplex32":
        raw = dt.bfloat16_from_bits(raw).view(np.complex64)  # (real, imaginary) pairs, widened exactly
    elif dtype.name == "complex32":
        raw = raw.astype(np.float32).view(np.complex64)  # (real, imaginary) pairs, widened exactly
    return raw.reshape(tuple(tensor.shape))


@functools.cache
def torch_backend(device: str) -> TorchBackend:
    return TorchBackend(device)


def reference_backend(device: str) -> Backend:
    """The reference for a device: NumPy, on the host, for every device.

    The rows of a CUDA device are compared with NumPy too, not with CuPy. A run of the CUDA
    rows with CuPy 14.2 as the reference showed CuPy to be no faithful oracle of NumPy's
    semantics: its kernels are compiled with `-ftz=true`, so float32 subnormals flush to zero
    (`cupy.logical_not(cupy.float32(1e-45))` is True, and `log` of it is -inf; see
    https://github.com/cupy/cupy/issues/8382); its complex exp of inf+1e-45j is inf+nanj;
    it has no complex logical ops; its median of an empty array raises. Each of these read
    as a divergence of torch, which agreed with NumPy. CuPy stays the other side of the
    interop checks (`suites/test_interop.py`), where what is checked is CuPy's own behaviour."""
    torch.device(device)  # a name torch does not know is refused here, as for the torch side
    return NUMPY


NUMPY = NumpyBackend()


__all__ = [
    "NUMPY",
    "Availability",
    "Backend",
    "BackendUnavailable",
    "CupyBackend",
    "Layout",
    "NumpyBackend",
    "TorchBackend",
    "cupy_availability",
    "device_availability",
    "reference_backend",
    "tensor_from_bytes",
    "tensor_to_numpy",
    "torch_backend",
]
