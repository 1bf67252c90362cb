"""The regression corpus: divergences once found, kept as explicit examples in the repository
(`corpus/divergences.json`) and replayed by `suites/test_corpus.py` on every run, on every
device under test, through the runner and the oracle. A bug once found is not lost to
Hypothesis' randomness, and the corpus is the regression test of a torch upgrade: an entry
that still diverges fails, a documented one is confirmed (or reported fixed), and an entry
whose verdict differs from the one it was added with is listed at the end of the run.

Each entry holds a portable example (`conformance.example`) with its replay recipe, the
verdict it had when it was added and where it was found. `tensor-conformance corpus add`
adds a record's divergences.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from conformance import example as examples
from conformance import records
from conformance.record import write_atomically

FORMAT = "tensor-conformance-corpus"
VERSION = 1
DEFAULT = Path(__file__).resolve().parents[1] / "corpus" / "divergences.json"


class CorpusError(ValueError):
    """A corpus file this tool cannot read; one line."""


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "entries": []}


def load(path: str | Path = DEFAULT, *, missing_ok: bool = False) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing_ok:
            return empty()
        raise CorpusError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorpusError(f"{path}: not a readable corpus ({type(error).__name__}: {error})".splitlines()[0]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CorpusError(f"{path}: not a {FORMAT} file")
    if data.get("version") != VERSION:
        raise CorpusError(f"{path}: corpus format version {data.get('version')!r} is not supported")
    if not isinstance(data.get("entries"), list) or not all(
        isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("example"), dict)
        for e in data["entries"]
    ):
        raise CorpusError(f"{path}: malformed corpus: every entry needs an id and an example")
    return data


def entries(path: str | Path = DEFAULT) -> list[dict[str, Any]]:
    return load(path, missing_ok=True)["entries"]


def entry_id(example: Mapping[str, Any]) -> str:
    """`maximum-1a2b3c4d5e6f`: the op (or the call) and the example's fingerprint."""
    name = example.get("op") or example.get("label", "check").split("(")[0]
    name = "".join(c if c.isalnum() or c in "._" else "-" for c in str(name)).strip("-") or "check"
    return f"{name}-{examples.fingerprint(example)}"


def make_entry(
    example: Mapping[str, Any],
    verdict: str,
    known: Iterable[str] = (),
    found: Mapping[str, Any] | None = None,
    summary: str = "",
) -> dict[str, Any]:
    return {
        "id": entry_id(example),
        "summary": summary,
        "verdict": verdict,  # what the oracle said when it was added: diverges, known, fixed, changed, conforms
        "known": list(known),
        "found": dict(found or {}),
        "example": dict(example),
    }


def add(data: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Add `entry` unless an entry with the same example is there; whether it was added."""
    fingerprint = examples.fingerprint(entry["example"])
    if any(examples.fingerprint(e["example"]) == fingerprint for e in data["entries"]):
        return False
    data["entries"].append(entry)
    return True


def save(data: dict[str, Any], path: str | Path = DEFAULT) -> None:
    write_atomically(Path(path), data)


def today() -> str:
    return datetime.date.today().isoformat()


def replay_entry(entry: Mapping[str, Any], device: str) -> None:
    """Run the entry's example on `device` through the runner and the oracle: a divergence
    fails as in its suite, a documented divergence is confirmed, and a verdict other than
    the one recorded is noted for the run's summary."""
    __tracebackhide__ = True
    from conformance import dtypes as dt
    from conformance.messages import Divergence, DivergenceChanged, DivergenceFixed
    from conformance.runner import check_op

    example = entry["example"]
    recipe = example.get("replay") or {}
    if recipe.get("runner") != "check_op":
        raise ValueError(f"corpus entry {entry['id']!r} has no replay recipe the corpus runs (check_op)")
    check = examples.check_of(example, device)
    dtype = dt.dtype(recipe["dtype"]) if recipe.get("dtype") else None
    recorded = entry.get("verdict", "")
    now = "error"
    try:
        check_op(check.op, check.form, check.inputs, device, dtype=dtype, arguments=check.arguments)
    except Divergence:
        now = "diverges"
        raise
    except DivergenceFixed:
        now = "fixed"
        raise
    except DivergenceChanged:
        now = "changed"
        raise
    else:
        observed = [value for kind, value in records.drain() if kind == "known_divergence"]
        for value in observed:
            records.observe("known_divergence", value)  # still reaches the run's summary
        now = "known" if observed else "conforms"
    finally:
        if now != recorded:
            records.observe("corpus", f"{entry['id']}: added as {recorded or '?'}, now {now}")
