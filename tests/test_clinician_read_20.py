"""Clinician read 20's five SHOULD items, on the re-made inputs (an example with the clinician's
disposition appended, as ``/work/gen_remade.sh`` makes them):

* S1: after a referral for urgent care the copy's sessions say they are agreed again with the
  urgent service, and every held step reads as held in the copy (by its ``hold``); the plan's
  course reads "Now (contact continues; ...)";
* S2: held sleep rules' heading names the urgent service, as the plan holds them;
* S3: the urgent service's contact is confirmed by the next working day (configurable), and the
  copy prints the same date;
* S4: a risk flag after a recorded "no" reads "on record", never "open" nor "closed";
* S5: the conditional safety plan and follow-up after a recorded "no" are due the same day as
  the condition, never on a date already past, and a review never calls them overdue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from plan_helpers import EXAMPLE_AS_OF, all_objectives, example_plan, plan_with_records
from planengine import Engine, check_goals
from planengine._errors import ConfigError
from planengine.io._plan_config import engine_config_from_mapping
from planengine.plan._safety_on_record import ON_RECORD_REASON
from planengine.plan._safety_today import URGENT_CONTACT, working_days_after
from planengine.plan._settings import EngineConfig
from planengine.render._patient_words import plain_title
from planengine.render._plan import plan_to_goal_document, render_markdown, render_patient
from planengine.render._words import patient_text, words_data
from planengine.review import review_goals
from test_clinician_read_17_same_visit import RISK_UNKNOWN, _disposed, _plan
from test_clinician_read_18_items import REPORTED_RISK, _raw

URGENT = "assessed-referred-for-urgent-care"
NO_RISK = "assessed-no-current-risk-identified"
#: the copy while the urgent service is awaited (clinician read 23, S3)
NEXT_STEPS = "Once the urgent service has seen you, we will plan the next steps together."
COURSE_NOW = (
    "Now (contact continues; course content to be agreed again with the urgent service once it "
    "has seen the patient)"
)
#: the reader's words (read 20, S5)
SAME_DAY = "then due the same day."
AFTER_SAFETY_PLAN = "then due within 72 hours of it."
#: the follow-up's own condition and wait, in the reader's words (read 21, S5)
FOLLOW_UP_WHEN = "Only if a safety plan is made; then due within 72 hours of it."


def _sessions(copy: str) -> str:
    return copy.split("## Your sessions", 1)[1].split("\n## ", 1)[0]


def _held_session_lines(plan: Any) -> list[tuple[str, str]]:
    """Each held step that the copy lists among the sessions, with its line there."""
    sessions = _sessions(render_patient(plan))
    out = []
    for problem in plan.to_dict()["problems"]:
        for step in problem["interventions"]:
            if step["status"] != "held" or step["delivery"] == "self-guided":
                continue
            lead = f"**{plain_title(step['title'])}:**"
            line = next((ln for ln in sessions.splitlines() if ln.startswith(f"- {lead}")), None)
            if line is not None:
                out.append((step["hold"], line))
    return out


# S1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_after_an_urgent_referral_the_copy_leaves_the_routine_plan_for_later(
    engine, name: str
) -> None:
    """Read 20, S1 said the sessions are agreed again with the urgent service; read 23, S3 asked
    for less: while a person waits for a crisis team the copy holds the crisis box, the safety
    plan, the urgent service's contact and the follow-up call, and one sentence for the rest."""
    copy = render_patient(plan_with_records(engine, name, URGENT))
    assert NEXT_STEPS in copy
    for gone in ("## Your sessions", "## What to do each week", "## Your goals", "Rules to follow"):
        assert gone not in copy, gone
    for kept in ("## If you need help now", "## Keeping safe", "## Your next appointment"):
        assert kept in copy, kept
    # only then: a plan with no referral keeps its routine part
    other = render_patient(plan_with_records(engine, name, NO_RISK))
    assert NEXT_STEPS not in other and "## Your sessions" in other


@pytest.mark.parametrize("outcome", [None])
@pytest.mark.parametrize("name", REPORTED_RISK)
def test_every_held_session_reads_as_held_by_its_hold(
    engine, name: str, outcome: str | None
) -> None:
    plan = example_plan(engine, name) if outcome is None else plan_with_records(engine, name, outcome)
    held = _held_session_lines(plan)
    if name == "severe-with-risk-flag.yaml":  # the one with a held session: never vacuous
        assert held
    for hold, line in held:
        suffix = words_data()["patient"]["hold"]  # the renderer's own map, not a copy of it
        marker = patient_text(f"goal_held{suffix.get(hold, '')}").rstrip(".")
        assert line.endswith(f"{marker}."), line


