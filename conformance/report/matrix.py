"""The conformance matrix: the records of a CI matrix (one per runner, device or shard)
merged into rows (checks) and columns (an environment and a device)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# where one check has two outcomes in one column (two shards ran it), the worse one shows
SEVERITY = {"skip": 0, "pass": 1, "known": 2, "changed": 3, "divergence": 4, "error": 5}


def environment_name(environment: dict[str, Any]) -> str:
    """A column's environment: the record's label, else `torch 2.13.0 (CPU build), Python 3.11.7`."""
    if environment.get("label"):
        return str(environment["label"])
    return f"torch {environment.get('torch', '?')} ({environment.get('torch_build', '?')}), Python {environment.get('python', '?')}"


@dataclass
class Column:
    """One environment on one device, from one or more records (shards)."""

    environment: str
    device: str
    facts: dict[str, Any]  # the first record's environment
    sources: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.environment, self.device)

    @property
    def name(self) -> str:
        return f"{self.environment} / {self.device}"


@dataclass(frozen=True)
class Row:
    """One check across columns: its id without the device, and what it checks."""

    key: str
    suite: str
    test: str
    op: str | None
    dtype: str | None


@dataclass
class Cell:
    """One check's outcome in one column, with the record entry it came from."""

    outcome: str
    check: dict[str, Any]
    source: str

    @property
    def known(self) -> tuple[str, ...]:
        return tuple(self.check.get("known", ())) or tuple(self.check.get("entries", ()))


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    cells: dict[tuple[str, tuple[str, str]], Cell]  # (row key, column key) -> cell

    def cell(self, row: Row | str, column: Column | tuple[str, str]) -> Cell | None:
        row_key = row.key if isinstance(row, Row) else row
        column_key = column.key if isinstance(column, Column) else column
        return self.cells.get((row_key, column_key))

    @property
    def complete(self) -> bool:
        return all(column.complete for column in self.columns)

    def values(self, attribute: str) -> list[str]:
        """The distinct suites, dtypes or devices, for filters."""
        if attribute == "device":
            found = {c.device for c in self.columns}
        else:
            found = {getattr(r, attribute) for r in self.rows if getattr(r, attribute)}
        return sorted(found)


def _row(check: dict[str, Any]) -> Row:
    return Row(
        check.get("row") or check["id"],
        check.get("suite") or check["id"].split("::")[0],
        check.get("test") or check["id"].split("::")[-1].split("[")[0],
        check.get("op"),
        check.get("dtype"),
    )


def merge(records: Iterable[tuple[str, dict[str, Any]]]) -> Matrix:
    """One matrix from (path, record) pairs: records of one environment merge into its
    columns (a sharded run), a check's device picks its column."""
    columns: dict[tuple[str, str], Column] = {}
    rows: dict[str, Row] = {}
    cells: dict[tuple[str, tuple[str, str]], Cell] = {}
    for source, data in records:
        environment = data["environment"]
        name = environment_name(environment)
        devices = environment.get("devices") or ["cpu"]
        for device in devices:  # a device under test with no check still has its column
            columns.setdefault((name, device), Column(name, device, environment))
        for check in data["checks"]:
            device = check.get("device") or devices[0]  # a check without a device ran on the host
            column = columns.setdefault((name, device), Column(name, device, environment))
            if source not in column.sources:
                column.sources.append(source)
            column.complete = column.complete and bool(data.get("complete"))
            row = _row(check)
            rows.setdefault(row.key, row)
            cell = Cell(check["outcome"], check, source)
            previous = cells.get((row.key, column.key))
            if previous is None or SEVERITY[cell.outcome] > SEVERITY[previous.outcome]:
                cells[(row.key, column.key)] = cell
        for column in columns.values():
            if column.environment == name and source not in column.sources:
                column.sources.append(source)
                column.complete = column.complete and bool(data.get("complete"))
    ordered_rows = sorted(rows.values(), key=lambda r: (r.suite, r.test, r.key))
    ordered_columns = sorted(columns.values(), key=lambda c: (c.environment, c.device))
    return Matrix(ordered_columns, ordered_rows, cells)
