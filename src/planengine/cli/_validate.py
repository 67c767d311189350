"""``planengine validate PATH...``: check goal files (or other kinds) against schema and SMART rules.

Exit codes: 0 clean (info findings allowed), 1 errors or warnings found, 2 usage or configuration
error. Only this module reads the clock, to default ``--as-of`` to today; the date used is printed in
JSON and SARIF output.
"""

from __future__ import annotations

import argparse
from typing import Any

from planengine.cli._common import add_as_of, add_block_arguments

FORMATS = ("text", "json", "github", "sarif", "junit")
#: Every bundled schema of a file a user writes (``planengine schema`` lists them all);
#: ``fhir-input`` is print-only: ``planengine import`` reads FHIR input and refuses it line by line.
SCHEMAS = (
    "goal",
    "assessment",
    "plan",
    "instrument",
    "strategy",
    "crisis-resources",
    "references",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options (no heavy imports here)."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to check")
    parser.add_argument(
        "--format",
        "-f",
        dest="output_format",
        choices=FORMATS,
        default=None,
        help="output format (default: text; github inside GitHub Actions)",
    )
    add_as_of(parser, "judge due dates as of this date (default: today)")
    parser.add_argument(
        "--select",
        metavar="CODES",
        help="comma-separated codes, prefixes or names to check (replaces config)",
    )
    parser.add_argument("--extend-select", metavar="CODES", help="add to the selection")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated rules to skip")
    parser.add_argument("--statistics", action="store_true", help="count findings per rule")
    parser.add_argument(
        "--jobs",
        "-j",
        default="auto",
        metavar="N",
        help="check files in N processes; auto (default): one per idle CPU when there are many files",
    )
    parser.add_argument(
        "--schema",
        choices=SCHEMAS,
        default="goal",
        help="kind of file: goal (schema + SMART rules, the default) or another bundled schema "
        "(schema only; plus what plan, strategies and instruments refuse); fhir-input is "
        "print-only (planengine import checks FHIR input)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="planengine.toml or pyproject.toml to read (default: nearest)",
    )
    parser.add_argument("--max-file-bytes", type=int, metavar="N", help="refuse larger files")
    parser.add_argument("--no-plugins", action="store_true", help="do not load plugin rules")
    add_block_arguments(
        parser,
        "a plugin that fails to load is an error (default: a warning, and its rules are not run)",
    )


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def run(args: argparse.Namespace) -> int:
    """Run the check and print the report; returns the exit code."""
    import datetime
    import os
    import sys

    from planengine._config import load_config
    from planengine._errors import ConfigError
    from planengine.smart._validate import validate_paths

    as_of: datetime.date = args.as_of or datetime.date.today()
    jobs: int | str = args.jobs
    if jobs != "auto":
        try:
            jobs = int(jobs)
        except ValueError:
            raise ConfigError(f"--jobs {jobs!r} is not a number or auto") from None
        if jobs < 1:
            raise ConfigError("--jobs must be at least 1")
    start = args.paths[0] if args.paths else None
    config = load_config(args.config, start=start).lint  # the one config file, every table checked
    if args.select is not None:
        config = config.replace(select=_split(args.select))
    if args.extend_select:
        config = config.replace(extend_select=(*config.extend_select, *_split(args.extend_select)))
    if args.ignore:
        config = config.replace(ignore=(*config.ignore, *_split(args.ignore)))
    if args.max_file_bytes is not None:
        if args.max_file_bytes < 1:
            raise ConfigError("--max-file-bytes must be positive")
        config = config.replace(max_file_bytes=args.max_file_bytes)
    fmt = args.output_format
    if fmt is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true" and os.environ.get(
            "GITHUB_WORKFLOW"
        )
        fmt = "github" if in_actions else "text"
    installed = None if args.no_plugins else _plugin_manager(args)
    if installed is not None:  # the areas and conditions plugins register are known ids too
        config = _with_plugin_vocabulary(config, installed, args.strict_plugins)
    plugin_manager = installed if args.schema == "goal" else None
    from planengine.smart._check import collect_plugin_rules, rule_set

    def warn(failure: Exception) -> None:  # --strict-plugins: an error instead (exit 2)
        print(f"planengine: warning: {failure} (its rules are not checked)", file=sys.stderr)

    plugin_rules = (
        collect_plugin_rules(plugin_manager, on_error=None if args.strict_plugins else warn)
        if plugin_manager is not None
        else []
    )
    _check_selectors(config, rule_set(plugin_rules))
    report = validate_paths(
        args.paths,
        as_of=as_of,
        config=config,
        fmt=fmt,
        jobs=jobs,
        schema=args.schema,
        instruments=_instruments(args, start, plugin_manager) if args.schema == "goal" else None,
        extra_rules=plugin_rules,
        autoload=False,  # the plugins and configuration are the arguments' (loaded above)
    )
    if not report.files:  # a folder with no goal files: a CI job checking nothing is a mistake
        print(
            f"planengine: error: no .yaml, .yml or .json files under {', '.join(args.paths)}",
            file=sys.stderr,
        )
        return 2
    from planengine.render._lint import render

    sys.stdout.write(render(report, report.fmt, statistics=args.statistics))
    return report.exit_code


