"""The ``planengine`` command: a thin shell that parses arguments and hands off to a command module.

Each sub-command lives in its own ``cli/_<name>.py`` module exposing ``add_arguments(parser)`` and
``run(args) -> int``. Only the module of the command being run is imported (and only its
arguments are added to the parser), and those modules import nothing heavy at module level, so
``planengine --version`` and ``planengine --help`` start about as fast as bare Python.

Exit codes: 0 success, 1 findings (``validate``/``review``), 2 input or usage error. Errors print as
one line on stderr; no traceback reaches the user.

``-v`` (INFO: the plugins loaded), ``-vv`` (DEBUG: each plugin, stage timings, a failing plugin's
traceback) or ``--log-level LEVEL``, before or after the command, send the ``planengine``
loggers' records to stderr (:mod:`planengine._log`); :mod:`logging` is imported only then.
"""

from __future__ import annotations

import sys

from planengine._version import __version__

TYPE_CHECKING = False  # `typing` costs milliseconds at start-up; mypy treats this name specially
if TYPE_CHECKING:  # pragma: no cover
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any

#: sub-command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("planengine.cli._plan", "turn an assessment file into a draft treatment plan"),
    "validate": (
        "planengine.cli._validate",
        "check goal files (or other kinds) against schema and SMART rules",
    ),
    "review": ("planengine.cli._review", "review progress against goals and propose adjustments"),
    "rules": ("planengine.cli._rules", "list the SMART rules, or explain one"),
    "instruments": ("planengine.cli._instruments", "list the questionnaires the engine can score"),
    "plugins": ("planengine.cli._plugins", "list the strategy plugins that are installed"),
    "areas": (
        "planengine.cli._areas",
        "list the problem areas and conditions, built in or registered by plugins",
    ),
    "schema": ("planengine.cli._schema", "print one of the bundled JSON Schemas"),
    "import": ("planengine.cli._import", "read FHIR resources into assessment files, one per patient"),
    "batch": (
        "planengine.cli._batch",
        "plan a whole cohort (FHIR Bulk Data, assessment documents) locally or on Spark",
    ),
    "cohort-diff": (
        "planengine.cli._cohort_diff",
        "what a new configuration or plugin set changes over a cohort, risk flags first",
    ),
    "synth": (
        "planengine.cli._synth",
        "write a synthetic cohort as a FHIR Bulk Data export, for demos, tests and benches",
    ),
    "serve": ("planengine.cli._serve", "run the CDS Hooks 2.0 service (needs the server extra)"),
    "new-plugin": (
        "planengine.cli._new_plugin",
        "write a new plugin package (entry point, strategy data, tests with the kit)",
    ),
    "cache": ("planengine.cli._cache", "print the checked-data cache folder, or clear it"),
}

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser. A command's own arguments are added (and its module imported)
    only when that command is parsed or its help is shown, so a run builds one command's
    parser, not all of them (argparse's ``add_argument`` is not free: 15 commands cost a
    start about 25 ms)."""
    import argparse

    class _ArgumentParser(argparse.ArgumentParser):
        """argparse exits 2 on usage errors already; keep its message to one line."""

        def error(self, message: str) -> None:  # type: ignore[override]
            self.exit(EXIT_USAGE, f"planengine: error: {message}\n")

    class _CommandParser(_ArgumentParser):
        """One command's parser, whose arguments come from its module on first use."""

        _module_name = ""

        def _complete(self) -> None:
            if self._module_name:
                import importlib

                module = importlib.import_module(self._module_name)
                self._module_name = ""
                module.add_arguments(self)
                _add_log_arguments(self, argparse.SUPPRESS)

        def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
            self._complete()
            return super().parse_known_args(args, namespace)

        def format_usage(self) -> str:
            self._complete()
            return super().format_usage()

        def format_help(self) -> str:
            self._complete()
            return super().format_help()

    parser = _ArgumentParser(
        prog="planengine",
        description="Therapy treatment planning: assessments in, safe, explainable draft plans out.",
    )
    parser.add_argument("--version", action="version", version=f"planengine {__version__}")
    _add_log_arguments(parser, argparse.SUPPRESS)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_CommandParser
    )
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub._module_name = module_name
        sub.set_defaults(_module=module_name)
    return parser


