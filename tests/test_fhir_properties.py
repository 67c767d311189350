"""FHIR invariants for any input (hypothesis): an assessment survives FHIR and back (the same plan,
byte for byte), every plan's Bundle validates, and no malformed resource makes import or review
raise anything but the project's InputError naming the file and the JSON path."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planengine import Engine, InputError
from planengine.fhir import (
    assessment_to_fhir,
    assessments_from_fhir,
    plan_to_fhir_bundle,
    resources_of,
    review_inputs_from_fhir,
    validate_bundle,
)
from planengine.io._assessment import assessment_from_mapping
from planengine.testing.strategies import AS_OF, assessments, json_mutations

ENGINE = Engine(strict=True)  # one engine for every example: building it loads data and plugins


@settings(max_examples=40)
@given(assessments(phq9_item9=st.integers(0, 3)) | assessments())
def test_an_assessment_survives_fhir_and_its_plan_exports_a_valid_bundle(assessment: Any) -> None:
    fhir_form = assessment_to_fhir(assessment)
    assert validate_bundle(fhir_form) == []
    (imported,) = assessments_from_fhir(resources_of(json.dumps(fhir_form)))
    again = assessment_from_mapping(imported.document)
    plan = ENGINE.plan(assessment, as_of=AS_OF)
    assert ENGINE.plan(again, as_of=AS_OF).to_json() == plan.to_json()
    bundle = plan_to_fhir_bundle(plan, assessment=assessment)
    assert validate_bundle(bundle) == []
    assert json.dumps(bundle) == json.dumps(
        plan_to_fhir_bundle(ENGINE.plan(again, as_of=AS_OF), assessment=again)
    )


def _bases() -> tuple[dict[str, Any], dict[str, Any]]:
    from conftest import EXAMPLES
    from planengine import load_assessment

    assessment = load_assessment(EXAMPLES / "severe-with-risk-flag.yaml")
    plan = ENGINE.plan(assessment, as_of=AS_OF)
    return assessment_to_fhir(assessment), plan_to_fhir_bundle(plan, assessment=assessment)


ASSESSMENT_BUNDLE, PLAN_BUNDLE = _bases()
_CLOSE = {
    "resourceType": "Observation",
    "status": "final",
    "subject": {"reference": "Patient/P-2087"},
    "code": {"coding": [{"system": "http://loinc.org", "code": "44249-1"}]},
    "effectiveDateTime": "2026-12-20",
    "hasMember": [{"reference": "Observation/i9"}],
}
_ITEM = {
    "resourceType": "Observation",
    "id": "i9",
    "status": "final",
    "subject": {"reference": "Patient/P-2087"},
    "code": {"coding": [{"system": "http://loinc.org", "code": "44260-8"}]},
    "effectiveDateTime": "2026-12-20",
    "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6569-3"}]},
}
REVIEW_BASE = {
    **PLAN_BUNDLE,
    "entry": [*PLAN_BUNDLE["entry"], {"resource": _CLOSE}, {"resource": _ITEM}],
}


def _only_input_errors(call: Any) -> None:
    try:
        call()
    except InputError as error:
        assert error.file == "fuzz.json", error
        assert "\n" not in str(error)
        assert (
            error.path is not None
            or error.line is not None
            or "JSON" in str(error)
            or "resource" in str(error)
        )


@settings(max_examples=300)
@given(json_mutations(ASSESSMENT_BUNDLE))
def test_import_of_a_malformed_resource_raises_only_a_located_input_error(bundle: Any) -> None:
    _only_input_errors(
        lambda: assessments_from_fhir(resources_of(json.dumps(bundle), file="fuzz.json"))
    )


@settings(max_examples=200)
@given(json_mutations(REVIEW_BASE))
def test_review_of_malformed_goals_and_observations_raises_only_a_located_input_error(
    bundle: Any,
) -> None:
    def review() -> None:
        located = resources_of(json.dumps(bundle), file="fuzz.json")
        if not located:
            return  # no resource left to name the file by (the command line names it)
        for found in review_inputs_from_fhir(located):
            found.review(as_of=dt.date(2027, 1, 15))

    _only_input_errors(review)
