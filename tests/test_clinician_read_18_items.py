"""Scenario tests for clinician read 18, N1-N4. Each fails without its fix.

* N1 + N2: where a risk was reported (an endorsed item 9, an old endorsement, risk words), the
  self-help the flag held had no same-day release: it now starts once the clinician's
  assessment today is recorded (a current disposition of the flag, unless it is a referral for
  urgent care, after which routine self-help waits for the urgent service), the flag staying open for monitoring with the safety plan and follow-up due; the patient copy says
  so in read 18's words, and the risk-unknown copies no longer promise a start that depends on
  the answer.
* N4: the relaxation objective whose every practice step is held had no held mark (a clinician's
  check-ins served it too).
* N3: the cardiac plan cited the ISI scoring page (R8) for its PHQ-9 rule.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest
import yaml

import planengine
from plan_helpers import (
    EXAMPLE_AS_OF,
    EXAMPLES,
    all_objectives,
    example_plan,
    held_by_safety,
    plan_with_records,
)
from planengine import Assessment, Engine
from planengine.render._plan import render_markdown, render_patient

REPORTED_RISK = (
    "severe-with-risk-flag.yaml",
    "suicidal-words-in-goals.yaml",
    "old-item9-history.yaml",
)
#: read 18's words for safety step 1 where a risk was reported, kept whole
REPLAN = (
    "When the risk assessment (and the safety plan, if one is made) is done today, the clinician "
    "records it and makes the plan again: the flag stays open for monitoring, and the held steps "
    "start today unless the clinician records a reason to keep one held. Print the patient copy "
    "from the plan made again."
)
AFTER_SAFETY_CHECK = "(your clinician will tell you today, after your safety check, whether this starts now)"
AFTER_QUESTIONS = "(your clinician will tell you today whether this starts now)"  # read 23, S1
OUTCOMES = (
    "assessed-safety-plan-in-place",
    "assessed-safety-plan-updated",
    "assessed-no-current-risk-identified",
)


def _raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_a_reported_risk_says_how_the_hold_ends_today(engine, name: str) -> None:
    plan = example_plan(engine, name)
    assert held_by_safety(plan)
    first = plan.problems[0]
    assessment = next(s for s in first.interventions if s.id == "safety-risk-assessment")
    assert REPLAN in assessment.description
    codes = {n.code: n.message for n in plan.notices}
    assert codes["safety.ask-before-printing"].startswith(
        "Complete the risk assessment before printing the patient copy"
    )
    copy = render_patient(plan)
    assert AFTER_SAFETY_CHECK in copy
    assert "(on hold for now; your clinician will tell you when it starts)" not in copy
    assert "(Held until today's risk assessment is recorded; then these dates apply.)" in (
        render_markdown(plan)
    )


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("name", REPORTED_RISK)
def test_a_recorded_assessment_releases_the_hold_and_keeps_the_flag(
    engine, name: str, outcome: str
) -> None:
    plan = plan_with_records(engine, name, outcome)
    assert not held_by_safety(plan)
    assert plan.risk_flags and all(f.status == "dispositioned" for f in plan.risk_flags)
    assert plan.problems[0].id == "problem-safety"
    data = plan.to_dict()
    ids = {o["id"]: o for o in all_objectives(data)}
    # the safety plan and its follow-up stay due, unconditionally (the risk was reported)
    for key in ("safety-plan-completed", "safety-follow-up-contact"):
        assert key in ids and not ids[key].get("condition")
    # still measured at every contact while the flag is open for monitoring
    assert any(o.get("measured_each_contact") for o in ids.values())
    statement = data["risk"]["statement"]
    # counted as the status says (attack s30, 8): open none, dispositioned all, on record
    count = len(plan.risk_flags)
    assert statement.startswith(  # one state, said once after the count (read 21, S2)
        f"{count} risk flag{'' if count == 1 else 's'} on record, assessed by the clinician (kept "
        "under review)"
    )
    assert "0 open" not in statement
    assert "no risk" not in statement.lower()
    assert "safety.ask-before-printing" not in {n.code for n in plan.notices}
    copy = render_patient(plan)
    assert AFTER_SAFETY_CHECK not in copy
    assert "no risk" not in copy.lower()


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_a_referral_for_urgent_care_keeps_routine_self_help_held(engine, name: str) -> None:
    plan = plan_with_records(engine, name, "assessed-referred-for-urgent-care")
    assert held_by_safety(plan)
    assert plan.problems[0].id == "problem-safety"
    assert "safety.ask-before-printing" not in {n.code for n in plan.notices}
    copy = render_patient(plan)
    assert AFTER_SAFETY_CHECK not in copy
    assert "no risk" not in copy.lower()


def _saboteur() -> types.SimpleNamespace:
    def adjust_plan(plan, context):
        plan.problems[:] = [p for p in plan.problems if p.area != "safety"]

    return types.SimpleNamespace(
        PLUGIN_NAME="saboteur", adjust_plan=planengine.hookimpl(adjust_plan)
    )


def test_a_plugin_cannot_remove_the_safety_step_once_the_hold_is_released() -> None:
    engine = Engine(plugins=[_saboteur()])
    plan = plan_with_records(engine, "severe-with-risk-flag.yaml", "assessed-safety-plan-in-place")
    assert plan.problems[0].id == "problem-safety"
    assert {"safety-plan", "safety-risk-assessment"} <= {
        s.id for s in plan.problems[0].interventions
    }


def test_an_assessment_of_one_flag_only_keeps_the_hold(engine) -> None:
    """A reported risk with no record of its own keeps the self-help held."""
    raw = _raw("severe-with-risk-flag.yaml")
    raw["risk_dispositions"] = [
        {
            "signal": "risk-unknown",  # names no flag of this plan
            "by": "Dr A. Clinician",
            "date": EXAMPLE_AS_OF.isoformat(),
            "outcome": "assessed-safety-plan-in-place",
            "next_review": (EXAMPLE_AS_OF + dt.timedelta(days=14)).isoformat(),
        }
    ]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)
    assert held_by_safety(plan)


@pytest.mark.parametrize(
    "name", ("alcohol-anxiety-sleep.yaml", "screens-and-wellbeing.yaml", "missing-item9.json")
)
def test_the_risk_unknown_copy_starts_today_unless_agreed_otherwise(engine, name: str) -> None:
    copy = render_patient(example_plan(engine, name))
    assert AFTER_QUESTIONS in copy
    assert "Your clinician will tell you today whether to start these now." in copy  # read 23, S1
    assert "(this starts once your clinician has asked you some questions today)" not in copy


def test_the_held_relaxation_goal_is_marked_held(engine) -> None:
    plan = example_plan(engine, "alcohol-anxiety-sleep.yaml")
    goal = next(o for o in all_objectives(plan.to_dict()) if o["id"] == "anxiety-relaxation-practice")
    assert goal.get("held") is True
    front = render_markdown(plan).split("## Appendix A", 1)[0]
    line = next(x for x in front.splitlines() if "Practise relaxation when calm" in x)
    assert line.endswith(
        "(Held until the risk question is asked today and answered 'not at all' with no clinician "
        "concern (if it is endorsed, until the clinician's risk assessment is recorded); then these "
        "dates apply.)"
    )
    copy = render_patient(plan)
    line = next(x for x in copy.splitlines() if "Practise relaxation when calm" in x)
    assert line.endswith(f"{AFTER_QUESTIONS}.")
    assert "by 6 January 2027" not in line


def test_the_cardiac_plan_cites_no_insomnia_page(engine) -> None:
    text = render_markdown(example_plan(engine, "lifestyle-stress-cardiac.yaml"))
    note = next(x for x in text.splitlines() if x.startswith("- DN-questionnaire-today:"))
    assert "R8" not in note and "R1" in note
    assert "- R8:" not in text
