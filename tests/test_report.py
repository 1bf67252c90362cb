"""Reports: merging the records of a matrix, the diff against a baseline (every combination of
outcomes, table-driven), and the Markdown, HTML and JSON renderings."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from handmade import check, make

from conformance.report import classify, diff, merge
from conformance.report import data as report_data
from conformance.report import html as report_html
from conformance.report import markdown as report_markdown

STATES = (None, "skip", "pass", "known", "changed", "divergence", "error")
# before (rows) x now (columns, in STATES order); "-" is unchanged
TABLE = {
    None: "- - new new new new new",
    "skip": "- - new new new new new",
    "pass": "dropped dropped - changed changed regression regression",
    "known": "dropped dropped changed - changed regression regression",
    "changed": "dropped dropped changed changed - regression regression",
    "divergence": "dropped dropped fix fix changed - -",
    "error": "dropped dropped fix fix changed - -",
}


@pytest.mark.parametrize("before", STATES)
@pytest.mark.parametrize("now", STATES)
def test_every_combination_of_outcomes(before, now):
    expected = dict(zip(STATES, TABLE[before].split(), strict=True))[now]
    assert classify(before, now, ("e",), ("e",)) == (None if expected == "-" else expected)


def test_known_divergence_matching_other_entries_is_a_change():
    assert classify("known", "known", ("a",), ("b",)) == "changed"
    assert classify("changed", "changed", ("a",), ("b",)) == "changed"


def _records():
    baseline = make(
        [
            check("add-float32", "pass"),
            check("mul-int8", "divergence"),
            check("pow-float32", "known", known=["k1"]),
            check("neg-int8", "pass"),
            check("sub-int8", "pass"),
        ]
    )
    current = make(
        [
            check("add-float32", "divergence"),
            check("mul-int8", "pass"),
            check("pow-float32", "changed", entries=["k1"]),
            check("neg-int8", "pass"),
            check("abs-int8", "pass"),
            check("sub-int8", "skip", reason="gone"),
        ],
        torch="2.14.1",
    )
    return current, baseline


def test_diff_lists_regressions_fixes_changes_and_new_checks():
    current, baseline = _records()
    result = diff(merge([("now.json", current)]), merge([("base.json", baseline)]))
    found = {
        category: [c.row.key.split("[")[1].rstrip("]") for c in changes] for category, changes in result.changes.items()
    }
    assert found == {
        "regression": ["add-float32"],
        "fix": ["mul-int8"],
        "changed": ["pow-float32"],
        "new": ["abs-int8"],
        "dropped": ["sub-int8"],
    }
    (pair,) = result.pairs  # two builds, one record each: read against each other by device
    assert pair[0].environment.startswith("torch 2.14.1") and pair[1].environment.startswith("torch 2.13.0")


def test_shards_merge_into_one_column_and_devices_into_columns():
    first = make(
        [check("add-float32", "pass"), check("add-float32", "divergence", device="cuda:0")],
        label="job",
        devices=("cpu", "cuda:0"),
    )
    second = make([check("mul-int8", "known", known=["k"])], label="job", devices=("cpu", "cuda:0"), complete=False)
    matrix = merge([("a.json", first), ("b.json", second)])
    assert [c.name for c in matrix.columns] == ["job / cpu", "job / cuda:0"]
    assert [r.key.split("[")[1] for r in matrix.rows] == ["add-float32]", "mul-int8]"]
    assert matrix.cell(matrix.rows[0], matrix.columns[1]).outcome == "divergence"
    assert matrix.columns[0].sources == ["a.json", "b.json"] and not matrix.complete


def test_columns_of_the_same_label_are_read_against_each_other():
    base = make([check("add-float32", "pass")], label="py3.11-torch2.13")
    other = make([check("add-float32", "divergence")], label="py3.12-torch2.13")
    now = make([check("add-float32", "pass")], label="py3.11-torch2.13")
    result = diff(merge([("n", now)]), merge([("b", base), ("o", other)]))
    assert [(c.name, b.name) for c, b in result.pairs] == [("py3.11-torch2.13 / cpu", "py3.11-torch2.13 / cpu")]
    assert not any(result.counts().values())


def test_markdown_lists_the_changes_in_order():
    current, baseline = _records()
    text = report_markdown.render(merge([("n", current)]), diff(merge([("n", current)]), merge([("b", baseline)])))
    titles = re.findall(r"^### (.+) \(\d+\)$", text, flags=re.M)
    assert titles == ["Regressions", "Fixes", "Changed known divergences", "New checks", "No longer run"]
    assert "pass → divergence: `values: add-float32 differs`" in text
    assert "| demo | `add` |" in text


class _Structure(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''


def test_html_is_well_formed_self_contained_and_escaped():
    current, baseline = _records()
    current["checks"][0]["divergences"][0]["message"] = HOSTILE
    current["checks"][0]["divergences"][0]["reproducer"] = HOSTILE
    current["checks"][0]["row"] = "suites/test_demo.py::test_x[" + HOSTILE + "]"
    current["environment"]["label"] = HOSTILE
    page = report_html.render(merge([("n", current)]), diff(merge([("n", current)]), merge([("b", baseline)])))
    parser = _Structure()
    parser.feed(page)
    assert not parser.errors and parser.stack == [], (parser.errors, parser.stack)
    assert parser.urls == [] and "http://" not in page and "https://" not in page
    assert "<script>alert" not in page and page.count("<script>") == 1
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;" in page
    for control in ('name="suite"', 'name="dtype"', 'name="device"', 'name="outcome"'):
        assert control in page
    assert 'class="o divergence"' in page and 'class="o pass"' in page


def test_json_report_holds_the_matrix_and_the_diff():
    current, baseline = _records()
    matrix = merge([("n", current)])
    data = json.loads(report_data.render(matrix, diff(matrix, merge([("b", baseline)]))))
    assert data["format"] == "tensor-conformance-report" and len(data["rows"]) == 6
    assert [c["row"].split("[")[1] for c in data["baseline"]["regression"]] == ["add-float32]"]


def test_the_filter_script_parses(tmp_path):
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the page's script is not syntax-checked here")
    script = tmp_path / "filters.js"
    script.write_text(report_html.SCRIPT)
    done = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
