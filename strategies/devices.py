"""Device strategy: the devices under test, as the plugin configured them."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.devices import devices_under_test


def devices() -> st.SearchStrategy[str]:
    """One of the devices under test (`cpu` first, so examples shrink toward it)."""
    return st.sampled_from(devices_under_test())
