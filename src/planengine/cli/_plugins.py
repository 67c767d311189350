"""``planengine plugins``: the plugins and strategies that are installed, with their versions."""

from __future__ import annotations

import argparse
import json
import sys

from planengine.cli._common import add_plugin_arguments, engine_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_plugin_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """List plugins, their strategies and any load problems."""
    engine = engine_from_args(args)
    infos = [info.to_dict() for info in engine.plugin_infos]
    strategies = {s.id: s for s in engine.strategies}
    for info in infos:
        if info["kind"] == "strategy":
            strategy = strategies[info["name"]]
            info["areas"] = list(strategy.areas)
            info["status"] = strategy.status
            info["priority"] = strategy.priority
    problems = [notice.to_dict() for notice in engine.load_notices]
    if args.format == "json":
        json.dump({"plugins": infos, "problems": problems}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for info in infos:
        if info["kind"] == "plugin":
            dist = f" ({info['distribution']})" if info.get("distribution") else ""
            sys.stdout.write(f"plugin    {info['name']} {info['version']}{dist}\n")
        else:
            sys.stdout.write(
                f"strategy  {info['name']} {info['version']} [{info['status']}] "
                f"areas: {', '.join(info['areas'])} (from {info.get('plugin') or info.get('distribution')})\n"
            )
    for problem in problems:
        sys.stdout.write(f"problem   {problem['message']}\n")
    if not infos:
        sys.stdout.write("no plugins loaded\n")
    return 0
