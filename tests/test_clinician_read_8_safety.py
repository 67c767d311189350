"""Scenario tests for the safety items of the clinician's read 8: each fails without its fix.

* N3: PHQ-9 item 9 left blank, or endorsed only before a later answer that did not endorse it,
  keeps the flag and the safety step first, but the step asks today; the safety plan and the
  72-hour follow-up are conditional goals, listed (not reviewed) in the goal file with their
  condition. A current endorsement or risk words keep the full bundle.
* S2: the help box once per copy; the PHQ-9 at every contact while a suicide-risk flag is open;
  "checked each day until it is done", not "review every day (first ...)"; specialist care
  (step 4) as an option for the clinician.
* S8: PCL-5 item 16 alone: the conditional safety plan and follow-up, and the AUDIT-C asked when
  no alcohol measure was given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_helpers import all_objectives, all_steps, assert_valid
from plan_helpers import example_plan as _example
from planengine import Assessment
from planengine.plan._safety import enforce
from planengine.render._plan import plan_to_goal_document, render_markdown, render_patient
from planengine.review import review_goals

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
ASK_TODAY = "Your clinician will ask you some questions about how you have been feeling today."
WRITE_TODAY = "You and your clinician will write a safety plan together today"
CONDITIONAL = ("safety-plan-completed", "safety-follow-up-contact")


def _plan(engine, phq9: list[list[int | None]], goals: list[str] | None = None, **responses: Any):
    """A plan from PHQ-9s given a week apart (oldest first), and other responses."""
    first = AS_OF - dt.timedelta(days=7 * len(phq9))
    entries = [
        {"instrument": "phq9", "date": (first + dt.timedelta(days=7 * i)).isoformat(), "answers": a}
        for i, a in enumerate(phq9)
    ]
    entries += [
        {"instrument": name, "date": (AS_OF - dt.timedelta(days=3)).isoformat(), "answers": a}
        for name, a in responses.items()
    ]
    raw: dict[str, Any] = {"planengine": 1, "patient": {"id": "P-1"}, "responses": entries}
    if goals:
        raw["context"] = {"patient_goals": goals}
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _safety(data: dict[str, Any]) -> dict[str, Any]:
    first = data["problems"][0]
    assert first["id"] == "problem-safety"  # the safety step stays first, whatever the mode
    return first


def _objectives(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in _safety(data)["objectives"]}


MODERATE = [2, 2, 1, 1, 1, 2, 1, 1]  # items 1-8, PHQ-9 total 11 before item 9


@pytest.mark.parametrize("example", ["missing-item9.json", "old-item9-history.yaml"])
def test_blank_or_old_item9_asks_today_and_makes_the_safety_plan_conditional(
    engine, example
) -> None:
    plan = _example(engine, example)
    data = plan.to_dict()
    assert [f["kind"] for f in data["risk"]["flags"]] in (["risk-unknown"], ["suicidal-ideation"])
    objectives = _objectives(data)
    assert objectives["safety-risk-asked"].get("condition") is None  # asked today, due today
    assert objectives["safety-risk-asked"]["due_date"] == AS_OF.isoformat()
    for key in CONDITIONAL:
        assert (
            "PHQ-9 item 9 is endorsed when asked today, or the clinician is concerned"
            in (objectives[key]["condition"])
        )
    assert objectives["safety-follow-up-contact"]["due_date"] == "2026-12-10"
    steps = {s["id"]: s for s in _safety(data)["interventions"]}
    assert steps["safety-risk-assessment"]["title"].startswith("Ask about suicidal thoughts today")
    assert steps["safety-plan"]["title"].startswith("If PHQ-9 item 9 is endorsed")
    assert "safety-specialist-option" not in steps  # the option follows a current endorsement
    assert_valid("plan", data)

    copy = render_patient(plan)
    assert ASK_TODAY in copy and WRITE_TODAY not in copy
    assert "If you and your clinician write a safety plan today, your clinician" in copy
    assert copy.count("If you feel unsafe") == 1


@pytest.mark.parametrize("example", ["missing-item9.json", "old-item9-history.yaml"])
def test_the_goal_file_lists_the_conditional_goals_with_their_condition_not_as_goals(
    engine, example
) -> None:
    plan = _example(engine, example)
    document = plan_to_goal_document(plan)
    assert_valid("goal", document)
    goals = [g["id"] for g in document["goals"]]
    assert goals[0] == "safety-risk-asked"
    assert not set(goals) & set(CONDITIONAL)
    waiting = {w["id"]: w for w in document["x-waiting-goals"]}
    for key in CONDITIONAL:
        assert waiting[key]["condition"].startswith("if PHQ-9 item 9 is endorsed")
        assert waiting[key]["due_date"] in ("2026-12-07", "2026-12-10")
    # a week later the review calls the visit's own task overdue, never the conditional goals
    review = review_goals(document, as_of=AS_OF + dt.timedelta(days=7))
    reviewed = [g.goal_id for g in review.goals]
    assert "safety-risk-asked" in reviewed and not set(reviewed) & set(CONDITIONAL)
    assert review.open_flags  # the flag stays open for a clinician to close


@pytest.mark.parametrize(
    ("history", "goals"),
    [
        ([[*MODERATE, 2]], None),  # item 9 endorsed now
        ([[*MODERATE, 0], [*MODERATE, 1]], None),  # endorsed in the latest answer
        ([[*MODERATE, 2], [*MODERATE, None]], None),  # endorsed, then left blank: still current
        ([[*MODERATE, None]], ["I want to kill myself"]),  # blank, with risk words
        ([[*MODERATE, 2], [*MODERATE, 0]], ["I want to kill myself"]),  # old, with risk words
    ],
)
def test_a_current_endorsement_or_risk_words_keep_the_full_bundle(engine, history, goals) -> None:
    plan = _plan(engine, history, goals)
    data = plan.to_dict()
    objectives = _objectives(data)
    assert "safety-risk-asked" not in objectives
    assert all(objectives[key].get("condition") is None for key in CONDITIONAL)
    assert objectives["safety-plan-completed"]["due_date"] == AS_OF.isoformat()
    steps = {s["id"] for s in _safety(data)["interventions"]}
    assert {"safety-risk-assessment", "safety-plan", "safety-follow-up-contact"} <= steps
    assert "safety-specialist-option" in steps
    document = plan_to_goal_document(plan)
    assert set(CONDITIONAL) <= {g["id"] for g in document["goals"]}
    copy = render_patient(plan)
    assert WRITE_TODAY in copy and ASK_TODAY not in copy
    assert "Your clinician (name: __________) will contact you" in copy


def test_severe_with_current_item9_is_unchanged_but_for_step4_and_measurement(engine) -> None:
    plan = _example(engine, "severe-with-risk-flag.yaml")
    data = plan.to_dict()
    option = next(s for s in all_steps(data) if s["id"] == "safety-specialist-option")
    assert option["area"] == "safety" and option["delivery"] == "clinician-led"
    assert "crisis (home treatment) team" in option["description"]
    assert "secondary mental health care" in option["description"]
    assert {c.split(":")[0] for c in option["citations"]} >= {"S1", "S3"}
    # the PHQ-9 at every contact while the flag is open; its review interval stays the usual 14 days
    phq9 = next(o for o in all_objectives(data) if o["measure"].get("instrument") == "phq9")
    assert phq9["measured_each_contact"] is True and phq9["review_interval_days"] == 14
    copy = render_patient(plan)
    assert "(PHQ-9): for now, at every appointment or call with your clinician" in copy
    assert "(PHQ-9): every 14 days" not in copy
    assert "(ISI): every 14 days" in copy  # no risk item: its own interval
    # the option is for the clinician, never on the patient's copy
    assert "specialist mental health care" not in copy.lower()


def test_without_a_suicide_flag_the_phq9_keeps_its_interval(engine) -> None:
    plan = _example(engine, "moderate-phq9-gad7-isi.yaml")
    assert not any(o.get("measured_each_contact") for o in all_objectives(plan.to_dict()))
    assert "(PHQ-9): every 14 days" in render_patient(plan)


@pytest.mark.parametrize(
    "example",
    [
        "severe-with-risk-flag.yaml",
        "ptsd-risky-behaviour.yaml",
        "suicidal-words-in-goals.yaml",
        "missing-item9.json",
        "old-item9-history.yaml",
    ],
)
def test_help_box_once_and_safety_tasks_are_checked_each_day_not_reviewed(engine, example) -> None:
    plan = _example(engine, example)
    assert render_patient(plan).count("If you feel unsafe") == 1
    clinician = render_markdown(plan)
    assert "review every day" not in clinician
    assert "checked each day until it is done" in clinician


def test_risky_behaviour_alone_gets_conditional_safety_goals_and_the_audit_c(engine) -> None:
    plan = _example(engine, "ptsd-risky-behaviour.yaml")
    data = plan.to_dict()
    assert [f["kind"] for f in data["risk"]["flags"]] == ["risky-behaviour"]
    objectives = _objectives(data)
    assert next(iter(objectives)) == "safety-behaviour-reviewed"
    for key in CONDITIONAL:
        assert objectives[key]["condition"].startswith("if the review of the behaviour finds")
        assert objectives[key]["addresses"] == ["risk-1"]
    assert objectives["safety-alcohol-asked"]["due_date"] == AS_OF.isoformat()
    steps = {s["id"]: s for s in _safety(data)["interventions"]}
    assert "AUDIT-C" in steps["safety-alcohol-questions"]["description"]
    assert {"safety-plan", "safety-follow-up-contact"} <= set(steps)
    assert "safety-risk-assessment" not in steps  # no suicide-risk flag: the review asks first
    document = plan_to_goal_document(plan)
    assert {w["id"] for w in document["x-waiting-goals"]} >= set(CONDITIONAL)
    copy = render_patient(plan)
    assert WRITE_TODAY not in copy
    assert "If you and your clinician write a safety plan today" in copy


def test_risky_behaviour_with_an_alcohol_measure_does_not_ask_the_audit_c_again(engine) -> None:
    pcl5 = [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 2, 2, 2, 1, 2, 3, 3, 3, 2, 3]
    plan = _plan(engine, [[1, 1, 2, 2, 1, 1, 1, 0, 0]], pcl5=pcl5, **{"audit-c": [1, 0, 0]})
    ids = {s["id"] for s in all_steps(plan.to_dict())}
    assert "safety-behaviour-review" in ids and "safety-alcohol-questions" not in ids


def test_no_hook_can_remove_the_ask_today_step(engine) -> None:
    plan = _example(engine, "missing-item9.json")
    draft = type("Draft", (), {})()
    draft.problems = list(plan.problems[1:])  # a plugin dropped the safety problem
    draft.notices = []
    enforce(draft, plan.risk_flags, AS_OF)
    first = draft.problems[0]
    assert first.id == "problem-safety"
    assert {"safety-risk-assessment", "safety-plan"} <= {s.id for s in first.interventions}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=1, max_size=4))
def test_the_plan_is_conditional_exactly_when_the_latest_given_answer_is_not_endorsed(
    engine, item9
) -> None:
    plan = _plan(engine, [[*MODERATE, value] for value in item9])
    given_answers = [v for v in item9 if v is not None]
    flagged = any(v is None or v >= 1 for v in item9)
    data = plan.to_dict()
    if not flagged:
        assert not data["risk"]["flags"]
        return
    objectives = _objectives(data)
    conditional = objectives["safety-plan-completed"].get("condition") is not None
    assert conditional == (not given_answers or given_answers[-1] == 0)
    assert ("safety-risk-asked" in objectives) == conditional
    assert "safety-plan" in {s["id"] for s in _safety(data)["interventions"]}


def test_fhir_goals_keep_the_condition_and_the_review_lists_them_as_waiting(engine) -> None:
    import json

    from planengine import load_assessment
    from planengine.fhir import plan_to_fhir_bundle, resources_of, review_inputs_from_fhir

    assessment = load_assessment(EXAMPLES / "missing-item9.json")
    plan = engine.plan(assessment, as_of=AS_OF)
    bundle = plan_to_fhir_bundle(plan, assessment=assessment)
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    conditions = {
        part["valueString"]
        for goal in goals
        for extension in goal.get("extension", ())
        for part in extension.get("extension", ())
        if part.get("url") == "condition"
    }
    assert len(conditions) == 1 and next(iter(conditions)).startswith("if PHQ-9 item 9")
    (found,) = review_inputs_from_fhir(resources_of(json.dumps(bundle)))
    review = found.review(as_of=AS_OF + dt.timedelta(days=7)).review
    reviewed = {g.goal_id for g in review.goals}
    assert "safety-risk-asked" in reviewed and not reviewed & set(CONDITIONAL)


def test_the_copy_words_a_rule_made_clinician_step_for_the_patient(engine) -> None:
    """The step "Ask the patient to answer item 9 of the PHQ-9, then score it again" is the
    clinician's; the copy says in the patient's words what will happen, once."""
    plan = _example(engine, "missing-item9.json")
    steps = [s for s in all_steps(plan.to_dict()) if s["title"].startswith("Ask the patient")]
    assert steps and all(s["provenance"]["source"] == "rule:findings.next-step" for s in steps)
    copy = render_patient(plan)
    assert "Ask the patient" not in copy and "score it again" not in copy
    assert copy.count("Your clinician will ask you the questions that were left out") == 1
    # a rule-made step whose title has a plain version keeps that plainer, fuller title
    drinking = render_patient(_example(engine, "alcohol-anxiety-sleep.yaml"))
    assert "Talk about drinking and your other goals" in drinking
    assert "were left out" not in drinking
