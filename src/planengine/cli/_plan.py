"""``planengine plan FILE...``: assessments in, draft plans out."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any

from planengine.cli._common import add_plugin_arguments, engine_from_args, parse_as_of

FORMATS = ("json", "markdown", "html", "patient", "patient-html", "goals")
#: The name each format's file gets in ``--output-dir``: ``<input stem><suffix>``.
SUFFIXES = {
    "json": ".plan.json",
    "markdown": ".plan.md",
    "html": ".plan.html",
    "patient": ".patient.md",
    "patient-html": ".patient.html",
    "goals": ".goals.yaml",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="assessment file(s), YAML or JSON")
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        default=None,
        metavar="YYYY-MM-DD",
        help="planning date (default: today; give it for repeatable output)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="output format (default json): json; markdown or html, the clinician's plan; "
        "patient or patient-html, the patient's copy; goals, a goal file",
    )
    parser.add_argument(
        "--share-scores",
        action="store_true",
        help="show questionnaire scores on the patient's copy (default: off, or "
        "patient-scores in [tool.planengine.documents])",
    )
    parser.add_argument(
        "--output-dir",
        "-o",
        metavar="DIR",
        default=None,
        help="write one file per input into DIR (<name>.plan.json, .plan.md, .plan.html, "
        ".patient.md, .patient.html or .goals.yaml), each written whole or not at all, never over "
        "an input; JSON plans and goal files pass `planengine validate` as they are "
        "(plans with --schema plan); default: stdout",
    )
    parser.add_argument(
        "--choose",
        action="append",
        default=[],
        type=_choice,
        metavar="AREA=OPTION",
        help="plan with the treatment option the clinician and patient chose for a problem area "
        "(the plan's `choices` list each problem's options), e.g. "
        "--choose depression=cognitive-restructuring; repeatable",
    )
    add_plugin_arguments(parser)


def _choice(text: str) -> tuple[str, str]:
    """``AREA=OPTION`` -> ``(area, option)``."""
    area, sep, option = text.partition("=")
    if not sep or not area.strip() or not option.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not AREA=OPTION")
    return area.strip(), option.strip()


def run(args: argparse.Namespace) -> int:
    """Plan each file; a bad file is reported on one line and the others still run (exit 2)."""
    import functools

    import attrs

    from planengine._config import load_config
    from planengine._errors import ConfigError, InputError, PluginError
    from planengine.io._assessment import assessment_from_mapping
    from planengine.io._json_path import parse_json_path
    from planengine.io._loader import load_document
    from planengine.render._plan import PATIENT_FORMATS, PATIENT_RENDERERS, RENDERER_BY_NAME

    as_of: dt.date = args.as_of or dt.date.today()
    choices: dict[str, str] = {}
    for area, option in args.choose:
        if choices.setdefault(area, option) != option:
            raise ConfigError(f"--choose {area}: given twice ({choices[area]}, {option})")
    engine = engine_from_args(args)
    render: Callable[[Any], str] = RENDERER_BY_NAME[args.format]
    if args.format in PATIENT_FORMATS:
        settings = load_config(args.config, start=args.files[0]).documents
        if args.share_scores:
            settings = attrs.evolve(settings, patient_scores=True)
        render = functools.partial(PATIENT_RENDERERS[args.format], settings=settings)
    inputs = {os.path.realpath(name) for name in args.files}
    failed = False
    outputs: list[str] = []
    targets: dict[str, str] = {}  # output file -> the input it is for
    if args.output_dir is not None:
        try:
            os.makedirs(args.output_dir, exist_ok=True)
        except OSError as error:
            raise ConfigError(
                f"--output-dir {args.output_dir}: {error.strerror or error}"
            ) from None
    for name in args.files:
        document = None
        try:
            document = load_document(name)
            assessment = assessment_from_mapping(
                document.data, file=document.path, document=document, instruments=engine.instruments
            )
            plan = engine.plan(assessment, as_of=as_of, choices=choices)
        except PluginError as error:  # a plugin left this plan unreadable: the others go on
            print(f"planengine: error: {name}: {error}", file=sys.stderr)
            failed = True
            continue
        except InputError as error:
            if error.file is None:
                error.location = attrs.evolve(error.location, file=name)
            if error.line is None and error.path and document is not None:
                # raised while planning (a date after --as-of, say): point at the line too
                position = document.locate(parse_json_path(error.path))
                if position is not None:
                    line, column = position
                    error.location = attrs.evolve(error.location, line=line, column=column)
            print(f"planengine: error: {error}", file=sys.stderr)
            failed = True
            continue
        if args.output_dir is None:
            outputs.append(render(plan))
            continue
        target = os.path.join(args.output_dir, _stem(name) + SUFFIXES[args.format])
        if target in targets:
            print(
                f"planengine: error: {name}: its output {target} would overwrite the plan of "
                f"{targets[target]}; give the inputs different names",
                file=sys.stderr,
            )
            failed = True
            continue
        targets[target] = name
        if os.path.realpath(target) in inputs:
            print(f"planengine: error: {name}: its output {target} is an input; not replaced",
                  file=sys.stderr)
            failed = True
            continue
        try:
            write_atomically(target, render(plan))
        except OSError as error:
            print(f"planengine: error: {target}: {error.strerror or error}", file=sys.stderr)
            failed = True
    if args.output_dir is not None:
        return 2 if failed else 0
    if args.format == "json" and len(args.files) > 1:
        sys.stdout.write("[\n" + ",\n".join(o.rstrip("\n") for o in outputs) + "\n]\n")
    else:
        sys.stdout.write(
            ("\n" if args.format in ("markdown", "patient") else "---\n").join(outputs)
            if len(outputs) > 1
            else "".join(outputs)
        )
    return 2 if failed else 0


def write_atomically(target: str, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all: into a temporary file beside it, then
    renamed over it, so a reader never sees half a plan.

    :raises OSError: when the folder cannot be written.
    """
    import tempfile

    folder = os.path.dirname(target) or "."
    handle, scratch = tempfile.mkstemp(prefix=".planengine-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(scratch, target)
    except BaseException:
        if os.path.exists(scratch):
            os.remove(scratch)
        raise


def _stem(name: str) -> str:
    """``examples/a.yaml`` -> ``a``."""
    base = os.path.basename(name)
    stem, _extension = os.path.splitext(base)
    return stem or base
