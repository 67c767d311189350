"""``planengine cohort-diff OLD NEW``: what a new configuration or plugin set changes over a
cohort, per patient and in total, risk flags first, as a report a clinical-safety officer can
sign off (Markdown, HTML or JSON; docs/batch.md).

OLD and NEW are two batch runs' ``plans.jsonl`` (or their output folders); with ``--cohort
INPUT`` they are two configuration files (planengine.toml or pyproject.toml) and the cohort is
planned under each first."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from planengine.cli._common import add_as_of

if TYPE_CHECKING:  # pragma: no cover
    from planengine.batch import CohortDiff


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "old",
        metavar="OLD",
        help="the old plans (plans.jsonl or a batch output folder), or with --cohort a configuration file",
    )
    parser.add_argument(
        "new", metavar="NEW", help="the new plans, or with --cohort a configuration file"
    )
    parser.add_argument(
        "--cohort",
        metavar="INPUT",
        action="append",
        default=[],
        help="plan this cohort (as planengine batch reads it) under OLD and NEW, two configuration files; repeatable",
    )
    add_as_of(parser, "with --cohort: the planning date (default: today)")
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="with --cohort: worker processes"
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "html", "json"),
        default="markdown",
        help="report format (default markdown)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        default=None,
        help="write the report here (whole or not at all; default stdout)",
    )


def run(args: argparse.Namespace) -> int:
    """Print or write the report; exit 0 when nothing changed, 1 when some plan changed."""
    from planengine.batch._diff import diff_cohorts
    from planengine.batch._diff_report import render_cohort_diff

    diff = _planned_diff(args) if args.cohort else diff_cohorts(args.old, args.new)
    text = render_cohort_diff(diff, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        from planengine.io._output import InputFiles, write_output

        kind = {"markdown": "markdown", "html": "html", "json": "json"}[args.format]
        inputs = [args.old, args.new, *args.cohort]
        write_output(args.output, text, kind=kind, inputs=InputFiles(inputs))
    return 1 if diff.patients or diff.only_old or diff.only_new else 0


def _planned_diff(args: argparse.Namespace) -> CohortDiff:
    import datetime as dt
    import tempfile

    from planengine._config import load_config
    from planengine.batch import BatchSettings, run_batch
    from planengine.batch._diff import diff_cohorts

    as_of = args.as_of or dt.date.today()
    with tempfile.TemporaryDirectory(prefix="planengine-cohort-diff-") as scratch:
        outputs = []
        for side, config in (("old", args.old), ("new", args.new)):
            found = load_config(config)
            settings = BatchSettings(
                as_of=as_of,
                config_table=found.table,
                config_where=found.file or config,
                bundles=False,
            )
            folder = f"{scratch}/{side}"
            run_batch(args.cohort, folder, settings, jobs=args.jobs)
            outputs.append(folder)
        diff = diff_cohorts(outputs[0], outputs[1])
    import attrs

    return attrs.evolve(diff, old=args.old, new=args.new)
