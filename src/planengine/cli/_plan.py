"""``planengine plan FILE...``: assessments in, draft plans out."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any

from planengine._printable import printable
from planengine.cli._common import add_as_of, add_plugin_arguments, engine_from_args

FORMATS = ("json", "markdown", "html", "patient", "patient-html", "goals", "fhir")
#: The name each format's file gets in ``--output-dir``: ``<input stem><suffix>``.
SUFFIXES = {
    "json": ".plan.json",
    "markdown": ".plan.md",
    "html": ".plan.html",
    "patient": ".patient.md",
    "patient-html": ".patient.html",
    "goals": ".goals.yaml",
    "fhir": ".fhir.json",
}
#: Where each format's file carries the marker that shows planengine wrote it
#: (:func:`planengine.io._output.stamp`).
KINDS = {
    "json": "json",
    "markdown": "markdown",
    "html": "html",
    "patient": "markdown",
    "patient-html": "html",
    "goals": "yaml",
    "fhir": "json",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="assessment file(s), YAML or JSON; - reads stdin"
    )
    add_as_of(parser, "planning date (default: today; give it for repeatable output)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="output format (default json): json; markdown or html, the clinician's plan; "
        "patient or patient-html, the patient's copy; goals, a goal file; fhir, a FHIR R4 "
        "transaction Bundle (docs/fhir.md)",
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
        ".patient.md, .patient.html or .goals.yaml; stdin: stdin.*), each written whole or not "
        "at all, never over an input or a link, and over an existing file only while it is "
        "unchanged since planengine wrote it (docs/outputs.md); JSON plans and goal files pass "
        "`planengine validate` on the planning date (--as-of; plans with --schema plan); "
        "default: stdout",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with -o: replace existing outputs even when edited or not written by planengine "
        "(never an input or a link)",
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
    from planengine._errors import ConfigError
    from planengine.render._plan import PATIENT_FORMATS, PATIENT_RENDERERS, RENDERER_BY_NAME

    as_of: dt.date = args.as_of or dt.date.today()
    choices: dict[str, str] = {}
    for area, option in args.choose:
        if choices.setdefault(area, option) != option:
            raise ConfigError(f"--choose {area}: given twice ({choices[area]}, {option})")
    engine = engine_from_args(args)
    assessments: list[Any] = []  # the latest read: its FHIR Bundle carries the item answers
    render: Callable[[Any], str] = RENDERER_BY_NAME.get(
        args.format, functools.partial(_render_fhir, assessments=assessments)
    )
    if args.format in PATIENT_FORMATS:
        settings = load_config(args.config, start=args.files[0]).documents
        if args.share_scores:
            settings = attrs.evolve(settings, patient_scores=True)
        render = functools.partial(PATIENT_RENDERERS[args.format], settings=settings)
    failed = False
    writer = _Writer(args) if args.output_dir is not None else None
    stream = None if writer is not None else _Stream(args.format, many=len(args.files) > 1)
    for name in args.files:
        plan = _plan_one(name, engine, as_of, choices, assessments)
        if plan is None:
            failed = True
        elif stream is not None:
            stream.write(render(plan))
        elif writer is not None and not writer.write(name, render(plan)):
            failed = True
    if stream is not None:
        stream.close()
    return 2 if failed else 0


class _Stream:
    """Writes each plan to stdout as soon as it is made, so a batch of any size runs in constant
    memory. The text is the same as joining every output at the end: JSON and FHIR plans of
    several files form one JSON array (opened before the first, closed after the last), other
    formats are separated by a blank line (Markdown) or a YAML/HTML document marker (``---``)."""

    def __init__(self, fmt: str, *, many: bool) -> None:
        self.array = many and fmt in ("json", "fhir")
        self.separator = (
            ",\n" if self.array else "\n" if fmt in ("markdown", "patient") else "---\n"
        )
        self.count = 0
        if self.array:
            sys.stdout.write("[\n")

    def write(self, text: str) -> None:
        """Write one plan's text (after the separator, when it is not the first)."""
        if self.count:
            sys.stdout.write(self.separator)
        sys.stdout.write(text.rstrip("\n") if self.array else text)
        self.count += 1

    def close(self) -> None:
        """End the output (closes the JSON array)."""
        if self.array:
            sys.stdout.write("\n]\n")


def _render_fhir(plan: Any, *, assessments: list[Any]) -> str:
    """The plan as a FHIR transaction Bundle, with the item answers of the assessment just read."""
    from planengine.fhir import bundle_to_json, plan_to_fhir_bundle

    return bundle_to_json(plan_to_fhir_bundle(plan, assessment=assessments.pop()))


