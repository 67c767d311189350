"""``planengine batch INPUT... -o DIR``: plan a whole cohort (a FHIR Bulk Data export folder,
assessment documents, NDJSON or JSON Lines) into plans, FHIR Bundles, a flag queue, an errors
file and a run summary (docs/batch.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planengine.cli._common import add_as_of, add_plugin_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "files",
        nargs="+",
        metavar="INPUT",
        help="a FHIR Bulk Data export folder (NDJSON per resource type), a folder of assessment "
        "documents, or NDJSON / JSON Lines files",
    )
    parser.add_argument(
        "--output-dir",
        "-o",
        required=True,
        metavar="DIR",
        help="folder for plans.jsonl, bundles.ndjson, flags.jsonl, errors.jsonl and summary.json "
        "(each written whole when the run ends; never over an input or a link)",
    )
    add_as_of(parser, "planning date (default: today; give it for repeatable output)")
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local process pool (default) or Spark (the spark extra)",
    )
    parser.add_argument(
        "--master",
        metavar="URL",
        default=None,
        help="with --engine spark: the Spark master (default: spark-submit's, else local[*])",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="local worker processes (default: one per CPU)",
    )
    parser.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="jsonl (default) or parquet (the parquet extra)",
    )
    parser.add_argument("--no-bundles", action="store_true", help="do not write the FHIR Bundles")
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar and no summary line"
    )
    add_plugin_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run the batch; exit 0 when every patient has a plan, 2 when some input gave errors (the
    errors file lists them), 3 when planning a patient hit a bug."""
    import datetime as dt

    from planengine.batch import BatchSettings, run_batch

    as_of: dt.date = args.as_of or dt.date.today()
    settings = BatchSettings(as_of=as_of, bundles=not args.no_bundles, **engine_settings(args))
    bar = _progress_bar(args.quiet)
    try:
        summary = run_batch(
            args.files,
            args.output_dir,
            settings,
            engine=args.engine,
            jobs=args.jobs,
            file_format=args.format,
            master=args.master,
            progress=bar.update if bar else None,
        )
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(
            f"planengine: batch: {summary.patients_in} patients in, {summary.plans_out} plans and "
            f"{summary.reviews_out} reviews out, "
            f"{summary.patients_with_errors} patients with errors, {summary.records_without_patient} "
            f"records without a patient, {summary.flags} open risk flags "
            f"({summary.patients_flagged} patients) -> {args.output_dir}",
            file=sys.stderr,
        )
    if summary.internal_errors:
        return 3
    return 2 if summary.patients_with_errors or summary.records_without_patient else 0


def engine_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The engine settings the plugin arguments and the config file give, as
    :func:`planengine.cli._common.engine_from_args` reads them, for workers to build from."""
    import os

    from planengine._config import load_config
    from planengine.cli._common import plugin_blocks

    found = load_config(args.config, start=args.files[0])  # checked here: a bad file stops the run
    autoload = not (args.no_plugins or os.environ.get("PLANENGINE_DISABLE_PLUGIN_AUTOLOAD") == "1")
    return {
        "autoload": autoload,
        "block": tuple(plugin_blocks(args)),
        "strict": args.strict_plugins,
        "config_table": found.table,
        "config_where": found.file or "configuration",
        "allow_draft": args.allow_draft,
    }


class _Bar:
    """tqdm, told the total once it is known (after the input is keyed)."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar: Any = tqdm(
            total=None, unit="patient", desc="planning", file=sys.stderr, dynamic_ncols=True
        )

    def update(self, done: int, total: int) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _progress_bar(quiet: bool) -> _Bar | None:
    """A progress bar on a terminal only (not in a pipe, a log or a test)."""
    if quiet or not sys.stderr.isatty():
        return None
    return _Bar()
