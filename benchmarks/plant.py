"""A pytest plugin for `benchmarks/census.py`: plants one bug in torch for a whole run.

`CONFORMANCE_PLANT` names the bug as `<module>:<name>`, a key of the `PLANTS` table of
`tests/<module>.py` (the planted-bug self-tests); the plugin replaces the torch function
there with its planted version in every process of the run (the controller and each xdist
worker), before any suite is imported. `CONFORMANCE_PLANT_OUT` names a JSON file where the
controller writes the first failing test and the seconds from the start of the session to
its report, as soon as it comes in (xdist's -x lets the workers finish the tests they were
handed; the census stops the run instead). The planted run does not shrink: the census asks whether a bug is caught and
when, and a shrinking test would hold its report back for many seconds.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import pytest
import torch
from hypothesis import Phase, settings

ROOT = Path(__file__).resolve().parents[1]
_start = time.perf_counter()
_first: dict = {}


def plants() -> dict[str, tuple]:
    """Every planted bug of the self-tests: `module:name` -> (target, attribute, make, suite, selection)."""
    sys.path.insert(0, str(ROOT / "tests"))
    found = {}
    for path in sorted((ROOT / "tests").glob("test_planted_*.py")):
        module = importlib.import_module(path.stem)
        suite = path.stem.removeprefix("test_planted_")
        for name, entry in getattr(module, "PLANTS", {}).items():
            if isinstance(entry[0], str):  # (suite, attribute of torch, make, selection)
                entry = (torch, entry[1], entry[2], entry[0], entry[3])
            elif len(entry) == 4:  # (target, attribute, make, selection), the file's own suite
                entry = (*entry[:3], suite, entry[3])
            found[f"{path.stem}:{name}"] = entry
    return found


@pytest.hookimpl(trylast=True)  # after the profile is loaded
def pytest_configure(config: pytest.Config) -> None:
    key = os.environ.get("CONFORMANCE_PLANT")
    if not key:
        return
    # the census asks whether a bug is caught, not for its minimal example: no shrinking
    settings.register_profile("census", parent=settings.default, phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("census")
    table = plants()
    if key not in table:
        raise pytest.UsageError(f"no planted bug {key!r}; see `python benchmarks/census.py --list`")
    target, attribute, make, _, _ = table[key]
    setattr(target, attribute, make(getattr(target, attribute)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    out = os.environ.get("CONFORMANCE_PLANT_OUT")
    if report.failed and not _first and out and "PYTEST_XDIST_WORKER" not in os.environ:
        _first.update(test=report.nodeid, seconds=round(time.perf_counter() - _start, 2))
        temporary = Path(out + ".tmp")
        temporary.write_text(json.dumps(_first))
        temporary.replace(out)  # at once: the census stops the run when it sees the file
