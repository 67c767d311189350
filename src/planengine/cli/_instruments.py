"""``planengine instruments``: the questionnaires the engine can score."""

from __future__ import annotations

import argparse
import json
import sys

from planengine.cli._common import add_plugin_arguments, engine_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("instrument", nargs="?", help="show one instrument in full")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_plugin_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """List instruments (text table or JSON), or show one."""
    from planengine._errors import UnknownNameError

    engine = engine_from_args(args)
    instruments = engine.instruments
    if args.instrument:
        if args.instrument not in instruments:
            raise UnknownNameError(
                f"no instrument {args.instrument!r}; known: {', '.join(sorted(instruments))}"
            )
        selected = [instruments[args.instrument]]
    else:
        selected = [instruments[key] for key in sorted(instruments)]
    if args.format == "json" or args.instrument:
        payload = [item.to_dict() for item in selected]
        json.dump(
            payload[0] if args.instrument else payload, sys.stdout, indent=2, ensure_ascii=False
        )
        sys.stdout.write("\n")
        return 0
    width = max(len(item.id) for item in selected)
    for item in selected:
        bands = ", ".join(f"{b.min}-{b.max} {b.label}" for b in item.bands) or "no validated bands"
        licence = item.licence.status
        sys.stdout.write(
            f"{item.id:<{width}}  {item.name} ({item.total_min}-{item.total_max}, "
            f"{item.direction}; licence: {licence}; source: {item.source})\n"
            f"{'':<{width}}  bands: {bands}\n"
        )
    return 0
