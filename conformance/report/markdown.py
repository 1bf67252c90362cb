"""The report as Markdown: fits a CI job summary or a pull-request comment (the compact matrix
groups checks by op; long lists are cut with a count of the rest)."""

from __future__ import annotations

from conformance.report.common import (
    LEGEND,
    ORDER,
    SYMBOLS,
    counts,
    divergence_ids,
    explain,
    grouped,
    summary,
    transition,
    why,
)
from conformance.report.diff import CATEGORIES, Diff
from conformance.report.matrix import Matrix

LIMIT = 200  # items per list: a job summary holds 1 MiB


def _code(text: str, table: bool = False) -> str:
    """`text` as inline code (its pipes escaped in a table cell, where they would end it)."""
    text = " ".join(str(text).split())
    text = text.replace("|", "\\|") if table else text
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


def _plain(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _environments(columns: list) -> list[str]:
    lines = [
        "| column | torch | build | Python | NumPy | CuPy | Hypothesis | profile | seed | registry | complete |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for column in columns:
        f = column.facts
        registry = f.get("registry", {})
        lines.append(
            "| "
            + " | ".join(
                _plain(v)
                for v in (
                    column.name,
                    f.get("torch"),
                    f.get("torch_build"),
                    f.get("python"),
                    f.get("numpy"),
                    f.get("cupy"),
                    f.get("hypothesis"),
                    f.get("profile"),
                    f.get("seed"),
                    f"{registry.get('newest_known', '?')} ({registry.get('entries', '?')} entries)",
                    "yes" if column.complete else "**no**",
                )
            )
            + " |"
        )
    return lines


def _changes(result: Diff) -> list[str]:
    lines = ["## Against the baseline", ""]
    for column, base in result.pairs:
        lines.append(f"- {_plain(column.name)} read against {_plain(base.name) if base else '(no baseline column)'}")
    lines.append("")
    for category, title in CATEGORIES.items():
        changes = result[category]
        lines += [f"### {title} ({len(changes)})", ""]
        if not changes:
            lines += ["None.", ""]
            continue
        if len(changes) > 3:
            lines += [f"In short: {'; '.join(f'{_plain(text)} ({n})' for text, n in summary(changes))}.", ""]
        for change in changes[:LIMIT]:
            ids = divergence_ids(change.now)
            reason = why(change)
            line = f"- {_code(change.row.key)} on {_plain(change.column.device)}: {_plain(transition(change))}"
            if reason:
                line += f": {_code(reason)}"
            if ids:
                line += f" (id {', '.join(_code(i) for i in ids)})"
            lines.append(line)
        if len(changes) > LIMIT:
            lines.append(f"- … and {len(changes) - LIMIT} more")
        lines.append("")
    return lines


def _matrix(matrix: Matrix) -> list[str]:
    header = "| suite | op or test | " + " | ".join(_plain(c.name) for c in matrix.columns) + " |"
    lines = ["## Matrix", "", LEGEND, "", header, "| --- | --- |" + " --- |" * len(matrix.columns)]
    for (suite, name), rows in sorted(grouped(matrix).items()):
        cells = []
        for column in matrix.columns:
            found = counts(matrix, rows, column)
            cells.append(" ".join(f"{SYMBOLS[o]} {found[o]}" for o in ORDER if found.get(o)) or "—")
        lines.append(f"| {_plain(suite)} | {_code(name, table=True)} | " + " | ".join(cells) + " |")
    return lines


def _failures(matrix: Matrix) -> list[str]:
    failing = [
        (row, column, matrix.cell(row, column))
        for row in matrix.rows
        for column in matrix.columns
        if (cell := matrix.cell(row, column)) is not None and cell.outcome in ("divergence", "error", "changed")
    ]
    lines = ["## Divergences, changes and errors", ""]
    if not failing:
        return [*lines, "None.", ""]
    for row, column, cell in failing[:LIMIT]:
        ids = divergence_ids(cell)
        line = f"- {SYMBOLS[cell.outcome]} {_code(row.key)} on {_plain(column.name)}: {_code(explain(cell))}"
        lines.append(line + (f" (id {', '.join(_code(i) for i in ids)})" if ids else ""))
    if len(failing) > LIMIT:
        lines.append(f"- … and {len(failing) - LIMIT} more")
    return [*lines, ""]


def render(matrix: Matrix, result: Diff | None = None, sources: list[str] | None = None) -> str:
    totals = {o: sum(1 for c in matrix.cells.values() if c.outcome == o) for o in ORDER}
    lines = ["# Conformance report", ""]
    lines.append(
        f"{len(matrix.rows)} checks in {len(matrix.columns)} column(s): "
        + ", ".join(f"{SYMBOLS[o]} {totals[o]} {o}" for o in ORDER)
        + ("" if matrix.complete else ". **Some records are incomplete** (an interrupted run).")
    )
    if result is not None:
        counted = result.counts()
        lines += [
            "",
            "Against the baseline: " + ", ".join(f"{counted[c]} {t.lower()}" for c, t in CATEGORIES.items()) + ".",
        ]
    lines += ["", "## Environments", "", *_environments(matrix.columns), ""]
    if result is not None:
        baseline = list({id(b): b for _, b in result.pairs if b is not None}.values())
        if baseline:
            lines += ["The baseline:", "", *_environments(baseline), ""]
    if result is not None:
        lines += _changes(result)
    lines += _failures(matrix)
    lines += _matrix(matrix)
    lines += [
        "",
        "Replay a divergence here: `tensor-conformance replay RECORD --id ID`; its reproducer: `tensor-conformance repro RECORD --id ID`.",
    ]
    return "\n".join(lines) + "\n"
