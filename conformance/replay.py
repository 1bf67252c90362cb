"""Replay: a recorded example run again, deterministically and without Hypothesis, on this
machine's torch, through the same runner and oracle as in its suite.

An example is replayable where the runner that raised it left a recipe (`example["replay"]`):
`check_op` (every catalog op in one of its forms against its reference) does. A check whose
test made its own calls (a constructor, an in-place rule) has no recipe: its test reruns it
(`pytest NODEID`), and `tensor-conformance repro` prints its standalone reproducer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance import example as examples
from conformance import records
from conformance.backends import device_availability

# what each verdict says, and whether the example still shows a divergence
VERDICTS = {
    "diverges": "still diverges",
    "conforms": "conforms",
    "known": "a known divergence, as documented",
    "fixed": "a documented divergence no longer happens",
    "changed": "a documented divergence changed",
    "error": "the replay itself failed",
    "not replayable": "not replayable here",
}


@dataclass(frozen=True)
class Verdict:
    status: str  # a key of VERDICTS
    detail: str = ""
    device: str | None = None
    entries: tuple[str, ...] = ()

    @property
    def diverges(self) -> bool:
        return self.status == "diverges"

    def __str__(self) -> str:
        where = f" on {self.device}" if self.device else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{VERDICTS[self.status]}{where}{detail}"


def replayable(example: Mapping[str, Any] | None) -> str | None:
    """Why `example` cannot be replayed outside its test, or None where it can."""
    if not example:
        return "the record holds no example for it"
    recipe = example.get("replay") or {}
    if recipe.get("runner") != "check_op":
        return f"its test made its own calls ({example.get('label', '?')}): rerun the test with pytest"
    if not examples.is_portable(example):
        return "a value of its example has no portable form"
    return None


def _device(recorded: str, wanted: str | None) -> tuple[str | None, str]:
    device = wanted or recorded
    status = device_availability(device)
    if status:
        return device, ""
    hint = "" if wanted else "; --device cpu replays it on the CPU"
    return None, f"{device} is not available here ({status.reason}){hint}"


def replay(example: Mapping[str, Any], device: str | None = None) -> Verdict:
    """Run `example` again (on `device`, else on the device it was recorded on) and say what
    the oracle says now."""
    from conformance import dtypes as dt
    from conformance.messages import Divergence, DivergenceChanged, DivergenceFixed
    from conformance.runner import check_op

    why = replayable(example)
    if why:
        return Verdict("not replayable", why)
    target, problem = _device(example.get("device") or "cpu", device)
    if target is None:
        return Verdict("not replayable", problem)
    try:
        check = examples.check_of(example, target)
        dtype_name = example["replay"].get("dtype")
        dtype = dt.dtype(dtype_name) if dtype_name else None
    except (examples.ExampleError, ValueError, KeyError) as error:
        return Verdict("not replayable", f"its example cannot be rebuilt here: {error}", target)
    records.drain()
    try:
        check_op(check.op, check.form, check.inputs, target, dtype=dtype, arguments=check.arguments)
    except Divergence as error:
        return Verdict("diverges", str(error).splitlines()[0], target)
    except DivergenceFixed as error:
        return Verdict("fixed", str(error).splitlines()[0], target, error.ids)
    except DivergenceChanged as error:
        return Verdict("changed", str(error).splitlines()[0], target, error.ids)
    except Exception as error:
        return Verdict("error", f"{type(error).__name__}: {error}".splitlines()[0], target)
    known = tuple(value for kind, value in records.drain() if kind == "known_divergence")
    if known:
        return Verdict("known", ", ".join(known), target, known)
    return Verdict("conforms", "", target)
