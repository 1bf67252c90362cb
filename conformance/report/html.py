"""The report as one self-contained HTML page: no external URL, inline style and a small
inline script; the matrix colour-coded per check and filterable by suite, dtype, device and
outcome. Every value from a record is escaped."""

from __future__ import annotations

from html import escape

from conformance.report.common import LEGEND, ORDER, SYMBOLS, divergence_ids, explain, summary, transition, why
from conformance.report.diff import CATEGORIES, Diff
from conformance.report.matrix import Matrix

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1f24; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #d0d7de; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.o { text-align: center; white-space: nowrap; }
.pass { background: #dafbe1; } .known { background: #ddf4ff; } .changed { background: #fff8c5; }
.divergence { background: #ffebe9; } .error { background: #ff8182; } .skip { background: #eaeef2; color: #57606a; }
.missing { background: #fff; color: #8c959f; }
code, pre { font: 12px ui-monospace, monospace; } pre { background: #f6f8fa; padding: 0.5em; overflow-x: auto; }
#filters label { margin-right: 1em; } .hidden { display: none; }
"""

SCRIPT = """
(function () {
  var selects = document.querySelectorAll('#filters select');
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    document.querySelectorAll('#matrix [data-device]').forEach(function (cell) {
      cell.classList.toggle('hidden', want.device !== '' && cell.dataset.device !== want.device);
    });
    document.querySelectorAll('#matrix tbody tr').forEach(function (row) {
      var show = (want.suite === '' || row.dataset.suite === want.suite) &&
                 (want.dtype === '' || row.dataset.dtype === want.dtype);
      if (show && want.outcome !== '') {
        show = Array.prototype.some.call(row.querySelectorAll('td[data-outcome]'), function (cell) {
          return !cell.classList.contains('hidden') && (want.outcome === 'failing'
            ? ['divergence', 'error', 'changed'].indexOf(cell.dataset.outcome) >= 0
            : cell.dataset.outcome === want.outcome);
        });
      }
      row.classList.toggle('hidden', !show);
    });
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
"""


def _e(value: object) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _select(name: str, label: str, values: list[str], extra: list[tuple[str, str]] = ()) -> str:
    options = ['<option value="">all</option>'] + [f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in extra]
    options += [f'<option value="{_e(v)}">{_e(v)}</option>' for v in values]
    return f'<label>{_e(label)} <select name="{_e(name)}">{"".join(options)}</select></label>'


def _environments(columns: list) -> str:
    fields = (
        "torch",
        "torch_build",
        "torch_git",
        "python",
        "numpy",
        "cupy",
        "hypothesis",
        "platform",
        "profile",
        "seed",
    )
    head = "".join(f"<th>{_e(f)}</th>" for f in ("column", *fields, "registry", "gpus", "complete", "records"))
    rows = []
    for column in columns:
        f = column.facts
        registry = f.get("registry", {})
        cells = [column.name, *(f.get(k) for k in fields)]
        cells += [
            f"{registry.get('newest_known', '?')} ({registry.get('entries', '?')} entries, {registry.get('digest', '?')})"
        ]
        cells += [
            ", ".join(f.get("gpus") or []) or "none",
            "yes" if column.complete else "NO",
            ", ".join(column.sources),
        ]
        rows.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _baseline_environments(result: Diff | None) -> str:
    baseline = list({id(b): b for _, b in result.pairs if b is not None}.values()) if result is not None else []
    return f"<p>The baseline:</p>{_environments(baseline)}" if baseline else ""


def _changes(result: Diff) -> str:
    parts = ["<h2>Against the baseline</h2><ul>"]
    for column, base in result.pairs:
        parts.append(f"<li>{_e(column.name)} read against {_e(base.name) if base else '(no baseline column)'}</li>")
    parts.append("</ul>")
    for category, title in CATEGORIES.items():
        changes = result[category]
        parts.append(f"<h3>{_e(title)} ({len(changes)})</h3>")
        if not changes:
            parts.append("<p>None.</p>")
            continue
        if len(changes) > 3:
            parts.append("<p>In short: " + "; ".join(f"{_e(text)} ({n})" for text, n in summary(changes)) + ".</p>")
        items = []
        for change in changes:
            cell = change.now if change.now is not None else change.before
            ids = divergence_ids(change.now)
            outcome = cell.outcome if cell else "missing"
            items.append(
                f'<li class="{_e(outcome)}"><code>{_e(change.row.key)}</code> on {_e(change.column.name)}: '
                f"{_e(transition(change))} <code>{_e(why(change))}</code>"
                + (f" (id {_e(', '.join(ids))})" if ids else "")
                + "</li>"
            )
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def _matrix(matrix: Matrix) -> str:
    head = "<th>suite</th><th>check</th><th>dtype</th>" + "".join(
        f'<th data-device="{_e(c.device)}">{_e(c.name)}</th>' for c in matrix.columns
    )
    rows = []
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            cell = matrix.cell(row, column)
            outcome = cell.outcome if cell else "missing"
            symbol = SYMBOLS.get(outcome, "·")
            cells.append(
                f'<td class="o {_e(outcome)}" data-device="{_e(column.device)}" data-outcome="{_e(outcome)}" '
                f'title="{_e(outcome)}: {_e(explain(cell))}">{symbol}</td>'
            )
        rows.append(
            f'<tr data-suite="{_e(row.suite)}" data-dtype="{_e(row.dtype or "")}">'
            f"<td>{_e(row.suite)}</td><td><code>{_e(row.key.split('::', 1)[-1])}</code></td><td>{_e(row.dtype or '')}</td>"
            + "".join(cells)
            + "</tr>"
        )
    return f'<table id="matrix"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _details(matrix: Matrix) -> str:
    parts = ["<h2>Divergences</h2>"]
    found = 0
    for row in matrix.rows:
        for column in matrix.columns:
            cell = matrix.cell(row, column)
            if cell is None:
                continue
            for divergence in cell.check.get("divergences", []):
                found += 1
                parts.append(
                    f'<details class="{_e(cell.outcome)}"><summary><code>{_e(divergence["id"])}</code> '
                    f"<code>{_e(row.key)}</code> on {_e(column.name)}</summary>"
                    f"<pre>{_e(divergence.get('message', ''))}</pre>"
                    f"<p>Reproducer (<code>tensor-conformance repro RECORD --id {_e(divergence['id'])}</code>):</p>"
                    f"<pre>{_e(divergence.get('reproducer') or '(none)')}</pre></details>"
                )
    return "".join(parts) if found else "<h2>Divergences</h2><p>None.</p>"


def render(matrix: Matrix, result: Diff | None = None, sources: list[str] | None = None) -> str:
    totals = {o: sum(1 for c in matrix.cells.values() if c.outcome == o) for o in ORDER}
    summary = ", ".join(f"{SYMBOLS[o]} {totals[o]} {o}" for o in ORDER)
    filters = (
        '<div id="filters">'
        + _select("suite", "suite", matrix.values("suite"))
        + _select("dtype", "dtype", matrix.values("dtype"))
        + _select("device", "device", matrix.values("device"))
        + _select("outcome", "outcome", list(ORDER), [("failing", "divergence, error or changed")])
        + "</div>"
    )
    incomplete = "" if matrix.complete else "<p><strong>Some records are incomplete</strong> (an interrupted run).</p>"
    counted = ""
    if result is not None:
        counted = (
            "<p>Against the baseline: "
            + ", ".join(f"{n} {_e(CATEGORIES[c].lower())}" for c, n in result.counts().items())
            + ".</p>"
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Conformance report</title>",
            f"<style>{STYLE}</style></head><body>",
            "<h1>Conformance report</h1>",
            f"<p>{len(matrix.rows)} checks in {len(matrix.columns)} column(s): {_e(summary)}</p>",
            incomplete,
            counted,
            "<h2>Environments</h2>",
            _environments(matrix.columns),
            _baseline_environments(result),
            _changes(result) if result is not None else "",
            "<h2>Matrix</h2>",
            f"<p>{_e(LEGEND)}</p>",
            filters,
            _matrix(matrix),
            _details(matrix),
            f"<script>{SCRIPT}</script>",
            "</body></html>",
        ]
    )
