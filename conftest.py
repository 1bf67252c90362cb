"""Loads the conformance plugin (options, profiles, devices, report header)."""

pytest_plugins = ["conformance.plugin"]
