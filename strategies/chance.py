"""Rare branches of a strategy: an edge case (an argument out of range, a 0-d shape, a zero-size
dim) drawn about as often as its docstring says, and never by the simplest example.

Hypothesis gives a choice's simplest value (an integer's 0, a `sampled_from`'s first element, a
`one_of`'s first branch) far more than its share: each run starts from the all-simplest example,
its first few examples are mostly simplest, and mutations copy values. Measured over 300 runs of
a test drawing `st.integers(0, 15)`, the value 0 came in 25% of the examples of a 10-example run
(the dev profile's size) and 38% of a 30-example one (ci's), where 1 in 16 is 6%; each other
value came in 4 to 5%. A rare branch written as `draw(st.integers(0, 15)) == 0` therefore runs a
quarter to two fifths of all examples (and every run's first one) on an edge case.
`one_in` puts the rare outcome on the largest value instead: the simplest example takes the
common branch, the rare one comes about as often as asked, and shrinking leads away from it
unless the failure needs it.
"""

from __future__ import annotations

from hypothesis import strategies as st


def one_in(draw: st.DrawFn, n: int, label: str) -> bool:
    """True about one draw in `n` (somewhat less: the simplest value takes more than its share),
    False in the simplest example and in the others; shrinks toward False."""
    if n < 2:
        raise ValueError(f"one_in needs n >= 2, got {n}")
    return draw(st.integers(0, n - 1), label=label) == n - 1
