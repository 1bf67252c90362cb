"""Hand-made run records for the report's self-tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from conformance import record

ENVIRONMENT = {
    "label": "",
    "torch": "2.13.0+cpu",
    "torch_build": "CPU build",
    "python": "3.11.7",
    "numpy": "2.4.6",
    "cupy": "absent",
    "hypothesis": "6.170",
    "profile": "ci",
    "seed": "derandomized",
    "devices": ["cpu"],
    "gpus": [],
    "registry": {"newest_known": "2.14", "entries": 63, "digest": "abc"},
}


def check(name: str, outcome: str, device: str = "cpu", **fields: Any) -> dict[str, Any]:
    """A check of suite `demo` with the row `suites/test_demo.py::test_x[name]`."""
    nodeid = f"suites/test_demo.py::test_x[{name}-{device}]"
    entry = {
        "id": nodeid,
        "row": f"suites/test_demo.py::test_x[{name}]",
        "suite": "demo",
        "test": "test_x",
        "op": name.split("-")[0],
        "form": None,
        "dtype": name.split("-")[1] if "-" in name else None,
        "device": device,
        "params": {},
        "outcome": outcome,
        **fields,
    }
    if outcome == "divergence" and "divergences" not in fields:
        entry["divergences"] = [
            {
                "id": record.divergence_id(nodeid),
                "kind": "divergence",
                "aspect": "values",
                "message": f"values: {name} differs",
                "example": None,
                "reproducer": "print('repro')",
            }
        ]
    return entry


def make(
    checks: list[dict[str, Any]], *, torch: str = "2.13.0+cpu", label: str = "", devices=("cpu",), complete: bool = True
) -> dict[str, Any]:
    environment = {**copy.deepcopy(ENVIRONMENT), "torch": torch, "label": label, "devices": list(devices)}
    summary = {outcome: sum(c["outcome"] == outcome for c in checks) for outcome in record.OUTCOMES}
    return {
        "format": record.FORMAT,
        "version": record.VERSION,
        "complete": complete,
        "status": "finished" if complete else "interrupted",
        "exit_status": 0,
        "started": "",
        "updated": "",
        "environment": environment,
        "summary": summary,
        "not_run": 0,
        "checks": checks,
    }


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data))
    return path
