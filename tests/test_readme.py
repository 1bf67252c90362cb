"""The README's commands are the ones CI runs, and its list of known divergences is current."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.__main__ import render_divergences

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = readme_commands()
    assert len(commands) == 3, commands
    for command in commands:
        assert command in ci, f"CI does not run the README's command: {command}"


def test_readme_lists_the_known_divergences():
    text = (ROOT / "README.md").read_text()
    listed = text.split("<!-- divergences -->\n")[1].split("<!-- /divergences -->")[0].strip()
    assert listed == render_divergences().strip(), (
        "run `python -m conformance divergences` and paste it into the README"
    )
