"""What the process that runs a test puts into its report for the run record
(`conformance.record`): the test's facts (its parametrization, read from the item's
callspec) and, for a failure, each divergence's verdict, portable example, reproducer and
the choice sequence Hypothesis prints for `@reproduce_failure`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest


def _param_text(value: Any) -> str:
    for attribute in ("label", "name"):
        text = getattr(value, attribute, None)
        if isinstance(text, str) and type(value).__module__.startswith("conformance"):
            return text
    if isinstance(value, dict) and isinstance(value.get("id"), str):  # a corpus entry, and the like
        return value["id"]
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def draws_examples(item: pytest.Item) -> bool:
    """Whether Hypothesis draws the test's examples (else its inputs are fixed: a table test)."""
    return hasattr(getattr(item, "obj", None), "hypothesis")


def check_facts(item: pytest.Item) -> dict[str, Any]:
    """What a record says of a test, read from its parametrization rather than its id:
    suite, test, op, form, dtype, device, every parameter, the row it is in a
    conformance matrix (its id without the device), and whether Hypothesis draws its examples."""
    from conformance.dtypes import DType, Group
    from conformance.ops import Form, Op

    callspec = getattr(item, "callspec", None)
    params = dict(callspec.params) if callspec is not None else {}
    op = next((v for v in params.values() if isinstance(v, Op)), None)
    form = next((v for v in params.values() if isinstance(v, Form)), None)
    dtype = params.get("dtype")
    device = params.get("device")
    row = item.nodeid
    if callspec is not None and isinstance(device, str):
        # the plugin adds the device parameter last: its id closes the callspec id
        bare = callspec.id.removesuffix(device).removesuffix("-")
        row = item.nodeid.replace(f"[{callspec.id}]", f"[{bare}]" if bare else "")
    name = getattr(item, "originalname", None) or item.name
    return {
        "id": item.nodeid,
        "row": row,
        "suite": Path(str(item.path)).stem.removeprefix("test_"),
        "test": name,
        "op": op.name if op is not None else (params["op"] if isinstance(params.get("op"), str) else None),
        "form": form.label if form is not None else None,
        "dtype": dtype.name if isinstance(dtype, DType | Group) else (dtype if isinstance(dtype, str) else None),
        "device": device if isinstance(device, str) else None,
        "params": {name: _param_text(value) for name, value in params.items()},
        "drawn": draws_examples(item),
    }


def _exceptions(error: BaseException) -> list[BaseException]:
    """The exception, or those of a group (Hypothesis reports distinct failures as one)."""
    inner = getattr(error, "exceptions", None)
    if isinstance(inner, tuple | list) and inner and all(isinstance(e, BaseException) for e in inner):
        return [e for group in inner for e in _exceptions(group)]
    return [error]


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


# Hypothesis' note on a failure where print_blob is set: "... adding
# @reproduce_failure('6.170.17', b'AEFaQQo=') as a decorator ..." (the blob is base64)
_REPRODUCE_FAILURE = re.compile(r"@reproduce_failure\('(?P<version>[^']+)', b'(?P<blob>[A-Za-z0-9+/=]+)'\)")


def choices(error: BaseException) -> dict[str, str] | None:
    """The choice sequence of the example Hypothesis reported with `error`: the Hypothesis version
    and the blob of its `@reproduce_failure` note; None where it left none (a table test, an
    explicit example, print_blob off)."""
    for note in getattr(error, "__notes__", ()):
        match = _REPRODUCE_FAILURE.search(note) if isinstance(note, str) else None
        if match:
            return {"hypothesis": match["version"], "blob": match["blob"]}
    return None


def failure_facts(error: BaseException) -> dict[str, Any]:
    """The verdict of a failed call: `divergence` (the oracle's, or an assertion of the test),
    `changed` (a documented divergence stopped or changed) or `error`, with each divergence's
    message, portable example, reproducer and Hypothesis choice sequence."""
    from conformance.messages import Divergence, DivergenceChanged, DivergenceFixed

    found, entries, errors = [], [], []
    for exception in _exceptions(error):
        if isinstance(exception, Divergence | DivergenceFixed | DivergenceChanged):
            kind = "divergence" if isinstance(exception, Divergence) else "changed"
            if kind == "changed":
                entries += [i for i in getattr(exception, "ids", ()) if i not in entries]
            found.append(
                {
                    "kind": kind
                    if kind == "divergence"
                    else ("fixed" if isinstance(exception, DivergenceFixed) else "changed"),
                    "aspect": getattr(exception, "aspect", kind),
                    # the reproducer has a field of its own
                    "message": str(exception).split("\n  reproducer:\n")[0],
                    "example": getattr(exception, "example", None),
                    "reproducer": getattr(exception, "reproducer", None),
                    "choices": choices(exception),
                }
            )
        elif isinstance(exception, AssertionError):
            found.append(
                {
                    "kind": "divergence",
                    "aspect": "assertion",
                    "message": str(exception) or "assertion failed",
                    "choices": choices(exception),
                }
            )
        else:
            errors.append(_first_line(exception))
    if errors:
        outcome = "error"
    elif any(d["kind"] == "divergence" for d in found):
        outcome = "divergence"
    else:
        outcome = "changed"
    return {"outcome": outcome, "divergences": found, "entries": entries, "errors": errors}
