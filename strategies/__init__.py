"""Hypothesis strategies of the suite: dtypes, shapes, values, layouts, devices."""

from strategies.devices import devices
from strategies.dtypes import dtypes, supported_dtypes
from strategies.layouts import layouts, writable_layouts
from strategies.shapes import broadcastable_shapes, non_broadcastable_shapes, shapes, sized_shapes
from strategies.values import array_inputs, arrays, elements, float_specials, integer_specials

__all__ = [
    "array_inputs",
    "arrays",
    "broadcastable_shapes",
    "devices",
    "dtypes",
    "elements",
    "float_specials",
    "integer_specials",
    "layouts",
    "non_broadcastable_shapes",
    "shapes",
    "sized_shapes",
    "supported_dtypes",
    "writable_layouts",
]
