"""Known divergences of torch.tensor, torch.as_tensor and torch.asarray given Python data
(suites/test_mixed_operands.py): ints past int64's range, NumPy scalars among the elements."""

from __future__ import annotations

from conformance import mixed_operands as mixed
from conformance import python_data
from conformance.divergences import KnownDivergence, Raises, Returns

ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="python-ints-past-int64-in-data",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray"),
        summary="Python data with ints past int64's range raises ValueError; NumPy makes uint64 (or float64 mixed with negatives)",
        example="torch.tensor([2**63])  # ValueError: Overflow when unpacking long long; np.asarray([2**63])  # uint64",
        reason="torch infers int64 for Python ints and has no wider integer dtype to fall back to",
        torch_gives=Raises(ValueError, "Overflow when unpacking long"),
        when=mixed.unless_reference_raises(ValueError, python_data.python_ints_past_int64_in_data),
        link="https://pytorch.org/docs/stable/generated/torch.tensor.html",
    ),
    KnownDivergence(
        id="numpy-scalars-in-data",
        ops=("torch.tensor", "torch.as_tensor", "torch.asarray"),
        summary=(
            "nested data holding NumPy scalars takes torch's promotion of the elements' dtypes (category first, "
            "Python floats as float32); NumPy's array coercion reads Python floats as float64"
        ),
        example="torch.tensor([np.float16(1.5), 2]).dtype  # float16; np.asarray([np.float16(1.5), 2]).dtype  # float64",
        reason=(
            "torch infers a list's dtype element by element: a NumPy scalar has its dtype, a Python number the "
            "default dtype of its kind, and the dtypes promote as tensors' do"
        ),
        torch_gives=Returns(
            python_data.data_by_torch_promotion, "the elements converted to torch's promotion of their dtypes"
        ),
        when=python_data.numpy_scalars_in_data,
        link="https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc",
    ),
]
