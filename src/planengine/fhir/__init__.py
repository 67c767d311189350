"""FHIR R4 in and out: a plan as a transaction Bundle (CarePlan, Conditions, Goals,
Observations, Flags, Provenance), assessments from QuestionnaireResponses, Observations and
Conditions (a Bundle or NDJSON, grouped by patient), progress review from Goals and
Observations with the verdicts written back as Goal updates, and codes (LOINC, UCUM, local systems) kept
as data in ``fhir/data``. Writing and reading need no third-party FHIR library; the ``fhir``
extra adds ``fhir.resources`` for :func:`validate_bundle`. docs/fhir.md describes the mapping.
"""

from __future__ import annotations

from planengine.fhir._assessment_out import assessment_to_fhir
from planengine.fhir._codes import ConditionMap, load_condition_map
from planengine.fhir._export import bundle_to_json, plan_to_fhir_bundle
from planengine.fhir._import import ImportedPatient, assessments_from_fhir
from planengine.fhir._read import Located, read_fhir_file, resources_of
from planengine.fhir._review_in import (
    FhirGoalReview,
    ReviewInput,
    ReviewInputs,
    review_inputs_from_fhir,
)
from planengine.fhir._review_out import review_to_fhir_bundle
from planengine.fhir._validate import validate_bundle, validate_resource

__all__ = [
    "ConditionMap",
    "FhirGoalReview",
    "ImportedPatient",
    "Located",
    "ReviewInput",
    "ReviewInputs",
    "assessment_to_fhir",
    "assessments_from_fhir",
    "bundle_to_json",
    "load_condition_map",
    "plan_to_fhir_bundle",
    "read_fhir_file",
    "resources_of",
    "review_inputs_from_fhir",
    "review_to_fhir_bundle",
    "validate_bundle",
    "validate_resource",
]
