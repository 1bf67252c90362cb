"""Run records: one JSON file per run, the environment it tested and every check's outcome.

`--conformance-record PATH` registers a `RecordWriter` on the process that owns the
session (the xdist controller under `-n`, never a worker). Each test's facts (its
parametrization, read from the item's callspec) and, for a failure, the divergences with
their portable examples are put into the test report's `user_properties` on the process
that ran it (`conformance.plugin`, with `conformance.record_facts`), so they travel back from xdist workers with the
reports; the writer builds the record from `pytest_runtest_logreport` alone. The file is
replaced atomically (a temporary file, then `os.replace`) every few seconds while the run
goes on and once at its end, so an interrupted run leaves a valid record of what
finished, marked incomplete. The format is described in `docs/record-format.md`.

Each divergence Hypothesis found carries the choice sequence of its shrunk example, as
Hypothesis prints it for `@reproduce_failure` (the plugin turns `print_blob` on while it
records): `tensor-conformance replay` reruns the test on exactly that example.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

FORMAT = "tensor-conformance-record"
VERSION = 1
OUTCOMES = ("pass", "known", "divergence", "changed", "skip", "error")
CHECK_PROPERTY = "conformance.check"  # a JSON object: the test's facts
FAILURE_PROPERTY = "conformance.failure"  # a JSON object: the verdict of a failed call
ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# On the process that owns the session


def _run(*command: str) -> str | None:
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def registry_version() -> dict[str, Any]:
    """The registry this run judged by: the newest release it knows, its size and a digest
    of its entries' ids and ranges (two runs with one digest had the same entries)."""
    from conformance import divergences
    from conformance.known_divergences import REGISTRY

    text = "\n".join(f"{e.id} {e.since} {e.until}" for e in REGISTRY)
    return {
        "newest_known": divergences.NEWEST_KNOWN,
        "entries": len(REGISTRY),
        "digest": hashlib.sha256(text.encode()).hexdigest()[:12],
    }


