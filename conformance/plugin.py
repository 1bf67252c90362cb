"""The pytest plugin: options, Hypothesis profiles, report header, device parametrization, records.

Loaded by the project's `conftest.py`. It adds:

- `--devices cpu,cuda:0`: the devices under test (default: every device torch
  finds). A name torch does not know, or a device absent here, is a usage error.
- Hypothesis profiles `dev` (quick, the default), `ci` (derandomized, fixed budget;
  the default where the environment sets CI=true) and `thorough` (nightly).
  `--hypothesis-profile`, `--hypothesis-seed` and `--hypothesis-show-statistics`
  are Hypothesis' own and keep working.
- a report header with the versions of torch, NumPy, CuPy (or why it is absent),
  Hypothesis and Python, and the devices under test with their references;
- a `device` parameter for every test that asks for one, so ids read
  `test_x[op-dtype-device]`, with a marker per device type (`-m cuda`);
- the known divergences each test confirmed, as `user_properties` (so they reach
  JUnit XML and travel back from xdist workers) and as a summary at the end;
- `--conformance-record PATH`: a JSON record of the run (`conformance.record`), with
  `--conformance-label` naming its environment in a report's columns;
- `--conformance-reproduce VERSION:BLOB`: the selected Hypothesis test runs once, on the
  example a recorded choice sequence encodes (how `tensor-conformance replay` reruns a test).
"""

from __future__ import annotations

import json
import os
import platform
import re
import zlib
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, Phase, reproduce_failure, settings
from hypothesis.errors import DidNotReproduce, InvalidArgument

from conformance import backends, devices, divergences, record, record_facts, records
from conformance.dtypes import DType
from conformance.layouts import Layout
from conformance.messages import DivergenceChanged

PROFILES = {
    "dev": dict(max_examples=10, deadline=None),
    "ci": dict(max_examples=30, deadline=None, derandomize=True, database=None, print_blob=True),
    "thorough": dict(
        max_examples=500,
        deadline=None,
        # every phase but target: no check calls hypothesis.target
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink, Phase.explain],
        suppress_health_check=[HealthCheck.too_slow],
    ),
}

for _name, _options in PROFILES.items():
    settings.register_profile(_name, **_options)


def default_profile() -> str:
    """`ci` where the environment says it is CI (CI=true, as CI services set it), else `dev`."""
    return "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"


