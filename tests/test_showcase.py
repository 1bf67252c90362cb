"""The committed showcase (torch 2.13.0 against 2.14.1) is what `report` renders from the
committed records, and it names exactly the two changes the registry documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHOWCASE = Path("docs/showcase")
RECORDS = [str(SHOWCASE / "records" / "torch-{}.json")]


def _render(capsys, monkeypatch, fmt: str) -> str:
    monkeypatch.chdir(ROOT)  # the report names its records by the paths it was given
    capsys.readouterr()
    status = main(
        [
            "report",
            *(r.format("2.14.1") for r in RECORDS),
            "--baseline",
            *(r.format("2.13.0") for r in RECORDS),
            "--format",
            fmt,
        ]
    )
    assert status == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_showcase_is_current(capsys, monkeypatch, fmt):
    committed = (ROOT / SHOWCASE / f"torch-2.13.0-vs-2.14.1.{fmt}").read_text()
    assert _render(capsys, monkeypatch, fmt) == committed, "render the showcase again (docs/showcase/README.md)"


def test_the_showcase_names_the_documented_changes(capsys, monkeypatch):
    """Every change between the releases involves an entry whose release range says it differs
    between them (since or until 2.14); the registry's documented moves are among them; nothing
    regressed, was fixed, appeared or went."""
    from conformance.divergences import release
    from conformance.known_divergences import REGISTRY

    data = json.loads(_render(capsys, monkeypatch, "json"))["baseline"]
    moves = {(tuple(c["before_entries"]), tuple(c["now_entries"])) for c in data["changed"]}
    assert {
        (("from-dlpack-negative-strides-abort",), ("from-dlpack-negative-strides-rejected",)),
        (("arange-step-sign", "arange-int64-truncates-end"), ("arange-step-sign",)),
        ((), ("numpy-integer-into-uint64",)),
    } <= moves
    ranged = {e.id for e in REGISTRY if e.holds_for(release("2.13.0")) != e.holds_for(release("2.14.1"))}
    for before, now in moves:
        assert (set(before) ^ set(now)) & ranged, (before, now)
    assert any("no-bcomplex32-kernel" in now for _, now in moves)
    assert not any(data[c] for c in ("regression", "fix", "new", "dropped"))


def test_the_readme_quotes_the_showcase():
    readme = (ROOT / "README.md").read_text()
    quoted = readme.split("it reads:\n\n```\n")[1].split("```")[0]
    report = (ROOT / SHOWCASE / "torch-2.13.0-vs-2.14.1.md").read_text()
    for line in quoted.splitlines():
        if line not in ("", "..."):
            assert line in report, line
