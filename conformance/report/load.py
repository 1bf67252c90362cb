"""Reading run records: every way a file can fail to be one is a `RecordError` with one line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from conformance.record import FORMAT, OUTCOMES, VERSION


class RecordError(ValueError):
    """A file that is not a record this tool reads, or an id a record does not hold; the
    message is one line, naming the file."""


def load(path: str | Path) -> dict[str, Any]:
    """The record at `path`, checked: its format, its version and the shape of its checks."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise RecordError(f"{path}: is a directory, not a record") from None
    except UnicodeDecodeError:
        raise RecordError(f"{path}: not a record (not UTF-8 text)") from None
    except OSError as error:
        raise RecordError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        ends_early = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated")
        truncated = " (truncated?)" if text.strip() and ends_early else ""
        raise RecordError(f"{path}: not valid JSON{truncated}: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        what = f"its format is {found!r}" if found else "it has no 'format' field"
        raise RecordError(f"{path}: not a {FORMAT} file ({what})")
    if data.get("version") != VERSION:
        raise RecordError(
            f"{path}: record format version {data.get('version')!r} is not supported (this tool reads version {VERSION})"
        )
    _check_shape(path, data)
    return data


def _check_shape(path: Path, data: dict[str, Any]) -> None:
    if not isinstance(data.get("environment"), dict) or not isinstance(data.get("checks"), list):
        raise RecordError(f"{path}: malformed record: 'environment' must be an object and 'checks' a list")
    for index, check in enumerate(data["checks"]):
        if not isinstance(check, dict) or not isinstance(check.get("id"), str):
            raise RecordError(f"{path}: malformed record: check {index} has no id")
        if check.get("outcome") not in OUTCOMES:
            raise RecordError(f"{path}: malformed record: check {check['id']!r} has outcome {check.get('outcome')!r}")
        divergences = check.get("divergences", [])
        if not isinstance(divergences, list) or not all(isinstance(d, dict) and "id" in d for d in divergences):
            raise RecordError(f"{path}: malformed record: check {check['id']!r} has malformed divergences")


def load_all(paths: Iterable[str | Path]) -> list[tuple[str, dict[str, Any]]]:
    """Each record with the path it came from; the first bad one raises."""
    return [(str(path), load(path)) for path in paths]


def divergences(data: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (check, divergence) of a record, in order."""
    return [(check, d) for check in data["checks"] for d in check.get("divergences", [])]


def find_divergence(path: str | Path, data: dict[str, Any], wanted: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The divergence `wanted` names: its id (`d1a2b...`) or its check's node id (the first
    divergence of that check)."""
    for check, divergence in divergences(data):
        if wanted in (divergence["id"], check["id"]):
            return check, divergence
    raise RecordError(f"{path}: no divergence with id {wanted!r} (the record holds {len(divergences(data))})")