def _plugin_manager(args: argparse.Namespace) -> object | None:
    """Plugins from the ``planengine`` entry-point group, or ``None`` when there are none (or
    ``PLANENGINE_DISABLE_PLUGIN_AUTOLOAD=1``). A plugin that fails to load is named on stderr and
    left out, so one broken plugin does not stop every check (``--strict-plugins``: exit 2)."""
    import os
    import sys

    from planengine._entry_points import installed_entry_points
    from planengine.cli._common import plugin_blocks

    blocks = plugin_blocks(args)
    if os.environ.get("PLANENGINE_DISABLE_PLUGIN_AUTOLOAD") == "1":
        return None
    if not installed_entry_points("planengine"):
        return None
    from planengine._plugins import load_plugins

    loaded = load_plugins(block=blocks, strict=args.strict_plugins)
    for notice in loaded.notices:
        print(f"planengine: warning: {notice.message} (its rules are not checked)", file=sys.stderr)
    return loaded.manager


def _with_plugin_vocabulary(config: Any, manager: Any, strict: bool) -> Any:
    """``config`` that also accepts the area and condition ids the plugins register; a plugin
    whose registration fails is named on stderr (``--strict-plugins``: an error, exit 2)."""
    import sys

    from planengine._installed import plugin_vocabulary

    def warn(failure: Exception) -> None:
        print(f"planengine: warning: {failure} (its areas are not known)", file=sys.stderr)

    areas, conditions = plugin_vocabulary(manager, strict=strict, on_error=warn)
    if not areas and not conditions:
        return config
    return config.replace(plugin_areas=areas, plugin_conditions=conditions)


def _instruments(
    args: argparse.Namespace, start: str | None, plugin_manager: object
) -> dict[str, Any] | None:
    """The instruments as planning and review see them: plugin instruments, and the thresholds
    of ``[tool.planengine.plan.instrument-overrides]`` (a goal's plausibility uses them). The
    planning settings are checked as ``plan`` and ``review`` check them, so the three commands
    accept the same config file. A plugin whose instruments fail to register is a warning
    (``--strict-plugins``: an error), as for its rules."""
    import sys

    from planengine._config import load_config
    from planengine._installed import configured_instruments

    found = load_config(args.config, start=start)
    table, where = found.table, found.file or "configuration"
    overrides = found.plan.instrument_overrides
    registers = plugin_manager is not None and bool(
        plugin_manager.hook.register_instruments.get_hookimpls()  # type: ignore[attr-defined]
    )
    if not overrides and not registers:
        return None  # the built-ins, as every worker already has them

    def warn(failure: Exception) -> None:
        print(f"planengine: warning: {failure} (its instruments are not known)", file=sys.stderr)

    return configured_instruments(
        plugin_manager, table, where, strict=args.strict_plugins, on_error=warn
    )


def _check_selectors(config: object, rules: object) -> None:
    from planengine._errors import ConfigError
    from planengine.smart._config import prefix_selects

    codes = [rule.code for rule in rules.rules]  # type: ignore[attr-defined]
    names = {rule.name for rule in rules.rules}  # type: ignore[attr-defined]
    selectors = [*(config.select or ()), *config.extend_select, *config.ignore]  # type: ignore[attr-defined]
    for code, _level in config.severity:  # type: ignore[attr-defined]
        if code in ("E001", "parse-error"):
            raise ConfigError("severity: E001 (a file that cannot be read) is always an error")
        selectors.append(code)
    for _, codes_for_glob in config.per_file_ignores:  # type: ignore[attr-defined]
        selectors.extend(codes_for_glob)
    for selector in selectors:
        if (
            selector == "ALL"
            or selector in names
            or any(prefix_selects(selector, c) for c in codes)
        ):
            continue
        raise ConfigError(f"unknown rule selector {selector!r} (see `planengine rules`)")