def _plan_one(
    name: str, engine: Any, as_of: dt.date, choices: dict[str, str], read: list[Any]
) -> Any:
    """The plan of one file, or ``None`` after a one-line error on stderr (the others go on)."""
    import attrs

    from planengine._errors import InputError, PluginError
    from planengine.io._assessment import assessment_from_mapping
    from planengine.io._json_path import parse_json_path
    from planengine.io._loader import load_document
    from planengine.plan._flag_dispositions import UNMATCHED

    document = None
    try:
        document = load_document(name)
        assessment = assessment_from_mapping(
            document.data,
            file=document.path,
            document=document,
            instruments=engine.instruments,
            vocabulary=engine.vocabulary,
        )
        plan = engine.plan(assessment, as_of=as_of, choices=choices)
        read[:] = [assessment]  # only the latest: a batch holds one at a time
        for notice in plan.notices:  # on stderr too, as review gives it (docs/safety.md)
            if notice.code == UNMATCHED:
                print(
                    f"planengine: warning: {printable(name)}: {notice.code}: {notice.message}",
                    file=sys.stderr,
                )
        return plan
    except PluginError as error:  # a plugin left this plan unreadable: the others go on
        print(f"planengine: error: {printable(name)}: {error}", file=sys.stderr)
    except InputError as error:
        if error.file is None:
            error.location = attrs.evolve(error.location, file=name)
        if document is not None and error.path and error.path.startswith("$"):
            from planengine.io._kinds import wrong_kind_message

            kind_message = wrong_kind_message(document.data, "assessment")
            if kind_message is not None:  # a goal file, a plan...: say so, not its schema errors
                top = document.locate(()) or (None, None)
                error.message = kind_message
                error.location = attrs.evolve(
                    error.location, line=top[0], column=top[1], json_path="$"
                )
        if error.line is None and error.path and document is not None:
            # raised while planning (a date after --as-of, say): point at the line too
            position = document.locate(parse_json_path(error.path))
            if position is not None:
                line, column = position
                error.location = attrs.evolve(error.location, line=line, column=column)
        print(f"planengine: error: {error}", file=sys.stderr)
    return None


class _Writer:
    """Writes each plan into ``--output-dir`` (:mod:`planengine.io._output` keeps the rules):
    one file per input, never two inputs onto one name, never over an input, a link or a file
    a person edited (unless ``--force``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        from planengine._errors import ConfigError
        from planengine.io._output import InputFiles

        folder = args.output_dir
        if os.path.lexists(folder) and not os.path.isdir(folder):
            raise ConfigError(
                f"--output-dir {printable(folder)}: is a file, not a folder (-o takes the folder "
                "the plans are written into, one file per input)"
            )
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise ConfigError(
                f"--output-dir {printable(folder)}: {error.strerror or error}"
            ) from None
        self.folder = folder
        self.suffix = SUFFIXES[args.format]
        self.kind = KINDS[args.format]
        self.force: bool = args.force
        self.inputs = InputFiles(args.files)
        self.targets: dict[str, str] = {}  # output name, case-folded -> the input it is for

    def write(self, name: str, text: str) -> bool:
        """Write the plan of input ``name``; ``False`` after a one-line error on stderr."""
        from planengine._errors import OutputError
        from planengine.io._output import write_output

        target = os.path.join(self.folder, _stem(name) + self.suffix)
        key = os.path.normcase(target).casefold()  # a.yaml and A.yaml meet on macOS and Windows
        if key in self.targets:
            print(
                f"planengine: error: {printable(name)}: its output {printable(target)} would "
                f"overwrite the plan of {printable(self.targets[key])}; give the inputs "
                "different names",
                file=sys.stderr,
            )
            return False
        self.targets[key] = name
        try:
            write_output(target, text, kind=self.kind, inputs=self.inputs, force=self.force)
        except OutputError as error:
            print(f"planengine: error: {printable(name)}: its output {error}", file=sys.stderr)
            return False
        except OSError as error:
            print(
                f"planengine: error: {printable(target)}: {error.strerror or error}",
                file=sys.stderr,
            )
            return False
        return True


def _stem(name: str) -> str:
    """``examples/a.yaml`` -> ``a``; stdin (``-``) -> ``stdin``."""
    if name == "-":
        return "stdin"
    base = os.path.basename(name)
    stem, _extension = os.path.splitext(base)
    return stem or base
