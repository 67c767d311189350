"""Attack s30, finding 7: after a recorded ``assessed-safety-plan-in-place`` (or ``-updated``),
the plan made again reviews the safety plan in place rather than asking for it "by today" again;
step 4 is worded for a recorded assessment; and the 72-hour follow-up contact is dated from the
record, confirmed at this visit once that date has passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLES
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown, render_patient

SEVERE = "severe-with-risk-flag.yaml"  # PHQ-9 item 9 answered 2 on 2026-11-24
AS_OF = dt.date(2026, 12, 7)
PLAN_OUTCOMES = ("assessed-safety-plan-in-place", "assessed-safety-plan-updated")


def remade(engine: Any, outcome: str, recorded: str, as_of: dt.date = AS_OF) -> Any:
    raw = yaml.safe_load((EXAMPLES / SEVERE).read_text())
    raw["risk_dispositions"] = [
        {"signal": "phq9.item9", "by": "Dr M. Okafor", "date": recorded, "outcome": outcome,
         "next_review": "2026-12-21"}
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=as_of)


def safety(plan: Any) -> Any:
    problem = plan.problems[0]
    assert problem.id == "problem-safety"  # first, whatever is recorded
    return problem


def objective(plan: Any, key: str) -> Any:
    return next(o for o in safety(plan).objectives if o.id == key)


def step(plan: Any, key: str) -> Any:
    return next(s for s in safety(plan).interventions if s.id == key)


@pytest.mark.parametrize("outcome", PLAN_OUTCOMES)
def test_the_safety_plan_in_place_is_reviewed_not_asked_for_again(engine, outcome: str) -> None:
    plan = remade(engine, outcome, "2026-11-30")  # recorded today: read 23, S6 (its own test)
    goal = objective(plan, "safety-plan-completed")
    assert goal.statement.startswith(
        "Review the safety plan in place (recorded 2026-11-30) with the patient"
    )
    assert "Complete a clinician risk assessment" not in goal.statement
    assert "and a written safety plan" not in goal.statement
    assert goal.measure.metric == "safety plan sections reviewed with the clinician"
    built = step(plan, "safety-plan")
    assert built.title == "Review the written safety plan together"
    assert "safety plan in place (recorded 2026-11-30)" in built.description
    assert "write a safety plan" not in built.description
    assert len(built.steps) == 6  # the six sections are still gone through


@pytest.mark.parametrize("outcome", PLAN_OUTCOMES)
def test_step_4_is_worded_for_the_recorded_assessment(engine, outcome: str) -> None:
    option = step(remade(engine, outcome, "2026-12-07"), "safety-specialist-option")
    assert option.description.startswith("If the recorded assessment, or today's review of it, finds")
    assert "If today's assessment" not in option.description


def test_step_4_without_a_record_still_speaks_of_todays_assessment(engine) -> None:
    raw = yaml.safe_load((EXAMPLES / SEVERE).read_text())
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    assert step(plan, "safety-specialist-option").description.startswith(
        "If today's assessment finds"
    )
    assert step(plan, "safety-plan").title == "Build a written safety plan together"


def test_a_record_with_no_safety_plan_still_asks_for_one(engine) -> None:
    plan = remade(engine, "assessed-no-current-risk-identified", "2026-12-07")
    assert "a written safety plan covering all six sections" in objective(
        plan, "safety-plan-completed"
    ).statement
    assert step(plan, "safety-plan").title == "Build a written safety plan together"
    assert objective(plan, "safety-follow-up-contact").due_date == dt.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("recorded", "due"),
    [("2026-12-07", dt.date(2026, 12, 10)), ("2026-12-05", dt.date(2026, 12, 8)),
     ("2026-12-04", dt.date(2026, 12, 7))],
)
def test_the_follow_up_is_dated_from_the_record(engine, recorded: str, due: dt.date) -> None:
    plan = remade(engine, "assessed-safety-plan-in-place", recorded)
    follow = objective(plan, "safety-follow-up-contact")
    assert follow.due_date == due  # 72 hours after the safety plan, not after this visit
    assert follow.statement.endswith(f"by {due.isoformat()}.")
    assert step(plan, "safety-follow-up-contact").title == "Follow-up contact after the safety plan"
    assert f"by {due.isoformat()}, within 72 hours of the safety plan recorded on {recorded}" in (
        step(plan, "safety-follow-up-contact").description
    )


@pytest.mark.parametrize("outcome", PLAN_OUTCOMES)
def test_a_follow_up_date_that_has_passed_is_confirmed_at_this_visit(engine, outcome: str) -> None:
    plan = remade(engine, outcome, "2026-11-24")  # the contact was due 2026-11-27
    follow = objective(plan, "safety-follow-up-contact")
    assert follow.statement.startswith(
        "Confirm the follow-up contact after the safety plan (due 2026-11-27) was made"
    )
    assert follow.due_date == AS_OF  # at this visit, not a new 72-hour task
    assert "2026-12-10" not in follow.statement
    contact = step(plan, "safety-follow-up-contact")
    assert contact.title == "Confirm the follow-up contact after the safety plan"
    assert "was due by 2026-11-27" in contact.description and "within 72 hours" not in (
        contact.description
    )


def test_the_documents_agree_and_repeat_byte_for_byte(engine) -> None:
    plan = remade(engine, "assessed-safety-plan-in-place", "2026-11-24")
    again = remade(engine, "assessed-safety-plan-in-place", "2026-11-24")
    markdown, patient, goals = render_markdown(plan), render_patient(plan), render_goals(plan)
    assert (markdown, patient, goals) == (
        render_markdown(again), render_patient(again), render_goals(again)
    )
    assert "Review the written safety plan together" in markdown
    assert "Build a written safety plan" not in markdown
    assert "If today's assessment finds" not in markdown
    assert "You and your clinician will go over your safety plan together today." in patient
    assert "write a safety plan together today" not in patient
    assert (
        "Today your clinician will ask whether you had the call after your safety plan was made, "
        "and go over the plan with you. Your next contact: ____ (within a week)." in patient
    )  # clinician read 21, S4: the patient is in the room, so no call "today"
    assert "they will call you" not in patient
    assert "will contact you (a call is enough) by" not in patient  # no new 72-hour promise
    assert "no risk" not in (markdown + patient + goals).lower()


@pytest.mark.parametrize("outcome", PLAN_OUTCOMES)
def test_a_record_from_last_week_is_not_called_todays_assessment(engine, outcome: str) -> None:
    """Clinician read 21, M1: the risk statement gives a recorded assessment its real date."""
    plan = remade(engine, outcome, "2026-11-30")
    assert (  # restarted after today's review, not on the old record (read 23, S5)
        "the clinician's risk assessment of 30 November 2026 is recorded below and reviewed with "
        "the patient at this visit; the self-help steps the flag held start once today's review "
        "of the recorded risk assessment (and of its safety plan, where one was made) finds no "
        "change, and the safety "
        "plan and follow-up stay due." in plan.risk_statement
    )
    assert "assessment today" not in plan.risk_statement
    assert "assessment today" not in render_markdown(plan)


def test_a_record_made_today_is_todays_assessment(engine) -> None:
    plan = remade(engine, "assessed-safety-plan-in-place", "2026-12-07")
    assert "the clinician's risk assessment today is recorded below" in plan.risk_statement
    assert "30 November" not in plan.risk_statement


def _recorded_review(engine: Any, example: str, signal: str, outcome: str, recorded: str,
                     review: str) -> Any:
    raw = yaml.safe_load((EXAMPLES / example).read_text())
    raw["risk_dispositions"] = [
        {"signal": signal, "by": "Dr M. Okafor", "date": recorded, "outcome": outcome,
         "next_review": review}
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


@pytest.mark.parametrize(
    ("example", "signal", "outcome", "recorded", "review"),
    [
        (SEVERE, "phq9.item9", "assessed-safety-plan-in-place", "2026-11-30", "2026-12-14"),
        ("relationships-with-ipv.yaml", "intimate-partner-violence",
         "assessed-private-safety-plan-in-place", "2026-11-20", "2026-12-18"),
    ],
)
def test_the_flags_recorded_review_is_scheduled(
    engine, example: str, signal: str, outcome: str, recorded: str, review: str
) -> None:
    """Clinician read 21, S3: the clinician's next review of the flag is a dated objective, and
    the patient copy's next review is the earlier of it and the goals' own review."""
    plan = _recorded_review(engine, example, signal, outcome, recorded, review)
    due = dt.date.fromisoformat(review)
    flag_review = objective(plan, "safety-flag-review")
    assert flag_review.statement == (  # by its kind (clinician read 22, S3, S4)
        "Review the partner-violence flag privately, one to one with no partner or family member "
        "present (immediate danger, any change, safe contact, homework storage), by "
        f"{review}; then at each visit."
        if "ipv" in example
        else "Review the risk flag formally (direct question, safety plan, disposition recorded) "
        f"by {review}; between reviews, item 9 and the safety plan are checked at every contact."
    )
    assert flag_review.due_date == due and flag_review.review_date == due
    later = [o.review_date for p in plan.problems[1:] for o in p.objectives]
    assert later and min(later) > due  # the plan's own review comes after the clinician's date
    patient = render_patient(plan)
    long = f"{due.day} December 2026"
    assert f"Next review: on or before {long}." in patient
    if "ipv" in example:  # the copy stays private
        assert not any(w in patient.lower() for w in ("abuse", "partner", "violence", "risk flag"))


def test_a_recorded_no_is_asked_again_once_not_twice(engine) -> None:
    """The "asked again" objective of a recorded "no" already uses the flag's next review."""
    raw = yaml.safe_load((EXAMPLES / "screens-and-wellbeing.yaml").read_text())
    raw["risk_dispositions"] = [
        {"signal": "risk-unknown", "by": "Dr M. Okafor", "date": "2026-11-19",
         "outcome": "assessed-no-current-risk-identified", "next_review": "2026-12-17"}
    ]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    ids = [o.id for o in safety(plan).objectives]
    assert "safety-risk-asked" in ids and "safety-flag-review" not in ids
