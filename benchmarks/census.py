"""The planted-bug census: does the whole conformance suite catch each bug planted in torch?

    python benchmarks/census.py --list
    python benchmarks/census.py                         # every bug, dev and ci profiles
    python benchmarks/census.py --profiles ci --sample 3
    python benchmarks/census.py --plant "lt returns uint8" -o census.json

The bugs are the planted bugs of the self-tests (`PLANTS` in `tests/test_planted_*.py`):
monkeypatches of torch that a real regression could produce, each shown there to make its
own selection fail. The census runs the whole suite (`pytest suites -x`, serial unless `-n` says
otherwise: most bugs are caught in seconds, before a second worker would have started) once
per bug and profile, in a subprocess with its own Hypothesis database (a fresh working folder),
the bug planted in every worker (`benchmarks/plant.py`), the suite of the bug's self-test
first (so that the seconds to the first failure do not depend on where the suite sorts) and
the rest after it. It prints, per bug, caught or missed under each profile, by which test,
and the seconds from the start of the run to the first failure; first, an unplanted run per
profile, which must pass for the census to mean anything. The dev profile draws a new seed
each time: its column is one sample of a random process, or, with `--repeat N`, N samples
("caught in k of N runs"; the ci profile is derandomized and runs once).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.plant import plants  # noqa: E402
from conformance.plugin import PROFILES  # noqa: E402


def run(profile: str, plant: str | None, suite: str | None, workers: str = "0") -> dict:
    with tempfile.TemporaryDirectory(prefix="conformance-census-") as folder:
        out = Path(folder) / "first.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CONFORMANCE_PLANT_OUT": str(out)}
        env.pop("CI", None)
        env.pop("CONFORMANCE_PLANT", None)
        if plant:
            env["CONFORMANCE_PLANT"] = plant
        files = sorted(str(path) for path in (ROOT / "suites").glob("test_*.py"))
        own = str(ROOT / "suites" / f"test_{suite}.py")
        paths = [own, *(f for f in files if f != own)] if suite else files
        command = [
            sys.executable, "-m", "pytest", *paths, "-x", "-q", "-n", workers, "-p", "no:cacheprovider",
            "-p", "benchmarks.plant", "--rootdir", str(ROOT), "--hypothesis-profile", profile,
        ]  # fmt: skip
        log = Path(folder) / "pytest.log"
        start = time.perf_counter()
        with log.open("w") as sink:
            process = subprocess.Popen(
                command, cwd=folder, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
            while process.poll() is None and not out.exists():
                time.sleep(0.2)
            if process.poll() is None:  # caught: stop the run and its workers
                os.killpg(process.pid, signal.SIGKILL)
            returncode = process.wait()
        wall = time.perf_counter() - start
        first = json.loads(out.read_text()) if out.exists() else {}
        if not first and returncode != 0:
            tail = "\n".join(log.read_text().strip().splitlines()[-15:])
            return {"caught": None, "error": f"pytest exit status {returncode}", "wall_s": wall, "output": tail}
    return {
        "caught": bool(first),
        "test": first.get("test"),
        "seconds": first.get("seconds"),
        "wall_s": round(wall, 1),
    }


def measure(profile: str, plant: str, suite: str, workers: str, repeat: int) -> dict:
    """`run` `repeat` times under a randomized profile (once under a derandomized one, whose
    runs are all alike): caught only where every run caught it, with each run's result kept."""
    count = 1 if PROFILES.get(profile, {}).get("derandomize") else repeat
    runs = [run(profile, plant, suite, workers) for _ in range(count)]
    if count == 1:
        return runs[0]
    failed = next((r for r in runs if r["caught"] is None), None)
    if failed:
        return {**failed, "runs": runs}
    first = next((r for r in runs if r["caught"]), runs[0])
    return {**first, "caught": all(r["caught"] for r in runs), "runs": runs}


