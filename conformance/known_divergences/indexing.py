"""Known divergences of indexing (suites/test_indexing.py): keys and values torch reads
otherwise than NumPy, in the order the registry consults them: the keys (`indexing_keys`),
then the assignments (`indexing_assignments`).

Every entry but the last two models torch's result with `conformance.torch_indexing`, which
replays torch's reading of a key in NumPy and refuses where torch refuses, in torch's order
(`indexing_model`); its condition names the rule of that reading that departs from NumPy's,
and holds only where the model's outcome is not one NumPy shares (both refusing with
corresponding errors). The last two concern elements an assignment writes more than once,
whose values torch does not specify: they leave those elements to the suite's own checks.

Two of them are torch bugs, registered as facts about the torch releases checked (each modelled
and confirmed by the suite, so a fix is reported): NumPy-array and list masks count as one dim
whatever their rank (`non-tensor-mask-counts-one-dim`), and index entries out of range go
unchecked where the selection is empty (`out-of-range-entries-of-an-empty-selection`).
"""

from __future__ import annotations

from conformance.known_divergences import indexing_assignments, indexing_keys

ENTRIES = [*indexing_keys.ENTRIES, *indexing_assignments.ENTRIES]
