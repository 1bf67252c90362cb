"""Reading a shape op's check, for the registry entries of shape ops: the labels of the named ops
(and of their memory checks), dims as a tuple and whether they are valid, and the oldest torch
the entries hold for."""

from __future__ import annotations

from conformance import ops


def labels(*names: str) -> tuple[str, ...]:
    """The form labels of the named ops."""
    return ops.labels(lambda op: op.name in names)


def memory_labels(*names: str) -> tuple[str, ...]:
    """The labels of the suite's memory checks (view or copy) of the named ops."""
    return tuple(f"memory of {label}" for label in labels(*names))


def as_tuple(dims) -> tuple[int, ...]:
    """A dim argument (one dim, or several) as a tuple of dims."""
    return tuple(dims) if isinstance(dims, list | tuple) else (dims,)


def valid_dims(dims, ndim: int) -> bool:
    """Whether `dims` are distinct dims of an array of `ndim` dims (0-d counting as one)."""
    n = max(ndim, 1)
    wrapped = [d % n for d in dims if -n <= d < n]
    return len(wrapped) == len(dims) and len(set(wrapped)) == len(wrapped)


SINCE = "2.3"  # the oldest torch the suite supports (pyproject.toml); checked on 2.13
