"""A call that kills its interpreter comes back as a `Crashed` outcome, and the run goes on."""

from __future__ import annotations

import os

from conformance.isolation import run_isolated
from conformance.oracle import Crashed


def test_value_error_and_crash_come_back():
    assert run_isolated(sum, [1, 2, 3]).value == 6
    error = run_isolated(int, "not a number").error
    assert isinstance(error, ValueError)
    crashed = run_isolated(os.abort).error
    assert isinstance(crashed, Crashed) and crashed.signal_name == "SIGABRT"
    assert "SIGABRT" in str(crashed)
    assert run_isolated(sum, [4]).value == 4  # the helper restarts after a crash


def test_a_crash_in_a_check_does_not_end_a_serial_run(pytester):
    pytester.makepyfile(
        """
        import os
        from conformance.isolation import run_isolated
        from conformance.oracle import Crashed

        def test_crashes():
            assert isinstance(run_isolated(os.abort).error, Crashed)

        def test_after():
            assert True
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