def test_the_urgent_plans_course_says_its_contact_continues(engine) -> None:
    text = render_markdown(plan_with_records(engine, "severe-with-risk-flag.yaml", URGENT))
    line = next(
        ln for ln in text.splitlines() if ln.startswith("5. **Behavioural activation sessions:**")
    )
    assert line.endswith(f"{COURSE_NOW}.")
    assert f"**When:** {COURSE_NOW}" in text  # and in Appendix A
    assert "contact continues" not in render_markdown(
        plan_with_records(engine, "severe-with-risk-flag.yaml", NO_RISK)
    )


# S2 ------------------------------------------------------------------------------------------


def test_held_sleep_rules_are_held_for_the_urgent_service_and_left_off_the_copy(engine) -> None:
    plan = plan_with_records(engine, "severe-with-risk-flag.yaml", URGENT)
    rules = [
        s
        for p in plan.to_dict()["problems"]
        for s in p["interventions"]
        if s["id"] in ("sleep-stimulus-control", "sleep-hygiene")
    ]
    assert rules and all(s["status"] == "held" and s["hold"] == "urgent-care" for s in rules)
    copy = render_patient(plan)
    assert "Rules to follow" not in copy and NEXT_STEPS in copy  # clinician read 23, S3


# S3 ------------------------------------------------------------------------------------------


def test_working_days_skip_the_weekend() -> None:
    friday = dt.date(2026, 12, 11)
    assert working_days_after(friday, 1) == dt.date(2026, 12, 14)
    assert working_days_after(EXAMPLE_AS_OF, 1) == dt.date(2026, 12, 8)  # a Monday
    assert working_days_after(EXAMPLE_AS_OF, 5) == dt.date(2026, 12, 14)


def _urgent_on(engine: Engine, name: str, day: dt.date) -> Any:
    return plan_with_records(engine, name, URGENT, day)


@pytest.mark.parametrize(
    ("day", "days", "due"),
    [
        (EXAMPLE_AS_OF, 1, "2026-12-08"),  # the default: the next working day
        (dt.date(2026, 12, 11), 1, "2026-12-14"),  # a Friday referral: the Monday
        (EXAMPLE_AS_OF, 3, "2026-12-10"),  # a clinic's own pathway
    ],
)
def test_the_urgent_contact_is_due_by_the_configured_working_day(
    day: dt.date, days: int, due: str
) -> None:
    engine = Engine(strict=True, config=EngineConfig(urgent_contact_working_days=days))
    plan = _urgent_on(engine, "severe-with-risk-flag.yaml", day)
    objective = next(o for o in all_objectives(plan.to_dict()) if o["id"] == URGENT_CONTACT)
    assert objective["due_date"] == due
    assert objective["statement"] == f"Urgent service contact confirmed, by {due}."
    step = next(s for s in plan.problems[0].interventions if s.id == "safety-specialist-option")
    assert (
        f"the person was seen by {due}; if the service has not seen the patient by that date, or the patient cannot be reached, act the same day"
        in step.description
    )
    # the copy gives the same date the plan checks (not a blank the clinician fills in)
    long = f"{int(due[8:])} December 2026"
    assert f"They should contact you by {long}." in render_patient(plan)


def test_the_urgent_contact_days_are_a_checked_setting() -> None:
    assert EngineConfig().urgent_contact_working_days == 1
    read = engine_config_from_mapping({"plan": {"urgent-contact-working-days": 2}})
    assert read.urgent_contact_working_days == 2
    for bad in (0, 11, True, "1"):
        with pytest.raises(ConfigError, match="urgent"):
            EngineConfig(urgent_contact_working_days=bad)


# S4 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_no_shipped_plan_says_the_flag_is_closed(engine, name: str) -> None:
    plan = example_plan(engine, name)
    text = render_markdown(plan)
    assert not re.search(r"flag is closed|closes the flag", text)
    assert (
        "the clinician records that outcome; the held steps start today and the question is asked again at the flag's next review"
        in text
    )


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_after_a_recorded_no_the_flag_reads_on_record(engine, name: str) -> None:
    plan = _plan(engine, _disposed(name, NO_RISK))
    data = plan.to_dict()
    safety = data["problems"][0]
    assert safety["area"] == "safety"  # first, and the core's (no plugin can remove it)
    assert (
        safety["title"]
        == "Safety: risk flag on record (assessed 2026-12-07; asked again by 2026-12-21)"
    )
    assert safety["ordering"]["reason"] == ON_RECORD_REASON
    text = render_markdown(plan)
    assert (
        "| 1 | Safety: risk flag on record (assessed 7 December 2026; asked again by 21 December "
        f"2026) | Now | {ON_RECORD_REASON} |" in text
    )
    assert "open risk flag" not in text.split("## Scores", 1)[1].split("## 2.", 1)[0]
    assert "no risk" not in text.lower()
    # a flag still open keeps its title and reason
    open_plan = example_plan(engine, name).to_dict()
    assert open_plan["problems"][0]["title"] == "Safety: open risk flag"
    assert open_plan["problems"][0]["ordering"]["reason"] != ON_RECORD_REASON


