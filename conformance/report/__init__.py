"""Reports from run records: read them (`load`), merge a CI matrix's records into one
conformance matrix (`matrix`), diff it against a baseline (`diff`), and render it as
Markdown for a CI job summary (`markdown`), one self-contained HTML page (`html`) or JSON
(`data`). `tensor-conformance report` is the command (`conformance.cli`)."""

from conformance.report.diff import CATEGORIES, Change, Diff, classify, diff
from conformance.report.load import RecordError, find_divergence, load, load_all
from conformance.report.matrix import Cell, Column, Matrix, merge

__all__ = [
    "CATEGORIES",
    "Cell",
    "Change",
    "Column",
    "Diff",
    "Matrix",
    "RecordError",
    "classify",
    "diff",
    "find_divergence",
    "load",
    "load_all",
    "merge",
]
