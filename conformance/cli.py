"""`tensor-conformance` (also `python -m conformance`): reports from run records, replays and
reproducers of their divergences, the regression corpus and the registry's list.

Bad input (a missing, truncated or foreign file, an unknown format version, an unknown id)
is one line on stderr and exit status 2, with nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance import corpus as corpus_module

EXIT_BAD_INPUT = 2
REPLAY_TIMEOUT = 300  # seconds a test's rerun may take: collecting its suite and running one example


class UsageError(Exception):
    """Bad input: one line on stderr, nothing written."""


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line."""

    def error(self, message: str):  # argparse's own prints the usage block first
        raise UsageError(message)


def render_divergences() -> str:
    """The registry of known divergences, one line per entry."""
    from conformance.registry_page import render_list

    return render_list()


# --- commands ---------------------------------------------------------------------------------


def _records(paths: list[str]):
    from conformance.report import RecordError, load_all

    try:
        return load_all(paths)
    except RecordError as error:
        raise UsageError(str(error)) from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from conformance.record import write_text_atomically

    write_text_atomically(Path(output), text)


def command_divergences(args: argparse.Namespace) -> int:
    from conformance.registry_page import render_page

    sys.stdout.write(render_divergences() + "\n" if args.list else render_page())
    return 0


def command_report(args: argparse.Namespace) -> int:
    from conformance.report import data, diff, html, markdown, merge

    current = _records(args.records)
    baseline = _records(args.baseline) if args.baseline else None
    matrix = merge(current)
    result = diff(matrix, merge(baseline)) if baseline is not None else None
    renderer = {"md": markdown.render, "html": html.render, "json": data.render}[args.format]
    _write(renderer(matrix, result, [path for path, _ in current]), args.output)
    failing = {
        "never": False,
        "regressions": bool(result and result.regressions),
        "changes": bool(result and any(result.counts().values())),
        "divergences": any(c.outcome in ("divergence", "error") for c in matrix.cells.values()),
    }[args.fail_on]
    if failing and args.output is not None:
        what = {"regressions": "regressions", "changes": "changes", "divergences": "divergences"}[args.fail_on]
        print(f"tensor-conformance: {what} found (see {args.output})", file=sys.stderr)
    return 1 if failing else 0


def _chosen(path: str, record: dict, ids: list[str] | None):
    from conformance.report import RecordError, find_divergence
    from conformance.report.load import divergences

    try:
        return [find_divergence(path, record, wanted) for wanted in ids] if ids else divergences(record)
    except RecordError as error:
        raise UsageError(str(error)) from None


def command_replay(args: argparse.Namespace) -> int:
    from conformance.replay import replay_divergence

    [(path, record)] = _records([args.record])
    chosen = _chosen(path, record, args.id)
    if args.device:
        from conformance.backends import device_availability

        status = device_availability(args.device)
        if not status:
            raise UsageError(f"--device {args.device}: {status.reason}")
    if args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout:g}: give a positive number of seconds")
    still = 0
    for check, divergence in chosen:  # a line as each is done: a test's rerun takes seconds
        verdict = replay_divergence(check, divergence, args.device, args.timeout)
        still += verdict.diverges
        fixed = verdict.status in ("conforms", "known") and divergence.get("kind") == "divergence"
        print(f"{divergence['id']} {check['id']}: {'fixed: ' if fixed else ''}{verdict}", flush=True)
    print(f"{still} of {len(chosen)} still diverge(s) on torch {_torch_version()}")
    return 1 if still else 0


def _torch_version() -> str:
    import torch

    return torch.__version__


def command_repro(args: argparse.Namespace) -> int:
    [(path, record)] = _records([args.record])
    [(_, divergence)] = _chosen(path, record, [args.id])
    snippet = divergence.get("reproducer")
    if not snippet:
        raise UsageError(f"{path}: divergence {args.id!r} has no reproducer")
    print(snippet)
    return 0


