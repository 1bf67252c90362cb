"""Devices under test: discovered from torch, or named by the user with `--devices`."""

from __future__ import annotations

import torch

from conformance.backends import Availability, device_availability


class DeviceError(ValueError):
    """A device the user named is unknown to torch or absent from this machine."""


def discover() -> list[str]:
    """Every device torch can use here: `cpu`, then `cuda:N`, `mps`, `xpu:N` where present."""
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    xpu = getattr(torch, "xpu", None)
    if xpu is not None and xpu.is_available():
        found += [f"xpu:{i}" for i in range(xpu.device_count())]
    return found


def canonical(name: str) -> str:
    """`cuda` -> `cuda:0`; `cpu` stays `cpu`. A name torch cannot parse is a `DeviceError`."""
    try:
        device = torch.device(name.strip())
    except (RuntimeError, ValueError) as error:
        raise DeviceError(f"unknown device {name.strip()!r}: {error}") from None
    if device.type in ("cpu", "mps"):
        if device.index not in (None, 0):
            raise DeviceError(f"unknown device {name.strip()!r}: there is one {device.type} device, {device.type!r}")
        return device.type
    return f"{device.type}:{device.index or 0}"


def parse(option: str) -> list[str]:
    """The devices of a `--devices` value (comma-separated); each must be present here."""
    names = [part for part in option.split(",") if part.strip()]
    if not names:
        raise DeviceError("--devices names no device; give e.g. --devices cpu,cuda:0")
    devices: list[str] = []
    for name in names:
        device = canonical(name)
        status = device_availability(device)
        if not status:
            raise DeviceError(f"--devices names {device}, which is not available here: {status.reason}")
        if device not in devices:
            devices.append(device)
    return devices


def absent_optional() -> dict[str, str]:
    """Optional device types that are not present here, each with the reason."""
    reasons = {}
    for device in ("cuda:0",):
        status: Availability = device_availability(device)
        if not status:
            reasons[device.split(":")[0]] = status.reason
    return reasons


_under_test: list[str] = []


def set_devices_under_test(devices: list[str]) -> None:
    _under_test[:] = devices


def devices_under_test() -> list[str]:
    """The devices this run tests (discovered unless the plugin was told otherwise)."""
    return list(_under_test) or discover()


# ---------------------------------------------------------------------------
# A device context lost to a device-side assert

_lost: dict[str, str] = {}  # device -> the test after which it failed to synchronize


def lost_to(device: str) -> str | None:
    """The test after which this process lost `device`'s context (a device-side assert), if any."""
    return _lost.get(device)


def synchronize_after(device: str, test: str, synchronize=None) -> None:
    """Synchronize `device` after `test` ran on it. An error torch reports only now (a
    device-side assert in a kernel the test launched) means every later call of this process on
    that device fails too: the device is marked lost, and the error says which test lost it."""
    kind = device.split(":")[0]
    if device in _lost or kind == "cpu":
        return
    module = getattr(torch, kind, None)
    if synchronize is None:
        if module is None or not hasattr(module, "is_initialized") or not module.is_initialized():
            return  # nothing ran on it in this process (or a device torch cannot ask: mps)
        synchronize = module.synchronize
    try:
        synchronize(device)
    except Exception as error:  # torch.AcceleratorError, a RuntimeError, on CUDA
        _lost[device] = test
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise RuntimeError(
            f"{device} failed to synchronize after this test ({type(error).__name__}: {first}): a kernel it "
            f"launched stopped, and the {kind} context of this process is lost; the {device} rows this "
            "process runs after it are skipped"
        ) from error


def forget_lost() -> None:
    """Forget every lost context (for self-tests)."""
    _lost.clear()
