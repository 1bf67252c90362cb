"""Self-tests of the harness: pytester drives the suites with planted bugs."""

pytest_plugins = ["pytester"]
