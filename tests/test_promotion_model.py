"""The model of torch's promotion rules reproduces the examples of torch's documentation.

The model (conformance.promotion) is what known divergences state torch does; it is
checked here against the documented examples, not against torch itself.
"""

from __future__ import annotations

import pytest

from conformance.promotion import PromotionError, promote_types, result_type

# From https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc
DOCUMENTED = [
    ((["int32"], [], [5]), "int32"),  # int_tensor + 5
    ((["int32"], ["int64"], []), "int32"),  # int_tensor + long_zerodim
    ((["int64", "int32"], [], []), "int64"),  # long_tensor + int_tensor
    ((["bool", "int64"], [], []), "int64"),  # bool_tensor + long_tensor
    ((["bool", "uint8"], [], []), "uint8"),  # bool_tensor + uint_tensor
    ((["float32", "float64"], [], []), "float64"),  # float_tensor + double_tensor
    ((["complex64", "complex128"], [], []), "complex128"),
    ((["bool", "int32"], [], []), "int32"),  # bool_tensor + int_tensor
    ((["int64", "float32"], [], []), "float32"),  # torch.add(long_tensor, float_tensor)
    ((["int32"], [], [5.5]), "float32"),  # int_tensor + 5.5 (default dtype)
    ((["float32"], ["float64"], []), "float32"),  # 0-d double does not lift a float tensor
    ((["int32"], ["float64"], []), "float64"),  # ... but lifts an integer one, with its size
    ((["float32"], [], [1j]), "complex64"),
    ((["float64"], [], [1j]), "complex128"),
    ((["int8", "uint8"], [], []), "int16"),
]


@pytest.mark.parametrize("groups, expected", DOCUMENTED)
def test_documented_examples(groups, expected):
    assert result_type(*groups) == expected


def test_limited_unsigned_types_do_not_promote():
    with pytest.raises(PromotionError):
        promote_types("uint16", "int32")
    with pytest.raises(PromotionError):
        promote_types("uint32", "complex64")
    assert promote_types("uint64", "float32") == "float32"
    assert promote_types("uint16", "uint16") == "uint16"


def test_float16_with_complex_is_complex32():
    assert result_type(["float16"], [], [1j]) == "complex32"
    assert result_type(["bfloat16"], [], [1j]) == "complex64"
    assert promote_types("float16", "bfloat16") == "float32"
