"""The regression corpus: every divergence kept in `corpus/divergences.json`, replayed as an
explicit example on every device under test through the runner and the oracle.

An entry that still diverges fails as in its suite; a documented divergence is confirmed
(and fails as fixed when it stops); an entry whose verdict differs from the one it was
added with is listed at the end of the run. `tensor-conformance corpus add RECORD` adds a
run record's divergences.
"""

from __future__ import annotations

import pytest

from conformance import corpus

ENTRIES = corpus.entries()


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["id"]) for e in ENTRIES])
def test_corpus_entry(entry, device):
    """The entry's example, rebuilt exactly, on `device`."""
    corpus.replay_entry(entry, device)
