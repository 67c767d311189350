"""FHIR in: the FHIR form of every example assessment plans exactly as its YAML form does; a
plan's Bundle imports back to the same responses; totals, codes and errors are handled as
documented (docs/fhir.md)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from planengine import Engine, InputError, load_assessment
from planengine.fhir import (
    assessment_to_fhir,
    assessments_from_fhir,
    plan_to_fhir_bundle,
    resources_of,
    validate_bundle,
)
from planengine.io._assessment import assessment_from_mapping

EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


def _import(data: Any) -> list[Any]:
    return assessments_from_fhir(resources_of(json.dumps(data)))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_the_fhir_form_of_every_example_gives_the_same_plan(engine: Engine, path: pathlib.Path) -> None:
    assessment = load_assessment(path)
    fhir_form = assessment_to_fhir(assessment)
    assert validate_bundle(fhir_form) == []
    (imported,) = _import(fhir_form)
    again = assessment_from_mapping(imported.document)
    assert engine.plan(again, as_of=AS_OF).to_json() == engine.plan(assessment, as_of=AS_OF).to_json()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_a_plan_bundle_imports_back_to_the_same_responses(engine: Engine, path: pathlib.Path) -> None:
    """QuestionnaireResponse -> plan -> Bundle -> import of its Observations: nothing lost."""
    assessment = assessment_from_mapping(_import(assessment_to_fhir(load_assessment(path)))[0].document)
    bundle = plan_to_fhir_bundle(engine.plan(assessment, as_of=AS_OF), assessment=assessment)
    (imported,) = _import(bundle)
    assert imported.document["responses"] == [
        {"instrument": r.instrument, "date": r.date.isoformat(), "answers": list(r.answers)}
        for r in assessment.responses
    ]
    assert imported.document["context"]["concerns"] == []  # its own problems are output, not input


def _qr(subject: str, items: list[dict[str, Any]], questionnaire: str = "http://loinc.org/q/44249-1") -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": questionnaire,
            "subject": {"reference": f"Patient/{subject}"}, "authored": "2026-11-20T10:00:00+13:00", "item": items}


def test_loinc_answer_codes_ordinal_weights_and_groups() -> None:
    answers = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    link_ids = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
    items = [{"linkId": f"/{code}", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": answers[i % 4]}}]}
             for i, code in enumerate(link_ids[:8])]
    weighted = {"linkId": "/44260-8", "answer": [{"valueCoding": {"code": "x", "extension": [
        {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 1}]}}]}
    group = {"linkId": "g", "item": [weighted, {"linkId": "/69722-7", "answer": [{"valueCoding": {"code": "LA6573-5"}}]}]}
    (patient,) = _import({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": _qr("a", [*items, group])}]})
    assert patient.document["responses"] == [
        {"instrument": "phq9", "date": "2026-11-20", "answers": [0, 1, 2, 3, 0, 1, 2, 3, 1]}]


def test_ndjson_of_many_patients_is_grouped_by_patient() -> None:
    lines = [
        _qr("b", [{"linkId": f"item{n}", "answer": [{"valueInteger": 1}]} for n in range(1, 8)],
            "http://example.org/planengine/Questionnaire/gad7"),
        {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/a"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
         "effectiveDateTime": "2026-11-01", "valueQuantity": {"value": 17}},
        {"resourceType": "Condition", "subject": {"reference": "Patient/a"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "F31.4"}]}},
        {"resourceType": "Condition", "subject": {"reference": "Patient/b"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "21897009"}]}},
        {"resourceType": "Condition", "subject": {"reference": "Patient/b"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1234"}]}},
    ]
    b, a = assessments_from_fhir(resources_of("\n".join(json.dumps(x) for x in lines), file="x.ndjson"))
    assert b.document["responses"][0]["answers"] == [1] * 7
    assert b.document["context"]["concerns"] == ["anxiety"]
    assert any("x.ndjson:5" in n and "1234" in n for n in b.notices), "an unmapped code is named"
    assert a.document["responses"] == [] and a.document["context"]["conditions"] == ["bipolar-disorder"]
    assert a.document["x-fhir-totals"] == [{"instrument": "phq9", "date": "2026-11-01", "total": 17}]
    assert any("item 9 not recorded" in n for n in a.notices), "the same item-9 caution as totals-only"
    assessment_from_mapping(a.document)  # x- keys are allowed: the document plans as it is


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (_qr("a", [{"linkId": "q1", "answer": [{"valueInteger": 1}]}], "http://clinic/q"), "$.questionnaire: cannot tell"),
        (_qr("a", [{"linkId": "/44250-9", "answer": [{"valueString": "often"}]}]), "$.item[0].answer[0]: answer must be"),
        ({k: v for k, v in _qr("a", []).items() if k != "authored"}, "needs 'authored'"),
        ({**_qr("a", []), "authored": None}, "$.authored: null is not allowed in FHIR JSON"),
        (_qr("a", [{"linkId": "/44250-9", "answer": {"valueInteger": 1}}]), "$.item[0].answer: {'valueInteger': 1} is not of type 'array'"),
        ({"resourceType": "Observation", "status": "final", "code": {"coding": [
            {"system": "http://loinc.org", "code": "70274-6"}]}, "effectiveDateTime": "2026-01-01"}, "whole-number"),
    ],
)
def test_bad_input_is_one_located_error(resource: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError) as caught:
        assessments_from_fhir(resources_of(json.dumps(resource), file="in.json"))
    assert str(caught.value).startswith("in.json") and expected in str(caught.value)


def test_configured_questionnaire_mapping(tmp_path: pathlib.Path) -> None:
    mapping = tmp_path / "q.yaml"
    mapping.write_text("questionnaires:\n  http://clinic/isi:\n    instrument: isi\n    items: {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7}\n")
    source = tmp_path / "in.json"
    source.write_text(json.dumps(_qr("z", [{"linkId": k, "answer": [{"valueInteger": 2}]} for k in "abcdefg"], "http://clinic/isi|2")))
    out = subprocess.run([sys.executable, "-m", "planengine", "import", str(source), "--questionnaires", str(mapping),
                          "--format", "json"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["responses"] == [{"instrument": "isi", "date": "2026-11-20", "answers": [2] * 7}]


def test_import_command_errors_in_one_line(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "bad.ndjson"
    source.write_text('{"resourceType": "Patient", "id": "a"}\n{"resourceType": \n')
    out = subprocess.run([sys.executable, "-m", "planengine", "import", str(source)],
                         capture_output=True, text=True, env={"PATH": ""})
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and f"{source}:2" in out.stderr


def test_a_us_core_panel_with_its_items_as_members_imports_as_a_response() -> None:
    """US Core shape (own data): a 44249-1 panel whose nine items and total are separate
    Observations linked by hasMember, answers as LOINC answer codes; resolved within the Bundle
    by fullUrl, read as one response, the members not read a second time."""
    loinc = "http://loinc.org"
    items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
    answers = [1, 2, 0, 1, 3, 0, 1, 0, 1]
    codes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]

    def observation(code: str, **value: Any) -> dict[str, Any]:
        return {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/us-1"},
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
                "code": {"coding": [{"system": loinc, "code": code}]}, "effectiveDateTime": "2026-11-18T14:05:00-05:00", **value}

    members = [observation(code, valueCodeableConcept={"coding": [{"system": loinc, "code": codes[v]}]})
               for code, v in zip(items, answers, strict=True)]
    members.append(observation("44261-6", valueQuantity={"value": 9, "system": "http://unitsofmeasure.org", "code": "{score}"}))
    urls = [f"urn:uuid:0000000{n}-aaaa-4bbb-8ccc-000000000000" for n in range(len(members))]
    panel = observation("44249-1", hasMember=[{"reference": url} for url in urls])
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:ffffffff-aaaa-4bbb-8ccc-000000000000", "resource": panel},
        *({"fullUrl": url, "resource": m} for url, m in zip(urls, members, strict=True))]}
    assert validate_bundle(bundle) == []
    (patient,) = _import(bundle)
    assert patient.document["responses"] == [{"instrument": "phq9", "date": "2026-11-18", "answers": answers}]
    assert "x-fhir-totals" not in patient.document
