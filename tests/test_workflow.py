"""The GitHub Actions workflow: valid against the workflow schema (check-jsonschema's vendored
copy, from the dev extra), and running what the README promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "conformance.yml"


def _validator() -> list[str] | None:
    found = shutil.which("check-jsonschema") or shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    return [found] if found else None


def test_workflow_is_valid_against_the_schema():
    validator = _validator()
    if validator is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [*validator, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_workflow_is_caught(tmp_path):
    validator = _validator()
    if validator is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))
    done = subprocess.run([*validator, "--builtin-schema", "vendor.github-workflows", str(broken)], capture_output=True)
    assert done.returncode != 0


def test_workflow_runs_the_matrix_and_reports():
    text = WORKFLOW.read_text()
    for needed in (
        'python: ["3.11", "3.12"]',  # two Python versions
        'torch: ["2.13.0", "2.14.1"]',  # two torch releases, from the CPU wheel index
        "https://download.pytorch.org/whl/cpu",
        "runs-on: [self-hosted, gpu]",
        '".[cuda12]"',  # CuPy on the GPU runner
        "--conformance-shard ${{ matrix.shard }}/2",
        "pytest -n auto",
        "--conformance-record",
        "actions/cache@v4",  # the Hypothesis database
        "actions/upload-artifact@v4",
        "cron:",  # thorough nightly
        "'thorough' || 'ci'",
        "tensor-conformance report",
        "--baseline",
        "$GITHUB_STEP_SUMMARY",
    ):
        assert needed in text, needed
