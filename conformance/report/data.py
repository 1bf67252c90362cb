"""The report as JSON: the merged matrix and the diff, for other tools."""

from __future__ import annotations

import json
from typing import Any

from conformance.report.common import divergence_ids, explain
from conformance.report.diff import CATEGORIES, Diff
from conformance.report.matrix import Matrix

FORMAT = "tensor-conformance-report"
VERSION = 1


def as_data(matrix: Matrix, result: Diff | None = None, sources: list[str] | None = None) -> dict[str, Any]:
    columns = [
        {"name": c.name, "environment": c.environment, "device": c.device, "complete": c.complete, "records": c.sources}
        for c in matrix.columns
    ]
    rows = []
    for row in matrix.rows:
        cells = {}
        for column in matrix.columns:
            cell = matrix.cell(row, column)
            if cell is not None:
                cells[column.name] = {
                    "outcome": cell.outcome,
                    "why": explain(cell),
                    "divergences": divergence_ids(cell),
                }
        rows.append(
            {"row": row.key, "suite": row.suite, "test": row.test, "op": row.op, "dtype": row.dtype, "cells": cells}
        )
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "sources": sources or [],
        "columns": columns,
        "rows": rows,
    }
    if result is not None:
        data["baseline"] = {
            "pairs": [[c.name, b.name if b else None] for c, b in result.pairs],
            **{
                category: [
                    {
                        "row": change.row.key,
                        "column": change.column.name,
                        "before": change.before.outcome if change.before else None,
                        "now": change.now.outcome if change.now else None,
                        "why": explain(change.now if change.now is not None else change.before),
                        "before_entries": list(change.before.known) if change.before else [],
                        "now_entries": list(change.now.known) if change.now else [],
                        "divergences": divergence_ids(change.now),
                    }
                    for change in result[category]
                ]
                for category in CATEGORIES
            },
        }
    return data


def render(matrix: Matrix, result: Diff | None = None, sources: list[str] | None = None) -> str:
    return json.dumps(as_data(matrix, result, sources), indent=1) + "\n"
