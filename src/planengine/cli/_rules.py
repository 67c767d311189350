"""``planengine rules [CODE]``: list the SMART rules, or explain one (like ``ruff rule``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planengine.smart import SmartRule


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options (no heavy imports here)."""
    parser.add_argument("code", nargs="?", help="a rule code or name to explain (e.g. M203)")
    parser.add_argument("--format", dest="output_format", choices=("text", "json"), default="text")
    parser.add_argument("--no-plugins", action="store_true", help="do not list plugin rules")


def run(args: argparse.Namespace) -> int:
    """Print the rule list or one rule's documentation; returns the exit code."""
    import json
    import sys

    from planengine._errors import UnknownNameError
    from planengine.cli._validate import _plugin_manager
    from planengine.smart._check import rule_set

    loading = argparse.Namespace(plugin_blocks=[], strict_plugins=False)
    rules = rule_set(plugin_manager=None if args.no_plugins else _plugin_manager(loading))
    selected = list(rules.rules)
    if args.code:
        rule = rules.get(args.code) or rules.get(args.code.upper())
        if rule is None:
            raise UnknownNameError(f"no rule {args.code!r}; `planengine rules` lists them")
        selected = [rule]
    if args.output_format == "json":
        out = [
            {
                "code": r.code,
                "name": r.name,
                "smart_letter": r.letter,
                "severity": r.severity,
                "message": r.message,
                "fix": r.fix,
                "source": r.source,
                "docs": r.docs,
                "plugin": r.plugin,
                "references": _references(r),
            }
            for r in selected
        ]
        sys.stdout.write(json.dumps(out if not args.code else out[0], indent=2) + "\n")
        return 0
    if args.code:
        r = selected[0]
        origin = f" (plugin {r.plugin})" if r.plugin else ""
        sys.stdout.write(
            f"{r.code} {r.name} [{r.letter}] {r.severity}{origin}\n\n{r.message}.\n\n{r.docs}\n\n"
            f"Fix: {r.fix}\nSource: {r.source}\n"
        )
        lines = _references(r)
        if lines:
            sys.stdout.write("\nReferences:\n" + "".join(f"  {line}\n" for line in lines))
        return 0
    for r in selected:
        origin = f"  (plugin {r.plugin})" if r.plugin else ""
        sys.stdout.write(
            f"{r.code:<6} [{r.letter}] {r.severity:<7} {r.name:<32} {r.message}{origin}\n"
        )
    return 0


def _references(rule: SmartRule) -> list[str]:
    """The full references of a built-in rule's source (a plugin's rule cites its own)."""
    from planengine._references import cited_ids, full_references

    return [] if rule.plugin else list(full_references(cited_ids(rule.source)))
