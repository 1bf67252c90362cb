"""The README's commands are the ones CI runs, and its list of known divergences is current."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.registry_page import render_page

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = readme_commands()
    assert len(commands) == 3, commands
    for command in commands:
        assert command in ci, f"CI does not run the README's command: {command}"


def test_the_divergence_page_is_current_and_linked():
    page = (ROOT / "docs" / "divergences.md").read_text()
    assert page == render_page(), "run `tensor-conformance divergences > docs/divergences.md`"
    assert "(docs/divergences.md)" in (ROOT / "README.md").read_text()


def test_the_divergence_page_has_a_section_per_entry():
    from conformance.known_divergences import REGISTRY

    page = render_page()
    for entry in REGISTRY:
        assert f"### `{entry.id}`" in page and entry.versions in page, entry.id
