"""What the renderers share: outcome symbols, a cell's one-line explanation, the group a row
belongs to in the compact matrix."""

from __future__ import annotations

from conformance.report.diff import Change
from conformance.report.matrix import Cell, Matrix, Row

SYMBOLS = {"pass": "✅", "known": "📘", "changed": "🔄", "divergence": "❌", "error": "💥", "skip": "⏭️"}
LEGEND = "✅ pass · 📘 known divergence · 🔄 changed · ❌ divergence · 💥 error · ⏭️ skip"
ORDER = ("divergence", "error", "changed", "known", "pass", "skip")


def explain(cell: Cell | None) -> str:
    """One line of why a cell reads as it does: the divergence's first line, the entries,
    the skip's reason, the error."""
    if cell is None:
        return "not run"
    check = cell.check
    if cell.outcome in ("divergence", "changed") and check.get("divergences"):
        first = check["divergences"][0]["message"].strip().splitlines()
        return first[0] if first else cell.outcome
    if cell.outcome in ("known", "changed") and cell.known:
        return ", ".join(cell.known)
    if cell.outcome == "skip":
        return check.get("reason", "")
    if cell.outcome == "error":
        return check.get("error", "")
    return ""


def divergence_ids(cell: Cell | None) -> list[str]:
    return [d["id"] for d in cell.check.get("divergences", [])] if cell is not None else []


def transition(change: Change) -> str:
    """`pass → divergence`; `known (a, b) → known (b)` where the entries differ."""

    def side(cell: Cell | None) -> str:
        if cell is None:
            return "not run"
        return f"{cell.outcome} ({', '.join(cell.known)})" if entries_differ and cell.known else cell.outcome

    entries_differ = bool(change.before and change.now and set(change.before.known) != set(change.now.known))
    return f"{side(change.before)} → {side(change.now)}"


def why(change: Change) -> str:
    """What a listed change says beyond its transition: the divergence, the skip's reason, the error."""
    cell = change.now if change.now is not None else change.before
    if cell is not None and cell.outcome == "known" and change.before is not None and change.now is not None:
        return ""  # the transition names the entries
    return explain(cell)


def group(row: Row) -> tuple[str, str]:
    """The compact matrix's row: the suite and the op (or the test, where no op is its parameter)."""
    return (row.suite, row.op or row.test)


def grouped(matrix: Matrix) -> dict[tuple[str, str], list[Row]]:
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in matrix.rows:
        groups.setdefault(group(row), []).append(row)
    return groups


def counts(matrix: Matrix, rows: list[Row], column) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        cell = matrix.cell(row, column)
        if cell is not None:
            found[cell.outcome] = found.get(cell.outcome, 0) + 1
    return found


def summary(changes: list[Change]) -> list[tuple[str, int]]:
    """The changes of one category grouped by what happened (`known (a) → known (b)`, or the
    transition and its reason), most frequent first: a long list at a glance."""
    found: dict[str, int] = {}
    for change in changes:
        reason = why(change)
        key = transition(change) + (
            f": {reason}" if reason and change.now is not None and change.now.outcome == "skip" else ""
        )
        found[key] = found.get(key, 0) + 1
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))
