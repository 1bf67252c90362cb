"""Known divergences of CUDA devices: kernels torch's CUDA build lacks where its CPU build has them.

Seen on torch 2.11.0+cu130 (an H200): every one of these ops, in every form and with any
operands whose promotion computes in uint16, uint32 or uint64 (empty ones too: torch picks
the kernel before it looks at the size), raised NotImplementedError naming its CUDA kernel.
"""

from __future__ import annotations

from conformance import conditions, ops
from conformance.check import Check
from conformance.divergences import KnownDivergence, Raises
from conformance.dtypes import LIMITED_UNSIGNED_INTS

# the elementwise ops whose CUDA kernel has no uint16/32/64 (the CPU's has)
NO_CUDA_UNSIGNED = ("mul", "bitwise_and", "bitwise_or", "bitwise_xor", "where")


def _computed_in_limited_unsigned(check: Check) -> bool:
    return conditions.computed_dtype(check) in LIMITED_UNSIGNED_INTS


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="cuda-no-limited-unsigned-kernel",
        ops=ops.labels(lambda op: op.name in NO_CUDA_UNSIGNED),
        summary=(
            "on CUDA, mul, bitwise_and, bitwise_or, bitwise_xor and where have no uint16/uint32/uint64 kernel "
            "(the CPU has one); NumPy computes them"
        ),
        example=(
            "torch.ones(2, dtype=torch.uint16, device='cuda') * 2  "
            "# NotImplementedError: \"mul_cuda\" not implemented for 'UInt16'"
        ),
        reason=(
            "uint16/32/64 are 'limited support' dtypes in torch: the CUDA kernels of these ops are dispatched "
            "for the other integer dtypes only"
        ),
        torch_gives=Raises(NotImplementedError, "_cuda\" not implemented for 'UInt(16|32|64)'"),
        when=_computed_in_limited_unsigned,
        device_types=("cuda",),
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-dtype",
    ),
]
