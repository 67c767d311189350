"""``planengine synth --patients N --seed S -o DIR``: a synthetic cohort as a FHIR Bulk Data
export (NDJSON per resource type), for demos, tests and the bench (docs/batch.md). Its answer
distributions are design values for testing, not published score distributions."""

from __future__ import annotations

import argparse
import sys

from planengine.cli._common import add_as_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "--patients", "-n", type=int, required=True, metavar="N", help="how many patients"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="random seed (default 0): same seed, same files",
    )
    add_as_of(parser, "the date of the last visit", required=True)
    parser.add_argument(
        "--output-dir",
        "-o",
        required=True,
        metavar="DIR",
        help="folder for Patient.ndjson, QuestionnaireResponse.ndjson, ...",
    )


def run(args: argparse.Namespace) -> int:
    """Write the cohort; print what was written on stderr."""
    from planengine._errors import ConfigError
    from planengine.batch import write_synthetic_cohort

    if args.patients < 1:
        raise ConfigError(f"--patients must be at least 1, got {args.patients}")
    stats = write_synthetic_cohort(args.output_dir, args.patients, seed=args.seed, as_of=args.as_of)
    counts = ", ".join(f"{n} {kind}" for kind, n in stats.resources.items())
    print(
        f"planengine: synth: {stats.patients} patients ({counts}); {stats.patients_item9} with PHQ-9 item 9 "
        f"endorsed -> {args.output_dir}",
        file=sys.stderr,
    )
    return 0
