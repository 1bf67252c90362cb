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
