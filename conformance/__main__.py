"""`python -m conformance`: the `tensor-conformance` command (`conformance.cli`)."""

from __future__ import annotations

import sys

from conformance.cli import main, render_divergences

__all__ = ["main", "render_divergences"]

if __name__ == "__main__":
    sys.exit(main())