def command_corpus_add(args: argparse.Namespace) -> int:
    from conformance.replay import replayable

    [(path, record)] = _records([args.record])
    chosen = _chosen(path, record, args.id)
    try:
        data = corpus_module.load(args.corpus, missing_ok=True)
    except corpus_module.CorpusError as error:
        raise UsageError(str(error)) from None
    environment = record["environment"]
    lines, added = [], 0
    for check, divergence in chosen:
        example = divergence.get("example")
        why = replayable(example)
        if why:
            lines.append(f"not added {divergence['id']} {check['id']}: {why}")
            continue
        verdict = {"divergence": "diverges", "fixed": "fixed", "changed": "changed"}.get(
            divergence.get("kind"), "diverges"
        )
        entry = corpus_module.make_entry(
            example,
            verdict,
            check.get("entries", []),
            found={
                "check": check["id"],
                "torch": environment.get("torch"),
                "device": check.get("device"),
                "date": corpus_module.today(),
            },
            summary=divergence.get("message", "").splitlines()[0] if divergence.get("message") else "",
        )
        if corpus_module.add(data, entry):
            added += 1
            lines.append(f"added {entry['id']} ({check['id']})")
        else:
            lines.append(f"already in the corpus: {entry['id']} ({check['id']})")
    if added:
        corpus_module.save(data, args.corpus)
    lines.append(f"{added} entr{'y' if added == 1 else 'ies'} added to {args.corpus}")
    print("\n".join(lines))
    return 0


# --- the parser -------------------------------------------------------------------------------


def parser() -> Parser:
    main = Parser(prog="tensor-conformance", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)

    divergences = commands.add_parser(
        "divergences",
        help="print the registry of known divergences as Markdown (the page docs/divergences.md)",
        description="Print the registry of known divergences as Markdown: the page docs/divergences.md, one section "
        "per entry; with --list, one line per entry.",
    )
    divergences.add_argument("--list", action="store_true", help="one line per entry")
    divergences.set_defaults(run=command_divergences)

    report = commands.add_parser(
        "report",
        help="merge run records into a conformance matrix and diff it against a baseline",
        description="Merge the records of a CI matrix (one per runner, device or shard) into one conformance matrix "
        "and, against a baseline, list regressions, fixes, changed known divergences and new checks.",
    )
    report.add_argument("records", nargs="+", metavar="RECORD", help="run records (--conformance-record)")
    report.add_argument("--baseline", nargs="+", metavar="RECORD", help="the records to diff against")
    report.add_argument("--format", choices=("md", "html", "json"), default="md", help="output format (default: md)")
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE rather than stdout")
    report.add_argument(
        "--fail-on",
        choices=("regressions", "changes", "divergences", "never"),
        default="regressions",
        help="exit 1 on regressions against the baseline (default), on any change against it, on any divergence "
        "or error in the records, or never",
    )
    report.set_defaults(run=command_report)

    replay = commands.add_parser(
        "replay",
        help="run each recorded divergence's example again, without Hypothesis, on this torch",
        description="Run each recorded divergence's example again on this machine's torch and say for each whether "
        "it still diverges. An example of a catalog op run by check_op is rebuilt and run through the runner and "
        "the oracle here, without Hypothesis; any other reruns its test once (pytest NODEID, from the current "
        "directory, on the recorded Hypothesis choice sequence: no search, no shrinking). Exit 1 where one still "
        "diverges.",
    )
    replay.add_argument("record", metavar="RECORD")
    replay.add_argument("--id", action="append", metavar="ID", help="a divergence id or a check's node id (repeatable)")
    replay.add_argument("--device", metavar="DEVICE", help="replay on DEVICE rather than the recorded device")
    replay.add_argument(
        "--timeout",
        type=float,
        default=REPLAY_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest a test's rerun may take (default: {REPLAY_TIMEOUT} s)",
    )
    replay.set_defaults(run=command_replay)

    repro = commands.add_parser("repro", help="print the standalone reproducer of one divergence")
    repro.add_argument("record", metavar="RECORD")
    repro.add_argument("--id", required=True, metavar="ID", help="a divergence id or a check's node id")
    repro.set_defaults(run=command_repro)

    corpus = commands.add_parser("corpus", help="the regression corpus replayed by suites/test_corpus.py")
    corpus_commands = corpus.add_subparsers(
        dest="corpus_command", required=True, metavar="COMMAND", parser_class=Parser
    )
    add = corpus_commands.add_parser("add", help="add a record's divergences to the corpus")
    add.add_argument("record", metavar="RECORD")
    add.add_argument("--id", action="append", metavar="ID", help="only this divergence (repeatable)")
    add.add_argument("--corpus", default=str(corpus_module.DEFAULT), metavar="PATH", help="the corpus file")
    add.set_defaults(run=command_corpus_add)
    return main


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        return args.run(args)
    except UsageError as error:
        print(f"tensor-conformance: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
