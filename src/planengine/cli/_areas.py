"""``planengine areas``: the problem areas and conditions the engine knows, with their source
(``built-in`` or ``plugin:NAME``), so a clinic can see what a plugin added."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from planengine.cli._common import add_plugin_arguments, engine_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_plugin_arguments(parser)


def rows(vocabulary: Any) -> list[dict[str, Any]]:
    """One row per area and per condition: kind, id, title, summary, source, safety and (for
    areas) the strategies' linked instruments and keywords, in vocabulary order."""
    found: list[dict[str, Any]] = []
    for kind, entries in (("area", vocabulary.areas), ("condition", vocabulary.conditions)):
        for key, entry in entries.items():
            row: dict[str, Any] = {
                "kind": kind,
                "id": key,
                "title": entry["title"],
                "summary": entry["description"],
                "source": vocabulary.source_of(key),
                "safety": entry.get("safety", "built-in rules"),
            }
            if entry.get("safety_note"):
                row["safety_note"] = entry["safety_note"]
            if kind == "area":
                row["instruments"] = list(entry.get("instruments", ()))
                row["keywords"] = list(vocabulary.goal_words.phrases.get(key, ()))
            elif entry.get("area"):
                row["area"] = entry["area"]
            found.append(row)
    return found


def run(args: argparse.Namespace) -> int:
    """List areas and conditions (text or JSON), and any plugin load problems."""
    engine = engine_from_args(args)
    listed = rows(engine.vocabulary)
    problems = [
        notice.to_dict()
        for notice in engine.load_notices
        if notice.code.startswith(("vocabulary.", "plugin."))
    ]
    if args.format == "json":
        json.dump({"items": listed, "problems": problems}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    width = max(len(row["id"]) for row in listed)
    for row in listed:
        sys.stdout.write(
            f"{row['kind']:<9} {row['id']:<{width}}  {row['title']} ({row['source']}; "
            f"safety: {row['safety']})\n"
        )
    for problem in problems:
        sys.stdout.write(f"problem   {problem['message']}\n")
    return 0
