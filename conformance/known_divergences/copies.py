"""Known divergences of copies, moves and mixed operands (suites/test_copies.py, suites/test_mixed_operands.py)."""

from __future__ import annotations

from conformance.check import Check
from conformance.conditions import layout_of
from conformance.divergences import KnownDivergence, Returns
from conformance.known_divergences import creation

# ---------------------------------------------------------------------------
# Copies


_SHORTHANDS = (
    "bool",
    "byte",
    "char",
    "short",
    "int",
    "long",
    "half",
    "bfloat16",
    "float",
    "double",
    "cfloat",
    "cdouble",
)
# the calls of suites/test_copies.py that copy their input into a new tensor (preserve_format)
COPYING = (
    "Tensor.clone",
    "Tensor.to(own dtype, copy=True)",
    "Tensor.to(dtype)",
    "Tensor.to(dtype=)",
    "Tensor.to(device, dtype)",
    "Tensor.to(other)",
    "Tensor.type_as",
    "Tensor.type(dtype)",
    *(f"Tensor.{name}()" for name in _SHORTHANDS),
)
_LIKE_STRIDES = next(entry for entry in creation.ENTRIES if entry.id == "like-stride-zero-layout").torch_gives


def _copies_expanded_input(check: Check) -> bool:
    """A copying call on an input with stride-0 dims (to another dtype, or clone/copy=True)."""
    inp = check.inputs.get("input")
    if not (layout_of(inp) and inp.layout.expanded):
        return False
    target = check.inputs.get("dtype")
    return target is None or target.name != inp.dtype.name or "copy=True" in check.label or "clone" in check.label


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="copy-stride-zero-layout",
        ops=tuple(f"{label} strides" for label in COPYING),
        summary="a copy (clone, to) of a tensor with stride-0 dims orders its dims differently from NumPy's order='K'",
        example=(
            "torch.zeros(2, 1).expand(2, 2).t().clone().stride()  # (2, 1); "
            "np.copy(np.broadcast_to(np.zeros((2, 1)), (2, 2)).T, order='K').strides  # (8, 16)"
        ),
        reason=(
            "a copy is laid out as empty_like(preserve_format) lays it out, which keeps a stride-0 dim in place "
            "where NumPy ranks it innermost (see like-stride-zero-layout)"
        ),
        torch_gives=Returns(lambda check, reference: _LIKE_STRIDES.compute(check, reference), "empty_like's strides"),
        when=_copies_expanded_input,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#torch-memory-format",
    ),
]