def environment(config: pytest.Config, label: str | None = None) -> dict[str, Any]:
    """The fingerprint of what this run tested: torch and its build, the GPUs, the
    references' and tools' versions, the platform, the devices, the profile and the seed."""
    import numpy as np
    import torch
    from hypothesis import settings

    from conformance import devices, plugin

    facts = plugin.environment(config)
    cuda = torch.version.cuda
    hip = getattr(torch.version, "hip", None)
    cudnn = None
    try:
        if torch.backends.cudnn.is_available():
            cudnn = str(torch.backends.cudnn.version())
    except Exception:  # a build whose cuDNN cannot load
        cudnn = None
    gpus = []
    if torch.cuda.is_available():
        gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    try:
        build_config = torch.__config__.show()
    except Exception as error:
        build_config = f"unavailable: {error}"
    return {
        "label": label or "",
        "torch": torch.__version__,
        "torch_git": getattr(torch.version, "git_version", None),
        "torch_debug": bool(getattr(torch.version, "debug", False)),
        "torch_build": facts["torch_build"],
        "build_config": build_config,
        "cuda": cuda,
        "rocm": hip,
        "cudnn": cudnn,
        "gpus": gpus,
        "numpy": np.__version__,
        "cupy": facts["cupy"],
        "hypothesis": facts["hypothesis"],
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "devices": list(devices.devices_under_test()),
        "profile": settings.get_current_profile_name(),
        "seed": facts["seed"],
        "registry": registry_version(),
        "suite_git": _run("git", "rev-parse", "HEAD"),
    }


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """`data` as JSON at `path`, replacing what was there in one step: a reader (or a run
    killed mid-write) sees the old file or the new one, never half of either."""
    write_text_atomically(path, json.dumps(data, indent=1, allow_nan=False) + "\n")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomically(path: Path, text: str) -> None:
    """`text` at `path`, replacing what was there in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's file is private; a record is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr or "")
    return text.removeprefix("Skipped: ")


def _crash_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message.strip().splitlines()[0] if crash.message.strip() else "failed"
    text = str(report.longrepr or "failed").strip().splitlines()
    return text[-1] if text else "failed"


def _properties(report: pytest.TestReport, kind: str) -> list[str]:
    return [value for name, value in getattr(report, "user_properties", ()) if name == kind]


class RecordWriter:
    """Builds the record from the reports the session sees, and writes it (see the module)."""

    INTERVAL = 2.0  # seconds between the rewrites while the run goes on

    def __init__(self, config: pytest.Config, path: str | os.PathLike, label: str | None = None):
        self.config = config
        self.path = Path(path)
        self.label = label
        self.started = _now()
        self.checks: dict[str, dict[str, Any]] = {}
        self.finished: set[str] = set()
        self.expected: set[str] = set()
        self.environment: dict[str, Any] | None = None
        self.last_write = 0.0

    # --- hooks -------------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.environment = environment(self.config, self.label)
        self.write(complete=False, status="running")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.expected.update(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: Iterable[str]) -> None:
        self.expected.update(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.checks.setdefault(report.nodeid, {"id": report.nodeid, "outcome": None})
        for facts in _properties(report, CHECK_PROPERTY):
            entry.update({k: v for k, v in json.loads(facts).items() if k not in entry or entry[k] is None})
        self._judge(entry, report)
        if report.when in ("teardown", "???"):
            self.finished.add(report.nodeid)
            if time.monotonic() - self.last_write >= self.INTERVAL:
                self.write(complete=False, status="running")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        interrupted = exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR)
        stopped = bool(session.shouldstop or session.shouldfail)
        missing = self.expected - self.finished
        crashed = any(entry.get("crashed") for entry in self.checks.values())
        status = "interrupted" if interrupted else ("stopped" if stopped else "finished")
        if status == "finished" and (missing or crashed):
            status = "incomplete"
        self.write(complete=status == "finished", status=status, exit_status=int(exitstatus))

    # --- the outcome of one check --------------------------------------------------------

    def _judge(self, entry: dict[str, Any], report: pytest.TestReport) -> None:
        when, failed = report.when, report.failed
        if when == "???":  # xdist: the worker died while running this test
            self._set(entry, "error", error=f"the worker crashed: {_crash_line(report)}")
            entry["crashed"] = True
            return
        if when == "setup":
            entry["duration"] = round(report.duration, 4)
            if report.skipped:
                self._set(entry, "skip", reason=_reason(report))
            elif failed:
                self._set(entry, "error", error=f"setup: {_crash_line(report)}")
            return
        if when == "teardown":
            if failed and entry["outcome"] not in ("error",):
                previous = entry["outcome"]
                self._set(entry, "error", error=f"teardown: {_crash_line(report)}")
                entry["call_outcome"] = previous
            if entry["outcome"] is None:
                self._set(entry, "error", error="no outcome reported")
            return
        entry["duration"] = round(entry.get("duration", 0.0) + report.duration, 4)
        known = list(dict.fromkeys(_properties(report, "known_divergence")))
        changed = list(dict.fromkeys(_properties(report, "changed")))
        failures = [json.loads(f) for f in _properties(report, FAILURE_PROPERTY)]
        if report.passed:
            self._set(entry, "known" if known else "pass", known=known)
        elif report.skipped and changed:  # --known-changes=report
            self._set(entry, "changed", entries=changed, **self._failure(failures))
        elif report.skipped:
            reason = _reason(report)
            xfail = getattr(report, "wasxfail", None)
            self._set(entry, "skip", reason=f"xfail: {xfail}" if xfail is not None else reason)
        elif failures:
            failure = failures[-1]
            details = self._failure(failures)
            if failure["outcome"] == "error":
                details["error"] = "; ".join(failure["errors"]) or _crash_line(report)
            self._set(entry, failure["outcome"], entries=failure["entries"] or changed, **details)
        else:
            self._set(entry, "error", error=_crash_line(report))

    @staticmethod
    def _failure(failures: list[dict[str, Any]]) -> dict[str, Any]:
        if not failures:
            return {}
        divergences = failures[-1]["divergences"]
        return {"divergences": divergences} if divergences else {}

    @staticmethod
    def _set(entry: dict[str, Any], outcome: str, **details: Any) -> None:
        entry["outcome"] = outcome
        for key in ("known", "entries", "reason", "error", "divergences"):
            if key not in details:
                entry.pop(key, None)
        entry.update({k: v for k, v in details.items() if v not in (None, [], "")})

    # --- the file --------------------------------------------------------------------------

    def record(self, *, complete: bool, status: str, exit_status: int | None = None) -> dict[str, Any]:
        checks = [self._finalised(e) for nodeid, e in self.checks.items() if nodeid in self.finished]
        summary = {outcome: 0 for outcome in OUTCOMES}
        for check in checks:
            summary[check["outcome"]] += 1
        return {
            "format": FORMAT,
            "version": VERSION,
            "complete": complete,
            "status": status,
            "exit_status": exit_status,
            "started": self.started,
            "updated": _now(),
            "environment": self.environment or {},
            "summary": summary,
            "not_run": len(self.expected - self.finished),
            "checks": checks,
        }

    @staticmethod
    def _finalised(entry: dict[str, Any]) -> dict[str, Any]:
        entry = dict(entry)
        for field in ("row", "suite", "test", "op", "form", "dtype", "device"):
            entry.setdefault(field, None)
        entry.setdefault("params", {})
        if entry["row"] is None:
            entry["row"] = entry["id"]
        for index, divergence in enumerate(entry.get("divergences", ())):
            divergence["id"] = divergence_id(entry["id"], index)
        return entry

    def write(self, *, complete: bool, status: str, exit_status: int | None = None) -> None:
        self.last_write = time.monotonic()
        write_atomically(self.path, self.record(complete=complete, status=status, exit_status=exit_status))


def divergence_id(nodeid: str, index: int = 0) -> str:
    """A short, shell-safe id of a check's `index`-th divergence, the same in every record."""
    return "d" + hashlib.sha256(f"{nodeid}#{index}".encode()).hexdigest()[:10]
