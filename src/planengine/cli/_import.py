"""``planengine import FILE...``: FHIR QuestionnaireResponses, Observations and Conditions (a
Bundle, a resource or NDJSON) in, one assessment document per patient out, for inspection or for
``planengine plan``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="FHIR JSON (a Bundle or resource) or NDJSON; - reads stdin"
    )
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
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
    """Print one assessment document per patient; notices (unmapped codes, totals only) on stderr."""
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
    documents = [patient.document for patient in patients]
    if args.format == "json":
        payload: Any = documents[0] if len(documents) == 1 else documents
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        import yaml

        sys.stdout.write(
            yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, default_flow_style=None)
        )
    return 0
