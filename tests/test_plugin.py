"""The plugin: device options and their errors, the header, test ids, profiles, the summary."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CREATION = str(ROOT / "suites" / "test_creation.py")


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--rootdir", str(ROOT), *args)


def test_unknown_device_is_a_usage_error(pytester):
    result = run(pytester, CREATION, "--devices", "nosuchdevice", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown device 'nosuchdevice'*"])
    assert "Traceback" not in result.stderr.str()


def test_absent_device_is_a_usage_error(pytester):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    result = run(pytester, CREATION, "--devices", "cpu,cuda:0", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--devices names cuda:0, which is not available here*"])


def test_header_ids_and_device_marker(pytester):
    result = run(pytester, CREATION, "--devices", "cpu", "--collect-only", "-q", "-k", "test_eye")
    result.stdout.fnmatch_lines(["*test_creation.py::test_eye[[]float32-cpu[]]*"])
    header = run(pytester, CREATION, "--collect-only", "-k", "test_eye[float32")
    header.stdout.fnmatch_lines(
        [
            "torch *, numpy *, cupy*",
            "hypothesis * (profile *), python *",
            "devices under test: cpu (reference: numpy)*",
        ]
    )
    marked = run(pytester, CREATION, "--collect-only", "-q", "-m", "cpu", "-k", "test_eye[float32")
    marked.stdout.fnmatch_lines(["*test_eye[[]float32-cpu[]]*"])


def test_profiles_and_summary_of_known_divergences(pytester):
    result = run(pytester, CREATION, "-k", "test_default_dtype and zeros", "--hypothesis-profile", "ci", "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*profile ci*", "*known divergences confirmed*", "*sampled*", "default-float32 (1 test(s), *)*"]
    )


def test_known_divergences_reach_junit_xml(pytester):
    xml = pytester.path / "report.xml"
    result = run(pytester, CREATION, "-k", "test_default_dtype and zeros", f"--junitxml={xml}")
    result.assert_outcomes(passed=1)
    assert 'name="known_divergence" value="default-float32"' in xml.read_text()


def test_xdist_runs_the_suite(pytester):
    result = run(pytester, CREATION, "-n", "2", "-k", "test_eye and (float32 or int16)")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["created: 2/2 workers", "*passed*"])


@pytest.mark.parametrize(
    "option, message",
    [
        (("--hypothesis-profile", "nosuch"), "*unknown --hypothesis-profile 'nosuch'*"),
        (("--devices", "meta"), "*meta* holds no data*"),
        (("--devices", "cpu:7"), "*unknown device 'cpu:7'*"),
    ],
    ids=["profile", "meta", "cpu-index"],
)
def test_bad_options_are_one_line_usage_errors(pytester, option, message):
    result = run(pytester, CREATION, *option, "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str() and "INTERNALERROR" not in result.stdout.str()


def test_ids_are_shell_safe(pytester):
    """No collected id holds whitespace or quotes, so `pytest suites/x.py::test[id]` is one shell word
    (brackets aside)."""
    result = run(pytester, str(ROOT / "suites"), "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if "::" in line]
    assert len(ids) > 1000
    unsafe = [line for line in ids if any(c.isspace() or c in "'\"" for c in line)]
    assert not unsafe, unsafe[:5]


def test_environment_reaches_junit_xml_as_global_properties(pytester):
    xml = pytester.path / "report.xml"
    run(pytester, CREATION, "-k", "test_eye and float32", f"--junitxml={xml}", "-p", "no:randomly")
    text = xml.read_text()
    for name in ("torch", "torch_build", "numpy", "cupy", "hypothesis", "python", "devices", "profile", "seed"):
        assert f'<property name="{name}" value=' in text, name


def test_a_failure_starts_with_the_divergence_not_the_harness(pytester):
    """A planted divergence: the report shows the check's own line and the divergence, and none of the
    oracle's or the runner's source."""
    pytester.makepyfile(
        test_planted="""
        import numpy as np
        import torch
        from conformance.check import Check
        from conformance.runner import check_call

        def test_planted():
            check_call(Check("torch.planted"), lambda: torch.zeros(2), lambda: np.ones(2, np.float32))
        """
    )
    result = run(pytester, str(pytester.path / "test_planted.py"), "-p", "conformance.plugin")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "values: 2 of 2 element(s) differ" in output
    for harness_line in ("def assert_conforms", "def check_call", "found = compare(", "raise _explained"):
        assert harness_line not in output, harness_line


CHANGED = """
import numpy as np
import torch
from conformance import divergences, oracle
from conformance.check import Check
from conformance.divergences import GivesDtype, KnownDivergence, Registry
from conformance.oracle import assert_conforms

oracle.REGISTRY = Registry(
    [KnownDivergence(id="planted", ops=("torch.planted",), summary="s", example="e", reason="r",
                     torch_gives=GivesDtype("float32"))]
)
divergences.NEWEST_KNOWN = "2.0"


def test_planted():
    assert_conforms(torch.tensor([1.5], dtype=torch.float64), np.array([1.5]), Check("torch.planted"))
"""


def test_changed_is_an_outcome_of_its_own(pytester):
    """A documented divergence that stops on a torch newer than the registry knows: `changed`,
    failing by default, reported only with --known-changes=report; in the summary and JUnit XML."""
    pytester.makepyfile(test_changed=CHANGED)
    path = str(pytester.path / "test_changed.py")
    failing = run(pytester, path, "-p", "conformance.plugin", "-rA")
    assert failing.ret == pytest.ExitCode.TESTS_FAILED
    failing.stdout.fnmatch_lines(["*documented divergences changed*", "planted (1 test(s))", "*1 changed*"])
    xml = pytester.path / "report.xml"
    reported = run(pytester, path, "-p", "conformance.plugin", "--known-changes=report", f"--junitxml={xml}")
    assert reported.ret == pytest.ExitCode.OK
    reported.stdout.fnmatch_lines(["*1 changed*"])
    text = xml.read_text()
    assert '<property name="changed" value="planted"' in text and "<skipped" in text


def test_rows_after_a_lost_device_skip_with_the_test_that_lost_it(pytester):
    """A device context lost in one row (marked here as the teardown's synchronization marks
    it) skips the later rows of that device in the process, naming the row; other devices run."""
    pytester.makepyfile(
        test_lost="""
        import pytest
        from conformance import devices

        @pytest.mark.parametrize("device", ["cuda:0"])
        def test_loses(device):
            devices._lost[device] = "test_lost.py::test_loses[cuda:0]"

        @pytest.mark.parametrize("device", ["cuda:0"])
        def test_after(device):
            pass

        @pytest.mark.parametrize("device", ["cpu"])
        def test_on_the_cpu(device):
            pass
        """
    )
    result = run(pytester, str(pytester.path / "test_lost.py"), "-p", "conformance.plugin", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(
        ["*the cuda:0 context of this process was lost to a device-side assert after test_lost.py::test_loses*"]
    )
