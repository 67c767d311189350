"""Clinician read 23, M2, S10 and S2 (goal files): every goal a goal file lists as waiting
(``x-waiting-goals``) gives its real trigger first, in one line: ``starts_when`` for a goal
waiting for its phase (the plan's own words for when its problem or steps start), ``held``
for one held now (only by the steps that serve it, or the log that measures it), or
``condition``; a safety hold is a second condition after ``starts_when``, never instead of it.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, assert_valid, example_plan, plan_with_records
from planengine.fhir import plan_to_fhir_bundle
from planengine.render._plan import plan_to_goal_document, render_goals, render_markdown
from planengine.review import review_goals

TRIGGERS = ("starts_when", "held", "condition")
#: the re-made variants a clinician read (tools gen_read.py): example, recorded outcome
REMADE = [
    ("severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care"),
    ("severe-with-risk-flag.yaml", "assessed-safety-plan-in-place"),
    ("screens-and-wellbeing.yaml", "assessed-no-current-risk-identified"),
    ("relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place"),
]
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))


def _plan(engine: Any, case: str | tuple[str, str]) -> Any:
    if isinstance(case, tuple):
        return plan_with_records(engine, *case)
    return example_plan(engine, case)


def _waiting(plan: Any) -> dict[str, dict[str, Any]]:
    return {w["id"]: w for w in plan_to_goal_document(plan).get("x-waiting-goals", [])}


@pytest.mark.parametrize("case", [*EXAMPLE_NAMES, *REMADE], ids=str)
def test_every_waiting_goal_gives_one_trigger_first(engine, case) -> None:
    plan = _plan(engine, case)
    objectives = {o.id: o for p in plan.problems for o in p.objectives}
    document = plan_to_goal_document(plan)
    assert_valid("goal", document)
    for entry in document.get("x-waiting-goals", []):
        triggers = [k for k in entry if k in TRIGGERS]
        assert triggers, f"{entry['id']} waits with no trigger"
        first = triggers[0]
        objective = objectives[entry["id"]]
        if objective.condition is not None:
            assert first == "condition", entry
        elif entry["phase"] != "now":  # waits for its phase: that is its trigger, held second
            assert first == "starts_when", entry
            assert entry["starts_when"] == objective.starts_when
            assert triggers[1:] in ([], ["held"]), entry
        else:
            assert triggers == ["held"], entry
        if "held" in entry and not entry["held"].startswith("some of its steps"):
            # held only by its own steps (or the log that measures it): never the plan's others
            assert any(
                s.status == "held" and entry["id"] in s.objective_ids
                for p in plan.problems
                for s in p.interventions
            ), entry


def test_the_week_4_rule_comes_first_and_the_flag_second(engine) -> None:
    """ptsd-risky-behaviour: the depression goal waits for the week-4 PHQ-9 review; the open flag
    is a second condition, so that reviewing the flag alone does not start it."""
    plan = example_plan(engine, "ptsd-risky-behaviour.yaml")
    entry = _waiting(plan)["depression-phq9-improvement"]
    assert list(k for k in entry if k in TRIGGERS) == ["starts_when", "held"]
    assert entry["starts_when"] == (
        "Start if the PHQ-9 (every 14 days) has not improved at the week-4 review."
    )
    assert entry["held"] == "until a clinician has reviewed the open risk flag"
    # the same words as the plan's (one source: the phasing entry)
    assert entry["starts_when"] in render_markdown(plan)


def test_the_remade_ipv_phq9_goal_starts_at_the_week_4_review(engine) -> None:
    plan = plan_with_records(engine, "relationships-with-ipv.yaml",
                             "assessed-private-safety-plan-in-place")
    entry = _waiting(plan)["depression-phq9-improvement"]
    assert next(k for k in entry if k in TRIGGERS) == "starts_when"
    assert "week-4 review" in entry["starts_when"]


def test_psychosis_waiting_goals_name_the_liaison(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    waiting = _waiting(plan)
    activities = waiting["depression-scheduled-activities"]
    assert activities["starts_when"].startswith(
        "Starts once the liaison with the psychosis team is done"
    )
    qualities = waiting["self-esteem-positive-qualities-log"]
    assert qualities["starts_when"].startswith("Start when Depression has improved reliably")
    assert qualities["held"].startswith(
        "some of its steps are held until the liaison with the psychosis team"
    )


def test_a_held_log_starts_with_its_diary_in_plain_words(engine) -> None:
    plan = example_plan(engine, "ptsd-risky-behaviour.yaml")
    held = _waiting(plan)["depression-scheduled-activities"]["held"]
    assert held == (
        "starts once the diary or log that measures it starts, after a clinician has reviewed "
        "the open risk flag"
    )
    assert "the log that measures it is held" not in render_goals(plan)


def test_a_goal_whose_own_steps_are_not_held_is_not_held(engine) -> None:
    """The fallback to the plan's other held steps is gone: a goal no held step serves gets no
    held line (clinician read 23, M2)."""
    from planengine.render._plan import held_objective_until

    plan = example_plan(engine, "ptsd-risky-behaviour.yaml")
    served = {i for p in plan.problems for s in p.interventions for i in s.objective_ids
              if s.status == "held"}
    free = [o.id for p in plan.problems for o in p.objectives if o.id not in served]
    assert free
    assert all(held_objective_until(plan, o) is None for o in free)


def test_the_review_lists_waiting_goals_with_their_trigger(engine) -> None:
    plan = example_plan(engine, "ptsd-risky-behaviour.yaml")
    data = yaml.safe_load(render_goals(plan))
    review = review_goals(data, as_of=EXAMPLE_AS_OF)
    waiting = {w.goal_id: w for w in review.waiting}
    assert waiting["depression-phq9-improvement"].triggers[0] == (
        "starts_when", "Start if the PHQ-9 (every 14 days) has not improved at the week-4 review."
    )
    assert "depression-phq9-improvement" not in {g.goal_id for g in review.goals}
    assert review.to_dict()["waiting_goals"][0]["id"] == "safety-plan-completed"


def test_the_fhir_goal_carries_starts_when(engine) -> None:
    plan = example_plan(engine, "ptsd-risky-behaviour.yaml")
    bundle = plan_to_fhir_bundle(plan)
    parts = [
        part
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Goal"
        for extension in entry["resource"].get("extension", ())
        for part in extension.get("extension", ())
        if part["url"] == "startsWhen"
    ]
    assert {"url": "startsWhen",
            "valueString": "Start if the PHQ-9 (every 14 days) has not improved at the week-4 "
                           "review."} in parts
