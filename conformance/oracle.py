"""The oracle: does torch's result conform to the reference's, or diverge as documented?

`assert_conforms(actual, expected, check, options)` compares the two outcomes in
NumPy space (`conformance.compare`), then asks the registry of known divergences
whether the check is one it documents. A documented divergence must happen *and*
behave exactly as its entry says; one that no longer happens fails with
`DivergenceFixed`. Anything else that differs raises one `Divergence` whose first
line says what differed on which call, followed by both sides and the inputs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch

from conformance import divergences, records
from conformance.check import Check
from conformance.compare import DEFAULTS, Options, compare
from conformance.conditions import any_complex
from conformance.example import portable
from conformance.known_divergences import REGISTRY
from conformance.messages import (
    Divergence,
    DivergenceChanged,
    DivergenceFixed,
    describe_call,
    describe_side,
    format_input,
)
from conformance.outcomes import Crashed, Outcome
from conformance.reproducer import reproducer
from conformance.tolerances import Conditioned, Ulps


def _outcome(value: Any) -> Outcome:
    return value if isinstance(value, Outcome) else Outcome(value=value)


def assert_conforms(actual: Any, expected: Any, check: Check, options: Options = DEFAULTS) -> None:
    """Raise a `Divergence` where torch's result does not conform to the reference's.

    `actual` and `expected` are results or `Outcome`s (see `outcomes.capture`); `check`
    names the call, its inputs and the device a tensor result must live on."""
    __tracebackhide__ = True  # a failure reads from the check that failed, not from the oracle
    actual_outcome, expected_outcome = _outcome(actual), _outcome(expected)
    check = replace(check, reference=expected_outcome)
    options = _op_bound(check, options, expected_outcome)
    found = compare(actual_outcome, expected_outcome, options, check.device)
    known = REGISTRY.find(check)
    if known:
        documented, documented_options = expected_outcome, options
        for entry in known:
            documented = entry.expectation(documented, check)
            documented_options = entry.relax(documented_options, check)
        # strict where torch's documented result differs from the reference's, by the entries' own measure
        strict = (
            any(e.torch_gives for e in known) and compare(documented, expected_outcome, documented_options) is not None
        )
        if found is None:
            if strict:
                ids = [e.id for e in known if e.torch_gives]
                _raise_if_changed(ids, check, "no longer happens: torch now agrees with the reference")
                raise _with_example(
                    DivergenceFixed(
                        f"fixed: documented divergence {', '.join(map(repr, ids))} no longer happens  [{_call(check)}]\n"
                        f"  documented: {'; '.join(e.summary for e in known)}\n"
                        f"  torch now agrees with the reference: give the entry the release that fixed it (until=...)",
                        ids,
                    ),
                    check,
                )
            for entry in known:
                if entry.compares_nothing(check):
                    records.observe("known_divergence", entry.id)
            return
        mismatch = compare(actual_outcome, documented, documented_options, check.device)
        if mismatch is None:
            for entry in known:
                records.observe("known_divergence", entry.id)
            return
        _raise_if_changed([e.id for e in known], check, f"happens otherwise: {mismatch.render()}")
        found.add_details(
            [
                f"documented as {', '.join(repr(e.id) for e in known)} ({'; '.join(e.summary for e in known)}), "
                f"but torch differs from that too: {mismatch.render()}"
            ]
        )
    if found is None:
        return
    raise _explained(found, actual_outcome, expected_outcome, check)


def _op_bound(check: Check, options: Options, expected: Outcome) -> Options:
    """The op's own bound where the caller states none: in ulps for real floating operands, else
    scaled by the op's condition at each element of a forward result (`Op.condition`)."""
    op = check.op
    if options.tolerance is not None or op is None:
        return options
    if op.ulps is not None and _real_floating(check):
        return replace(options, tolerance=Ulps(op.ulps))
    if op.condition is None or check.gradient_of is not None or expected.raised or len(check.operands) != 1:
        return options
    values = np.asarray(getattr(expected.value, "values", expected.value))
    if values.dtype.kind not in "fc":
        return options
    wide = np.complex128 if values.dtype.kind == "c" or check.operands[0].dtype.is_complex else np.float64
    with np.errstate(all="ignore"):
        kappa = op.condition(np.asarray(check.operands[0].values, dtype=wide), values.astype(wide))
    kappa = np.where(np.isfinite(kappa), kappa, 0.0)  # non-finite results are compared by position
    return replace(options, tolerance=Conditioned(_CONDITION_UNITS, np.broadcast_to(kappa, values.shape)))


# torch's backward-stable ops stay within 2.04 u (1 + kappa) where measured (see Op.condition)
_CONDITION_UNITS = 4.0


def _real_floating(check: Check) -> bool:
    """An op's bound in ulps is stated for real floating operands: torch converts integral inputs
    to the default float first (int64 values past 2**24 round in float32, where NumPy's reference
    computes in float64), and complex results compose several roundings."""
    return not any_complex(check) and all(inp.dtype.is_floating for inp in check.operands)


def _raise_if_changed(ids: list[str], check: Check, what: str) -> None:
    """On a torch newer than the registry knows, a documented divergence that stops or changes is
    an outcome of its own: the registry cannot say whether it is a fix or a regression."""
    __tracebackhide__ = True
    if REGISTRY.beyond_knowledge():
        raise _with_example(
            DivergenceChanged(
                f"changed: documented divergence {', '.join(map(repr, ids))} {what}  [{_call(check)}]\n"
                f"  torch {torch.__version__} is newer than the registry knows ({divergences.NEWEST_KNOWN}): "
                f"give the entry the range it holds for (since/until) or document the new behaviour",
                ids,
            ),
            check,
        )


def _inputs(check: Check) -> dict[str, Any]:
    """What the call was given, the upstream gradient of a gradient check included."""
    inputs = {**check.inputs, **check.arguments}
    return {**inputs, "upstream": check.upstream} if check.upstream is not None else inputs


def _call(check: Check) -> str:
    return describe_call(check.label, _inputs(check))


def _explained(found: Divergence, actual: Outcome, expected: Outcome, check: Check) -> Divergence:
    """The divergence with the call on its first line, then both sides, the inputs and the device."""
    found.summary = f"{found.summary}  [{_call(check)}]"
    lines = [f"torch:     {describe_side(actual)}", f"reference: {describe_side(expected)}"]
    if isinstance(actual.error, Crashed) and actual.error.output:
        lines.append("crash output: " + actual.error.output.strip().splitlines()[0][:200])
    inputs = _inputs(check)
    if inputs:
        lines.append("inputs: " + ", ".join(f"{k}={format_input(v)}" for k, v in inputs.items()))
    if check.device != "cpu":
        lines.append(f"device: {check.device}")
    _with_example(found, check)
    found.details = [*lines, *found.details, "reproducer:", *("    " + line for line in found.reproducer.splitlines())]
    found.args = (found.render(),)
    return found


def _with_example(error: Any, check: Check) -> Any:
    """`error` carrying the check's portable example and reproducer, for the run record: the
    last one Hypothesis raises is the shrunk example's."""
    try:
        error.reproducer = reproducer(check)
    except Exception as failure:  # a reproducer must never hide the divergence it reproduces
        error.reproducer = f"# no reproducer: {type(failure).__name__}: {failure}"
    try:
        error.example = portable(check)
    except Exception:  # nor must a record
        error.example = None
    return error


__all__ = ["Check", "Divergence", "DivergenceChanged", "DivergenceFixed", "Options", "assert_conforms"]
