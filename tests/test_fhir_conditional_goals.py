"""A goal whose condition can only be met after this visit (the risk question asked and "no"
recorded: the safety plan "only if the clinician becomes concerned ...") has no deadline: its
FHIR Goal carries no ``dueDate`` (an EHR would list it as due today) and says instead, in
planengine's goal extension, how many days after the condition it is due; every other goal keeps
its ``dueDate``. The Bundle still validates and is read back by the review as waiting."""

from __future__ import annotations

import json
from typing import Any

from plan_helpers import plan_with_records
from planengine import Assessment
from planengine.fhir import (
    plan_to_fhir_bundle,
    resources_of,
    review_inputs_from_fhir,
    validate_bundle,
)
from planengine.fhir._goals import GOAL_EXTENSION

NO_RISK = "assessed-no-current-risk-identified"


def _goals(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    return {_part(g, "objective"): g for g in goals}


def _part(goal: dict[str, Any], url: str) -> Any:
    (extension,) = [e for e in goal["extension"] if e["url"] == GOAL_EXTENSION]
    found = [p for p in extension["extension"] if p["url"] == url]
    return next(iter(v for k, v in found[0].items() if k.startswith("value"))) if found else None


def test_a_goal_met_only_later_has_no_due_date_but_its_days_after_the_condition(engine) -> None:
    plan = plan_with_records(engine, "screens-and-wellbeing.yaml", NO_RISK)
    later = {
        o.id: o.due_after_condition_days
        for p in plan.problems
        for o in p.objectives
        if o.due_after_condition_days is not None
    }
    assert sorted(later.values()) == [0, 3]  # the safety plan the same day; its follow-up, 72 h
    bundle = plan_to_fhir_bundle(plan)
    assert validate_bundle(bundle) == []
    goals = _goals(bundle)
    for objective_id, goal in goals.items():
        (target,) = goal["target"]
        if objective_id in later:
            assert "dueDate" not in target
            assert _part(goal, "dueAfterConditionDays") == later[objective_id]
            assert _part(goal, "condition")
        else:
            assert target["dueDate"]
            assert _part(goal, "dueAfterConditionDays") is None
    (read,) = review_inputs_from_fhir(resources_of(json.dumps(bundle)))
    waiting = {g["id"] for g in read.document["x-waiting-goals"]}
    assert set(later) <= waiting
    assert not set(later) & {g["id"] for g in read.document["goals"]}


def test_without_a_record_every_goal_keeps_its_due_date(engine) -> None:
    import yaml

    from plan_helpers import EXAMPLE_AS_OF, EXAMPLES

    raw = yaml.safe_load((EXAMPLES / "screens-and-wellbeing.yaml").read_text())
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)
    for goal in _goals(plan_to_fhir_bundle(plan)).values():
        assert goal["target"][0]["dueDate"]
