"""`python -m conformance divergences`: the registry of known divergences, as Markdown."""

from __future__ import annotations

import argparse
import sys


def render_divergences() -> str:
    from conformance.known_divergences import REGISTRY

    return "\n".join(
        f"- `{entry.id}` ({', '.join(entry.ops)}; {entry.versions}): {entry.summary}. Example: `{entry.example}`. "
        f"[Source]({entry.link})"
        for entry in REGISTRY
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__)
    parser.add_argument("command", choices=["divergences"], help="what to print")
    parser.parse_args(argv)
    print(render_divergences())
    return 0


if __name__ == "__main__":
    sys.exit(main())
