"""The benchmark: how long the conformance suites take, and where the time goes.

    python benchmarks/bench.py                      # dev and ci profiles, -n auto and -n 0
    python benchmarks/bench.py --profiles dev --no-serial
    python benchmarks/bench.py --paths suites/test_ranges.py   # a quick sample
    python benchmarks/bench.py --profiles dev --no-serial --no-shrink -m cuda   # where torch diverges

For each profile it runs `pytest -n auto` and `pytest -n 0` on the suites (a fixed
Hypothesis seed, so both runs draw alike; the ci profile is derandomized as it stands) in a
subprocess, and reports: the wall time of each and the speed-up, the tests and Hypothesis
examples run, examples per second per core, the peak memory of a worker, and where the
time goes (collection, Hypothesis' engine, drawing inputs, and for checks run by
`conformance.runner`: building inputs, torch calls, reference calls, the oracle;
crash-isolation starts), from timers around Hypothesis' inner test and the runner
(`benchmarks/timing.py`). Wall times vary with the
machine's load: compare runs made on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BREAKDOWN = [
    ("collection", "collection (per process)"),
    ("engine", "Hypothesis' engine"),
    ("draws", "drawing inputs, suite code"),
    ("building inputs", "building inputs on both sides"),
    ("torch calls", "torch calls"),
    ("reference calls", "reference calls"),
    ("oracle", "the oracle"),
    ("other tests", "tests without Hypothesis"),
]


def run(
    profile: str, workers: str, paths: list[str], seed: int, marks: str | None = None, *, shrink: bool = True
) -> dict:
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as folder:
        env = {**os.environ, "CONFORMANCE_TIMING_DIR": folder, "PYTHONPATH": str(ROOT)}
        env.pop("CI", None)
        env.pop("CONFORMANCE_BENCH_NO_SHRINK", None)
        if not shrink:
            env["CONFORMANCE_BENCH_NO_SHRINK"] = "1"
        command = [
            sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", "-p", "benchmarks.timing",
            "-n", workers, "--hypothesis-profile", profile,
            *([] if profile == "ci" else ["--hypothesis-seed", str(seed)]),  # ci is derandomized as it is
            *(["-m", marks] if marks else []),
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        files = [json.loads(p.read_text()) for p in Path(folder).glob("*.json")]
    if not files:
        sys.exit(f"bench: the {profile} run wrote no timings (exit status {done.returncode}):\n{done.stdout[-2000:]}")
    controller = next((f for f in files if f["worker"] == "controller"), files[0])
    workers_ = [f for f in files if f["worker"] != "controller"] or [controller]
    seconds: dict[str, float] = defaultdict(float)
    counts: Counter = Counter()
    for facts in workers_:
        seconds.update({k: seconds[k] + v for k, v in facts["seconds"].items()})
        counts.update({k: v for k, v in facts["counts"].items() if not k.startswith("tests ")})
    counts.update({k: v for k, v in controller["counts"].items() if k.startswith("tests ") and k != "tests collected"})
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    inside = sum(seconds[k] for k in ("building inputs", "torch calls", "reference calls", "oracle"))
    seconds["engine"] = seconds["hypothesis tests"] - seconds["examples"]
    seconds["draws"] = seconds["examples"] - inside
    return {
        "profile": profile,
        "workers": len(workers_),
        "wall_s": wall,
        "exit_status": done.returncode,
        "pytest_summary": summary,
        "tests": {k.removeprefix("tests "): v for k, v in counts.items() if k.startswith("tests ")},
        "examples": counts.get("examples", 0),
        "seconds": dict(seconds),
        "isolation_starts": counts.get("crash-isolation starts", 0),
        "peak_worker_rss_mb": max(f["peak_rss_mb"] for f in workers_),
    }


def render(results: list[dict], cores: int) -> str:
    lines = [f"tensor-conformance benchmark ({cores} core(s))", ""]
    for profile in dict.fromkeys(r["profile"] for r in results):
        runs = {r["workers"] > 1 or r["mode"] == "auto": r for r in results if r["profile"] == profile}
        parallel, serial = runs.get(True), runs.get(False)
        main = parallel or serial
        examples = main["examples"]
        tests = main["tests"]
        lines.append(f"## profile {profile}")
        if parallel:
            lines.append(f"pytest -n auto: {parallel['wall_s']:.1f} s wall ({parallel['workers']} workers)")
        if serial:
            lines.append(f"pytest -n 0:    {serial['wall_s']:.1f} s wall")
        if parallel and serial:
            lines.append(f"speed-up:       {serial['wall_s'] / parallel['wall_s']:.2f}x")
        lines.append(f"outcome:        {main['pytest_summary']}")
        lines.append("tests:          " + ", ".join(f"{v} {k}" for k, v in sorted(tests.items())))
        per_core = examples / main["wall_s"] / min(cores, max(main["workers"], 1))
        shrinking = "shrinking included" if main.get("shrink", True) else "failures not shrunk"
        lines.append(f"examples:       {examples} ({shrinking}), {per_core:.0f} per second per core")
        lines.append(f"peak worker memory: {main['peak_worker_rss_mb']:.0f} MB")
        busy = sum(main["seconds"].get(key, 0.0) for key, _ in BREAKDOWN)
        lines.append("where the time goes (seconds summed over workers):")
        for key, label in BREAKDOWN:
            value = main["seconds"].get(key, 0.0)
            lines.append(f"  {label:<34} {value:8.1f} s {100 * value / busy if busy else 0:5.1f}%")
        starts = main["seconds"].get("crash-isolation starts", 0.0)
        lines.append(f"  (crash-isolation helper starts: {main['isolation_starts']}, {starts:.1f} s)")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", default="dev,ci", help="comma-separated Hypothesis profiles (default: dev,ci)")
    parser.add_argument("--paths", nargs="+", default=["suites"], help="what pytest runs (default: suites)")
    parser.add_argument("--no-serial", action="store_true", help="skip the -n 0 runs")
    parser.add_argument("-m", dest="marks", metavar="MARKEXPR", help="pytest's -m: only these rows (e.g. cuda)")
    parser.add_argument(
        "--seed", type=int, default=0, help="--hypothesis-seed of the dev and thorough runs (default: 0)"
    )
    parser.add_argument(
        "--no-shrink",
        action="store_true",
        help="failures are not shrunk: where torch diverges (a GPU, another release), shrinking each "
        "failure would be most of the run",
    )
    parser.add_argument("-o", "--output", type=Path, help="also write the measurements as JSON")
    args = parser.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    unknown = sorted(set(profiles) - {"dev", "ci", "thorough"})
    if unknown:
        parser.error(f"unknown profile(s) {', '.join(unknown)}: choose among dev, ci, thorough")
    missing = [p for p in args.paths if not (ROOT / p).exists()]
    if missing:
        parser.error(f"no such path under the project: {', '.join(missing)}")
    cores = os.cpu_count() or 1
    results = []
    for profile in profiles:
        for mode in ("auto", *(() if args.no_serial else ("0",))):
            result = run(profile, mode, args.paths, args.seed, args.marks, shrink=not args.no_shrink)
            result["mode"] = mode
            result["shrink"] = not args.no_shrink
            results.append(result)
            print(f"{profile} -n {mode}: {result['wall_s']:.1f} s, {result['pytest_summary']}", file=sys.stderr)
    report = render(results, cores)
    print(report)
    if args.output:
        temporary = args.output.with_suffix(args.output.suffix + ".tmp")
        temporary.write_text(json.dumps({"cores": cores, "runs": results}, indent=1))
        temporary.replace(args.output)
    return 1 if any(r["exit_status"] not in (0, 5) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