# S5 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_after_a_recorded_no_the_conditional_goals_are_due_with_their_condition(
    engine, name: str
) -> None:
    plan = _plan(engine, _disposed(name, NO_RISK))
    objectives = {o["id"]: o for o in all_objectives(plan.to_dict())}
    for key in ("safety-plan-completed", "safety-follow-up-contact"):
        assert objectives[key]["condition"]
        assert EXAMPLE_AS_OF.isoformat() not in objectives[key]["statement"]
        assert "2026-12-10" not in objectives[key]["statement"]
    assert objectives["safety-plan-completed"]["statement"].endswith("the same day.")
    assert objectives["safety-follow-up-contact"]["statement"].endswith("within 72 hours of it.")
    text = render_markdown(plan)
    # each objective its own wait, on the front page and in Appendix A (review s30, 4)
    assert text.count(SAME_DAY) == 2 and text.count(AFTER_SAFETY_PLAN) == 2
    # the follow-up is due after the safety plan, on its own condition (read 21, S5)
    assert FOLLOW_UP_WHEN in text and "Only if a safety plan is made: then due within 72" in text
    assert "risk question; then due within 72" not in text
    assert "then due 7 December 2026" not in text and "then due 10 December 2026" not in text
    # the copy gives no date for a follow-up that starts only with a safety plan made later
    copy = render_patient(plan)
    assert patient_text("next_follow_up_if_later") in copy
    assert "write a safety plan today" not in copy and "by 10 December 2026" not in copy
    # a condition settled at this visit keeps its date (the question asked today)
    before = render_markdown(_plan(engine, _disposed(name, URGENT)))
    assert SAME_DAY not in before and AFTER_SAFETY_PLAN not in before


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_the_conditional_goals_are_never_overdue_in_a_review(engine, name: str) -> None:
    plan = _plan(engine, _disposed(name, NO_RISK))
    document = plan_to_goal_document(plan)
    waiting = {g["id"] for g in document.get("x-waiting-goals", ())}
    assert {"safety-plan-completed", "safety-follow-up-contact"} <= waiting
    review = review_goals(document, as_of=EXAMPLE_AS_OF + dt.timedelta(days=14), autoload=False)
    reviewed = {g.goal_id for g in review.goals}
    assert not reviewed & {"safety-plan-completed", "safety-follow-up-contact"}
    # and the safety goals of the goals output are SMART-lint clean on its day (the re-made
    # screens plan's whole file is: the re-made cardiac plan's breathing goal, no longer held,
    # has a warning of its own, S102, that this change did not make)
    found = check_goals(document, as_of=EXAMPLE_AS_OF, autoload=False)
    loud = [f for f in found if f.severity in ("error", "warning")]
    if name == "screens-and-wellbeing.yaml":
        assert not loud, loud
    assert not [f for f in loud if (f.goal_id or "").startswith("safety-")], loud


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_a_goal_met_only_later_carries_no_date_that_will_have_passed(engine, name: str) -> None:
    """Review s30, 3: after a recorded "no", the safety plan and its follow-up are due days
    after their condition is met (0 and 3), in the plan's JSON and in the goal file, which
    gives no due date for them at all (a date by then passed)."""
    plan = _plan(engine, _disposed(name, NO_RISK))
    objectives = {o["id"]: o for o in all_objectives(plan.to_dict())}
    assert objectives["safety-plan-completed"]["due_after_condition_days"] == 0
    assert objectives["safety-follow-up-contact"]["due_after_condition_days"] == 3
    waiting = {g["id"]: g for g in plan_to_goal_document(plan)["x-waiting-goals"]}
    for key, days in (("safety-plan-completed", 0), ("safety-follow-up-contact", 3)):
        assert "due_date" not in waiting[key], waiting[key]
        assert waiting[key]["due_after_condition_days"] == days
    # a condition settled at this visit keeps its date and no relative one
    settled = _plan(engine, _raw(name)).to_dict()
    for objective in all_objectives(settled):
        assert "due_after_condition_days" not in objective