#: ``--log-level`` names, and the level ``-v`` and ``-vv`` mean
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _add_log_arguments(parser: argparse.ArgumentParser, default: Any) -> None:
    """``-v/--verbose`` and ``--log-level`` (given before or after the command)."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default,
        help="log to stderr: -v the plugins loaded, -vv also each plugin, stage timings and a "
        "failing plugin's traceback (never patient data)",
    )
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=default,
        metavar="LEVEL",
        help=f"log to stderr from this level ({', '.join(LOG_LEVELS)})",
    )


def _start_logging(args: argparse.Namespace) -> Callable[[], None]:
    """A stderr handler on the ``planengine`` logger when ``-v`` or ``--log-level`` asks for
    one (the library itself only adds a ``NullHandler``); returns what undoes it, so that
    :func:`main` called in a process (tests, an application) leaves logging as it found it."""
    verbose = getattr(args, "verbose", 0) or 0
    level = getattr(args, "log_level", None) or (
        "DEBUG" if verbose >= 2 else "INFO" if verbose == 1 else None
    )
    if level is None:
        return lambda: None
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("planengine: %(levelname)s: %(name)s: %(message)s"))
    root = logging.getLogger("planengine")
    before = root.level
    root.addHandler(handler)
    root.setLevel(level)

    def stop() -> None:
        root.removeHandler(handler)
        root.setLevel(before)

    return stop


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        # The fast path: no parser, no imports beyond this module.
        return _write_version()
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:  # argparse exits on --help and usage errors; return the code
        return int(exit_.code or 0)
    if not getattr(args, "_module", None):
        print(
            f"planengine: error: a command is required ({', '.join(COMMANDS)}); "
            "see planengine --help",
            file=sys.stderr,
        )
        return EXIT_USAGE
    import importlib

    stop_logging = _start_logging(args)
    try:
        return _run(importlib.import_module(args._module), args)
    finally:
        stop_logging()


def _run(module: Any, args: argparse.Namespace) -> int:
    """Run one command module; errors become one line and an exit code."""
    from planengine._errors import PlanEngineError, SafetyInvariantError

    try:
        code = int(module.run(args))
        sys.stdout.flush()  # a full disk or closed pipe shows here, not after main returns
        return code
    except SafetyInvariantError as error:  # a core bug: never write the plan, say so
        return _internal_error(error)
    except PlanEngineError as error:
        print(f"planengine: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # writing the output failed: a full disk, a missing folder
        return _write_failed(error)
    except Exception as error:  # a bug in planengine: one line, not a traceback
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    """A one-line report of a bug (``PLANENGINE_DEBUG=1`` shows the traceback instead)."""
    import os

    if os.environ.get("PLANENGINE_DEBUG") == "1":
        raise error
    _discard_stdout()  # a half-written document must not pass for a whole one
    print(
        f"planengine: internal error: {type(error).__name__}: {error} (a bug in planengine, "
        "please report it; PLANENGINE_DEBUG=1 shows the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _write_version() -> int:
    try:
        print(f"planengine {__version__}")
        sys.stdout.flush()
    except OSError as error:
        return _write_failed(error)
    return EXIT_OK


def _write_failed(error: OSError) -> int:
    """The exit code, and a one-line message, for output that could not be written. A closed
    pipe (``| head``) is not an error: the reader went away."""
    _discard_stdout()
    if isinstance(error, BrokenPipeError):
        return EXIT_OK
    where = f"{error.filename}: " if error.filename else "cannot write output: "
    print(f"planengine: error: {where}{error.strerror or error}", file=sys.stderr)
    return EXIT_USAGE


def _discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capture stdout)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
