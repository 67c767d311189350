"""``planengine schema NAME``: print a bundled JSON Schema, for offline validation in CI."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("name", nargs="?", help="schema name (omit to list them)")


def run(args: argparse.Namespace) -> int:
    """Print the schema, or the list of names."""
    from planengine.schemas import load, names

    if not args.name:
        sys.stdout.write("\n".join(names()) + "\n")
        return 0
    json.dump(load(args.name), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