settings.load_profile(default_profile())


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "tensor conformance")
    group.addoption(
        "--devices",
        default=None,
        metavar="LIST",
        help="comma-separated torch devices to test, e.g. cpu,cuda:0 (default: every device torch finds here)",
    )
    group.addoption(
        "--known-changes",
        default="fail",
        choices=("fail", "report"),
        help="on a torch newer than the registry knows, a documented divergence that stops or changes is "
        "reported as 'changed'; 'fail' (the default) fails its test, 'report' only reports it",
    )
    group.addoption(
        "--conformance-record",
        default=None,
        metavar="PATH",
        help="write a JSON record of the run to PATH: the environment and every check's outcome, with the "
        "shrunk example of each divergence (format: docs/record-format.md); one record under -n too",
    )
    group.addoption(
        "--conformance-shard",
        default=None,
        metavar="K/N",
        help="run the K-th of N shards of the collected checks (split by a stable hash of each id), for a CI "
        "matrix across runners; the records of all shards merge in a report",
    )
    group.addoption(
        "--conformance-label",
        default=None,
        metavar="TEXT",
        help="the name of this run's environment in a report's columns (e.g. the CI job's), stored in the record",
    )
    group.addoption(
        "--conformance-reproduce",
        default=None,
        metavar="VERSION:BLOB",
        help="run each selected Hypothesis test once, on the example this choice sequence encodes (the arguments "
        "of Hypothesis' @reproduce_failure, as a record keeps them), with no search and no shrinking; an example "
        "that passes is a pass. tensor-conformance replay passes it, for one test",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    profile = config.getoption("hypothesis_profile", None)
    if profile is not None:
        try:
            settings.get_profile(profile)
        except InvalidArgument:
            known = ", ".join(PROFILES)
            raise pytest.UsageError(
                f"unknown --hypothesis-profile {profile!r}; this suite's profiles are {known}"
            ) from None
    option = config.getoption("--devices")
    try:
        chosen = devices.parse(option) if option is not None else devices.discover()
    except devices.DeviceError as error:
        raise pytest.UsageError(str(error)) from None
    devices.set_devices_under_test(chosen)
    shard(config)  # a bad K/N is a usage error before anything runs
    path = config.getoption("conformance_record", None)
    if path and not hasattr(config, "workerinput"):  # the controller writes it, from the workers' reports
        if os.path.isdir(path):
            raise pytest.UsageError(f"--conformance-record {path!r} is a directory; give a file path")
        config.pluginmanager.register(
            record.RecordWriter(config, path, config.getoption("conformance_label", None)), "conformance-record"
        )
    if path:
        _print_blobs(config, profile)
    reproduced(config)  # a malformed VERSION:BLOB is a usage error before anything runs


def _print_blobs(config: pytest.Config, profile: str | None) -> None:
    """Turn Hypothesis' print_blob on for this run's profile (on every process: xdist workers
    too): each failure then carries the choice sequence of its example, which the record keeps
    so that `replay` can rerun it. The profile is restored when the run ends."""
    name = profile or settings.get_current_profile_name()
    before, original = settings.get_current_profile_name(), settings.get_profile(name)
    if original.print_blob:
        return
    settings.register_profile(name, original, print_blob=True)
    settings.load_profile(name)

    def restore() -> None:
        settings.register_profile(name, original)
        settings.load_profile(before)

    config.add_cleanup(restore)


def reproduced(config: pytest.Config) -> tuple[str, bytes] | None:
    """(Hypothesis version, blob) of `--conformance-reproduce VERSION:BLOB`, or None."""
    option = config.getoption("conformance_reproduce", None)
    if option is None:
        return None
    version, _, blob = option.partition(":")
    if not re.fullmatch(r"\d+(\.\d+)*", version) or not re.fullmatch(r"[A-Za-z0-9+/]+=*", blob):
        raise pytest.UsageError(
            f"--conformance-reproduce {option!r}: give VERSION:BLOB, the arguments of Hypothesis' @reproduce_failure"
        )
    return version, blob.encode()


def environment(config: pytest.Config) -> dict[str, str]:
    """The run's environment: what a report needs to say which torch it tested, and how."""
    import hypothesis

    cupy = backends.cupy_availability(0)
    if cupy:
        import cupy as cp

        cupy_version = cp.__version__
    else:
        cupy_version = f"absent: {cupy.reason}"
    if torch.version.cuda:
        build = f"CUDA {torch.version.cuda}"
    elif getattr(torch.version, "hip", None):
        build = f"ROCm {torch.version.hip}"
    else:
        build = "CPU build"
    seed = config.getoption("hypothesis_seed", None)
    profile = settings.get_current_profile_name()
    return {
        "torch": torch.__version__,
        "torch_build": build,
        "numpy": np.__version__,
        "cupy": cupy_version,
        "hypothesis": hypothesis.__version__,
        "python": platform.python_version(),
        "devices": ",".join(devices.devices_under_test()),
        "profile": profile,
        "seed": str(seed) if seed is not None else ("derandomized" if settings().derandomize else "random"),
    }


def _versions(config: pytest.Config) -> list[str]:
    facts = environment(config)
    return [
        f"torch {facts['torch']} ({facts['torch_build']}), numpy {facts['numpy']}, cupy {facts['cupy']}",
        f"hypothesis {facts['hypothesis']} (profile {facts['profile']}, seed {facts['seed']}), "
        f"python {facts['python']}",
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    """The environment as global properties of the JUnit XML report, where one is written."""
    from _pytest.junitxml import xml_key

    xml = session.config.stash.get(xml_key, None)
    if xml is not None:
        for name, value in environment(session.config).items():
            xml.add_global_property(name, value)


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = _versions(config)
    under_test = devices.devices_under_test()
    described = [f"{d} (reference: {backends.reference_backend(d).name})" for d in under_test]
    lines.append("devices under test: " + ", ".join(described))
    for kind, reason in devices.absent_optional().items():
        if not any(d.startswith(kind) for d in under_test):
            lines.append(f"{kind} rows skipped: {reason}")
    return lines


def _device_param(device: str):
    kind = device.split(":")[0]
    marks = [getattr(pytest.mark, kind)] if kind in ("cpu", "cuda", "mps", "xpu") else []
    return pytest.param(device, marks=marks, id=device)


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that takes `device` one case per device under test, id last."""
    if "device" not in metafunc.fixturenames:
        return
    if any("device" in getattr(call, "params", {}) for call in getattr(metafunc, "_calls", [])):
        return  # the test parametrizes its own devices
    metafunc.parametrize("device", [_device_param(d) for d in devices.devices_under_test()])


def shell_safe(text: str) -> str:
    """An id a shell passes as one word: no whitespace or quotes (`grad = None` -> `grad=None`,
    `fresh graphs` -> `fresh-graphs`)."""
    text = re.sub(r"\s*([=,])\s*", r"\1", text.strip())
    return re.sub(r"\s+", "-", text).replace("'", "").replace('"', "")


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    if isinstance(val, str):
        return shell_safe(val)
    if isinstance(val, DType):
        return val.name
    if isinstance(val, Layout):
        return val.kind
    name = getattr(val, "id", None) or getattr(val, "name", None)
    if isinstance(name, str) and type(val).__module__.startswith("conformance"):
        return name
    return None


def _skip_reason(item: pytest.Item) -> str | None:
    """Why an item marked `requires(kind)` or `cupy` cannot run on its device, if it cannot."""
    callspec = getattr(item, "callspec", None)
    device = callspec.params.get("device") if callspec else None
    needs = {mark.args[0] for mark in item.iter_markers("requires")}
    if item.get_closest_marker("cupy"):
        needs.add("cupy")
    if not needs:
        return None
    kind = torch.device(device).type if device else "cpu"
    if "cuda" in needs and kind != "cuda":
        status = backends.device_availability("cuda:0")
        why = status.reason if not status else f"this case runs on {device}"
        return f"needs a CUDA device ({why})"
    if "cupy" in needs:
        index = (torch.device(device).index or 0) if kind == "cuda" else 0
        status = backends.cupy_availability(index)
        if not status:
            return f"needs CuPy ({status.reason})"
    return None


def shard(config: pytest.Config) -> tuple[int, int] | None:
    """(K, N) of `--conformance-shard K/N`, or None."""
    option = config.getoption("conformance_shard", None)
    if option is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", option)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise pytest.UsageError(f"--conformance-shard {option!r}: give K/N with 1 <= K <= N, e.g. 1/4")
    return int(match[1]), int(match[2])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep this shard's checks; skip, with the reason, what the device under test or this
    machine cannot run."""
    chosen = shard(config)
    if chosen is not None:
        index, count = chosen
        kept = [item for item in items if zlib.crc32(item.nodeid.encode()) % count == index - 1]
        dropped = [item for item in items if zlib.crc32(item.nodeid.encode()) % count != index - 1]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    reproduce = reproduced(config)
    for item in items:
        reason = _skip_reason(item)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        elif reproduce is not None:
            if not record_facts.draws_examples(item):
                item.add_marker(pytest.mark.skip(reason="--conformance-reproduce: Hypothesis draws no examples here"))
                continue
            # the wrapped test reads the recipe when it runs: one example, no search, no shrinking
            reproduce_failure(*reproduce)(getattr(item.obj, "__func__", item.obj))


def _passed_when_reproduced(item: pytest.Item, error: BaseException | None) -> bool:
    """Under --conformance-reproduce, Hypothesis raises DidNotReproduce where the example passed:
    for a replay that is a pass. (Where the example no longer fits the test, it raises it while
    handling the cause: that stays a failure.)"""
    return (
        isinstance(error, DidNotReproduce)
        and error.__context__ is None
        and item.config.getoption("conformance_reproduce", None) is not None
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A documented divergence that changed on a newer torch: its own outcome, `changed`, with the
    entries as properties; with --known-changes=report it does not fail the run."""
    report = yield
    error = call.excinfo.value if call.excinfo is not None else None
    if report.when == "call" and _passed_when_reproduced(item, error):
        report.outcome, report.longrepr, error = "passed", None, None
    if item.config.getoption("conformance_record", None) and report.when in ("setup", "call"):
        # the facts a record needs, on the report: they travel back from xdist workers with it
        report.user_properties.append((record.CHECK_PROPERTY, json.dumps(record_facts.check_facts(item))))
        if report.failed and error is not None and report.when == "call":
            report.user_properties.append((record.FAILURE_PROPERTY, json.dumps(record_facts.failure_facts(error))))
    changed = error if isinstance(error, DivergenceChanged) else None
    if changed is None:  # Hypothesis reports several distinct failures as an exception group
        changed = next((e for e in getattr(error, "exceptions", ()) if isinstance(e, DivergenceChanged)), None)
    if changed is not None:
        properties = [("changed", entry_id) for entry_id in changed.ids]
        item.user_properties.extend(properties)  # the teardown report carries them into JUnit XML
        report.user_properties.extend(properties)
        if item.config.getoption("known_changes") == "report":
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, str(changed).splitlines()[0])
    return report


def _changed(report: pytest.TestReport) -> list[str]:
    return [value for kind, value in getattr(report, "user_properties", ()) if kind == "changed"]


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if report.when == "call" and _changed(report):
        return "changed", "C", "CHANGED"
    return None


def _device_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    device = callspec.params.get("device") if callspec else None
    return device if isinstance(device, str) else None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A row of a device whose context this process lost (a device-side assert) is skipped,
    with the test that lost it: every call on that device would fail."""
    device = _device_of(item)
    lost = devices.lost_to(device) if device else None
    if lost:
        pytest.skip(f"the {device} context of this process was lost to a device-side assert after {lost}")


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Synchronize the row's device, so that an asynchronous error fails the test that caused it."""
    device = _device_of(item)
    if device:
        devices.synchronize_after(device, item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    records.drain()
    try:
        return (yield)
    finally:
        for kind, value in records.drain():
            item.user_properties.append((kind, value))
        if record_facts.draws_examples(item):  # its counts are sampled
            item.user_properties.append(("drawn", "true"))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    changed: Counter[str] = Counter(
        entry_id for report in terminalreporter.stats.get("changed", []) for entry_id in _changed(report)
    )
    if changed:
        terminalreporter.section("documented divergences changed")
        terminalreporter.write_line(
            f"torch {torch.__version__} is newer than the registry knows ({divergences.NEWEST_KNOWN}); these entries "
            "stopped or changed and need their range (since/until) or a new entry:"
        )
        for entry_id, count in sorted(changed.items()):
            terminalreporter.write_line(f"{entry_id} ({count} test(s))")
    moved = sorted(
        {
            value
            for reports in terminalreporter.stats.values()
            for report in reports
            for kind, value in getattr(report, "user_properties", ())
            if kind == "corpus"
        }
    )
    if moved:
        terminalreporter.section("corpus entries with another verdict")
        terminalreporter.write_line(
            "these entries of corpus/divergences.json behave otherwise than when they were added:"
        )
        for line in moved:
            terminalreporter.write_line(line)
    confirmed: Counter[str] = Counter()
    sampled: Counter[str] = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            properties = getattr(report, "user_properties", ())
            drawn = ("drawn", "true") in properties
            for kind, value in properties:
                if kind == "known_divergence" and getattr(report, "when", "call") == "call":
                    confirmed[value] += 1
                    sampled[value] += drawn
    if not confirmed:
        return
    from conformance.known_divergences import REGISTRY

    terminalreporter.section("known divergences confirmed")
    terminalreporter.write_line(
        'tests that met each one; "sampled" counts tests whose examples Hypothesis drew, so they vary between '
        "runs of a randomized profile (dev) and repeat under a derandomized one (ci)"
    )
    summaries = {entry.id: entry.summary for entry in REGISTRY}
    for entry_id, count in sorted(confirmed.items()):
        summary = summaries.get(entry_id, "not in this registry")
        drawn = sampled[entry_id]
        how = "sampled" if drawn == count else ("fixed inputs" if not drawn else f"{drawn} sampled")
        terminalreporter.write_line(f"{entry_id} ({count} test(s), {how}): {summary}")