def _cell(result: dict) -> str:
    if result["caught"] is None:
        return f"error ({result['error']})"
    runs = result.get("runs", [result])
    caught = [r for r in runs if r["caught"]]
    if not caught:
        seconds = max(r["wall_s"] for r in runs)
        return f"MISSED ({seconds:.0f} s)" if len(runs) == 1 else f"MISSED in {len(runs)} of {len(runs)} runs"
    test = caught[0]["test"].split("::", 1)[-1] if caught[0]["test"] else "?"
    if len(runs) == 1:
        return f"caught by `{test}` in {caught[0]['seconds']:.0f} s"
    return f"caught in {len(caught)} of {len(runs)} runs (first by `{test}` in {caught[0]['seconds']:.0f} s)"


def render(table: dict, baselines: dict, profiles: list[str]) -> str:
    lines = ["# Planted-bug census", ""]
    for profile in profiles:
        base = baselines.get(profile)
        if base is not None:
            verdict = "passes" if base["caught"] is False else f"FAILS ({_cell(base)})"
            lines.append(f"- unplanted torch, profile {profile}: the suite {verdict} ({base['wall_s']:.0f} s)")
    lines += ["", "| planted bug | suite | " + " | ".join(profiles) + " |", "|---|---|" + "---|" * len(profiles)]
    for key, row in table.items():
        name = key.split(":", 1)[1]
        lines.append(f"| {name} | {row['suite']} | " + " | ".join(_cell(row[p]) for p in profiles) + " |")
    caught = {p: sum(1 for row in table.values() if row[p]["caught"]) for p in profiles}
    lines += ["", "Caught: " + ", ".join(f"{caught[p]} of {len(table)} under {p}" for p in profiles) + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the planted bugs and exit")
    parser.add_argument("--profiles", default="dev,ci", help="comma-separated Hypothesis profiles (default: dev,ci)")
    parser.add_argument("--plant", action="append", default=[], help="only bugs whose name contains this (repeatable)")
    parser.add_argument("--sample", type=int, help="only this many bugs, drawn at random (a quick check)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unplanted runs")
    parser.add_argument("-n", dest="workers", default="0", help="pytest-xdist workers per run (default: 0, serial)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per bug under a randomized profile (dev): its rate of catching"
    )
    parser.add_argument("-o", "--output", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat needs at least 1 run")
    table = plants()
    if args.list:
        for key, entry in table.items():
            print(f"{entry[3]:<16} {key.split(':', 1)[1]}")
        return 0
    profiles = [p for p in args.profiles.split(",") if p]
    unknown = sorted(set(profiles) - {"dev", "ci", "thorough"})
    if unknown:
        parser.error(f"unknown profile(s) {', '.join(unknown)}: choose among dev, ci, thorough")
    chosen = [k for k in table if not args.plant or any(p in k for p in args.plant)]
    if not chosen:
        parser.error(f"no planted bug matches {args.plant}; see --list")
    if args.sample:
        chosen = sorted(random.sample(chosen, min(args.sample, len(chosen))), key=list(table).index)
    # in rounds over the suites (one bug of each, then the next): an interrupted census has
    # measured every suite, and its JSON (written after each bug) keeps what it measured
    by_suite: dict[str, list[str]] = {}
    for key in chosen:
        by_suite.setdefault(table[key][3], []).append(key)
    rounds = [bugs[i] for i in range(max(map(len, by_suite.values()))) for bugs in by_suite.values() if i < len(bugs)]
    chosen = rounds
    baselines = {}
    if not args.no_baseline:
        for profile in profiles:
            baselines[profile] = run(profile, None, None, args.workers)
            print(f"unplanted, {profile}: {_cell(baselines[profile])}", file=sys.stderr)
    results: dict = {}
    for key in chosen:
        suite = table[key][3]
        results[key] = {"suite": suite}
        for profile in profiles:
            results[key][profile] = measure(profile, key, suite, args.workers, args.repeat)
            print(f"{key} [{profile}]: {_cell(results[key][profile])}", file=sys.stderr)
        if args.output:  # after each bug: an interrupted census keeps what it measured
            temporary = args.output.with_suffix(args.output.suffix + ".tmp")
            temporary.write_text(json.dumps({"baselines": baselines, "bugs": results}, indent=1))
            temporary.replace(args.output)
    print(render(results, baselines, profiles))
    missed = any(not row[p]["caught"] for row in results.values() for p in profiles)
    failing_baseline = any(b["caught"] is not False for b in baselines.values())
    return 1 if missed or failing_baseline else 0


if __name__ == "__main__":
    sys.exit(main())
