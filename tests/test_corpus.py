"""The regression corpus: its entries are replayable, a planted bug in one fails its replay,
and an entry whose verdict moved is noted for the run's summary."""

from __future__ import annotations

import copy

import pytest
import torch

from conformance import corpus, records
from conformance.example import is_portable
from conformance.messages import Divergence, DivergenceFixed

ROOT_ENTRIES = corpus.entries()


def _entry(entry_id: str) -> dict:
    return copy.deepcopy(next(e for e in ROOT_ENTRIES if e["id"] == entry_id))


def test_the_corpus_is_seeded_and_every_entry_replayable():
    ids = [e["id"] for e in ROOT_ENTRIES]
    assert "complex-add-scalar-first-signed-zeros" in ids and len(ids) == len(set(ids))
    for entry in ROOT_ENTRIES:
        assert entry["example"]["replay"]["runner"] == "check_op" and is_portable(entry["example"]), entry["id"]


def test_the_fixed_complex_case_is_kept():
    entry = _entry("complex-add-scalar-first-signed-zeros")
    assert entry["example"]["label"] == "operator.add" and entry["example"]["inputs"][0][1]["type"] == "complex"
    records.drain()
    corpus.replay_entry(entry, "cpu")
    assert records.drain() == [("known_divergence", "torch-type-promotion")]


def test_a_planted_fix_of_a_documented_divergence_fails_and_is_noted(monkeypatch):
    """torch.sign(nan) planted to give NaN, as NumPy: the documented divergence no longer happens."""
    original = torch.sign
    monkeypatch.setattr(torch, "sign", lambda x: torch.where(torch.isnan(x), x, original(x)))
    records.drain()
    with pytest.raises(DivergenceFixed):
        corpus.replay_entry(_entry("sign-of-nan"), "cpu")
    assert ("corpus", "sign-of-nan: added as known, now fixed") in records.drain()


def test_a_planted_bug_fails_the_replay(monkeypatch):
    original = torch.remainder
    monkeypatch.setattr(torch, "remainder", lambda x, y: original(x, y) + 1)
    records.drain()
    with pytest.raises(Divergence):
        corpus.replay_entry(_entry("remainder-zero-sign"), "cpu")
    assert ("corpus", "remainder-zero-sign: added as known, now diverges") in records.drain()


def test_a_divergence_that_no_longer_happens_passes_and_is_noted():
    entry = {**_entry("remainder-zero-sign"), "verdict": "diverges", "id": "was-a-bug"}
    records.drain()
    corpus.replay_entry(entry, "cpu")
    assert ("corpus", "was-a-bug: added as diverges, now known") in records.drain()


def test_a_corrupt_corpus_is_one_line(tmp_path):
    path = tmp_path / "corpus.json"
    path.write_text('{"format": "tensor-conformance-corpus", "version": 1, "entries": [{"id": 1}]}')
    with pytest.raises(corpus.CorpusError, match="malformed corpus"):
        corpus.load(path)
    path.write_text("{")
    with pytest.raises(corpus.CorpusError, match="not a readable corpus"):
        corpus.load(path)
