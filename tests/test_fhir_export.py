"""A plan as a FHIR R4 transaction Bundle: every example validates with the fhir.resources R4B
models, codes sit in their value sets, the draft stays a draft, open risk flags are Flags, and the
Bundle is the same bytes for the same input and as-of."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from planengine import Engine, load_assessment
from planengine.fhir import bundle_to_json, plan_to_fhir_bundle, validate_bundle
from planengine.plan._risk_wording import claims_no_risk

EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


def _bundle(engine: Engine, path: pathlib.Path) -> tuple[Any, dict[str, Any]]:
    assessment = load_assessment(path)
    plan = engine.plan(assessment, as_of=AS_OF)
    return plan, plan_to_fhir_bundle(plan, assessment=assessment)


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_exports_a_valid_draft_bundle(engine: Engine, path: pathlib.Path) -> None:
    plan, bundle = _bundle(engine, path)
    assert validate_bundle(bundle) == []
    assert bundle["type"] == "transaction"
    (care_plan,) = _of(bundle, "CarePlan")
    assert (care_plan["status"], care_plan["intent"]) == ("draft", "proposal")
    goals = _of(bundle, "Goal")
    assert len(goals) == sum(len(p.objectives) for p in plan.problems)
    assert {g["lifecycleStatus"] for g in goals} <= {"proposed"}
    for goal in goals:
        (target,) = goal["target"]
        assert target["measure"]["coding"] and target["dueDate"] and goal["addresses"]
    assert len(_of(bundle, "Condition")) == len(plan.problems)
    assert len(_of(bundle, "Observation")) == len(plan.scores)
    flags = _of(bundle, "Flag")
    assert len(flags) == len(plan.risk_flags)
    assert [f["status"] for f in flags] == ["active" if r.is_open else "inactive" for r in plan.risk_flags]
    assert _of(bundle, "Provenance"), "every bundle records where its content came from"
    assert not [t for t in _texts(bundle) if claims_no_risk(t)]
    every_ref = {r["reference"] for r in _refs(bundle)}
    assert every_ref <= {e["fullUrl"] for e in bundle["entry"]} | {f"Patient/{plan.patient_id}"}


def _refs(value: Any) -> list[dict[str, str]]:
    if isinstance(value, dict):
        own = [value] if set(value) == {"reference"} else []
        return own + [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_loinc_and_ucum_where_the_instrument_has_them(engine: Engine) -> None:
    _plan, bundle = _bundle(engine, EXAMPLES / "moderate-phq9-gad7-isi.yaml")
    totals = {o["code"]["coding"][0]["code"]: o for o in _of(bundle, "Observation")}
    assert {"44261-6", "70274-6", "isi-total"} <= set(totals)
    phq9 = totals["44261-6"]
    assert phq9["valueQuantity"] == {"value": 12, "unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"}
    assert phq9["component"][8]["code"]["coding"][0]["code"] == "44260-8"  # item 9
    assert totals["isi-total"]["code"]["coding"][0]["system"] == "http://example.org/planengine/CodeSystem/instrument"
    units = {g["target"][0]["detailQuantity"].get("code") for g in _of(bundle, "Goal")}
    assert {"{score}", "d/wk"} <= units


def test_an_open_risk_flag_is_an_active_safety_flag(engine: Engine) -> None:
    _plan, bundle = _bundle(engine, EXAMPLES / "severe-with-risk-flag.yaml")
    (flag,) = _of(bundle, "Flag")
    assert flag["status"] == "active" and flag["category"][0]["coding"][0]["code"] == "safety"
    assert "risk assessment today" in flag["code"]["text"]
    held = [a["detail"] for a in _of(bundle, "CarePlan")[0]["activity"] if a["detail"]["status"] == "on-hold"]
    assert held, "self-guided steps are on hold while the flag is open"


def test_a_private_flag_is_restricted(engine: Engine) -> None:
    _plan, bundle = _bundle(engine, EXAMPLES / "relationships-with-ipv.yaml")
    private = [f for f in _of(bundle, "Flag") if f["meta"].get("security")]
    assert private and private[0]["meta"]["security"][0]["code"] == "R"


def test_same_input_and_as_of_give_the_same_bytes(engine: Engine) -> None:
    first = bundle_to_json(_bundle(engine, EXAMPLES / "severe-with-risk-flag.yaml")[1])
    second = bundle_to_json(_bundle(Engine(), EXAMPLES / "severe-with-risk-flag.yaml")[1])
    assert first == second


def test_the_validator_finds_codes_outside_their_value_sets() -> None:
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {
        "resourceType": "CarePlan", "status": "signed", "intent": "proposal", "subject": {"reference": "Patient/a"}}}]}
    (problem,) = validate_bundle(bundle)
    assert "CarePlan.status: 'signed'" in problem


def test_plan_format_fhir_on_the_command_line(tmp_path: pathlib.Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "planengine", "plan", str(EXAMPLES / "moderate-phq9-gad7-isi.yaml"),
         str(EXAMPLES / "severe-with-risk-flag.yaml"), "--as-of", AS_OF.isoformat(), "--format", "fhir"],
        capture_output=True, text=True, check=True,
    )
    bundles = json.loads(out.stdout)
    assert [validate_bundle(b) for b in bundles] == [[], []]
    subprocess.run(
        [sys.executable, "-m", "planengine", "plan", str(EXAMPLES / "mild-sleep-only.yaml"),
         "--as-of", AS_OF.isoformat(), "--format", "fhir", "-o", str(tmp_path)], check=True,
    )
    (written,) = tmp_path.iterdir()
    assert written.name == "mild-sleep-only.fhir.json"
    assert validate_bundle(json.loads(written.read_text())) == []
