"""Known divergences of NumPy and DLPack interop (suites/test_interop.py)."""

from __future__ import annotations

import math

from conformance.check import Check
from conformance.conditions import any_flipped
from conformance.divergences import Crashes, KnownDivergence, Raises, Returns


def _flipped_and_nonempty(check: Check) -> bool:
    return any_flipped(check) and any(math.prod(inp.shape) > 0 for inp in check.operands)


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="array-protocol-without-copy-keyword",
        ops=("np.array(copy=False)",),
        summary="np.array(tensor, copy=False) raises, though the tensor's memory could be shared",
        example="np.array(torch.ones(2), copy=False)  # ValueError: Unable to avoid copy (and a DeprecationWarning)",
        reason="torch's Tensor.__array__ takes no `copy` keyword (NumPy 2's protocol), so NumPy cannot ask it not to copy",
        torch_gives=Raises(ValueError, "Unable to avoid copy"),
        link="https://numpy.org/devdocs/numpy_2_0_migration_guide.html#adapting-to-changes-in-the-copy-keyword",
    ),
    KnownDivergence(
        id="from-dlpack-ignores-read-only",
        ops=("torch.from_dlpack read-only",),
        summary="torch.from_dlpack of a read-only NumPy array gives a writable tensor, silently",
        example="a = np.arange(4.0); a.setflags(write=False); torch.from_dlpack(a)[0] = 1  # writes; no warning",
        reason="torch does not carry DLPack's read-only flag into the tensor (torch.from_numpy warns in the same case)",
        torch_gives=Returns(lambda check, reference: {"writable": True}, "a writable tensor, no warning"),
        link="https://pytorch.org/docs/stable/dlpack.html",
    ),
    KnownDivergence(
        id="from-dlpack-negative-strides-abort",
        ops=("torch.from_dlpack",),
        summary="torch.from_dlpack of a NumPy array with a negative stride aborts the interpreter (SIGABRT)",
        example="torch.from_dlpack(np.arange(6.0)[::-1])  # terminate called after throwing an instance of 'c10::Error'",
        reason="the storage size computation throws through a noexcept function, so C++ terminates the process",
        torch_gives=Crashes("SIGABRT"),
        when=_flipped_and_nonempty,
        link="https://github.com/pytorch/pytorch/issues/188023",
        device_types=("cpu",),
        until="2.14",
    ),
    KnownDivergence(
        id="from-dlpack-negative-strides-rejected",
        ops=("torch.from_dlpack",),
        summary="torch.from_dlpack of a NumPy array with a negative stride raises RuntimeError; NumPy imports it",
        example=(
            "torch.from_dlpack(np.arange(6.0)[::-1])  # RuntimeError: Storage size calculation overflowed with "
            "sizes=[6] and strides=[-1]"
        ),
        reason=(
            "torch's storage size computation does not take negative strides; since torch 2.14 it raises instead "
            "of terminating the process (torch tensors have no negative strides, see negative-strides-rejected)"
        ),
        torch_gives=Raises(RuntimeError, "Storage size calculation overflowed"),
        when=_flipped_and_nonempty,
        link="https://github.com/pytorch/pytorch/issues/188023",
        device_types=("cpu",),
        since="2.14",
    ),
]
