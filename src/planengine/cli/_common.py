"""Argument helpers shared by the commands that build an engine."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from typing import Any

from planengine._values import parse_date

__all__ = [
    "add_as_of",
    "add_block_arguments",
    "add_plugin_arguments",
    "engine_from_args",
    "parse_as_of",
]


def parse_as_of(text: str) -> dt.date:
    """Parse ``--as-of`` (an ISO date) for argparse."""
    date = parse_date(text)
    if date is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return date


def add_as_of(parser: argparse.ArgumentParser, help_text: str, *, required: bool = False) -> None:
    """The ``--as-of YYYY-MM-DD`` option of a dated command (the clock is an input)."""
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        default=None,
        required=required,
        metavar="YYYY-MM-DD",
        help=help_text,
    )


def add_plugin_arguments(parser: argparse.ArgumentParser) -> None:
    """``--no-plugins``, ``-p no:NAME``, ``--strict-plugins``, ``--allow-draft`` and ``--config``."""
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="do not load any plugin (env PLANENGINE_DISABLE_PLUGIN_AUTOLOAD=1 too)",
    )
    add_block_arguments(parser, "a failing plugin is an error instead of a notice")
    parser.add_argument(
        "--allow-draft", action="store_true", help="use strategies whose status is draft"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="planengine.toml or pyproject.toml to read [tool.planengine.plan] from "
        "(default: the nearest one from the working directory)",
    )


def add_block_arguments(parser: argparse.ArgumentParser, strict_help: str) -> None:
    """``-p no:NAME`` and ``--strict-plugins`` (its help says what strict means for the command)."""
    parser.add_argument(
        "-p",
        dest="plugin_blocks",
        action="append",
        default=[],
        metavar="no:NAME",
        help="block a plugin by its entry-point name, e.g. -p no:sleep",
    )
    parser.add_argument("--strict-plugins", action="store_true", help=strict_help)


def plugin_blocks(args: argparse.Namespace) -> list[str]:
    """The plugin names given with ``-p no:NAME``; each must name an installed plugin.

    :raises ConfigError: for another ``-p`` form, or a name no installed plugin has (a typo
        would leave the plugin running).
    """
    from planengine._errors import ConfigError

    blocks = []
    for item in args.plugin_blocks:
        if not item.startswith("no:") or len(item) == 3:
            raise ConfigError(f"-p takes no:NAME, got {item!r}")
        blocks.append(item[3:])
    if blocks:
        from planengine._entry_points import installed_entry_points

        installed = {entry[0] for entry in installed_entry_points("planengine")}
        unknown = sorted(set(blocks) - installed)
        if unknown:
            raise ConfigError(
                f"-p no:{unknown[0]}: no installed plugin is called {unknown[0]!r}; installed: "
                + ", ".join(sorted(installed))
            )
    return blocks


def engine_from_args(args: argparse.Namespace) -> Any:
    """Build the engine the arguments describe (the environment is read here, never in the engine)."""
    import attrs

    from planengine._config import load_config
    from planengine._errors import ConfigError
    from planengine._installed import in_config_file
    from planengine.plan._engine import Engine

    blocks = plugin_blocks(args)
    # one rule for every command: the nearest config file from the first path given
    paths = getattr(args, "files", None) or getattr(args, "paths", None) or [None]
    found = load_config(getattr(args, "config", None), start=paths[0])
    config, where = found.plan, found.file or "configuration"
    autoload = not (args.no_plugins or os.environ.get("PLANENGINE_DISABLE_PLUGIN_AUTOLOAD") == "1")
    try:
        return Engine(
            autoload=autoload,
            block=blocks,
            strict=args.strict_plugins,
            config=attrs.evolve(config, allow_draft_strategies=True) if args.allow_draft else config,
        )
    except ConfigError as error:  # only the instrument overrides are checked here
        raise in_config_file(error, where) from None


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: a temporary file beside it, then a rename,
    so a reader never sees half a report.

    :raises OSError: when the folder cannot be written (the temporary file is removed).
    """
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".planengine-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
