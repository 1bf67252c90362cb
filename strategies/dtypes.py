"""Dtype strategies: the suite's dtypes, filtered by what each backend and device supports."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st

from conformance import dtypes as dt
from conformance.backends import NumpyBackend, device_availability
from strategies.cache import built_once

# Dtypes that torch supports on some device types only. Where a device type is
# missing, every dtype of the suite is assumed to work there.
_DEVICE_DTYPES = {
    # MPS has no float64 or complex128.
    "mps": frozenset(dt.ALL) - {"float64", "complex128"},
}


def supported_dtypes(
    names: Iterable[str] = dt.ALL,
    *,
    device: str = "cpu",
    need_numpy: bool = False,
) -> tuple[dt.DType, ...]:
    """The `DType`s among `names` that torch supports on `device` (and NumPy, if asked).

    `need_numpy` drops the dtypes NumPy cannot hold natively (bfloat16), for checks
    that hand the array itself to NumPy rather than a float32 carrier.
    """
    device_type = device.split(":")[0]
    allowed = _DEVICE_DTYPES.get(device_type, frozenset(dt.ALL))
    chosen = []
    for name in names:
        dtype = dt.dtype(name)
        if name not in allowed:
            continue
        if need_numpy and not NumpyBackend().supports(dtype):
            continue
        chosen.append(dtype)
    return tuple(chosen)


@built_once
def dtypes(
    names: Iterable[str] = dt.ALL, *, device: str = "cpu", need_numpy: bool = False
) -> st.SearchStrategy[dt.DType]:
    """Draw one `DType` of `names` supported on `device`; shrinks toward the first."""
    if not device_availability(device):
        raise ValueError(f"cannot draw dtypes for {device}: {device_availability(device).reason}")
    chosen = supported_dtypes(names, device=device, need_numpy=need_numpy)
    if not chosen:
        raise ValueError(f"none of {list(names)} is supported on {device}")
    return st.sampled_from(chosen)
