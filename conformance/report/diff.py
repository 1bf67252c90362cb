"""A matrix against its baseline: regressions, fixes, changed known divergences, new checks
(and checks no longer run), classified cell by cell by one table (`classify`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from conformance.report.matrix import Cell, Column, Matrix, Row

# the order a report lists them in
CATEGORIES = {
    "regression": "Regressions",
    "fix": "Fixes",
    "changed": "Changed known divergences",
    "new": "New checks",
    "dropped": "No longer run",
}
FAILING = {"divergence", "error"}
CONFORMING = {"pass", "known"}
RAN = FAILING | CONFORMING | {"changed"}


def classify(
    before: str | None, now: str | None, before_known: tuple[str, ...] = (), now_known: tuple[str, ...] = ()
) -> str | None:
    """What one check's move from outcome `before` (baseline; None: absent) to `now` is:
    a category of `CATEGORIES`, or None where nothing changed that a report lists.

    - regression: it conformed (pass, known or changed) and now diverges or errs;
    - fix: it diverged or erred and now conforms (passes, or is a documented divergence);
    - changed: a documented divergence appeared (pass -> known), went (known -> pass),
      matches other entries, or stopped or changed (the `changed` outcome);
    - new: it did not run before (absent or skipped) and runs now;
    - dropped: it ran before and now does not (absent or skipped);
    - unchanged (None): the same outcome with the same entries, or failing both times.
    """
    if now not in RAN:
        return "dropped" if before in RAN else None
    if before not in RAN:
        return "new"
    if now in FAILING:
        return None if before in FAILING else "regression"
    if before in FAILING:
        return "fix" if now in CONFORMING else "changed"
    if before == now == "pass":
        return None
    if before == now and set(before_known) == set(now_known):
        return None
    return "changed"


@dataclass(frozen=True)
class Change:
    category: str
    row: Row
    column: Column  # the current column (or the baseline's, for a check no longer run anywhere)
    before: Cell | None
    now: Cell | None


@dataclass
class Diff:
    pairs: list[tuple[Column, Column | None]]  # each current column and the baseline column it is read against
    changes: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))

    def __getitem__(self, category: str) -> list[Change]:
        return self.changes.get(category, [])

    @property
    def regressions(self) -> list[Change]:
        return self["regression"]

    def counts(self) -> dict[str, int]:
        return {category: len(self[category]) for category in CATEGORIES}


def pair_columns(current: Matrix, baseline: Matrix) -> list[tuple[Column, Column | None]]:
    """Each current column with its baseline column: the one of the same environment and
    device (a CI job diffed against its own last run), else the only one left on the same
    device (two builds compared: one record each)."""
    baseline_by_key = {c.key: c for c in baseline.columns}
    pairs: dict[tuple[str, str], Column | None] = {c.key: baseline_by_key.get(c.key) for c in current.columns}
    used = {b.key for b in pairs.values() if b is not None}
    for device in {c.device for c in current.columns}:
        unpaired = [c for c in current.columns if c.device == device and pairs[c.key] is None]
        left = [b for b in baseline.columns if b.device == device and b.key not in used]
        if len(unpaired) == 1 and len(left) == 1:
            pairs[unpaired[0].key] = left[0]
            used.add(left[0].key)
    return [(c, pairs[c.key]) for c in current.columns]


def diff(current: Matrix, baseline: Matrix) -> Diff:
    """Every listed change of `current` against `baseline`, column by paired column."""
    result = Diff(pair_columns(current, baseline))
    rows = {r.key: r for r in baseline.rows} | {r.key: r for r in current.rows}
    ordered = sorted(rows.values(), key=lambda r: (r.suite, r.test, r.key))
    for column, base in result.pairs:
        for row in ordered:
            now = current.cell(row, column)
            before = baseline.cell(row, base) if base is not None else None
            category = classify(
                before.outcome if before else None,
                now.outcome if now else None,
                before.known if before else (),
                now.known if now else (),
            )
            if category is not None:
                result.changes[category].append(Change(category, row, column, before, now))
    return result
