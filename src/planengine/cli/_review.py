"""``planengine review PATH...``: where each goal stands, and what to change.

Exit codes: 0 every goal on track, 1 any goal needs attention (or a risk flag is open), 2 input
errors (a file that cannot be read, or values that had to be left out). An open risk flag beside
an input error is exit 2 as well, and is never hidden by it: the flags are printed as always,
the summary names them, and a warning on stderr says so (docs/review-workflow.md). Only this
module reads the clock, to default ``--as-of`` to today.
"""

from __future__ import annotations

import argparse
from typing import Any

from planengine._printable import printable
from planengine.cli._common import add_as_of, add_plugin_arguments

FORMATS = ("text", "json", "markdown", "html", "fhir")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options (no heavy imports here)."""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="goal files or folders to review; - reads stdin; or FHIR JSON/NDJSON holding the "
        "Goals planengine's plan export wrote (the plan's Bundle, or the Goals read back from "
        "the FHIR server)",
    )
    parser.add_argument(
        "--observations",
        action="append",
        default=[],
        metavar="FILE",
        help="FHIR Observations (a Bundle, a resource or NDJSON) with the progress: instrument "
        "totals and items (LOINC or planengine's codes, US Core panels with hasMember) and "
        "planengine metrics; may be given more than once (docs/fhir.md)",
    )
    add_as_of(parser, "review date (default: today; give it for repeatable output)")
    parser.add_argument(
        "--format",
        "-f",
        dest="output_format",
        choices=FORMATS,
        default="text",
        help="output format (default: text); fhir: a transaction Bundle of Goal updates "
        "(achievementStatus, a note, Flags, Provenance; needs the Goals as FHIR)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE instead of stdout: whole or not at all, never over an "
        "input or a link, and over an existing file only while it is unchanged since planengine "
        "wrote it (docs/outputs.md)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with -o: replace FILE even when edited or not written by planengine "
        "(never an input or a link)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=None,
        metavar="FRACTION",
        help="on-track tolerance as a fraction of the planned change (default 0.10)",
    )
    parser.add_argument(
        "--no-response-weeks",
        type=int,
        default=None,
        metavar="N",
        help="weeks without reliable improvement before a change of strategy (default 8)",
    )
    add_plugin_arguments(parser)


def _settings(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """The review settings, the plugins and the instruments the arguments and the config file
    describe: the instruments as planning builds them (plugin instruments, and the thresholds of
    ``[tool.planengine.plan.instrument-overrides]``), so a review judges change by the same numbers.
    """
    import os

    import attrs

    from planengine._config import load_config
    from planengine._installed import configured_instruments
    from planengine._plugins import load_plugins
    from planengine.cli._common import plugin_blocks
    from planengine.review._config import review_config_from_mapping

    found = load_config(args.config, start=args.paths[0])  # one rule for every command
    table, where = found.table, found.file or "configuration"
    changes: dict[str, Any] = {}
    if args.tolerance is not None:
        changes["trajectory_tolerance"] = args.tolerance
    if args.no_response_weeks is not None:
        changes["no_response_weeks"] = args.no_response_weeks
    config = review_config_from_mapping(table, where=where, **changes)
    blocks = plugin_blocks(args)
    plugins = None
    if not (args.no_plugins or os.environ.get("PLANENGINE_DISABLE_PLUGIN_AUTOLOAD") == "1"):
        plugins = load_plugins(autoload=True, block=blocks, strict=args.strict_plugins)
    failures: list[Any] = []
    instruments = configured_instruments(
        plugins.manager if plugins is not None else None,
        table,
        where,
        strict=args.strict_plugins,
        on_error=failures.append,
    )
    if failures and plugins is not None:
        from planengine.plan._risk_wording import failure_notice

        notices = tuple(failure_notice("plugin.failed", f, f.plugin) for f in failures)
        plugins = attrs.evolve(plugins, notices=(*plugins.notices, *notices))
    return config, plugins, instruments


def run(args: argparse.Namespace) -> int:
    """Review every file, print (or write) the report; returns the exit code."""
    import datetime as dt
    import sys

    from planengine.review._files import review_paths

    as_of: dt.date = args.as_of or dt.date.today()
    config, plugins, instruments = _settings(args)
    fhir_bundle = None
    if _reads_fhir(args):
        from planengine.fhir._review_out import review_to_fhir_bundle
        from planengine.fhir._review_run import review_fhir_paths

        fhir_run = review_fhir_paths(
            args.paths,
            args.observations,
            as_of=as_of,
            instruments=instruments,
            plugins=plugins,
            config=config,
            strict_plugins=args.strict_plugins,
        )
        for notice in fhir_run.notices:
            print(f"planengine: note: {notice}", file=sys.stderr)
        report = fhir_run.run
        if args.output_format == "fhir":
            fhir_bundle = review_to_fhir_bundle(fhir_run.results)
    else:
            report = review_paths(
            args.paths,
            as_of=as_of,
            instruments=instruments,
            plugins=plugins,
            config=config,
            strict_plugins=args.strict_plugins,
        )
    if not report.reviews and not report.errors:  # nothing reviewed is a mistake, as in validate
        print(
            f"planengine: error: no .yaml, .yml or .json files under {', '.join(args.paths)}",
            file=sys.stderr,
        )
        return 2
    if args.output or not _report_shares_stderr(args.output_format):
        for error in report.errors:  # else the report on the same screen says it once
            print(f"planengine: error: {error.where}: {error.message}", file=sys.stderr)
    if report.open_flags and report.has_input_errors:
        print(
            f"planengine: warning: {len(report.open_flags)} open risk flag(s) "
            f"({', '.join(f.id for f in report.open_flags)}) need a clinician today; exit code 2 "
            "is for the input errors and hides none of them",
            file=sys.stderr,
        )
    if fhir_bundle is not None:
        from planengine.fhir._export import bundle_to_json

        text = bundle_to_json(fhir_bundle)
    else:
        from planengine.render._review_formats import render_review

        text = render_review(report, args.output_format)
    if args.output:
        from planengine._errors import OutputError
        from planengine.io._output import InputFiles, write_output
        from planengine.io._walk import iter_files

        inputs = InputFiles([*iter_files(args.paths), *args.observations])
        kind = {"text": "text", "json": "json", "markdown": "markdown", "html": "html", "fhir": "json"}
        try:
            write_output(
                args.output,
                text,
                kind=kind[args.output_format],
                inputs=inputs,
                force=args.force,
            )
        except OutputError as error:
            print(f"planengine: error: --output {error}", file=sys.stderr)
            return 2
        except OSError as error:
            print(
                f"planengine: error: {printable(args.output)}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 2
    else:
        sys.stdout.write(text)
    return int(report.exit_code)


def _reads_fhir(args: argparse.Namespace) -> bool:
    """Whether the run reads FHIR: Observations given, a Bundle of updates asked for, or a PATH
    that is a FHIR file (docs/fhir.md, "Review")."""
    if args.observations or args.output_format == "fhir":
        return True
    # only a .json or .ndjson file can be FHIR: a YAML goal file never imports the FHIR package
    maybe = [path for path in args.paths if path.lower().endswith((".json", ".ndjson"))]
    if not maybe:
        return False
    from planengine.fhir._review_run import is_fhir_file

    return any(is_fhir_file(path) for path in maybe)


def _report_shares_stderr(fmt: str) -> bool:
    """Whether the text report goes to the very screen or file stderr goes to: then each
    unreadable file is said once, by the report, not twice."""
    import os
    import sys

    if fmt != "text":
        return False
    try:
        out, err = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):  # captured streams have no descriptor
        return False
    return os.path.samestat(out, err)
