"""Replay: a recorded divergence run again, deterministically, on this machine's torch.

Two ways, one verdict. An example whose runner left a recipe (`example["replay"]`: `check_op`,
every catalog op in one of its forms against its reference) is rebuilt and run in this process
through the same runner and oracle, without Hypothesis, on any device. Any other divergence
(a test that made its own calls: a constructor, a reduction, an in-place rule) is replayed by
running its test once in a pytest subprocess on the recorded example: Hypothesis' choice
sequence of it, which the record keeps, applied with `--conformance-reproduce` (no search, no
shrinking, no example database); a table test simply runs again. That run's own record gives
the verdict. Where that cannot be done, one line says why.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
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


def replay_divergence(
    check: Mapping[str, Any], divergence: Mapping[str, Any], device: str | None, timeout: float
) -> Verdict:
    """Replay one recorded divergence of `check` (both as the record holds them): its example
    in this process where it has a recipe, else its test, once, on the recorded example, within
    `timeout` seconds."""
    example = divergence.get("example")
    if replayable(example) is None:
        return replay(example, device)
    return rerun(check, divergence, device, timeout)


def rerun(check: Mapping[str, Any], divergence: Mapping[str, Any], device: str | None, timeout: float) -> Verdict:
    """Run the test of `check` once in a pytest subprocess from the current directory, on the
    example of `divergence` (its recorded Hypothesis choice sequence), and read the verdict from
    that run's record."""
    import hypothesis

    nodeid = check["id"]
    choices = divergence.get("choices")
    if not choices and check.get("drawn") is not False:
        return Verdict("not replayable", f"the record holds no Hypothesis choice sequence for it: pytest {nodeid}")
    if choices and choices.get("hypothesis") != hypothesis.__version__:
        return Verdict(
            "not replayable",
            f"its example was recorded by Hypothesis {choices.get('hypothesis')}, this is {hypothesis.__version__} "
            f"(a choice sequence is bound to its version): pip install hypothesis=={choices.get('hypothesis')}",
        )
    suite = nodeid.split("::")[0]
    if not Path(suite).is_file():
        return Verdict(
            "not replayable", f"its suite file {suite} is not under {Path.cwd()}: replay from the recorded run's root"
        )
    recorded = check.get("device")
    if recorded:
        target, problem = _device(recorded, device)
        if target is None:
            return Verdict("not replayable", problem)
        nodeid = _on_device(nodeid, recorded, target)
    else:
        target = None
    command = [sys.executable, "-m", "pytest", nodeid, "-p", "no:cacheprovider", "-n", "0", "-q"]
    command += [f"--devices={target}"] if target else []
    command += [f"--conformance-reproduce={choices['hypothesis']}:{choices['blob']}"] if choices else []
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}  # the command says it all
    with tempfile.TemporaryDirectory(prefix="tensor-conformance-replay-") as folder:
        path = Path(folder) / "record.json"
        output = _run_within([*command, f"--conformance-record={path}"], environment, timeout)
        if output is None:
            return Verdict("error", f"its test ran past {timeout:g} s", target)
        return _verdict_of_run(path, nodeid, output, target)


def _run_within(command: list[str], environment: dict[str, str], timeout: float) -> str | None:
    """The output of `command`, or None where it ran past `timeout` seconds. It runs in a
    process group of its own, killed whole on a timeout (or an interrupt): a check isolated in
    a subprocess of its own dies with it, and holds no pipe open."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, start_new_session=True
    ) as process:
        try:
            return process.communicate(timeout=timeout)[0]
        except BaseException as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            if isinstance(error, subprocess.TimeoutExpired):
                return None
            raise


def _on_device(nodeid: str, recorded: str, device: str) -> str:
    """The node id of the same case on `device`: the plugin adds the device parameter last."""
    for opening in ("-", "["):
        if nodeid.endswith(f"{opening}{recorded}]"):
            return nodeid[: -len(recorded) - 1] + f"{device}]"
    return nodeid


def _verdict_of_run(path: Path, nodeid: str, output: str, device: str | None) -> Verdict:
    """The verdict the rerun's record gives its test, or what pytest said where it gives none."""
    from conformance.report import RecordError, load

    try:
        entry = next((c for c in load(path)["checks"] if c["id"] == nodeid), None)
    except RecordError:
        entry = None
    if entry is None:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        if any(line.startswith("ERROR: not found:") for line in lines):
            return Verdict("not replayable", f"its test is not in this suite: {nodeid}", device)
        said = [line for line in lines if line.startswith(("ERROR", "INTERNALERROR", "E "))] or lines
        return Verdict("error", f"its test did not run: {said[-1] if said else 'pytest said nothing'}", device)
    outcome = entry["outcome"]
    found = entry.get("divergences") or [{}]
    first = (found[0].get("message") or "").split("\n")[0]
    if outcome == "divergence":
        return Verdict("diverges", first, device)
    if outcome == "changed":
        kind = "fixed" if found[0].get("kind") == "fixed" else "changed"
        return Verdict(kind, first, device, tuple(entry.get("entries", ())))
    if outcome == "known":
        return Verdict("known", ", ".join(entry["known"]), device, tuple(entry["known"]))
    if outcome == "pass":
        return Verdict("conforms", "", device)
    if outcome == "skip":
        return Verdict("not replayable", f"its test skips here: {entry.get('reason', '')}", device)
    error = entry.get("error", "")
    if error.startswith("DidNotReproduce"):  # Hypothesis: the test no longer draws as recorded
        return Verdict("not replayable", f"its test no longer draws the recorded example ({error})", device)
    return Verdict("error", error, device)
