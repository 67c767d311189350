"""``planengine import FILE...``: FHIR QuestionnaireResponses, Observations and Conditions (a
Bundle, a resource or NDJSON) in, one assessment document per patient out, for inspection or for
``planengine plan``: on stdout (one patient's document, or a YAML stream / JSON array of
several), or with ``-o DIR`` one file per patient, ``<patient-id>.yaml`` (or ``.json``), which
``plan`` reads as it is."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

#: Characters a patient id keeps in its file name; others become ``_`` (no folder, no hidden file).
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: The longest file name (bytes) common file systems take (ext4, APFS, NTFS: 255).
_NAME_MAX = 255


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="FHIR JSON (a Bundle or resource) or NDJSON; - reads stdin"
    )
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    parser.add_argument(
        "--output-dir",
        "-o",
        metavar="DIR",
        help="write one assessment file per patient into DIR, <patient-id>.yaml (or .json), each "
        "written whole, never over an existing file (default: all on stdout, a YAML stream or a "
        "JSON array, which plan does not read: use -o for several patients)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with -o: replace existing files of the same names (never an input or a link)",
    )
    parser.add_argument(
        "--max-file-bytes",
        type=int,
        metavar="N",
        help="refuse an input file larger than N bytes (default 1 MiB, as plan, validate, review "
        "and batch; a Bulk Data export of any size: planengine batch)",
    )
    parser.add_argument(
        "--questionnaires",
        metavar="FILE",
        help="YAML/JSON mapping of Questionnaire canonical URLs to instruments and linkIds: "
        "{questionnaires: {URL: {instrument: phq9, items: {linkId: 1, ...}}}}",
    )
    parser.add_argument(
        "--conditions",
        metavar="FILE",
        help="YAML/JSON Condition map ({snomed: {CODE: {condition: ID}}, icd10: {PREFIX: {concern: AREA}}}); "
        "default: the shipped map (docs/fhir.md)",
    )


def run(args: argparse.Namespace) -> int:
    """Print (or with ``-o`` write) one assessment document per patient; notices (unmapped
    codes, totals only) on stderr. A file or resource that cannot be read (an item answered
    twice, ...) is one error line each; the others are still read, and the run exits 2."""
    from planengine._errors import ConfigError, InputError
    from planengine.fhir import assessments_from_fhir, load_condition_map, read_fhir_file
    from planengine.io._loader import load_document

    if args.max_file_bytes is not None and args.max_file_bytes < 1:
        raise ConfigError("--max-file-bytes must be positive")
    questionnaires: dict[str, Any] = {}
    if args.questionnaires:
        questionnaires = dict(load_document(args.questionnaires).data.get("questionnaires") or {})
    conditions = load_condition_map(load_document(args.conditions).data) if args.conditions else None
    errors: list[InputError] = []
    located = []
    for name in args.files:
        try:
            located += read_fhir_file(name, max_bytes=args.max_file_bytes)
        except InputError as error:
            errors.append(error)
    patients = assessments_from_fhir(
        located, questionnaires=questionnaires, conditions=conditions, errors=errors
    )
    for patient in patients:
        for notice in patient.notices:
            print(f"planengine: note: {notice}", file=sys.stderr)
    for refused in errors:
        print(f"planengine: error: {refused}", file=sys.stderr)
    code = 2 if errors else 0
    for patient in patients:  # never an assessment without a refused resource's answers
        if patient.refused:
            who = f"patient {patient.patient_id!r}" if patient.patient_id else "a patient with no id"
            print(
                f"planengine: error: {who}: no assessment written: one of its resources was "
                "refused (above), and a plan made without it could miss a risk answer",
                file=sys.stderr,
            )
    patients = [patient for patient in patients if not patient.refused]
    if args.output_dir is not None:
        inputs = [*args.files, *(f for f in (args.questionnaires, args.conditions) if f)]
        return _write_files(args.output_dir, args.format, patients, inputs, args.force, located) or code
    documents = [patient.document for patient in patients]
    if args.format == "json":
        payload: Any = documents[0] if len(documents) == 1 else documents
        sys.stdout.write(_json(payload))
    else:
        import yaml

        sys.stdout.write(
            yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, default_flow_style=None)
        )
    return code


def _json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _yaml(document: Any) -> str:
    import yaml

    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None)


def file_name(patient_id: str | None, index: int, fmt: str) -> str:
    """The file a patient's assessment goes to: its id, made safe for a file name (a patient
    without an id: ``patient-<n>``, its place in the export)."""
    stem = _UNSAFE.sub("_", patient_id) if patient_id else f"patient-{index}"
    if stem.startswith("."):
        stem = "_" + stem[1:]
    return f"{stem}.{fmt}"


def _write_files(
    folder: str, fmt: str, patients: list[Any], inputs: list[str], force: bool, located: list[Any]
) -> int:
    """Every patient's file, after checking them all: one that exists (without ``--force``), a
    name too long for a file system, or two patients meeting on one name stop the run before
    anything is written (exit 2)."""
    from planengine._errors import OutputError
    from planengine._printable import printable
    from planengine.io._output import InputFiles, write_output

    if os.path.lexists(folder) and not os.path.isdir(folder):
        return _error(f"--output-dir {printable(folder)}: is a file, not a folder")
    targets: dict[str, str] = {}  # case-folded name -> the patient it is for
    planned: list[tuple[str, str]] = []
    for index, patient in enumerate(patients, start=1):
        name = file_name(patient.patient_id, index, fmt)
        if len(name.encode()) > _NAME_MAX:
            return _error(
                f"{_id_place(located, patient.patient_id)}: patient id of {len(patient.patient_id)} "
                f"characters makes a file name longer than {_NAME_MAX} bytes; nothing was written"
            )
        target = os.path.join(folder, name)
        key = os.path.normcase(target).casefold()  # a.yaml and A.yaml meet on macOS and Windows
        who = patient.patient_id or f"patient {index}"
        if key in targets:
            return _error(
                f"{printable(target)}: patients {printable(targets[key])} and {printable(who)} "
                "would share this file; nothing was written"
            )
        targets[key] = who
        if os.path.lexists(target) and not force:
            return _error(
                f"{printable(target)}: exists; import never replaces a file (--force replaces "
                "it); nothing was written"
            )
        text = _json(patient.document) if fmt == "json" else _yaml(patient.document)
        planned.append((target, text))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        return _error(f"--output-dir {printable(folder)}: {error.strerror or error}")
    given = InputFiles(inputs)
    for target, text in planned:
        try:
            write_output(target, text, kind=fmt, inputs=given, force=True, mark=False)
        except OutputError as error:
            return _error(str(error))
        except OSError as error:
            return _error(f"{printable(target)}: {error.strerror or error}")
    print(
        f"planengine: wrote {len(planned)} assessment file(s) to {printable(folder)}",
        file=sys.stderr,
    )
    return 0


def _id_place(located: list[Any], patient_id: str | None) -> str:
    """``file:line: path`` of the element that gives ``patient_id`` (a Patient's ``id``, else the
    first ``subject.reference`` naming it)."""
    from planengine.fhir._resources import patient_id_of

    def place(item: Any, below: str) -> str:
        where = ":".join(str(p) for p in (item.file, item.line) if p is not None)
        return f"{where}: {item.path}{below}" if where else f"{item.path}{below}"

    for item in located:
        if item.resource.get("resourceType") == "Patient" and item.resource.get("id") == patient_id:
            return place(item, ".id")
    for item in located:
        if patient_id_of(item.resource.get("subject")) == patient_id:
            return place(item, ".subject.reference")
    return "patient id"  # pragma: no cover - every imported patient has a resource


def _error(message: str) -> int:
    print(f"planengine: error: {message}", file=sys.stderr)
    return 2
