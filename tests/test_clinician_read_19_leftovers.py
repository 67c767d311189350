"""Clinician read 19's carried-over items, each a scenario test that fails without its fix:

* one risk question, one task (read 17 S5, read 18, read 19 S2): a risk question left blank or
  never given is asked within the structured risk assessment, not by a step of its own, and a
  PHQ-9 another problem gives today is named as the answer to it, recorded once;
* the Now row counts only the self-help that is not held (read 18 S2(b), read 19 S3), and says
  what the patient carries once the hold ends; the budget still counts the held steps;
* held goals on the patient copy carry no date, wherever the statement puts it (read 18 S2(d),
  read 19 S4: the cardiac breathing goal kept "by 18 January 2027" before a "; ..." clause);
* after a referral for urgent care, a dated safety objective "Urgent service contact confirmed"
  (read 19, M1's last ask), with its rule id and inputs, SMART-lint clean in the goal file;
* a held step says what it waits for in a structured field (``hold``), which documents read
  instead of searching the step's notes; the task that gives the PHQ-9 names the risk item from
  the instrument's data and says it once by a structured marker, not by searching its text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
import pytest

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, held_by_safety, plan_with_records, steps_by_id
from planengine.render._plan import render_markdown, render_patient
from planengine.render._words import words_data
from test_clinician_read_17_same_visit import (
    RECORD,
    RISK_UNKNOWN,
    _disposed,
    _plan,
    _raw,
    _with_phq9,
)

#: read 17's accepted words for the one step that asks the question
ASK = (
    "a structured risk assessment (for example the C-SSRS screener), including PHQ-9 item 9 or "
    "a direct question"
)
#: the PHQ-9 another problem gives today, by example (its task's problem)
PHQ9_TODAY = {
    "trauma-pcl5-insomnia.yaml": "Trauma",
    "alcohol-anxiety-sleep.yaml": "Anxiety",
    "screens-and-wellbeing.yaml": "Depression",
    "lifestyle-stress-cardiac.yaml": "Well-being",
}


def _safety_steps(plan: Any) -> list[dict[str, Any]]:
    return list(plan.to_dict()["problems"][0]["interventions"])


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_one_risk_question_is_one_task(engine, name: str) -> None:
    plan = _plan(engine, _raw(name))
    steps = _safety_steps(plan)
    ids = [s["id"] for s in steps]
    assert ids[0] == "safety-risk-assessment"  # the safety step stays at the top
    assert "safety-complete-risk-item" not in ids
    text = render_markdown(plan)
    assert "Ask the suicide-risk question directly now" not in text
    assert "Ask the unanswered risk question now" not in text
    assessment = steps[0]
    assert assessment["title"] == "Ask about suicidal thoughts today: a structured risk assessment"
    assert ASK in assessment["description"]
    assert RECORD in assessment["description"]  # how the hold ends, on either answer
    assert assessment["objectives"] == ["safety-risk-asked"]
    assert held_by_safety(plan)  # the hold stays until the answer is recorded


@pytest.mark.parametrize(("name", "problem"), sorted(PHQ9_TODAY.items()))
def test_a_phq9_given_today_answers_the_risk_question_once(engine, name: str, problem: str) -> None:
    plan = _plan(engine, _raw(name))
    assessment = _safety_steps(plan)[0]
    once = f"The PHQ-9 given today ({problem} task) answers the risk question; record it once."
    assert once in assessment["description"]
    # the task is that problem's, and it gives the PHQ-9 at this visit
    owner = next(p for p in plan.to_dict()["problems"] if p["title"] == problem)
    assert any(s.get("administers") == "phq9" for s in owner["interventions"])
    assert render_markdown(plan).count("answers the risk question; record it once") == 1


def test_a_blank_item_9_names_no_phq9_given_today(engine) -> None:
    assessment = _safety_steps(_plan(engine, _raw("missing-item9.json")))[0]
    assert "answers the risk question; record it once" not in assessment["description"]
    assert "A blank answer is never treated as 'not at all'" in assessment["description"]


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_a_recorded_no_still_releases_the_hold(engine, name: str) -> None:
    plan = _plan(engine, _disposed(name, "assessed-no-current-risk-identified"))
    assert not held_by_safety(plan)
    assert _safety_steps(plan)[0]["id"] == "safety-risk-assessment"


@pytest.mark.parametrize("name", RISK_UNKNOWN)
def test_an_urgent_referral_keeps_the_hold(engine, name: str) -> None:
    assert held_by_safety(_plan(engine, _disposed(name, "assessed-referred-for-urgent-care")))


@pytest.mark.parametrize("name", [n for n in RISK_UNKNOWN if n != "missing-item9.json"])
def test_a_phq9_with_item_9_at_0_opens_no_hold(engine, name: str) -> None:
    plan = _plan(engine, _with_phq9(name, 0))
    assert not held_by_safety(plan)
    assert "safety-risk-assessment" not in steps_by_id(plan.to_dict())


#: the Now row's busiest week of self-help once the hold ends, by example (read 19, S3)
NOW_ONCE_RELEASED = {
    "alcohol-anxiety-sleep.yaml": 189,
    "lifestyle-stress-cardiac.yaml": 100,
    "screens-and-wellbeing.yaml": 74,
    "missing-item9.json": 70,
}


def _now_row(plan: Any) -> str:
    return next(line for line in render_markdown(plan).splitlines() if line.startswith("| Now |"))


def _unheld_now_minutes(plan: Any) -> int:
    """The busiest week of the self-help of now that is not held, counted from the steps."""
    from planengine.plan.stepped_care._dose import homework_minutes

    weeks = [0] * 60
    for problem in plan.problems:
        for step in problem.interventions:
            minutes = homework_minutes(step)
            if step.phase != "now" or step.status == "held" or not minutes:
                continue
            start = (step.phasing.start_week if step.phasing else None) or 1
            for week in range(start, start + (step.course_weeks or 26)):
                weeks[week] += minutes
    return round(max(weeks))


@pytest.mark.parametrize(("name", "minutes"), sorted(NOW_ONCE_RELEASED.items()))
def test_the_now_row_counts_only_steps_that_are_not_held(engine, name: str, minutes: int) -> None:
    plan = _plan(engine, _raw(name))
    now = plan.to_dict()["burden"]["now"]
    assert held_by_safety(plan)
    # the budget and the burden still count what the patient carries once the hold ends
    assert now["homework_minutes_per_week"] == minutes
    assert now["homework_minutes_while_held"] == _unheld_now_minutes(plan) < minutes
    assert _now_row(plan).endswith(
        f"| {now['homework_minutes_while_held']} ({minutes} once the risk question is answered "
        "'not at all' today) |"
    )


@pytest.mark.parametrize(("name", "minutes"), sorted(NOW_ONCE_RELEASED.items()))
def test_once_released_the_now_row_counts_every_step(engine, name: str, minutes: int) -> None:
    plan = _plan(engine, _disposed(name, "assessed-no-current-risk-identified"))
    now = plan.to_dict()["burden"]["now"]
    assert now["homework_minutes_per_week"] == minutes  # the same load, now all started
    assert "homework_minutes_while_held" not in now
    assert _now_row(plan).endswith(f"| {minutes} |")


def test_a_reported_risk_row_says_what_the_hold_waits_for(engine) -> None:
    plan = _plan(engine, _raw("severe-with-risk-flag.yaml"))
    assert "once today's risk assessment is recorded) |" in _now_row(plan)
    urgent = plan_with_records(engine, "severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care")
    assert "once the urgent service has seen the patient and a new disposition is recorded) |" in (
        _now_row(urgent)
    )


def test_a_held_step_still_counts_against_the_budget(engine) -> None:
    """The hold may not let a step escape the weekly budget: the plan's limits are checked with
    the held minutes in (the placement is the same as once released)."""
    name = "alcohol-anxiety-sleep.yaml"
    held = _plan(engine, _raw(name)).to_dict()
    released = _plan(engine, _disposed(name, "assessed-no-current-risk-identified")).to_dict()
    limit = held["burden"]["limits"]["homework_minutes_per_week"]
    assert held["burden"]["now"]["homework_minutes_per_week"] <= limit
    for phase in ("now", "next", "later"):
        assert (
            held["burden"][phase]["homework_minutes_per_week"]
            == released["burden"][phase]["homework_minutes_per_week"]
        )


#: a date in a patient copy's goal line ("by 18 January 2027")
_DATED = re.compile(r"\bby \d{1,2} [A-Z][a-z]+ \d{4}")


def _held_goal_lines(copy: str) -> list[str]:
    """The goal lines of a patient copy that end as a held or later goal does (documents.yaml
    ``goal_held*``, ``goal_later``)."""
    texts = words_data()["patient"]["text"]
    endings = tuple(" " + texts[k] for k in texts if k.startswith(("goal_held", "goal_later")))
    return [line for line in copy.splitlines() if line.startswith("- ") and line.endswith(endings)]


def test_the_cardiac_breathing_goal_reads_like_the_other_held_goals(engine) -> None:
    copy = render_patient(_plan(engine, _raw("lifestyle-stress-cardiac.yaml")))
    breathing = next(line for line in copy.splitlines() if "Practise slow breathing" in line)
    assert "18 January 2027" not in breathing
    assert breathing == (
        "- Practise slow breathing when calm for 5 minutes on at least 5 days a week; gentle "
        "muscle relaxation is added once the heart team agrees (your clinician will tell you "
        "today whether this starts now)."  # read 23, S1
    )


@pytest.mark.parametrize(
    "name", [*sorted(p.name for p in EXAMPLES.glob("*.y*ml")), "missing-item9.json"]
)
def test_no_held_goal_on_a_patient_copy_carries_a_date(engine, name: str) -> None:
    copy = render_patient(_plan(engine, _raw(name)))
    lines = _held_goal_lines(copy)
    if name in PHQ9_TODAY:  # each of them has held goals
        assert lines
    for line in lines:
        assert not _DATED.search(line), line


URGENT = "assessed-referred-for-urgent-care"
URGENT_CONTACT = "safety-urgent-contact-confirmed"


def _urgent(engine, name: str) -> Any:
    return plan_with_records(engine, name, URGENT)


@pytest.mark.parametrize(
    "name", ["severe-with-risk-flag.yaml", "suicidal-words-in-goals.yaml", "old-item9-history.yaml"]
)
def test_an_urgent_referral_adds_a_dated_contact_check(engine, name: str) -> None:
    plan = _urgent(engine, name)
    safety = plan.to_dict()["problems"][0]
    objectives = {o["id"]: o for o in safety["objectives"]}
    confirmed = objectives[URGENT_CONTACT]
    # by the next working day after the referral (Monday 2026-12-07), not the 72-hour
    # follow-up (clinician read 20, S3: urgent-contact-working-days, by default 1)
    assert objectives["safety-follow-up-contact"]["due_date"] == "2026-12-10"
    due = "2026-12-08"
    assert confirmed["statement"] == f"Urgent service contact confirmed, by {due}."
    assert confirmed["due_date"] == due and confirmed["review_interval_days"] == 1
    assert "condition" not in confirmed  # due, not conditional: the referral was made
    assert confirmed["provenance"]["source"] == "rule:safety.urgent-contact-confirmed"
    assert "$.risk_dispositions[0]" in confirmed["provenance"]["inputs"]
    assert len(confirmed["provenance"]["inputs"]) >= 2  # the flag's signal too
    # the step that reads as the referral made serves it
    step = next(s for s in safety["interventions"] if s["id"] == "safety-specialist-option")
    assert step["objectives"] == [URGENT_CONTACT]
    assert (
        "**Urgent service contact confirmed, by 8 December 2026.** Due 8 December 2026; "
        "checked each day until it is done." in render_markdown(plan)
    )


def test_the_urgent_contact_check_is_smart_lint_clean(engine) -> None:
    import yaml

    from planengine import check_goals
    from planengine.render._plan import render_goals

    document = yaml.safe_load(render_goals(_urgent(engine, "severe-with-risk-flag.yaml")))
    index = next(i for i, g in enumerate(document["goals"]) if g["id"] == URGENT_CONTACT)
    found = check_goals(document, as_of=dt.date(2026, 12, 7), autoload=False)
    mine = [v for v in found if v.location.json_path.startswith(f"$.goals[{index}]")]
    assert not [v for v in mine if v.severity in ("error", "warning")], mine
    # no finding of its own beyond what every clinician-set safety goal has
    first = [v.code for v in found if v.location.json_path.startswith("$.goals[0]")]
    assert sorted(v.code for v in mine) == sorted(first)


@pytest.mark.parametrize(
    "outcome", ["assessed-safety-plan-in-place", "assessed-no-current-risk-identified"]
)
def test_no_other_outcome_adds_the_urgent_contact_check(engine, outcome: str) -> None:
    for plan in (
        plan_with_records(engine, "severe-with-risk-flag.yaml", outcome),
        _plan(engine, _raw("severe-with-risk-flag.yaml")),
        _plan(engine, _raw("trauma-pcl5-insomnia.yaml")),
    ):
        ids = [o["id"] for o in plan.to_dict()["problems"][0]["objectives"]]
        assert URGENT_CONTACT not in ids


#: what each example's safety hold waits for (``hold``), as its notes and the plan's words say
HOLD_BY_EXAMPLE = {
    "trauma-pcl5-insomnia.yaml": "risk-question",
    "alcohol-anxiety-sleep.yaml": "risk-question",
    "missing-item9.json": "risk-question",
    "severe-with-risk-flag.yaml": "risk-assessment",
    "suicidal-words-in-goals.yaml": "risk-assessment",
    "ptsd-risky-behaviour.yaml": "risk-review",
    "relationships-with-ipv.yaml": "private-assessment",
}


@pytest.mark.parametrize(("name", "reason"), sorted(HOLD_BY_EXAMPLE.items()))
def test_a_held_step_says_what_it_waits_for(engine, name: str, reason: str) -> None:
    from planengine._model import HOLD_REASONS

    plan = _plan(engine, _raw(name))
    safety_held = set(held_by_safety(plan))
    assert safety_held
    for step in steps_by_id(plan.to_dict()).values():
        if step["id"] in safety_held:
            assert step["hold"] == reason, step["id"]
        elif step["status"] == "held":  # a strategy's own hold rule
            assert step["hold"] == "contraindication", step["id"]
            assert any(n.startswith("Held (") for n in step["notes"])
        else:
            assert "hold" not in step
        assert step.get("hold") in (None, *HOLD_REASONS)


def test_an_urgent_referral_holds_for_urgent_care(engine) -> None:
    plan = _urgent(engine, "severe-with-risk-flag.yaml")
    held = set(held_by_safety(plan))
    assert held
    assert {s["hold"] for s in steps_by_id(plan.to_dict()).values() if s["id"] in held} == {
        "urgent-care"
    }


def test_the_status_label_reads_the_hold_not_the_notes() -> None:
    from planengine.render._words import status_label

    urgent = "Held until the urgent service has seen the patient and a new disposition is recorded"
    note = f"Held until {urgent[len('Held until ') :].lower()} (safety.hold-self-guided)."
    assert status_label({"status": "held", "hold": "urgent-care", "notes": []}) == urgent
    # a note with the words but no structured reason: the plain held label
    assert status_label({"status": "held", "notes": [note]}) == "Held until a clinician reviews it"
    assert status_label({"status": "held", "hold": "risk-question"}) == (
        "Held until the risk question is asked today and answered 'not at all' with no clinician "
        "concern (if it is endorsed, until the clinician's risk assessment is recorded)"
    )
    assert status_label({"status": "active", "hold": "urgent-care"}) == "Active"


def test_a_hold_outside_the_vocabulary_breaks_the_plan_schema() -> None:
    """One list of reasons: the model's and the plan schema's; a step Python plugin code wrote
    with another is left out as unfit for the plan schema."""
    import json

    from planengine import Intervention, Provenance
    from planengine._model import HOLD_REASONS
    from planengine.plan._plugin_output import step_problem

    schema = json.loads((EXAMPLES.parent / "schemas" / "plan.schema.json").read_text())
    assert schema["$defs"]["intervention"]["properties"]["hold"]["enum"] == list(HOLD_REASONS)
    step = Intervention(
        "x", "sleep", "X", "x", "self-guided", "why", Provenance("rule:x"), status="held"
    )
    for reason in HOLD_REASONS:
        assert step_problem(attrs.evolve(step, hold=reason)) is None
    problem = step_problem(attrs.evolve(step, hold="later"))
    assert problem is not None and "hold" in problem


def _phq9_task(engine) -> tuple[Any, Any]:
    plan = _plan(engine, _raw("trauma-pcl5-insomnia.yaml"))
    problem = next(p for p in plan.problems if p.title == "Trauma")
    return problem, next(o for o in problem.objectives if o.id == "trauma-phq9-at-this-visit")


def test_the_phq9_task_names_the_risk_item_from_data_once(engine) -> None:
    import copy

    from planengine.plan._risk_flags import RiskQuestion
    from planengine.plan._risk_item_task import replan_on_risk_item

    problem, task = _phq9_task(engine)
    assert task.replans_on_risk_item
    assert task.measure.method.count("the plan is made again") == 1
    assert "item 9's answer is recorded today" in task.measure.method
    # made again, the marker (not the words) keeps it to one
    fresh = copy.deepcopy(problem)
    replan_on_risk_item([fresh], {"phq9": RiskQuestion("PHQ-9", 9, 1)}, EXAMPLE_AS_OF)
    again = next(o for o in fresh.objectives if o.id == "trauma-phq9-at-this-visit")
    assert again.measure.method == task.measure.method
    # an instrument whose risk item is another: its name, from the data, not "item 9"
    other = copy.deepcopy(problem)
    mine = next(o for o in other.objectives if o.id == "trauma-phq9-at-this-visit")
    mine.replans_on_risk_item = False
    mine.measure = attrs.evolve(mine.measure, method="clinician records it")
    replan_on_risk_item([other], {"phq9": RiskQuestion("PHQ-9", 3, 2)}, EXAMPLE_AS_OF)
    assert mine.measure.method.startswith(
        "clinician records it; item 3's answer is recorded today, whatever it is"
    )
    assert "if item 3 is 2 or more, the plan opens" in mine.measure.method
