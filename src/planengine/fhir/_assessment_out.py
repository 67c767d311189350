"""An assessment in its FHIR form (a ``collection`` Bundle): the Patient, a QuestionnaireResponse
per response (LOINC linkIds and answer codes where LOINC has them, as US Core and LHC-Forms
write them), a Condition per documented condition and concern, and a Goal per goal in the
patient's own words. It is what a clinic system would send; importing it gives the assessment
back (tests/test_fhir_import.py plans both and compares)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from planengine.fhir._codes import codes, condition_map
from planengine.fhir._resources import Builder, coding, subject_reference

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import Assessment

__all__ = ["assessment_to_fhir"]


def assessment_to_fhir(assessment: Assessment, *, instruments: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The assessment as a FHIR R4 ``collection`` Bundle (deterministic ids)."""
    import hashlib
    import json

    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    digest = hashlib.sha256(json.dumps(assessment.normalised(), sort_keys=True).encode()).hexdigest()
    builder = Builder(("assessment", digest), transaction=False)
    subject = subject_reference(assessment.patient_id)
    if assessment.patient_id is not None and "reference" in subject:
        patient: dict[str, Any] = {"resourceType": "Patient", "id": assessment.patient_id}
        if assessment.context.sex is not None:
            patient["gender"] = assessment.context.sex
        builder.add(patient, "Patient")
    for index, response in enumerate(assessment.responses):
        builder.add(_response(response, subject, instruments), "QuestionnaireResponse", str(index))
    reverse = {entry["condition"]: code for code, entry in condition_map().snomed.items() if "condition" in entry}
    for name in assessment.context.conditions:
        codings = [coding("condition", name)]
        if name in reverse:
            codings.insert(0, {"system": codes().system("snomed"), "code": reverse[name]})
        builder.add(_condition(codings, name, subject, "encounter-diagnosis"), "Condition", name)
    for area in assessment.context.concerns:
        builder.add(_condition([coding("area", area)], area, subject, "problem-list-item"), "Concern", area)
    for index, words in enumerate(assessment.context.patient_goals):
        goal = {
            "resourceType": "Goal",
            "lifecycleStatus": "proposed",
            "description": {"text": words},
            "subject": subject,
            "expressedBy": subject,
        }
        builder.add(goal, "Goal", str(index))
    return builder.bundle()


def _response(response: Any, subject: dict[str, Any], instruments: Mapping[str, Any]) -> dict[str, Any]:
    table = codes()
    instrument = response.instrument
    given = response.answers
    if isinstance(given, Mapping):
        ordered: dict[int, Any] = {int(str(k).removeprefix("item")): v for k, v in given.items()}
    else:
        ordered = dict(enumerate(given, start=1))
    answer_codes = {value: code for code, value in table.loinc.get(instrument, {}).get("answers", {}).items()}
    items = []
    for number, value in sorted(ordered.items()):
        if value is None:
            continue  # unanswered: no answer, as a form leaves it
        loinc = table.loinc.get(instrument, {}).get("items", {}).get(number)
        link_id = f"/{loinc}" if loinc else f"item{number}"
        if value in answer_codes:
            answer: dict[str, Any] = {"valueCoding": {"system": table.system("loinc"), "code": answer_codes[value]}}
        else:
            answer = {"valueInteger": value}
        items.append({"linkId": link_id, "answer": [answer]})
    out: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": table.questionnaire_url(instrument),
        "status": "completed",
        "subject": subject,
        "authored": response.date.isoformat(),
    }
    if items:
        out["item"] = items
    return out


def _condition(codings: list[dict[str, str]], name: str, subject: dict[str, Any], category: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [coding("condition-clinical", "active")]},
        "category": [{"coding": [coding("condition-category", category)]}],
        "code": {"coding": codings, "text": name},
        "subject": subject,
    }
