"""The GPU run: the CUDA rows of every suite, the CuPy interop and the benchmark, in one folder.

    python benchmarks/gpu.py OUT            # on a machine with a CUDA GPU (and CuPy, for interop)

Writes to OUT: `cuda-record.json` (the run record of the CUDA rows, ci profile) and its
`cuda-report.md`, `cuda-junit.xml`, `bench.json` (the benchmark of the CUDA rows, dev profile,
failures not shrunk), each step's output (`suites.log`, `report.log`, `bench.log`) and
`summary.md` (the environment, each step's outcome and time). Each step has a time limit, so the whole run stays under
8 minutes; a step that runs out is interrupted (its record kept, marked interrupted), reported
as such, and the next one runs. Where torch sees no CUDA device, it says why and exits 0 with
nothing run (CuPy absent: the CUDA rows run, and the CuPy checks skip with their reason).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMITS_S = {"suites": 300, "report": 30, "bench": 120}


def step(name: str, command: list[str], out: Path, log: list[str]) -> int:
    """Run one step in its own process group; past its limit, interrupt pytest (it then
    finishes its record and reports), and kill the group 30 s later if it still runs."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("CI", None)
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    ) as process:
        try:
            output, _ = process.communicate(timeout=LIMITS_S[name])
            status = process.returncode
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGINT)
            try:
                output, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                output, _ = process.communicate()
            output, status = f"{output}\nran past {LIMITS_S[name]} s: interrupted", 124
    seconds = time.perf_counter() - start
    (out / f"{name}.log").write_text(output)
    last = output.strip().splitlines()[-1] if output.strip() else ""
    log.append(f"- {name}: exit status {status} in {seconds:.0f} s: `{last[:200]}`")
    print(log[-1], file=sys.stderr, flush=True)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write into (created)")
    parser.add_argument(
        "--limits",
        default="",
        metavar="STEP=S,...",
        help=f"each step's time limit in seconds (default: {','.join(f'{k}={v}' for k, v in LIMITS_S.items())})",
    )
    args = parser.parse_args(argv)
    for part in filter(None, args.limits.split(",")):
        name, _, seconds = part.partition("=")
        if name.strip() not in LIMITS_S or not seconds.strip().isdigit():
            parser.error(f"--limits {part!r}: give STEP=SECONDS with STEP one of {', '.join(LIMITS_S)}")
        LIMITS_S[name.strip()] = int(seconds)
    import hypothesis
    import numpy
    import torch

    if not torch.cuda.is_available():
        print(f"gpu: nothing to run: torch {torch.__version__} sees no CUDA device", file=sys.stderr)
        return 0
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        import cupy

        cupy_version = cupy.__version__
    except Exception as error:  # CuPy is an optional extra
        cupy_version = f"absent ({type(error).__name__}: {error})"
    log = [
        "# GPU run",
        "",
        f"- torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}"
        f" ({torch.cuda.device_count()} device(s)); CuPy {cupy_version}; NumPy {numpy.__version__};"
        f" Hypothesis {hypothesis.__version__}; Python {sys.version.split()[0]}",
    ]
    python = sys.executable
    step(
        "suites",
        [
            python, "-m", "pytest", "suites", "-m", "cuda", "-n", "auto", "-q", "-p", "no:cacheprovider",
            "--hypothesis-profile", "ci", "--conformance-record", str(out / "cuda-record.json"),
            "--conformance-label", "cuda", "--junitxml", str(out / "cuda-junit.xml"),
        ],
        out,
        log,
    )  # fmt: skip
    if (out / "cuda-record.json").exists():
        step(
            "report",
            [python, "-m", "conformance", "report", str(out / "cuda-record.json"), "-o", str(out / "cuda-report.md")],
            out,
            log,
        )
    step(
        "bench",
        [
            python,
            "benchmarks/bench.py",
            "--profiles",
            "dev",
            "--no-serial",
            "--no-shrink",  # the CUDA rows that diverge would spend the step shrinking
            "-m",
            "cuda",
            "-o",
            str(out / "bench.json"),
        ],
        out,
        log,
    )
    (out / "summary.md").write_text("\n".join(log) + "\n")
    print("\n".join(log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
