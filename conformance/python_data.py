"""torch's reading of nested Python data (lists and tuples of numbers and NumPy scalars, as
`torch.tensor` takes it): its dtype inference and the values it converts, for the known
divergences of `known_divergences/python_data.py`.
"""

from __future__ import annotations

import numpy as np

from conformance import dtypes as dt
from conformance import promotion
from conformance.check import Check
from conformance.dtypes import INT64_MAX, INT64_MIN
from conformance.outcomes import ExpectedError, Outcome


def leaves(data: object) -> list[object]:
    """The scalars of nested lists/tuples, in order."""
    if isinstance(data, list | tuple):
        return [leaf for item in data for leaf in leaves(item)]
    return [data]


def numpy_scalars_in_data(check: Check) -> bool:
    """Nested lists/tuples holding NumPy scalars, without a dtype (a np.bool_ where the dtype is
    integral is refused: numpy-bool-in-integer-data)."""
    data = check.inputs.get("data")
    if not isinstance(data, list | tuple) or check.inputs.get("dtype") is not None:
        return False
    return any(isinstance(v, np.generic) for v in leaves(data))


def inferred_dtype(data: object) -> str:
    """torch's dtype inference for nested data: a NumPy scalar's own dtype, a Python number's
    default (bool, int64, float32, complex64); a sequence folds its items' dtypes left to right
    with promote_types (raising for uint16/32/64 with other integers) and stops at complex128;
    an empty one is the default float."""
    if isinstance(data, list | tuple):
        result = None
        for item in data:
            item_dtype = inferred_dtype(item)
            result = item_dtype if result is None else promotion.promote_types(result, item_dtype)
            if result == "complex128":
                break
        return result or promotion.default_float()
    if isinstance(data, np.generic):
        return dt.name_of(data.dtype)
    if isinstance(data, int) and not isinstance(data, bool):
        return "int64"  # (in data, an int past int64 overflows rather than making the tensor uint64)
    return promotion.scalar_dtype(data)


def data_by_torch_promotion(check: Check, reference: object) -> object:
    """torch's tensor of nested data with NumPy scalars: the dtype `inferred_dtype` gives it, and the
    values converted to it (a np.uint64 is read through a signed path where the dtype is integral)."""
    data = check.inputs["data"]
    try:
        dtype = inferred_dtype(data)
    except promotion.PromotionError:
        return Outcome(error=ExpectedError(RuntimeError, "Promotion for uint16, uint32, uint64 types is not supported"))
    scalars = leaves(data)
    if any(isinstance(v, np.uint64) for v in scalars) and dt.dtype(dtype).is_integral:
        return Outcome(error=ExpectedError(TypeError, "an integer is required"))
    exact = [v.item() if isinstance(v, np.generic) else v for v in scalars]
    with np.errstate(all="ignore"):
        values = np.array(exact, dtype=object).astype(dt.dtype(dtype).numpy)
    return values.reshape(np.shape(np.asarray(data, dtype=object)))


def python_ints_past_int64_in_data(check: Check) -> bool:
    """Python data without a dtype whose ints leave int64's range, with no float or complex that
    would make the result floating."""
    data = check.inputs.get("data")
    if check.inputs.get("dtype") is not None or not isinstance(data, list | tuple | int):
        return False
    scalars = leaves(data)
    if any(isinstance(v, float | complex | np.generic) for v in scalars):
        return False
    return any(isinstance(v, int) and not isinstance(v, bool) and not INT64_MIN <= v <= INT64_MAX for v in scalars)
