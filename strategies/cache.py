"""Strategies built once per arguments.

Hypothesis validates a strategy object at its first draw (its arguments, whether it can be empty,
whether its values can be reused), and a `st.composite` function builds a new object at each call.
A suite that asks for `shapes()` or `dtypes(op.dtypes)` at every example therefore validates a new
strategy at every example, which costs more than the draw itself: measured over the default run,
a tenth of its time went to validating strategies. `built_once` keeps the strategy a factory
built for each set of arguments and hands the same object back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def built_once(factory: F) -> F:
    """`factory` with its strategies cached per arguments; arguments that cannot be hashed (a
    list, a dict) build a new strategy, as without the cache. Drawing is unchanged: the cached
    strategy is the one `factory` would have built."""
    cached = functools.lru_cache(maxsize=8192)(factory)

    @functools.wraps(factory)
    def build(*args, **kwargs):
        try:
            return cached(*args, **kwargs)
        except TypeError as error:
            if "unhashable" not in str(error):
                raise
            return factory(*args, **kwargs)

    return build  # type: ignore[return-value]
