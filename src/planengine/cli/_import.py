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
    codes, totals only) on stderr."""
    from planengine.fhir import assessments_from_fhir, load_condition_map, read_fhir_file
    from planengine.io._loader import load_document

    questionnaires: dict[str, Any] = {}
    if args.questionnaires:
        questionnaires = dict(load_document(args.questionnaires).data.get("questionnaires") or {})
    conditions = load_condition_map(load_document(args.conditions).data) if args.conditions else None
    located = [found for name in args.files for found in read_fhir_file(name)]
    patients = assessments_from_fhir(located, questionnaires=questionnaires, conditions=conditions)
    for patient in patients:
        for notice in patient.notices:
            print(f"planengine: note: {notice}", file=sys.stderr)
    if args.output_dir is not None:
        inputs = [*args.files, *(f for f in (args.questionnaires, args.conditions) if f)]
        return _write_files(args.output_dir, args.format, patients, inputs, args.force)
    documents = [patient.document for patient in patients]
    if args.format == "json":
        payload: Any = documents[0] if len(documents) == 1 else documents
        sys.stdout.write(_json(payload))
    else:
        import yaml

        sys.stdout.write(
            yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, default_flow_style=None)
        )
    return 0


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


def _write_files(folder: str, fmt: str, patients: list[Any], inputs: list[str], force: bool) -> int:
    """Every patient's file, after checking them all: one that exists (without ``--force``) or
    two patients meeting on one name stop the run before anything is written (exit 2)."""
    from planengine._errors import OutputError
    from planengine._printable import printable
    from planengine.io._output import InputFiles, write_output

    if os.path.lexists(folder) and not os.path.isdir(folder):
        return _error(f"--output-dir {printable(folder)}: is a file, not a folder")
    targets: dict[str, str] = {}  # case-folded name -> the patient it is for
    planned: list[tuple[str, str]] = []
    for index, patient in enumerate(patients, start=1):
        target = os.path.join(folder, file_name(patient.patient_id, index, fmt))
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


def _error(message: str) -> int:
    print(f"planengine: error: {message}", file=sys.stderr)
    return 2
