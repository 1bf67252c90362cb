"""Run a call that can kill the interpreter in a subprocess, and report a crash as an outcome.

Some torch calls abort the process on bad input instead of raising (on torch 2.13,
`torch.from_dlpack` of a NumPy array with a negative stride raises SIGABRT from
C++). A check that makes such a call hands it to `run_isolated`: the call runs in a
long-lived helper process (one per pytest worker, started on first use, restarted
after a crash or after a call that lost its CUDA context to a device-side assert, forked
from a server that has torch imported already), and a crash comes back as an `Outcome` whose error is `Crashed`,
which the oracle reports as a divergence. The run goes on either way, serial or
under xdist.

The function must be importable by name (a module-level function of an importable
module) and its arguments and result picklable.
"""

from __future__ import annotations

import atexit
import multiprocessing
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any

from conformance.outcomes import Crashed, Outcome, recording_warnings

DEFAULT_TIMEOUT_S = 120.0


def _serve(connection) -> None:  # runs in the helper process
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        fn, args, kwargs = request
        with recording_warnings() as messages:
            try:
                value = fn(*args, **kwargs)
                reply = ("value", value, None)
            except Exception as error:
                reply = ("error", _picklable(error), traceback.format_exc())
        lost = _device_lost()
        reply = (*reply, tuple(messages), lost)
        try:
            connection.send(reply)
        except Exception as error:  # an unpicklable result
            connection.send(("error", RuntimeError(f"result cannot be sent back: {error}"), None, (), lost))
        if lost:
            return  # every later call here would fail: the parent starts a new helper


def _device_lost() -> bool:
    """Whether the call left this process's CUDA context unusable (a device-side assert)."""
    import torch

    if not torch.cuda.is_initialized():
        return False
    try:
        torch.cuda.synchronize()
    except Exception:
        return True
    return False


def _picklable(error: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


# Modules the helper needs, imported once: a helper started after a crash is forked from a
# server process that holds them (multiprocessing's forkserver), in milliseconds, where a
# freshly spawned interpreter would take seconds to import torch again.
PRELOAD = ["numpy", "torch", "conformance.outcomes", "conformance.interop"]


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where the platform has it (it forks from a process that ran no torch op, so
    no thread pool is forked), spawn elsewhere."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class _Helper:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection = None

    def _start(self) -> None:
        context = _context()
        parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True, name="conformance-isolated")
        self.process.start()
        child.close()
        self.connection = parent

    def stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.process is not None:
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.kill()
        self.process = self.connection = None

    def call(self, fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float) -> Outcome:
        with self.lock:
            if self.process is None or not self.process.is_alive():
                self._start()
            assert self.connection is not None and self.process is not None
            self.connection.send((fn, args, kwargs))
            if not self.connection.poll(timeout):
                self.process.kill()
                self.process.join()
                self.stop()
                return Outcome(
                    error=Crashed(f"did not return within {timeout:g} s (the helper process was killed)", "timeout")
                )
            try:
                kind, payload, _trace, warnings, lost = self.connection.recv()
            except (EOFError, ConnectionResetError, OSError):
                self.process.join(timeout=10)
                code = self.process.exitcode
                self.stop()
                return Outcome(error=_crash(code))
            if lost:  # the helper ends itself: its device context is unusable
                self.stop()
        if kind == "value":
            return Outcome(value=payload, warnings=warnings)
        return Outcome(error=payload, warnings=warnings)


def _crash(exitcode: int | None) -> Crashed:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return Crashed(f"killed the interpreter with {name}", name)
    return Crashed(f"ended the interpreter with exit status {exitcode}", None)


_helper = _Helper()
atexit.register(_helper.stop)


def run_isolated(fn: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT_S, **kwargs: Any) -> Outcome:
    """Call `fn(*args, **kwargs)` in the helper process; a crash comes back as `Crashed`."""
    return _helper.call(fn, args, kwargs, timeout)
